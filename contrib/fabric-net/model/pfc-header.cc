/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "pfc-header.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(PfcHeader);

TypeId
PfcHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::PfcHeader")
                            .SetParent<Header>()
                            .SetGroupName("FabricNet")
                            .AddConstructor<PfcHeader>();
    return tid;
}

TypeId
PfcHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
PfcHeader::GetSerializedSize() const
{
    return SERIALIZED_BYTES;
}

void
PfcHeader::Serialize(Buffer::Iterator start) const
{
    Buffer::Iterator it = start;
    static const uint8_t destination[6] = {0x01, 0x80, 0xC2, 0x00, 0x00, 0x01};
    it.Write(destination, 6);
    uint8_t source[6];
    m_source.CopyTo(source);
    it.Write(source, 6);
    it.WriteHtonU16(ETHERTYPE_MAC_CONTROL);
    it.WriteHtonU16(OPCODE_PFC);
    it.WriteHtonU16(m_classEnable);
    for (uint16_t quanta : m_quanta)
    {
        it.WriteHtonU16(quanta);
    }
}

uint32_t
PfcHeader::Deserialize(Buffer::Iterator start)
{
    Buffer::Iterator it = start;
    it.Next(6);
    uint8_t source[6];
    it.Read(source, 6);
    m_source.CopyFrom(source);
    m_isPfc = it.ReadNtohU16() == ETHERTYPE_MAC_CONTROL;
    m_isPfc = it.ReadNtohU16() == OPCODE_PFC && m_isPfc;
    // 802.1Qbb: the high octet of the class-enable vector is reserved (zero).
    m_classEnable = static_cast<uint8_t>(it.ReadNtohU16());
    for (uint16_t& quanta : m_quanta)
    {
        quanta = it.ReadNtohU16();
    }
    return SERIALIZED_BYTES;
}

void
PfcHeader::Print(std::ostream& os) const
{
    os << "PFC from " << m_source << " classes=0x" << std::hex << +m_classEnable << std::dec;
    for (uint32_t p = 0; p < m_quanta.size(); ++p)
    {
        if (IsEnabled(p))
        {
            os << " p" << p << "=" << m_quanta[p];
        }
    }
}

} // namespace ns3
