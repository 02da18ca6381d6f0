/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/fabric-units.h"
#include "ns3/packet.h"

using namespace ns3;
using nsfab_test::FabricTest;

namespace
{
struct Arrival
{
    uint8_t dscp;
    Time at;
};

void
Record(std::vector<Arrival>* log, Ptr<FabricNetDevice>, Ptr<Packet>, const RoceHeader& h)
{
    log->push_back({h.GetDscp(), Simulator::Now()});
}

Ptr<Packet>
Frame(uint8_t dscp, uint32_t destination = 0x0A000001)
{
    RoceHeader h;
    h.SetDestination(destination);
    h.SetDscp(dscp);
    Ptr<Packet> p = Create<Packet>(h.SetPayload(4096));
    p->AddHeader(h);
    return p;
}
} // namespace

TEST_F(FabricTest, EgressIsStrictPriorityAndOneFrameAtATime)
{
    auto [tx, rx] = nsfab_test::ConnectedPorts(NanoSeconds(100));
    std::vector<Arrival> log;
    rx->SetReceiveHandler(MakeBoundCallback(&Record, &log));

    // DSCP >> 3 is the traffic class. The first frame finds the port idle and starts at once;
    // the rest wait and leave highest class first, FIFO within a class.
    for (uint8_t dscp : {0, 8, 56, 24, 57})
    {
        tx->Enqueue(Frame(dscp), FabricNetDevice::PriorityOfDscp(dscp));
    }
    EXPECT_TRUE(tx->IsBusy());
    EXPECT_EQ(tx->GetQueueBytes(7), 2 * 4154u);
    Simulator::Run();
    ASSERT_EQ(log.size(), 5u);
    const uint8_t order[] = {0, 56, 57, 24, 8};
    Time frame = PicoSeconds(41780); // 4178 wire bytes at 800 Gb/s
    for (std::size_t i = 0; i < 5; ++i)
    {
        EXPECT_EQ(log[i].dscp, order[i]);
        // Back to back: frame i arrives after i+1 wire times and the propagation delay.
        EXPECT_EQ(log[i].at, frame * int64_t(i + 1) + NanoSeconds(100));
    }
    EXPECT_EQ(tx->GetTxFrames(), 5u);
    EXPECT_EQ(rx->GetRxFrames(), 5u);
    EXPECT_EQ(tx->GetQueueBytes(7), 0u);
}

namespace
{
void
CountDrop(std::vector<uint32_t>* ports,
          Ptr<const Packet>,
          uint32_t inPort,
          uint32_t outPort,
          uint32_t priority)
{
    EXPECT_EQ(outPort, FabricRouting::NO_ROUTE);
    EXPECT_EQ(priority, 3u); // DSCP 26
    ports->push_back(inPort);
}
} // namespace

TEST_F(FabricTest, SwitchDropsFramesItCannotRoute)
{
    FatTree tree = FatTreeHelper().Build(FatTreeShape{2, 4, 0, 0});
    std::vector<uint32_t> drops;
    Ptr<FabricSwitch> leaf1 = tree.tiers[0][1];
    leaf1->TraceConnectWithoutContext("Drop", MakeBoundCallback(&CountDrop, &drops));
    // host3 (port 1 of leaf1) sends to an address outside the fabric's 10.0.0.0/8.
    tree.nics[3]->Enqueue(Frame(26, 0xC0A80001), 3);
    Simulator::Run();
    EXPECT_EQ(leaf1->GetNoRouteDrops(), 1u);
    EXPECT_EQ(drops, std::vector<uint32_t>{1});
    for (uint32_t p = 0; p < leaf1->GetNPorts(); ++p)
    {
        EXPECT_EQ(leaf1->GetPort(p)->GetTxFrames(), 0u);
    }
}

TEST_F(FabricTest, PortIsBusyUntilItsFrameEndsInTheOrderOfEvents)
{
    // A port with nothing more to send keeps the end of its frame as an event key rather than
    // an event; it is busy until that key, as if the event ran: at the frame's last picosecond,
    // for events that would run before the end (a lower origin) and not for those after it.
    Ptr<Node> low = CreateObject<Node>();
    auto [tx, rx] = nsfab_test::ConnectedPorts(NanoSeconds(100));
    Ptr<Node> high = CreateObject<Node>();
    std::vector<Arrival> log;
    rx->SetReceiveHandler(MakeBoundCallback(&Record, &log));
    const Time end = PicoSeconds(41780); // 4178 wire bytes at 800 Gb/s
    std::vector<std::pair<std::string, bool>> seen;
    auto look = [&seen, tx = tx](std::string who) {
        seen.emplace_back(who, tx->IsBusy());
    };
    Simulator::ScheduleWithContext(tx->GetNode()->GetId(), Time(0), [tx = tx]() {
        tx->Enqueue(Frame(26), 3);
    });
    for (const auto& [node, who] : {std::pair{low, "low"}, std::pair{high, "high"}})
    {
        std::string name = who;
        Simulator::ScheduleWithContext(node->GetId(), Time(0), [look, end, name]() {
            Simulator::Schedule(end - PicoSeconds(1),
                                [look, name]() { look(name + " before the end"); });
            Simulator::Schedule(end, [look, name]() { look(name + " at the end"); });
        });
    }
    // A frame queued at the end from a higher origin finds the port free and starts at once;
    // the second one waits for it.
    Simulator::ScheduleWithContext(high->GetId(), Time(0), [end, tx = tx]() {
        Simulator::Schedule(end, [tx]() {
            tx->Enqueue(Frame(26), 3);
            tx->Enqueue(Frame(26), 3);
        });
    });
    Simulator::Run();
    EXPECT_EQ(seen,
              (std::vector<std::pair<std::string, bool>>{{"low before the end", true},
                                                         {"high before the end", true},
                                                         {"low at the end", true},
                                                         {"high at the end", false}}));
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[0].at, end + NanoSeconds(100));
    EXPECT_EQ(log[1].at, 2 * end + NanoSeconds(100));
    EXPECT_EQ(log[2].at, 3 * end + NanoSeconds(100));
    EXPECT_FALSE(tx->IsBusy());
    EXPECT_EQ(Simulator::Now(), 3 * end + NanoSeconds(100));
}

TEST_F(FabricTest, DisposedPortIsIdle)
{
    // The port's frame ends as a key it reads from the simulator; once disposed the port has
    // no simulator and no frame on the wire.
    auto [tx, rx] = nsfab_test::ConnectedPorts(NanoSeconds(100));
    Simulator::ScheduleWithContext(tx->GetNode()->GetId(), Time(0), [tx = tx]() {
        tx->Enqueue(Frame(26), 3);
    });
    Simulator::Stop(PicoSeconds(20000)); // halfway through the 41.78 ns frame
    Simulator::Run();
    EXPECT_TRUE(tx->IsBusy());
    tx->Dispose();
    EXPECT_FALSE(tx->IsBusy());
}
