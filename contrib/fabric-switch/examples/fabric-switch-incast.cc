/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// An incast through one switch built by hand: seven ConnectX-8 hosts each send a 1 MiB RDMA
// message to an eighth at the same time, so its port gets seven times what it can carry and
// the queue backs up into a small shared buffer (2 MiB). Run twice: with PFC the switch pauses
// the senders and loses nothing; without it the buffer overflows, the switch drops frames and
// the queue pairs resend them (go-back-N). RED marks CE on frames that find a long queue.
//
//   build/examples/fabric-switch-incast [--senders=15] [--bytes=4194304] [--buffer=8MiB]

#include "ns3/boolean.h"
#include "ns3/command-line.h"
#include "ns3/cx8-net-device.h"
#include "ns3/ecn-marker.h"
#include "ns3/fabric-channel.h"
#include "ns3/fabric-simulator.h"
#include "ns3/fabric-switch.h"
#include "ns3/fabric-units.h"
#include "ns3/fat-tree-address.h"
#include "ns3/fat-tree-routing.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/rdma-helper.h"
#include "ns3/roce-header.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

using namespace ns3;

namespace
{
struct Counts
{
    uint64_t pauses{0};
    uint64_t marks{0};
    uint64_t drops{0};
    uint64_t resent{0};
    uint32_t completed{0};
    Time last;       //!< the last message in
    Time bottleneck; //!< wire time of every message on the receiver's link: the least it takes
};

/// Wire time at \p rate of \p bytes sent in packets of \p mtu payload bytes.
Time
MessageWireTime(uint64_t bytes, uint32_t mtu, uint64_t rate)
{
    Time frame = fabric::WireTime(RoceHeader::GetDataPacketSize(mtu), rate);
    uint64_t packets = (bytes + mtu - 1) / mtu;
    uint32_t lastBytes = static_cast<uint32_t>(bytes - (packets - 1) * mtu);
    return frame * int64_t(packets - 1) +
           fabric::WireTime(RoceHeader::GetDataPacketSize(lastBytes), rate);
}

void
Done(Counts* counts, const RdmaCompletion& completion)
{
    ++counts->completed;
    counts->last = Simulator::Now();
}

Counts
RunIncast(uint32_t senders, uint64_t bytes, uint64_t buffer, bool pfc)
{
    // One leaf: host h on port h, addressed by its place as in a generated fat-tree.
    FatTreeAddress layout;
    layout.SetCounts(senders + 1, 1, 1, 1);
    Ptr<Node> node = CreateObject<Node>();
    Ptr<FabricSwitch> sw = CreateObject<FabricSwitch>();
    sw->Install(node);
    sw->GetMmu()->SetAttribute("BufferSize", UintegerValue(buffer));
    sw->GetMmu()->SetAttribute("PfcEnabled", BooleanValue(pfc));
    sw->SetAttribute("EcnMarker", PointerValue(CreateObject<RedEcnMarker>()));
    std::vector<Ptr<Cx8NetDevice>> nics;
    for (uint32_t h = 0; h <= senders; ++h)
    {
        Ptr<FabricSwitchPort> port = CreateObject<FabricSwitchPort>();
        node->AddDevice(port);
        sw->AddPort(port);
        Ptr<Cx8NetDevice> nic = CreateObject<Cx8NetDevice>();
        nic->SetFabricAddress(layout.Encode(0, 0, 0, h));
        CreateObject<Node>()->AddDevice(nic);
        Ptr<FabricChannel> link = CreateObject<FabricChannel>();
        port->Attach(link);
        nic->Attach(link);
        nics.push_back(nic);
    }
    Ptr<FatTreeRouting> routing = CreateObject<FatTreeRouting>();
    routing->SetAttribute("DownPorts", UintegerValue(senders + 1));
    routing->SetPosition(layout, /*tier=*/1, /*leaf=*/0, /*pod=*/0);
    sw->SetRouting(routing);

    Counts counts;
    counts.bottleneck =
        MessageWireTime(bytes, nics[0]->GetPayloadMtu(), nics[0]->GetBitRate()) * senders;
    std::vector<Ptr<RdmaQueuePair>> queuePairs;
    for (uint32_t h = 1; h <= senders; ++h)
    {
        auto [sender, receiver] = RdmaHelper::Connect(nics[h], nics[0]);
        receiver->TraceConnectWithoutContext("RecvComplete", MakeBoundCallback(&Done, &counts));
        sender->PostSend(bytes);
        queuePairs.push_back(sender);
    }
    Simulator::Run();

    for (uint32_t p = 0; p < sw->GetNPorts(); ++p)
    {
        counts.pauses += sw->GetPort(p)->GetPfcTxFrames();
        counts.drops += sw->GetDrops(p, 3); // RDMA data: DSCP 26, priority 3
    }
    counts.marks = sw->GetEcnMarks();
    for (const auto& qp : queuePairs)
    {
        counts.resent += qp->GetRetransmittedPackets();
    }
    Simulator::Destroy();
    return counts;
}
} // namespace

