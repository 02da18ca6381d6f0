/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Scenario runs with workloads: ideal FCTs, shared fabrics, chained collectives, and the
// records a run keeps (queue samples, PFC frames).
#include "fabric-test.h"

#include "ns3/results-writer.h"
#include "ns3/scenario-runner.h"

#include <filesystem>
#include <map>
#include <set>

using namespace ns3;
using namespace nsfab_test;

namespace
{
Scenario
Load(const std::string& text, const std::vector<std::string>& set = {})
{
    std::vector<Diagnostic> d;
    Scenario s = ParseScenario(text, "e.yaml", d, set);
    for (const auto& problem : d)
    {
        ADD_FAILURE() << problem.Format();
    }
    return s;
}

Scenario
LoadShipped(const std::string& name, const std::vector<std::string>& set = {})
{
    std::vector<Diagnostic> d;
    Scenario s = LoadScenario(std::string(NSFAB_SOURCE_DIR) + "/scenarios/" + name, d, set);
    for (const auto& problem : d)
    {
        ADD_FAILURE() << problem.Format();
    }
    return s;
}

/// Two HGX servers and two single-GPU hosts on 8 rail planes, NVLink inside the servers.
const char* RAILS = R"(topology:
  hosts: {count: 2, profile: hgx-b200}
  fabric: {planes: [{name: rail, count: 8, generator: leaf-spine, radix: 8}]}
)";
} // namespace

TEST_F(FabricTest, LoneFlowsTakeExactlyTheirIdealTime)
{
    // The ideal FCT is computed from the graph (shortest path, cables, pipelines, MTU) apart
    // from the simulation; alone on an idle fabric a flow must take exactly that long, whatever
    // its path: 2 links under one leaf, 4 via a spine, 6 across a fat-tree's core, a PXN relay
    // over NVLink to another rail, and NVLink only inside a server.
    struct Case
    {
        std::string topology;
        const char* flow;
    };

    const std::string leafSpine =
        "topology: {fabric: {planes: [{generator: leaf-spine, radix: 8}]}}\n";
    const std::string fatTree =
        "topology: {fabric: {planes: [{generator: fat-tree, tiers: 3, radix: 4}]}}\n";
    const Case cases[] = {
        {leafSpine, "{src: host0, dst: host1, size: 100000}"},
        {leafSpine, "{src: host0, dst: host12, size: 3MiB}"},
        {leafSpine, "{src: host0, dst: host12, size: 1}"},
        {fatTree, "{src: host0, dst: host15, size: 1MiB}"},
        {RAILS, "{src: host0:0, dst: host1:5, size: 1MiB}"},
        {RAILS, "{src: host0:2, dst: host0:6, size: 1MiB}"},
    };
    for (const auto& c : cases)
    {
        SCOPED_TRACE(c.flow);
        Scenario s = Load(c.topology + "flows: [" + c.flow + "]\n");
        RunResult r = RunScenario(s, "");
        ASSERT_TRUE(r.flows.at(0).completed);
        EXPECT_EQ(r.flows[0].GetFct(), r.flows[0].ideal);
    }
}

