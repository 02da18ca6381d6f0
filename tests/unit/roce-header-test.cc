/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/packet.h"
#include "ns3/roce-header.h"

#include <gtest/gtest.h>
#include <vector>

using namespace ns3;

namespace
{
RoceHeader
DataHeader()
{
    RoceHeader h;
    h.SetSource(0x0A000001);      // 10.0.0.1
    h.SetDestination(0x0A010203); // 10.1.2.3
    h.SetSourcePort(0xC123);
    h.SetDscp(26);
    h.SetEcn(RoceHeader::ECN_ECT0);
    h.SetOpcode(RoceHeader::RC_SEND_MIDDLE);
    h.SetDestQp(0x000102);
    h.SetAckReq(true);
    h.SetPsn(0xABCDEF);
    return h;
}

std::vector<uint8_t>
Bytes(Ptr<Packet> p)
{
    std::vector<uint8_t> b(p->GetSize());
    p->CopyData(b.data(), b.size());
    return b;
}
} // namespace

TEST(RoceHeader, DataFrameBytesAreRealRoceV2)
{
    RoceHeader h = DataHeader();
    uint32_t trailer = h.SetPayload(4096);
    EXPECT_EQ(trailer, 4096u + 4); // payload already 4-byte aligned, plus ICRC
    Ptr<Packet> p = Create<Packet>(trailer);
    p->AddHeader(h);
    // Ethernet 14 + IPv4 20 + UDP 8 + BTH 12 + 4096 + ICRC 4.
    ASSERT_EQ(p->GetSize(), 4154u);
    std::vector<uint8_t> b = Bytes(p);

    EXPECT_EQ(b[12], 0x08); // EtherType IPv4
    EXPECT_EQ(b[13], 0x00);
    EXPECT_EQ(b[14], 0x45);                // IPv4, 20-byte header
    EXPECT_EQ(b[15], (26 << 2) | 2);       // DSCP 26, ECT(0)
    EXPECT_EQ((b[16] << 8) | b[17], 4140); // total length: 4154 - 14
    EXPECT_EQ(b[20], 0x40);                // don't fragment
    EXPECT_EQ(b[23], 17);                  // UDP
    // The IPv4 header's one's-complement sum, checksum included, is 0xFFFF.
    uint32_t sum = 0;
    for (int i = 14; i < 34; i += 2)
    {
        sum += (b[i] << 8) | b[i + 1];
    }
    while (sum >> 16)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    EXPECT_EQ(sum, 0xFFFFu);
    EXPECT_EQ((b[34] << 8) | b[35], 0xC123); // UDP source port
    EXPECT_EQ((b[36] << 8) | b[37], 4791);   // RoCEv2
    EXPECT_EQ((b[38] << 8) | b[39], 4120);   // UDP length: 4140 - 20
    EXPECT_EQ(b[42], RoceHeader::RC_SEND_MIDDLE);
    EXPECT_EQ((b[44] << 8) | b[45], 0xFFFF); // default P_Key
    EXPECT_EQ(b[47], 0x00);                  // DestQP 0x000102
    EXPECT_EQ(b[48], 0x01);
    EXPECT_EQ(b[49], 0x02);
    EXPECT_EQ(b[50], 0x80); // AckReq
    EXPECT_EQ(b[51], 0xAB); // PSN
    EXPECT_EQ(b[52], 0xCD);
    EXPECT_EQ(b[53], 0xEF);
}

