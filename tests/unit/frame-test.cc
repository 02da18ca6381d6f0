/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// FabricFrame: the bytes a frame makes when something looks at them are those of the Packet the
// fabric built before frames existed (header + zeros + MessageTag), the header it carries is the
// one those bytes parse to, changes reach bytes already made, and recycled frames start clean.

#include "ns3/fabric-frame.h"
#include "ns3/message-tag.h"
#include "ns3/packet.h"

#include <gtest/gtest.h>
#include <vector>

using namespace ns3;

namespace
{
std::vector<uint8_t>
Bytes(Ptr<const Packet> p)
{
    std::vector<uint8_t> b(p->GetSize());
    p->CopyData(b.data(), b.size());
    return b;
}

/// The Packet for \p header and its payload, built as the fabric once built every frame.
Ptr<Packet>
Reference(RoceHeader header, uint32_t payload, uint64_t cookie)
{
    Ptr<Packet> p = Create<Packet>(header.SetPayload(payload));
    p->AddHeader(header);
    if (cookie != 0)
    {
        p->AddPacketTag(MessageTag(cookie));
    }
    return p;
}

RoceHeader
Data(uint8_t opcode)
{
    RoceHeader h;
    h.SetSource(0x0A000001);
    h.SetDestination(0x0A010203);
    h.SetSourcePort(0xC123);
    h.SetDscp(26);
    h.SetEcn(RoceHeader::ECN_ECT0);
    h.SetOpcode(opcode);
    h.SetDestQp(0x000102);
    h.SetPsn(0xABCDEF);
    return h;
}

/// Every kind of frame the queue pairs make: data of each opcode, with and without INT,
/// ACKs with and without ECN echo and INT echo, a NAK, a CNP; with their payloads and cookies.
struct Kind
{
    const char* name;
    RoceHeader header;
    uint32_t payload;
    uint64_t cookie;
};

std::vector<Kind>
Kinds()
{
    std::vector<Kind> kinds;
    kinds.push_back({"first with cookie", Data(RoceHeader::RC_SEND_FIRST), 4096, 0x1234567890});
    kinds.push_back({"middle", Data(RoceHeader::RC_SEND_MIDDLE), 4096, 0});
    RoceHeader last = Data(RoceHeader::RC_SEND_LAST);
    last.SetAckReq(true);
    kinds.push_back({"last, odd payload", last, 1001, 0});
    kinds.push_back({"only with cookie", Data(RoceHeader::RC_SEND_ONLY), 3, 7});
    RoceHeader withInt = Data(RoceHeader::RC_SEND_MIDDLE);
    withInt.EnableInt();
    withInt.PushIntHop(800000000000ULL, 128 * 64, 99 * 64, NanoSeconds(12345));
    withInt.PushIntHop(400000000000ULL, 0, 3 * 64, NanoSeconds(12400));
    kinds.push_back({"data with two INT hops", withInt, 4096, 0});
    RoceHeader ack = Data(RoceHeader::RC_ACKNOWLEDGE);
    ack.SetDscp(48);
    ack.SetMsn(0x123456);
    ack.SetEcnEcho(true);
    kinds.push_back({"ACK with ECN echo", ack, 0, 0});
    RoceHeader echo = ack;
    echo.EchoInt(withInt);
    kinds.push_back({"ACK echoing INT", echo, 0, 0});
    RoceHeader nak = Data(RoceHeader::RC_ACKNOWLEDGE);
    nak.SetSyndrome(RoceHeader::AETH_NAK_PSN_SEQUENCE);
    kinds.push_back({"NAK", nak, 0, 0});
    RoceHeader cnp = Data(RoceHeader::CNP);
    kinds.push_back({"CNP", cnp, 16, 0});
    return kinds;
}

FramePtr
Make(const Kind& k)
{
    RoceHeader h = k.header;
    uint32_t trailer = h.SetPayload(k.payload);
    return FabricFrame::Create(h, trailer, k.cookie);
}

/// What a receiver reads of a header, wire fields and the flags beside them.
void
ExpectSameHeader(const RoceHeader& a, const RoceHeader& b, const char* what)
{
    SCOPED_TRACE(what);
    EXPECT_EQ(a.GetSerializedSize(), b.GetSerializedSize());
    EXPECT_EQ(a.GetSource(), b.GetSource());
    EXPECT_EQ(a.GetDestination(), b.GetDestination());
    EXPECT_EQ(a.GetSourcePort(), b.GetSourcePort());
    EXPECT_EQ(a.GetDscp(), b.GetDscp());
    EXPECT_EQ(a.GetEcn(), b.GetEcn());
    EXPECT_EQ(a.GetOpcode(), b.GetOpcode());
    EXPECT_EQ(a.GetDestQp(), b.GetDestQp());
    EXPECT_EQ(a.GetAckReq(), b.GetAckReq());
    EXPECT_EQ(a.GetPsn(), b.GetPsn());
    EXPECT_EQ(a.GetPayload(), b.GetPayload());
    EXPECT_EQ(a.HasAeth(), b.HasAeth());
    if (a.HasAeth())
    {
        EXPECT_EQ(a.GetSyndrome(), b.GetSyndrome());
        EXPECT_EQ(a.GetMsn(), b.GetMsn());
    }
    EXPECT_EQ(a.GetEcnEcho(), b.GetEcnEcho());
    EXPECT_EQ(a.HasInt(), b.HasInt());
    EXPECT_EQ(a.IsIntEcho(), b.IsIntEcho());
    ASSERT_EQ(a.GetIntHops(), b.GetIntHops());
    for (uint32_t i = 0; i < a.GetIntHops(); ++i)
    {
        EXPECT_EQ(a.GetIntHop(i).bitRate, b.GetIntHop(i).bitRate);
        EXPECT_EQ(a.GetIntHop(i).queueBytes, b.GetIntHop(i).queueBytes);
        EXPECT_EQ(a.GetIntHop(i).txUnits, b.GetIntHop(i).txUnits);
        EXPECT_EQ(a.GetIntHop(i).timeNs, b.GetIntHop(i).timeNs);
    }
}
} // namespace

