/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "scenario-runner.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/fabric-pcap.h"
#include "ns3/gpu-transport.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/topology-helper.h"
#include "ns3/uinteger.h"

#include <chrono>

namespace ns3
{

namespace
{
/// One flow's record and the count of flows still running.
struct FlowTracker
{
    uint32_t* pending;
    FlowResult* flow;
};

void
OnArrived(FlowTracker* t, const Delivery& d)
{
    t->flow->receiverStart = d.firstByte;
    t->flow->receiverEnd = d.arrived;
}

/// The sender learnt that the last byte arrived: the flow is complete.
void
OnAcked(FlowTracker* t, const Delivery& d)
{
    t->flow->senderEnd = d.acked;
    t->flow->completed = true;
    if (--*t->pending == 0)
    {
        Simulator::Stop();
    }
}

void
StartFlow(Ptr<GpuTransport> transport, const FlowSpec* spec, uint32_t id, FlowTracker* t)
{
    // Each flow has queue pairs of its own: a channel per flow.
    transport->SendBetweenNics(spec->srcNode,
                               spec->srcNic,
                               spec->dstNode,
                               spec->dstNic,
                               spec->bytes,
                               id,
                               MakeBoundCallback(&OnArrived, t),
                               MakeBoundCallback(&OnAcked, t));
}
} // namespace

RunResult
RunScenario(const Scenario& s, const std::string& pcapDir, ProgressReporter* progress)
{
    NS_ABORT_MSG_IF(!s.pcap.empty() && pcapDir.empty(), "RunScenario: captures need a folder");
    RngSeedManager::SetSeed(s.seed);
    RngSeedManager::SetRun(1);

    ObjectFactory cc(s.congestionControl);
    for (const auto& [name, value] : s.ccAttributes)
    {
        cc.Set(name, StringValue(value));
    }
    ObjectFactory qpFactory("ns3::RdmaQueuePair");
    qpFactory.Set("AckInterval", UintegerValue(s.ackInterval));
    qpFactory.Set("CongestionControl", ObjectFactoryValue(cc));
    qpFactory.Set("LossRecovery", EnumValue(s.lossRecovery));
    qpFactory.Set("OutOfOrderPlacement", BooleanValue(s.outOfOrderPlacement));
    qpFactory.Set("CnpInterval", TimeValue(s.cnpInterval));
    TopologyHelper helper;
    if (s.mtu != 0)
    {
        helper.SetNicAttribute("PayloadMtu", UintegerValue(s.mtu));
    }
    helper.SetNicAttribute("QueuePairFactory", ObjectFactoryValue(qpFactory));
    helper.SetEcmpSeed(s.seed);
    helper.SetLoadBalancer(s.loadBalancer);
    Fabric fabric = helper.Build(s.graph);
    // Fixed streams: the switches' random draws (ECN marking) depend only on the seed.
    fabric.AssignStreams(0);

    Ptr<GpuTransport> transport = CreateObject<GpuTransport>();
    transport->SetFabric(fabric);
    RunResult result;
    result.flows.resize(s.flows.size());
    uint32_t pending = static_cast<uint32_t>(s.flows.size());
    std::vector<FlowTracker> trackers(s.flows.size());
    for (uint32_t i = 0; i < s.flows.size(); ++i)
    {
        trackers[i] = FlowTracker{&pending, &result.flows[i]};
        result.flows[i].start = s.flows[i].start;
        Simulator::Schedule(s.flows[i].start, &StartFlow, transport, &s.flows[i], i, &trackers[i]);
    }
    for (const auto& name : s.pcap)
    {
        Ptr<Node> node = fabric.FindNode(name);
        for (uint32_t d = 0; d < node->GetNDevices(); ++d)
        {
            EnableFabricPcap(DynamicCast<FabricNetDevice>(node->GetDevice(d)),
                             pcapDir + "/" + name + "-" + std::to_string(d) + ".pcap");
        }
    }

    Simulator::Stop(s.stop);
    if (progress)
    {
        // Work done: the share of flows that have completed.
        progress->Start(s.stop, [&result, total = s.flows.size()]() {
            return double(result.GetCompleted()) / double(total);
        });
    }
    auto wallStart = std::chrono::steady_clock::now();
    Simulator::Run();
    result.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    result.simTime = Simulator::Now();
    result.events = Simulator::GetEventCount();
    if (progress)
    {
        progress->Finish();
        result.events -= progress->GetOwnEvents();
    }

    result.nicFrames = fabric.GetNicTxFrames();
    result.packetHops = fabric.GetTxFrames();
    Simulator::Destroy();
    return result;
}

} // namespace ns3
