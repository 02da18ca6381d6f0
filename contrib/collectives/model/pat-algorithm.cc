/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "pat-algorithm.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(PatAlgorithm);

namespace
{
/// The distances of the steps: 1, 2, 4, ... below n.
std::vector<uint32_t>
Distances(uint32_t n)
{
    std::vector<uint32_t> d;
    for (uint64_t step = 1; step < n; step *= 2)
    {
        d.push_back(static_cast<uint32_t>(step));
    }
    return d;
}

/// Bytes of the \p count blocks first, first + 1, ... (mod n) of \p data split into n blocks,
/// the first data % n blocks one byte larger.
uint64_t
Blocks(uint64_t data, uint32_t n, uint32_t first, uint32_t count)
{
    uint64_t larger = data % n;
    auto below = [larger](uint64_t from, uint64_t to) { // larger blocks in [from, to)
        return std::min(to, larger) - std::min(from, larger);
    };
    uint64_t end = uint64_t(first) + count;
    uint64_t extra = end <= n ? below(first, end) : below(first, n) + below(0, end - n);
    return data / n * count + extra;
}
} // namespace

TypeId
PatAlgorithm::GetTypeId()
{
    static TypeId tid = TypeId("ns3::PatAlgorithm")
                            .SetParent<CollectiveAlgorithm>()
                            .SetGroupName("Collectives")
                            .AddConstructor<PatAlgorithm>();
    return tid;
}

bool
PatAlgorithm::Supports(CollectiveOp op) const
{
    return op == CollectiveOp::ALL_GATHER || op == CollectiveOp::REDUCE_SCATTER ||
           op == CollectiveOp::ALL_REDUCE;
}

std::string
PatAlgorithm::GetName() const
{
    return "pat";
}

void
PatAlgorithm::Phase(bool gather,
                    uint32_t n,
                    uint64_t data,
                    uint32_t channel,
                    Arrived& arrived,
                    CollectiveSchedule& schedule) const
{
    std::vector<uint32_t> distances = Distances(n);
    if (!gather)
    {
        std::reverse(distances.begin(), distances.end());
    }
    std::vector<uint32_t> last(n);
    for (uint32_t d : distances)
    {
        uint32_t count = std::min(d, n - d);
        for (uint32_t r = 0; r < n; ++r)
        {
            // Gather: r sends its blocks r.. to r - d; scatter: the partial sums of blocks
            // r + d .. to r + d.
            uint32_t to = gather ? (r + n - d) % n : (r + d) % n;
            uint64_t bytes = Blocks(data, n, gather ? r : to, count);
            uint64_t chunks = GetChunks(bytes);
            for (uint64_t j = 0; j < chunks; ++j)
            {
                last[to] = schedule.Add(r, to, Split(bytes, chunks, j), channel, arrived[r]);
            }
        }
        for (uint32_t r = 0; r < n; ++r)
        {
            arrived[r].push_back(last[r]);
        }
    }
}

void
PatAlgorithm::Build(CollectiveOp op,
                    const Communicator& comm,
                    uint64_t bytes,
                    uint32_t root,
                    CollectiveSchedule& schedule) const
{
    uint32_t n = comm.GetSize();
    for (uint32_t ch = 0; ch < m_channels; ++ch)
    {
        uint64_t data = Split(bytes, m_channels, ch);
        Arrived arrived(n);
        if (op != CollectiveOp::ALL_GATHER)
        {
            Phase(false, n, data, ch, arrived, schedule);
        }
        if (op != CollectiveOp::REDUCE_SCATTER)
        {
            Phase(true, n, data, ch, arrived, schedule);
        }
    }
}

Time
PatAlgorithm::GetCost(CollectiveOp op,
                      const Communicator& comm,
                      uint64_t bytes,
                      uint32_t root,
                      const PathCosts& paths) const
{
    uint32_t n = comm.GetSize();
    Time phase[2]; // scatter, gather
    for (uint32_t d : Distances(n))
    {
        double blocks = double(bytes) / n * std::min(d, n - d);
        phase[0] += GetRingPath(comm, paths, d).Stream(blocks, GetPiece(blocks));
        phase[1] += GetRingPath(comm, paths, n - d).Stream(blocks, GetPiece(blocks));
    }
    switch (op)
    {
    case CollectiveOp::ALL_REDUCE:
        return phase[0] + phase[1];
    case CollectiveOp::REDUCE_SCATTER:
        return phase[0];
    case CollectiveOp::ALL_GATHER:
        return phase[1];
    default:
        return Time();
    }
}

} // namespace ns3