TEST(RoceHeader, RoundTripAndPadding)
{
    RoceHeader h = DataHeader();
    uint32_t trailer = h.SetPayload(1001); // 3 pad bytes align it to 1004
    EXPECT_EQ(trailer, 1001u + 3 + 4);
    Ptr<Packet> p = Create<Packet>(trailer);
    p->AddHeader(h);
    RoceHeader back;
    ASSERT_EQ(p->PeekHeader(back), 54u);
    EXPECT_TRUE(back.IsRoce());
    EXPECT_EQ(back.GetSource(), 0x0A000001u);
    EXPECT_EQ(back.GetDestination(), 0x0A010203u);
    EXPECT_EQ(back.GetSourcePort(), 0xC123);
    EXPECT_EQ(back.GetDestinationPort(), RoceHeader::ROCEV2_UDP_PORT);
    EXPECT_EQ(back.GetDscp(), 26);
    EXPECT_EQ(back.GetEcn(), RoceHeader::ECN_ECT0);
    EXPECT_EQ(back.GetOpcode(), RoceHeader::RC_SEND_MIDDLE);
    EXPECT_EQ(back.GetDestQp(), 0x102u);
    EXPECT_TRUE(back.GetAckReq());
    EXPECT_EQ(back.GetPsn(), 0xABCDEFu);
    EXPECT_EQ(back.GetPayload(), 1001u);
}

TEST(RoceHeader, AcknowledgementCarriesAeth)
{
    RoceHeader h;
    h.SetOpcode(RoceHeader::RC_ACKNOWLEDGE);
    h.SetPsn(77);
    h.SetSyndrome(RoceHeader::AETH_ACK);
    h.SetMsn(5);
    Ptr<Packet> p = Create<Packet>(h.SetPayload(0));
    p->AddHeader(h);
    // 14 + 20 + 8 + BTH 12 + AETH 4 + ICRC 4 = 62 bytes, 66 with FCS: above the 64-byte minimum.
    EXPECT_EQ(p->GetSize(), 62u);
    std::vector<uint8_t> b = Bytes(p);
    EXPECT_EQ(b[54], RoceHeader::AETH_ACK);
    EXPECT_EQ(b[57], 5);
    RoceHeader back;
    p->PeekHeader(back);
    EXPECT_TRUE(back.HasAeth());
    EXPECT_EQ(back.GetMsn(), 5u);
    EXPECT_EQ(back.GetPsn(), 77u);
    EXPECT_EQ(back.GetPayload(), 0u);
}

TEST(RoceHeader, EcnEchoIsTheSecondReservedBitOfTheBth)
{
    RoceHeader h;
    h.SetOpcode(RoceHeader::RC_ACKNOWLEDGE);
    h.SetDestQp(0x123456);
    h.SetEcnEcho(true);
    Ptr<Packet> p = Create<Packet>(h.SetPayload(0));
    p->AddHeader(h);
    // BTH at 42: opcode, flags, P_Key (2), reserved byte (46), DestQP (47..49).
    std::vector<uint8_t> b = Bytes(p);
    EXPECT_EQ(b[46], 0x02);
    EXPECT_EQ(b[47], 0x12);
    EXPECT_EQ(b[49], 0x56);
    RoceHeader back;
    p->PeekHeader(back);
    EXPECT_TRUE(back.GetEcnEcho());
    EXPECT_FALSE(back.HasInt());
    EXPECT_EQ(back.GetDestQp(), 0x123456u);

    h.SetEcnEcho(false);
    Ptr<Packet> plain = Create<Packet>(h.SetPayload(0));
    plain->AddHeader(h);
    EXPECT_EQ(Bytes(plain)[46], 0x00);
    plain->PeekHeader(back);
    EXPECT_FALSE(back.GetEcnEcho());
}

TEST(RoceHeader, PsnAndQpnAreTruncatedTo24Bits)
{
    RoceHeader h;
    h.SetPsn(0x1234567);
    h.SetDestQp(0xFF000001);
    EXPECT_EQ(h.GetPsn(), 0x234567u);
    EXPECT_EQ(h.GetDestQp(), 0x000001u);
}

