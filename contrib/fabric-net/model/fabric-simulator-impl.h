/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_SIMULATOR_IMPL_H
#define FABRIC_SIMULATOR_IMPL_H

#include "ns3/event-impl.h"
#include "ns3/simulator-impl.h"

#include <list>
#include <unordered_set>
#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-net
 * \brief The event loop of fabric simulations: events in an order that does not depend on when
 *        they were inserted.
 *
 * ns-3's simulators run events of the same time in the order they were scheduled. That order
 * is the interleaving of every node's work, which a run split over MPI ranks cannot reproduce:
 * a rank learns of another rank's packets only at its next synchronization. Here an event's key
 * is (time, origin, sequence): the origin is the context (node) of the event that scheduled it,
 * and the sequence counts the events that origin has scheduled. A node's events follow only
 * from its own earlier events, so every key is the same however the nodes are spread over
 * processes, and so is the order of events. An event scheduled outside any event (the program's
 * setup) has the origin "no context".
 *
 * An event that has run counts as expired, also while it runs, as with ns-3's simulators.
 */
class FabricSimulatorImpl : public SimulatorImpl
{
  public:
    static TypeId GetTypeId();

    FabricSimulatorImpl();
    ~FabricSimulatorImpl() override;

    void Destroy() override;
    bool IsFinished() const override;
    void Stop() override;
    void Stop(const Time& delay) override;
    EventId Schedule(const Time& delay, EventImpl* event) override;
    void ScheduleWithContext(uint32_t context, const Time& delay, EventImpl* event) override;
    EventId ScheduleNow(EventImpl* event) override;
    EventId ScheduleDestroy(EventImpl* event) override;
    void Remove(const EventId& id) override;
    void Cancel(const EventId& id) override;
    bool IsExpired(const EventId& id) const override;
    void Run() override;
    Time Now() const override;
    Time GetDelayLeft(const EventId& id) const override;
    Time GetMaximumSimulationTime() const override;
    /// Events are kept in this class's own order; \p schedulerFactory is not used.
    void SetScheduler(ObjectFactory schedulerFactory) override;
    uint32_t GetSystemId() const override;
    uint32_t GetContext() const override;
    uint64_t GetEventCount() const override;

  protected:
    void DoDispose() override;

  private:
    /// Bits of Entry::order that hold the sequence; the origin is above them.
    static constexpr int SEQUENCE_BITS = 40;

    /// A pending event and its key: (ts, order), order = origin << SEQUENCE_BITS | sequence.
    struct Entry
    {
        int64_t ts;
        uint64_t order;
        EventImpl* impl;
        uint32_t context;
        uint32_t uid;
    };

    /// Heap order: the entry with the smallest key on top (a type, so that it is inlined).
    struct Later
    {
        bool operator()(const Entry& a, const Entry& b) const
        {
            return a.ts != b.ts ? a.ts > b.ts : a.order > b.order;
        }
    };

    /// Key \p event to run at \p ts in \p context; returns its uid.
    uint32_t Insert(int64_t ts, uint32_t context, EventImpl* event);

    std::vector<Entry> m_heap;
    /// By origin index (context + 1; 0 for no context): events that origin has scheduled.
    std::vector<uint64_t> m_scheduled;
    std::list<EventId> m_destroyEvents;
    /// Uids of events taken out with Remove(), still in the heap until they reach its top.
    std::unordered_set<uint32_t> m_removed;
    int64_t m_currentTs{0};
    uint32_t m_currentContext;
    uint32_t m_currentUid{0};
    uint32_t m_nextUid;
    uint64_t m_eventCount{0};
    /// The run ends before the first event at this time or later.
    int64_t m_stopAt;
    bool m_stop{false};
};

} // namespace ns3

#endif // FABRIC_SIMULATOR_IMPL_H
