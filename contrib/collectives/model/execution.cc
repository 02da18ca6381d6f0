/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "execution.h"

#include "ns3/abort.h"
#include "ns3/simulator.h"
#include "ns3/trace-source-accessor.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(Execution);

namespace
{
// A cookie's offset in the execution's range: bit 55 marks a message between ranks (the rest
// is the flat index of its send), else a collective's transfer: the operation's id above
// TRANSFER_BITS, the transfer below.
constexpr uint64_t MESSAGE_BIT = uint64_t(1) << 55;
constexpr uint32_t TRANSFER_BITS = 24;
constexpr uint64_t MAX_INSTANCES = uint64_t(1) << (55 - TRANSFER_BITS);
// Set in what a receive waits for once its data have arrived.
constexpr uint32_t DATA_IN = uint32_t(1) << 31;
} // namespace

uint32_t
ExecutionResult::GetCriticalRank() const
{
    return static_cast<uint32_t>(std::max_element(rankEnd.begin(), rankEnd.end()) -
                                 rankEnd.begin());
}

TypeId
Execution::GetTypeId()
{
    static TypeId tid = TypeId("ns3::Execution")
                            .SetParent<Object>()
                            .SetGroupName("Collectives")
                            .AddConstructor<Execution>()
                            .AddTraceSource("Complete",
                                            "Every rank's last task is over",
                                            MakeTraceSourceAccessor(&Execution::m_completeTrace),
                                            "ns3::Execution::CompleteTracedCallback");
    return tid;
}

Execution::Execution() = default;

uint32_t
Execution::GetActivity(const ExecutionGraph::Task& task) const
{
    switch (task.kind)
    {
    case ExecutionGraph::COMPUTE:
        return 0;
    case ExecutionGraph::COLLECTIVE:
        return 1 + task.group;
    default:
        return 1 + (task.group == ExecutionGraph::NONE ? m_graph->GetNGroupKinds() : task.group);
    }
}

std::string
Execution::GetActivityName(const ExecutionGraph& graph, uint32_t activity)
{
    if (activity == 0)
    {
        return "compute";
    }
    return activity <= graph.GetNGroupKinds() ? graph.GetGroupKindName(activity - 1) : "p2p";
}

void
Execution::Setup(Ptr<GpuTransport> transport, std::shared_ptr<const ExecutionGraph> graph)
{
    m_transport = transport;
    m_cookies = transport->AddReceiver(MESSAGE_BIT << 1,
                                       MakeCallback(&Execution::OnArrived, this),
                                       MakeCallback(&Execution::OnAcked, this));
    SetupTasks(std::move(graph));
    PrepareConnections();
}

void
Execution::PrepareConnections()
{
    const ExecutionGraph& g = *m_graph;
    for (uint32_t r = 0; r < g.GetNRanks(); ++r)
    {
        uint32_t p = g.GetProgramOf(r);
        for (uint32_t i = 0; i < g.GetNTasks(p); ++i)
        {
            const auto& t = g.GetTask(p, i);
            if (t.kind == ExecutionGraph::SEND)
            {
                m_transport->Prepare(g.GetGpu(r), g.GetGpu(g.GetPeer(r, t)), MESSAGE_CHANNEL);
            }
        }
        m_transport->Settle();
    }
    std::vector<Ptr<CollectiveAlgorithm>> algorithms;
    for (uint32_t a = 0; a < g.GetNAlgorithms(); ++a)
    {
        const auto& [typeId, attributes] = g.GetAlgorithm(a);
        algorithms.push_back(MakeFactory(typeId, attributes).Create<CollectiveAlgorithm>());
    }
    for (uint32_t k = 0; k < g.GetNGroupKinds(); ++k)
    {
        for (uint32_t group = 0; group < g.GetNGroups(k); ++group)
        {
            auto [first, last] = g.GetMembers(k, group);
            if (last - first < 2)
            {
                continue;
            }
            // Every member runs the same operations (Check); each distinct one has a schedule.
            uint32_t p = g.GetProgramOf(*first);
            Communicator comm = g.GetCommunicator(k, group);
            std::set<std::tuple<uint32_t, CollectiveOp, uint64_t, uint32_t>> made;
            auto [a, b] = m_collectivesOf[p].Get(k);
            for (const uint32_t* i = a; i != b; ++i)
            {
                const auto& t = g.GetTask(p, *i);
                if (made.emplace(t.algorithm, t.op, t.bytes, t.root).second)
                {
                    CollectiveSchedule schedule;
                    algorithms[t.algorithm]->Build(t.op, comm, t.bytes, t.root, schedule);
                    Collective::Prepare(*m_transport, comm, schedule);
                }
            }
            m_transport->Settle();
        }
    }
}

