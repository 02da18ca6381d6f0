/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "topology.h"

#include "ns3/data-rate.h"
#include "ns3/fabric-units.h"
#include "ns3/type-id.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <numeric>
#include <sstream>

namespace ns3
{

namespace
{
uint64_t
DivCeil(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

/// Fewest bits that number \p count values.
uint32_t
BitsFor(uint64_t count)
{
    uint32_t bits = 0;
    while ((1ULL << bits) < count)
    {
        ++bits;
    }
    return bits;
}

/// The default DataRate of a port TypeId: profiles that do not set a rate run at it.
uint64_t
DefaultRate(const std::string& typeName)
{
    TypeId::AttributeInformation info;
    NS_ABORT_MSG_UNLESS(TypeId::LookupByName(typeName).LookupAttributeByName("DataRate", &info),
                        typeName << " has no DataRate");
    return DynamicCast<const DataRateValue>(info.initialValue)->Get().GetBitRate();
}
} // namespace

uint32_t
FatTreeShape::GetHostsPerLeaf() const
{
    return hostsPerLeaf ? hostsPerLeaf : radix / 2;
}

uint32_t
FatTreeShape::GetLeafUplinks() const
{
    uint32_t h = GetHostsPerLeaf();
    if (tiers == 2)
    {
        return radix > h ? radix - h : 0;
    }
    // A 3-tier leaf keeps radix/2 uplinks unless its hosts take more than half its ports.
    return h <= radix / 2 ? radix / 2 : radix - h;
}

uint64_t
FatTreeShape::GetCapacity() const
{
    uint64_t leafCapacity = tiers == 2 ? (leaves ? leaves : radix) : uint64_t(radix) * (radix / 2);
    return leafCapacity * GetHostsPerLeaf();
}

uint64_t
FatTreeShape::GetLeaves() const
{
    uint64_t h = GetHostsPerLeaf();
    return hosts ? DivCeil(hosts, h) : GetCapacity() / h;
}

uint32_t
FatTreeShape::GetLeavesPerPod() const
{
    return tiers == 2 ? static_cast<uint32_t>(GetLeaves()) : radix / 2;
}

uint32_t
FatTreeShape::GetPods() const
{
    return tiers == 2 ? 1 : static_cast<uint32_t>(DivCeil(GetLeaves(), radix / 2));
}

uint32_t
FatTreeShape::GetTier2PerPod() const
{
    return GetLeafUplinks();
}

uint32_t
FatTreeShape::GetCores() const
{
    // Cores join pods: hosts that fit in one pod need none.
    return tiers == 2 || GetPods() < 2 ? 0 : GetLeafUplinks() * (radix / 2);
}

double
FatTreeShape::GetOversubscription() const
{
    return std::max(1.0, double(GetHostsPerLeaf()) / GetLeafUplinks());
}

std::vector<FatTreeShape::Problem>
FatTreeShape::GetProblems() const
{
    // Later checks assume the earlier ones passed, so some stop at the first problem.
    auto text = [](auto... parts) {
        std::ostringstream os;
        (os << ... << parts);
        return os.str();
    };
    if (tiers != 2 && tiers != 3)
    {
        return {{"tiers", text("tiers must be 2 or 3, not ", tiers)}};
    }
    if (radix < 2 || radix % 2 != 0)
    {
        return {{"radix", text("radix must be an even number of at least 2, not ", radix)}};
    }
    uint32_t h = GetHostsPerLeaf();
    uint32_t maxHosts = radix - 1;
    if (h > maxHosts)
    {
        return {{"hosts-per-leaf",
                 text("hosts-per-leaf ",
                      h,
                      " leaves a radix-",
                      radix,
                      " leaf too few uplinks (at most ",
                      maxHosts,
                      " hosts per leaf)")}};
    }
    std::vector<Problem> problems;
    if (tiers == 3 && leaves != 0)
    {
        problems.push_back(
            {"leaves",
             "leaves is set by the radix in a 3-tier fat-tree (radix/2 per pod); leave it out"});
    }
    if (tiers == 2 && leaves > radix)
    {
        problems.push_back(
            {"leaves",
             text("a radix-", radix, " spine connects at most ", radix, " leaves, not ", leaves)});
    }
    if (hosts > GetCapacity())
    {
        std::string layout = tiers == 2 ? text(leaves ? leaves : radix, " leaves of ", h)
                                        : text(radix, " pods of ", radix / 2, " leaves of ", h);
        problems.push_back({"hosts",
                            text(hosts,
                                 " hosts do not fit: a radix-",
                                 radix,
                                 tiers == 2 ? " leaf-spine" : " 3-tier fat-tree",
                                 " holds at most ",
                                 GetCapacity(),
                                 " (",
                                 layout,
                                 " hosts)")});
        return problems;
    }
    if (!problems.empty())
    {
        return problems;
    }
    FatTreeAddress address;
    std::string bits = address.SetCounts(h, GetLeavesPerPod(), GetPods(), 1);
    if (!bits.empty())
    {
        problems.push_back({"radix", bits});
    }
    return problems;
}

std::string
FatTreeShape::Validate() const
{
    std::string all;
    for (const auto& problem : GetProblems())
    {
        all += problem.message + "\n";
    }
    return all;
}

std::string
FatTreeShape::TierName(uint32_t t) const
{
    static const char* names2[] = {"leaf", "spine"};
    static const char* names3[] = {"leaf", "agg", "core"};
    return tiers == 2 ? names2[t] : names3[t];
}

uint64_t
FatTreeShape::GetCount(const std::string& kind) const
{
    if (kind == "host")
    {
        return hosts ? hosts : GetCapacity();
    }
    uint64_t counts[] = {GetLeaves(), uint64_t(GetPods()) * GetTier2PerPod(), GetCores()};
    for (uint32_t t = 0; t < tiers; ++t)
    {
        if (kind == TierName(t))
        {
            return counts[t];
        }
    }
    return 0;
}

std::string
FatTreeShape::DescribeNames() const
{
    std::string text;
    std::vector<std::string> kinds{"host"};
    for (uint32_t t = 0; t < tiers; ++t)
    {
        kinds.push_back(TierName(t));
    }
    for (const auto& kind : kinds)
    {
        text +=
            (text.empty() ? "" : ", ") + kind + "0.." + kind + std::to_string(GetCount(kind) - 1);
    }
    return text;
}

bool
FatTreeShape::SplitName(const std::string& name, std::string& kind, uint64_t& index)
{
    std::size_t digits = name.find_first_of("0123456789");
    if (digits == std::string::npos || digits == 0 ||
        name.find_first_not_of("0123456789", digits) != std::string::npos ||
        name.size() - digits > 18 || (name[digits] == '0' && name.size() - digits > 1))
    {
        return false;
    }
    kind = name.substr(0, digits);
    index = std::stoull(name.substr(digits));
    return true;
}

Topology
Topology::WithBuiltins()
{
    Topology t;
    uint64_t nicRate = DefaultRate("ns3::Cx8NetDevice");
    uint64_t portRate = DefaultRate("ns3::FabricSwitchPort");
    // The models' defaults are the ConnectX-8 and the Spectrum-4 switch; their profiles add
    // only the structure.
    t.nicProfiles["cx8"] = NicProfile{"cx8", nicRate, {}, {}};
    SwitchProfile spectrum;
    spectrum.name = "spectrum-4";
    spectrum.ports = 64;
    spectrum.rateBps = portRate;
    t.switchProfiles[spectrum.name] = spectrum;
    t.linkProfiles["fiber-2m"] = LinkProfile{"fiber-2m", fabric::CableDelay(2), 0, {}};
    HostProfile host;
    host.name = "host";
    t.hostProfiles[host.name] = host;
    // HGX B200: eight GPUs on NVLink 5 through NVSwitch, 1.8 TB/s per GPU in both directions
    // together (NVIDIA HGX B200 datasheet), one ConnectX-8 per GPU.
    HostProfile hgx;
    hgx.name = "hgx-b200";
    hgx.gpus = 8;
    hgx.nics = 8;
    hgx.nvlinkBps = 7200000000000ULL; // 900 GB/s each way
    t.hostProfiles[hgx.name] = hgx;
    return t;
}

uint64_t
FabricGraph::GetPortRate(uint32_t node) const
{
    const Node& n = nodes[node];
    return n.kind == HOST ? nicProfiles[n.profile]->rateBps : switchProfiles[n.profile]->rateBps;
}

uint32_t
FabricGraph::GetGpus(uint32_t node) const
{
    return nodes[node].kind == HOST ? hostProfiles[nodes[node].profile]->gpus : 0;
}

uint32_t
FabricGraph::GetGpuOfNic(uint32_t node, uint32_t nic) const
{
    const HostProfile& host = *hostProfiles[nodes[node].profile];
    return static_cast<uint32_t>(uint64_t(nic) * host.gpus / host.nics);
}

uint32_t
FabricGraph::GetNicOfGpu(uint32_t node, uint32_t gpu) const
{
    const HostProfile& host = *hostProfiles[nodes[node].profile];
    return static_cast<uint32_t>(uint64_t(gpu) * host.nics / host.gpus);
}

uint32_t
FabricGraph::Find(const std::string& name) const
{
    // Nodes are only ever appended: index the new ones (a duplicate name keeps its first).
    if (m_indexed > nodes.size())
    {
        m_index.clear();
        m_indexed = 0;
    }
    for (; m_indexed < nodes.size(); ++m_indexed)
    {
        m_index.emplace(nodes[m_indexed].name, static_cast<uint32_t>(m_indexed));
    }
    auto it = m_index.find(name);
    return it == m_index.end() ? NONE : it->second;
}

namespace
{
/**
 * Expands a topology into a FabricGraph, collecting every problem. Profiles are interned as the
 * graph's profile tables on first use.
 */
class Expander
{
  public:
    Expander(const Topology& topology, std::vector<Diagnostic>& diagnostics)
        : m_topology(topology),
          m_diagnostics(diagnostics)
    {
    }

