/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Topology graphs end to end: YAML -> Topology -> FabricGraph (counts and wiring against
// textbook formulas), FabricGraph -> built ns-3 fabric (every equal-cost path the routing offers,
// reachability on generated, explicit, mixed and imported graphs), `nsfab info` numbers of the
// shipped topologies, and the canonical YAML export round trip.

#include "fabric-test.h"

#include "ns3/cx8-net-device.h"
#include "ns3/fabric-switch.h"
#include "ns3/fat-tree-routing.h"
#include "ns3/load-balancer.h"
#include "ns3/partition.h"
#include "ns3/pointer.h"
#include "ns3/table-routing.h"
#include "ns3/topology-helper.h"
#include "ns3/topology-importer.h"
#include "ns3/topology-reader.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <sstream>
#include <tuple>

using namespace ns3;

namespace
{

// ---------------------------------------------------------------------------------------------
// Loading topologies
// ---------------------------------------------------------------------------------------------

std::string
SourcePath(const std::string& relative)
{
    return std::string(NSFAB_SOURCE_DIR) + "/" + relative;
}

std::string
ReadFile(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// A topology and its expanded graph. The graph points into the topology's profiles, so both
/// live (and move) together; shared_ptrs because TopologyHelper::Build keeps the graph.
struct Loaded
{
    std::shared_ptr<Topology> topology;
    std::shared_ptr<FabricGraph> graph;
    std::vector<Diagnostic> diagnostics;

    bool ok() const
    {
        return graph && diagnostics.empty();
    }

    std::string Problems() const
    {
        std::string all;
        for (const auto& d : diagnostics)
        {
            all += d.Format() + "\n";
        }
        return all;
    }
};

/// Expand \p topology, keeping it alive beside its graph.
Loaded
Expand(Topology topology)
{
    Loaded loaded;
    loaded.topology = std::make_shared<Topology>(std::move(topology));
    loaded.graph =
        std::make_shared<FabricGraph>(ExpandTopology(*loaded.topology, loaded.diagnostics));
    return loaded;
}

/// YAML text through the same path as a file: YamlReader::Parse, ReadTopology, ExpandTopology.
Loaded
LoadText(const std::string& text, const std::string& file = "test.yaml")
{
    Loaded loaded;
    YamlReader reader(file, loaded.diagnostics);
    std::optional<YAML::Node> root = reader.Parse(text);
    Topology topology = Topology::WithBuiltins();
    topology.file = file;
    if (!root || !ReadTopology(reader, *root, "", topology))
    {
        return loaded;
    }
    Loaded expanded = Expand(std::move(topology));
    expanded.diagnostics.insert(expanded.diagnostics.begin(),
                                loaded.diagnostics.begin(),
                                loaded.diagnostics.end());
    return expanded;
}

/// A file through LoadTopologyFile, as `nsfab info` reads it.
Loaded
LoadFile(const std::string& relative)
{
    Loaded loaded;
    auto result = LoadTopologyFile(SourcePath(relative), loaded.diagnostics);
    if (result)
    {
        // std::map moves keep their nodes, so the graph's profile pointers stay valid.
        loaded.topology = std::make_shared<Topology>(std::move(result->first));
        loaded.graph = std::make_shared<FabricGraph>(std::move(result->second));
    }
    return loaded;
}

/// A file of another tool through its TopologyImporter, then expanded.
Loaded
LoadImported(const std::string& format, const std::string& relative)
{
    for (const auto& importer : TopologyImporter::GetAll())
    {
        if (importer->GetFormatName() != format)
        {
            continue;
        }
        ImportResult result;
        Loaded loaded;
        std::string path = SourcePath(relative);
        if (!importer->Import(path, ReadFile(path), ImportOptions(), result, loaded.diagnostics))
        {
            return loaded;
        }
        return Expand(std::move(result.topology));
    }
    ADD_FAILURE() << "no importer " << format;
    return Loaded();
}

// ---------------------------------------------------------------------------------------------
// Generated planes: the cases and their textbook counts
// ---------------------------------------------------------------------------------------------

/// One generated-plane topology: `planes` identical planes over `servers` servers with that
/// many NICs each.
struct PlaneCase
{
    const char* label;
    uint32_t tiers;
    uint32_t radix;
    uint32_t hostsPerLeaf; //!< 0: radix/2
    uint32_t leaves;       //!< 2-tier only; 0: radix
    uint64_t servers;      //!< 0: as many as the plane holds (single plane only)
    uint32_t planes;
};

void
PrintTo(const PlaneCase& c, std::ostream* os)
{
    *os << c.label;
}

std::string
PlaneYaml(const PlaneCase& c)
{
    std::ostringstream y;
    y << "version: 1\nname: " << c.label << "\n";
    if (c.planes > 1)
    {
        y << "profiles:\n  host:\n    multi: {gpus: " << c.planes << ", nics: " << c.planes
          << "}\n";
    }
    if (c.servers > 0)
    {
        y << "hosts:\n  count: " << c.servers << "\n";
        if (c.planes > 1)
        {
            y << "  profile: multi\n";
        }
    }
    y << "fabric:\n  planes:\n    - name: p\n      count: " << c.planes << "\n";
    if (c.tiers == 2)
    {
        y << "      generator: leaf-spine\n";
    }
    else
    {
        y << "      generator: fat-tree\n      tiers: 3\n";
    }
    y << "      radix: " << c.radix << "\n";
    if (c.hostsPerLeaf)
    {
        y << "      hosts-per-leaf: " << c.hostsPerLeaf << "\n";
    }
    if (c.leaves)
    {
        y << "      leaves: " << c.leaves << "\n";
    }
    return y.str();
}

uint64_t
CeilDiv(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

/**
 * Per-plane counts from the textbook fat-tree, extended as the FatTreeShape doc comment in
 * topology.h describes: with k = radix and h hosts per leaf,
 *  - 2-tier: a leaf has h hosts and u = k - h uplinks, one to each of u spines; at most `leaves`
 *    (default k) leaves, of which ceil(servers / h) are built; a spine has a port per leaf.
 *  - 3-tier: a leaf has u = k/2 uplinks, or k - h when h > k/2 (oversubscribed); a pod is k/2
 *    leaves and u aggregation switches; only ceil(servers / h) leaves and the pods holding them
 *    are built (the last pod possibly partial); cores exist only with 2 pods or more: u * k/2 of
 *    them, agg a's uplink j to core a * k/2 + j, so a core has one port per pod. Full and
 *    non-blocking (h = k/2, servers = k^3/4) this is the classic k pods, k/2 + k/2 switches per
 *    pod, (k/2)^2 cores.
 */
struct PlaneCounts
{
    uint64_t hosts;
    uint64_t h;
    uint64_t uplinks;
    uint64_t leaves;
    uint64_t leavesPerPod;
    uint64_t pods;
    uint64_t tier2; //!< spines or aggregation switches
    uint64_t cores;
    uint64_t links;
    uint64_t leafPorts;
    uint64_t tier2Ports;
    uint64_t corePorts;
};

PlaneCounts
Textbook(const PlaneCase& c)
{
    PlaneCounts n{};
    uint64_t k = c.radix;
    n.h = c.hostsPerLeaf ? c.hostsPerLeaf : k / 2;
    if (c.tiers == 2)
    {
        n.uplinks = k - n.h;
        n.hosts = c.servers ? c.servers : (c.leaves ? c.leaves : k) * n.h;
        n.leaves = CeilDiv(n.hosts, n.h);
        n.leavesPerPod = n.leaves;
        n.pods = 1;
        n.tier2 = n.uplinks;
        n.cores = 0;
        n.links = n.hosts + n.leaves * n.uplinks;
        n.leafPorts = n.h + n.uplinks;
        n.tier2Ports = n.leaves;
        return n;
    }
    n.uplinks = n.h <= k / 2 ? k / 2 : k - n.h;
    n.hosts = c.servers ? c.servers : k * (k / 2) * n.h;
    n.leaves = CeilDiv(n.hosts, n.h);
    n.leavesPerPod = k / 2;
    n.pods = CeilDiv(n.leaves, k / 2);
    n.tier2 = n.pods * n.uplinks;
    n.cores = n.pods >= 2 ? n.uplinks * (k / 2) : 0;
    n.links = n.hosts + n.leaves * n.uplinks + n.cores * n.pods;
    n.leafPorts = n.h + n.uplinks;
    n.tier2Ports = k / 2 + (n.cores ? k / 2 : 0);
    n.corePorts = n.pods;
    return n;
}

/// A link as (a name, a port, b name, b port): what wiring checks compare.
using Wire = std::tuple<std::string, uint32_t, std::string, uint32_t>;

const PlaneCase PLANE_CASES[] = {
    // Classic k = 4 and k = 8: every pod full, k^3/4 hosts.
    {"k4_full", 3, 4, 0, 0, 0, 1},
    {"k8_full", 3, 8, 0, 0, 0, 1},
    // 3-tier oversubscribed: 6 > 8/2 hosts per leaf leaves 2 uplinks, so 2 aggs per pod.
    {"k8_h6_oversubscribed", 3, 8, 6, 0, 0, 1},
    // Partial last pod and leaf: 99 hosts = 25 leaves (the last of 3) = 6 pods of 4 + 1 of 1.
    {"k8_partial_pod", 3, 8, 0, 0, 99, 1},
    // Oversubscribed and partial: 50 hosts in leaves of 5, 3 uplinks, 10 leaves in 3 pods.
    {"k8_h5_partial_pod", 3, 8, 5, 0, 50, 1},
    // One pod only: no cores, aggs without uplinks.
    {"k8_single_pod", 3, 8, 0, 0, 10, 1},
    // 2-tier with fewer leaves than the radix allows.
    {"leafspine_r8_3leaves", 2, 8, 0, 3, 0, 1},
    {"leafspine_r16_h12_partial", 2, 16, 12, 0, 50, 1},
    // Multi-plane: servers with 2, 3 and 4 NICs, one plane per NIC index.
    {"leafspine_r8_2planes", 2, 8, 0, 0, 20, 2},
    {"k4_3planes_partial", 3, 4, 0, 0, 12, 3},
    {"k4_h3_4planes", 3, 4, 3, 0, 20, 4},
};

class TopologyGraphCountsTest : public nsfab_test::FabricTest,
                                public ::testing::WithParamInterface<PlaneCase>
{
};

TEST_P(TopologyGraphCountsTest, GeneratedPlanesMatchTextbookCounts)
{
    const PlaneCase& c = GetParam();
    Loaded loaded = LoadText(PlaneYaml(c));
    ASSERT_TRUE(loaded.ok()) << PlaneYaml(c) << loaded.Problems();
    const FabricGraph& g = *loaded.graph;
    PlaneCounts n = Textbook(c);
    uint64_t k = c.radix;
    EXPECT_TRUE(g.algorithmic);
    ASSERT_EQ(g.planeShapes.size(), c.planes);

    uint64_t hostNodes = std::count_if(g.nodes.begin(), g.nodes.end(), [](const auto& node) {
        return node.kind == FabricGraph::HOST;
    });
    uint64_t switchesPerPlane = n.leaves + n.tier2 + n.cores;
    EXPECT_EQ(hostNodes, n.hosts);
    EXPECT_EQ(g.nodes.size(), n.hosts + c.planes * switchesPerPlane);
    EXPECT_EQ(g.links.size(), c.planes * n.links);

    // The library's own counts agree with the textbook ones.
    const FatTreeShape& shape = g.planeShapes[0];
    EXPECT_EQ(shape.GetCount("host"), n.hosts);
    EXPECT_EQ(shape.GetLeaves(), n.leaves);
    EXPECT_EQ(shape.GetPods(), n.pods);
    EXPECT_EQ(shape.GetCores(), n.cores);
    EXPECT_EQ(shape.GetLeafUplinks(), n.uplinks);

    // Every host has one NIC per plane.
    for (const auto& node : g.nodes)
    {
        if (node.kind == FabricGraph::HOST)
        {
            EXPECT_EQ(node.ports, c.planes) << node.name;
        }
    }

    for (uint32_t p = 0; p < c.planes; ++p)
    {
        std::string prefix = c.planes > 1 ? "p" + std::to_string(p) + "." : "";
        std::string tier2Name = c.tiers == 2 ? "spine" : "agg";
        // Switch counts, names and built ports per tier.
        std::map<uint32_t, uint64_t> perTier;
        std::set<std::string> names;
        for (const auto& node : g.nodes)
        {
            if (node.kind != FabricGraph::SWITCH || node.plane != p)
            {
                continue;
            }
            ++perTier[node.tier];
            names.insert(node.name);
            uint64_t expectedPorts = node.tier == 1   ? n.leafPorts
                                     : node.tier == 2 ? n.tier2Ports
                                                      : n.corePorts;
            EXPECT_EQ(node.ports, expectedPorts) << node.name;
            EXPECT_LE(node.ports, k) << node.name;
        }
        EXPECT_EQ(perTier[1], n.leaves) << "plane " << p;
        EXPECT_EQ(perTier[2], n.tier2) << "plane " << p;
        EXPECT_EQ(perTier[3], n.cores) << "plane " << p;

        // The wiring of the doc comment, link by link: host s on leaf s/h port s%h (NIC p);
        // leaf l (pod l / lpp) uplink h+j to tier-2 switch j of its pod, at that switch's port
        // l % lpp; agg a of pod q uplink lpp+j to core a*k/2+j, at the core's port q.
        std::set<Wire> expected;
        for (uint64_t s = 0; s < n.hosts; ++s)
        {
            expected.emplace("host" + std::to_string(s),
                             p,
                             prefix + "leaf" + std::to_string(s / n.h),
                             static_cast<uint32_t>(s % n.h));
        }
        for (uint64_t l = 0; l < n.leaves; ++l)
        {
            uint64_t pod = l / n.leavesPerPod;
            for (uint64_t j = 0; j < n.uplinks; ++j)
            {
                expected.emplace(prefix + "leaf" + std::to_string(l),
                                 static_cast<uint32_t>(n.h + j),
                                 prefix + tier2Name + std::to_string(pod * n.uplinks + j),
                                 static_cast<uint32_t>(l % n.leavesPerPod));
            }
        }
        for (uint64_t pod = 0; n.cores && pod < n.pods; ++pod)
        {
            for (uint64_t a = 0; a < n.uplinks; ++a)
            {
                for (uint64_t j = 0; j < k / 2; ++j)
                {
                    expected.emplace(prefix + tier2Name + std::to_string(pod * n.uplinks + a),
                                     static_cast<uint32_t>(n.leavesPerPod + j),
                                     prefix + "core" + std::to_string(a * k / 2 + j),
                                     static_cast<uint32_t>(pod));
                }
            }
        }
        ASSERT_EQ(expected.size(), n.links);
        std::set<Wire> actual;
        for (const auto& link : g.links)
        {
            const FabricGraph::Node& b = g.nodes[link.b];
            if (b.kind == FabricGraph::SWITCH && b.plane == p)
            {
                actual.emplace(g.nodes[link.a].name, link.aPort, b.name, link.bPort);
            }
        }
        EXPECT_EQ(actual.size(), n.links) << "plane " << p;
        EXPECT_TRUE(actual == expected) << "plane " << p << " is not wired as documented";
        for (const auto& name : names)
        {
            EXPECT_EQ(name.compare(0, prefix.size(), prefix), 0) << name;
        }
    }

    // NICs plus every built switch port.
    TopologyInfo info = SummarizeTopology(g);
    EXPECT_EQ(info.ports,
              n.hosts * c.planes + c.planes * (n.leaves * n.leafPorts + n.tier2 * n.tier2Ports +
                                               n.cores * n.corePorts));
    // Up to the highest tier the hosts need and back down.
    EXPECT_EQ(GetDiameter(g), n.pods > 1 ? 6u : n.leaves > 1 ? 4u : 2u);
}

INSTANTIATE_TEST_SUITE_P(TopologyGraphShapes,
                         TopologyGraphCountsTest,
                         ::testing::ValuesIn(PLANE_CASES),
                         [](const auto& info) { return std::string(info.param.label); });

// ---------------------------------------------------------------------------------------------
// Walking the built routing
// ---------------------------------------------------------------------------------------------

/**
 * The routing plugins never expose their equal-cost sets directly: both FatTreeRouting and
 * TableRouting hand them to the LoadBalancer plugin and forward on its choice. This balancer
 * records the candidates it is offered and returns the one the test picks (or, in hash mode,
 * exactly what EcmpLoadBalancer would), so a walk can branch on every candidate at every hop:
 * the only freedom a routing decision has is the balancer's choice, so enumerating every choice
 * at every hop enumerates every path the routing can ever produce.
 */
struct BalancerProbe
{
    bool hash{false};
    uint32_t pick{0};
    bool consulted{false};
    std::vector<uint32_t> candidates;
};

BalancerProbe g_probe;

class ProbeLoadBalancer : public LoadBalancer
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("nsfab_test::ProbeLoadBalancer")
                                .SetParent<LoadBalancer>()
                                .SetGroupName("FabricSwitch")
                                .AddConstructor<ProbeLoadBalancer>();
        return tid;
    }

    uint32_t Choose(const RoceHeader& header,
                    const uint32_t* candidates,
                    uint32_t count,
                    const std::vector<Ptr<FabricSwitchPort>>& /* ports */) override
    {
        g_probe.consulted = true;
        g_probe.candidates.assign(candidates, candidates + count);
        return candidates[(g_probe.hash ? Hash(header) : g_probe.pick) % count];
    }
};

NS_OBJECT_ENSURE_REGISTERED(ProbeLoadBalancer);

/// Switches crossed, as (graph node, egress port): parallel links make distinct paths.
using Path = std::vector<std::pair<uint32_t, uint32_t>>;

/// Every path the routing offers from one NIC to another, and what went wrong on the way.
struct Routes
{
    std::set<Path> paths;
    std::vector<std::string> problems;
};

/// A fabric built with the probe balancer, and walks over its routing decisions.
class RouteWalker
{
  public:
    explicit RouteWalker(const Loaded& loaded)
    {
        TopologyHelper helper;
        helper.SetLoadBalancer("nsfab_test::ProbeLoadBalancer");
        fabric = helper.Build(loaded.graph);
        for (uint32_t i = 0; i < fabric.nodes.size(); ++i)
        {
            m_index[fabric.nodes[i]->GetId()] = i;
        }
    }

    /// Every path from \p src to \p dst: all candidates at every hop (hash: the ECMP one only).
    Routes Walk(Ptr<Cx8NetDevice> src, Ptr<Cx8NetDevice> dst, uint16_t sport, bool hash) const
    {
        Routes routes;
        RoceHeader h;
        h.SetSource(src->GetFabricAddress());
        h.SetDestination(dst->GetFabricAddress());
        h.SetSourcePort(sport);
        Path path;
        Visit(h, src->GetPeer(), dst, hash, path, routes);
        return routes;
    }

    /// Graph node of the device's node.
    uint32_t NodeOf(Ptr<NetDevice> device) const
    {
        return m_index.at(device->GetNode()->GetId());
    }

    std::string Name(uint32_t node) const
    {
        return fabric.graph->nodes[node].name;
    }

    Fabric fabric;

  private:
    void Visit(const RoceHeader& h,
               Ptr<FabricNetDevice> at,
               Ptr<Cx8NetDevice> dst,
               bool hash,
               Path& path,
               Routes& routes) const
    {
        Ptr<FabricSwitch> sw;
        if (at)
        {
            sw = at->GetNode()->GetObject<FabricSwitch>();
        }
        if (!sw)
        {
            routes.problems.push_back("a frame reached a node that is not a switch");
            return;
        }
        uint32_t node = NodeOf(at);
        for (const auto& hop : path)
        {
            if (hop.first == node)
            {
                routes.problems.push_back("loop: " + Name(node) + " crossed twice");
                return;
            }
        }
        // Ports are the switch node's only devices: the interface index is the port number.
        uint32_t inPort = at->GetIfIndex();
        g_probe.hash = hash;
        g_probe.pick = 0;
        g_probe.consulted = false;
        uint32_t first = sw->GetRouting()->Route(h, inPort);
        std::vector<uint32_t> choices{first};
        if (g_probe.consulted && !hash)
        {
            std::vector<uint32_t> candidates = g_probe.candidates;
            choices.clear();
            for (uint32_t i = 0; i < candidates.size(); ++i)
            {
                g_probe.pick = i;
                uint32_t out = sw->GetRouting()->Route(h, inPort);
                if (out != candidates[i])
                {
                    routes.problems.push_back(Name(node) + " did not forward on its balancer's "
                                                           "choice");
                }
                choices.push_back(out);
            }
            if (std::set<uint32_t>(choices.begin(), choices.end()).size() != choices.size())
            {
                routes.problems.push_back(Name(node) + " offers a port twice");
            }
        }
        for (uint32_t out : choices)
        {
            if (out >= sw->GetNPorts())
            {
                routes.problems.push_back(Name(node) + ": no route");
                continue;
            }
            path.emplace_back(node, out);
            Ptr<FabricNetDevice> next = sw->GetPort(out)->GetPeer();
            if (Ptr<Cx8NetDevice> nic = DynamicCast<Cx8NetDevice>(next))
            {
                if (nic == dst)
                {
                    routes.paths.insert(path);
                }
                else
                {
                    routes.problems.push_back(Name(node) + " delivered to the wrong NIC (" +
                                              Name(NodeOf(nic)) + ")");
                }
            }
            else
            {
                Visit(h, next, dst, hash, path, routes);
            }
            path.pop_back();
        }
    }

    std::map<uint32_t, uint32_t> m_index; //!< ns-3 node id -> graph node
};

/**
 * Shortest paths over the graph's switch-to-switch links, by the test's own BFS: distance and
 * the number of shortest paths (counting parallel links apart) from a switch to every node.
 */
class SwitchBfs
{
  public:
    explicit SwitchBfs(const FabricGraph& g)
        : m_adjacent(g.nodes.size())
    {
        for (const auto& link : g.links)
        {
            if (g.nodes[link.a].kind == FabricGraph::SWITCH &&
                g.nodes[link.b].kind == FabricGraph::SWITCH)
            {
                m_adjacent[link.a].push_back(link.b);
                m_adjacent[link.b].push_back(link.a);
            }
        }
    }

    struct Result
    {
        std::vector<uint32_t> distance;
        std::vector<uint64_t> paths;
    };

    const Result& From(uint32_t source)
    {
        auto it = m_cache.find(source);
        if (it != m_cache.end())
        {
            return it->second;
        }
        Result r{std::vector<uint32_t>(m_adjacent.size(), UINT32_MAX),
                 std::vector<uint64_t>(m_adjacent.size(), 0)};
        std::queue<uint32_t> queue;
        r.distance[source] = 0;
        r.paths[source] = 1;
        queue.push(source);
        while (!queue.empty())
        {
            uint32_t v = queue.front();
            queue.pop();
            for (uint32_t w : m_adjacent[v])
            {
                if (r.distance[w] == UINT32_MAX)
                {
                    r.distance[w] = r.distance[v] + 1;
                    queue.push(w);
                }
                if (r.distance[w] == r.distance[v] + 1)
                {
                    r.paths[w] += r.paths[v];
                }
            }
        }
        return m_cache.emplace(source, std::move(r)).first->second;
    }

  private:
    std::vector<std::vector<uint32_t>> m_adjacent;
    std::map<uint32_t, Result> m_cache;
};

/// What CheckAllShortestPaths walked.
struct PairStats
{
    uint64_t walked{0};      //!< (src, dst) NIC pairs
    uint64_t unreachable{0}; //!< pairs with no switch path between their switches
    uint64_t hostPairs{0};   //!< ordered pairs of distinct hosts
    uint64_t hostPairsReached{0};
};

/**
 * Walk every path from every NIC to every other NIC that \p pair accepts (src, dst as NIC
 * indices into fabric.nics) and check: it arrives, never loops, every path is a shortest one in
 * the switch graph (test's own BFS), and the paths offered are all the shortest paths. A pair
 * whose switches share no component (a multi-homed host's NIC on an island of its own, as a
 * host-to-host cable imported as a bridge) must be dropped as "no route" at once, never loop.
 */
template <typename Accept>
void
CheckAllShortestPaths(const RouteWalker& walker,
                      const FabricGraph& g,
                      Accept pair,
                      PairStats& stats)
{
    SwitchBfs bfs(g);
    const auto& nics = walker.fabric.nics;
    stats = PairStats();
    std::set<std::pair<uint32_t, uint32_t>> reached; // host nodes
    for (uint32_t s = 0; s < nics.size(); ++s)
    {
        ASSERT_NE(nics[s]->GetPeer(), nullptr) << "NIC " << s << " has no link";
        uint32_t srcSwitch = walker.NodeOf(nics[s]->GetPeer());
        const SwitchBfs::Result& from = bfs.From(srcSwitch);
        for (uint32_t d = 0; d < nics.size(); ++d)
        {
            if (s == d || !pair(s, d))
            {
                continue;
            }
            ++stats.walked;
            uint32_t dstSwitch = walker.NodeOf(nics[d]->GetPeer());
            std::string what = "NIC " + std::to_string(s) + " (" +
                               walker.Name(walker.NodeOf(nics[s])) + ") -> NIC " +
                               std::to_string(d) + " (" + walker.Name(walker.NodeOf(nics[d])) + ")";
            Routes routes = walker.Walk(nics[s], nics[d], 0xC000, false);
            if (from.distance[dstSwitch] == UINT32_MAX)
            {
                ++stats.unreachable;
                EXPECT_TRUE(routes.paths.empty()) << what;
                ASSERT_EQ(routes.problems,
                          std::vector<std::string>{walker.Name(srcSwitch) + ": no route"})
                    << what << ": no switch path, must be dropped at the first switch";
                continue;
            }
            for (const auto& problem : routes.problems)
            {
                ADD_FAILURE() << what << ": " << problem;
            }
            ASSERT_TRUE(routes.problems.empty()) << what;
            for (const auto& path : routes.paths)
            {
                ASSERT_EQ(path.size(), from.distance[dstSwitch] + 1)
                    << what << ": not a shortest path";
            }
            ASSERT_EQ(routes.paths.size(), from.paths[dstSwitch])
                << what << ": the routing does not offer every shortest path";
            reached.emplace(walker.NodeOf(nics[s]), walker.NodeOf(nics[d]));
        }
    }
    uint64_t hosts = std::count_if(g.nodes.begin(), g.nodes.end(), [](const auto& n) {
        return n.kind == FabricGraph::HOST;
    });
    stats.hostPairs = hosts * (hosts - 1);
    stats.hostPairsReached = std::count_if(reached.begin(), reached.end(), [](const auto& p) {
        return p.first != p.second;
    });
}

/// Which NIC of its host each entry of fabric.nics is.
std::vector<uint32_t>
NicIndices(const RouteWalker& walker)
{
    std::vector<uint32_t> index(walker.fabric.nics.size());
    const Fabric& f = walker.fabric;
    for (uint32_t n = 0; n < f.graph->nodes.size(); ++n)
    {
        for (uint32_t i = 0; f.firstNic[n] != FabricGraph::NONE && i < f.graph->nodes[n].ports; ++i)
        {
            index[f.firstNic[n] + i] = i;
        }
    }
    return index;
}

/// Every switch of \p fabric routes with \p Routing.
template <typename Routing>
bool
AllSwitchesUse(const Fabric& fabric)
{
    return std::all_of(fabric.switches.begin(), fabric.switches.end(), [](const auto& sw) {
        return DynamicCast<Routing>(sw->GetRouting()) != nullptr;
    });
}

class TopologyGraphTest : public nsfab_test::FabricTest
{
};

// ---------------------------------------------------------------------------------------------
// Equal-cost paths of generated fat-trees against theory
// ---------------------------------------------------------------------------------------------

class TopologyGraphPathsTest : public nsfab_test::FabricTest,
                               public ::testing::WithParamInterface<PlaneCase>
{
};

TEST_P(TopologyGraphPathsTest, EqualCostPathsMatchTheory)
{
    const PlaneCase& c = GetParam();
    Loaded loaded = LoadText(PlaneYaml(c));
    ASSERT_TRUE(loaded.ok()) << loaded.Problems();
    RouteWalker walker(loaded);
    ASSERT_TRUE(AllSwitchesUse<FatTreeRouting>(walker.fabric));
    PlaneCounts n = Textbook(c);
    uint64_t hostsPerPod = n.h * n.leavesPerPod;
    const auto& nics = walker.fabric.nics;
    ASSERT_EQ(nics.size(), n.hosts);
    std::map<uint64_t, uint64_t> pairsWith; // paths -> pairs
    for (uint32_t s = 0; s < nics.size(); ++s)
    {
        for (uint32_t d = 0; d < nics.size(); ++d)
        {
            if (s == d)
            {
                continue;
            }
            // Theory: one path under a common leaf; within a pod one per uplink of the leaf
            // (spine or aggregation switch); across pods every uplink times every core link of
            // the aggregation switch (u * k/2; (k/2)^2 when non-blocking). Switches crossed:
            // 1, 3, 5.
            bool sameLeaf = s / n.h == d / n.h;
            bool samePod = s / hostsPerPod == d / hostsPerPod;
            uint64_t expected = sameLeaf ? 1 : samePod ? n.uplinks : n.uplinks * (c.radix / 2);
            std::size_t length = sameLeaf ? 1 : samePod ? 3 : 5;
            Routes routes = walker.Walk(nics[s], nics[d], 0xC000, false);
            for (const auto& problem : routes.problems)
            {
                ADD_FAILURE() << "host" << s << " -> host" << d << ": " << problem;
            }
            ASSERT_EQ(routes.paths.size(), expected) << "host" << s << " -> host" << d;
            for (const auto& path : routes.paths)
            {
                ASSERT_EQ(path.size(), length) << "host" << s << " -> host" << d;
            }
            ++pairsWith[routes.paths.size()];
        }
    }
    // Every kind of pair occurred (the case exercises what it claims to).
    EXPECT_GT(pairsWith[1], 0u);
    EXPECT_GT(pairsWith[n.uplinks], 0u);
    if (n.pods > 1)
    {
        EXPECT_GT(pairsWith[n.uplinks * (c.radix / 2)], 0u);
    }

    // Cross-check with real ECMP hashing: over many source ports a flow only ever takes an
    // enumerated path, and the hash spreads flows over all of them.
    uint32_t src = 0;
    uint32_t dst = static_cast<uint32_t>(nics.size() - 1);
    std::set<Path> all = walker.Walk(nics[src], nics[dst], 0xC000, false).paths;
    std::set<Path> hashed;
    for (uint32_t sport = 0; sport < 1024; ++sport)
    {
        Routes one = walker.Walk(nics[src], nics[dst], static_cast<uint16_t>(0xC000 + sport), true);
        ASSERT_TRUE(one.problems.empty());
        ASSERT_EQ(one.paths.size(), 1u);
        ASSERT_EQ(all.count(*one.paths.begin()), 1u) << "ECMP took a path not enumerated";
        hashed.insert(*one.paths.begin());
    }
    EXPECT_EQ(hashed.size(), all.size()) << "1024 flows missed some of the equal-cost paths";
}

const PlaneCase PATH_CASES[] = {
    {"k4_full", 3, 4, 0, 0, 0, 1},
    {"k8_partial_pod", 3, 8, 0, 0, 99, 1},
    {"k8_h6_oversubscribed_partial", 3, 8, 6, 0, 150, 1},
    {"leafspine_r8_5leaves", 2, 8, 0, 5, 0, 1},
    {"leafspine_r16_h12", 2, 16, 12, 0, 60, 1},
};

INSTANTIATE_TEST_SUITE_P(TopologyGraphEcmp,
                         TopologyGraphPathsTest,
                         ::testing::ValuesIn(PATH_CASES),
                         [](const auto& info) { return std::string(info.param.label); });

// ---------------------------------------------------------------------------------------------
// Reachability: multi-plane, explicit, mixed and imported graphs
// ---------------------------------------------------------------------------------------------

TEST_F(TopologyGraphTest, MultiPlaneEveryNicReachesItsRail)
{
    // Two plane groups of different shapes over 12 servers with 3 NICs: NICs 0 and 1 on 3-tier
    // radix-4 planes (3 pods), NIC 2 on a radix-8 leaf-spine (3 leaves). The address layout is
    // shared, sized for the widest fields of both shapes.
    Loaded loaded = LoadText("version: 1\n"
                             "profiles:\n"
                             "  host:\n"
                             "    tri: {gpus: 3, nics: 3}\n"
                             "hosts: {count: 12, profile: tri}\n"
                             "fabric:\n"
                             "  planes:\n"
                             "    - {name: ft, count: 2, generator: fat-tree, tiers: 3, radix: 4}\n"
                             "    - {name: ls, count: 1, generator: leaf-spine, radix: 8}\n");
    ASSERT_TRUE(loaded.ok()) << loaded.Problems();
    const FabricGraph& g = *loaded.graph;
    ASSERT_TRUE(g.algorithmic);
    ASSERT_EQ(g.planeNames, (std::vector<std::string>{"ft0", "ft1", "ls0"}));
    RouteWalker walker(loaded);
    ASSERT_TRUE(AllSwitchesUse<FatTreeRouting>(walker.fabric));
    std::vector<uint32_t> nicIndex = NicIndices(walker);
    // NIC i of a host reaches NIC i of every other host, on every shortest path of its plane.
    PairStats stats;
    CheckAllShortestPaths(
        walker,
        g,
        [&](uint32_t s, uint32_t d) { return nicIndex[s] == nicIndex[d]; },
        stats);
    EXPECT_EQ(stats.walked, 3u * 12 * 11);
    EXPECT_EQ(stats.unreachable, 0u);
    EXPECT_EQ(stats.hostPairsReached, stats.hostPairs);
    // Planes are separate fabrics: a NIC's frames never cross into another plane.
    for (uint32_t s = 0; s < walker.fabric.nics.size(); ++s)
    {
        const FabricGraph::Node& leaf = g.nodes[walker.NodeOf(walker.fabric.nics[s]->GetPeer())];
        EXPECT_EQ(leaf.plane, nicIndex[s]);
    }
}

TEST_F(TopologyGraphTest, ExplicitRingIsTableRoutedOnShortestPaths)
{
    Loaded loaded = LoadFile("tests/data/topology-graph/ring.yaml");
    ASSERT_TRUE(loaded.ok()) << loaded.Problems();
    const FabricGraph& g = *loaded.graph;
    EXPECT_FALSE(g.algorithmic);
    RouteWalker walker(loaded);
    ASSERT_TRUE(AllSwitchesUse<TableRouting>(walker.fabric));
    PairStats stats;
    CheckAllShortestPaths(
        walker,
        g,
        [](uint32_t, uint32_t) { return true; },
        stats);
    EXPECT_EQ(stats.unreachable, 0u);
    EXPECT_EQ(stats.hostPairsReached, stats.hostPairs);
    EXPECT_EQ(stats.walked, 8u * 7);
    // Opposite switches: two ways round the ring, both offered.
    Ptr<Cx8NetDevice> h0 = walker.fabric.GetNic(g.Find("h0"), 0);
    Ptr<Cx8NetDevice> h4 = walker.fabric.GetNic(g.Find("h4"), 0);
    EXPECT_EQ(walker.Walk(h0, h4, 0xC000, false).paths.size(), 2u);
    // The builder applies link overrides: s0's port 0 (s0-s1, profile metro) runs at 200 Gb/s,
    // and s2's port 1 (s2-s3) has the link's own 2 us delay instead of metro's 1 us.
    Ptr<FabricSwitch> s0 = walker.fabric.FindNode("s0")->GetObject<FabricSwitch>();
    Ptr<FabricSwitch> s2 = walker.fabric.FindNode("s2")->GetObject<FabricSwitch>();
    DataRateValue rate;
    s0->GetPort(0)->GetAttribute("DataRate", rate);
    EXPECT_EQ(rate.Get().GetBitRate(), 200000000000ULL);
    EXPECT_EQ(DynamicCast<FabricChannel>(s2->GetPort(1)->GetChannel())->GetDelay(),
              MicroSeconds(2));
    EXPECT_EQ(DynamicCast<FabricChannel>(s2->GetPort(0)->GetChannel())->GetDelay(),
              MicroSeconds(1));
}

TEST_F(TopologyGraphTest, ExplicitRailsNumberGroupsPerComponent)
{
    // Two rails written out by hand, their switches interleaved in the file: r0a r1a r0b r1b.
    // Each rail is a switch component; TableRouting keeps next hops only for the groups of its
    // own component, so those must be numbered contiguously whatever the node order.
    Loaded loaded = LoadText(R"(version: 1
profiles:
  host:
    duo: {gpus: 2, nics: 2}
nodes:
  - {name: r0a, kind: switch, profile: spectrum-4}
  - {name: r1a, kind: switch, profile: spectrum-4}
  - {name: r0b, kind: switch, profile: spectrum-4}
  - {name: r1b, kind: switch, profile: spectrum-4}
  - {name: h0, kind: host, profile: duo}
  - {name: h1, kind: host, profile: duo}
  - {name: h2, kind: host, profile: duo}
  - {name: h3, kind: host, profile: duo}
links:
  - {a: r0a, b: r0b}
  - {a: r1a, b: r1b}
  - {a: "h0:0", b: r0a}
  - {a: "h1:0", b: r0a}
  - {a: "h2:0", b: r0b}
  - {a: "h3:0", b: r0b}
  - {a: "h0:1", b: r1a}
  - {a: "h1:1", b: r1a}
  - {a: "h2:1", b: r1b}
  - {a: "h3:1", b: r1b}
)");
    ASSERT_TRUE(loaded.ok()) << loaded.Problems();
    const FabricGraph& g = *loaded.graph;
    HostLinks links(g);
    ASSERT_EQ(links.GetNGroups(), 4u);
    uint32_t r0a = g.Find("r0a");
    uint32_t r0b = g.Find("r0b");
    uint32_t r1a = g.Find("r1a");
    uint32_t r1b = g.Find("r1b");
    std::set<uint32_t> rail0{links.GetGroup(r0a), links.GetGroup(r0b)};
    std::set<uint32_t> rail1{links.GetGroup(r1a), links.GetGroup(r1b)};
    auto range = [](const std::set<uint32_t>& groups) {
        return std::make_pair(*groups.begin(), *groups.rbegin() + 1);
    };
    ASSERT_EQ(rail0.size(), 2u);
    ASSERT_EQ(rail1.size(), 2u);
    EXPECT_EQ(*rail0.rbegin() - *rail0.begin(), 1u) << "rail 0's groups are not contiguous";
    EXPECT_EQ(*rail1.rbegin() - *rail1.begin(), 1u) << "rail 1's groups are not contiguous";
    for (uint32_t sw : {r0a, r0b})
    {
        EXPECT_EQ(links.GetReachableGroups(sw), range(rail0)) << g.nodes[sw].name;
    }
    for (uint32_t sw : {r1a, r1b})
    {
        EXPECT_EQ(links.GetReachableGroups(sw), range(rail1)) << g.nodes[sw].name;
    }
    // Each switch's NICs in port order: h0 then h1 on r0a.
    ASSERT_EQ(links.GetNNics(r0a), 2u);
    EXPECT_EQ(g.links[links.GetNicLink(r0a, 0)].a, g.Find("h0"));
    EXPECT_EQ(g.links[links.GetNicLink(r0a, 1)].a, g.Find("h1"));
    EXPECT_EQ(links.GetSwitch(g.Find("h2"), 1), r1b);
    EXPECT_EQ(GetDiameter(g), 3u);

    // NIC i reaches NIC i of every other host on its rail; the other rail's NICs are dropped at
    // the first switch.
    RouteWalker walker(loaded);
    ASSERT_TRUE(AllSwitchesUse<TableRouting>(walker.fabric));
    std::vector<uint32_t> nicIndex = NicIndices(walker);
    PairStats stats;
    CheckAllShortestPaths(
        walker,
        g,
        [](uint32_t, uint32_t) { return true; },
        stats);
    EXPECT_EQ(stats.walked, 8u * 7);
    EXPECT_EQ(stats.unreachable, 8u * 4) << "every NIC has four on the other rail";
    EXPECT_EQ(stats.hostPairsReached, stats.hostPairs);
}

TEST(FabricRouting, EachRoutingHasItsOwnDefaultLoadBalancer)
{
    // Balancers keep per-switch state (flowlets, port choices): never one shared default.
    std::vector<Ptr<FabricRouting>> routings{CreateObject<FatTreeRouting>(),
                                             CreateObject<FatTreeRouting>(),
                                             CreateObject<TableRouting>()};
    std::set<LoadBalancer*> seen;
    for (const auto& routing : routings)
    {
        PointerValue balancer;
        routing->GetAttribute("LoadBalancer", balancer);
        ASSERT_NE(balancer.Get<LoadBalancer>(), nullptr);
        EXPECT_EQ(balancer.Get<LoadBalancer>()->GetInstanceTypeId(), EcmpLoadBalancer::GetTypeId());
        seen.insert(PeekPointer(balancer.Get<LoadBalancer>()));
    }
    EXPECT_EQ(seen.size(), routings.size());
}

TEST_F(TopologyGraphTest, MixedGeneratedAndExplicitFallsBackToTables)
{
    Loaded loaded = LoadFile("tests/data/topology-graph/mixed.yaml");
    ASSERT_TRUE(loaded.ok()) << loaded.Problems();
    const FabricGraph& g = *loaded.graph;
    // 16 generated hosts + ctl; 20 generated switches + mgmt; 48 generated links + 4.
    EXPECT_EQ(g.nodes.size(), 16u + 1 + 20 + 1);
    EXPECT_EQ(g.links.size(), 48u + 4);
    EXPECT_FALSE(g.algorithmic) << "explicit nodes must turn address routing off";
    // mgmt took the next free port: 4 on leaf0 (0-3: two hosts, two uplinks) and on core0
    // (0-3: one per pod).
    uint32_t leaf0 = g.Find("leaf0");
    ASSERT_NE(leaf0, FabricGraph::NONE);
    EXPECT_EQ(g.nodes[leaf0].ports, 5u);
    EXPECT_EQ(g.nodes[g.Find("core0")].ports, 5u);
    RouteWalker walker(loaded);
    ASSERT_TRUE(AllSwitchesUse<TableRouting>(walker.fabric));
    PairStats stats;
    CheckAllShortestPaths(
        walker,
        g,
        [](uint32_t, uint32_t) { return true; },
        stats);
    EXPECT_EQ(stats.unreachable, 0u);
    EXPECT_EQ(stats.hostPairsReached, stats.hostPairs);
    EXPECT_EQ(stats.walked, 17u * 16);
    // host0 (leaf0, pod 0) to host15 (leaf7, pod 3): the 2 x 2 fat-tree paths, plus the two
    // equally short ones the shortcut adds: leaf0-mgmt-core0-agg6-leaf7 and via core3-agg7.
    Ptr<Cx8NetDevice> host0 = walker.fabric.GetNic(g.Find("host0"), 0);
    Ptr<Cx8NetDevice> host15 = walker.fabric.GetNic(g.Find("host15"), 0);
    Routes routes = walker.Walk(host0, host15, 0xC000, false);
    EXPECT_EQ(routes.paths.size(), 4u + 2);
    uint32_t mgmt = g.Find("mgmt");
    EXPECT_EQ(std::count_if(routes.paths.begin(),
                            routes.paths.end(),
                            [&](const Path& p) { return p[1].first == mgmt; }),
              2);
}

/// A topology file to load: our own YAML (format "") or another tool's through its importer.
struct Source
{
    const char* label;
    const char* format;
    const char* file;
};

void
PrintTo(const Source& c, std::ostream* os)
{
    *os << c.label;
}

Loaded
Load(const Source& c)
{
    return *c.format ? LoadImported(c.format, c.file) : LoadFile(c.file);
}

class TopologyGraphImportTest : public nsfab_test::FabricTest,
                                public ::testing::WithParamInterface<Source>
{
};

TEST_P(TopologyGraphImportTest, EveryNicReachesEveryNic)
{
    const Source& c = GetParam();
    Loaded loaded = Load(c);
    ASSERT_TRUE(loaded.ok()) << loaded.Problems();
    EXPECT_FALSE(loaded.graph->algorithmic);
    RouteWalker walker(loaded);
    ASSERT_TRUE(AllSwitchesUse<TableRouting>(walker.fabric));
    uint64_t nics = walker.fabric.nics.size();
    ASSERT_GT(nics, 1u);
    PairStats stats;
    CheckAllShortestPaths(
        walker,
        *loaded.graph,
        [](uint32_t, uint32_t) { return true; },
        stats);
    EXPECT_EQ(stats.walked, nics * (nics - 1));
    // Every host reaches every other host through at least one of its NICs.
    EXPECT_EQ(stats.hostPairsReached, stats.hostPairs);
    // Only netlab's sample has NIC islands: h1-h2 is a host-to-host cable, imported as a bridge
    // (lab_5) that only h1's and h2's second NICs hang from.
    EXPECT_EQ(stats.unreachable > 0, std::string(c.label) == "netlab");
}

// Every importer's sample file. graphml: a spine, two leaves, three GPUs; containerlab: a
// spine, two leaves, a router without hosts, and h2 dual-homed on two leaves.
const Source IMPORTED[] = {
    {"graphml", "graphml", "tests/data/import/leaf-spine.graphml"},
    {"containerlab", "containerlab", "tests/data/import/clos.clab.yml"},
    {"netlab", "netlab", "tests/data/import/lab.netlab.yml"},
    {"astra_sim", "astra-sim", "tests/data/import/analytical-2d.yml"},
    {"hpcc", "hpcc", "tests/data/import/hpcc-topology.txt"},
    {"simai", "hpcc", "tests/data/import/simai-topology.txt"},
    {"slurm", "slurm", "tests/data/import/topology.yaml"},
};

INSTANTIATE_TEST_SUITE_P(TopologyGraphImported,
                         TopologyGraphImportTest,
                         ::testing::ValuesIn(IMPORTED),
                         [](const auto& info) { return std::string(info.param.label); });

// ---------------------------------------------------------------------------------------------
// The built fabric runs every link at the graph's rate and delay
// ---------------------------------------------------------------------------------------------

class TopologyGraphBuildTest : public nsfab_test::FabricTest,
                               public ::testing::WithParamInterface<Source>
{
};

TEST_P(TopologyGraphBuildTest, PortsRunAtTheirLinksRateAndDelay)
{
    const Source& c = GetParam();
    Loaded loaded = Load(c);
    ASSERT_TRUE(loaded.ok()) << loaded.Problems();
    const FabricGraph& g = *loaded.graph;
    Fabric fabric = TopologyHelper().Build(loaded.graph);
    std::size_t mismatched = 0; // the first few are printed
    for (const auto& link : g.links)
    {
        for (auto [node, port] : {std::pair{link.a, link.aPort}, {link.b, link.bPort}})
        {
            Ptr<FabricNetDevice> dev =
                g.nodes[node].kind == FabricGraph::HOST
                    ? Ptr<FabricNetDevice>(fabric.GetNic(node, port))
                    : Ptr<FabricNetDevice>(
                          fabric.nodes[node]->GetObject<FabricSwitch>()->GetPort(port));
            DataRateValue rate;
            dev->GetAttribute("DataRate", rate);
            Time delay = DynamicCast<FabricChannel>(dev->GetChannel())->GetDelay();
            bool same = rate.Get().GetBitRate() == link.rateBps && delay == link.delay;
            if (!same && ++mismatched <= 5)
            {
                ADD_FAILURE() << g.nodes[node].name << ":" << port << " runs at "
                              << rate.Get().GetBitRate() << " bps with " << delay.As(Time::NS)
                              << " but its link to "
                              << g.nodes[node == link.a ? link.b : link.a].name << " says "
                              << link.rateBps << " bps, " << link.delay.As(Time::NS);
            }
        }
    }
    EXPECT_EQ(mismatched, 0u) << "ports whose rate or delay differs from their link";
}

const Source BUILT[] = {
    {"fat_tree_k4", "", "topologies/fat-tree-k4.yaml"},
    {"leaf_spine", "", "topologies/leaf-spine.yaml"},
    {"explicit_ring", "", "tests/data/topology-graph/ring.yaml"},
    {"mixed", "", "tests/data/topology-graph/mixed.yaml"},
    {"graphml", "graphml", "tests/data/import/leaf-spine.graphml"},
    {"astra_sim_fast_npus", "astra-sim", "tests/data/topology-graph/fast-npus.astra.yml"},
    {"containerlab", "containerlab", "tests/data/import/clos.clab.yml"},
    {"netlab", "netlab", "tests/data/import/lab.netlab.yml"},
    {"astra_sim", "astra-sim", "tests/data/import/analytical-2d.yml"},
    {"hpcc", "hpcc", "tests/data/import/hpcc-topology.txt"},
};

INSTANTIATE_TEST_SUITE_P(TopologyGraphBuilt,
                         TopologyGraphBuildTest,
                         ::testing::ValuesIn(BUILT),
                         [](const auto& info) { return std::string(info.param.label); });

// ---------------------------------------------------------------------------------------------
// `nsfab info` numbers of the shipped topologies (no ns-3 build: must stay fast)
// ---------------------------------------------------------------------------------------------

/// What SummarizeTopology must report for one file, worked out by hand from its parameters.
struct SummaryCase
{
    const char* file;
    uint64_t servers;
    uint64_t gpus;
    uint64_t nics;
    uint64_t switches;
    uint64_t links;
    uint64_t ports;
    double bisectionBps;
    double oversubscription;
    uint32_t diameter;
    std::vector<std::pair<std::string, uint64_t>> switchesByTier;
    std::vector<std::pair<std::string, uint64_t>> linksByTier;
};

constexpr double NIC_BPS = 800e9; // ConnectX-8 and Spectrum-4 port rate

/// The 8 rail planes of a B200 file, each with the same per-tier counts.
std::vector<std::pair<std::string, uint64_t>>
Rails(const std::vector<std::pair<std::string, uint64_t>>& perPlane)
{
    std::vector<std::pair<std::string, uint64_t>> all;
    for (int p = 0; p < 8; ++p)
    {
        for (const auto& [tier, count] : perPlane)
        {
            all.emplace_back("rail" + std::to_string(p) + " " + tier, count);
        }
    }
    return all;
}

void
CheckSummary(const SummaryCase& c)
{
    SCOPED_TRACE(c.file);
    Loaded loaded = LoadFile(c.file);
    ASSERT_TRUE(loaded.ok()) << loaded.Problems();
    TopologyInfo info = SummarizeTopology(*loaded.graph);
    EXPECT_EQ(info.servers, c.servers);
    EXPECT_EQ(info.gpus, c.gpus);
    EXPECT_EQ(info.nics, c.nics);
    EXPECT_EQ(info.switches, c.switches);
    EXPECT_EQ(info.links, c.links);
    EXPECT_EQ(info.ports, c.ports);
    EXPECT_DOUBLE_EQ(info.bisectionBps, c.bisectionBps);
    EXPECT_DOUBLE_EQ(info.oversubscription, c.oversubscription);
    EXPECT_EQ(GetDiameter(*loaded.graph), c.diameter);
    EXPECT_EQ(info.switchesByTier, c.switchesByTier);
    EXPECT_EQ(info.linksByTier, c.linksByTier);
    EXPECT_EQ(info.memoryBytes,
              c.ports * ModelFootprint::PER_PORT + c.switches * ModelFootprint::PER_SWITCH +
                  c.servers * ModelFootprint::PER_HOST + c.links * ModelFootprint::PER_LINK);
}

TEST_F(TopologyGraphTest, ReferenceClusterSummary)
{
    // topologies/b200-37500.yaml, by hand. Per rail plane: 3-tier, radix k = 64, h = 32 hosts per
    // leaf (k/2: non-blocking, 32 uplinks), 37,500 hosts (NIC p of every server).
    //   leaves = ceil(37,500 / 32)            = 1,172   (1,171 full + one of 37,500 - 37,472 = 28)
    //   pods   = ceil(1,172 / 32)             = 37      (36 full + one of 1,172 - 1,152 = 20
    //   leaves) aggs   = 37 pods * 32                 = 1,184 cores  = 32 uplinks * k/2 = 32 * 32
    //   = 1,024   (37 pods >= 2) switches per plane = 1,172 + 1,184 + 1,024 = 3,380; x 8 planes =
    //   27,040 links per plane: host-leaf 37,500 + leaf-agg 1,172 * 32 = 37,504
    //                    + agg-core 1,184 * 32 = 37,888 (= 1,024 cores * 37 pods)
    //                  = 112,892; x 8 = 903,136
    //   ports per plane: leaves 1,172 * 64 = 75,008, aggs 1,184 * (32 down + 32 up) = 75,776,
    //                    cores 1,024 * 37 (a port per pod) = 37,888 -> 188,672; x 8 = 1,509,376
    //                    + 300,000 NICs = 1,809,376
    //   servers 37,500; GPUs and NICs 37,500 * 8 = 300,000
    //   bisection: half the hosts at full rate, per plane 37,500 * 800 Gb/s / 2 = 15 Pb/s;
    //              x 8 = 120 Pb/s. Oversubscription 1; diameter host-leaf-agg-core-agg-leaf-host 6.
    uint64_t leaves = (37500 + 31) / 32;
    uint64_t pods = (leaves + 31) / 32;
    ASSERT_EQ(leaves, 1172u);
    ASSERT_EQ(pods, 37u);
    ASSERT_EQ(8 * (leaves + pods * 32 + 32 * 32), 27040u);
    ASSERT_EQ(8 * (37500 + leaves * 32 + pods * 32 * 32), 903136u);
    CheckSummary({"topologies/b200-37500.yaml",
                  37500,
                  300000,
                  300000,
                  27040,
                  903136,
                  1809376,
                  1.2e17,
                  1,
                  6,
                  Rails({{"leaf", 1172}, {"agg", 1184}, {"core", 1024}}),
                  Rails({{"host-leaf", 37500}, {"leaf-agg", 37504}, {"agg-core", 37888}})});
}

TEST_F(TopologyGraphTest, ShippedTopologySummaries)
{
    // b200-256: 32 servers = one leaf per rail (h = 32), one pod, its 32 aggs with only
    //   k/2 = 32 down ports each and no cores. Per plane 33 switches, 32 + 32 links;
    //   ports 64 + 32 * 32 = 1,088. Diameter 2: every pair shares its leaf.
    CheckSummary({"topologies/b200-256.yaml",
                  32,
                  256,
                  256,
                  8 * 33,
                  8 * 64,
                  8 * 1088 + 256,
                  8 * 32 * NIC_BPS / 2,
                  1,
                  2,
                  Rails({{"leaf", 1}, {"agg", 32}}),
                  Rails({{"host-leaf", 32}, {"leaf-agg", 32}})});
    // b200-1024: 128 servers = 4 leaves of one pod per rail; 36 switches, 128 + 4 * 32 = 256
    //   links, ports 4 * 64 + 32 * 32 = 1,280 per plane. Diameter 4 (leaf-agg-leaf).
    CheckSummary({"topologies/b200-1024.yaml",
                  128,
                  1024,
                  1024,
                  8 * 36,
                  8 * 256,
                  8 * 1280 + 1024,
                  8 * 128 * NIC_BPS / 2,
                  1,
                  4,
                  Rails({{"leaf", 4}, {"agg", 32}}),
                  Rails({{"host-leaf", 128}, {"leaf-agg", 128}})});
    // b200-8192: 1,024 servers = exactly one full pod of 32 leaves per rail; 64 switches,
    //   1,024 + 32 * 32 = 2,048 links, ports 32 * 64 + 32 * 32 = 3,072 per plane; no cores.
    CheckSummary({"topologies/b200-8192.yaml",
                  1024,
                  8192,
                  8192,
                  8 * 64,
                  8 * 2048,
                  8 * 3072 + 8192,
                  8 * 1024 * NIC_BPS / 2,
                  1,
                  4,
                  Rails({{"leaf", 32}, {"agg", 32}}),
                  Rails({{"host-leaf", 1024}, {"leaf-agg", 1024}})});
    // fat-tree-k4: k = 4, k^3/4 = 16 one-GPU hosts, 4 pods of 2 leaves + 2 aggs, (k/2)^2 = 4
    //   cores: 20 switches; 16 + 8 * 2 + 8 * 2 = 48 links; ports 8 * 4 + 8 * 4 + 4 * 4 = 80.
    CheckSummary({"topologies/fat-tree-k4.yaml",
                  16,
                  16,
                  16,
                  20,
                  48,
                  80 + 16,
                  16 * NIC_BPS / 2,
                  1,
                  6,
                  {{"plane leaf", 8}, {"plane agg", 8}, {"plane core", 4}},
                  {{"plane host-leaf", 16}, {"plane leaf-agg", 16}, {"plane agg-core", 16}}});
    // fat-tree-k8: 128 hosts, 8 pods of 4 + 4, 16 cores: 80 switches; 128 + 32 * 4 + 32 * 4 = 384
    //   links; ports 32 * 8 + 32 * 8 + 16 * 8 = 640.
    CheckSummary({"topologies/fat-tree-k8.yaml",
                  128,
                  128,
                  128,
                  80,
                  384,
                  640 + 128,
                  128 * NIC_BPS / 2,
                  1,
                  6,
                  {{"plane leaf", 32}, {"plane agg", 32}, {"plane core", 16}},
                  {{"plane host-leaf", 128}, {"plane leaf-agg", 128}, {"plane agg-core", 128}}});
    // leaf-spine: radix 16 split 3:1 -> h = 16 * 3/4 = 12 hosts, 4 uplinks; 16 leaves (the radix)
    //   of 12 = 192 hosts, 4 spines of 16 ports; 192 + 16 * 4 = 256 links; ports 16 * 16 + 4 * 16
    //   = 320. Bisection 192 * 800 Gb/s / 2 / 3.
    CheckSummary({"topologies/leaf-spine.yaml",
                  192,
                  192,
                  192,
                  20,
                  256,
                  320 + 192,
                  192 * NIC_BPS / 2 / 3,
                  3,
                  4,
                  {{"plane leaf", 16}, {"plane spine", 4}},
                  {{"plane host-leaf", 192}, {"plane leaf-spine", 64}}});
}

// ---------------------------------------------------------------------------------------------
// Canonical export round trip
// ---------------------------------------------------------------------------------------------

/// A profile's settings, order aside.
std::vector<std::string>
Settings(const std::map<ProfileTarget, std::vector<AttributeSetting>>& attributes)
{
    std::vector<std::string> all;
    for (const auto& [target, list] : attributes)
    {
        for (const auto& s : list)
        {
            all.push_back(std::to_string(int(target)) + " " + s.attribute + "=" + s.value);
        }
    }
    std::sort(all.begin(), all.end());
    return all;
}

/// Everything a node's profile sets, as one comparable string.
std::string
ProfileOf(const FabricGraph& g, const FabricGraph::Node& n)
{
    std::ostringstream os;
    if (n.kind == FabricGraph::HOST)
    {
        const HostProfile& p = *g.hostProfiles[n.profile];
        const NicProfile& nic = *g.nicProfiles[n.profile];
        os << "host " << p.name << " gpus " << p.gpus << " nics " << p.nics << " nvlink "
           << p.nvlinkBps << " " << p.nvlinkLatency.GetPicoSeconds() << " nic " << nic.name << " "
           << nic.rateBps;
        for (const auto& s : Settings({{ProfileTarget::NIC, nic.attributes}}))
        {
            os << " " << s;
        }
    }
    else
    {
        const SwitchProfile& p = *g.switchProfiles[n.profile];
        os << "switch " << p.name << " ports " << p.ports << " rate " << p.rateBps << " ecn "
           << p.ecn;
        for (const auto& s : Settings(p.attributes))
        {
            os << " " << s;
        }
    }
    return os.str();
}

/// The graph as lines: nodes (name, kind, ports, profile) and links (ends, profile, rate,
/// delay). What "the same graph" means for the canonical form.
std::vector<std::string>
Describe(const FabricGraph& g)
{
    std::vector<std::string> lines;
    for (const auto& n : g.nodes)
    {
        lines.push_back("node " + n.name + " ports " + std::to_string(n.ports) + " " +
                        ProfileOf(g, n));
    }
    for (const auto& l : g.links)
    {
        const LinkProfile& p = *g.linkProfiles[l.profile];
        std::ostringstream os;
        os << "link " << g.nodes[l.a].name << ":" << l.aPort << " " << g.nodes[l.b].name << ":"
           << l.bPort << " " << p.name << " (" << p.delay.GetPicoSeconds() << "ps " << p.rateBps
           << ") rate " << l.rateBps << " delay " << l.delay.GetPicoSeconds();
        lines.push_back(os.str());
    }
    return lines;
}

class TopologyGraphRoundTripTest : public nsfab_test::FabricTest,
                                   public ::testing::WithParamInterface<Source>
{
};

TEST_P(TopologyGraphRoundTripTest, CanonicalExportRoundTrips)
{
    const Source& c = GetParam();
    Loaded first = Load(c);
    ASSERT_TRUE(first.ok()) << first.Problems();
    std::string text = WriteTopologyYaml(*first.graph, {"round trip of " + std::string(c.file)});
    Loaded second = LoadText(text, "exported.yaml");
    ASSERT_TRUE(second.ok()) << second.Problems() << text.substr(0, 2000);
    // Writing the read-back graph gives the same text: the form is a fixed point.
    EXPECT_EQ(WriteTopologyYaml(*second.graph, {"round trip of " + std::string(c.file)}), text);
    // And the same graph: every node and link, in order, with its profile's contents.
    std::vector<std::string> before = Describe(*first.graph);
    std::vector<std::string> after = Describe(*second.graph);
    ASSERT_EQ(after.size(), before.size());
    std::size_t shown = 0;
    for (std::size_t i = 0; i < before.size() && shown < 5; ++i)
    {
        if (before[i] != after[i])
        {
            ADD_FAILURE() << "differs after the round trip:\n  was " << before[i] << "\n  now "
                          << after[i];
            ++shown;
        }
    }
    // The counts `nsfab info` reports survive; the explicit form's diameter comes from a BFS,
    // the generated one's from the fat-tree formula: they must agree.
    TopologyInfo a = SummarizeTopology(*first.graph);
    TopologyInfo b = SummarizeTopology(*second.graph);
    EXPECT_EQ(b.servers, a.servers);
    EXPECT_EQ(b.gpus, a.gpus);
    EXPECT_EQ(b.nics, a.nics);
    EXPECT_EQ(b.switches, a.switches);
    EXPECT_EQ(b.links, a.links);
    EXPECT_EQ(b.ports, a.ports);
    EXPECT_EQ(GetDiameter(*second.graph), GetDiameter(*first.graph));
}

const Source ROUND_TRIP_CASES[] = {
    {"fat_tree_k4", "", "topologies/fat-tree-k4.yaml"},
    {"leaf_spine", "", "topologies/leaf-spine.yaml"},
    {"b200_256", "", "topologies/b200-256.yaml"},
    {"b200_8192", "", "topologies/b200-8192.yaml"}, // 8 rails, every port linked
    {"explicit_ring", "", "tests/data/topology-graph/ring.yaml"},
    {"mixed", "", "tests/data/topology-graph/mixed.yaml"},
    {"imported_clab", "containerlab", "tests/data/import/clos.clab.yml"},
    {"imported_graphml", "graphml", "tests/data/import/leaf-spine.graphml"},
};

INSTANTIATE_TEST_SUITE_P(TopologyGraphExport,
                         TopologyGraphRoundTripTest,
                         ::testing::ValuesIn(ROUND_TRIP_CASES),
                         [](const auto& info) { return std::string(info.param.label); });

} // namespace

namespace
{
/// Nodes of \p graph on each of \p ranks ranks, by kind (hosts, then switches).
std::vector<std::pair<uint32_t, uint32_t>>
CountByRank(const FabricGraph& graph, const std::vector<uint32_t>& rankOf, uint32_t ranks)
{
    std::vector<std::pair<uint32_t, uint32_t>> counts(ranks);
    for (uint32_t i = 0; i < graph.nodes.size(); ++i)
    {
        auto& c = counts.at(rankOf[i]);
        ++(graph.nodes[i].kind == FabricGraph::HOST ? c.first : c.second);
    }
    return counts;
}
} // namespace

TEST(Partition, FatTreeSplitsByPodAndSpreadsTheCores)
{
    Loaded k8 = LoadFile("topologies/fat-tree-k8.yaml");
    ASSERT_TRUE(k8.ok()) << k8.Problems();
    const FabricGraph& g = *k8.graph;
    EXPECT_EQ(PartitionGraph(g, 1), std::vector<uint32_t>(g.nodes.size(), 0));
    EXPECT_EQ(ShortestCutLink(g, PartitionGraph(g, 1)), nullptr);

    std::vector<uint32_t> rankOf = PartitionGraph(g, 2);
    // 8 pods of 4 leaves, 4 aggregation switches and 16 hosts: pods 0-3 on rank 0, 4-7 on
    // rank 1; 16 cores, 8 each.
    EXPECT_EQ(CountByRank(g, rankOf, 2),
              (std::vector<std::pair<uint32_t, uint32_t>>{{64, 16 + 16 + 8}, {64, 16 + 16 + 8}}));
    Time aggCore;
    for (const auto& link : g.links)
    {
        const auto& a = g.nodes[link.a];
        const auto& b = g.nodes[link.b];
        bool toCore = a.tier == 3 || b.tier == 3;
        if (!toCore)
        {
            EXPECT_EQ(rankOf[link.a], rankOf[link.b]) << a.name << " - " << b.name;
            uint32_t pod = (a.kind == FabricGraph::SWITCH ? a : b).pod;
            EXPECT_EQ(rankOf[link.a], pod / 4) << a.name << " - " << b.name;
        }
        aggCore = toCore ? link.delay : aggCore;
    }
    ASSERT_NE(ShortestCutLink(g, rankOf), nullptr);
    EXPECT_EQ(ShortestCutLink(g, rankOf)->delay, aggCore);
}

TEST(Partition, RailPlanesOfOnePodSplitByLeafPosition)
{
    // 8 rail planes of 4 leaves and 32 aggregation switches each: one pod, so the unit is the
    // leaf position (the 8 leaves at it and their 32 servers); aggregation switches are spread.
    Loaded b200 = LoadFile("topologies/b200-1024.yaml");
    ASSERT_TRUE(b200.ok()) << b200.Problems();
    const FabricGraph& g = *b200.graph;
    std::vector<uint32_t> rankOf = PartitionGraph(g, 2);
    EXPECT_EQ(CountByRank(g, rankOf, 2),
              (std::vector<std::pair<uint32_t, uint32_t>>{{64, 16 + 128}, {64, 16 + 128}}));
    for (const auto& link : g.links)
    {
        bool hostLink =
            g.nodes[link.a].kind == FabricGraph::HOST || g.nodes[link.b].kind == FabricGraph::HOST;
        if (hostLink)
        {
            EXPECT_EQ(rankOf[link.a], rankOf[link.b]) << "a server and its leaves stay together";
        }
    }
    // Only leaf-aggregation links (50 m of fiber, 250 ns) cross.
    ASSERT_NE(ShortestCutLink(g, rankOf), nullptr);
    EXPECT_EQ(ShortestCutLink(g, rankOf)->delay, NanoSeconds(250));
}

TEST(Partition, OtherGraphsKeepHostsWithTheirSwitchInNodeOrder)
{
    Loaded ring = LoadText("version: 1\n"
                           "nodes:\n"
                           "  - {name: s0, kind: switch, profile: spectrum-4}\n"
                           "  - {name: s1, kind: switch, profile: spectrum-4}\n"
                           "  - {name: s2, kind: switch, profile: spectrum-4}\n"
                           "  - {name: s3, kind: switch, profile: spectrum-4}\n"
                           "  - {name: h0, kind: host, profile: host}\n"
                           "  - {name: h1, kind: host, profile: host}\n"
                           "  - {name: h2, kind: host, profile: host}\n"
                           "  - {name: h3, kind: host, profile: host}\n"
                           "links:\n"
                           "  - {a: s0, b: s1, delay: 30ns}\n"
                           "  - {a: s1, b: s2, delay: 40ns}\n"
                           "  - {a: s2, b: s3, delay: 30ns}\n"
                           "  - {a: s3, b: s0, delay: 60ns}\n"
                           "  - {a: h0, b: s0}\n"
                           "  - {a: h1, b: s1}\n"
                           "  - {a: h2, b: s2}\n"
                           "  - {a: h3, b: s3}\n");
    ASSERT_TRUE(ring.ok()) << ring.Problems();
    const FabricGraph& g = *ring.graph;
    std::vector<uint32_t> rankOf = PartitionGraph(g, 2);
    for (const char* name : {"s0", "s1", "h0", "h1"})
    {
        EXPECT_EQ(rankOf[g.Find(name)], 0u) << name;
    }
    for (const char* name : {"s2", "s3", "h2", "h3"})
    {
        EXPECT_EQ(rankOf[g.Find(name)], 1u) << name;
    }
    // s1-s2 (40 ns) and s3-s0 (60 ns) cross.
    ASSERT_NE(ShortestCutLink(g, rankOf), nullptr);
    EXPECT_EQ(ShortestCutLink(g, rankOf)->delay, NanoSeconds(40));
}

namespace
{
bool
Matches(const char* pattern, const char* name)
{
    NodePattern p(pattern);
    EXPECT_EQ(p.GetError(), "") << pattern;
    return p.Matches(name);
}

std::string
PatternError(const char* pattern)
{
    return NodePattern(pattern).GetError();
}
} // namespace

TEST(Partition, NodePatterns)
{
    // Literal characters, ? and *.
    EXPECT_TRUE(Matches("leaf3", "leaf3"));
    EXPECT_FALSE(Matches("leaf3", "leaf31"));
    EXPECT_TRUE(Matches("leaf?", "leaf7"));
    EXPECT_FALSE(Matches("leaf?", "leaf"));
    EXPECT_TRUE(Matches("*", ""));
    EXPECT_TRUE(Matches("rail*.leaf*", "rail12.leaf0"));
    EXPECT_FALSE(Matches("rail*.leaf*", "rail1.agg0"));
    EXPECT_TRUE(Matches("*.*", "a.b.c"));
    EXPECT_TRUE(Matches("**a", "ba"));
    // {m..n}: a whole number in range, without leading zeros.
    EXPECT_TRUE(Matches("leaf{0..15}", "leaf0"));
    EXPECT_TRUE(Matches("leaf{0..15}", "leaf15"));
    EXPECT_FALSE(Matches("leaf{0..15}", "leaf16"));
    EXPECT_FALSE(Matches("leaf{1..2}", "leaf12"));
    EXPECT_FALSE(Matches("leaf{0..15}", "leaf07"));
    EXPECT_FALSE(Matches("leaf{0..15}", "leaf"));
    EXPECT_TRUE(Matches("rail{4..7}.*", "rail5.core3"));
    EXPECT_FALSE(Matches("rail{4..7}.*", "rail3.core3"));
    EXPECT_TRUE(Matches("host{512..1023}", "host1023"));
    EXPECT_FALSE(Matches("host{512..1023}", "host511"));
    EXPECT_TRUE(Matches("h{0..9}x{10..20}", "h9x10"));
    // Whole numbers after * and ? too: leaf13 is not "leaf1" and 3.
    EXPECT_FALSE(Matches("*{0..3}", "leaf13"));
    EXPECT_FALSE(Matches("leaf?{0..3}", "leaf13"));
    EXPECT_FALSE(Matches("host*{0..3}", "host23"));
    EXPECT_TRUE(Matches("*{10..13}", "leaf13"));
    EXPECT_TRUE(Matches("*.leaf{0..1}", "rail3.leaf1"));
    // A bound with a leading zero: numbers of that width (bash's {01..12}).
    EXPECT_TRUE(Matches("leaf{01..12}", "leaf07"));
    EXPECT_TRUE(Matches("leaf{01..12}", "leaf12"));
    EXPECT_FALSE(Matches("leaf{01..12}", "leaf7"));
    EXPECT_FALSE(Matches("leaf{01..12}", "leaf13"));
    EXPECT_TRUE(Matches("n{0..010}", "n005"));
    // 20 digits are beyond 64 bits: no range holds them (and the value does not wrap around to
    // 1 + 2^64 x k).
    EXPECT_FALSE(Matches("h{0..999999999999999999}", "h18446744073709551617"));
    // Many stars cost no search over the ways to split the name (it would take minutes).
    std::string many = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
    std::string name(60, 'a');
    for (int i = 0; i < 1000; ++i)
    {
        ASSERT_FALSE(NodePattern(many).Matches(name));
    }

    EXPECT_EQ(PatternError("rail{0..3}.leaf{10..19}"), "");
    EXPECT_EQ(PatternError("*"), "");
    EXPECT_EQ(PatternError("leaf{3..1}"), "the range {3..1} is empty");
    EXPECT_EQ(PatternError("leaf{3}"),
              "'{' at character 5 does not open a range {m..n} of numbers");
    EXPECT_EQ(PatternError("leaf{1..2"),
              "'{' at character 5 does not open a range {m..n} of numbers");
    EXPECT_EQ(PatternError("a{1..2}{x"),
              "'{' at character 8 does not open a range {m..n} of numbers");
    EXPECT_EQ(PatternError("h{0..1234567890123456789}"),
              "the range {0..1234567890123456789} has a bound of more than 18 digits");
}

TEST(Partition, FirstSwitchOfEachHost)
{
    // host0's NIC 0 hangs from leaf0 and NIC 1 from leaf1 (two-NIC servers on rail planes).
    Loaded g = LoadText("version: 1\n"
                        "profiles:\n"
                        "  host: {two: {gpus: 2, nics: 2}}\n"
                        "nodes:\n"
                        "  - {name: leaf0, kind: switch, profile: spectrum-4}\n"
                        "  - {name: leaf1, kind: switch, profile: spectrum-4}\n"
                        "  - {name: host0, kind: host, profile: two}\n"
                        "  - {name: host1, kind: host, profile: two}\n"
                        "links:\n"
                        "  - {a: host0:1, b: leaf1}\n"
                        "  - {a: host0:0, b: leaf0}\n"
                        "  - {a: leaf1, b: host1:1}\n");
    ASSERT_TRUE(g.ok()) << g.Problems();
    std::vector<uint32_t> first = FirstSwitches(*g.graph);
    EXPECT_EQ(first[g.graph->Find("host0")], g.graph->Find("leaf0"));
    EXPECT_EQ(first[g.graph->Find("host1")], g.graph->Find("leaf1"));
    EXPECT_EQ(first[g.graph->Find("leaf0")], FabricGraph::NONE);
}
