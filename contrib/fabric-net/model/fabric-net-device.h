/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_NET_DEVICE_H
#define FABRIC_NET_DEVICE_H

#include "fabric-frame.h"
#include "fabric-simulator-impl.h"
#include "roce-header.h"

#include "ns3/data-rate.h"
#include "ns3/event-id.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device.h"
#include "ns3/traced-callback.h"

#include <array>

namespace ns3
{

class ErrorModel;
class FabricChannel;

/**
 * \ingroup fabric-net
 * \brief A fabric port: egress priority queues, serialization at the port rate, and ingress
 *        parsing of the frame once per hop.
 *
 * Switch ports use it as it is; the NIC derives from it and overrides DoDequeue() to pull data
 * from its queue pairs. A busy port has at most one pending event, the end of the frame being
 * sent (none when nothing is to follow it: its end is kept as the key that event would have),
 * and a port with frames on their way to it one more, the arrival of the first: the
 * others wait on the link in arrival order (frames that cross a link keep their order), so the
 * event queue holds one entry per busy link instead of one per frame. Both are FabricSimulatorImpl
 * port events, which the port needs (fabric::SetupSimulator). There is no IP stack: frames
 * carry their parsed headers (FabricFrame), and the owner of the port gets every received frame
 * through the handler given to SetReceiveHandler() or an override of DoReceive().
 */
class FabricNetDevice : public NetDevice
{
  public:
    /// Egress priorities (IEEE 802.1Q traffic classes).
    static constexpr uint32_t NUM_PRIORITIES = 8;
    /// Called for every frame received: (port, packet, its parsed headers).
    using ReceiveHandler = Callback<void, Ptr<FabricNetDevice>, Ptr<Packet>, const RoceHeader&>;

    static TypeId GetTypeId();
    FabricNetDevice();
    ~FabricNetDevice() override;
    FabricNetDevice(const FabricNetDevice&) = delete;
    FabricNetDevice& operator=(const FabricNetDevice&) = delete;

    /// Attach the port to one end of \p channel.
    void Attach(Ptr<FabricChannel> channel);
    void SetReceiveHandler(ReceiveHandler handler);

    /// Queue \p packet for transmission at \p priority (0 lowest, 7 highest), with a \p tag
    /// for the port's owner that comes back when the packet leaves (see PopQueue()).
    void Enqueue(Ptr<Packet> packet, uint32_t priority, uint32_t tag = 0);
    void Enqueue(FramePtr frame, uint32_t priority, uint32_t tag = 0);

    /// The traffic class of a DSCP value: its three high bits, until a switch maps it otherwise.
    static uint32_t PriorityOfDscp(uint8_t dscp)
    {
        return dscp >> 3;
    }

    /**
     * \brief A frame is on its way to this port, to arrive at \p ts with event key \p order
     *        (called by the channel, and by FabricSimulatorImpl for frames from another
     *        process). \p control: a MAC control frame, which skips the ingress delay.
     *
     * Frames of one kind arrive in the order they are sent, so each waits behind the last.
     */
    void Arrive(FramePtr frame, int64_t ts, uint64_t order, bool control);

    /**
     * \brief Send an IEEE 802.1Qbb PFC frame to the peer: pause \p priority for \p quanta
     *        (512 bit times each at the port rate), or resume it with 0 quanta.
     *
     * MAC control frames leave next, ahead of every egress queue, and are never paused.
     */
    void SendPfc(uint32_t priority, uint16_t quanta);

    /// True while the peer's PFC keeps \p priority from being sent.
    bool IsPaused(uint32_t priority) const
    {
        return (m_paused >> priority) & 1;
    }

    /// The priorities the peer's PFC holds, one bit each.
    uint32_t GetPausedMask() const
    {
        return m_paused;
    }

    /**
     * \brief Pause the peer's \p priority (XOFF of PfcPauseQuanta) and keep it paused: the
     *        pause is refreshed every half pause time while KeepPausingPeer() says so, else
     *        resumed. Nothing happens if this port already pauses that priority.
     */
    void PausePeer(uint32_t priority);

    /// Resume the peer's \p priority (XON) if this port pauses it.
    void ResumePeer(uint32_t priority);

    /// Priorities this port pauses at its peer, one bit each.
    uint32_t GetPausingPeerMask() const
    {
        return m_pausingPeer;
    }

    bool IsPausingPeer(uint32_t priority) const
    {
        return (m_pausingPeer >> priority) & 1;
    }

    /// How long \p quanta pause quanta last at this port's rate.
    Time PfcQuantaTime(uint16_t quanta) const;