void
Execution::SetupIdeal(PathCosts paths, std::shared_ptr<const ExecutionGraph> graph)
{
    m_transport = nullptr;
    m_paths = std::move(paths);
    SetupTasks(std::move(graph));
}

bool
Execution::IsLocal(uint32_t rank) const
{
    return !m_transport || m_transport->IsLocal(m_graph->GetGpu(rank).node);
}

void
Execution::SetupTasks(std::shared_ptr<const ExecutionGraph> graph)
{
    m_graph = std::move(graph);
    const ExecutionGraph& g = *m_graph;
    // Who waits for whom, and which task is a group kind's k-th collective, per program.
    m_dependents.clear();
    m_collectivesOf.clear();
    for (uint32_t p = 0; p < g.GetNPrograms(); ++p)
    {
        m_dependents.push_back(g.GetDepRows(p).Inverse());
        m_collectivesOf.emplace_back().Group(g.GetNGroupKinds(),
                                             g.GetNTasks(p),
                                             [&g, p](uint32_t i, auto file) {
                                                 const auto& t = g.GetTask(p, i);
                                                 if (t.kind == ExecutionGraph::COLLECTIVE)
                                                 {
                                                     file(t.group);
                                                 }
                                             });
    }
    uint32_t ranks = g.GetNRanks();
    m_firstTask = g.GetTaskOffsets();
    NS_ABORT_MSG_IF(m_firstTask.back() >= MESSAGE_BIT, "Execution: too many tasks");
    // Operation ids: by group kind, group and sequence number.
    m_firstInstance.assign(g.GetNGroupKinds() + 1, 0);
    m_sequences.assign(g.GetNGroupKinds(), 0);
    for (uint32_t k = 0; k < g.GetNGroupKinds(); ++k)
    {
        m_sequences[k] = g.GetNSequences(k);
        m_firstInstance[k + 1] = m_firstInstance[k] + uint64_t(g.GetNGroups(k)) * m_sequences[k];
    }
    NS_ABORT_MSG_IF(m_firstInstance.back() > MAX_INSTANCES,
                    "Execution: more than " << MAX_INSTANCES << " collective operations");
    m_result = ExecutionResult();
    m_result.activities = 2 + g.GetNGroupKinds();
    m_result.rankEnd.assign(ranks, Time());
    m_result.rankCompute.assign(ranks, Time());
    m_result.rankExposed.assign(std::size_t(ranks) * m_result.activities, Time());
    m_result.spans.assign(std::size_t(g.GetNLabels()) * m_result.activities,
                          ExecutionResult::Span());
}

void
Execution::Start()
{
    const ExecutionGraph& g = *m_graph;
    m_started = true;
    Time now = Simulator::Now();
    m_result.start = now;
    uint32_t ranks = g.GetNRanks();
    m_waiting.assign(m_firstTask.back(), 0);
    m_busy.assign(ranks, 0);
    m_computeQueue.assign(ranks, {});
    m_began.assign(ranks, {});
    m_lastComputeEnd.assign(ranks, now);
    m_tasksLeft.assign(ranks, 0);
    m_ranksLeft = 0;
    m_tasksDone = m_tasksTotal = m_events = 0;
    std::vector<std::pair<uint32_t, uint32_t>> ready;
    for (uint32_t r = 0; r < ranks; ++r)
    {
        if (!IsLocal(r))
        {
            continue;
        }
        uint32_t p = g.GetProgramOf(r);
        uint32_t n = g.GetNTasks(p);
        m_tasksLeft[r] = n;
        m_tasksTotal += n;
        if (n == 0)
        {
            continue;
        }
        ++m_ranksLeft;
        for (uint32_t i = 0; i < n; ++i)
        {
            auto [a, b] = g.GetDeps(p, i);
            // A receive also waits for its data.
            m_waiting[Flat(r, i)] = static_cast<uint32_t>(b - a) +
                                    (g.GetTask(p, i).kind == ExecutionGraph::RECV ? 1 : 0);
            if (m_waiting[Flat(r, i)] == 0)
            {
                ready.emplace_back(r, i);
            }
        }
    }
    // Every rank's first tasks are known before any begins (a task may complete at once).
    for (auto [r, i] : ready)
    {
        Begin(r, i, ExecutionGraph::NONE);
    }
    if (m_ranksLeft == 0)
    {
        m_result.end = now;
        m_completeTrace(m_result);
    }
}

