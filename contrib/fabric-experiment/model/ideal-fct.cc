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

const std::vector<IdealFct::Reach>&
IdealFct::From(uint32_t sw)
{
    auto [it, added] = m_reach.try_emplace(sw);
    if (!added)
    {
        return it->second;
    }
    // Breadth-first through switches: the first path found to a node is a shortest one.
    const FabricGraph& g = *m_fabric.graph;
    std::vector<Reach>& reach = it->second;
    reach.resize(g.nodes.size());
    reach[sw].links = 0;
    std::deque<uint32_t> queue{sw};
    while (!queue.empty())
    {
        uint32_t n = queue.front();
        queue.pop_front();
        for (auto [next, l] : m_adjacent[n])
        {
            if (reach[next].links != UINT32_MAX || g.nodes[next].kind != FabricGraph::SWITCH)
            {
                continue;
            }
            reach[next] = Reach{reach[n].links + 1,
                                std::min(reach[n].minRate, g.links[l].rateBps),
                                reach[n].delay + g.links[l].delay,
                                reach[n].latency + m_pipeline[n]};
            queue.push_back(next);
        }
    }
    return reach;
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
    const Reach& between = From(first)[last];
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

} // namespace ns3
