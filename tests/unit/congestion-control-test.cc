/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// HPCC, TIMELY and DCTCP updates checked step by step against values worked out by hand from
// each paper's rules and the default parameters.

#include "fabric-test.h"

#include "ns3/dctcp.h"
#include "ns3/hpcc.h"
#include "ns3/rdma-queue-pair.h"
#include "ns3/timely.h"

using namespace ns3;
using namespace nsfab_test;

namespace
{
constexpr uint64_t LINE_RATE = 800000000000ULL;

/// An acknowledgement echoing one hop of an 800 Gb/s port.
RoceHeader
AckWithHop(uint64_t queueBytes, uint64_t txBytes, Time at)
{
    RoceHeader data;
    data.EnableInt();
    data.PushIntHop(LINE_RATE, queueBytes, txBytes, at);
    RoceHeader ack;
    ack.SetOpcode(RoceHeader::RC_ACKNOWLEDGE);
    ack.EchoInt(data);
    return ack;
}

RoceHeader
AckWithEcnEcho(bool echo)
{
    RoceHeader ack;
    ack.SetOpcode(RoceHeader::RC_ACKNOWLEDGE);
    ack.SetEcnEcho(echo);
    return ack;
}
} // namespace

TEST_F(FabricTest, HpccWindowFollowsTheTelemetry)
{
    // T = 6 us, B = 1e11 B/s: W_init = B T = 600,000 B; W_AI = 400 Mb/s x T = 300 B.
    Ptr<HpccCongestionControl> cc = CreateObject<HpccCongestionControl>();
    cc->Init(LINE_RATE, 4096);
    EXPECT_TRUE(cc->WantsInt());
    EXPECT_EQ(cc->GetWindow(), 600000u);
    for (uint64_t psn = 0; psn < 100; ++psn)
    {
        cc->PacketSent(psn, 4158);
    }
    // The first sample only sets the reference.
    cc->OnAck(AckWithHop(128000, 0, Seconds(0)), 1, 4096);
    EXPECT_EQ(cc->GetWindow(), 600000u);
    EXPECT_EQ(cc->GetRate(), LINE_RATE);

    // 1 MB in 10 us (txRate / B = 1) with min(128,000, 96,000) B queued (0.16 of B T): u =
    // 1.16, tau capped at T so U = 1.16. A new RTT (una 10 > 0): W = Wc eta / U + W_AI =
    // 491,679.31 B, which becomes Wc; rate W / T = 655.572 Gb/s.
    cc->OnAck(AckWithHop(96000, 1000000, MicroSeconds(10)), 10, 4096);
    EXPECT_NEAR(cc->GetUtilization(), 1.16, 1e-9);
    EXPECT_NEAR(cc->GetReferenceWindow(), 491679.3103, 1e-3);
    EXPECT_EQ(cc->GetWindow(), 491679u);
    EXPECT_NEAR(double(cc->GetRate()), 655572413793.1, 1.0);

    // Same RTT (una 50 <= 100, the next PSN to send when Wc changed): 240 KB in 2.4 us (u = 1, the
    // queue's minimum is 0) weighs tau / T = 0.4: U = 1.096, W = 491,679.31 x 0.95 / 1.096 +
    // 300 = 426,481.88 B, and Wc stays.
    cc->OnAck(AckWithHop(0, 1240000, NanoSeconds(12400)), 50, 4096);
    EXPECT_NEAR(cc->GetUtilization(), 1.096, 1e-9);
    EXPECT_EQ(cc->GetWindow(), 426481u);
    EXPECT_NEAR(cc->GetReferenceWindow(), 491679.3103, 1e-3);

    // Next RTT (una 101 > 100), 120 KB in 6 us: U = 0.2 < eta with no stage yet, so additive
    // increase W = Wc + W_AI = 491,979.31 B.
    cc->OnAck(AckWithHop(0, 1360000, NanoSeconds(18400)), 101, 4096);
    EXPECT_NEAR(cc->GetUtilization(), 0.2, 1e-9);
    EXPECT_NEAR(cc->GetReferenceWindow(), 491979.3103, 1e-3);
    EXPECT_EQ(cc->GetWindow(), 491979u);
}

