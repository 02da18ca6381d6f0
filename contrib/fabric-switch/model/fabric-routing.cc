/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-routing.h"

#include "ns3/pointer.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FabricRouting);

TypeId
FabricRouting::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::FabricRouting")
            .SetParent<Object>()
            .SetGroupName("FabricSwitch")
            .AddAttribute("LoadBalancer",
                          "Chooses among equal-cost ports; unset: an EcmpLoadBalancer of its own",
                          PointerValue(),
                          MakePointerAccessor(&FabricRouting::m_balancer),
                          MakePointerChecker<LoadBalancer>());
    return tid;
}

void
FabricRouting::NotifyConstructionCompleted()
{
    // Not a shared initial value: load balancers keep per-switch state.
    if (!m_balancer)
    {
        m_balancer = CreateObject<EcmpLoadBalancer>();
    }
    Object::NotifyConstructionCompleted();
}

void
FabricRouting::DoDispose()
{
    m_balancer = nullptr;
    Object::DoDispose();
}

uint32_t
FabricRouting::FlowHash(const RoceHeader& header, uint32_t seed)
{
    // The protocol is always UDP here, so it adds nothing to the mix.
    uint64_t key = (static_cast<uint64_t>(header.GetSource()) << 32) | header.GetDestination();
    uint64_t ports = (static_cast<uint64_t>(header.GetSourcePort()) << 16) |
                     header.GetDestinationPort() | (static_cast<uint64_t>(seed) << 32);
    // 64-bit finalizer of MurmurHash3 (public domain): full avalanche in a few multiplies.
    uint64_t h = key ^ (ports * 0x9E3779B97F4A7C15ULL);
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return static_cast<uint32_t>(h);
}

} // namespace ns3
