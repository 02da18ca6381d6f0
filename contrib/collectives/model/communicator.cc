/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "communicator.h"

namespace ns3
{

Communicator::Communicator(std::vector<GpuId> ranks)
    : m_ranks(std::move(ranks))
{
}

Communicator
Communicator::AllGpus(const FabricGraph& graph)
{
    std::vector<GpuId> ranks;
    for (uint32_t n = 0; n < graph.nodes.size(); ++n)
    {
        for (uint32_t g = 0; g < graph.GetGpus(n); ++g)
        {
            ranks.push_back(GpuId{n, g});
        }
    }
    return Communicator(std::move(ranks));
}

Communicator
Communicator::OnePerServer(const FabricGraph& graph, uint32_t gpu)
{
    std::vector<GpuId> ranks;
    for (uint32_t n = 0; n < graph.nodes.size(); ++n)
    {
        if (gpu < graph.GetGpus(n))
        {
            ranks.push_back(GpuId{n, gpu});
        }
    }
    return Communicator(std::move(ranks));
}

} // namespace ns3
