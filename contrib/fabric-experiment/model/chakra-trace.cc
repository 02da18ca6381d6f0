/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "chakra-trace.h"

#include "chakra-et.pb.h"
#include "results-writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/gzip_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <numeric>
#include <queue>
#include <set>
#include <sstream>
#include <unordered_map>

namespace ns3
{

namespace
{
namespace pb = nsfab::chakra;
using google::protobuf::io::ArrayInputStream;
using google::protobuf::io::CodedInputStream;
using google::protobuf::io::CodedOutputStream;
using google::protobuf::io::GzipInputStream;
using google::protobuf::io::StringOutputStream;

/// An attribute's value as an integer, whichever integer type it was written as.
bool
Integer(const pb::AttributeProto& a, int64_t& v)
{
    switch (a.value_case())
    {
    case pb::AttributeProto::kInt32Val:
        v = a.int32_val();
        return true;
    case pb::AttributeProto::kInt64Val:
        v = a.int64_val();
        return true;
    case pb::AttributeProto::kUint32Val:
        v = a.uint32_val();
        return true;
    case pb::AttributeProto::kUint64Val:
        v = static_cast<int64_t>(a.uint64_val());
        return a.uint64_val() <= uint64_t(INT64_MAX);
    case pb::AttributeProto::kSint32Val:
        v = a.sint32_val();
        return true;
    case pb::AttributeProto::kSint64Val:
        v = a.sint64_val();
        return true;
    case pb::AttributeProto::kFixed32Val:
        v = a.fixed32_val();
        return true;
    case pb::AttributeProto::kFixed64Val:
        v = static_cast<int64_t>(a.fixed64_val());
        return a.fixed64_val() <= uint64_t(INT64_MAX);
    case pb::AttributeProto::kSfixed32Val:
        v = a.sfixed32_val();
        return true;
    case pb::AttributeProto::kSfixed64Val:
        v = a.sfixed64_val();
        return true;
    default:
        return false;
    }
}

/// The node's attributes ns3-fabric uses; empty or what is wrong with one.
std::string
ReadAttributes(const pb::Node& in, ChakraNode& out)
{
    const std::pair<const char*, int64_t ChakraNode::*> integers[] = {
        {"comm_type", &ChakraNode::commType},
        {"comm_size", &ChakraNode::commSize},
        {"comm_src", &ChakraNode::commSrc},
        {"comm_dst", &ChakraNode::commDst},
        {"comm_tag", &ChakraNode::commTag},
    };
    for (const pb::AttributeProto& a : in.attr())
    {
        for (const auto& [name, field] : integers)
        {
            if (a.name() == name && !Integer(a, out.*field))
            {
                return std::string("attribute ") + name + " is not an integer";
            }
        }
        if (a.name() == "pg_name")
        {
            int64_t number = 0;
            if (a.value_case() == pb::AttributeProto::kStringVal)
            {
                out.pgName = a.string_val();
            }
            else if (Integer(a, number))
            {
                out.pgName = std::to_string(number);
            }
            else
            {
                return "attribute pg_name is neither a string nor an integer";
            }
        }
        else if (a.name() == "is_cpu_op")
        {
            int64_t number = 0;
            if (a.value_case() == pb::AttributeProto::kBoolVal)
            {
                out.cpuOp = a.bool_val();
            }
            else if (Integer(a, number))
            {
                out.cpuOp = number != 0;
            }
            else
            {
                return "attribute is_cpu_op is not a bool";
            }
        }
    }
    return "";
}

/// "file:offset: node id ('name'): what".
std::string
At(const ChakraTrace& trace, const ChakraNode& node, const std::string& what)
{
    return trace.file + ":" + std::to_string(node.offset) + ": node " + std::to_string(node.id) +
           " ('" + node.name + "'): " + what;
}

/// The operations ns3-fabric runs, by CollectiveCommType.
bool
ToOp(int64_t type, CollectiveOp& op)
{
    switch (type)
    {
    case ChakraNode::ALL_REDUCE:
        op = CollectiveOp::ALL_REDUCE;
        return true;
    case ChakraNode::ALL_GATHER:
        op = CollectiveOp::ALL_GATHER;
        return true;
    case ChakraNode::BROADCAST:
        op = CollectiveOp::BROADCAST;
        return true;
    case ChakraNode::ALL_TO_ALL:
        op = CollectiveOp::ALL_TO_ALL;
        return true;
    case ChakraNode::REDUCE_SCATTER:
    case ChakraNode::REDUCE_SCATTER_BLOCK:
        op = CollectiveOp::REDUCE_SCATTER;
        return true;
    default:
        return false;
    }
}

const char* const COLLECTIVE_NAMES[] = {"ALL_REDUCE",
                                        "REDUCE",
                                        "ALL_GATHER",
                                        "GATHER",
                                        "SCATTER",
                                        "BROADCAST",
                                        "ALL_TO_ALL",
                                        "REDUCE_SCATTER",
                                        "REDUCE_SCATTER_BLOCK",
                                        "BARRIER"};
} // namespace

std::string
ReadChakraTrace(const std::string& path, ChakraTrace& trace)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        return path + ": cannot open: " + std::strerror(errno);
    }
    std::ostringstream whole;
    whole << in.rdbuf();
    std::string bytes = whole.str();
    if (bytes.size() >= 2 && uint8_t(bytes[0]) == 0x1f && uint8_t(bytes[1]) == 0x8b)
    {
        ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
        GzipInputStream gzip(&raw);
        std::string plain;
        const void* data;
        int size;
        while (gzip.Next(&data, &size))
        {
            plain.append(static_cast<const char*>(data), size);
        }
        if (gzip.ZlibErrorMessage())
        {
            return path + ": not a valid gzip stream: " + gzip.ZlibErrorMessage();
        }
        bytes = std::move(plain);
    }
    trace = ChakraTrace();
    trace.file = path;
    CodedInputStream stream(reinterpret_cast<const uint8_t*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    bool first = true;
    while (stream.CurrentPosition() < static_cast<int>(bytes.size()))
    {
        uint64_t offset = stream.CurrentPosition();
        std::string where = path + ":" + std::to_string(offset) + ": ";
        uint32_t length = 0;
        if (!stream.ReadVarint32(&length) ||
            length > bytes.size() - static_cast<std::size_t>(stream.CurrentPosition()))
        {
            return where + "truncated: a message length runs past the end of the file";
        }
        auto limit = stream.PushLimit(static_cast<int>(length));
        if (first)
        {
            pb::GlobalMetadata metadata;
            if (!metadata.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
            {
                return where + "not a Chakra GlobalMetadata message";
            }
            trace.version = metadata.version();
            first = false;
        }
        else
        {
            pb::Node node;
            if (!node.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
            {
                return where + "not a Chakra Node message";
            }
            ChakraNode& n = trace.nodes.emplace_back();
            n.id = node.id();
            n.name = node.name();
            n.type = static_cast<uint32_t>(node.type());
            n.dataDeps.assign(node.data_deps().begin(), node.data_deps().end());
            n.ctrlDeps.assign(node.ctrl_deps().begin(), node.ctrl_deps().end());
            n.durationMicros = node.duration_micros();
            n.offset = offset;
            std::string problem = ReadAttributes(node, n);
            if (!problem.empty())
            {
                return At(trace, n, problem);
            }
        }
        stream.PopLimit(limit);
    }
    if (first)
    {
        return path + ":0: empty: a trace starts with its GlobalMetadata";
    }
    return "";
}

std::string
WriteChakraTrace(const std::string& path, const ChakraTrace& trace)
{
    std::string out;
    {
        StringOutputStream sink(&out);
        CodedOutputStream stream(&sink);
        auto put = [&stream](const google::protobuf::MessageLite& m) {
            stream.WriteVarint32(static_cast<uint32_t>(m.ByteSizeLong()));
            m.SerializeToCodedStream(&stream);
        };
        pb::GlobalMetadata metadata;
        metadata.set_version(trace.version);
        put(metadata);
        for (const ChakraNode& n : trace.nodes)
        {
            pb::Node node;
            node.set_id(n.id);
            node.set_name(n.name);
            node.set_type(static_cast<pb::NodeType>(n.type));
            node.mutable_data_deps()->Add(n.dataDeps.begin(), n.dataDeps.end());
            node.mutable_ctrl_deps()->Add(n.ctrlDeps.begin(), n.ctrlDeps.end());
            node.set_duration_micros(n.durationMicros);
            // As Chakra's generator writes them: is_cpu_op a bool, sizes and types int64,
            // ranks and tags int32.
            pb::AttributeProto* cpu = node.add_attr();
            cpu->set_name("is_cpu_op");
            cpu->set_bool_val(n.cpuOp);
            for (auto [name, value, wide] : {std::tuple{"comm_type", n.commType, true},
                                             std::tuple{"comm_size", n.commSize, true},
                                             std::tuple{"comm_src", n.commSrc, false},
                                             std::tuple{"comm_dst", n.commDst, false},
                                             std::tuple{"comm_tag", n.commTag, false}})
            {
                if (value == ChakraNode::UNSET)
                {
                    continue;
                }
                pb::AttributeProto* a = node.add_attr();
                a->set_name(name);
                if (wide)
                {
                    a->set_int64_val(value);
                }
                else
                {
                    a->set_int32_val(static_cast<int32_t>(value));
                }
            }
            if (!n.pgName.empty())
            {
                pb::AttributeProto* pg = node.add_attr();
                pg->set_name("pg_name");
                pg->set_string_val(n.pgName);
            }
            put(node);
        }
    }
    return WriteFileAtomically(path, out, true);
}

namespace
{
/// Builds the ExecutionGraph of a ChakraJob.
class GraphBuilder
{
  public:
    GraphBuilder(const ChakraJob& job, std::vector<std::string>& problems)
        : m_job(job),
          m_problems(problems),
          m_graph(std::make_shared<ExecutionGraph>())
    {
        m_graph->AddLabel("trace");
    }

    std::shared_ptr<ExecutionGraph> Build();

  private:
    /// One trace's program; false if it has problems.
    bool AddProgram(const ChakraTrace& trace, const std::vector<uint32_t>& ranks);
    /// The nodes of \p trace in an order where each comes after what it waits for, ties in
    /// file order, and what each waits for (node indices, data and control dependencies
    /// together, each once); reports unknown dependencies and cycles.
    bool Order(const ChakraTrace& trace,
               std::vector<uint32_t>& order,
               std::vector<std::vector<uint32_t>>& parents);
    /// The group kind of a process group name (made on first use), or NONE if unknown.
    uint32_t KindOf(const std::string& pg);
    /// The algorithm of \p op (added on first use), or NONE if the job has none.
    uint32_t AlgorithmOf(CollectiveOp op);

    /// A send or receive, for matching: its program, task and node.
    struct Message
    {
        uint32_t program;
        uint32_t task;
        const ChakraTrace* trace;
        const ChakraNode* node;
    };

    const ChakraJob& m_job;
    std::vector<std::string>& m_problems;
    std::shared_ptr<ExecutionGraph> m_graph;
    std::map<std::string, uint32_t> m_kinds;
    std::map<CollectiveOp, uint32_t> m_algorithms;
    /// By (source, destination, tag): sends and receives in their ranks' program order.
    std::map<std::tuple<int64_t, int64_t, int64_t>,
             std::pair<std::vector<Message>, std::vector<Message>>>
        m_messages;
};

uint32_t
GraphBuilder::KindOf(const std::string& pg)
{
    auto known = m_kinds.find(pg);
    if (known != m_kinds.end())
    {
        return known->second;
    }
    std::vector<std::vector<uint32_t>> groups;
    if (pg.empty() || pg == "0")
    {
        groups.emplace_back(m_job.gpus.size());
        std::iota(groups[0].begin(), groups[0].end(), 0);
    }
    else if (auto it = m_job.groups.find(pg); it != m_job.groups.end())
    {
        groups = it->second;
    }
    else
    {
        return ExecutionGraph::NONE;
    }
    uint32_t kind = m_graph->AddGroupKind(pg.empty() || pg == "0" ? "all" : "pg " + pg);
    for (const auto& group : groups)
    {
        m_graph->AddGroup(kind, group);
    }
    m_kinds.emplace(pg, kind);
    return kind;
}

uint32_t
GraphBuilder::AlgorithmOf(CollectiveOp op)
{
    auto known = m_algorithms.find(op);
    if (known != m_algorithms.end())
    {
        return known->second;
    }
    auto it = m_job.algorithms.find(op);
    if (it == m_job.algorithms.end())
    {
        return ExecutionGraph::NONE;
    }
    uint32_t index = m_graph->AddAlgorithm(it->second.first, it->second.second);
    m_algorithms.emplace(op, index);
    return index;
}

bool
GraphBuilder::Order(const ChakraTrace& trace,
                    std::vector<uint32_t>& order,
                    std::vector<std::vector<uint32_t>>& parents)
{
    const auto& nodes = trace.nodes;
    std::unordered_map<uint64_t, uint32_t> index;
    for (uint32_t i = 0; i < nodes.size(); ++i)
    {
        if (!index.emplace(nodes[i].id, i).second)
        {
            m_problems.push_back(At(trace, nodes[i], "a second node with this id"));
            return false;
        }
    }
    // Kahn's algorithm over data and control dependencies, the earliest node in the file first.
    parents.assign(nodes.size(), {});
    std::vector<std::vector<uint32_t>> children(nodes.size());
    for (uint32_t i = 0; i < nodes.size(); ++i)
    {
        std::set<uint32_t> deps;
        for (const auto* list : {&nodes[i].dataDeps, &nodes[i].ctrlDeps})
        {
            for (uint64_t id : *list)
            {
                auto it = index.find(id);
                if (it == index.end())
                {
                    m_problems.push_back(At(trace,
                                            nodes[i],
                                            "depends on node " + std::to_string(id) +
                                                ", which the trace does not have"));
                    return false;
                }
                deps.insert(it->second);
            }
        }
        parents[i].assign(deps.begin(), deps.end());
        for (uint32_t d : deps)
        {
            children[d].push_back(i);
        }
    }
    std::vector<uint32_t> waiting(nodes.size());
    std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<>> ready;
    for (uint32_t i = 0; i < nodes.size(); ++i)
    {
        waiting[i] = static_cast<uint32_t>(parents[i].size());
        if (waiting[i] == 0)
        {
            ready.push(i);
        }
    }
    order.clear();
    while (!ready.empty())
    {
        uint32_t i = ready.top();
        ready.pop();
        order.push_back(i);
        for (uint32_t c : children[i])
        {
            if (--waiting[c] == 0)
            {
                ready.push(c);
            }
        }
    }
    if (order.size() == nodes.size())
    {
        return true;
    }
    // Every node left waits for another one left: following those leads round a cycle.
    uint32_t at = static_cast<uint32_t>(
        std::find_if(waiting.begin(), waiting.end(), [](uint32_t w) { return w > 0; }) -
        waiting.begin());
    std::vector<uint32_t> seen(nodes.size(), 0);
    std::vector<uint32_t> path;
    while (!seen[at])
    {
        seen[at] = 1;
        path.push_back(at);
        at = *std::find_if(parents[at].begin(), parents[at].end(), [&waiting](uint32_t p) {
            return waiting[p] > 0;
        });
    }
    std::string cycle;
    for (auto it = std::find(path.begin(), path.end(), at); it != path.end(); ++it)
    {
        cycle += std::to_string(nodes[*it].id) + " -> ";
    }
    m_problems.push_back(
        At(trace,
           nodes[at],
           "its dependencies form a cycle: " + cycle + std::to_string(nodes[at].id)));
    return false;
}

bool
GraphBuilder::AddProgram(const ChakraTrace& trace, const std::vector<uint32_t>& ranks)
{
    std::vector<uint32_t> order;
    std::vector<std::vector<uint32_t>> parents;
    if (!Order(trace, order, parents))
    {
        return false;
    }
    std::size_t before = m_problems.size();
    auto problem = [&](const ChakraNode& n, const std::string& what) {
        m_problems.push_back(At(trace, n, what));
    };
    ExecutionGraph& g = *m_graph;
    uint32_t program = g.AddProgram();
    std::vector<uint32_t> taskOf(trace.nodes.size(), ExecutionGraph::NONE); // by node
    for (uint32_t i : order)
    {
        const ChakraNode& n = trace.nodes[i];
        ExecutionGraph::Task t;
        switch (n.type)
        {
        case ChakraNode::METADATA:
        case ChakraNode::MEM_LOAD:
        case ChakraNode::MEM_STORE:
        case ChakraNode::COMP:
            // The GPU's time: CPU ops and metadata take none of it.
            t.kind = ExecutionGraph::COMPUTE;
            t.duration = n.cpuOp || n.type == ChakraNode::METADATA
                             ? Time()
                             : MicroSeconds(static_cast<int64_t>(n.durationMicros));
            break;
        case ChakraNode::COMM_COLL: {
            t.kind = ExecutionGraph::COLLECTIVE;
            if (n.commType == ChakraNode::UNSET || n.commSize == ChakraNode::UNSET)
            {
                problem(n, "a collective needs comm_type and comm_size");
                continue;
            }
            if (!ToOp(n.commType, t.op))
            {
                problem(n,
                        "collective type " + std::to_string(n.commType) +
                            (n.commType >= 0 && n.commType <= ChakraNode::BARRIER
                                 ? std::string(" (") + COLLECTIVE_NAMES[n.commType] + ")"
                                 : std::string()) +
                            " is not supported (ALL_REDUCE, ALL_GATHER, REDUCE_SCATTER, "
                            "ALL_TO_ALL, BROADCAST are)");
                continue;
            }
            if (n.commSize <= 0)
            {
                problem(n, "comm_size " + std::to_string(n.commSize) + " is not positive");
                continue;
            }
            t.bytes = static_cast<uint64_t>(n.commSize);
            t.group = KindOf(n.pgName);
            t.algorithm = AlgorithmOf(t.op);
            if (t.group == ExecutionGraph::NONE)
            {
                problem(n, "process group '" + n.pgName + "' is not among the workload's groups");
                continue;
            }
            if (t.algorithm == ExecutionGraph::NONE)
            {
                problem(n, "no algorithm for " + ToString(t.op));
                continue;
            }
            for (uint32_t r : ranks)
            {
                if (g.GetGroupOf(t.group, r) == ExecutionGraph::NONE)
                {
                    problem(n,
                            "rank " + std::to_string(r) + " is in no group of process group '" +
                                n.pgName + "'");
                }
            }
            break;
        }
        case ChakraNode::COMM_SEND:
        case ChakraNode::COMM_RECV: {
            bool send = n.type == ChakraNode::COMM_SEND;
            t.kind = send ? ExecutionGraph::SEND : ExecutionGraph::RECV;
            int64_t peer = send ? n.commDst : n.commSrc;
            int64_t self = send ? n.commSrc : n.commDst;
            if (peer == ChakraNode::UNSET || n.commSize == ChakraNode::UNSET || n.commSize <= 0)
            {
                problem(n,
                        std::string(send ? "a send needs comm_dst" : "a receive needs comm_src") +
                            " and a positive comm_size");
                continue;
            }
            if (ranks.size() != 1)
            {
                problem(n, "a trace run by several ranks cannot name peers by rank");
                continue;
            }
            if (peer < 0 || peer >= static_cast<int64_t>(m_job.gpus.size()) || peer == ranks[0])
            {
                problem(n,
                        std::string(send ? "comm_dst " : "comm_src ") + std::to_string(peer) +
                            " is not another rank of the job (0 to " +
                            std::to_string(m_job.gpus.size() - 1) + ")");
                continue;
            }
            if (self != ChakraNode::UNSET && self != ranks[0])
            {
                problem(n,
                        std::string(send ? "comm_src " : "comm_dst ") + std::to_string(self) +
                            " is not this trace's rank " + std::to_string(ranks[0]));
                continue;
            }
            t.peer = peer;
            t.bytes = static_cast<uint64_t>(n.commSize);
            int64_t tag = n.commTag == ChakraNode::UNSET ? 0 : n.commTag;
            auto& [sends, recvs] = m_messages[send ? std::tuple{int64_t(ranks[0]), peer, tag}
                                                   : std::tuple{peer, int64_t(ranks[0]), tag}];
            (send ? sends : recvs).push_back(Message{program, g.GetNTasks(program), &trace, &n});
            break;
        }
        default:
            problem(n, "unknown node type " + std::to_string(n.type));
            continue;
        }
        // Every parent came first; one with a problem has no task (and nothing is built).
        std::vector<uint32_t> deps;
        for (uint32_t p : parents[i])
        {
            if (taskOf[p] != ExecutionGraph::NONE)
            {
                deps.push_back(taskOf[p]);
            }
        }
        std::sort(deps.begin(), deps.end());
        taskOf[i] = g.AddTask(program, t, deps);
    }
    return m_problems.size() == before;
}

std::shared_ptr<ExecutionGraph>
GraphBuilder::Build()
{
    auto ranks = static_cast<uint32_t>(m_job.gpus.size());
    std::vector<uint32_t> programOf(ranks, ExecutionGraph::NONE);
    for (const auto& [trace, members] : m_job.traces)
    {
        uint32_t program = m_graph->GetNPrograms();
        if (!AddProgram(trace, members))
        {
            continue;
        }
        for (uint32_t r : members)
        {
            programOf[r] = program;
        }
    }
    if (!m_problems.empty())
    {
        return nullptr;
    }
    for (const auto& [key, lists] : m_messages)
    {
        const auto& [sends, recvs] = lists;
        for (std::size_t i = 0; i < std::max(sends.size(), recvs.size()); ++i)
        {
            if (i >= sends.size() || i >= recvs.size())
            {
                const Message& m = i < sends.size() ? sends[i] : recvs[i];
                m_problems.push_back(At(*m.trace,
                                        *m.node,
                                        std::string(i < sends.size() ? "a send" : "a receive") +
                                            " of tag " + std::to_string(std::get<2>(key)) +
                                            " that no " + (i < sends.size() ? "receive" : "send") +
                                            " of the peer matches"));
                break;
            }
            if (sends[i].node->commSize != recvs[i].node->commSize)
            {
                m_problems.push_back(At(*recvs[i].trace,
                                        *recvs[i].node,
                                        "receives " + std::to_string(recvs[i].node->commSize) +
                                            " bytes of a send of " +
                                            std::to_string(sends[i].node->commSize)));
                break;
            }
            m_graph->SetMatch(sends[i].program, sends[i].task, recvs[i].task);
        }
    }
    for (uint32_t r = 0; r < ranks && m_problems.empty(); ++r)
    {
        m_graph->AddRank(m_job.gpus[r], programOf[r]);
    }
    return m_problems.empty() ? m_graph : nullptr;
}
} // namespace

std::shared_ptr<ExecutionGraph>
BuildChakraGraph(const ChakraJob& job, std::vector<std::string>& problems)
{
    return GraphBuilder(job, problems).Build();
}

} // namespace ns3
