/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Collectives on idle non-blocking fabrics against the alpha-beta model and bandwidth bounds.
#include "fabric-test.h"

#include "ns3/collective-helper.h"
#include "ns3/execution.h"
#include "ns3/ideal-fct.h"
#include "ns3/pat-algorithm.h"
#include "ns3/ring-algorithm.h"
#include "ns3/topology-helper.h"
#include "ns3/topology-reader.h"

using namespace ns3;
using namespace nsfab_test;

namespace
{
constexpr double RATE = 800e9;
constexpr double SWITCH_LATENCY = 500e-9; // spectrum-4
constexpr double CABLE = 10e-9;           // fiber-2m at 5 ns/m

/// A topology written inline, expanded and built with \p balancer.
struct Built
{
    std::shared_ptr<const FabricGraph> graph;
    Fabric fabric;
};

Built
Build(const std::string& yaml, const std::string& balancer = "ns3::EcmpLoadBalancer")
{
    std::vector<Diagnostic> d;
    YamlReader reader("test.yaml", d);
    std::optional<YAML::Node> root = reader.Parse(yaml);
    Topology topology = Topology::WithBuiltins();
    topology.file = "test.yaml";
    EXPECT_TRUE(root && ReadTopology(reader, *root, "", topology));
    Built b;
    b.graph = std::make_shared<const FabricGraph>(ExpandTopology(topology, d));
    for (const auto& problem : d)
    {
        ADD_FAILURE() << problem.Format();
    }
    TopologyHelper helper;
    helper.SetLoadBalancer(balancer);
    b.fabric = helper.Build(b.graph);
    return b;
}

/// n single-GPU servers, each alone on a leaf of a leaf-spine: every ring neighbour is
/// leaf-spine-leaf away (4 links, 3 switches), and no two flows of a ring share a link.
std::string
LeafPerHost(uint32_t n)
{
    return "version: 1\nhosts: {count: " + std::to_string(n) +
           "}\nfabric:\n  planes:\n    - {generator: leaf-spine, radix: " + std::to_string(2 * n) +
           ", hosts-per-leaf: 1}\n";
}

/// One switch under n single-GPU servers.
std::string
Star(uint32_t n)
{
    return "version: 1\nhosts: {count: " + std::to_string(n) +
           "}\nfabric:\n  planes:\n    - {generator: leaf-spine, radix: " + std::to_string(2 * n) +
           "}\n";
}

/// Run one operation to its end.
CollectiveResult
RunCollective(const Built& b,
              CollectiveOp op,
              uint64_t bytes,
              const std::string& algorithm,
              uint64_t chunk = 512 * 1024,
              uint32_t channels = 1)
{
    CollectiveHelper helper(b.fabric);
    helper.SetAlgorithm(algorithm);
    helper.SetAlgorithmAttribute("ChunkSize", UintegerValue(chunk));
    helper.SetAlgorithmAttribute("Channels", UintegerValue(channels));
    Communicator comm = Communicator::AllGpus(*b.graph);
    Ptr<Collective> c = helper.Install(comm, op, bytes, Seconds(0));
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_TRUE(c->IsComplete());
    return c->GetResult();
}
} // namespace

struct AlphaBetaCase
{
    uint32_t n;
    uint32_t packetsPerBlock;
};

class RingAllReduceTest : public FabricTest, public ::testing::WithParamInterface<AlphaBetaCase>
{
};

TEST_P(RingAllReduceTest, TimeFollowsTheAlphaBetaModel)
{
    // 2(n-1) steps, each moving a block of S/n bytes between ring neighbours: with whole blocks
    // per step (ChunkSize >= S/n) the time is 2(n-1)/n S/B + 2(n-1) alpha, B the goodput of
    // full frames and alpha what a message adds to its serialization: the last frame's store
    // and forward over the 3 further links, 4 cables and 3 switch pipelines.
    const AlphaBetaCase& c = GetParam();
    uint64_t block = 4096ULL * c.packetsPerBlock;
    uint64_t bytes = block * c.n;
    Built b = Build(LeafPerHost(c.n));
    CollectiveResult r = RunCollective(b, CollectiveOp::ALL_REDUCE, bytes, "ring", block);
    double frame = FrameSeconds(4096, RATE);
    double goodput = 4096 * 8 / frame;
    double alpha = 3 * frame + 4 * CABLE + 3 * SWITCH_LATENCY;
    double expected = 2.0 * (c.n - 1) / c.n * bytes * 8 / goodput + 2.0 * (c.n - 1) * alpha;
    double measured = r.GetTime().GetSeconds();
    // The model is a lower bound (an idle path); acknowledgements sharing the links cost the
    // rest, at most one 84-byte frame per 4178-byte data frame.
    EXPECT_GE(measured, expected * (1 - 1e-9));
    EXPECT_LE(measured, expected * 1.03) << "measured " << measured << " s, model " << expected;
    EXPECT_EQ(r.ranks, c.n);
    EXPECT_NEAR(r.GetBusBandwidthGbps(),
                bytes * 8 / measured / 1e9 * 2 * (c.n - 1) / c.n,
                1e-9 * r.GetBusBandwidthGbps());
}

INSTANTIATE_TEST_SUITE_P(Collectives,
                         RingAllReduceTest,
                         ::testing::Values(AlphaBetaCase{4, 16},
                                           AlphaBetaCase{4, 256},
                                           AlphaBetaCase{8, 64},
                                           AlphaBetaCase{16, 16},
                                           AlphaBetaCase{16, 128}),
                         [](const auto& info) {
                             return "n" + std::to_string(info.param.n) + "x" +
                                    std::to_string(info.param.packetsPerBlock) + "pkts";
                         });

class CollectivesTest : public FabricTest
{
};

