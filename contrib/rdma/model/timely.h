/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TIMELY_H
#define TIMELY_H

#include "congestion-control.h"

namespace ns3
{

/**
 * \ingroup rdma
 * \brief TIMELY (Mittal et al., "TIMELY: RTT-based Congestion Control for the Datacenter",
 *        SIGCOMM 2015): a rate driven by the RTT and its gradient.
 *
 * One RTT sample at a time: the first new packet sent while no sample is open, and at least
 * SampleInterval after the previous sample began, is timed until an acknowledgement covers it.
 * As Karn's rule has it, resent packets are not timed, and a sample whose packet is resent (or
 * whose flow times out) is discarded. The interval (default the paper's
 * minRTT, 20 us) keeps the update rate the same for flows of different base RTTs: updated once
 * per own RTT, a flow with half the RTT of another adds Delta twice as often and keeps about
 * twice the rate (a 3-local, 5-remote 8:1 incast measured a Jain index of 0.81). Each sample
 * updates the rate as the paper's Algorithm 1: the EWMA (gain Alpha) of successive RTT
 * differences, normalized by MinRtt, is the gradient; below TLow the rate grows by Delta; above
 * THigh it falls by the factor 1 - Beta (1 - THigh / rtt); otherwise a gradient <= 0 adds Delta
 * (HaiThreshold consecutive times or more: HaiThreshold x Delta, hyper-active increase) and a
 * positive one multiplies the rate by 1 - Beta x gradient.
 *
 * Defaults: the paper's beta = 0.8, TLow = 50 us, minRTT = 20 us and N = 5 for hyper-active
 * increase, with alpha = 0.875 and THigh = 500 us as in the HPCC authors' simulator; Delta is
 * the paper's 10 Mb/s at 10 Gb/s scaled by 80 to 800 Gb/s.
 */
class TimelyCongestionControl : public CongestionControl
{
  public:
    static TypeId GetTypeId();
    TimelyCongestionControl();

    void OnSend(uint64_t psn, uint32_t wireBytes) override;
    void OnAck(const RoceHeader& ack, uint64_t una, uint64_t ackedBytes) override;
    void OnTimeout() override;

    /// Apply one RTT sample (normally taken from the acknowledgements).
    void OnRttSample(Time rtt);

    /// The smoothed RTT difference, in seconds.
    double GetRttDiff() const
    {
        return m_rttDiff;
    }

  private:
    double m_alpha;
    double m_beta;
    DataRate m_delta;
    Time m_tLow;
    Time m_tHigh;
    Time m_minRtt;
    uint32_t m_haiThreshold;
    Time m_sampleInterval;

    bool m_sampling{false};
    bool m_sampledOnce{false};
    uint64_t m_samplePsn{0};
    Time m_sampleSent;
    bool m_havePrevRtt{false};
    Time m_prevRtt;
    double m_rttDiff{0};
    uint32_t m_negativeGradients{0};
};

} // namespace ns3

#endif // TIMELY_H
