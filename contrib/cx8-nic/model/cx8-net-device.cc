/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "cx8-net-device.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/fabric-units.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(Cx8NetDevice);

TypeId
Cx8NetDevice::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::Cx8NetDevice")
            .SetParent<FabricNetDevice>()
            .SetGroupName("Cx8Nic")
            .AddConstructor<Cx8NetDevice>()
            .AddAttribute(
                "PayloadMtu",
                "RoCE path MTU: payload bytes per packet (256, 512, 1024, 2048 or 4096)",
                UintegerValue(4096),
                MakeUintegerAccessor(&Cx8NetDevice::SetPayloadMtu, &Cx8NetDevice::GetPayloadMtu),
                MakeUintegerChecker<uint32_t>(256, 4096))
            .AddAttribute("QueuePairFactory",
                          "Creates the queue pairs (their type and attributes)",
                          ObjectFactoryValue(ObjectFactory("ns3::RdmaQueuePair")),
                          MakeObjectFactoryAccessor(&Cx8NetDevice::m_qpFactory),
                          MakeObjectFactoryChecker())
            // PCIe Gen6 x16: 64 GT/s on 16 lanes, 1,024 Gb/s per direction before protocol
            // overhead; above the port rate, so a healthy host never backs up.
            .AddAttribute("HostRate",
                          "Rate at which the host interface takes received frames",
                          DataRateValue(DataRate("1024Gb/s")),
                          MakeDataRateAccessor(&Cx8NetDevice::m_hostRate),
                          MakeDataRateChecker())
            .AddAttribute("RxBufferSize",
                          "Bytes of received frames the NIC holds for the host",
                          UintegerValue(1 << 20),
                          MakeUintegerAccessor(&Cx8NetDevice::m_rxBufferSize),
                          MakeUintegerChecker<uint64_t>(1))
            .AddAttribute("XonOffset",
                          "How far below the pause point the receive buffer must drain before "
                          "the NIC resumes its peer",
                          UintegerValue(2 * 9216),
                          MakeUintegerAccessor(&Cx8NetDevice::m_xonOffset),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("PfcEnabled",
                          "Pause the peer when the receive buffer fills",
                          BooleanValue(true),
                          MakeBooleanAccessor(&Cx8NetDevice::m_pfcEnabled),
                          MakeBooleanChecker());
    return tid;
}

Cx8NetDevice::Cx8NetDevice()
    : m_readyCallback(MakeCallback(&Cx8NetDevice::QueuePairReady, this))
{
}

void
Cx8NetDevice::SetFabricAddress(uint32_t ipv4)
{
    m_ip = ipv4;
    SetAddress(FabricMacAddress(ipv4));
}

void
Cx8NetDevice::SetPayloadMtu(uint32_t mtu)
{
    NS_ABORT_MSG_IF(mtu & (mtu - 1),
                    "Cx8NetDevice: PayloadMtu " << mtu << " is not a power of two");
    m_payloadMtu = mtu;
}

Ptr<RdmaQueuePair>
Cx8NetDevice::MakeQueuePair(uint32_t qpn,
                            uint32_t remoteIp,
                            uint32_t remoteQpn,
                            uint16_t sourcePort)
{
    Ptr<RdmaQueuePair> qp = m_qpFactory.Create<RdmaQueuePair>();
    qp->Setup(qpn, m_ip, remoteIp, remoteQpn, sourcePort, m_payloadMtu, GetBitRate());
    qp->SetReadyCallback(m_readyCallback);
    return qp;
}

Ptr<RdmaQueuePair>
Cx8NetDevice::CreateQueuePair(uint32_t remoteIp, uint32_t remoteQpn, uint16_t sourcePort)
{
    Ptr<RdmaQueuePair> qp = MakeQueuePair(GetNextQpn(), remoteIp, remoteQpn, sourcePort);
    m_qps.push_back(Slot{qp, false, RdmaQueuePair::Rest()});
    return qp;
}

Ptr<RdmaQueuePair>
Cx8NetDevice::GetQueuePair(uint32_t qpn)
{
    uint32_t index = qpn - FIRST_QPN;
    if (qpn < FIRST_QPN || index >= m_qps.size())
    {
        return nullptr;
    }
    Slot& slot = m_qps[index];
    if (!slot.qp)
    {
        const RdmaQueuePair::Rest& rest = slot.rest;
        slot.qp = MakeQueuePair(qpn, rest.remoteIp, rest.remoteQpn, rest.sourcePort);
        slot.qp->Resume(rest);
        slot.rest = RdmaQueuePair::Rest();
    }
    return slot.qp;
}