    /**
     * \brief Bytes that can still arrive at this port once a frame has crossed its pause
     *        threshold: the PFC headroom a lossless priority needs here.
     *
     * The delay budget of IEEE 802.1Qbb, for this link: the frame that crossed the threshold,
     * the frame this port is sending when the decision falls (the PFC frame waits for it), the
     * PFC frame itself, the propagation to the peer, the frame the peer is sending when the
     * pause lands, the propagation back, and the frames already in this port's ingress
     * pipeline (RxDelay). Frames count at their largest size (the larger MTU of the two ends)
     * and with wire overhead, so the budget is never short. Requires an attached link.
     */
    uint64_t GetPfcHeadroom() const;

    uint64_t GetPfcTxFrames() const
    {
        return m_pfcTxFrames;
    }

    uint64_t GetPfcRxFrames() const
    {
        return m_pfcRxFrames;
    }

    /// Signature of the PfcTx and PfcRx trace sources.
    using PfcTracedCallback = void (*)(uint32_t priority, uint16_t quanta);

    uint64_t GetBitRate() const
    {
        return m_bitRate;
    }

    void SetDataRate(DataRate rate);
    DataRate GetDataRate() const;

    /// Delay between the last bit of a frame arriving and the port's owner acting on it.
    Time GetRxDelay() const
    {
        return m_rxDelay;
    }

    void SetRxDelay(Time delay)
    {
        m_rxDelay = delay;
    }

    Ptr<FabricNetDevice> GetPeer() const;

    uint64_t GetQueueBytes(uint32_t priority) const
    {
        return m_queueBytes[priority];
    }

    /// Size of the packet at the head of egress queue \p priority. Requires a non-empty queue.
    uint32_t GetHeadSize(uint32_t priority) const
    {
        return m_queues[priority].Front().GetSize();
    }

    /// Bytes queued at every priority: the egress load of the port.
    uint64_t GetQueuedBytes() const
    {
        return m_queuedBytes;
    }

    uint64_t GetTxFrames() const
    {
        return m_txFrames;
    }

    /// Bytes of the frames sent, as held in their Packets (no preamble, IFG or FCS).
    uint64_t GetTxBytes() const
    {
        return m_txBytes;
    }

    uint64_t GetRxFrames() const
    {
        return m_rxFrames;
    }

    /// Frames lost to the ReceiveErrorModel.
    uint64_t GetRxErrors() const
    {
        return m_rxErrors;
    }

    /// True while a frame is on the wire.
    bool IsBusy() const
    {
        return m_busy && (m_txEndScheduled || !m_engine->HasRun(m_txEndTs, m_txEndOrder));
    }

    // NetDevice
    void SetIfIndex(const uint32_t index) override;
    uint32_t GetIfIndex() const override;
    Ptr<Channel> GetChannel() const override;
    void SetAddress(Address address) override;
    Address GetAddress() const override;
    bool SetMtu(const uint16_t mtu) override;
    uint16_t GetMtu() const override;
    bool IsLinkUp() const override;
    void AddLinkChangeCallback(Callback<void> callback) override;
    bool IsBroadcast() const override;
    Address GetBroadcast() const override;
    bool IsMulticast() const override;
    Address GetMulticast(Ipv4Address multicastGroup) const override;
    Address GetMulticast(Ipv6Address addr) const override;
    bool IsBridge() const override;
    bool IsPointToPoint() const override;
    bool Send(Ptr<Packet> packet, const Address& dest, uint16_t protocolNumber) override;
    bool SendFrom(Ptr<Packet> packet,
                  const Address& source,
                  const Address& dest,
                  uint16_t protocolNumber) override;
    Ptr<Node> GetNode() const override;
    void SetNode(Ptr<Node> node) override;
    bool NeedsArp() const override;
    void SetReceiveCallback(NetDevice::ReceiveCallback cb) override;
    void SetPromiscReceiveCallback(PromiscReceiveCallback cb) override;
    bool SupportsSendFrom() const override;

  protected:
    void DoDispose() override;

    /// Start sending if the port is idle and has something to send.
    void TryTransmit();

    /// Next frame to send, or nullptr. Default: strict priority over the egress queues.
    virtual FramePtr DoDequeue();

    /**
     * \brief False when DoDequeue() would now give nothing and change nothing, and will until
     *        something is queued or resumed (which calls TryTransmit()). Default: no egress
     *        queue has frames that may leave.
     *
     * A port that says false as a frame starts keeps the frame's end as a key, not an event;
     * the end becomes an event only if something comes before it.
     */
    virtual bool HasFrameToSend() const
    {
        return GetEligible() != 0;
    }

    /// Handle a received frame; default passes it to the receive handler.
    virtual void DoReceive(FramePtr frame);

    /// Take the head of the highest non-empty egress queue, or nullptr.
    FramePtr DequeueStrictPriority();

    /// Priorities with packets queued and not paused, one bit each.
    uint32_t GetEligible() const
    {
        return m_nonEmpty & ~m_paused;
    }

