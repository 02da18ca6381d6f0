/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef PACKET_FIFO_H
#define PACKET_FIFO_H

#include "ns3/packet.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-net
 * \brief An unbounded FIFO of packets in a ring that grows by doubling.
 *
 * Fabrics have millions of egress queues, nearly all empty at any time: an empty PacketFifo is
 * 32 bytes and allocates nothing (a std::deque allocates over 500 bytes up front). Each packet
 * carries a 32-bit tag for its queue's owner (a switch keeps the ingress port there, so that a
 * departing packet frees the buffer it was charged to).
 */
class PacketFifo
{
  public:
    bool IsEmpty() const
    {
        return m_size == 0;
    }

    uint32_t GetSize() const
    {
        return m_size;
    }

    void Push(Ptr<Packet> packet, uint32_t tag = 0)
    {
        if (m_size == m_slots.size())
        {
            Grow();
        }
        Slot& slot = m_slots[(m_head + m_size) & (m_slots.size() - 1)];
        slot.packet = std::move(packet);
        slot.tag = tag;
        ++m_size;
    }

    /// The oldest packet, left in place. Requires !IsEmpty().
    const Ptr<Packet>& Front() const
    {
        return m_slots[m_head].packet;
    }

    /// Tag of the oldest packet. Requires !IsEmpty().
    uint32_t FrontTag() const
    {
        return m_slots[m_head].tag;
    }

    /// Remove and return the oldest packet. Requires !IsEmpty().
    Ptr<Packet> Pop()
    {
        Ptr<Packet> packet = std::move(m_slots[m_head].packet);
        m_head = (m_head + 1) & (m_slots.size() - 1);
        --m_size;
        return packet;
    }

    void Clear()
    {
        m_slots.clear();
        m_slots.shrink_to_fit();
        m_head = 0;
        m_size = 0;
    }

  private:
    /// Double the ring (a power of two, so indices wrap with a mask), oldest packet first.
    void Grow()
    {
        std::vector<Slot> slots(m_slots.empty() ? 4 : 2 * m_slots.size());
        for (uint32_t i = 0; i < m_size; ++i)
        {
            slots[i] = std::move(m_slots[(m_head + i) & (m_slots.size() - 1)]);
        }
        m_slots.swap(slots);
        m_head = 0;
    }

    struct Slot
    {
        Ptr<Packet> packet;
        uint32_t tag;
    };

    std::vector<Slot> m_slots;
    uint32_t m_head{0};
    uint32_t m_size{0};
};

} // namespace ns3

#endif // PACKET_FIFO_H
