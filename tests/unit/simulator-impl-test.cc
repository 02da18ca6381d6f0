/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// FabricSimulatorImpl: the order of same-time events by (origin, sequence) whatever the order
// they were inserted in, expiry as ns-3's simulators define it, stop times and event counts.

#include "fabric-test.h"

#include "ns3/fabric-simulator-impl.h"

#include <algorithm>
#include <numeric>
#include <random>

using namespace ns3;

namespace
{
class SimulatorImplTest : public nsfab_test::FabricTest
{
  public:
    void SetUp() override
    {
        Simulator::Destroy();
        Simulator::SetImplementation(CreateObject<FabricSimulatorImpl>());
    }

    std::vector<std::string> m_ran;

    void Record(std::string what)
    {
        m_ran.push_back(what);
    }

    /// Run in a node's context: schedule, for 1 us later, the events \p names in the context of
    /// node 100 (as a node schedules packet arrivals at another).
    void Sender(std::vector<std::string> names)
    {
        for (const auto& name : names)
        {
            Simulator::ScheduleWithContext(100,
                                           MicroSeconds(1),
                                           &SimulatorImplTest::Record,
                                           this,
                                           name);
        }
    }
};
} // namespace

TEST_F(SimulatorImplTest, SameTimeEventsRunByOriginThenSequenceWhateverTheInsertionOrder)
{
    // Nodes 7, 3 and 5 each schedule two events for node 100 at 2 us. Whichever order the
    // senders run in, node 3's come first, then 5's, then 7's, each origin's in its own order.
    std::vector<uint32_t> senders{7, 3, 5};
    std::vector<std::string> expected{"3a", "3b", "5a", "5b", "7a", "7b"};
    std::mt19937 shuffle(1);
    for (int attempt = 0; attempt < 6; ++attempt)
    {
        SetUp();
        m_ran.clear();
        std::vector<uint32_t> order = senders;
        std::shuffle(order.begin(), order.end(), shuffle);
        for (uint32_t node : order)
        {
            std::string id = std::to_string(node);
            Simulator::ScheduleWithContext(node,
                                           MicroSeconds(1),
                                           &SimulatorImplTest::Sender,
                                           this,
                                           std::vector<std::string>{id + "a", id + "b"});
        }
        Simulator::Run();
        EXPECT_EQ(m_ran, expected) << "attempt " << attempt;
        EXPECT_EQ(Simulator::Now(), MicroSeconds(2));
        // 3 senders + 6 deliveries.
        EXPECT_EQ(Simulator::GetEventCount(), 9u);
    }
}

TEST_F(SimulatorImplTest, EarlierTimesFirstAndSetupEventsInTheirOrder)
{
    Simulator::Schedule(NanoSeconds(5), &SimulatorImplTest::Record, this, std::string("5ns"));
    Simulator::Schedule(NanoSeconds(1), &SimulatorImplTest::Record, this, std::string("1ns-a"));
    Simulator::ScheduleNow(&SimulatorImplTest::Record, this, std::string("now"));
    Simulator::Schedule(NanoSeconds(1), &SimulatorImplTest::Record, this, std::string("1ns-b"));
    Simulator::Schedule(PicoSeconds(1001), &SimulatorImplTest::Record, this, std::string("1001ps"));
    Simulator::Run();
    EXPECT_EQ(m_ran, (std::vector<std::string>{"now", "1ns-a", "1ns-b", "1001ps", "5ns"}));
    EXPECT_EQ(Simulator::Now(), NanoSeconds(5));
}

namespace
{
EventId g_self;
bool g_runningSeenAsExpired = false;

void
CheckSelf()
{
    g_runningSeenAsExpired = g_self.IsExpired() && !g_self.IsRunning();
}

void
Nothing()
{
}
} // namespace

