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
                            "ns3::CongestionControl::RateTracedCallback");
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

void
CongestionControl::OnSend(uint32_t wireBytes)
{
}

void
CongestionControl::OnAck(const RoceHeader& ack, uint64_t ackedBytes)
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
    m_window = m_windowAttr > 0 ? m_windowAttr : NO_WINDOW;
}

} // namespace ns3