    FabricGraph Run();

  private:
    static constexpr std::size_t MAX_REPEATS = 20; //!< reports of one kind before a summary

    void Error(const SourceMark& at, const std::string& message);
    std::optional<uint16_t> HostProfileIndex(const std::string& name, const SourceMark& at);
    std::optional<uint16_t> SwitchProfileIndex(const std::string& name, const SourceMark& at);
    std::optional<uint16_t> LinkProfileIndex(const std::string& name, const SourceMark& at);
    uint32_t AddNode(FabricGraph::Node node, const SourceMark& at);
    void AddLink(uint32_t a, uint32_t aPort, uint32_t b, uint32_t bPort, uint16_t profile);
    /// \return false (reported) if the plane cannot be built; its copies need not be tried
    /// Plane \p number of those named spec.name, on NIC index \p nic of every server.
    bool GeneratePlane(const PlaneSpec& spec, uint32_t number, uint32_t nic);
    void AddExplicitLinks();
    void CheckConnectivity(const HostLinks& links);
    /// Where node \p n was written, for problems found once the graph is complete.
    SourceMark NodeMark(uint32_t n) const;
    void SetAddresses(const HostLinks& links);

    const Topology& m_topology;
    std::vector<Diagnostic>& m_diagnostics;
    FabricGraph m_graph;
    std::map<std::string, uint16_t> m_hostIndex;
    std::map<std::string, std::shared_ptr<const NicProfile>> m_nics; //!< host profiles share them
    std::map<std::string, uint16_t> m_switchIndex;
    std::map<std::string, uint16_t> m_linkIndex;
    uint64_t m_servers{0};
    uint32_t m_totalPlanes{0};
    uint32_t m_firstExplicit{0}; //!< graph index of m_topology.nodes[0]
};

void
Expander::Error(const SourceMark& at, const std::string& message)
{
    m_diagnostics.push_back(Diagnostic{m_topology.file, at.line, at.column, at.path, message});
}

std::optional<uint16_t>
Expander::HostProfileIndex(const std::string& name, const SourceMark& at)
{
    if (auto it = m_hostIndex.find(name); it != m_hostIndex.end())
    {
        return it->second;
    }
    auto profile = m_topology.hostProfiles.find(name);
    if (profile == m_topology.hostProfiles.end())
    {
        Error(at, "unknown host profile '" + name + "'");
        return std::nullopt;
    }
    auto nic = m_topology.nicProfiles.find(profile->second.nic);
    if (nic == m_topology.nicProfiles.end())
    {
        Error(profile->second.mark,
              "host profile '" + name + "' names unknown NIC profile '" + profile->second.nic +
                  "'");
        return std::nullopt;
    }
    auto index = static_cast<uint16_t>(m_graph.hostProfiles.size());
    m_graph.hostProfiles.push_back(std::make_shared<const HostProfile>(profile->second));
    auto& shared = m_nics[nic->first];
    if (!shared)
    {
        shared = std::make_shared<const NicProfile>(nic->second);
    }
    m_graph.nicProfiles.push_back(shared);
    m_hostIndex[name] = index;
    return index;
}

std::optional<uint16_t>
Expander::SwitchProfileIndex(const std::string& name, const SourceMark& at)
{
    if (auto it = m_switchIndex.find(name); it != m_switchIndex.end())
    {
        return it->second;
    }
    auto profile = m_topology.switchProfiles.find(name);
    if (profile == m_topology.switchProfiles.end())
    {
        Error(at, "unknown switch profile '" + name + "'");
        return std::nullopt;
    }
    auto index = static_cast<uint16_t>(m_graph.switchProfiles.size());
    m_graph.switchProfiles.push_back(std::make_shared<const SwitchProfile>(profile->second));
    m_switchIndex[name] = index;
    return index;
}

std::optional<uint16_t>
Expander::LinkProfileIndex(const std::string& name, const SourceMark& at)
{
    const std::string& key = name.empty() ? m_topology.defaultLink : name;
    if (auto it = m_linkIndex.find(key); it != m_linkIndex.end())
    {
        return it->second;
    }
    auto profile = m_topology.linkProfiles.find(key);
    if (profile == m_topology.linkProfiles.end())
    {
        Error(at, "unknown link profile '" + key + "'");
        return std::nullopt;
    }
    auto index = static_cast<uint16_t>(m_graph.linkProfiles.size());
    m_graph.linkProfiles.push_back(std::make_shared<const LinkProfile>(profile->second));
    m_linkIndex[key] = index;
    return index;
}

uint32_t
Expander::AddNode(FabricGraph::Node node, const SourceMark& at)
{
    auto index = static_cast<uint32_t>(m_graph.nodes.size());
    if (m_graph.Find(node.name) != FabricGraph::NONE)
    {
        Error(at, "duplicate node name '" + node.name + "'");
    }
    m_graph.nodes.push_back(std::move(node));
    return index;
}

void
Expander::AddLink(uint32_t a, uint32_t aPort, uint32_t b, uint32_t bPort, uint16_t profile)
{
    const LinkProfile* p = m_graph.linkProfiles[profile].get();
    uint64_t rate =
        p->rateBps ? p->rateBps : std::min(m_graph.GetPortRate(a), m_graph.GetPortRate(b));
    m_graph.links.push_back(FabricGraph::Link{a, b, aPort, bPort, profile, rate, p->delay});
}

bool
Expander::GeneratePlane(const PlaneSpec& spec, uint32_t number, uint32_t nic)
{
    FatTreeShape shape = spec.shape;
    shape.hosts = m_servers;
    std::string problems = shape.Validate();
    if (!problems.empty())
    {
        std::istringstream lines(problems);
        for (std::string line; std::getline(lines, line);)
        {
            Error(spec.mark, line);
        }
        return false;
    }
    auto switchProfile = SwitchProfileIndex(spec.switchProfile, spec.mark);
    auto linkProfile = LinkProfileIndex(spec.linkProfile, spec.mark);
    auto hostLinkProfile = LinkProfileIndex(spec.hostLinkProfile, spec.mark);
    if (!switchProfile || !linkProfile || !hostLinkProfile)
    {
        return false;
    }
    const SwitchProfile* sp = m_graph.switchProfiles[*switchProfile].get();
    if (sp->ports < spec.shape.radix)
    {
        Error(spec.radixMark.line > 0 ? spec.radixMark : spec.mark,
              "radix " + std::to_string(spec.shape.radix) + " needs switches of at least " +
                  std::to_string(spec.shape.radix) + " ports; '" + sp->name + "' has " +
                  std::to_string(sp->ports));
        return false;
    }
    if (m_servers > 0)
    {
        // Every server's NIC meets a leaf port: their rates must agree unless the cable sets it.
        const LinkProfile* hostLink = m_graph.linkProfiles[*hostLinkProfile].get();
        uint64_t nicRate = m_graph.GetPortRate(0);
        bool fits = hostLink->rateBps ? hostLink->rateBps <= std::min(nicRate, sp->rateBps)
                                      : nicRate == sp->rateBps;
        if (!fits)
        {
            Error(spec.mark,
                  "rate mismatch: the servers' NICs run at " + fabric::FormatDataRate(nicRate) +
                      " and the leaves' ports of '" + sp->name + "' at " +
                      fabric::FormatDataRate(sp->rateBps) +
                      (hostLink->rateBps
                           ? ", and host links at " + fabric::FormatDataRate(hostLink->rateBps)
                           : "") +
                      "; set host-link to a link profile with a rate both support");
            return false;
        }
    }

    // Switch-to-switch cables may slow the ports down, not speed them up.
    const LinkProfile* switchLink = m_graph.linkProfiles[*linkProfile].get();
    if (switchLink->rateBps > sp->rateBps)
    {
        Error(spec.mark,
              "link profile '" + switchLink->name + "' runs at " +
                  fabric::FormatDataRate(switchLink->rateBps) + ", faster than the ports of '" +
                  sp->name + "' (" + fabric::FormatDataRate(sp->rateBps) + ")");
        return false;
    }

    auto plane = static_cast<uint32_t>(m_graph.planeShapes.size());
    m_graph.planeShapes.push_back(shape);
    std::string planeName = m_totalPlanes > 1 ? spec.name + std::to_string(number) : "";
    m_graph.planeNames.push_back(planeName.empty() ? spec.name : planeName);
    std::string prefix = planeName.empty() ? "" : planeName + ".";
    uint32_t h = shape.GetHostsPerLeaf();
    uint32_t up = shape.GetLeafUplinks();
    uint32_t lpp = shape.GetLeavesPerPod();
    uint32_t pods = shape.GetPods();
    uint64_t leaves = shape.GetLeaves();
    uint32_t half = shape.radix / 2;
    uint32_t tier2Up = shape.GetCores() > 0 ? half : 0;

    auto makeSwitch =
        [&](uint8_t tier, uint64_t index, uint32_t ports, uint32_t pod, uint32_t leaf) {
            FabricGraph::Node node;
            node.name = prefix + shape.TierName(tier - 1) + std::to_string(index);
            node.kind = FabricGraph::SWITCH;
            node.tier = tier;
            node.profile = *switchProfile;
            node.ports = ports;
            node.plane = plane;
            node.pod = pod;
            node.leaf = leaf;
            return AddNode(std::move(node), spec.mark);
        };

    std::vector<uint32_t> tier2(uint64_t(pods) * up);
    uint64_t leafIndex = 0;
    for (uint32_t pod = 0; pod < pods; ++pod)
    {
        uint32_t podLeaves = static_cast<uint32_t>(std::min<uint64_t>(lpp, leaves - leafIndex));
        uint32_t firstLeaf = static_cast<uint32_t>(m_graph.nodes.size());
        for (uint32_t leaf = 0; leaf < podLeaves; ++leaf, ++leafIndex)
        {
            uint32_t sw = makeSwitch(1, leafIndex, h + up, pod, leaf);
            for (uint32_t port = 0; port < h; ++port)
            {
                uint64_t server = leafIndex * h + port;
                if (server < m_servers)
                {
                    AddLink(static_cast<uint32_t>(server), nic, sw, port, *hostLinkProfile);
                }
            }
        }
        for (uint32_t s = 0; s < up; ++s)
        {
            uint32_t sw = makeSwitch(2, uint64_t(pod) * up + s, lpp + tier2Up, pod, 0);
            tier2[pod * up + s] = sw;
            for (uint32_t leaf = 0; leaf < podLeaves; ++leaf)
            {
                AddLink(firstLeaf + leaf, h + s, sw, leaf, *linkProfile);
            }
        }
    }
    for (uint32_t c = 0; c < shape.GetCores(); ++c)
    {
        uint32_t sw = makeSwitch(3, c, pods, 0, 0);
        for (uint32_t pod = 0; pod < pods; ++pod)
        {
            AddLink(tier2[pod * up + c / half], lpp + c % half, sw, pod, *linkProfile);
        }
    }
    return true;
}

/// The ports of a node that links took; the lowest free one in amortized O(1).
class PortsInUse
{
  public:
    void Take(uint32_t port)
    {
        m_taken.resize(std::max<std::size_t>(m_taken.size(), port + 1));
        m_taken[port] = true;
        // Ports are only ever taken, so the lowest free one only moves up.
        while (m_firstFree < m_taken.size() && m_taken[m_firstFree])
        {
            ++m_firstFree;
        }
    }

