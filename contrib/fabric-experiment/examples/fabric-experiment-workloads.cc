/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Workloads from a program: a scenario written here runs an 8-rank ring AllReduce of 4 MiB and
// an 8:1 incast of 1 MiB per sender at the same time on a 16-host leaf-spine, with DCQCN. It
// prints each workload's result beside the bound it cannot beat: the incast's last flow ends no
// earlier than the receiver's link can carry 8 MiB; the ring moves 2(n-1)/n S through each NIC.
//
//   build/examples/fabric-experiment-workloads [--senders=8]

#include "ns3/command-line.h"
#include "ns3/fabric-simulator.h"
#include "ns3/fabric-units.h"
#include "ns3/roce-header.h"
#include "ns3/scenario-runner.h"
#include "ns3/scenario.h"

#include <cstdio>
#include <iostream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    fabric::SetupSimulator(); // picosecond time, before any Time exists
    uint32_t senders = 8;
    CommandLine cmd(__FILE__);
    cmd.AddValue("senders", "Incast senders (1 to 12)", senders);
    cmd.Parse(argc, argv);

    std::string yaml = R"(
topology: {hosts: {count: 16}, fabric: {planes: [{generator: leaf-spine, radix: 8}]}}
transport: {congestion-control: dcqcn}
workloads:
  - {type: collective, name: allreduce, op: allreduce, size: 4MiB, ranks: {from: 4, count: 8}}
  - {type: incast, name: incast, receiver: host0, size: 1MiB, senders: )" +
                       std::to_string(senders) + "}\n";
    std::vector<Diagnostic> diagnostics;
    Scenario s = ParseScenario(yaml, "fabric-experiment-workloads", diagnostics);
    for (const Diagnostic& d : diagnostics)
    {
        std::cerr << d.Format() << "\n";
    }
    if (!diagnostics.empty())
    {
        return 1;
    }
    RunResult r = RunScenario(s, "");

    // Full 4096-byte frames on an 800 Gb/s link.
    double frame = fabric::WireBytes(RoceHeader::GetDataPacketSize(4096)) * 8 / 800e9;
    double perMiB = 256 * frame;
    Time last;
    for (const auto& f : r.flows)
    {
        last = std::max(last, f.receiverEnd);
    }
    double incastBound = senders * perMiB;
    const CollectiveResult& c = r.collectives.at(0).result;
    double ringBound = 2.0 * 7 / 8 * 4 * perMiB;
    std::printf("incast %u x 1 MiB: last byte at %.3f us (expected at least %.3f us)\n",
                senders,
                last.GetSeconds() * 1e6,
                incastBound * 1e6);
    std::printf("allreduce 4 MiB on 8 ranks: %.3f us, busbw %.1f Gb/s (expected at least %.3f "
                "us)\n",
                c.GetTime().GetSeconds() * 1e6,
                c.GetBusBandwidthGbps(),
                ringBound * 1e6);
    bool ok = r.GetCompleted() == s.flows.size() && r.collectives[0].completed &&
              last.GetSeconds() >= incastBound && c.GetTime().GetSeconds() >= ringBound;
    return ok ? 0 : 1;
}
