/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Every congestion control on a real fabric: one flow's goodput, N:1 incasts' completion and
// fairness, and HPCC's queue against DCQCN's on the same incast.

#include "fabric-test.h"

#include "ns3/double.h"
#include "ns3/string.h"

#include <algorithm>
#include <numeric>

using namespace ns3;
using namespace nsfab_test;

namespace
{
/// 800 Gb/s times the 4096/4178 payload share of the wire.
constexpr double LINE_GOODPUT = 800e9 * 4096 / FULL_FRAME_WIRE_BYTES;

/// Radix-8 leaf-spine (32 hosts, 4 per leaf) whose queue pairs use congestion control \p cc.
FatTree
BuildFabric(const ObjectFactory& cc)
{
    ObjectFactory qp("ns3::RdmaQueuePair");
    qp.Set("CongestionControl", ObjectFactoryValue(cc));
    FatTreeHelper helper;
    helper.SetNicAttribute("QueuePairFactory", ObjectFactoryValue(qp));
    FatTree tree = helper.Build(FatTreeShape{2, 8, 0, 0});
    tree.AssignStreams(0);
    return tree;
}

struct IncastResult
{
    bool allCompleted{false};
    double jain{0};
    /// 99th percentile of the receiver port's queue, sampled every 100 ns in the steady state.
    uint64_t p99Queue{0};
    /// The receiver link's busy share in the steady state (wire bytes over line rate).
    double utilization{0};
};

/// Per flow, the ends of the messages delivered.
using Deliveries = std::vector<std::vector<Time>>;

void
RecordDelivery(Deliveries* d, uint32_t flow, const RdmaCompletion& c)
{
    (*d)[flow].push_back(c.end);
}

/**
 * \brief N senders (hosts 1..N) to host 0, each posting \p bytes as 256 KiB messages at time
 *        0. The steady state is the second half of the time until the first flow ends (DCQCN
 *        needs about 8 ms to recover from the first burst of N flows at line rate).
 */
IncastResult
RunIncast(const ObjectFactory& cc, uint32_t senders, uint64_t bytes)
{
    const uint64_t message = 256 << 10;
    FatTree tree = BuildFabric(cc);
    Deliveries delivered(senders);
    for (uint32_t i = 0; i < senders; ++i)
    {
        auto [sender, receiver] = RdmaHelper::Connect(tree.nics[1 + i], tree.nics[0]);
        receiver->TraceConnectWithoutContext("RecvComplete",
                                             MakeBoundCallback(&RecordDelivery, &delivered, i));
        for (uint64_t posted = 0; posted < bytes; posted += message)
        {
            sender->PostSend(message);
        }
    }
    // host0 hangs off leaf0's port 0.
    Ptr<FabricNetDevice> port = tree.tiers[0][0]->GetPort(0);
    std::vector<std::pair<Time, uint64_t>> queue;   // (time, queued bytes)
    std::vector<std::pair<Time, uint64_t>> txBytes; // (time, bytes sent)
    std::function<void()> sample = [&]() {
        queue.emplace_back(Simulator::Now(), port->GetQueuedBytes());
        txBytes.emplace_back(Simulator::Now(), port->GetTxBytes());
        if (std::any_of(delivered.begin(), delivered.end(), [&](const auto& d) {
                return d.size() < bytes / message;
            }))
        {
            Simulator::Schedule(NanoSeconds(100), sample);
        }
    };
    Simulator::Schedule(Seconds(0), sample);
    Simulator::Stop(MilliSeconds(200));
    Simulator::Run();

    IncastResult result;
    result.allCompleted = std::all_of(delivered.begin(), delivered.end(), [&](const auto& d) {
        return d.size() == bytes / message;
    });
    if (!result.allCompleted)
    {
        return result;
    }
    Time firstEnd = Time::Max();
    for (const auto& d : delivered)
    {
        firstEnd = std::min(firstEnd, d.back());
    }
    Time from = firstEnd / 2;
    Time to = firstEnd;
    std::vector<double> shares;
    for (const auto& d : delivered)
    {
        shares.push_back(
            double(std::count_if(d.begin(), d.end(), [&](Time t) { return t >= from && t < to; })));
    }
    double sum = std::accumulate(shares.begin(), shares.end(), 0.0);
    double squares = std::inner_product(shares.begin(), shares.end(), shares.begin(), 0.0);
    result.jain = sum * sum / (shares.size() * squares);

    std::vector<uint64_t> steady;
    uint64_t txFrom = 0;
    uint64_t txTo = 0;
    for (std::size_t i = 0; i < queue.size(); ++i)
    {
        if (queue[i].first >= from && queue[i].first < to)
        {
            steady.push_back(queue[i].second);
            txFrom = txFrom ? txFrom : txBytes[i].second;
            txTo = txBytes[i].second;
        }
    }
    std::sort(steady.begin(), steady.end());
    result.p99Queue = steady[steady.size() * 99 / 100];
    // Frames plus their preamble and gap: the wire time they took.
    double frames = double(txTo - txFrom) / (FULL_FRAME_WIRE_BYTES - 20);
    result.utilization = (txTo - txFrom + frames * 20) * 8 / (800e9 * (to - from).GetSeconds());
    return result;
}

/// Bytes per sender for an incast that keeps the receiver link busy about \p milliseconds
/// (100 MiB per millisecond is a little above its goodput).
uint64_t
IncastBytes(uint32_t milliseconds, uint32_t senders)
{
    return (uint64_t(milliseconds) * 100 << 20) / senders;
}

struct Algorithm
{
    const char* name;
    const char* typeId;
    /// One attribute to set, or nullptr.
    const char* attribute{nullptr};
    const char* value{nullptr};

