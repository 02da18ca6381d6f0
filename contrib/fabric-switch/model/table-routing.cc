/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "table-routing.h"

#include "fat-tree-address.h"

#include "ns3/pointer.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(TableRouting);

TypeId
TableRouting::GetTypeId()
{
    static TypeId tid = TypeId("ns3::TableRouting")
                            .SetParent<FabricRouting>()
                            .SetGroupName("FabricSwitch")
                            .AddConstructor<TableRouting>()
                            .AddAttribute("LoadBalancer",
                                          "Chooses among the equal-cost ports toward a group",
                                          PointerValue(CreateObject<EcmpLoadBalancer>()),
                                          MakePointerAccessor(&TableRouting::m_balancer),
                                          MakePointerChecker<LoadBalancer>());
    return tid;
}

TableRouting::TableRouting() = default;

void
TableRouting::SetTables(uint32_t hostBits,
                        uint32_t group,
                        std::vector<uint32_t> localPorts,
                        std::vector<uint32_t> offsets,
                        std::vector<uint32_t> ports)
{
    m_hostBits = hostBits;
    m_group = group;
    m_localPorts = std::move(localPorts);
    m_offsets = std::move(offsets);
    m_nextHops = std::move(ports);
}

uint32_t
TableRouting::Route(const RoceHeader& header, uint32_t inPort)
{
    uint32_t dst = header.GetDestination();
    if (!FatTreeAddress::IsFabric(dst))
    {
        return NO_ROUTE;
    }
    uint32_t low = dst & ((1U << FatTreeAddress::ADDRESS_BITS) - 1);
    uint32_t group = low >> m_hostBits;
    if (group == m_group)
    {
        uint32_t host = low & ((1U << m_hostBits) - 1);
        return host < m_localPorts.size() ? m_localPorts[host] : NO_ROUTE;
    }
    if (group + 1 >= m_offsets.size() || m_offsets[group] == m_offsets[group + 1])
    {
        return NO_ROUTE;
    }
    uint32_t first = m_offsets[group];
    return m_balancer->Choose(header, &m_nextHops[first], m_offsets[group + 1] - first, *m_ports);
}

void
TableRouting::DoDispose()
{
    m_balancer = nullptr;
    FabricRouting::DoDispose();
}

} // namespace ns3
