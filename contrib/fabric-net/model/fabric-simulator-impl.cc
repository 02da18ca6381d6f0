/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-simulator-impl.h"

#include "fabric-channel.h"
#include "fabric-net-device.h"

#include "ns3/abort.h"
#include "ns3/assert.h"
#include "ns3/node-list.h"
#include "ns3/node.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <iterator>
#include <limits>

#ifdef NS3_MPI
#include <mpi.h>
#endif

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FabricSimulatorImpl);

namespace
{
/// A frame on its way to another rank, followed by its serialized packet.
struct Record
{
    int64_t ts;
    uint64_t order;
    uint32_t node;
    uint32_t ifIndex;
    uint32_t bytes;
    uint32_t control; //!< a MAC control frame
};

/// Frames start at multiples of 8 bytes.
std::size_t
Padded(std::size_t bytes)
{
    return (bytes + 7) & ~std::size_t(7);
}
} // namespace

TypeId
FabricSimulatorImpl::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FabricSimulatorImpl")
                            .SetParent<SimulatorImpl>()
                            .SetGroupName("FabricNet")
                            .AddConstructor<FabricSimulatorImpl>();
    return tid;
}

FabricSimulatorImpl::FabricSimulatorImpl()
    : m_currentContext(Simulator::NO_CONTEXT),
      m_nextUid(EventId::UID::VALID),
      m_stopAt(std::numeric_limits<int64_t>::max())
{
#ifdef NS3_MPI
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (initialized)
    {
        int rank = 0;
        int size = 1;
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &size);
        m_rank = static_cast<uint32_t>(rank);
        m_size = static_cast<uint32_t>(size);
    }
#endif
    m_outbox.resize(m_size);
}

FabricSimulatorImpl::~FabricSimulatorImpl() = default;

void
FabricSimulatorImpl::DoDispose()
{
    for (const Entry& e : m_heap)
    {
        if ((e.target & KIND_MASK) == 0)
        {
            e.GetImpl()->Unref();
        }
    }
    m_heap.clear();
    m_removed.clear();
    SimulatorImpl::DoDispose();
}

void
FabricSimulatorImpl::Destroy()
{
    while (!m_destroyEvents.empty())
    {
        Ptr<EventImpl> event = m_destroyEvents.front().PeekEventImpl();
        m_destroyEvents.pop_front();
        if (!event->IsCancelled())
        {
            event->Invoke();
        }
    }
}

bool
FabricSimulatorImpl::IsFinished() const
{
    return GetPending() == 0 || m_stop;
}

void
FabricSimulatorImpl::Stop()
{
    m_stop = true;
}

void
FabricSimulatorImpl::Stop(const Time& delay)
{
    m_stopAt = std::min(m_stopAt, m_currentTs + delay.GetTimeStep());
}

void
FabricSimulatorImpl::AddOrigins(uint32_t origin)
{
    NS_ABORT_MSG_IF(uint64_t(origin) >> (64 - SEQUENCE_BITS),
                    "FabricSimulatorImpl: too many contexts");
    m_scheduled.resize(origin + 1ULL, 0);
}

uint32_t
FabricSimulatorImpl::Insert(int64_t ts, uint32_t context, EventImpl* event)
{
    NS_ASSERT_MSG(ts >= m_currentTs, "FabricSimulatorImpl: an event in the past");
    return PushEvent(ts, NextOrder(), context, event);
}

uint32_t
FabricSimulatorImpl::PushEvent(int64_t ts, uint64_t order, uint32_t context, EventImpl* event)
{
    uint32_t uid = m_nextUid++;
    Push(ts, order, context, reinterpret_cast<uintptr_t>(event), uid);
    return uid;
}

EventId
FabricSimulatorImpl::Schedule(const Time& delay, EventImpl* event)
{
    NS_ASSERT_MSG(!delay.IsStrictlyNegative(), "FabricSimulatorImpl: negative delay");
    int64_t ts = m_currentTs + delay.GetTimeStep();
    // The heap keeps the reference the event was made with; the id takes one of its own.
    return EventId(Ptr<EventImpl>(event),
                   ts,
                   m_currentContext,
                   Insert(ts, m_currentContext, event));
}

