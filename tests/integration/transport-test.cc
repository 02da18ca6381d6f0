/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/error-model.h"
#include "ns3/pointer.h"

using namespace ns3;
using namespace nsfab_test;

namespace
{
/// host0 -> host4 (leaf0, a spine, leaf1) with queue pairs made by \p qps.
FatTree
BuildPath(const ObjectFactory& qps)
{
    FatTreeHelper helper;
    helper.SetNicAttribute("QueuePairFactory", ObjectFactoryValue(qps));
    return helper.Build(FatTreeShape{2, 8, 0, 0});
}

/// BuildPath with a 100 us retransmission timer, host4's link losing the frames \p loss lists.
FatTree
BuildTimedPath(Ptr<ListErrorModel> loss)
{
    ObjectFactory qps("ns3::RdmaQueuePair");
    qps.Set("RetransmitTimeout", TimeValue(MicroSeconds(100)));
    FatTree tree = BuildPath(qps);
    tree.nics[4]->SetAttribute("ReceiveErrorModel", PointerValue(loss));
    return tree;
}

struct LossRun
{
    uint64_t lost{0};
    uint64_t retransmittedBytes{0};
    uint64_t retransmittedPackets{0};
    uint64_t naks{0};
    bool completed{false};
    uint64_t bytesReceived{0};
};

/// 8 MiB from host0 to host4 while host4's link loses one data frame in 200 (a fixed random
/// stream: the run is repeatable).
LossRun
RunWithLoss(RdmaQueuePair::LossRecovery recovery, bool placement)
{
    ObjectFactory qps("ns3::RdmaQueuePair");
    qps.Set("LossRecovery", EnumValue(recovery));
    qps.Set("OutOfOrderPlacement", BooleanValue(placement));
    FatTree tree = BuildPath(qps);
    Ptr<RateErrorModel> loss = CreateObject<RateErrorModel>();
    loss->SetAttribute("ErrorUnit", EnumValue(RateErrorModel::ERROR_UNIT_PACKET));
    loss->SetAttribute("ErrorRate", DoubleValue(1.0 / 200));
    loss->AssignStreams(11);
    tree.nics[4]->SetAttribute("ReceiveErrorModel", PointerValue(loss));
    Completion c;
    Ptr<RdmaQueuePair> sender = StartMessage(tree, 0, 4, 8 << 20, &c);
    Simulator::Run();
    LossRun run;
    run.lost = tree.nics[4]->GetRxErrors();
    run.retransmittedBytes = sender->GetRetransmittedBytes();
    run.retransmittedPackets = sender->GetRetransmittedPackets();
    run.completed = c.sentDone && c.receivedDone;
    run.bytesReceived = c.received.bytes;
    Simulator::Destroy();
    return run;
}
} // namespace

TEST_F(FabricTest, LostPacketsAreResentGoBackNOrSelectively)
{
    LossRun gbn = RunWithLoss(RdmaQueuePair::GO_BACK_N, false);
    LossRun sr = RunWithLoss(RdmaQueuePair::SELECTIVE_REPEAT, true);
    for (const LossRun* run : {&gbn, &sr})
    {
        EXPECT_TRUE(run->completed);
        EXPECT_EQ(run->bytesReceived, 8u << 20);
        // 2048 packets at 1/200: about 10 lost (a resend can be lost too).
        EXPECT_GT(run->lost, 2u);
        EXPECT_GE(run->retransmittedPackets, run->lost);
    }
    // Selective repeat resends each lost packet (once, unless the resend is lost as well or a
    // timer fires); go-back-N resends everything in flight behind each loss, about a
    // bandwidth-delay product (tens of packets) per loss.
    EXPECT_LE(sr.retransmittedPackets, 2 * sr.lost);
    EXPECT_GT(gbn.retransmittedPackets, 5 * gbn.lost);
    EXPECT_LT(sr.retransmittedBytes, gbn.retransmittedBytes);
    std::cout << "lost " << gbn.lost << "/" << sr.lost << ", resent bytes go-back-N "
              << gbn.retransmittedBytes << ", selective repeat " << sr.retransmittedBytes << "\n";
}

