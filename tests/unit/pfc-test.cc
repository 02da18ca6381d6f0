/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/fabric-pcap.h"
#include "ns3/packet.h"
#include "ns3/pfc-header.h"

#include <filesystem>

using namespace ns3;
using namespace nsfab_test;

namespace
{
/// Two ports, a -> b, on an 800 Gb/s link with 100 ns of propagation delay.
struct Link
{
    Ptr<FabricNetDevice> a;
    Ptr<FabricNetDevice> b;
    std::vector<std::pair<uint8_t, Time>> sent; // (DSCP, start) of every frame a sends

    Link()
    {
        std::tie(a, b) = ConnectedPorts(NanoSeconds(100));
        a->TraceConnectWithoutContext("MacTx", MakeBoundCallback(&Link::Sent, &sent));
    }

    /// Queue \p count full RoCE frames at a with \p dscp.
    void Load(uint32_t count, uint8_t dscp)
    {
        for (uint32_t i = 0; i < count; ++i)
        {
            RoceHeader h;
            h.SetDscp(dscp);
            Ptr<Packet> p = Create<Packet>(h.SetPayload(4096));
            p->AddHeader(h);
            a->Enqueue(p, FabricNetDevice::PriorityOfDscp(dscp));
        }
    }

    static void Sent(std::vector<std::pair<uint8_t, Time>>* log, Ptr<const Packet> p)
    {
        RoceHeader h;
        p->PeekHeader(h);
        log->push_back({h.IsRoce() ? h.GetDscp() : 0xFF, Simulator::Now()});
    }
};

// Hand-computed timing at 800 Gb/s: a full RoCE frame is 4178 wire bytes = 41.78 ns; a PFC frame
// is 60 bytes + FCS = 64, + 20 preamble/IFG = 84 wire bytes = 0.84 ns; a quantum is 512 bit
// times = 0.64 ns, so 1000 quanta are 640 ns.
constexpr int64_t FRAME_PS = 41780;
constexpr int64_t PFC_FRAME_PS = 840;
constexpr int64_t DELAY_PS = 100000;
} // namespace

TEST(PfcHeader, BytesAreAnIeee8021QbbFrame)
{
    PfcHeader h;
    h.SetSource(Mac48Address("02:00:0a:00:00:01"));
    h.SetQuanta(3, 0xABCD);
    h.SetQuanta(6, 0);
    Ptr<Packet> p = Create<Packet>(PfcHeader::PADDING_BYTES);
    p->AddHeader(h);
    ASSERT_EQ(p->GetSize(), 60u); // 64 with the FCS: the minimum Ethernet frame
    std::vector<uint8_t> b(p->GetSize());
    p->CopyData(b.data(), b.size());
    const uint8_t dst[] = {0x01, 0x80, 0xC2, 0x00, 0x00, 0x01};
    EXPECT_TRUE(std::equal(dst, dst + 6, b.begin()));
    EXPECT_EQ(b[6], 0x02);
    EXPECT_EQ(b[11], 0x01);
    EXPECT_EQ((b[12] << 8) | b[13], 0x8808); // MAC control
    EXPECT_EQ((b[14] << 8) | b[15], 0x0101); // PFC opcode
    EXPECT_EQ((b[16] << 8) | b[17], 0x0048); // classes 3 and 6 enabled
    EXPECT_EQ((b[18 + 2 * 3] << 8) | b[19 + 2 * 3], 0xABCD);
    EXPECT_EQ((b[18 + 2 * 6] << 8) | b[19 + 2 * 6], 0);
    PfcHeader back;
    p->PeekHeader(back);
    EXPECT_TRUE(back.IsPfc());
    EXPECT_EQ(back.GetClassEnable(), 0x48);
    EXPECT_EQ(back.GetQuanta(3), 0xABCD);
}

TEST_F(FabricTest, PausedPriorityStaysSilentForExactlyTheQuanta)
{
    Link l;
    EXPECT_EQ(l.a->PfcQuantaTime(1000), PicoSeconds(640000));
    l.Load(60, 26); // class 3
    Simulator::Schedule(MicroSeconds(1), &FabricNetDevice::SendPfc, l.b, 3, 1000);
    Simulator::Run();
    ASSERT_EQ(l.sent.size(), 60u);
    // The pause reaches a at 1 us + 0.84 ns + 100 ns = 1100.84 ns, during frame 26 (which
    // started at 26 x 41.78 = 1086.28 ns); that frame finishes, then the class stays silent
    // until 1100.84 + 640 = 1740.84 ns.
    int64_t arrival = 1000000 + PFC_FRAME_PS + DELAY_PS;
    for (int k = 0; k <= 26; ++k)
    {
        EXPECT_EQ(l.sent[k].second.GetPicoSeconds(), k * FRAME_PS);
    }
    EXPECT_EQ(l.sent[27].second.GetPicoSeconds(), arrival + 640000);
    EXPECT_EQ(l.sent[28].second.GetPicoSeconds(), arrival + 640000 + FRAME_PS);
    EXPECT_EQ(l.a->GetPfcRxFrames(), 1u);
    EXPECT_EQ(l.b->GetPfcTxFrames(), 1u);
    EXPECT_EQ(l.b->GetRxFrames(), 60u); // the PFC frame is consumed by a's MAC, not counted
}

