/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef CX8_NET_DEVICE_H
#define CX8_NET_DEVICE_H

#include "ns3/fabric-net-device.h"
#include "ns3/object-factory.h"
#include "ns3/rdma-queue-pair.h"

#include <deque>
#include <vector>

namespace ns3
{

/**
 * \ingroup cx8-nic
 * \brief A ConnectX-8 class RoCEv2 NIC port (800 Gb/s by default).
 *
 * Owns the queue pairs of its host. When the port is free it sends, in this order, queued
 * control frames (ACKs, highest traffic class first), then one data packet from the next queue
 * pair in round-robin order that has data. Received data goes to its queue pair, whose ACK is
 * queued here; received ACKs go to the sending queue pair.
 */
class Cx8NetDevice : public FabricNetDevice
{
  public:
    static TypeId GetTypeId();
    Cx8NetDevice();

    /// The NIC's fabric address (an IPv4 address that encodes its place in the fabric).
    void SetFabricAddress(uint32_t ipv4);

    uint32_t GetFabricAddress() const
    {
        return m_ip;
    }

    /**
     * \brief Create a queue pair whose peer is \p remoteQpn at \p remoteIp.
     * \param sourcePort UDP source port of its packets (ECMP entropy)
     */
    Ptr<RdmaQueuePair> CreateQueuePair(uint32_t remoteIp, uint32_t remoteQpn, uint16_t sourcePort);

    /// The queue pair numbered \p qpn, or nullptr.
    Ptr<RdmaQueuePair> GetQueuePair(uint32_t qpn) const;

    /// QPN the next CreateQueuePair() will assign.
    uint32_t GetNextQpn() const
    {
        return FIRST_QPN + static_cast<uint32_t>(m_qps.size());
    }

    /// RoCE path MTU: 256, 512, 1024, 2048 or 4096 payload bytes.
    void SetPayloadMtu(uint32_t mtu);

    uint32_t GetPayloadMtu() const
    {
        return m_payloadMtu;
    }

    /// Frames received for no known queue pair or with an opcode the model does not handle.
    uint64_t GetUnknownQpFrames() const
    {
        return m_unknownQp;
    }

  protected:
    void DoDispose() override;
    Ptr<Packet> DoDequeue() override;
    void DoReceive(Ptr<Packet> packet, const RoceHeader& header) override;

  private:
    /// QPNs 0 and 1 are the special management QPs of InfiniBand.
    static constexpr uint32_t FIRST_QPN = 2;

    void QueuePairReady(Ptr<RdmaQueuePair> qp);

    uint32_t m_ip{0};
    uint32_t m_payloadMtu{4096};
    ObjectFactory m_qpFactory;
    std::vector<Ptr<RdmaQueuePair>> m_qps;
    /// Queue pairs with data to send, in round-robin order.
    std::deque<RdmaQueuePair*> m_ready;
    uint64_t m_unknownQp{0};
};

} // namespace ns3

#endif // CX8_NET_DEVICE_H
