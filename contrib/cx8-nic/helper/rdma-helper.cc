/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "rdma-helper.h"

namespace ns3
{

namespace
{
/// RoCEv2 source ports come from the dynamic range 49152-65535 (IBTA Annex A17.4.5.3).
uint16_t
SourcePort(uint32_t localIp, uint32_t remoteIp, uint32_t localQpn, uint32_t remoteQpn)
{
    uint32_t mix = (localIp * 0x9E3779B1U) ^ (remoteIp * 0x85EBCA77U) ^ (localQpn * 0xC2B2AE3DU) ^
                   (remoteQpn * 0x27D4EB2FU);
    mix ^= mix >> 15;
    mix *= 0x2C1B3C6DU;
    mix ^= mix >> 12;
    return static_cast<uint16_t>(0xC000 | (mix & 0x3FFF));
}
} // namespace

std::pair<Ptr<RdmaQueuePair>, Ptr<RdmaQueuePair>>
RdmaHelper::Connect(Ptr<Cx8NetDevice> a, Ptr<Cx8NetDevice> b)
{
    uint32_t qpnA = a->GetNextQpn();
    uint32_t qpnB = b->GetNextQpn() + (a == b ? 1 : 0);
    uint32_t ipA = a->GetFabricAddress();
    uint32_t ipB = b->GetFabricAddress();
    Ptr<RdmaQueuePair> qpA = a->CreateQueuePair(ipB, qpnB, SourcePort(ipA, ipB, qpnA, qpnB));
    Ptr<RdmaQueuePair> qpB = b->CreateQueuePair(ipA, qpnA, SourcePort(ipB, ipA, qpnB, qpnA));
    return {qpA, qpB};
}

} // namespace ns3