TEST_F(FabricTest, LossWithoutNakIsRecoveredByTheTimer)
{
    // Placement without selective repeat sends no NAK (reordering is expected): a loss is
    // found by the retransmission timer, which resends go-back-N from the hole.
    Ptr<ListErrorModel> loss = CreateObject<ListErrorModel>();
    FatTree tree = BuildTimedPath(loss);
    // Lose the 10th data frame to arrive (packet uids are assigned in creation order).
    std::vector<uint64_t> uids;
    tree.nics[0]->TraceConnectWithoutContext(
        "MacTx",
        MakeBoundCallback(
            +[](std::vector<uint64_t>* u, Ptr<ListErrorModel> m, Ptr<const Packet> p) {
                u->push_back(p->GetUid());
                if (u->size() == 10)
                {
                    m->SetList({static_cast<uint32_t>(p->GetUid())});
                }
            },
            &uids,
            loss));
    Completion c;
    Ptr<RdmaQueuePair> sender = StartMessage(tree, 0, 4, 64 * 4096, &c);
    Simulator::Run();
    ASSERT_TRUE(c.receivedDone && c.sentDone);
    EXPECT_EQ(tree.nics[4]->GetRxErrors(), 1u);
    EXPECT_EQ(sender->GetTimeouts(), 1u);
    // Go-back-N from PSN 9: the 55 packets 9..63 go again.
    EXPECT_EQ(sender->GetRetransmittedPackets(), 55u);
    // The message ends one timeout after the first ACK that stopped at PSN 8 restarted it.
    EXPECT_GT(c.sent.end, MicroSeconds(100));
}

TEST_F(FabricTest, SprayingWithPlacementResendsNothing)
{
    // Packet spraying over paths of unequal length reorders the flows of a permutation across
    // the core (leaf0's first uplink is 60 m of fiber, 300 ns, the rest 2 m); placement counts
    // early packets in when the gap fills, so nothing is resent and no timer fires.
    FatTreeHelper helper;
    helper.SetLoadBalancer("ns3::SprayLoadBalancer");
    FatTree tree = helper.Build(FatTreeShape{3, 4, 0, 0});
    tree.tiers[0][0]->GetPort(2)->GetChannel()->SetAttribute("Delay", TimeValue(NanoSeconds(300)));
    uint32_t hosts = tree.GetNHosts();
    std::vector<Completion> done(hosts);
    std::vector<Ptr<RdmaQueuePair>> senders;
    for (uint32_t i = 0; i < hosts; ++i)
    {
        senders.push_back(StartMessage(tree, i, (i + hosts / 2) % hosts, 1 << 20, &done[i]));
    }
    Simulator::Run();
    uint64_t reordered = 0;
    for (uint32_t i = 0; i < hosts; ++i)
    {
        EXPECT_TRUE(done[i].sentDone && done[i].receivedDone);
        EXPECT_EQ(done[i].received.bytes, 1u << 20);
        EXPECT_EQ(senders[i]->GetRetransmittedPackets(), 0u);
        EXPECT_EQ(senders[i]->GetTimeouts(), 0u);
    }
    for (const auto& nic : tree.nics)
    {
        for (uint32_t qpn = 2; qpn < nic->GetNextQpn(); ++qpn)
        {
            reordered += nic->GetQueuePair(qpn)->GetOutOfOrderPackets();
        }
    }
    EXPECT_GT(reordered, 0u) << "spraying reordered nothing: the test shows nothing";
}

TEST_F(FabricTest, WindowBoundsTheBytesInFlight)
{
    // A 16 KiB window (4 packets) on a path whose round trip is far longer than 4 frames: the
    // flow sends 4 packets per round trip. Round trip: a data frame's store-and-forward path
    // (4 x 41.78 ns + 4 x 10 ns + 3 x 500 ns) and the ACK's (4 x 0.84 ns + 4 x 10 ns + 3 x
    // 500 ns) = 3250.48 ns; 256 packets take 64 round trips, the last 3 frames a little more.
    ObjectFactory cc("ns3::NoCongestionControl");
    cc.Set("Window", UintegerValue(4 * 4096));
    ObjectFactory qps("ns3::RdmaQueuePair");
    qps.Set("CongestionControl", ObjectFactoryValue(cc));
    FatTree tree = BuildPath(qps);
    Completion c;
    StartMessage(tree, 0, 4, 256 * 4096, &c);
    Simulator::Run();
    ASSERT_TRUE(c.sentDone);
    double rtt = 4 * 41.78 + 4 * 10 + 3 * 500 + 4 * 0.84 + 4 * 10 + 3 * 500;
    EXPECT_NEAR(c.sent.end.GetNanoSeconds(), 64 * rtt, 4 * 41.78 + 1);
}

namespace
{
void
LogCnp(std::vector<Time>* times, Ptr<const Packet> p)
{
    RoceHeader h;
    p->PeekHeader(h);
    if (h.IsRoce() && h.GetOpcode() == RoceHeader::CNP)
    {
        times->push_back(Simulator::Now());
    }
}
} // namespace

