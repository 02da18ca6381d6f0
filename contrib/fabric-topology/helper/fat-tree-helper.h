/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FAT_TREE_HELPER_H
#define FAT_TREE_HELPER_H

#include "topology-helper.h"

#include "ns3/fat-tree-address.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-topology
 * \brief A built single-plane fat-tree of one-NIC hosts: its hosts' NICs and its switches, by
 *        tier.
 *
 * Host h hangs off port h % hostsPerLeaf of leaf h / hostsPerLeaf. Leaves are numbered pod by
 * pod. Switch ports face down first, then up; a leaf's uplink u goes to spine (2-tier) or
 * aggregation switch u of its pod, and aggregation switch a's uplink u goes to core
 * a * radix/2 + u.
 */
struct FatTree : public Fabric
{
    FatTreeShape shape;
    FatTreeAddress address;
    uint32_t leavesPerPod{0};
    uint32_t pods{0};
    NodeContainer hostNodes;
    /// Switches by tier: [0] leaves, [1] spines or aggregation switches, [2] cores (3-tier).
    std::vector<std::vector<Ptr<FabricSwitch>>> tiers;
    uint64_t links{0};

    uint32_t GetNHosts() const
    {
        return static_cast<uint32_t>(nics.size());
    }
};

/**
 * \ingroup fabric-topology
 * \brief Builds 2-tier (leaf-spine) and 3-tier fat-trees of one-NIC hosts, any radix, with
 *        algorithmic routing and addresses that encode each NIC's place: one generated plane of
 *        the topology schema, from a program.
 */
class FatTreeHelper : public TopologyHelper
{
  public:
    /// Propagation delay of every link (default 10 ns: 2 m of fiber).
    void SetLinkDelay(Time delay);

    /// Build the fat-tree. The shape must be valid (see FatTreeShape::Validate).
    FatTree Build(const FatTreeShape& shape) const;

  private:
    Time m_linkDelay{NanoSeconds(10)};
};

} // namespace ns3

#endif // FAT_TREE_HELPER_H