TEST_F(SimulatorImplTest, RunningRanCancelledAndRemovedEventsAreExpired)
{
    g_self = Simulator::Schedule(NanoSeconds(2), &CheckSelf);
    EventId ran = Simulator::Schedule(NanoSeconds(1), &Nothing);
    EventId cancelled = Simulator::Schedule(NanoSeconds(3), &Nothing);
    EventId removed = Simulator::Schedule(NanoSeconds(3), &Nothing);
    EventId pending = Simulator::Schedule(NanoSeconds(10), &Nothing);
    EXPECT_TRUE(ran.IsRunning());
    EXPECT_EQ(Simulator::GetDelayLeft(pending), NanoSeconds(10));
    cancelled.Cancel();
    Simulator::Remove(removed);
    EXPECT_TRUE(cancelled.IsExpired());
    EXPECT_TRUE(removed.IsExpired());
    Simulator::Stop(NanoSeconds(5));
    Simulator::Run();
    EXPECT_TRUE(g_runningSeenAsExpired) << "an event is expired while it runs";
    EXPECT_TRUE(ran.IsExpired());
    EXPECT_TRUE(pending.IsRunning());
    EXPECT_EQ(Simulator::GetDelayLeft(pending), NanoSeconds(5));
    EXPECT_EQ(Simulator::Now(), NanoSeconds(5)) << "a stop time ends the run there";
    // ns-3 counts a cancelled event that reaches the front, not a removed one.
    EXPECT_EQ(Simulator::GetEventCount(), 3u);
    Simulator::Run(); // goes on after the stop
    EXPECT_TRUE(pending.IsExpired());
    EXPECT_EQ(Simulator::Now(), NanoSeconds(10));
    EXPECT_EQ(Simulator::GetEventCount(), 4u);
}

TEST_F(SimulatorImplTest, StopEndsBeforeEventsAtTheStopTimeAndDestroyEventsRunAtDestroy)
{
    Simulator::Schedule(NanoSeconds(4), &SimulatorImplTest::Record, this, std::string("4ns"));
    Simulator::Schedule(NanoSeconds(5), &SimulatorImplTest::Record, this, std::string("5ns"));
    Simulator::ScheduleDestroy(&SimulatorImplTest::Record, this, std::string("destroy"));
    Simulator::Stop(NanoSeconds(5));
    Simulator::Stop(NanoSeconds(9)); // the earlier stop holds
    Simulator::Run();
    EXPECT_EQ(m_ran, std::vector<std::string>{"4ns"});
    EXPECT_EQ(Simulator::Now(), NanoSeconds(5));
    Simulator::Destroy();
    EXPECT_EQ(m_ran, (std::vector<std::string>{"4ns", "destroy"}));
}

namespace
{
void
RecordFrame(std::vector<std::string>* ran, Ptr<FabricNetDevice>, Ptr<Packet>, const RoceHeader&)
{
    ran->push_back("frame at " + std::to_string(Simulator::Now().GetPicoSeconds()) + " ps");
}
} // namespace

TEST_F(SimulatorImplTest, FramesOnALinkArriveWithTheKeysOfScheduledEvents)
{
    // A frame's arrival waits on its link, not in the event queue, yet runs where an event
    // that the sending node's context scheduled would: after those of a lower origin at the
    // same time, before those of a higher one (here one between the sender and the receiver),
    // whatever the order they were scheduled in.
    Ptr<Node> low = CreateObject<Node>();
    Ptr<Node> sender = CreateObject<Node>();
    Ptr<Node> between = CreateObject<Node>();
    Ptr<Node> receiver = CreateObject<Node>();
    Ptr<FabricChannel> link = CreateObject<FabricChannel>();
    link->SetAttribute("Delay", TimeValue(NanoSeconds(100)));
    Ptr<FabricNetDevice> tx = CreateObject<FabricNetDevice>();
    Ptr<FabricNetDevice> rx = CreateObject<FabricNetDevice>();
    sender->AddDevice(tx);
    receiver->AddDevice(rx);
    tx->Attach(link);
    rx->Attach(link);
    rx->SetReceiveHandler(MakeBoundCallback(&RecordFrame, &m_ran));
    RoceHeader h;
    Ptr<Packet> p = Create<Packet>(h.SetPayload(4096));
    p->AddHeader(h);
    const Time at = PicoSeconds(41780) + NanoSeconds(100); // 4178 wire bytes at 800 Gb/s + delay
    Simulator::ScheduleWithContext(between->GetId(), Time(0), [this, at]() {
        Simulator::Schedule(at, &SimulatorImplTest::Record, this, std::string("between"));
    });
    Simulator::ScheduleWithContext(sender->GetId(), Time(0), [tx, p]() { tx->Enqueue(p, 3); });
    Simulator::ScheduleWithContext(low->GetId(), Time(0), [this, at]() {
        Simulator::Schedule(at, &SimulatorImplTest::Record, this, std::string("low"));
    });
    Simulator::Run();
    EXPECT_EQ(m_ran, (std::vector<std::string>{"low", "frame at 141780 ps", "between"}));
}