TEST_F(FabricTest, HpccMultiplicativeAfterMaxStageAdditiveSteps)
{
    // With U = 0.8 < eta every RTT: five additive steps (MaxStage), then W = Wc eta / U + W_AI.
    Ptr<HpccCongestionControl> cc = CreateObject<HpccCongestionControl>();
    cc->SetAttribute("RateAi", DataRateValue(DataRate("8Gb/s"))); // W_AI = 6,000 B
    cc->Init(LINE_RATE, 4096);
    uint64_t tx = 0;
    uint64_t psn = 0;
    cc->PacketSent(psn++, 4158);
    cc->OnAck(AckWithHop(0, tx, Seconds(0)), psn, 4096);
    // One overload sample first, below the B T cap: 1.2 MB in 6 us is U = 2,
    // W = 600,000 x 0.95 / 2 + 6,000 = 291,000 B.
    tx += 1200000;
    cc->PacketSent(psn++, 4158);
    cc->OnAck(AckWithHop(0, tx, MicroSeconds(6)), psn, 4096);
    EXPECT_NEAR(cc->GetReferenceWindow(), 291000, 1e-6);
    // 297,000 303,000 309,000 315,000 321,000, then 321,000 x 0.95 / 0.8 + 6,000 = 387,187.5
    // (an additive sixth step would give 327,000).
    const double expected[] = {297000, 303000, 309000, 315000, 321000, 387187.5};
    for (int step = 1; step <= 6; ++step)
    {
        tx += 480000; // 480 KB in 6 us: U = 0.8
        cc->PacketSent(psn++, 4158);
        cc->OnAck(AckWithHop(0, tx, MicroSeconds(6 + 6 * step)), psn, 4096);
        EXPECT_NEAR(cc->GetUtilization(), 0.8, 1e-12) << "step " << step;
        EXPECT_NEAR(cc->GetReferenceWindow(), expected[step - 1], 1e-6) << "step " << step;
    }
}

TEST_F(FabricTest, QueuePairEchoesCeMarksOnItsNextAck)
{
    // Every second packet is acknowledged; an ACK echoes the CE marks of the packets counted
    // in since the previous one, placed ones included, and a duplicate's re-ACK (which the
    // sender drops) consumes none.
    Ptr<RdmaQueuePair> qp = CreateObject<RdmaQueuePair>();
    qp->SetAttribute("AckInterval", UintegerValue(2));
    qp->Setup(1, 0x0A000001, 0x0A000002, 1, 4791, 4096, LINE_RATE);
    auto data = [](uint32_t psn, bool ce) {
        RoceHeader h;
        h.SetOpcode(RoceHeader::RC_SEND_MIDDLE);
        h.SetPsn(psn);
        h.SetEcn(ce ? RoceHeader::ECN_CE : RoceHeader::ECN_ECT0);
        h.SetPayload(4096);
        return h;
    };
    // Read from the ACK's bytes.
    auto echo = [](const FramePtr& ack) {
        RoceHeader h;
        ack->GetPacket()->PeekHeader(h);
        return h.GetEcnEcho();
    };
    EXPECT_EQ(qp->ReceiveData(data(0, true)), nullptr);
    FramePtr ack = qp->ReceiveData(data(1, false));
    ASSERT_NE(ack, nullptr);
    EXPECT_TRUE(echo(ack));
    EXPECT_EQ(qp->ReceiveData(data(3, true)), nullptr); // placed ahead of PSN 2
    ack = qp->ReceiveData(data(0, false));              // duplicate
    ASSERT_NE(ack, nullptr);
    EXPECT_FALSE(echo(ack));
    ack = qp->ReceiveData(data(2, false)); // fills the hole: PSNs 2 and 3 counted in
    ASSERT_NE(ack, nullptr);
    EXPECT_TRUE(echo(ack));
    EXPECT_EQ(qp->ReceiveData(data(4, false)), nullptr);
    ack = qp->ReceiveData(data(5, false));
    ASSERT_NE(ack, nullptr);
    EXPECT_FALSE(echo(ack));
}

TEST_F(FabricTest, QueuePairAsksForTelemetryWhenItsCongestionControlReadsIt)
{
    for (const auto& [typeId, wantsInt] : {std::pair{"ns3::HpccCongestionControl", true},
                                           std::pair{"ns3::DcqcnCongestionControl", false}})
    {
        Ptr<RdmaQueuePair> qp = CreateObject<RdmaQueuePair>();
        qp->SetAttribute("CongestionControl", ObjectFactoryValue(ObjectFactory(typeId)));
        qp->Setup(1, 0x0A000001, 0x0A000002, 1, 4791, 4096, LINE_RATE);
        qp->PostSend(4096);
        RoceHeader h;
        qp->NextPacket()->GetPacket()->PeekHeader(h);
        EXPECT_EQ(h.HasInt(), wantsInt) << typeId;
        qp->Dispose();
    }
}

