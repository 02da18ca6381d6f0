/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// A fat-tree from a topology file: topologies/fat-tree-k4.yaml (16 hosts, 20 switches) is read,
// checked and built into ns-3 objects with TopologyHelper, every NIC's queue pairs get DCQCN,
// and host0 sends one RDMA message to the last host, in another pod: five switches away. On
// the idle fabric the flow completion time is the store-and-forward sum: the packets' wire
// times at the first link, then on each further link the last packet's (or the one before
// it, when it is longer), the switch pipeline latency and the propagation delay.
//
//   build/examples/fabric-topology-fat-tree [--topology=topologies/fat-tree-k8.yaml]
//                                           [--bytes=1000000]

#include "ns3/command-line.h"
#include "ns3/data-rate.h"
#include "ns3/fabric-channel.h"
#include "ns3/fabric-simulator.h"
#include "ns3/fabric-units.h"
#include "ns3/nstime.h"
#include "ns3/rdma-helper.h"
#include "ns3/roce-header.h"
#include "ns3/simulator.h"
#include "ns3/topology-helper.h"
#include "ns3/topology-reader.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

using namespace ns3;

namespace
{
/// \p path as given (relative to the working directory), or, if there is no such file, the
/// same path in the ns3-fabric checkout this example was built from, if it is there: the
/// example sits in its contrib/<module>/examples/.
std::string
InSourceTree(const std::string& path)
{
    std::filesystem::path checkout = std::filesystem::path(__FILE__).parent_path() / "../../..";
    std::filesystem::path there = (checkout / path).lexically_normal();
    return std::filesystem::exists(path) || !std::filesystem::exists(there) ? path : there.string();
}

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
    std::string topology = "topologies/fat-tree-k4.yaml";
    uint64_t bytes = 1 << 20;
    CommandLine cmd(__FILE__);
    cmd.AddValue("topology", "Topology file (a generated 2- or 3-tier fat-tree plane)", topology);
    cmd.AddValue("bytes", "Size of the message", bytes);
    cmd.Parse(argc, argv);

    std::vector<Diagnostic> diagnostics;
    auto loaded = LoadTopologyFile(InSourceTree(topology), diagnostics);
    if (!loaded)
    {
        for (const Diagnostic& d : diagnostics)
        {
            std::cerr << d.Format() << "\n";
        }
        return 1;
    }
    auto graph = std::make_shared<const FabricGraph>(std::move(loaded->second));

    // DCQCN on every queue pair the NICs create.
    ObjectFactory queuePairs("ns3::RdmaQueuePair");
    queuePairs.Set("CongestionControl",
                   ObjectFactoryValue(ObjectFactory("ns3::DcqcnCongestionControl")));
    TopologyHelper helper;
    helper.SetNicAttribute("QueuePairFactory", ObjectFactoryValue(queuePairs));
    Fabric fabric = helper.Build(graph);

    // Servers come first in the graph, numbered leaf by leaf: the last one is the farthest.
    const uint32_t hosts = static_cast<uint32_t>(
        std::count_if(graph->nodes.begin(), graph->nodes.end(), [](const FabricGraph::Node& n) {
            return n.kind == FabricGraph::HOST;
        }));
    const uint32_t src = 0;
    const uint32_t dst = hosts - 1;
    Ptr<Cx8NetDevice> srcNic = fabric.GetNic(src, 0);
    Ptr<Cx8NetDevice> dstNic = fabric.GetNic(dst, 0);
    auto [sender, receiver] = RdmaHelper::Connect(srcNic, dstNic);
    RdmaCompletion received{};
    receiver->TraceConnectWithoutContext("RecvComplete", MakeBoundCallback(&Record, &received));
    sender->PostSend(bytes);
    Simulator::Run();

    // The path: up to the lowest tier that joins the two hosts, then down.
    const FatTreeShape& shape = graph->planeShapes.at(0);
    const uint32_t leafA = src / shape.GetHostsPerLeaf();
    const uint32_t leafB = dst / shape.GetHostsPerLeaf();
    const bool samePod = leafA / shape.GetLeavesPerPod() == leafB / shape.GetLeavesPerPod();
    const uint32_t links = leafA == leafB ? 2 : (shape.tiers == 2 || samePod ? 4 : 6);
    const uint64_t rate = srcNic->GetBitRate();
    const uint32_t mtu = srcNic->GetPayloadMtu();
    const Time delay = DynamicCast<FabricChannel>(srcNic->GetChannel())->GetDelay();
    const Time pipeline = fabric.switches.at(0)->GetPort(0)->GetRxDelay();
    const uint64_t packets = (bytes + mtu - 1) / mtu;
    const uint32_t fullBytes = RoceHeader::GetDataPacketSize(mtu);
    const Time full = fabric::WireTime(fullBytes, rate);
    const Time last =
        fabric::WireTime(RoceHeader::GetDataPacketSize(bytes - (packets - 1) * mtu), rate);
    const Time perHop = (packets > 1 ? std::max(full, last) : last) + delay + pipeline;
    Time expected = full * int64_t(packets - 1) + last + perHop * int64_t(links - 1) + delay;
    // The NIC hands each packet to the host over PCIe (HostRate): a short last packet right
    // behind a full one waits until the host has taken that one.
    DataRateValue hostRate;
    dstNic->GetAttribute("HostRate", hostRate);
    Time host = fabric::BitsTime(uint64_t(fullBytes) * 8, hostRate.Get().GetBitRate());
    if (packets > 1)
    {
        expected = std::max(expected, expected - last + host);
    }
    const Time fct = received.end; // posted at t = 0
    const std::string cc = sender->GetCongestionControl()->GetInstanceTypeId().GetName();
    Simulator::Destroy();

    std::printf("%s: %u hosts, %lu switches; %s on the queue pairs\n",
                graph->name.c_str(),
                hosts,
                static_cast<unsigned long>(fabric.switches.size()),
                cc.c_str());
    std::printf("%s -> %s: %lu bytes over %u links and %u switch%s (%s, %s links, %s pipeline)\n",
                graph->nodes[src].name.c_str(),
                graph->nodes[dst].name.c_str(),
                static_cast<unsigned long>(bytes),
                links,
                links - 1,
                links == 2 ? "" : "es",
                fabric::FormatDataRate(rate).c_str(),
                fabric::FormatTime(delay).c_str(),
                fabric::FormatTime(pipeline).c_str());
    std::printf("FCT %.3f us (expected %.3f us: store-and-forward latency plus serialization)\n",
                fct.GetPicoSeconds() / 1e6,
                expected.GetPicoSeconds() / 1e6);
    if (received.bytes != bytes || std::llabs((fct - expected).GetPicoSeconds()) > int64_t(packets))
    {
        std::printf("the FCT differs from the store-and-forward sum\n");
        return 1;
    }
    return 0;
}