void
Execution::Release(uint32_t rank, uint32_t task, uint32_t by)
{
    uint32_t& waiting = m_waiting[Flat(rank, task)];
    --waiting;
    waiting |= by == ExecutionGraph::NONE ? DATA_IN : 0;
    uint32_t left = waiting & ~DATA_IN;
    if (left == 0)
    {
        Begin(rank, task, by);
    }
    else if (left == 1 && by != ExecutionGraph::NONE && !(waiting & DATA_IN) &&
             m_graph->GetTask(m_graph->GetProgramOf(rank), task).kind == ExecutionGraph::RECV)
    {
        // A receive whose turn has come waits for its data from now on (Expose).
        m_began[rank].push_back(Began{task, by, Simulator::Now()});
    }
}

void
Execution::Touch(uint32_t rank, uint32_t task, bool begins)
{
    const auto& t = m_graph->GetTask(m_graph->GetProgramOf(rank), task);
    auto& span = m_result.spans[std::size_t(t.label) * m_result.activities + GetActivity(t)];
    Time now = Simulator::Now();
    if (begins)
    {
        span.first = std::min(span.first, now);
        m_currentLabel = t.label;
    }
    else
    {
        span.last = std::max(span.last, now);
        ++span.tasks;
    }
}

void
Execution::Begin(uint32_t rank, uint32_t task, uint32_t releaser)
{
    const ExecutionGraph& g = *m_graph;
    const auto& t = g.GetTask(g.GetProgramOf(rank), task);
    if (t.kind == ExecutionGraph::COMPUTE)
    {
        if (m_busy[rank])
        {
            m_computeQueue[rank].emplace_back(task, releaser);
        }
        else
        {
            RunCompute(rank, task, releaser);
        }
        return;
    }
    Touch(rank, task, true);
    m_began[rank].push_back(Began{task, releaser, Simulator::Now()});
    switch (t.kind)
    {
    case ExecutionGraph::COLLECTIVE:
        EnterCollective(rank, task);
        break;
    case ExecutionGraph::SEND: {
        uint32_t peer = g.GetPeer(rank, t);
        if (!m_transport)
        {
            ++m_events;
            Simulator::Schedule(m_paths(g.GetGpu(rank), g.GetGpu(peer)).Of(double(t.bytes)),
                                &Execution::IdealArrived,
                                this,
                                rank,
                                task);
            break;
        }
        m_transport->Send(g.GetGpu(rank),
                          g.GetGpu(peer),
                          t.bytes,
                          MESSAGE_CHANNEL,
                          m_cookies + (MESSAGE_BIT | Flat(rank, task)));
        break;
    }
    default: // a receive whose data and turn are both there
        Complete(rank, task);
    }
}

void
Execution::Expose(uint32_t rank, uint32_t releaser)
{
    const ExecutionGraph::Task* tasks = &m_graph->GetTask(m_graph->GetProgramOf(rank), 0);
    Time from = m_lastComputeEnd[rank];
    Time to = Simulator::Now();
    Time* exposed = &m_result.rankExposed[std::size_t(rank) * m_result.activities];
    const auto& began = m_began[rank];
    // Walk back along what let each task begin until the stretch is accounted for.
    uint32_t task = releaser;
    while (to > from && task != ExecutionGraph::NONE)
    {
        auto same = [task](const Began& b) {
            return b.task == task;
        };
        auto it = std::find_if(began.rbegin(), began.rend(), same);
        if (it != began.rend() && it->releaser == ExecutionGraph::NONE)
        {
            // A receive its data let go waited for them since its turn, if that came in the
            // stretch; before, for what gave it its turn.
            auto turn = std::find_if(std::next(it), began.rend(), same);
            it = turn == began.rend() ? it : turn;
        }
        Time since = it == began.rend() ? from : std::max(from, it->at);
        bool last = it == began.rend() || it->releaser == ExecutionGraph::NONE;
        exposed[GetActivity(tasks[task])] += to - (last ? from : since);
        to = last ? from : since;
        task = last ? ExecutionGraph::NONE : it->releaser;
    }
}

