/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "partition.h"

#include <algorithm>
#include <map>
#include <set>

namespace ns3
{

std::vector<uint32_t>
PartitionGraph(const FabricGraph& graph, uint32_t ranks)
{
    const std::size_t n = graph.nodes.size();
    std::vector<uint32_t> rankOf(n, 0);
    if (ranks <= 1)
    {
        return rankOf;
    }
    // The switch each host's lowest-numbered linked NIC hangs from.
    std::vector<uint32_t> firstSwitch(n, FabricGraph::NONE);
    std::vector<uint32_t> firstNic(n, FabricGraph::NONE);
    for (const auto& link : graph.links)
    {
        for (auto [host, nic, sw] :
             {std::tuple{link.a, link.aPort, link.b}, std::tuple{link.b, link.bPort, link.a}})
        {
            if (graph.nodes[host].kind == FabricGraph::HOST &&
                graph.nodes[sw].kind == FabricGraph::SWITCH && nic < firstNic[host])
            {
                firstNic[host] = nic;
                firstSwitch[host] = sw;
            }
        }
    }
    bool generated = true;
    std::set<uint32_t> pods;
    for (const auto& node : graph.nodes)
    {
        if (node.kind == FabricGraph::SWITCH)
        {
            generated = generated && node.plane != FabricGraph::NONE;
            if (node.tier == 1)
            {
                pods.insert(node.pod);
            }
        }
    }
    const bool byPod = generated && pods.size() >= ranks;

    // The unit each node goes with (ordered keys), or SPREAD.
    constexpr uint64_t SPREAD = UINT64_MAX;
    std::vector<uint64_t> unit(n, SPREAD);
    for (uint32_t i = 0; i < n; ++i)
    {
        const auto& node = graph.nodes[i];
        if (node.kind != FabricGraph::SWITCH)
        {
            continue;
        }
        if (!generated)
        {
            unit[i] = i;
        }
        else if (node.tier == 1)
        {
            unit[i] = byPod ? node.pod : (uint64_t(node.pod) << 32 | node.leaf);
        }
        else if (byPod && node.tier == 2 && graph.planeShapes[node.plane].tiers == 3)
        {
            unit[i] = node.pod;
        }
    }
    for (uint32_t i = 0; i < n; ++i)
    {
        if (graph.nodes[i].kind == FabricGraph::HOST && firstSwitch[i] != FabricGraph::NONE)
        {
            unit[i] = unit[firstSwitch[i]];
        }
    }

    auto weight = [&graph](uint32_t i) {
        return std::max<uint64_t>(graph.nodes[i].ports, 1);
    };
    std::map<uint64_t, uint64_t> unitWeight;
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; ++i)
    {
        if (unit[i] != SPREAD)
        {
            unitWeight[unit[i]] += weight(i);
            total += weight(i);
        }
    }
    // Contiguous runs: a unit goes to the rank its middle falls in.
    std::map<uint64_t, uint32_t> unitRank;
    std::vector<uint64_t> load(ranks, 0);
    uint64_t before = 0;
    for (const auto& [key, w] : unitWeight)
    {
        auto r = static_cast<uint32_t>(
            std::min<uint64_t>(ranks - 1, (2 * before + w) * ranks / (2 * total)));
        unitRank[key] = r;
        load[r] += w;
        before += w;
    }
    for (uint32_t i = 0; i < n; ++i)
    {
        if (unit[i] != SPREAD)
        {
            rankOf[i] = unitRank[unit[i]];
            continue;
        }
        auto lightest =
            static_cast<uint32_t>(std::min_element(load.begin(), load.end()) - load.begin());
        rankOf[i] = lightest;
        load[lightest] += weight(i);
    }
    return rankOf;
}

Time
CrossRankLookahead(const FabricGraph& graph, const std::vector<uint32_t>& rankOf)
{
    Time lookahead = Time::Max();
    for (const auto& link : graph.links)
    {
        if (rankOf[link.a] != rankOf[link.b])
        {
            lookahead = std::min(lookahead, link.delay);
        }
    }
    return lookahead;
}

} // namespace ns3
