/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Chakra execution traces: the wire format against bytes encoded here from the schema's field
// numbers, located errors for bad traces, a two-rank job against a hand-computed time, and the
// shipped trace set against its generator.
#include "fabric-test.h"

#include "ns3/chakra-trace.h"
#include "ns3/scenario-runner.h"
#include "ns3/scenario.h"

#include <filesystem>
#include <fstream>

using namespace ns3;
using namespace nsfab_test;

namespace
{
namespace fs = std::filesystem;

/// A folder of its own for each test, removed after it.
class ChakraTest : public FabricTest
{
  protected:
    void SetUp() override
    {
        FabricTest::SetUp();
        m_dir = fs::temp_directory_path() /
                ("nsfab-chakra-" + std::to_string(getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }

    void TearDown() override
    {
        fs::remove_all(m_dir);
        FabricTest::TearDown();
    }

    std::string Path(const std::string& name) const
    {
        return (m_dir / name).string();
    }

    /// Write \p trace to t.<rank>.et.
    void Write(uint32_t rank, const ChakraTrace& trace) const
    {
        ASSERT_EQ(WriteChakraTrace(Path("t." + std::to_string(rank) + ".et"), trace), "");
    }

    /// Read a scenario of one chakra workload (\p workload: its keys after the type) on 16
    /// single-GPU hosts, each alone on a leaf; its first problem, or "".
    std::string Problem(const std::string& workload, Scenario* scenario = nullptr) const
    {
        std::string file = Path("s.yaml");
        std::ofstream(file) << "version: 2\nstop: done\ntopology: {hosts: {count: 16}, fabric: "
                               "{planes: [{generator: leaf-spine, radix: 32, hosts-per-leaf: "
                               "1}]}}\nworkloads:\n  - type: chakra\n"
                            << workload;
        std::vector<Diagnostic> d;
        Scenario s = LoadScenario(file, d);
        if (scenario)
        {
            *scenario = s;
        }
        return d.empty() ? "" : d[0].Format();
    }

    fs::path m_dir;
};

ChakraNode
Plain(uint64_t id, uint32_t type, std::vector<uint64_t> deps = {})
{
    ChakraNode n;
    n.id = id;
    n.name = "n" + std::to_string(id);
    n.type = type;
    n.dataDeps = std::move(deps);
    return n;
}

ChakraNode
Compute(uint64_t id, uint64_t micros, std::vector<uint64_t> deps = {})
{
    ChakraNode n = Plain(id, ChakraNode::COMP, std::move(deps));
    n.durationMicros = micros;
    return n;
}

ChakraNode
Message(uint64_t id,
        bool send,
        int64_t src,
        int64_t dst,
        int64_t bytes,
        std::vector<uint64_t> deps = {})
{
    ChakraNode n = Plain(id, send ? ChakraNode::COMM_SEND : ChakraNode::COMM_RECV, std::move(deps));
    n.commSrc = src;
    n.commDst = dst;
    n.commSize = bytes;
    n.commTag = 7;
    return n;
}

ChakraTrace
Trace(std::vector<ChakraNode> nodes)
{
    ChakraTrace t;
    t.version = "1.0.0";
    t.nodes = std::move(nodes);
    return t;
}
} // namespace

TEST_F(ChakraTest, ReadsTheSchemasWireFormat)
{
    // A varint length before each message; GlobalMetadata {version = 1: "1.0.0"}, then a Node
    // {id = 1: 3, name = 2: "c", type = 3: COMP_NODE (4), data_deps = 5: packed [1, 2],
    // duration_micros = 7: 40, attr = 10: {name = 1: "comm_size", int64_val = 9: 5}}.
    const uint8_t bytes[] = {
        7,    0x0a, 5,    '1',  '.',  '0', '.',  '0',                    // metadata
        28,   0x08, 3,    0x12, 1,    'c', 0x18, 4,   0x2a, 2,   1,   2, // node...
        0x38, 40,   0x52, 13,   0x0a, 9,   'c',  'o', 'm',  'm', '_', 's', 'i', 'z', 'e', 0x48, 5,
    };
    std::ofstream(Path("w.et"), std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes), sizeof(bytes));
    ChakraTrace t;
    ASSERT_EQ(ReadChakraTrace(Path("w.et"), t), "");
    EXPECT_EQ(t.version, "1.0.0");
    ASSERT_EQ(t.nodes.size(), 1u);
    const ChakraNode& n = t.nodes[0];
    EXPECT_EQ(n.id, 3u);
    EXPECT_EQ(n.name, "c");
    EXPECT_EQ(n.type, uint32_t(ChakraNode::COMP));
    EXPECT_EQ(n.dataDeps, (std::vector<uint64_t>{1, 2}));
    EXPECT_EQ(n.durationMicros, 40u);
    EXPECT_EQ(n.commSize, 5);
    EXPECT_EQ(n.offset, 8u);

