/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace
{
using Outcome = nsfab_test::CommandOutput;

using nsfab_test::Nsfab;

/// Each test in a folder of its own.
class NsfabCli : public nsfab_test::TempDirTest
{
};

const char* SMALL = "topology: {fabric: {planes: [{generator: leaf-spine, radix: 4}]}}\nflows:\n  "
                    "- {src: host0, dst: host3, size: "
                    "1MiB}\n";
} // namespace

TEST_F(NsfabCli, ProgressGoesToStandardErrorUnlessQuiet)
{
    // Not a terminal here: plain lines, the last one at 100 % with the run's wall time.
    std::string scenario = Write("ok.yaml", SMALL);
    Outcome o = nsfab_test::RunCommand(std::string(NSFAB_BINARY) + " run " + scenario + " --out " +
                                       m_dir + "/a 2>&1 >/dev/null");
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_NE(o.output.find("progress: 100.0% (sim "), std::string::npos) << o.output;
    EXPECT_EQ(o.output.find('\r'), std::string::npos) << "no bar redraws without a terminal";
    o = nsfab_test::RunCommand(std::string(NSFAB_BINARY) + " run -q " + scenario + " --out " +
                               m_dir + "/b 2>&1 >/dev/null");
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_EQ(o.output, "");
}

TEST_F(NsfabCli, RunWritesSummaryJson)
{
    std::string scenario = Write("ok.yaml", SMALL);
    Outcome o = Nsfab("run " + scenario + " --out " + m_dir + "/out");
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_NE(o.output.find("1/1 flows completed"), std::string::npos) << o.output;
    std::ifstream in(m_dir + "/out/summary.json");
    ASSERT_TRUE(in.good());
    nlohmann::json j = nlohmann::json::parse(in);
    EXPECT_EQ(j["schema"], "nsfab-summary/2");
    EXPECT_EQ(j["run"]["flows_completed"], 1);
    auto rows = nsfab_test::ReadCsv(m_dir + "/out/fct.csv");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["bytes"], std::to_string(1 << 20));
    // Alone on the idle fabric the flow takes exactly its ideal time: slowdown 1.
    EXPECT_EQ(rows[0]["fct_ps"], rows[0]["ideal_fct_ps"]);
    EXPECT_EQ(rows[0]["slowdown"], "1.000000");
    EXPECT_NEAR(j["workloads"][0]["flows"]["fct_us"]["max"].get<double>(),
                std::stod(rows[0]["fct_ps"]) * 1e-6,
                1e-9);
    for (const char* key : {"packets", "packet_hops", "drops", "pfc_frames", "ecn_marks", "cnps"})
    {
        EXPECT_TRUE(j["fabric"].contains(key)) << key;
    }
    EXPECT_TRUE(j["host"].contains("wall_time_s"));
    EXPECT_TRUE(j["host"].contains("peak_rss_mib"));
    // 256 data packets and 256 ACKs from the NICs; each crosses 4 links on leaf-spine.
    EXPECT_EQ(j["fabric"]["packets"], 512);
    EXPECT_EQ(j["fabric"]["packet_hops"], 512 * 4);
    EXPECT_EQ(j["fabric"]["drops"], 0);
    // Nothing but the results is left beside the folder.
    EXPECT_EQ(std::distance(fs::directory_iterator(m_dir), fs::directory_iterator()), 2);
}

TEST_F(NsfabCli, MalformedScenarioExitsNonZeroAndWritesNothing)
{
    struct Case
    {
        const char* text;
        const char* where;
    };

    const Case cases[] = {
        {"topology: {fabric: {planes: [{generator: leaf-spine, radix: 4}]}\nflows: [\n",
         "bad.yaml:2:1: YAML syntax"},
        {"topology: {fabric: {planes: [{generator: leaf-spine, radix: 4, speed: 1}]}}\nflows: "
         "[{src: host0, dst: host1, size: 1}]\n",
         "bad.yaml:1:64: topology.fabric.planes[0].speed: unknown key"},
        {"topology: {fabric: {planes: [{generator: leaf-spine, radix: 4}]}}\nflows: [{src: host0, "
         "dst: host1, size: -1KiB}]\n",
         "bad.yaml:2:40: flows[0].size:"},
        {"topology: {fabric: {planes: [{generator: leaf-spine, radix: 4}]}}\nflows: [{src: host0, "
         "dst: host8, size: 1}]\n",
         "bad.yaml:2:27: flows[0].dst: unknown host 'host8'"},
    };
    for (const Case& c : cases)
    {
        std::string scenario = Write("bad.yaml", c.text);
        Outcome o = Nsfab("run " + scenario + " --out " + m_dir + "/out");
        EXPECT_NE(o.status, 0) << c.text;
        EXPECT_NE(o.output.find(c.where), std::string::npos) << o.output;
        EXPECT_FALSE(fs::exists(m_dir + "/out")) << c.text;
        EXPECT_EQ(std::distance(fs::directory_iterator(m_dir), fs::directory_iterator()), 1);
    }
}

