/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "gpu-transport.h"

#include "ns3/abort.h"
#include "ns3/nvlink-domain.h"
#include "ns3/rdma-helper.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(GpuTransport);

TypeId
GpuTransport::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::GpuTransport")
            .SetParent<Object>()
            .SetGroupName("Collectives")
            .AddConstructor<GpuTransport>()
            .AddAttribute("AwakeQueuePairs",
                          "Queue pairs awake (about 1 KB each) above which the idle ones rest "
                          "(under 100 bytes each) until half that many are awake",
                          UintegerValue(uint64_t(1) << 20),
                          MakeUintegerAccessor(&GpuTransport::m_awakeLimit),
                          MakeUintegerChecker<uint64_t>(2));
    return tid;
}

GpuTransport::GpuTransport()
    : m_completed(MakeCallback(&GpuTransport::OnCompleted, this))
{
}

GpuTransport::~GpuTransport() = default;

void
GpuTransport::SetFabric(const Fabric& fabric)
{
    SetGraph(fabric.graph);
    m_fabric = &fabric;
    m_links.assign(fabric.nics.size(), {});
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
    m_links.clear();
    m_nConnections = m_awake = 0;
    m_restAbove = m_awakeLimit;
    m_restCursor = 0;
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
        Connect(*key, true);
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
        Message message{Delivery{Simulator::Now(), t.firstByte, t.arrival, t.arrival}, cookie};
        Simulator::Schedule(t.arrival - Simulator::Now(), &GpuTransport::OnNvlink, this, message);
        return;
    }
    uint32_t qpn = Connect(*key, !m_distributed);
    uint32_t relay = m_fabric->GetGpuOfNic(srcNode, fabricNic);
    if (relay == srcGpu)
    {
        Post(key->from, qpn, bytes, cookie);
        return;
    }
    // PXN: the whole message reaches the GPU of the sending NIC before that NIC starts.
    NvlinkDomain::Timing t = nvlink->Transfer(srcGpu, relay, bytes, Callback<void>());
    Simulator::Schedule(t.arrival - Simulator::Now(),
                        &GpuTransport::Post,
                        this,
                        key->from,
                        qpn,
                        bytes,
                        cookie);
}

uint32_t
GpuTransport::Connect(const Key& key, bool make)
{
    std::vector<Link>& links = m_links[key.from];
    Link link{key.to, key.channel, 0};
    auto it = std::lower_bound(links.begin(), links.end(), link);
    if (it != links.end() && it->to == key.to && it->channel == key.channel)
    {
        return it->qpn;
    }
    NS_ABORT_MSG_UNLESS(make,
                        "GpuTransport: a distributed run must Prepare every connection it uses");
    Ptr<Cx8NetDevice> from = m_fabric->nics[key.from];
    Ptr<Cx8NetDevice> to = m_fabric->nics[key.to];
    auto [sender, receiver] = RdmaHelper::Connect(from, to);
    sender->SetCompletionCallback(m_completed);
    receiver->SetCompletionCallback(m_completed);
    from->LetRest(sender->GetQpn());
    to->LetRest(receiver->GetQpn());
    link.qpn = sender->GetQpn();
    links.insert(it, link);
    ++m_nConnections;
    Woke(2);
    return link.qpn;
}

void
GpuTransport::Post(uint32_t nic, uint32_t qpn, uint64_t bytes, uint64_t cookie)
{
    Cx8NetDevice& dev = *m_fabric->nics[nic];
    if (dev.IsResting(qpn))
    {
        Woke(2); // and its receiving end, when the first packet gets there
    }
    dev.GetQueuePair(qpn)->PostSend(bytes, cookie);
}

void
GpuTransport::Woke(uint64_t count)
{
    m_awake += count;
    if (m_awake > m_restAbove && !m_restPending)
    {
        // Not from inside a queue pair's own call: from the event loop.
        m_restPending = true;
        Simulator::ScheduleNow(&GpuTransport::OnRestDue, this);
    }
}

void
GpuTransport::OnRestDue()
{
    m_restPending = false;
    Settle();
}

void
GpuTransport::Settle()
{
    if (m_awake <= m_restAbove)
    {
        return;
    }
    ++m_rests;
    const auto& nics = m_fabric->nics;
    for (std::size_t visited = 0; visited < nics.size() && m_awake > m_awakeLimit / 2; ++visited)
    {
        m_awake -= std::min<uint64_t>(m_awake, nics[m_restCursor]->RestIdleQueuePairs());
        m_restCursor = (m_restCursor + 1) % nics.size();
    }
    // If too many are busy to get under the mark, wait until as many more have woken.
    m_restAbove = std::max(m_awakeLimit, m_awake + m_awakeLimit / 2);
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

void
GpuTransport::Notify(uint64_t cookie, ReceiverCallback Receiver::*which, const Delivery& delivery)
{
    uint64_t offset;
    const Receiver* receiver = Find(cookie, offset);
    if (receiver && !(receiver->*which).IsNull())
    {
        ReceiverCallback callback = receiver->*which; // its owner may remove it meanwhile
        callback(offset, delivery);
    }
}

void
GpuTransport::OnCompleted(const RdmaCompletion& completion, bool sent)
{
    Notify(completion.cookie,
           sent ? &Receiver::acked : &Receiver::arrived,
           sent ? Delivery{completion.start, Time(), Time(), completion.end}
                : Delivery{Time(), completion.start, completion.end, Time()});
}

void
GpuTransport::OnNvlink(Message message)
{
    const Delivery& d = message.delivery;
    Notify(message.cookie, &Receiver::arrived, Delivery{Time(), d.firstByte, d.arrived, Time()});
    Notify(message.cookie, &Receiver::acked, d);
}

uint64_t
GpuTransport::GetNQueuePairs() const
{
    return m_nConnections;
}

void
GpuTransport::DoDispose()
{
    m_links.clear();
    m_receivers.clear();
    m_completed = RdmaQueuePair::CompletionCallback();
    m_fabric = nullptr;
    Object::DoDispose();
}

} // namespace ns3
