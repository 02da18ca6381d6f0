/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef CHAKRA_TRACE_H
#define CHAKRA_TRACE_H

#include "ns3/collective-algorithm.h"
#include "ns3/execution-graph.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-experiment
 * \brief One node of a Chakra execution trace (MLCommons Chakra, schema/protobuf/et_def.proto),
 *        with the attributes ns3-fabric reads: comm_type, comm_size, comm_src, comm_dst,
 *        comm_tag (any integer type), pg_name (string), is_cpu_op (bool).
 */
struct ChakraNode
{
    /// The schema's NodeType.
    enum Type : uint32_t
    {
        INVALID = 0,
        METADATA = 1,
        MEM_LOAD = 2,
        MEM_STORE = 3,
        COMP = 4,
        COMM_SEND = 5,
        COMM_RECV = 6,
        COMM_COLL = 7,
    };

    /// The schema's CollectiveCommType.
    enum Collective : uint32_t
    {
        ALL_REDUCE = 0,
        REDUCE = 1,
        ALL_GATHER = 2,
        GATHER = 3,
        SCATTER = 4,
        BROADCAST = 5,
        ALL_TO_ALL = 6,
        REDUCE_SCATTER = 7,
        REDUCE_SCATTER_BLOCK = 8,
        BARRIER = 9,
    };

    static constexpr int64_t UNSET = INT64_MIN; //!< an attribute the node does not have

    uint64_t id{0};
    std::string name;
    uint32_t type{INVALID};
    std::vector<uint64_t> dataDeps;
    std::vector<uint64_t> ctrlDeps;
    uint64_t durationMicros{0};
    bool cpuOp{false};
    int64_t commType{UNSET};
    int64_t commSize{UNSET};
    int64_t commSrc{UNSET};
    int64_t commDst{UNSET};
    int64_t commTag{UNSET};
    std::string pgName;
    uint64_t offset{0}; //!< where its message starts in the file, for diagnostics
};

/// A Chakra execution trace: its GlobalMetadata's version and its nodes in file order.
struct ChakraTrace
{
    std::string file; //!< where it was read from, for diagnostics
    std::string version;
    std::vector<ChakraNode> nodes;
};

/**
 * \brief Read the trace at \p path: varint-length-prefixed messages, GlobalMetadata then Nodes,
 *        plain or gzip-compressed (as Chakra's own reader accepts).
 * \return empty, or "path:offset: what is wrong"
 */
std::string ReadChakraTrace(const std::string& path, ChakraTrace& trace);

/// Write \p trace in the same format (attributes as Chakra's generator writes them), atomically;
/// returns empty or why not.
std::string WriteChakraTrace(const std::string& path, const ChakraTrace& trace);

/// What a job of Chakra traces is made of.
struct ChakraJob
{
    /// The traces, and for each the job ranks that run it (several for a rank group's trace).
    std::vector<std::pair<ChakraTrace, std::vector<uint32_t>>> traces;
    std::vector<GpuId> gpus; //!< job rank r runs on gpus[r]
    /// Process groups by pg_name: their groups of job ranks, each rank in at most one of a
    /// name's groups. pg_name "" and "0" are every rank.
    std::map<std::string, std::vector<std::vector<uint32_t>>> groups;
    /// The algorithm (TypeId, attributes) of each operation.
    std::map<CollectiveOp, std::pair<std::string, std::vector<AttributeSetting>>> algorithms;
};

/**
 * \brief The job as an ExecutionGraph, one program per trace: COMP_NODE (and memory nodes) a
 *        compute of duration_micros (none for CPU ops and METADATA_NODE), COMM_COLL_NODE a
 *        collective of comm_size bytes on the rank's group of pg_name, COMM_SEND_NODE and
 *        COMM_RECV_NODE a message to comm_dst / from comm_src, matched in order by source,
 *        destination and comm_tag. A node waits for its data_deps and ctrl_deps.
 * \param[out] problems each "file:offset: node id ('name'): what is wrong" (nodes of unknown or
 *        unsupported types, dependencies on nodes the trace lacks, cycles, sends without a
 *        matching receive, ranks outside their process group, ...); the graph is null if any.
 *        What ExecutionGraph::Check finds (e.g. ranks whose collectives on a group differ) is
 *        left to the caller (WorkloadReader::AddJob).
 */
std::shared_ptr<ExecutionGraph> BuildChakraGraph(const ChakraJob& job,
                                                 std::vector<std::string>& problems);

} // namespace ns3

#endif // CHAKRA_TRACE_H
