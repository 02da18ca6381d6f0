/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// An AllReduce on a fat-tree from a topology file: topologies/fat-tree-k4.yaml is built with
// TopologyHelper, DCQCN runs on every queue pair, and the 16 GPUs (one per server) run an
// AllReduce with a collective algorithm of the module. It prints NCCL's bus bandwidth, which on
// an idle non-blocking fabric comes close to the goodput of one NIC and never exceeds it.
//
//   build/examples/collectives-allreduce [--algorithm=tree] [--bytes=4194304] [--channels=2]

#include "ns3/collective-helper.h"
#include "ns3/command-line.h"
#include "ns3/fabric-simulator.h"
#include "ns3/fabric-units.h"
#include "ns3/roce-header.h"
#include "ns3/simulator.h"
#include "ns3/topology-reader.h"
#include "ns3/uinteger.h"

#include <cstdio>
#include <filesystem>
#include <iostream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    fabric::SetupSimulator(); // picosecond time, before any Time exists
    std::string topology = "topologies/fat-tree-k4.yaml";
    std::string algorithm = "ring";
    uint64_t bytes = 16 << 20;
    uint32_t channels = 1;
    CommandLine cmd(__FILE__);
    cmd.AddValue("topology", "Topology file, relative to the ns3-fabric checkout", topology);
    cmd.AddValue("algorithm", "Collective algorithm: ring or tree", algorithm);
    cmd.AddValue("bytes", "AllReduce size", bytes);
    cmd.AddValue("channels", "Channels (queue pairs per peer)", channels);
    cmd.Parse(argc, argv);

    // The example sits in contrib/collectives/examples/ of the checkout.
    std::filesystem::path checkout = std::filesystem::path(__FILE__).parent_path() / "../../..";
    std::vector<Diagnostic> diagnostics;
    auto loaded = LoadTopologyFile((checkout / topology).lexically_normal().string(), diagnostics);
    if (!loaded)
    {
        for (const Diagnostic& d : diagnostics)
        {
            std::cerr << d.Format() << "\n";
        }
        return 1;
    }
    auto graph = std::make_shared<const FabricGraph>(std::move(loaded->second));

    ObjectFactory queuePairs("ns3::RdmaQueuePair");
    queuePairs.Set("CongestionControl",
                   ObjectFactoryValue(ObjectFactory("ns3::DcqcnCongestionControl")));
    TopologyHelper topologyHelper;
    topologyHelper.SetNicAttribute("QueuePairFactory", ObjectFactoryValue(queuePairs));
    Fabric fabric = topologyHelper.Build(graph);

    CollectiveHelper collectives(fabric);
    collectives.SetAlgorithm(algorithm);
    collectives.SetAlgorithmAttribute("Channels", UintegerValue(channels));
    Communicator ranks = Communicator::AllGpus(*graph);
    Ptr<Collective> allreduce =
        collectives.Install(ranks, CollectiveOp::ALL_REDUCE, bytes, Seconds(0));
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    const CollectiveResult& r = allreduce->GetResult();

    // One NIC's goodput: full frames of MTU payload at the port rate.
    Ptr<Cx8NetDevice> nic = fabric.nics[0];
    uint32_t frame = RoceHeader::GetDataPacketSize(nic->GetPayloadMtu());
    double goodput = double(nic->GetPayloadMtu()) * 8 /
                     fabric::WireTime(frame, nic->GetBitRate()).GetSeconds() / 1e9;
    std::printf("%s: %s AllReduce of %lu bytes on %u GPUs, %u channel%s, DCQCN\n",
                graph->name.c_str(),
                r.algorithm.c_str(),
                static_cast<unsigned long>(bytes),
                r.ranks,
                channels,
                channels == 1 ? "" : "s");
    std::printf("time %.3f us, algbw %.1f Gb/s, busbw %.1f Gb/s (expected at most %.1f Gb/s, one "
                "NIC's goodput), slowest rank %u\n",
                r.GetTime().GetSeconds() * 1e6,
                r.GetAlgBandwidthGbps(),
                r.GetBusBandwidthGbps(),
                goodput,
                r.GetSlowestRank());
    bool ok = allreduce->IsComplete() && r.GetBusBandwidthGbps() <= goodput;
    Simulator::Destroy();
    return ok ? 0 : 1;
}
