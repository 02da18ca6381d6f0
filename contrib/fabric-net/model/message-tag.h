/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MESSAGE_TAG_H
#define MESSAGE_TAG_H

#include "ns3/tag.h"

namespace ns3
{

/**
 * \ingroup fabric-net
 * \brief The cookie the sender gave a message (RdmaQueuePair::PostSend), on the message's first
 *        packet, so that the receiver learns which message arrived even when it is simulated
 *        by another process. Not wire bytes: a serializable packet tag.
 */
class MessageTag : public Tag
{
  public:
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;

    MessageTag() = default;
    explicit MessageTag(uint64_t cookie);

    uint64_t GetCookie() const
    {
        return m_cookie;
    }

    uint32_t GetSerializedSize() const override;
    void Serialize(TagBuffer buffer) const override;
    void Deserialize(TagBuffer buffer) override;
    void Print(std::ostream& os) const override;

  private:
    uint64_t m_cookie{0};
};

} // namespace ns3

#endif // MESSAGE_TAG_H