    /// Remove the head of egress queue \p priority (non-empty); its tag is GetTag().
    FramePtr PopQueue(uint32_t priority);

    /**
     * \brief Act on the PFC entry for one priority: pause it for \p quanta or, with 0, resume.
     *
     * A new pause replaces the running one, so a refresh extends it.
     */
    virtual void ApplyPause(uint32_t priority, uint16_t quanta);

    /// End the pause of \p priority now and send what it held back.
    void Resume(uint32_t priority);

    /// Asked at each refresh of a pause this port sends: true keeps \p priority paused, false
    /// resumes it. The default resumes.
    virtual bool KeepPausingPeer(uint32_t priority);

  private:
    friend class FabricSimulatorImpl;

    /// Run a port event (FabricSimulatorImpl).
    void RunPortEvent(FabricSimulatorImpl::PortEvent kind);
    /// A port event that will not run here (its node is another process's): forget it.
    void DropPortEvent(FabricSimulatorImpl::PortEvent kind);
    void TransmitComplete();
    /// Schedule the end of the frame on the wire, with the key it was given.
    void ScheduleTransmitComplete();

    /// The port event that delivers \p frame, the first waiting on lane \p control (in the
    /// class: once per hop, and an exported function would be called through the PLT).
    void ScheduleArrival(bool control, const FabricFrame& frame)
    {
        m_engine->SchedulePortEvent(this,
                                    control ? FabricSimulatorImpl::CONTROL_ARRIVAL
                                            : FabricSimulatorImpl::ARRIVAL,
                                    frame.GetArrivalTs(),
                                    frame.GetArrivalOrder(),
                                    m_context);
    }

    /// The first frame waiting on lane \p control of the link has arrived.
    void Arrived(bool control);
    /// Deliver a frame that has fully arrived.
    void Receive(FramePtr frame);
    /// Refresh the pauses still needed, resume the others.
    void RefreshPeerPauses();
    /// Act on a received PFC frame (MAC control frames end at the port).
    void ReceivePfc(const FabricFrame& frame);

    // Members in the order a hop touches them, so that it touches few cache lines: the first
    // two lines after the base class serve an arrival, the next ones a transmission.

    /// The event loop, found when the port is attached.
    Ptr<FabricSimulatorImpl> m_engine;
    Time m_rxDelay;
    /// Frames on their way to this port, in arrival order: data, and MAC control frames (which
    /// skip the ingress delay, so they may overtake data).
    std::array<FrameQueue, 2> m_arriving;
    /// The node's id: the context of the events that deliver frames here.
    uint32_t m_context{0};
    uint32_t m_ifIndex{0};
    Ptr<ErrorModel> m_receiveErrorModel;
    uint64_t m_rxFrames{0};
    TracedCallback<Ptr<const Packet>> m_rxTrace;

    /// A frame is (or was, if its end has run as a key) on the wire.
    bool m_busy{false};
    /// The end of the last frame sent: its event key, and whether that event is scheduled.
    bool m_txEndScheduled{false};
    uint32_t m_txEndContext{0};
    int64_t m_txEndTs{0};
    uint64_t m_txEndOrder{0};
    /// Bit p set while egress queue p is not empty: dequeue finds the top one in one step.
    uint32_t m_nonEmpty{0};
    /// Bit p set while the peer pauses priority p.
    uint32_t m_paused{0};
    Ptr<FabricChannel> m_channel;
    /// The line rate (the DataRate attribute), in bits per second.
    uint64_t m_bitRate{0};
    /// PFC frames waiting to go out ahead of the egress queues.
    FrameQueue m_macControl;
    uint64_t m_txFrames{0};
    uint64_t m_txBytes{0};
    TracedCallback<Ptr<const Packet>> m_txTrace;
    uint64_t m_queuedBytes{0};
    std::array<FrameQueue, NUM_PRIORITIES> m_queues;
    std::array<uint64_t, NUM_PRIORITIES> m_queueBytes{};

    Ptr<Node> m_node;
    ReceiveHandler m_handler;
    Mac48Address m_address;
    uint16_t m_mtu{9000};
    std::array<EventId, NUM_PRIORITIES> m_resumeEvents;
    /// Priorities this port pauses at its peer, and the event refreshing them.
    uint8_t m_pausingPeer{0};
    EventId m_pauseRefresh;
    uint16_t m_pauseQuanta{0xFFFF};
    uint64_t m_pfcTxFrames{0};
    uint64_t m_pfcRxFrames{0};
    uint64_t m_rxErrors{0};
    TracedCallback<Ptr<const Packet>> m_phyRxDropTrace;
    TracedCallback<uint32_t, uint16_t> m_pfcTxTrace;
    TracedCallback<uint32_t, uint16_t> m_pfcRxTrace;
};

} // namespace ns3

#endif // FABRIC_NET_DEVICE_H
