/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

using namespace ns3;
using namespace nsfab_test;

namespace
{
/// Wire time of a 1 MiB message: 256 full frames of 41.78 ns.
const Time MESSAGE_WIRE = PicoSeconds(256 * 41780);
/// First frame's path host -> leaf -> host: two frames on the wire, two 10 ns links and the
/// 500 ns pipeline, rounded up, plus the last frame of the other class in service.
const Time SLACK = NanoSeconds(700);

struct Race
{
    Completion low;  // priority 1 (DSCP 8), from host1
    Completion high; // priority 2 (DSCP 16), from host2
};

/// host1 and host2 (both on leaf0) each send 1 MiB to host0 at once, in classes 1 and 2.
Race
RunRace(const std::string& scheduler)
{
    FatTreeHelper helper;
    helper.SetScheduler(scheduler);
    FatTree tree = helper.Build(FatTreeShape{2, 8, 0, 0});
    // Each sender's queue pairs are born with their class, so every frame carries it.
    for (auto [host, dscp] : {std::pair<uint32_t, uint8_t>{1, 8}, {2, 16}})
    {
        ObjectFactory qps("ns3::RdmaQueuePair");
        qps.Set("Dscp", UintegerValue(dscp));
        tree.nics[host]->SetAttribute("QueuePairFactory", ObjectFactoryValue(qps));
    }
    if (auto dwrr = DynamicCast<DwrrScheduler>(tree.tiers[0][0]->GetScheduler()))
    {
        dwrr->SetWeight(1, 3);
    }
    Race race;
    StartMessage(tree, 1, 0, 1 << 20, &race.low);
    StartMessage(tree, 2, 0, 1 << 20, &race.high);
    Simulator::Run();
    EXPECT_TRUE(race.low.receivedDone && race.high.receivedDone);
    return race;
}
} // namespace

TEST_F(FabricTest, StrictPrioritySendsTheHigherClassFirst)
{
    Race race = RunRace("ns3::StrictPriorityScheduler");
    // Class 2 takes the whole link, class 1 follows: T and 2T.
    EXPECT_NEAR(race.high.received.end.GetSeconds(), MESSAGE_WIRE.GetSeconds(), SLACK.GetSeconds());
    EXPECT_NEAR(race.low.received.end.GetSeconds(),
                2 * MESSAGE_WIRE.GetSeconds(),
                SLACK.GetSeconds());
}

TEST_F(FabricTest, DwrrSharesTheLinkByWeight)
{
    Race race = RunRace("ns3::DwrrScheduler");
    // Weights 3 (class 1) and 1 (class 2): class 1 gets 3/4 of the link until its 1 MiB is
    // through at 4T/3, class 2 has 1/3 MiB through by then and ends at 2T.
    EXPECT_NEAR(race.low.received.end.GetSeconds(),
                4 * MESSAGE_WIRE.GetSeconds() / 3,
                SLACK.GetSeconds());
    EXPECT_NEAR(race.high.received.end.GetSeconds(),
                2 * MESSAGE_WIRE.GetSeconds(),
                SLACK.GetSeconds());
}

TEST_F(FabricTest, DwrrServesWeightedRoundsFrameByFrame)
{
    // Classes 1 (weight 3) and 2 (weight 1) both backlogged with equal frames, one frame of
    // quantum: each round sends three frames of class 1, then one of class 2.
    auto [port, peer] = ConnectedPorts(NanoSeconds(10));
    for (int i = 0; i < 10; ++i)
    {
        for (uint32_t prio : {1u, 2u})
        {
            RoceHeader h;
            Ptr<Packet> p = Create<Packet>(h.SetPayload(4096));
            p->AddHeader(h);
            port->Enqueue(p, prio); // the first starts on the wire, the rest wait
        }
    }
    Ptr<DwrrScheduler> dwrr = CreateObject<DwrrScheduler>();
    dwrr->SetAttribute("Quantum", UintegerValue(4154));
    dwrr->SetWeight(1, 3);
    dwrr->SetNPorts(1);
    std::string order;
    for (int i = 0; i < 8; ++i)
    {
        order += std::to_string(dwrr->Select(0, (1U << 1) | (1U << 2), *port));
    }
    EXPECT_EQ(order, "11121112");

    // A weight whose quantum product passes 32 bits neither wraps nor stalls the round.
    dwrr->SetAttribute("Quantum", UintegerValue(4096));
    dwrr->SetWeight(1, 1U << 20);
    EXPECT_EQ(dwrr->Select(0, 1U << 1, *port), 1u);
}
