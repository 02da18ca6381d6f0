/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "workload.h"

#include "ns3/collective-helper.h"
#include "ns3/collective.h"
#include "ns3/rng-seed-manager.h"

#include <filesystem>
#include <set>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(Workload);

namespace
{
/// Short names of the built-in workloads.
const std::pair<const char*, const char*> WORKLOAD_NAMES[] = {
    {"flows", "ns3::FlowListWorkload"},
    {"incast", "ns3::IncastWorkload"},
    {"permutation", "ns3::PermutationWorkload"},
    {"all-to-all", "ns3::AllToAllWorkload"},
    {"random", "ns3::RandomWorkload"},
    {"collective", "ns3::CollectiveWorkload"},
    {"training", "ns3::TrainingWorkload"},
    {"chakra", "ns3::ChakraWorkload"},
};

/// "NIC" or "GPU".
std::string
What(WorkloadReader::Kind kind)
{
    return kind == WorkloadReader::NIC ? "NIC" : "GPU";
}

/// Workloads draw from streams far above those the fabric's switches take (0, 1, ...).
constexpr int64_t FIRST_STREAM = int64_t(1) << 32;
} // namespace

TypeId
Workload::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::Workload").SetParent<Object>().SetGroupName("FabricExperiment");
    return tid;
}

bool
Workload::Lookup(const std::string& name, TypeId& tid)
{
    std::string typeName = name;
    for (const auto& [alias, full] : WORKLOAD_NAMES)
    {
        typeName = name == alias ? full : typeName;
    }
    return TypeId::LookupByNameFailSafe(typeName, &tid) && tid != Workload::GetTypeId() &&
           tid.IsChildOf(Workload::GetTypeId()) && tid.HasConstructor();
}

std::string
Workload::DescribeTypes()
{
    std::string list;
    for (const auto& [alias, full] : WORKLOAD_NAMES)
    {
        list += std::string(list.empty() ? "" : ", ") + alias;
    }
    return list + ", or the TypeId of a Workload subclass";
}

WorkloadReader::WorkloadReader(YamlReader& yaml,
                               std::shared_ptr<const FabricGraph> graph,
                               const std::string& scenarioFile,
                               Time stop)
    : m_yaml(yaml),
      m_graphPtr(std::move(graph)),
      m_graph(*m_graphPtr),
      m_scenarioFile(scenarioFile),
      m_stop(stop)
{
}

WorkloadReader::~WorkloadReader() = default;

std::string
WorkloadReader::ResolvePath(const YAML::Node& at)
{
    std::filesystem::path p(at.Scalar());
    if (p.is_relative())
    {
        p = std::filesystem::path(m_scenarioFile).parent_path() / p;
    }
    m_inputFiles.emplace_back(at, p.lexically_normal().string());
    return m_inputFiles.back().second;
}

std::string
WorkloadReader::ResolvePrefix(const YAML::Node& at)
{
    std::filesystem::path p(at.Scalar());
    p = std::filesystem::absolute(
            p.is_relative() ? std::filesystem::path(m_scenarioFile).parent_path() / p : p)
            .lexically_normal();
    YAML::Node recorded = at; // a handle: assignment writes into the document
    recorded = p.string();
    return p.string();
}

void
WorkloadReader::BeginWorkload(uint32_t index, uint32_t seed)
{
    m_workload = index;
    // The draws depend on the seed and the workload's position only.
    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(1);
    m_random = CreateObject<UniformRandomVariable>();
    m_random->SetStream(FIRST_STREAM + index);
}

uint32_t
WorkloadReader::Count(uint32_t node, Kind kind) const
{
    return kind == NIC ? m_graph.nodes[node].ports : m_graph.GetGpus(node);
}

std::vector<HostPort>
WorkloadReader::All(Kind kind) const
{
    std::vector<HostPort> all;
    for (uint32_t n = 0; n < m_graph.nodes.size(); ++n)
    {
        if (m_graph.nodes[n].kind != FabricGraph::HOST)
        {
            continue;
        }
        for (uint32_t i = 0; i < Count(n, kind); ++i)
        {
            all.push_back(HostPort{n, i});
        }
    }
    return all;
}

std::string
WorkloadReader::Name(HostPort p) const
{
    return m_graph.nodes[p.node].name + (p.index == 0 ? "" : ":" + std::to_string(p.index));
}

const std::string&
WorkloadReader::DescribeHosts()
{
    if (!m_hosts.empty())
    {
        return m_hosts;
    }
    std::vector<uint32_t> hosts;
    for (uint32_t i = 0; i < m_graph.nodes.size(); ++i)
    {
        if (m_graph.nodes[i].kind == FabricGraph::HOST)
        {
            hosts.push_back(i);
        }
    }
    for (std::size_t i = 0; i < hosts.size(); ++i)
    {
        if (i < 2 || i + 1 == hosts.size())
        {
            m_hosts += (m_hosts.empty()                  ? ""
                        : i + 1 == hosts.size() && i > 2 ? ", ..., "
                                                         : ", ") +
                       m_graph.nodes[hosts[i]].name;
        }
    }
    m_hosts += " (" + std::to_string(hosts.size()) + " hosts)";
    return m_hosts;
}

