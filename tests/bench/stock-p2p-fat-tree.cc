/*
 * Baseline for the fabric benchmark: a k-ary fat-tree built from stock ns-3
 * point-to-point links, IPv4 global routing with ECMP and saturating UDP
 * traffic of the same workload (bench-workload.h: permutation or incast).
 * Reports simulator throughput in packet-hops per wall-clock second.
 *
 * Output (one line on stdout):
 *   model=stock-ns3 k=.. hosts=.. sim_time_us=.. packet_hops=.. events=..
 *   alloc_bytes=.. alloc_blocks=.. wall_s=.. hops_per_s=.. peak_rss_mib=..
 */

#include "alloc-counter.h"
#include "bench-workload.h"

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <sys/resource.h>
#include <vector>

using namespace ns3;

namespace
{

uint64_t g_packetHops = 0;

// One call per frame that left a device, i.e. one packet-hop.
void
CountHop(Ptr<const Packet>)
{
    ++g_packetHops;
}

} // namespace

int
main(int argc, char* argv[])
{
    Time::SetResolution(Time::PS);
    // The event scheduler the fabric model uses, so that the comparison is of the data paths.
    GlobalValue::Bind("SchedulerType", StringValue("ns3::PriorityQueueScheduler"));

    uint32_t k = 8;
    std::string rate = "800Gbps";
    std::string delay = "50ns";
    std::string simTimeStr = "50us";
    std::string workload = "permutation";
    uint32_t senders = 16;
    const uint32_t payload = 4096;
    const uint16_t port = 9;

    CommandLine cmd(__FILE__);
    cmd.AddValue("k", "Fat-tree radix (even)", k);
    cmd.AddValue("rate", "Link data rate", rate);
    cmd.AddValue("delay", "Link propagation delay", delay);
    cmd.AddValue("simTime", "Simulated duration", simTimeStr);
    cmd.AddValue("workload", "permutation or incast", workload);
    cmd.AddValue("senders", "Incast senders", senders);
    cmd.Parse(argc, argv);

    NS_ABORT_MSG_IF(k < 2 || k % 2 != 0, "k must be even and >= 2");
    const Time simTime(simTimeStr);
    const uint32_t half = k / 2;
    const uint32_t nHosts = k * half * half;

    // Per-packet random choice among equal-cost next hops.
    Config::SetDefault("ns3::Ipv4GlobalRouting::RandomEcmpRouting", BooleanValue(true));

    NodeContainer hosts;
    NodeContainer edges;
    NodeContainer aggs;
    NodeContainer cores;
    hosts.Create(nHosts);
    edges.Create(k * half);
    aggs.Create(k * half);
    cores.Create(half * half);

    InternetStackHelper stack;
    stack.InstallAll();

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue(rate));
    // Jumbo frames so a 4096-byte datagram is one frame rather than three IP fragments.
    p2p.SetDeviceAttribute("Mtu", UintegerValue(9000));
    p2p.SetChannelAttribute("Delay", StringValue(delay));
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("1000p"));
    // Without flow control no queue disc gets installed, so the DropTail device queue is the
    // only queue on the path.
    p2p.DisableFlowControl();

    Ipv4AddressHelper addr;
    addr.SetBase("10.0.0.0", "255.255.255.252");
    std::vector<Ipv4Address> hostAddr(nHosts);

    // One /30 subnet per link.
    auto connect = [&](Ptr<Node> a, Ptr<Node> b) {
        NetDeviceContainer devs = p2p.Install(a, b);
        Ipv4InterfaceContainer ifs = addr.Assign(devs);
        addr.NewNetwork();
        return ifs;
    };

    for (uint32_t pod = 0; pod < k; ++pod)
    {
        for (uint32_t e = 0; e < half; ++e)
        {
            Ptr<Node> edge = edges.Get(pod * half + e);
            for (uint32_t h = 0; h < half; ++h)
            {
                uint32_t hostId = (pod * half + e) * half + h;
                hostAddr[hostId] = connect(hosts.Get(hostId), edge).GetAddress(0);
            }
            for (uint32_t u = 0; u < half; ++u)
            {
                connect(edge, aggs.Get(pod * half + u));
            }
        }
        for (uint32_t a = 0; a < half; ++a)
        {
            for (uint32_t u = 0; u < half; ++u)
            {
                connect(aggs.Get(pod * half + a), cores.Get(a * half + u));
            }
        }
    }

    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    // Saturate each host link: one frame (payload + UDP/IPv4/PPP headers) per line-rate slot.
    const uint32_t frameBytes = payload + 8 + 20 + 2;
    const Time interval = DataRate(rate).CalculateBytesTxTime(frameBytes);

    std::vector<bool> serving(nHosts, false);
    for (auto [i, dst] : BenchFlows(workload, nHosts, senders))
    {
        if (!serving[dst])
        {
            UdpServerHelper server(port);
            ApplicationContainer sa = server.Install(hosts.Get(dst));
            sa.Start(Seconds(0));
            serving[dst] = true;
        }

        UdpClientHelper client(hostAddr[dst], port);
        client.SetAttribute("MaxPackets", UintegerValue(std::numeric_limits<uint32_t>::max()));
        client.SetAttribute("Interval", TimeValue(interval));
        client.SetAttribute("PacketSize", UintegerValue(payload));
        ApplicationContainer ca = client.Install(hosts.Get(i));
        ca.Start(Seconds(0));
        ca.Stop(simTime);
    }

    for (auto it = NodeList::Begin(); it != NodeList::End(); ++it)
    {
        for (uint32_t d = 0; d < (*it)->GetNDevices(); ++d)
        {
            Ptr<PointToPointNetDevice> dev =
                DynamicCast<PointToPointNetDevice>((*it)->GetDevice(d));
            if (dev)
            {
                dev->TraceConnectWithoutContext("PhyTxEnd", MakeCallback(&CountHop));
            }
        }
    }

    Simulator::Stop(simTime);
    const AllocCount allocBefore = GetAllocCount();
    auto start = std::chrono::steady_clock::now();
    Simulator::Run();
    auto stop = std::chrono::steady_clock::now();
    const AllocCount allocAfter = GetAllocCount();

    const double wallS = std::chrono::duration<double>(stop - start).count();
    const uint64_t events = Simulator::GetEventCount();

    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    const double rssMib = usage.ru_maxrss / 1024.0; // ru_maxrss is in KiB on Linux

    std::printf("model=stock-ns3 k=%u hosts=%u sim_time_us=%g packet_hops=%llu events=%llu "
                "alloc_bytes=%llu alloc_blocks=%llu wall_s=%.3f hops_per_s=%.0f "
                "peak_rss_mib=%.0f\n",
                k,
                nHosts,
                simTime.ToDouble(Time::US),
                static_cast<unsigned long long>(g_packetHops),
                static_cast<unsigned long long>(events),
                static_cast<unsigned long long>(allocAfter.bytes - allocBefore.bytes),
                static_cast<unsigned long long>(allocAfter.blocks - allocBefore.blocks),
                wallS,
                wallS > 0 ? g_packetHops / wallS : 0.0,
                rssMib);

    Simulator::Destroy();
    return 0;
}