TEST_F(CollectivesTest, AllGatherAndAllToAllReachTheirBandwidthBounds)
{
    // Every rank must send (n-1)/n of S through its NIC: the bound (n-1)/n S/B; pipelined
    // chunks hide the latencies.
    const uint32_t n = 8;
    const uint64_t bytes = 64ULL << 20;
    double goodput = 4096 * 8 / FrameSeconds(4096, RATE);
    double bound = double(n - 1) / n * bytes * 8 / goodput;
    {
        Built b = Build(LeafPerHost(n));
        CollectiveResult r = RunCollective(b, CollectiveOp::ALL_GATHER, bytes, "ring");
        EXPECT_GE(r.GetTime().GetSeconds(), bound);
        EXPECT_LE(r.GetTime().GetSeconds(), bound * 1.05);
        EXPECT_NEAR(r.GetBusBandwidthGbps(),
                    r.GetAlgBandwidthGbps() * (n - 1) / n,
                    1e-9 * r.GetBusBandwidthGbps());
    }
    Simulator::Destroy();
    {
        Built b = Build(Star(n));
        CollectiveResult r = RunCollective(b, CollectiveOp::ALL_TO_ALL, bytes, "direct");
        EXPECT_GE(r.GetTime().GetSeconds(), bound);
        EXPECT_LE(r.GetTime().GetSeconds(), bound * 1.05);
    }
}

TEST_F(CollectivesTest, SchedulesMoveTheBytesTheAlgorithmsPromise)
{
    // Per rank: ring AllReduce sends 2(n-1)/n S, AllGather and ReduceScatter (n-1)/n S,
    // AllToAll (n-1)/n S, a broadcast chain S from every rank but the last.
    Built b = Build(Star(6));
    Communicator comm = Communicator::AllGpus(*b.graph);
    const uint64_t bytes = 6 * 100000;

    struct Case
    {
        CollectiveOp op;
        const char* algorithm;
        uint64_t perRank;
    };

    for (const Case& c : {Case{CollectiveOp::ALL_REDUCE, "ring", 2 * 5 * bytes / 6},
                          Case{CollectiveOp::ALL_GATHER, "ring", 5 * bytes / 6},
                          Case{CollectiveOp::REDUCE_SCATTER, "ring", 5 * bytes / 6},
                          Case{CollectiveOp::ALL_TO_ALL, "direct", 5 * bytes / 6}})
    {
        Ptr<Collective> coll = CreateObject<Collective>();
        TypeId tid;
        ASSERT_TRUE(CollectiveHelper::LookupAlgorithm(c.algorithm, tid));
        ObjectFactory f;
        f.SetTypeId(tid);
        f.Set("ChunkSize", UintegerValue(30000));
        f.Set("Channels", UintegerValue(2));
        CollectiveHelper helper(b.fabric);
        ASSERT_EQ(
            coll->Setup(helper.GetTransport(), comm, c.op, bytes, f.Create<CollectiveAlgorithm>()),
            "");
        for (uint64_t sent : coll->GetSchedule().GetBytesSent(6))
        {
            EXPECT_EQ(sent, c.perRank) << ToString(c.op);
        }
    }
}

TEST_F(CollectivesTest, SetupRejectsWhatCannotRun)
{
    Built b = Build(Star(4));
    CollectiveHelper helper(b.fabric);
    Communicator comm = Communicator::AllGpus(*b.graph);
    EXPECT_EQ(helper.Check(comm, CollectiveOp::ALL_REDUCE, 3),
              "3 bytes are too few for 4 ranks: every rank and channel needs a share (at least "
              "ranks x channels bytes)");
    EXPECT_EQ(helper.Check(Communicator({GpuId{0, 0}}), CollectiveOp::ALL_REDUCE, 1 << 20),
              "a collective needs at least 2 ranks, not 1");
    helper.SetAlgorithm("ring");
    EXPECT_EQ(helper.Check(comm, CollectiveOp::ALL_TO_ALL, 1 << 20),
              "algorithm 'ring' has no alltoall");
    EXPECT_EQ(helper.Check(comm, CollectiveOp::BROADCAST, 1 << 20, 4),
              "root rank 4 is not one of the 4");
}

TEST(TreeAlgorithm, TwoBinaryTreesWhoseLeavesAreTheOthersInnerNodes)
{
    for (uint32_t n = 2; n <= 70; ++n)
    {
        SCOPED_TRACE("n = " + std::to_string(n));
        std::vector<std::vector<uint32_t>> children[2];
        for (uint32_t t = 0; t < 2; ++t)
        {
            std::vector<uint32_t> parent = TreeAlgorithm::GetParents(n, t);
            children[t].resize(n);
            uint32_t roots = 0;
            uint32_t deepest = 0;
            for (uint32_t r = 0; r < n; ++r)
            {
                if (parent[r] == TreeAlgorithm::NONE)
                {
                    ++roots;
                    continue;
                }
                children[t][parent[r]].push_back(r);
                // Every rank reaches the root, within the depth of a balanced binary tree.
                uint32_t depth = 0;
                for (uint32_t a = r; parent[a] != TreeAlgorithm::NONE && depth <= n; a = parent[a])
                {
                    ++depth;
                }
                ASSERT_LE(depth, n) << "a cycle through rank " << r;
                deepest = std::max(deepest, depth);
            }
            EXPECT_EQ(roots, 1u);
            EXPECT_LE(deepest, uint32_t(std::floor(std::log2(n))));
            for (uint32_t r = 0; r < n; ++r)
            {
                EXPECT_LE(children[t][r].size(), 2u) << "rank " << r;
            }
        }
        // A leaf in one tree is an inner node of the other (all ranks for even n, all but one
        // for odd n), so no NIC carries two trees' inner traffic.
        uint32_t leafInBoth = 0;
        for (uint32_t r = 0; r < n; ++r)
        {
            bool leaf0 = children[0][r].empty();
            bool leaf1 = children[1][r].empty();
            EXPECT_TRUE(leaf0 || leaf1) << "rank " << r << " is inner in both trees";
            leafInBoth += leaf0 && leaf1;
        }
        EXPECT_EQ(leafInBoth, n % 2 == 0 ? 0u : 1u);
    }
}