    bool IsTaken(uint32_t port) const
    {
        return port < m_taken.size() && m_taken[port];
    }

    uint32_t FirstFree() const
    {
        return m_firstFree;
    }

  private:
    std::vector<bool> m_taken;
    uint32_t m_firstFree{0};
};

void
Expander::AddExplicitLinks()
{
    // Ports in use, for the nodes explicit links touch: those generated links took, found in
    // one pass over them, and those explicit links take as they are added.
    std::unordered_map<uint32_t, PortsInUse> used;
    for (const LinkSpec& spec : m_topology.links)
    {
        for (const std::string* text : {&spec.a, &spec.b})
        {
            std::string name;
            std::optional<uint32_t> port;
            if (SplitEndpoint(*text, name, port))
            {
                if (uint32_t node = m_graph.Find(name); node != FabricGraph::NONE)
                {
                    used.try_emplace(node);
                }
            }
        }
    }
    for (const auto& link : m_graph.links)
    {
        for (auto [end, port] : {std::pair{link.a, link.aPort}, {link.b, link.bPort}})
        {
            if (auto it = used.find(end); it != used.end())
            {
                it->second.Take(port);
            }
        }
    }
    auto capacity = [&](uint32_t node) {
        const FabricGraph::Node& n = m_graph.nodes[node];
        return n.kind == FabricGraph::HOST ? n.ports : m_graph.switchProfiles[n.profile]->ports;
    };

    for (const LinkSpec& spec : m_topology.links)
    {
        std::array<uint32_t, 2> ends{};
        std::array<std::string, 2> names;
        std::array<std::optional<uint32_t>, 2> ports;
        std::array<const SourceMark*, 2> marks{&spec.aMark, &spec.bMark};
        for (auto& mark : marks)
        {
            mark = mark->line > 0 ? mark : &spec.mark;
        }
        bool ok = true;
        for (int e = 0; e < 2; ++e)
        {
            const std::string& text = e == 0 ? spec.a : spec.b;
            if (!SplitEndpoint(text, names[e], ports[e]))
            {
                Error(*marks[e], "malformed endpoint '" + text + "' (expected NODE or NODE:PORT)");
                ok = false;
                continue;
            }
            ends[e] = m_graph.Find(names[e]);
            if (ends[e] == FabricGraph::NONE)
            {
                Error(*marks[e], "link to unknown node '" + names[e] + "'");
                ok = false;
            }
        }
        auto profile = LinkProfileIndex(spec.profile, spec.mark);
        if (!ok || !profile)
        {
            continue;
        }
        // What the link joins decides whether it may exist at all, before it takes ports.
        if (ends[0] == ends[1])
        {
            Error(spec.mark, "a link must join two different nodes");
            continue;
        }
        if (m_graph.nodes[ends[0]].kind == FabricGraph::HOST &&
            m_graph.nodes[ends[1]].kind == FabricGraph::HOST)
        {
            Error(spec.mark,
                  "hosts connect only through switches: '" + spec.a + "' to '" + spec.b + "'");
            continue;
        }
        for (int e = 0; e < 2; ++e)
        {
            const PortsInUse& inUse = used[ends[e]];
            uint32_t cap = capacity(ends[e]);
            const char* what = m_graph.nodes[ends[e]].kind == FabricGraph::HOST ? "NIC" : "port";
            if (!ports[e])
            {
                ports[e] = inUse.FirstFree();
                if (*ports[e] >= cap)
                {
                    Error(*marks[e],
                          "more links on '" + names[e] + "' than its " + std::to_string(cap) + " " +
                              what + (cap == 1 ? "" : "s"));
                    ok = false;
                }
            }
            else if (*ports[e] >= cap)
            {
                Error(*marks[e],
                      "'" + names[e] + "' has no " + what + " " + std::to_string(*ports[e]) +
                          " (valid: " + (cap == 1 ? "0" : "0.." + std::to_string(cap - 1)) + ")");
                ok = false;
            }
            else if (inUse.IsTaken(*ports[e]))
            {
                Error(*marks[e],
                      what + std::string(" ") + std::to_string(*ports[e]) + " of '" + names[e] +
                          "' is already linked");
                ok = false;
            }
        }
        if (!ok)
        {
            continue;
        }
        // Only a link that is built takes its ports.
        for (int e = 0; e < 2; ++e)
        {
            used[ends[e]].Take(*ports[e]);
            FabricGraph::Node& n = m_graph.nodes[ends[e]];
            if (n.kind == FabricGraph::SWITCH)
            {
                n.ports = std::max(n.ports, *ports[e] + 1);
            }
        }
        const LinkProfile* lp = m_graph.linkProfiles[*profile].get();
        uint64_t rate = spec.rateBps ? spec.rateBps : lp->rateBps;
        uint64_t rateA = m_graph.GetPortRate(ends[0]);
        uint64_t rateB = m_graph.GetPortRate(ends[1]);
        if (rate == 0 && rateA != rateB)
        {
            Error(spec.mark,
                  "rate mismatch: '" + spec.a + "' runs at " + fabric::FormatDataRate(rateA) +
                      " and '" + spec.b + "' at " + fabric::FormatDataRate(rateB) +
                      "; give the link a rate both support");
            continue;
        }
        if (rate > std::min(rateA, rateB))
        {
            bool aSlower = rateA <= rateB;
            Error(spec.rateBps && spec.rateMark.line > 0 ? spec.rateMark : spec.mark,
                  "link rate " + fabric::FormatDataRate(rate) + " is faster than '" +
                      (aSlower ? spec.a : spec.b) + "' runs (" +
                      fabric::FormatDataRate(std::min(rateA, rateB)) + ")");
            continue;
        }
        m_graph.links.push_back(FabricGraph::Link{ends[0],
                                                  ends[1],
                                                  *ports[0],
                                                  *ports[1],
                                                  *profile,
                                                  rate ? rate : rateA,
                                                  spec.delay.value_or(lp->delay)});
    }
}

void
Expander::CheckConnectivity(const HostLinks& links)
{
    // Each host must share a switch component with every other host, which holds when all
    // hosts reach the largest host-holding component.
    auto linked = [&](uint32_t host, auto&& onSwitch) {
        for (uint32_t nic = 0; nic < m_graph.nodes[host].ports; ++nic)
        {
            if (uint32_t sw = links.GetSwitch(host, nic); sw != FabricGraph::NONE)
            {
                onSwitch(links.GetComponent(sw));
            }
        }
    };
    std::vector<uint64_t> hostsIn(m_graph.nodes.size(), 0);
    std::vector<uint32_t> seenBy(m_graph.nodes.size(), FabricGraph::NONE);
    uint64_t hosts = 0;
    std::size_t unlinked = 0;
    for (uint32_t n = 0; n < m_graph.nodes.size(); ++n)
    {
        if (m_graph.nodes[n].kind != FabricGraph::HOST)
        {
            continue;
        }
        ++hosts;
        bool any = false;
        linked(n, [&](uint32_t component) {
            any = true;
            if (seenBy[component] != n) // count each host once per component
            {
                seenBy[component] = n;
                ++hostsIn[component];
            }
        });
        if (!any && ++unlinked <= MAX_REPEATS)
        {
            Error(NodeMark(n), "host '" + m_graph.nodes[n].name + "' has no links");
        }
    }
    if (unlinked > MAX_REPEATS)
    {
        Error(SourceMark{},
              "... and " + std::to_string(unlinked - MAX_REPEATS) + " more hosts without links");
    }
    auto biggest =
        static_cast<uint32_t>(std::max_element(hostsIn.begin(), hostsIn.end()) - hostsIn.begin());
    if (hosts == 0 || hostsIn[biggest] == hosts || unlinked > 0)
    {
        return;
    }
    std::size_t cut = 0;
    for (uint32_t n = 0; n < m_graph.nodes.size(); ++n)
    {
        if (m_graph.nodes[n].kind != FabricGraph::HOST)
        {
            continue;
        }
        bool reaches = false;
        linked(n, [&](uint32_t component) { reaches = reaches || component == biggest; });
        if (!reaches && ++cut <= MAX_REPEATS)
        {
            Error(NodeMark(n),
                  "host '" + m_graph.nodes[n].name + "' is disconnected: no switch path to the " +
                      std::to_string(hostsIn[biggest]) + " hosts of the main fabric");
        }
    }
    if (cut > MAX_REPEATS)
    {
        Error(SourceMark{},
              "... and " + std::to_string(cut - MAX_REPEATS) + " more disconnected hosts");
    }
}

SourceMark
Expander::NodeMark(uint32_t n) const
{
    // Servers and generated switches come before the explicit nodes, which are all in the
    // graph once it has no problems.
    return n >= m_firstExplicit ? m_topology.nodes[n - m_firstExplicit].mark
                                : m_topology.serversMark;
}

void
Expander::SetAddresses(const HostLinks& links)
{
    if (!m_graph.algorithmic)
    {
        // Groups are the switches NICs hang from; an address holds a group and an index in it.
        uint64_t groups = links.GetNGroups();
        uint32_t widest = links.GetWidestGroup();
        m_graph.groupHostBits = BitsFor(widest);
        uint32_t bits = m_graph.groupHostBits + BitsFor(groups);
        if (bits > FatTreeAddress::ADDRESS_BITS)
        {
            Error(SourceMark{},
                  "addresses need " + std::to_string(bits) + " bits (" + std::to_string(groups) +
                      " switches with hosts, up to " + std::to_string(widest) +
                      " NICs on one); 10.0.0.0/8 has 24");
        }
        return;
    }
    uint32_t h = 1;
    uint32_t lpp = 1;
    uint32_t pods = 1;
    for (const auto& shape : m_graph.planeShapes)
    {
        h = std::max(h, shape.GetHostsPerLeaf());
        lpp = std::max(lpp, shape.GetLeavesPerPod());
        pods = std::max(pods, shape.GetPods());
    }
    std::string error = m_graph.address.SetCounts(
        h,
        lpp,
        pods,
        std::max<uint32_t>(1, static_cast<uint32_t>(m_graph.planeShapes.size())));
    if (!error.empty())
    {
        Error(m_topology.planes.empty() ? SourceMark{} : m_topology.planes.front().mark, error);
    }
}

FabricGraph
Expander::Run()
{
    m_graph.name = m_topology.name;
    for (const auto& spec : m_topology.planes)
    {
        m_totalPlanes += spec.count;
    }
    m_servers = m_topology.servers;
    if (m_servers == 0 && !m_topology.planes.empty())
    {
        FatTreeShape first = m_topology.planes.front().shape;
        first.hosts = 0;
        m_servers = first.Validate().empty() ? first.GetCapacity() : 0;
    }
    if (m_servers > 0)
    {
        SourceMark at{0, 0, "hosts"};
        auto profile = HostProfileIndex(m_topology.hostProfile, at);
        if (!profile)
        {
            return m_graph;
        }
        const HostProfile* hp = m_graph.hostProfiles[*profile].get();
        if (m_totalPlanes != hp->nics && !m_topology.planes.empty())
        {
            Error(m_topology.planes.front().mark,
                  "the servers ('" + hp->name + "') have " + std::to_string(hp->nics) +
                      " NICs but the planes attach " + std::to_string(m_totalPlanes) +
                      " (one plane per NIC index)");
            return m_graph;
        }
        m_graph.nodes.reserve(m_servers);
        for (uint64_t s = 0; s < m_servers; ++s)
        {
            FabricGraph::Node node;
            node.name = "host" + std::to_string(s);
            node.profile = *profile;
            node.ports = hp->nics;
            m_graph.nodes.push_back(std::move(node));
        }
    }
    uint32_t nic = 0;
    // Groups that share a name number their planes on from each other: plane0, plane1, ...
    std::map<std::string, uint32_t> named;
    for (const auto& spec : m_topology.planes)
    {
        uint32_t first = named[spec.name];
        named[spec.name] += spec.count;
        for (uint32_t copy = 0; copy < spec.count; ++copy)
        {
            if (!GeneratePlane(spec, first + copy, nic + copy))
            {
                break; // the copies of a plane share its problems: report them once
            }
        }
        nic += spec.count;
    }
    m_firstExplicit = static_cast<uint32_t>(m_graph.nodes.size());
    for (const NodeSpec& spec : m_topology.nodes)
    {
        FabricGraph::Node node;
        node.name = spec.name;
        node.kind = spec.isSwitch ? FabricGraph::SWITCH : FabricGraph::HOST;
        auto profile = spec.isSwitch ? SwitchProfileIndex(spec.profile, spec.mark)
                                     : HostProfileIndex(spec.profile, spec.mark);
        if (!profile)
        {
            continue;
        }
        node.profile = *profile;
        node.ports = spec.isSwitch ? spec.ports : m_graph.hostProfiles[*profile]->nics;
        if (spec.isSwitch && spec.ports > m_graph.switchProfiles[*profile]->ports)
        {
            Error(spec.mark,
                  "'" + spec.name + "' builds " + std::to_string(spec.ports) +
                      " ports, but switch profile '" + spec.profile + "' has " +
                      std::to_string(m_graph.switchProfiles[*profile]->ports));
        }
        AddNode(std::move(node), spec.mark);
        m_graph.algorithmic = false;
    }
    m_graph.algorithmic = m_graph.algorithmic && m_topology.links.empty();
    AddExplicitLinks();
    if (m_diagnostics.empty())
    {
        const HostLinks links(m_graph);
        CheckConnectivity(links);
        SetAddresses(links);
    }
    return std::move(m_graph);
}
} // namespace

bool
SplitEndpoint(const std::string& text, std::string& name, std::optional<uint32_t>& port)
{
    std::size_t colon = text.rfind(':');
    name = text.substr(0, colon);
    port.reset();
    if (colon == std::string::npos)
    {
        return true;
    }
    std::string digits = text.substr(colon + 1);
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
    {
        return false;
    }
    port = static_cast<uint32_t>(std::stoul(digits));
    return true;
}

std::vector<uint32_t>
SwitchComponents(const FabricGraph& graph)
{
    std::vector<uint32_t> parent(graph.nodes.size());
    std::iota(parent.begin(), parent.end(), 0);
    auto root = [&](uint32_t x) {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]]; // path halving
            x = parent[x];
        }
        return x;
    };
    for (const auto& link : graph.links)
    {
        if (graph.nodes[link.a].kind == FabricGraph::SWITCH &&
            graph.nodes[link.b].kind == FabricGraph::SWITCH)
        {
            parent[root(link.a)] = root(link.b);
        }
    }
    std::vector<uint32_t> component(graph.nodes.size(), FabricGraph::NONE);
    for (uint32_t n = 0; n < graph.nodes.size(); ++n)
    {
        if (graph.nodes[n].kind == FabricGraph::SWITCH)
        {
            component[n] = root(n);
        }
    }
    return component;
}

