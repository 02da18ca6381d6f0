/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#include "ns3/fat-tree-helper.h"
#include "ns3/nstime.h"
#include "ns3/yaml-reader.h"

#include <string>
#include <vector>

namespace ns3
{

/// One RDMA message from one host to another.
struct FlowSpec
{
    std::string src;
    std::string dst;
    uint64_t srcHost{0};
    uint64_t dstHost{0};
    uint64_t bytes{0};
    Time start;
};

/**
 * \ingroup fabric-experiment
 * \brief A scenario file, read and validated: a fat-tree, the transport settings, flows, when
 *        to stop, and what to write. The schema is in docs/scenario-schema.md.
 */
struct Scenario
{
    std::string file;
    std::string name;
    uint32_t seed{1};

    FatTreeShape shape;
    uint64_t linkBps{800000000000ULL};
    Time linkDelay{NanoSeconds(10)};
    Time switchLatency{NanoSeconds(500)};
    /// TypeId of the switches' uplink load balancer.
    std::string loadBalancer{"ns3::EcmpLoadBalancer"};

    uint32_t mtu{4096};
    uint32_t ackInterval{1};

    std::vector<FlowSpec> flows;
    /// The run ends here at the latest; it ends earlier when every flow has completed.
    Time stop{Seconds(1)};
    /// Results folder as written in the file (relative to the working directory); may be empty.
    std::string output;
    /// Nodes whose every port is captured to pcap.
    std::vector<std::string> pcap;
};

/**
 * \brief Read and validate a scenario.
 * \param file the path, used to read it and in diagnostics
 * \param[out] diagnostics every problem found; the scenario is usable only if it stays empty
 */
Scenario LoadScenario(const std::string& file, std::vector<Diagnostic>& diagnostics);

/// As LoadScenario, from \p text; \p file only names it in diagnostics.
Scenario ParseScenario(const std::string& text,
                       const std::string& file,
                       std::vector<Diagnostic>& diagnostics);

} // namespace ns3

#endif // SCENARIO_H
