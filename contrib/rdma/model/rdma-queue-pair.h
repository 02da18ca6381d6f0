/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef RDMA_QUEUE_PAIR_H
#define RDMA_QUEUE_PAIR_H

#include "congestion-control.h"

#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/fabric-frame.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/object.h"
#include "ns3/roce-header.h"
#include "ns3/traced-callback.h"
#include "ns3/vector-queue.h"

#include <map>

namespace ns3
{

/// What a completion reports, on the sending and on the receiving side of a queue pair.
struct RdmaCompletion
{
    uint32_t qpn;    //!< local queue pair number
    uint64_t wrId;   //!< sender: the id PostSend() returned; receiver: the message sequence number
    uint64_t cookie; //!< the cookie the sender posted the message with (0: none)
    uint64_t bytes;  //!< message size
    Time start;      //!< sender: post time; receiver: first packet's arrival
    Time end;        //!< sender: ACK of the last packet; receiver: the message's last byte in
};

/**
 * \ingroup rdma
 * \brief One end of a RoCEv2 Reliable Connected queue pair.
 *
 * Sending: posted messages take consecutive PSNs (one per MTU of payload) at post time and are
 * segmented on demand when the NIC asks for the next packet, so a queue pair holds counters,
 * not frames. A message completes when a cumulative ACK covers its last PSN. Lost packets are
 * recovered go-back-N (from the PSN a NAK names, or from the oldest unacknowledged one when the
 * retransmission timer expires, with exponential backoff) or, with LossRecovery
 * SelectiveRepeat, by resending only the PSN a NAK names (IRN-style). A congestion-control
 * plugin sets the rate and window the NIC honours.
 *
 * Receiving: in-order packets advance the expected PSN; a message completes when all its bytes
 * are in. With OutOfOrderPlacement (ConnectX-8's direct data placement) packets ahead of the
 * expected PSN are placed and counted in when the gap fills, without a NAK, so packet spraying
 * causes no retransmission; without it they are dropped and NAKed (PSN sequence error), as
 * go-back-N NICs do. SelectiveRepeat places and NAKs. A NAK is sent once per hole. ECN-marked
 * data makes the receiver send a CNP, at most one per CnpInterval.
 */
class RdmaQueuePair : public Object
{
  public:
    /// How the sender recovers lost packets.
    enum LossRecovery
    {
        GO_BACK_N,        //!< resend everything from the lost PSN on
        SELECTIVE_REPEAT, //!< resend only the lost PSN (IRN-style)
    };

    using CompletionTracedCallback = void (*)(const RdmaCompletion& completion);
    /// The owner's hook for every completed message (SetCompletionCallback): the completion,
    /// and true at the sending end.
    using CompletionCallback = Callback<void, const RdmaCompletion&, bool>;
    /// Signature of the IntEcho trace source: the acknowledgement, whose hops are the path's.
    using IntEchoTracedCallback = void (*)(const RoceHeader& ack);
    /// Signature of the Retransmit trace source: the PSN sent again and its payload bytes.
    using RetransmitTracedCallback = void (*)(uint64_t psn, uint32_t bytes);

    static TypeId GetTypeId();
    RdmaQueuePair();
    RdmaQueuePair(const RdmaQueuePair&) = delete;
    RdmaQueuePair& operator=(const RdmaQueuePair&) = delete;

    /**
     * \brief Bind this end: local and remote fabric addresses, remote QPN, UDP source port
     *        (entropy), payload MTU and the port's line rate (which starts the congestion
     *        control).
     */
    void Setup(uint32_t qpn,
               uint32_t localIp,
               uint32_t remoteIp,
               uint32_t remoteQpn,
               uint16_t sourcePort,
               uint32_t mtu,
               uint64_t lineRate);

    /// Called whenever the queue pair may have become able to send (new work, an ACK, a NAK,
    /// a timeout).
    void SetReadyCallback(Callback<void, Ptr<RdmaQueuePair>> ready);

    /// Called with every message completed at either end, as the trace sources are; unlike
    /// their connections, it stays with the queue pair while it rests.
    void SetCompletionCallback(CompletionCallback completed);

