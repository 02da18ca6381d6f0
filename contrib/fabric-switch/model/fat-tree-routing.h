/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FAT_TREE_ROUTING_H
#define FAT_TREE_ROUTING_H

#include "fabric-routing.h"
#include "fat-tree-address.h"

namespace ns3
{

/**
 * \ingroup fabric-switch
 * \brief Algorithmic fat-tree routing: down by the destination address, up by ECMP.
 *
 * A switch at tier t (1 = leaf) sits above every address whose fields from t up to POD match its
 * own position (a leaf checks leaf and pod, an aggregation switch the pod, a core switch
 * nothing). Such a destination leaves on down port = the address's field t-1 (host port at a
 * leaf, leaf at a spine/aggregation switch, pod at a core switch). Planes are separate fabrics,
 * so the plane field never needs checking. Anything else goes up, on the uplink the
 * LoadBalancer plugin chooses (ECMP by default). Ports [0, DownPorts) face down, the next
 * UpPorts face up. The state is a handful of integers (and the load balancer's fixed-size
 * state), whatever the size of the fabric.
 */
class FatTreeRouting : public FabricRouting
{
  public:
    static TypeId GetTypeId();
    FatTreeRouting();

    /**
     * \brief Place the switch.
     * \param tier 1 for a leaf, 2 for a spine/aggregation switch, 3 for a core switch
     * \param leaf index of the leaf within its pod (used at tier 1)
     * \param pod pod index (used at tiers 1 and 2)
     */
    void SetPosition(const FatTreeAddress& layout, uint32_t tier, uint32_t leaf, uint32_t pod);

    uint32_t Route(const RoceHeader& header, uint32_t inPort) override;

  private:
    FatTreeAddress m_layout;
    uint32_t m_tier{1};
    uint32_t m_position[FatTreeAddress::NUM_FIELDS]{};
    uint32_t m_downPorts{0};
    uint32_t m_upPorts{0};
    std::vector<uint32_t> m_uplinks; //!< DownPorts .. DownPorts+UpPorts-1, the candidates
};

} // namespace ns3

#endif // FAT_TREE_ROUTING_H
