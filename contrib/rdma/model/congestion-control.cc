/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "congestion-control.h"

#include "ns3/data-rate.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(CongestionControl);
NS_OBJECT_ENSURE_REGISTERED(NoCongestionControl);

TypeId
CongestionControl::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::CongestionControl")
            .SetParent<Object>()
            .SetGroupName("Rdma")
            .AddAttribute("MinRate",
                          "Lowest rate the algorithm may set",
                          DataRateValue(DataRate("100Mb/s")),
                          MakeDataRateAccessor(&CongestionControl::m_minRate),
                          MakeDataRateChecker())
            .AddTraceSource("Rate",
                            "The sending rate changed: (old, new) in bit/s",
                            MakeTraceSourceAccessor(&CongestionControl::m_rateTrace),
                            "ns3::CongestionControl::RateTracedCallback")
            .AddTraceSource("Window",
                            "The window changed: (old, new) in bytes",
                            MakeTraceSourceAccessor(&CongestionControl::m_windowTrace),
                            "ns3::CongestionControl::WindowTracedCallback");
    return tid;
}

CongestionControl::CongestionControl() = default;

void
CongestionControl::Init(uint64_t lineRate, uint32_t mtu)
{
    m_lineRate = lineRate;
    m_mtu = mtu;
    m_rate = lineRate;
}

bool
CongestionControl::WantsInt() const
{
    return false;
}

bool
CongestionControl::IsAtRest() const
{
    return false;
}

bool
CongestionControl::IsInitial() const
{
    return false;
}

void
CongestionControl::PacketSent(uint64_t psn, uint32_t wireBytes)
{
    OnSend(psn, wireBytes);
    m_nextPsn = std::max(m_nextPsn, psn + 1);
}

void
CongestionControl::OnSend(uint64_t psn, uint32_t wireBytes)
{
}

void
CongestionControl::OnAck(const RoceHeader& ack, uint64_t una, uint64_t ackedBytes)
{
}

void
CongestionControl::OnCnp()
{
}

void
CongestionControl::OnTimeout()
{
}

double
CongestionControl::LineBytes(Time time) const
{
    // In picoseconds, so that nanosecond and picosecond times alike count.
    return double(m_lineRate) * double(time.GetPicoSeconds()) / 8e12;
}

void
CongestionControl::SetRate(uint64_t bitRate)
{
    uint64_t rate = std::clamp(bitRate, std::min(m_minRate.GetBitRate(), m_lineRate), m_lineRate);
    if (rate != m_rate)
    {
        uint64_t old = m_rate;
        m_rate = rate;
        m_rateTrace(old, rate);
    }
}

void
CongestionControl::SetWindow(uint64_t bytes)
{
    uint64_t window = std::max<uint64_t>(bytes, m_mtu);
    if (window != m_window)
    {
        uint64_t old = m_window;
        m_window = window;
        m_windowTrace(old, window);
    }
}

TypeId
NoCongestionControl::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::NoCongestionControl")
            .SetParent<CongestionControl>()
            .SetGroupName("Rdma")
            .AddConstructor<NoCongestionControl>()
            .AddAttribute("Window",
                          "Bytes a queue pair may have unacknowledged (0: no limit)",
                          UintegerValue(0),
                          MakeUintegerAccessor(&NoCongestionControl::m_windowAttr),
                          MakeUintegerChecker<uint64_t>());
    return tid;
}

void
NoCongestionControl::Init(uint64_t lineRate, uint32_t mtu)
{
    CongestionControl::Init(lineRate, mtu);
    if (m_windowAttr > 0)
    {
        SetWindow(m_windowAttr);
    }
}

bool
NoCongestionControl::IsAtRest() const
{
    return true;
}

bool
NoCongestionControl::IsInitial() const
{
    return true;
}

} // namespace ns3
