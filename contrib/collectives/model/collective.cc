/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "collective.h"

#include "ns3/simulator.h"
#include "ns3/trace-source-accessor.h"

#include <unordered_set>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(Collective);

TypeId
Collective::GetTypeId()
{
    static TypeId tid = TypeId("ns3::Collective")
                            .SetParent<Object>()
                            .SetGroupName("Collectives")
                            .AddConstructor<Collective>()
                            .AddTraceSource("Complete",
                                            "The operation's last transfer arrived",
                                            MakeTraceSourceAccessor(&Collective::m_completeTrace),
                                            "ns3::Collective::CompleteTracedCallback");
    return tid;
}

Collective::Collective() = default;

std::string
Collective::Setup(Ptr<GpuTransport> transport,
                  const Communicator& comm,
                  CollectiveOp op,
                  uint64_t bytes,
                  Ptr<CollectiveAlgorithm> algorithm,
                  uint32_t root)
{
    uint32_t n = comm.GetSize();
    if (n < 2)
    {
        return "a collective needs at least 2 ranks, not " + std::to_string(n);
    }
    if (!algorithm->Supports(op))
    {
        return "algorithm '" + algorithm->GetName() + "' has no " + ToString(op);
    }
    std::string problem = algorithm->Check(comm);
    if (!problem.empty())
    {
        return problem;
    }
    if (root >= n)
    {
        return "root rank " + std::to_string(root) + " is not one of the " + std::to_string(n);
    }
    Unreserve();
    m_transport = transport;
    m_comm = comm;
    m_schedule = CollectiveSchedule();
    algorithm->Build(op, comm, bytes, root, m_schedule);
    uint32_t size = m_schedule.GetSize();
    std::unordered_set<uint64_t> pairs;
    m_bytesTotal = 0;
    for (uint32_t i = 0; i < size; ++i)
    {
        const auto& t = m_schedule.Get(i);
        if (t.bytes == 0)
        {
            return std::to_string(bytes) + " bytes are too few for " + std::to_string(n) +
                   " ranks: every rank and channel needs a share (at least ranks x channels bytes)";
        }
        m_bytesTotal += t.bytes;
        if (pairs.insert(uint64_t(t.src) << 32 | t.dst).second)
        {
            problem = transport->CheckPath(comm.GetGpu(t.src), comm.GetGpu(t.dst));
            if (!problem.empty())
            {
                return "ranks " + std::to_string(t.src) + " and " + std::to_string(t.dst) + ": " +
                       problem;
            }
        }
    }
    // Who waits for whom.
    m_waiting.assign(size, 0);
    for (uint32_t i = 0; i < size; ++i)
    {
        auto [first, last] = m_schedule.GetDeps(i);
        m_waiting[i] = static_cast<uint32_t>(last - first);
    }
    m_dependents = m_schedule.GetDepRows().Inverse();
    m_remaining = size;
    m_bytesArrived = 0;
    m_started = false;
    m_gated = false;
    m_cookies = 0;
    m_result = CollectiveResult();
    m_result.op = op;
    m_result.algorithm = algorithm->GetName();
    m_result.ranks = n;
    m_result.bytes = bytes;
    m_result.rankEnd.assign(n, Time());
    return "";
}

void
Collective::Open(bool gated)
{
    m_started = true;
    m_gated = gated;
    m_result.start = Simulator::Now();
    uint32_t size = m_schedule.GetSize();
    if (m_cookies == 0) // not named by SetCookies: reserve them
    {
        m_cookies = m_transport->AddReceiver(size,
                                             MakeCallback(&Collective::Arrived, this),
                                             gated ? MakeCallback(&Collective::Acked, this)
                                                   : GpuTransport::ReceiverCallback());
        m_reserved = size > 0; // an empty range is not registered
    }
    // Every process makes every queue pair, and waits for the transfers that end on its GPUs.
    Prepare(*m_transport, m_comm, m_schedule);
    m_remaining = 0;
    for (uint32_t i = 0; i < size; ++i)
    {
        const auto& t = m_schedule.Get(i);
        m_remaining += m_transport->IsLocal(m_comm.GetGpu(t.dst).node) ? 1 : 0;
        // A transfer starts where its dependencies arrived: on the process of its source.
        auto [first, last] = m_schedule.GetDeps(i);
        for (const uint32_t* d = first; d != last; ++d)
        {
            NS_ABORT_MSG_IF(m_transport->IsLocal(m_comm.GetGpu(m_schedule.Get(*d).dst).node) !=
                                m_transport->IsLocal(m_comm.GetGpu(t.src).node),
                            "Collective: transfer "
                                << i << " waits for one that ends on another process");
        }
    }
    if (!gated)
    {
        return;
    }
    // Each transfer also waits for its source to enter; a rank is over when it has entered
    // (the extra one) and its transfers in and out are.
    uint32_t n = m_comm.GetSize();
    m_rankLeft.assign(n, 1);
    for (uint32_t i = 0; i < size; ++i)
    {
        const auto& t = m_schedule.Get(i);
        ++m_waiting[i];
        ++m_rankLeft[t.src];
        ++m_rankLeft[t.dst];
    }
    m_bySource.Group(n, size, [this](uint32_t i, auto file) { file(m_schedule.Get(i).src); });
}

