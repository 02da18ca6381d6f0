/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "dctcp.h"

#include "ns3/double.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(DctcpCongestionControl);

TypeId
DctcpCongestionControl::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::DctcpCongestionControl")
            .SetParent<CongestionControl>()
            .SetGroupName("Rdma")
            .AddConstructor<DctcpCongestionControl>()
            .AddAttribute("G",
                          "Gain of the alpha average (paper: 1/16)",
                          DoubleValue(1.0 / 16),
                          MakeDoubleAccessor(&DctcpCongestionControl::m_g),
                          MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("BaseRtt",
                          "RTT whose bandwidth-delay product at line rate is the first window",
                          TimeValue(MicroSeconds(6)),
                          MakeTimeAccessor(&DctcpCongestionControl::m_baseRtt),
                          MakeTimeChecker(NanoSeconds(1)));
    return tid;
}

DctcpCongestionControl::DctcpCongestionControl() = default;

void
DctcpCongestionControl::Init(uint64_t lineRate, uint32_t mtu)
{
    CongestionControl::Init(lineRate, mtu);
    m_cwnd = std::max(LineBytes(m_baseRtt), double(mtu));
    SetWindow(static_cast<uint64_t>(m_cwnd));
}

void
DctcpCongestionControl::OnAck(const RoceHeader& ack, uint64_t una, uint64_t ackedBytes)
{
    bool echo = ack.GetEcnEcho();
    m_ackedBytes += ackedBytes;
    if (echo)
    {
        m_markedBytes += ackedBytes;
    }
    if (una > m_windowEnd)
    {
        double fraction = m_ackedBytes > 0 ? double(m_markedBytes) / m_ackedBytes : 0;
        m_alpha = (1 - m_g) * m_alpha + m_g * fraction;
        m_ackedBytes = 0;
        m_markedBytes = 0;
        m_windowEnd = GetNextPsn();
    }
    if (echo)
    {
        if (una > m_cutEnd)
        {
            m_cwnd *= 1 - m_alpha / 2;
            m_cutEnd = GetNextPsn();
        }
    }
    else if (ackedBytes > 0)
    {
        m_cwnd += double(m_mtu) * ackedBytes / m_cwnd;
    }
    m_cwnd = std::max(m_cwnd, double(m_mtu));
    SetWindow(static_cast<uint64_t>(m_cwnd));
}

} // namespace ns3
