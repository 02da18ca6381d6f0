/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "dcqcn.h"

#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(DcqcnCongestionControl);

TypeId
DcqcnCongestionControl::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::DcqcnCongestionControl")
            .SetParent<CongestionControl>()
            .SetGroupName("Rdma")
            .AddConstructor<DcqcnCongestionControl>()
            .AddAttribute("G",
                          "Gain of the alpha average (paper: 1/256)",
                          DoubleValue(1.0 / 256),
                          MakeDoubleAccessor(&DcqcnCongestionControl::m_g),
                          MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("AlphaTimer",
                          "Period K of the alpha decay without CNPs (paper: 55 us)",
                          TimeValue(MicroSeconds(55)),
                          MakeTimeAccessor(&DcqcnCongestionControl::m_alphaPeriod),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddAttribute("IncreaseTimer",
                          "Period T of the timer's increase events (paper: 55 us)",
                          TimeValue(MicroSeconds(55)),
                          MakeTimeAccessor(&DcqcnCongestionControl::m_increasePeriod),
                          MakeTimeChecker(NanoSeconds(1)))
            .AddAttribute("ByteCounter",
                          "Bytes B sent per byte-counter increase event, 0 for none (paper: "
                          "10 MB)",
                          UintegerValue(10000000),
                          MakeUintegerAccessor(&DcqcnCongestionControl::m_byteCounter),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("StageThreshold",
                          "Increase events F of fast recovery before additive increase "
                          "(paper: 5)",
                          UintegerValue(5),
                          MakeUintegerAccessor(&DcqcnCongestionControl::m_threshold),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("RateAi",
                          "Additive increase of the target rate (paper: 40 Mb/s at 40 Gb/s)",
                          DataRateValue(DataRate("800Mb/s")),
                          MakeDataRateAccessor(&DcqcnCongestionControl::m_rateAi),
                          MakeDataRateChecker())
            .AddAttribute("RateHai",
                          "Hyper increase step of the target rate",
                          DataRateValue(DataRate("4Gb/s")),
                          MakeDataRateAccessor(&DcqcnCongestionControl::m_rateHai),
                          MakeDataRateChecker());
    return tid;
}

DcqcnCongestionControl::DcqcnCongestionControl() = default;

void
DcqcnCongestionControl::Init(uint64_t lineRate, uint32_t mtu)
{
    CongestionControl::Init(lineRate, mtu);
    m_currentRate = double(lineRate);
    m_targetRate = double(lineRate);
}

void
DcqcnCongestionControl::OnCnp()
{
    m_targetRate = m_currentRate;
    m_currentRate *= 1 - m_alpha / 2;
    m_alpha = (1 - m_g) * m_alpha + m_g;
    m_timeStage = 0;
    m_byteStage = 0;
    m_bytesSinceEvent = 0;
    SetRate(static_cast<uint64_t>(m_currentRate));
    m_currentRate = double(GetRate()); // as clamped to MinRate
    // Both periods count from the cut.
    m_increaseEvent.Cancel();
    m_alphaEvent.Cancel();
    StartTimers();
}

bool
DcqcnCongestionControl::IsAtRest() const
{
    return !m_alphaEvent.IsRunning() && !m_increaseEvent.IsRunning();
}

bool
DcqcnCongestionControl::IsInitial() const
{
    return m_alpha == 1.0 && m_currentRate == double(GetLineRate()) &&
           m_targetRate == double(GetLineRate()) && GetRate() == GetLineRate() &&
           m_timeStage == 0 && m_byteStage == 0 && m_bytesSinceEvent == 0;
}

void
DcqcnCongestionControl::StartTimers()
{
    if (!m_alphaEvent.IsRunning())
    {
        m_alphaEvent = Simulator::Schedule(m_alphaPeriod, &DcqcnCongestionControl::AlphaTick, this);
    }
    if (!m_increaseEvent.IsRunning() && GetRate() < GetLineRate())
    {
        m_increaseEvent =
            Simulator::Schedule(m_increasePeriod, &DcqcnCongestionControl::IncreaseTick, this);
    }
}

void
DcqcnCongestionControl::AlphaTick()
{
    // The timer restarts at every CNP, so a tick means AlphaTimer without one.
    m_alpha *= 1 - m_g;
    // Alpha keeps decaying while the flow recovers; at line rate it waits for the next CNP.
    if (GetRate() < GetLineRate())
    {
        m_alphaEvent = Simulator::Schedule(m_alphaPeriod, &DcqcnCongestionControl::AlphaTick, this);
    }
}

void
DcqcnCongestionControl::IncreaseTick()
{
    ++m_timeStage;
    Increase();
    if (GetRate() < GetLineRate())
    {
        m_increaseEvent =
            Simulator::Schedule(m_increasePeriod, &DcqcnCongestionControl::IncreaseTick, this);
    }
}

void
DcqcnCongestionControl::OnSend(uint64_t psn, uint32_t wireBytes)
{
    if (m_byteCounter == 0 || GetRate() >= GetLineRate())
    {
        return;
    }
    m_bytesSinceEvent += wireBytes;
    if (m_bytesSinceEvent >= m_byteCounter)
    {
        m_bytesSinceEvent -= m_byteCounter;
        ++m_byteStage;
        Increase();
    }
}

void
DcqcnCongestionControl::Increase()
{
    uint32_t low = std::min(m_timeStage, m_byteStage);
    uint32_t high = std::max(m_timeStage, m_byteStage);
    if (high >= m_threshold)
    {
        m_targetRate += low >= m_threshold ? double(low - m_threshold + 1) * m_rateHai.GetBitRate()
                                           : double(m_rateAi.GetBitRate());
        m_targetRate = std::min(m_targetRate, double(GetLineRate()));
    }
    m_currentRate = (m_targetRate + m_currentRate) / 2;
    SetRate(static_cast<uint64_t>(m_currentRate));
}

void
DcqcnCongestionControl::DoDispose()
{
    m_alphaEvent.Cancel();
    m_increaseEvent.Cancel();
    CongestionControl::DoDispose();
}

} // namespace ns3
