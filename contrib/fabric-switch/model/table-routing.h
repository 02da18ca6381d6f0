/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TABLE_ROUTING_H
#define TABLE_ROUTING_H

#include "fabric-routing.h"
#include "load-balancer.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-switch
 * \brief Routing of arbitrary (imported or hand-written) topologies by destination group.
 *
 * Hosts are grouped by the switch their NIC hangs from, and a NIC's address is 10/8 with the low
 * 24 bits = group << HostBits | the NIC's index in its group. A switch keeps, for every group, the
 * ports on its shortest paths toward that group's switch, and for its own group the port of each
 * NIC. The state is O(groups + paths) per switch, not per host; the LoadBalancer plugin chooses
 * among equal-cost ports.
 */
class TableRouting : public FabricRouting
{
  public:
    /// Group of a switch without hosts.
    static constexpr uint32_t NO_GROUP = UINT32_MAX;

    static TypeId GetTypeId();
    TableRouting();

    /**
     * \brief Set the tables.
     * \param hostBits the low address bits that number NICs within a group
     * \param group this switch's group, or NO_GROUP
     * \param localPorts the port of each NIC of this switch's group, by index in the group
     * \param offsets ports toward group g are ports[offsets[g] .. offsets[g+1]-1]
     * \param ports next-hop ports, group by group
     */
    void SetTables(uint32_t hostBits,
                   uint32_t group,
                   std::vector<uint32_t> localPorts,
                   std::vector<uint32_t> offsets,
                   std::vector<uint32_t> ports);

    uint32_t Route(const RoceHeader& header, uint32_t inPort) override;

  protected:
    void DoDispose() override;

  private:
    uint32_t m_hostBits{0};
    uint32_t m_group{NO_GROUP};
    std::vector<uint32_t> m_localPorts;
    std::vector<uint32_t> m_offsets;
    std::vector<uint32_t> m_nextHops;
    Ptr<LoadBalancer> m_balancer;
};

} // namespace ns3

#endif // TABLE_ROUTING_H
