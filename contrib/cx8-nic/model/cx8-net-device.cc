/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "cx8-net-device.h"

#include "ns3/abort.h"
#include "ns3/packet.h"
#include "ns3/uinteger.h"

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
                          MakeObjectFactoryChecker());
    return tid;
}

Cx8NetDevice::Cx8NetDevice() = default;

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
Cx8NetDevice::CreateQueuePair(uint32_t remoteIp, uint32_t remoteQpn, uint16_t sourcePort)
{
    Ptr<RdmaQueuePair> qp = m_qpFactory.Create<RdmaQueuePair>();
    qp->Setup(GetNextQpn(), m_ip, remoteIp, remoteQpn, sourcePort);
    qp->SetReadyCallback(MakeCallback(&Cx8NetDevice::QueuePairReady, this));
    m_qps.push_back(qp);
    return qp;
}

Ptr<RdmaQueuePair>
Cx8NetDevice::GetQueuePair(uint32_t qpn) const
{
    uint32_t index = qpn - FIRST_QPN;
    return (qpn >= FIRST_QPN && index < m_qps.size()) ? m_qps[index] : nullptr;
}

void
Cx8NetDevice::QueuePairReady(Ptr<RdmaQueuePair> qp)
{
    m_ready.push_back(PeekPointer(qp));
    TryTransmit();
}

Ptr<Packet>
Cx8NetDevice::DoDequeue()
{
    Ptr<Packet> control = DequeueStrictPriority();
    if (control)
    {
        return control;
    }
    // Round robin over the queue pairs with data, passing over those whose class is paused.
    for (std::size_t tries = m_ready.size(); tries > 0; --tries)
    {
        RdmaQueuePair* qp = m_ready.front();
        m_ready.pop_front();
        if (IsPaused(PriorityOfDscp(qp->GetDscp())))
        {
            m_ready.push_back(qp);
            continue;
        }
        Ptr<Packet> packet = qp->NextPacket(m_payloadMtu);
        if (qp->HasDataToSend())
        {
            m_ready.push_back(qp);
        }
        return packet;
    }
    return nullptr;
}

void
Cx8NetDevice::DoReceive(Ptr<Packet> packet, const RoceHeader& header)
{
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
    case RoceHeader::RC_SEND_FIRST:
    case RoceHeader::RC_SEND_MIDDLE:
    case RoceHeader::RC_SEND_LAST:
    case RoceHeader::RC_SEND_ONLY:
        if (Ptr<Packet> ack = qp->ReceiveData(header))
        {
            Enqueue(ack, PriorityOfDscp(qp->GetAckDscp()));
        }
        break;
    default:
        ++m_unknownQp; // not an opcode this NIC model handles yet
    }
}

void
Cx8NetDevice::DoDispose()
{
    for (auto& qp : m_qps)
    {
        qp->Dispose();
    }
    m_qps.clear();
    m_ready.clear();
    FabricNetDevice::DoDispose();
}

} // namespace ns3
