/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The fabric data path under a saturating workload (bench-workload.h: a permutation, or an
// incast through the shared buffer and PFC) on a 3-tier k-ary fat-tree of Cx8 NICs and fabric
// switches: each source sends one endless message. Prints the same key=value line as the stock
// ns-3 baseline (stock-p2p-fat-tree.cc) so scripts/bench can compare packet-hops per
// wall-clock second.

#include "alloc-counter.h"
#include "bench-workload.h"

#include "ns3/command-line.h"
#include "ns3/fabric-simulator.h"
#include "ns3/fat-tree-helper.h"
#include "ns3/rdma-helper.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <chrono>
#include <cstdio>
#include <sys/resource.h>

using namespace ns3;

int
main(int argc, char* argv[])
{
    fabric::SetupSimulator();

    uint32_t k = 8;
    std::string rate = "800Gbps";
    std::string delay = "50ns";
    std::string simTimeStr = "50us";
    std::string workload = "permutation";
    uint32_t senders = 16;
    CommandLine cmd(__FILE__);
    cmd.AddValue("workload", "permutation or incast", workload);
    cmd.AddValue("senders", "Incast senders", senders);
    cmd.AddValue("k", "Fat-tree radix (even)", k);
    cmd.AddValue("rate", "Link data rate", rate);
    cmd.AddValue("delay", "Link propagation delay", delay);
    cmd.AddValue("simTime", "Simulated duration", simTimeStr);
    cmd.Parse(argc, argv);
    const Time simTime(simTimeStr);

    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    const long rssBeforeKib = usage.ru_maxrss;
    FatTreeHelper helper;
    helper.SetNicAttribute("DataRate", StringValue(rate));
    helper.SetSwitchPortAttribute("DataRate", StringValue(rate));
    helper.SetLinkDelay(Time(delay));
    FatTreeShape shape{3, k, 0, 0};
    NS_ABORT_MSG_IF(!shape.Validate().empty(), shape.Validate());
    FatTree tree = helper.Build(shape);

    getrusage(RUSAGE_SELF, &usage);
    const double builtBytes = (usage.ru_maxrss - rssBeforeKib) * 1024.0;
    const uint64_t ports = tree.GetNPorts();

    const uint32_t hosts = tree.GetNHosts();
    for (auto [src, dst] : BenchFlows(workload, hosts, senders))
    {
        auto qps = RdmaHelper::Connect(tree.nics[src], tree.nics[dst]);
        qps.first->PostSend(uint64_t(1) << 40); // far more than the run can send
    }

    Simulator::Stop(simTime);
    const AllocCount allocBefore = GetAllocCount();
    auto start = std::chrono::steady_clock::now();
    Simulator::Run();
    double wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const AllocCount allocAfter = GetAllocCount();

    const uint64_t hops = tree.GetTxFrames();
    getrusage(RUSAGE_SELF, &usage);
    // Memory of the built fabric (nodes, ports, links, routing) per port, NIC ports included.
    uint64_t pauses = 0;
    for (const auto& tier : tree.tiers)
    {
        for (const auto& sw : tier)
        {
            for (uint32_t p = 0; p < sw->GetNPorts(); ++p)
            {
                pauses += sw->GetPort(p)->GetPfcTxFrames();
            }
        }
    }
    std::printf(
        "model=ns3-fabric pfc_frames=%llu k=%u hosts=%u ports=%llu build_bytes_per_port=%.0f "
        "sim_time_us=%g packet_hops=%llu events=%llu alloc_bytes=%llu alloc_blocks=%llu "
        "wall_s=%.3f hops_per_s=%.0f peak_rss_mib=%.0f\n",
        static_cast<unsigned long long>(pauses),
        k,
        hosts,
        static_cast<unsigned long long>(ports),
        builtBytes / ports,
        simTime.ToDouble(Time::US),
        static_cast<unsigned long long>(hops),
        static_cast<unsigned long long>(Simulator::GetEventCount()),
        static_cast<unsigned long long>(allocAfter.bytes - allocBefore.bytes),
        static_cast<unsigned long long>(allocAfter.blocks - allocBefore.blocks),
        wallS,
        wallS > 0 ? hops / wallS : 0.0,
        usage.ru_maxrss / 1024.0);
    Simulator::Destroy();
    return 0;
}