TEST_F(CollectivesTest, TreeBeatsRingForSmallMessagesAndRingWinsForLarge)
{
    // 16 ranks: a small AllReduce pays the ring's 2(n-1) = 30 latencies against about
    // 2 log2(16) = 8 for the trees; a large one moves 2S through every NIC on the trees against
    // 2(n-1)/n S on the ring.
    const uint32_t n = 16;
    auto time = [&](const char* algorithm, uint64_t bytes) {
        // Simulator::Destroy() disposes every node: a fresh fabric per run.
        Built b = Build(LeafPerHost(n));
        Time t = RunCollective(b, CollectiveOp::ALL_REDUCE, bytes, algorithm).GetTime();
        Simulator::Destroy();
        return t;
    };
    Time ringSmall = time("ring", 64 * 1024);
    Time treeSmall = time("tree", 64 * 1024);
    EXPECT_LT(treeSmall, ringSmall);
    Time ringLarge = time("ring", 16ULL << 20);
    Time treeLarge = time("tree", 16ULL << 20);
    EXPECT_LT(ringLarge, treeLarge);
    // Neither can beat its own NIC bound: 2(n-1)/n S/B for the ring, 2S/B for the trees (an
    // inner node of one tree receives two halves from its children and one from its parent,
    // and a leaf of the other one more).
    double goodput = 4096 * 8 / FrameSeconds(4096, RATE);
    EXPECT_GE(ringLarge.GetSeconds(), 2.0 * (n - 1) / n * (16ULL << 20) * 8 / goodput);
    EXPECT_GE(treeLarge.GetSeconds(), 2.0 * (16ULL << 20) * 8 / goodput);
}

TEST_F(CollectivesTest, HierarchicalAllReduceKeepsTheServerPartOnNvlink)
{
    // 4 HGX servers on 8 rail planes: each NIC carries only its rail's AllReduce of S/8,
    // 2(N-1)/N S/8 bytes for N = 4 servers, and every GPU sends 2(g-1)/g S over NVLink for
    // g = 8 (reduce-scatter and all-gather inside the server).
    const uint32_t servers = 4;
    const uint32_t g = 8;
    const uint64_t bytes = 8ULL << 20;
    const std::string topology = "version: 1\nhosts: {count: 4, profile: hgx-b200}\n"
                                 "fabric:\n  planes:\n"
                                 "    - {name: rail, count: 8, generator: leaf-spine, radix: 8}\n";
    Built b = Build(topology);
    CollectiveResult r = RunCollective(b, CollectiveOp::ALL_REDUCE, bytes, "hierarchical");
    EXPECT_EQ(r.ranks, servers * g);
    uint64_t railPayload = 2 * (servers - 1) * bytes / g / servers;
    for (uint32_t i = 0; i < b.fabric.nics.size(); ++i)
    {
        // One data frame per 4096 payload bytes (whole blocks of 256 KiB) and one ACK for each
        // frame received, as many as it sends: nothing else crossed the NIC.
        EXPECT_EQ(b.fabric.nics[i]->GetTxFrames(), 2 * railPayload / 4096) << "NIC " << i;
    }
    for (uint32_t n = 0; n < b.graph->nodes.size(); ++n)
    {
        for (uint32_t gpu = 0; gpu < b.graph->GetGpus(n); ++gpu)
        {
            EXPECT_EQ(b.fabric.GetNvlink(n)->GetTxBytes(gpu), 2 * (g - 1) * bytes / g);
        }
    }
    // The rail rings cannot beat their NICs: 2(N-1)/N S/8 at the goodput of full frames.
    double goodput = 4096 * 8 / FrameSeconds(4096, RATE);
    EXPECT_GE(r.GetTime().GetSeconds(), railPayload * 8 / goodput);
    Simulator::Destroy();

    // A flat ring of the 32 GPUs leaves each server once per direction through one NIC, which
    // then carries 2(n-1)/n S, eight times the rail's share: the hierarchy is faster.
    Built flat = Build(topology);
    Time ring = RunCollective(flat, CollectiveOp::ALL_REDUCE, bytes, "ring").GetTime();
    EXPECT_LT(r.GetTime(), ring);
}

TEST_F(CollectivesTest, HierarchicalNeedsAsManyRanksOnEveryServer)
{
    Built b = Build("version: 1\nhosts: {count: 2, profile: hgx-b200}\n"
                    "fabric:\n  planes:\n"
                    "    - {name: rail, count: 8, generator: leaf-spine, radix: 8}\n");
    CollectiveHelper helper(b.fabric);
    helper.SetAlgorithm("hierarchical");
    Communicator uneven({GpuId{0, 0}, GpuId{0, 1}, GpuId{1, 0}});
    EXPECT_EQ(helper.Check(uneven, CollectiveOp::ALL_REDUCE, 1 << 20),
              "hierarchical needs as many ranks on every server: rank 0's server has 2, rank 2's "
              "has 1");
    EXPECT_EQ(helper.Check(uneven, CollectiveOp::ALL_GATHER, 1 << 20),
              "algorithm 'hierarchical' has no allgather");
}

