/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/object-factory.h"

using namespace ns3;
using namespace nsfab_test;

namespace
{
class AckCoalescingTest : public FabricTest, public ::testing::WithParamInterface<uint32_t>
{
};

void
Append(std::vector<RdmaCompletion>* list, const RdmaCompletion& c)
{
    list->push_back(c);
}
} // namespace

TEST_P(AckCoalescingTest, ReceiverAcknowledgesEveryNthPacketAndEachMessageEnd)
{
    uint32_t interval = GetParam();
    ObjectFactory qps("ns3::RdmaQueuePair");
    qps.Set("AckInterval", UintegerValue(interval));
    FatTreeHelper helper;
    helper.SetNicAttribute("QueuePairFactory", ObjectFactoryValue(qps));
    FatTree tree = helper.Build(FatTreeShape{2, 4, 0, 0});
    Completion c;
    StartMessage(tree, 0, 3, 1 << 20, &c); // 256 packets of 4096 B
    Simulator::Run();
    ASSERT_TRUE(c.sentDone && c.receivedDone);
    // An ACK after every interval-th in-order packet, plus one at the message end unless the
    // last packet was itself an interval-th one.
    uint64_t expected = 256 / interval + (256 % interval ? 1 : 0);
    EXPECT_EQ(tree.nics[3]->GetTxFrames(), expected);
    EXPECT_EQ(tree.nics[0]->GetTxFrames(), 256u);
}

INSTANTIATE_TEST_SUITE_P(Intervals, AckCoalescingTest, ::testing::Values(1u, 4u, 5u, 256u, 1000u));

TEST_F(FabricTest, OutstandingMessagesCompleteInOrderOnBothSides)
{
    FatTree tree = FatTreeHelper().Build(FatTreeShape{2, 4, 0, 0});
    auto [sender, receiver] = RdmaHelper::Connect(tree.nics[1], tree.nics[2]);
    std::vector<RdmaCompletion> sent;
    std::vector<RdmaCompletion> received;
    sender->TraceConnectWithoutContext("SendComplete", MakeBoundCallback(&Append, &sent));
    receiver->TraceConnectWithoutContext("RecvComplete", MakeBoundCallback(&Append, &received));
    const uint64_t sizes[] = {10000, 1, 4096, 3 << 20};
    std::vector<uint64_t> ids;
    for (uint64_t bytes : sizes)
    {
        ids.push_back(sender->PostSend(bytes));
    }
    EXPECT_EQ(sender->GetOutstanding(), 4u);
    Simulator::Run();
    ASSERT_EQ(sent.size(), 4u);
    ASSERT_EQ(received.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i)
    {
        EXPECT_EQ(sent[i].wrId, ids[i]);
        EXPECT_EQ(sent[i].bytes, sizes[i]);
        EXPECT_EQ(received[i].wrId, i + 1); // message sequence number
        EXPECT_EQ(received[i].bytes, sizes[i]);
        EXPECT_EQ(received[i].qpn, receiver->GetQpn());
        EXPECT_LT(received[i].end, sent[i].end); // the ACK comes after the data
        if (i > 0)
        {
            EXPECT_GE(received[i].start, received[i - 1].end);
        }
    }
    EXPECT_EQ(sender->GetOutstanding(), 0u);
    EXPECT_EQ(receiver->GetOutOfOrderPackets(), 0u);
    // 10000 B is 3 packets, then 1, 1 and 768: 773 data packets from host1.
    EXPECT_EQ(tree.nics[1]->GetTxFrames(), 773u);
}

TEST_F(FabricTest, QueuePairsShareTheNicRoundRobin)
{
    // Two queue pairs on one NIC to two receivers on another leaf, each with 256 packets. The
    // first is posted, and starts, before the second joins the round-robin ring, so the order on
    // the wire is a a b a b ... a b b: a's last packet is frame 509, b's is frame 511.
    FatTree tree = FatTreeHelper().Build(FatTreeShape{2, 4, 0, 0});
    Completion a;
    Completion b;
    StartMessage(tree, 0, 2, 1 << 20, &a);
    StartMessage(tree, 0, 3, 1 << 20, &b);
    Simulator::Run();
    ASSERT_TRUE(a.receivedDone && b.receivedDone);
    Time frame = PicoSeconds(41780);
    EXPECT_EQ(b.received.end - a.received.end, 2 * frame);
    // Together they keep the sender's link busy: 512 frames back to back.
    EXPECT_GE(std::max(a.received.end, b.received.end), frame * 512);
    EXPECT_LE(std::max(a.received.end, b.received.end), frame * 512 + MicroSeconds(2));
}