void
Cx8NetDevice::LetRest(uint32_t qpn)
{
    NS_ABORT_MSG_IF(qpn < FIRST_QPN || qpn >= GetNextQpn(), "Cx8NetDevice: no queue pair " << qpn);
    m_qps[qpn - FIRST_QPN].mayRest = true;
}

uint32_t
Cx8NetDevice::RestIdleQueuePairs()
{
    uint32_t rested = 0;
    for (Slot& slot : m_qps)
    {
        // Nobody else may hold the object (the slot's is the only reference).
        if (slot.mayRest && slot.qp && slot.qp->GetReferenceCount() == 1 && slot.qp->CanRest())
        {
            m_restedCounters += slot.qp->GetCounters();
            slot.rest = slot.qp->Suspend();
            slot.qp->Dispose();
            slot.qp = nullptr;
            ++rested;
        }
    }
    return rested;
}

bool
Cx8NetDevice::IsResting(uint32_t qpn) const
{
    uint32_t index = qpn - FIRST_QPN;
    return qpn >= FIRST_QPN && index < m_qps.size() && !m_qps[index].qp;
}

RdmaQueuePair::Counters
Cx8NetDevice::GetQueuePairCounters() const
{
    RdmaQueuePair::Counters sum = m_restedCounters;
    for (const Slot& slot : m_qps)
    {
        if (slot.qp)
        {
            sum += slot.qp->GetCounters();
        }
    }
    return sum;
}

void
Cx8NetDevice::QueuePairReady(Ptr<RdmaQueuePair> qp)
{
    if (!qp->IsScheduled() && qp->HasDataToSend())
    {
        qp->SetScheduled(true);
        m_ready.push_back(PeekPointer(qp));
    }
    TryTransmit();
}

FramePtr
Cx8NetDevice::DoDequeue()
{
    FramePtr control = DequeueStrictPriority();
    if (control)
    {
        return control;
    }
    // Round robin over the queue pairs with data, passing over those whose class is paused,
    // whose window is full (an ACK brings them back) or whose rate limiter holds them.
    Time now = Simulator::Now();
    Time wake = Time::Max();
    for (std::size_t tries = m_ready.size(); tries > 0; --tries)
    {
        RdmaQueuePair* qp = m_ready.front();
        m_ready.pop_front();
        if (!qp->HasDataToSend())
        {
            qp->SetScheduled(false);
            continue;
        }
        if (IsPaused(PriorityOfDscp(qp->GetDscp())) || !qp->IsWindowOpen())
        {
            m_ready.push_back(qp);
            continue;
        }
        if (qp->GetNextSendTime() > now)
        {
            wake = std::min(wake, qp->GetNextSendTime());
            m_ready.push_back(qp);
            continue;
        }
        FramePtr frame = qp->NextPacket();
        if (qp->HasDataToSend())
        {
            m_ready.push_back(qp);
        }
        else
        {
            qp->SetScheduled(false);
        }
        return frame;
    }
    if (wake != Time::Max() && (!m_wakeup.IsRunning() || wake < m_wakeupAt))
    {
        m_wakeup.Cancel();
        m_wakeupAt = wake;
        m_wakeup = Simulator::Schedule(wake - now, &Cx8NetDevice::TryTransmit, this);
    }
    return nullptr;
}

void
Cx8NetDevice::DoReceive(FramePtr frame)
{
    const RoceHeader& header = frame->GetHeader();
    if (!header.IsRoce() || header.GetOpcode() == RoceHeader::RC_ACKNOWLEDGE ||
        header.GetOpcode() == RoceHeader::CNP)
    {
        Deliver(*frame); // the NIC consumes these itself
        return;
    }
    Time now = Simulator::Now();
    uint32_t size = frame->GetSize();
    if (m_rxQueue.IsEmpty() && !m_hostStalled && m_hostFreeAt <= now)
    {
        m_hostFreeAt = now + fabric::BitsTime(uint64_t(size) * 8, m_hostRate.GetBitRate());
        Deliver(*frame);
        return;
    }
    if (m_rxBytes + size > m_rxBufferSize)
    {
        ++m_rxDrops;
        return;
    }
    uint32_t prio = PriorityOfDscp(header.GetDscp());
    m_rxQueue.Push(std::move(frame));
    m_rxBytes += size;
    m_peakRxBytes = std::max(m_peakRxBytes, m_rxBytes);
    if (m_pfcEnabled && m_rxBytes > XoffThreshold())
    {
        PausePeer(prio);
    }
    ScheduleHostTake();
}