    // What WriteChakraTrace writes reads back the same, plain or gzip-compressed.
    ChakraTrace written = Trace({Compute(0, 12), Message(1, true, 0, 1, 4096, {0})});
    written.nodes[1].pgName = "dp";
    ASSERT_EQ(WriteChakraTrace(Path("r.et"), written), "");
    ASSERT_EQ(RunCommand("gzip -c '" + Path("r.et") + "' > '" + Path("r.et.gz") + "'").status, 0);
    for (const char* file : {"r.et", "r.et.gz"})
    {
        ChakraTrace back;
        ASSERT_EQ(ReadChakraTrace(Path(file), back), "") << file;
        ASSERT_EQ(back.nodes.size(), 2u);
        EXPECT_EQ(back.nodes[0].durationMicros, 12u);
        EXPECT_EQ(back.nodes[1].dataDeps, std::vector<uint64_t>{0});
        EXPECT_EQ(back.nodes[1].commDst, 1);
        EXPECT_EQ(back.nodes[1].commSize, 4096);
        EXPECT_EQ(back.nodes[1].commTag, 7);
        EXPECT_EQ(back.nodes[1].pgName, "dp");
    }
}

TEST_F(ChakraTest, TwoRanksRunTheirTracesAsHandComputed)
{
    // Rank 0 computes 10 us and sends 64 KiB to rank 1, which computes 5 us once it has it;
    // then both all-reduce 128 KiB (one step of 64 KiB each way, after rank 1's compute). On
    // two hosts a leaf-spine apart: a message of b bytes takes its frames back to back and the
    // last one's store and forward over 3 more links, 4 cables and 3 switch pipelines.
    ChakraNode reduce = Plain(2, ChakraNode::COMM_COLL, {1});
    reduce.commType = ChakraNode::ALL_REDUCE;
    reduce.commSize = 131072;
    Write(0, Trace({Compute(0, 10), Message(1, true, 0, 1, 65536, {0}), reduce}));
    reduce.dataDeps = {3};
    Write(1, Trace({Message(1, false, 0, 1, 65536), Compute(3, 5, {1}), reduce}));
    Scenario s;
    ASSERT_EQ(Problem("    traces: t\n", &s), "");
    ASSERT_EQ(s.jobs.size(), 1u);
    EXPECT_EQ(s.jobs[0].graph->GetNRanks(), 2u);
    RunResult r = RunScenario(s, "");
    ASSERT_TRUE(r.jobs[0].completed);
    double frame = FrameSeconds(4096, 800e9);
    auto message = [frame](uint64_t bytes) {
        return double(bytes / 4096) * frame + 3 * frame + 4 * 10e-9 + 3 * 500e-9;
    };
    double received = 10e-6 + message(65536) + 5e-6;
    // The all-reduce: two ring steps of 64 KiB, the second after the first; a rank is over
    // once its last transfer out is acknowledged too, sooner than a data frame would return.
    double reduced = received + 2 * message(65536);
    const ExecutionResult& e = r.jobs[0].result;
    EXPECT_GE(e.rankEnd[1].GetSeconds(), reduced - 1e-12);
    EXPECT_LE(e.rankEnd[1].GetSeconds(), reduced + message(4096));
    EXPECT_EQ(e.rankCompute[0], MicroSeconds(10));
    EXPECT_EQ(e.rankCompute[1], MicroSeconds(5));
    // The ideal fabric's step is the same chain with alpha-beta costs: no acknowledgements.
    EXPECT_NEAR(r.jobs[0].ideal.GetSeconds(), reduced, 1e-11);
}

TEST_F(ChakraTest, BadTracesGetLocatedErrors)
{
    auto coll = [](uint64_t id, int64_t type, std::vector<uint64_t> deps = {}) {
        ChakraNode n = Plain(id, ChakraNode::COMM_COLL, std::move(deps));
        n.commType = type;
        n.commSize = 1 << 20;
        return n;
    };
    std::string t0 = Path("t.0.et");
    std::string t1 = Path("t.1.et");

    struct Case
    {
        std::vector<ChakraNode> rank0;
        std::vector<ChakraNode> rank1;
        std::string workload;
        std::string expected;
    };

    // Byte offsets: the metadata takes 8 bytes (length, tag, length, "1.0.0"), so the first
    // node starts at 8.
    const Case cases[] = {
        {{Compute(0, 1, {1}), Compute(1, 1, {2}), Compute(2, 1, {0})},
         {Compute(0, 1)},
         "    traces: t\n",
         t0 + ":8: node 0 ('n0'): its dependencies form a cycle: 0 -> 1 -> 2 -> 0"},
        {{Compute(0, 1, {5})},
         {Compute(0, 1)},
         "    traces: t\n",
         t0 + ":8: node 0 ('n0'): depends on node 5, which the trace does not have"},
        {{Plain(1, 12)},
         {Compute(0, 1)},
         "    traces: t\n",
         t0 + ":8: node 1 ('n1'): unknown node type 12"},
        {{coll(0, ChakraNode::BARRIER)},
         {coll(0, ChakraNode::BARRIER)},
         "    traces: t\n",
         t0 + ":8: node 0 ('n0'): collective type 9 (BARRIER) is not supported (ALL_REDUCE, "
              "ALL_GATHER, REDUCE_SCATTER, ALL_TO_ALL, BROADCAST are)"},
        {{Message(0, true, 0, 1, 100)},
         {Compute(0, 1)},
         "    traces: t\n",
         t0 + ":8: node 0 ('n0'): a send of tag 7 that no receive of the peer matches"},
        {{Message(0, true, 0, 1, 100)},
         {Message(0, false, 0, 1, 200)},
         "    traces: t\n",
         t1 + ":8: node 0 ('n0'): receives 200 bytes of a send of 100"},
        {{Message(0, true, 0, 5, 100)},
         {Compute(0, 1)},
         "    traces: t\n",
         t0 + ":8: node 0 ('n0'): comm_dst 5 is not another rank of the job (0 to 1)"},
        {{[&] {
             ChakraNode n = coll(0, ChakraNode::ALL_REDUCE);
             n.pgName = "7";
             return n;
         }()},
         {Compute(0, 1)},
         "    traces: t\n",
         t0 + ":8: node 0 ('n0'): process group '7' is not among the workload's groups"},
        {{[&] {
             ChakraNode n = coll(0, ChakraNode::ALL_REDUCE);
             n.pgName = "7";
             return n;
         }()},
         {Compute(0, 1)},
         "    traces: t\n    groups: {\"7\": [1]}\n",
         t0 + ":8: node 0 ('n0'): rank 0 is in no group of process group '7'"},
    };
    for (const Case& c : cases)
    {
        Write(0, Trace(c.rank0));
        Write(1, Trace(c.rank1));
        std::string problem = Problem(c.workload);
        EXPECT_EQ(problem, Path("s.yaml") + ":6:13: workloads[0].traces: " + c.expected);
    }

    // Ranks without a trace: fewer files than the ranks asked for, a file that is not a trace.
    Write(0, Trace({Compute(0, 1)}));
    Write(1, Trace({Compute(0, 1)}));
    EXPECT_EQ(Problem("    ranks: {from: 0, count: 3}\n    traces: t\n"),
              Path("s.yaml") + ":7:13: workloads[0].traces: no trace for rank 2 of 3 (ranks): " +
                  Path("t.2.et"));
    std::ofstream(t1, std::ios::binary | std::ios::trunc) << "\x05\x0a\x07"
                                                          << "1.0";
    EXPECT_EQ(Problem("    traces: t\n"),
              Path("s.yaml") + ":6:13: workloads[0].traces: " + t1 +
                  ":0: not a Chakra GlobalMetadata message");
    std::ofstream(t1, std::ios::binary | std::ios::trunc) << "\x40\x0a";
    EXPECT_EQ(Problem("    traces: t\n"),
              Path("s.yaml") + ":6:13: workloads[0].traces: " + t1 +
                  ":0: truncated: a message length runs past the end of the file");
}

TEST_F(ChakraTest, ARankGroupSharesOneTrace)
{
    // Four ranks run one trace: compute, then an all-reduce on their process group "g"
    // (pairs {0, 1} and {2, 3}); a trace that names a peer by rank cannot be shared.
    ChakraNode reduce = Plain(1, ChakraNode::COMM_COLL, {0});
    reduce.commType = ChakraNode::ALL_REDUCE;
    reduce.commSize = 8192;
    reduce.pgName = "g";
    ASSERT_EQ(WriteChakraTrace(Path("shared.et"), Trace({Compute(0, 3), reduce})), "");
    Scenario s;
    ASSERT_EQ(Problem("    ranks: {from: 0, count: 4}\n"
                      "    traces: [{file: shared.et, ranks: [0, 1, 2, 3]}]\n"
                      "    groups: {g: [[0, 1], [2, 3]]}\n",
                      &s),
              "");
    const ExecutionGraph& g = *s.jobs[0].graph;
    EXPECT_EQ(g.GetNPrograms(), 1u);
    EXPECT_EQ(g.GetNRanks(), 4u);
    RunResult r = RunScenario(s, "");
    ASSERT_TRUE(r.jobs[0].completed);
    // Both pairs reduce at once, each over its own leaves: the same time.
    EXPECT_EQ(r.jobs[0].result.rankEnd[0], r.jobs[0].result.rankEnd[2]);
    Simulator::Destroy();

    ASSERT_EQ(WriteChakraTrace(Path("shared.et"), Trace({Message(0, true, 0, 1, 100)})), "");
    EXPECT_NE(Problem("    ranks: {from: 0, count: 2}\n"
                      "    traces: [{file: shared.et, ranks: [0, 1]}]\n")
                  .find("a trace run by several ranks cannot name peers by rank"),
              std::string::npos);
    EXPECT_EQ(Problem("    ranks: {from: 0, count: 2}\n"
                      "    traces: [{file: shared.et, ranks: [0]}]\n"),
              Path("s.yaml") + ":7:13: workloads[0].traces: rank 1 of 2 runs no trace");
    // Without a selection, the ranks the list names, on the first GPUs: rank 1 is missing.
    EXPECT_EQ(Problem("    traces: [{file: shared.et, ranks: [0]}, {file: shared.et, ranks: "
                      "[2]}]\n"),
              Path("s.yaml") + ":6:13: workloads[0].traces: rank 1 of 3 runs no trace");
}

TEST_F(ChakraTest, ShippedTracesAreTheGeneratorsOutput)
{
    // scenarios/chakra/ holds what chakra-generate writes, byte for byte.
    ASSERT_EQ(RunCommand(std::string(CHAKRA_GENERATE) + " '" + Path("step") + "'").status, 0);
    const fs::path shipped = fs::path(NSFAB_SOURCE_DIR) / "scenarios" / "chakra";
    uint32_t files = 0;
    for (const auto& entry : fs::directory_iterator(shipped))
    {
        std::ifstream a(entry.path(), std::ios::binary);
        std::ifstream b(m_dir / entry.path().filename(), std::ios::binary);
        std::string x((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
        std::string y((std::istreambuf_iterator<char>(b)), std::istreambuf_iterator<char>());
        EXPECT_EQ(x, y) << entry.path();
        ++files;
    }
    EXPECT_EQ(files, 16u);
}