    ObjectFactory Factory() const
    {
        ObjectFactory factory(typeId);
        if (attribute)
        {
            factory.Set(attribute, StringValue(value));
        }
        return factory;
    }
};

/// Test names and failure messages show the algorithm, not its bytes.
void
PrintTo(const Algorithm& algorithm, std::ostream* os)
{
    *os << algorithm.name;
}

const Algorithm NONE{"None", "ns3::NoCongestionControl"};
const Algorithm DCQCN{"Dcqcn", "ns3::DcqcnCongestionControl"};
const Algorithm HPCC{"Hpcc", "ns3::HpccCongestionControl"};
const Algorithm TIMELY{"Timely", "ns3::TimelyCongestionControl"};
const Algorithm DCTCP{"Dctcp", "ns3::DctcpCongestionControl"};

class OneFlowTest : public FabricTest, public ::testing::WithParamInterface<Algorithm>
{
};

/// (algorithm, senders, milliseconds of the receiver link's time the incast carries)
using IncastCase = std::tuple<Algorithm, uint32_t, uint32_t>;

class IncastTest : public FabricTest, public ::testing::WithParamInterface<IncastCase>
{
};

std::string
AlgorithmName(const ::testing::TestParamInfo<Algorithm>& info)
{
    return info.param.name;
}

std::string
IncastName(const ::testing::TestParamInfo<IncastCase>& info)
{
    return std::string(std::get<0>(info.param).name) + "To1x" +
           std::to_string(std::get<1>(info.param));
}

/// Goodput of one 64 MiB message from host0 to host4 (leaf0 to leaf1 through a spine).
double
OneFlowGoodput(const ObjectFactory& cc)
{
    FatTree tree = BuildFabric(cc);
    const uint64_t bytes = 64 << 20;
    Completion c;
    StartMessage(tree, 0, 4, bytes, &c);
    Simulator::Run();
    EXPECT_TRUE(c.receivedDone);
    return c.receivedDone ? bytes * 8 / (c.received.end - c.sent.start).GetSeconds() : 0;
}
} // namespace

TEST_P(OneFlowTest, ReachesLineRate)
{
    double goodput = OneFlowGoodput(GetParam().Factory());
    std::cout << GetParam().name << " one flow: " << goodput / 1e9 << " Gb/s ("
              << goodput / LINE_GOODPUT * 100 << " % of line-rate goodput)\n";
    EXPECT_GE(goodput, 0.95 * LINE_GOODPUT);
}

