/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_FRAME_H
#define FABRIC_FRAME_H

#include "roce-header.h"

#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <memory>

namespace ns3
{

class FabricFrame;

/// Gives a frame back to the free list: the deleter of FramePtr.
struct FabricFrameRecycler
{
    void operator()(FabricFrame* frame) const;
};

/// A frame and whoever holds it owns it: the code handling it, a port's queue, a link.
using FramePtr = std::unique_ptr<FabricFrame, FabricFrameRecycler>;

/**
 * \ingroup fabric-net
 * \brief A frame on its way through the fabric: its headers, parsed once, and its bytes.
 *
 * The bytes of a frame the fabric makes itself (RoCE data, ACKs, CNPs) are its header's
 * serialization followed by zeros (payload, pad, ICRC), so the frame keeps the header and the
 * number of bytes behind it. The ns-3 Packet that holds those bytes is made the first time
 * something looks at them (a trace sink such as a capture, an error model, a process of an MPI
 * run), and kept from then on. A frame made from a Packet keeps that Packet. Either way the
 * header is what RoceHeader::Deserialize gives for the bytes, and a change (a CE mark, an INT
 * hop) goes to both, so every hop reads the header without parsing it again.
 *
 * The cookie of a message's first packet travels as a MessageTag on the Packet; the frame keeps
 * it beside the header.
 *
 * Frames are recycled through a free list, so that a data frame's hop allocates nothing. A
 * frame sits in at most one FrameQueue at a time: a port's egress or MAC control queue, the
 * link it is crossing, or a NIC's receive buffer.
 */
class FabricFrame
{
  public:
    /// A frame of \p header followed by \p trailer zero bytes (payload, pad and ICRC, as
    /// RoceHeader::SetPayload gives them), with the \p cookie of its message (0: none).
    static FramePtr Create(const RoceHeader& header, uint32_t trailer, uint64_t cookie = 0);

    /// A frame holding \p packet: its headers and MessageTag are read here, once.
    static FramePtr Create(Ptr<Packet> packet);

    ~FabricFrame() = default;
    FabricFrame(const FabricFrame&) = delete;
    FabricFrame& operator=(const FabricFrame&) = delete;

    const RoceHeader& GetHeader() const
    {
        return m_header;
    }

    /// Bytes of the frame as the Packet holds them (no FCS, preamble or inter-frame gap).
    uint32_t GetSize() const
    {
        return m_size;
    }

    /// The cookie of the message whose first packet this is (0: none).
    uint64_t GetCookie() const
    {
        return m_cookie;
    }

    /// The Packet holding the frame's bytes, made on the first call.
    Ptr<Packet> GetPacket() const;

    /// Set the IPv4 ECN codepoint.
    void SetEcn(uint8_t ecn);

    /// Append an INT hop (RoceHeader::PushIntHop); false when the frame holds all it can.
    bool PushIntHop(uint64_t bitRate, uint64_t queueBytes, uint64_t txBytes, Time now);

    /// \name Where the frame is, for the queue or link that holds it
    /// @{
    /// The egress queue's tag for the port's owner (FabricNetDevice::Enqueue).
    uint32_t GetTag() const
    {
        return m_tag;
    }

    void SetTag(uint32_t tag)
    {
        m_tag = tag;
    }

    /// On a link: the key of the event that delivers the frame (FabricSimulatorImpl).
    int64_t GetArrivalTs() const
    {
        return m_ts;
    }

    uint64_t GetArrivalOrder() const
    {
        return m_order;
    }

    void SetArrival(int64_t ts, uint64_t order)
    {
        m_ts = ts;
        m_order = order;
    }

    /// @}

  private:
    friend class FrameQueue;
    friend struct FabricFrameRecycler;

    /// Frames no one holds, linked through m_next.
    struct FreeList;
    static FreeList s_free;

    FabricFrame() = default;
    /// A frame from the free list, or a new one.
    static FabricFrame* Take();
    /// Write the header again into a Packet already made, after a change to it.
    void Rewrite(uint32_t oldHeaderBytes);

    FabricFrame* m_next{nullptr};
    int64_t m_ts{0};
    uint64_t m_order{0};
    mutable Ptr<Packet> m_packet;
    uint64_t m_cookie{0};
    uint32_t m_size{0};
    uint32_t m_trailer{0};
    uint32_t m_tag{0};
    RoceHeader m_header;
};

/**
 * \ingroup fabric-net
 * \brief A FIFO of frames, linked through the frames themselves: an empty queue is two
 *        pointers and allocates nothing, and a frame moves between queues without copying.
 */
class FrameQueue
{
  public:
    FrameQueue() = default;
    FrameQueue(const FrameQueue&) = delete;
    FrameQueue& operator=(const FrameQueue&) = delete;

    ~FrameQueue()
    {
        Clear();
    }

    bool IsEmpty() const
    {
        return m_head == nullptr;
    }

    /// The oldest frame, left in place. Requires !IsEmpty().
    const FabricFrame& Front() const
    {
        return *m_head;
    }

    /// The newest frame. Requires !IsEmpty().
    const FabricFrame& Back() const
    {
        return *m_tail;
    }

    void Push(FramePtr frame)
    {
        FabricFrame* f = frame.release();
        f->m_next = nullptr;
        (m_head ? m_tail->m_next : m_head) = f;
        m_tail = f;
    }

    /// Remove and return the oldest frame. Requires !IsEmpty().
    FramePtr Pop()
    {
        FabricFrame* f = m_head;
        m_head = f->m_next;
        f->m_next = nullptr;
        return FramePtr(f);
    }

    /// Recycle every frame.
    void Clear()
    {
        while (m_head)
        {
            Pop();
        }
        m_tail = nullptr;
    }

  private:
    FabricFrame* m_head{nullptr};
    FabricFrame* m_tail{nullptr};
};

} // namespace ns3

#endif // FABRIC_FRAME_H
