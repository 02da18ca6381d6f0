/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "scenario.h"

#include "ns3/attribute-text.h"
#include "ns3/congestion-control.h"
#include "ns3/fabric-units.h"
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
                     "load-balancing"}))
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
}

/**
 * Resolves flows' ends against the topology and plans which NIC of the source host sends into
 * the fabric: the named one if its plane reaches the destination NIC; else one whose plane
 * does, reached over NVLink. Indexes are built on first use.
 */
class FlowPaths
{
  public:
    explicit FlowPaths(const FabricGraph& graph)
        : m_graph(graph)
    {
    }

    /// Resolve "host" or "host:nic"; \p at locates the error.
    bool Resolve(YamlReader& r,
                 const YAML::Node& at,
                 const std::string& path,
                 const std::string& name,
                 uint32_t& node,
                 uint32_t& nic)
    {
        std::string host;
        std::optional<uint32_t> index;
        bool wellFormed = SplitEndpoint(name, host, index);
        node = m_graph.Find(host);
        if (node == FabricGraph::NONE || m_graph.nodes[node].kind != FabricGraph::HOST)
        {
            r.Error(at, path, "unknown host '" + host + "' (hosts are " + DescribeHosts() + ")");
            return false;
        }
        uint32_t nics = m_graph.nodes[node].ports;
        if (!wellFormed || index.value_or(0) >= nics)
        {
            r.Error(at,
                    path,
                    "'" + name + "': a host's NIC is numbered 0.." + std::to_string(nics - 1));
            return false;
        }
        nic = index.value_or(0);
        return true;
    }

    /// Set spec.fabricNic, or return why the flow has no path.
    std::string Plan(FlowSpec& spec)
    {
        if (!m_links)
        {
            m_links.emplace(m_graph);
        }
        return m_links->ChooseSourceNic(m_graph,
                                        spec.srcNode,
                                        spec.srcNic,
                                        spec.dstNode,
                                        spec.dstNic,
                                        spec.fabricNic);
    }

  private:
    /// The topology's hosts, for error messages: "host0, host1, ..., host15 (16 hosts)".
    const std::string& DescribeHosts()
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

    const FabricGraph& m_graph;
    std::optional<HostLinks> m_links;
    std::string m_hosts;
};

void
ReadFlows(YamlReader& r,
          const YAML::Node& node,
          const std::string& path,
          bool topologyOk,
          Scenario& s)
{
    if (!node.IsSequence() || node.size() == 0)
    {
        r.Error(node, path, "expected a list of flows (at least one)");
        return;
    }
    std::optional<FlowPaths> planner;
    if (topologyOk)
    {
        planner.emplace(*s.graph);
    }
    for (std::size_t i = 0; i < node.size(); ++i)
    {
        const YAML::Node flow = node[i];
        std::string at = path + "[" + std::to_string(i) + "]";
        if (!r.CheckMap(flow, at, {"src", "dst", "size", "start"}))
        {
            continue;
        }
        FlowSpec spec;
        bool ok =
            r.Require(flow, "src", at) & r.Require(flow, "dst", at) & r.Require(flow, "size", at);
        ok = r.ReadString(flow, "src", at, spec.src) && ok;
        ok = r.ReadString(flow, "dst", at, spec.dst) && ok;
        if (r.ReadBytes(flow, "size", at, spec.bytes) && spec.bytes == 0)
        {
            r.Error(flow["size"], JoinPath(at, "size"), "a flow carries at least one byte");
        }
        if (r.ReadTime(flow, "start", at, spec.start) && spec.start >= s.stop)
        {
            r.Error(flow["start"],
                    JoinPath(at, "start"),
                    "the flow starts at or after the stop time (" +
                        std::to_string(s.stop.GetPicoSeconds()) + " ps)");
        }
        if (topologyOk && ok)
        {
            bool nics = planner->Resolve(r,
                                         flow["src"],
                                         JoinPath(at, "src"),
                                         spec.src,
                                         spec.srcNode,
                                         spec.srcNic);
            nics = planner->Resolve(r,
                                    flow["dst"],
                                    JoinPath(at, "dst"),
                                    spec.dst,
                                    spec.dstNode,
                                    spec.dstNic) &&
                   nics;
            if (nics && spec.srcNode == spec.dstNode && spec.srcNic == spec.dstNic)
            {
                r.Error(flow["dst"], JoinPath(at, "dst"), "a flow's source and destination differ");
            }
            else if (nics)
            {
                std::string problem = planner->Plan(spec);
                if (!problem.empty())
                {
                    r.Error(flow["dst"], JoinPath(at, "dst"), problem);
                }
            }
        }
        s.flows.push_back(spec);
    }
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

Scenario
ReadScenario(YamlReader& r, std::vector<Diagnostic>& diagnostics, const YAML::Node& root)
{
    Scenario s;
    s.file = r.GetFile();
    if (!r.CheckMap(root,
                    "",
                    {"name", "seed", "topology", "transport", "flows", "stop", "output", "pcap"}))
    {
        return s;
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
    if (r.ReadTime(root, "stop", "", s.stop) && s.stop.IsZero())
    {
        r.Error(root["stop"], "stop", "the stop time must be positive");
    }
    r.ReadString(root, "output", "", s.output);
    if (r.Require(root, "flows", ""))
    {
        ReadFlows(r, root["flows"], "flows", topologyOk, s);
    }
    if (root["pcap"])
    {
        ReadPcap(r, root["pcap"], "pcap", topologyOk, s);
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
LoadScenario(const std::string& file, std::vector<Diagnostic>& diagnostics)
{
    YamlReader reader(file, diagnostics);
    std::optional<YAML::Node> root = reader.ParseFile();
    return root ? ReadScenario(reader, diagnostics, *root) : Scenario{};
}

Scenario
ParseScenario(const std::string& text,
              const std::string& file,
              std::vector<Diagnostic>& diagnostics)
{
    YamlReader reader(file, diagnostics);
    std::optional<YAML::Node> root = reader.Parse(text);
    return root ? ReadScenario(reader, diagnostics, *root) : Scenario{};
}

} // namespace ns3