void
FabricSimulatorImpl::ScheduleWithContext(uint32_t context, const Time& delay, EventImpl* event)
{
    NS_ASSERT_MSG(!delay.IsStrictlyNegative(), "FabricSimulatorImpl: negative delay");
    Insert(m_currentTs + delay.GetTimeStep(), context, event);
}

EventId
FabricSimulatorImpl::ScheduleNow(EventImpl* event)
{
    return EventId(Ptr<EventImpl>(event),
                   m_currentTs,
                   m_currentContext,
                   Insert(m_currentTs, m_currentContext, event));
}

EventId
FabricSimulatorImpl::ScheduleDestroy(EventImpl* event)
{
    EventId id(Ptr<EventImpl>(event, false), m_currentTs, 0xffffffff, EventId::UID::DESTROY);
    m_destroyEvents.push_back(id);
    return id;
}

void
FabricSimulatorImpl::Remove(const EventId& id)
{
    if (id.GetUid() == EventId::UID::DESTROY)
    {
        m_destroyEvents.remove(id);
        return;
    }
    if (IsExpired(id))
    {
        return;
    }
    m_removed.insert(id.GetUid());
    id.PeekEventImpl()->Cancel();
}

void
FabricSimulatorImpl::Cancel(const EventId& id)
{
    if (!IsExpired(id))
    {
        id.PeekEventImpl()->Cancel();
    }
}

bool
FabricSimulatorImpl::IsExpired(const EventId& id) const
{
    EventImpl* event = id.PeekEventImpl();
    if (id.GetUid() == EventId::UID::DESTROY)
    {
        return event == nullptr || event->IsCancelled() ||
               std::find(m_destroyEvents.begin(), m_destroyEvents.end(), id) ==
                   m_destroyEvents.end();
    }
    // An event that ran was cancelled after it ran; the running one is expired too.
    return event == nullptr || event->IsCancelled() || id.GetUid() == m_currentUid ||
           static_cast<int64_t>(id.GetTs()) < m_currentTs;
}

void
FabricSimulatorImpl::SiftDown(const Entry& e)
{
    std::size_t n = m_heap.size();
    std::size_t i = 0;
    for (std::size_t child = 1; child < n; child = 2 * i + 1)
    {
        if (child + 1 < n && Before(m_heap[child + 1], m_heap[child]))
        {
            ++child;
        }
        if (!Before(m_heap[child], e))
        {
            break;
        }
        m_heap[i] = m_heap[child];
        i = child;
    }
    m_heap[i] = e;
}

void
FabricSimulatorImpl::PopTop()
{
    Entry last = m_heap.back();
    m_heap.pop_back();
    std::size_t n = m_heap.size();
    if (n == 0)
    {
        return;
    }
    // The last entry is late: move the hole down to a leaf along the earlier children (one
    // comparison a level), then bring the entry up from there to its place.
    std::size_t i = 0;
    for (std::size_t child = 1; child < n; child = 2 * i + 1)
    {
        if (child + 1 < n && Before(m_heap[child + 1], m_heap[child]))
        {
            ++child;
        }
        m_heap[i] = m_heap[child];
        i = child;
    }
    SiftUp(i, last);
}

void
FabricSimulatorImpl::RunUntil(int64_t horizon)
{
    // Events may move the stop time earlier (Stop, CompleteWork).
    while (!m_stop && !m_heap.empty() && m_heap.front().ts < std::min(horizon, m_stopAt))
    {
        Entry e = m_heap.front();
        uintptr_t kind = e.target & KIND_MASK;
        // The next event is most often one of the top's children: fetch what they run (a port's
        // first lines, an EventImpl) while this one runs.
        for (std::size_t c = 1; c <= 2 && c < m_heap.size(); ++c)
        {
            const char* next = reinterpret_cast<const char*>(m_heap[c].target & ~KIND_MASK);
            __builtin_prefetch(next);
            __builtin_prefetch(next + 64);
        }
        if (kind == 0 && !m_removed.empty() && m_removed.erase(e.uid) > 0)
        {
            PopTop();
            e.GetImpl()->Unref();
            continue;
        }
        m_topRan = true;
        m_currentTs = e.ts;
        m_currentOrder = e.order;
        m_currentContext = e.context;
        m_currentUid = e.uid;
        ++m_eventCount;
        if (kind != 0)
        {
            e.GetPort()->RunPortEvent(static_cast<PortEvent>(kind));
        }
        else
        {
            EventImpl* impl = e.GetImpl();
            impl->Invoke();
            impl->Cancel(); // ran: expired for whoever still holds its id
            impl->Unref();
        }
        if (m_topRan)
        {
            m_topRan = false; // it scheduled nothing
            PopTop();
        }
    }
    m_currentUid = 0;
    m_currentContext = Simulator::NO_CONTEXT;
}

