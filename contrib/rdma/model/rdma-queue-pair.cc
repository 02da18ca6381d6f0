/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "rdma-queue-pair.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/fabric-units.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(RdmaQueuePair);

TypeId
RdmaQueuePair::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::RdmaQueuePair")
            .SetParent<Object>()
            .SetGroupName("Rdma")
            .AddConstructor<RdmaQueuePair>()
            .AddAttribute("AckInterval",
                          "Acknowledge every this many in-order packets (and every message end)",
                          UintegerValue(1),
                          MakeUintegerAccessor(&RdmaQueuePair::m_ackInterval),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("Dscp",
                          "DSCP of data packets (26: traffic class 3, the usual RoCE class)",
                          UintegerValue(26),
                          MakeUintegerAccessor(&RdmaQueuePair::m_dscp),
                          MakeUintegerChecker<uint8_t>(0, 63))
            .AddAttribute("AckDscp",
                          "DSCP of acknowledgements and NAKs (48: traffic class 6, ahead of data)",
                          UintegerValue(48),
                          MakeUintegerAccessor(&RdmaQueuePair::m_ackDscp),
                          MakeUintegerChecker<uint8_t>(0, 63))
            .AddAttribute("CnpDscp",
                          "DSCP of congestion notification packets",
                          UintegerValue(48),
                          MakeUintegerAccessor(&RdmaQueuePair::m_cnpDscp),
                          MakeUintegerChecker<uint8_t>(0, 63))
            .AddAttribute("IntRequest",
                          "Ask the switches to record in-band telemetry in every data packet; "
                          "the receiver echoes it in its acknowledgements (for HPCC)",
                          BooleanValue(false),
                          MakeBooleanAccessor(&RdmaQueuePair::m_intRequest),
                          MakeBooleanChecker())
            .AddAttribute("OutOfOrderPlacement",
                          "Place packets that arrive ahead of the expected PSN instead of "
                          "dropping and NAKing them (ConnectX-8 direct data placement)",
                          BooleanValue(true),
                          MakeBooleanAccessor(&RdmaQueuePair::m_placement),
                          MakeBooleanChecker())
            .AddAttribute(
                "LossRecovery",
                "How lost packets are resent",
                EnumValue(GO_BACK_N),
                MakeEnumAccessor(&RdmaQueuePair::m_recovery),
                MakeEnumChecker(GO_BACK_N, "GoBackN", SELECTIVE_REPEAT, "SelectiveRepeat"))
            // IBTA local ACK timeout 4.096 us * 2^10, a common setting; it doubles on each
            // expiry without progress, up to 64 times.
            .AddAttribute("RetransmitTimeout",
                          "Time without progress after which unacknowledged packets are resent",
                          TimeValue(NanoSeconds(4096 << 10)),
                          MakeTimeAccessor(&RdmaQueuePair::m_rtoBase),
                          MakeTimeChecker(NanoSeconds(1)))
            // DCQCN's notification point sends at most one CNP per 50 us per flow (Zhu et al.,
            // SIGCOMM 2015).
            .AddAttribute("CnpInterval",
                          "Shortest time between two CNPs this receiver sends",
                          TimeValue(MicroSeconds(50)),
                          MakeTimeAccessor(&RdmaQueuePair::m_cnpInterval),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("CongestionControl",
                          "Creates the congestion control (its type and attributes)",
                          ObjectFactoryValue(ObjectFactory("ns3::NoCongestionControl")),
                          MakeObjectFactoryAccessor(&RdmaQueuePair::m_ccFactory),
                          MakeObjectFactoryChecker())
            .AddTraceSource("SendComplete",
                            "A posted message has been acknowledged in full",
                            MakeTraceSourceAccessor(&RdmaQueuePair::m_sendCompleteTrace),
                            "ns3::RdmaQueuePair::CompletionTracedCallback")
            .AddTraceSource("RecvComplete",
                            "A message has been received in full",
                            MakeTraceSourceAccessor(&RdmaQueuePair::m_recvCompleteTrace),
                            "ns3::RdmaQueuePair::CompletionTracedCallback")
            .AddTraceSource("IntEcho",
                            "An acknowledgement brought back the in-band telemetry of the path",
                            MakeTraceSourceAccessor(&RdmaQueuePair::m_intEchoTrace),
                            "ns3::RdmaQueuePair::IntEchoTracedCallback")
            .AddTraceSource("Retransmit",
                            "A data packet is sent again: (PSN, payload bytes)",
                            MakeTraceSourceAccessor(&RdmaQueuePair::m_retransmitTrace),
                            "ns3::RdmaQueuePair::RetransmitTracedCallback");
    return tid;
}

RdmaQueuePair::RdmaQueuePair() = default;

void
RdmaQueuePair::Setup(uint32_t qpn,
                     uint32_t localIp,
                     uint32_t remoteIp,
                     uint32_t remoteQpn,
                     uint16_t sourcePort,
                     uint32_t mtu,
                     uint64_t lineRate)
{
    NS_ABORT_MSG_IF(mtu == 0, "RdmaQueuePair: MTU of 0");
    m_qpn = qpn;
    m_localIp = localIp;
    m_remoteIp = remoteIp;
    m_remoteQpn = remoteQpn;
    m_sourcePort = sourcePort;
    m_mtu = mtu;
    m_rto = m_rtoBase;
    m_cc = m_ccFactory.Create<CongestionControl>();
    m_cc->Init(lineRate, mtu);
    m_intRequest = m_intRequest || m_cc->WantsInt();
}

void
RdmaQueuePair::SetReadyCallback(Callback<void, Ptr<RdmaQueuePair>> ready)
{
    m_ready = ready;
}

void
RdmaQueuePair::SetCompletionCallback(CompletionCallback completed)
{
    m_completed = completed;
}

bool
RdmaQueuePair::CanRest() const
{
    return m_sendQueue.empty() && m_retransmit.empty() && m_sndUna == m_nextPostPsn &&
           m_rto == m_rtoBase && !m_scheduled && m_placed.empty() && m_rxMsgBytes == 0 &&
           !m_nakSent && m_unacked == 0 && !m_ceSinceAck && m_cc->IsAtRest();
}

RdmaQueuePair::Rest
RdmaQueuePair::Suspend()
{
    NS_ABORT_MSG_UNLESS(CanRest(), "RdmaQueuePair: Suspend of a busy queue pair");
    Time rtoEvent = m_rtoPending ? TimeStep(m_rtoEvent.GetTs()) : Time();
    m_rtoEvent.Cancel();
    m_rtoPending = false;
    return Rest{m_remoteIp,
                m_remoteQpn,
                m_sourcePort,
                m_cnpSentOnce,
                m_nextPostPsn,
                m_ePsn,
                m_nextWrId,
                m_msn,
                m_lastNakPsn,
                m_nextSendTime,
                m_lastCnp,
                rtoEvent,
                m_cc->IsInitial() ? nullptr : m_cc,
                m_completed};
}

void
RdmaQueuePair::Resume(const Rest& rest)
{
    m_nextPostPsn = m_sndUna = m_sndNxt = m_sndMax = rest.nextPsn;
    m_ePsn = rest.ePsn;
    m_nextWrId = rest.nextWrId;
    m_msn = rest.msn;
    m_lastNakPsn = rest.lastNakPsn;
    m_nextSendTime = rest.nextSendTime;
    m_lastCnp = rest.lastCnp;
    m_cnpSentOnce = rest.cnpSentOnce;
    m_completed = rest.completed;
    if (rest.cc)
    {
        m_cc = rest.cc;
    }
    Time now = Simulator::Now();
    if (rest.rtoEvent > now)
    {
        m_rtoPending = true;
        m_rtoEvent = Simulator::Schedule(rest.rtoEvent - now, &RdmaQueuePair::Timeout, this);
    }
}

RdmaQueuePair::Counters&
RdmaQueuePair::Counters::operator+=(const Counters& other)
{
    outOfOrder += other.outOfOrder;
    retxPackets += other.retxPackets;
    retxBytes += other.retxBytes;
    timeouts += other.timeouts;
    naksSent += other.naksSent;
    cnpsSent += other.cnpsSent;
    cnpsReceived += other.cnpsReceived;
    return *this;
}

RdmaQueuePair::Counters
RdmaQueuePair::GetCounters() const
{
    return Counters{m_outOfOrder,
                    m_retxPackets,
                    m_retxBytes,
                    m_timeouts,
                    m_naksSent,
                    m_cnpsSent,
                    m_cnpsReceived};
}

void
RdmaQueuePair::NotifyReady()
{
    if (!m_ready.IsNull())
    {
        m_ready(this);
    }
}

uint64_t
RdmaQueuePair::PostSend(uint64_t bytes, uint64_t cookie)
{
    NS_ABORT_MSG_IF(bytes == 0, "RdmaQueuePair::PostSend: a message has at least one byte");
    uint64_t id = m_nextWrId++;
    uint64_t packets = (bytes + m_mtu - 1) / m_mtu;
    m_sendQueue.push_back(WorkRequest{id,
                                      cookie,
                                      bytes,
                                      Simulator::Now(),
                                      m_nextPostPsn,
                                      m_nextPostPsn + packets - 1});
    m_nextPostPsn += packets;
    NotifyReady();
    return id;
}

bool
RdmaQueuePair::IsWindowOpen() const
{
    uint64_t window = m_cc->GetWindow();
    // A resend fills a hole; it does not add to what is in flight.
    return window == CongestionControl::NO_WINDOW || !m_retransmit.empty() ||
           (m_sndNxt - m_sndUna) * m_mtu < window;
}

RoceHeader
RdmaQueuePair::HeaderToPeer(uint8_t dscp) const
{
    RoceHeader header;
    header.SetSource(m_localIp);
    header.SetDestination(m_remoteIp);
    header.SetSourcePort(m_sourcePort);
    header.SetDscp(dscp);
    header.SetDestQp(m_remoteQpn);
    return header;
}

const RdmaQueuePair::WorkRequest&
RdmaQueuePair::RequestOf(uint64_t psn) const
{
    auto it = std::lower_bound(m_sendQueue.begin(),
                               m_sendQueue.end(),
                               psn,
                               [](const WorkRequest& wr, uint64_t p) { return wr.lastPsn < p; });
    NS_ABORT_MSG_IF(it == m_sendQueue.end() || psn < it->firstPsn,
                    "RdmaQueuePair: PSN " << psn << " belongs to no outstanding message");
    return *it;
}

FramePtr
RdmaQueuePair::NextPacket()
{
    uint64_t psn;
    if (!m_retransmit.empty())
    {
        psn = m_retransmit.front();
        m_retransmit.pop_front();
    }
    else
    {
        psn = m_sndNxt++;
    }
    bool resend = psn < m_sndMax;
    bool idle = m_sndUna >= m_sndMax;
    m_sndMax = std::max(m_sndMax, psn + 1);

    const WorkRequest& wr = RequestOf(psn);
    uint64_t offset = (psn - wr.firstPsn) * m_mtu;
    uint32_t segment = static_cast<uint32_t>(std::min<uint64_t>(m_mtu, wr.bytes - offset));
    bool first = psn == wr.firstPsn;
    bool last = psn == wr.lastPsn;
    RoceHeader header = HeaderToPeer(m_dscp);
    header.SetEcn(RoceHeader::ECN_ECT0);
    if (m_intRequest)
    {
        header.EnableInt();
    }
    header.SetOpcode(first ? (last ? RoceHeader::RC_SEND_ONLY : RoceHeader::RC_SEND_FIRST)
                           : (last ? RoceHeader::RC_SEND_LAST : RoceHeader::RC_SEND_MIDDLE));
    header.SetAckReq(last);
    header.SetPsn(static_cast<uint32_t>(psn));
    uint32_t trailer = header.SetPayload(segment);
    FramePtr frame = FabricFrame::Create(header, trailer, first ? wr.cookie : 0);

    if (resend)
    {
        ++m_retxPackets;
        m_retxBytes += segment;
        m_retransmitTrace(psn, segment);
    }
    uint32_t wire = fabric::WireBytes(frame->GetSize());
    // At line rate the port's own serialization already spaces the packets.
    uint64_t rate = m_cc->GetRate();
    m_nextSendTime = rate < m_cc->GetLineRate()
                         ? Simulator::Now() + fabric::BitsTime(uint64_t(wire) * 8, rate)
                         : Simulator::Now();
    m_cc->PacketSent(psn, wire);
    if (idle)
    {
        ArmTimer();
    }
    return frame;
}

uint64_t
RdmaQueuePair::Unwrap(uint32_t psn24, uint64_t reference)
{
    // Signed 24-bit distance from the reference's low bits.
    int32_t delta = static_cast<int32_t>((psn24 - static_cast<uint32_t>(reference)) << 8) >> 8;
    return reference + delta;
}

void
RdmaQueuePair::ReceiveAck(const RoceHeader& header)
{
    uint8_t kind = header.GetSyndrome() >> 5;
    uint64_t psn = Unwrap(header.GetPsn(), m_sndUna);
    if (kind == 0)
    {
        // ACK: everything up to psn is in.
        if (psn + 1 <= m_sndUna || psn >= m_sndMax)
        {
            return; // duplicate or stale
        }
        if (header.IsIntEcho())
        {
            m_intEchoTrace(header);
        }
        Acknowledged(psn + 1, header);
    }
    else if (kind == 3)
    {
        // NAK (PSN sequence error): everything before psn is in, psn is missing.
        if (psn < m_sndUna || psn >= m_sndMax)
        {
            return;
        }
        if (psn > m_sndUna)
        {
            Acknowledged(psn, header);
        }
        if (psn == m_lastNakPsn)
        {
            return;
        }
        m_lastNakPsn = psn;
        if (m_recovery == GO_BACK_N)
        {
            m_sndNxt = std::min(m_sndNxt, psn);
        }
        else
        {
            m_retransmit.push_back(psn);
        }
        NotifyReady();
    }
    // RNR NAKs (kind 1) do not occur: receivers here always have a buffer.
}

void
RdmaQueuePair::Acknowledged(uint64_t una, const RoceHeader& ack)
{
    // Payload bytes of the PSNs [m_sndUna, una), message by message.
    uint64_t acked = 0;
    for (const WorkRequest& wr : m_sendQueue)
    {
        if (wr.firstPsn >= una)
        {
            break;
        }
        uint64_t lo = std::max(wr.firstPsn, m_sndUna) - wr.firstPsn;
        uint64_t hi = std::min(wr.lastPsn + 1, una) - wr.firstPsn;
        if (hi > lo)
        {
            acked += std::min(wr.bytes, hi * m_mtu) - std::min(wr.bytes, lo * m_mtu);
        }
    }
    m_sndUna = una;
    m_sndNxt = std::max(m_sndNxt, una);
    while (!m_retransmit.empty() && m_retransmit.front() < una)
    {
        m_retransmit.pop_front();
    }
    while (!m_sendQueue.empty() && m_sendQueue.front().lastPsn < una)
    {
        const WorkRequest& wr = m_sendQueue.front();
        RdmaCompletion done{m_qpn, wr.id, wr.cookie, wr.bytes, wr.posted, Simulator::Now()};
        m_sendCompleteTrace(done);
        if (!m_completed.IsNull())
        {
            m_completed(done, true);
        }
        m_sendQueue.pop_front();
    }
    m_cc->OnAck(ack, una, acked);
    // Progress: the timer restarts from its base value (with nothing in flight, its pending
    // event finds nothing to do).
    m_rto = m_rtoBase;
    if (m_sndUna < m_sndMax)
    {
        ArmTimer();
    }
    NotifyReady();
}

void
RdmaQueuePair::ArmTimer()
{
    // One pending event per queue pair: progress only moves the deadline, and the event, when
    // it comes, sleeps again until the deadline (no event is cancelled per ACK).
    m_rtoDeadline = Simulator::Now() + m_rto;
    if (!m_rtoPending)
    {
        m_rtoPending = true;
        m_rtoEvent = Simulator::Schedule(m_rto, &RdmaQueuePair::Timeout, this);
    }
}

void
RdmaQueuePair::Timeout()
{
    m_rtoPending = false;
    if (m_sndUna >= m_sndMax)
    {
        return;
    }
    Time now = Simulator::Now();
    if (now < m_rtoDeadline)
    {
        m_rtoPending = true;
        m_rtoEvent = Simulator::Schedule(m_rtoDeadline - now, &RdmaQueuePair::Timeout, this);
        return;
    }
    ++m_timeouts;
    m_cc->OnTimeout();
    m_retransmit.clear();
    if (m_recovery == GO_BACK_N)
    {
        m_sndNxt = m_sndUna;
    }
    else
    {
        m_retransmit.push_back(m_sndUna);
    }
    m_lastNakPsn = UINT64_MAX;
    m_rto = std::min(2 * m_rto, 64 * m_rtoBase);
    ArmTimer();
    NotifyReady();
}

void
RdmaQueuePair::ReceiveCnp()
{
    ++m_cnpsReceived;
    m_cc->OnCnp();
}

bool
RdmaQueuePair::Deliver(uint8_t opcode, uint32_t payload, Time arrival, uint64_t cookie)
{
    if (opcode == RoceHeader::RC_SEND_FIRST || opcode == RoceHeader::RC_SEND_ONLY)
    {
        m_rxMsgStart = arrival;
        m_rxMsgBytes = 0;
        m_rxMsgCookie = cookie;
    }
    m_rxMsgBytes += payload;
    ++m_ePsn;
    ++m_unacked;
    if (opcode == RoceHeader::RC_SEND_LAST || opcode == RoceHeader::RC_SEND_ONLY)
    {
        ++m_msn;
        RdmaCompletion done{m_qpn,
                            m_msn,
                            m_rxMsgCookie,
                            m_rxMsgBytes,
                            m_rxMsgStart,
                            Simulator::Now()};
        m_rxMsgBytes = 0; // no message is partly in
        m_recvCompleteTrace(done);
        if (!m_completed.IsNull())
        {
            m_completed(done, false);
        }
        return true;
    }
    return false;
}

FramePtr
RdmaQueuePair::ReceiveData(const RoceHeader& header, uint64_t cookie)
{
    uint64_t psn = Unwrap(header.GetPsn(), m_ePsn);
    if (psn < m_ePsn)
    {
        // Duplicate: re-acknowledge. The sender drops this ACK as stale, so it carries no echo.
        return BuildAck(header, RoceHeader::AETH_ACK, false);
    }
    m_ceSinceAck |= header.GetEcn() == RoceHeader::ECN_CE;
    if (psn > m_ePsn)
    {
        ++m_outOfOrder;
        bool selective = m_recovery == SELECTIVE_REPEAT;
        if (m_placement || selective)
        {
            m_placed.emplace(
                psn,
                Placed{header.GetOpcode(), header.GetPayload(), Simulator::Now(), cookie});
        }
        if ((!m_placement || selective) && !m_nakSent)
        {
            m_nakSent = true;
            ++m_naksSent;
            return BuildAck(header, RoceHeader::AETH_NAK_PSN_SEQUENCE);
        }
        return nullptr;
    }
    bool ended = Deliver(header.GetOpcode(), header.GetPayload(), Simulator::Now(), cookie);
    // The gap is filled: count in what was placed behind it.
    for (auto it = m_placed.begin(); it != m_placed.end() && it->first == m_ePsn;
         it = m_placed.erase(it))
    {
        ended |=
            Deliver(it->second.opcode, it->second.payload, it->second.arrival, it->second.cookie);
    }
    m_nakSent = false;
    if (ended || header.GetAckReq() || m_unacked >= m_ackInterval)
    {
        return BuildAck(header, RoceHeader::AETH_ACK);
    }
    return nullptr;
}

FramePtr
RdmaQueuePair::BuildAck(const RoceHeader& received, uint8_t syndrome, bool echoCe)
{
    bool nak = syndrome == RoceHeader::AETH_NAK_PSN_SEQUENCE;
    RoceHeader header = HeaderToPeer(m_ackDscp);
    header.SetOpcode(RoceHeader::RC_ACKNOWLEDGE);
    // An ACK names the last PSN received in order, a NAK the one missing (IBTA 9.7.5.1).
    header.SetPsn(static_cast<uint32_t>(nak ? m_ePsn : m_ePsn - 1));
    header.SetSyndrome(syndrome);
    header.SetMsn(static_cast<uint32_t>(m_msn));
    if (received.HasInt())
    {
        header.EchoInt(received);
    }
    if (!nak && echoCe)
    {
        header.SetEcnEcho(m_ceSinceAck);
        m_ceSinceAck = false;
    }
    if (!nak)
    {
        m_unacked = 0;
    }
    uint32_t trailer = header.SetPayload(0);
    return FabricFrame::Create(header, trailer);
}

FramePtr
RdmaQueuePair::TakeCnp(const RoceHeader& header)
{
    Time now = Simulator::Now();
    if (header.GetEcn() != RoceHeader::ECN_CE || (m_cnpSentOnce && now - m_lastCnp < m_cnpInterval))
    {
        return nullptr;
    }
    m_cnpSentOnce = true;
    m_lastCnp = now;
    ++m_cnpsSent;
    // RoCEv2 CNP (IBTA Annex A17.9.3): BTH with opcode 0x81 and the QP to slow down, 16
    // reserved bytes, ICRC.
    RoceHeader cnp = HeaderToPeer(m_cnpDscp);
    cnp.SetOpcode(RoceHeader::CNP);
    uint32_t trailer = cnp.SetPayload(16);
    return FabricFrame::Create(cnp, trailer);
}

void
RdmaQueuePair::DoDispose()
{
    m_ready = Callback<void, Ptr<RdmaQueuePair>>();
    m_completed = CompletionCallback();
    m_sendQueue.clear();
    m_placed.clear();
    m_rtoEvent.Cancel();
    m_rtoPending = false;
    m_cc = nullptr;
    Object::DoDispose();
}

} // namespace ns3
