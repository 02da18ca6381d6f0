/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "scenario-runner.h"

#include "ideal-fct.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/fabric-pcap.h"
#include "ns3/fabric-simulator-impl.h"
#include "ns3/gpu-transport.h"
#include "ns3/partition.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/topology-helper.h"
#include "ns3/uinteger.h"

#include <chrono>
#include <cstring>
#include <map>
#include <tuple>
#include <type_traits>

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
    std::vector<std::vector<uint32_t>> jobsOf;    //!< by workload
    std::vector<Ptr<Execution>> executions;       //!< by job
    /// By job: the same on an ideal fabric (rank 0's process runs them, null elsewhere).
    std::vector<Ptr<Execution>> ideals;
    PathCosts paths;         //!< of the ideal fabric
    uint64_t flowCookies{0}; //!< flow f's message is flowCookies + f
    /// Ends the run once every process's work is done (null: another simulator).
    Ptr<FabricSimulatorImpl> engine;
    /// How long the run goes on after the last completion (the longest link's delay).
    Time drain;
    /// Events of this runner (starts, samples), not of the network: left out of the count.
    uint64_t ownEvents{0};
    Time lastCompletion;
};

void BeginWorkload(Work* w, uint32_t workload);

/// One piece of the run's work is over.
void
Finished(Work* w)
{
    --w->pending;
    if (w->engine)
    {
        w->engine->CompleteWork();
    }
    else if (w->pending == 0)
    {
        Simulator::Stop(w->drain);
    }
}

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
    w->lastCompletion = Simulator::Now();
    Finished(w);
}

void
OnArrived(Work* w, uint64_t flow, const Delivery& d)
{
    w->result->flows[flow].receiverStart = d.firstByte;
    w->result->flows[flow].receiverEnd = d.arrived;
}

/// The sender learnt that the last byte arrived: the flow is complete.
void
OnAcked(Work* w, uint64_t flow, const Delivery& d)
{
    w->result->flows[flow].senderEnd = d.acked;
    w->result->flows[flow].completed = true;
    Completed(w, w->scenario->flows[flow].workload);
}

void
StartFlow(Work* w, uint32_t flow)
{
    ++w->ownEvents;
    const FlowSpec& spec = w->scenario->flows[flow];
    w->result->flows[flow].posted = true;
    w->result->flows[flow].start = Simulator::Now();
    w->transport->SendBetweenNics(spec.srcNode,
                                  spec.srcNic,
                                  spec.dstNode,
                                  spec.dstNic,
                                  spec.bytes,
                                  flow,
                                  w->flowCookies + flow);
}

void StartCollective(Work* w, uint32_t index);

void
ReleaseCollective(Work* w, uint32_t index)
{
    ++w->ownEvents;
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
    ++w->ownEvents;
    const CollectiveSpec& spec = w->scenario->collectives[index];
    Ptr<Collective> c = CreateObject<Collective>();
    std::string problem =
        c->Setup(w->transport,
                 Communicator(spec.ranks),
                 spec.op,
                 spec.bytes,
                 MakeFactory(spec.algorithm, spec.attributes).Create<CollectiveAlgorithm>(),
                 spec.root);
    // The scenario reader ran the same checks.
    NS_ABORT_MSG_UNLESS(problem.empty(), "collective " << index << ": " << problem);
    c->TraceConnectWithoutContext("Complete", MakeBoundCallback(&OnCollectiveComplete, w, index));
    w->running[index] = c;
    c->Start();
}

void
OnJobComplete(Work* w, uint32_t index, const ExecutionResult& r)
{
    w->result->jobs[index].completed = true;
    w->result->jobs[index].result = r;
    Completed(w, w->scenario->jobs[index].workload);
}

/// The job's step on the ideal fabric is over: not work of the run's, it does not move its
/// end (lastCompletion), but the run lasts until it is known.
void
OnIdealComplete(Work* w, uint32_t index, const ExecutionResult& r)
{
    w->result->jobs[index].ideal = r.GetTime();
    Finished(w);
}

void
StartJob(Work* w, uint32_t index)
{
    ++w->ownEvents;
    w->executions[index]->Start();
    if (w->ideals[index])
    {
        w->ideals[index]->Start();
    }
}

/// The workload's start time has come: schedule its work at the offsets written for it.
void
BeginWorkload(Work* w, uint32_t workload)
{
    ++w->ownEvents;
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
    for (uint32_t j : w->jobsOf[workload])
    {
        Simulator::Schedule(s.jobs[j].start - start, &StartJob, w, j);
    }
    if (w->remaining[workload] == 0) // nothing to do here: complete at once
    {
        ++w->remaining[workload];
        ++w->pending;
        if (w->engine)
        {
            w->engine->AddWork(1);
        }
        Completed(w, workload);
    }
}

