/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fat-tree-helper.h"

#include "ns3/fabric-channel.h"
#include "ns3/fat-tree-routing.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/uinteger.h"

#include <sstream>

namespace ns3
{

namespace
{
/// Derived sizes of a shape; the helper and the validator share them.
struct Layout
{
    uint32_t hostsPerLeaf;
    uint32_t leafUplinks;
    uint32_t leavesPerPod;
    uint32_t pods;
    uint32_t tier2PerPod; //!< spines (2-tier) or aggregation switches per pod (3-tier)
    uint32_t cores;
};

Layout
LayoutOf(const FatTreeShape& s)
{
    uint32_t half = s.radix / 2;
    Layout l{};
    l.hostsPerLeaf = s.hostsPerLeaf ? s.hostsPerLeaf : half;
    if (s.tiers == 2)
    {
        l.leafUplinks = s.radix > l.hostsPerLeaf ? s.radix - l.hostsPerLeaf : 0;
        l.leavesPerPod = s.leaves ? s.leaves : s.radix;
        l.pods = 1;
        l.tier2PerPod = l.leafUplinks;
        l.cores = 0;
    }
    else
    {
        l.leafUplinks = half;
        l.leavesPerPod = half;
        l.pods = s.radix;
        l.tier2PerPod = half;
        l.cores = half * half;
    }
    return l;
}
} // namespace

std::string
FatTreeShape::Validate() const
{
    std::ostringstream err;
    if (tiers != 2 && tiers != 3)
    {
        err << "tiers must be 2 or 3, not " << tiers << "\n";
        return err.str();
    }
    if (radix < 2 || radix % 2 != 0)
    {
        err << "radix must be an even number of at least 2, not " << radix << "\n";
        return err.str();
    }
    Layout l = LayoutOf(*this);
    uint32_t maxHosts = tiers == 2 ? radix - 1 : radix - radix / 2;
    if (l.hostsPerLeaf > maxHosts)
    {
        err << "hosts-per-leaf " << l.hostsPerLeaf << " leaves a radix-" << radix
            << " leaf too few uplinks (at most " << maxHosts << " hosts per leaf)\n";
    }
    if (tiers == 3 && leaves != 0)
    {
        err << "leaves is set by the radix in a 3-tier fat-tree (radix/2 per pod); leave it out\n";
    }
    if (tiers == 2 && l.leavesPerPod > radix)
    {
        err << "a radix-" << radix << " spine connects at most " << radix << " leaves, not "
            << l.leavesPerPod << "\n";
    }
    FatTreeAddress address;
    std::string bits = address.SetCounts(l.hostsPerLeaf, l.leavesPerPod, l.pods, 1);
    if (!bits.empty())
    {
        err << bits << "\n";
    }
    return err.str();
}

std::string
FatTreeShape::TierName(uint32_t t) const
{
    static const char* names2[] = {"leaf", "spine"};
    static const char* names3[] = {"leaf", "agg", "core"};
    return tiers == 2 ? names2[t] : names3[t];
}

uint64_t
FatTreeShape::GetCount(const std::string& kind) const
{
    Layout l = LayoutOf(*this);
    uint64_t leaves = uint64_t(l.pods) * l.leavesPerPod;
    if (kind == "host")
    {
        return leaves * l.hostsPerLeaf;
    }
    uint64_t counts[] = {leaves, uint64_t(l.pods) * l.tier2PerPod, l.cores};
    for (uint32_t t = 0; t < tiers; ++t)
    {
        if (kind == TierName(t))
        {
            return counts[t];
        }
    }
    return 0;
}

std::string
FatTreeShape::DescribeNames() const
{
    std::string text;
    std::vector<std::string> kinds{"host"};
    for (uint32_t t = 0; t < tiers; ++t)
    {
        kinds.push_back(TierName(t));
    }
    for (const auto& kind : kinds)
    {
        text +=
            (text.empty() ? "" : ", ") + kind + "0.." + kind + std::to_string(GetCount(kind) - 1);
    }
    return text;
}

bool
FatTreeShape::SplitName(const std::string& name, std::string& kind, uint64_t& index)
{
    std::size_t digits = name.find_first_of("0123456789");
    if (digits == std::string::npos || digits == 0 ||
        name.find_first_not_of("0123456789", digits) != std::string::npos ||
        name.size() - digits > 18 || (name[digits] == '0' && name.size() - digits > 1))
    {
        return false;
    }
    kind = name.substr(0, digits);
    index = std::stoull(name.substr(digits));
    return true;
}

uint64_t
FatTree::GetNPorts() const
{
    uint64_t ports = nics.size();
    for (const auto& tier : tiers)
    {
        for (const auto& sw : tier)
        {
            ports += sw->GetNPorts();
        }
    }
    return ports;
}

uint64_t
FatTree::GetNicTxFrames() const
{
    uint64_t frames = 0;
    for (const auto& nic : nics)
    {
        frames += nic->GetTxFrames();
    }
    return frames;
}

uint64_t
FatTree::GetTxFrames() const
{
    uint64_t frames = GetNicTxFrames();
    for (const auto& tier : tiers)
    {
        for (const auto& sw : tier)
        {
            for (uint32_t p = 0; p < sw->GetNPorts(); ++p)
            {
                frames += sw->GetPort(p)->GetTxFrames();
            }
        }
    }
    return frames;
}

int64_t
FatTree::AssignStreams(int64_t stream) const
{
    int64_t used = 0;
    for (const auto& tier : tiers)
    {
        for (const auto& sw : tier)
        {
            used += sw->AssignStreams(stream + used);
        }
    }
    return used;
}

Ptr<Node>
FatTree::FindNode(const std::string& name) const
{
    std::string kind;
    uint64_t index = 0;
    if (!FatTreeShape::SplitName(name, kind, index))
    {
        return nullptr;
    }
    if (kind == "host")
    {
        return index < hostNodes.GetN() ? hostNodes.Get(index) : nullptr;
    }
    for (uint32_t t = 0; t < tiers.size(); ++t)
    {
        if (kind == shape.TierName(t))
        {
            return index < tiers[t].size() ? tiers[t][index]->GetObject<Node>() : nullptr;
        }
    }
    return nullptr;
}

FatTreeHelper::FatTreeHelper()
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
FatTreeHelper::SetMmuAttribute(const std::string& name, const AttributeValue& value)
{
    m_mmuFactory.Set(name, value);
}

void
FatTreeHelper::SetEcnMarker(const std::string& typeId)
{
    m_ecnMarking = !typeId.empty();
    if (m_ecnMarking)
    {
        m_ecnFactory.SetTypeId(typeId);
    }
}

void
FatTreeHelper::SetEcnMarkerAttribute(const std::string& name, const AttributeValue& value)
{
    m_ecnFactory.Set(name, value);
}

void
FatTreeHelper::SetScheduler(const std::string& typeId)
{
    m_schedulerFactory.SetTypeId(typeId);
}

void
FatTreeHelper::SetSchedulerAttribute(const std::string& name, const AttributeValue& value)
{
    m_schedulerFactory.Set(name, value);
}

void
FatTreeHelper::SetNicAttribute(const std::string& name, const AttributeValue& value)
{
    m_nicFactory.Set(name, value);
}

void
FatTreeHelper::SetSwitchPortAttribute(const std::string& name, const AttributeValue& value)
{
    m_portFactory.Set(name, value);
}

void
FatTreeHelper::SetSwitchAttribute(const std::string& name, const AttributeValue& value)
{
    m_switchFactory.Set(name, value);
}

void
FatTreeHelper::SetLoadBalancer(const std::string& typeId)
{
    m_balancerFactory.SetTypeId(typeId);
}

void
FatTreeHelper::SetLoadBalancerAttribute(const std::string& name, const AttributeValue& value)
{
    m_balancerFactory.Set(name, value);
}

void
FatTreeHelper::SetEcmpSeed(uint32_t seed)
{
    m_ecmpSeed = seed;
}

void
FatTreeHelper::SetChannelAttribute(const std::string& name, const AttributeValue& value)
{
    m_channelFactory.Set(name, value);
}

void
FatTreeHelper::Connect(Ptr<FabricNetDevice> a, Ptr<FabricNetDevice> b) const
{
    Ptr<FabricChannel> channel = m_channelFactory.Create<FabricChannel>();
    a->Attach(channel);
    b->Attach(channel);
}

FatTree
FatTreeHelper::Build(const FatTreeShape& shape) const
{
    NS_ABORT_MSG_IF(!shape.Validate().empty(), "FatTreeHelper: " << shape.Validate());
    Layout l = LayoutOf(shape);
    FatTree tree;
    tree.shape = shape;
    tree.leavesPerPod = l.leavesPerPod;
    tree.pods = l.pods;
    tree.address.SetCounts(l.hostsPerLeaf, l.leavesPerPod, l.pods, 1);

    // A switch node holds exactly its ports, created in port order (down ports first).
    auto makeSwitch = [&](uint32_t tier, uint32_t down, uint32_t up, uint32_t leaf, uint32_t pod) {
        Ptr<Node> node = CreateObject<Node>();
        Ptr<FabricSwitch> sw = m_switchFactory.Create<FabricSwitch>();
        sw->SetAttribute("Mmu", PointerValue(m_mmuFactory.Create<SharedBufferMmu>()));
        sw->SetAttribute("Scheduler", PointerValue(m_schedulerFactory.Create<EgressScheduler>()));
        if (m_ecnMarking)
        {
            sw->SetAttribute("EcnMarker", PointerValue(m_ecnFactory.Create<EcnMarker>()));
        }
        sw->Install(node);
        for (uint32_t p = 0; p < down + up; ++p)
        {
            Ptr<FabricSwitchPort> port = m_portFactory.Create<FabricSwitchPort>();
            node->AddDevice(port);
            sw->AddPort(port);
        }
        Ptr<FatTreeRouting> routing = CreateObject<FatTreeRouting>();
        routing->SetAttribute("DownPorts", UintegerValue(down));
        routing->SetAttribute("UpPorts", UintegerValue(up));
        Ptr<LoadBalancer> balancer = m_balancerFactory.Create<LoadBalancer>();
        balancer->SetAttribute("Seed", UintegerValue(m_ecmpSeed * 0x9E3779B1U + node->GetId()));
        routing->SetAttribute("LoadBalancer", PointerValue(balancer));
        routing->SetPosition(tree.address, tier, leaf, pod);
        sw->SetRouting(routing);
        tree.tiers[tier - 1].push_back(sw);
        return sw;
    };

    tree.tiers.resize(shape.tiers);
    uint32_t half = shape.radix / 2;
    for (uint32_t pod = 0; pod < l.pods; ++pod)
    {
        for (uint32_t leaf = 0; leaf < l.leavesPerPod; ++leaf)
        {
            Ptr<FabricSwitch> sw = makeSwitch(1, l.hostsPerLeaf, l.leafUplinks, leaf, pod);
            for (uint32_t h = 0; h < l.hostsPerLeaf; ++h)
            {
                Ptr<Node> host = CreateObject<Node>();
                Ptr<Cx8NetDevice> nic = m_nicFactory.Create<Cx8NetDevice>();
                host->AddDevice(nic);
                nic->SetFabricAddress(tree.address.Encode(0, pod, leaf, h));
                Connect(nic, sw->GetPort(h));
                tree.hostNodes.Add(host);
                tree.nics.push_back(nic);
            }
        }
        for (uint32_t s = 0; s < l.tier2PerPod; ++s)
        {
            uint32_t up = shape.tiers == 3 ? half : 0;
            Ptr<FabricSwitch> sw = makeSwitch(2, l.leavesPerPod, up, 0, pod);
            for (uint32_t leaf = 0; leaf < l.leavesPerPod; ++leaf)
            {
                Ptr<FabricSwitch> leafSw = tree.tiers[0][pod * l.leavesPerPod + leaf];
                Connect(leafSw->GetPort(l.hostsPerLeaf + s), sw->GetPort(leaf));
            }
        }
    }
    for (uint32_t c = 0; c < l.cores; ++c)
    {
        Ptr<FabricSwitch> sw = makeSwitch(3, l.pods, 0, 0, 0);
        uint32_t agg = c / half;
        for (uint32_t pod = 0; pod < l.pods; ++pod)
        {
            Ptr<FabricSwitch> aggSw = tree.tiers[1][pod * half + agg];
            Connect(aggSw->GetPort(half + c % half), sw->GetPort(pod));
        }
    }
    tree.links = tree.nics.size() + uint64_t(tree.tiers[0].size()) * l.leafUplinks +
                 (shape.tiers == 3 ? uint64_t(l.cores) * l.pods : 0);
    return tree;
}

} // namespace ns3
