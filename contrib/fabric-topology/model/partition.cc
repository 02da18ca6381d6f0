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

const FabricGraph::Link*
ShortestCutLink(const FabricGraph& graph, const std::vector<uint32_t>& rankOf)
{
    const FabricGraph::Link* shortest = nullptr;
    for (const auto& link : graph.links)
    {
        if (rankOf[link.a] != rankOf[link.b] && (!shortest || link.delay < shortest->delay))
        {
            shortest = &link;
        }
    }
    return shortest;
}

NodePattern::NodePattern(std::string_view text)
{
    // A bound of a range: 1 to 18 digits (it fits in 64 bits), and its width.
    auto number = [&text](std::size_t& at, uint64_t& value, std::size_t& digits) {
        std::size_t from = at;
        value = 0;
        while (at < text.size() && std::isdigit(uint8_t(text[at])))
        {
            value = value * 10 + (at - from < 18 ? text[at] - '0' : 0);
            ++at;
        }
        digits = at - from;
        return digits > 0;
    };
    for (std::size_t at = 0; at < text.size() && m_error.empty(); ++at)
    {
        char c = text[at];
        if (c != '{')
        {
            m_tokens.push_back(Token{c == '*' ? STAR : (c == '?' ? ANY : CHAR), c, 0, 0, 0});
            continue;
        }
        Token range{RANGE, c, 0, 0, 0};
        std::size_t open = at++;
        std::size_t loDigits = 0;
        std::size_t hiDigits = 0;
        bool ok = number(at, range.lo, loDigits) && text.substr(at, 2) == "..";
        at += 2;
        ok = ok && number(at, range.hi, hiDigits) && at < text.size() && text[at] == '}';
        std::string written(text.substr(open, at + 1 - open));
        if (!ok)
        {
            m_error = "'{' at character " + std::to_string(open + 1) +
                      " does not open a range {m..n} of numbers";
        }
        else if (std::max(loDigits, hiDigits) > 18)
        {
            m_error = "the range " + written + " has a bound of more than 18 digits";
        }
        else if (range.lo > range.hi)
        {
            m_error = "the range " + written + " is empty";
        }
        // A bound written with a leading zero makes numbers of a fixed width, as in bash:
        // {01..12} is 01, 02, ..., 12.
        else if ((loDigits > 1 && text[open + 1] == '0') ||
                 (hiDigits > 1 && text[open + loDigits + 3] == '0'))
        {
            range.width = static_cast<uint8_t>(std::max(loDigits, hiDigits));
        }
        m_tokens.push_back(range);
    }
}

const std::string&
NodePattern::GetError() const
{
    return m_error;
}

bool
NodePattern::Matches(std::string_view name) const
{
    // match[t][n]: whether tokens t... match name[n...]; filled from the ends, so any number of
    // stars costs tokens x characters steps, not a search over every way to split the name.
    const std::size_t tokens = m_tokens.size();
    const std::size_t chars = name.size();
    std::vector<uint8_t> match((tokens + 1) * (chars + 1), 0);
    auto at = [chars](std::size_t t, std::size_t n) {
        return t * (chars + 1) + n;
    };
    match[at(tokens, chars)] = 1;
    for (std::size_t t = tokens; t-- > 0;)
    {
        const Token& k = m_tokens[t];
        for (std::size_t n = chars + 1; n-- > 0;)
        {
            bool ok = false;
            switch (k.kind)
            {
            case STAR:
                ok = match[at(t + 1, n)] || (n < chars && match[at(t, n + 1)]);
                break;
            case ANY:
                ok = n < chars && match[at(t + 1, n + 1)];
                break;
            case CHAR:
                ok = n < chars && name[n] == k.c && match[at(t + 1, n + 1)];
                break;
            case RANGE: {
                // A whole number: not preceded or followed by a digit of the name.
                std::size_t end = n;
                uint64_t value = 0;
                while (end < chars && std::isdigit(uint8_t(name[end])) && end - n < 19)
                {
                    value = value * 10 + (name[end++] - '0');
                }
                std::size_t digits = end - n;
                bool whole = digits > 0 && (n == 0 || !std::isdigit(uint8_t(name[n - 1]))) &&
                             (end == chars || !std::isdigit(uint8_t(name[end])));
                bool written = k.width > 0 ? digits == k.width : (digits == 1 || name[n] != '0');
                ok = whole && written && value >= k.lo && value <= k.hi && match[at(t + 1, end)];
                break;
            }
            }
            match[at(t, n)] = ok;
        }
    }
    return match[at(0, 0)];
}

} // namespace ns3
