/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/graph-export.h"
#include "ns3/importer-util.h"
#include "ns3/topology-importer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace
{
using namespace ns3;

std::string
DataPath(const std::string& name)
{
    return std::string(NSFAB_SOURCE_DIR) + "/tests/data/import/" + name;
}

std::string
ReadFile(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

Ptr<TopologyImporter>
Importer(const std::string& format)
{
    for (const auto& importer : TopologyImporter::GetAll())
    {
        if (importer->GetFormatName() == format)
        {
            return importer;
        }
    }
    ADD_FAILURE() << "no importer " << format;
    return nullptr;
}

struct Imported
{
    bool ok{false};
    ImportResult result;
    std::vector<Diagnostic> diagnostics;

    const Topology& topology() const
    {
        return result.topology;
    }

    /// Every diagnostic, one per line, for failure messages.
    std::string Problems() const
    {
        std::string all;
        for (const auto& d : diagnostics)
        {
            all += d.Format() + "\n";
        }
        return all;
    }

    bool HasNote(const std::string& part) const
    {
        return std::any_of(result.notes.begin(), result.notes.end(), [&](const std::string& n) {
            return n.find(part) != std::string::npos;
        });
    }
};

Imported
ImportText(const std::string& format,
           const std::string& path,
           const std::string& text,
           const ImportOptions& options = ImportOptions())
{
    Imported imported;
    imported.ok =
        Importer(format)->Import(path, text, options, imported.result, imported.diagnostics);
    return imported;
}

Imported
ImportFile(const std::string& format, const std::string& name)
{
    return ImportText(format, DataPath(name), ReadFile(DataPath(name)));
}

const NodeSpec*
FindNode(const Topology& topology, const std::string& name)
{
    for (const auto& node : topology.nodes)
    {
        if (node.name == name)
        {
            return &node;
        }
    }
    return nullptr;
}

/// The node part of an endpoint "name[:port]".
std::string
NodeOf(const std::string& endpoint)
{
    return endpoint.substr(0, endpoint.rfind(':'));
}

/// The link between nodes \p a and \p b, either way round.
const LinkSpec*
FindLink(const Topology& topology, const std::string& a, const std::string& b)
{
    for (const auto& link : topology.links)
    {
        std::string x = NodeOf(link.a);
        std::string y = NodeOf(link.b);
        if ((x == a && y == b) || (x == b && y == a))
        {
            return &link;
        }
    }
    return nullptr;
}

std::vector<std::string>
Hosts(const Topology& topology)
{
    std::vector<std::string> hosts;
    for (const auto& node : topology.nodes)
    {
        if (!node.isSwitch)
        {
            hosts.push_back(node.name);
        }
    }
    std::sort(hosts.begin(), hosts.end());
    return hosts;
}

/// The topology expands without problems; returns its graph.
FabricGraph
ExpectExpands(const Topology& topology)
{
    std::vector<Diagnostic> diagnostics;
    FabricGraph graph = ExpandTopology(topology, diagnostics);
    for (const auto& d : diagnostics)
    {
        ADD_FAILURE() << d.Format();
    }
    return graph;
}

/// The one diagnostic of \p imported is at \p line and says \p part.
void
ExpectDiagnostic(const Imported& imported, int line, const std::string& part)
{
    EXPECT_FALSE(imported.ok);
    ASSERT_FALSE(imported.diagnostics.empty());
    const Diagnostic& d = imported.diagnostics.front();
    EXPECT_EQ(d.line, line) << d.Format();
    EXPECT_NE(d.message.find(part), std::string::npos) << d.Format();
}

constexpr uint64_t GBPS = 1000000000ULL;

class TopologyImportTest : public nsfab_test::FabricTest
{
};

TEST_F(TopologyImportTest, ImportersAreRegisteredAndSorted)
{
    std::vector<std::string> names;
    for (const auto& importer : TopologyImporter::GetAll())
    {
        names.push_back(importer->GetFormatName());
        EXPECT_FALSE(importer->GetDescription().empty());
    }
    EXPECT_EQ(names,
              (std::vector<std::string>{"astra-sim",
                                        "containerlab",
                                        "graphml",
                                        "hpcc",
                                        "netlab",
                                        "networkx",
                                        "slurm"}));
}

TEST_F(TopologyImportTest, DetectionPicksTheRightImporter)
{
    std::vector<std::pair<std::string, std::string>> samples{
        {"clos.clab.yml", "containerlab"},
        {"lab.netlab.yml", "netlab"},
        {"analytical-2d.yml", "astra-sim"},
        {"topology.yaml", "slurm"},
        {"hpcc-topology.txt", "hpcc"},
        {"simai-topology.txt", "hpcc"},
        {"leaf-spine.graphml", "graphml"},
    };
    for (const auto& [file, format] : samples)
    {
        std::string text = ReadFile(DataPath(file));
        ASSERT_FALSE(text.empty()) << file;
        // As `nsfab import` without --from: the first importer that accepts the file.
        std::string detected;
        for (const auto& importer : TopologyImporter::GetAll())
        {
            if (importer->Detect("/tmp/" + file, text))
            {
                detected = importer->GetFormatName();
                break;
            }
        }
        EXPECT_EQ(detected, format) << file;
    }
    // A containerlab file not named *.clab.yml is still recognised by its content.
    std::string clab = ReadFile(DataPath("clos.clab.yml"));
    EXPECT_TRUE(Importer("containerlab")->Detect("lab.yml", clab));
    EXPECT_FALSE(Importer("netlab")->Detect("lab.yml", clab));
}

TEST_F(TopologyImportTest, HostlistExpansion)
{
    std::vector<std::string> names;
    EXPECT_EQ(ExpandHostlist("node[01-04,07],login1", names), "");
    EXPECT_EQ(
        names,
        (std::vector<std::string>{"node01", "node02", "node03", "node04", "node07", "login1"}));
    names.clear();
    EXPECT_EQ(ExpandHostlist("r[1-2]n[8-10]", names), "");
    EXPECT_EQ(names, (std::vector<std::string>{"r1n8", "r1n9", "r1n10", "r2n8", "r2n9", "r2n10"}));
    names.clear();
    EXPECT_NE(ExpandHostlist("node[04-01]", names), "");
    EXPECT_NE(ExpandHostlist("node[1-2", names), "");
    EXPECT_NE(ExpandHostlist("node[a]", names), "");
    EXPECT_NE(ExpandHostlist("a,,b", names), "");
    EXPECT_TRUE(names.empty());
}

TEST_F(TopologyImportTest, ContainerlabKindsAndLinks)
{
    Imported clab = ImportFile("containerlab", "clos.clab.yml");
    ASSERT_TRUE(clab.ok) << clab.Problems();
    const Topology& t = clab.topology();
    EXPECT_EQ(t.name, "clos");
    EXPECT_EQ(t.nodes.size(), 7u);
    // linux nodes are hosts (h3 through its group's kind); frr1's label makes it a switch.
    EXPECT_EQ(Hosts(t), (std::vector<std::string>{"h1", "h2", "h3"}));
    ASSERT_NE(FindNode(t, "frr1"), nullptr);
    EXPECT_TRUE(FindNode(t, "frr1")->isSwitch);
    EXPECT_EQ(FindNode(t, "spine1")->profile, "spectrum-4");
    // The link to the containerlab host leaves the lab.
    EXPECT_EQ(t.links.size(), 7u);
    EXPECT_EQ(FindLink(t, "h1", "host"), nullptr);
    EXPECT_TRUE(clab.HasNote("skipped 1 link"));
    // h2 is dual-homed: two NICs.
    EXPECT_EQ(FindNode(t, "h2")->profile, "host-2nic");
    EXPECT_EQ(t.hostProfiles.at("host-2nic").nics, 2u);
    EXPECT_EQ(FindNode(t, "h1")->profile, "host");
    // containerlab files carry no rates or delays: the defaults, with notes.
    const LinkSpec* link = FindLink(t, "leaf2", "h3");
    ASSERT_NE(link, nullptr);
    EXPECT_EQ(link->rateBps, 800 * GBPS);
    EXPECT_EQ(link->delay, NanoSeconds(10));
    EXPECT_TRUE(clab.HasNote("no link rates in the file: 800Gbps from the default; set --rate"));
    EXPECT_TRUE(clab.HasNote("no link delays in the file: 10ns"));
    ExpectExpands(t);
}

TEST_F(TopologyImportTest, ContainerlabRateOptionAndDiagnostics)
{
    ImportOptions options;
    options.rateBps = 400 * GBPS;
    options.rateGiven = true;
    Imported given =
        ImportText("containerlab", "x.clab.yml", ReadFile(DataPath("clos.clab.yml")), options);
    ASSERT_TRUE(given.ok) << given.Problems();
    EXPECT_EQ(FindLink(given.topology(), "spine1", "leaf1")->rateBps, 400 * GBPS);
    EXPECT_TRUE(given.HasNote("no link rates in the file: 400Gbps (--rate)"));

    std::string text = "topology:\n"
                       "  nodes:\n"
                       "    a: {kind: linux}\n"
                       "    s: {kind: srl}\n"
                       "  links:\n"
                       "    - endpoints: [\"a:eth1\", \"s\"]\n";
    ExpectDiagnostic(ImportText("containerlab", "bad.clab.yml", text), 6, "node:interface");
    text = "topology:\n"
           "  nodes:\n"
           "    a: {kind: linux}\n"
           "    b: {kind: linux}\n"
           "  links:\n"
           "    - endpoints: [\"a:eth1\", \"b:eth1\"]\n"
           "    - endpoints: [\"a:eth2\", \"c:eth1\"]\n";
    Imported bad = ImportText("containerlab", "bad.clab.yml", text);
    ExpectDiagnostic(bad, 6, "hosts connect only to switches");
    ASSERT_EQ(bad.diagnostics.size(), 2u);
    EXPECT_EQ(bad.diagnostics[1].line, 7);
    EXPECT_NE(bad.diagnostics[1].message.find("unknown node 'c'"), std::string::npos);
    ExpectDiagnostic(ImportText("containerlab", "bad.clab.yml", "topology:\n  nodes: [a\n"),
                     3,
                     "YAML syntax");
}

TEST_F(TopologyImportTest, NetlabNodesLinksAndLans)
{
    Imported lab = ImportFile("netlab", "lab.netlab.yml");
    ASSERT_TRUE(lab.ok) << lab.Problems();
    const Topology& t = lab.topology();
    // Six nodes and the bridges of the two LAN links (netlab's names: lab_<link index>).
    EXPECT_EQ(t.nodes.size(), 8u);
    EXPECT_EQ(Hosts(t), (std::vector<std::string>{"h1", "h2", "h3", "h4"}));
    ASSERT_NE(FindNode(t, "lab_4"), nullptr);
    EXPECT_TRUE(FindNode(t, "lab_4")->isSwitch);
    ASSERT_NE(FindNode(t, "lab_5"), nullptr);
    EXPECT_TRUE(lab.HasNote("lab_4, lab_5"));
    EXPECT_TRUE(lab.HasNote("skipped 1 stub and 1 disabled link"));
    EXPECT_EQ(t.links.size(), 9u);
    // bandwidth and tc.rate in kbit/s, tc.delay in ms.
    EXPECT_EQ(FindLink(t, "l1", "h1")->rateBps, 100 * GBPS);
    const LinkSpec* shaped = FindLink(t, "l2", "h2");
    EXPECT_EQ(shaped->rateBps, 400 * GBPS);
    EXPECT_EQ(shaped->delay, MicroSeconds(2));
    EXPECT_EQ(FindLink(t, "l2", "h3")->rateBps, 200 * GBPS); // from the link group
    EXPECT_EQ(FindLink(t, "l1", "l2")->rateBps, 800 * GBPS);
    EXPECT_TRUE(lab.HasNote("6 of 9 links have no rate in the file"));
    EXPECT_EQ(FindNode(t, "h1")->profile, "host-2nic"); // l1 and the h1-h2 LAN
    EXPECT_EQ(FindNode(t, "h4")->profile, "host");
    ExpectExpands(t);

    std::string text = "nodes: [ r1, r2 ]\n"
                       "links:\n"
                       "- r1-r2\n"
                       "- r1:\n"
                       "  r3:\n";
    ExpectDiagnostic(ImportText("netlab", "bad.yml", text), 5, "unknown node 'r3'");
    text = "nodes: [ r1, r2 ]\nlinks:\n- r1-r9\n";
    ExpectDiagnostic(ImportText("netlab", "bad.yml", text), 3, "unknown node 'r9'");
    text = "nodes: [ r1, r2 ]\nlinks:\n- r1:\n  r2:\n  bandwidth: fast\n";
    ExpectDiagnostic(ImportText("netlab", "bad.yml", text), 5, "kbit/s");
}

TEST_F(TopologyImportTest, AstraSimDimensionsBecomeSwitches)
{
    Imported astra = ImportFile("astra-sim", "analytical-2d.yml");
    ASSERT_TRUE(astra.ok) << astra.Problems();
    const Topology& t = astra.topology();
    // 4 x 2 NPUs; dimension 0 (Ring of 4): 2 groups; dimension 1 (Switch of 2): 4 groups.
    EXPECT_EQ(Hosts(t).size(), 8u);
    EXPECT_EQ(t.nodes.size(), 8u + 2 + 4);
    // 8 NPU links per dimension, and 8 links between the dimensions' switches.
    EXPECT_EQ(t.links.size(), 24u);
    // Ring: two neighbours at 50 GB/s each; half of the 500 ns per switch link.
    const LinkSpec* ring = FindLink(t, "npu5", "dim0-sw1");
    ASSERT_NE(ring, nullptr);
    EXPECT_EQ(ring->a, "npu5:0");
    EXPECT_EQ(ring->rateBps, 800 * GBPS);
    EXPECT_EQ(ring->delay, NanoSeconds(250));
    // Switch: npu5 = (1, 1) is in group 1 of dimension 1 with npu1, at 25 GB/s and 1000 ns.
    const LinkSpec* sw = FindLink(t, "npu5", "dim1-sw1");
    ASSERT_NE(sw, nullptr);
    EXPECT_EQ(sw->a, "npu5:1");
    EXPECT_EQ(sw->rateBps, 200 * GBPS);
    EXPECT_EQ(sw->delay, NanoSeconds(1000));
    EXPECT_NE(FindLink(t, "npu1", "dim1-sw1"), nullptr);
    const LinkSpec* relay = FindLink(t, "dim0-sw1", "dim1-sw1");
    ASSERT_NE(relay, nullptr);
    EXPECT_EQ(relay->rateBps, 200 * GBPS);
    EXPECT_EQ(FindNode(t, "npu0")->profile, "npu-2nic");
    EXPECT_EQ(t.hostProfiles.at("npu-2nic").gpus, 1u);
    EXPECT_TRUE(astra.HasNote("dimension 0 (Ring) is switched"));
    ExpectExpands(t);

    // One fully connected dimension of 4 at 400 GB/s: 3 peers, 9.6 Tb/s a NIC, faster than cx8.
    Imported fc = ImportText("astra-sim",
                             "fc.yml",
                             "topology: [ FullyConnected ]\nnpus_count: [ 4 ]\n"
                             "bandwidth: [ 400 ]\nlatency: [ 100 ]\n");
    ASSERT_TRUE(fc.ok) << fc.Problems();
    EXPECT_EQ(fc.topology().nodes.size(), 5u);
    EXPECT_EQ(FindLink(fc.topology(), "npu0", "dim0-sw0")->rateBps, 9600 * GBPS);
    EXPECT_EQ(fc.topology().nicProfiles.at("cx8-9600Gbps").rateBps, 9600 * GBPS);
    EXPECT_TRUE(fc.topology().switchProfiles.count("spectrum-4-9600Gbps"));
    ExpectExpands(fc.topology());

    ExpectDiagnostic(ImportText("astra-sim",
                                "bad.yml",
                                "topology: [ Ring,\n  Torus ]\nnpus_count: [ 4, 2 ]\n"
                                "bandwidth: [ 1, 1 ]\nlatency: [ 1, 1 ]\n"),
                     2,
                     "expected Ring, FullyConnected or Switch");
    ExpectDiagnostic(ImportText("astra-sim",
                                "bad.yml",
                                "topology: [ Ring ]\nnpus_count: [ 4 ]\nbandwidth: [ -5 ]\n"
                                "latency: [ 1 ]\n"),
                     3,
                     "positive number");
}

TEST_F(TopologyImportTest, SlurmTreeAndBlocks)
{
    Imported slurm = ImportFile("slurm", "topology.yaml");
    ASSERT_TRUE(slurm.ok) << slurm.Problems();
    const Topology& t = slurm.topology();
    // The cluster_default tree: s0 over s1 (node01-03) and s2 (node04, node05, node07).
    EXPECT_EQ(t.name, "fabric");
    EXPECT_EQ(
        Hosts(t),
        (std::vector<std::string>{"node01", "node02", "node03", "node04", "node05", "node07"}));
    EXPECT_EQ(t.nodes.size(), 9u);
    EXPECT_EQ(t.links.size(), 8u);
    EXPECT_NE(FindLink(t, "s0", "s2"), nullptr);
    EXPECT_NE(FindLink(t, "node07", "s2"), nullptr);
    EXPECT_TRUE(slurm.HasNote("imported topology 'fabric' (cluster_default)"));
    ExpectExpands(t);

    // The block topology: a switch per block, a top switch with one uplink per node.
    std::string text = ReadFile(DataPath("topology.yaml"));
    std::string blocks =
        text.substr(text.find("- topology: blocks"),
                    text.find("- topology: fabric") - text.find("- topology: blocks"));
    Imported block = ImportText("slurm", "topology.yaml", blocks);
    ASSERT_TRUE(block.ok) << block.Problems();
    EXPECT_EQ(block.topology().nodes.size(), 8u + 3);
    EXPECT_EQ(block.topology().links.size(), 16u);
    EXPECT_NE(FindNode(block.topology(), "blocks-top"), nullptr);
    EXPECT_TRUE(block.HasNote("a switch per block"));
    ExpectExpands(block.topology());

    std::string flat = "- topology: all\n  cluster_default: true\n  flat: true\n";
    ExpectDiagnostic(ImportText("slurm", "topology.yaml", flat), 3, "flat topology");
    std::string bad = "- topology: t\n"
                      "  tree:\n"
                      "    switches:\n"
                      "    - switch: s1\n"
                      "      nodes: node[03-01]\n";
    ExpectDiagnostic(ImportText("slurm", "topology.yaml", bad), 5, "runs backwards");
    bad = "- topology: t\n  tree:\n    switches:\n    - nodes: n1\n";
    ExpectDiagnostic(ImportText("slurm", "topology.yaml", bad), 4, "required key");
}

TEST_F(TopologyImportTest, HpccTopologyTxt)
{
    Imported hpcc = ImportFile("hpcc", "hpcc-topology.txt");
    ASSERT_TRUE(hpcc.ok) << hpcc.Problems();
    const Topology& t = hpcc.topology();
    // host3 has no link and is dropped.
    EXPECT_EQ(Hosts(t), (std::vector<std::string>{"host0", "host1", "host2"}));
    EXPECT_EQ(t.nodes.size(), 5u);
    EXPECT_EQ(t.links.size(), 4u);
    EXPECT_TRUE(hpcc.HasNote("dropped 1 host(s) without links: host3"));
    const LinkSpec* link = FindLink(t, "host0", "sw4");
    EXPECT_EQ(link->rateBps, 100 * GBPS);
    EXPECT_EQ(link->delay, MicroSeconds(1));
    EXPECT_EQ(FindLink(t, "host2", "sw5")->delay, NanoSeconds(500));
    EXPECT_EQ(FindLink(t, "sw4", "sw5")->rateBps, 200 * GBPS);
    EXPECT_TRUE(hpcc.HasNote("error rates are not modelled"));
    EXPECT_FALSE(hpcc.HasNote("no link rates"));
    ExpectExpands(t);

    ExpectDiagnostic(ImportText("hpcc", "t.txt", "3 1 1\n2\n0 2 100Gbs 0.001ms 0\n"),
                     3,
                     "unknown unit");
    ExpectDiagnostic(ImportText("hpcc", "t.txt", "3 1 2\n2\n0 2 100Gbps 0.001ms 0\n"),
                     3,
                     "ends after 1 of 2 links");
    ExpectDiagnostic(ImportText("hpcc", "t.txt", "3 1 1\n7\n0 2 100Gbps 0.001ms 0\n"),
                     2,
                     "not a node id");
    Imported column = ImportText("hpcc", "t.txt", "3 1 1\n2\n0 2 100Gbps 1parsec 0\n");
    ASSERT_FALSE(column.diagnostics.empty());
    EXPECT_EQ(column.diagnostics[0].column, 13);
}

TEST_F(TopologyImportTest, SimAiServersAndNvlink)
{
    Imported simai = ImportFile("hpcc", "simai-topology.txt");
    ASSERT_TRUE(simai.ok) << simai.Problems();
    const Topology& t = simai.topology();
    // GPUs 0-1 and 2-3 form two servers; NVSwitches 4 and 5 are their NVLink domains.
    EXPECT_EQ(Hosts(t), (std::vector<std::string>{"server0", "server1"}));
    EXPECT_EQ(t.nodes.size(), 4u);
    EXPECT_EQ(t.links.size(), 5u);
    // GPU 1's NIC is server0's NIC 1, to switch 7.
    const LinkSpec* gpu1 = FindLink(t, "server0", "sw7");
    ASSERT_NE(gpu1, nullptr);
    EXPECT_EQ(gpu1->a, "server0:1");
    EXPECT_EQ(gpu1->rateBps, 400 * GBPS);
    EXPECT_EQ(gpu1->delay, NanoSeconds(500));
    const HostProfile& server = t.hostProfiles.at(FindNode(t, "server0")->profile);
    EXPECT_EQ(server.name, "h100-server-2nic");
    EXPECT_EQ(server.gpus, 2u);
    EXPECT_EQ(server.nics, 2u);
    EXPECT_EQ(server.nvlinkBps, 2880 * GBPS);
    EXPECT_EQ(server.nvlinkLatency, NanoSeconds(25));
    ExpectExpands(t);

    // An NVSwitch reaching GPUs of two servers.
    std::string bad = "6 2 1 1 5 A100\n4 5\n0 4 2400Gbps 0.000025ms 0\n2 4 2400Gbps 0.000025ms 0\n"
                      "0 5 100Gbps 0.0005ms 0\n1 5 100Gbps 0.0005ms 0\n2 5 100Gbps 0.0005ms 0\n";
    ExpectDiagnostic(ImportText("hpcc", "t.txt", bad), 4, "joins GPUs of servers 0 and 1");
    ExpectDiagnostic(ImportText("hpcc", "t.txt", "8 2 2 2 9\n"), 1, "first line");
}

/// Run \p script with Debian's python3 and NetworkX (scripts/setup installs both; a python3
/// earlier on PATH may lack the package).
bool
RunNetworkx(const std::string& script, const std::string& dir)
{
    std::string path = dir + "nsfab-networkx-test.py";
    std::ofstream(path) << script;
    auto run = nsfab_test::RunCommand("/usr/bin/python3 " + path + " 2>&1");
    EXPECT_EQ(run.status, 0) << run.output;
    return run.status == 0;
}

/// A fabric with kinds, rates with units, a delay and a latency, written by NetworkX as
/// node-link JSON with a 'links' key and an 'edges' key, and as GraphML.
const char* const NETWORKX_FABRIC = R"(
import json, sys
import networkx as nx
G = nx.Graph(name='nx-fabric')
G.add_node('s0', kind='switch')
G.add_node('s1', kind='switch')
for i in range(4):
    G.add_node('h%d' % i, kind='host')
G.add_edge('s0', 's1', rate='1.6Tbps', delay='100ns')
G.add_edge('h0', 's0', bandwidth='400Gbps', latency='1us')
G.add_edge('h1', 's0')
G.add_edge('h2', 's1')
G.add_edge('h3', 's1')
G.add_edge('h3', 's0')
# Degree decides the kinds here: 0, 3 and 4 have one link.
P = nx.Graph()
P.add_edges_from([(0, 1), (1, 2), (2, 3), (1, 4)], bandwidth=1e11)
def dump(graph, key, name):
    data = nx.node_link_data(graph)
    data[key] = data.pop('links' if 'links' in data else 'edges')
    with open(DIR + name, 'w') as f:
        json.dump(data, f, indent=1)
)";

class NetworkxImportTest : public TopologyImportTest
{
  protected:
    void SetUp() override
    {
        // A folder per test: CTest runs the tests of this fixture at the same time.
        m_dir = testing::TempDir() + "nsfab-nx-" +
                testing::UnitTest::GetInstance()->current_test_info()->name() + "/";
        std::filesystem::create_directories(m_dir);
        std::string script = std::string("DIR = '") + m_dir + "'\n" + NETWORKX_FABRIC +
                             "dump(G, 'links', 'nsfab-nx-links.json')\n"
                             "dump(G, 'edges', 'nsfab-nx-edges.json')\n"
                             "dump(P, 'links', 'nsfab-nx-degree.json')\n"
                             "nx.write_graphml(G, DIR + 'nsfab-nx.graphml')\n";
        ASSERT_TRUE(RunNetworkx(script, m_dir)) << "NetworkX could not write the test files";
    }

    void TearDown() override
    {
        std::filesystem::remove_all(m_dir);
        TopologyImportTest::TearDown();
    }

    /// The fabric, imported from one of the files the script wrote.
    void ExpectFabric(const std::string& format, const std::string& file)
    {
        std::string path = m_dir + file;
        Imported nx = ImportText(format, path, ReadFile(path));
        ASSERT_TRUE(nx.ok) << file << "\n" << nx.Problems();
        const Topology& t = nx.topology();
        EXPECT_EQ(t.nodes.size(), 6u) << file;
        EXPECT_EQ(t.links.size(), 6u) << file;
        EXPECT_EQ(Hosts(t), (std::vector<std::string>{"h0", "h1", "h2", "h3"})) << file;
        const LinkSpec* spine = FindLink(t, "s0", "s1");
        ASSERT_NE(spine, nullptr);
        EXPECT_EQ(spine->rateBps, 1600 * GBPS);
        EXPECT_EQ(spine->delay, NanoSeconds(100));
        EXPECT_EQ(FindLink(t, "h0", "s0")->rateBps, 400 * GBPS);
        EXPECT_EQ(FindLink(t, "h0", "s0")->delay, MicroSeconds(1));
        EXPECT_EQ(FindLink(t, "h1", "s0")->rateBps, 800 * GBPS);
        EXPECT_EQ(FindNode(t, "h3")->profile, "host-2nic");
        EXPECT_EQ(FindNode(t, "s0")->profile, "spectrum-4-1600Gbps");
        EXPECT_TRUE(nx.HasNote("4 of 6 links have no rate in the file: 800Gbps")) << file;
        ExpectExpands(t);
    }

    std::string m_dir;
};

TEST_F(NetworkxImportTest, NodeLinkJsonWithLinksOrEdgesKey)
{
    ExpectFabric("networkx", "nsfab-nx-links.json");
    ExpectFabric("networkx", "nsfab-nx-edges.json");
    for (const char* file : {"nsfab-nx-links.json", "nsfab-nx-edges.json"})
    {
        std::string text = ReadFile(m_dir + file);
        EXPECT_TRUE(Importer("networkx")->Detect(file, text));
        EXPECT_FALSE(Importer("netlab")->Detect(file, text));
        EXPECT_FALSE(Importer("astra-sim")->Detect(file, text));
    }
}

TEST_F(NetworkxImportTest, GraphmlWrittenByNetworkx)
{
    ExpectFabric("graphml", "nsfab-nx.graphml");
}

TEST_F(NetworkxImportTest, KindsFromDegreeAndBareNumbers)
{
    std::string path = m_dir + "nsfab-nx-degree.json";
    Imported nx = ImportText("networkx", path, ReadFile(path));
    ASSERT_TRUE(nx.ok) << nx.Problems();
    EXPECT_EQ(Hosts(nx.topology()), (std::vector<std::string>{"0", "3", "4"}));
    EXPECT_TRUE(nx.HasNote("5 node(s) have no kind attribute"));
    EXPECT_EQ(FindLink(nx.topology(), "1", "2")->rateBps, 100 * GBPS); // 1e11 bit/s
    EXPECT_TRUE(nx.HasNote("SI units"));
    ExpectExpands(nx.topology());
}

TEST_F(TopologyImportTest, NetworkxDiagnostics)
{
    std::string text = "{\"nodes\": [{\"id\": \"a\"},\n"
                       "  {\"id\": \"b\"}],\n"
                       " \"links\": [{\"source\": \"a\", \"target\": \"b\"},\n"
                       "   {\"source\": \"a\", \"target\": \"zz\"}]}\n";
    // The second link names no node; its place is found in the JSON text.
    Imported unknown = ImportText("networkx", "g.json", text);
    ASSERT_EQ(unknown.diagnostics.size(), 1u) << unknown.Problems();
    EXPECT_EQ(unknown.diagnostics[0].column, 4);
    ExpectDiagnostic(unknown, 4, "unknown node 'zz'");
    ExpectDiagnostic(ImportText("networkx", "g.json", "{\"nodes\": [\n  {\"id\": 1,}\n]}"),
                     2,
                     "JSON syntax");
    ExpectDiagnostic(ImportText("networkx",
                                "g.json",
                                "{\"nodes\": [{\"id\": 1, \"kind\": \"toaster\"}], "
                                "\"links\": []}"),
                     1,
                     "is not host or switch");
}

TEST_F(TopologyImportTest, GraphmlKeysAndDefaults)
{
    Imported graphml = ImportFile("graphml", "leaf-spine.graphml");
    ASSERT_TRUE(graphml.ok) << graphml.Problems();
    const Topology& t = graphml.topology();
    EXPECT_EQ(t.nodes.size(), 6u);
    EXPECT_EQ(t.links.size(), 5u);
    EXPECT_EQ(Hosts(t), (std::vector<std::string>{"gpu0", "gpu1", "gpu2"})); // key default
    EXPECT_EQ(FindLink(t, "leaf0", "spine")->rateBps, 1600 * GBPS);
    EXPECT_EQ(FindLink(t, "leaf0", "spine")->delay, NanoSeconds(50)); // key default
    EXPECT_EQ(FindLink(t, "gpu2", "leaf1")->delay, MicroSeconds(1));
    EXPECT_EQ(FindLink(t, "gpu0", "leaf0")->rateBps, 800 * GBPS);
    EXPECT_TRUE(graphml.HasNote("3 of 5 links have no rate in the file"));
    EXPECT_FALSE(graphml.HasNote("delay"));
    ExpectExpands(t);

    std::string bad = "<graphml>\n<graph>\n<node id=\"a\"/>\n<node id=\"s\"/>\n"
                      "<edge source=\"a\" target=\"s\"/>\n<edge source=\"s\" target=\"q\"/>\n"
                      "</graph>\n</graphml>\n";
    ExpectDiagnostic(ImportText("graphml", "g.graphml", bad), 6, "unknown node 'q'");
    ExpectDiagnostic(ImportText("graphml",
                                "g.graphml",
                                "<graphml>\n<graph>\n<node id=a/>\n</graph>\n</graphml>\n"),
                     3,
                     "XML syntax");
}

/// A small leaf-spine graph by hand: two hosts, two leaves, a spine.
FabricGraph
HandGraph()
{
    auto host = std::make_shared<HostProfile>();
    host->name = "host";
    auto spectrum = std::make_shared<SwitchProfile>();
    spectrum->name = "spectrum-4";
    auto fiber = std::make_shared<LinkProfile>();
    fiber->name = "fiber-2m";
    FabricGraph graph;
    graph.name = "hand <&> made";
    graph.hostProfiles = {host};
    graph.switchProfiles = {spectrum};
    graph.linkProfiles = {fiber};
    auto node = [&graph](std::string name, FabricGraph::Kind kind, uint8_t tier, uint32_t ports) {
        FabricGraph::Node n;
        n.name = std::move(name);
        n.kind = kind;
        n.tier = tier;
        n.ports = ports;
        n.plane = kind == FabricGraph::SWITCH ? 0 : FabricGraph::NONE;
        graph.nodes.push_back(n);
    };
    node("host0", FabricGraph::HOST, 0, 1);
    node("host1", FabricGraph::HOST, 0, 1);
    node("leaf0", FabricGraph::SWITCH, 1, 2);
    node("leaf1", FabricGraph::SWITCH, 1, 2);
    node("spine0", FabricGraph::SWITCH, 2, 2);
    auto link = [&graph](uint32_t a, uint32_t aPort, uint32_t b, uint32_t bPort, uint64_t gbps) {
        graph.links.push_back(FabricGraph::Link{a,
                                                b,
                                                aPort,
                                                bPort,
                                                0,
                                                gbps * GBPS,
                                                NanoSeconds(10) + PicoSeconds(5)});
    };
    link(0, 0, 2, 0, 400);
    link(1, 0, 3, 0, 400);
    link(2, 1, 4, 0, 800);
    link(3, 1, 4, 1, 800);
    return graph;
}

TEST_F(TopologyImportTest, GraphmlExportReadsBack)
{
    // An imported, expanded topology written as GraphML and imported again: the same nodes and
    // links, ports, rates and delays.
    Imported source = ImportFile("hpcc", "simai-topology.txt");
    ASSERT_TRUE(source.ok) << source.Problems();
    FabricGraph graph = ExpectExpands(source.topology());
    std::string xml = WriteGraphml(graph);
    EXPECT_TRUE(Importer("graphml")->Detect("out.xml", xml));
    Imported back = ImportText("graphml", "out.graphml", xml);
    ASSERT_TRUE(back.ok) << back.Problems();
    EXPECT_FALSE(back.HasNote("no link rates"));
    FabricGraph again = ExpectExpands(back.topology());
    ASSERT_EQ(again.nodes.size(), graph.nodes.size());
    for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    {
        EXPECT_EQ(again.nodes[i].name, graph.nodes[i].name);
        EXPECT_EQ(again.nodes[i].kind, graph.nodes[i].kind);
    }
    ASSERT_EQ(again.links.size(), graph.links.size());
    for (std::size_t i = 0; i < graph.links.size(); ++i)
    {
        const auto& x = graph.links[i];
        const auto& y = again.links[i];
        EXPECT_EQ(again.nodes[y.a].name, graph.nodes[x.a].name);
        EXPECT_EQ(again.nodes[y.b].name, graph.nodes[x.b].name);
        EXPECT_EQ(y.aPort, x.aPort);
        EXPECT_EQ(y.bPort, x.bPort);
        EXPECT_EQ(y.rateBps, x.rateBps);
        EXPECT_EQ(y.delay, x.delay);
    }
}

TEST_F(TopologyImportTest, GraphmlExportOfAHandMadeGraph)
{
    FabricGraph graph = HandGraph();
    std::string xml = WriteGraphml(graph);
    EXPECT_NE(xml.find("<graph id=\"hand &lt;&amp;&gt; made\" edgedefault=\"undirected\">"),
              std::string::npos);
    EXPECT_NE(xml.find("<data key=\"delay_ps\">10005</data>"), std::string::npos);
    EXPECT_NE(xml.find("<data key=\"rate_bps\">400000000000</data>"), std::string::npos);
    Imported back = ImportText("graphml", "hand.graphml", xml);
    ASSERT_TRUE(back.ok) << back.Problems();
    const Topology& t = back.topology();
    EXPECT_EQ(t.nodes.size(), 5u);
    EXPECT_EQ(Hosts(t), (std::vector<std::string>{"host0", "host1"}));
    ASSERT_EQ(t.links.size(), 4u);
    EXPECT_EQ(t.links[2].a, "leaf0:1");
    EXPECT_EQ(t.links[2].b, "spine0:0");
    EXPECT_EQ(t.links[0].delay, PicoSeconds(10005));
    EXPECT_EQ(t.links[0].rateBps, 400 * GBPS);
}

TEST_F(TopologyImportTest, DotExport)
{
    FabricGraph graph = HandGraph();
    std::string dot = WriteDot(graph);
    EXPECT_EQ(dot.rfind("graph \"hand <&> made\" {", 0), 0u) << dot;
    EXPECT_NE(dot.find("\"host0\" [shape=box];"), std::string::npos);
    EXPECT_NE(dot.find("\"spine0\";"), std::string::npos);
    EXPECT_NE(dot.find("{ rank=same; \"host0\"; \"host1\"; }"), std::string::npos);
    EXPECT_NE(dot.find("{ rank=same; \"leaf0\"; \"leaf1\"; }"), std::string::npos);
    EXPECT_NE(dot.find("{ rank=same; \"spine0\"; }"), std::string::npos);
    // One edge per link.
    std::size_t edges = 0;
    for (std::size_t at = dot.find(" -- "); at != std::string::npos; at = dot.find(" -- ", at + 1))
    {
        ++edges;
    }
    EXPECT_EQ(edges, 4u);
    EXPECT_NE(dot.find("\"leaf1\" -- \"spine0\";"), std::string::npos);
    // Graphviz itself accepts it, when installed.
    if (nsfab_test::RunCommand("command -v dot >/dev/null").status == 0)
    {
        std::string path = testing::TempDir() + "nsfab-export.dot";
        std::ofstream(path) << dot;
        EXPECT_EQ(nsfab_test::RunCommand("dot -Tsvg " + path + " >/dev/null 2>&1").status, 0);
    }
}

} // namespace
