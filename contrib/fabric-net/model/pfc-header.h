/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef PFC_HEADER_H
#define PFC_HEADER_H

#include "ns3/header.h"
#include "ns3/mac48-address.h"

#include <array>
#include <cstdint>

namespace ns3
{

/**
 * \ingroup fabric-net
 * \brief An IEEE 802.1Qbb priority-based flow control (PFC) frame: a MAC control frame to
 *        01:80:C2:00:00:01, EtherType 0x8808, opcode 0x0101, a class-enable vector and one pause
 *        time per priority, in quanta of 512 bit times at the port's rate.
 *
 * The Packet carrying it holds PADDING_BYTES zero bytes behind it, making the 64-byte minimum
 * frame with the FCS.
 */
class PfcHeader : public Header
{
  public:
    static constexpr uint16_t ETHERTYPE_MAC_CONTROL = 0x8808;
    static constexpr uint16_t OPCODE_PFC = 0x0101;
    /// 14 (Ethernet) + 2 (opcode) + 2 (class-enable vector) + 8 x 2 (pause times).
    static constexpr uint32_t SERIALIZED_BYTES = 34;
    /// Zero bytes after the header: 34 + 26 + 4 (FCS) = 64.
    static constexpr uint32_t PADDING_BYTES = 26;
    /// Bit times in one pause quantum (IEEE 802.3 Annex 31B).
    static constexpr uint32_t QUANTUM_BITS = 512;

    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    void Print(std::ostream& os) const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;

    void SetSource(Mac48Address source)
    {
        m_source = source;
    }

    /// Pause (or with 0 quanta, resume) \p priority; enables it in the class-enable vector.
    void SetQuanta(uint32_t priority, uint16_t quanta)
    {
        m_classEnable |= 1U << priority;
        m_quanta[priority] = quanta;
    }

    bool IsEnabled(uint32_t priority) const
    {
        return (m_classEnable >> priority) & 1;
    }

    uint16_t GetQuanta(uint32_t priority) const
    {
        return m_quanta[priority];
    }

    uint8_t GetClassEnable() const
    {
        return m_classEnable;
    }

    /// True when the frame deserialized was a PFC frame (MAC control, opcode 0x0101).
    bool IsPfc() const
    {
        return m_isPfc;
    }

  private:
    Mac48Address m_source;
    uint8_t m_classEnable{0};
    std::array<uint16_t, 8> m_quanta{};
    bool m_isPfc{true};
};

} // namespace ns3

#endif // PFC_HEADER_H
