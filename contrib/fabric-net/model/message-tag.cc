/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "message-tag.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(MessageTag);

TypeId
MessageTag::GetTypeId()
{
    static TypeId tid = TypeId("ns3::MessageTag")
                            .SetParent<Tag>()
                            .SetGroupName("FabricNet")
                            .AddConstructor<MessageTag>();
    return tid;
}

TypeId
MessageTag::GetInstanceTypeId() const
{
    return GetTypeId();
}

MessageTag::MessageTag(uint64_t cookie)
    : m_cookie(cookie)
{
}

uint32_t
MessageTag::GetSerializedSize() const
{
    return sizeof(m_cookie);
}

void
MessageTag::Serialize(TagBuffer buffer) const
{
    buffer.WriteU64(m_cookie);
}

void
MessageTag::Deserialize(TagBuffer buffer)
{
    m_cookie = buffer.ReadU64();
}

void
MessageTag::Print(std::ostream& os) const
{
    os << "cookie=" << m_cookie;
}

} // namespace ns3