uint64_t
Cx8NetDevice::XoffThreshold() const
{
    uint64_t headroom = GetPfcHeadroom();
    return m_rxBufferSize > headroom ? m_rxBufferSize - headroom : 0;
}

bool
Cx8NetDevice::RxBufferDrained() const
{
    return m_rxBytes == 0 || m_rxBytes + m_xonOffset <= XoffThreshold();
}

bool
Cx8NetDevice::KeepPausingPeer(uint32_t priority)
{
    return !RxBufferDrained();
}

void
Cx8NetDevice::SetHostStalled(bool stalled)
{
    m_hostStalled = stalled;
    ScheduleHostTake();
}

void
Cx8NetDevice::ScheduleHostTake()
{
    if (m_hostStalled || m_rxQueue.IsEmpty() || m_hostEvent.IsRunning())
    {
        return;
    }
    Time wait = std::max(Time(0), m_hostFreeAt - Simulator::Now());
    m_hostEvent = Simulator::Schedule(wait, &Cx8NetDevice::HostTake, this);
}

void
Cx8NetDevice::HostTake()
{
    if (m_hostStalled)
    {
        return;
    }
    FramePtr frame = m_rxQueue.Pop();
    m_rxBytes -= frame->GetSize();
    m_hostFreeAt = Simulator::Now() +
                   fabric::BitsTime(uint64_t(frame->GetSize()) * 8, m_hostRate.GetBitRate());
    if (GetPausingPeerMask() != 0 && RxBufferDrained())
    {
        for (uint32_t prio = 0; prio < NUM_PRIORITIES; ++prio)
        {
            ResumePeer(prio);
        }
    }
    Deliver(*frame);
    ScheduleHostTake();
}

namespace
{
/// The cookie a message's first packet carries (0 on other packets, or none).
uint64_t
CookieOf(const FabricFrame& frame)
{
    uint8_t opcode = frame.GetHeader().GetOpcode();
    bool first = opcode == RoceHeader::RC_SEND_FIRST || opcode == RoceHeader::RC_SEND_ONLY;
    return first ? frame.GetCookie() : 0;
}
} // namespace

void
Cx8NetDevice::Deliver(const FabricFrame& frame)
{
    const RoceHeader& header = frame.GetHeader();
    Ptr<RdmaQueuePair> qp = header.IsRoce() ? GetQueuePair(header.GetDestQp()) : nullptr;
    if (!qp)
    {
        ++m_unknownQp;
        return;
    }
    switch (header.GetOpcode())
    {
    case RoceHeader::RC_ACKNOWLEDGE:
        qp->ReceiveAck(header);
        break;
    case RoceHeader::CNP:
        qp->ReceiveCnp();
        break;
    case RoceHeader::RC_SEND_FIRST:
    case RoceHeader::RC_SEND_MIDDLE:
    case RoceHeader::RC_SEND_LAST:
    case RoceHeader::RC_SEND_ONLY:
        if (FramePtr cnp = qp->TakeCnp(header))
        {
            Enqueue(std::move(cnp), PriorityOfDscp(qp->GetCnpDscp()));
        }
        if (FramePtr ack = qp->ReceiveData(header, CookieOf(frame)))
        {
            Enqueue(std::move(ack), PriorityOfDscp(qp->GetAckDscp()));
        }
        break;
    default:
        ++m_unknownQp; // not an opcode this NIC model handles yet
    }
}

void
Cx8NetDevice::DoDispose()
{
    for (auto& slot : m_qps)
    {
        if (slot.qp)
        {
            slot.qp->Dispose();
        }
    }
    m_qps.clear();
    m_ready.clear();
    m_rxQueue.Clear();
    m_hostEvent.Cancel();
    m_wakeup.Cancel();
    FabricNetDevice::DoDispose();
}

} // namespace ns3