int
main(int argc, char* argv[])
{
    fabric::SetupSimulator(); // picosecond time, before any Time exists
    uint32_t senders = 7;
    uint64_t bytes = 1 << 20;
    std::string buffer = "2MiB";
    CommandLine cmd(__FILE__);
    cmd.AddValue("senders", "Hosts sending to host0", senders);
    cmd.AddValue("bytes", "Message each sender sends", bytes);
    cmd.AddValue("buffer", "Shared buffer of the switch", buffer);
    cmd.Parse(argc, argv);
    uint64_t bufferBytes = 0;
    std::string error = fabric::ParseBytes(buffer, bufferBytes);
    if (!error.empty())
    {
        std::fprintf(stderr, "--buffer: %s\n", error.c_str());
        return 1;
    }

    std::printf("%u:1 incast of %lu-byte messages through one switch with a %s buffer\n",
                senders,
                static_cast<unsigned long>(bytes),
                buffer.c_str());
    std::printf("PFC  pause frames  ECN marks  drops  resent  completed  last (us)\n");
    Counts with = RunIncast(senders, bytes, bufferBytes, true);
    Counts without = RunIncast(senders, bytes, bufferBytes, false);
    for (const auto& [name, c] : {std::make_pair("on ", with), std::make_pair("off", without)})
    {
        std::printf("%s  %12lu  %9lu  %5lu  %6lu  %5u/%-3u  %9.3f\n",
                    name,
                    static_cast<unsigned long>(c.pauses),
                    static_cast<unsigned long>(c.marks),
                    static_cast<unsigned long>(c.drops),
                    static_cast<unsigned long>(c.resent),
                    c.completed,
                    senders,
                    c.last.GetPicoSeconds() / 1e6);
    }
    std::printf("with PFC: %lu drops, %lu pause frames (expected no drops: the senders are "
                "paused instead)\n",
                static_cast<unsigned long>(with.drops),
                static_cast<unsigned long>(with.pauses));
    std::printf("without PFC: %lu drops, %lu pause frames (expected drops once the queue outgrows "
                "its share of the buffer, all resent)\n",
                static_cast<unsigned long>(without.drops),
                static_cast<unsigned long>(without.pauses));
    std::printf("with PFC the last message is in at %.3f us (expected just over %.3f us, the "
                "receiver's link busy throughout)\n",
                with.last.GetPicoSeconds() / 1e6,
                with.bottleneck.GetPicoSeconds() / 1e6);
    bool ok = with.drops == 0 && with.resent == 0 && with.completed == senders &&
              with.last >= with.bottleneck && without.pauses == 0 && without.completed == senders;
    if (!ok)
    {
        std::printf("the incast did not behave as PFC and the transport should\n");
        return 1;
    }
    return 0;
}
