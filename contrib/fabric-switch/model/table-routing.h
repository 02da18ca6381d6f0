/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TABLE_ROUTING_H
#define TABLE_ROUTING_H

#include "fabric-routing.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-switch
 * \brief Routing of arbitrary (imported or hand-written) topologies by destination group.
 *
 * Hosts are grouped by the switch their NIC hangs from, and a NIC's address is 10/8 with the low
 * 24 bits = group << HostBits | the NIC's index in its group. A switch keeps, for every group it
 * can reach (groups are numbered so that those form a range), the ports on its shortest paths
 * toward that group's switch, and for its own group the port of each
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
     * \param firstGroup the first group this switch reaches (it reaches a range of them)
     * \param offsets ports toward group firstGroup + g are ports[offsets[g] .. offsets[g+1]-1]
     * \param ports next-hop ports, group by group
     */
    void SetTables(uint32_t hostBits,
                   uint32_t group,
                   std::vector<uint32_t> localPorts,
                   uint32_t firstGroup,
                   std::vector<uint32_t> offsets,
                   std::vector<uint32_t> ports);

    uint32_t Route(const RoceHeader& header, uint32_t inPort) override;

  private:
    uint32_t m_hostBits{0};
    uint32_t m_group{NO_GROUP};
    std::vector<uint32_t> m_localPorts;
    uint32_t m_firstGroup{0};
    std::vector<uint32_t> m_offsets{0}; //!< one entry more than the groups reached
    std::vector<uint32_t> m_nextHops;
};

} // namespace ns3

#endif // TABLE_ROUTING_H