void
Collective::Start()
{
    Open(false);
    for (uint32_t i = 0; i < m_schedule.GetSize(); ++i)
    {
        if (m_waiting[i] == 0 && m_transport->IsLocal(m_comm.GetGpu(m_schedule.Get(i).src).node))
        {
            Issue(i);
        }
    }
    if (m_remaining == 0) // nothing ends here
    {
        Finish(Simulator::Now());
    }
}

void
Collective::SetCookies(uint64_t first)
{
    m_cookies = first;
}

void
Collective::SetRankDoneCallback(Callback<void, uint32_t> done)
{
    m_rankDone = done;
}

void
Collective::Enter(uint32_t rank)
{
    NS_ABORT_MSG_IF(m_started && !m_gated, "Collective: Enter after Start");
    bool opens = !m_started;
    if (opens)
    {
        Open(true);
    }
    auto [first, last] = m_bySource.Get(rank);
    for (const uint32_t* i = first; i != last; ++i)
    {
        if (--m_waiting[*i] == 0)
        {
            Issue(*i);
        }
    }
    RankProgress(rank);
    if (opens && m_remaining == 0) // nothing ends here
    {
        Finish(Simulator::Now());
    }
}

void
Collective::RankProgress(uint32_t rank)
{
    if (--m_rankLeft[rank] == 0 && !m_rankDone.IsNull())
    {
        m_rankDone(rank);
    }
}

void
Collective::Issue(uint32_t transfer)
{
    const auto& t = m_schedule.Get(transfer);
    m_transport->Send(m_comm.GetGpu(t.src),
                      m_comm.GetGpu(t.dst),
                      t.bytes,
                      t.channel,
                      m_cookies + transfer);
}

void
Collective::Acked(uint64_t transfer, const Delivery& /* delivery */)
{
    RankProgress(m_schedule.Get(static_cast<uint32_t>(transfer)).src);
}

void
Collective::Arrived(uint64_t transfer, const Delivery& /* delivery */)
{
    if (!m_started) // no member here has entered yet
    {
        Open(true);
    }
    const auto& t = m_schedule.Get(static_cast<uint32_t>(transfer));
    Time now = Simulator::Now();
    m_result.rankEnd[t.src] = std::max(m_result.rankEnd[t.src], now);
    m_result.rankEnd[t.dst] = std::max(m_result.rankEnd[t.dst], now);
    m_bytesArrived += t.bytes;
    auto [first, last] = m_dependents.Get(static_cast<uint32_t>(transfer));
    for (const uint32_t* next = first; next != last; ++next)
    {
        if (--m_waiting[*next] == 0)
        {
            Issue(*next);
        }
    }
    if (m_gated)
    {
        RankProgress(t.dst);
    }
    if (--m_remaining == 0)
    {
        Finish(now);
    }
}

void
Collective::Finish(Time end)
{
    m_result.end = end;
    m_completeTrace(m_result);
}

void
Collective::Unreserve()
{
    if (m_reserved)
    {
        m_transport->RemoveReceiver(m_cookies);
        m_reserved = false;
    }
}

void
Collective::Prepare(GpuTransport& transport,
                    const Communicator& comm,
                    const CollectiveSchedule& schedule)
{
    for (uint32_t i = 0; i < schedule.GetSize(); ++i)
    {
        const auto& t = schedule.Get(i);
        transport.Prepare(comm.GetGpu(t.src), comm.GetGpu(t.dst), t.channel);
    }
}

void
Collective::DoDispose()
{
    Unreserve();
    m_transport = nullptr;
    m_rankDone = Callback<void, uint32_t>();
    Object::DoDispose();
}

} // namespace ns3
