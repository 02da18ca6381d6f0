/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef EXECUTION_GRAPH_H
#define EXECUTION_GRAPH_H

#include "collective-algorithm.h"
#include "communicator.h"
#include "compressed-rows.h"

#include "ns3/attribute-text.h"
#include "ns3/nstime.h"

#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup collectives
 * \brief What the GPU ranks of a job do, as a Chakra execution trace says it: each rank runs a
 *        program, a graph of tasks (compute for a time; take part in a collective of one of
 *        its groups; send to or receive from another rank) in which a task starts once the
 *        tasks it depends on are over. A rank's compute tasks run one at a time on its GPU;
 *        communication runs beside them.
 *
 * Ranks that do the same thing share a program (every rank of one pipeline stage of a training
 * job, or a rank group of Chakra traces), so a job of 300,000 ranks keeps a few programs and a
 * few integers per rank. A program names its communication relative to the rank running it:
 * a collective runs on the rank's group of a group kind ("tp", "dp", ...); a message goes to the
 * rank a given number of positions further in the rank's group of a kind, or to a rank by
 * number. The k-th collective a program runs on a group kind is the k-th of every member of
 * the group (NCCL requires that order on a communicator), and they are one operation.
 */
class ExecutionGraph
{
  public:
    static constexpr uint32_t NONE = UINT32_MAX;

    enum TaskKind : uint8_t
    {
        COMPUTE,
        COLLECTIVE,
        SEND,
        RECV,
    };

    struct Task
    {
        TaskKind kind{COMPUTE};
        CollectiveOp op{CollectiveOp::ALL_REDUCE}; //!< COLLECTIVE
        uint16_t label{0};     //!< the phase it belongs to (AddLabel), for the timeline
        uint32_t group{NONE};  //!< COLLECTIVE: a group kind; SEND, RECV: the kind the peer is
                               //!< named in, NONE if it is named by rank
        int64_t peer{0};       //!< SEND, RECV: positions further in the group, or a rank
        uint32_t match{NONE};  //!< SEND: the RECV it fills, by index in the peer's program
        uint32_t algorithm{0}; //!< COLLECTIVE: AddAlgorithm's index
        uint32_t root{0};      //!< COLLECTIVE: broadcast root
        uint64_t bytes{0};     //!< COLLECTIVE (nccl-tests' size), SEND, RECV
        Time duration;         //!< COMPUTE
        uint32_t sequence{0};  //!< COLLECTIVE: collectives on its group kind before it
    };

    /// A phase's name (the same name gives the same index).
    uint16_t AddLabel(const std::string& name);
    /// A group kind, e.g. "tp"; its groups are added with AddGroup.
    uint32_t AddGroupKind(const std::string& name);
    /// A group of \p kind: its ranks, in communicator order. A rank is in one group per kind.
    uint32_t AddGroup(uint32_t kind, const std::vector<uint32_t>& ranks);
    /// A collective algorithm: a CollectiveAlgorithm TypeId and attributes.
    uint32_t AddAlgorithm(const std::string& typeId,
                          const std::vector<AttributeSetting>& attributes);
    uint32_t AddProgram();
    /// A task of \p program after the tasks \p deps of the same program (added before it).
    uint32_t AddTask(uint32_t program, Task task, const std::vector<uint32_t>& deps = {});
    /// Make task \p task of \p program (a SEND) fill the RECV \p match of its peer's program,
    /// for generators that build the peer's program after this one.
    void SetMatch(uint32_t program, uint32_t task, uint32_t match);
    /// The next rank: GPU \p gpu runs \p program.
    uint32_t AddRank(GpuId gpu, uint32_t program);

    uint32_t GetNRanks() const
    {
        return static_cast<uint32_t>(m_gpus.size());
    }

    GpuId GetGpu(uint32_t rank) const
    {
        return m_gpus[rank];
    }

    uint32_t GetProgramOf(uint32_t rank) const
    {
        return m_programOf[rank];
    }

