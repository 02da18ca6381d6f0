/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The full-scale smoke test: the reference cluster built into ns-3 objects, and one message
// across it. Labelled "scale" in CTest: it takes about a minute and 3 GB.
#include "fabric-test.h"

#include "ns3/fabric-units.h"
#include "ns3/scenario-runner.h"
#include "ns3/scenario.h"
#include "ns3/topology-helper.h"
#include "ns3/topology-reader.h"

#include <filesystem>
#include <fstream>
#include <unordered_set>

using namespace ns3;
using namespace nsfab_test;

TEST_F(FabricTest, AMessageCrossesTheReferenceClusterBetweenRailsAndFarPods)
{
    // GPU 0 of the first server (rail0, pod 0) to GPU 7 of the last (rail7, pod 36): no
    // switch joins rail0 and rail7, so the message crosses NVLink to GPU 7 of host0 and goes
    // out on its rail7 NIC: leaf, aggregation, core, aggregation, leaf.
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("nsfab-scale-" + std::to_string(getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "s.yaml") << "topology: " NSFAB_SOURCE_DIR "/topologies/b200-37500.yaml\n"
                                  << "flows: [{src: host0:0, dst: host37499:7, size: 4KiB}]\n";
    std::vector<Diagnostic> d;
    Scenario s = LoadScenario((dir / "s.yaml").string(), d);
    fs::remove_all(dir);
    ASSERT_TRUE(d.empty()) << d[0].Format();
    const FabricGraph& graph = *s.graph;
    ASSERT_EQ(s.flows[0].fabricNic, 7u);

    // Where the ends sit: host37499 hangs from leaf 37499 / 32 = 1171 of rail7, which is leaf
    // 1171 % 32 = 19 of pod 1171 / 32 = 36, the last pod.
    uint32_t last = graph.Find("host37499");
    uint32_t leaf = FabricGraph::NONE;
    for (const auto& link : graph.links)
    {
        if (link.a == last && link.aPort == 7)
        {
            leaf = link.b;
        }
    }
    ASSERT_NE(leaf, FabricGraph::NONE);
    EXPECT_EQ(graph.nodes[leaf].name, "rail7.leaf1171");
    EXPECT_EQ(graph.nodes[leaf].pod, 36u);

    RunResult r = RunScenario(s, "");
    ASSERT_EQ(r.GetCompleted(), 1u);
    // One data frame and its ACK, each across the 6 links of the path.
    EXPECT_EQ(r.nicFrames, 2u);
    EXPECT_EQ(r.packetHops, 12u);
    // Idle path: NVLink (900 GB/s, 600 ns), then store and forward over 6 links of 800 Gb/s
    // (3 m of copper at each end, 50 m of fiber between switches, 5 ns/m) and 5 switches of
    // 500 ns.
    double nvlink = 4096 * 8 / 7.2e12 + 600e-9;
    double links = 6 * FrameSeconds(4096, 800e9) + 2 * 3 * 5e-9 + 4 * 50 * 5e-9;
    double expected = nvlink + links + 5 * 500e-9;
    EXPECT_NEAR(r.flows[0].GetFct().GetSeconds(), expected, 8e-12);
}

TEST_F(FabricTest, EveryNicOfTheReferenceClusterHasItsOwnAddress)
{
    std::vector<Diagnostic> d;
    auto loaded = LoadTopologyFile(NSFAB_SOURCE_DIR "/topologies/b200-37500.yaml", d);
    ASSERT_TRUE(loaded) << d[0].Format();
    Fabric fabric =
        TopologyHelper().Build(std::make_shared<const FabricGraph>(std::move(loaded->second)));
    ASSERT_EQ(fabric.nics.size(), 300000u);
    std::unordered_set<uint32_t> addresses;
    for (const auto& nic : fabric.nics)
    {
        addresses.insert(nic->GetFabricAddress());
    }
    EXPECT_EQ(addresses.size(), 300000u);
    // 8 planes of 1,172 leaves, 1,184 aggregation and 1,024 core switches.
    EXPECT_EQ(fabric.switches.size(), 8u * (1172 + 1184 + 1024));
}