namespace
{
/// A message of \p bytes (whole 4096-byte frames) alone between two hosts on different leaves
/// of LeafPerHost: its frames back to back, then the last one's store and forward over 3
/// further links, 4 cables and 3 switch pipelines.
double
MessageSeconds(uint64_t bytes)
{
    double frame = FrameSeconds(4096, RATE);
    return double(bytes / 4096) * frame + 3 * frame + 4 * CABLE + 3 * SWITCH_LATENCY;
}

/// Run \p graph on \p b to its end.
ExecutionResult
RunGraph(const Built& b, const ExecutionGraph& graph)
{
    EXPECT_EQ(graph.Check(), std::vector<std::string>());
    Ptr<GpuTransport> transport = CreateObject<GpuTransport>();
    transport->SetFabric(b.fabric);
    Ptr<Execution> e = CreateObject<Execution>();
    e->Setup(transport, std::make_shared<ExecutionGraph>(graph));
    Simulator::Schedule(Seconds(0), &Execution::Start, e);
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_TRUE(e->IsComplete());
    return e->GetResult();
}

ExecutionGraph::Task
Compute(Time duration, uint16_t label = 0)
{
    ExecutionGraph::Task t;
    t.kind = ExecutionGraph::COMPUTE;
    t.duration = duration;
    t.label = label;
    return t;
}

ExecutionGraph::Task
Message(ExecutionGraph::TaskKind kind, int64_t peer, uint64_t bytes, uint32_t match = 0)
{
    ExecutionGraph::Task t;
    t.kind = kind;
    t.peer = peer;
    t.bytes = bytes;
    t.match = match;
    return t;
}

ExecutionGraph::Task
OnGroup(CollectiveOp op, uint32_t kind, uint64_t bytes, uint32_t algorithm)
{
    ExecutionGraph::Task t;
    t.kind = ExecutionGraph::COLLECTIVE;
    t.op = op;
    t.group = kind;
    t.bytes = bytes;
    t.algorithm = algorithm;
    return t;
}

/// Compute plus waits is each rank's time.
void
ExpectBreakdownAddsUp(const ExecutionResult& r)
{
    for (uint32_t rank = 0; rank < r.rankEnd.size(); ++rank)
    {
        Time sum = r.rankCompute[rank];
        for (uint32_t a = 0; a < r.activities; ++a)
        {
            sum += r.GetExposed(rank, a);
        }
        EXPECT_EQ(sum, r.rankEnd[rank] - r.start) << "rank " << rank;
    }
}
} // namespace

namespace
{
/// What a receiver of GpuTransport messages saw: the offset and the delivery, per call.
struct Seen
{
    std::vector<std::pair<uint64_t, Delivery>> arrived;
    std::vector<std::pair<uint64_t, Delivery>> acked;
};

void
SeeArrived(Seen* seen, uint64_t offset, const Delivery& d)
{
    seen->arrived.emplace_back(offset, d);
}

void
SeeAcked(Seen* seen, uint64_t offset, const Delivery& d)
{
    seen->acked.emplace_back(offset, d);
}
} // namespace

TEST_F(CollectivesTest, TransportRoutesCookieRangesToTheirReceivers)
{
    Built b = Build(LeafPerHost(2));
    Ptr<GpuTransport> transport = CreateObject<GpuTransport>();
    transport->SetFabric(b.fabric);
    Seen first;
    Seen second;
    Seen removed;
    uint64_t a = transport->AddReceiver(4,
                                        MakeBoundCallback(&SeeArrived, &first),
                                        MakeBoundCallback(&SeeAcked, &first));
    uint64_t gone = transport->AddReceiver(2,
                                           MakeBoundCallback(&SeeArrived, &removed),
                                           MakeBoundCallback(&SeeAcked, &removed));
    uint64_t c = transport->AddReceiver(1,
                                        MakeBoundCallback(&SeeArrived, &second),
                                        GpuTransport::ReceiverCallback());
    EXPECT_EQ(gone, a + 4); // ranges follow each other
    EXPECT_EQ(c, gone + 2);
    transport->RemoveReceiver(gone);
    GpuId src{0, 0};
    GpuId dst{1, 0};
    Simulator::Schedule(MicroSeconds(1), [&] {
        transport->Send(src, dst, 8192, 0, a + 3);
        transport->Send(src, dst, 4096, 1, gone + 1); // nobody waits for it any more
        transport->Send(src, dst, 4096, 2, c);
        transport->Send(src, dst, 4096, 3, 0); // no cookie
    });
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    EXPECT_TRUE(removed.arrived.empty());
    EXPECT_TRUE(removed.acked.empty());
    EXPECT_TRUE(second.acked.empty()); // its receiver takes no acknowledgements
    ASSERT_EQ(second.arrived.size(), 1U);
    EXPECT_EQ(second.arrived[0].first, 0U);
    ASSERT_EQ(first.arrived.size(), 1U);
    ASSERT_EQ(first.acked.size(), 1U);
    EXPECT_EQ(first.arrived[0].first, 3U);
    EXPECT_EQ(first.acked[0].first, 3U);
    // Alone on its queue pair and first on the wire: two frames, then store and forward.
    const Delivery& in = first.arrived[0].second;
    EXPECT_NEAR((in.arrived - MicroSeconds(1)).GetSeconds(), MessageSeconds(8192), 1e-12);
    EXPECT_LT(in.firstByte, in.arrived);
    const Delivery& out = first.acked[0].second;
    EXPECT_EQ(out.posted, MicroSeconds(1));
    EXPECT_GT(out.acked, in.arrived); // the acknowledgement crosses back
}

TEST_F(CollectivesTest, ExecutionRunsComputeOneTaskAtATimePerGpu)
{
    // Two independent 10 us tasks and a 5 us one after the first: the GPU runs them in turn.
    Built b = Build(LeafPerHost(2));
    ExecutionGraph g;
    g.AddLabel("step");
    uint32_t p = g.AddProgram();
    uint32_t a = g.AddTask(p, Compute(MicroSeconds(10)));
    g.AddTask(p, Compute(MicroSeconds(10)));
    g.AddTask(p, Compute(MicroSeconds(5)), {a});
    g.AddRank(GpuId{0, 0}, p);
    g.AddRank(GpuId{1, 0}, p);
    ExecutionResult r = RunGraph(b, g);
    EXPECT_EQ(r.end, MicroSeconds(25));
    EXPECT_EQ(r.rankCompute[0], MicroSeconds(25));
    EXPECT_EQ(r.rankEnd[1], MicroSeconds(25));
    ExpectBreakdownAddsUp(r);
}