bool
WorkloadReader::ParseEndpoint(const YAML::Node& at,
                              const std::string& path,
                              const std::string& text,
                              Kind kind,
                              HostPort& out)
{
    std::string host;
    std::optional<uint32_t> index;
    bool wellFormed = SplitEndpoint(text, host, index);
    out.node = m_graph.Find(host);
    if (out.node == FabricGraph::NONE || m_graph.nodes[out.node].kind != FabricGraph::HOST)
    {
        m_yaml.Error(at, path, "unknown host '" + host + "' (hosts are " + DescribeHosts() + ")");
        return false;
    }
    uint32_t count = Count(out.node, kind);
    if (!wellFormed || index.value_or(0) >= count)
    {
        m_yaml.Error(at,
                     path,
                     "'" + text + "': a host's " + What(kind) + " is numbered 0.." +
                         std::to_string(count - 1));
        return false;
    }
    out.index = index.value_or(0);
    return true;
}

bool
WorkloadReader::ReadSelection(const YAML::Node& map,
                              const char* key,
                              const std::string& at,
                              Kind kind,
                              std::vector<HostPort>& out)
{
    const YAML::Node node = map[key];
    if (!node)
    {
        return true;
    }
    std::string path = JoinPath(at, key);
    const char* indexKey = kind == NIC ? "nic" : "gpu";
    std::size_t before = m_yaml.GetDiagnosticCount();
    std::vector<HostPort> selected;
    if (node.IsScalar() && node.Scalar() == "all")
    {
        selected = All(kind);
    }
    else if (node.IsMap() && node[indexKey])
    {
        uint64_t index = 0;
        if (m_yaml.CheckMap(node, path, {indexKey}) &&
            m_yaml.ReadUint(node, indexKey, path, index, 0, UINT32_MAX))
        {
            for (HostPort p : All(kind))
            {
                if (p.index == index)
                {
                    selected.push_back(p);
                }
            }
        }
    }
    else if (node.IsMap())
    {
        uint64_t from = 0;
        uint64_t count = 0;
        auto all = All(kind);
        if (m_yaml.CheckMap(node, path, {indexKey, "from", "count"}) &&
            m_yaml.Require(node, "count", path) &&
            m_yaml.ReadUint(node, "count", path, count, 1, UINT32_MAX))
        {
            m_yaml.ReadUint(node, "from", path, from, 0, UINT32_MAX);
            if (from + count > all.size())
            {
                m_yaml.Error(node,
                             path,
                             "positions " + std::to_string(from) + ".." +
                                 std::to_string(from + count - 1) + ", but there are " +
                                 std::to_string(all.size()) + " " + What(kind) + "s");
            }
            else
            {
                selected.assign(all.begin() + from, all.begin() + from + count);
            }
        }
    }
    else if (node.IsSequence())
    {
        for (std::size_t i = 0; i < node.size(); ++i)
        {
            std::string item = path + "[" + std::to_string(i) + "]";
            HostPort p;
            if (!node[i].IsScalar())
            {
                m_yaml.Error(node[i], item, std::string("expected host or host:") + indexKey);
            }
            else if (ParseEndpoint(node[i], item, node[i].Scalar(), kind, p))
            {
                selected.push_back(p);
            }
        }
    }
    else
    {
        m_yaml.Error(node,
                     path,
                     std::string("expected all, {") + indexKey + ": k}, {from: i, count: n} or a " +
                         "list of endpoints, not " + DescribeNode(node));
    }
    if (m_yaml.GetDiagnosticCount() != before)
    {
        return false;
    }
    if (selected.empty())
    {
        m_yaml.Error(node, path, "selects no " + What(kind));
        return false;
    }
    out = std::move(selected);
    return true;
}

bool
WorkloadReader::AddFlow(const YAML::Node& at,
                        const std::string& path,
                        HostPort src,
                        HostPort dst,
                        uint64_t bytes,
                        Time start)
{
    if (src.node == dst.node && src.index == dst.index)
    {
        m_yaml.Error(at, path, "a flow's source and destination differ");
        return false;
    }
    FlowSpec spec;
    spec.srcNode = src.node;
    spec.srcNic = src.index;
    spec.dstNode = dst.node;
    spec.dstNic = dst.index;
    std::string problem = GetHostLinks().ChooseSourceNic(m_graph,
                                                         src.node,
                                                         src.index,
                                                         dst.node,
                                                         dst.index,
                                                         spec.fabricNic);
    if (!problem.empty())
    {
        m_yaml.Error(at, path, problem);
        return false;
    }
    spec.src = Name(src);
    spec.dst = Name(dst);
    spec.bytes = bytes;
    spec.start = start;
    spec.workload = m_workload;
    m_flows.push_back(std::move(spec));
    return true;
}