void
Execution::RunCompute(uint32_t rank, uint32_t task, uint32_t releaser)
{
    Expose(rank, releaser);
    m_began[rank].clear(); // whatever began so far began before the next idle stretch
    m_busy[rank] = 1;
    Touch(rank, task, true);
    const auto& t = m_graph->GetTask(m_graph->GetProgramOf(rank), task);
    ++m_events;
    Simulator::Schedule(t.duration, &Execution::ComputeDone, this, rank, task);
}

void
Execution::ComputeDone(uint32_t rank, uint32_t task)
{
    const auto& t = m_graph->GetTask(m_graph->GetProgramOf(rank), task);
    m_result.rankCompute[rank] += t.duration;
    m_lastComputeEnd[rank] = Simulator::Now();
    m_busy[rank] = 0;
    // Tasks that waited for the GPU go first, in the order they became ready.
    auto& queue = m_computeQueue[rank];
    if (!queue.empty())
    {
        auto [next, releaser] = queue.front();
        queue.erase(queue.begin());
        RunCompute(rank, next, releaser);
    }
    Complete(rank, task);
}

void
Execution::EnterCollective(uint32_t rank, uint32_t task)
{
    const ExecutionGraph& g = *m_graph;
    const auto& t = g.GetTask(g.GetProgramOf(rank), task);
    uint32_t group = g.GetGroupOf(t.group, rank);
    auto [first, last] = g.GetMembers(t.group, group);
    if (last - first < 2) // alone in its group: nothing to exchange
    {
        Complete(rank, task);
        return;
    }
    uint64_t id = m_firstInstance[t.group] + uint64_t(group) * m_sequences[t.group] + t.sequence;
    Instance& inst = GetInstance(id);
    uint32_t position = g.GetPositionOf(t.group, rank);
    inst.taskOf[position] = task;
    if (!m_transport)
    {
        if (--inst.localLeft == 0) // the last member is in
        {
            const auto& [typeId, attributes] = g.GetAlgorithm(t.algorithm);
            Time cost =
                MakeFactory(typeId, attributes)
                    .Create<CollectiveAlgorithm>()
                    ->GetCost(t.op, g.GetCommunicator(t.group, group), t.bytes, t.root, m_paths);
            ++m_events;
            Simulator::Schedule(cost, &Execution::IdealDone, this, id);
        }
        return;
    }
    inst.collective->Enter(position);
}

Execution::Instance&
Execution::GetInstance(uint64_t id)
{
    auto it = m_instances.find(id);
    if (it != m_instances.end())
    {
        return it->second;
    }
    const ExecutionGraph& g = *m_graph;
    auto kind =
        static_cast<uint32_t>(std::upper_bound(m_firstInstance.begin(), m_firstInstance.end(), id) -
                              m_firstInstance.begin() - 1);
    uint64_t within = id - m_firstInstance[kind];
    auto group = static_cast<uint32_t>(within / m_sequences[kind]);
    auto sequence = static_cast<uint32_t>(within % m_sequences[kind]);
    auto [first, last] = g.GetMembers(kind, group);
    // Every member's program runs this operation as its collective of that number (Check).
    uint32_t p = g.GetProgramOf(*first);
    const auto& t = g.GetTask(p, m_collectivesOf[p].Get(kind).first[sequence]);
    Instance& inst = m_instances[id];
    inst.kind = kind;
    inst.group = group;
    inst.taskOf.assign(last - first, ExecutionGraph::NONE);
    inst.localLeft = static_cast<uint32_t>(
        std::count_if(first, last, [this](uint32_t r) { return IsLocal(r); }));
    if (!m_transport)
    {
        return inst;
    }
    const auto& [typeId, attributes] = g.GetAlgorithm(t.algorithm);
    inst.collective = CreateObject<Collective>();
    std::string problem =
        inst.collective->Setup(m_transport,
                               g.GetCommunicator(kind, group),
                               t.op,
                               t.bytes,
                               MakeFactory(typeId, attributes).Create<CollectiveAlgorithm>(),
                               t.root);
    NS_ABORT_MSG_UNLESS(problem.empty(),
                        "Execution: collective of group "
                            << group << " of '" << g.GetGroupKindName(kind) << "': " << problem);
    NS_ABORT_MSG_IF(inst.collective->GetSchedule().GetSize() >> TRANSFER_BITS,
                    "Execution: a collective of more than 2^" << TRANSFER_BITS << " transfers");
    inst.collective->SetCookies(m_cookies + (id << TRANSFER_BITS));
    inst.collective->SetRankDoneCallback(MakeCallback(&Execution::OnRankDone, this).Bind(id));
    return inst;
}

