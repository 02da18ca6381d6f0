/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#include "ns3/attribute-text.h"
#include "ns3/nstime.h"
#include "ns3/rdma-queue-pair.h"
#include "ns3/topology.h"
#include "ns3/workload.h"
#include "ns3/yaml-reader.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-experiment
 * \brief A scenario file, read and validated: a topology, the transport settings, workloads
 *        (as the flows and collectives they stand for), when to stop, and what to write. The
 *        schema is in docs/scenario-schema.md.
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
    /// GpuTransport's AwakeQueuePairs; 0: its default.
    uint64_t awakeQueuePairs{0};

    std::vector<WorkloadInfo> workloads;
    /// Every workload's flows (FlowSpec::workload says whose), in the order they were read.
    std::vector<FlowSpec> flows;
    /// Every workload's collectives.
    std::vector<CollectiveSpec> collectives;
    /// Every workload's jobs of GPU ranks.
    std::vector<JobSpec> jobs;
    /// The run ends here at the latest (zero: no limit); it ends when all work has completed.
    Time stop;
    /// Results folder as written in the file (relative to the working directory); may be empty.
    std::string output;
    /// Ports whose queue depth and transmitted bytes are sampled every queueInterval:
    /// (graph node, port).
    std::vector<HostPort> queuePorts;
    Time queueInterval;

    /// The scenario as read (overrides applied), its file paths renamed to the copies listed in
    /// inputFiles: what a results folder's inputs/ holds to run it again.
    std::string inputYaml;
    /// Files the scenario reads: (path read, name in inputs/).
    std::vector<std::pair<std::string, std::string>> inputFiles;
    /// Nodes whose every port is captured to pcap.
    std::vector<std::string> pcap;
    /// The MPI rank of each graph node as the scenario's `partition` lists them (empty: none;
    /// a run over several processes then splits the fabric with PartitionGraph), and the
    /// number of processes it is for.
    std::vector<uint32_t> partition;
    uint32_t partitionParts{0};
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
 * \param overrides `key.path[i].key=value` assignments applied to the file before it is read
 *        (nsfab run --set); problems in them are reported as `--set <assignment>`
 */
Scenario LoadScenario(const std::string& file,
                      std::vector<Diagnostic>& diagnostics,
                      const std::vector<std::string>& overrides = {});

/// As LoadScenario, from \p text; \p file only names it in diagnostics.
Scenario ParseScenario(const std::string& text,
                       const std::string& file,
                       std::vector<Diagnostic>& diagnostics,
                       const std::vector<std::string>& overrides = {});

} // namespace ns3

#endif // SCENARIO_H
