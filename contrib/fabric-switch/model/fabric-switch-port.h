/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_SWITCH_PORT_H
#define FABRIC_SWITCH_PORT_H

#include "ns3/event-id.h"
#include "ns3/fabric-net-device.h"
#include "ns3/nstime.h"
#include "ns3/traced-callback.h"

#include <array>

namespace ns3
{

class FabricSwitch;

/**
 * \ingroup fabric-switch
 * \brief A switch port: its egress queues are served by the switch's scheduler plugin, a frame
 *        leaving frees the shared buffer it was charged to, and a PFC watchdog guards it.
 *
 * PFC watchdog (as switch operating systems run it): a priority kept paused by the peer for
 * WatchdogDetection without a break is declared stormed. While stormed, the port ignores the
 * peer's pause for that priority and, with the Drop action, discards its queued and arriving
 * frames (Forward sends them on). The storm ends when the peer has sent no pause for that
 * priority for WatchdogRestoration.
 */
class FabricSwitchPort : public FabricNetDevice
{
  public:
    /// What the watchdog does with a stormed priority.
    enum WatchdogAction
    {
        WATCHDOG_OFF,     //!< no watchdog: a pause is always obeyed
        WATCHDOG_DROP,    //!< discard the priority's frames and ignore the pause
        WATCHDOG_FORWARD, //!< ignore the pause and keep sending
    };

    /// Signature of the PfcStorm trace source: (priority, true at detection, false at restore).
    using StormTracedCallback = void (*)(uint32_t priority, bool stormed);

    static TypeId GetTypeId();
    FabricSwitchPort();

    /// Called by FabricSwitch::AddPort.
    void SetSwitch(FabricSwitch* owner)
    {
        m_switch = owner;
    }

    /// True while the watchdog holds \p priority stormed.
    bool IsStormed(uint32_t priority) const
    {
        return (m_stormed >> priority) & 1;
    }

    /// True while the watchdog discards the frames of \p priority.
    bool IsDiscarding(uint32_t priority) const
    {
        return m_watchdog == WATCHDOG_DROP && IsStormed(priority);
    }

    /// Storms the watchdog has detected on this port.
    uint64_t GetPfcStorms() const
    {
        return m_storms;
    }

  protected:
    void DoDispose() override;
    FramePtr DoDequeue() override;
    /// Frames go to the switch (ports on no switch pass them to the receive handler).
    void DoReceive(FramePtr frame) override;
    void ApplyPause(uint32_t priority, uint16_t quanta) override;
    /// The switch's MMU decides whether a pause this port sends is still needed.
    bool KeepPausingPeer(uint32_t priority) override;

  private:
    /// Take the head of egress queue \p priority and free its buffer.
    FramePtr PopAndRelease(uint32_t priority);
    /// Declare stormed every priority paused for the detection time; check again at the next
    /// time one could be.
    void CheckStorms();
    void StartStorm(uint32_t priority);
    void CheckRestore(uint32_t priority);

    FabricSwitch* m_switch{nullptr};
    WatchdogAction m_watchdog{WATCHDOG_DROP};
    Time m_detection;
    Time m_restoration;
    /// Bit p set while priority p is stormed.
    uint8_t m_stormed{0};
    /// Per priority: when the current pause began or, while stormed, the last pause received.
    std::array<Time, NUM_PRIORITIES> m_watchdogTime;
    /// The next storm check: one per port, whatever the number of paused priorities.
    EventId m_stormCheck;
    uint64_t m_storms{0};
    TracedCallback<uint32_t, bool> m_stormTrace;
};

} // namespace ns3

#endif // FABRIC_SWITCH_PORT_H
