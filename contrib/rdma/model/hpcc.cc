/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "hpcc.h"

#include "ns3/abort.h"
#include "ns3/double.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(HpccCongestionControl);

TypeId
HpccCongestionControl::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::HpccCongestionControl")
            .SetParent<CongestionControl>()
            .SetGroupName("Rdma")
            .AddConstructor<HpccCongestionControl>()
            .AddAttribute("BaseRtt",
                          "Base round-trip time T: the window is paced over it and the "
                          "starting window is line rate x T",
                          TimeValue(MicroSeconds(6)),
                          MakeTimeAccessor(&HpccCongestionControl::m_baseRtt),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddAttribute("Eta",
                          "Target utilization eta (paper: 0.95)",
                          DoubleValue(0.95),
                          MakeDoubleAccessor(&HpccCongestionControl::m_eta),
                          MakeDoubleChecker<double>(0.01, 1.0))
            .AddAttribute("MaxStage",
                          "Additive steps before a multiplicative update below eta (paper: 5)",
                          UintegerValue(5),
                          MakeUintegerAccessor(&HpccCongestionControl::m_maxStage),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("RateAi",
                          "Additive increase W_AI expressed as a rate: W_AI = RateAi x BaseRtt",
                          DataRateValue(DataRate("400Mb/s")),
                          MakeDataRateAccessor(&HpccCongestionControl::m_rateAi),
                          MakeDataRateChecker());
    return tid;
}

HpccCongestionControl::HpccCongestionControl() = default;

void
HpccCongestionControl::Init(uint64_t lineRate, uint32_t mtu)
{
    CongestionControl::Init(lineRate, mtu);
    NS_ABORT_MSG_UNLESS(RoceHeader::IsIntRate(lineRate),
                        "HPCC needs link rates that in-band telemetry can name ("
                            << RoceHeader::DescribeIntRates() << "), not " << lineRate << " bit/s");
    m_rttSeconds = m_baseRtt.GetSeconds();
    m_maxWindow = LineBytes(m_baseRtt);
    m_wai = m_maxWindow * double(m_rateAi.GetBitRate()) / double(lineRate);
    m_wc = m_maxWindow;
    SetWindow(static_cast<uint64_t>(m_wc));
}

bool
HpccCongestionControl::WantsInt() const
{
    return true;
}

bool
HpccCongestionControl::MeasureInflight(const RoceHeader& ack)
{
    uint32_t n = ack.GetIntHops();
    // Timestamps wrap after 2^20 ns: samples further apart (or from another path length)
    // cannot be compared.
    Time now = Simulator::Now();
    bool comparable = n == m_nHops && n > 0 && now - m_lastSample < NanoSeconds(IntHop::WRAP / 2);
    double u = 0;
    double tau = 0;
    for (uint32_t i = 0; i < n; ++i)
    {
        IntHop hop = ack.GetIntHop(i);
        if (comparable)
        {
            uint32_t dtNs = IntHop::TimeDelta(m_hops[i], hop);
            double bytesPerSecond = double(hop.bitRate) / 8;
            // The byte counter wraps after 64 MiB: a port that may have sent half of that
            // since the last sample (1.6 Tb/s in 168 us) is not compared.
            bool countable = bytesPerSecond * dtNs * 1e-9 < IntHop::WRAP * IntHop::UNIT_BYTES / 2;
            if (dtNs > 0 && hop.bitRate > 0 && countable)
            {
                double txRate = double(IntHop::TxBytesDelta(m_hops[i], hop)) / (dtNs * 1e-9);
                double queue = double(std::min(hop.queueBytes, m_hops[i].queueBytes));
                double hopU = queue / (bytesPerSecond * m_rttSeconds) + txRate / bytesPerSecond;
                if (hopU > u)
                {
                    u = hopU;
                    tau = dtNs * 1e-9;
                }
            }
        }
        m_hops[i] = hop;
    }
    m_nHops = n;
    m_lastSample = now;
    if (!comparable || tau == 0)
    {
        return false;
    }
    double weight = std::min(tau, m_rttSeconds) / m_rttSeconds;
    m_u = (1 - weight) * m_u + weight * u;
    return true;
}

void
HpccCongestionControl::OnAck(const RoceHeader& ack, uint64_t una, uint64_t ackedBytes)
{
    if (!ack.IsIntEcho() || !MeasureInflight(ack))
    {
        return;
    }
    bool updateWc = una > m_lastUpdatePsn;
    double window;
    bool multiplicative = m_u >= m_eta || m_incStage >= m_maxStage;
    if (multiplicative)
    {
        window = m_wc / (m_u / m_eta) + m_wai;
    }
    else
    {
        window = m_wc + m_wai;
    }
    window = std::min(window, m_maxWindow);
    if (updateWc)
    {
        m_incStage = multiplicative ? 0 : m_incStage + 1;
        m_wc = window;
        m_lastUpdatePsn = GetNextPsn();
    }
    SetWindow(static_cast<uint64_t>(window));
    SetRate(static_cast<uint64_t>(window / m_maxWindow * double(GetLineRate())));
}

} // namespace ns3
