/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TOPOLOGY_HELPER_H
#define TOPOLOGY_HELPER_H

#include "ns3/cx8-net-device.h"
#include "ns3/fabric-switch.h"
#include "ns3/load-balancer.h"
#include "ns3/node-container.h"
#include "ns3/nvlink-domain.h"
#include "ns3/object-factory.h"
#include "ns3/topology.h"

#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/// Fabric-wide event counts (Fabric::GetCounters).
struct FabricCounters
{
    uint64_t drops{0};           //!< frames dropped: by switch MMUs, watchdogs, routes and NICs
    uint64_t pfcFrames{0};       //!< PFC frames sent by every port (pauses and resumes)
    uint64_t ecnMarks{0};        //!< frames switches marked CE
    uint64_t cnps{0};            //!< CNPs receivers sent
    uint64_t retransmissions{0}; //!< data packets senders sent again
    uint64_t timeouts{0};        //!< retransmission timeouts that fired
};

/**
 * \ingroup fabric-topology
 * \brief A built fabric: the ns-3 nodes of every graph node, the hosts' NICs and the switches.
 */
struct Fabric
{
    std::shared_ptr<const FabricGraph> graph;
    std::vector<Ptr<Node>> nodes;            //!< by graph node index
    std::vector<uint32_t> firstNic;          //!< by graph node: index of its NIC 0 in nics
    std::vector<Ptr<Cx8NetDevice>> nics;     //!< every NIC, host by host
    std::vector<Ptr<FabricSwitch>> switches; //!< in graph order

    /// NIC \p index of the host at graph node \p node.
    Ptr<Cx8NetDevice> GetNic(uint32_t node, uint32_t index) const
    {
        return nics[firstNic[node] + index];
    }

    /// FabricGraph::GetGpuOfNic.
    uint32_t GetGpuOfNic(uint32_t node, uint32_t nic) const
    {
        return graph->GetGpuOfNic(node, nic);
    }

    /// FabricGraph::GetNicOfGpu.
    uint32_t GetNicOfGpu(uint32_t node, uint32_t gpu) const
    {
        return graph->GetNicOfGpu(node, gpu);
    }

    /// The NVLink domain of the host at graph node \p node, or nullptr if it has none.
    Ptr<NvlinkDomain> GetNvlink(uint32_t node) const
    {
        return nodes[node]->GetObject<NvlinkDomain>();
    }

    /// The node named \p name, or nullptr.
    Ptr<Node> FindNode(const std::string& name) const;

    /// Ports of the fabric: NICs and every switch port.
    uint64_t GetNPorts() const;

    /// Frames sent by the NICs (data and acknowledgements).
    uint64_t GetNicTxFrames() const;

    /// Frames sent by every port: one per link crossed, the packet-hops.
    uint64_t GetTxFrames() const;

    /// Drops, PFC frames, ECN marks, CNPs and retransmissions so far, summed over the fabric.
    FabricCounters GetCounters() const;

    /// Fix the random streams of every switch, from \p stream on; returns how many were used.
    int64_t AssignStreams(int64_t stream) const;
};

/**
 * \ingroup fabric-topology
 * \brief Instantiates a FabricGraph as ns-3 objects: nodes, Cx8 NICs, fabric switches with
 *        their MMU, ECN marker, scheduler and routing, and a FabricChannel per link.
 *
 * Objects are made from the helper's factories, then the node's profile Attributes are applied
 * over them, so a profile wins over a helper setting. A port whose link runs slower than its
 * profile's rate is set to the link's rate; each channel gets its link's delay. Generated
 * fat-trees route by address fields (FatTreeRouting); any other graph by tables per destination
 * leaf (TableRouting).
 */
class TopologyHelper
{
  public:
    TopologyHelper();
    virtual ~TopologyHelper() = default;

    /// Attributes of every NIC (ns3::Cx8NetDevice), e.g. DataRate, PayloadMtu.
    void SetNicAttribute(const std::string& name, const AttributeValue& value);
    /// Attributes of every switch port (ns3::FabricSwitchPort), e.g. DataRate, PfcWatchdog.
    void SetSwitchPortAttribute(const std::string& name, const AttributeValue& value);
    /// Attributes of every switch (ns3::FabricSwitch), e.g. PipelineLatency.
    void SetSwitchAttribute(const std::string& name, const AttributeValue& value);
    /// Attributes of every link (ns3::FabricChannel) other than its Delay, which is the link's.
    void SetChannelAttribute(const std::string& name, const AttributeValue& value);

    /// The load balancer every switch uses among its equal-cost ports (a TypeId name, default
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

    /// The system id (MPI rank) of each node of the graph to build (PartitionGraph); by default
    /// every node is on system 0.
    void SetSystemIds(std::vector<uint32_t> systemIdOf);

    /// Build \p graph, which ExpandTopology made without diagnostics.
    Fabric Build(std::shared_ptr<const FabricGraph> graph) const;

  private:
    /// Factories of one switch profile: the helper's, with the profile's Attributes on top.
    struct SwitchFactories
    {
        ObjectFactory sw;
        ObjectFactory port;
        ObjectFactory mmu;
        ObjectFactory ecn;
        bool ecnMarking;
    };

    SwitchFactories ForSwitchProfile(const SwitchProfile& profile) const;
    void InstallRouting(const Fabric& fabric) const;
    Ptr<LoadBalancer> MakeBalancer(Ptr<Node> node) const;

    std::vector<uint32_t> m_systemIdOf;
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

#endif // TOPOLOGY_HELPER_H
