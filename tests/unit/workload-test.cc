/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Workload plugins: what each generates from its keys, checked against its definition.
#include "ns3/flow-size-cdf.h"
#include "ns3/scenario.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <unistd.h>

using namespace ns3;

namespace
{
/// 16 single-GPU hosts on a 3-tier fat-tree of radix 4, and \p workloads.
const char* FAT_TREE =
    "topology: {fabric: {planes: [{generator: fat-tree, tiers: 3, radix: 4}]}}\n";

/// 4 HGX servers (8 GPUs, 8 NICs) on 8 rail planes.
const char* RAILS =
    "topology:\n  hosts: {count: 4, profile: hgx-b200}\n"
    "  fabric: {planes: [{name: rail, count: 8, generator: leaf-spine, radix: 8}]}\n";

Scenario
Read(const std::string& text, std::vector<Diagnostic>& d, const std::vector<std::string>& set = {})
{
    return ParseScenario(text, "w.yaml", d, set);
}

/// Read a scenario that must have no problems.
Scenario
ReadOk(const std::string& text, const std::vector<std::string>& set = {})
{
    std::vector<Diagnostic> d;
    Scenario s = Read(text, d, set);
    for (const auto& problem : d)
    {
        ADD_FAILURE() << problem.Format();
    }
    return s;
}

/// The one problem of \p text, formatted.
std::string
Problem(const std::string& text, const std::vector<std::string>& set = {})
{
    std::vector<Diagnostic> d;
    Read(text, d, set);
    EXPECT_EQ(d.size(), 1u);
    return d.empty() ? "" : d[0].Format();
}
} // namespace

TEST(Workloads, IncastDrawsDistinctSendersOfOtherHostsOnTheReceiversRail)
{
    Scenario s = ReadOk(std::string(FAT_TREE) + "workloads:\n"
                                                "  - {type: incast, receiver: host5, senders: 7, "
                                                "size: 64KiB, start: 3us}\n");
    ASSERT_EQ(s.flows.size(), 7u);
    std::set<uint32_t> senders;
    for (const auto& f : s.flows)
    {
        EXPECT_EQ(f.dst, "host5");
        EXPECT_NE(f.srcNode, f.dstNode);
        EXPECT_EQ(f.bytes, 64u * 1024);
        EXPECT_EQ(f.start, MicroSeconds(3));
        senders.insert(f.srcNode);
    }
    EXPECT_EQ(senders.size(), 7u);
    EXPECT_EQ(s.workloads.at(0).name, "incast-0");

    // On rails the default pool is the receiver's NIC index.
    s = ReadOk(std::string(RAILS) + "workloads:\n  - {type: incast, receiver: host0:3, senders: "
                                    "3, size: 1MiB}\n");
    ASSERT_EQ(s.flows.size(), 3u);
    for (const auto& f : s.flows)
    {
        EXPECT_EQ(f.srcNic, 3u);
        EXPECT_EQ(f.fabricNic, 3u) << "no PXN relay on the receiver's own rail";
    }
    EXPECT_EQ(Problem(std::string(RAILS) + "workloads:\n  - {type: incast, receiver: host0:3, "
                                           "senders: 4, size: 1MiB}\n"),
              "w.yaml:5:48: workloads[0].senders: 4 senders, but only 3 NICs of other hosts to "
              "draw them from");
}

TEST(Workloads, PermutationSendsAndReceivesOnceAtEveryNic)
{
    Scenario s = ReadOk(std::string(RAILS) + "workloads:\n  - {type: permutation, size: 1MiB}\n");
    ASSERT_EQ(s.flows.size(), 32u);
    std::map<std::pair<uint32_t, uint32_t>, int> sent;
    std::map<std::pair<uint32_t, uint32_t>, int> received;
    for (const auto& f : s.flows)
    {
        EXPECT_FALSE(f.srcNode == f.dstNode && f.srcNic == f.dstNic);
        ++sent[{f.srcNode, f.srcNic}];
        ++received[{f.dstNode, f.dstNic}];
    }
    EXPECT_EQ(sent.size(), 32u);
    EXPECT_EQ(received.size(), 32u);
    for (const auto& [nic, count] : received)
    {
        EXPECT_EQ(count, 1);
    }
    // Another seed, another permutation; the same seed, the same one.
    Scenario again =
        ReadOk(std::string(RAILS) + "workloads:\n  - {type: permutation, size: 1MiB}\n");
    Scenario other = ReadOk(std::string(RAILS) + "seed: 2\nworkloads:\n  - {type: permutation, "
                                                 "size: 1MiB}\n");
    auto destinations = [](const Scenario& x) {
        std::vector<std::string> d;
        for (const auto& f : x.flows)
        {
            d.push_back(f.dst);
        }
        return d;
    };
    EXPECT_EQ(destinations(s), destinations(again));
    EXPECT_NE(destinations(s), destinations(other));
}

