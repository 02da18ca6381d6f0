/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef HPCC_H
#define HPCC_H

#include "congestion-control.h"

#include <array>

namespace ns3
{

/**
 * \ingroup rdma
 * \brief HPCC (Li et al., "HPCC: High Precision Congestion Control", SIGCOMM 2019): a window
 *        computed from the in-band telemetry of every switch on the path.
 *
 * Each acknowledgement echoes, per hop, the egress port's rate B, queue q, transmitted bytes and
 * timestamp. The hop's normalized inflight is u = min(q, q_prev) / (B T) + txRate / B, txRate
 * being the bytes sent between this and the previous sample over their time difference tau; the
 * most loaded hop gives u and tau, and U = (1 - tau/T) U + (tau/T) u with tau capped at T
 * (the base RTT). Then the window W = Wc / (U / eta) + W_AI when U >= eta or after MaxStage
 * additive steps, else W = Wc + W_AI; the reference window Wc takes W once per RTT (on the
 * first acknowledgement whose una passes the next PSN to send when Wc last changed). The queue pair
 * paces at W / T. W never exceeds the line rate's bandwidth-delay product B T, the starting window.
 *
 * Defaults: the paper's eta = 0.95 and maxStage = 5. W_AI = RateAi x T; the paper sizes it as
 * W_init (1 - eta) / N so that N flows' additive increases stay within the 5 % headroom: the
 * default 400 Mb/s is that with N = 100 at 800 Gb/s. BaseRtt is 6 us, a little above the
 * unloaded RTT of the longest path of a 3-tier fabric with the default 500 ns switches.
 */
class HpccCongestionControl : public CongestionControl
{
  public:
    static TypeId GetTypeId();
    HpccCongestionControl();

    void Init(uint64_t lineRate, uint32_t mtu) override;
    bool WantsInt() const override;
    void OnAck(const RoceHeader& ack, uint64_t una, uint64_t ackedBytes) override;

    /// The normalized inflight estimate U.
    double GetUtilization() const
    {
        return m_u;
    }

    /// The reference window Wc, in bytes.
    double GetReferenceWindow() const
    {
        return m_wc;
    }

  private:
    /// Update U from \p ack's hops against the previous sample; false when there is no
    /// comparable previous sample.
    bool MeasureInflight(const RoceHeader& ack);

    Time m_baseRtt;
    double m_eta;
    uint32_t m_maxStage;
    DataRate m_rateAi;

    /// BaseRtt in seconds, converted once for the per-acknowledgement arithmetic.
    double m_rttSeconds{0};
    double m_maxWindow{0};
    double m_wai{0};
    double m_wc{0};
    double m_u{1};
    uint32_t m_incStage{0};
    uint64_t m_lastUpdatePsn{0};
    std::array<IntHop, RoceHeader::INT_MAX_HOPS> m_hops{};
    uint32_t m_nHops{0};
    Time m_lastSample;
};

} // namespace ns3

#endif // HPCC_H
