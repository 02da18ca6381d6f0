/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FAT_TREE_ADDRESS_H
#define FAT_TREE_ADDRESS_H

#include <array>
#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup fabric-switch
 * \brief The layout of fabric addresses in a generated fat-tree: 10.0.0.0/8 with the low 24 bits
 *        split, from the lowest up, into host port, leaf, pod and plane fields.
 *
 * A switch routes down by reading one field and needs nothing per destination, which keeps its
 * routing state O(ports). Field widths are the fewest bits that hold each count.
 */
class FatTreeAddress
{
  public:
    /// Address fields, lowest first. A switch at tier t (leaf = 1) reads field t-1 to go down.
    enum Field : uint8_t
    {
        HOST = 0,
        LEAF = 1,
        POD = 2,
        PLANE = 3,
        NUM_FIELDS = 4,
    };

    static constexpr uint32_t PREFIX = 10U << 24;
    static constexpr uint32_t ADDRESS_BITS = 24;

    FatTreeAddress() = default;

    /**
     * \brief Size the fields for the given counts (each at least 1).
     * \return an empty string, or why the counts do not fit in 24 bits
     */
    std::string SetCounts(uint32_t hostsPerLeaf,
                          uint32_t leavesPerPod,
                          uint32_t pods,
                          uint32_t planes);

    uint32_t Encode(uint32_t plane, uint32_t pod, uint32_t leaf, uint32_t host) const;

    uint32_t Get(uint32_t address, Field field) const
    {
        return (address >> m_shift[field]) & m_mask[field];
    }

    /// True when \p address carries the 10/8 prefix.
    static bool IsFabric(uint32_t address)
    {
        return (address >> ADDRESS_BITS) == (PREFIX >> ADDRESS_BITS);
    }

    uint8_t GetBits(Field field) const
    {
        return m_bits[field];
    }

  private:
    std::array<uint8_t, NUM_FIELDS> m_bits{};
    std::array<uint8_t, NUM_FIELDS> m_shift{};
    std::array<uint32_t, NUM_FIELDS> m_mask{};
};

} // namespace ns3

#endif // FAT_TREE_ADDRESS_H
