/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/boolean.h"
#include "ns3/fabric-pcap.h"

#include <filesystem>

using namespace ns3;
using namespace nsfab_test;

namespace
{
void
KeepEcho(std::vector<RoceHeader>* echoes, const RoceHeader& ack)
{
    echoes->push_back(ack);
}
} // namespace

TEST_F(FabricTest, SwitchesRecordTelemetryAndTheReceiverEchoesIt)
{
    // host0 -> host4 crosses leaf0, a spine and leaf1; 16 packets of 4096 B, one ACK each.
    FatTreeHelper helper;
    ObjectFactory qps("ns3::RdmaQueuePair");
    qps.Set("IntRequest", BooleanValue(true));
    helper.SetNicAttribute("QueuePairFactory", ObjectFactoryValue(qps));
    FatTree tree = helper.Build(FatTreeShape{2, 8, 0, 0});
    std::string pcap = ::testing::TempDir() + "nsfab-int.pcap";
    EnableFabricPcap(tree.nics[4], pcap);
    Completion c;
    Ptr<RdmaQueuePair> qp = StartMessage(tree, 0, 4, 16 * 4096, &c);
    std::vector<RoceHeader> echoes;
    qp->TraceConnectWithoutContext("IntEcho", MakeBoundCallback(&KeepEcho, &echoes));
    Simulator::Run();
    ASSERT_TRUE(c.receivedDone && c.sentDone);
    ASSERT_EQ(echoes.size(), 16u);

    // Each switch grows the frame by an 8-byte hop: the NIC sends 4154 + 4 B (INT header),
    // 4182 B on the wire, and the switches 8, 16 B more. Hop k leaves its switch one frame
    // (of its size on arrival), a 10 ns link and the 500 ns pipeline after hop k-1, plus a
    // wait: each switch sends frames 0.08 ns longer than they arrive, so packet j waits
    // j * 0.08 ns behind the one before it.
    const double hopGapNs[] = {41.90 + 10 + 500, 41.98 + 10 + 500};
    for (uint32_t j = 0; j < echoes.size(); ++j)
    {
        const RoceHeader& ack = echoes[j];
        ASSERT_EQ(ack.GetIntHops(), 3u);
        for (uint32_t k = 0; k < 3; ++k)
        {
            IntHop hop = ack.GetIntHop(k);
            EXPECT_EQ(hop.bitRate, 800000000000ULL);
            EXPECT_EQ(hop.queueBytes, 0u) << "a line-rate flow through an idle path queues nothing";
        }
        for (uint32_t k = 1; k < 3; ++k)
        {
            // Timestamps are whole nanoseconds.
            EXPECT_NEAR(IntHop::TimeDelta(ack.GetIntHop(k - 1), ack.GetIntHop(k)),
                        hopGapNs[k - 1] + 0.08 * j,
                        1.0)
                << "packet " << j << " hop " << k;
        }
    }
    // Between the first and last packet each port sent 15 frames of its size (4166 B at leaf0,
    // 4174 B at the spine, 4182 B at leaf1), to the 64-byte unit.
    const double frameBytes[] = {4166, 4174, 4182};
    for (uint32_t k = 0; k < 3; ++k)
    {
        uint64_t sent =
            IntHop::TxBytesDelta(echoes.front().GetIntHop(k), echoes.back().GetIntHop(k));
        EXPECT_NEAR(double(sent), 15 * frameBytes[k], 64.0) << "hop " << k;
    }
    // The packets left leaf0 back to back: 15 frame times of 41.90 ns.
    EXPECT_NEAR(IntHop::TimeDelta(echoes.front().GetIntHop(0), echoes.back().GetIntHop(0)),
                15 * 41.90,
                1.0);

    // Frames with telemetry still decode as RoCE: the receiver's capture in tshark.
    Simulator::Destroy();
    qp = nullptr;
    tree = FatTree(); // the capture closes with its port
    ASSERT_EQ(std::system("command -v tshark >/dev/null"), 0) << "tshark is not installed";
    std::string out = RunCommand("tshark -r '" + pcap +
                                 "' -Y 'infiniband.bth.opcode != 17' -T fields"
                                 " -e infiniband.bth.psn -e ip.len 2>/dev/null")
                          .output;
    std::filesystem::remove(pcap);
    std::string expected;
    for (int psn = 0; psn < 16; ++psn)
    {
        // IPv4 length: 20 + 8 UDP + 12 BTH + 4 INT header + 3 hops * 8 + 4096 + 4 ICRC.
        expected +=
            std::to_string(psn) + "\t" + std::to_string(20 + 8 + 12 + 4 + 24 + 4096 + 4) + "\n";
    }
    EXPECT_EQ(out, expected);
}