HostLinks::HostLinks(const FabricGraph& graph)
    : m_component(SwitchComponents(graph)),
      m_firstNic(graph.nodes.size() + 1, 0),
      m_firstDown(graph.nodes.size() + 1, 0),
      m_group(graph.nodes.size(), FabricGraph::NONE),
      m_componentGroups(graph.nodes.size(), {0, 0})
{
    const auto& nodes = graph.nodes;
    for (uint32_t n = 0; n < nodes.size(); ++n)
    {
        m_firstNic[n + 1] =
            m_firstNic[n] + (nodes[n].kind == FabricGraph::HOST ? nodes[n].ports : 0);
    }
    m_nicSwitch.assign(m_firstNic.back(), FabricGraph::NONE);
    m_nicLink.assign(m_firstNic.back(), FabricGraph::NONE);
    // Counting sort of the host links by switch, then each switch's by port.
    auto hostEnd = [&](const FabricGraph::Link& link) {
        return nodes[link.a].kind == FabricGraph::HOST;
    };
    for (const auto& link : graph.links)
    {
        if (nodes[link.a].kind != nodes[link.b].kind)
        {
            ++m_firstDown[(hostEnd(link) ? link.b : link.a) + 1];
        }
    }
    std::partial_sum(m_firstDown.begin(), m_firstDown.end(), m_firstDown.begin());
    m_down.resize(m_firstDown.back());
    std::vector<uint32_t> fill(m_firstDown.begin(), m_firstDown.end() - 1);
    for (uint32_t l = 0; l < graph.links.size(); ++l)
    {
        const auto& link = graph.links[l];
        if (nodes[link.a].kind == nodes[link.b].kind)
        {
            continue;
        }
        bool aHost = hostEnd(link);
        uint32_t host = aHost ? link.a : link.b;
        uint32_t sw = aHost ? link.b : link.a;
        uint32_t slot = m_firstNic[host] + (aHost ? link.aPort : link.bPort);
        m_nicSwitch[slot] = sw;
        m_nicLink[slot] = l;
        m_down[fill[sw]++] = l;
    }
    auto switchPort = [&](uint32_t l) {
        const auto& link = graph.links[l];
        return hostEnd(link) ? link.bPort : link.aPort;
    };
    std::vector<uint32_t> holders;
    for (uint32_t n = 0; n < nodes.size(); ++n)
    {
        if (m_firstDown[n] != m_firstDown[n + 1])
        {
            std::sort(m_down.begin() + m_firstDown[n],
                      m_down.begin() + m_firstDown[n + 1],
                      [&](uint32_t x, uint32_t y) { return switchPort(x) < switchPort(y); });
            holders.push_back(n);
        }
    }
    std::stable_sort(holders.begin(), holders.end(), [&](uint32_t x, uint32_t y) {
        return m_component[x] < m_component[y];
    });
    m_groupSwitch = holders;
    for (uint32_t g = 0; g < holders.size(); ++g)
    {
        m_group[holders[g]] = g;
        auto& range = m_componentGroups[m_component[holders[g]]];
        range = {range.first == range.second ? g : range.first, g + 1};
    }
}

