/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_ROUTING_H
#define FABRIC_ROUTING_H

#include "fabric-switch-port.h"
#include "load-balancer.h"

#include "ns3/object.h"
#include "ns3/roce-header.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-switch
 * \brief Routing and load-balancing policy of one switch: picks the egress port of a frame.
 *
 * A plugin point: implementations register their own TypeId and Attributes. The LoadBalancer
 * attribute (another plugin) chooses among equal-cost ports; each routing object gets its own
 * EcmpLoadBalancer unless one is set.
 */
class FabricRouting : public Object
{
  public:
    /// Returned by Route() when the switch has no way to the destination.
    static constexpr uint32_t NO_ROUTE = std::numeric_limits<uint32_t>::max();

    static TypeId GetTypeId();

    /// Egress port for a frame that arrived on \p inPort, or NO_ROUTE.
    virtual uint32_t Route(const RoceHeader& header, uint32_t inPort) = 0;

    /// The switch's ports (owned by the switch), for policies that look at queue occupancy.
    void SetPorts(const std::vector<Ptr<FabricSwitchPort>>* ports)
    {
        m_ports = ports;
    }

    /**
     * \brief A 32-bit hash of a frame's 5-tuple (IPv4 addresses, UDP ports, protocol UDP),
     *        salted by \p seed so that switches in successive tiers do not all choose alike.
     */
    static uint32_t FlowHash(const RoceHeader& header, uint32_t seed);

  protected:
    void NotifyConstructionCompleted() override;
    void DoDispose() override;

    const std::vector<Ptr<FabricSwitchPort>>* m_ports{nullptr};
    Ptr<LoadBalancer> m_balancer;
};

} // namespace ns3

#endif // FABRIC_ROUTING_H
