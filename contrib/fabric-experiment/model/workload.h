/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef WORKLOAD_H
#define WORKLOAD_H

#include "ns3/attribute-text.h"
#include "ns3/collective-algorithm.h"
#include "ns3/communicator.h"
#include "ns3/execution-graph.h"
#include "ns3/gpu-transport.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/topology.h"
#include "ns3/yaml-reader.h"

#include <optional>
#include <string>
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
    uint32_t workload{0}; //!< index in Scenario::workloads
};

/// One collective operation of a workload.
struct CollectiveSpec
{
    static constexpr uint32_t NONE = UINT32_MAX;

    CollectiveOp op{CollectiveOp::ALL_REDUCE};
    std::vector<GpuId> ranks;
    uint64_t bytes{0};
    uint32_t root{0};
    std::string algorithm; //!< TypeId name of a CollectiveAlgorithm
    std::vector<AttributeSetting> attributes;
    Time start;           //!< when it starts, unless it follows another
    uint32_t after{NONE}; //!< index in Scenario::collectives: start when that one completes
    uint32_t workload{0};
};

/// A job whose GPU ranks run an ExecutionGraph (a training step, traces).
struct JobSpec
{
    std::shared_ptr<const ExecutionGraph> graph;
    Time start;
    uint32_t workload{0};
};

/// A workload as the scenario names it.
struct WorkloadInfo
{
    static constexpr uint32_t NONE = UINT32_MAX;

    std::string name;
    std::string type; //!< the short name or TypeId written in the scenario
    /// When it begins: from the start of the run, or from the moment all the work of the
    /// workload it follows has completed. Its flows' and collectives' start times are this
    /// plus their offsets inside the workload.
    Time start;
    uint32_t after{NONE}; //!< index of the workload it follows
};

/// NICs or GPUs of the hosts: (graph node, index in the host).
struct HostPort
{
    uint32_t node{0};
    uint32_t index{0};
};

/**
 * \ingroup fabric-experiment
 * \brief What a workload reads its keys with and hands its traffic to: the scenario's YAML
 *        reader, topology and random stream, endpoint selections, and the flow planner.
 */
class WorkloadReader
{
  public:
    /// Whether a selection names NICs ("host:nic") or GPUs ("host:gpu").
    enum Kind
    {
        NIC,
        GPU,
    };

    /**
     * \param graph the scenario's topology
     * \param scenarioFile relative paths in the workload are taken from its folder
     * \param stop the scenario's stop time; zero when it runs until all work is done
     */
    WorkloadReader(YamlReader& yaml,
                   std::shared_ptr<const FabricGraph> graph,
                   const std::string& scenarioFile,
                   Time stop);
    ~WorkloadReader();
    WorkloadReader(const WorkloadReader&) = delete;
    WorkloadReader& operator=(const WorkloadReader&) = delete;

    YamlReader& Yaml()
    {
        return m_yaml;
    }

    const FabricGraph& GetGraph() const
    {
        return m_graph;
    }

    /// The topology's host links (built on first use).
    const HostLinks& GetHostLinks();

    /// A transport on the topology that checks collectives (Collective::Setup) but sends
    /// nothing.
    Ptr<GpuTransport> GetCheckTransport();

    /// Empty if \p op of \p bytes can run on \p comm with the algorithm \p algorithm
    /// (a TypeId) and \p attributes, else why not (Collective::Setup's checks, on the check
    /// transport).
    std::string CheckCollective(const Communicator& comm,
                                CollectiveOp op,
                                uint64_t bytes,
                                const std::string& algorithm,
                                const std::vector<AttributeSetting>& attributes,
                                uint32_t root = 0);

    Time GetStop() const
    {
        return m_stop;
    }

    /// Report \p list at \p path unless it is a list of at least one \p what.
    static bool CheckList(YamlReader& r,
                          const YAML::Node& list,
                          const std::string& path,
                          const std::string& what);

    /// Report \p start at \p at if the scenario stops at a time and \p start is not before it.
    bool CheckStart(const YAML::Node& at, const std::string& path, Time start);

    /**
     * \brief The input file named by the scalar \p at, relative to the scenario's folder
     *        (absolute paths unchanged). It is recorded as one of the run's inputs, copied
     *        into the results folder.
     */
    std::string ResolvePath(const YAML::Node& at);

    /**
     * \brief The start of the names of several input files, named by the scalar \p at and
     *        taken as ResolvePath does. The files are not copied into the results folder: the
     *        scenario recorded there names them by this absolute path instead.
     */
    std::string ResolvePrefix(const YAML::Node& at);

    /// The input files named so far: (node that names it, resolved path).
    const std::vector<std::pair<YAML::Node, std::string>>& GetInputFiles() const
    {
        return m_inputFiles;
    }

    /// A random stream of the current workload's own (stream = its position in the list).
    Ptr<UniformRandomVariable> GetRandom() const
    {
        return m_random;
    }

