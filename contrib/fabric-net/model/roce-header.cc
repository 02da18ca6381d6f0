/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "roce-header.h"

#include "ns3/abort.h"
#include "ns3/ipv4-address.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(RoceHeader);

namespace
{
constexpr uint8_t IP_PROTO_UDP = 17;

/// RFC 1071 one's-complement sum over the 20-byte IPv4 header held in \p words.
uint16_t
Ipv4Checksum(const uint16_t* words, int count)
{
    uint32_t sum = 0;
    for (int i = 0; i < count; ++i)
    {
        sum += words[i];
    }
    while (sum >> 16)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return static_cast<uint16_t>(~sum);
}
} // namespace

Mac48Address
FabricMacAddress(uint32_t ipv4)
{
    uint8_t bytes[6];
    Buffer buffer;
    buffer.AddAtStart(6);
    Buffer::Iterator it = buffer.Begin();
    WriteFabricMac(it, ipv4);
    buffer.CopyData(bytes, 6);
    Mac48Address address;
    address.CopyFrom(bytes);
    return address;
}

void
WriteFabricMac(Buffer::Iterator& it, uint32_t ipv4)
{
    it.WriteU8(0x02);
    it.WriteU8(0x00);
    it.WriteHtonU32(ipv4);
}

RoceHeader::RoceHeader() = default;

TypeId
RoceHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RoceHeader")
                            .SetParent<Header>()
                            .SetGroupName("FabricNet")
                            .AddConstructor<RoceHeader>();
    return tid;
}

TypeId
RoceHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
RoceHeader::TransportBytes() const
{
    return UDP_BYTES + BTH_BYTES + (HasAeth() ? AETH_BYTES : 0) +
           (m_int ? INT_HEADER_BYTES + m_intHops * INT_HOP_BYTES : 0);
}

namespace
{
/// Link rates an INT hop can name; the code is the index (0: a rate not in the table).
constexpr uint64_t INT_RATES[] = {0,
                                  10000000000ULL,
                                  25000000000ULL,
                                  40000000000ULL,
                                  50000000000ULL,
                                  100000000000ULL,
                                  200000000000ULL,
                                  400000000000ULL,
                                  800000000000ULL,
                                  1600000000000ULL};
constexpr uint64_t INT_FIELD_MASK = IntHop::WRAP - 1;
} // namespace

bool
RoceHeader::IsIntRate(uint64_t bitRate)
{
    return bitRate > 0 &&
           std::find(std::begin(INT_RATES), std::end(INT_RATES), bitRate) != std::end(INT_RATES);
}

std::string
RoceHeader::DescribeIntRates()
{
    std::string text;
    constexpr std::size_t N = sizeof(INT_RATES) / sizeof(INT_RATES[0]);
    for (std::size_t c = 1; c < N; ++c)
    {
        text += (c == 1       ? ""
                 : c + 1 == N ? " and "
                              : ", ") +
                std::to_string(INT_RATES[c] / 1000000000);
    }
    return text + " Gbps";
}

void
RoceHeader::EnableInt()
{
    m_int = true;
    m_intEcho = false;
    m_intHops = 0;
}

void
RoceHeader::EchoInt(const RoceHeader& hops)
{
    m_int = hops.m_int;
    m_intEcho = true;
    m_intHops = hops.m_intHops;
    m_intWords = hops.m_intWords;
}

bool
RoceHeader::PushIntHop(uint64_t bitRate, uint64_t queueBytes, uint64_t txBytes, Time now)
{
    if (m_intHops == INT_MAX_HOPS)
    {
        return false;
    }
    uint64_t code = 0;
    for (uint64_t c = 1; c < sizeof(INT_RATES) / sizeof(INT_RATES[0]); ++c)
    {
        code = INT_RATES[c] == bitRate ? c : code;
    }
    uint64_t queue = std::min<uint64_t>(queueBytes / IntHop::UNIT_BYTES, INT_FIELD_MASK);
    uint64_t tx = (txBytes / IntHop::UNIT_BYTES) & INT_FIELD_MASK;
    uint64_t ns = static_cast<uint64_t>(now.GetNanoSeconds()) & INT_FIELD_MASK;
    m_intWords[m_intHops++] = (code << 60) | (queue << 40) | (tx << 20) | ns;
    m_ipTotalLength += INT_HOP_BYTES;
    return true;
}

