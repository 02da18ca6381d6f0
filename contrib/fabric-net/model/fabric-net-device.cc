/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-net-device.h"

#include "fabric-channel.h"
#include "fabric-units.h"
#include "pfc-header.h"

#include "ns3/abort.h"
#include "ns3/assert.h"
#include "ns3/error-model.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FabricNetDevice);

TypeId
FabricNetDevice::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::FabricNetDevice")
            .SetParent<NetDevice>()
            .SetGroupName("FabricNet")
            .AddConstructor<FabricNetDevice>()
            .AddAttribute(
                "DataRate",
                "Port line rate",
                DataRateValue(DataRate("800Gb/s")),
                MakeDataRateAccessor(&FabricNetDevice::SetDataRate, &FabricNetDevice::GetDataRate),
                MakeDataRateChecker())
            .AddAttribute("Mtu",
                          "Largest IPv4 packet the port carries, in bytes",
                          UintegerValue(9000),
                          MakeUintegerAccessor(&FabricNetDevice::SetMtu, &FabricNetDevice::GetMtu),
                          MakeUintegerChecker<uint16_t>(68))
            .AddAttribute("RxDelay",
                          "Delay from a frame's last bit arriving to its owner acting on it "
                          "(switch pipeline latency, NIC processing)",
                          TimeValue(Time(0)),
                          MakeTimeAccessor(&FabricNetDevice::m_rxDelay),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("PfcPauseQuanta",
                          "Quanta of the pauses this port sends (512 bit times each at the port "
                          "rate)",
                          UintegerValue(0xFFFF),
                          MakeUintegerAccessor(&FabricNetDevice::m_pauseQuanta),
                          MakeUintegerChecker<uint16_t>(2))
            .AddAttribute("ReceiveErrorModel",
                          "Decides which arriving frames are corrupted and lost (none: every "
                          "frame arrives)",
                          PointerValue(),
                          MakePointerAccessor(&FabricNetDevice::m_receiveErrorModel),
                          MakePointerChecker<ErrorModel>())
            .AddTraceSource("PhyRxDrop",
                            "A frame arrived corrupted (ReceiveErrorModel) and was lost",
                            MakeTraceSourceAccessor(&FabricNetDevice::m_phyRxDropTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("MacTx",
                            "A frame starts transmission",
                            MakeTraceSourceAccessor(&FabricNetDevice::m_txTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("MacRx",
                            "A frame has been received",
                            MakeTraceSourceAccessor(&FabricNetDevice::m_rxTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("PfcTx",
                            "A PFC frame is queued for the peer: (priority, quanta), once per "
                            "enabled priority",
                            MakeTraceSourceAccessor(&FabricNetDevice::m_pfcTxTrace),
                            "ns3::FabricNetDevice::PfcTracedCallback")
            .AddTraceSource("PfcRx",
                            "A PFC frame arrived: (priority, quanta), once per enabled priority",
                            MakeTraceSourceAccessor(&FabricNetDevice::m_pfcRxTrace),
                            "ns3::FabricNetDevice::PfcTracedCallback");
    return tid;
}

FabricNetDevice::FabricNetDevice() = default;

FabricNetDevice::~FabricNetDevice() = default;

void
FabricNetDevice::Attach(Ptr<FabricChannel> channel)
{
    m_engine = DynamicCast<FabricSimulatorImpl>(Simulator::GetImplementation());
    NS_ABORT_MSG_UNLESS(m_engine,
                        "FabricNetDevice: fabric ports run on FabricSimulatorImpl; call "
                        "fabric::SetupSimulator() before anything else");
    m_channel = channel;
    channel->Attach(this);
}

void
FabricNetDevice::SetDataRate(DataRate rate)
{
    m_bitRate = rate.GetBitRate();
}

DataRate
FabricNetDevice::GetDataRate() const
{
    return DataRate(m_bitRate);
}

void
FabricNetDevice::SetReceiveHandler(ReceiveHandler handler)
{
    m_handler = handler;
}

Ptr<FabricNetDevice>
FabricNetDevice::GetPeer() const
{
    return m_channel ? m_channel->GetPeer(this) : nullptr;
}

void
FabricNetDevice::Enqueue(Ptr<Packet> packet, uint32_t priority, uint32_t tag)
{
    Enqueue(FabricFrame::Create(packet), priority, tag);
}

void
FabricNetDevice::Enqueue(FramePtr frame, uint32_t priority, uint32_t tag)
{
    NS_ABORT_MSG_IF(priority >= NUM_PRIORITIES, "FabricNetDevice: no priority " << priority);
    NS_ASSERT_MSG(frame->GetSize() <= m_mtu + RoceHeader::ETH_BYTES,
                  "FabricNetDevice: frame larger than the port MTU");
    uint32_t size = frame->GetSize();
    frame->SetTag(tag);
    m_queues[priority].Push(std::move(frame));
    m_queueBytes[priority] += size;
    m_queuedBytes += size;
    m_nonEmpty |= 1U << priority;
    TryTransmit();
}

FramePtr
FabricNetDevice::PopQueue(uint32_t priority)
{
    FrameQueue& queue = m_queues[priority];
    FramePtr frame = queue.Pop();
    m_queueBytes[priority] -= frame->GetSize();
    m_queuedBytes -= frame->GetSize();
    if (queue.IsEmpty())
    {
        m_nonEmpty &= ~(1U << priority);
    }
    return frame;
}

FramePtr
FabricNetDevice::DequeueStrictPriority()
{
    uint32_t eligible = GetEligible();
    if (eligible == 0)
    {
        return nullptr;
    }
    return PopQueue(31 - __builtin_clz(eligible));
}

FramePtr
FabricNetDevice::DoDequeue()
{
    return DequeueStrictPriority();
}

void
FabricNetDevice::TryTransmit()
{
    if (m_busy)
    {
        if (m_txEndScheduled)
        {
            return;
        }
        if (!m_engine->HasRun(m_txEndTs, m_txEndOrder))
        {
            // Something may follow the frame on the wire: its end becomes an event.
            ScheduleTransmitComplete();
            return;
        }
        m_busy = false; // the frame ended, with nothing to follow it then
    }
    // Busy from here: DoDequeue may queue a PFC frame on this port (a switch freeing buffer
    // sends XON), which must wait for the frame chosen now instead of starting beside it.
    m_busy = true;
    m_txEndScheduled = true;
    bool control = !m_macControl.IsEmpty();
    FramePtr frame = control ? m_macControl.Pop() : DoDequeue();
    if (!frame)
    {
        m_busy = false;
        return;
    }
    NS_ABORT_MSG_IF(!m_channel, "FabricNetDevice: transmit on a port with no link");
    uint32_t size = frame->GetSize();
    Time txTime = fabric::WireTime(size, m_bitRate);
    ++m_txFrames;
    m_txBytes += size;
    if (!m_txTrace.IsEmpty())
    {
        m_txTrace(frame->GetPacket());
    }
    m_channel->Transmit(this, std::move(frame), txTime, control);
    // The key Simulator::Schedule(txTime, ...) would give the frame's end.
    m_txEndTs = m_engine->GetTimeStep() + txTime.GetTimeStep();
    m_txEndOrder = m_engine->NextOrder();
    m_txEndContext = m_engine->GetContext();
    m_txEndScheduled = false;
    if (!m_macControl.IsEmpty() || HasFrameToSend())
    {
        ScheduleTransmitComplete();
    }
    else
    {
        m_engine->NoteUnscheduled(m_txEndTs);
    }
}

void
FabricNetDevice::ScheduleTransmitComplete()
{
    m_txEndScheduled = true;
    m_engine->SchedulePortEvent(this,
                                FabricSimulatorImpl::TRANSMIT_COMPLETE,
                                m_txEndTs,
                                m_txEndOrder,
                                m_txEndContext);
}

void
FabricNetDevice::TransmitComplete()
{
    m_busy = false;
    m_txEndScheduled = false;
    TryTransmit();
}

void
FabricNetDevice::RunPortEvent(FabricSimulatorImpl::PortEvent kind)
{
    if (kind == FabricSimulatorImpl::TRANSMIT_COMPLETE)
    {
        TransmitComplete();
    }
    else
    {
        Arrived(kind == FabricSimulatorImpl::CONTROL_ARRIVAL);
    }
}

void
FabricNetDevice::DropPortEvent(FabricSimulatorImpl::PortEvent kind)
{
    if (kind != FabricSimulatorImpl::TRANSMIT_COMPLETE)
    {
        m_arriving[kind == FabricSimulatorImpl::CONTROL_ARRIVAL].Clear();
    }
}

void
FabricNetDevice::Arrive(FramePtr frame, int64_t ts, uint64_t order, bool control)
{
    FrameQueue& lane = m_arriving[control];
    NS_ASSERT_MSG(lane.IsEmpty() || lane.Back().GetArrivalTs() < ts,
                  "FabricNetDevice: a frame would overtake another on the link");
    frame->SetArrival(ts, order);
    if (lane.IsEmpty())
    {
        ScheduleArrival(control, *frame);
    }
    lane.Push(std::move(frame));
}

void
FabricNetDevice::Arrived(bool control)
{
    FrameQueue& lane = m_arriving[control];
    FramePtr frame = lane.Pop();
    if (!lane.IsEmpty())
    {
        ScheduleArrival(control, lane.Front());
    }
    Receive(std::move(frame));
}

void
FabricNetDevice::Receive(FramePtr frame)
{
    if (m_receiveErrorModel && m_receiveErrorModel->IsCorrupt(frame->GetPacket()))
    {
        ++m_rxErrors;
        m_phyRxDropTrace(frame->GetPacket());
        return;
    }
    ++m_rxFrames;
    if (!m_rxTrace.IsEmpty())
    {
        m_rxTrace(frame->GetPacket());
    }
    if (frame->GetHeader().GetEtherType() == PfcHeader::ETHERTYPE_MAC_CONTROL)
    {
        ReceivePfc(*frame);
        return;
    }
    DoReceive(std::move(frame));
}

void
FabricNetDevice::SendPfc(uint32_t priority, uint16_t quanta)
{
    NS_ABORT_MSG_IF(priority >= NUM_PRIORITIES, "FabricNetDevice: no priority " << priority);
    PfcHeader header;
    header.SetSource(m_address);
    header.SetQuanta(priority, quanta);
    Ptr<Packet> frame = Create<Packet>(PfcHeader::PADDING_BYTES);
    frame->AddHeader(header);
    m_macControl.Push(FabricFrame::Create(frame));
    ++m_pfcTxFrames;
    m_pfcTxTrace(priority, quanta);
    TryTransmit();
}

void
FabricNetDevice::PausePeer(uint32_t priority)
{
    if (IsPausingPeer(priority))
    {
        return;
    }
    m_pausingPeer |= 1U << priority;
    SendPfc(priority, m_pauseQuanta);
    if (!m_pauseRefresh.IsRunning())
    {
        // Refresh at half the pause so the peer never resumes while still congested.
        m_pauseRefresh = Simulator::Schedule(PfcQuantaTime(m_pauseQuanta) / 2,
                                             &FabricNetDevice::RefreshPeerPauses,
                                             this);
    }
}

void
FabricNetDevice::ResumePeer(uint32_t priority)
{
    if (!IsPausingPeer(priority))
    {
        return;
    }
    m_pausingPeer &= ~(1U << priority);
    SendPfc(priority, 0);
    if (m_pausingPeer == 0)
    {
        m_pauseRefresh.Cancel();
    }
}

bool
FabricNetDevice::KeepPausingPeer(uint32_t priority)
{
    return false;
}

void
FabricNetDevice::RefreshPeerPauses()
{
    for (uint32_t prio = 0; prio < NUM_PRIORITIES; ++prio)
    {
        if (!IsPausingPeer(prio))
        {
            continue;
        }
        if (KeepPausingPeer(prio))
        {
            SendPfc(prio, m_pauseQuanta);
        }
        else
        {
            ResumePeer(prio);
        }
    }
    if (m_pausingPeer != 0)
    {
        m_pauseRefresh = Simulator::Schedule(PfcQuantaTime(m_pauseQuanta) / 2,
                                             &FabricNetDevice::RefreshPeerPauses,
                                             this);
    }
}

Time
FabricNetDevice::PfcQuantaTime(uint16_t quanta) const
{
    return fabric::BitsTime(uint64_t(quanta) * PfcHeader::QUANTUM_BITS, m_bitRate);
}

uint64_t
FabricNetDevice::GetPfcHeadroom() const
{
    NS_ABORT_MSG_IF(!m_channel, "FabricNetDevice: PFC headroom of a port with no link");
    uint32_t mtu = std::max<uint32_t>(m_mtu, GetPeer()->GetMtu());
    uint64_t maxFrame = fabric::WireBytes(mtu + RoceHeader::ETH_BYTES);
    uint64_t pfcFrame = fabric::WireBytes(PfcHeader::SERIALIZED_BYTES + PfcHeader::PADDING_BYTES);
    Time inFlight = 2 * m_channel->GetDelay() + m_rxDelay;
    // Bytes arriving at the port rate while the pause travels, rounded up.
    auto bytesIn = [this](Time t) {
        unsigned __int128 bits = static_cast<unsigned __int128>(t.GetPicoSeconds()) * m_bitRate;
        return static_cast<uint64_t>((bits + 8000000000000ULL - 1) / 8000000000000ULL);
    };
    return bytesIn(inFlight) + 3 * maxFrame + pfcFrame;
}

void
FabricNetDevice::ReceivePfc(const FabricFrame& frame)
{
    PfcHeader header;
    frame.GetPacket()->PeekHeader(header);
    if (!header.IsPfc())
    {
        return; // another MAC control opcode (802.3x PAUSE): not used in these fabrics
    }
    ++m_pfcRxFrames;
    for (uint32_t prio = 0; prio < NUM_PRIORITIES; ++prio)
    {
        if (!header.IsEnabled(prio))
        {
            continue;
        }
        uint16_t quanta = header.GetQuanta(prio);
        m_pfcRxTrace(prio, quanta);
        ApplyPause(prio, quanta);
    }
    TryTransmit();
}

void
FabricNetDevice::ApplyPause(uint32_t priority, uint16_t quanta)
{
    m_resumeEvents[priority].Cancel();
    if (quanta == 0)
    {
        m_paused &= ~(1U << priority);
        return;
    }
    m_paused |= 1U << priority;
    m_resumeEvents[priority] =
        Simulator::Schedule(PfcQuantaTime(quanta), &FabricNetDevice::Resume, this, priority);
}

void
FabricNetDevice::Resume(uint32_t priority)
{
    m_resumeEvents[priority].Cancel();
    m_paused &= ~(1U << priority);
    TryTransmit();
}

void
FabricNetDevice::DoReceive(FramePtr frame)
{
    if (!m_handler.IsNull())
    {
        m_handler(this, frame->GetPacket(), frame->GetHeader());
    }
}

void
FabricNetDevice::DoDispose()
{
    m_node = nullptr;
    m_channel = nullptr;
    m_engine = nullptr;
    m_busy = false;
    m_txEndScheduled = false;
    m_handler = ReceiveHandler();
    m_receiveErrorModel = nullptr;
    for (auto& queue : m_queues)
    {
        queue.Clear();
    }
    m_nonEmpty = 0;
    m_macControl.Clear();
    for (auto& lane : m_arriving)
    {
        lane.Clear();
    }
    for (auto& event : m_resumeEvents)
    {
        event.Cancel();
    }
    m_pauseRefresh.Cancel();
    NetDevice::DoDispose();
}

void
FabricNetDevice::SetIfIndex(const uint32_t index)
{
    m_ifIndex = index;
}

uint32_t
FabricNetDevice::GetIfIndex() const
{
    return m_ifIndex;
}

Ptr<Channel>
FabricNetDevice::GetChannel() const
{
    return m_channel;
}

void
FabricNetDevice::SetAddress(Address address)
{
    m_address = Mac48Address::ConvertFrom(address);
}

Address
FabricNetDevice::GetAddress() const
{
    return m_address;
}

bool
FabricNetDevice::SetMtu(const uint16_t mtu)
{
    m_mtu = mtu;
    return true;
}

uint16_t
FabricNetDevice::GetMtu() const
{
    return m_mtu;
}

bool
FabricNetDevice::IsLinkUp() const
{
    return m_channel != nullptr;
}

void
FabricNetDevice::AddLinkChangeCallback(Callback<void> callback)
{
}

bool
FabricNetDevice::IsBroadcast() const
{
    return false;
}

Address
FabricNetDevice::GetBroadcast() const
{
    return Mac48Address::GetBroadcast();
}

bool
FabricNetDevice::IsMulticast() const
{
    return false;
}

Address
FabricNetDevice::GetMulticast(Ipv4Address multicastGroup) const
{
    return Mac48Address::GetMulticast(multicastGroup);
}

Address
FabricNetDevice::GetMulticast(Ipv6Address addr) const
{
    return Mac48Address::GetMulticast(addr);
}

bool
FabricNetDevice::IsBridge() const
{
    return false;
}

bool
FabricNetDevice::IsPointToPoint() const
{
    return true;
}

bool
FabricNetDevice::Send(Ptr<Packet> packet, const Address& dest, uint16_t protocolNumber)
{
    // Frames enter a fabric port already built, through Enqueue(); there is no L3 above it.
    return false;
}

bool
FabricNetDevice::SendFrom(Ptr<Packet> packet,
                          const Address& source,
                          const Address& dest,
                          uint16_t protocolNumber)
{
    return false;
}

Ptr<Node>
FabricNetDevice::GetNode() const
{
    return m_node;
}

void
FabricNetDevice::SetNode(Ptr<Node> node)
{
    m_node = node;
    m_context = node->GetId();
}

bool
FabricNetDevice::NeedsArp() const
{
    return false;
}

void
FabricNetDevice::SetReceiveCallback(NetDevice::ReceiveCallback cb)
{
}

void
FabricNetDevice::SetPromiscReceiveCallback(PromiscReceiveCallback cb)
{
}

bool
FabricNetDevice::SupportsSendFrom() const
{
    return false;
}

} // namespace ns3
