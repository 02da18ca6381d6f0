/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "topology-helper.h"

#include "ns3/data-rate.h"
#include "ns3/fabric-channel.h"
#include "ns3/fat-tree-routing.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/string.h"
#include "ns3/table-routing.h"
#include "ns3/uinteger.h"

#include <optional>

namespace ns3
{

namespace
{
void
Apply(ObjectFactory& factory, const std::vector<AttributeSetting>& settings)
{
    for (const auto& s : settings)
    {
        factory.Set(s.attribute, StringValue(s.value));
    }
}

} // namespace

Ptr<Node>
Fabric::FindNode(const std::string& name) const
{
    uint32_t index = graph->Find(name);
    return index == FabricGraph::NONE ? nullptr : nodes[index];
}

uint64_t
Fabric::GetNPorts() const
{
    uint64_t ports = nics.size();
    for (const auto& sw : switches)
    {
        ports += sw->GetNPorts();
    }
    return ports;
}

uint64_t
Fabric::GetNicTxFrames() const
{
    uint64_t frames = 0;
    for (const auto& nic : nics)
    {
        frames += nic->GetTxFrames();
    }
    return frames;
}

uint64_t
Fabric::GetTxFrames() const
{
    uint64_t frames = GetNicTxFrames();
    for (const auto& sw : switches)
    {
        for (uint32_t p = 0; p < sw->GetNPorts(); ++p)
        {
            frames += sw->GetPort(p)->GetTxFrames();
        }
    }
    return frames;
}

FabricCounters
Fabric::GetCounters() const
{
    FabricCounters c;
    for (const auto& nic : nics)
    {
        c.drops += nic->GetRxBufferDrops();
        c.pfcFrames += nic->GetPfcTxFrames();
        RdmaQueuePair::Counters qps = nic->GetQueuePairCounters();
        c.cnps += qps.cnpsSent;
        c.retransmissions += qps.retxPackets;
        c.timeouts += qps.timeouts;
    }
    for (const auto& sw : switches)
    {
        c.drops += sw->GetNoRouteDrops();
        c.ecnMarks += sw->GetEcnMarks();
        for (uint32_t p = 0; p < sw->GetNPorts(); ++p)
        {
            c.pfcFrames += sw->GetPort(p)->GetPfcTxFrames();
            for (uint32_t prio = 0; prio < FabricNetDevice::NUM_PRIORITIES; ++prio)
            {
                c.drops += sw->GetDrops(p, prio);
            }
        }
    }
    return c;
}

int64_t
Fabric::AssignStreams(int64_t stream) const
{
    int64_t used = 0;
    for (const auto& sw : switches)
    {
        used += sw->AssignStreams(stream + used);
    }
    return used;
}

TopologyHelper::TopologyHelper()
{
    m_nicFactory.SetTypeId("ns3::Cx8NetDevice");
    m_portFactory.SetTypeId("ns3::FabricSwitchPort");
    m_switchFactory.SetTypeId("ns3::FabricSwitch");
    m_channelFactory.SetTypeId("ns3::FabricChannel");
    m_balancerFactory.SetTypeId("ns3::EcmpLoadBalancer");
    m_mmuFactory.SetTypeId("ns3::SharedBufferMmu");
    m_ecnFactory.SetTypeId("ns3::RedEcnMarker");
    m_schedulerFactory.SetTypeId("ns3::StrictPriorityScheduler");
}

void
TopologyHelper::SetNicAttribute(const std::string& name, const AttributeValue& value)
{
    m_nicFactory.Set(name, value);
}

void
TopologyHelper::SetSwitchPortAttribute(const std::string& name, const AttributeValue& value)
{
    m_portFactory.Set(name, value);
}

void
TopologyHelper::SetSwitchAttribute(const std::string& name, const AttributeValue& value)
{
    m_switchFactory.Set(name, value);
}

void
TopologyHelper::SetChannelAttribute(const std::string& name, const AttributeValue& value)
{
    m_channelFactory.Set(name, value);
}

void
TopologyHelper::SetLoadBalancer(const std::string& typeId)
{
    m_balancerFactory.SetTypeId(typeId);
}

void
TopologyHelper::SetLoadBalancerAttribute(const std::string& name, const AttributeValue& value)
{
    m_balancerFactory.Set(name, value);
}

void
TopologyHelper::SetMmuAttribute(const std::string& name, const AttributeValue& value)
{
    m_mmuFactory.Set(name, value);
}

void
TopologyHelper::SetEcnMarker(const std::string& typeId)
{
    m_ecnMarking = !typeId.empty();
    if (m_ecnMarking)
    {
        m_ecnFactory.SetTypeId(typeId);
    }
}

void
TopologyHelper::SetEcnMarkerAttribute(const std::string& name, const AttributeValue& value)
{
    m_ecnFactory.Set(name, value);
}

void
TopologyHelper::SetScheduler(const std::string& typeId)
{
    m_schedulerFactory.SetTypeId(typeId);
}

void
TopologyHelper::SetSchedulerAttribute(const std::string& name, const AttributeValue& value)
{
    m_schedulerFactory.Set(name, value);
}

void
TopologyHelper::SetEcmpSeed(uint32_t seed)
{
    m_ecmpSeed = seed;
}

TopologyHelper::SwitchFactories
TopologyHelper::ForSwitchProfile(const SwitchProfile& profile) const
{
    SwitchFactories f{m_switchFactory,
                      m_portFactory,
                      m_mmuFactory,
                      m_ecnFactory,
                      m_ecnMarking && profile.ecn};
    auto apply = [&profile](ProfileTarget target, ObjectFactory& factory) {
        if (auto it = profile.attributes.find(target); it != profile.attributes.end())
        {
            Apply(factory, it->second);
        }
    };
    apply(ProfileTarget::SWITCH, f.sw);
    apply(ProfileTarget::SWITCH_PORT, f.port);
    apply(ProfileTarget::MMU, f.mmu);
    apply(ProfileTarget::ECN, f.ecn);
    return f;
}

Ptr<LoadBalancer>
TopologyHelper::MakeBalancer(Ptr<Node> node) const
{
    Ptr<LoadBalancer> balancer = m_balancerFactory.Create<LoadBalancer>();
    balancer->SetAttribute("Seed", UintegerValue(m_ecmpSeed * 0x9E3779B1U + node->GetId()));
    return balancer;
}

void
TopologyHelper::SetSystemIds(std::vector<uint32_t> systemIdOf)
{
    m_systemIdOf = std::move(systemIdOf);
}

Fabric
TopologyHelper::Build(std::shared_ptr<const FabricGraph> graphPtr) const
{
    const FabricGraph& graph = *graphPtr;
    Fabric fabric;
    fabric.graph = graphPtr;
    fabric.nodes.resize(graph.nodes.size());
    fabric.firstNic.assign(graph.nodes.size(), FabricGraph::NONE);

    std::vector<ObjectFactory> nicFactories;
    for (const auto& profile : graph.nicProfiles)
    {
        nicFactories.push_back(m_nicFactory);
        Apply(nicFactories.back(), profile->attributes);
    }
    // Servers of several GPUs with NVLink get an NVLink domain; the others none.
    std::vector<std::optional<ObjectFactory>> nvlinkFactories;
    for (const auto& profile : graph.hostProfiles)
    {
        nvlinkFactories.emplace_back();
        if (profile->gpus > 1 && profile->nvlinkBps > 0)
        {
            ObjectFactory& f = nvlinkFactories.back().emplace("ns3::NvlinkDomain");
            f.Set("Gpus", UintegerValue(profile->gpus));
            f.Set("DataRate", DataRateValue(DataRate(profile->nvlinkBps)));
            if (!profile->nvlinkLatency.IsZero())
            {
                f.Set("Latency", TimeValue(profile->nvlinkLatency));
            }
        }
    }
    std::vector<SwitchFactories> switchFactories;
    for (const auto& profile : graph.switchProfiles)
    {
        switchFactories.push_back(ForSwitchProfile(*profile));
    }

    std::vector<uint32_t> switchOf(graph.nodes.size(), FabricGraph::NONE);
    for (uint32_t i = 0; i < graph.nodes.size(); ++i)
    {
        const FabricGraph::Node& n = graph.nodes[i];
        Ptr<Node> node = CreateObject<Node>(m_systemIdOf.empty() ? 0 : m_systemIdOf.at(i));
        fabric.nodes[i] = node;
        if (n.kind == FabricGraph::HOST)
        {
            fabric.firstNic[i] = static_cast<uint32_t>(fabric.nics.size());
            for (uint32_t k = 0; k < n.ports; ++k)
            {
                Ptr<Cx8NetDevice> nic = nicFactories[n.profile].Create<Cx8NetDevice>();
                node->AddDevice(nic);
                fabric.nics.push_back(nic);
            }
            if (nvlinkFactories[n.profile])
            {
                node->AggregateObject(nvlinkFactories[n.profile]->Create<NvlinkDomain>());
            }
            continue;
        }
        const SwitchFactories& f = switchFactories[n.profile];
        Ptr<FabricSwitch> sw = f.sw.Create<FabricSwitch>();
        sw->SetAttribute("Mmu", PointerValue(f.mmu.Create<SharedBufferMmu>()));
        sw->SetAttribute("Scheduler", PointerValue(m_schedulerFactory.Create<EgressScheduler>()));
        if (f.ecnMarking)
        {
            sw->SetAttribute("EcnMarker", PointerValue(f.ecn.Create<EcnMarker>()));
        }
        sw->Install(node);
        for (uint32_t p = 0; p < n.ports; ++p)
        {
            Ptr<FabricSwitchPort> port = f.port.Create<FabricSwitchPort>();
            node->AddDevice(port);
            sw->AddPort(port);
        }
        switchOf[i] = static_cast<uint32_t>(fabric.switches.size());
        fabric.switches.push_back(sw);
    }

    std::vector<ObjectFactory> channelFactories;
    for (const auto& profile : graph.linkProfiles)
    {
        channelFactories.push_back(m_channelFactory);
        channelFactories.back().Set("Delay", TimeValue(profile->delay));
    }
    auto device = [&](uint32_t node, uint32_t port) -> Ptr<FabricNetDevice> {
        if (graph.nodes[node].kind == FabricGraph::HOST)
        {
            return fabric.GetNic(node, port);
        }
        return fabric.switches[switchOf[node]]->GetPort(port);
    };
    for (const auto& link : graph.links)
    {
        Ptr<FabricChannel> channel = channelFactories[link.profile].Create<FabricChannel>();
        if (link.delay != graph.linkProfiles[link.profile]->delay)
        {
            channel->SetAttribute("Delay", TimeValue(link.delay));
        }
        for (auto [node, port] : {std::pair{link.a, link.aPort}, {link.b, link.bPort}})
        {
            Ptr<FabricNetDevice> dev = device(node, port);
            if (link.rateBps != graph.GetPortRate(node))
            {
                dev->SetAttribute("DataRate", DataRateValue(DataRate(link.rateBps)));
            }
            dev->Attach(channel);
        }
    }
    InstallRouting(fabric);
    return fabric;
}

void
TopologyHelper::InstallRouting(const Fabric& fabric) const
{
    const FabricGraph& graph = *fabric.graph;
    if (graph.algorithmic)
    {
        for (const auto& link : graph.links)
        {
            const FabricGraph::Node& a = graph.nodes[link.a];
            if (a.kind == FabricGraph::HOST)
            {
                const FabricGraph::Node& leaf = graph.nodes[link.b];
                fabric.GetNic(link.a, link.aPort)
                    ->SetFabricAddress(
                        graph.address.Encode(leaf.plane, leaf.pod, leaf.leaf, link.bPort));
            }
        }
        std::size_t next = 0;
        for (uint32_t i = 0; i < graph.nodes.size(); ++i)
        {
            const FabricGraph::Node& n = graph.nodes[i];
            if (n.kind != FabricGraph::SWITCH)
            {
                continue;
            }
            const FatTreeShape& shape = graph.planeShapes[n.plane];
            uint32_t down[] = {shape.GetHostsPerLeaf(), shape.GetLeavesPerPod(), shape.GetPods()};
            uint32_t up[] = {shape.GetLeafUplinks(), shape.GetCores() > 0 ? shape.radix / 2 : 0, 0};
            Ptr<FatTreeRouting> routing = CreateObject<FatTreeRouting>();
            routing->SetAttribute("DownPorts", UintegerValue(down[n.tier - 1]));
            routing->SetAttribute("UpPorts", UintegerValue(up[n.tier - 1]));
            routing->SetAttribute("LoadBalancer", PointerValue(MakeBalancer(fabric.nodes[i])));
            routing->SetPosition(graph.address, n.tier, n.leaf, n.pod);
            fabric.switches[next++]->SetRouting(routing);
        }
        return;
    }

    // Groups: the switches NICs hang from (HostLinks); a NIC's index in its group follows its
    // switch's port order.
    const HostLinks hostLinks(graph);
    uint32_t hostBits = graph.groupHostBits;
    std::vector<std::vector<uint32_t>> localPorts(graph.nodes.size());
    for (uint32_t g = 0; g < hostLinks.GetNGroups(); ++g)
    {
        uint32_t sw = hostLinks.GetGroupSwitch(g);
        for (uint32_t k = 0; k < hostLinks.GetNNics(sw); ++k)
        {
            const auto& link = graph.links[hostLinks.GetNicLink(sw, k)];
            bool aHost = graph.nodes[link.a].kind == FabricGraph::HOST;
            fabric.GetNic(aHost ? link.a : link.b, aHost ? link.aPort : link.bPort)
                ->SetFabricAddress(FatTreeAddress::PREFIX | g << hostBits | k);
            localPorts[sw].push_back(aHost ? link.bPort : link.aPort);
        }
    }
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> neighbours(graph.nodes.size());
    for (const auto& link : graph.links)
    {
        if (graph.nodes[link.a].kind == FabricGraph::SWITCH &&
            graph.nodes[link.b].kind == FabricGraph::SWITCH)
        {
            neighbours[link.a].emplace_back(link.b, link.aPort);
            neighbours[link.b].emplace_back(link.a, link.bPort);
        }
    }

    // Next hops toward each group: the ports to neighbours one step closer to its switch. A
    // switch keeps them only for the groups of its own component.
    std::vector<std::vector<uint32_t>> offsets(graph.nodes.size());
    std::vector<std::vector<uint32_t>> ports(graph.nodes.size());
    ForEachGroupDistances(graph,
                          hostLinks,
                          [&](uint32_t group, const std::vector<uint32_t>& distance) {
                              for (uint32_t i = 0; i < graph.nodes.size(); ++i)
                              {
                                  if (distance[i] == UINT32_MAX)
                                  {
                                      continue; // hosts, and switches of other components
                                  }
                                  offsets[i].push_back(static_cast<uint32_t>(ports[i].size()));
                                  for (auto [peer, port] : neighbours[i])
                                  {
                                      if (distance[peer] + 1 == distance[i])
                                      {
                                          ports[i].push_back(port);
                                      }
                                  }
                              }
                          });
    std::size_t next = 0;
    for (uint32_t i = 0; i < graph.nodes.size(); ++i)
    {
        if (graph.nodes[i].kind != FabricGraph::SWITCH)
        {
            continue;
        }
        offsets[i].push_back(static_cast<uint32_t>(ports[i].size()));
        Ptr<TableRouting> routing = CreateObject<TableRouting>();
        routing->SetAttribute("LoadBalancer", PointerValue(MakeBalancer(fabric.nodes[i])));
        routing->SetTables(hostBits,
                           hostLinks.GetGroup(i),
                           std::move(localPorts[i]),
                           hostLinks.GetReachableGroups(i).first,
                           std::move(offsets[i]),
                           std::move(ports[i]));
        fabric.switches[next++]->SetRouting(routing);
    }
}

} // namespace ns3