uint32_t
HostLinks::GetSwitch(uint32_t host, uint32_t nic) const
{
    return m_nicSwitch[m_firstNic[host] + nic];
}

uint32_t
HostLinks::GetHostLink(uint32_t host, uint32_t nic) const
{
    return m_nicLink[m_firstNic[host] + nic];
}

uint32_t
HostLinks::GetNNics(uint32_t sw) const
{
    return m_firstDown[sw + 1] - m_firstDown[sw];
}

uint32_t
HostLinks::GetNicLink(uint32_t sw, uint32_t k) const
{
    return m_down[m_firstDown[sw] + k];
}

uint32_t
HostLinks::GetComponent(uint32_t n) const
{
    return m_component[n];
}

uint32_t
HostLinks::GetGroup(uint32_t sw) const
{
    return m_group[sw];
}

uint32_t
HostLinks::GetNGroups() const
{
    return static_cast<uint32_t>(m_groupSwitch.size());
}

uint32_t
HostLinks::GetGroupSwitch(uint32_t g) const
{
    return m_groupSwitch[g];
}

std::pair<uint32_t, uint32_t>
HostLinks::GetReachableGroups(uint32_t sw) const
{
    return m_componentGroups[m_component[sw]];
}

uint32_t
HostLinks::GetWidestGroup() const
{
    uint32_t widest = 0;
    for (uint32_t sw : m_groupSwitch)
    {
        widest = std::max(widest, GetNNics(sw));
    }
    return widest;
}

