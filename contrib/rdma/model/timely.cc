/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "timely.h"

#include "ns3/double.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cmath>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(TimelyCongestionControl);

TypeId
TimelyCongestionControl::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::TimelyCongestionControl")
            .SetParent<CongestionControl>()
            .SetGroupName("Rdma")
            .AddConstructor<TimelyCongestionControl>()
            .AddAttribute("Alpha",
                          "EWMA gain of the RTT difference",
                          DoubleValue(0.875),
                          MakeDoubleAccessor(&TimelyCongestionControl::m_alpha),
                          MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("Beta",
                          "Multiplicative decrease factor (paper: 0.8)",
                          DoubleValue(0.8),
                          MakeDoubleAccessor(&TimelyCongestionControl::m_beta),
                          MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("Delta",
                          "Additive increase step (paper: 10 Mb/s at 10 Gb/s)",
                          DataRateValue(DataRate("800Mb/s")),
                          MakeDataRateAccessor(&TimelyCongestionControl::m_delta),
                          MakeDataRateChecker())
            .AddAttribute("TLow",
                          "RTT below which the rate only grows (paper: 50 us)",
                          TimeValue(MicroSeconds(50)),
                          MakeTimeAccessor(&TimelyCongestionControl::m_tLow),
                          MakeTimeChecker())
            .AddAttribute("THigh",
                          "RTT above which the rate falls whatever the gradient",
                          TimeValue(MicroSeconds(500)),
                          MakeTimeAccessor(&TimelyCongestionControl::m_tHigh),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddAttribute("MinRtt",
                          "RTT normalizing the gradient (paper: 20 us)",
                          TimeValue(MicroSeconds(20)),
                          MakeTimeAccessor(&TimelyCongestionControl::m_minRtt),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddAttribute("SampleInterval",
                          "Least time between the starts of two RTT samples, so that flows of "
                          "different base RTTs update equally often",
                          TimeValue(MicroSeconds(20)),
                          MakeTimeAccessor(&TimelyCongestionControl::m_sampleInterval),
                          MakeTimeChecker())
            .AddAttribute("HaiThreshold",
                          "Consecutive non-positive gradients before hyper-active increase "
                          "(paper: 5)",
                          UintegerValue(5),
                          MakeUintegerAccessor(&TimelyCongestionControl::m_haiThreshold),
                          MakeUintegerChecker<uint32_t>(1));
    return tid;
}

TimelyCongestionControl::TimelyCongestionControl() = default;

void
TimelyCongestionControl::OnSend(uint64_t psn, uint32_t wireBytes)
{
    if (psn < GetNextPsn())
    {
        // A resend (Karn) is not timed; one at or before the timed packet voids the sample, as
        // the cumulative ACK that would close it waits for the resend.
        m_sampling = m_sampling && psn > m_samplePsn;
        return;
    }
    Time now = Simulator::Now();
    if (!m_sampling && (!m_sampledOnce || now - m_sampleSent >= m_sampleInterval))
    {
        m_sampling = true;
        m_sampledOnce = true;
        m_samplePsn = psn;
        m_sampleSent = now;
    }
}

void
TimelyCongestionControl::OnAck(const RoceHeader& ack, uint64_t una, uint64_t ackedBytes)
{
    if (m_sampling && una > m_samplePsn)
    {
        m_sampling = false;
        OnRttSample(Simulator::Now() - m_sampleSent);
    }
}

void
TimelyCongestionControl::OnTimeout()
{
    // The timed packet may be the lost one: its acknowledgement would time the recovery.
    m_sampling = false;
}

void
TimelyCongestionControl::OnRttSample(Time rtt)
{
    if (!m_havePrevRtt)
    {
        m_havePrevRtt = true;
        m_prevRtt = rtt;
        return;
    }
    // In picoseconds: GetSeconds() of a negative Time shifts a negative integer in ns-3.37.
    double newDiff = double(rtt.GetPicoSeconds() - m_prevRtt.GetPicoSeconds()) * 1e-12;
    m_prevRtt = rtt;
    m_rttDiff = (1 - m_alpha) * m_rttDiff + m_alpha * newDiff;
    double gradient = m_rttDiff / m_minRtt.GetSeconds();
    double rate = double(GetRate());
    double delta = double(m_delta.GetBitRate());
    if (rtt < m_tLow)
    {
        rate += delta;
    }
    else if (rtt > m_tHigh)
    {
        rate *= 1 - m_beta * (1 - m_tHigh.GetSeconds() / rtt.GetSeconds());
    }
    else if (gradient <= 0)
    {
        ++m_negativeGradients;
        rate += (m_negativeGradients >= m_haiThreshold ? m_haiThreshold : 1) * delta;
    }
    else
    {
        m_negativeGradients = 0;
        rate *= 1 - m_beta * gradient;
    }
    SetRate(static_cast<uint64_t>(std::llround(std::max(rate, 0.0))));
}

} // namespace ns3