TEST_F(CollectivesTest, ExecutionMessageWaitsForItsDataAndCountsAsExposed)
{
    // Rank 0 computes 10 us, then sends 64 KiB to rank 1, which computes 5 us once it has it:
    // rank 1 waited 10 us plus the message's time, all of it for the message.
    const uint64_t bytes = 64 * 1024;
    Built b = Build(LeafPerHost(2));
    ExecutionGraph g;
    g.AddLabel("step");
    uint32_t sender = g.AddProgram();
    uint32_t c = g.AddTask(sender, Compute(MicroSeconds(10)));
    g.AddTask(sender, Message(ExecutionGraph::SEND, 1, bytes, 0), {c});
    uint32_t receiver = g.AddProgram();
    uint32_t in = g.AddTask(receiver, Message(ExecutionGraph::RECV, 0, bytes));
    g.AddTask(receiver, Compute(MicroSeconds(5)), {in});
    g.AddRank(GpuId{0, 0}, sender);
    g.AddRank(GpuId{1, 0}, receiver);
    ExecutionResult r = RunGraph(b, g);
    double arrival = 10e-6 + MessageSeconds(bytes);
    EXPECT_NEAR(r.rankEnd[1].GetSeconds(), arrival + 5e-6, 1e-12);
    uint32_t messages = 1 + g.GetNGroupKinds(); // messages to ranks by number
    EXPECT_NEAR(r.GetExposed(1, messages).GetSeconds(), arrival, 1e-12);
    // The sender is done when the acknowledgement of the last frame is back.
    EXPECT_GT(r.rankEnd[0].GetSeconds(), arrival);
    EXPECT_EQ(r.rankCompute[0], MicroSeconds(10));
    ExpectBreakdownAddsUp(r);
}

TEST_F(CollectivesTest, ExecutionRanksEnterACollectiveWhenTheyReachIt)
{
    // An AllGather of two ranks: each sends its half once it has entered. Rank 1 enters at
    // 5 us, rank 0 at 20 us; rank 1 gets rank 0's half one message time after 20 us, however
    // early it came, and waited for it since 5 us.
    const uint64_t bytes = 128 * 1024;
    Built b = Build(LeafPerHost(2));
    ExecutionGraph g;
    g.AddLabel("step");
    uint32_t dp = g.AddGroupKind("dp");
    g.AddGroup(dp, {0, 1});
    uint32_t ring = g.AddAlgorithm("ns3::RingAlgorithm", {});
    std::vector<uint32_t> programs;
    for (Time compute : {MicroSeconds(20), MicroSeconds(5)})
    {
        uint32_t p = g.AddProgram();
        uint32_t c = g.AddTask(p, Compute(compute));
        uint32_t ag = g.AddTask(p, OnGroup(CollectiveOp::ALL_GATHER, dp, bytes, ring), {c});
        g.AddTask(p, Compute(MicroSeconds(1)), {ag});
        programs.push_back(p);
    }
    g.AddRank(GpuId{0, 0}, programs[0]);
    g.AddRank(GpuId{1, 0}, programs[1]);
    ExecutionResult r = RunGraph(b, g);
    double arrival = 20e-6 + MessageSeconds(bytes / 2);
    EXPECT_NEAR(r.rankEnd[1].GetSeconds(), arrival + 1e-6, 1e-12);
    EXPECT_NEAR(r.GetExposed(1, 1 + dp).GetSeconds(), arrival - 5e-6, 1e-12);
    // Rank 0 is over when its own half is acknowledged, after it arrived.
    EXPECT_GT(r.rankEnd[0].GetSeconds(), arrival + 1e-6);
    EXPECT_EQ(r.GetCriticalRank(), 0u);
    ExpectBreakdownAddsUp(r);
    // The span of the label's collectives runs from the first entry to the last rank's end.
    const auto& span = r.spans[1 + dp];
    EXPECT_EQ(span.first, MicroSeconds(5));
    EXPECT_EQ(span.tasks, 2u);
}

TEST_F(CollectivesTest, ExecutionGroupsRunTheirOwnOperationsAtOnce)
{
    // Four ranks in two groups of two, each group an AllReduce: the groups do not wait for
    // each other, so both take the same time, and the sequence numbers keep a group's second
    // AllReduce apart from its first.
    const uint64_t bytes = 64 * 1024;
    Built b = Build(LeafPerHost(4));
    ExecutionGraph g;
    g.AddLabel("step");
    uint32_t dp = g.AddGroupKind("dp");
    g.AddGroup(dp, {0, 2});
    g.AddGroup(dp, {3, 1});
    uint32_t ring = g.AddAlgorithm("ns3::RingAlgorithm", {});
    uint32_t p = g.AddProgram();
    uint32_t first = g.AddTask(p, OnGroup(CollectiveOp::ALL_REDUCE, dp, bytes, ring));
    g.AddTask(p, OnGroup(CollectiveOp::ALL_REDUCE, dp, bytes, ring), {first});
    for (uint32_t r = 0; r < 4; ++r)
    {
        g.AddRank(GpuId{r, 0}, p);
    }
    EXPECT_EQ(g.GetTask(p, 1).sequence, 1u);
    ExecutionResult r = RunGraph(b, g);
    // Each AllReduce of two ranks is two steps of half the data; the second starts on a rank
    // once its first is over there.
    EXPECT_GE(r.GetTime().GetSeconds(), 4 * MessageSeconds(bytes / 2));
    EXPECT_EQ(r.rankEnd[0], r.rankEnd[3]);
    EXPECT_EQ(r.rankEnd[2], r.rankEnd[1]);
    ExpectBreakdownAddsUp(r);
}

