/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "load-balancer.h"

#include "fabric-routing.h"

#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(LoadBalancer);
NS_OBJECT_ENSURE_REGISTERED(EcmpLoadBalancer);
NS_OBJECT_ENSURE_REGISTERED(SprayLoadBalancer);
NS_OBJECT_ENSURE_REGISTERED(AdaptiveLoadBalancer);
NS_OBJECT_ENSURE_REGISTERED(FlowletLoadBalancer);

TypeId
LoadBalancer::GetTypeId()
{
    static TypeId tid = TypeId("ns3::LoadBalancer")
                            .SetParent<Object>()
                            .SetGroupName("FabricSwitch")
                            .AddAttribute("Seed",
                                          "Salt of the 5-tuple hash; give each switch its own",
                                          UintegerValue(0),
                                          MakeUintegerAccessor(&LoadBalancer::m_seed),
                                          MakeUintegerChecker<uint32_t>());
    return tid;
}

uint32_t
LoadBalancer::Hash(const RoceHeader& header) const
{
    return FabricRouting::FlowHash(header, m_seed);
}

uint32_t
LoadBalancer::LeastLoaded(const uint32_t* candidates,
                          uint32_t count,
                          uint32_t start,
                          const std::vector<Ptr<FabricSwitchPort>>& ports)
{
    uint32_t best = candidates[start % count];
    uint64_t bestLoad = UINT64_MAX;
    for (uint32_t i = 0; i < count; ++i)
    {
        uint32_t port = candidates[(start + i) % count];
        const FabricNetDevice& dev = *ports[port];
        uint64_t load = dev.GetQueuedBytes() + (dev.IsBusy() ? 1 : 0);
        if (load < bestLoad)
        {
            best = port;
            bestLoad = load;
        }
    }
    return best;
}

TypeId
EcmpLoadBalancer::GetTypeId()
{
    static TypeId tid = TypeId("ns3::EcmpLoadBalancer")
                            .SetParent<LoadBalancer>()
                            .SetGroupName("FabricSwitch")
                            .AddConstructor<EcmpLoadBalancer>();
    return tid;
}

uint32_t
EcmpLoadBalancer::Choose(const RoceHeader& header,
                         const uint32_t* candidates,
                         uint32_t count,
                         const std::vector<Ptr<FabricSwitchPort>>& ports)
{
    return candidates[Hash(header) % count];
}

TypeId
SprayLoadBalancer::GetTypeId()
{
    static TypeId tid = TypeId("ns3::SprayLoadBalancer")
                            .SetParent<LoadBalancer>()
                            .SetGroupName("FabricSwitch")
                            .AddConstructor<SprayLoadBalancer>();
    return tid;
}

uint32_t
SprayLoadBalancer::Choose(const RoceHeader& header,
                          const uint32_t* candidates,
                          uint32_t count,
                          const std::vector<Ptr<FabricSwitchPort>>& ports)
{
    return candidates[m_next++ % count];
}

TypeId
AdaptiveLoadBalancer::GetTypeId()
{
    static TypeId tid = TypeId("ns3::AdaptiveLoadBalancer")
                            .SetParent<LoadBalancer>()
                            .SetGroupName("FabricSwitch")
                            .AddConstructor<AdaptiveLoadBalancer>();
    return tid;
}

uint32_t
AdaptiveLoadBalancer::Choose(const RoceHeader& header,
                             const uint32_t* candidates,
                             uint32_t count,
                             const std::vector<Ptr<FabricSwitchPort>>& ports)
{
    // Rotating the tie-break keeps idle ports evenly used.
    return LeastLoaded(candidates, count, m_next++, ports);
}

TypeId
FlowletLoadBalancer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::FlowletLoadBalancer")
            .SetParent<LoadBalancer>()
            .SetGroupName("FabricSwitch")
            .AddConstructor<FlowletLoadBalancer>()
            .AddAttribute("Gap",
                          "Idle time after which a flow's next frame may take another port",
                          TimeValue(MicroSeconds(5)),
                          MakeTimeAccessor(&FlowletLoadBalancer::m_gap),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("TableSize",
                          "Flowlet table entries (flows share entries by hash)",
                          UintegerValue(4096),
                          MakeUintegerAccessor(&FlowletLoadBalancer::m_tableSize),
                          MakeUintegerChecker<uint32_t>(1));
    return tid;
}

uint32_t
FlowletLoadBalancer::Choose(const RoceHeader& header,
                            const uint32_t* candidates,
                            uint32_t count,
                            const std::vector<Ptr<FabricSwitchPort>>& ports)
{
    if (m_table.empty())
    {
        m_table.resize(m_tableSize);
    }
    uint32_t hash = Hash(header);
    Flowlet& flowlet = m_table[hash % m_tableSize];
    Time now = Simulator::Now();
    // Flows to different destinations may share an entry: keep its port only if it is a
    // candidate here.
    bool current = flowlet.used && now - flowlet.last <= m_gap &&
                   std::find(candidates, candidates + count, flowlet.port) != candidates + count;
    if (!current)
    {
        flowlet.port = LeastLoaded(candidates, count, hash, ports);
        flowlet.used = true;
    }
    flowlet.last = now;
    return flowlet.port;
}

} // namespace ns3
