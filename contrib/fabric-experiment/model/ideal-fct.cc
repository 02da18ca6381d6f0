/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ideal-fct.h"

#include "ns3/fabric-switch.h"
#include "ns3/fabric-units.h"
#include "ns3/nvlink-domain.h"
#include "ns3/roce-header.h"

#include <deque>

namespace ns3
{

IdealFct::IdealFct(const Fabric& fabric)
    : m_fabric(fabric),
      m_links(*fabric.graph)
{
    const FabricGraph& g = *fabric.graph;
    m_pipeline.resize(g.nodes.size());
    m_adjacent.resize(g.nodes.size());
    m_reach.resize(g.nodes.size());
    m_found.assign(g.nodes.size(), 0);
    uint32_t k = 0; // Fabric::switches are in graph order
    for (uint32_t n = 0; n < g.nodes.size(); ++n)
    {
        if (g.nodes[n].kind == FabricGraph::SWITCH)
        {
            TimeValue latency;
            fabric.switches[k++]->GetAttribute("PipelineLatency", latency);
            m_pipeline[n] = latency.Get();
        }
    }
    for (uint32_t l = 0; l < g.links.size(); ++l)
    {
        m_adjacent[g.links[l].a].emplace_back(g.links[l].b, l);
        m_adjacent[g.links[l].b].emplace_back(g.links[l].a, l);
    }
}

const IdealFct::Reach&
IdealFct::Between(uint32_t from, uint32_t to)
{
    auto [it, added] = m_between.try_emplace(uint64_t(from) << 32 | to);
    if (!added)
    {
        return it->second;
    }
    // Breadth-first through switches: the first path found to a node is a shortest one.
    const FabricGraph& g = *m_fabric.graph;
    ++m_search;
    m_reach[from] = Reach{};
    m_reach[from].links = 0;
    m_found[from] = m_search;
    std::deque<uint32_t> queue{from};
    while (!queue.empty() && m_found[to] != m_search)
    {
        uint32_t n = queue.front();
        queue.pop_front();
        for (auto [next, l] : m_adjacent[n])
        {
            if (m_found[next] == m_search || g.nodes[next].kind != FabricGraph::SWITCH)
            {
                continue;
            }
            m_found[next] = m_search;
            m_reach[next] = Reach{m_reach[n].links + 1,
                                  std::min(m_reach[n].minRate, g.links[l].rateBps),
                                  m_reach[n].delay + g.links[l].delay,
                                  m_reach[n].latency + m_pipeline[n]};
            queue.push_back(next);
        }
    }
    if (m_found[to] == m_search)
    {
        it->second = m_reach[to];
    }
    return it->second;
}

Time
IdealFct::Nvlink(uint32_t node, uint64_t bytes) const
{
    Ptr<NvlinkDomain> nvlink = m_fabric.GetNvlink(node);
    DataRateValue rate;
    TimeValue latency;
    nvlink->GetAttribute("DataRate", rate);
    nvlink->GetAttribute("Latency", latency);
    return fabric::BitsTime(bytes * 8, rate.Get().GetBitRate()) + latency.Get();
}

Time
IdealFct::Get(const FlowSpec& f)
{
    if (f.fabricNic == FabricGraph::NONE)
    {
        return Nvlink(f.srcNode, f.bytes);
    }
    const FabricGraph& g = *m_fabric.graph;
    // A NIC of the same GPU needs no NVLink hop.
    Time relay = g.GetGpuOfNic(f.srcNode, f.fabricNic) == g.GetGpuOfNic(f.srcNode, f.srcNic)
                     ? Time()
                     : Nvlink(f.srcNode, f.bytes);
    uint32_t first = m_links.GetSwitch(f.srcNode, f.fabricNic);
    uint32_t last = m_links.GetSwitch(f.dstNode, f.dstNic);
    const Reach& between = Between(first, last);
    const auto& up = g.links[m_links.GetHostLink(f.srcNode, f.fabricNic)];
    const auto& down = g.links[m_links.GetHostLink(f.dstNode, f.dstNic)];
    uint32_t links = between.links + 2;
    uint64_t rate = std::min({between.minRate, up.rateBps, down.rateBps});
    Time cables = between.delay + up.delay + down.delay;
    Time pipelines = between.latency + m_pipeline[last];

    uint32_t mtu = m_fabric.GetNic(f.srcNode, f.fabricNic)->GetPayloadMtu();
    uint64_t frames = (f.bytes + mtu - 1) / mtu;
    auto wire = [](uint64_t payload, uint64_t bps) {
        return fabric::BitsTime(
            uint64_t(fabric::WireBytes(RoceHeader::GetDataPacketSize(payload))) * 8,
            bps);
    };
    uint64_t lastPayload = f.bytes - (frames - 1) * mtu;
    Time full = wire(mtu, rate);
    Time lastFrame = wire(lastPayload, rate);
    Time perSwitch = frames > 1 ? std::max(full, lastFrame) : lastFrame;
    // The receiving NIC hands a frame to the host once the host has taken the one before
    // (HostRate): a short last frame right behind a full one waits for it.
    Time hostWait;
    if (frames > 1)
    {
        DataRateValue hostRate;
        m_fabric.GetNic(f.dstNode, f.dstNic)->GetAttribute("HostRate", hostRate);
        Time taking = fabric::BitsTime(uint64_t(RoceHeader::GetDataPacketSize(mtu)) * 8,
                                       hostRate.Get().GetBitRate());
        Time gap = wire(lastPayload, down.rateBps); // the last frame behind the full one
        hostWait = std::max(Time(), taking - gap);
    }
    return relay + full * int64_t(frames - 1) + lastFrame + perSwitch * int64_t(links - 1) +
           pipelines + cables + hostWait;
}

PathCost
IdealFct::GetPath(GpuId src, GpuId dst)
{
    const FabricGraph& g = *m_fabric.graph;
    FlowSpec f;
    f.srcNode = src.node;
    f.srcNic = g.GetNicOfGpu(src.node, src.gpu);
    f.dstNode = dst.node;
    f.dstNic = g.GetNicOfGpu(dst.node, dst.gpu);
    std::string problem =
        m_links.ChooseSourceNic(g, f.srcNode, f.srcNic, f.dstNode, f.dstNic, f.fabricNic);
    NS_ABORT_MSG_UNLESS(problem.empty(), "IdealFct: " << problem);
    uint32_t mtu = m_fabric.GetNic(f.srcNode, f.srcNic)->GetPayloadMtu();
    f.bytes = mtu;
    Time one = Get(f);
    f.bytes = 2 * mtu;
    double perByte = (Get(f) - one).GetSeconds() / mtu;
    // PXN: NVLink first, whole, then the network; a stream of messages overlaps the two.
    double relay = 0;
    if (f.fabricNic != FabricGraph::NONE &&
        g.GetGpuOfNic(f.srcNode, f.fabricNic) != g.GetGpuOfNic(f.srcNode, f.srcNic))
    {
        relay = (Nvlink(f.srcNode, mtu) - Nvlink(f.srcNode, 0)).GetSeconds() / mtu;
    }
    return PathCost{one - Seconds(perByte * mtu), perByte - relay, relay};
}

} // namespace ns3