void
FabricSimulatorImpl::Run()
{
    m_stop = false;
    if (m_size > 1)
    {
        RunDistributed();
    }
    else
    {
        RunUntil(m_stopAt);
    }
    if (m_stop)
    {
        return;
    }
    // A stop time ends the run there, even if no event is left before it.
    if (m_stopAt != std::numeric_limits<int64_t>::max() &&
        (m_heap.empty() || m_heap.front().ts >= m_stopAt))
    {
        m_currentTs = std::max(m_currentTs, m_stopAt);
        m_currentOrder = 0;
        m_stopAt = std::numeric_limits<int64_t>::max(); // a later Run() goes on
    }
    else if (m_heap.empty())
    {
        // Every event ran, those kept as keys too.
        m_currentTs = std::max(m_currentTs, m_latestUnscheduled);
        m_currentOrder = std::numeric_limits<uint64_t>::max();
    }
}

void
FabricSimulatorImpl::AddWork(uint64_t items)
{
    m_work += items;
    m_hadWork = m_hadWork || items > 0;
}

void
FabricSimulatorImpl::CompleteWork()
{
    NS_ABORT_MSG_IF(m_work == 0, "FabricSimulatorImpl: more work completed than was added");
    m_lastCompletion = m_currentTs;
    if (--m_work == 0 && m_size == 1)
    {
        m_stopAt = std::min(m_stopAt, m_currentTs + m_drain);
    }
}

void
FabricSimulatorImpl::SetDrain(const Time& drain)
{
    m_drain = drain.GetTimeStep();
}

uint32_t
FabricSimulatorImpl::GetSize() const
{
    return m_size;
}

void
FabricSimulatorImpl::ScheduleRemote(uint32_t rank,
                                    const Time& delay,
                                    uint32_t node,
                                    uint32_t ifIndex,
                                    Ptr<Packet> packet,
                                    bool control)
{
    NS_ABORT_MSG_UNLESS(rank < m_size && rank != m_rank, "FabricSimulatorImpl: no rank " << rank);
    Record r{m_currentTs + delay.GetTimeStep(),
             NextOrder(),
             node,
             ifIndex,
             packet->GetSerializedSize(),
             control};
    std::vector<uint8_t>& out = m_outbox[rank];
    std::size_t at = out.size();
    out.resize(at + sizeof(Record) + Padded(r.bytes));
    std::memcpy(out.data() + at, &r, sizeof(Record));
    packet->Serialize(out.data() + at + sizeof(Record), r.bytes);
}

