/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/enum.h"

using namespace ns3;
using namespace nsfab_test;

namespace
{
struct PortLog
{
    std::vector<Time> pauses;                                  // PFC pauses received, quanta > 0
    std::vector<std::tuple<Time, uint32_t, bool>> stormEvents; // (time, priority, stormed)
};

void
LogPause(PortLog* log, uint32_t priority, uint16_t quanta)
{
    if (quanta > 0)
    {
        log->pauses.push_back(Simulator::Now());
    }
}

void
LogStorm(PortLog* log, uint32_t priority, bool stormed)
{
    log->stormEvents.emplace_back(Simulator::Now(), priority, stormed);
}

class WatchdogTest : public FabricTest,
                     public ::testing::WithParamInterface<FabricSwitchPort::WatchdogAction>
{
};
} // namespace

TEST_P(WatchdogTest, StuckReceiverStormIsDetectedHandledAndRecovers)
{
    const Time detection = MicroSeconds(100);
    const Time restoration = MicroSeconds(100);
    const Time unstall = MilliSeconds(1);
    FatTreeHelper helper;
    helper.SetSwitchPortAttribute("PfcWatchdog", EnumValue(GetParam()));
    helper.SetSwitchPortAttribute("WatchdogDetection", TimeValue(detection));
    helper.SetSwitchPortAttribute("WatchdogRestoration", TimeValue(restoration));
    FatTree tree = helper.Build(FatTreeShape{2, 8, 0, 0});
    Ptr<Cx8NetDevice> stuck = tree.nics[0];
    Ptr<FabricSwitch> leaf0 = tree.tiers[0][0];
    Ptr<FabricSwitchPort> toStuck = leaf0->GetPort(0);
    PortLog log;
    toStuck->TraceConnectWithoutContext("PfcRx", MakeBoundCallback(&LogPause, &log));
    toStuck->TraceConnectWithoutContext("PfcStorm", MakeBoundCallback(&LogStorm, &log));

    // host0's host stops taking frames: its NIC fills its receive buffer, then pauses leaf0
    // without end until the host comes back at 1 ms.
    stuck->SetHostStalled(true);
    Simulator::Schedule(unstall, &Cx8NetDevice::SetHostStalled, stuck, false);
    Completion first;
    StartMessage(tree, 1, 0, 4 << 20, &first);
    // Long after recovery, a new message on a new queue pair gets through.
    Completion after;
    Simulator::Schedule(MilliSeconds(2), [&]() { StartMessage(tree, 1, 0, 64 << 10, &after); });
    Simulator::Run();

    ASSERT_FALSE(log.pauses.empty());
    ASSERT_EQ(log.stormEvents.size(), 2u);
    auto [detectedAt, prio, stormed] = log.stormEvents[0];
    EXPECT_EQ(prio, 3u);
    EXPECT_TRUE(stormed);
    // The NIC refreshes its pause before it expires, so the port is paused from the first
    // pause on without a break and the storm is declared exactly one detection time later.
    EXPECT_EQ(detectedAt, log.pauses.front() + detection);
    auto [restoredAt, prio2, stormed2] = log.stormEvents[1];
    EXPECT_EQ(prio2, 3u);
    EXPECT_FALSE(stormed2);
    // The NIC refreshes its pause every half pause time while the host is stalled and resumes
    // the port once the host is back and the buffer drained: the last pause falls within a
    // refresh interval of the host's return. The storm ends one restoration time after it.
    Time refresh = stuck->PfcQuantaTime(0xFFFF) / 2;
    EXPECT_GT(log.pauses.back(), unstall - refresh);
    EXPECT_LT(log.pauses.back(), unstall + refresh);
    EXPECT_EQ(restoredAt, log.pauses.back() + restoration);
    EXPECT_EQ(toStuck->GetPfcStorms(), 1u);

    if (GetParam() == FabricSwitchPort::WATCHDOG_DROP)
    {
        // The switch discards the stormed class; nothing reaches the full NIC buffer.
        EXPECT_GT(leaf0->GetDrops(0, 3), 0u);
        EXPECT_EQ(stuck->GetRxBufferDrops(), 0u);
    }
    else
    {
        // The switch ignores the pause and sends on; the stuck NIC's full buffer drops.
        EXPECT_EQ(leaf0->GetDrops(0, 3), 0u);
        EXPECT_GT(stuck->GetRxBufferDrops(), 0u);
    }
    EXPECT_TRUE(after.sentDone && after.receivedDone) << "the port did not recover";
}

INSTANTIATE_TEST_SUITE_P(Actions,
                         WatchdogTest,
                         ::testing::Values(FabricSwitchPort::WATCHDOG_DROP,
                                           FabricSwitchPort::WATCHDOG_FORWARD));