TEST(RoceHeader, IntHopsTravelBehindTheBthAndCountInTheLengths)
{
    RoceHeader h = DataHeader();
    h.EnableInt();
    Ptr<Packet> p = Create<Packet>(h.SetPayload(1000));
    p->AddHeader(h);
    // 54 bytes of headers + the 4-byte INT header; the BTH's reserved byte flags it.
    ASSERT_EQ(p->GetSize(), 54u + 4 + 1000 + 4);
    EXPECT_EQ(Bytes(p)[14 + 20 + 8 + 4], 0x01);

    // Two switches each take the header off, push their hop and put it back.
    const uint64_t rates[] = {800000000000ULL, 400000000000ULL};
    for (int hop = 0; hop < 2; ++hop)
    {
        RoceHeader sw;
        p->RemoveHeader(sw);
        ASSERT_TRUE(
            sw.PushIntHop(rates[hop], 6400 * (hop + 1), 64 * 1000 + hop, NanoSeconds(1000 + hop)));
        p->AddHeader(sw);
    }
    ASSERT_EQ(p->GetSize(), 54u + 4 + 2 * 8 + 1000 + 4);
    RoceHeader back;
    p->PeekHeader(back);
    ASSERT_TRUE(back.HasInt());
    EXPECT_FALSE(back.IsIntEcho());
    ASSERT_EQ(back.GetIntHops(), 2u);
    EXPECT_EQ(back.GetPayload(), 1000u); // the IPv4 length grew with the hops
    IntHop first = back.GetIntHop(0);
    IntHop second = back.GetIntHop(1);
    EXPECT_EQ(first.bitRate, 800000000000ULL);
    EXPECT_EQ(second.bitRate, 400000000000ULL);
    EXPECT_EQ(first.queueBytes, 6400u);
    EXPECT_EQ(second.queueBytes, 12800u);
    EXPECT_EQ(first.txUnits, 1000u); // 64-byte units, the odd byte truncated
    EXPECT_EQ(first.timeNs, 1000u);
    EXPECT_EQ(IntHop::TimeDelta(first, second), 1u);

    // An acknowledgement echoes the hops; a full frame takes no more.
    RoceHeader ack;
    ack.SetOpcode(RoceHeader::RC_ACKNOWLEDGE);
    ack.EchoInt(back);
    Ptr<Packet> a = Create<Packet>(ack.SetPayload(0));
    a->AddHeader(ack);
    RoceHeader ackBack;
    a->PeekHeader(ackBack);
    EXPECT_TRUE(ackBack.IsIntEcho());
    ASSERT_EQ(ackBack.GetIntHops(), 2u);
    EXPECT_EQ(ackBack.GetIntHop(1).queueBytes, 12800u);
    for (uint32_t i = 2; i < RoceHeader::INT_MAX_HOPS; ++i)
    {
        EXPECT_TRUE(back.PushIntHop(rates[0], 0, 0, Time(0)));
    }
    EXPECT_FALSE(back.PushIntHop(rates[0], 0, 0, Time(0)));
}

TEST(IntHop, DeltasSurviveTheWrapOfTheirFields)
{
    RoceHeader h;
    h.EnableInt();
    // Transmitted bytes and time cross their 2^20 wrap between the two samples.
    h.PushIntHop(800000000000ULL, 0, (uint64_t(1) << 26) - 640, NanoSeconds((1 << 20) - 5));
    h.PushIntHop(800000000000ULL, 0, (uint64_t(1) << 26) + 1280, NanoSeconds((1 << 20) + 20));
    EXPECT_EQ(IntHop::TxBytesDelta(h.GetIntHop(0), h.GetIntHop(1)), 1920u);
    EXPECT_EQ(IntHop::TimeDelta(h.GetIntHop(0), h.GetIntHop(1)), 25u);
}

TEST(RoceHeader, DataPacketSizeIsHeadersPaddedPayloadAndIcrc)
{
    // Ethernet 14 + IPv4 20 + UDP 8 + BTH 12, the payload padded to 4 bytes, ICRC 4.
    EXPECT_EQ(RoceHeader::GetDataPacketSize(4096), 14 + 20 + 8 + 12 + 4096 + 4u);
    EXPECT_EQ(RoceHeader::GetDataPacketSize(1), 14 + 20 + 8 + 12 + 4 + 4u);
    EXPECT_EQ(RoceHeader::GetDataPacketSize(1022), 14 + 20 + 8 + 12 + 1024 + 4u);
}
