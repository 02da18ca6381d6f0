/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "scenario.h"

#include "ns3/attribute-text.h"
#include "ns3/congestion-control.h"
#include "ns3/fabric-units.h"
#include "ns3/roce-header.h"
#include "ns3/string.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>

namespace ns3
{

namespace
{
/// Returns whether the fat-tree shape is valid, so that node names can be checked against it.
bool
ReadTopology(YamlReader& r, const YAML::Node& node, const std::string& path, Scenario& s)
{
    if (!r.CheckMap(node,
                    path,
                    {"tiers",
                     "radix",
                     "hosts-per-leaf",
                     "leaves",
                     "link-rate",
                     "link-delay",
                     "switch-latency",
                     "load-balancing"}))
    {
        return false;
    }
    bool shapeOk = r.Require(node, "tiers", path) & r.Require(node, "radix", path);
    // A shape field that is present but invalid makes the shape unusable.
    auto shapeField = [&](const char* key, uint64_t min, uint64_t max, uint32_t& out) {
        uint64_t value = 0;
        if (r.ReadUint(node, key, path, value, min, max))
        {
            out = static_cast<uint32_t>(value);
        }
        else if (node[key])
        {
            shapeOk = false;
        }
    };
    shapeField("tiers", 2, 3, s.shape.tiers);
    shapeField("radix", 2, 1024, s.shape.radix);
    shapeField("hosts-per-leaf", 1, 1024, s.shape.hostsPerLeaf);
    shapeField("leaves", 1, 1024, s.shape.leaves);
    r.ReadDataRate(node, "link-rate", path, s.linkBps);
    r.ReadTime(node, "link-delay", path, s.linkDelay);
    r.ReadTime(node, "switch-latency", path, s.switchLatency);
    std::string balancing;
    if (r.ReadString(node, "load-balancing", path, balancing))
    {
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
        }
        else
        {
            s.loadBalancer = known->second;
        }
    }
    if (!shapeOk)
    {
        return false;
    }
    std::istringstream problems(s.shape.Validate());
    for (std::string line; std::getline(problems, line);)
    {
        r.Error(node, path, line);
        shapeOk = false;
    }
    return shapeOk;
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
    // The topology is read first, so its link rate is known here.
    if (ObjectFactory(tid.GetName()).Create<CongestionControl>()->WantsInt() &&
        !RoceHeader::IsIntRate(s.linkBps))
    {
        r.Error(node.IsMap() ? node["algorithm"] : node,
                node.IsMap() ? JoinPath(path, "algorithm") : path,
                name +
                    " reads in-band telemetry, whose hops name only link rates of 10, 25, "
                    "40, 50, 100, 200, 400, 800 and 1600 Gbps, not topology.link-rate " +
                    std::to_string(s.linkBps) + "bps");
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
                     "cnp-interval"}))
    {
        return;
    }
    uint64_t value = 0;
    if (r.ReadUint(node, "mtu", path, value, 256, 4096))
    {
        if (value & (value - 1))
        {
            r.Error(node["mtu"], JoinPath(path, "mtu"), "RoCE MTU is 256, 512, 1024, 2048 or 4096");
        }
        s.mtu = static_cast<uint32_t>(value);
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
}

/// Resolve a host name against the topology; \p at locates the error.
bool
ResolveHost(YamlReader& r,
            const YAML::Node& at,
            const std::string& path,
            const Scenario& s,
            const std::string& name,
            uint64_t& host)
{
    std::string kind;
    if (FatTreeShape::SplitName(name, kind, host) && kind == "host" &&
        host < s.shape.GetCount("host"))
    {
        return true;
    }
    r.Error(at,
            path,
            "unknown host '" + name + "' (hosts are host0..host" +
                std::to_string(s.shape.GetCount("host") - 1) + ")");
    return false;
}

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
            bool hosts =
                ResolveHost(r, flow["src"], JoinPath(at, "src"), s, spec.src, spec.srcHost);
            hosts = ResolveHost(r, flow["dst"], JoinPath(at, "dst"), s, spec.dst, spec.dstHost) &&
                    hosts;
            if (hosts && spec.srcHost == spec.dstHost)
            {
                r.Error(flow["dst"], JoinPath(at, "dst"), "a flow's source and destination differ");
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
        std::string kind;
        uint64_t index = 0;
        if (!node[i].IsScalar())
        {
            r.Error(node[i], at, "expected a node name");
            continue;
        }
        std::string name = node[i].Scalar();
        if (topologyOk &&
            (!FatTreeShape::SplitName(name, kind, index) || index >= s.shape.GetCount(kind)))
        {
            r.Error(node[i],
                    at,
                    "unknown node '" + name + "' (nodes are " + s.shape.DescribeNames() + ")");
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
ReadScenario(YamlReader& r, const YAML::Node& root)
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
    bool topologyOk =
        r.Require(root, "topology", "") && ReadTopology(r, root["topology"], "topology", s);
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
    return root ? ReadScenario(reader, *root) : Scenario{};
}

Scenario
ParseScenario(const std::string& text,
              const std::string& file,
              std::vector<Diagnostic>& diagnostics)
{
    YamlReader reader(file, diagnostics);
    std::optional<YAML::Node> root = reader.Parse(text);
    return root ? ReadScenario(reader, *root) : Scenario{};
}

} // namespace ns3
