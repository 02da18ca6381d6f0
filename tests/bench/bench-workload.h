/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef NSFAB_BENCH_WORKLOAD_H
#define NSFAB_BENCH_WORKLOAD_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

/**
 * The (source, destination) host pairs of a benchmark workload on \p hosts hosts, the same for
 * both benchmark programs:
 *   permutation: host i -> host (i + hosts/2) % hosts, every host sends and receives;
 *   incast:      hosts 1 .. senders -> host 0.
 */
inline std::vector<std::pair<uint32_t, uint32_t>>
BenchFlows(const std::string& workload, uint32_t hosts, uint32_t senders)
{
    std::vector<std::pair<uint32_t, uint32_t>> flows;
    if (workload == "permutation")
    {
        for (uint32_t i = 0; i < hosts; ++i)
        {
            flows.emplace_back(i, (i + hosts / 2) % hosts);
        }
    }
    else if (workload == "incast")
    {
        if (senders == 0 || senders >= hosts)
        {
            throw std::invalid_argument("incast needs 1 to hosts-1 senders");
        }
        for (uint32_t i = 1; i <= senders; ++i)
        {
            flows.emplace_back(i, 0);
        }
    }
    else
    {
        throw std::invalid_argument("unknown workload '" + workload + "' (permutation or incast)");
    }
    return flows;
}

#endif // NSFAB_BENCH_WORKLOAD_H
