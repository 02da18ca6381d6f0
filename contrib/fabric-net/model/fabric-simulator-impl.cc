/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-simulator-impl.h"

#include "ns3/abort.h"
#include "ns3/assert.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <limits>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FabricSimulatorImpl);

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
}

FabricSimulatorImpl::~FabricSimulatorImpl() = default;

void
FabricSimulatorImpl::DoDispose()
{
    for (const Entry& e : m_heap)
    {
        e.impl->Unref();
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
    return m_heap.empty() || m_stop;
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

uint32_t
FabricSimulatorImpl::Insert(int64_t ts, uint32_t context, EventImpl* event)
{
    NS_ASSERT_MSG(ts >= m_currentTs, "FabricSimulatorImpl: an event in the past");
    uint64_t origin = m_currentContext == Simulator::NO_CONTEXT ? 0 : m_currentContext + 1ULL;
    if (origin >= m_scheduled.size())
    {
        NS_ABORT_MSG_IF(origin >> (64 - SEQUENCE_BITS), "FabricSimulatorImpl: too many contexts");
        m_scheduled.resize(origin + 1, 0);
    }
    uint64_t sequence = m_scheduled[origin]++;
    NS_ABORT_MSG_IF(sequence >> SEQUENCE_BITS, "FabricSimulatorImpl: too many events of a node");
    uint32_t uid = m_nextUid++;
    m_heap.push_back(Entry{ts, origin << SEQUENCE_BITS | sequence, event, context, uid});
    std::push_heap(m_heap.begin(), m_heap.end(), Later());
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
FabricSimulatorImpl::Run()
{
    m_stop = false;
    while (!m_stop)
    {
        // A stop time ends the run there, even if no event is left before it.
        if (m_heap.empty() || m_heap.front().ts >= m_stopAt)
        {
            if (m_stopAt != std::numeric_limits<int64_t>::max())
            {
                m_currentTs = m_stopAt;
                m_stopAt = std::numeric_limits<int64_t>::max(); // a later Run() goes on
            }
            break;
        }
        std::pop_heap(m_heap.begin(), m_heap.end(), Later());
        Entry e = m_heap.back();
        m_heap.pop_back();
        if (!m_removed.empty() && m_removed.erase(e.uid) > 0)
        {
            e.impl->Unref();
            continue;
        }
        m_currentTs = e.ts;
        m_currentContext = e.context;
        m_currentUid = e.uid;
        ++m_eventCount;
        e.impl->Invoke();
        e.impl->Cancel(); // ran: expired for whoever still holds its id
        e.impl->Unref();
    }
    m_currentUid = 0;
    m_currentContext = Simulator::NO_CONTEXT;
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
    return 0;
}

uint32_t
FabricSimulatorImpl::GetContext() const
{
    return m_currentContext;
}

uint64_t
FabricSimulatorImpl::GetEventCount() const
{
    return m_eventCount;
}

} // namespace ns3