TEST_F(FabricTest, TimelyRateFollowsTheRttAndItsGradient)
{
    Ptr<TimelyCongestionControl> cc = CreateObject<TimelyCongestionControl>();
    cc->Init(LINE_RATE, 4096);
    // One sample at a time: PSN 0 is timed; PSN 1, sent meanwhile, is not.
    Simulator::Schedule(Seconds(0), [cc]() {
        cc->PacketSent(0, 4158);
        cc->PacketSent(1, 4158);
    });
    Simulator::Schedule(MicroSeconds(60), [cc]() {
        cc->OnAck(RoceHeader(), 2, 8192); // first sample: 60 us, sets the reference only
        cc->PacketSent(2, 4158);
    });
    Simulator::Schedule(MicroSeconds(100), [cc]() { cc->OnAck(RoceHeader(), 2, 0); });
    Simulator::Schedule(MicroSeconds(130), [cc]() { cc->OnAck(RoceHeader(), 3, 4096); });
    Simulator::Run();
    // Second sample 70 us: rttDiff = 0.875 x 10 us, gradient 8.75 / 20 = 0.4375 in
    // [TLow, THigh]: rate x (1 - 0.8 x 0.4375) = 520 Gb/s.
    EXPECT_NEAR(cc->GetRttDiff(), 8.75e-6, 1e-15);
    EXPECT_EQ(cc->GetRate(), 520000000000ULL);
    // 40 us < TLow: + Delta (0.8 Gb/s).
    cc->OnRttSample(MicroSeconds(40));
    EXPECT_EQ(cc->GetRate(), 520800000000ULL);
    // 600 us > THigh: x (1 - 0.8 (1 - 500 / 600)) = 451.36 Gb/s.
    cc->OnRttSample(MicroSeconds(600));
    EXPECT_NEAR(double(cc->GetRate()), 451.36e9, 1e3);
    // Falling RTT in [TLow, THigh]: four additive steps, then the fifth is hyper-active (5 x).
    const double expected[] = {452.16e9, 452.96e9, 453.76e9, 454.56e9, 458.56e9};
    for (double rate : expected)
    {
        cc->OnRttSample(MicroSeconds(100));
        EXPECT_LE(cc->GetRttDiff(), 0);
        EXPECT_NEAR(double(cc->GetRate()), rate, 1e3);
    }
}

TEST_F(FabricTest, DctcpCutsOncePerWindowByAlpha)
{
    // BaseRtt 6 us at 800 Gb/s: the first window is 600,000 B; alpha starts at 1, g = 1/16.
    Ptr<DctcpCongestionControl> cc = CreateObject<DctcpCongestionControl>();
    cc->Init(LINE_RATE, 4096);
    EXPECT_EQ(cc->GetWindow(), 600000u);
    for (uint64_t psn = 0; psn < 100; ++psn)
    {
        cc->PacketSent(psn, 4158);
    }
    // First echo: alpha = 15/16 + 1/16 x 1 = 1; the window halves to 300,000 B.
    cc->OnAck(AckWithEcnEcho(true), 10, 40960);
    EXPECT_DOUBLE_EQ(cc->GetAlpha(), 1.0);
    EXPECT_EQ(cc->GetWindow(), 300000u);
    // A second echo in the same window does not cut again.
    cc->OnAck(AckWithEcnEcho(true), 20, 40960);
    EXPECT_EQ(cc->GetWindow(), 300000u);
    // No echo: + MTU x acked / W = 300,559.24 B.
    cc->OnAck(AckWithEcnEcho(false), 30, 40960);
    EXPECT_EQ(cc->GetWindow(), 300559u);
    for (uint64_t psn = 100; psn < 200; ++psn)
    {
        cc->PacketSent(psn, 4158);
    }
    // The window [0, 100) (opened by the first acknowledgement) ends: F = 40,960 / 372,736,
    // alpha = 15/16 + F / 16 = 0.944368; W grows to 304,522.46 B.
    cc->OnAck(AckWithEcnEcho(false), 101, 290816);
    EXPECT_NEAR(cc->GetAlpha(), 0.9443681319, 1e-9);
    EXPECT_EQ(cc->GetWindow(), 304522u);
    // An echo in the new window cuts by (1 - alpha / 2): 160,731.81 B.
    cc->OnAck(AckWithEcnEcho(true), 150, 0);
    EXPECT_EQ(cc->GetWindow(), 160731u);
}
