/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "scenario-runner.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/data-rate.h"
#include "ns3/enum.h"
#include "ns3/fabric-pcap.h"
#include "ns3/rdma-helper.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
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
} // namespace

RunResult
RunScenario(const Scenario& s, const std::string& pcapDir)
{
    NS_ABORT_MSG_IF(!s.pcap.empty() && pcapDir.empty(), "RunScenario: captures need a folder");
    RngSeedManager::SetSeed(s.seed);
    RngSeedManager::SetRun(1);

    DataRate rate(s.linkBps);
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
    FatTreeHelper helper;
    helper.SetNicAttribute("DataRate", DataRateValue(rate));
    helper.SetNicAttribute("PayloadMtu", UintegerValue(s.mtu));
    helper.SetNicAttribute("QueuePairFactory", ObjectFactoryValue(qpFactory));
    helper.SetSwitchPortAttribute("DataRate", DataRateValue(rate));
    helper.SetSwitchAttribute("PipelineLatency", TimeValue(s.switchLatency));
    helper.SetLinkDelay(s.linkDelay);
    helper.SetEcmpSeed(s.seed);
    helper.SetLoadBalancer(s.loadBalancer);
    FatTree tree = helper.Build(s.shape);
    // Fixed streams: the switches' random draws (ECN marking) depend only on the seed.
    tree.AssignStreams(0);

    RunResult result;
    result.flows.resize(s.flows.size());
    uint32_t pending = static_cast<uint32_t>(s.flows.size());
    std::vector<FlowTracker> trackers(s.flows.size());
    for (std::size_t i = 0; i < s.flows.size(); ++i)
    {
        const FlowSpec& spec = s.flows[i];
        trackers[i] = FlowTracker{&pending, &result.flows[i], false, false};
        result.flows[i].start = spec.start;
        auto [sender, receiver] =
            RdmaHelper::Connect(tree.nics[spec.srcHost], tree.nics[spec.dstHost]);
        sender->TraceConnectWithoutContext("SendComplete",
                                           MakeBoundCallback(&OnSendComplete, &trackers[i]));
        receiver->TraceConnectWithoutContext("RecvComplete",
                                             MakeBoundCallback(&OnRecvComplete, &trackers[i]));
        Simulator::Schedule(spec.start, &RdmaQueuePair::PostSend, sender, spec.bytes);
    }
    for (const auto& name : s.pcap)
    {
        Ptr<Node> node = tree.FindNode(name);
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

    result.nicFrames = tree.GetNicTxFrames();
    result.packetHops = tree.GetTxFrames();
    Simulator::Destroy();
    return result;
}

} // namespace ns3
