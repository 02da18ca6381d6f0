/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef EXECUTION_H
#define EXECUTION_H

#include "collective.h"
#include "execution-graph.h"
#include "gpu-transport.h"

#include "ns3/traced-callback.h"

#include <memory>
#include <unordered_map>

namespace ns3
{

/**
 * \brief What one run of an ExecutionGraph measured. Activities: 0 is compute, 1 + k
 *        communication on group kind k, 1 + GetNGroupKinds() messages to ranks named by number.
 */
struct ExecutionResult
{
    /// When the tasks of one label and activity ran: the first start and the last end over all
    /// ranks, and how many ran.
    struct Span
    {
        Time first{Time::Max()};
        Time last;
        uint64_t tasks{0};
    };

    Time start;
    Time end;                      //!< the last rank finished
    uint32_t activities{0};        //!< activities per rank and label
    std::vector<Time> rankEnd;     //!< by rank: its last task ended
    std::vector<Time> rankCompute; //!< by rank: the time its GPU computed
    /// By rank x activity: the time the rank's GPU waited for that activity's communication.
    /// An idle stretch before a compute (or after the rank's last one) is split along the
    /// chain of tasks that held it up: the task that let it go accounts for the time since it
    /// began, the task that let that one begin for the time before, and so on (a receive
    /// whose data came last accounts for the wait since its dependencies were over, and what
    /// ended them for the time before). Per rank, compute plus waits is its time.
    std::vector<Time> rankExposed;
    std::vector<Span> spans; //!< by label x activity

    Time GetTime() const
    {
        return end - start;
    }

    /// The rank that finished last (the first of them): its breakdown is the step's.
    uint32_t GetCriticalRank() const;

    Time GetExposed(uint32_t rank, uint32_t activity) const
    {
        return rankExposed[std::size_t(rank) * activities + activity];
    }
};

/**
 * \ingroup collectives
 * \brief Runs an ExecutionGraph over a GpuTransport: every rank starts its program's tasks
 *        once what they wait for is over, compute on its GPU one task at a time, collectives
 *        as Collectives that ranks enter as they reach them (Collective::Enter; one operation
 *        per group and sequence number, made when its first member arrives, freed when its
 *        last leaves), messages as RDMA or NVLink messages that complete at the receiver when
 *        both the data and the receive are there and at the sender on acknowledgement.
 *
 * Messages are named by cookies derived from the graph in one range (GpuTransport::AddReceiver)
 * that routes every arrival and acknowledgement here, so every process of a distributed run
 * names them alike, whatever order ranks reach them in, and no message has state of its own.
 * For the same reason Setup makes every connection the job will use up front, in an order the
 * graph fixes: ranks reach them in an order that differs between processes, and a queue pair's
 * number (its UDP source port, so its ECMP path) follows the order connections are made in.
 * In such a run each process runs its own ranks, makes an operation when its first member
 * there enters or its first transfer there arrives, and completes with its part of the result.
 */
class Execution : public Object
{
  public:
    using CompleteTracedCallback = void (*)(const ExecutionResult& result);

    /// The channel messages between ranks use (collectives use channels below it).
    static constexpr uint32_t MESSAGE_CHANNEL = 64;

    static TypeId GetTypeId();
    Execution();
    Execution(const Execution&) = delete;
    Execution& operator=(const Execution&) = delete;

    /// Run \p graph (checked with ExecutionGraph::Check) over \p transport, whose fabric is
    /// built: make the connections of every message and collective operation now (before the
    /// run), messages rank by rank in task order, then operations by group kind, group and
    /// sequence number, and let those idle rest as they are made (GpuTransport::Settle).
    void Setup(Ptr<GpuTransport> transport, std::shared_ptr<const ExecutionGraph> graph);

    /**
     * \brief Run \p graph on an ideal fabric instead (non-blocking and uncongested): every
     *        rank's tasks as with a transport, but a collective takes its algorithm's
     *        alpha-beta cost over \p paths (CollectiveAlgorithm::GetCost) from its last member's
     *        entry, and a message its path's cost from its send. Nothing crosses the fabric,
     *        and every rank is simulated here.
     */
    void SetupIdeal(PathCosts paths, std::shared_ptr<const ExecutionGraph> graph);

    /// Every rank this process simulates begins now.
    void Start();

    bool IsComplete() const
    {
        return m_started && m_ranksLeft == 0;
    }

    const ExecutionResult& GetResult() const
    {
        return m_result;
    }

    /// Tasks over so far, and in all (this process's ranks), for progress.
    uint64_t GetTasksDone() const
    {
        return m_tasksDone;
    }

    uint64_t GetTasksTotal() const
    {
        return m_tasksTotal;
    }