TEST(Workloads, AllToAllJoinsEveryOrderedPairOnce)
{
    Scenario s = ReadOk(std::string(FAT_TREE) +
                        "workloads:\n  - {type: all-to-all, size: 4KiB, hosts: {from: 2, count: "
                        "5}}\n");
    ASSERT_EQ(s.flows.size(), 5u * 4);
    std::set<std::pair<std::string, std::string>> pairs;
    for (const auto& f : s.flows)
    {
        pairs.insert({f.src, f.dst});
        EXPECT_NE(f.src, f.dst);
    }
    EXPECT_EQ(pairs.size(), 20u);
    EXPECT_EQ(pairs.count({"host2", "host6"}), 1u);
    EXPECT_EQ(pairs.count({"host1", "host2"}), 0u) << "host1 is not selected";
}

TEST(Workloads, RandomTrafficOffersItsLoadWithSizesFromTheCdf)
{
    // 16 NICs at 800 Gb/s for 100 ms at 50 % load with web-search sizes: about 47,000 flows.
    // The offered load is sum(bytes) x 8 / (duration x 16 x rate); its relative standard error
    // is sqrt((1 + CV^2) / n), about 1 %.
    std::string cdf = std::string(NSFAB_SOURCE_DIR) + "/scenarios/flow-sizes/web-search.cdf";
    Scenario s = ReadOk("topology: {hosts: {count: 16}, fabric: {planes: [{generator: leaf-spine, "
                        "radix: 8}]}}\nworkloads:\n  - {type: random, sizes: " +
                        cdf + ", load: 0.5, duration: 100ms, start: 1ms}\n");
    ASSERT_GT(s.flows.size(), 10000u);
    double bytes = 0;
    Time last;
    std::vector<double> sizes;
    for (const auto& f : s.flows)
    {
        bytes += f.bytes;
        sizes.push_back(f.bytes);
        EXPECT_GE(f.start, MilliSeconds(1));
        EXPECT_LT(f.start, MilliSeconds(101));
        EXPECT_GE(f.start, last) << "flows are in start order";
        last = f.start;
        EXPECT_NE(f.srcNode, f.dstNode);
    }
    double offered = bytes * 8 / (0.1 * 16 * 800e9);
    EXPECT_NEAR(offered, 0.5, 0.5 * 0.02);

    // Kolmogorov-Smirnov: the sizes follow the CDF (critical value at 1 %: 1.63 / sqrt(n)).
    std::vector<Diagnostic> d;
    auto dist = FlowSizeCdf::Load(cdf, d);
    ASSERT_TRUE(dist);
    std::sort(sizes.begin(), sizes.end());
    double ks = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i)
    {
        if (i + 1 < sizes.size() && sizes[i + 1] == sizes[i])
        {
            continue; // compare at the top of each step of the empirical CDF
        }
        ks = std::max(ks, std::abs(double(i + 1) / sizes.size() - dist->Cdf(sizes[i])));
    }
    EXPECT_LT(ks, 1.63 / std::sqrt(double(sizes.size())));

    // Each NIC's arrivals are a Poisson process: exponential gaps, whose standard deviation
    // equals their mean, 1 / rate (pooled over the 16 NICs: ~48,000 gaps, standard error
    // 0.5 %).
    std::map<std::string, Time> previous;
    std::vector<double> gaps;
    for (const auto& f : s.flows)
    {
        auto [it, first] = previous.try_emplace(f.src, MilliSeconds(1));
        gaps.push_back((f.start - it->second).GetSeconds());
        it->second = f.start;
    }
    double mean = 0;
    double square = 0;
    for (double g : gaps)
    {
        mean += g / gaps.size();
        square += g * g / gaps.size();
    }
    double rate = 0.5 * 800e9 / (8 * dist->GetMean());
    EXPECT_NEAR(mean, 1 / rate, 0.02 / rate);
    EXPECT_NEAR(std::sqrt(square - mean * mean), mean, 0.03 * mean);
}

