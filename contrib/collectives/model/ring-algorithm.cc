/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ring-algorithm.h"

#include <algorithm>
#include <numeric>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(RingAlgorithm);
NS_OBJECT_ENSURE_REGISTERED(TreeAlgorithm);
NS_OBJECT_ENSURE_REGISTERED(DirectAlgorithm);

TypeId
RingAlgorithm::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RingAlgorithm")
                            .SetParent<CollectiveAlgorithm>()
                            .SetGroupName("Collectives")
                            .AddConstructor<RingAlgorithm>();
    return tid;
}

bool
RingAlgorithm::Supports(CollectiveOp op) const
{
    return op != CollectiveOp::ALL_TO_ALL;
}

std::string
RingAlgorithm::GetName() const
{
    return "ring";
}

void
RingAlgorithm::Build(CollectiveOp op,
                     const Communicator& comm,
                     uint64_t bytes,
                     uint32_t root,
                     CollectiveSchedule& schedule) const
{
    uint32_t n = comm.GetSize();
    std::vector<uint32_t> ring(n);
    std::iota(ring.begin(), ring.end(), 0);
    for (uint32_t ch = 0; ch < m_channels; ++ch)
    {
        uint64_t data = Split(bytes, m_channels, ch);
        switch (op)
        {
        case CollectiveOp::ALL_REDUCE:
            Steps(ring, data, ch, 2 * (n - 1), 0, {}, schedule);
            break;
        case CollectiveOp::ALL_GATHER:
            Steps(ring, data, ch, n - 1, 0, {}, schedule); // rank r starts with block r
            break;
        case CollectiveOp::REDUCE_SCATTER:
            Steps(ring, data, ch, n - 1, n - 1, {}, schedule); // rank r ends with block r
            break;
        case CollectiveOp::BROADCAST: {
            // A chain root, root+1, ...: every hop forwards each chunk once it has arrived.
            uint64_t chunks = GetChunks(data);
            std::vector<uint32_t> previous(chunks);
            for (uint32_t hop = 0; hop + 1 < n; ++hop)
            {
                uint32_t from = (root + hop) % n;
                for (uint64_t j = 0; j < chunks; ++j)
                {
                    uint64_t piece = Split(data, chunks, j);
                    previous[j] =
                        hop == 0 ? schedule.Add(from, (from + 1) % n, piece, ch)
                                 : schedule.Add(from, (from + 1) % n, piece, ch, {previous[j]});
                }
            }
            break;
        }
        case CollectiveOp::ALL_TO_ALL:
            break;
        }
    }
}

Time
RingAlgorithm::GetCost(CollectiveOp op,
                       const Communicator& comm,
                       uint64_t bytes,
                       uint32_t root,
                       const PathCosts& paths) const
{
    uint32_t n = comm.GetSize();
    double block = double(bytes) / n;
    switch (op)
    {
    case CollectiveOp::ALL_REDUCE:
        return GetPipelinedCost(2 * (n - 1), block, GetRingPath(comm, paths));
    case CollectiveOp::ALL_GATHER:
    case CollectiveOp::REDUCE_SCATTER:
        return GetPipelinedCost(n - 1, block, GetRingPath(comm, paths));
    case CollectiveOp::BROADCAST: {
        PathCost slowest; // the chain from the root: every ring path but the one into it
        for (uint32_t hop = 0; hop + 1 < n; ++hop)
        {
            slowest = PathCost::Max(
                slowest,
                paths(comm.GetGpu((root + hop) % n), comm.GetGpu((root + hop + 1) % n)));
        }
        return GetChainCost(n - 1, double(bytes), slowest);
    }
    default:
        return Time();
    }
}

RingAlgorithm::Arrivals
RingAlgorithm::Steps(const std::vector<uint32_t>& ring,
                     uint64_t bytes,
                     uint32_t channel,
                     uint32_t steps,
                     uint32_t offset,
                     const Arrivals& after,
                     CollectiveSchedule& schedule) const
{
    static const std::vector<uint32_t> nothing;
    auto m = static_cast<uint32_t>(ring.size());
    // sent[i][j]: the transfer that took chunk j of the block position i sent last step.
    Arrivals sent(m), next(m);
    for (uint32_t k = 0; k < steps; ++k)
    {
        for (uint32_t i = 0; i < m; ++i)
        {
            uint32_t block = (i + offset + m - k % m) % m;
            uint64_t blockBytes = Split(bytes, m, block);
            uint64_t chunks = GetChunks(blockBytes);
            uint32_t prev = (i + m - 1) % m;
            uint32_t to = ring[(i + 1) % m];
            next[i].resize(chunks);
            for (uint64_t j = 0; j < chunks; ++j)
            {
                uint64_t piece = Split(blockBytes, chunks, j);
                next[i][j] = k == 0 ? schedule.Add(ring[i],
                                                   to,
                                                   piece,
                                                   channel,
                                                   after.empty() ? nothing : after[i])
                                    : schedule.Add(ring[i], to, piece, channel, {sent[prev][j]});
            }
        }
        std::swap(sent, next);
    }
    // What position i received last is what position i - 1 sent.
    Arrivals last(m);
    for (uint32_t i = 0; i < m && steps > 0; ++i)
    {
        last[(i + 1) % m] = std::move(sent[i]);
    }
    return last;
}

