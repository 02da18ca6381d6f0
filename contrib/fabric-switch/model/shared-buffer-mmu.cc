/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "shared-buffer-mmu.h"

#include "ns3/abort.h"
#include "ns3/assert.h"
#include "ns3/boolean.h"
#include "ns3/channel.h"
#include "ns3/double.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(SharedBufferMmu);

TypeId
SharedBufferMmu::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SharedBufferMmu")
            .SetParent<Object>()
            .SetGroupName("FabricSwitch")
            .AddConstructor<SharedBufferMmu>()
            // Public SN5600 (Spectrum-4) specifications list a 128 MB fully shared buffer.
            .AddAttribute("BufferSize",
                          "Bytes of packet buffer of the whole switch",
                          UintegerValue(128ULL << 20),
                          MakeUintegerAccessor(&SharedBufferMmu::m_bufferSize),
                          MakeUintegerChecker<uint64_t>(1, UINT32_MAX))
            .AddAttribute("ReservedBytes",
                          "Minimum guaranteed to each ingress port and priority, outside the "
                          "shared pool",
                          UintegerValue(0),
                          MakeUintegerAccessor(&SharedBufferMmu::m_reserved),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("Alpha",
                          "Dynamic-threshold factor of every priority: a queue may hold alpha "
                          "times the free shared bytes",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&SharedBufferMmu::SetAllAlpha,
                                             &SharedBufferMmu::GetDefaultAlpha),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("PfcEnabled",
                          "Send PFC for the lossless priorities (false: every priority is "
                          "lossy and a full buffer drops)",
                          BooleanValue(true),
                          MakeBooleanAccessor(&SharedBufferMmu::m_pfcEnabled),
                          MakeBooleanChecker())
            // RoCEv2 deployments carry RDMA in traffic class 3 (DSCP 26).
            .AddAttribute("LosslessPriorities",
                          "Priorities protected by PFC, one bit each",
                          UintegerValue(1U << 3),
                          MakeUintegerAccessor(&SharedBufferMmu::m_losslessAttr),
                          MakeUintegerChecker<uint8_t>())
            .AddAttribute("Headroom",
                          "PFC headroom of each ingress port and lossless priority, in bytes; "
                          "0 sizes it from the link's bandwidth-delay product",
                          UintegerValue(0),
                          MakeUintegerAccessor(&SharedBufferMmu::m_headroomAttr),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("XonOffset",
                          "How far below the threshold a paused priority's shared bytes must "
                          "fall before XON is sent",
                          UintegerValue(2 * 9216),
                          MakeUintegerAccessor(&SharedBufferMmu::m_xonOffset),
                          MakeUintegerChecker<uint32_t>());
    return tid;
}

SharedBufferMmu::SharedBufferMmu() = default;

SharedBufferMmu::~SharedBufferMmu() = default;

void
SharedBufferMmu::SetAllAlpha(double alpha)
{
    m_alpha.fill(alpha);
}

double
SharedBufferMmu::GetDefaultAlpha() const
{
    return m_alpha[0];
}

void
SharedBufferMmu::SetAlpha(uint32_t priority, double alpha)
{
    NS_ABORT_MSG_IF(alpha < 0, "SharedBufferMmu: alpha must not be negative");
    m_alpha.at(priority) = alpha;
}

double
SharedBufferMmu::GetAlpha(uint32_t priority) const
{
    return m_alpha.at(priority);
}

void
SharedBufferMmu::Setup(const std::vector<Ptr<FabricSwitchPort>>* ports)
{
    m_switchPorts = ports;
    m_lossless = m_pfcEnabled ? m_losslessAttr : 0;
    uint32_t losslessCount = __builtin_popcount(m_lossless);
    m_ports.assign(ports->size(), PortState());
    uint64_t carved = 0;
    for (std::size_t i = 0; i < ports->size(); ++i)
    {
        // A port without a link receives nothing and needs no headroom.
        uint64_t headroom = 0;
        if (losslessCount > 0 && (*ports)[i]->GetChannel())
        {
            headroom = m_headroomAttr > 0 ? m_headroomAttr : (*ports)[i]->GetPfcHeadroom();
        }
        m_ports[i].headroomSize = static_cast<uint32_t>(headroom);
        carved += NUM_PRIORITIES * m_reserved + losslessCount * headroom;
    }
    NS_ABORT_MSG_IF(carved >= m_bufferSize,
                    "SharedBufferMmu: BufferSize " << m_bufferSize
                                                   << " B leaves no shared pool: " << carved
                                                   << " B go to reserve and PFC headroom");
    m_sharedSize = m_bufferSize - carved;
}

uint64_t
SharedBufferMmu::GetThreshold(uint32_t priority) const
{
    // No queue can use more than the whole pool, so a huge alpha means "no threshold".
    double free = double(m_sharedSize - m_sharedUsed);
    return static_cast<uint64_t>(std::min(m_alpha[priority] * free, double(m_sharedSize)));
}

uint64_t
SharedBufferMmu::SharedBytes(const PortState& state, uint32_t priority) const
{
    uint64_t bytes = state.bytes[priority];
    return bytes - std::min<uint64_t>(bytes, m_reserved) - state.headroom[priority];
}

bool
SharedBufferMmu::Admit(uint32_t inPort, uint32_t priority, uint32_t bytes, uint64_t egressBytes)
{
    NS_ASSERT_MSG(inPort < m_ports.size(), "SharedBufferMmu: Setup() has not run");
    PortState& state = m_ports[inPort];
    uint64_t charged = state.bytes[priority];
    uint64_t fromReserve =
        charged < m_reserved ? std::min<uint64_t>(bytes, m_reserved - charged) : 0;
    uint64_t rest = bytes - fromReserve;
    uint64_t toHeadroom = 0;
    if (rest > 0)
    {
        bool poolHasRoom = m_sharedUsed + rest <= m_sharedSize;
        if (IsLossless(priority))
        {
            if (!poolHasRoom || SharedBytes(state, priority) + rest > GetThreshold(priority))
            {
                if (state.headroom[priority] + rest > state.headroomSize)
                {
                    return false; // headroom too small for the link: a lossless drop
                }
                toHeadroom = rest;
            }
        }
        else if (!poolHasRoom || egressBytes + bytes > GetThreshold(priority))
        {
            return false;
        }
    }
    state.bytes[priority] += bytes;
    m_sharedUsed += rest - toHeadroom;
    m_used += bytes;
    m_peakUsed = std::max(m_peakUsed, m_used);
    if (toHeadroom > 0)
    {
        state.headroom[priority] += toHeadroom;
        state.peakHeadroom[priority] =
            std::max(state.peakHeadroom[priority], state.headroom[priority]);
        (*m_switchPorts)[inPort]->PausePeer(priority);
    }
    return true;
}

void
SharedBufferMmu::Release(uint32_t inPort, uint32_t priority, uint32_t bytes)
{
    PortState& state = m_ports[inPort];
    NS_ASSERT_MSG(state.bytes[priority] >= bytes, "SharedBufferMmu: release of bytes not held");
    // Headroom is filled last, so it empties first; the reserve empties last.
    uint64_t sharedBefore = SharedBytes(state, priority);
    uint32_t fromHeadroom = std::min(bytes, state.headroom[priority]);
    state.headroom[priority] -= fromHeadroom;
    state.bytes[priority] -= bytes;
    m_sharedUsed -= sharedBefore - SharedBytes(state, priority);
    m_used -= bytes;
    Ptr<FabricSwitchPort> port = (*m_switchPorts)[inPort];
    if (port->IsPausingPeer(priority) && ReadyForXon(state, priority))
    {
        port->ResumePeer(priority);
    }
}

bool
SharedBufferMmu::ReadyForXon(const PortState& state, uint32_t priority) const
{
    if (state.headroom[priority] > 0)
    {
        return false;
    }
    uint64_t shared = SharedBytes(state, priority);
    return shared == 0 || shared + m_xonOffset <= GetThreshold(priority);
}

bool
SharedBufferMmu::KeepPausing(uint32_t port, uint32_t priority) const
{
    return !ReadyForXon(m_ports.at(port), priority);
}

void
SharedBufferMmu::DoDispose()
{
    m_ports.clear();
    m_switchPorts = nullptr;
    Object::DoDispose();
}

} // namespace ns3