TEST_F(NsfabCli, OnlyEarlierResultsAreReplacedAndOnlyWithForce)
{
    std::string scenario = Write("ok.yaml", SMALL);
    // A folder of the user's is never replaced, --force or not.
    fs::create_directories(m_dir + "/mine");
    Write("mine/notes.txt", "user data");
    Outcome o = Nsfab("run " + scenario + " --out " + m_dir + "/mine");
    EXPECT_NE(o.status, 0);
    EXPECT_NE(o.output.find("already exists"), std::string::npos) << o.output;
    o = Nsfab("run " + scenario + " --out " + m_dir + "/mine --force");
    EXPECT_NE(o.status, 0);
    EXPECT_NE(o.output.find("not a results folder written by nsfab"), std::string::npos)
        << o.output;
    EXPECT_TRUE(fs::exists(m_dir + "/mine/notes.txt"));
    EXPECT_FALSE(fs::exists(m_dir + "/mine/summary.json"));

    // Earlier results are replaced with --force only.
    ASSERT_EQ(Nsfab("run " + scenario + " --out " + m_dir + "/res").status, 0);
    Write("res/stale.txt", "from an earlier run");
    EXPECT_NE(Nsfab("run " + scenario + " --out " + m_dir + "/res").status, 0);
    EXPECT_TRUE(fs::exists(m_dir + "/res/stale.txt"));
    o = Nsfab("run " + scenario + " --out " + m_dir + "/res --force");
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_FALSE(fs::exists(m_dir + "/res/stale.txt"));
    EXPECT_TRUE(fs::exists(m_dir + "/res/summary.json"));
}

TEST_F(NsfabCli, SameScenarioGivesIdenticalResultsFiles)
{
    // Two processes, same scenario and seed (random traffic, an incast and a collective on a
    // fat-tree with queue sampling): summary.json is byte-identical but for its host section,
    // and so are the CSV files.
    std::string scenario = Write("s.yaml",
                                 "topology: {fabric: {planes: [{generator: fat-tree, tiers: 3, "
                                 "radix: 4}]}}\ntransport: {congestion-control: dcqcn}\n"
                                 "workloads:\n  - {type: random, sizes: " +
                                     std::string(NSFAB_SOURCE_DIR) +
                                     "/scenarios/flow-sizes/web-search.cdf, load: 0.5, "
                                     "duration: 30us}\n  - {type: incast, receiver: host3, "
                                     "senders: 8, size: 256KiB}\n  - {type: collective, op: "
                                     "allreduce, size: 2MiB}\noutput: {queues: {interval: "
                                     "2us, ports: [host3]}}\n");
    std::string text[2];
    for (int i = 0; i < 2; ++i)
    {
        std::string out = m_dir + "/r" + std::to_string(i);
        ASSERT_EQ(Nsfab("run " + scenario + " --out " + out).status, 0);
        std::ifstream in(out + "/summary.json");
        for (std::string line; std::getline(in, line);)
        {
            // The host section (wall time, memory) is the only part allowed to differ.
            if (line.find("\"host\"") != std::string::npos)
            {
                break;
            }
            text[i] += line + "\n";
        }
        for (const char* csv : {"fct.csv", "collectives.csv", "queues.csv", "pfc.csv"})
        {
            std::ifstream file(out + "/" + csv);
            text[i] += std::string(std::istreambuf_iterator<char>(file), {});
        }
    }
    EXPECT_GT(text[0].size(), 1000u);
    EXPECT_EQ(text[0], text[1]);
}

