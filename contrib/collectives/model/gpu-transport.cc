/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "gpu-transport.h"

#include "ns3/abort.h"
#include "ns3/nvlink-domain.h"
#include "ns3/rdma-helper.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(GpuTransport);

TypeId
GpuTransport::GetTypeId()
{
    static TypeId tid = TypeId("ns3::GpuTransport")
                            .SetParent<Object>()
                            .SetGroupName("Collectives")
                            .AddConstructor<GpuTransport>();
    return tid;
}

GpuTransport::GpuTransport() = default;
GpuTransport::~GpuTransport() = default;

void
GpuTransport::SetFabric(const Fabric& fabric)
{
    SetGraph(fabric.graph);
    m_fabric = &fabric;
}

void
GpuTransport::SetGraph(std::shared_ptr<const FabricGraph> graph)
{
    m_fabric = nullptr;
    m_graph = std::move(graph);
    m_hostLinks.emplace(*m_graph);
    m_connections.clear();
}

uint32_t
GpuTransport::GetNGpus(uint32_t node) const
{
    return m_graph->GetGpus(node);
}

std::string
GpuTransport::CheckPath(GpuId src, GpuId dst) const
{
    const FabricGraph& g = *m_graph;
    for (GpuId end : {src, dst})
    {
        if (end.node >= g.nodes.size() || end.gpu >= GetNGpus(end.node))
        {
            return "no GPU " + std::to_string(end.gpu) + " on node " + std::to_string(end.node);
        }
    }
    if (src == dst)
    {
        return "a GPU does not send to itself";
    }
    uint32_t fabricNic = FabricGraph::NONE;
    return m_hostLinks->ChooseSourceNic(g,
                                        src.node,
                                        g.GetNicOfGpu(src.node, src.gpu),
                                        dst.node,
                                        g.GetNicOfGpu(dst.node, dst.gpu),
                                        fabricNic);
}

void
GpuTransport::Send(GpuId src,
                   GpuId dst,
                   uint64_t bytes,
                   uint32_t channel,
                   DeliveryCallback arrived,
                   DeliveryCallback acked)
{
    SendBetweenNics(src.node,
                    m_fabric->GetNicOfGpu(src.node, src.gpu),
                    dst.node,
                    m_fabric->GetNicOfGpu(dst.node, dst.gpu),
                    bytes,
                    channel,
                    arrived,
                    acked);
}

void
GpuTransport::SendBetweenNics(uint32_t srcNode,
                              uint32_t srcNic,
                              uint32_t dstNode,
                              uint32_t dstNic,
                              uint64_t bytes,
                              uint32_t channel,
                              DeliveryCallback arrived,
                              DeliveryCallback acked)
{
    NS_ABORT_MSG_UNLESS(m_fabric, "GpuTransport: no fabric to send over (SetFabric)");
    Message message{Delivery{Simulator::Now(), Time(), Time(), Time()}, arrived, acked};
    uint32_t fabricNic = FabricGraph::NONE;
    std::string problem =
        m_hostLinks->ChooseSourceNic(*m_fabric->graph, srcNode, srcNic, dstNode, dstNic, fabricNic);
    NS_ABORT_MSG_UNLESS(problem.empty(), "GpuTransport: " << problem);
    uint32_t srcGpu = m_fabric->GetGpuOfNic(srcNode, srcNic);
    Ptr<NvlinkDomain> nvlink = m_fabric->GetNvlink(srcNode);
    if (fabricNic == FabricGraph::NONE) // one server
    {
        NvlinkDomain::Timing t = nvlink->Transfer(srcGpu,
                                                  m_fabric->GetGpuOfNic(dstNode, dstNic),
                                                  bytes,
                                                  Callback<void>());
        message.delivery.firstByte = t.firstByte;
        message.delivery.arrived = t.arrival;
        message.delivery.acked = t.arrival;
        Simulator::Schedule(t.arrival - Simulator::Now(), &GpuTransport::OnNvlink, message);
        return;
    }
    Connection& c = Connect(Key{m_fabric->firstNic[srcNode] + fabricNic,
                                m_fabric->firstNic[dstNode] + dstNic,
                                channel});
    uint32_t relay = m_fabric->GetGpuOfNic(srcNode, fabricNic);
    if (relay == srcGpu)
    {
        Post(&c, bytes, message);
        return;
    }
    // PXN: the whole message reaches the GPU of the sending NIC before that NIC starts.
    NvlinkDomain::Timing t = nvlink->Transfer(srcGpu, relay, bytes, Callback<void>());
    Simulator::Schedule(t.arrival - Simulator::Now(), &GpuTransport::Post, &c, bytes, message);
}

std::size_t
GpuTransport::KeyHash::operator()(const Key& k) const
{
    return std::hash<uint64_t>()(uint64_t(k.from) << 32 | k.to) ^
           std::hash<uint32_t>()(k.channel) * 0x9E3779B97F4A7C15ULL;
}

GpuTransport::Connection&
GpuTransport::Connect(const Key& key)
{
    auto& slot = m_connections[key];
    if (!slot)
    {
        slot = std::make_unique<Connection>();
        std::tie(slot->sender, slot->receiver) =
            RdmaHelper::Connect(m_fabric->nics[key.from], m_fabric->nics[key.to]);
        slot->receiver->TraceConnectWithoutContext(
            "RecvComplete",
            MakeBoundCallback(&GpuTransport::OnArrived, slot.get()));
        slot->sender->TraceConnectWithoutContext(
            "SendComplete",
            MakeBoundCallback(&GpuTransport::OnAcked, slot.get()));
    }
    return *slot;
}

void
GpuTransport::Post(Connection* c, uint64_t bytes, Message message)
{
    c->messages.push_back(std::move(message));
    c->sender->PostSend(bytes);
}

void
GpuTransport::OnArrived(Connection* c, const RdmaCompletion& completion)
{
    Message& m = c->messages[c->arrived++];
    m.delivery.firstByte = completion.start;
    m.delivery.arrived = completion.end;
    // Copies: the callback may post more messages on this connection.
    DeliveryCallback arrived = m.arrived;
    Delivery delivery = m.delivery;
    if (!arrived.IsNull())
    {
        arrived(delivery);
    }
}

void
GpuTransport::OnAcked(Connection* c, const RdmaCompletion& completion)
{
    Message m = std::move(c->messages.front());
    c->messages.pop_front();
    --c->arrived; // the last packet arrives before its ACK leaves
    m.delivery.acked = completion.end;
    if (!m.acked.IsNull())
    {
        m.acked(m.delivery);
    }
}

void
GpuTransport::OnNvlink(Message message)
{
    if (!message.arrived.IsNull())
    {
        message.arrived(message.delivery);
    }
    if (!message.acked.IsNull())
    {
        message.acked(message.delivery);
    }
}

uint64_t
GpuTransport::GetNQueuePairs() const
{
    return m_connections.size();
}

void
GpuTransport::DoDispose()
{
    m_connections.clear();
    m_fabric = nullptr;
    Object::DoDispose();
}

} // namespace ns3
