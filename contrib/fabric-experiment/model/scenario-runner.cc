/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "scenario-runner.h"

#include "ideal-fct.h"

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
/// One flow's record and the count of flows and collectives still running.
struct FlowTracker
{
    uint32_t* pending;
    FlowResult* flow;
};

/// The collectives of a run: started at their time or when the one they follow completes.
struct CollectiveRunner
{
    const Scenario* scenario;
    Ptr<GpuTransport> transport;
    RunResult* result;
    uint32_t* pending;
    std::vector<std::vector<uint32_t>> followers; //!< by collective: those that start after it
    std::vector<Ptr<Collective>> running;         //!< by collective, while it runs
};

void StartCollective(CollectiveRunner* runner, uint32_t index);

void
ReleaseCollective(CollectiveRunner* runner, uint32_t index)
{
    runner->running[index] = nullptr; // its schedule is no longer needed
}

void
OnCollectiveComplete(CollectiveRunner* runner, uint32_t index, const CollectiveResult& r)
{
    CollectiveRun& run = runner->result->collectives[index];
    run.completed = true;
    run.result = r;
    // Not inside the collective's own trace: free it from the event loop.
    Simulator::ScheduleNow(&ReleaseCollective, runner, index);
    for (uint32_t next : runner->followers[index])
    {
        StartCollective(runner, next);
    }
    if (--*runner->pending == 0)
    {
        Simulator::Stop();
    }
}

void
StartCollective(CollectiveRunner* runner, uint32_t index)
{
    const CollectiveSpec& spec = runner->scenario->collectives[index];
    ObjectFactory factory;
    factory.SetTypeId(spec.algorithm);
    for (const auto& [name, value] : spec.attributes)
    {
        factory.Set(name, StringValue(value));
    }
    Ptr<Collective> c = CreateObject<Collective>();
    std::string problem = c->Setup(runner->transport,
                                   Communicator(spec.ranks),
                                   spec.op,
                                   spec.bytes,
                                   factory.Create<CollectiveAlgorithm>(),
                                   spec.root);
    // The scenario reader ran the same checks.
    NS_ABORT_MSG_UNLESS(problem.empty(), "collective " << index << ": " << problem);
    c->TraceConnectWithoutContext("Complete",
                                  MakeBoundCallback(&OnCollectiveComplete, runner, index));
    runner->running[index] = c;
    c->Start();
}

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

/// Where a port's records go.
struct PortRecorder
{
    RunResult* result;
    uint32_t node;
    uint32_t port;
};

void
OnPfcTx(PortRecorder* p, uint32_t priority, uint16_t quanta)
{
    p->result->pfc.push_back(PfcEvent{Simulator::Now(), p->node, p->port, priority, quanta > 0});
}

/// Sample the chosen ports' queues now and again after \p interval.
void
SampleQueues(RunResult* result,
             const std::vector<std::pair<HostPort, Ptr<FabricNetDevice>>>* ports,
             Time interval)
{
    for (const auto& [at, dev] : *ports)
    {
        result->queues.push_back(QueueSample{Simulator::Now(),
                                             at.node,
                                             at.index,
                                             dev->GetQueuedBytes(),
                                             dev->GetTxBytes()});
    }
    Simulator::Schedule(interval, &SampleQueues, result, ports, interval);
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
    result.collectives.resize(s.collectives.size());
    uint32_t pending = static_cast<uint32_t>(s.flows.size() + s.collectives.size());
    std::vector<FlowTracker> trackers(s.flows.size());
    for (uint32_t i = 0; i < s.flows.size(); ++i)
    {
        trackers[i] = FlowTracker{&pending, &result.flows[i]};
        result.flows[i].start = s.flows[i].start;
        Simulator::Schedule(s.flows[i].start, &StartFlow, transport, &s.flows[i], i, &trackers[i]);
    }
    CollectiveRunner collectives{&s,
                                 transport,
                                 &result,
                                 &pending,
                                 std::vector<std::vector<uint32_t>>(s.collectives.size()),
                                 std::vector<Ptr<Collective>>(s.collectives.size())};
    for (uint32_t i = 0; i < s.collectives.size(); ++i)
    {
        if (s.collectives[i].after == CollectiveSpec::NONE)
        {
            Simulator::Schedule(s.collectives[i].start, &StartCollective, &collectives, i);
        }
        else
        {
            collectives.followers[s.collectives[i].after].push_back(i);
        }
    }
    // Every port's PFC frames; the chosen ports' queues.
    std::vector<PortRecorder> recorders;
    for (uint32_t n = 0; n < fabric.nodes.size(); ++n)
    {
        for (uint32_t d = 0; d < fabric.nodes[n]->GetNDevices(); ++d)
        {
            recorders.push_back(PortRecorder{&result, n, d});
        }
    }
    for (PortRecorder& p : recorders)
    {
        fabric.nodes[p.node]->GetDevice(p.port)->TraceConnectWithoutContext(
            "PfcTx",
            MakeBoundCallback(&OnPfcTx, &p));
    }
    std::vector<std::pair<HostPort, Ptr<FabricNetDevice>>> sampled;
    for (HostPort p : s.queuePorts)
    {
        sampled.emplace_back(
            p,
            DynamicCast<FabricNetDevice>(fabric.nodes[p.node]->GetDevice(p.index)));
    }
    if (!sampled.empty())
    {
        Simulator::Schedule(Time(), &SampleQueues, &result, &sampled, s.queueInterval);
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

    if (s.stop.IsStrictlyPositive())
    {
        Simulator::Stop(s.stop);
    }
    if (progress)
    {
        // Work done: the share of flows and collectives that have completed.
        progress->Start(s.stop, [&result, total = s.flows.size() + s.collectives.size()]() {
            return double(result.GetCompleted() + result.GetCompletedCollectives()) / double(total);
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

    result.counters = fabric.GetCounters();
    IdealFct ideal(fabric);
    for (uint32_t i = 0; i < s.flows.size(); ++i)
    {
        result.flows[i].ideal = ideal.Get(s.flows[i]);
    }
    result.nicFrames = fabric.GetNicTxFrames();
    result.packetHops = fabric.GetTxFrames();
    Simulator::Destroy();
    return result;
}

} // namespace ns3