std::string
HostLinks::ChooseSourceNic(const FabricGraph& graph,
                           uint32_t srcNode,
                           uint32_t srcNic,
                           uint32_t dstNode,
                           uint32_t dstNic,
                           uint32_t& fabricNic) const
{
    const HostProfile& host = *graph.hostProfiles[graph.nodes[srcNode].profile];
    bool nvlink = host.gpus > 1 && host.nvlinkBps > 0;
    auto gpu = [&](uint32_t nic) {
        return graph.GetGpuOfNic(srcNode, nic);
    };
    auto name = [&](uint32_t node, uint32_t nic) {
        return graph.nodes[node].name + ":" + std::to_string(nic);
    };
    fabricNic = FabricGraph::NONE;
    if (srcNode == dstNode)
    {
        if (gpu(srcNic) == gpu(dstNic))
        {
            return "both ends are NICs of one GPU";
        }
        return nvlink ? "" : "host profile '" + host.name + "' has no NVLink between GPUs";
    }
    auto component = [&](uint32_t node, uint32_t nic) {
        uint32_t sw = GetSwitch(node, nic);
        return sw == FabricGraph::NONE ? FabricGraph::NONE : GetComponent(sw);
    };
    uint32_t target = component(dstNode, dstNic);
    if (target == FabricGraph::NONE)
    {
        return name(dstNode, dstNic) + " has no link";
    }
    uint32_t nics = graph.nodes[srcNode].ports;
    for (uint32_t i = 0; i <= nics; ++i)
    {
        uint32_t nic = i == 0 ? srcNic : (dstNic + i - 1) % nics;
        if (component(srcNode, nic) == target && (nvlink || gpu(nic) == gpu(srcNic)))
        {
            fabricNic = nic;
            return "";
        }
    }
    return "no switch path joins " + name(srcNode, srcNic) + " and " + name(dstNode, dstNic) +
           (nvlink ? ", and no other NIC of the source's server reaches it"
                   : ", and the source's server has no NVLink to reach another NIC");
}

