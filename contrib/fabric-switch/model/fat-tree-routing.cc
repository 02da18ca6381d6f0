/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fat-tree-routing.h"

#include "ns3/uinteger.h"

#include <numeric>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FatTreeRouting);

TypeId
FatTreeRouting::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FatTreeRouting")
                            .SetParent<FabricRouting>()
                            .SetGroupName("FabricSwitch")
                            .AddConstructor<FatTreeRouting>()
                            .AddAttribute("DownPorts",
                                          "Number of ports facing down (ports 0 .. DownPorts-1)",
                                          UintegerValue(0),
                                          MakeUintegerAccessor(&FatTreeRouting::m_downPorts),
                                          MakeUintegerChecker<uint32_t>())
                            .AddAttribute("UpPorts",
                                          "Number of ports facing up, right after the down ports",
                                          UintegerValue(0),
                                          MakeUintegerAccessor(&FatTreeRouting::m_upPorts),
                                          MakeUintegerChecker<uint32_t>());
    return tid;
}

FatTreeRouting::FatTreeRouting() = default;

void
FatTreeRouting::SetPosition(const FatTreeAddress& layout,
                            uint32_t tier,
                            uint32_t leaf,
                            uint32_t pod)
{
    m_layout = layout;
    m_tier = tier;
    m_position[FatTreeAddress::LEAF] = leaf;
    m_position[FatTreeAddress::POD] = pod;
}

uint32_t
FatTreeRouting::Route(const RoceHeader& header, uint32_t inPort)
{
    uint32_t dst = header.GetDestination();
    if (!FatTreeAddress::IsFabric(dst))
    {
        return NO_ROUTE;
    }
    bool below = true;
    for (uint32_t f = m_tier; f <= FatTreeAddress::POD; ++f)
    {
        below = below && m_layout.Get(dst, static_cast<FatTreeAddress::Field>(f)) == m_position[f];
    }
    if (below)
    {
        uint32_t port = m_layout.Get(dst, static_cast<FatTreeAddress::Field>(m_tier - 1));
        return port < m_downPorts ? port : NO_ROUTE;
    }
    if (m_upPorts == 0)
    {
        return NO_ROUTE;
    }
    if (m_uplinks.size() != m_upPorts)
    {
        m_uplinks.resize(m_upPorts);
        std::iota(m_uplinks.begin(), m_uplinks.end(), m_downPorts);
    }
    return m_balancer->Choose(header, m_uplinks.data(), m_upPorts, *m_ports);
}

} // namespace ns3
