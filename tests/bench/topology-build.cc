/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Builds a topology file into ns-3 objects and prints the time and memory each stage takes:
// reading and expanding the file, then instantiating every node, NIC, switch, port, link,
// address and routing table. scripts/bench runs it on the B200 cluster and its slices.

#include "ns3/fabric-simulator.h"
#include "ns3/topology-helper.h"
#include "ns3/topology-reader.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

using namespace ns3;

namespace
{
/// A memory figure of this process from /proc: "VmRSS:" now, "VmHWM:" the peak.
double
StatusBytes(const std::string& field)
{
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
    {
        if (line.rfind(field, 0) == 0)
        {
            return std::stod(line.substr(field.size())) * 1024.0;
        }
    }
    return 0;
}

double
RssBytes()
{
    return StatusBytes("VmRSS:");
}

double
Seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}
} // namespace

int
main(int argc, char* argv[])
{
    fabric::SetupSimulator();
    if (argc != 2)
    {
        std::cerr << "usage: topology-build-bench TOPOLOGY.yaml\n";
        return 2;
    }
    double rssStart = RssBytes();
    auto start = std::chrono::steady_clock::now();
    std::vector<Diagnostic> diagnostics;
    auto loaded = LoadTopologyFile(argv[1], diagnostics);
    if (!loaded)
    {
        for (const auto& d : diagnostics)
        {
            std::cerr << d.Format() << "\n";
        }
        return 1;
    }
    double loadSeconds = Seconds(start);
    TopologyInfo info = SummarizeTopology(loaded->second);
    auto graph = std::make_shared<FabricGraph>(std::move(loaded->second));
    double rssGraph = RssBytes();

    start = std::chrono::steady_clock::now();
    Fabric fabric = TopologyHelper().Build(graph);
    double buildSeconds = Seconds(start);
    double built = RssBytes() - rssGraph;
    std::printf("topology=%s gpus=%llu nics=%llu switches=%llu links=%llu ports=%llu "
                "load_s=%.2f build_s=%.2f graph_mib=%.0f built_mib=%.0f estimate_mib=%.0f "
                "bytes_per_port=%.0f bytes_per_link=%.0f bytes_per_switch=%.0f peak_rss_mib=%.0f\n",
                argv[1],
                static_cast<unsigned long long>(info.gpus),
                static_cast<unsigned long long>(info.nics),
                static_cast<unsigned long long>(info.switches),
                static_cast<unsigned long long>(info.links),
                static_cast<unsigned long long>(info.ports),
                loadSeconds,
                buildSeconds,
                (rssGraph - rssStart) / 1048576.0,
                built / 1048576.0,
                info.memoryBytes / 1048576.0,
                built / info.ports,
                built / info.links,
                built / info.switches,
                StatusBytes("VmHWM:") / 1048576.0);
    std::fflush(stdout);
    // The process exits without tearing the model down: freeing millions of objects one by one
    // takes longer than building them, and the benchmark measures building.
    std::quick_exit(0);
}