TEST_F(CollectivesTest, ExecutionMakesEveryConnectionBeforeTheRun)
{
    // Rank 3 computes 20 us, then AllGathers with rank 2 and sends to rank 0, which AllGathers
    // with rank 1 from the start. Setup makes the five connections (the message, each ring's
    // two directions) before anything runs: each NIC numbers its queue pairs in the graph's
    // order, not as ranks reach them, and the run makes no more. With room for two awake
    // queue pairs, idle ones rest as they are made, and the run ends at the same picosecond.
    const uint64_t bytes = 64 * 1024;
    ExecutionGraph g;
    g.AddLabel("step");
    uint32_t dp = g.AddGroupKind("dp");
    g.AddGroup(dp, {0, 1});
    g.AddGroup(dp, {2, 3});
    uint32_t ring = g.AddAlgorithm("ns3::RingAlgorithm", {});
    uint32_t early = g.AddProgram(); // ranks 1 and 2
    g.AddTask(early, OnGroup(CollectiveOp::ALL_GATHER, dp, bytes, ring));
    uint32_t receiver = g.AddProgram();
    uint32_t ag = g.AddTask(receiver, OnGroup(CollectiveOp::ALL_GATHER, dp, bytes, ring));
    g.AddTask(receiver, Message(ExecutionGraph::RECV, 3, bytes), {ag});
    uint32_t sender = g.AddProgram();
    uint32_t c = g.AddTask(sender, Compute(MicroSeconds(20)));
    ag = g.AddTask(sender, OnGroup(CollectiveOp::ALL_GATHER, dp, bytes, ring), {c});
    g.AddTask(sender, Message(ExecutionGraph::SEND, 0, bytes, 1), {ag});
    for (uint32_t program : {receiver, early, early, sender})
    {
        g.AddRank(GpuId{g.GetNRanks(), 0}, program);
    }
    ASSERT_EQ(g.Check(), std::vector<std::string>());
    auto graph = std::make_shared<ExecutionGraph>(g);
    auto run = [&graph](uint64_t awake, uint64_t& rests) {
        Built b = Build(LeafPerHost(4));
        Ptr<GpuTransport> transport = CreateObject<GpuTransport>();
        transport->SetAttribute("AwakeQueuePairs", UintegerValue(awake));
        transport->SetFabric(b.fabric);
        Ptr<Execution> e = CreateObject<Execution>();
        e->Setup(transport, graph);
        EXPECT_EQ(transport->GetNQueuePairs(), 5u);
        std::vector<uint32_t> made; // by NIC: queue pairs, one per connection end
        for (const auto& nic : b.fabric.nics)
        {
            made.push_back(nic->GetNextQpn() - Cx8NetDevice::FIRST_QPN);
        }
        EXPECT_EQ(made, (std::vector<uint32_t>{3, 2, 2, 3}));
        rests = transport->GetNRests();
        Simulator::Schedule(Seconds(0), &Execution::Start, e);
        Simulator::Run();
        EXPECT_TRUE(e->IsComplete());
        EXPECT_EQ(transport->GetNQueuePairs(), 5u);
        Time end = e->GetResult().end;
        Simulator::Destroy();
        return end;
    };
    uint64_t rests = 0;
    Time awake = run(uint64_t(1) << 20, rests);
    EXPECT_EQ(rests, 0u);
    EXPECT_EQ(run(2, rests), awake);
    EXPECT_GT(rests, 0u); // during Setup, before the run
    // The message leaves after rank 3's 20 us and its AllGather.
    EXPECT_GT(awake.GetSeconds(), 20e-6 + 2 * MessageSeconds(bytes / 2));
}

TEST(ExecutionGraph, CheckFindsWhatCannotRun)
{
    ExecutionGraph g;
    g.AddLabel("fwd");
    uint32_t tp = g.AddGroupKind("tp");
    g.AddGroup(tp, {0, 1});
    uint32_t ring = g.AddAlgorithm("ns3::RingAlgorithm", {});
    uint32_t a = g.AddProgram();
    g.AddTask(a, OnGroup(CollectiveOp::ALL_REDUCE, tp, 1024, ring));
    g.AddTask(a, Message(ExecutionGraph::SEND, 2, 100, 0)); // rank 2 has no receive
    uint32_t b = g.AddProgram();
    g.AddTask(b, OnGroup(CollectiveOp::ALL_GATHER, tp, 1024, ring));
    uint32_t c = g.AddProgram();
    g.AddTask(c, Message(ExecutionGraph::RECV, 0, 50));  // rank 0 sends 100
    g.AddTask(c, Message(ExecutionGraph::RECV, 7, 100)); // no rank 7
    g.AddRank(GpuId{0, 0}, a);
    g.AddRank(GpuId{1, 0}, b);
    g.AddRank(GpuId{2, 0}, c);
    g.AddRank(GpuId{3, 0}, a);
    std::vector<std::string> problems = g.Check();
    std::vector<std::string> expected = {
        "rank 0, task 1 ('fwd'): rank 2 has no receive of 100 bytes from it as task 0",
        "rank 2, task 1 ('fwd'): no peer rank to receive from",
        "rank 3, task 0 ('fwd'): a collective on 'tp', but the rank is in no such group",
        "rank 3, task 1 ('fwd'): rank 2 has no receive of 100 bytes from it as task 0",
        "rank 2, task 0 ('fwd'): no send of rank 0 fills it",
        "group 0 of 'tp': rank 0 and rank 1 differ at their collective 0 on it (1 and 1 "
        "collectives)",
    };
    EXPECT_EQ(problems, expected);
}

struct CostCase
{
    const char* name;
    const char* algorithm;
    CollectiveOp op;
    std::string topology;
    uint64_t bytes;
    uint64_t chunk;
    uint32_t channels;
};

/// Operations alone on idle fabrics against their algorithm's alpha-beta cost over the
/// fabric's paths (IdealFct::GetPath), whole blocks and pipelined chunks, one and several
/// channels, power-of-two and other rank counts.
class AlgorithmCostTest : public FabricTest, public ::testing::WithParamInterface<CostCase>
{
};