IntHop
RoceHeader::GetIntHop(uint32_t i) const
{
    NS_ABORT_MSG_IF(i >= m_intHops, "RoceHeader: no INT hop " << i);
    uint64_t word = m_intWords[i];
    IntHop hop;
    uint64_t code = word >> 60;
    hop.bitRate = code < sizeof(INT_RATES) / sizeof(INT_RATES[0]) ? INT_RATES[code] : 0;
    hop.queueBytes = ((word >> 40) & INT_FIELD_MASK) * IntHop::UNIT_BYTES;
    hop.txUnits = static_cast<uint32_t>((word >> 20) & INT_FIELD_MASK);
    hop.timeNs = static_cast<uint32_t>(word & INT_FIELD_MASK);
    return hop;
}

uint32_t
RoceHeader::GetDataPacketSize(uint32_t payload)
{
    RoceHeader h;
    return h.SetPayload(payload) + h.GetSerializedSize();
}

uint32_t
RoceHeader::SetPayload(uint32_t payload)
{
    NS_ABORT_MSG_IF(payload > 65535 - IPV4_BYTES - TransportBytes() - 3 - ICRC_BYTES,
                    "RoceHeader: " << payload << " payload bytes do not fit in one IPv4 packet");
    m_padCount = (4 - payload % 4) % 4;
    uint32_t trailer = payload + m_padCount + ICRC_BYTES;
    m_ipTotalLength = static_cast<uint16_t>(IPV4_BYTES + TransportBytes() + trailer);
    return trailer;
}

uint32_t
RoceHeader::GetPayload() const
{
    return m_ipTotalLength - IPV4_BYTES - TransportBytes() - m_padCount - ICRC_BYTES;
}

uint32_t
RoceHeader::GetSerializedSize() const
{
    if (!IsRoce())
    {
        return ETH_BYTES;
    }
    return ETH_BYTES + IPV4_BYTES + TransportBytes();
}

void
RoceHeader::Serialize(Buffer::Iterator start) const
{
    Buffer::Iterator it = start;
    WriteFabricMac(it, m_dstIp);
    WriteFabricMac(it, m_srcIp);
    it.WriteHtonU16(m_etherType);

    // IPv4, RFC 791; DF set as RoCEv2 requires (IBTA Annex A17.4.5.2).
    uint16_t ip[10];
    ip[0] = static_cast<uint16_t>(0x4500 | (m_dscp << 2) | m_ecn);
    ip[1] = m_ipTotalLength;
    ip[2] = 0;
    ip[3] = 0x4000;
    ip[4] = static_cast<uint16_t>((m_ttl << 8) | IP_PROTO_UDP);
    ip[5] = 0;
    ip[6] = static_cast<uint16_t>(m_srcIp >> 16);
    ip[7] = static_cast<uint16_t>(m_srcIp);
    ip[8] = static_cast<uint16_t>(m_dstIp >> 16);
    ip[9] = static_cast<uint16_t>(m_dstIp);
    ip[5] = Ipv4Checksum(ip, 10);
    for (uint16_t word : ip)
    {
        it.WriteHtonU16(word);
    }

    // UDP: a zero checksum is what RoCEv2 senders put in (IBTA Annex A17.4.5.3).
    it.WriteHtonU16(m_srcPort);
    it.WriteHtonU16(m_dstPort);
    it.WriteHtonU16(static_cast<uint16_t>(m_ipTotalLength - IPV4_BYTES));
    it.WriteHtonU16(0);

    // BTH: opcode | SE M PadCnt TVer | P_Key | rsvd | DestQP | A rsvd | PSN.
    it.WriteU8(m_opcode);
    it.WriteU8(static_cast<uint8_t>(m_padCount << 4));
    it.WriteHtonU16(0xFFFF);
    it.WriteHtonU32((m_int ? 1U << 24 : 0U) | (m_ecnEcho ? 2U << 24 : 0U) | m_destQp);
    it.WriteHtonU32((m_ackReq ? 0x80000000U : 0U) | m_psn);
    if (HasAeth())
    {
        it.WriteHtonU32((static_cast<uint32_t>(m_syndrome) << 24) | m_msn);
    }
    if (m_int)
    {
        it.WriteU8(m_intHops);
        it.WriteU8(m_intEcho ? 1 : 0);
        it.WriteHtonU16(0);
        for (uint32_t i = 0; i < m_intHops; ++i)
        {
            it.WriteHtonU64(m_intWords[i]);
        }
    }
}