TypeId
TreeAlgorithm::GetTypeId()
{
    static TypeId tid = TypeId("ns3::TreeAlgorithm")
                            .SetParent<CollectiveAlgorithm>()
                            .SetGroupName("Collectives")
                            .AddConstructor<TreeAlgorithm>();
    return tid;
}

bool
TreeAlgorithm::Supports(CollectiveOp op) const
{
    return op == CollectiveOp::ALL_REDUCE;
}

std::string
TreeAlgorithm::GetName() const
{
    return "tree";
}

std::vector<uint32_t>
TreeAlgorithm::GetParents(uint32_t n, uint32_t tree)
{
    // Positions 1..n; position p holds rank rankAt(p).
    auto rankAt = [n, tree](uint32_t p) {
        uint32_t r = p - 1;
        if (tree == 0)
        {
            return r;
        }
        return n % 2 == 0 ? n - 1 - r : (r + n - 1) % n; // the inverse of r -> r + 1 mod n
    };
    std::vector<uint32_t> parent(n, NONE);
    for (uint32_t p = 2; p <= n; p += 2) // odd positions are leaves
    {
        uint32_t half = (p & (~p + 1)) / 2;
        parent[rankAt(p - half)] = rankAt(p);
        for (uint32_t c = half; c > 0; c /= 2)
        {
            if (p + c <= n)
            {
                parent[rankAt(p + c)] = rankAt(p);
                break;
            }
        }
    }
    return parent;
}

std::vector<uint32_t>
TreeAlgorithm::ByDepth(const std::vector<uint32_t>& parent, bool deepestFirst)
{
    auto n = static_cast<uint32_t>(parent.size());
    std::vector<uint32_t> depth(n, 0);
    std::vector<uint32_t> order(n);
    for (uint32_t r = 0; r < n; ++r)
    {
        for (uint32_t a = parent[r]; a != NONE; a = parent[a])
        {
            ++depth[r];
        }
        order[r] = r;
    }
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return deepestFirst ? depth[a] > depth[b] : depth[a] < depth[b];
    });
    return order;
}

Time
TreeAlgorithm::GetCost(CollectiveOp op,
                       const Communicator& comm,
                       uint64_t bytes,
                       uint32_t root,
                       const PathCosts& paths) const
{
    // Each tree reduces half the data up to its root and sends the sum back down, in pieces
    // (a chunk of every channel) that go on as soon as they have arrived. A rank with k
    // children takes in k pieces on the way up and sends out k on the way down, through one
    // link: the first piece reaches every rank after the sum of those hops along its branch.
    // The pieces behind it follow at the pace of the busiest link, which sends `load` pieces
    // per piece of data (one up and one per child, in each tree) - unless that link's whole
    // load, load x bytes/2 x beta, takes longer.
    uint32_t n = comm.GetSize();
    if (op != CollectiveOp::ALL_REDUCE || n < 2)
    {
        return Time();
    }
    double half = double(bytes) / 2;
    double piece = GetPiece(half);
    double pieces = half / piece;
    std::vector<std::vector<uint32_t>> parents{GetParents(n, 0), GetParents(n, 1)};
    std::vector<uint32_t> sends(n, 0);
    PathCost slowest;
    for (const auto& parent : parents)
    {
        for (uint32_t r = 0; r < n; ++r)
        {
            if (parent[r] != NONE)
            {
                ++sends[r];
                ++sends[parent[r]];
                slowest = PathCost::Max(slowest, paths(comm.GetGpu(r), comm.GetGpu(parent[r])));
                slowest = PathCost::Max(slowest, paths(comm.GetGpu(parent[r]), comm.GetGpu(r)));
            }
        }
    }
    Time first; // the first piece's sum has reached every rank
    for (const auto& parent : parents)
    {
        std::vector<uint32_t> children(n, 0);
        for (uint32_t r = 0; r < n; ++r)
        {
            if (parent[r] != NONE)
            {
                ++children[parent[r]];
            }
        }
        std::vector<uint32_t> order = ByDepth(parent, false); // every rank after its parent
        auto hop = [&](uint32_t r) {
            return slowest.Of(piece) +
                   Seconds((children[parent[r]] - 1) * piece * slowest.GetBottleneck());
        };
        // Per rank: its partial sum is ready (up), then the whole sum has reached it (down).
        std::vector<Time> ready(n);
        for (auto it = order.rbegin(); it != order.rend(); ++it)
        {
            if (parent[*it] != NONE)
            {
                ready[parent[*it]] = std::max(ready[parent[*it]], ready[*it] + hop(*it));
            }
        }
        for (uint32_t r : order)
        {
            ready[r] = parent[r] == NONE ? ready[r] : ready[parent[r]] + hop(r);
            first = std::max(first, ready[r]);
        }
    }
    double load = *std::max_element(sends.begin(), sends.end());
    return std::max(slowest.Stream(load * half, piece),
                    first + Seconds((pieces - 1) * load * piece * slowest.GetBottleneck()));
}

