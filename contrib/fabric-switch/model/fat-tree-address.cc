/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fat-tree-address.h"

namespace ns3
{

namespace
{
uint8_t
BitsFor(uint32_t count)
{
    uint8_t bits = 0;
    while ((1ULL << bits) < count)
    {
        ++bits;
    }
    return bits;
}
} // namespace

std::string
FatTreeAddress::SetCounts(uint32_t hostsPerLeaf,
                          uint32_t leavesPerPod,
                          uint32_t pods,
                          uint32_t planes)
{
    std::array<uint32_t, NUM_FIELDS> counts{hostsPerLeaf, leavesPerPod, pods, planes};
    uint32_t shift = 0;
    for (uint32_t f = 0; f < NUM_FIELDS; ++f)
    {
        if (counts[f] == 0)
        {
            return "every address field needs a count of at least 1";
        }
        m_bits[f] = BitsFor(counts[f]);
        m_shift[f] = static_cast<uint8_t>(shift);
        m_mask[f] = (1U << m_bits[f]) - 1;
        shift += m_bits[f];
    }
    if (shift > ADDRESS_BITS)
    {
        return "the fabric needs " + std::to_string(shift) +
               " address bits (host, leaf, pod and plane fields); 10.0.0.0/8 has 24";
    }
    return "";
}

uint32_t
FatTreeAddress::Encode(uint32_t plane, uint32_t pod, uint32_t leaf, uint32_t host) const
{
    return PREFIX | (plane << m_shift[PLANE]) | (pod << m_shift[POD]) | (leaf << m_shift[LEAF]) |
           (host << m_shift[HOST]);
}

} // namespace ns3
