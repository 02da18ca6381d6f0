/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "partition.h"

#include <algorithm>
#include <cctype>
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
    std::vector<uint32_t> firstSwitch = FirstSwitches(graph);
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

std::vector<uint32_t>
FirstSwitches(const FabricGraph& graph)
{
    std::vector<uint32_t> firstSwitch(graph.nodes.size(), FabricGraph::NONE);
    std::vector<uint32_t> firstNic(graph.nodes.size(), FabricGraph::NONE);
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
    return firstSwitch;
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

namespace
{
/**
 * The length of the `{m..n}` at the start of \p pattern, with its bounds; 0 if there is none.
 */
std::size_t
ParseRange(std::string_view pattern, uint64_t& lo, uint64_t& hi)
{
    // A bound: 1 to 18 digits, so that it fits in 64 bits.
    auto number = [&pattern](std::size_t& at, uint64_t& value) {
        std::size_t from = at;
        value = 0;
        while (at < pattern.size() && at - from < 18 && std::isdigit(uint8_t(pattern[at])))
        {
            value = value * 10 + (pattern[at++] - '0');
        }
        return at > from;
    };
    if (pattern.empty() || pattern[0] != '{')
    {
        return 0;
    }
    std::size_t at = 1;
    if (!number(at, lo) || pattern.substr(at, 2) != "..")
    {
        return 0;
    }
    at += 2;
    if (!number(at, hi) || at >= pattern.size() || pattern[at] != '}')
    {
        return 0;
    }
    return at + 1;
}
} // namespace

bool
MatchNodePattern(std::string_view pattern, std::string_view name)
{
    while (!pattern.empty())
    {
        uint64_t lo = 0;
        uint64_t hi = 0;
        if (pattern[0] == '*')
        {
            pattern.remove_prefix(1);
            for (std::size_t skip = 0; skip <= name.size(); ++skip)
            {
                if (MatchNodePattern(pattern, name.substr(skip)))
                {
                    return true;
                }
            }
            return false;
        }
        if (std::size_t length = ParseRange(pattern, lo, hi))
        {
            // The whole number: "leaf{1..2}" does not match "leaf12".
            std::size_t digits = 0;
            uint64_t value = 0;
            while (digits < name.size() && digits < 19 && std::isdigit(uint8_t(name[digits])))
            {
                value = value * 10 + (name[digits++] - '0');
            }
            if (digits == 0 || (digits > 1 && name[0] == '0') ||
                (digits < name.size() && std::isdigit(uint8_t(name[digits]))) || value < lo ||
                value > hi)
            {
                return false;
            }
            pattern.remove_prefix(length);
            name.remove_prefix(digits);
            continue;
        }
        if (name.empty() || (pattern[0] != '?' && pattern[0] != name[0]))
        {
            return false;
        }
        pattern.remove_prefix(1);
        name.remove_prefix(1);
    }
    return name.empty();
}

std::string
CheckNodePattern(std::string_view pattern)
{
    for (std::size_t at = 0; at < pattern.size(); ++at)
    {
        uint64_t lo = 0;
        uint64_t hi = 0;
        if (pattern[at] != '{')
        {
            continue;
        }
        std::size_t length = ParseRange(pattern.substr(at), lo, hi);
        if (length == 0)
        {
            return "'{' at character " + std::to_string(at + 1) +
                   " does not open a range {m..n} of numbers";
        }
        if (lo > hi)
        {
            return "the range " + std::string(pattern.substr(at, length)) + " is empty";
        }
        at += length - 1;
    }
    return "";
}

} // namespace ns3