    /**
     * \brief What a queue pair at rest keeps to continue as it was (Cx8NetDevice rests idle
     *        queue pairs to bound memory): its peer, where its sequence numbers stand, the
     *        clocks of its rate limiter and CNP pacing, its owner's hook, and its congestion
     *        control unless a fresh one would decide the same (CongestionControl::IsInitial).
     */
    struct Rest
    {
        uint32_t remoteIp{0};
        uint32_t remoteQpn{0};
        uint16_t sourcePort{0};
        bool cnpSentOnce{false};
        uint64_t nextPsn{0}; //!< every PSN below was sent and acknowledged
        uint64_t ePsn{0};
        uint64_t nextWrId{1};
        uint64_t msn{0};
        uint64_t lastNakPsn{UINT64_MAX};
        Time nextSendTime;
        Time lastCnp;
        /// When the retransmission timer's pending event would have run (it moves only a
        /// deadline while pending, so its time matters); zero: none.
        Time rtoEvent;
        Ptr<CongestionControl> cc; //!< null: a fresh one
        CompletionCallback completed;
    };

    /**
     * \brief True when the queue pair can rest without a difference anyone could see:
     *        nothing posted is unacknowledged, nothing received is incomplete or unacknowledged,
     *        it is not waiting for the NIC, and its congestion control has nothing pending.
     */
    bool CanRest() const;

    /// Stop, and return what continuing needs (requires CanRest); the owner then disposes of
    /// the object. The retransmission timer's pending event is cancelled and made again by
    /// Resume for the same time, if that has not passed (run while resting, it would have
    /// found nothing in flight). Trace sources' connections are not kept.
    Rest Suspend();

    /// Continue from \p rest, once Setup with its QPN, peer and source port.
    void Resume(const Rest& rest);

    /// Counters of a queue pair (summed over a NIC's by Cx8NetDevice::GetQueuePairCounters).
    struct Counters
    {
        uint64_t outOfOrder{0};
        uint64_t retxPackets{0};
        uint64_t retxBytes{0};
        uint64_t timeouts{0};
        uint64_t naksSent{0};
        uint64_t cnpsSent{0};
        uint64_t cnpsReceived{0};

        Counters& operator+=(const Counters& other);
    };

    Counters GetCounters() const;

    /**
     * \brief Post a SEND work request of \p bytes (> 0).
     * \return the work request id reported at completion
     */
    uint64_t PostSend(uint64_t bytes, uint64_t cookie = 0);

    /// True when a packet (new or retransmitted) is waiting to be built.
    bool HasDataToSend() const
    {
        return !m_retransmit.empty() || m_sndNxt < m_nextPostPsn;
    }

    /// True when the congestion window lets one more packet out.
    bool IsWindowOpen() const;

    /// Earliest time the rate limiter lets the next packet out.
    Time GetNextSendTime() const
    {
        return m_nextSendTime;
    }

    /// Build the next data packet. Requires HasDataToSend().
    FramePtr NextPacket();

    /// Process an acknowledgement or NAK for this queue pair.
    void ReceiveAck(const RoceHeader& header);

    /// Process a congestion notification packet for this queue pair.
    void ReceiveCnp();

    /// Process a data packet; returns the ACK or NAK to send, or nullptr.
    FramePtr ReceiveData(const RoceHeader& header, uint64_t cookie = 0);

    /// The CNP to send for data packet \p header, or nullptr (not CE-marked, or one was sent
    /// less than CnpInterval ago).
    FramePtr TakeCnp(const RoceHeader& header);

    Ptr<CongestionControl> GetCongestionControl() const
    {
        return m_cc;
    }

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

    uint8_t GetCnpDscp() const
    {
        return m_cnpDscp;
    }

    /// Messages posted but not yet acknowledged.
    std::size_t GetOutstanding() const
    {
        return m_sendQueue.size();
    }

    /// Data packets that arrived ahead of the expected PSN.
    uint64_t GetOutOfOrderPackets() const
    {
        return m_outOfOrder;
    }

    uint64_t GetRetransmittedPackets() const
    {
        return m_retxPackets;
    }

    /// Payload bytes sent again.
    uint64_t GetRetransmittedBytes() const
    {
        return m_retxBytes;
    }

    uint64_t GetTimeouts() const
    {
        return m_timeouts;
    }

    uint64_t GetNaksSent() const
    {
        return m_naksSent;
    }

    uint64_t GetCnpsSent() const
    {
        return m_cnpsSent;
    }

    uint64_t GetCnpsReceived() const
    {
        return m_cnpsReceived;
    }

    /// \name NIC bookkeeping: whether the queue pair is in its NIC's round-robin ring.
    /// @{
    bool IsScheduled() const
    {
        return m_scheduled;
    }

    void SetScheduled(bool scheduled)
    {
        m_scheduled = scheduled;
    }

    /// @}

  protected:
    void DoDispose() override;

