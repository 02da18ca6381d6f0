/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_SIMULATOR_IMPL_H
#define FABRIC_SIMULATOR_IMPL_H

#include "ns3/abort.h"
#include "ns3/event-impl.h"
#include "ns3/packet.h"
#include "ns3/simulator-impl.h"

#include <algorithm>
#include <list>
#include <string>
#include <unordered_set>
#include <vector>

namespace ns3
{

class FabricNetDevice;

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
 *
 * Run over MPI (ns-3 built with --enable-mpi, MPI initialized through MpiInterface::Enable and
 * nodes given system ids), each rank runs the events of its own nodes in windows: all ranks
 * agree on the earliest pending event m, and each runs its events before m + L, where the
 * lookahead L is the shortest delay of a link between nodes of different ranks. A frame sent
 * across such a link (ScheduleRemote, from FabricChannel) arrives at least L after it left, so
 * after the window; the ranks exchange those frames, with the keys the events would have had
 * here, and go on. Events therefore run in the same order as in one process.
 *
 * Work items (AddWork, CompleteWork) tell when the run ends: the drain time after the last item
 * completed anywhere (or at a stop time). The drain is at least the lookahead, so every rank
 * learns of the end before it gets there.
 */
class FabricSimulatorImpl final : public SimulatorImpl
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

    uint32_t GetContext() const override
    {
        return m_currentContext;
    }

    uint64_t GetEventCount() const override;

    /// The current time in time steps.
    int64_t GetTimeStep() const
    {
        return m_currentTs;
    }

    /// The key (order) of an event the running one schedules now: it takes the next sequence
    /// number of the running event's context.
    uint64_t NextOrder()
    {
        uint32_t origin = m_currentContext + 1; // no context (all ones) is origin 0
        if (origin >= m_scheduled.size())
        {
            AddOrigins(origin);
        }
        uint64_t sequence = m_scheduled[origin]++;
        NS_ABORT_MSG_IF(sequence >> SEQUENCE_BITS,
                        "FabricSimulatorImpl: too many events of a node");
        return uint64_t(origin) << SEQUENCE_BITS | sequence;
    }

    /// \name Port events
    /// A port's transmission end and the arrival of the next frame on its link run as events
    /// kept as the port and a kind, without an EventImpl; their keys are those Schedule and
    /// ScheduleWithContext would give (FabricNetDevice).
    /// @{
    enum PortEvent : uint32_t
    {
        TRANSMIT_COMPLETE = 1, //!< FabricNetDevice::TransmitComplete
        ARRIVAL = 2,           //!< the next frame on the link arrives
        CONTROL_ARRIVAL = 3,   //!< the next MAC control frame on the link arrives
    };

    /// Run \p kind of \p port at \p ts, with key \p order, in \p context.
    void SchedulePortEvent(FabricNetDevice* port,
                           PortEvent kind,
                           int64_t ts,
                           uint64_t order,
                           uint32_t context)
    {
        Push(ts, order, context, reinterpret_cast<uintptr_t>(port) | kind, 0);
    }

    /**
     * \brief True when an event keyed (\p ts, \p order) would have run by now: before the
     *        running event, or before the point where the last run stopped.
     *
     * A port whose transmission ends with nothing left to send keeps that end as a key
     * instead of an event (FabricNetDevice::TryTransmit) and asks this when something comes.
     */
    bool HasRun(int64_t ts, uint64_t order) const
    {
        return ts < m_currentTs || (ts == m_currentTs && order < m_currentOrder);
    }

    /// An event at \p ts that is kept as a key: a run that empties the queue still ends at
    /// the latest such time, as if it had run.
    void NoteUnscheduled(int64_t ts)
    {
        m_latestUnscheduled = std::max(m_latestUnscheduled, ts);
    }

    /// @}

    /**
     * \brief Deliver \p packet to port \p ifIndex of node \p node, simulated by rank \p rank,
     *        \p delay from now: the arrival FabricChannel would schedule here, with the same
     *        key, on that rank. \p control: a MAC control frame (FabricNetDevice::Arrive).
     */
    void ScheduleRemote(uint32_t rank,
                        const Time& delay,
                        uint32_t node,
                        uint32_t ifIndex,
                        Ptr<Packet> packet,
                        bool control);

    /// \name Work: the run ends the drain time after its last item completed, on any rank.
    /// @{
    void AddWork(uint64_t items);
    void CompleteWork();
    void SetDrain(const Time& drain);
    /// @}

    /// The number of ranks (1 without MPI).
    uint32_t GetSize() const;

    /// \name A distributed run's windows, once it has run
    /// @{
    /// The lookahead: the shortest delay of a link between ranks (zero before a run over MPI).
    Time GetLookahead() const;
    /// The windows of the lookahead the ranks ran in step.
    uint64_t GetWindows() const;
    /// @}

    /// Every rank's \p mine on rank 0, in rank order; nothing on the other ranks.
    std::vector<std::string> Gather(const std::string& mine) const;

    /// The sum of every rank's \p value, on every rank.
    uint64_t Sum(uint64_t value) const;