TEST(Workloads, RandomTrafficNeedsADurationWhenTheRunStopsWhenDone)
{
    std::string cdf = std::string(NSFAB_SOURCE_DIR) + "/scenarios/flow-sizes/web-search.cdf";
    EXPECT_EQ(Problem(std::string(FAT_TREE) + "workloads:\n  - {type: random, sizes: " + cdf +
                      ", load: 0.5}\n"),
              "w.yaml:3:5: workloads[0].duration: required when the scenario runs until all work "
              "is done (stop: done)");
    // With a stop time it runs until then.
    Scenario s =
        ReadOk(std::string(FAT_TREE) + "stop: 20us\nworkloads:\n  - {type: random, sizes: " + cdf +
               ", load: 0.9}\n");
    ASSERT_FALSE(s.flows.empty());
    EXPECT_LT(s.flows.back().start, MicroSeconds(20));
    EXPECT_EQ(Problem(std::string(FAT_TREE) + "workloads:\n  - {type: random, sizes: " + cdf +
                      ", load: 1.5, duration: 1ms}\n"),
              "w.yaml:3:" + std::to_string(35 + cdf.size()) +
                  ": workloads[0].load: 1.5 is out of range [0, 1]");
}

class FlowFileTest : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        m_dir =
            std::filesystem::temp_directory_path() / ("nsfab-flows-" + std::to_string(getpid()));
        std::filesystem::create_directories(m_dir);
    }

    void TearDown() override
    {
        std::filesystem::remove_all(m_dir);
    }

    /// A scenario in the test folder reading \p flows as its flow.txt.
    std::string Scenario(const std::string& flows)
    {
        std::ofstream(m_dir / "flow.txt") << flows;
        std::string file = (m_dir / "s.yaml").string();
        std::ofstream(file) << FAT_TREE
                            << "workloads:\n  - {type: flows, name: hpcc, file: flow.txt, start: "
                               "1us}\n";
        return file;
    }

    std::filesystem::path m_dir;
};

TEST_F(FlowFileTest, ReadsHpccFlowTxt)
{
    // HPCC's format: count, then src dst priority dport size start-seconds.
    std::vector<Diagnostic> d;
    ns3::Scenario s =
        LoadScenario(Scenario("3\n2 1 3 100 200000 2.0\n0 15 3 100 1000 0.000001\n7 8 3 100 5 0\n"),
                     d);
    ASSERT_TRUE(d.empty()) << d[0].Format();
    ASSERT_EQ(s.flows.size(), 3u);
    EXPECT_EQ(s.flows[0].src, "host2");
    EXPECT_EQ(s.flows[0].dst, "host1");
    EXPECT_EQ(s.flows[0].bytes, 200000u);
    EXPECT_EQ(s.flows[0].start, Seconds(2) + MicroSeconds(1));
    EXPECT_EQ(s.flows[1].start, MicroSeconds(2));
    EXPECT_EQ(s.flows[2].bytes, 5u);
    EXPECT_EQ(s.workloads[0].name, "hpcc");
    // The file is an input of the run: its copy is named in the scenario as run.
    ASSERT_EQ(s.inputFiles.size(), 1u);
    EXPECT_EQ(s.inputFiles[0].second, "flow.txt");
}

TEST_F(FlowFileTest, ProblemsAreLocatedInTheFlowFile)
{
    std::string flowFile = (m_dir / "flow.txt").string();

    struct Case
    {
        const char* text;
        std::string error;
    };

    const Case cases[] = {
        {"2\n2 1 3 100 200000 2.0\n", flowFile + ":1:1: announces 2 flows but lists 1"},
        {"1\n2 1 3 100 2x 2.0\n", flowFile + ":2:11: '2x' is not a whole number"},
        {"1\n2 16 3 100 20 2.0\n",
         flowFile + ":2:3: node 16 is not a host of the topology (host16)"},
        {"1\n2 1 3 100 20\n",
         flowFile + ":2:1: expected 6 fields (src dst priority dport size "
                    "start), not 5"},
        {"1\n2 1 3 100 20 soon\n", flowFile + ":2:14: 'soon' is not a start time in seconds"},
        {"x\n", flowFile + ":1:1: 'x' is not a whole number"},
    };
    for (const auto& c : cases)
    {
        std::vector<Diagnostic> d;
        LoadScenario(Scenario(c.text), d);
        ASSERT_FALSE(d.empty()) << c.text;
        EXPECT_EQ(d[0].Format(), c.error);
    }
}

