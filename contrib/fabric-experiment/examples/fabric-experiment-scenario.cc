/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// A YAML scenario run from a program, as `nsfab run` runs it: scenarios/single-flow.yaml (one
// 64 MiB RDMA message between two leaves of an 800 Gb/s leaf-spine) is read and validated,
// built and run, and each flow's completion time and goodput printed. No flow can beat the
// wire bound: with a 4096-byte MTU, 4096 payload bytes take 4178 bytes on the wire, 784.3 Gb/s
// at 800 Gb/s; an uncontended flow comes within 0.5 % of it.
//
//   build/examples/fabric-experiment-scenario [--scenario=scenarios/single-flow.yaml]

#include "ns3/command-line.h"
#include "ns3/fabric-simulator.h"
#include "ns3/fabric-units.h"
#include "ns3/roce-header.h"
#include "ns3/scenario-runner.h"
#include "ns3/scenario.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
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
} // namespace

int
main(int argc, char* argv[])
{
    fabric::SetupSimulator(); // picosecond time, before any Time exists
    std::string file = "scenarios/single-flow.yaml";
    CommandLine cmd(__FILE__);
    cmd.AddValue("scenario", "Scenario file", file);
    cmd.Parse(argc, argv);

    std::vector<Diagnostic> diagnostics;
    Scenario s = LoadScenario(InSourceTree(file), diagnostics);
    for (const Diagnostic& d : diagnostics)
    {
        std::cerr << d.Format() << "\n";
    }
    if (!diagnostics.empty())
    {
        return 1;
    }
    RunResult r = RunScenario(s, ""); // no pcap folder: the scenario captures nothing

    std::printf("scenario %s (seed %u): %u/%zu flows completed, %.3f us simulated\n",
                s.name.c_str(),
                s.seed,
                r.GetCompleted(),
                s.flows.size(),
                r.simTime.GetPicoSeconds() / 1e6);
    const uint32_t mtu = s.mtu != 0 ? s.mtu : 4096; // the ConnectX-8 profile's by default
    bool ok = r.GetCompleted() == s.flows.size();
    for (std::size_t i = 0; i < s.flows.size(); ++i)
    {
        const FlowSpec& flow = s.flows[i];
        if (!r.flows[i].completed)
        {
            std::printf("flow %zu %s -> %s: not completed by %s\n",
                        i,
                        flow.src.c_str(),
                        flow.dst.c_str(),
                        fabric::FormatTime(s.stop).c_str());
            continue;
        }
        Time fct = r.flows[i].GetFct();
        double goodput = flow.bytes * 8 / fct.GetSeconds();
        std::printf("flow %zu %s -> %s: %lu bytes, FCT %.3f us, goodput %.2f Gb/s",
                    i,
                    flow.src.c_str(),
                    flow.dst.c_str(),
                    static_cast<unsigned long>(flow.bytes),
                    fct.GetPicoSeconds() / 1e6,
                    goodput / 1e9);
        if (flow.fabricNic == FabricGraph::NONE)
        {
            std::printf(" (over NVLink)\n");
            continue;
        }
        uint64_t rate = s.graph->GetPortRate(flow.srcNode);
        double bound = double(mtu) / fabric::WireBytes(RoceHeader::GetDataPacketSize(mtu)) * rate;
        std::printf(" (expected at most the wire bound %u/%u x %.0f Gb/s = %.2f Gb/s)\n",
                    mtu,
                    fabric::WireBytes(RoceHeader::GetDataPacketSize(mtu)),
                    rate / 1e9,
                    bound / 1e9);
        ok = ok && goodput <= bound;
    }
    if (!ok)
    {
        std::printf("a flow did not complete or beat the wire bound\n");
        return 1;
    }
    return 0;
}