TEST_F(FabricTest, AllReduceWithCompetingIncast)
{
    // The shipped scenario: a 12:1 incast of 1 MiB into host0 on switches with 1 MiB of buffer,
    // and a ring AllReduce of 4 MiB on hosts 4-11.
    Scenario s = LoadShipped("allreduce-with-incast.yaml");
    ASSERT_EQ(s.flows.size(), 12u);
    ASSERT_EQ(s.collectives.size(), 1u);
    RunResult r = RunScenario(s, "");
    ASSERT_EQ(r.GetCompleted(), 12u);
    ASSERT_EQ(r.GetCompletedCollectives(), 1u);

    // host0's link carries 12 MiB: the last incast flow cannot end before 12 frames' worth of
    // serialization of all senders' data (data frames at 800 Gb/s).
    double perFlow = std::ceil((1 << 20) / 4096.0) * FrameSeconds(4096, 800e9);
    Time last;
    for (const auto& f : r.flows)
    {
        last = std::max(last, f.receiverEnd);
        EXPECT_GE(f.GetSlowdown(), 1.0);
    }
    EXPECT_GE(last.GetSeconds(), 12 * perFlow);
    // The ring cannot beat 2(n-1)/n S through each NIC.
    const CollectiveResult& c = r.collectives[0].result;
    EXPECT_GE(c.GetTime().GetSeconds(), 2.0 * 7 / 8 * (4 << 20) / 4096 * FrameSeconds(4096, 800e9));

    // 1 MiB of buffer fills within microseconds at 11 x 800 Gb/s of excess: PFC fires, and
    // every PFC frame sent is recorded (one lossless priority: one record per frame).
    EXPECT_GT(r.counters.pfcFrames, 0u);
    EXPECT_EQ(r.pfc.size(), r.counters.pfcFrames);
    EXPECT_EQ(r.counters.drops, 0u) << "lossless";
    std::map<std::tuple<uint32_t, uint32_t, uint32_t>, bool> firstIsPause;
    for (const auto& e : r.pfc)
    {
        firstIsPause.try_emplace({e.node, e.port, e.priority}, e.pause);
    }
    for (const auto& [port, pause] : firstIsPause)
    {
        EXPECT_TRUE(pause) << "a port resumes only what it paused";
    }

    // Queue samples: every microsecond at each of leaf0's ports and host0's NIC; bytes sent
    // never decrease; a port of leaf0 (the one to host0) backs up.
    std::map<std::pair<uint32_t, uint32_t>, std::vector<QueueSample>> byPort;
    for (const auto& q : r.queues)
    {
        byPort[{q.node, q.port}].push_back(q);
    }
    uint32_t leaf0 = s.graph->Find("leaf0");
    EXPECT_EQ(byPort.size(), s.graph->nodes[leaf0].ports + 1);
    uint64_t deepest = 0;
    for (const auto& [port, samples] : byPort)
    {
        // Samples at 0, 1 us, ..., up to the end of the run.
        EXPECT_EQ(samples.size(), r.simTime.GetPicoSeconds() / 1000000 + 1);
        for (std::size_t i = 0; i < samples.size(); ++i)
        {
            EXPECT_EQ(samples[i].time, MicroSeconds(i));
            EXPECT_GE(samples[i].txBytes, i > 0 ? samples[i - 1].txBytes : 0);
        }
        if (port.first == leaf0)
        {
            for (const auto& q : samples)
            {
                deepest = std::max(deepest, q.queueBytes);
            }
        }
    }
    EXPECT_GT(deepest, 100000u);
}

TEST_F(FabricTest, CollectiveIterationsFollowEachOther)
{
    Scenario s = Load(std::string(RAILS) + R"(workloads:
  - {type: collective, op: allreduce, size: [256KiB, 1MiB], iterations: 2, algorithm: hierarchical}
  - {type: collective, op: alltoall, size: 1MiB, ranks: {gpu: 0}, start: 3us}
)");
    ASSERT_EQ(s.collectives.size(), 5u);
    RunResult r = RunScenario(s, "");
    ASSERT_EQ(r.GetCompletedCollectives(), 5u);
    for (uint32_t i = 1; i < 4; ++i)
    {
        const CollectiveResult& before = r.collectives[i - 1].result;
        EXPECT_EQ(r.collectives[i].result.start, before.end) << "iteration " << i;
    }
    EXPECT_EQ(r.collectives[0].result.start, Time());
    EXPECT_EQ(r.collectives[4].result.start, MicroSeconds(3));
    EXPECT_EQ(r.collectives[4].result.algorithm, "direct");
    EXPECT_EQ(r.collectives[4].result.ranks, 2u);
    // The run ends when the last collective does (stop: done by default).
    Time end;
    for (const auto& c : r.collectives)
    {
        end = std::max(end, c.result.end);
    }
    EXPECT_EQ(r.simTime, end);
}

