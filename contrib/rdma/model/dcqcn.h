/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DCQCN_H
#define DCQCN_H

#include "congestion-control.h"

#include "ns3/event-id.h"

namespace ns3
{

/**
 * \ingroup rdma
 * \brief DCQCN's reaction point (Zhu et al., "Congestion Control for Large-Scale RDMA
 *        Deployments", SIGCOMM 2015): a rate cut on each CNP, recovery by timer and byte
 *        counter in fast-recovery, additive and hyper-increase stages.
 *
 * On a CNP: target rate Rt = Rc, Rc = Rc (1 - alpha/2), alpha = (1 - g) alpha + g, and both
 * increase stages restart. Every AlphaTimer without a CNP: alpha = (1 - g) alpha. Every
 * IncreaseTimer, and every ByteCounter bytes sent, one increase event of its kind: while both
 * stage counts are below StageThreshold (F), fast recovery Rc = (Rt + Rc) / 2; once one of
 * them reaches F, additive increase Rt += RateAi first; once both have, hyper increase
 * Rt += i RateHai with i = min(stages) - F + 1 (QCN's form). Flows start at line rate with
 * alpha = 1, and the timers stop once the rate is back at line rate.
 *
 * Defaults: the paper's g = 1/256, K = 55 us alpha timer, T = 55 us increase timer,
 * B = 10 MB byte counter and F = 5; RateAi is the paper's 40 Mb/s at 40 Gb/s scaled by 20 to
 * 800 Gb/s, and RateHai five times RateAi (the DCQCN authors' simulator configuration).
 */
class DcqcnCongestionControl : public CongestionControl
{
  public:
    static TypeId GetTypeId();
    DcqcnCongestionControl();

    void Init(uint64_t lineRate, uint32_t mtu) override;
    void OnSend(uint64_t psn, uint32_t wireBytes) override;
    void OnCnp() override;
    /// Its timers run from a cut until the rate is back at line rate.
    bool IsAtRest() const override;
    /// Never cut (its decisions do not read the PSNs sent).
    bool IsInitial() const override;

    double GetAlpha() const
    {
        return m_alpha;
    }

    /// The target rate Rt, in bit/s.
    double GetTargetRate() const
    {
        return m_targetRate;
    }

  protected:
    void DoDispose() override;

  private:
    void AlphaTick();
    void IncreaseTick();
    /// One increase event, after a stage count went up.
    void Increase();
    /// Keep the timers running while below line rate.
    void StartTimers();

    double m_g;
    Time m_alphaPeriod;
    Time m_increasePeriod;
    uint64_t m_byteCounter;
    uint32_t m_threshold;
    DataRate m_rateAi;
    DataRate m_rateHai;

    double m_alpha{1.0};
    double m_currentRate{0};
    double m_targetRate{0};
    uint32_t m_timeStage{0};
    uint32_t m_byteStage{0};
    uint64_t m_bytesSinceEvent{0};
    EventId m_alphaEvent;
    EventId m_increaseEvent;
};

} // namespace ns3

#endif // DCQCN_H