TEST_F(FabricTest, ZeroQuantaResumesAndOtherClassesKeepSending)
{
    Link l;
    l.Load(20, 26); // class 3
    Simulator::Schedule(NanoSeconds(10), &FabricNetDevice::SendPfc, l.b, 3, 0xFFFF);
    // Class 5 frames queued while class 3 is paused go out at once.
    Simulator::Schedule(NanoSeconds(200), &Link::Load, &l, 2, 40);
    Simulator::Schedule(MicroSeconds(2), &FabricNetDevice::SendPfc, l.b, 3, 0);
    Simulator::Run();
    ASSERT_EQ(l.sent.size(), 22u);
    // Pause arrives at 10 + 0.84 + 100 ns, during frame 2 (83.56 .. 125.34 ns).
    EXPECT_EQ(l.sent[2].second.GetPicoSeconds(), 2 * FRAME_PS);
    // Class 5 at 200 ns (the port is idle), then back to back.
    EXPECT_EQ(l.sent[3].first, 40);
    EXPECT_EQ(l.sent[3].second, NanoSeconds(200));
    EXPECT_EQ(l.sent[4].first, 40);
    EXPECT_EQ(l.sent[4].second.GetPicoSeconds(), 200000 + FRAME_PS);
    // The resume (0 quanta) arrives at 2 us + 0.84 + 100 ns, long before 0xFFFF quanta
    // (41.94 us) would have run out.
    EXPECT_EQ(l.sent[5].first, 26);
    EXPECT_EQ(l.sent[5].second.GetPicoSeconds(), 2000000 + PFC_FRAME_PS + DELAY_PS);
}

TEST_F(FabricTest, RefreshedPauseRunsFromTheLastFrame)
{
    Link l;
    l.Load(5, 26);
    Simulator::Schedule(NanoSeconds(0), &FabricNetDevice::SendPfc, l.b, 3, 1000);
    Simulator::Schedule(NanoSeconds(500), &FabricNetDevice::SendPfc, l.b, 3, 1000);
    Simulator::Run();
    ASSERT_EQ(l.sent.size(), 5u);
    // The first pause arrives during frame 2; the second, at 600.84 ns, restarts the 640 ns.
    EXPECT_EQ(l.sent[3].second.GetPicoSeconds(), 500000 + PFC_FRAME_PS + DELAY_PS + 640000);
}

namespace
{
void
RecordPfc(std::vector<Time>* at, uint32_t priority, uint16_t quanta)
{
    at->push_back(Simulator::Now());
}
} // namespace

TEST_F(FabricTest, NicStopsSendingDataOfAPausedClass)
{
    // host0 sends 1 MiB to host1 on the same leaf; the leaf pauses host0's class 3 at 2 us.
    FatTree tree = FatTreeHelper().Build(FatTreeShape{2, 4, 0, 0});
    Ptr<FabricNetDevice> leafPort = tree.nics[0]->GetPeer();
    std::vector<Time> pauses;
    std::vector<std::pair<uint8_t, Time>> sent;
    tree.nics[0]->TraceConnectWithoutContext("PfcRx", MakeBoundCallback(&RecordPfc, &pauses));
    tree.nics[0]->TraceConnectWithoutContext("MacTx", MakeBoundCallback(&Link::Sent, &sent));
    Completion c;
    StartMessage(tree, 0, 1, 1 << 20, &c);
    Simulator::Schedule(MicroSeconds(2), &FabricNetDevice::SendPfc, leafPort, 3, 5000);
    Simulator::Run();
    ASSERT_TRUE(c.receivedDone && c.sentDone);
    ASSERT_EQ(pauses.size(), 1u);
    Time resume = pauses[0] + PicoSeconds(5000 * 640); // 5000 quanta of 0.64 ns
    auto firstAfter = std::find_if(sent.begin(), sent.end(), [&](const auto& s) {
        return s.second >= pauses[0];
    });
    ASSERT_NE(firstAfter, sent.end());
    EXPECT_EQ(firstAfter->second, resume);
    EXPECT_EQ(sent.size(), 256u);
}

TEST_F(FabricTest, TsharkDecodesPfcFrames)
{
    ASSERT_EQ(std::system("command -v tshark >/dev/null"), 0) << "tshark is not installed";
    std::string pcap = ::testing::TempDir() + "nsfab-pfc.pcap";
    {
        Link l;
        l.b->SetAddress(Mac48Address("02:00:0a:00:00:07"));
        EnableFabricPcap(l.b, pcap);
        Simulator::Schedule(NanoSeconds(1), &FabricNetDevice::SendPfc, l.b, 3, 1234);
        Simulator::Schedule(NanoSeconds(5), &FabricNetDevice::SendPfc, l.b, 5, 0);
        Simulator::Run();
        Simulator::Destroy();
    } // the last reference to the capture goes with the devices: the file is complete

    std::string out = RunCommand("tshark -r '" + pcap +
                                 "' -T fields -E separator=, -e eth.dst -e eth.src -e macc.opcode"
                                 " -e macc.cbfc.enbv -e macc.cbfc.pause_time.c3"
                                 " -e macc.cbfc.pause_time.c5 2>/dev/null")
                          .output;
    std::filesystem::remove(pcap);
    EXPECT_EQ(out,
              "01:80:c2:00:00:01,02:00:0a:00:00:07,0x0101,0x0008,1234,0\n"
              "01:80:c2:00:00:01,02:00:0a:00:00:07,0x0101,0x0020,0,0\n");
}
