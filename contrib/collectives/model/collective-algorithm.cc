/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "collective-algorithm.h"

#include "ns3/uinteger.h"

#include <numeric>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(CollectiveAlgorithm);

namespace
{
const std::pair<CollectiveOp, const char*> OP_NAMES[] = {
    {CollectiveOp::ALL_REDUCE, "allreduce"},
    {CollectiveOp::ALL_GATHER, "allgather"},
    {CollectiveOp::REDUCE_SCATTER, "reducescatter"},
    {CollectiveOp::ALL_TO_ALL, "alltoall"},
    {CollectiveOp::BROADCAST, "broadcast"},
};
} // namespace

std::string
ToString(CollectiveOp op)
{
    for (const auto& [o, name] : OP_NAMES)
    {
        if (o == op)
        {
            return name;
        }
    }
    return "";
}

bool
ParseCollectiveOp(const std::string& name, CollectiveOp& op)
{
    for (const auto& [o, n] : OP_NAMES)
    {
        if (name == n)
        {
            op = o;
            return true;
        }
    }
    return false;
}

double
BusBandwidthFactor(CollectiveOp op, uint32_t ranks)
{
    double n = ranks;
    switch (op)
    {
    case CollectiveOp::ALL_REDUCE:
        return 2 * (n - 1) / n;
    case CollectiveOp::BROADCAST:
        return 1;
    default:
        return (n - 1) / n;
    }
}

uint32_t
CollectiveSchedule::Add(uint32_t src,
                        uint32_t dst,
                        uint64_t bytes,
                        uint32_t channel,
                        std::initializer_list<uint32_t> deps)
{
    return Add(Transfer{src, dst, bytes, channel}, deps.begin(), deps.end());
}

uint32_t
CollectiveSchedule::Add(uint32_t src,
                        uint32_t dst,
                        uint64_t bytes,
                        uint32_t channel,
                        const std::vector<uint32_t>& deps)
{
    return Add(Transfer{src, dst, bytes, channel}, deps.data(), deps.data() + deps.size());
}

uint32_t
CollectiveSchedule::Add(const Transfer& t, const uint32_t* firstDep, const uint32_t* lastDep)
{
    m_transfers.push_back(t);
    return m_deps.Add(firstDep, lastDep);
}

std::vector<uint64_t>
CollectiveSchedule::GetBytesSent(uint32_t ranks) const
{
    std::vector<uint64_t> sent(ranks, 0);
    for (const auto& t : m_transfers)
    {
        sent[t.src] += t.bytes;
    }
    return sent;
}

TypeId
CollectiveAlgorithm::GetTypeId()
{
    // NCCL's Simple protocol moves a channel's 4 MiB buffer (NCCL_BUFFSIZE) in 8 steps
    // (NCCL_STEPS): 512 KiB per pipelined piece.
    static TypeId tid =
        TypeId("ns3::CollectiveAlgorithm")
            .SetParent<Object>()
            .SetGroupName("Collectives")
            .AddAttribute("Channels",
                          "Parallel channels the data are split over (separate queue pairs)",
                          UintegerValue(1),
                          MakeUintegerAccessor(&CollectiveAlgorithm::m_channels),
                          MakeUintegerChecker<uint32_t>(1, 64))
            .AddAttribute("ChunkSize",
                          "Largest piece of data a pipeline step moves, in bytes",
                          UintegerValue(512 * 1024),
                          MakeUintegerAccessor(&CollectiveAlgorithm::m_chunkSize),
                          MakeUintegerChecker<uint64_t>(1));
    return tid;
}

std::string
CollectiveAlgorithm::Check(const Communicator& comm) const
{
    return "";
}

uint64_t
CollectiveAlgorithm::Split(uint64_t total, uint64_t parts, uint64_t i)
{
    return total / parts + (i < total % parts ? 1 : 0);
}

uint64_t
CollectiveAlgorithm::GetChunks(uint64_t bytes) const
{
    return std::max<uint64_t>(1, (bytes + m_chunkSize - 1) / m_chunkSize);
}

double
CollectiveAlgorithm::GetPiece(double bytes) const
{
    return bytes / static_cast<double>(GetChunks(static_cast<uint64_t>(bytes / m_channels)));
}

Time
CollectiveAlgorithm::GetPipelinedCost(uint32_t steps, double block, const PathCost& path) const
{
    return steps == 0 ? Time()
                      : std::max(path.Stream(steps * block, GetPiece(block)),
                                 GetChainCost(steps, block, path));
}

Time
CollectiveAlgorithm::GetChainCost(uint32_t steps, double block, const PathCost& path) const
{
    double piece = GetPiece(block);
    return path.Of(piece) * int64_t(steps) + Seconds((block - piece) * path.GetBottleneck());
}

PathCost
CollectiveAlgorithm::GetRingPath(const Communicator& comm,
                                 const std::vector<uint32_t>& ring,
                                 const PathCosts& paths,
                                 uint32_t distance)
{
    PathCost slowest;
    auto n = static_cast<uint32_t>(ring.size());
    for (uint32_t i = 0; i < n && n > 1; ++i)
    {
        slowest = PathCost::Max(slowest,
                                paths(comm.GetGpu(ring[i]), comm.GetGpu(ring[(i + distance) % n])));
    }
    return slowest;
}

PathCost
CollectiveAlgorithm::GetRingPath(const Communicator& comm,
                                 const PathCosts& paths,
                                 uint32_t distance)
{
    std::vector<uint32_t> ranks(comm.GetSize());
    std::iota(ranks.begin(), ranks.end(), 0);
    return GetRingPath(comm, ranks, paths, distance);
}

} // namespace ns3
