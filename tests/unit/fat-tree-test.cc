/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/fabric-switch.h"
#include "ns3/fat-tree-helper.h"

#include <set>
#include <tuple>

using namespace ns3;
using nsfab_test::FabricTest;

namespace
{
/// (tiers, radix, hosts per leaf or 0 for radix/2)
using ShapeParam = std::tuple<uint32_t, uint32_t, uint32_t>;

class FatTreeShapeTest : public FabricTest, public ::testing::WithParamInterface<ShapeParam>
{
  protected:
    FatTreeShape Shape() const
    {
        FatTreeShape s;
        std::tie(s.tiers, s.radix, s.hostsPerLeaf) = GetParam();
        return s;
    }
};

/// Follow the routing decisions of every switch from \p src until a NIC; returns it and the
/// number of switches crossed.
std::pair<Ptr<Cx8NetDevice>, uint32_t>
Walk(const FatTree& tree, uint32_t src, uint32_t dst, uint16_t sourcePort)
{
    RoceHeader h;
    h.SetSource(tree.nics[src]->GetFabricAddress());
    h.SetDestination(tree.nics[dst]->GetFabricAddress());
    h.SetSourcePort(sourcePort);
    Ptr<FabricNetDevice> at = tree.nics[src]->GetPeer();
    for (uint32_t switches = 1; switches <= 8; ++switches)
    {
        Ptr<FabricSwitch> sw = at->GetNode()->GetObject<FabricSwitch>();
        uint32_t out = sw->GetRouting()->Route(h, at->GetIfIndex());
        if (out >= sw->GetNPorts())
        {
            return {nullptr, switches};
        }
        Ptr<FabricNetDevice> next = sw->GetPort(out)->GetPeer();
        if (Ptr<Cx8NetDevice> nic = DynamicCast<Cx8NetDevice>(next))
        {
            return {nic, switches};
        }
        at = next;
    }
    return {nullptr, 0};
}
} // namespace

TEST_P(FatTreeShapeTest, CountsFollowTheFatTreeFormulas)
{
    FatTreeShape s = Shape();
    FatTree tree = FatTreeHelper().Build(s);
    uint64_t k = s.radix;
    uint64_t h = s.hostsPerLeaf ? s.hostsPerLeaf : k / 2;
    if (s.tiers == 2)
    {
        // k leaves of h hosts, k-h spines, every leaf linked once to every spine.
        EXPECT_EQ(tree.GetNHosts(), k * h);
        EXPECT_EQ(tree.tiers[0].size(), k);
        EXPECT_EQ(tree.tiers[1].size(), k - h);
        EXPECT_EQ(tree.links, k * h + k * (k - h));
    }
    else
    {
        // k pods of k/2 leaves and k/2 aggregation switches, (k/2)^2 cores.
        EXPECT_EQ(tree.GetNHosts(), k * k / 2 * h);
        EXPECT_EQ(tree.tiers[0].size(), k * k / 2);
        EXPECT_EQ(tree.tiers[1].size(), k * k / 2);
        EXPECT_EQ(tree.tiers[2].size(), k * k / 4);
        EXPECT_EQ(tree.links, k * k / 2 * h + k * k / 2 * (k / 2) + k * k / 4 * k);
    }
    EXPECT_EQ(tree.GetNHosts(), s.GetCount("host"));
    for (uint32_t t = 0; t < s.tiers; ++t)
    {
        EXPECT_EQ(tree.tiers[t].size(), s.GetCount(s.TierName(t)));
        for (const auto& sw : tree.tiers[t])
        {
            EXPECT_LE(sw->GetNPorts(), s.radix);
        }
    }
}

TEST_P(FatTreeShapeTest, AddressesEncodeThePlace)
{
    FatTreeShape s = Shape();
    FatTree tree = FatTreeHelper().Build(s);
    uint32_t h = s.hostsPerLeaf ? s.hostsPerLeaf : s.radix / 2;
    std::set<uint32_t> seen;
    for (uint32_t i = 0; i < tree.GetNHosts(); ++i)
    {
        uint32_t a = tree.nics[i]->GetFabricAddress();
        EXPECT_TRUE(seen.insert(a).second) << "duplicate address for host" << i;
        uint32_t leaf = i / h;
        EXPECT_EQ(tree.address.Get(a, FatTreeAddress::HOST), i % h);
        EXPECT_EQ(tree.address.Get(a, FatTreeAddress::LEAF), leaf % tree.leavesPerPod);
        EXPECT_EQ(tree.address.Get(a, FatTreeAddress::POD), leaf / tree.leavesPerPod);
        EXPECT_EQ(tree.FindNode("host" + std::to_string(i)), tree.hostNodes.Get(i));
    }
}