TEST_F(FabricTest, WorkloadsFollowEachOther)
{
    // A training step: AllReduce, then (2 us later) an all-to-all of flows, then a permutation.
    Scenario s = Load(R"(topology: {fabric: {planes: [{generator: fat-tree, tiers: 3, radix: 4}]}}
workloads:
  - {type: collective, name: allreduce, op: allreduce, size: 1MiB}
  - {type: all-to-all, name: exchange, size: 64KiB, hosts: {from: 0, count: 4}, after: allreduce, start: 2us}
  - {type: permutation, name: shuffle, size: 32KiB, after: exchange}
  - {type: incast, name: alone, receiver: host9, senders: 2, size: 16KiB, start: 1us}
)");
    RunResult r = RunScenario(s, "");
    ASSERT_EQ(r.GetCompleted(), s.flows.size());
    ASSERT_EQ(r.GetCompletedCollectives(), 1u);
    Time allreduceEnd = r.collectives[0].result.end;
    Time exchangeEnd;
    Time shuffleStart = Time::Max();
    for (uint32_t i = 0; i < s.flows.size(); ++i)
    {
        const std::string& name = s.workloads[s.flows[i].workload].name;
        if (name == "exchange")
        {
            EXPECT_EQ(r.flows[i].start, allreduceEnd + MicroSeconds(2));
            exchangeEnd = std::max(exchangeEnd, r.flows[i].senderEnd);
        }
        else if (name == "shuffle")
        {
            shuffleStart = std::min(shuffleStart, r.flows[i].start);
            EXPECT_EQ(r.flows[i].start, shuffleStart) << "the whole permutation starts at once";
        }
        else
        {
            EXPECT_EQ(r.flows[i].start, MicroSeconds(1)) << "follows nothing";
        }
    }
    // Complete means acknowledged at the sender: the last ACK of the exchange starts the shuffle.
    EXPECT_EQ(shuffleStart, exchangeEnd);
}

TEST(ShippedScenarios, AllAreValid)
{
    // Every scenario in scenarios/ reads without a problem and has work to do.
    uint32_t count = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(NSFAB_SOURCE_DIR) + "/scenarios"))
    {
        if (entry.path().extension() != ".yaml")
        {
            continue;
        }
        ++count;
        SCOPED_TRACE(entry.path().string());
        std::vector<Diagnostic> d;
        Scenario s = LoadScenario(entry.path().string(), d);
        for (const auto& problem : d)
        {
            ADD_FAILURE() << problem.Format();
        }
        EXPECT_FALSE(s.flows.empty() && s.collectives.empty() && s.jobs.empty());
    }
    EXPECT_GE(count, 10u);
}

TEST(ResultsCsv, NamesAreQuotedWhereTheyMustBe)
{
    // RFC 4180: a field with a comma or a quote is quoted, its quotes doubled; others are not.
    EXPECT_EQ(CsvField("incast"), "incast");
    EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
    EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
    Scenario s = Load(R"(topology: {fabric: {planes: [{generator: leaf-spine, radix: 4}]}}
workloads:
  - {type: flows, name: 'hot, "cold"', flows: [{src: host0, dst: host5, size: 1KiB}]}
  - {type: collective, name: 'ring,1', op: allreduce, size: 1KiB, ranks: {from: 0, count: 2}}
)");
    RunResult r;
    r.flows.resize(s.flows.size());
    r.collectives.resize(s.collectives.size());
    std::istringstream fct(FctCsv(s, r));
    std::string line;
    std::getline(fct, line);
    std::getline(fct, line);
    EXPECT_EQ(line, "0,\"hot, \"\"cold\"\"\",host0,host5,1024,0,,,");
    std::istringstream collectives(CollectivesCsv(s, r));
    std::getline(collectives, line);
    std::getline(collectives, line);
    EXPECT_EQ(line.rfind("0,\"ring,1\",allreduce,", 0), 0u) << line;
}

TEST(ResultsSummary, SplitRunsReportTheirWindows)
{
    Scenario s = Load(R"(topology: {fabric: {planes: [{generator: leaf-spine, radix: 4}]}}
flows: [{src: host0, dst: host5, size: 1KiB}]
)");
    RunResult r;
    r.flows.resize(s.flows.size());
    nlohmann::ordered_json host = SummaryJson(s, r)["host"];
    EXPECT_EQ(host["processes"], 1);
    EXPECT_FALSE(host.contains("lookahead_ps"));
    EXPECT_EQ(SummaryText(s, r).find("MPI"), std::string::npos);

    r.processes = 2;
    r.lookahead = NanoSeconds(250);
    r.windows = 3;
    r.processEvents = {5, 7};
    host = SummaryJson(s, r)["host"];
    EXPECT_EQ(host["processes"], 2);
    EXPECT_EQ(host["lookahead_ps"], 250000);
    EXPECT_EQ(host["windows"], 3);
    EXPECT_EQ(host["events_per_process"].dump(), "[5,7]");
    EXPECT_NE(SummaryText(s, r).find(
                  "\nover 2 MPI processes: lookahead 250ns, 3 windows; events per process: 5 7\n"),
              std::string::npos)
        << SummaryText(s, r);
}