void
Execution::IdealDone(uint64_t id)
{
    auto node = m_instances.extract(id);
    const Instance& inst = node.mapped();
    const uint32_t* members = m_graph->GetMembers(inst.kind, inst.group).first;
    for (uint32_t position = 0; position < inst.taskOf.size(); ++position)
    {
        Complete(members[position], inst.taskOf[position]);
    }
}

void
Execution::IdealArrived(uint32_t rank, uint32_t task)
{
    const ExecutionGraph& g = *m_graph;
    const auto& t = g.GetTask(g.GetProgramOf(rank), task);
    Release(g.GetPeer(rank, t), t.match, ExecutionGraph::NONE);
    Complete(rank, task);
}

void
Execution::OnRankDone(uint64_t id, uint32_t position)
{
    Instance& inst = m_instances.at(id);
    uint32_t rank = m_graph->GetMembers(inst.kind, inst.group).first[position];
    if (--inst.localLeft == 0)
    {
        // Not inside the operation's own callback: free it from the event loop.
        ++m_events;
        Simulator::ScheduleNow(&Execution::Forget, this, id);
    }
    Complete(rank, inst.taskOf[position]);
}

void
Execution::Forget(uint64_t id)
{
    m_instances.erase(id);
}

std::pair<uint32_t, uint32_t>
Execution::Unflat(uint64_t flat) const
{
    auto rank = static_cast<uint32_t>(
        std::upper_bound(m_firstTask.begin(), m_firstTask.end(), flat) - m_firstTask.begin() - 1);
    return {rank, static_cast<uint32_t>(flat - m_firstTask[rank])};
}

void
Execution::OnArrived(uint64_t offset, const Delivery& delivery)
{
    if (offset & MESSAGE_BIT)
    {
        auto [rank, task] = Unflat(offset & (MESSAGE_BIT - 1));
        const auto& t = m_graph->GetTask(m_graph->GetProgramOf(rank), task);
        Release(m_graph->GetPeer(rank, t), t.match, ExecutionGraph::NONE);
        return;
    }
    GetInstance(offset >> TRANSFER_BITS)
        .collective->Arrived(offset & ((uint64_t(1) << TRANSFER_BITS) - 1), delivery);
}

void
Execution::OnAcked(uint64_t offset, const Delivery& delivery)
{
    if (offset & MESSAGE_BIT)
    {
        auto [rank, task] = Unflat(offset & (MESSAGE_BIT - 1));
        Complete(rank, task);
        return;
    }
    GetInstance(offset >> TRANSFER_BITS)
        .collective->Acked(offset & ((uint64_t(1) << TRANSFER_BITS) - 1), delivery);
}

void
Execution::Complete(uint32_t rank, uint32_t task)
{
    const ExecutionGraph& g = *m_graph;
    uint32_t p = g.GetProgramOf(rank);
    Touch(rank, task, false);
    ++m_tasksDone;
    auto [first, last] = m_dependents[p].Get(task);
    for (const uint32_t* next = first; next != last; ++next)
    {
        Release(rank, *next, task);
    }
    if (--m_tasksLeft[rank] > 0)
    {
        return;
    }
    Time now = Simulator::Now();
    m_result.rankEnd[rank] = now;
    Expose(rank, task);
    m_began[rank].clear();
    if (--m_ranksLeft == 0)
    {
        m_result.end = now;
        m_completeTrace(m_result);
    }
}

void
Execution::DoDispose()
{
    m_instances.clear();
    if (m_transport)
    {
        m_transport->RemoveReceiver(m_cookies);
    }
    m_transport = nullptr;
    Object::DoDispose();
}

} // namespace ns3