TEST(FabricFrame, BytesAreThoseOfTheHeaderAndZerosAndParseToTheHeaderItCarries)
{
    for (const Kind& k : Kinds())
    {
        SCOPED_TRACE(k.name);
        FramePtr frame = Make(k);
        Ptr<Packet> reference = Reference(k.header, k.payload, k.cookie);
        EXPECT_EQ(frame->GetSize(), reference->GetSize());
        EXPECT_EQ(frame->GetCookie(), k.cookie);
        Ptr<Packet> bytes = frame->GetPacket();
        EXPECT_EQ(bytes, frame->GetPacket()) << "made once, then kept";
        EXPECT_EQ(Bytes(bytes), Bytes(reference));
        MessageTag tag;
        EXPECT_EQ(bytes->PeekPacketTag(tag), k.cookie != 0);
        if (k.cookie != 0)
        {
            EXPECT_EQ(tag.GetCookie(), k.cookie);
        }
        RoceHeader parsed;
        bytes->PeekHeader(parsed);
        ExpectSameHeader(frame->GetHeader(), parsed, k.name);

        // A frame made from those bytes reads the same header, size and cookie.
        FramePtr again = FabricFrame::Create(reference);
        EXPECT_EQ(again->GetPacket(), reference);
        EXPECT_EQ(again->GetSize(), frame->GetSize());
        EXPECT_EQ(again->GetCookie(), k.cookie);
        ExpectSameHeader(again->GetHeader(), frame->GetHeader(), k.name);
    }
}