TEST_F(FabricTest, MarkedDataBringsAtMostOneCnpPerInterval)
{
    // Two senders into host0 with marking from 10 KB on: the receiver returns CNPs, for each
    // queue pair no closer than 50 us, and the senders' queue pairs count them.
    FatTreeHelper helper;
    helper.SetEcnMarkerAttribute("Kmin", UintegerValue(10000));
    helper.SetEcnMarkerAttribute("Kmax", UintegerValue(20000));
    FatTree tree = helper.Build(FatTreeShape{2, 8, 0, 0});
    std::vector<Time> cnps;
    tree.nics[0]->TraceConnectWithoutContext("MacTx", MakeBoundCallback(&LogCnp, &cnps));
    Completion c1;
    Completion c2;
    Ptr<RdmaQueuePair> s1 = StartMessage(tree, 1, 0, 16 << 20, &c1);
    Ptr<RdmaQueuePair> s2 = StartMessage(tree, 2, 0, 16 << 20, &c2);
    Simulator::Run();
    ASSERT_TRUE(c1.receivedDone && c2.receivedDone);
    uint64_t received = s1->GetCnpsReceived() + s2->GetCnpsReceived();
    EXPECT_EQ(received, cnps.size());
    EXPECT_GT(s1->GetCnpsReceived(), 1u);
    EXPECT_GT(s2->GetCnpsReceived(), 1u);
    // Two queue pairs, each at most one CNP per 50 us over the run.
    double runUs = std::max(c1.received.end, c2.received.end).GetMicroSeconds();
    EXPECT_LE(double(received), 2 * (runUs / 50 + 1));
}

namespace
{
/// What the second of two messages on one queue pair saw.
struct SecondMessage
{
    Time end;          //!< its acknowledgement
    uint64_t timeouts; //!< of both messages
    bool rested;       //!< both ends rested between the messages
};

/// host0 sends 64 packets to host4 and, 20 us after they are acknowledged, one more, on one
/// queue pair whose retransmission timer is 100 us; the 10th data frame and the second
/// message's frame are lost, so both wait for the timer. The first timeout doubles the timer
/// and leaves its event pending 200 us on, which still decides when the second loss is found.
/// With \p rest both ends rest 10 us after the first message.
SecondMessage
RunTwoLossyMessages(bool rest)
{
    Ptr<ListErrorModel> loss = CreateObject<ListErrorModel>();
    FatTree tree = BuildTimedPath(loss);
    // Data frames in the order sent: 64, the 55 resent from the hole (go-back-N), then the
    // second message's.
    std::vector<uint32_t> lost;
    uint32_t frames = 0;
    tree.nics[0]->TraceConnectWithoutContext(
        "MacTx",
        MakeBoundCallback(
            +[](uint32_t* n, std::vector<uint32_t>* l, Ptr<ListErrorModel> m, Ptr<const Packet> p) {
                if (++*n == 10 || *n == 64 + 55 + 1)
                {
                    l->push_back(static_cast<uint32_t>(p->GetUid()));
                    m->SetList({l->begin(), l->end()});
                }
            },
            &frames,
            &lost,
            loss));
    uint32_t qpn;
    uint32_t peerQpn;
    {
        auto [sender, receiver] = RdmaHelper::Connect(tree.nics[0], tree.nics[4]);
        qpn = sender->GetQpn();
        peerQpn = receiver->GetQpn();
        sender->PostSend(64 * 4096);
    } // only the NICs hold them now
    tree.nics[0]->LetRest(qpn);
    tree.nics[4]->LetRest(peerQpn);
    SecondMessage second{Time(), 0, false};

    struct Context
    {
        FatTree* tree;
        uint32_t qpn;
        uint32_t peerQpn;
        bool rest;
        SecondMessage* second;
        uint32_t sent{0};
    } context{&tree, qpn, peerQpn, rest, &second};

    auto onCompleted = +[](Context* x, const RdmaCompletion& done, bool sent) {
        if (!sent || ++x->sent == 2)
        {
            x->second->end = sent ? done.end : x->second->end;
            return;
        }
        if (x->rest)
        {
            Simulator::Schedule(MicroSeconds(10), [x] {
                x->tree->nics[0]->RestIdleQueuePairs();
                x->tree->nics[4]->RestIdleQueuePairs();
                x->second->rested =
                    x->tree->nics[0]->IsResting(x->qpn) && x->tree->nics[4]->IsResting(x->peerQpn);
            });
        }
        Simulator::Schedule(MicroSeconds(20),
                            [x] { x->tree->nics[0]->GetQueuePair(x->qpn)->PostSend(4096); });
    };
    tree.nics[0]->GetQueuePair(qpn)->SetCompletionCallback(
        MakeBoundCallback(onCompleted, &context));
    Simulator::Run();
    second.timeouts = tree.nics[0]->GetQueuePairCounters().timeouts;
    EXPECT_EQ(tree.nics[4]->GetRxErrors(), 2u);
    Simulator::Destroy();
    return second;
}
} // namespace

TEST_F(FabricTest, RestingQueuePairsKeepTheirPendingTimer)
{
    SecondMessage awake = RunTwoLossyMessages(false);
    SecondMessage rested = RunTwoLossyMessages(true);
    EXPECT_TRUE(rested.rested) << "nothing rested: the test shows nothing";
    EXPECT_EQ(awake.timeouts, 2u);
    EXPECT_EQ(rested.timeouts, 2u);
    EXPECT_GT(awake.end, Time()) << "the second message never completed";
    EXPECT_EQ(rested.end, awake.end);
}
