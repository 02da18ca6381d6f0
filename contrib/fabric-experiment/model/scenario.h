/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#include "ns3/attribute-text.h"
#include "ns3/nstime.h"
#include "ns3/rdma-queue-pair.h"
#include "ns3/topology.h"
#include "ns3/yaml-reader.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/// One RDMA message from one NIC to another ("host3" is NIC 0 of host3, "host3:2" its NIC 2).
struct FlowSpec
{
    std::string src;
    std::string dst;
    uint32_t srcNode{0}; //!< graph node of the source host
    uint32_t srcNic{0};
    uint32_t dstNode{0};
    uint32_t dstNic{0};
    /// The source host's NIC that sends into the fabric: srcNic, or, when only another NIC's
    /// plane reaches the destination, that NIC; if it serves another GPU, the data crosses
    /// NVLink to that GPU first (as NCCL's PXN does). NONE: both ends are on one server and
    /// NVLink carries the whole flow.
    uint32_t fabricNic{0};
    uint64_t bytes{0};
    Time start;
};

/**
 * \ingroup fabric-experiment
 * \brief A scenario file, read and validated: a topology, the transport settings, flows, when
 *        to stop, and what to write. The schema is in docs/scenario-schema.md.
 */
struct Scenario
{
    std::string file;
    std::string name;
    uint32_t seed{1};

    /// The topology file's path as resolved (empty: the topology is written in the scenario).
    std::string topologyFile;
    /// The topology as written, and expanded.
    std::shared_ptr<const Topology> topology;
    std::shared_ptr<const FabricGraph> graph;

    /// TypeId of the switches' load balancer among equal-cost ports.
    std::string loadBalancer{"ns3::EcmpLoadBalancer"};
    /// RoCE path MTU of every NIC; 0: the NIC profile's.
    uint32_t mtu{0};
    uint32_t ackInterval{1};
    /// TypeId of every queue pair's congestion control (a CongestionControl subclass).
    std::string congestionControl{"ns3::NoCongestionControl"};
    /// Attributes set on the congestion control, in the order written: (name, value in the text
    /// form ns-3 reads back exactly, e.g. "100000000000bps" and "55000000ps").
    std::vector<AttributeSetting> ccAttributes;
    RdmaQueuePair::LossRecovery lossRecovery{RdmaQueuePair::GO_BACK_N};
    bool outOfOrderPlacement{true};
    Time cnpInterval{MicroSeconds(50)};

    std::vector<FlowSpec> flows;
    /// The run ends here at the latest; it ends earlier when every flow has completed.
    Time stop{Seconds(1)};
    /// Results folder as written in the file (relative to the working directory); may be empty.
    std::string output;
    /// Nodes whose every port is captured to pcap.
    std::vector<std::string> pcap;
};

/**
 * \brief The TypeId a scenario's congestion-control name stands for.
 * \param name a short name (none, dcqcn, hpcc, timely, dctcp) or the TypeId name of a
 *        registered CongestionControl subclass that has a constructor (e.g. one a plugin added)
 * \param[out] tid the TypeId, if the name is known
 * \return whether it is
 */
bool LookupCongestionControl(const std::string& name, TypeId& tid);

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