TEST(FabricFrame, ChangesReachBytesMadeBeforeAndAfter)
{
    // A CE mark and an INT hop give the same bytes whether the Packet was made before the
    // change (and rewritten) or only after it.
    for (bool early : {true, false})
    {
        SCOPED_TRACE(early ? "bytes made before the changes" : "bytes made after the changes");
        RoceHeader h = Data(RoceHeader::RC_SEND_MIDDLE);
        h.EnableInt();
        uint32_t trailer = h.SetPayload(4096);
        FramePtr frame = FabricFrame::Create(h, trailer, 42);
        if (early)
        {
            frame->GetPacket();
        }
        frame->SetEcn(RoceHeader::ECN_CE);
        ASSERT_TRUE(frame->PushIntHop(800000000000ULL, 640, 6400, NanoSeconds(777)));

        RoceHeader expected = h;
        expected.SetEcn(RoceHeader::ECN_CE);
        expected.PushIntHop(800000000000ULL, 640, 6400, NanoSeconds(777));
        Ptr<Packet> reference = Create<Packet>(trailer);
        reference->AddHeader(expected);
        EXPECT_EQ(frame->GetSize(), reference->GetSize());
        EXPECT_EQ(frame->GetSize(), RoceHeader::GetDataPacketSize(4096) + 4 + 8);
        EXPECT_EQ(Bytes(frame->GetPacket()), Bytes(reference));
        MessageTag tag;
        EXPECT_TRUE(frame->GetPacket()->PeekPacketTag(tag));
        RoceHeader parsed;
        frame->GetPacket()->PeekHeader(parsed);
        ExpectSameHeader(frame->GetHeader(), parsed, "changed");
    }
}

TEST(FabricFrame, RecycledFramesStartClean)
{
    RoceHeader h = Data(RoceHeader::RC_SEND_FIRST);
    uint32_t trailer = h.SetPayload(4096);
    FramePtr used = FabricFrame::Create(h, trailer, 99);
    used->SetTag(5);
    used->SetArrival(10, 20);
    used->GetPacket();
    const FabricFrame* memory = used.get();
    used.reset();

    RoceHeader ack = Data(RoceHeader::RC_ACKNOWLEDGE);
    uint32_t ackTrailer = ack.SetPayload(0);
    FramePtr next = FabricFrame::Create(ack, ackTrailer);
    EXPECT_EQ(next.get(), memory) << "the free list gives the last frame back first";
    EXPECT_EQ(next->GetTag(), 0u);
    EXPECT_EQ(next->GetCookie(), 0u);
    EXPECT_EQ(next->GetSize(), ack.GetSerializedSize() + ackTrailer);
    MessageTag tag;
    EXPECT_FALSE(next->GetPacket()->PeekPacketTag(tag));
    EXPECT_EQ(next->GetPacket()->GetSize(), next->GetSize());
}

TEST(FrameQueue, IsFirstInFirstOutAndMovesFramesWithoutCopies)
{
    FrameQueue a;
    FrameQueue b;
    EXPECT_TRUE(a.IsEmpty());
    std::vector<const FabricFrame*> made;
    for (uint32_t i = 0; i < 5; ++i)
    {
        RoceHeader h = Data(RoceHeader::RC_SEND_MIDDLE);
        h.SetPsn(i);
        uint32_t trailer = h.SetPayload(100);
        FramePtr f = FabricFrame::Create(h, trailer);
        made.push_back(f.get());
        a.Push(std::move(f));
        EXPECT_EQ(&a.Back(), made.back());
    }
    EXPECT_EQ(a.Front().GetHeader().GetPsn(), 0u);
    while (!a.IsEmpty())
    {
        b.Push(a.Pop());
    }
    for (uint32_t i = 0; i < 5; ++i)
    {
        FramePtr f = b.Pop();
        EXPECT_EQ(f.get(), made[i]);
        EXPECT_EQ(f->GetHeader().GetPsn(), i);
    }
    EXPECT_TRUE(b.IsEmpty());
    RoceHeader h = Data(RoceHeader::RC_SEND_ONLY);
    uint32_t trailer = h.SetPayload(1);
    b.Push(FabricFrame::Create(h, trailer));
    b.Clear();
    EXPECT_TRUE(b.IsEmpty());
}
