/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "execution-graph.h"

#include "ns3/abort.h"

#include <set>

namespace ns3
{

uint16_t
ExecutionGraph::AddLabel(const std::string& name)
{
    auto [it, added] = m_labelIndex.emplace(name, static_cast<uint16_t>(m_labels.size()));
    if (added)
    {
        NS_ABORT_MSG_IF(m_labels.size() == UINT16_MAX, "ExecutionGraph: too many labels");
        m_labels.push_back(name);
    }
    return it->second;
}

uint32_t
ExecutionGraph::AddGroupKind(const std::string& name)
{
    GroupKind kind;
    kind.name = name;
    kind.groupOf.assign(m_gpus.size(), NONE);
    kind.positionOf.assign(m_gpus.size(), NONE);
    m_kinds.push_back(std::move(kind));
    return static_cast<uint32_t>(m_kinds.size() - 1);
}

uint32_t
ExecutionGraph::AddGroup(uint32_t kind, const std::vector<uint32_t>& ranks)
{
    GroupKind& k = m_kinds[kind];
    for (uint32_t i = 0; i < ranks.size(); ++i)
    {
        uint32_t r = ranks[i];
        if (r >= k.groupOf.size())
        {
            k.groupOf.resize(r + 1, NONE);
            k.positionOf.resize(r + 1, NONE);
        }
        NS_ABORT_MSG_IF(k.groupOf[r] != NONE,
                        "ExecutionGraph: rank " << r << " is in two groups of kind " << k.name);
        k.groupOf[r] = k.members.GetNRows();
        k.positionOf[r] = i;
    }
    return k.members.Add(ranks.data(), ranks.data() + ranks.size());
}

uint32_t
ExecutionGraph::AddAlgorithm(const std::string& typeId,
                             const std::vector<AttributeSetting>& attributes)
{
    for (uint32_t i = 0; i < m_algorithms.size(); ++i)
    {
        if (m_algorithms[i].first == typeId && m_algorithms[i].second == attributes)
        {
            return i;
        }
    }
    m_algorithms.emplace_back(typeId, attributes);
    return static_cast<uint32_t>(m_algorithms.size() - 1);
}

uint32_t
ExecutionGraph::AddProgram()
{
    m_programs.emplace_back();
    return static_cast<uint32_t>(m_programs.size() - 1);
}

uint32_t
ExecutionGraph::AddTask(uint32_t program, Task task, const std::vector<uint32_t>& deps)
{
    Program& p = m_programs[program];
    auto index = static_cast<uint32_t>(p.tasks.size());
    for (uint32_t d : deps)
    {
        // Dependencies on earlier tasks only: a program is acyclic by construction.
        NS_ABORT_MSG_IF(d >= index, "ExecutionGraph: task " << index << " depends on " << d);
    }
    if (task.kind == COLLECTIVE)
    {
        NS_ABORT_MSG_IF(task.group >= m_kinds.size(), "ExecutionGraph: no group kind");
        p.collectivesOn.resize(m_kinds.size(), 0);
        task.sequence = p.collectivesOn[task.group]++;
    }
    p.tasks.push_back(task);
    p.deps.Add(deps.data(), deps.data() + deps.size());
    return index;
}

void
ExecutionGraph::SetMatch(uint32_t program, uint32_t task, uint32_t match)
{
    m_programs[program].tasks[task].match = match;
}

uint32_t
ExecutionGraph::AddRank(GpuId gpu, uint32_t program)
{
    m_gpus.push_back(gpu);
    m_programOf.push_back(program);
    return static_cast<uint32_t>(m_gpus.size() - 1);
}

std::vector<uint64_t>
ExecutionGraph::GetTaskOffsets() const
{
    std::vector<uint64_t> offsets(m_gpus.size() + 1, 0);
    for (uint32_t r = 0; r < m_gpus.size(); ++r)
    {
        uint32_t p = m_programOf[r];
        offsets[r + 1] = offsets[r] + (p < m_programs.size() ? GetNTasks(p) : 0);
    }
    return offsets;
}

uint32_t
ExecutionGraph::GetGroupOf(uint32_t kind, uint32_t rank) const
{
    const GroupKind& k = m_kinds[kind];
    return rank < k.groupOf.size() ? k.groupOf[rank] : NONE;
}

uint32_t
ExecutionGraph::GetPositionOf(uint32_t kind, uint32_t rank) const
{
    return m_kinds[kind].positionOf[rank];
}

Communicator
ExecutionGraph::GetCommunicator(uint32_t kind, uint32_t group) const
{
    auto [first, last] = GetMembers(kind, group);
    std::vector<GpuId> gpus;
    gpus.reserve(last - first);
    for (const uint32_t* r = first; r != last; ++r)
    {
        gpus.push_back(m_gpus[*r]);
    }
    return Communicator(std::move(gpus));
}

uint32_t
ExecutionGraph::GetPeer(uint32_t rank, const Task& task) const
{
    if (task.group == NONE)
    {
        return task.peer >= 0 && uint64_t(task.peer) < m_gpus.size()
                   ? static_cast<uint32_t>(task.peer)
                   : NONE;
    }
    uint32_t group = GetGroupOf(task.group, rank);
    if (group == NONE)
    {
        return NONE;
    }
    auto [first, last] = GetMembers(task.group, group);
    int64_t position = int64_t(GetPositionOf(task.group, rank)) + task.peer;
    return position >= 0 && position < last - first ? first[position] : NONE;
}

uint32_t
ExecutionGraph::GetNSequences(uint32_t kind) const
{
    uint32_t most = 0;
    for (const Program& p : m_programs)
    {
        if (kind < p.collectivesOn.size())
        {
            most = std::max(most, p.collectivesOn[kind]);
        }
    }
    return most;
}

std::vector<std::string>
ExecutionGraph::Check() const
{
    std::vector<std::string> problems;
    const std::size_t most = 20;
    std::size_t found = 0;
    auto report = [&](const std::string& problem) {
        if (++found <= most)
        {
            problems.push_back(problem);
        }
    };
    auto at = [this](uint32_t rank, uint32_t task) {
        const Task& t = GetTask(m_programOf[rank], task);
        return "rank " + std::to_string(rank) + ", task " + std::to_string(task) + " ('" +
               m_labels[t.label] + "')";
    };
    // Which RECV tasks a SEND fills: flat index of (rank, task).
    std::vector<uint64_t> firstTask = GetTaskOffsets();
    std::vector<bool> filled(firstTask.back(), false);
    for (uint32_t r = 0; r < m_gpus.size(); ++r)
    {
        uint32_t program = m_programOf[r];
        if (program == NONE || program >= m_programs.size())
        {
            report("rank " + std::to_string(r) + " has no program");
            continue;
        }
        for (uint32_t i = 0; i < GetNTasks(program); ++i)
        {
            const Task& t = GetTask(program, i);
            if (t.kind == COLLECTIVE && GetGroupOf(t.group, r) == NONE)
            {
                report(at(r, i) + ": a collective on '" + m_kinds[t.group].name +
                       "', but the rank is in no such group");
            }
            if (t.kind != SEND && t.kind != RECV)
            {
                continue;
            }
            uint32_t peer = GetPeer(r, t);
            if (peer == NONE || peer == r || m_programOf[peer] == NONE)
            {
                report(at(r, i) + ": no peer rank to " +
                       (t.kind == SEND ? "send to" : "receive from"));
                continue;
            }
            if (t.kind == RECV)
            {
                continue;
            }
            uint32_t peerProgram = m_programOf[peer];
            const Task* recv =
                t.match < GetNTasks(peerProgram) ? &GetTask(peerProgram, t.match) : nullptr;
            if (!recv || recv->kind != RECV || GetPeer(peer, *recv) != r || recv->bytes != t.bytes)
            {
                report(at(r, i) + ": rank " + std::to_string(peer) + " has no receive of " +
                       std::to_string(t.bytes) + " bytes from it as task " +
                       std::to_string(t.match));
                continue;
            }
            if (filled[firstTask[peer] + t.match])
            {
                report(at(peer, t.match) + ": two sends fill it");
            }
            filled[firstTask[peer] + t.match] = true;
        }
    }
    for (uint32_t r = 0; r < m_gpus.size(); ++r)
    {
        uint32_t program = m_programOf[r];
        for (uint32_t i = 0;
             program != NONE && program < m_programs.size() && i < GetNTasks(program);
             ++i)
        {
            const Task& t = GetTask(program, i);
            if (t.kind == RECV && GetPeer(r, t) != NONE && !filled[firstTask[r] + i])
            {
                report(at(r, i) + ": no send of rank " + std::to_string(GetPeer(r, t)) +
                       " fills it");
            }
        }
    }
    // The members of a group run the same collectives on it, in the same order.
    auto collectivesOf = [this](uint32_t program, uint32_t kind) {
        std::vector<const Task*> list;
        for (const Task& t : m_programs[program].tasks)
        {
            if (t.kind == COLLECTIVE && t.group == kind)
            {
                list.push_back(&t);
            }
        }
        return list;
    };
    std::set<std::tuple<uint32_t, uint32_t, uint32_t>> compared; // kind, program, program
    for (uint32_t k = 0; k < m_kinds.size(); ++k)
    {
        for (uint32_t g = 0; g < GetNGroups(k); ++g)
        {
            auto [first, last] = GetMembers(k, g);
            uint32_t a = m_programOf[*first];
            for (const uint32_t* m = first + 1; m != last && a != NONE; ++m)
            {
                uint32_t b = m_programOf[*m];
                if (b == NONE || a == b || !compared.emplace(k, a, b).second)
                {
                    continue;
                }
                auto mine = collectivesOf(a, k);
                auto theirs = collectivesOf(b, k);
                std::size_t same = 0;
                while (same < mine.size() && same < theirs.size() &&
                       mine[same]->op == theirs[same]->op &&
                       mine[same]->bytes == theirs[same]->bytes &&
                       mine[same]->root == theirs[same]->root &&
                       mine[same]->algorithm == theirs[same]->algorithm)
                {
                    ++same;
                }
                if (same != mine.size() || same != theirs.size())
                {
                    report("group " + std::to_string(g) + " of '" + m_kinds[k].name + "': rank " +
                           std::to_string(*first) + " and rank " + std::to_string(*m) +
                           " differ at their collective " + std::to_string(same) + " on it (" +
                           std::to_string(mine.size()) + " and " + std::to_string(theirs.size()) +
                           " collectives)");
                }
            }
        }
    }
    if (found > most)
    {
        problems.push_back("and " + std::to_string(found - most) + " more");
    }
    return problems;
}

} // namespace ns3