TEST_F(NsfabCli, BadArgumentsAreRejected)
{
    EXPECT_NE(Nsfab("").status, 0);
    EXPECT_NE(Nsfab("fly").status, 0);
    EXPECT_NE(Nsfab("run --bogus").status, 0);
    Outcome o = Nsfab("run " + m_dir + "/missing.yaml");
    EXPECT_NE(o.status, 0);
    EXPECT_NE(o.output.find("missing.yaml: cannot open the file"), std::string::npos) << o.output;
}

namespace
{
std::string
Topology(const std::string& name)
{
    return std::string(NSFAB_SOURCE_DIR) + "/topologies/" + name;
}

std::string
ReadAll(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}
} // namespace

TEST_F(NsfabCli, ValidateSaysOkWithCountsOrEveryProblem)
{
    // k=4: 16 hosts, 8 leaves, 8 aggregation, 4 core switches; 16 + 16 + 16 links.
    Outcome o = Nsfab("validate " + Topology("fat-tree-k4.yaml"));
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_EQ(o.output,
              Topology("fat-tree-k4.yaml") +
                  ": ok: 16 hosts, 16 GPUs, 16 NICs, 20 switches, 48 links\n");

    std::string bad = Write("bad.yaml",
                            "version: 1\n"
                            "fabric:\n"
                            "  planes:\n"
                            "    - {generator: fat-tree, tiers: 3, radix: 7}\n"
                            "links:\n"
                            "  - {a: leaf0, b: nowhere}\n");
    o = Nsfab("validate " + bad);
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.output.find(bad + ":4:"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("fabric.planes[0]"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("nothing was built"), std::string::npos) << o.output;
    o = Nsfab("validate " + m_dir + "/none.yaml");
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.output.find("none.yaml: cannot open the file"), std::string::npos) << o.output;
}

