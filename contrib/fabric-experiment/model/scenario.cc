/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "scenario.h"

#include "ns3/attribute-text.h"
#include "ns3/builtin-workloads.h"
#include "ns3/congestion-control.h"
#include "ns3/fabric-units.h"
#include "ns3/partition.h"
#include "ns3/roce-header.h"
#include "ns3/string.h"
#include "ns3/topology-reader.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>

namespace ns3
{

namespace
{
/// The newest scenario schema this reader knows (docs/scenario-schema.md).
constexpr uint64_t SCENARIO_VERSION = 2;
/// The name of the scenario itself among a run's inputs.
constexpr const char* INPUT_SCENARIO = "scenario.yaml";

/**
 * The scenario's topology: a file's path (relative to the scenario's folder) or a topology map
 * written in place. Problems in a topology file are reported in that file.
 * \return whether the topology was read and expanded without problems
 */
bool
ReadScenarioTopology(YamlReader& r,
                     std::vector<Diagnostic>& diagnostics,
                     const YAML::Node& node,
                     Scenario& s)
{
    std::size_t before = diagnostics.size();
    if (node.IsScalar())
    {
        std::filesystem::path file(node.Scalar());
        if (file.is_relative())
        {
            file = std::filesystem::path(s.file).parent_path() / file;
        }
        s.topologyFile = file.lexically_normal().string();
        std::error_code ec;
        if (!std::filesystem::is_regular_file(s.topologyFile, ec))
        {
            r.Error(node,
                    "topology",
                    "no topology file '" + s.topologyFile +
                        "' (a path is taken relative to the scenario's folder)");
            return false;
        }
        auto loaded = LoadTopologyFile(s.topologyFile, diagnostics);
        if (!loaded)
        {
            return false;
        }
        auto topology = std::make_shared<const Topology>(std::move(loaded->first));
        s.topology = topology;
        s.graph = std::make_shared<const FabricGraph>(std::move(loaded->second));
        return true;
    }
    if (!node.IsMap())
    {
        r.Error(node, "topology", "expected a topology file's path, or a topology map");
        return false;
    }
    auto topology = std::make_shared<Topology>(Topology::WithBuiltins());
    topology->file = s.file;
    if (!ReadTopology(r, node, "topology", *topology))
    {
        return false;
    }
    // The graph points into the profiles: expand the topology where it will stay.
    auto graph = std::make_shared<FabricGraph>(ExpandTopology(*topology, diagnostics));
    s.topology = topology;
    s.graph = graph;
    return diagnostics.size() == before;
}

/// transport.load-balancing: a short name of the fabric-switch balancers.
void
ReadLoadBalancing(YamlReader& r, const YAML::Node& node, const std::string& path, Scenario& s)
{
    std::string balancing;
    if (!r.ReadString(node, "load-balancing", path, balancing))
    {
        return;
    }
    static const std::pair<const char*, const char*> names[] = {
        {"ecmp", "ns3::EcmpLoadBalancer"},
        {"spray", "ns3::SprayLoadBalancer"},
        {"adaptive", "ns3::AdaptiveLoadBalancer"},
        {"flowlet", "ns3::FlowletLoadBalancer"}};
    auto known = std::find_if(std::begin(names), std::end(names), [&](const auto& n) {
        return balancing == n.first;
    });
    if (known == std::end(names))
    {
        r.Error(node["load-balancing"],
                JoinPath(path, "load-balancing"),
                "unknown load balancing '" + balancing +
                    "' (valid: ecmp, spray, adaptive, flowlet)");
        return;
    }
    s.loadBalancer = known->second;
}

/// Short names of the congestion controls of the rdma module, in the order they are listed.
const std::pair<const char*, const char*> CC_SHORT_NAMES[] = {
    {"none", "ns3::NoCongestionControl"},
    {"dcqcn", "ns3::DcqcnCongestionControl"},
    {"hpcc", "ns3::HpccCongestionControl"},
    {"timely", "ns3::TimelyCongestionControl"},
    {"dctcp", "ns3::DctcpCongestionControl"},
};

/// Whether \p tid is a congestion control a queue pair can create.
bool
IsCongestionControl(TypeId tid)
{
    return tid != CongestionControl::GetTypeId() && tid.IsChildOf(CongestionControl::GetTypeId()) &&
           tid.HasConstructor();
}

/// "unknown congestion control" with every name that would have been valid.
std::string
UnknownCongestionControl(const std::string& name)
{
    std::string valid;
    for (const auto& [alias, typeName] : CC_SHORT_NAMES)
    {
        TypeId tid;
        if (TypeId::LookupByNameFailSafe(typeName, &tid) && IsCongestionControl(tid))
        {
            valid += std::string(alias) + ", ";
        }
    }
    std::set<std::string> types; // sorted
    for (uint16_t i = 0; i < TypeId::GetRegisteredN(); ++i)
    {
        TypeId tid = TypeId::GetRegistered(i);
        if (IsCongestionControl(tid))
        {
            types.insert(tid.GetName());
        }
    }
    std::string list;
    for (const auto& type : types)
    {
        list += list.empty() ? type : ", " + type;
    }
    return "unknown congestion control '" + name + "' (valid: " + valid +
           "or the TypeId of a CongestionControl subclass: " + list + ")";
}

/// transport.congestion-control: a name, or a map of the algorithm's name and its attributes.
void
ReadCongestionControl(YamlReader& r,
                      const YAML::Node& transport,
                      const std::string& transportPath,
                      Scenario& s)
{
    const YAML::Node node = transport["congestion-control"];
    std::string path = JoinPath(transportPath, "congestion-control");
    std::string name;
    if (node.IsMap())
    {
        if (!r.Require(node, "algorithm", path) || !r.ReadString(node, "algorithm", path, name))
        {
            return;
        }
    }
    else if (!node.IsScalar())
    {
        r.Error(node,
                path,
                "expected a congestion control name, or a map of algorithm and attributes");
        return;
    }
    else if (!r.ReadString(transport, "congestion-control", transportPath, name))
    {
        return;
    }
    TypeId tid;
    if (!LookupCongestionControl(name, tid))
    {
        // The name's own node (not assigned to a variable: yaml-cpp assignment writes through).
        r.Error(node.IsMap() ? node["algorithm"] : node,
                node.IsMap() ? JoinPath(path, "algorithm") : path,
                UnknownCongestionControl(name));
        return;
    }
    s.congestionControl = tid.GetName();
    // The topology is read first, so its link rates are known here.
    if (s.graph && ObjectFactory(tid.GetName()).Create<CongestionControl>()->WantsInt())
    {
        for (const auto& link : s.graph->links)
        {
            if (!RoceHeader::IsIntRate(link.rateBps))
            {
                r.Error(node.IsMap() ? node["algorithm"] : node,
                        node.IsMap() ? JoinPath(path, "algorithm") : path,
                        name + " reads in-band telemetry, whose hops name only link rates of " +
                            RoceHeader::DescribeIntRates() + "; the link " +
                            s.graph->nodes[link.a].name + " - " + s.graph->nodes[link.b].name +
                            " runs at " + fabric::FormatDataRate(link.rateBps));
                break;
            }
        }
    }
    if (!node.IsMap())
    {
        return;
    }
    ReadAttributeMap(r, node, path, tid, {"algorithm"}, s.ccAttributes);
}

void
ReadTransport(YamlReader& r, const YAML::Node& node, const std::string& path, Scenario& s)
{
    if (!r.CheckMap(node,
                    path,
                    {"mtu",
                     "ack-interval",
                     "congestion-control",
                     "loss-recovery",
                     "out-of-order-placement",
                     "cnp-interval",
                     "load-balancing",
                     "awake-queue-pairs"}))
    {
        return;
    }
    uint64_t value = 0;
    if (r.ReadUint(node, "mtu", path, value, 256, 4096))
    {
        if (!fabric::IsRoceMtu(value))
        {
            r.Error(node["mtu"],
                    JoinPath(path, "mtu"),
                    std::string("RoCE MTU is ") + fabric::ROCE_MTUS);
        }
        s.mtu = static_cast<uint32_t>(value);
        // A NIC profile's mtu would silently win over the scenario's (see TopologyHelper).
        bool reported = false;
        static const std::vector<std::shared_ptr<const NicProfile>> noProfiles;
        for (const auto& nic : s.graph ? s.graph->nicProfiles : noProfiles) // no copy
        {
            for (const auto& setting : nic->attributes)
            {
                if (!reported && setting.attribute == "PayloadMtu" &&
                    setting.value != std::to_string(value))
                {
                    reported = true;
                    r.Error(node["mtu"],
                            JoinPath(path, "mtu"),
                            "the topology's NIC profile '" + nic->name + "' sets mtu " +
                                setting.value + "; remove one of the two");
                }
            }
        }
    }
    if (r.ReadUint(node, "ack-interval", path, value, 1, 1 << 20))
    {
        s.ackInterval = static_cast<uint32_t>(value);
    }
    if (node["congestion-control"])
    {
        ReadCongestionControl(r, node, path, s);
    }
    std::string recovery;
    if (r.ReadString(node, "loss-recovery", path, recovery))
    {
        if (recovery == "go-back-n" || recovery == "selective-repeat")
        {
            s.lossRecovery = recovery == "go-back-n" ? RdmaQueuePair::GO_BACK_N
                                                     : RdmaQueuePair::SELECTIVE_REPEAT;
        }
        else
        {
            r.Error(node["loss-recovery"],
                    JoinPath(path, "loss-recovery"),
                    "unknown loss recovery '" + recovery +
                        "' (valid: go-back-n, selective-repeat)");
        }
    }
    r.ReadBool(node, "out-of-order-placement", path, s.outOfOrderPlacement);
    r.ReadTime(node, "cnp-interval", path, s.cnpInterval);
    ReadLoadBalancing(r, node, path, s);
    r.ReadUint(node, "awake-queue-pairs", path, s.awakeQueuePairs, 2, UINT64_MAX);
}

/// output as a map: dir, and queue sampling.
void
ReadOutput(YamlReader& r, const YAML::Node& node, bool topologyOk, Scenario& s)
{
    if (!r.CheckMap(node, "output", {"dir", "queues"}))
    {
        return;
    }
    r.ReadString(node, "dir", "output", s.output);
    const YAML::Node queues = node["queues"];
    if (!queues || !r.CheckMap(queues, "output.queues", {"interval", "ports"}))
    {
        return;
    }
    if (r.Require(queues, "interval", "output.queues") &&
        r.ReadTime(queues, "interval", "output.queues", s.queueInterval) &&
        !s.queueInterval.IsStrictlyPositive())
    {
        r.Error(queues["interval"], "output.queues.interval", "must be positive");
    }
    if (!r.Require(queues, "ports", "output.queues"))
    {
        return;
    }
    const YAML::Node ports = queues["ports"];
    if (!WorkloadReader::CheckList(r, ports, "output.queues.ports", "ports (node or node:port)") ||
        !topologyOk)
    {
        return;
    }
    for (std::size_t i = 0; i < ports.size(); ++i)
    {
        std::string at = "output.queues.ports[" + std::to_string(i) + "]";
        std::string name;
        std::optional<uint32_t> port;
        uint32_t node = FabricGraph::NONE;
        if (ports[i].IsScalar() && SplitEndpoint(ports[i].Scalar(), name, port))
        {
            node = s.graph->Find(name);
        }
        if (node == FabricGraph::NONE)
        {
            r.Error(ports[i], at, "expected node or node:port of the topology");
            continue;
        }
        uint32_t count = s.graph->nodes[node].ports;
        if (port && *port >= count)
        {
            r.Error(ports[i], at, name + " has ports 0.." + std::to_string(count - 1));
            continue;
        }
        for (uint32_t p = port.value_or(0); p < (port ? *port + 1 : count); ++p)
        {
            s.queuePorts.push_back(HostPort{node, p});
        }
    }
}

/// A `workloads` entry: its type's plugin reads the rest.
void
ReadWorkload(WorkloadReader& in,
             const YAML::Node& node,
             const std::string& path,
             uint32_t index,
             Scenario& s)
{
    YamlReader& r = in.Yaml();
    std::string type;
    if (!node.IsMap())
    {
        r.Error(node, path, "expected a workload map (type, name, start, ...)");
        return;
    }
    if (!r.Require(node, "type", path) || !r.ReadString(node, "type", path, type))
    {
        return;
    }
    TypeId tid;
    if (!Workload::Lookup(type, tid))
    {
        r.Error(node["type"],
                JoinPath(path, "type"),
                "unknown workload type '" + type + "' (valid: " + Workload::DescribeTypes() + ")");
        return;
    }
    ObjectFactory factory;
    factory.SetTypeId(tid);
    Ptr<Workload> workload = factory.Create<Workload>();
    std::vector<const char*> keys{"type", "name", "start", "after"};
    for (const char* key : workload->GetKeys())
    {
        keys.push_back(key);
    }
    std::size_t before = r.GetDiagnosticCount();
    r.CheckMap(node, path, keys);
    WorkloadInfo info;
    info.type = type;
    if (r.ReadString(node, "name", path, info.name))
    {
        for (const auto& other : s.workloads)
        {
            if (other.name == info.name)
            {
                r.Error(node["name"],
                        JoinPath(path, "name"),
                        "another workload is named '" + info.name + "'");
            }
        }
    }
    else
    {
        info.name = type + "-" + std::to_string(index);
    }
    if (r.ReadTime(node, "start", path, info.start))
    {
        in.CheckStart(node["start"], JoinPath(path, "start"), info.start);
    }
    std::string after;
    if (r.ReadString(node, "after", path, after))
    {
        auto earlier = std::find_if(s.workloads.begin(), s.workloads.end(), [&](const auto& w) {
            return w.name == after;
        });
        if (earlier == s.workloads.end())
        {
            r.Error(node["after"],
                    JoinPath(path, "after"),
                    "no earlier workload is named '" + after + "'");
        }
        else
        {
            info.after = static_cast<uint32_t>(earlier - s.workloads.begin());
        }
    }
    s.workloads.push_back(info);
    if (r.GetDiagnosticCount() == before)
    {
        in.BeginWorkload(index, s.seed);
        workload->Read(in, node, path, info.start);
    }
}

/// `workloads`, and the `flows` shorthand: a first workload named "flows".
void
ReadWorkloads(YamlReader& r,
              const YAML::Node& root,
              bool topologyOk,
              Scenario& s,
              std::vector<std::pair<YAML::Node, std::string>>& files)
{
    if (!root["flows"] && !root["workloads"])
    {
        r.Error(root, "workloads", "required key is missing (a list of workloads, or flows)");
        return;
    }
    if (!topologyOk)
    {
        // Workloads name the topology's hosts: only the lists can be checked.
        if (root["flows"])
        {
            WorkloadReader::CheckList(r, root["flows"], "flows", "flows");
        }
        if (root["workloads"])
        {
            WorkloadReader::CheckList(r, root["workloads"], "workloads", "workloads");
        }
        return;
    }
    WorkloadReader in(r, s.graph, s.file, s.stop);
    uint32_t index = 0;
    if (root["flows"])
    {
        s.workloads.push_back(WorkloadInfo{"flows", "flows", Time()});
        in.BeginWorkload(index++, s.seed);
        FlowListWorkload().Read(in, root, "", Time());
    }
    if (const YAML::Node list = root["workloads"])
    {
        WorkloadReader::CheckList(r, list, "workloads", "workloads");
        for (std::size_t i = 0; list.IsSequence() && i < list.size(); ++i)
        {
            ReadWorkload(in, list[i], "workloads[" + std::to_string(i) + "]", index++, s);
        }
    }
    s.flows = std::move(in.GetFlows());
    s.collectives = std::move(in.GetCollectives());
    s.jobs = std::move(in.GetJobs());
    files.insert(files.end(), in.GetInputFiles().begin(), in.GetInputFiles().end());
}

/**
 * The scenario as read, its file names replaced by the names of their copies: each file's
 * own name, made unique with a number. Rewrites the document, which has been read.
 */
void
RecordInputs(const YAML::Node& root,
             const std::vector<std::pair<YAML::Node, std::string>>& files,
             Scenario& s)
{
    for (const auto& [at, path] : files)
    {
        auto same = std::find_if(s.inputFiles.begin(), s.inputFiles.end(), [&](const auto& f) {
            return f.first == path;
        });
        std::string base = std::filesystem::path(path).filename().string();
        std::string name = same != s.inputFiles.end() ? same->second : base;
        auto taken = [&s](const std::string& n) {
            return n == INPUT_SCENARIO ||
                   std::any_of(s.inputFiles.begin(), s.inputFiles.end(), [&n](const auto& f) {
                       return f.second == n;
                   });
        };
        for (int k = 2; same == s.inputFiles.end() && taken(name); ++k)
        {
            name = std::to_string(k) + "-" + base;
        }
        if (same == s.inputFiles.end())
        {
            s.inputFiles.emplace_back(path, name);
        }
        YAML::Node renamed = at; // a handle: assignment writes into the document
        renamed = name;
    }
    YAML::Emitter out;
    out << root;
    s.inputYaml = std::string(out.c_str()) + "\n";
}

void
ReadPcap(YamlReader& r,
         const YAML::Node& node,
         const std::string& path,
         bool topologyOk,
         Scenario& s)
{
    if (!node.IsSequence())
    {
        r.Error(node, path, "expected a list of node names");
        return;
    }
    for (std::size_t i = 0; i < node.size(); ++i)
    {
        std::string at = path + "[" + std::to_string(i) + "]";
        if (!node[i].IsScalar())
        {
            r.Error(node[i], at, "expected a node name");
            continue;
        }
        std::string name = node[i].Scalar();
        if (topologyOk && s.graph->Find(name) == FabricGraph::NONE)
        {
            r.Error(node[i], at, "unknown node '" + name + "' in the topology");
            continue;
        }
        if (std::find(s.pcap.begin(), s.pcap.end(), name) != s.pcap.end())
        {
            r.Error(node[i], at, "'" + name + "' is listed twice");
            continue;
        }
        s.pcap.push_back(name);
    }
}

/**
 * partition: per MPI process, in rank order, a node-name pattern (NodePattern) or a list.
 * A switch goes to the first part that names it; a host to the first part that names it with a
 * pattern naming hosts only, else with the switch its first NIC hangs from. Every node must end
 * in a part, every part must get one, and a link between parts needs a delay (the lookahead of
 * a distributed run).
 */
void
ReadPartition(YamlReader& r, const YAML::Node& node, bool topologyOk, Scenario& s)
{
    if (!node.IsSequence() || node.size() == 0)
    {
        r.Error(node,
                "partition",
                "expected a list with one part per MPI process: a node-name pattern, or a list "
                "of them");
        return;
    }
    std::size_t before = r.GetDiagnosticCount();
    const std::size_t nodes = topologyOk ? s.graph->nodes.size() : 0;
    std::vector<uint32_t> rankOf(nodes, FabricGraph::NONE);
    for (uint32_t part = 0; part < node.size(); ++part)
    {
        const std::string path = "partition[" + std::to_string(part) + "]";
        // A part is a list of patterns, or one pattern.
        const bool one = node[part].IsScalar();
        YAML::Node patterns = one ? YAML::Node(YAML::NodeType::Sequence) : node[part];
        if (one)
        {
            patterns.push_back(node[part]);
        }
        if (!patterns.IsSequence() || patterns.size() == 0)
        {
            r.Error(node[part], path, "expected a node-name pattern, or a list of them");
            continue;
        }
        for (std::size_t i = 0; i < patterns.size(); ++i)
        {
            const YAML::Node item = patterns[i];
            const std::string at = one ? path : path + "[" + std::to_string(i) + "]";
            if (!item.IsScalar())
            {
                r.Error(item, at, "expected a node-name pattern");
                continue;
            }
            const std::string& text = item.Scalar();
            NodePattern pattern(text);
            if (!pattern.GetError().empty())
            {
                r.Error(item, at, pattern.GetError());
                continue;
            }
            // A pattern that names a switch places switches only ("*" does not take hosts
            // from their leaves); one that names hosts only places them.
            std::vector<uint32_t> matched;
            bool switches = false;
            for (uint32_t n = 0; n < nodes; ++n)
            {
                if (pattern.Matches(s.graph->nodes[n].name))
                {
                    matched.push_back(n);
                    switches = switches || s.graph->nodes[n].kind == FabricGraph::SWITCH;
                }
            }
            for (uint32_t n : matched)
            {
                if (!switches || s.graph->nodes[n].kind == FabricGraph::SWITCH)
                {
                    rankOf[n] = std::min(rankOf[n], part);
                }
            }
            if (topologyOk && matched.empty())
            {
                r.Error(item, at, "no node of the topology is named like '" + text + "'");
            }
        }
    }
    if (!topologyOk || r.GetDiagnosticCount() > before)
    {
        return;
    }
    const FabricGraph& g = *s.graph;
    std::vector<uint32_t> firstSwitch = FirstSwitches(g);
    std::vector<std::size_t> size(node.size(), 0);
    // Nodes in no part: switches first (their hosts follow them).
    std::vector<std::string> left;
    std::vector<std::string> leftHosts;
    for (uint32_t n = 0; n < nodes; ++n)
    {
        if (rankOf[n] == FabricGraph::NONE && firstSwitch[n] != FabricGraph::NONE)
        {
            rankOf[n] = rankOf[firstSwitch[n]];
        }
        if (rankOf[n] == FabricGraph::NONE)
        {
            (g.nodes[n].kind == FabricGraph::SWITCH ? left : leftHosts).push_back(g.nodes[n].name);
            continue;
        }
        ++size[rankOf[n]];
    }
    left.insert(left.end(), leftHosts.begin(), leftHosts.end());
    if (!left.empty())
    {
        std::string names;
        for (std::size_t i = 0; i < std::min<std::size_t>(left.size(), 3); ++i)
        {
            names += (i > 0 ? ", " : "") + left[i];
        }
        r.Error(node,
                "partition",
                std::to_string(left.size()) + " node" + (left.size() == 1 ? " is" : "s are") +
                    " in no part (" + names + (left.size() > 3 ? ", ..." : "") +
                    "); name them, or end the last part with \"*\"");
        return;
    }
    for (uint32_t part = 0; part < node.size(); ++part)
    {
        if (size[part] == 0)
        {
            r.Error(node[part],
                    "partition[" + std::to_string(part) + "]",
                    "no node goes to this part: every node it names is in an earlier one");
        }
    }
    if (const FabricGraph::Link* link = ShortestCutLink(g, rankOf); link && link->delay.IsZero())
    {
        r.Error(node,
                "partition",
                "the link " + g.nodes[link->a].name + " - " + g.nodes[link->b].name +
                    " joins parts " + std::to_string(rankOf[link->a]) + " and " +
                    std::to_string(rankOf[link->b]) +
                    " but has no delay; processes need one to simulate ahead of each other");
    }
    if (r.GetDiagnosticCount() == before)
    {
        s.partition = std::move(rankOf);
        s.partitionParts = node.size();
    }
}

/**
 * Apply `path=value` assignments to the document: the path is map keys joined by dots, each
 * optionally followed by [index] into a list; missing map keys are added. The value is read as
 * YAML (`[a, b]`, `{k: v}` and scalars). Returns false after reporting a malformed one.
 */
bool
ApplyOverrides(YamlReader& r, YAML::Node& root, const std::vector<std::string>& overrides)
{
    bool ok = true;
    for (const auto& text : overrides)
    {
        std::string label = "--set " + text;
        auto fail = [&](const std::string& message) {
            r.GetDiagnostics().push_back(Diagnostic{label, 0, 0, "", message});
            ok = false;
        };
        std::size_t eq = text.find('=');
        if (eq == std::string::npos || eq == 0)
        {
            fail("expected key.path=value, e.g. transport.mtu=1024 or workloads[0].size=1MiB");
            continue;
        }
        std::string path = text.substr(0, eq);
        YAML::Node value;
        try
        {
            value = YAML::Load(text.substr(eq + 1));
        }
        catch (const YAML::Exception& e)
        {
            fail("the value is not YAML: " + e.msg);
            continue;
        }
        if (!value.IsDefined() || value.IsNull())
        {
            fail("no value after '='");
            continue;
        }
        // Walk the path; reset() rebinds a handle (assignment would write through).
        YAML::Node at;
        at.reset(root);
        std::string walked;
        std::vector<std::pair<YAML::Node, std::string>> added; // (map, key)
        bool good = true;
        for (std::size_t i = 0; good && i < path.size();)
        {
            if (path[i] == '[')
            {
                std::size_t close = path.find(']', i);
                std::string digits =
                    path.substr(i + 1, close == std::string::npos ? 0 : close - i - 1);
                if (close == std::string::npos || digits.empty() || digits.size() > 9 ||
                    digits.find_first_not_of("0123456789") != std::string::npos)
                {
                    fail("'" + path + "': expected [index] after '" + walked + "'");
                    good = false;
                    break;
                }
                std::size_t index = std::stoul(digits);
                if (!at.IsSequence() || index >= at.size())
                {
                    fail("'" + walked + "' " +
                         (at.IsSequence() ? "has " + std::to_string(at.size()) + " entries"
                                          : "is not a list"));
                    good = false;
                    break;
                }
                walked += "[" + digits + "]";
                YAML::Node next = at[index];
                at.reset(next);
                i = close + 1;
                continue;
            }
            if (path[i] == '.' && !walked.empty())
            {
                ++i;
            }
            std::size_t end = path.find_first_of(".[", i);
            std::string key =
                path.substr(i, end == std::string::npos ? std::string::npos : end - i);
            if (key.empty())
            {
                fail("'" + path + "': empty key");
                good = false;
                break;
            }
            if (at.IsDefined() && !at.IsMap() && !at.IsNull()) // undefined: a key to add
            {
                fail("'" + walked + "' is not a map");
                good = false;
                break;
            }
            walked = JoinPath(walked, key);
            YAML::Node next = at[key];
            if (!next.IsDefined())
            {
                added.emplace_back(at, key);
            }
            at.reset(next);
            i = end == std::string::npos ? path.size() : end;
        }
        if (good)
        {
            at = value;
            r.AddOverride(value, label);
            // Keys the assignment added have no place in the file either.
            for (const auto& [map, key] : added)
            {
                for (const auto& entry : map)
                {
                    if (entry.first.Scalar() == key)
                    {
                        r.AddOverride(entry.first, label);
                    }
                }
            }
        }
    }
    return ok;
}

Scenario
ReadScenario(YamlReader& r, std::vector<Diagnostic>& diagnostics, const YAML::Node& root)
{
    Scenario s;
    s.file = r.GetFile();
    if (!r.CheckMap(root,
                    "",
                    {"version",
                     "name",
                     "seed",
                     "topology",
                     "transport",
                     "workloads",
                     "flows",
                     "stop",
                     "output",
                     "pcap",
                     "partition"}))
    {
        return s;
    }
    uint64_t version = SCENARIO_VERSION;
    if (r.ReadUint(root, "version", "", version) && (version < 1 || version > SCENARIO_VERSION))
    {
        r.Error(root["version"],
                "version",
                "this nsfab reads scenario versions 1 to " + std::to_string(SCENARIO_VERSION));
    }
    if (!r.ReadString(root, "name", "", s.name))
    {
        s.name = std::filesystem::path(s.file).stem().string();
    }
    uint64_t seed = 0;
    if (r.ReadUint(root, "seed", "", seed, 1, std::numeric_limits<uint32_t>::max()))
    {
        s.seed = static_cast<uint32_t>(seed);
    }
    bool topologyOk = r.Require(root, "topology", "") &&
                      ReadScenarioTopology(r, diagnostics, root["topology"], s);
    if (root["transport"])
    {
        ReadTransport(r, root["transport"], "transport", s);
    }
    // stop: a time, or done (no limit: the run ends when all work has). Version 1 stopped at
    // 1 s by default.
    if (version == 1)
    {
        s.stop = Seconds(1);
    }
    if (root["stop"] && !(root["stop"].IsScalar() && root["stop"].Scalar() == "done") &&
        r.ReadTime(root, "stop", "", s.stop) && s.stop.IsZero())
    {
        r.Error(root["stop"], "stop", "the stop time must be positive (or done)");
    }
    if (root["output"] && root["output"].IsMap())
    {
        ReadOutput(r, root["output"], topologyOk, s);
    }
    else
    {
        r.ReadString(root, "output", "", s.output);
    }
    std::vector<std::pair<YAML::Node, std::string>> files;
    if (!s.topologyFile.empty())
    {
        files.emplace_back(root["topology"], s.topologyFile);
    }
    ReadWorkloads(r, root, topologyOk, s, files);
    RecordInputs(root, files, s);
    if (root["pcap"])
    {
        ReadPcap(r, root["pcap"], "pcap", topologyOk, s);
    }
    if (root["partition"])
    {
        ReadPartition(r, root["partition"], topologyOk, s);
    }
    return s;
}
} // namespace

bool
LookupCongestionControl(const std::string& name, TypeId& tid)
{
    std::string typeName = name;
    for (const auto& [alias, full] : CC_SHORT_NAMES)
    {
        typeName = name == alias ? full : typeName;
    }
    return TypeId::LookupByNameFailSafe(typeName, &tid) && IsCongestionControl(tid);
}

Scenario
LoadScenario(const std::string& file,
             std::vector<Diagnostic>& diagnostics,
             const std::vector<std::string>& overrides)
{
    YamlReader reader(file, diagnostics);
    std::optional<YAML::Node> root = reader.ParseFile();
    return root && ApplyOverrides(reader, *root, overrides)
               ? ReadScenario(reader, diagnostics, *root)
               : Scenario{};
}

Scenario
ParseScenario(const std::string& text,
              const std::string& file,
              std::vector<Diagnostic>& diagnostics,
              const std::vector<std::string>& overrides)
{
    YamlReader reader(file, diagnostics);
    std::optional<YAML::Node> root = reader.Parse(text);
    return root && ApplyOverrides(reader, *root, overrides)
               ? ReadScenario(reader, diagnostics, *root)
               : Scenario{};
}

} // namespace ns3
