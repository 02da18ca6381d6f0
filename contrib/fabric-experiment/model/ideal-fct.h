/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef IDEAL_FCT_H
#define IDEAL_FCT_H

#include "workload.h"

#include "ns3/collective-algorithm.h"
#include "ns3/topology-helper.h"

#include <unordered_map>

namespace ns3
{

/**
 * \ingroup fabric-experiment
 * \brief A flow's completion time alone on the idle fabric, the denominator of its slowdown.
 *
 * On a shortest path of L links the frames stream at the slowest link's rate, and the last one
 * is stored and forwarded by every switch: (frames - 1) x full frame + last frame, plus, per
 * switch, one frame time, its pipeline latency and the next cable, plus the first cable (the
 * store-and-forward bound the line-rate tests check), plus the wait of a short last frame for
 * the receiving host to take the full one before it (the NIC's HostRate, which must exceed
 * the link's, as by default). A PXN flow first crosses NVLink whole, and a flow inside one
 * server only NVLink: bytes / NVLink rate + its latency.
 */
class IdealFct
{
  public:
    explicit IdealFct(const Fabric& fabric);

    Time Get(const FlowSpec& flow);

    /**
     * \brief The alpha-beta cost of messages from GPU \p src to GPU \p dst as GpuTransport
     *        carries them (NVLink, the GPU's NIC, or PXN), read off Get: what a full frame
     *        adds per byte (PXN's NVLink part of it as the relay), and alpha, what one full
     *        frame takes beyond that.
     */
    PathCost GetPath(GpuId src, GpuId dst);

  private:
    /// Per graph node, along a shortest path from one switch: links, delays and latencies.
    struct Reach
    {
        uint32_t links{UINT32_MAX};
        uint64_t minRate{UINT64_MAX};
        Time delay;   //!< cables
        Time latency; //!< switch pipelines
    };

    /// A shortest path between switches \p from and \p to: the first a breadth-first search
    /// from \p from finds (links UINT32_MAX: none).
    const Reach& Between(uint32_t from, uint32_t to);
    Time Nvlink(uint32_t node, uint64_t bytes) const;

    const Fabric& m_fabric;
    HostLinks m_links;
    std::vector<Time> m_pipeline; //!< by graph node (switches)
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> m_adjacent; //!< (node, link)
    /// By (from, to) switch pair: a cluster has too many switches to keep every search whole.
    std::unordered_map<uint64_t, Reach> m_between;
    std::vector<Reach> m_reach;    //!< by graph node, for the search under way
    std::vector<uint32_t> m_found; //!< by graph node: the search that reached it
    uint32_t m_search{0};
};

} // namespace ns3

#endif // IDEAL_FCT_H
