/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef RDMA_QUEUE_PAIR_H
#define RDMA_QUEUE_PAIR_H

#include "ns3/callback.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/roce-header.h"
#include "ns3/traced-callback.h"

#include <deque>

namespace ns3
{

class Packet;

/// What a completion reports, on the sending and on the receiving side of a queue pair.
struct RdmaCompletion
{
    uint32_t qpn;   //!< local queue pair number
    uint64_t wrId;  //!< sender: the id PostSend() returned; receiver: the message sequence number
    uint64_t bytes; //!< message size
    Time start;     //!< sender: post time; receiver: first packet's arrival
    Time end;       //!< sender: ACK of the last packet; receiver: last packet's arrival
};

/**
 * \ingroup rdma
 * \brief One end of a RoCEv2 Reliable Connected queue pair.
 *
 * The sending side segments posted messages into MTU-sized SEND packets with consecutive PSNs
 * and completes a message when a cumulative ACK covers its last PSN. The receiving side checks
 * PSNs, completes a message at its SEND_LAST/ONLY packet and acknowledges every AckInterval
 * in-order packets and at every message end. Packets are produced on demand by the NIC's port
 * scheduler (NextPacket), so a queue pair holds no frames, only counters.
 */
class RdmaQueuePair : public Object
{
  public:
    using CompletionTracedCallback = void (*)(const RdmaCompletion& completion);
    /// Signature of the IntEcho trace source: the acknowledgement, whose hops are the path's.
    using IntEchoTracedCallback = void (*)(const RoceHeader& ack);

    static TypeId GetTypeId();
    RdmaQueuePair();
    RdmaQueuePair(const RdmaQueuePair&) = delete;
    RdmaQueuePair& operator=(const RdmaQueuePair&) = delete;

    /// Bind this end: local and remote fabric addresses, remote QPN, UDP source port (entropy).
    void Setup(uint32_t qpn,
               uint32_t localIp,
               uint32_t remoteIp,
               uint32_t remoteQpn,
               uint16_t sourcePort);

    /// Called when the queue pair goes from nothing to send to something to send.
    void SetReadyCallback(Callback<void, Ptr<RdmaQueuePair>> ready);

    /**
     * \brief Post a SEND work request of \p bytes (> 0).
     * \return the work request id reported at completion
     */
    uint64_t PostSend(uint64_t bytes);

    bool HasDataToSend() const
    {
        return m_nextToSegment < m_sendQueue.size();
    }

    /// Build the next data packet, at most \p mtu payload bytes. Requires HasDataToSend().
    Ptr<Packet> NextPacket(uint32_t mtu);

    /// Process an acknowledgement for this queue pair.
    void ReceiveAck(const RoceHeader& header);

    /// Process a data packet; returns the ACK to send, or nullptr.
    Ptr<Packet> ReceiveData(const RoceHeader& header);

    uint32_t GetQpn() const
    {
        return m_qpn;
    }

    uint8_t GetDscp() const
    {
        return m_dscp;
    }

    uint8_t GetAckDscp() const
    {
        return m_ackDscp;
    }

    /// Messages posted but not yet acknowledged.
    std::size_t GetOutstanding() const
    {
        return m_sendQueue.size();
    }

    uint64_t GetOutOfOrderPackets() const
    {
        return m_outOfOrder;
    }

  protected:
    void DoDispose() override;

  private:
    struct WorkRequest
    {
        uint64_t id;
        uint64_t bytes;
        Time posted;
        uint64_t lastPsn; //!< set when the last packet is built
    };

    /// Extend a 24-bit wire PSN to 64 bits around \p reference.
    static uint64_t Unwrap(uint32_t psn24, uint64_t reference);

    /// Headers of a packet to the peer queue pair: addresses, entropy port, DSCP, QPN.
    RoceHeader HeaderToPeer(uint8_t dscp) const;
    /// The acknowledgement of everything received so far, echoing \p received's telemetry.
    Ptr<Packet> BuildAck(const RoceHeader& received);

    // Configuration
    uint32_t m_qpn{0};
    uint32_t m_localIp{0};
    uint32_t m_remoteIp{0};
    uint32_t m_remoteQpn{0};
    uint16_t m_sourcePort{0};
    uint8_t m_dscp{26};
    uint8_t m_ackDscp{48};
    bool m_intRequest{false};
    uint32_t m_ackInterval{1};
    Callback<void, Ptr<RdmaQueuePair>> m_ready;

    // Sender
    std::deque<WorkRequest> m_sendQueue;
    std::size_t m_nextToSegment{0};
    uint64_t m_segmentOffset{0};
    uint64_t m_sndNxt{0};
    uint64_t m_sndUna{0};
    uint64_t m_nextWrId{1};

    // Receiver
    uint64_t m_ePsn{0};
    uint64_t m_rxMsgBytes{0};
    Time m_rxMsgStart;
    uint64_t m_msn{0};
    uint32_t m_unacked{0};
    uint64_t m_outOfOrder{0};

    TracedCallback<const RdmaCompletion&> m_sendCompleteTrace;
    TracedCallback<const RdmaCompletion&> m_recvCompleteTrace;
    TracedCallback<const RoceHeader&> m_intEchoTrace;
};

} // namespace ns3

#endif // RDMA_QUEUE_PAIR_H
