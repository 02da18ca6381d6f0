/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Two fabric ports joined by one link. Three RoCEv2 frames (a full 4096-byte payload, an odd
// size, which the BTH pads to a multiple of 4 bytes, and a single byte) are queued at t = 0 and
// leave back to back; each arrives after the wire times of the frames up to it
// (fabric::WireTime: packet + FCS + preamble and inter-frame gap, at the port rate) plus the
// propagation delay.
//
//   build/examples/fabric-net-wire-time [--rate=400Gbps] [--metres=30]

#include "ns3/command-line.h"
#include "ns3/fabric-channel.h"
#include "ns3/fabric-net-device.h"
#include "ns3/fabric-simulator.h"
#include "ns3/fabric-units.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"

#include <cstdio>
#include <vector>

using namespace ns3;

namespace
{
std::vector<Time> g_arrivals;

void
OnFrame(Ptr<FabricNetDevice> port, Ptr<Packet> packet, const RoceHeader& header)
{
    g_arrivals.push_back(Simulator::Now());
}

double
Ns(Time t)
{
    return t.GetPicoSeconds() / 1000.0;
}
} // namespace

int
main(int argc, char* argv[])
{
    fabric::SetupSimulator(); // picosecond time, before any Time exists
    DataRate rate("800Gbps");
    double metres = 2;
    CommandLine cmd(__FILE__);
    cmd.AddValue("rate", "Port rate of both ends", rate);
    cmd.AddValue("metres", "Length of the fiber (5 ns per metre)", metres);
    cmd.Parse(argc, argv);

    Ptr<FabricNetDevice> a = CreateObject<FabricNetDevice>();
    Ptr<FabricNetDevice> b = CreateObject<FabricNetDevice>();
    a->SetAttribute("DataRate", DataRateValue(rate));
    b->SetAttribute("DataRate", DataRateValue(rate));
    CreateObject<Node>()->AddDevice(a);
    CreateObject<Node>()->AddDevice(b);
    Ptr<FabricChannel> link = CreateObject<FabricChannel>();
    link->SetAttribute("Delay", TimeValue(fabric::CableDelay(metres)));
    a->Attach(link);
    b->Attach(link);
    b->SetReceiveHandler(MakeCallback(&OnFrame));

    const std::vector<uint32_t> payloads{4096, 1001, 1};
    std::vector<uint32_t> packetBytes;
    for (uint32_t payload : payloads)
    {
        RoceHeader h;
        h.SetSource(0x0A000000);      // 10.0.0.0
        h.SetDestination(0x0A000001); // 10.0.0.1
        h.SetOpcode(RoceHeader::RC_SEND_ONLY);
        Ptr<Packet> p = Create<Packet>(h.SetPayload(payload)); // payload, BTH pad, ICRC
        p->AddHeader(h);
        packetBytes.push_back(p->GetSize());
        a->Enqueue(p, FabricNetDevice::PriorityOfDscp(h.GetDscp()));
    }
    Simulator::Run();
    Simulator::Destroy();

    std::printf("%s ports, %.1f m of fiber (%.3f ns); frames queued at t = 0\n",
                fabric::FormatDataRate(rate.GetBitRate()).c_str(),
                metres,
                Ns(link->GetDelay()));
    std::printf("payload  packet  on the wire  wire time (ns)  arrival (ns)  expected (ns)\n");
    Time expected = link->GetDelay();
    bool ok = g_arrivals.size() == payloads.size();
    for (std::size_t i = 0; ok && i < payloads.size(); ++i)
    {
        Time wire = fabric::WireTime(packetBytes[i], rate.GetBitRate());
        expected += wire;
        ok = g_arrivals[i] == expected;
        std::printf("%7u  %6u  %11u  %14.3f  %12.3f  %13.3f\n",
                    payloads[i],
                    packetBytes[i],
                    fabric::WireBytes(packetBytes[i]),
                    Ns(wire),
                    Ns(g_arrivals[i]),
                    Ns(expected));
    }
    std::printf("last frame arrived at %.3f ns (expected %.3f ns: the wire times plus the "
                "propagation delay)\n",
                g_arrivals.empty() ? 0.0 : Ns(g_arrivals.back()),
                Ns(expected));
    if (!ok)
    {
        std::printf("frame arrivals differ from the wire-time formula\n");
        return 1;
    }
    return 0;
}