/// The phase of the first job still running: the label of the task that started last.
std::string
JobPhase(const Work& w)
{
    for (uint32_t j = 0; j < w.executions.size(); ++j)
    {
        const Ptr<Execution>& e = w.executions[j];
        if (e->GetTasksDone() > 0 && !e->IsComplete())
        {
            return "job " + std::to_string(j) + ": " +
                   w.scenario->jobs[j].graph->GetLabel(e->GetCurrentLabel());
        }
    }
    return "";
}

/// The share of the run's work done: each flow, collective and job counts one, a running
/// collective the share of its bytes that have arrived, a running job that of its tasks.
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
    done += w.result->GetCompletedJobs();
    for (const auto& e : w.executions)
    {
        if (!e->IsComplete() && e->GetTasksTotal() > 0)
        {
            done += double(e->GetTasksDone()) / double(e->GetTasksTotal());
        }
    }
    std::size_t total = s.flows.size() + s.collectives.size() + s.jobs.size();
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
    w.jobsOf.resize(n);
    // This process's work: the flows it sends (complete when acknowledged), every collective
    // and every job (each process completes its part), and on rank 0 each job's ideal step.
    bool first = Simulator::GetSystemId() == 0;
    w.pending = static_cast<uint32_t>(s.collectives.size() + (first ? 2 : 1) * s.jobs.size());
    // Each flow has queue pairs of its own (a channel per flow), made now in flow order.
    w.flowCookies = w.transport->AddReceiver(s.flows.size(),
                                             MakeBoundCallback(&OnArrived, &w),
                                             MakeBoundCallback(&OnAcked, &w));
    for (uint32_t f = 0; f < s.flows.size(); ++f)
    {
        const FlowSpec& spec = s.flows[f];
        w.transport->Prepare(spec.srcNode, spec.srcNic, spec.dstNode, spec.dstNic, f);
        if (w.transport->IsLocal(spec.srcNode))
        {
            w.flowsOf[spec.workload].push_back(f);
            ++w.remaining[spec.workload];
            ++w.pending;
        }
    }
    for (uint32_t c = 0; c < s.collectives.size(); ++c)
    {
        const CollectiveSpec& spec = s.collectives[c];
        ++w.remaining[spec.workload];
        (spec.after == CollectiveSpec::NONE ? w.rootsOf[spec.workload] : w.followers[spec.after])
            .push_back(c);
    }
    // Jobs name their messages through receivers registered in job order, the same everywhere.
    for (uint32_t j = 0; j < s.jobs.size(); ++j)
    {
        Ptr<Execution> e = CreateObject<Execution>();
        e->Setup(w.transport, s.jobs[j].graph);
        e->TraceConnectWithoutContext("Complete", MakeBoundCallback(&OnJobComplete, &w, j));
        w.executions.push_back(e);
        Ptr<Execution> ideal;
        if (first)
        {
            ideal = CreateObject<Execution>();
            ideal->SetupIdeal(w.paths, s.jobs[j].graph);
            ideal->TraceConnectWithoutContext("Complete",
                                              MakeBoundCallback(&OnIdealComplete, &w, j));
        }
        w.ideals.push_back(ideal);
        w.jobsOf[s.jobs[j].workload].push_back(j);
        ++w.remaining[s.jobs[j].workload];
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
SampleQueues(Work* w,
             const std::vector<std::pair<HostPort, Ptr<FabricNetDevice>>>* ports,
             Time interval)
{
    ++w->ownEvents;
    for (const auto& [at, dev] : *ports)
    {
        w->result->queues.push_back(QueueSample{Simulator::Now(),
                                                at.node,
                                                at.index,
                                                dev->GetQueuedBytes(),
                                                dev->GetTxBytes()});
    }
    Simulator::Schedule(interval, &SampleQueues, w, ports, interval);
}

/// Values appended to and read from a string: one process's part of the results.
class Parcel
{
  public:
    explicit Parcel(std::string data = "")
        : m_data(std::move(data))
    {
    }

    template <typename T>
    void Put(const T& value)
    {
        static_assert(std::is_trivially_copyable_v<T>);
        m_data.append(reinterpret_cast<const char*>(&value), sizeof(T));
    }

    void Put(Time t)
    {
        Put(t.GetTimeStep());
    }

    void Put(const std::vector<Time>& times)
    {
        Put(uint64_t(times.size()));
        for (Time t : times)
        {
            Put(t);
        }
    }

    /// Merge times packed by Put into \p times, keeping the later of each.
    void GetLatest(std::vector<Time>& times)
    {
        auto n = Get<uint64_t>();
        times.resize(std::max<std::size_t>(times.size(), n));
        for (uint64_t i = 0; i < n; ++i)
        {
            times[i] = std::max(times[i], Get<Time>());
        }
    }

    template <typename T>
    T Get()
    {
        if constexpr (std::is_same_v<T, Time>)
        {
            return TimeStep(Get<int64_t>());
        }
        else
        {
            T value;
            std::memcpy(&value, m_data.data() + m_at, sizeof(T));
            m_at += sizeof(T);
            return value;
        }
    }

    const std::string& GetData() const
    {
        return m_data;
    }

  private:
    std::string m_data;
    std::size_t m_at{0};
};

/// The fields of the records processes send rank 0, in the order they are packed (and PFC
/// records sorted).
constexpr auto PFC_FIELDS = std::make_tuple(&PfcEvent::time,
                                            &PfcEvent::node,
                                            &PfcEvent::port,
                                            &PfcEvent::priority,
                                            &PfcEvent::pause);
constexpr auto QUEUE_FIELDS = std::make_tuple(&QueueSample::time,
                                              &QueueSample::node,
                                              &QueueSample::port,
                                              &QueueSample::queueBytes,
                                              &QueueSample::txBytes);

/// The \p fields of \p record, as a tuple of references (compared in order).
template <typename R, typename F>
auto
Tied(R& record, const F& fields)
{
    return std::apply([&record](auto... field) { return std::tie(record.*field...); }, fields);
}

template <typename R, typename F>
void
PutRecords(Parcel& p, const std::vector<R>& records, const F& fields)
{
    p.Put(uint64_t(records.size()));
    for (const R& r : records)
    {
        std::apply([&](const auto&... value) { (p.Put(value), ...); }, Tied(r, fields));
    }
}

template <typename R, typename F>
void
GetRecords(Parcel& p, std::vector<R>& records, const F& fields)
{
    for (auto n = p.Get<uint64_t>(); n > 0; --n)
    {
        std::apply(
            [&p](auto&... value) { ((value = p.Get<std::decay_t<decltype(value)>>()), ...); },
            Tied(records.emplace_back(), fields));
    }
}

/// What only this process knows of the run, for rank 0 (see MergeParts).
std::string
PackPart(const RunResult& r, uint32_t pending, Time lastCompletion)
{
    Parcel p;
    p.Put(pending);
    p.Put(lastCompletion);
    for (uint64_t v : {r.counters.drops,
                       r.counters.pfcFrames,
                       r.counters.ecnMarks,
                       r.counters.cnps,
                       r.counters.retransmissions,
                       r.counters.timeouts,
                       r.nicFrames,
                       r.packetHops,
                       r.events})
    {
        p.Put(v);
    }
    for (const FlowResult& f : r.flows)
    {
        p.Put(static_cast<uint8_t>(uint8_t(f.posted) | uint8_t(f.completed) << 1));
        for (Time t : {f.start, f.receiverStart, f.receiverEnd, f.senderEnd})
        {
            p.Put(t);
        }
    }
    for (const CollectiveRun& c : r.collectives)
    {
        p.Put(c.completed);
        if (c.completed)
        {
            p.Put(c.result.start);
            p.Put(c.result.end);
            p.Put(c.result.rankEnd);
        }
    }
    for (const JobRun& j : r.jobs)
    {
        p.Put(j.completed);
        if (j.completed)
        {
            const ExecutionResult& e = j.result;
            p.Put(e.start);
            p.Put(e.end);
            p.Put(e.activities);
            for (const auto* times : {&e.rankEnd, &e.rankCompute, &e.rankExposed})
            {
                p.Put(*times);
            }
            p.Put(uint64_t(e.spans.size()));
            for (const auto& span : e.spans)
            {
                p.Put(span.first);
                p.Put(span.last);
                p.Put(span.tasks);
            }
        }
    }
    PutRecords(p, r.pfc, PFC_FIELDS);
    PutRecords(p, r.queues, QUEUE_FIELDS);
    return p.GetData();
}

/**
 * Rank 0's results from every process's part: each flow's sender and receiver times from the
 * processes that simulate its ends, each collective's latest arrivals, each job rank's figures
 * from the process that ran it and each phase's span over all, summed counters, all records.
 * Returns (work left anywhere, the last completion).
 */
std::pair<uint64_t, Time>
MergeParts(const std::vector<std::string>& parts, RunResult& r)
{
    uint64_t pending = 0;
    Time last;
    r.counters = FabricCounters();
    r.nicFrames = r.packetHops = r.events = 0;
    r.pfc.clear();
    r.queues.clear();
    r.processEvents.clear();
    std::vector<JobRun> jobs(r.jobs.size());
    for (std::size_t j = 0; j < jobs.size(); ++j)
    {
        jobs[j].completed = true;
        jobs[j].ideal = r.jobs[j].ideal; // rank 0 ran the ideal step
    }
    for (const std::string& part : parts)
    {
        Parcel p(part);
        pending += p.Get<uint32_t>();
        last = std::max(last, p.Get<Time>());
        uint64_t eventsBefore = r.events;
        for (uint64_t* v : {&r.counters.drops,
                            &r.counters.pfcFrames,
                            &r.counters.ecnMarks,
                            &r.counters.cnps,
                            &r.counters.retransmissions,
                            &r.counters.timeouts,
                            &r.nicFrames,
                            &r.packetHops,
                            &r.events})
        {
            *v += p.Get<uint64_t>();
        }
        r.processEvents.push_back(r.events - eventsBefore);
        for (FlowResult& f : r.flows)
        {
            auto flags = p.Get<uint8_t>();
            Time start = p.Get<Time>();
            Time receiverStart = p.Get<Time>();
            Time receiverEnd = p.Get<Time>();
            Time senderEnd = p.Get<Time>();
            if (flags & 1)
            {
                f.posted = true;
                f.start = start;
            }
            if (flags & 2)
            {
                f.completed = true;
                f.senderEnd = senderEnd;
            }
            if (receiverEnd.IsStrictlyPositive())
            {
                f.receiverStart = receiverStart;
                f.receiverEnd = receiverEnd;
            }
        }
        // A collective is complete when every process's part is (rank 0's holds its
        // description); it ends when the last part did.
        for (CollectiveRun& run : r.collectives)
        {
            bool completed = p.Get<bool>();
            run.completed = run.completed && completed;
            if (!completed)
            {
                continue;
            }
            p.Get<Time>(); // the same start everywhere
            run.result.end = std::max(run.result.end, p.Get<Time>());
            p.GetLatest(run.result.rankEnd);
        }
        // A job too; a rank's figures are zero on processes that do not run it.
        for (JobRun& job : jobs)
        {
            bool completed = p.Get<bool>();
            job.completed = job.completed && completed;
            if (!completed)
            {
                continue;
            }
            ExecutionResult& e = job.result;
            e.start = p.Get<Time>();
            e.end = std::max(e.end, p.Get<Time>());
            e.activities = p.Get<uint32_t>();
            for (auto* times : {&e.rankEnd, &e.rankCompute, &e.rankExposed})
            {
                p.GetLatest(*times);
            }
            e.spans.resize(p.Get<uint64_t>());
            for (auto& span : e.spans)
            {
                span.first = std::min(span.first, p.Get<Time>());
                span.last = std::max(span.last, p.Get<Time>());
                span.tasks += p.Get<uint64_t>();
            }
        }
        GetRecords(p, r.pfc, PFC_FIELDS);
        GetRecords(p, r.queues, QUEUE_FIELDS);
    }
    r.jobs = std::move(jobs);
    return {pending, last};
}

} // namespace

