/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Two ConnectX-8 NICs back to back, one RDMA SEND message between them. With a 4096-byte path
// MTU every 4096 bytes of payload take 4178 bytes on the wire (Ethernet, IPv4, UDP, BTH and
// ICRC headers, FCS, preamble and inter-frame gap), so goodput can reach at most 4096/4178 of
// the 800 Gb/s port, 784.3 Gb/s; back to back it does, less one propagation delay.
//
//   build/examples/cx8-back-to-back [--bytes=1000000] [--mtu=1024] [--metres=30]

#include "ns3/command-line.h"
#include "ns3/cx8-net-device.h"
#include "ns3/data-rate.h"
#include "ns3/fabric-channel.h"
#include "ns3/fabric-simulator.h"
#include "ns3/fabric-units.h"
#include "ns3/node.h"
#include "ns3/rdma-helper.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace ns3;

namespace
{
void
Record(RdmaCompletion* at, const RdmaCompletion& completion)
{
    *at = completion;
}

} // namespace

int
main(int argc, char* argv[])
{
    fabric::SetupSimulator(); // picosecond time, before any Time exists
    uint64_t bytes = 64 << 20;
    uint32_t mtu = 4096;
    double metres = 2;
    CommandLine cmd(__FILE__);
    cmd.AddValue("bytes", "Size of the message", bytes);
    cmd.AddValue("mtu", "RoCE path MTU: 256, 512, 1024, 2048 or 4096 bytes", mtu);
    cmd.AddValue("metres", "Length of the fiber (5 ns per metre)", metres);
    cmd.Parse(argc, argv);

    Ptr<Cx8NetDevice> a = CreateObject<Cx8NetDevice>(); // 800 Gb/s by default
    Ptr<Cx8NetDevice> b = CreateObject<Cx8NetDevice>();
    a->SetAttribute("PayloadMtu", UintegerValue(mtu));
    b->SetAttribute("PayloadMtu", UintegerValue(mtu));
    a->SetFabricAddress(0x0A000000); // 10.0.0.0
    b->SetFabricAddress(0x0A000001); // 10.0.0.1
    CreateObject<Node>()->AddDevice(a);
    CreateObject<Node>()->AddDevice(b);
    Ptr<FabricChannel> link = CreateObject<FabricChannel>();
    link->SetAttribute("Delay", TimeValue(fabric::CableDelay(metres)));
    a->Attach(link);
    b->Attach(link);

    auto [sender, receiver] = RdmaHelper::Connect(a, b);
    RdmaCompletion sent{};
    RdmaCompletion received{};
    sender->TraceConnectWithoutContext("SendComplete", MakeBoundCallback(&Record, &sent));
    receiver->TraceConnectWithoutContext("RecvComplete", MakeBoundCallback(&Record, &received));
    sender->PostSend(bytes);
    Simulator::Run();

    // Every packet leaves right behind the one before it; the last one, possibly short, then
    // crosses the fiber. The NIC hands each packet to the host over PCIe (HostRate): a short
    // last packet right behind a full one waits until the host has taken that one. The flow
    // completion time runs from the post to the last byte handed to the host.
    const uint64_t rate = a->GetBitRate();
    const uint64_t packets = (bytes + mtu - 1) / mtu;
    const Time full = fabric::WireTime(RoceHeader::GetDataPacketSize(mtu), rate);
    const Time last =
        fabric::WireTime(RoceHeader::GetDataPacketSize(bytes - (packets - 1) * mtu), rate);
    Time expected = full * int64_t(packets - 1) + last + link->GetDelay();
    DataRateValue hostRate;
    b->GetAttribute("HostRate", hostRate);
    Time host = fabric::BitsTime(uint64_t(RoceHeader::GetDataPacketSize(mtu)) * 8,
                                 hostRate.Get().GetBitRate());
    if (packets > 1)
    {
        expected = std::max(expected, expected - last + host);
    }
    Simulator::Destroy();
    Time fct = received.end - sent.start;
    double goodput = bytes * 8 / fct.GetSeconds();
    double bound = double(mtu) / fabric::WireBytes(RoceHeader::GetDataPacketSize(mtu)) * rate;
    std::printf("%lu-byte message in %lu packets of at most %u bytes, %s ports back to back\n",
                static_cast<unsigned long>(bytes),
                static_cast<unsigned long>(packets),
                mtu,
                fabric::FormatDataRate(rate).c_str());
    std::printf("FCT %.3f us (expected %.3f us: the packets' wire times and one propagation "
                "delay)\n",
                fct.GetPicoSeconds() / 1e6,
                expected.GetPicoSeconds() / 1e6);
    std::printf("sender's completion (ACK of the last packet back) %.3f us\n",
                (sent.end - sent.start).GetPicoSeconds() / 1e6);
    std::printf("goodput %.2f Gb/s (expected at most %u/%u x %.0f Gb/s = %.2f Gb/s)\n",
                goodput / 1e9,
                mtu,
                fabric::WireBytes(RoceHeader::GetDataPacketSize(mtu)),
                rate / 1e9,
                bound / 1e9);
    bool ok = received.bytes == bytes && sent.bytes == bytes &&
              std::llabs((fct - expected).GetPicoSeconds()) <= int64_t(packets) && goodput <= bound;
    if (!ok)
    {
        std::printf("the message did not complete as the wire bound says\n");
        return 1;
    }
    return 0;
}
