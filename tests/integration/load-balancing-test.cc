/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/fabric-channel.h"
#include "ns3/load-balancer.h"
#include "ns3/node.h"
#include "ns3/packet.h"

#include <numeric>

using namespace ns3;
using namespace nsfab_test;

namespace
{
/// Four idle ports on one node, for choosing among.
std::vector<Ptr<FabricSwitchPort>>
Ports()
{
    Ptr<Node> node = CreateObject<Node>();
    std::vector<Ptr<FabricSwitchPort>> ports;
    for (int i = 0; i < 4; ++i)
    {
        ports.push_back(CreateObject<FabricSwitchPort>());
        node->AddDevice(ports.back());
    }
    return ports;
}

/// The candidate ports 0..3.
const uint32_t ALL4[] = {0, 1, 2, 3};

RoceHeader
Flow(uint16_t sourcePort)
{
    RoceHeader h;
    h.SetSource(0x0A000001);
    h.SetDestination(0x0A000102);
    h.SetSourcePort(sourcePort);
    h.SetDscp(26);
    return h;
}
} // namespace

TEST_F(FabricTest, EcmpKeepsAFlowOnOnePortAndSprayCycles)
{
    auto ports = Ports();
    Ptr<EcmpLoadBalancer> ecmp = CreateObject<EcmpLoadBalancer>();
    Ptr<SprayLoadBalancer> spray = CreateObject<SprayLoadBalancer>();
    uint32_t first = ecmp->Choose(Flow(0xC001), ALL4, 4, ports);
    std::vector<int> hits(4);
    for (int i = 0; i < 100; ++i)
    {
        EXPECT_EQ(ecmp->Choose(Flow(0xC001), ALL4, 4, ports), first);
        EXPECT_EQ(spray->Choose(Flow(0xC001), ALL4, 4, ports), uint32_t(i % 4));
    }
    for (uint16_t sport = 0; sport < 400; ++sport)
    {
        ++hits[ecmp->Choose(Flow(0xC000 + sport), ALL4, 4, ports)];
    }
    for (int h : hits)
    {
        // 400 flows over 4 ports: mean 100, standard deviation sqrt(400 * 1/4 * 3/4) = 8.7;
        // +-40 is beyond 4.5 standard deviations.
        EXPECT_NEAR(h, 100, 40);
    }
}

TEST_F(FabricTest, AdaptivePicksTheLeastLoadedPort)
{
    auto ports = Ports();
    Ptr<Node> peerNode = CreateObject<Node>();
    for (auto& port : ports)
    {
        Ptr<FabricNetDevice> peer = CreateObject<FabricNetDevice>();
        peerNode->AddDevice(peer);
        Ptr<FabricChannel> link = CreateObject<FabricChannel>();
        port->Attach(link);
        peer->Attach(link);
    }
    // Ports 0, 1, 3 hold 3, 2 and 1 queued frames behind the one on the wire; port 2 is busy
    // with one frame and has nothing queued: it is the least loaded.
    const int queued[] = {4, 3, 1, 2};
    for (int p = 0; p < 4; ++p)
    {
        for (int k = 0; k < queued[p]; ++k)
        {
            RoceHeader h = Flow(1);
            Ptr<Packet> frame = Create<Packet>(h.SetPayload(4096));
            frame->AddHeader(h);
            ports[p]->Enqueue(frame, 3);
        }
    }
    Ptr<AdaptiveLoadBalancer> adaptive = CreateObject<AdaptiveLoadBalancer>();
    for (int i = 0; i < 8; ++i)
    {
        EXPECT_EQ(adaptive->Choose(Flow(uint16_t(i)), ALL4, 4, ports), 2u);
    }
    // Between ports 0 and 1 alone, port 1 (two frames queued) is the less loaded.
    EXPECT_EQ(adaptive->Choose(Flow(1), ALL4, 2, ports), 1u);
}

namespace
{
void
CountData(uint64_t* frames, Ptr<const Packet> p)
{
    *frames += p->GetSize() > 1000 ? 1 : 0;
}

void
Snapshot(const uint64_t* frames, uint64_t* at)
{
    *at = *frames;
}

/// Share of the ideal goodput a saturated permutation reaches on a non-blocking k=8 3-tier
/// fat-tree (128 hosts; every flow crosses the core), measured at the receivers between 10
/// and 50 us.
double
PermutationShare(const std::string& balancer, uint32_t seed)
{
    FatTreeHelper helper;
    helper.SetLoadBalancer(balancer);
    helper.SetEcmpSeed(seed);
    FatTree tree = helper.Build(FatTreeShape{3, 8, 0, 0});
    uint32_t hosts = tree.GetNHosts();
    uint64_t frames = 0;
    for (uint32_t i = 0; i < hosts; ++i)
    {
        tree.nics[i]->TraceConnectWithoutContext("MacRx", MakeBoundCallback(&CountData, &frames));
        auto qps = RdmaHelper::Connect(tree.nics[i], tree.nics[(i + hosts / 2) % hosts]);
        qps.first->PostSend(uint64_t(1) << 30);
    }
    uint64_t start = 0;
    uint64_t end = 0;
    Simulator::Schedule(MicroSeconds(10), &Snapshot, &frames, &start);
    Simulator::Schedule(MicroSeconds(50), &Snapshot, &frames, &end);
    Simulator::Stop(MicroSeconds(50) + NanoSeconds(1));
    Simulator::Run();
    Simulator::Destroy();
    // Ideal: every host receives a full frame every 41.78 ns.
    double ideal = hosts * 40e-6 / 41.78e-9;
    return (end - start) / ideal;
}
} // namespace

TEST_F(FabricTest, PermutationThroughputByLoadBalancer)
{
    // Per-flow ECMP lets flows collide on an uplink (two hosts of a leaf pick the same one of
    // its four uplinks, and again at the aggregation switches), and colliding flows share one
    // 800 Gb/s link: the permutation reaches well below the bisection. Spraying and adaptive
    // routing spread every packet, so they reach the senders' own bound: each NIC link also
    // carries an 84-byte ACK per 4178-byte frame, 4178 / 4262 = 98.0 % of the ideal.
    double ecmp = 0;
    for (uint32_t seed = 1; seed <= 2; ++seed)
    {
        double share = PermutationShare("ns3::EcmpLoadBalancer", seed);
        EXPECT_LE(share, 1.0);
        ecmp += share / 2;
    }
    double spray = PermutationShare("ns3::SprayLoadBalancer", 1);
    double adaptive = PermutationShare("ns3::AdaptiveLoadBalancer", 1);
    double flowlet = PermutationShare("ns3::FlowletLoadBalancer", 1);
    std::cout << "permutation share of ideal: ecmp " << ecmp << " spray " << spray << " adaptive "
              << adaptive << " flowlet " << flowlet << "\n";
    EXPECT_LT(ecmp, 0.85);
    const double senderBound = 4178.0 / (4178 + 84);
    for (double share : {spray, adaptive})
    {
        EXPECT_GE(share, 0.90);
        EXPECT_LE(share, senderBound + 0.001);
    }
    EXPECT_LE(flowlet, senderBound + 0.001);
}
