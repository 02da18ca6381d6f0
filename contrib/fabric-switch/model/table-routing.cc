/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "table-routing.h"

#include "fat-tree-address.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(TableRouting);

TypeId
TableRouting::GetTypeId()
{
    static TypeId tid = TypeId("ns3::TableRouting")
                            .SetParent<FabricRouting>()
                            .SetGroupName("FabricSwitch")
                            .AddConstructor<TableRouting>();
    return tid;
}

TableRouting::TableRouting() = default;

void
TableRouting::SetTables(uint32_t hostBits,
                        uint32_t group,
                        std::vector<uint32_t> localPorts,
                        uint32_t firstGroup,
                        std::vector<uint32_t> offsets,
                        std::vector<uint32_t> ports)
{
    m_hostBits = hostBits;
    m_group = group;
    m_localPorts = std::move(localPorts);
    m_firstGroup = firstGroup;
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
    // Groups below the first wrap to large indices: both bounds in one comparison.
    uint32_t g = group - m_firstGroup;
    if (g >= m_offsets.size() - 1 || m_offsets[g] == m_offsets[g + 1])
    {
        return NO_ROUTE;
    }
    uint32_t first = m_offsets[g];
    return m_balancer->Choose(header, &m_nextHops[first], m_offsets[g + 1] - first, *m_ports);
}

} // namespace ns3