TEST(Workloads, CollectiveSizesAndIterationsRunOneAfterTheOther)
{
    Scenario s = ReadOk(std::string(RAILS) +
                        "workloads:\n  - type: collective\n    op: allreduce\n    size: [1MiB, "
                        "4MiB]\n    iterations: 2\n    ranks: {gpu: 2}\n    algorithm: {name: "
                        "tree, Channels: 2}\n    start: 5us\n");
    ASSERT_EQ(s.collectives.size(), 4u);
    const uint64_t sizes[] = {1 << 20, 1 << 20, 4 << 20, 4 << 20};
    for (uint32_t i = 0; i < 4; ++i)
    {
        const CollectiveSpec& c = s.collectives[i];
        EXPECT_EQ(c.bytes, sizes[i]);
        EXPECT_EQ(c.after, i == 0 ? CollectiveSpec::NONE : i - 1);
        EXPECT_EQ(c.algorithm, "ns3::TreeAlgorithm");
        ASSERT_EQ(c.ranks.size(), 4u) << "GPU 2 of each of the 4 servers";
        for (const auto& gpu : c.ranks)
        {
            EXPECT_EQ(gpu.gpu, 2u);
        }
        ASSERT_EQ(c.attributes.size(), 1u);
        EXPECT_EQ(c.attributes[0].attribute, "Channels");
        EXPECT_EQ(c.attributes[0].value, "2");
    }
    EXPECT_EQ(s.collectives[0].start, MicroSeconds(5));
    // By default every GPU, and the op's default algorithm.
    s = ReadOk(std::string(RAILS) +
               "workloads:\n  - {type: collective, op: alltoall, size: 1MiB}\n");
    ASSERT_EQ(s.collectives.size(), 1u);
    EXPECT_EQ(s.collectives[0].ranks.size(), 32u);
    EXPECT_EQ(s.collectives[0].algorithm, "ns3::DirectAlgorithm");
}

TEST(Workloads, CollectiveProblemsAreLocated)
{
    std::string w = std::string(RAILS) + "workloads:\n  - {type: collective, ";
    EXPECT_EQ(Problem(w + "op: allsum, size: 1MiB}\n"),
              "w.yaml:5:28: workloads[0].op: unknown collective 'allsum' (valid: allreduce, "
              "allgather, reducescatter, alltoall, broadcast)");
    EXPECT_EQ(
        Problem(w + "op: allreduce, size: 1MiB, algorithm: fast}\n"),
        "w.yaml:5:62: workloads[0].algorithm: unknown collective algorithm 'fast' (valid: "
        "ring, tree, direct, hierarchical, pat, or the TypeId of a CollectiveAlgorithm subclass)");
    EXPECT_EQ(Problem(w + "op: allreduce, size: 1MiB, algorithm: hierarchical, ranks: [host0:0, "
                          "host0:1, host1:0]}\n"),
              "w.yaml:5:5: workloads[0]: hierarchical needs as many ranks on every server: rank "
              "0's server has 2, rank 2's has 1");
    EXPECT_EQ(Problem(w + "op: allreduce, size: [1MiB, 0B]}\n"),
              "w.yaml:5:52: workloads[0].size[1]: at least one byte");
    EXPECT_EQ(Problem(w + "op: allreduce, size: 1MiB, ranks: [host0:8]}\n"),
              "w.yaml:5:59: workloads[0].ranks[0]: 'host0:8': a host's GPU is numbered 0..7");
    EXPECT_EQ(Problem(w + "op: allreduce, size: 1MiB, ranks: {gpu: 9}}\n"),
              "w.yaml:5:58: workloads[0].ranks: selects no GPU");
    EXPECT_EQ(Problem(w + "op: allreduce, size: 1MiB, algorithm: {name: ring, Lanes: 2}}\n"),
              Problem(w + "op: allreduce, size: 1MiB, algorithm: {name: ring, Lanes: 2}}\n"));
    EXPECT_EQ(Problem(w + "op: allreduce, size: 16B}\n"),
              "w.yaml:5:5: workloads[0]: 16 bytes are too few for 32 ranks: every rank and "
              "channel needs a share (at least ranks x channels bytes)");
}

TEST(Workloads, UnknownTypesAndKeysAreLocated)
{
    EXPECT_EQ(Problem(std::string(FAT_TREE) + "workloads:\n  - {type: burst, size: 1MiB}\n"),
              "w.yaml:3:12: workloads[0].type: unknown workload type 'burst' (valid: flows, "
              "incast, permutation, all-to-all, random, collective, training, chakra, or the "
              "TypeId of a Workload subclass)");
    EXPECT_EQ(
        Problem(std::string(FAT_TREE) +
                "workloads:\n  - {type: permutation, size: 1MiB, sise: 2MiB}\n"),
        "w.yaml:3:37: workloads[0].sise: unknown key (valid keys: type, name, start, after, hosts, "
        "size)");
    EXPECT_EQ(Problem(std::string(FAT_TREE) + "workloads:\n  - {type: permutation, size: 1MiB}\n"
                                              "  - {type: permutation, size: 1MiB, name: "
                                              "permutation-0}\n"),
              "w.yaml:4:43: workloads[1].name: another workload is named 'permutation-0'");
    EXPECT_EQ(Problem(std::string(FAT_TREE) + "stop: 1ms\nworkloads:\n  - {type: permutation, "
                                              "size: 1MiB, start: 1ms}\n"),
              "w.yaml:4:44: workloads[0].start: starts at or after the stop time (1000000000 ps)");
}

