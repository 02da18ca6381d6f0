/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/dcqcn.h"

using namespace ns3;
using namespace nsfab_test;

namespace
{
void
LogRate(std::vector<std::pair<Time, uint64_t>>* log, uint64_t oldRate, uint64_t newRate)
{
    log->emplace_back(Simulator::Now(), newRate);
}

Ptr<DcqcnCongestionControl>
Dcqcn(std::vector<std::pair<Time, uint64_t>>* log)
{
    Ptr<DcqcnCongestionControl> cc = CreateObject<DcqcnCongestionControl>();
    cc->TraceConnectWithoutContext("Rate", MakeBoundCallback(&LogRate, log));
    cc->Init(800000000000ULL, 4096);
    return cc;
}
} // namespace

TEST_F(FabricTest, DcqcnCutsOnCnpAndRecoversInStages)
{
    // Defaults: g = 1/256, 55 us timers, F = 5, RateAi 0.8 Gb/s. Two CNPs at t = 0 with
    // alpha = 1: Rc 800 -> 400 (Rt 800), then 400 -> 200 (Rt 400); alpha stays 1. Then one
    // increase per 55 us from the second cut: fast recovery Rc = (Rt + Rc) / 2 four times
    // (300, 350, 375, 387.5), then additive increase Rt += 0.8: Rt 400.8, Rc 394.15; Rt 401.6,
    // Rc 397.875 (Gb/s, worked out by hand).
    std::vector<std::pair<Time, uint64_t>> log;
    Ptr<DcqcnCongestionControl> cc = Dcqcn(&log);
    cc->SetAttribute("ByteCounter", UintegerValue(0));
    cc->OnCnp();
    cc->OnCnp();
    EXPECT_DOUBLE_EQ(cc->GetAlpha(), 1.0);
    EXPECT_DOUBLE_EQ(cc->GetTargetRate(), 400e9);
    Simulator::Stop(MicroSeconds(6 * 55) + NanoSeconds(1));
    Simulator::Run();
    const uint64_t expected[] = {400000000000ULL,
                                 200000000000ULL,
                                 300000000000ULL,
                                 350000000000ULL,
                                 375000000000ULL,
                                 387500000000ULL,
                                 394150000000ULL,
                                 397875000000ULL};
    ASSERT_EQ(log.size(), 8u);
    for (std::size_t i = 0; i < log.size(); ++i)
    {
        EXPECT_EQ(log[i].second, expected[i]) << "step " << i;
        EXPECT_EQ(log[i].first, MicroSeconds(55 * (i < 2 ? 0 : i - 1))) << "step " << i;
    }
    // Alpha decays by (1 - g) per 55 us without a CNP: six ticks.
    EXPECT_NEAR(cc->GetAlpha(), std::pow(255.0 / 256, 6), 1e-12);
}

TEST_F(FabricTest, DcqcnHyperIncreasesOnceBothCountersPassTheThreshold)
{
    // Timer stages first (10 us timer): four fast recoveries and one additive step as above,
    // Rc 394.15, Rt 400.8. Then 1 MB byte-counter events: byte stages 1-4 are additive (the
    // timer stage is already 5): Rt 401.6, 402.4, 403.2, 404.0 with Rc halving the gap each
    // time: 397.875, 400.1375, 401.66875, 402.834375; byte stage 5 makes both counters reach
    // F: hyper increase Rt += 1 x 4 Gb/s = 408.0, Rc = 405.4171875 Gb/s.
    std::vector<std::pair<Time, uint64_t>> log;
    Ptr<DcqcnCongestionControl> cc = Dcqcn(&log);
    cc->SetAttribute("IncreaseTimer", TimeValue(MicroSeconds(10)));
    cc->SetAttribute("AlphaTimer", TimeValue(MilliSeconds(10)));
    cc->SetAttribute("ByteCounter", UintegerValue(1000000));
    cc->OnCnp();
    cc->OnCnp();
    Simulator::Stop(MicroSeconds(55));
    Simulator::Run();
    EXPECT_EQ(cc->GetRate(), 394150000000ULL);
    cc->SetAttribute("IncreaseTimer", TimeValue(Seconds(1))); // no more timer stages
    for (int i = 0; i < 5; ++i)
    {
        cc->PacketSent(0, 1000000);
    }
    EXPECT_DOUBLE_EQ(cc->GetTargetRate(), 408e9);
    EXPECT_EQ(cc->GetRate(), 405417187500ULL);
}