TEST_P(AlgorithmCostTest, IdleFabricTimeIsTheAlphaBetaCost)
{
    const CostCase& c = GetParam();
    Built b = Build(c.topology);
    IdealFct ideal(b.fabric);
    Communicator comm = Communicator::AllGpus(*b.graph);
    TypeId tid;
    ASSERT_TRUE(CollectiveHelper::LookupAlgorithm(c.algorithm, tid));
    ObjectFactory f;
    f.SetTypeId(tid);
    f.Set("ChunkSize", UintegerValue(c.chunk));
    f.Set("Channels", UintegerValue(c.channels));
    Time cost = f.Create<CollectiveAlgorithm>()->GetCost(
        c.op,
        comm,
        c.bytes,
        0,
        [&ideal](GpuId s, GpuId d) { return ideal.GetPath(s, d); });
    CollectiveResult r = RunCollective(b, c.op, c.bytes, c.algorithm, c.chunk, c.channels);
    // The models leave out the acknowledgements sharing the links (at most one 84-byte frame
    // per 4178-byte data frame, 2 %).
    EXPECT_NEAR(r.GetTime().GetSeconds() / cost.GetSeconds(), 1, 0.03)
        << "measured " << r.GetTime() << ", model " << cost;
}

INSTANTIATE_TEST_SUITE_P(
    Collectives,
    AlgorithmCostTest,
    ::testing::Values(
        CostCase{"RingAllReduceWholeBlocks",
                 "ring",
                 CollectiveOp::ALL_REDUCE,
                 LeafPerHost(8),
                 2 << 20,
                 512 << 10,
                 1},
        CostCase{"RingAllReducePipelined",
                 "ring",
                 CollectiveOp::ALL_REDUCE,
                 LeafPerHost(8),
                 32 << 20,
                 512 << 10,
                 1},
        CostCase{"RingAllReduceSmall",
                 "ring",
                 CollectiveOp::ALL_REDUCE,
                 LeafPerHost(16),
                 64 << 10,
                 512 << 10,
                 1},
        CostCase{"RingAllReduceChannels",
                 "ring",
                 CollectiveOp::ALL_REDUCE,
                 LeafPerHost(8),
                 32 << 20,
                 512 << 10,
                 4},
        CostCase{"RingAllGather",
                 "ring",
                 CollectiveOp::ALL_GATHER,
                 LeafPerHost(8),
                 8 << 20,
                 256 << 10,
                 1},
        CostCase{"RingReduceScatter",
                 "ring",
                 CollectiveOp::REDUCE_SCATTER,
                 LeafPerHost(12),
                 12 << 20,
                 512 << 10,
                 1},
        CostCase{"RingBroadcast",
                 "ring",
                 CollectiveOp::BROADCAST,
                 LeafPerHost(8),
                 8 << 20,
                 512 << 10,
                 1},
        CostCase{"TreeAllReduceSmall",
                 "tree",
                 CollectiveOp::ALL_REDUCE,
                 LeafPerHost(16),
                 64 << 10,
                 512 << 10,
                 1},
        CostCase{"TreeAllReduceLarge",
                 "tree",
                 CollectiveOp::ALL_REDUCE,
                 LeafPerHost(16),
                 16 << 20,
                 512 << 10,
                 1},
        CostCase{"DirectAllToAll",
                 "direct",
                 CollectiveOp::ALL_TO_ALL,
                 Star(8),
                 64 << 20,
                 512 << 10,
                 1},
        CostCase{"HierarchicalAllReduce",
                 "hierarchical",
                 CollectiveOp::ALL_REDUCE,
                 "version: 1\nhosts: {count: 4, profile: hgx-b200}\nfabric:\n  planes:\n  "
                 "  - {name: rail, count: 8, generator: leaf-spine, radix: 8}\n",
                 8 << 20,
                 512 << 10,
                 1},
        CostCase{"RingAllReduceAcrossRails",
                 "ring",
                 CollectiveOp::ALL_REDUCE,
                 "version: 1\nhosts: {count: 2, profile: hgx-b200}\nfabric:\n  planes:\n    - "
                 "{name: rail, count: 8, generator: leaf-spine, radix: 8}\n",
                 16 << 20,
                 512 << 10,
                 1},
        CostCase{"PatAllGather",
                 "pat",
                 CollectiveOp::ALL_GATHER,
                 LeafPerHost(8),
                 1 << 20,
                 512 << 10,
                 1},
        CostCase{"PatAllGatherUneven",
                 "pat",
                 CollectiveOp::ALL_GATHER,
                 LeafPerHost(12),
                 6 << 20,
                 512 << 10,
                 1},
        CostCase{"PatReduceScatter",
                 "pat",
                 CollectiveOp::REDUCE_SCATTER,
                 LeafPerHost(16),
                 4 << 20,
                 512 << 10,
                 2},
        CostCase{"PatAllReduceUneven",
                 "pat",
                 CollectiveOp::ALL_REDUCE,
                 LeafPerHost(13),
                 8 << 20,
                 512 << 10,
                 1},
        CostCase{"PatAllReduceSmall",
                 "pat",
                 CollectiveOp::ALL_REDUCE,
                 LeafPerHost(16),
                 64 << 10,
                 512 << 10,
                 1}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(PatAlgorithm, LogarithmicStepsCarryEveryRanksDataToEveryRank)
{
    // Bruck's steps: ceil(log2 n) messages per rank and phase, (n-1)/n of the data sent per
    // phase, and every rank's data reaching every rank through the dependencies (a transfer
    // carries what its sender had when it left: its own data and that of what it waited for).
    for (uint32_t n : {2u, 5u, 8u, 13u})
    {
        std::vector<GpuId> gpus;
        for (uint32_t r = 0; r < n; ++r)
        {
            gpus.push_back(GpuId{r, 0});
        }
        Communicator comm(gpus);
        uint32_t steps = 0;
        while ((1u << steps) < n)
        {
            ++steps;
        }
        const uint64_t bytes = 1000003; // not a multiple of n
        for (CollectiveOp op :
             {CollectiveOp::ALL_GATHER, CollectiveOp::REDUCE_SCATTER, CollectiveOp::ALL_REDUCE})
        {
            uint32_t phases = op == CollectiveOp::ALL_REDUCE ? 2 : 1;
            Ptr<PatAlgorithm> pat = CreateObject<PatAlgorithm>();
            pat->SetAttribute("ChunkSize", UintegerValue(bytes)); // one transfer per message
            CollectiveSchedule schedule;
            pat->Build(op, comm, bytes, 0, schedule);
            EXPECT_EQ(schedule.GetSize(), n * steps * phases) << n << " ranks";
            std::vector<uint64_t> sent = schedule.GetBytesSent(n);
            uint64_t total = 0;
            for (uint64_t b : sent)
            {
                total += b;
                EXPECT_LE(b, phases * ((n - 1) * (bytes / n) + (n - 1)));
            }
            EXPECT_EQ(total, uint64_t(phases) * (n - 1) * bytes) << n << " ranks";
            std::vector<std::vector<bool>> carries(schedule.GetSize(), std::vector<bool>(n));
            std::vector<std::vector<bool>> has(n, std::vector<bool>(n));
            for (uint32_t r = 0; r < n; ++r)
            {
                has[r][r] = true;
            }
            for (uint32_t t = 0; t < schedule.GetSize(); ++t)
            {
                const auto& transfer = schedule.Get(t);
                carries[t][transfer.src] = true;
                auto [first, last] = schedule.GetDeps(t);
                for (const uint32_t* d = first; d != last; ++d)
                {
                    ASSERT_LT(*d, t);
                    EXPECT_EQ(schedule.Get(*d).dst, transfer.src);
                    for (uint32_t r = 0; r < n; ++r)
                    {
                        carries[t][r] = carries[t][r] || carries[*d][r];
                    }
                }
                for (uint32_t r = 0; r < n; ++r)
                {
                    has[transfer.dst][r] = has[transfer.dst][r] || carries[t][r];
                }
            }
            for (uint32_t r = 0; r < n; ++r)
            {
                EXPECT_EQ(std::count(has[r].begin(), has[r].end(), true), n)
                    << ToString(op) << " on " << n << " ranks: rank " << r;
            }
        }
    }
}

TEST_F(CollectivesTest, ExecutionOnAnIdealFabricTakesTheAlphaBetaCosts)
{
    // Rank 0 computes 20 us, rank 1 5 us; both AllGather 128 KiB, then rank 0 sends 64 KiB
    // to rank 1, which receives it after the AllGather and computes 1 us once it has it. On
    // the ideal fabric the AllGather (one step of 64 KiB each way) is over for both one
    // message time after the last entry, at 20 us, and the message takes one more: nothing
    // crosses the fabric.
    const uint64_t bytes = 128 * 1024;
    Built b = Build(LeafPerHost(2));
    ExecutionGraph g;
    g.AddLabel("step");
    uint32_t dp = g.AddGroupKind("dp");
    g.AddGroup(dp, {0, 1});
    uint32_t ring = g.AddAlgorithm("ns3::RingAlgorithm", {});
    uint32_t sender = g.AddProgram();
    uint32_t c = g.AddTask(sender, Compute(MicroSeconds(20)));
    uint32_t ag = g.AddTask(sender, OnGroup(CollectiveOp::ALL_GATHER, dp, bytes, ring), {c});
    g.AddTask(sender, Message(ExecutionGraph::SEND, 1, bytes / 2, 2), {ag});
    uint32_t receiver = g.AddProgram();
    c = g.AddTask(receiver, Compute(MicroSeconds(5)));
    ag = g.AddTask(receiver, OnGroup(CollectiveOp::ALL_GATHER, dp, bytes, ring), {c});
    uint32_t in = g.AddTask(receiver, Message(ExecutionGraph::RECV, 0, bytes / 2, 2), {ag});
    g.AddTask(receiver, Compute(MicroSeconds(1)), {in});
    g.AddRank(GpuId{0, 0}, sender);
    g.AddRank(GpuId{1, 0}, receiver);
    ASSERT_EQ(g.Check(), std::vector<std::string>());
    IdealFct ideal(b.fabric);
    Ptr<Execution> e = CreateObject<Execution>();
    e->SetupIdeal([&ideal](GpuId s, GpuId d) { return ideal.GetPath(s, d); },
                  std::make_shared<ExecutionGraph>(g));
    Simulator::Schedule(Seconds(0), &Execution::Start, e);
    Simulator::Run();
    ASSERT_TRUE(e->IsComplete());
    const ExecutionResult& r = e->GetResult();
    double gathered = 20e-6 + MessageSeconds(bytes / 2);
    EXPECT_NEAR(r.rankEnd[0].GetSeconds(), gathered + MessageSeconds(bytes / 2), 1e-11);
    EXPECT_NEAR(r.rankEnd[1].GetSeconds(), gathered + MessageSeconds(bytes / 2) + 1e-6, 1e-11);
    EXPECT_EQ(r.rankCompute[1], MicroSeconds(6));
    // Rank 1 waited for the AllGather from 5 us on, then for the message once its turn came.
    EXPECT_NEAR(r.GetExposed(1, 1 + dp).GetSeconds(), gathered - 5e-6, 1e-11);
    EXPECT_NEAR(r.GetExposed(1, 2 + dp).GetSeconds(), MessageSeconds(bytes / 2), 1e-11);
    ExpectBreakdownAddsUp(r);
    // Its events: three computes, one collective and one message; no frame was sent.
    EXPECT_EQ(e->GetEvents(), 5u);
    for (const auto& nic : b.fabric.nics)
    {
        EXPECT_EQ(nic->GetTxFrames(), 0u);
    }
}
