/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/fabric-units.h"
#include "ns3/scenario-runner.h"
#include "ns3/scenario.h"

#include <algorithm>
#include <cmath>
#include <tuple>

using namespace ns3;
using namespace nsfab_test;

namespace
{
/**
 * Store-and-forward completion time of one message on an idle path of \p links equal links.
 * Every frame crosses the first link back to back. On each further link the last frame leaves
 * once it has arrived, been switched (latency) and the frame before it has left: with a short
 * last frame, the one before it sets the pace. The final frame then propagates to the receiver.
 */
double
StoreAndForwardFct(uint64_t bytes,
                   uint64_t mtu,
                   double bps,
                   uint32_t links,
                   double delay,
                   double latency)
{
    uint64_t frames = (bytes + mtu - 1) / mtu;
    double full = FrameSeconds(mtu, bps);
    double last = FrameSeconds(bytes - (frames - 1) * mtu, bps);
    double perHop = (frames > 1 ? std::max(full, last) : last) + delay + latency;
    return (frames - 1) * full + last + (links - 1) * perHop + delay;
}
} // namespace

TEST_F(FabricTest, SingleFlowScenarioRunsAtTheWireBound)
{
    std::vector<Diagnostic> d;
    Scenario s = LoadScenario(NSFAB_SOURCE_DIR "/scenarios/single-flow.yaml", d);
    ASSERT_TRUE(d.empty()) << d[0].Format();
    ASSERT_EQ(s.flows.size(), 1u);
    ASSERT_EQ(s.flows[0].bytes, 64u << 20);
    RunResult r = RunScenario(s, "");
    ASSERT_TRUE(r.flows[0].completed);

    double fct = r.flows[0].GetFct().GetSeconds();
    double goodput = s.flows[0].bytes * 8 / fct;
    // 4096 payload bytes per 4178 wire bytes.
    double bound = 4096.0 / 4178.0 * 800e9; // 784.3 Gb/s
    EXPECT_LE(goodput, bound);
    EXPECT_GE(goodput, bound * 0.995) << "goodput " << goodput / 1e9 << " Gb/s";

    // host0 and host4 sit on different leaves: NIC-leaf-spine-leaf-NIC, 4 links.
    double expected = StoreAndForwardFct(s.flows[0].bytes, 4096, 800e9, 4, 10e-9, 500e-9);
    EXPECT_NEAR(fct, expected, expected * 0.01);
    // The model is exact on an idle path: the sum holds to the picosecond rounding.
    EXPECT_NEAR(fct, expected, 1e-12 * 16384);
}

/// (tiers, radix, source host, destination host, links on the path, MTU, rate in Gb/s, bytes)
using PathParam =
    std::tuple<uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint64_t>;

class StoreAndForwardTest : public FabricTest, public ::testing::WithParamInterface<PathParam>
{
};

TEST_P(StoreAndForwardTest, FctIsTheStoreAndForwardSum)
{
    auto [tiers, radix, src, dst, links, mtu, gbps, bytes] = GetParam();
    FatTreeHelper helper;
    DataRate rate(uint64_t(gbps) * 1000000000ULL);
    helper.SetNicAttribute("DataRate", DataRateValue(rate));
    helper.SetNicAttribute("PayloadMtu", UintegerValue(mtu));
    helper.SetSwitchPortAttribute("DataRate", DataRateValue(rate));
    helper.SetSwitchAttribute("PipelineLatency", TimeValue(NanoSeconds(700)));
    helper.SetLinkDelay(fabric::CableDelay(30));
    FatTree tree = helper.Build(FatTreeShape{tiers, radix, 0, 0});
    Completion c;
    StartMessage(tree, src, dst, bytes, &c);
    Simulator::Run();
    ASSERT_TRUE(c.sentDone && c.receivedDone);
    EXPECT_EQ(c.received.bytes, bytes);
    EXPECT_EQ(c.sent.bytes, bytes);

    double expected = StoreAndForwardFct(bytes, mtu, gbps * 1e9, links, 150e-9, 700e-9);
    double fct = (c.received.end - c.sent.start).GetSeconds();
    EXPECT_NEAR(fct, expected, 1e-12 * (bytes / mtu + links + 1));
    // The sender completes when the ACK of the last packet (a 62-byte frame) has come back
    // over the same number of links.
    double ackBack = links * (FrameSeconds(62 - 58, gbps * 1e9) + 150e-9) + (links - 1) * 700e-9;
    double sent = (c.sent.end - c.sent.start).GetSeconds();
    EXPECT_NEAR(sent, expected + ackBack, 1e-12 * (bytes / mtu + 2 * links + 2));
}

INSTANTIATE_TEST_SUITE_P(
    Paths,
    StoreAndForwardTest,
    ::testing::Values(PathParam{2, 8, 0, 1, 2, 4096, 800, 1 << 20},  // same leaf
                      PathParam{2, 8, 0, 31, 4, 4096, 800, 1 << 20}, // across the spine
                      PathParam{3, 4, 0, 3, 4, 4096, 800, 1 << 20},  // same pod
                      PathParam{3, 4, 0, 15, 6, 4096, 800, 1 << 20}, // across the core
                      PathParam{3, 4, 0, 15, 6, 1024, 400, 1000003}, // odd size, 1 KiB MTU
                      PathParam{2, 4, 0, 2, 4, 4096, 200, 100}));    // one short packet
