/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-frame.h"

#include "message-tag.h"

namespace ns3
{

/// Freed when the program ends.
struct FabricFrame::FreeList
{
    FabricFrame* head{nullptr};

    ~FreeList();
};

FabricFrame::FreeList FabricFrame::s_free;

FabricFrame*
FabricFrame::Take()
{
    FabricFrame* f = s_free.head;
    if (!f)
    {
        return new FabricFrame();
    }
    s_free.head = f->m_next;
    f->m_next = nullptr;
    return f;
}

void
FabricFrameRecycler::operator()(FabricFrame* frame) const
{
    frame->m_packet = nullptr;
    frame->m_next = FabricFrame::s_free.head;
    FabricFrame::s_free.head = frame;
}

FabricFrame::FreeList::~FreeList()
{
    while (head)
    {
        FabricFrame* f = head;
        head = f->m_next;
        delete f;
    }
}

FramePtr
FabricFrame::Create(const RoceHeader& header, uint32_t trailer, uint64_t cookie)
{
    FramePtr frame(Take());
    frame->m_header = header;
    frame->m_trailer = trailer;
    frame->m_size = header.GetSerializedSize() + trailer;
    frame->m_cookie = cookie;
    frame->m_tag = 0;
    return frame;
}

FramePtr
FabricFrame::Create(Ptr<Packet> packet)
{
    FramePtr frame(Take());
    // Deserialize sets only what the bytes hold: the rest starts from a new header's values.
    frame->m_header = RoceHeader();
    packet->PeekHeader(frame->m_header);
    MessageTag tag;
    frame->m_cookie = packet->PeekPacketTag(tag) ? tag.GetCookie() : 0;
    frame->m_size = packet->GetSize();
    frame->m_trailer = frame->m_size - frame->m_header.GetSerializedSize();
    frame->m_tag = 0;
    frame->m_packet = packet;
    return frame;
}

Ptr<Packet>
FabricFrame::GetPacket() const
{
    if (!m_packet)
    {
        m_packet = ns3::Create<Packet>(m_trailer);
        m_packet->AddHeader(m_header);
        if (m_cookie != 0)
        {
            m_packet->AddPacketTag(MessageTag(m_cookie));
        }
    }
    return m_packet;
}

void
FabricFrame::Rewrite(uint32_t oldHeaderBytes)
{
    if (m_packet)
    {
        m_packet->RemoveAtStart(oldHeaderBytes);
        m_packet->AddHeader(m_header);
    }
}

void
FabricFrame::SetEcn(uint8_t ecn)
{
    m_header.SetEcn(ecn);
    Rewrite(m_header.GetSerializedSize());
}

bool
FabricFrame::PushIntHop(uint64_t bitRate, uint64_t queueBytes, uint64_t txBytes, Time now)
{
    uint32_t before = m_header.GetSerializedSize();
    if (!m_header.PushIntHop(bitRate, queueBytes, txBytes, now))
    {
        return false;
    }
    m_size += m_header.GetSerializedSize() - before;
    Rewrite(before);
    return true;
}

} // namespace ns3
