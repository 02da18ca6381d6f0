/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef CX8_NET_DEVICE_H
#define CX8_NET_DEVICE_H

#include "ns3/data-rate.h"
#include "ns3/event-id.h"
#include "ns3/fabric-net-device.h"
#include "ns3/object-factory.h"
#include "ns3/rdma-queue-pair.h"
#include "ns3/vector-queue.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup cx8-nic
 * \brief A ConnectX-8 class RoCEv2 NIC port (800 Gb/s by default).
 *
 * Owns the queue pairs of its host. When the port is free it sends, in this order, queued
 * control frames (ACKs, highest traffic class first), then one data packet from the next queue
 * pair in round-robin order that has data. Received ACKs go to the sending queue pair.
 *
 * Received data crosses the host interface (PCIe) at HostRate, one frame at a time; a frame
 * that finds the interface busy or the host stalled waits in a receive buffer of RxBufferSize
 * bytes, and goes to its queue pair (which queues the ACK here) when the host takes it. When
 * the buffer fills past its PFC headroom (GetPfcHeadroom()) the NIC pauses the frame's
 * priority at the switch, refreshes the pause while the buffer stays full and resumes it once
 * the buffer has drained XonOffset below that point. A stalled host (SetHostStalled()) takes
 * nothing, so the NIC keeps its switch paused: the PFC storm a switch's watchdog guards against.
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

    /// The queue pair numbered \p qpn (woken if it rests: its own counters then start from
    /// zero, GetQueuePairCounters keeps the sums), or nullptr.
    Ptr<RdmaQueuePair> GetQueuePair(uint32_t qpn);

    /// Let queue pair \p qpn rest when it is idle (RestIdleQueuePairs): its owner keeps no
    /// pointer to it, only its number, and needs no trace source of it (the completion
    /// callback stays; trace connections go with the object).
    void LetRest(uint32_t qpn);

    /**
     * \brief Put every queue pair that may (LetRest) and can (RdmaQueuePair::CanRest) to
     *        rest: its object is
     *        freed and the NIC keeps what it needs to continue (RdmaQueuePair::Rest, under 100
     *        bytes); a frame for it or GetQueuePair wakes it as it was. A fabric with millions
     *        of queue pairs, few of them busy at once, thus fits in memory.
     * \return how many were put to rest
     */
    uint32_t RestIdleQueuePairs();

    /// Whether queue pair \p qpn rests.
    bool IsResting(uint32_t qpn) const;

    /// The counters of every queue pair made here, resting or not.
    RdmaQueuePair::Counters GetQueuePairCounters() const;

    /// The first QPN CreateQueuePair() assigns: QPNs 0 and 1 are InfiniBand's special
    /// management QPs.
    static constexpr uint32_t FIRST_QPN = 2;

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

    /// Stop (true) or restart the host taking received frames, as a hung host would.
    void SetHostStalled(bool stalled);

    /// Bytes in the receive buffer, waiting for the host.
    uint64_t GetRxBufferBytes() const
    {
        return m_rxBytes;
    }

    /// Most bytes the receive buffer ever held at once.
    uint64_t GetPeakRxBufferBytes() const
    {
        return m_peakRxBytes;
    }

    /// Frames dropped because the receive buffer was full.
    uint64_t GetRxBufferDrops() const
    {
        return m_rxDrops;
    }

    /// Frames received for no known queue pair or with an opcode the model does not handle.
    uint64_t GetUnknownQpFrames() const
    {
        return m_unknownQp;
    }

  protected:
    void DoDispose() override;
    FramePtr DoDequeue() override;

    /// Control frames, or queue pairs in the round-robin ring (DoDequeue() visits them).
    bool HasFrameToSend() const override
    {
        return FabricNetDevice::HasFrameToSend() || !m_ready.empty();
    }

    bool KeepPausingPeer(uint32_t priority) override;
    void DoReceive(FramePtr frame) override;

  private:
    void QueuePairReady(Ptr<RdmaQueuePair> qp);
    /// A queue pair numbered \p qpn toward \p remoteQpn at \p remoteIp, from the factory.
    Ptr<RdmaQueuePair> MakeQueuePair(uint32_t qpn,
                                     uint32_t remoteIp,
                                     uint32_t remoteQpn,
                                     uint16_t sourcePort);
    /// Hand a received frame to its queue pair.
    void Deliver(const FabricFrame& frame);
    /// The host takes the next waiting frame once its interface is free.
    void ScheduleHostTake();
    void HostTake();
    /// Bytes above which the receive buffer pauses the peer.
    uint64_t XoffThreshold() const;
    /// True once the buffer has drained XonOffset below the pause point (or is empty).
    bool RxBufferDrained() const;

    uint32_t m_ip{0};
    uint32_t m_payloadMtu{4096};
    ObjectFactory m_qpFactory;

    /// A queue pair, or what it keeps while it rests (qp null).
    struct Slot
    {
        Ptr<RdmaQueuePair> qp;
        bool mayRest{false};
        RdmaQueuePair::Rest rest;
    };

    std::vector<Slot> m_qps; //!< by QPN - FIRST_QPN
    /// The counters of queue pairs as they were when they last went to rest.
    RdmaQueuePair::Counters m_restedCounters;
    /// What every queue pair calls when it has data to send (one for all: a Callback each
    /// would cost an allocation per queue pair).
    Callback<void, Ptr<RdmaQueuePair>> m_readyCallback;
    /// Queue pairs with data to send, in round-robin order.
    VectorQueue<RdmaQueuePair*> m_ready;
    uint64_t m_unknownQp{0};

    DataRate m_hostRate;
    uint64_t m_rxBufferSize;
    uint64_t m_xonOffset;
    bool m_pfcEnabled;
    FrameQueue m_rxQueue;
    uint64_t m_rxBytes{0};
    uint64_t m_peakRxBytes{0};
    uint64_t m_rxDrops{0};
    /// When the host interface finishes taking the last frame.
    Time m_hostFreeAt;
    bool m_hostStalled{false};
    EventId m_hostEvent;
    /// When the rate limiters next let a queue pair send, if nothing else wakes the port.
    EventId m_wakeup;
    Time m_wakeupAt;
};

} // namespace ns3

#endif // CX8_NET_DEVICE_H
