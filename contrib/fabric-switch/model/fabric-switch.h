/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_SWITCH_H
#define FABRIC_SWITCH_H

#include "fabric-routing.h"

#include "ns3/fabric-net-device.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <vector>

namespace ns3
{

class Node;

/**
 * \ingroup fabric-switch
 * \brief A store-and-forward data-center switch, aggregated to its Node.
 *
 * Its ports are FabricNetDevices on the node, numbered in the order AddPort() is called. A frame
 * that has fully arrived waits the pipeline latency, is routed by the routing plugin and joins
 * the egress queue of its traffic class (DSCP >> 3). No IP stack: the headers are parsed once.
 */
class FabricSwitch : public Object
{
  public:
    /// Signature of the Drop trace source: the frame and the port it came in on.
    using DropTracedCallback = void (*)(Ptr<const Packet> packet, uint32_t inPort);

    static TypeId GetTypeId();
    FabricSwitch();
    ~FabricSwitch() override;
    FabricSwitch(const FabricSwitch&) = delete;
    FabricSwitch& operator=(const FabricSwitch&) = delete;

    /// Install the switch on \p node (aggregates it).
    void Install(Ptr<Node> node);

    /// Add \p port as the next port number; it must already be on the switch's node.
    void AddPort(Ptr<FabricNetDevice> port);

    uint32_t GetNPorts() const
    {
        return static_cast<uint32_t>(m_ports.size());
    }

    Ptr<FabricNetDevice> GetPort(uint32_t i) const
    {
        return m_ports.at(i);
    }

    void SetRouting(Ptr<FabricRouting> routing);

    Ptr<FabricRouting> GetRouting() const
    {
        return m_routing;
    }

    /// Frames dropped because the routing plugin had no egress for them.
    uint64_t GetNoRouteDrops() const
    {
        return m_noRouteDrops;
    }

  protected:
    void DoDispose() override;

  private:
    void Receive(Ptr<FabricNetDevice> port, Ptr<Packet> packet, const RoceHeader& header);

    Ptr<Node> m_node;
    std::vector<Ptr<FabricNetDevice>> m_ports;
    Ptr<FabricRouting> m_routing;
    Time m_pipelineLatency;
    uint64_t m_noRouteDrops{0};
    TracedCallback<Ptr<const Packet>, uint32_t> m_dropTrace;
};

} // namespace ns3

#endif // FABRIC_SWITCH_H