    /// Rank 0's \p mine, on every rank.
    std::string Broadcast(const std::string& mine) const;

  protected:
    void DoDispose() override;

  private:
    /// Bits of Entry::order that hold the sequence; the origin is above them.
    static constexpr int SEQUENCE_BITS = 40;

    /// Low bits of Entry::target: 0 for an EventImpl, else a PortEvent of a FabricNetDevice.
    static constexpr uintptr_t KIND_MASK = 3;

    /// A pending event and its key: (ts, order), order = origin << SEQUENCE_BITS | sequence.
    struct Entry
    {
        int64_t ts;
        uint64_t order;
        /// An EventImpl*, or a FabricNetDevice* with the PortEvent in its low bits.
        uintptr_t target;
        uint32_t context;
        /// EventImpl events only; 0 for port events.
        uint32_t uid;

        EventImpl* GetImpl() const
        {
            return reinterpret_cast<EventImpl*>(target);
        }

        FabricNetDevice* GetPort() const
        {
            return reinterpret_cast<FabricNetDevice*>(target & ~KIND_MASK);
        }
    };

    /// Key order. Keys are unique, so the order events run in does not depend on how the
    /// heap arranges them.
    static bool Before(const Entry& a, const Entry& b)
    {
        // One 128-bit comparison (times are never negative), without a branch.
        auto key = [](const Entry& e) {
            return static_cast<unsigned __int128>(static_cast<uint64_t>(e.ts)) << 64 | e.order;
        };
        return key(a) < key(b);
    }

    /// Key \p event to run at \p ts in \p context; returns its uid.
    uint32_t Insert(int64_t ts, uint32_t context, EventImpl* event);
    /// Key \p event (an EventImpl) to run at \p ts; returns its uid.
    uint32_t PushEvent(int64_t ts, uint64_t order, uint32_t context, EventImpl* event);

    /// \name The event heap: a binary heap of entries, earliest on top. The running event's
    ///       entry stays on top until it ends, and the first event it schedules takes its
    ///       place (one sift down instead of a removal and an insertion: most events schedule
    ///       a follow-up soon after them, such as a port's next arrival).
    /// @{
    void Push(int64_t ts, uint64_t order, uint32_t context, uintptr_t target, uint32_t uid)
    {
        Entry e{ts, order, target, context, uid};
        if (m_topRan)
        {
            m_topRan = false;
            SiftDown(e);
            return;
        }
        m_heap.push_back(e);
        SiftUp(m_heap.size() - 1, e);
    }

    /// Place \p e at the hole \p i or above it.
    void SiftUp(std::size_t i, const Entry& e)
    {
        while (i > 0)
        {
            std::size_t parent = (i - 1) / 2;
            if (!Before(e, m_heap[parent]))
            {
                break;
            }
            m_heap[i] = m_heap[parent];
            i = parent;
        }
        m_heap[i] = e;
    }

    /// Count the events of origins up to \p origin.
    void AddOrigins(uint32_t origin);
    /// Put \p e in the top entry's place and restore the order below it.
    void SiftDown(const Entry& e);
    /// Remove the top entry.
    void PopTop();

    /// Entries pending, the running one aside.
    std::size_t GetPending() const
    {
        return m_heap.size() - (m_topRan ? 1 : 0);
    }

    /// @}

    /// Run events before \p horizon (or until Stop()).
    void RunUntil(int64_t horizon);
    /// Run in windows with the other ranks.
    void RunDistributed();
    /// Send every rank the frames for it and schedule those for this one.
    void Exchange();

    std::vector<Entry> m_heap;
    /// The top entry is the running event's: the next Push takes its place.
    bool m_topRan{false};
    /// By origin index (context + 1; 0 for no context): events that origin has scheduled.
    std::vector<uint64_t> m_scheduled;
    std::list<EventId> m_destroyEvents;
    /// Uids of events taken out with Remove(), still in the heap until they reach its top.
    std::unordered_set<uint32_t> m_removed;
    int64_t m_currentTs{0};
    /// The order of the running event, or of the last one run (Simulator::Stop(), between
    /// windows); after Run() 0 if a stop time ended it (before every event at m_currentTs),
    /// the largest order if the queue ran empty (after every event).
    uint64_t m_currentOrder{0};
    int64_t m_latestUnscheduled{0};
    uint32_t m_currentContext;
    uint32_t m_currentUid{0};
    uint32_t m_nextUid;
    uint64_t m_eventCount{0};
    /// The run ends before the first event at this time or later.
    int64_t m_stopAt;
    bool m_stop{false};

    uint32_t m_rank{0};
    uint32_t m_size{1};
    /// Frames for each rank, serialized, until the next exchange.
    std::vector<std::vector<uint8_t>> m_outbox;
    uint64_t m_work{0};
    bool m_hadWork{false};
    int64_t m_lastCompletion{0};
    int64_t m_drain{0};
    int64_t m_lookahead{0};
    uint64_t m_windows{0};
};

} // namespace ns3

#endif // FABRIC_SIMULATOR_IMPL_H
