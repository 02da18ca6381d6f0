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
/**
 * The work of a run: flows and collectives, started at their workload's times once the workload
 * it follows (if any) has completed, and the counts that end the run.
 */
struct Work
{
    const Scenario* scenario{nullptr};
    Ptr<GpuTransport> transport;
    RunResult* result{nullptr};
    uint32_t pending{0};                          //!< flows and collectives not yet complete
    std::vector<uint32_t> remaining;              //!< by workload: its work not yet complete
    std::vector<std::vector<uint32_t>> flowsOf;   //!< by workload
    std::vector<std::vector<uint32_t>> rootsOf;   //!< by workload: collectives that follow none
    std::vector<std::vector<uint32_t>> followers; //!< by collective: those that start after it
    std::vector<std::vector<uint32_t>> nextOf;    //!< by workload: those that start after it
    std::vector<Ptr<Collective>> running;         //!< by collective, while it runs
};

void BeginWorkload(Work* w, uint32_t workload);

/// One piece of work of \p workload completed.
void
Completed(Work* w, uint32_t workload)
{
    if (--w->remaining[workload] == 0)
    {
        for (uint32_t next : w->nextOf[workload])
        {
            Simulator::Schedule(w->scenario->workloads[next].start, &BeginWorkload, w, next);
        }
    }
    if (--w->pending == 0)
    {
        Simulator::Stop();
    }
}

void
OnArrived(Work* w, uint32_t flow, const Delivery& d)
{
    w->result->flows[flow].receiverStart = d.firstByte;
    w->result->flows[flow].receiverEnd = d.arrived;
}

/// The sender learnt that the last byte arrived: the flow is complete.
void
OnAcked(Work* w, uint32_t flow, const Delivery& d)
{
    w->result->flows[flow].senderEnd = d.acked;
    w->result->flows[flow].completed = true;
    Completed(w, w->scenario->flows[flow].workload);
}

void
StartFlow(Work* w, uint32_t flow)
{
    const FlowSpec& spec = w->scenario->flows[flow];
    w->result->flows[flow].posted = true;
    w->result->flows[flow].start = Simulator::Now();
    // Each flow has queue pairs of its own: a channel per flow.
    w->transport->SendBetweenNics(spec.srcNode,
                                  spec.srcNic,
                                  spec.dstNode,
                                  spec.dstNic,
                                  spec.bytes,
                                  flow,
                                  MakeBoundCallback(&OnArrived, w, flow),
                                  MakeBoundCallback(&OnAcked, w, flow));
}

void StartCollective(Work* w, uint32_t index);

void
ReleaseCollective(Work* w, uint32_t index)
{
    w->running[index] = nullptr; // its schedule is no longer needed
}

void
OnCollectiveComplete(Work* w, uint32_t index, const CollectiveResult& r)
{
    CollectiveRun& run = w->result->collectives[index];
    run.completed = true;
    run.result = r;
    // Not inside the collective's own trace: free it from the event loop.
    Simulator::ScheduleNow(&ReleaseCollective, w, index);
    for (uint32_t next : w->followers[index])
    {
        StartCollective(w, next);
    }
    Completed(w, w->scenario->collectives[index].workload);
}

void
StartCollective(Work* w, uint32_t index)
{
    const CollectiveSpec& spec = w->scenario->collectives[index];
    ObjectFactory factory;
    factory.SetTypeId(spec.algorithm);
    for (const auto& [name, value] : spec.attributes)
    {
        factory.Set(name, StringValue(value));
    }
    Ptr<Collective> c = CreateObject<Collective>();
    std::string problem = c->Setup(w->transport,
                                   Communicator(spec.ranks),
                                   spec.op,
                                   spec.bytes,
                                   factory.Create<CollectiveAlgorithm>(),
                                   spec.root);
    // The scenario reader ran the same checks.
    NS_ABORT_MSG_UNLESS(problem.empty(), "collective " << index << ": " << problem);
    c->TraceConnectWithoutContext("Complete", MakeBoundCallback(&OnCollectiveComplete, w, index));
    w->running[index] = c;
    c->Start();
}

/// The workload's start time has come: schedule its work at the offsets written for it.
void
BeginWorkload(Work* w, uint32_t workload)
{
    const Scenario& s = *w->scenario;
    Time start = s.workloads[workload].start;
    for (uint32_t f : w->flowsOf[workload])
    {
        Simulator::Schedule(s.flows[f].start - start, &StartFlow, w, f);
    }
    for (uint32_t c : w->rootsOf[workload])
    {
        Simulator::Schedule(s.collectives[c].start - start, &StartCollective, w, c);
    }
    if (w->remaining[workload] == 0) // nothing to do: complete at once
    {
        ++w->remaining[workload];
        ++w->pending;
        Completed(w, workload);
    }
}

/// The share of the run's work done: each flow and collective counts one, a running collective
/// the share of its bytes that have arrived.
double
WorkDone(const Work& w)
{
    const Scenario& s = *w.scenario;
    double done = w.result->GetCompleted() + w.result->GetCompletedCollectives();
    for (const auto& c : w.running)
    {
        if (c && !c->IsComplete())
        {
            done += double(c->GetBytesArrived()) / double(c->GetBytesTotal());
        }
    }
    std::size_t total = s.flows.size() + s.collectives.size();
    return total == 0 ? 1 : done / double(total);
}

/// Index the scenario's work by workload and schedule the workloads that follow none.
void
PlanWork(Work& w)
{
    const Scenario& s = *w.scenario;
    std::size_t n = s.workloads.size();
    w.remaining.assign(n, 0);
    w.flowsOf.resize(n);
    w.rootsOf.resize(n);
    w.nextOf.resize(n);
    w.followers.resize(s.collectives.size());
    w.running.resize(s.collectives.size());
    w.pending = static_cast<uint32_t>(s.flows.size() + s.collectives.size());
    for (uint32_t f = 0; f < s.flows.size(); ++f)
    {
        w.flowsOf[s.flows[f].workload].push_back(f);
        ++w.remaining[s.flows[f].workload];
    }
    for (uint32_t c = 0; c < s.collectives.size(); ++c)
    {
        const CollectiveSpec& spec = s.collectives[c];
        ++w.remaining[spec.workload];
        (spec.after == CollectiveSpec::NONE ? w.rootsOf[spec.workload] : w.followers[spec.after])
            .push_back(c);
    }
    for (uint32_t k = 0; k < n; ++k)
    {
        if (s.workloads[k].after == WorkloadInfo::NONE)
        {
            Simulator::Schedule(s.workloads[k].start, &BeginWorkload, &w, k);
        }
        else
        {
            w.nextOf[s.workloads[k].after].push_back(k);
        }
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
    Work work;
    work.scenario = &s;
    work.transport = transport;
    work.result = &result;
    PlanWork(work);
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
        progress->Start(s.stop, [&work]() { return WorkDone(work); });
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
