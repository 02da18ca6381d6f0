/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "rdma-queue-pair.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/packet.h"
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
                          "DSCP of acknowledgements (48: traffic class 6, ahead of data)",
                          UintegerValue(48),
                          MakeUintegerAccessor(&RdmaQueuePair::m_ackDscp),
                          MakeUintegerChecker<uint8_t>(0, 63))
            .AddAttribute("IntRequest",
                          "Ask the switches to record in-band telemetry in every data packet; "
                          "the receiver echoes it in its acknowledgements (for HPCC)",
                          BooleanValue(false),
                          MakeBooleanAccessor(&RdmaQueuePair::m_intRequest),
                          MakeBooleanChecker())
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
                            "ns3::RdmaQueuePair::IntEchoTracedCallback");
    return tid;
}

RdmaQueuePair::RdmaQueuePair() = default;

void
RdmaQueuePair::Setup(uint32_t qpn,
                     uint32_t localIp,
                     uint32_t remoteIp,
                     uint32_t remoteQpn,
                     uint16_t sourcePort)
{
    m_qpn = qpn;
    m_localIp = localIp;
    m_remoteIp = remoteIp;
    m_remoteQpn = remoteQpn;
    m_sourcePort = sourcePort;
}

void
RdmaQueuePair::SetReadyCallback(Callback<void, Ptr<RdmaQueuePair>> ready)
{
    m_ready = ready;
}

uint64_t
RdmaQueuePair::PostSend(uint64_t bytes)
{
    NS_ABORT_MSG_IF(bytes == 0, "RdmaQueuePair::PostSend: a message has at least one byte");
    bool wasIdle = !HasDataToSend();
    uint64_t id = m_nextWrId++;
    m_sendQueue.push_back(WorkRequest{id, bytes, Simulator::Now(), 0});
    if (wasIdle && !m_ready.IsNull())
    {
        m_ready(this);
    }
    return id;
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

Ptr<Packet>
RdmaQueuePair::NextPacket(uint32_t mtu)
{
    WorkRequest& wr = m_sendQueue[m_nextToSegment];
    uint32_t segment = static_cast<uint32_t>(std::min<uint64_t>(mtu, wr.bytes - m_segmentOffset));
    bool first = m_segmentOffset == 0;
    m_segmentOffset += segment;
    bool last = m_segmentOffset == wr.bytes;

    RoceHeader header = HeaderToPeer(m_dscp);
    header.SetEcn(RoceHeader::ECN_ECT0);
    if (m_intRequest)
    {
        header.EnableInt();
    }
    header.SetOpcode(first ? (last ? RoceHeader::RC_SEND_ONLY : RoceHeader::RC_SEND_FIRST)
                           : (last ? RoceHeader::RC_SEND_LAST : RoceHeader::RC_SEND_MIDDLE));
    header.SetAckReq(last);
    header.SetPsn(static_cast<uint32_t>(m_sndNxt));
    Ptr<Packet> packet = Create<Packet>(header.SetPayload(segment));
    packet->AddHeader(header);

    if (last)
    {
        wr.lastPsn = m_sndNxt;
        m_segmentOffset = 0;
        ++m_nextToSegment;
    }
    ++m_sndNxt;
    return packet;
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
    if (header.GetSyndrome() >> 5 != 0)
    {
        return; // a NAK or RNR NAK: recovery is not modelled yet
    }
    uint64_t acked = Unwrap(header.GetPsn(), m_sndUna);
    if (acked < m_sndUna || acked >= m_sndNxt)
    {
        return; // duplicate or stale
    }
    m_sndUna = acked + 1;
    if (header.IsIntEcho())
    {
        m_intEchoTrace(header);
    }
    while (!m_sendQueue.empty() && m_nextToSegment > 0 && m_sendQueue.front().lastPsn < m_sndUna)
    {
        const WorkRequest& wr = m_sendQueue.front();
        m_sendCompleteTrace(RdmaCompletion{m_qpn, wr.id, wr.bytes, wr.posted, Simulator::Now()});
        m_sendQueue.pop_front();
        --m_nextToSegment;
    }
}

Ptr<Packet>
RdmaQueuePair::ReceiveData(const RoceHeader& header)
{
    uint64_t psn = Unwrap(header.GetPsn(), m_ePsn);
    if (psn != m_ePsn)
    {
        if (psn > m_ePsn)
        {
            ++m_outOfOrder;
            return nullptr;
        }
        return BuildAck(header); // duplicate: re-acknowledge what we have
    }
    ++m_ePsn;
    uint8_t opcode = header.GetOpcode();
    if (opcode == RoceHeader::RC_SEND_FIRST || opcode == RoceHeader::RC_SEND_ONLY)
    {
        m_rxMsgStart = Simulator::Now();
        m_rxMsgBytes = 0;
    }
    m_rxMsgBytes += header.GetPayload();
    ++m_unacked;
    bool messageEnd = opcode == RoceHeader::RC_SEND_LAST || opcode == RoceHeader::RC_SEND_ONLY;
    if (messageEnd)
    {
        ++m_msn;
        m_recvCompleteTrace(
            RdmaCompletion{m_qpn, m_msn, m_rxMsgBytes, m_rxMsgStart, Simulator::Now()});
    }
    if (messageEnd || header.GetAckReq() || m_unacked >= m_ackInterval)
    {
        return BuildAck(header);
    }
    return nullptr;
}

Ptr<Packet>
RdmaQueuePair::BuildAck(const RoceHeader& received)
{
    m_unacked = 0;
    RoceHeader header = HeaderToPeer(m_ackDscp);
    header.SetOpcode(RoceHeader::RC_ACKNOWLEDGE);
    if (received.HasInt())
    {
        header.EchoInt(received);
    }
    header.SetPsn(static_cast<uint32_t>(m_ePsn - 1));
    header.SetSyndrome(RoceHeader::AETH_ACK);
    header.SetMsn(static_cast<uint32_t>(m_msn));
    Ptr<Packet> packet = Create<Packet>(header.SetPayload(0));
    packet->AddHeader(header);
    return packet;
}

void
RdmaQueuePair::DoDispose()
{
    m_ready = Callback<void, Ptr<RdmaQueuePair>>();
    m_sendQueue.clear();
    Object::DoDispose();
}

} // namespace ns3