RunResult
RunScenario(const Scenario& s, const std::string& pcapDir, ProgressReporter* progress)
{
    NS_ABORT_MSG_IF(!s.pcap.empty() && pcapDir.empty(), "RunScenario: captures need a folder");
    RngSeedManager::SetSeed(s.seed);
    RngSeedManager::SetRun(1);

    ObjectFactory cc = MakeFactory(s.congestionControl, s.ccAttributes);
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
    // Over MPI, each process simulates a part of the fabric (and builds all of it).
    Ptr<FabricSimulatorImpl> engine =
        DynamicCast<FabricSimulatorImpl>(Simulator::GetImplementation());
    uint32_t processes = engine ? engine->GetSize() : 1;
    if (processes > 1)
    {
        NS_ABORT_MSG_IF(!s.partition.empty() && s.partitionParts != processes,
                        "RunScenario: the scenario's partition is for " << s.partitionParts
                                                                        << " processes");
        helper.SetSystemIds(s.partition.empty() ? PartitionGraph(*s.graph, processes)
                                                : s.partition);
    }
    Fabric fabric = helper.Build(s.graph);
    // Fixed streams: the switches' random draws (ECN marking) depend only on the seed.
    fabric.AssignStreams(0);

    Ptr<GpuTransport> transport = CreateObject<GpuTransport>();
    if (s.awakeQueuePairs > 0)
    {
        transport->SetAttribute("AwakeQueuePairs", UintegerValue(s.awakeQueuePairs));
    }
    transport->SetFabric(fabric);
    RunResult result;
    result.flows.resize(s.flows.size());
    result.collectives.resize(s.collectives.size());
    result.jobs.resize(s.jobs.size());
    IdealFct ideal(fabric);
    Work work;
    work.paths = [&ideal](GpuId src, GpuId dst) {
        return ideal.GetPath(src, dst);
    };
    work.scenario = &s;
    work.transport = transport;
    work.result = &result;
    work.engine = engine;
    // After the last completion the run goes on for the longest link's delay, at least the
    // lookahead of any split over processes: the end is then the same however many there are.
    for (const auto& link : s.graph->links)
    {
        work.drain = std::max(work.drain, link.delay);
    }
    PlanWork(work);
    if (engine)
    {
        engine->SetDrain(work.drain);
        engine->AddWork(work.pending);
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
        if (!transport->IsLocal(p.node))
        {
            continue;
        }
        sampled.emplace_back(
            p,
            DynamicCast<FabricNetDevice>(fabric.nodes[p.node]->GetDevice(p.index)));
    }
    if (!sampled.empty())
    {
        Simulator::Schedule(Time(), &SampleQueues, &work, &sampled, s.queueInterval);
    }
    std::vector<Ptr<PcapFileWrapper>> captures;
    for (const auto& name : s.pcap)
    {
        Ptr<Node> node = fabric.FindNode(name);
        if (node->GetSystemId() != Simulator::GetSystemId())
        {
            continue;
        }
        for (uint32_t d = 0; d < node->GetNDevices(); ++d)
        {
            captures.push_back(
                EnableFabricPcap(DynamicCast<FabricNetDevice>(node->GetDevice(d)),
                                 pcapDir + "/" + name + "-" + std::to_string(d) + ".pcap"));
        }
    }

    if (s.stop.IsStrictlyPositive())
    {
        Simulator::Stop(s.stop);
    }
    if (progress)
    {
        if (!s.jobs.empty())
        {
            progress->SetPhase([&work]() { return JobPhase(work); });
        }
        progress->Start(s.stop, [&work]() { return WorkDone(work); });
    }
    auto wallStart = std::chrono::steady_clock::now();
    Simulator::Run();
    result.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    for (const auto& capture : captures)
    {
        // Written out before rank 0 commits the folder: it gathers the parts after this.
        capture->Close();
    }
    for (const auto& e : work.ideals)
    {
        work.ownEvents += e ? e->GetEvents() : 0;
    }
    result.events = Simulator::GetEventCount() - work.ownEvents;
    if (progress)
    {
        progress->Finish();
        result.events -= progress->GetOwnEvents();
    }
    result.counters = fabric.GetCounters();
    result.nicFrames = fabric.GetNicTxFrames();
    result.packetHops = fabric.GetTxFrames();
    result.connections = transport->GetNQueuePairs();
    result.restRounds = transport->GetNRests();
    uint64_t pending = work.pending;
    Time last = work.lastCompletion;
    if (processes > 1)
    {
        std::vector<std::string> parts =
            engine->Gather(PackPart(result, work.pending, work.lastCompletion));
        if (!parts.empty())
        {
            std::tie(pending, last) = MergeParts(parts, result);
        }
        result.processes = processes;
        result.lookahead = engine->GetLookahead();
        result.windows = engine->GetWindows();
    }
    // The run's time: its work's end, or the stop time if that came first.
    result.simTime = pending == 0 ? last : Simulator::Now();
    // Records in an order that does not depend on which process made them.
    std::sort(result.pfc.begin(), result.pfc.end(), [](const PfcEvent& a, const PfcEvent& b) {
        return Tied(a, PFC_FIELDS) < Tied(b, PFC_FIELDS);
    });
    std::map<std::pair<uint32_t, uint32_t>, std::size_t> position;
    for (std::size_t i = 0; i < s.queuePorts.size(); ++i)
    {
        position.emplace(std::pair{s.queuePorts[i].node, s.queuePorts[i].index}, i);
    }
    std::sort(result.queues.begin(),
              result.queues.end(),
              [&position](const QueueSample& a, const QueueSample& b) {
                  return a.time != b.time
                             ? a.time < b.time
                             : position.at({a.node, a.port}) < position.at({b.node, b.port});
              });
    for (uint32_t i = 0; i < s.flows.size(); ++i)
    {
        result.flows[i].ideal = ideal.Get(s.flows[i]);
    }
    Simulator::Destroy();
    return result;
}

} // namespace ns3