    uint32_t GetNPrograms() const
    {
        return static_cast<uint32_t>(m_programs.size());
    }

    uint32_t GetNTasks(uint32_t program) const
    {
        return static_cast<uint32_t>(m_programs[program].tasks.size());
    }

    const Task& GetTask(uint32_t program, uint32_t task) const
    {
        return m_programs[program].tasks[task];
    }

    /// The tasks task \p task of \p program waits for: [first, last).
    std::pair<const uint32_t*, const uint32_t*> GetDeps(uint32_t program, uint32_t task) const
    {
        return m_programs[program].deps.Get(task);
    }

    /// What every task of \p program waits for, by task.
    const CompressedRows& GetDepRows(uint32_t program) const
    {
        return m_programs[program].deps;
    }

    /// Where each rank's tasks start when every rank's tasks are numbered in one sequence,
    /// rank by rank (a rank without a program has none); the last entry is the total.
    std::vector<uint64_t> GetTaskOffsets() const;

    uint32_t GetNGroupKinds() const
    {
        return static_cast<uint32_t>(m_kinds.size());
    }

    const std::string& GetGroupKindName(uint32_t kind) const
    {
        return m_kinds[kind].name;
    }

    uint32_t GetNGroups(uint32_t kind) const
    {
        return m_kinds[kind].members.GetNRows();
    }

    /// The group of \p kind that \p rank belongs to (NONE: none), and its position there.
    uint32_t GetGroupOf(uint32_t kind, uint32_t rank) const;
    uint32_t GetPositionOf(uint32_t kind, uint32_t rank) const;

    /// The ranks of group \p group of \p kind: [first, last).
    std::pair<const uint32_t*, const uint32_t*> GetMembers(uint32_t kind, uint32_t group) const
    {
        return m_kinds[kind].members.Get(group);
    }

    /// The group's GPUs as a communicator.
    Communicator GetCommunicator(uint32_t kind, uint32_t group) const;

    /// The rank a SEND or RECV task of \p rank's program talks to, NONE if there is none.
    uint32_t GetPeer(uint32_t rank, const Task& task) const;

    /// Most collectives any program runs on group kind \p kind.
    uint32_t GetNSequences(uint32_t kind) const;

    uint16_t GetNLabels() const
    {
        return static_cast<uint16_t>(m_labels.size());
    }

    const std::string& GetLabel(uint16_t label) const
    {
        return m_labels[label];
    }

    std::size_t GetNAlgorithms() const
    {
        return m_algorithms.size();
    }

    /// An algorithm's TypeId name and attributes.
    const std::pair<std::string, std::vector<AttributeSetting>>& GetAlgorithm(uint32_t i) const
    {
        return m_algorithms[i];
    }

    /**
     * \brief Problems that would keep the job from running, each naming a rank and a task:
     *        ranks without a program or in no group of a kind their program uses, a message
     *        whose peer does not exist or does not expect it, collectives that differ between
     *        the members of a group.
     */
    std::vector<std::string> Check() const;

  private:
    struct Program
    {
        std::vector<Task> tasks;
        CompressedRows deps;                 //!< by task
        std::vector<uint32_t> collectivesOn; //!< by group kind: its collectives so far
    };

    struct GroupKind
    {
        std::string name;
        std::vector<uint32_t> groupOf;    //!< by rank, NONE outside every group
        std::vector<uint32_t> positionOf; //!< by rank
        CompressedRows members;           //!< by group
    };

    std::vector<std::string> m_labels;
    std::map<std::string, uint16_t> m_labelIndex;
    std::vector<GroupKind> m_kinds;
    std::vector<std::pair<std::string, std::vector<AttributeSetting>>> m_algorithms;
    std::vector<Program> m_programs;
    std::vector<GpuId> m_gpus;
    std::vector<uint32_t> m_programOf;
};

} // namespace ns3

#endif // EXECUTION_GRAPH_H