// HPCC holds every link at eta (0.95 by default), so one flow needs a higher target to pass
// 95 % of line rate; the default case is checked against its own fixed point below.
INSTANTIATE_TEST_SUITE_P(Algorithms,
                         OneFlowTest,
                         ::testing::Values(NONE,
                                           DCQCN,
                                           Algorithm{"HpccEta098", HPCC.typeId, "Eta", "0.98"},
                                           TIMELY,
                                           DCTCP),
                         AlgorithmName);

TEST_F(FabricTest, HpccOneFlowHoldsTheLinkAtEta)
{
    // U = eta when the switches count eta x 800 Gb/s of frame bytes: with three INT hops a
    // 4096 B packet is 4158 + 4 + 3 x 8 = 4186 B, so the goodput is eta x 800G x 4096 / 4186.
    double goodput = OneFlowGoodput(HPCC.Factory());
    double fixedPoint = 0.95 * 800e9 * 4096 / 4186;
    std::cout << "Hpcc one flow at eta 0.95: " << goodput / 1e9 << " Gb/s, fixed point "
              << fixedPoint / 1e9 << " Gb/s\n";
    EXPECT_NEAR(goodput, fixedPoint, 0.02 * fixedPoint);
}

TEST_P(IncastTest, CompletesFairly)
{
    auto [algorithm, senders, milliseconds] = GetParam();
    IncastResult r = RunIncast(algorithm.Factory(), senders, IncastBytes(milliseconds, senders));
    std::cout << algorithm.name << " " << senders << ":1 Jain " << r.jain << ", p99 queue "
              << r.p99Queue << " B, utilization " << r.utilization << "\n";
    ASSERT_TRUE(r.allCompleted);
    EXPECT_GE(r.jain, 0.9);
}

INSTANTIATE_TEST_SUITE_P(Algorithms,
                         IncastTest,
                         ::testing::Combine(::testing::Values(DCQCN, HPCC, TIMELY, DCTCP),
                                            ::testing::Values(2u, 8u),
                                            ::testing::Values(20u)),
                         IncastName);

// At 16:1 TIMELY needs longer: the first burst fills the buffer (RTT about 1.2 ms, PFC pausing
// the senders), the flows that sample early are cut while paused ones keep their rate, and the
// rates meet only after about 20 ms (a 20 ms incast measured a Jain index of 0.36).
INSTANTIATE_TEST_SUITE_P(Algorithms16,
                         IncastTest,
                         ::testing::Values(IncastCase{DCQCN, 16, 20},
                                           IncastCase{HPCC, 16, 20},
                                           IncastCase{TIMELY, 16, 60},
                                           IncastCase{DCTCP, 16, 20}),
                         IncastName);

TEST_F(FabricTest, NoCongestionControlIncastCompletesUnderPfc)
{
    // Without congestion control the shares are PFC's: not checked for fairness (leaf0's
    // three local senders each own an ingress port, the remote ones share four).
    IncastResult r = RunIncast(NONE.Factory(), 16, IncastBytes(20, 16));
    std::cout << "None 16:1 Jain " << r.jain << ", p99 queue " << r.p99Queue << " B\n";
    EXPECT_TRUE(r.allCompleted);
}

TEST_F(FabricTest, HpccKeepsTheIncastQueueBelowDcqcns)
{
    // The HPCC paper's central claim on the same 8:1 incast (same seed): near-zero queues at
    // high utilization, where DCQCN holds its queue around the ECN thresholds.
    IncastResult hpcc = RunIncast(HPCC.Factory(), 8, IncastBytes(20, 8));
    Simulator::Destroy();
    IncastResult dcqcn = RunIncast(DCQCN.Factory(), 8, IncastBytes(20, 8));
    std::cout << "8:1 p99 queue: HPCC " << hpcc.p99Queue << " B, DCQCN " << dcqcn.p99Queue
              << " B; utilization HPCC " << hpcc.utilization << ", DCQCN " << dcqcn.utilization
              << "\n";
    ASSERT_TRUE(hpcc.allCompleted && dcqcn.allCompleted);
    EXPECT_LT(hpcc.p99Queue, dcqcn.p99Queue);
    EXPECT_GE(hpcc.utilization, 0.9);
    EXPECT_GE(dcqcn.utilization, 0.9);
}