TEST_P(FatTreeShapeTest, EveryHostReachesEveryHostOnAShortestPath)
{
    FatTreeShape s = Shape();
    FatTree tree = FatTreeHelper().Build(s);
    uint32_t h = s.hostsPerLeaf ? s.hostsPerLeaf : s.radix / 2;
    uint32_t hostsPerPod = h * tree.leavesPerPod;
    for (uint32_t src = 0; src < tree.GetNHosts(); ++src)
    {
        for (uint32_t dst = 0; dst < tree.GetNHosts(); ++dst)
        {
            if (src == dst)
            {
                continue;
            }
            auto [nic, switches] = Walk(tree, src, dst, static_cast<uint16_t>(0xC000 + src));
            ASSERT_EQ(nic, tree.nics[dst]) << "host" << src << " -> host" << dst;
            // Up to the lowest common ancestor tier and back down.
            uint32_t expected = src / h == dst / h                       ? 1
                                : src / hostsPerPod == dst / hostsPerPod ? 3
                                                                         : 5;
            ASSERT_EQ(switches, expected) << "host" << src << " -> host" << dst;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes,
                         FatTreeShapeTest,
                         ::testing::Values(ShapeParam{2, 4, 0},
                                           ShapeParam{2, 8, 0},
                                           ShapeParam{2, 16, 12},
                                           ShapeParam{3, 4, 0},
                                           ShapeParam{3, 8, 0},
                                           ShapeParam{3, 8, 3}));

TEST_F(FabricTest, AddressesAreTheExpectedLiterals)
{
    // 3-tier, radix 8, 3 hosts per leaf: host field 2 bits, leaf-in-pod 2 bits, pod 3 bits.
    FatTree tree = FatTreeHelper().Build(FatTreeShape{3, 8, 3, 0});
    // host 7: leaf 2 (pod 0, leaf 2), port 1 -> 1 | 2 << 2 = 9.
    EXPECT_EQ(tree.nics[7]->GetFabricAddress(), (10u << 24) | 9u);
    // host 50: leaf 16 = pod 4, leaf 0, port 2 -> 2 | 0 << 2 | 4 << 4 = 66.
    EXPECT_EQ(tree.nics[50]->GetFabricAddress(), (10u << 24) | 66u);
    // 2-tier radix 16, 12 hosts per leaf (4 bits): host 100 = leaf 8, port 4 -> 4 | 8 << 4.
    Simulator::Destroy();
    FatTree leafSpine = FatTreeHelper().Build(FatTreeShape{2, 16, 12, 0});
    EXPECT_EQ(leafSpine.nics[100]->GetFabricAddress(), (10u << 24) | 132u);
}

TEST(FatTreeShape, ImpossibleShapesAreRejected)
{
    FatTreeShape s;
    s.tiers = 4;
    EXPECT_NE(s.Validate().find("tiers must be 2 or 3"), std::string::npos);
    s = FatTreeShape{2, 7, 0, 0};
    EXPECT_NE(s.Validate().find("even"), std::string::npos);
    s = FatTreeShape{2, 8, 8, 0};
    EXPECT_NE(s.Validate().find("too few uplinks"), std::string::npos);
    s = FatTreeShape{2, 8, 0, 9};
    EXPECT_NE(s.Validate().find("at most 8 leaves"), std::string::npos);
    s = FatTreeShape{3, 512, 0, 0}; // 512^3/4 hosts need 8 + 8 + 9 = 25 address bits
    EXPECT_NE(s.Validate().find("address bits"), std::string::npos);
    s = FatTreeShape{3, 64, 0, 0}; // the B200 plane: 65,536 hosts in 5 + 5 + 6 bits
    EXPECT_EQ(s.Validate(), "");
}

TEST(FatTreeShape, NodeNames)
{
    FatTreeShape s{3, 4, 0, 0};
    EXPECT_EQ(s.DescribeNames(), "host0..host15, leaf0..leaf7, agg0..agg7, core0..core3");
    std::string kind;
    uint64_t index = 0;
    EXPECT_TRUE(FatTreeShape::SplitName("core3", kind, index));
    EXPECT_EQ(kind, "core");
    EXPECT_EQ(index, 3u);
    EXPECT_FALSE(FatTreeShape::SplitName("core", kind, index));
    EXPECT_FALSE(FatTreeShape::SplitName("3", kind, index));
    EXPECT_FALSE(FatTreeShape::SplitName("core3x", kind, index));
    EXPECT_FALSE(FatTreeShape::SplitName("core03", kind, index)); // one name per node
    EXPECT_TRUE(FatTreeShape::SplitName("core0", kind, index));
}