bool
WorkloadReader::CheckList(YamlReader& r,
                          const YAML::Node& list,
                          const std::string& path,
                          const std::string& what)
{
    if (list.IsSequence() && list.size() > 0)
    {
        return true;
    }
    r.Error(list, path, "expected a list of " + what + " (at least one)");
    return false;
}

bool
WorkloadReader::CheckStart(const YAML::Node& at, const std::string& path, Time start)
{
    if (m_stop.IsStrictlyPositive() && start >= m_stop)
    {
        m_yaml.Error(at,
                     path,
                     "starts at or after the stop time (" +
                         std::to_string(m_stop.GetPicoSeconds()) + " ps)");
        return false;
    }
    return true;
}

const HostLinks&
WorkloadReader::GetHostLinks()
{
    if (!m_links)
    {
        m_links.emplace(m_graph);
    }
    return *m_links;
}

Ptr<GpuTransport>
WorkloadReader::GetCheckTransport()
{
    if (!m_checkTransport)
    {
        m_checkTransport = CreateObject<GpuTransport>();
        m_checkTransport->SetGraph(m_graphPtr);
    }
    return m_checkTransport;
}

uint32_t
WorkloadReader::AddCollective(CollectiveSpec spec)
{
    spec.workload = m_workload;
    m_collectives.push_back(std::move(spec));
    return static_cast<uint32_t>(m_collectives.size() - 1);
}

std::string
WorkloadReader::CheckCollective(const Communicator& comm,
                                CollectiveOp op,
                                uint64_t bytes,
                                const std::string& algorithm,
                                const std::vector<AttributeSetting>& attributes,
                                uint32_t root)
{
    return CreateObject<Collective>()->Setup(
        GetCheckTransport(),
        comm,
        op,
        bytes,
        MakeFactory(algorithm, attributes).Create<CollectiveAlgorithm>(),
        root);
}

void
WorkloadReader::AddJob(const YAML::Node& node,
                       const std::string& path,
                       std::shared_ptr<const ExecutionGraph> graph,
                       Time start)
{
    YamlReader& r = m_yaml;
    // Each kind of operation once, on the first group it runs on: what Collective::Setup
    // checks (the algorithm has the operation, enough bytes, paths), before anything runs.
    std::set<std::tuple<uint32_t, int, uint64_t, uint32_t>> checked;
    for (uint32_t p = 0; p < graph->GetNPrograms(); ++p)
    {
        for (uint32_t i = 0; i < graph->GetNTasks(p); ++i)
        {
            const ExecutionGraph::Task& t = graph->GetTask(p, i);
            if (t.kind != ExecutionGraph::COLLECTIVE ||
                !checked.emplace(t.group, int(t.op), t.bytes, t.algorithm).second)
            {
                continue;
            }
            const auto& [typeId, attributes] = graph->GetAlgorithm(t.algorithm);
            std::string problem = CheckCollective(graph->GetCommunicator(t.group, 0),
                                                  t.op,
                                                  t.bytes,
                                                  typeId,
                                                  attributes);
            if (!problem.empty())
            {
                r.Error(node,
                        path,
                        graph->GetGroupKindName(t.group) + " " + ToString(t.op) + " of " +
                            std::to_string(t.bytes) + " bytes: " + problem);
                return;
            }
        }
    }
    std::vector<std::string> problems = graph->Check();
    for (const auto& p : problems)
    {
        r.Error(node, path, p);
    }
    if (problems.empty() &&
        CheckStart(node["start"] ? node["start"] : node, JoinPath(path, "start"), start))
    {
        m_jobs.push_back(JobSpec{std::move(graph), start, m_workload});
    }
}

bool
WorkloadReader::ReadAlgorithm(const YAML::Node& map,
                              const char* key,
                              const std::string& path,
                              std::string& algorithm,
                              std::vector<AttributeSetting>& attributes)
{
    YamlReader& r = m_yaml;
    const YAML::Node node = map[key];
    bool withAttributes = node && node.IsMap();
    std::string at = JoinPath(path, key);
    std::string name = algorithm;
    if (withAttributes)
    {
        if (!r.Require(node, "name", at) || !r.ReadString(node, "name", at, name))
        {
            return false;
        }
    }
    else if (node && !r.ReadString(map, key, path, name))
    {
        return false;
    }
    TypeId tid;
    if (!CollectiveHelper::LookupAlgorithm(name, tid))
    {
        std::string valid;
        for (const auto& n : CollectiveHelper::GetAlgorithmNames())
        {
            valid += n + ", ";
        }
        r.Error(withAttributes ? node["name"] : node,
                withAttributes ? JoinPath(at, "name") : at,
                "unknown collective algorithm '" + name + "' (valid: " + valid +
                    "or the TypeId of a CollectiveAlgorithm subclass)");
        return false;
    }
    algorithm = tid.GetName();
    attributes.clear();
    if (!withAttributes)
    {
        return true;
    }
    std::size_t before = r.GetDiagnosticCount();
    ReadAttributeMap(r, node, at, tid, {"name"}, attributes);
    return r.GetDiagnosticCount() == before;
}

} // namespace ns3