void
FabricSimulatorImpl::Exchange()
{
#ifdef NS3_MPI
    std::vector<int> sendCounts(m_size);
    std::vector<int> sendAt(m_size);
    std::vector<uint8_t> sendBuffer;
    for (uint32_t r = 0; r < m_size; ++r)
    {
        NS_ABORT_MSG_IF(m_outbox[r].size() > INT32_MAX, "FabricSimulatorImpl: window too full");
        sendAt[r] = static_cast<int>(sendBuffer.size());
        sendCounts[r] = static_cast<int>(m_outbox[r].size());
        sendBuffer.insert(sendBuffer.end(), m_outbox[r].begin(), m_outbox[r].end());
        m_outbox[r].clear();
    }
    std::vector<int> recvCounts(m_size);
    MPI_Alltoall(sendCounts.data(), 1, MPI_INT, recvCounts.data(), 1, MPI_INT, MPI_COMM_WORLD);
    std::vector<int> recvAt(m_size);
    std::size_t total = 0;
    for (uint32_t r = 0; r < m_size; ++r)
    {
        recvAt[r] = static_cast<int>(total);
        total += recvCounts[r];
    }
    std::vector<uint8_t> recvBuffer(total);
    MPI_Alltoallv(sendBuffer.data(),
                  sendCounts.data(),
                  sendAt.data(),
                  MPI_BYTE,
                  recvBuffer.data(),
                  recvCounts.data(),
                  recvAt.data(),
                  MPI_BYTE,
                  MPI_COMM_WORLD);
    for (std::size_t at = 0; at < total;)
    {
        Record r;
        std::memcpy(&r, recvBuffer.data() + at, sizeof(Record));
        at += sizeof(Record);
        Ptr<Packet> packet = Create<Packet>(recvBuffer.data() + at, r.bytes, true);
        at += Padded(r.bytes);
        Ptr<FabricNetDevice> device =
            DynamicCast<FabricNetDevice>(NodeList::GetNode(r.node)->GetDevice(r.ifIndex));
        NS_ABORT_MSG_UNLESS(device,
                            "FabricSimulatorImpl: a frame for a port that is not a fabric port");
        device->Arrive(FabricFrame::Create(packet), r.ts, r.order, r.control != 0);
    }
#endif
}

void
FabricSimulatorImpl::RunDistributed()
{
#ifdef NS3_MPI
    // The lookahead: the shortest link between a node of this rank and one of another.
    int64_t lookahead = std::numeric_limits<int64_t>::max();
    for (auto node = NodeList::Begin(); node != NodeList::End(); ++node)
    {
        if ((*node)->GetSystemId() != m_rank)
        {
            continue;
        }
        for (uint32_t i = 0; i < (*node)->GetNDevices(); ++i)
        {
            Ptr<FabricNetDevice> device = DynamicCast<FabricNetDevice>((*node)->GetDevice(i));
            Ptr<FabricChannel> channel =
                device ? DynamicCast<FabricChannel>(device->GetChannel()) : nullptr;
            if (channel && channel->GetPeer(device)->GetNode()->GetSystemId() != m_rank)
            {
                lookahead = std::min(lookahead, channel->GetDelay().GetTimeStep());
            }
        }
    }
    MPI_Allreduce(MPI_IN_PLACE, &lookahead, 1, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD);
    // Every process built every node, and ns-3 scheduled each node's initialization: only
    // those of this process's nodes run here.
    auto remote = [this](const Entry& e) {
        return e.context < NodeList::GetNNodes() &&
               NodeList::GetNode(e.context)->GetSystemId() != m_rank;
    };
    for (const Entry& e : m_heap)
    {
        if (!remote(e))
        {
            continue;
        }
        if ((e.target & KIND_MASK) == 0)
        {
            e.GetImpl()->Unref();
        }
        else
        {
            e.GetPort()->DropPortEvent(static_cast<PortEvent>(e.target & KIND_MASK));
        }
    }
    std::vector<Entry> mine;
    std::remove_copy_if(m_heap.begin(), m_heap.end(), std::back_inserter(mine), remote);
    m_heap.clear();
    for (const Entry& e : mine)
    {
        Push(e.ts, e.order, e.context, e.target, e.uid);
    }
    NS_ABORT_MSG_IF(lookahead <= 0,
                    "FabricSimulatorImpl: a link of zero delay joins nodes of different ranks");
    // Windows no longer than the drain (the same on every rank), so that every rank learns of
    // the end before it gets there; shorter only when no link joins the ranks.
    if (m_drain > 0)
    {
        lookahead = std::min(lookahead, m_drain);
    }
    m_lookahead = lookahead;
    NS_ABORT_MSG_IF(m_hadWork && m_drain == 0,
                    "FabricSimulatorImpl: work needs a drain (SetDrain)");
    while (!m_stop)
    {
        Exchange();
        // One reduction: the earliest pending event, the last completion, whether work is left
        // and whether there was any (maxima as negated minima).
        int64_t next = m_heap.empty() ? std::numeric_limits<int64_t>::max() : m_heap.front().ts;
        int64_t agreed[4] = {next, -m_lastCompletion, -int64_t(m_work > 0), -int64_t(m_hadWork)};
        MPI_Allreduce(MPI_IN_PLACE, agreed, 4, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD);
        m_lastCompletion = -agreed[1];
        if (agreed[2] == 0 && agreed[3] != 0)
        {
            m_stopAt = std::min(m_stopAt, m_lastCompletion + m_drain);
        }
        if (agreed[0] == std::numeric_limits<int64_t>::max() || agreed[0] >= m_stopAt)
        {
            break; // nothing pending anywhere (nor in flight: just exchanged), or the end
        }
        RunUntil(lookahead >= m_stopAt - agreed[0] ? m_stopAt : agreed[0] + lookahead);
        ++m_windows;
    }
#endif
}