  private:
    struct WorkRequest
    {
        uint64_t id;
        uint64_t cookie;
        uint64_t bytes;
        Time posted;
        uint64_t firstPsn;
        uint64_t lastPsn;
    };

    /// A packet that arrived ahead of the expected PSN and was placed.
    struct Placed
    {
        uint8_t opcode;
        uint32_t payload;
        Time arrival;
        uint64_t cookie;
    };

    /// Extend a 24-bit wire PSN to 64 bits around \p reference.
    static uint64_t Unwrap(uint32_t psn24, uint64_t reference);

    /// Headers of a packet to the peer queue pair: addresses, entropy port, DSCP, QPN.
    RoceHeader HeaderToPeer(uint8_t dscp) const;
    /// An acknowledgement (AETH \p syndrome) of everything received so far, echoing
    /// \p received's telemetry and, when \p echoCe, the CE marks counted in since the last ACK.
    FramePtr BuildAck(const RoceHeader& received, uint8_t syndrome, bool echoCe = true);
    /// The work request that holds \p psn (one of the unacknowledged ones).
    const WorkRequest& RequestOf(uint64_t psn) const;
    /// Count in the packet at the expected PSN; true at a message's end.
    bool Deliver(uint8_t opcode, uint32_t payload, Time arrival, uint64_t cookie);
    /// The send window moved to \p una: complete messages, restart the timer.
    void Acknowledged(uint64_t una, const RoceHeader& ack);
    /// (Re)start the retransmission timer: it expires m_rto from now.
    void ArmTimer();
    void Timeout();
    void NotifyReady();

    // Configuration
    uint32_t m_qpn{0};
    uint32_t m_localIp{0};
    uint32_t m_remoteIp{0};
    uint32_t m_remoteQpn{0};
    uint16_t m_sourcePort{0};
    uint32_t m_mtu{4096};
    uint8_t m_dscp{26};
    uint8_t m_ackDscp{48};
    uint8_t m_cnpDscp{48};
    bool m_intRequest{false};
    bool m_placement{true};
    LossRecovery m_recovery{GO_BACK_N};
    uint32_t m_ackInterval{1};
    Time m_rtoBase;
    Time m_cnpInterval;
    ObjectFactory m_ccFactory;
    Ptr<CongestionControl> m_cc;
    Callback<void, Ptr<RdmaQueuePair>> m_ready;
    CompletionCallback m_completed;
    bool m_scheduled{false};

    // Sender
    VectorQueue<WorkRequest> m_sendQueue;
    uint64_t m_nextPostPsn{0};
    uint64_t m_sndUna{0};
    uint64_t m_sndNxt{0};
    /// One past the highest PSN ever sent: below it, a packet is a retransmission.
    uint64_t m_sndMax{0};
    /// PSNs to resend first (selective repeat).
    VectorQueue<uint64_t> m_retransmit;
    /// The PSN of the last NAK acted on, so a repeated NAK resends nothing more.
    uint64_t m_lastNakPsn{UINT64_MAX};
    Time m_nextSendTime;
    EventId m_rtoEvent;
    /// m_rtoEvent is scheduled and has not run: known without reading the event (an ACK
    /// would otherwise fetch a cold EventImpl to ask).
    bool m_rtoPending{false};
    Time m_rtoDeadline;
    Time m_rto;
    uint64_t m_nextWrId{1};
    uint64_t m_retxPackets{0};
    uint64_t m_retxBytes{0};
    uint64_t m_timeouts{0};
    uint64_t m_cnpsReceived{0};

    // Receiver
    uint64_t m_ePsn{0};
    std::map<uint64_t, Placed> m_placed;
    /// The NAK for the current hole has been sent.
    bool m_nakSent{false};
    uint64_t m_rxMsgBytes{0};
    Time m_rxMsgStart;
    uint64_t m_rxMsgCookie{0};
    uint64_t m_msn{0};
    uint32_t m_unacked{0};
    /// Some packet counted in since the last ACK was CE-marked (the next ACK echoes it).
    bool m_ceSinceAck{false};
    uint64_t m_outOfOrder{0};
    uint64_t m_naksSent{0};
    Time m_lastCnp;
    bool m_cnpSentOnce{false};
    uint64_t m_cnpsSent{0};

    TracedCallback<const RdmaCompletion&> m_sendCompleteTrace;
    TracedCallback<const RdmaCompletion&> m_recvCompleteTrace;
    TracedCallback<const RoceHeader&> m_intEchoTrace;
    TracedCallback<uint64_t, uint32_t> m_retransmitTrace;
};

} // namespace ns3

#endif // RDMA_QUEUE_PAIR_H
