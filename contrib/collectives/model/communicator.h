/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef COMMUNICATOR_H
#define COMMUNICATOR_H

#include "ns3/topology.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/// A GPU of a fabric: its server's graph node and its index in the server.
struct GpuId
{
    uint32_t node{0};
    uint32_t gpu{0};

    bool operator==(const GpuId& other) const
    {
        return node == other.node && gpu == other.gpu;
    }
};

/**
 * \ingroup collectives
 * \brief The GPUs a collective runs on, in rank order (NCCL's communicator).
 */
class Communicator
{
  public:
    Communicator() = default;
    explicit Communicator(std::vector<GpuId> ranks);

    /// Every GPU of every server, server by server.
    static Communicator AllGpus(const FabricGraph& graph);
    /// GPU \p gpu of every server that has it: one rank per server (one rail).
    static Communicator OnePerServer(const FabricGraph& graph, uint32_t gpu);

    uint32_t GetSize() const
    {
        return static_cast<uint32_t>(m_ranks.size());
    }

    GpuId GetGpu(uint32_t rank) const
    {
        return m_ranks[rank];
    }

    const std::vector<GpuId>& GetRanks() const
    {
        return m_ranks;
    }

  private:
    std::vector<GpuId> m_ranks;
};

} // namespace ns3

#endif // COMMUNICATOR_H