void
TreeAlgorithm::Build(CollectiveOp op,
                     const Communicator& comm,
                     uint64_t bytes,
                     uint32_t root,
                     CollectiveSchedule& schedule) const
{
    uint32_t n = comm.GetSize();
    for (uint32_t tree = 0; tree < 2; ++tree)
    {
        std::vector<uint32_t> parent = GetParents(n, tree);
        std::vector<uint32_t> order = ByDepth(parent, true); // children before parents
        for (uint32_t ch = 0; ch < m_channels; ++ch)
        {
            // Channel ch of tree t: its own queue pairs.
            uint32_t channel = 2 * ch + tree;
            uint64_t data = Split(Split(bytes, m_channels, ch), 2, tree);
            uint64_t chunks = GetChunks(data);
            for (uint64_t j = 0; j < chunks; ++j)
            {
                uint64_t piece = Split(data, chunks, j);
                // Up: a rank sends its partial sum once its children's have arrived.
                std::vector<std::vector<uint32_t>> fromChildren(n);
                uint32_t top = NONE;
                for (uint32_t r : order)
                {
                    if (parent[r] == NONE)
                    {
                        top = r;
                        continue;
                    }
                    fromChildren[parent[r]].push_back(
                        schedule.Add(r, parent[r], piece, channel, fromChildren[r]));
                }
                // Down: the root's sum, then every rank's copy, goes on to its children.
                std::vector<std::vector<uint32_t>> wait(n);
                wait[top] = fromChildren[top];
                for (auto it = order.rbegin(); it != order.rend(); ++it)
                {
                    uint32_t r = *it;
                    if (parent[r] == NONE)
                    {
                        continue;
                    }
                    wait[r] = {schedule.Add(parent[r], r, piece, channel, wait[parent[r]])};
                }
            }
        }
    }
}

TypeId
DirectAlgorithm::GetTypeId()
{
    static TypeId tid = TypeId("ns3::DirectAlgorithm")
                            .SetParent<CollectiveAlgorithm>()
                            .SetGroupName("Collectives")
                            .AddConstructor<DirectAlgorithm>();
    return tid;
}

bool
DirectAlgorithm::Supports(CollectiveOp op) const
{
    return op == CollectiveOp::ALL_TO_ALL;
}

std::string
DirectAlgorithm::GetName() const
{
    return "direct";
}

Time
DirectAlgorithm::GetCost(CollectiveOp op,
                         const Communicator& comm,
                         uint64_t bytes,
                         uint32_t root,
                         const PathCosts& paths) const
{
    // Everything is sent at once: each rank's link carries its n - 1 shares back to back.
    uint32_t n = comm.GetSize();
    PathCost slowest;
    for (uint32_t shift = 1; shift < n; ++shift)
    {
        slowest = PathCost::Max(slowest, GetRingPath(comm, paths, shift));
    }
    double share = double(bytes) / n;
    return op == CollectiveOp::ALL_TO_ALL && n > 1
               ? slowest.Stream(share * (n - 1), GetPiece(share))
               : Time();
}

void
DirectAlgorithm::Build(CollectiveOp op,
                       const Communicator& comm,
                       uint64_t bytes,
                       uint32_t root,
                       CollectiveSchedule& schedule) const
{
    uint32_t n = comm.GetSize();
    // Peers in a shifted order (rank r sends first to r+1, then r+2, ...) so that no receiver
    // is everybody's first target.
    for (uint32_t r = 0; r < n; ++r)
    {
        for (uint32_t shift = 1; shift < n; ++shift)
        {
            uint32_t peer = (r + shift) % n;
            uint64_t share = Split(bytes, n, peer);
            for (uint32_t ch = 0; ch < m_channels; ++ch)
            {
                uint64_t data = Split(share, m_channels, ch);
                uint64_t chunks = GetChunks(data);
                for (uint64_t j = 0; j < chunks; ++j)
                {
                    schedule.Add(r, peer, Split(data, chunks, j), ch);
                }
            }
        }
    }
}

} // namespace ns3
