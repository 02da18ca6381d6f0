/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "hierarchical-algorithm.h"

#include <unordered_map>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(HierarchicalAlgorithm);

TypeId
HierarchicalAlgorithm::GetTypeId()
{
    static TypeId tid = TypeId("ns3::HierarchicalAlgorithm")
                            .SetParent<RingAlgorithm>()
                            .SetGroupName("Collectives")
                            .AddConstructor<HierarchicalAlgorithm>();
    return tid;
}

bool
HierarchicalAlgorithm::Supports(CollectiveOp op) const
{
    return op == CollectiveOp::ALL_REDUCE;
}

std::string
HierarchicalAlgorithm::GetName() const
{
    return "hierarchical";
}

std::vector<std::vector<uint32_t>>
HierarchicalAlgorithm::GroupByServer(const Communicator& comm)
{
    std::vector<std::vector<uint32_t>> servers;
    std::unordered_map<uint32_t, uint32_t> index; // graph node -> server
    for (uint32_t r = 0; r < comm.GetSize(); ++r)
    {
        auto [it, added] =
            index.emplace(comm.GetGpu(r).node, static_cast<uint32_t>(servers.size()));
        if (added)
        {
            servers.emplace_back();
        }
        servers[it->second].push_back(r);
    }
    return servers;
}

std::string
HierarchicalAlgorithm::Check(const Communicator& comm) const
{
    auto servers = GroupByServer(comm);
    for (const auto& server : servers)
    {
        if (server.size() != servers[0].size())
        {
            return "hierarchical needs as many ranks on every server: rank " +
                   std::to_string(servers[0][0]) + "'s server has " +
                   std::to_string(servers[0].size()) + ", rank " + std::to_string(server[0]) +
                   "'s has " + std::to_string(server.size());
        }
    }
    return "";
}

Time
HierarchicalAlgorithm::GetCost(CollectiveOp op,
                               const Communicator& comm,
                               uint64_t bytes,
                               uint32_t root,
                               const PathCosts& paths) const
{
    // The three phases follow one another: a reduce-scatter on every server, a ring
    // AllReduce of 1/g of the data on every rail, an all-gather on every server.
    auto servers = GroupByServer(comm);
    auto nServers = static_cast<uint32_t>(servers.size());
    auto g = static_cast<uint32_t>(servers[0].size());
    PathCost inside;
    PathCost across;
    for (const auto& server : servers)
    {
        inside = PathCost::Max(inside, GetRingPath(comm, server, paths));
    }
    for (uint32_t l = 0; l < g; ++l)
    {
        std::vector<uint32_t> rail(nServers);
        for (uint32_t s = 0; s < nServers; ++s)
        {
            rail[s] = servers[s][l];
        }
        across = PathCost::Max(across, GetRingPath(comm, rail, paths));
    }
    double data = double(bytes);
    Time local = GetPipelinedCost(g - 1, data / g, inside);
    return op == CollectiveOp::ALL_REDUCE
               ? local * int64_t(2) +
                     GetPipelinedCost(2 * (nServers - 1), data / g / nServers, across)
               : Time();
}

void
HierarchicalAlgorithm::Build(CollectiveOp op,
                             const Communicator& comm,
                             uint64_t bytes,
                             uint32_t root,
                             CollectiveSchedule& schedule) const
{
    auto servers = GroupByServer(comm);
    auto nServers = static_cast<uint32_t>(servers.size());
    auto g = static_cast<uint32_t>(servers[0].size());
    for (uint32_t ch = 0; ch < m_channels; ++ch)
    {
        uint64_t data = Split(bytes, m_channels, ch);
        // Reduce-scatter inside each server: local rank l ends with block l.
        std::vector<Arrivals> reduced(nServers, Arrivals(g));
        for (uint32_t s = 0; s < nServers && g > 1; ++s)
        {
            reduced[s] = Steps(servers[s], data, ch, g - 1, g - 1, {}, schedule);
        }
        // AllReduce of block l among the servers' local ranks l.
        std::vector<Arrivals> summed(nServers, Arrivals(g));
        for (uint32_t l = 0; l < g; ++l)
        {
            std::vector<uint32_t> rail(nServers);
            Arrivals after(nServers);
            for (uint32_t s = 0; s < nServers; ++s)
            {
                rail[s] = servers[s][l];
                after[s] = reduced[s][l];
            }
            Arrivals last =
                nServers > 1
                    ? Steps(rail, Split(data, g, l), ch, 2 * (nServers - 1), 0, after, schedule)
                    : after;
            for (uint32_t s = 0; s < nServers; ++s)
            {
                summed[s][l] = std::move(last[s]);
            }
        }
        // All-gather inside each server: local rank l starts with block l.
        for (uint32_t s = 0; s < nServers && g > 1; ++s)
        {
            Steps(servers[s], data, ch, g - 1, 0, summed[s], schedule);
        }
    }
}

} // namespace ns3
