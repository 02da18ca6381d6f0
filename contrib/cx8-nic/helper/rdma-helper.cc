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
SourcePort(uint32_t localQpn, uint32_t remoteQpn)
{
    uint32_t mix = (localQpn * 0x9E3779B1U) ^ (remoteQpn * 0x85EBCA77U);
    mix ^= mix >> 15;
    return static_cast<uint16_t>(0xC000 | (mix & 0x3FFF));
}
} // namespace

std::pair<Ptr<RdmaQueuePair>, Ptr<RdmaQueuePair>>
RdmaHelper::Connect(Ptr<Cx8NetDevice> a, Ptr<Cx8NetDevice> b)
{
    uint32_t qpnA = a->GetNextQpn();
    uint32_t qpnB = b->GetNextQpn() + (a == b ? 1 : 0);
    Ptr<RdmaQueuePair> qpA =
        a->CreateQueuePair(b->GetFabricAddress(), qpnB, SourcePort(qpnA, qpnB));
    Ptr<RdmaQueuePair> qpB =
        b->CreateQueuePair(a->GetFabricAddress(), qpnA, SourcePort(qpnB, qpnA));
    return {qpA, qpB};
}

} // namespace ns3