Time
FabricSimulatorImpl::GetLookahead() const
{
    return TimeStep(m_lookahead);
}

uint64_t
FabricSimulatorImpl::GetWindows() const
{
    return m_windows;
}

std::vector<std::string>
FabricSimulatorImpl::Gather(const std::string& mine) const
{
    if (m_size == 1)
    {
        return {mine};
    }
    std::vector<std::string> all;
#ifdef NS3_MPI
    // MPI counts are ints.
    NS_ABORT_MSG_IF(mine.size() > INT_MAX, "FabricSimulatorImpl: a part of over 2 GiB");
    int bytes = static_cast<int>(mine.size());
    std::vector<int> sizes(m_size);
    MPI_Gather(&bytes, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::vector<int> at(m_size);
    std::size_t total = 0;
    for (uint32_t r = 0; r < m_size; ++r)
    {
        at[r] = static_cast<int>(total);
        total += sizes[r];
        NS_ABORT_MSG_IF(total > INT_MAX, "FabricSimulatorImpl: parts of over 2 GiB");
    }
    std::string buffer(m_rank == 0 ? total : 0, '\0');
    MPI_Gatherv(mine.data(),
                bytes,
                MPI_BYTE,
                buffer.data(),
                sizes.data(),
                at.data(),
                MPI_BYTE,
                0,
                MPI_COMM_WORLD);
    for (uint32_t r = 0; m_rank == 0 && r < m_size; ++r)
    {
        all.push_back(buffer.substr(at[r], sizes[r]));
    }
#endif
    return all;
}

uint64_t
FabricSimulatorImpl::Sum(uint64_t value) const
{
#ifdef NS3_MPI
    if (m_size > 1)
    {
        MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    }
#endif
    return value;
}

std::string
FabricSimulatorImpl::Broadcast(const std::string& mine) const
{
    std::string value = mine;
#ifdef NS3_MPI
    if (m_size > 1)
    {
        uint64_t bytes = value.size();
        MPI_Bcast(&bytes, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
        NS_ABORT_MSG_IF(bytes > INT_MAX, "FabricSimulatorImpl: a broadcast of over 2 GiB");
        value.resize(bytes);
        MPI_Bcast(value.data(), static_cast<int>(bytes), MPI_CHAR, 0, MPI_COMM_WORLD);
    }
#endif
    return value;
}

Time
FabricSimulatorImpl::Now() const
{
    return TimeStep(m_currentTs);
}

Time
FabricSimulatorImpl::GetDelayLeft(const EventId& id) const
{
    return IsExpired(id) ? TimeStep(0) : TimeStep(id.GetTs() - m_currentTs);
}

Time
FabricSimulatorImpl::GetMaximumSimulationTime() const
{
    return TimeStep(std::numeric_limits<int64_t>::max());
}

void
FabricSimulatorImpl::SetScheduler(ObjectFactory /* schedulerFactory */)
{
}

uint32_t
FabricSimulatorImpl::GetSystemId() const
{
    return m_rank;
}

uint64_t
FabricSimulatorImpl::GetEventCount() const
{
    return m_eventCount;
}

} // namespace ns3