TEST_F(NsfabCli, InfoReportsTheTextbookFigures)
{
    Outcome o = Nsfab("info " + Topology("fat-tree-k4.yaml"));
    ASSERT_EQ(o.status, 0) << o.output;
    auto has = [&](const std::string& row) {
        EXPECT_NE(o.output.find(row), std::string::npos) << row << "\n" << o.output;
    };
    has("hosts                     16 (host: 1 GPU, 1 NIC)\n");
    has("switches                  20\n");
    has("    plane                   leaf 8, agg 8, core 4\n");
    has("links                     48\n");
    // Half the hosts send to the other half at 800 Gb/s: 8 x 800 Gb/s.
    has("bisection bandwidth       6.4 Tb/s");
    has("oversubscription          1:1 (non-blocking)\n");
    // Hosts in different pods: host, leaf, agg, core, agg, leaf, host.
    has("diameter                  6 links host to host (5 switches)\n");

    // Identical rail planes share a row.
    o = Nsfab("info " + Topology("b200-8192.yaml"));
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_NE(o.output.find("rail0..rail7, each"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("GPUs                      8,192\n"), std::string::npos) << o.output;
}

TEST_F(NsfabCli, ExportWritesOnlyWhereAskedAndRoundTrips)
{
    std::string out = m_dir + "/k4.yaml";
    ASSERT_EQ(Nsfab("export " + Topology("fat-tree-k4.yaml") + " --to yaml -o " + out).status, 0);
    std::string first = ReadAll(out);
    // The canonical form reads back, and writing it again gives the same text.
    Outcome o = Nsfab("validate " + out);
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_NE(o.output.find("20 switches, 48 links"), std::string::npos) << o.output;
    std::string again = m_dir + "/again.yaml";
    ASSERT_EQ(Nsfab("export " + out + " --to yaml -o " + again).status, 0);
    std::string second = ReadAll(again);
    EXPECT_EQ(first.substr(first.find('\n')), second.substr(second.find('\n')));

    // An existing file is replaced only with --force.
    Write("mine.dot", "user data");
    o = Nsfab("export " + Topology("fat-tree-k4.yaml") + " --to dot -o " + m_dir + "/mine.dot");
    EXPECT_NE(o.status, 0);
    EXPECT_EQ(ReadAll(m_dir + "/mine.dot"), "user data");
    o = Nsfab("export " + Topology("fat-tree-k4.yaml") + " --to dot -f -o " + m_dir + "/mine.dot");
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_EQ(ReadAll(m_dir + "/mine.dot").rfind("graph", 0), 0u);
    o = Nsfab("export " + Topology("fat-tree-k4.yaml") + " --to graphml -o " + m_dir +
              "/k4.graphml");
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_NE(ReadAll(m_dir + "/k4.graphml").find("<graphml"), std::string::npos);

    // Too big to draw, an unknown format: an error, and no file.
    o = Nsfab("export " + Topology("b200-37500.yaml") + " --to dot -o " + m_dir + "/big.dot");
    EXPECT_NE(o.status, 0);
    EXPECT_NE(o.output.find("export graphml instead"), std::string::npos) << o.output;
    EXPECT_NE(Nsfab("export " + Topology("fat-tree-k4.yaml") + " --to pdf -o " + m_dir + "/k4.pdf")
                  .status,
              0);
    EXPECT_FALSE(fs::exists(m_dir + "/big.dot"));
    EXPECT_FALSE(fs::exists(m_dir + "/k4.pdf"));
}

TEST_F(NsfabCli, ImportDetectsTheFormatAndSaysWhatWasAssumed)
{
    std::string in = std::string(NSFAB_SOURCE_DIR) + "/tests/data/import/clos.clab.yml";
    std::string out = m_dir + "/clos.yaml";
    Outcome o = Nsfab("import " + in + " -o " + out + " --rate 400Gbps");
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_NE(o.output.find("(containerlab)"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("note: no link delays in the file"), std::string::npos) << o.output;
    // The notes are kept in the file, which nsfab reads back.
    EXPECT_NE(ReadAll(out).find("# note: no link delays"), std::string::npos);
    EXPECT_NE(ReadAll(out).find("400Gbps"), std::string::npos);
    EXPECT_EQ(Nsfab("validate " + out).status, 0);

    // Never over a file without --force; a broken input writes nothing.
    o = Nsfab("import " + in + " -o " + out);
    EXPECT_NE(o.status, 0);
    std::string broken = Write("broken.clab.yml", "name: x\ntopology:\n  nodes: [\n");
    o = Nsfab("import --from containerlab " + broken + " -o " + m_dir + "/broken.yaml");
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.output.find("broken.clab.yml:"), std::string::npos) << o.output;
    EXPECT_FALSE(fs::exists(m_dir + "/broken.yaml"));
    o = Nsfab("import --from visio " + in + " -o " + m_dir + "/v.yaml");
    EXPECT_NE(o.status, 0);
    EXPECT_NE(o.output.find("unknown format 'visio'"), std::string::npos) << o.output;
    EXPECT_FALSE(fs::exists(m_dir + "/v.yaml"));
}

namespace
{
/**
 * Every file of the corpus tests/data/<folder> ends with the exact problems `nsfab <command>`
 * must report; nothing may be left in the output folder's place.
 */
void
CheckErrorCorpus(const std::string& dir,
                 const std::string& folder,
                 const std::string& command,
                 uint32_t minFiles)
{
    const fs::path corpus = fs::path(NSFAB_SOURCE_DIR) / "tests/data" / folder;
    uint32_t files = 0;
    for (const auto& entry : fs::directory_iterator(corpus))
    {
        if (entry.path().extension() != ".yaml")
        {
            continue;
        }
        ++files;
        std::string file = entry.path().string();
        SCOPED_TRACE(file);
        std::vector<std::string> expected;
        std::ifstream in(file);
        for (std::string line; std::getline(in, line);)
        {
            const std::string mark = "# expect: ";
            if (line.rfind(mark, 0) == 0)
            {
                std::string text = line.substr(mark.size());
                for (const auto& [from, to] : {std::pair<std::string, std::string>{"{file}", file},
                                               {"{dir}", corpus.string()}})
                {
                    for (auto at = text.find(from); at != std::string::npos; at = text.find(from))
                    {
                        text.replace(at, from.size(), to);
                    }
                }
                expected.push_back(text);
            }
        }
        ASSERT_FALSE(expected.empty()) << "no # expect: lines";
        std::string errors = dir + "/stderr.txt";
        Outcome o = nsfab_test::RunCommand(std::string(NSFAB_BINARY) + " " + command + " " + file +
                                           " --out " + dir + "/out 2>" + errors);
        EXPECT_NE(o.status, 0);
        EXPECT_EQ(o.output, "") << "nothing on standard output";
        std::vector<std::string> lines;
        std::ifstream err(errors);
        for (std::string line; std::getline(err, line);)
        {
            lines.push_back(line);
        }
        expected.push_back("nsfab: " + std::to_string(expected.size()) + " problem" +
                           (expected.size() == 1 ? "" : "s") + " in " + file + "; nothing was run");
        EXPECT_EQ(lines, expected);
        EXPECT_FALSE(fs::exists(dir + "/out"));
        fs::remove(errors);
        EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 0)
            << "nothing left beside the results folder";
    }
    EXPECT_GE(files, minFiles);
}
} // namespace

