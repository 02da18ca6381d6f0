/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "gpu-transport.h"

#include "ns3/abort.h"
#include "ns3/nvlink-domain.h"
#include "ns3/rdma-helper.h"
#include "ns3/simulator.h"

#include <algorithm>

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
    m_distributed = std::any_of(fabric.nodes.begin(), fabric.nodes.end(), [](Ptr<Node> node) {
        return node->GetSystemId() != 0;
    });
}

void
GpuTransport::SetGraph(std::shared_ptr<const FabricGraph> graph)
{
    m_fabric = nullptr;
    m_distributed = false;
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

uint64_t
GpuTransport::AddReceiver(uint64_t count, ReceiverCallback arrived, ReceiverCallback acked)
{
    uint64_t first = m_nextCookie;
    NS_ABORT_MSG_IF(count > UINT64_MAX - first, "GpuTransport: cookies overflow");
    if (count > 0)
    {
        m_nextCookie += count;
        m_receivers.emplace(first, Receiver{count, arrived, acked});
    }
    return first;
}

void
GpuTransport::RemoveReceiver(uint64_t first)
{
    m_receivers.erase(first);
}

const GpuTransport::Receiver*
GpuTransport::Find(uint64_t cookie, uint64_t& offset) const
{
    auto it = m_receivers.upper_bound(cookie);
    if (it == m_receivers.begin())
    {
        return nullptr;
    }
    --it;
    offset = cookie - it->first;
    return offset < it->second.count ? &it->second : nullptr;
}

bool
GpuTransport::IsLocal(uint32_t node) const
{
    return !m_distributed || m_fabric->nodes[node]->GetSystemId() == Simulator::GetSystemId();
}

std::optional<GpuTransport::Key>
GpuTransport::KeyOf(uint32_t srcNode,
                    uint32_t srcNic,
                    uint32_t dstNode,
                    uint32_t dstNic,
                    uint32_t channel,
                    uint32_t& fabricNic) const
{
    NS_ABORT_MSG_UNLESS(m_fabric, "GpuTransport: no fabric to send over (SetFabric)");
    fabricNic = FabricGraph::NONE;
    std::string problem =
        m_hostLinks->ChooseSourceNic(*m_fabric->graph, srcNode, srcNic, dstNode, dstNic, fabricNic);
    NS_ABORT_MSG_UNLESS(problem.empty(), "GpuTransport: " << problem);
    if (fabricNic == FabricGraph::NONE) // one server
    {
        return std::nullopt;
    }
    return Key{m_fabric->firstNic[srcNode] + fabricNic,
               m_fabric->firstNic[dstNode] + dstNic,
               channel};
}

void
GpuTransport::Prepare(uint32_t srcNode,
                      uint32_t srcNic,
                      uint32_t dstNode,
                      uint32_t dstNic,
                      uint32_t channel)
{
    uint32_t fabricNic;
    if (auto key = KeyOf(srcNode, srcNic, dstNode, dstNic, channel, fabricNic))
    {
        Connect(*key);
    }
}

void
GpuTransport::Prepare(GpuId src, GpuId dst, uint32_t channel)
{
    Prepare(src.node,
            m_fabric->GetNicOfGpu(src.node, src.gpu),
            dst.node,
            m_fabric->GetNicOfGpu(dst.node, dst.gpu),
            channel);
}

void
GpuTransport::Send(GpuId src, GpuId dst, uint64_t bytes, uint32_t channel, uint64_t cookie)
{
    SendBetweenNics(src.node,
                    m_fabric->GetNicOfGpu(src.node, src.gpu),
                    dst.node,
                    m_fabric->GetNicOfGpu(dst.node, dst.gpu),
                    bytes,
                    channel,
                    cookie);
}

void
GpuTransport::SendBetweenNics(uint32_t srcNode,
                              uint32_t srcNic,
                              uint32_t dstNode,
                              uint32_t dstNic,
                              uint64_t bytes,
                              uint32_t channel,
                              uint64_t cookie)
{
    Message message{Delivery{Simulator::Now(), Time(), Time(), Time()}, cookie};
    uint32_t fabricNic;
    std::optional<Key> key = KeyOf(srcNode, srcNic, dstNode, dstNic, channel, fabricNic);
    uint32_t srcGpu = m_fabric->GetGpuOfNic(srcNode, srcNic);
    Ptr<NvlinkDomain> nvlink = m_fabric->GetNvlink(srcNode);
    if (!key) // one server
    {
        NvlinkDomain::Timing t = nvlink->Transfer(srcGpu,
                                                  m_fabric->GetGpuOfNic(dstNode, dstNic),
                                                  bytes,
                                                  Callback<void>());
        message.delivery.firstByte = t.firstByte;
        message.delivery.arrived = t.arrival;
        message.delivery.acked = t.arrival;
        Simulator::Schedule(t.arrival - Simulator::Now(), &GpuTransport::OnNvlink, this, message);
        return;
    }
    NS_ABORT_MSG_IF(m_distributed && m_connections.find(*key) == m_connections.end(),
                    "GpuTransport: a distributed run must Prepare every connection it uses");
    Connection& c = Connect(*key);
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
        slot->transport = this;
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
    uint64_t cookie = message.cookie;
    c->messages.push_back(std::move(message));
    c->sender->PostSend(bytes, cookie);
}

void
GpuTransport::Arrived(uint64_t cookie, Time firstByte, Time arrived)
{
    uint64_t offset;
    const Receiver* receiver = Find(cookie, offset);
    if (receiver && !receiver->arrived.IsNull())
    {
        receiver->arrived(offset, Delivery{Time(), firstByte, arrived, Time()});
    }
}

void
GpuTransport::Acked(const Message& message)
{
    uint64_t offset;
    const Receiver* receiver = Find(message.cookie, offset);
    if (receiver && !receiver->acked.IsNull())
    {
        receiver->acked(offset, message.delivery);
    }
}

void
GpuTransport::OnArrived(Connection* c, const RdmaCompletion& completion)
{
    c->transport->Arrived(completion.cookie, completion.start, completion.end);
}

void
GpuTransport::OnAcked(Connection* c, const RdmaCompletion& completion)
{
    Message m = std::move(c->messages.front());
    c->messages.pop_front();
    m.delivery.acked = completion.end;
    c->transport->Acked(m);
}

void
GpuTransport::OnNvlink(Message message)
{
    Arrived(message.cookie, message.delivery.firstByte, message.delivery.arrived);
    Acked(message);
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
    m_receivers.clear();
    m_fabric = nullptr;
    Object::DoDispose();
}

} // namespace ns3