    /// Parse "host" or "host:k" into \p out; reports at \p at and returns false if it is not
    /// one of the topology's NICs or GPUs.
    bool ParseEndpoint(const YAML::Node& at,
                       const std::string& path,
                       const std::string& text,
                       Kind kind,
                       HostPort& out);

    /// The name of an endpoint: "host3" for index 0, else "host3:2".
    std::string Name(HostPort p) const;

    /**
     * \brief Read the selection map[key]: `all` (every NIC or GPU of every host, host by
     *        host), `{nic: k}` / `{gpu: k}` (index k of every host that has it: one rail),
     *        `{from: i, count: n}` (n of the `all` list from position i), or a list of
     *        endpoints. Absent: \p out is left as it is.
     * \return false if it was present and wrong (reported)
     */
    bool ReadSelection(const YAML::Node& map,
                       const char* key,
                       const std::string& path,
                       Kind kind,
                       std::vector<HostPort>& out);

    /// Every NIC or GPU of every host.
    std::vector<HostPort> All(Kind kind) const;

    /**
     * \brief Read the collective algorithm map[key]: a name (CollectiveHelper's short names or
     *        a CollectiveAlgorithm TypeId) or a map of `name` and the algorithm's attributes.
     * \param[in,out] algorithm in: the short name used when the key is absent; out: the TypeId
     * \return false if it was wrong (reported)
     */
    bool ReadAlgorithm(const YAML::Node& map,
                       const char* key,
                       const std::string& path,
                       std::string& algorithm,
                       std::vector<AttributeSetting>& attributes);

    /// A flow from NIC \p src to NIC \p dst at \p start, planned; a flow without a path is
    /// reported at \p at and not added. Checking starts against the stop time is the caller's.
    bool AddFlow(const YAML::Node& at,
                 const std::string& path,
                 HostPort src,
                 HostPort dst,
                 uint64_t bytes,
                 Time start);

    /// A collective; returns its index in the scenario (for CollectiveSpec::after).
    uint32_t AddCollective(CollectiveSpec spec);

    /**
     * \brief The job of the workload \p node (at \p path), starting at \p start, once checked:
     *        ExecutionGraph::Check, and each kind of collective it runs (group kind, operation,
     *        size, algorithm) as Collective::Setup would on its first group. Problems are
     *        reported at \p node and the job is not added.
     */
    void AddJob(const YAML::Node& node,
                const std::string& path,
                std::shared_ptr<const ExecutionGraph> graph,
                Time start);

    /// \name Used by the scenario reader.
    /// @{
    void BeginWorkload(uint32_t index, uint32_t seed);

    std::vector<FlowSpec>& GetFlows()
    {
        return m_flows;
    }

    std::vector<CollectiveSpec>& GetCollectives()
    {
        return m_collectives;
    }

    std::vector<JobSpec>& GetJobs()
    {
        return m_jobs;
    }

    /// @}

  private:
    /// The hosts, for error messages: "host0, host1, ..., host15 (16 hosts)".
    const std::string& DescribeHosts();
    uint32_t Count(uint32_t node, Kind kind) const;

    YamlReader& m_yaml;
    std::shared_ptr<const FabricGraph> m_graphPtr;
    const FabricGraph& m_graph;
    Ptr<GpuTransport> m_checkTransport;
    std::string m_scenarioFile;
    Time m_stop;
    std::optional<HostLinks> m_links;
    std::string m_hosts;
    uint32_t m_workload{0};
    Ptr<UniformRandomVariable> m_random;
    std::vector<FlowSpec> m_flows;
    std::vector<CollectiveSpec> m_collectives;
    std::vector<JobSpec> m_jobs;
    std::vector<std::pair<YAML::Node, std::string>> m_inputFiles;
};

/**
 * \ingroup fabric-experiment
 * \brief A workload plugin: reads its keys of a scenario's `workloads` entry and adds the
 *        flows and collectives it stands for. Subclasses registered as TypeIds (also from a
 *        plugin library) can be named in a scenario by their TypeId.
 */
class Workload : public Object
{
  public:
    static TypeId GetTypeId();

    /// The keys of the entry the workload reads, besides type, name and start.
    virtual std::vector<const char*> GetKeys() const = 0;

    /**
     * \brief Read the entry \p node (keys already checked against GetKeys) and add its
     *        traffic, starting at \p start, through \p in. Problems are reported through
     *        in.Yaml().
     */
    virtual void Read(WorkloadReader& in,
                      const YAML::Node& node,
                      const std::string& path,
                      Time start) = 0;

    /// The TypeId a scenario's workload type names: a short name or a TypeId; false if none.
    static bool Lookup(const std::string& name, TypeId& tid);
    /// The short names, for messages.
    static std::string DescribeTypes();
};

} // namespace ns3

#endif // WORKLOAD_H
