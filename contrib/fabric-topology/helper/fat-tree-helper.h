/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FAT_TREE_HELPER_H
#define FAT_TREE_HELPER_H

#include "ns3/cx8-net-device.h"
#include "ns3/fabric-switch.h"
#include "ns3/fat-tree-address.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <string>
#include <vector>

namespace ns3
{

/// The shape of a fat-tree. Zero means "the default for the radix".
struct FatTreeShape
{
    uint32_t tiers{2};        //!< 2 (leaf-spine) or 3 (leaf, aggregation, core)
    uint32_t radix{8};        //!< ports per switch
    uint32_t hostsPerLeaf{0}; //!< default radix/2; 2-tier: more than radix/2 oversubscribes
    uint32_t leaves{0};       //!< 2-tier only: number of leaves, default radix

    /// Every problem with the shape, one per line; empty when it can be built.
    std::string Validate() const;

    /// "leaf", "spine" (2-tier) or "agg" (3-tier), "core" for switch tier index \p t (0-based).
    std::string TierName(uint32_t t) const;

    /// Number of nodes of a kind ("host" or a tier name); 0 for an unknown kind.
    uint64_t GetCount(const std::string& kind) const;

    /// The valid node names, e.g. "host0..host31, leaf0..leaf7, spine0..spine3".
    std::string DescribeNames() const;

    /**
     * \brief Split a node name such as "leaf3" into its kind and index.
     * \return false if the name is not a kind followed by a decimal index (no leading zeros)
     */
    static bool SplitName(const std::string& name, std::string& kind, uint64_t& index);
};

/**
 * \ingroup fabric-topology
 * \brief A built fat-tree: its hosts' NICs and its switches, by tier.
 *
 * Host h hangs off port h % hostsPerLeaf of leaf h / hostsPerLeaf. Leaves are numbered pod by
 * pod. Switch ports face down first, then up; a leaf's uplink u goes to spine (2-tier) or
 * aggregation switch (3-tier) u of its pod, and aggregation switch a's uplink u goes to core
 * a * radix/2 + u.
 */
struct FatTree
{
    FatTreeShape shape;
    FatTreeAddress address;
    uint32_t leavesPerPod{0};
    uint32_t pods{0};
    NodeContainer hostNodes;
    std::vector<Ptr<Cx8NetDevice>> nics;
    /// Switches by tier: [0] leaves, [1] spines or aggregation switches, [2] cores (3-tier).
    std::vector<std::vector<Ptr<FabricSwitch>>> tiers;
    uint64_t links{0};

    uint32_t GetNHosts() const
    {
        return static_cast<uint32_t>(nics.size());
    }

    /// Ports of the fabric: NICs and every switch port.
    uint64_t GetNPorts() const;

    /// Frames sent by the NICs (data and acknowledgements).
    uint64_t GetNicTxFrames() const;

    /// Frames sent by every port: one per link crossed, the packet-hops.
    uint64_t GetTxFrames() const;

    /// Fix the random streams of every switch, from \p stream on; returns how many were used.
    int64_t AssignStreams(int64_t stream) const;

    /**
     * \brief Resolve a node name: host<i>, leaf<i>, spine<i>, agg<i> or core<i>.
     * \return the node, or nullptr when no node has that name
     */
    Ptr<Node> FindNode(const std::string& name) const;
};

/**
 * \ingroup fabric-topology
 * \brief Builds 2-tier (leaf-spine) and 3-tier fat-trees of Cx8 NICs and fabric switches, any
 *        radix, with algorithmic routing and addresses that encode each NIC's place.
 */
class FatTreeHelper
{
  public:
    FatTreeHelper();

    /// Attributes of every NIC (ns3::Cx8NetDevice), e.g. DataRate, PayloadMtu.
    void SetNicAttribute(const std::string& name, const AttributeValue& value);
    /// Attributes of every switch port (ns3::FabricSwitchPort), e.g. DataRate, PfcWatchdog.
    void SetSwitchPortAttribute(const std::string& name, const AttributeValue& value);
    /// Attributes of every switch (ns3::FabricSwitch), e.g. PipelineLatency.
    void SetSwitchAttribute(const std::string& name, const AttributeValue& value);
    /// Attributes of every link (ns3::FabricChannel), e.g. Delay.
    void SetChannelAttribute(const std::string& name, const AttributeValue& value);

    /// The load balancer every switch uses among its uplinks (a TypeId name, default
    /// ns3::EcmpLoadBalancer) and its attributes.
    void SetLoadBalancer(const std::string& typeId);
    void SetLoadBalancerAttribute(const std::string& name, const AttributeValue& value);

    /// Attributes of every switch's MMU (ns3::SharedBufferMmu), e.g. BufferSize, PfcEnabled.
    void SetMmuAttribute(const std::string& name, const AttributeValue& value);

    /// The ECN marking plugin of every switch (a TypeId name, default ns3::RedEcnMarker; an
    /// empty name turns marking off) and its attributes.
    void SetEcnMarker(const std::string& typeId);
    void SetEcnMarkerAttribute(const std::string& name, const AttributeValue& value);

    /// The egress scheduler of every switch (a TypeId name, default
    /// ns3::StrictPriorityScheduler) and its attributes.
    void SetScheduler(const std::string& typeId);
    void SetSchedulerAttribute(const std::string& name, const AttributeValue& value);

    /// Salt every switch's ECMP hash with \p seed (each switch also mixes in its node id), so
    /// that runs with different seeds see different hash collisions. Default 0.
    void SetEcmpSeed(uint32_t seed);

    /// Build the fat-tree. The shape must be valid (see FatTreeShape::Validate).
    FatTree Build(const FatTreeShape& shape) const;

  private:
    void Connect(Ptr<FabricNetDevice> a, Ptr<FabricNetDevice> b) const;

    ObjectFactory m_nicFactory;
    ObjectFactory m_portFactory;
    ObjectFactory m_switchFactory;
    ObjectFactory m_channelFactory;
    ObjectFactory m_balancerFactory;
    ObjectFactory m_mmuFactory;
    ObjectFactory m_ecnFactory;
    ObjectFactory m_schedulerFactory;
    bool m_ecnMarking{true};
    uint32_t m_ecmpSeed{0};
};

} // namespace ns3

#endif // FAT_TREE_HELPER_H