uint32_t
RoceHeader::Deserialize(Buffer::Iterator start)
{
    Buffer::Iterator it = start;
    it.Next(12); // MAC addresses are derived from the IPv4 addresses
    m_etherType = it.ReadNtohU16();
    if (!IsRoce())
    {
        return ETH_BYTES;
    }
    uint8_t versionIhl = it.ReadU8();
    (void)versionIhl;
    uint8_t tos = it.ReadU8();
    m_dscp = tos >> 2;
    m_ecn = tos & 0x3;
    m_ipTotalLength = it.ReadNtohU16();
    it.Next(4); // identification, flags, fragment offset
    m_ttl = it.ReadU8();
    it.Next(3); // protocol, checksum
    m_srcIp = it.ReadNtohU32();
    m_dstIp = it.ReadNtohU32();
    m_srcPort = it.ReadNtohU16();
    m_dstPort = it.ReadNtohU16();
    it.Next(4); // UDP length, checksum
    m_opcode = it.ReadU8();
    m_padCount = (it.ReadU8() >> 4) & 0x3;
    it.Next(2); // P_Key
    uint8_t reserved = it.ReadU8();
    m_int = (reserved & 1) != 0;
    m_ecnEcho = (reserved & 2) != 0;
    m_destQp = it.ReadNtohU16() << 8;
    m_destQp |= it.ReadU8();
    uint32_t word = it.ReadNtohU32();
    m_ackReq = (word & 0x80000000U) != 0;
    m_psn = word & 0xFFFFFF;
    if (HasAeth())
    {
        word = it.ReadNtohU32();
        m_syndrome = static_cast<uint8_t>(word >> 24);
        m_msn = word & 0xFFFFFF;
    }
    if (m_int)
    {
        m_intHops = std::min<uint8_t>(it.ReadU8(), INT_MAX_HOPS);
        m_intEcho = (it.ReadU8() & 1) != 0;
        it.Next(2);
        for (uint32_t i = 0; i < m_intHops; ++i)
        {
            m_intWords[i] = it.ReadNtohU64();
        }
    }
    return GetSerializedSize();
}

void
RoceHeader::Print(std::ostream& os) const
{
    if (!IsRoce())
    {
        os << "ethertype=0x" << std::hex << m_etherType << std::dec;
        return;
    }
    os << "src=" << Ipv4Address(m_srcIp) << " dst=" << Ipv4Address(m_dstIp) << " dscp=" << +m_dscp
       << " ecn=" << +m_ecn << " sport=" << m_srcPort << " opcode=0x" << std::hex << +m_opcode
       << std::dec << " qp=" << m_destQp << " psn=" << m_psn << (m_ackReq ? " A" : "");
    if (HasAeth())
    {
        os << " syndrome=0x" << std::hex << +m_syndrome << std::dec << " msn=" << m_msn;
    }
}

} // namespace ns3