TEST_F(NsfabCli, ScenarioErrorCorpus)
{
    CheckErrorCorpus(m_dir, "scenario-errors", "run -q", 15);
}

TEST_F(NsfabCli, SweepErrorCorpus)
{
    CheckErrorCorpus(m_dir, "sweep-errors", "sweep", 7);
}

TEST_F(NsfabCli, SetOverridesTheScenarioAndIsChecked)
{
    std::string scenario = Write("ok.yaml", SMALL);
    Outcome o = Nsfab("run -q " + scenario + " --out " + m_dir +
                      "/a --set 'flows[0].size=2MiB' --set seed=9");
    ASSERT_EQ(o.status, 0) << o.output;
    auto rows = nsfab_test::ReadCsv(m_dir + "/a/fct.csv");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["bytes"], std::to_string(2 << 20));
    std::ifstream in(m_dir + "/a/inputs/scenario.yaml");
    std::string asRun((std::istreambuf_iterator<char>(in)), {});
    EXPECT_NE(asRun.find("seed: 9"), std::string::npos) << asRun;
    EXPECT_NE(asRun.find("size: 2MiB"), std::string::npos) << asRun;

    o = Nsfab("run -q " + scenario + " --out " + m_dir + "/b --set 'flows[0].size=2Mb'");
    EXPECT_NE(o.status, 0);
    EXPECT_NE(o.output.find("--set flows[0].size=2Mb: flows[0].size: '2Mb': unknown unit"),
              std::string::npos)
        << o.output;
    EXPECT_FALSE(fs::exists(m_dir + "/b"));
}

TEST_F(NsfabCli, AResultsFolderRunsAgainFromItsInputs)
{
    // inputs/ holds the scenario as run and every file it read, renamed to the copies.
    Write("topo.yaml",
          "version: 1\nhosts: {count: 8}\nfabric: {planes: [{generator: leaf-spine, radix: 4}]}\n");
    fs::copy(std::string(NSFAB_SOURCE_DIR) + "/scenarios/flow-sizes/web-search.cdf",
             m_dir + "/sizes.cdf");
    std::string scenario = Write("s.yaml",
                                 "topology: topo.yaml\nworkloads:\n  - {type: random, sizes: "
                                 "sizes.cdf, load: 0.3, duration: 20us}\n");
    ASSERT_EQ(Nsfab("run -q " + scenario + " --out " + m_dir + "/first").status, 0);
    std::set<std::string> inputs;
    for (const auto& entry : fs::directory_iterator(m_dir + "/first/inputs"))
    {
        inputs.insert(entry.path().filename().string());
    }
    EXPECT_EQ(inputs, (std::set<std::string>{"scenario.yaml", "topo.yaml", "sizes.cdf"}));
    Outcome o = Nsfab("run -q " + m_dir + "/first/inputs/scenario.yaml --out " + m_dir + "/second");
    ASSERT_EQ(o.status, 0) << o.output;
    for (const char* csv : {"fct.csv", "collectives.csv", "queues.csv", "pfc.csv"})
    {
        std::ifstream a(m_dir + "/first/" + csv);
        std::ifstream b(m_dir + "/second/" + csv);
        EXPECT_EQ(std::string(std::istreambuf_iterator<char>(a), {}),
                  std::string(std::istreambuf_iterator<char>(b), {}))
            << csv;
    }
    EXPECT_GT(nsfab_test::ReadCsv(m_dir + "/first/fct.csv").size(), 3u);
}