    /// Events this execution scheduled itself (compute, and on an ideal fabric everything).
    uint64_t GetEvents() const
    {
        return m_events;
    }

    /// The label of the task that started last (for progress).
    uint16_t GetCurrentLabel() const
    {
        return m_currentLabel;
    }

    /// The activity a task belongs to.
    uint32_t GetActivity(const ExecutionGraph::Task& task) const;

    /// An activity's name: "compute", a group kind's, or "p2p" (messages to ranks by number).
    static std::string GetActivityName(const ExecutionGraph& graph, uint32_t activity);

  protected:
    void DoDispose() override;

  private:
    /// An operation of one group, from its first member's arrival to its last's departure.
    struct Instance
    {
        Ptr<Collective> collective;
        uint32_t kind;
        uint32_t group;
        std::vector<uint32_t> taskOf; //!< by position: the member's task
        /// This process's members still in it; on an ideal fabric (every member local), those
        /// not yet in it.
        uint32_t localLeft;
    };

    uint64_t Flat(uint32_t rank, uint32_t task) const
    {
        return m_firstTask[rank] + task;
    }

    /// One of the things \p task of \p rank waits for is over: task \p by, or NONE (its data).
    void Release(uint32_t rank, uint32_t task, uint32_t by);
    void SetupTasks(std::shared_ptr<const ExecutionGraph> graph);
    bool IsLocal(uint32_t rank) const;
    void Begin(uint32_t rank, uint32_t task, uint32_t releaser);
    void RunCompute(uint32_t rank, uint32_t task, uint32_t releaser);
    /// Account the GPU's idle time from its last compute until now to the chain that ends
    /// with \p releaser.
    void Expose(uint32_t rank, uint32_t releaser);
    void ComputeDone(uint32_t rank, uint32_t task);
    void EnterCollective(uint32_t rank, uint32_t task);
    void OnRankDone(uint64_t id, uint32_t position);
    /// Make the connections of every message and operation (Setup).
    void PrepareConnections();
    void Forget(uint64_t id);
    /// On an ideal fabric: every member of operation \p id is done.
    void IdealDone(uint64_t id);
    /// On an ideal fabric: the message of \p task of \p rank has arrived.
    void IdealArrived(uint32_t rank, uint32_t task);
    /// Operation \p id, made if this process has none (its first member here enters, or its
    /// first transfer here arrives).
    Instance& GetInstance(uint64_t id);
    /// The rank and task of flat index \p flat.
    std::pair<uint32_t, uint32_t> Unflat(uint64_t flat) const;
    /// A message or transfer of the execution's cookie range arrived, or was acknowledged.
    void OnArrived(uint64_t offset, const Delivery& delivery);
    void OnAcked(uint64_t offset, const Delivery& delivery);
    void Complete(uint32_t rank, uint32_t task);
    void Touch(uint32_t rank, uint32_t task, bool begins);

    Ptr<GpuTransport> m_transport; //!< null on an ideal fabric
    PathCosts m_paths;             //!< on an ideal fabric
    std::shared_ptr<const ExecutionGraph> m_graph;
    uint64_t m_cookies{0};                    //!< the first of the execution's range
    std::vector<CompressedRows> m_dependents; //!< by program: who waits for each task
    /// By program: its collectives by group kind, in sequence order.
    std::vector<CompressedRows> m_collectivesOf;
    std::vector<uint64_t> m_firstTask;     //!< by rank: its tasks' first flat index
    std::vector<uint32_t> m_waiting;       //!< by flat index: what the task still waits for
    std::vector<uint64_t> m_firstInstance; //!< by group kind: first instance id
    std::vector<uint32_t> m_sequences;     //!< by group kind: ExecutionGraph::GetNSequences
    std::unordered_map<uint64_t, Instance> m_instances;
    /// By rank: its GPU, the tasks waiting for it (and what let each go), its last compute's
    /// end, its tasks not yet over.
    std::vector<uint8_t> m_busy;
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> m_computeQueue;

    /// A communication task that began since the rank's GPU last started computing: when, and
    /// which task let it begin (NONE: its data); for a receive whose data came last, also when
    /// and by which task its turn came. Older ones began before the idle stretch.
    struct Began
    {
        uint32_t task;
        uint32_t releaser;
        Time at;
    };

    std::vector<std::vector<Began>> m_began;
    std::vector<Time> m_lastComputeEnd;
    std::vector<uint32_t> m_tasksLeft;
    uint32_t m_ranksLeft{0};
    bool m_started{false};
    uint64_t m_tasksDone{0};
    uint64_t m_tasksTotal{0};
    uint64_t m_events{0};
    uint16_t m_currentLabel{0};
    ExecutionResult m_result;
    TracedCallback<const ExecutionResult&> m_completeTrace;
};

} // namespace ns3

#endif // EXECUTION_H