void
ForEachGroupDistances(
    const FabricGraph& graph,
    const HostLinks& hostLinks,
    const std::function<void(uint32_t group, const std::vector<uint32_t>& distance)>& visit)
{
    using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
    Graph g(graph.nodes.size());
    for (const auto& link : graph.links)
    {
        if (graph.nodes[link.a].kind == FabricGraph::SWITCH &&
            graph.nodes[link.b].kind == FabricGraph::SWITCH)
        {
            boost::add_edge(link.a, link.b, g);
        }
    }
    std::vector<uint32_t> distance(graph.nodes.size());
    for (uint32_t group = 0; group < hostLinks.GetNGroups(); ++group)
    {
        uint32_t source = hostLinks.GetGroupSwitch(group);
        std::fill(distance.begin(), distance.end(), UINT32_MAX);
        distance[source] = 0;
        boost::breadth_first_search(
            g,
            boost::vertex(source, g),
            boost::visitor(boost::make_bfs_visitor(
                boost::record_distances(distance.data(), boost::on_tree_edge()))));
        visit(group, distance);
    }
}

uint32_t
GetDiameter(const FabricGraph& graph)
{
    uint32_t longest = 0;
    if (graph.algorithmic)
    {
        for (const auto& shape : graph.planeShapes)
        {
            // Up to the highest tier the hosts need and down again.
            uint32_t tiers = shape.GetPods() > 1 ? 3 : shape.GetLeaves() > 1 ? 2 : 1;
            longest = std::max(longest, 2 * tiers);
        }
        return longest;
    }
    // Between the switches hosts hang from, plus the two host links.
    const HostLinks hostLinks(graph);
    ForEachGroupDistances(graph, hostLinks, [&](uint32_t, const std::vector<uint32_t>& distance) {
        for (uint32_t g = 0; g < hostLinks.GetNGroups(); ++g)
        {
            uint32_t d = distance[hostLinks.GetGroupSwitch(g)];
            if (d != UINT32_MAX)
            {
                longest = std::max(longest, d);
            }
        }
    });
    return longest + 2;
}

