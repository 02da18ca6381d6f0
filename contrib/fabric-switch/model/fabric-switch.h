/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_SWITCH_H
#define FABRIC_SWITCH_H

#include "ecn-marker.h"
#include "egress-scheduler.h"
#include "fabric-routing.h"
#include "fabric-switch-port.h"
#include "shared-buffer-mmu.h"

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <array>
#include <vector>

namespace ns3
{

class Node;

/**
 * \ingroup fabric-switch
 * \brief A store-and-forward data-center switch, aggregated to its Node. Its defaults are the
 *        SN5600 (Spectrum-4) profile: a 128 MB shared buffer with PFC on priority 3 and a
 *        PFC watchdog on every port (FatTreeHelper adds DCQCN-style ECN marking).
 *
 * Its ports are FabricSwitchPorts on the node, numbered in the order AddPort() is called. A
 * frame that has fully arrived waits the pipeline latency; then the routing plugin picks its
 * egress port, the DSCP map its priority, the MMU admits it (or drops it), the ECN marker may
 * set CE, and it joins the egress queue, served by the scheduler plugin. A frame that asks for
 * in-band telemetry gets the egress port's state appended as it leaves (IntEnabled). No IP
 * stack: the headers are parsed once per hop.
 */
class FabricSwitch : public Object
{
  public:
    static constexpr uint32_t NUM_PRIORITIES = FabricNetDevice::NUM_PRIORITIES;
    /// Egress-queue tag bit of a frame that collects in-band telemetry; the other bits hold
    /// its ingress port.
    static constexpr uint32_t INT_TAG = 1U << 31;

    /// Signature of the Drop trace source: the frame, its ingress and egress ports (the egress
    /// is NO_ROUTE when it had none) and its priority.
    using DropTracedCallback = void (*)(Ptr<const Packet> packet,
                                        uint32_t inPort,
                                        uint32_t outPort,
                                        uint32_t priority);

    static TypeId GetTypeId();
    FabricSwitch();
    ~FabricSwitch() override;
    FabricSwitch(const FabricSwitch&) = delete;
    FabricSwitch& operator=(const FabricSwitch&) = delete;

    /// Install the switch on \p node (aggregates it).
    void Install(Ptr<Node> node);

    /// Add \p port as the next port number; it must already be on the switch's node.
    void AddPort(Ptr<FabricSwitchPort> port);

    uint32_t GetNPorts() const
    {
        return static_cast<uint32_t>(m_ports.size());
    }

    Ptr<FabricSwitchPort> GetPort(uint32_t i) const
    {
        return m_ports.at(i);
    }

    void SetRouting(Ptr<FabricRouting> routing);

    Ptr<FabricRouting> GetRouting() const
    {
        return m_routing;
    }

    /// Replace the MMU; a switch already running sets it up for its ports at once.
    void SetMmu(Ptr<SharedBufferMmu> mmu);

    Ptr<SharedBufferMmu> GetMmu() const
    {
        return m_mmu;
    }

    /// Replace the egress scheduler; a switch already running sizes it at once.
    void SetScheduler(Ptr<EgressScheduler> scheduler);

    Ptr<EgressScheduler> GetScheduler() const
    {
        return m_scheduler;
    }

    Ptr<EcnMarker> GetEcnMarker() const
    {
        return m_ecn;
    }

    /// Map \p dscp to \p priority (default: a DSCP's three high bits, its class selector).
    void SetDscpPriority(uint8_t dscp, uint32_t priority);

    uint32_t GetPriority(uint8_t dscp) const
    {
        return m_dscpToPriority[dscp & 0x3F];
    }

    /// Fix the random streams of the switch's plugins; returns how many were used.
    int64_t AssignStreams(int64_t stream);

    /// Frames dropped because the routing plugin had no egress for them.
    uint64_t GetNoRouteDrops() const
    {
        return m_noRouteDrops;
    }

    /// Frames dropped at egress port \p port, priority \p priority: refused by the MMU or
    /// discarded by the port's PFC watchdog.
    uint64_t GetDrops(uint32_t port, uint32_t priority) const
    {
        return m_drops.at(port)[priority];
    }

    /// Frames that got the CE codepoint here.
    uint64_t GetEcnMarks() const
    {
        return m_ecnMarks;
    }

    /// \name Called by the switch's ports.
    /// @{
    uint32_t SelectPriority(uint32_t port, uint32_t eligible, const FabricNetDevice& dev)
    {
        return m_scheduler->Select(port, eligible, dev);
    }

    /// A frame that came in on \p inPort at \p priority left its egress queue.
    void Release(uint32_t inPort, uint32_t priority, uint32_t bytes)
    {
        m_mmu->Release(inPort, priority, bytes);
    }

    /// A frame has fully arrived on port \p inPort.
    void Receive(uint32_t inPort, FramePtr frame);

    /// Count and trace a frame dropped on its way from \p inPort to \p outPort.
    void Drop(const FabricFrame& frame, uint32_t inPort, uint32_t outPort, uint32_t priority);
    /// @}

  protected:
    void NotifyConstructionCompleted() override;
    void DoInitialize() override;
    void DoDispose() override;

  private:
    Ptr<Node> m_node;
    std::vector<Ptr<FabricSwitchPort>> m_ports;
    Ptr<FabricRouting> m_routing;
    Ptr<SharedBufferMmu> m_mmu;
    Ptr<EcnMarker> m_ecn;
    Ptr<EgressScheduler> m_scheduler;
    Time m_pipelineLatency;
    bool m_intEnabled;
    std::array<uint8_t, 64> m_dscpToPriority;
    uint64_t m_noRouteDrops{0};
    uint64_t m_ecnMarks{0};
    std::vector<std::array<uint64_t, NUM_PRIORITIES>> m_drops;
    TracedCallback<Ptr<const Packet>, uint32_t, uint32_t, uint32_t> m_dropTrace;
};

} // namespace ns3

#endif // FABRIC_SWITCH_H