TEST(Workloads, SetOverridesAnyKeyAndIsCheckedLikeTheFile)
{
    std::string text = std::string(FAT_TREE) + "workloads:\n  - {type: permutation, size: 1MiB}\n";
    Scenario s = ReadOk(text,
                        {"seed=7",
                         "workloads[0].size=2MiB",
                         "transport.congestion-control=dcqcn",
                         "stop=3ms",
                         "workloads[0].hosts=[host1, host2, host3]"});
    EXPECT_EQ(s.seed, 7u);
    EXPECT_EQ(s.stop, MilliSeconds(3));
    EXPECT_EQ(s.congestionControl, "ns3::DcqcnCongestionControl");
    ASSERT_EQ(s.flows.size(), 3u);
    EXPECT_EQ(s.flows[0].bytes, 2u << 20);
    // The scenario as run records the overrides.
    EXPECT_NE(s.inputYaml.find("seed: 7"), std::string::npos) << s.inputYaml;

    EXPECT_EQ(
        Problem(text, {"workloads[0].size=-1MiB"}),
        "--set workloads[0].size=-1MiB: workloads[0].size: " + [] {
            std::vector<Diagnostic> d;
            ParseScenario(std::string(FAT_TREE) +
                              "workloads:\n  - {type: permutation, size: -1MiB}\n",
                          "w.yaml",
                          d);
            return d.at(0).message;
        }());
    EXPECT_EQ(Problem(text, {"workloads[3].size=1MiB"}),
              "--set workloads[3].size=1MiB: 'workloads' has 1 entries");
    EXPECT_EQ(Problem(text, {"seed"}),
              "--set seed: expected key.path=value, e.g. transport.mtu=1024 or "
              "workloads[0].size=1MiB");
    EXPECT_EQ(Problem(text, {"workloads[0].size.bytes=1"}),
              "--set workloads[0].size.bytes=1: 'workloads[0].size' is not a map");
    EXPECT_EQ(Problem(text, {"transport.speed=1"}),
              "--set transport.speed=1: transport.speed: unknown key (valid keys: mtu, "
              "ack-interval, congestion-control, loss-recovery, out-of-order-placement, "
              "cnp-interval, load-balancing, awake-queue-pairs)");
}

TEST_F(FlowFileTest, InputFilesGetDistinctNamesInTheResults)
{
    // Two size files of the same name, and a flow file named like the scenario itself.
    std::string cdf = std::string(NSFAB_SOURCE_DIR) + "/scenarios/flow-sizes/web-search.cdf";
    for (const char* dir : {"a", "b"})
    {
        std::filesystem::create_directories(m_dir / dir);
        std::filesystem::copy(cdf, m_dir / dir / "sizes.cdf");
    }
    std::ofstream(m_dir / "scenario.yaml") << "1\n0 1 3 100 1000 0\n";
    std::string file = (m_dir / "s.yaml").string();
    std::ofstream(file) << FAT_TREE << "stop: 10us\nworkloads:\n"
                        << "  - {type: random, sizes: a/sizes.cdf, load: 0.1}\n"
                        << "  - {type: random, sizes: b/sizes.cdf, load: 0.1}\n"
                        << "  - {type: random, sizes: a/sizes.cdf, load: 0.1}\n"
                        << "  - {type: flows, file: scenario.yaml}\n";
    std::vector<Diagnostic> d;
    ns3::Scenario s = LoadScenario(file, d);
    ASSERT_TRUE(d.empty()) << d[0].Format();
    std::vector<std::pair<std::string, std::string>> expected{
        {(m_dir / "a/sizes.cdf").string(), "sizes.cdf"},
        {(m_dir / "b/sizes.cdf").string(), "2-sizes.cdf"},
        {(m_dir / "scenario.yaml").string(), "2-scenario.yaml"}};
    EXPECT_EQ(s.inputFiles, expected);
    EXPECT_NE(s.inputYaml.find("sizes: 2-sizes.cdf"), std::string::npos) << s.inputYaml;
    EXPECT_NE(s.inputYaml.find("file: 2-scenario.yaml"), std::string::npos) << s.inputYaml;
}
