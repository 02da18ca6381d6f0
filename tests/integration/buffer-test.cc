/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/fabric-pcap.h"
#include "ns3/fabric-units.h"
#include "ns3/packet.h"

#include <filesystem>
#include <sstream>

using namespace ns3;
using namespace nsfab_test;

namespace
{
constexpr uint32_t RECEIVER = 0;
constexpr uint32_t SENDERS = 16;
constexpr uint64_t MESSAGE = 1 << 20;

/// Every switch of \p tree, whatever its tier.
std::vector<Ptr<FabricSwitch>>
Switches(const FatTree& tree)
{
    std::vector<Ptr<FabricSwitch>> all;
    for (const auto& tier : tree.tiers)
    {
        all.insert(all.end(), tier.begin(), tier.end());
    }
    return all;
}

/// Frames every switch of \p tree dropped at \p priority.
uint64_t
Drops(const FatTree& tree, uint32_t priority)
{
    uint64_t drops = 0;
    for (const auto& sw : Switches(tree))
    {
        for (uint32_t p = 0; p < sw->GetNPorts(); ++p)
        {
            drops += sw->GetDrops(p, priority);
        }
    }
    return drops;
}

void
CountFrame(uint64_t* dataFrames, uint64_t* ceFrames, Ptr<const Packet> packet)
{
    RoceHeader h;
    packet->PeekHeader(h);
    if (h.IsRoce() && h.GetOpcode() != RoceHeader::RC_ACKNOWLEDGE)
    {
        ++*dataFrames;
        *ceFrames += h.GetEcn() == RoceHeader::ECN_CE ? 1 : 0;
    }
}

void
LogPfc(std::vector<std::pair<uint32_t, uint16_t>>* log, uint32_t priority, uint16_t quanta)
{
    log->emplace_back(priority, quanta);
}

/// A radix-8 leaf-spine (32 hosts, 4 per leaf) with a switch buffer of \p bufferBytes.
/// Ports carry at most the 4154-byte data frames (IPv4 MTU 4140), so the PFC headroom each
/// link gets is as tight as its frames allow.
FatTreeHelper
SmallBufferFabric(uint64_t bufferBytes, bool pfc)
{
    FatTreeHelper helper;
    helper.SetMmuAttribute("BufferSize", UintegerValue(bufferBytes));
    helper.SetMmuAttribute("PfcEnabled", BooleanValue(pfc));
    helper.SetNicAttribute("Mtu", UintegerValue(4140));
    helper.SetSwitchPortAttribute("Mtu", UintegerValue(4140));
    return helper;
}

/// Every microsecond until the simulation stops, the bytes queued at a switch's ports: the
/// buffer held, counted apart from the MMU's own books.
struct BufferWatch
{
    Ptr<FabricSwitch> sw;
    uint64_t peakQueued{0};
    uint32_t mismatches{0};

    void Sample()
    {
        uint64_t queued = 0;
        for (uint32_t p = 0; p < sw->GetNPorts(); ++p)
        {
            queued += sw->GetPort(p)->GetQueuedBytes();
        }
        peakQueued = std::max(peakQueued, queued);
        mismatches += queued != sw->GetMmu()->GetUsedBytes() ? 1 : 0;
        Simulator::Schedule(MicroSeconds(1), &BufferWatch::Sample, this); // until Stop
    }
};
} // namespace

