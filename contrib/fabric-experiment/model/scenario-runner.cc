/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "scenario-runner.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/fabric-pcap.h"
#include "ns3/nvlink-domain.h"
#include "ns3/rdma-helper.h"
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
struct FlowTracker
{
    uint32_t* pending; //!< flows not yet complete
    FlowResult* flow;
    bool sent;
    bool received;
};

void
FinishFlow(FlowTracker* t)
{
    if (t->sent && t->received)
    {
        t->flow->completed = true;
        if (--*t->pending == 0)
        {
            Simulator::Stop();
        }
    }
}

void
OnSendComplete(FlowTracker* t, const RdmaCompletion& c)
{
    t->flow->senderEnd = c.end;
    t->sent = true;
    FinishFlow(t);
}

void
OnRecvComplete(FlowTracker* t, const RdmaCompletion& c)
{
    t->flow->receiverStart = c.start;
    t->flow->receiverEnd = c.end;
    t->received = true;
    FinishFlow(t);
}

void
PostSend(Ptr<RdmaQueuePair> sender, uint64_t bytes)
{
    sender->PostSend(bytes);
}

/// The whole flow has crossed NVLink: nothing to acknowledge.
void
OnNvlinkComplete(FlowTracker* t)
{
    t->flow->senderEnd = Simulator::Now();
    t->flow->receiverEnd = Simulator::Now();
    t->sent = true;
    t->received = true;
    FinishFlow(t);
}

/// Flow \p t crosses NVLink alone, from GPU \p src to GPU \p dst.
void
StartNvlinkFlow(Ptr<NvlinkDomain> nvlink,
                uint32_t src,
                uint32_t dst,
                uint64_t bytes,
                FlowTracker* t)
{
    NvlinkDomain::Timing timing =
        nvlink->Transfer(src, dst, bytes, MakeBoundCallback(&OnNvlinkComplete, t));
    t->flow->receiverStart = timing.firstByte;
}

/// Flow of \p bytes reaches the GPU of the NIC that sends it into the fabric over NVLink
/// first; then that NIC's queue pair sends it.
void
StartRelayedFlow(Ptr<NvlinkDomain> nvlink,
                 uint32_t src,
                 uint32_t relay,
                 uint64_t bytes,
                 Ptr<RdmaQueuePair> sender)
{
    nvlink->Transfer(src, relay, bytes, MakeBoundCallback(&PostSend, sender, bytes));
}
} // namespace

RunResult
RunScenario(const Scenario& s, const std::string& pcapDir)
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

    RunResult result;
    result.flows.resize(s.flows.size());
    uint32_t pending = static_cast<uint32_t>(s.flows.size());
    std::vector<FlowTracker> trackers(s.flows.size());
    for (std::size_t i = 0; i < s.flows.size(); ++i)
    {
        const FlowSpec& spec = s.flows[i];
        trackers[i] = FlowTracker{&pending, &result.flows[i], false, false};
        result.flows[i].start = spec.start;
        uint32_t srcGpu = fabric.GetGpuOfNic(spec.srcNode, spec.srcNic);
        if (spec.fabricNic == FabricGraph::NONE)
        {
            Simulator::Schedule(spec.start,
                                &StartNvlinkFlow,
                                fabric.GetNvlink(spec.srcNode),
                                srcGpu,
                                fabric.GetGpuOfNic(spec.dstNode, spec.dstNic),
                                spec.bytes,
                                &trackers[i]);
            continue;
        }
        auto [sender, receiver] = RdmaHelper::Connect(fabric.GetNic(spec.srcNode, spec.fabricNic),
                                                      fabric.GetNic(spec.dstNode, spec.dstNic));
        sender->TraceConnectWithoutContext("SendComplete",
                                           MakeBoundCallback(&OnSendComplete, &trackers[i]));
        receiver->TraceConnectWithoutContext("RecvComplete",
                                             MakeBoundCallback(&OnRecvComplete, &trackers[i]));
        uint32_t fabricGpu = fabric.GetGpuOfNic(spec.srcNode, spec.fabricNic);
        if (fabricGpu == srcGpu) // the GPU's own NIC
        {
            Simulator::Schedule(spec.start, &PostSend, sender, spec.bytes);
            continue;
        }
        Simulator::Schedule(spec.start,
                            &StartRelayedFlow,
                            fabric.GetNvlink(spec.srcNode),
                            srcGpu,
                            fabricGpu,
                            spec.bytes,
                            sender);
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
    auto wallStart = std::chrono::steady_clock::now();
    Simulator::Run();
    result.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    result.simTime = Simulator::Now();
    result.events = Simulator::GetEventCount();

    result.nicFrames = fabric.GetNicTxFrames();
    result.packetHops = fabric.GetTxFrames();
    Simulator::Destroy();
    return result;
}

} // namespace ns3