FabricGraph
ExpandTopology(const Topology& topology, std::vector<Diagnostic>& diagnostics)
{
    std::size_t before = diagnostics.size();
    std::vector<Diagnostic> found;
    FabricGraph graph = Expander(topology, found).Run();
    diagnostics.insert(diagnostics.begin() + before, found.begin(), found.end());
    return graph;
}

namespace
{
/// "rail3 leaf" or "explicit".
std::string
TierLabel(const FabricGraph& graph, const FabricGraph::Node& node)
{
    if (node.kind == FabricGraph::HOST)
    {
        return "host";
    }
    if (node.plane == FabricGraph::NONE)
    {
        return "switch";
    }
    return graph.planeShapes[node.plane].TierName(node.tier - 1);
}

void
Count(std::vector<std::pair<std::string, uint64_t>>& counts, const std::string& key)
{
    // Few distinct keys, met in runs: the last one is usually the match.
    for (auto it = counts.rbegin(); it != counts.rend(); ++it)
    {
        if (it->first == key)
        {
            ++it->second;
            return;
        }
    }
    counts.emplace_back(key, 1);
}
} // namespace

TopologyInfo
SummarizeTopology(const FabricGraph& graph)
{
    TopologyInfo info;
    auto planeOf = [&](const FabricGraph::Node& n) {
        return n.plane == FabricGraph::NONE ? std::string("explicit") : graph.planeNames[n.plane];
    };
    std::string lastKey;
    for (const auto& n : graph.nodes)
    {
        info.ports += n.ports;
        if (n.kind == FabricGraph::HOST)
        {
            ++info.servers;
            info.gpus += graph.hostProfiles[n.profile]->gpus;
            info.nics += n.ports;
        }
        else
        {
            ++info.switches;
            Count(info.switchesByTier, planeOf(n) + " " + TierLabel(graph, n));
        }
    }
    info.links = graph.links.size();
    for (const auto& link : graph.links)
    {
        const FabricGraph::Node& a = graph.nodes[link.a];
        const FabricGraph::Node& b = graph.nodes[link.b];
        const FabricGraph::Node& sw = a.kind == FabricGraph::SWITCH ? a : b;
        Count(info.linksByTier,
              planeOf(sw) + " " + TierLabel(graph, a) + "-" + TierLabel(graph, b));
    }
    if (graph.algorithmic)
    {
        for (const auto& shape : graph.planeShapes)
        {
            uint64_t hosts = shape.GetCount("host");
            uint64_t rate = graph.nicProfiles.empty() ? 0 : graph.nicProfiles[0]->rateBps;
            info.bisectionBps += double(hosts) * rate / 2 / shape.GetOversubscription();
            info.oversubscription = std::max(info.oversubscription, shape.GetOversubscription());
        }
    }
    info.memoryBytes =
        info.ports * ModelFootprint::PER_PORT + info.switches * ModelFootprint::PER_SWITCH +
        info.servers * ModelFootprint::PER_HOST + info.links * ModelFootprint::PER_LINK;
    return info;
}

} // namespace ns3