TEST_F(FabricTest, IncastWithPfcLosesNothingAndKeepsTheBottleneckBusy)
{
    // 16 senders (3 on the receiver's leaf, 13 through the spines) send 1 MiB each to host0.
    // A 2 MiB buffer per switch (about 0.56 MiB of it PFC headroom) cannot hold the 15 MiB
    // the bottleneck backs up, so PFC must hold it at the senders.
    const uint64_t buffer = 2 << 20;
    FatTree tree = SmallBufferFabric(buffer, true).Build(FatTreeShape{2, 8, 0, 0});
    Ptr<FabricSwitch> leaf0 = tree.tiers[0][0];
    // The pause frames leaf0 sends host1, captured on the wire and logged as sent.
    std::string pcap = ::testing::TempDir() + "nsfab-incast-pfc.pcap";
    std::vector<std::pair<uint32_t, uint16_t>> pfcSent;
    Ptr<FabricSwitchPort> toHost1 = leaf0->GetPort(1);
    toHost1->TraceConnectWithoutContext("PfcTx", MakeBoundCallback(&LogPfc, &pfcSent));
    EnableFabricPcap(toHost1, pcap);
    uint64_t received = 0;
    uint64_t ce = 0;
    tree.nics[RECEIVER]->TraceConnectWithoutContext("MacRx",
                                                    MakeBoundCallback(&CountFrame, &received, &ce));
    BufferWatch watch{leaf0};
    Simulator::Schedule(MicroSeconds(1), &BufferWatch::Sample, &watch);

    std::vector<Completion> done(SENDERS);
    for (uint32_t s = 0; s < SENDERS; ++s)
    {
        StartMessage(tree, 1 + s, RECEIVER, MESSAGE, &done[s]);
    }
    Simulator::Stop(MicroSeconds(300));
    Simulator::Run();

    Time last;
    for (const auto& c : done)
    {
        ASSERT_TRUE(c.sentDone && c.receivedDone) << "a message did not complete";
        last = std::max(last, c.received.end);
    }
    EXPECT_EQ(Drops(tree, 3), 0u);
    EXPECT_EQ(tree.nics[RECEIVER]->GetRxBufferDrops(), 0u);
    uint64_t leafPauses = 0;
    for (uint32_t p = 1; p < leaf0->GetNPorts(); ++p)
    {
        leafPauses += leaf0->GetPort(p)->GetPfcTxFrames();
    }
    EXPECT_GT(leafPauses, 0u) << "no pause frames at the congested leaf";
    // The bytes queued at leaf0 match the MMU's books at every sample and never exceed the
    // buffer; every switch's own peak stays within it too.
    EXPECT_EQ(watch.mismatches, 0u);
    EXPECT_GT(watch.peakQueued, buffer / 2);
    EXPECT_LE(watch.peakQueued, buffer);
    uint64_t headroomUsed = 0;
    for (const auto& sw : Switches(tree))
    {
        Ptr<SharedBufferMmu> mmu = sw->GetMmu();
        EXPECT_LE(mmu->GetPeakUsedBytes(), buffer);
        for (uint32_t p = 0; p < sw->GetNPorts(); ++p)
        {
            headroomUsed = std::max(headroomUsed, mmu->GetPeakHeadroomBytes(p, 3));
        }
    }
    // Frames in flight when a pause was sent landed in the headroom, and it was enough: no
    // drops (above).
    EXPECT_GT(headroomUsed, 0u);
    // PFC moves the queue back to the senders but must not starve the bottleneck: all 16 MiB
    // cross host0's link in the time its frames take on the wire, plus the first frame's path
    // (under 3 us) and 2 % for pause/resume gaps.
    double wire = SENDERS * MESSAGE / 4096 * FULL_FRAME_WIRE_BYTES * 8 / 800e9;
    EXPECT_LT(last.GetSeconds(), wire * 1.02 + 3e-6) << "bottleneck idle under PFC";
    EXPECT_EQ(received, SENDERS * MESSAGE / 4096);
    // The default RED profile (Kmin 100 KB) marks frames of the backed-up queues.
    uint64_t marks = 0;
    for (const auto& sw : Switches(tree))
    {
        marks += sw->GetEcnMarks();
    }
    EXPECT_GT(ce, 0u);
    EXPECT_LE(ce, marks);

    // The capture closes when the last reference to its port goes.
    Simulator::Destroy();
    toHost1 = nullptr;
    leaf0 = nullptr;
    tree = FatTree();
    ASSERT_EQ(std::system("command -v tshark >/dev/null"), 0) << "tshark is not installed";
    std::istringstream lines(RunCommand("tshark -r '" + pcap +
                                        "' -Y macc -T fields -E separator=, -e macc.cbfc.enbv"
                                        " -e macc.cbfc.pause_time.c3 2>/dev/null")
                                 .output);
    std::filesystem::remove(pcap);
    std::vector<std::pair<uint32_t, uint16_t>> decoded;
    for (std::string line; std::getline(lines, line);)
    {
        auto comma = line.find(',');
        uint32_t enbv = std::stoul(line.substr(0, comma), nullptr, 16);
        ASSERT_EQ(enbv, 1u << 3) << "class-enable vector names another priority";
        decoded.emplace_back(3, std::stoul(line.substr(comma + 1)));
    }
    ASSERT_FALSE(pfcSent.empty());
    EXPECT_EQ(decoded, pfcSent);
    EXPECT_EQ(pfcSent.front().second, 0xFFFF); // XOFF first
    EXPECT_EQ(pfcSent.back().second, 0);       // XON last
}

