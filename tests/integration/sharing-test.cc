/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/results-writer.h"
#include "ns3/scenario-runner.h"
#include "ns3/scenario.h"

using namespace ns3;
using namespace nsfab_test;

namespace
{
/// 800 Gb/s times the 4096/4178 payload share of the wire.
constexpr double LINE_GOODPUT = 800e9 * 4096 / FULL_FRAME_WIRE_BYTES;

class TwoToOneTest : public FabricTest, public ::testing::WithParamInterface<std::pair<int, int>>
{
};
} // namespace

TEST_P(TwoToOneTest, EachFlowGetsHalfTheReceiverLink)
{
    // Leaf-spine of radix 8: host0 on leaf0 receives; the senders are given by the parameter.
    FatTree tree = FatTreeHelper().Build(FatTreeShape{2, 8, 0, 0});
    auto [a, b] = GetParam();
    const uint64_t bytes = 16 << 20;
    Completion ca;
    Completion cb;
    StartMessage(tree, a, 0, bytes, &ca);
    StartMessage(tree, b, 0, bytes, &cb);
    Simulator::Run();
    ASSERT_TRUE(ca.receivedDone && cb.receivedDone);
    for (const Completion* c : {&ca, &cb})
    {
        double goodput = bytes * 8 / (c->received.end - c->sent.start).GetSeconds();
        EXPECT_NEAR(goodput, LINE_GOODPUT / 2, LINE_GOODPUT / 2 * 0.02)
            << "goodput " << goodput / 1e9 << " Gb/s";
    }
}

INSTANTIATE_TEST_SUITE_P(Placements,
                         TwoToOneTest,
                         ::testing::Values(std::pair<int, int>{1, 2},   // same leaf
                                           std::pair<int, int>{4, 8})); // two other leaves

TEST_F(FabricTest, SixtyFourFlowsLeaveNoUplinkOfTheSourceLeafUnused)
{
    // Radix-8 leaf-spine: leaf0 holds host0..host3 and four uplinks (ports 4..7).
    FatTree tree = FatTreeHelper().Build(FatTreeShape{2, 8, 0, 0});
    const uint32_t flows = 64;
    const uint64_t bytes = 16 * 4096; // 16 full packets per flow
    std::vector<Completion> done(flows);
    for (uint32_t i = 0; i < flows; ++i)
    {
        // Sources cycle over leaf0's hosts, destinations over the 28 hosts of other leaves.
        StartMessage(tree, i % 4, 4 + i % 28, bytes, &done[i]);
    }
    Simulator::Run();
    for (const auto& c : done)
    {
        ASSERT_TRUE(c.sentDone && c.receivedDone);
    }
    Ptr<FabricSwitch> leaf0 = tree.tiers[0][0];
    uint64_t total = 0;
    for (uint32_t port = 4; port < 8; ++port)
    {
        total += leaf0->GetPort(port)->GetTxFrames();
    }
    EXPECT_EQ(total, flows * 16); // every data packet leaves leaf0 on an uplink, ACKs don't
    for (uint32_t port = 4; port < 8; ++port)
    {
        uint64_t frames = leaf0->GetPort(port)->GetTxFrames();
        // A uniform hash leaves an uplink unused with probability 4 * (3/4)^64 < 1e-7, and
        // puts more than twice the mean (32 flows) on one with probability below 1e-4.
        EXPECT_GT(frames, 0u) << "uplink port " << port << " unused";
        EXPECT_LE(frames, 2 * total / 4) << "uplink port " << port;
    }
}

TEST_F(FabricTest, RunsInOneProcessDoNotAffectEachOther)
{
    std::vector<Diagnostic> d;
    Scenario s = ParseScenario(R"(
topology: {fabric: {planes: [{generator: fat-tree, tiers: 3, radix: 4}]}}
flows:
  - {src: host0, dst: host15, size: 3MiB}
  - {src: host5, dst: host15, size: 2MiB, start: 1us}
  - {src: host9, dst: host2, size: 1MiB}
)",
                               "t.yaml",
                               d);
    ASSERT_TRUE(d.empty());
    auto first = SummaryJson(s, RunScenario(s, ""));
    auto second = SummaryJson(s, RunScenario(s, ""));
    first.erase("host");
    second.erase("host");
    EXPECT_EQ(first.dump(), second.dump());
    EXPECT_EQ(first["run"]["flows_completed"], 3);
}
