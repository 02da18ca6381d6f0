/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-switch-port.h"

#include "fabric-switch.h"

#include "ns3/enum.h"
#include "ns3/simulator.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FabricSwitchPort);

TypeId
FabricSwitchPort::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::FabricSwitchPort")
            .SetParent<FabricNetDevice>()
            .SetGroupName("FabricSwitch")
            .AddConstructor<FabricSwitchPort>()
            .AddAttribute("PfcWatchdog",
                          "What the PFC watchdog does with a stormed priority",
                          EnumValue(WATCHDOG_DROP),
                          MakeEnumAccessor(&FabricSwitchPort::m_watchdog),
                          MakeEnumChecker(WATCHDOG_OFF,
                                          "Off",
                                          WATCHDOG_DROP,
                                          "Drop",
                                          WATCHDOG_FORWARD,
                                          "Forward"))
            // SONiC's PFC watchdog defaults: 200 ms detection and restoration.
            .AddAttribute("WatchdogDetection",
                          "How long a priority stays paused without a break before it is "
                          "declared stormed",
                          TimeValue(MilliSeconds(200)),
                          MakeTimeAccessor(&FabricSwitchPort::m_detection),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddAttribute("WatchdogRestoration",
                          "How long the peer must send no pause for a stormed priority before "
                          "the storm ends",
                          TimeValue(MilliSeconds(200)),
                          MakeTimeAccessor(&FabricSwitchPort::m_restoration),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddTraceSource("PfcStorm",
                            "The watchdog declared a priority stormed (true) or restored it "
                            "(false)",
                            MakeTraceSourceAccessor(&FabricSwitchPort::m_stormTrace),
                            "ns3::FabricSwitchPort::StormTracedCallback");
    return tid;
}

FabricSwitchPort::FabricSwitchPort() = default;

FramePtr
FabricSwitchPort::DoDequeue()
{
    if (!m_switch)
    {
        return DequeueStrictPriority(); // a port on no switch has no scheduler and no buffer
    }
    uint32_t eligible = GetEligible();
    if (eligible == 0)
    {
        return nullptr;
    }
    uint32_t prio = m_switch->SelectPriority(GetIfIndex(), eligible, *this);
    FramePtr frame = PopAndRelease(prio);
    if (frame->GetTag() & FabricSwitch::INT_TAG)
    {
        // HPCC's per-hop record of this port, taken as the frame leaves it.
        frame->PushIntHop(GetBitRate(), GetQueueBytes(prio), GetTxBytes(), Simulator::Now());
    }
    return frame;
}

void
FabricSwitchPort::DoReceive(FramePtr frame)
{
    if (!m_switch)
    {
        FabricNetDevice::DoReceive(std::move(frame));
        return;
    }
    // Ports are the switch node's only devices, so the interface index is the port number.
    m_switch->Receive(GetIfIndex(), std::move(frame));
}

bool
FabricSwitchPort::KeepPausingPeer(uint32_t priority)
{
    return m_switch && m_switch->GetMmu()->KeepPausing(GetIfIndex(), priority);
}

FramePtr
FabricSwitchPort::PopAndRelease(uint32_t priority)
{
    FramePtr frame = PopQueue(priority);
    m_switch->Release(frame->GetTag() & ~FabricSwitch::INT_TAG, priority, frame->GetSize());
    return frame;
}

void
FabricSwitchPort::ApplyPause(uint32_t priority, uint16_t quanta)
{
    if (IsStormed(priority))
    {
        // The storm's pauses are ignored; they only keep it from ending.
        if (quanta != 0)
        {
            m_watchdogTime[priority] = Simulator::Now();
        }
        return;
    }
    bool wasPaused = IsPaused(priority);
    FabricNetDevice::ApplyPause(priority, quanta);
    if (m_watchdog == WATCHDOG_OFF)
    {
        return;
    }
    if (!wasPaused && IsPaused(priority))
    {
        m_watchdogTime[priority] = Simulator::Now();
        if (!m_stormCheck.IsRunning())
        {
            m_stormCheck = Simulator::Schedule(m_detection, &FabricSwitchPort::CheckStorms, this);
        }
    }
    else if (GetPausedMask() == 0)
    {
        m_stormCheck.Cancel(); // nothing left to watch (a pause that expires is seen later)
    }
}

void
FabricSwitchPort::CheckStorms()
{
    Time now = Simulator::Now();
    Time next = Time::Max();
    for (uint32_t prio = 0; prio < NUM_PRIORITIES; ++prio)
    {
        if (!IsPaused(prio) || IsStormed(prio))
        {
            continue;
        }
        Time due = m_watchdogTime[prio] + m_detection;
        if (due <= now)
        {
            StartStorm(prio);
        }
        else
        {
            next = std::min(next, due);
        }
    }
    if (next != Time::Max())
    {
        m_stormCheck = Simulator::Schedule(next - now, &FabricSwitchPort::CheckStorms, this);
    }
}

void
FabricSwitchPort::StartStorm(uint32_t priority)
{
    m_stormed |= 1U << priority;
    ++m_storms;
    m_watchdogTime[priority] = Simulator::Now();
    m_stormTrace(priority, true);
    if (m_watchdog == WATCHDOG_DROP && m_switch)
    {
        while (GetQueueBytes(priority) > 0)
        {
            FramePtr frame = PopAndRelease(priority);
            m_switch->Drop(*frame,
                           frame->GetTag() & ~FabricSwitch::INT_TAG,
                           GetIfIndex(),
                           priority);
        }
    }
    Resume(priority);
    Simulator::Schedule(m_restoration, &FabricSwitchPort::CheckRestore, this, priority);
}

void
FabricSwitchPort::CheckRestore(uint32_t priority)
{
    Time quiet = Simulator::Now() - m_watchdogTime[priority];
    if (quiet < m_restoration)
    {
        Simulator::Schedule(m_restoration - quiet, &FabricSwitchPort::CheckRestore, this, priority);
        return;
    }
    m_stormed &= ~(1U << priority);
    m_stormTrace(priority, false);
}

void
FabricSwitchPort::DoDispose()
{
    m_switch = nullptr;
    m_stormCheck.Cancel();
    FabricNetDevice::DoDispose();
}

} // namespace ns3