TEST_F(FabricTest, IncastWithoutPfcDropsCountsAndRecovers)
{
    const uint64_t buffer = 1 << 20;
    FatTree tree = SmallBufferFabric(buffer, false).Build(FatTreeShape{2, 8, 0, 0});
    uint64_t received = 0;
    uint64_t ce = 0;
    tree.nics[RECEIVER]->TraceConnectWithoutContext("MacRx",
                                                    MakeBoundCallback(&CountFrame, &received, &ce));
    uint64_t sent = 0;
    uint64_t ignored = 0;
    std::vector<Completion> done(SENDERS);
    for (uint32_t s = 0; s < SENDERS; ++s)
    {
        tree.nics[1 + s]->TraceConnectWithoutContext(
            "MacTx",
            MakeBoundCallback(&CountFrame, &sent, &ignored));
        StartMessage(tree, 1 + s, RECEIVER, MESSAGE, &done[s]);
    }
    Simulator::Run();

    uint64_t drops = Drops(tree, 3);
    EXPECT_GT(drops, 0u);
    // Each data frame sent (first or again) was either received or dropped once.
    EXPECT_EQ(received + drops, sent);
    EXPECT_GT(sent, SENDERS * MESSAGE / 4096) << "drops but nothing resent";
    EXPECT_GT(tree.tiers[0][0]->GetDrops(RECEIVER, 3), 0u) << "none dropped at the bottleneck";
    // The transport resends what was dropped: every message completes.
    for (const auto& c : done)
    {
        EXPECT_TRUE(c.sentDone && c.receivedDone);
    }
    uint64_t pauses = 0;
    for (const auto& sw : Switches(tree))
    {
        EXPECT_LE(sw->GetMmu()->GetPeakUsedBytes(), buffer);
        for (uint32_t p = 0; p < sw->GetNPorts(); ++p)
        {
            pauses += sw->GetPort(p)->GetPfcTxFrames();
        }
    }
    EXPECT_EQ(pauses, 0u);
}

namespace
{
class DynamicThresholdTest : public FabricTest, public ::testing::WithParamInterface<double>
{
};
} // namespace

TEST_P(DynamicThresholdTest, LoneQueueTakesAlphaOverOnePlusAlphaOfTheBuffer)
{
    // Lossy, no reserve: a queue may grow while it holds at most alpha * (B - Q); alone it
    // stops at Q = alpha / (1 + alpha) * B. Two senders on host0's leaf overload its port.
    const double alpha = GetParam();
    const uint64_t buffer = 1 << 20;
    FatTreeHelper helper = SmallBufferFabric(buffer, false);
    helper.SetMmuAttribute("Alpha", DoubleValue(alpha));
    FatTree tree = helper.Build(FatTreeShape{2, 8, 0, 0});
    Completion c1;
    Completion c2;
    StartMessage(tree, 1, RECEIVER, 4 << 20, &c1);
    StartMessage(tree, 2, RECEIVER, 4 << 20, &c2);
    Simulator::Run();
    Ptr<FabricSwitch> leaf0 = tree.tiers[0][0];
    ASSERT_GT(leaf0->GetDrops(RECEIVER, 3), 0u) << "the queue never reached its threshold";
    // The peak also holds a few ACKs queued to the senders; a frame more or less on either
    // side of the threshold is the granularity.
    double expected = alpha / (1 + alpha) * buffer;
    EXPECT_NEAR(double(leaf0->GetMmu()->GetPeakUsedBytes()), expected, 2 * 4154.0);
}

INSTANTIATE_TEST_SUITE_P(Alphas, DynamicThresholdTest, ::testing::Values(0.5, 1.0, 2.0));

namespace
{
struct WireLog
{
    Time busyUntil;
    uint32_t overlaps{0};
    uint64_t frames{0};
};

void
CheckOneAtATime(WireLog* log, uint64_t bitRate, Ptr<const Packet> packet)
{
    Time now = Simulator::Now();
    log->overlaps += now < log->busyUntil ? 1 : 0;
    log->busyUntil = now + fabric::WireTime(packet->GetSize(), bitRate);
    ++log->frames;
}
} // namespace

TEST_F(FabricTest, PortSendsOneFrameAtATimeWhenItsOwnDequeueSendsXon)
{
    // host0 sends to itself (its frames leave leaf0 by the port they came in on) during a
    // 16:1 incast into host0: freeing a hairpinned frame's buffer may send XON on the very port
    // choosing its next frame. The pause frame must wait for that frame, not overlap it.
    FatTree tree = SmallBufferFabric(2 << 20, true).Build(FatTreeShape{2, 8, 0, 0});
    Ptr<FabricSwitchPort> port = tree.tiers[0][0]->GetPort(RECEIVER);
    WireLog log;
    port->TraceConnectWithoutContext("MacTx",
                                     MakeBoundCallback(&CheckOneAtATime, &log, port->GetBitRate()));
    std::vector<Completion> done(SENDERS + 1);
    StartMessage(tree, RECEIVER, RECEIVER, 4 * MESSAGE, &done[SENDERS]);
    for (uint32_t s = 0; s < SENDERS; ++s)
    {
        StartMessage(tree, 1 + s, RECEIVER, MESSAGE, &done[s]);
    }
    Simulator::Stop(MicroSeconds(400));
    Simulator::Run();
    EXPECT_GT(port->GetPfcTxFrames(), 0u);
    EXPECT_EQ(log.overlaps, 0u) << "of " << log.frames << " frames";
    for (const auto& c : done)
    {
        EXPECT_TRUE(c.receivedDone);
    }
}
