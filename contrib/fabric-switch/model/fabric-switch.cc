/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-switch.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/node.h"
#include "ns3/pointer.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FabricSwitch);

TypeId
FabricSwitch::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::FabricSwitch")
            .SetParent<Object>()
            .SetGroupName("FabricSwitch")
            .AddConstructor<FabricSwitch>()
            .AddAttribute("PipelineLatency",
                          "Delay from a frame's last bit arriving to it joining an egress queue "
                          "(applied to each port as AddPort adds it)",
                          TimeValue(NanoSeconds(500)),
                          MakeTimeAccessor(&FabricSwitch::m_pipelineLatency),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("IntEnabled",
                          "Append in-band telemetry (queue, transmitted bytes, time, rate of the "
                          "egress port) to frames that ask for it, as HPCC needs",
                          BooleanValue(true),
                          MakeBooleanAccessor(&FabricSwitch::m_intEnabled),
                          MakeBooleanChecker())
            .AddAttribute("Routing",
                          "The routing / load-balancing plugin",
                          PointerValue(),
                          MakePointerAccessor(&FabricSwitch::SetRouting, &FabricSwitch::GetRouting),
                          MakePointerChecker<FabricRouting>())
            .AddAttribute("Mmu",
                          "The shared-buffer memory-management unit (default: a SharedBufferMmu)",
                          PointerValue(),
                          MakePointerAccessor(&FabricSwitch::SetMmu, &FabricSwitch::GetMmu),
                          MakePointerChecker<SharedBufferMmu>())
            .AddAttribute("EcnMarker",
                          "The ECN marking plugin (null: no marking)",
                          PointerValue(),
                          MakePointerAccessor(&FabricSwitch::m_ecn),
                          MakePointerChecker<EcnMarker>())
            .AddAttribute(
                "Scheduler",
                "The egress scheduling plugin (default: a StrictPriorityScheduler)",
                PointerValue(),
                MakePointerAccessor(&FabricSwitch::SetScheduler, &FabricSwitch::GetScheduler),
                MakePointerChecker<EgressScheduler>())
            .AddTraceSource("Drop",
                            "A frame was dropped: (packet, ingress port, egress port, priority)",
                            MakeTraceSourceAccessor(&FabricSwitch::m_dropTrace),
                            "ns3::FabricSwitch::DropTracedCallback");
    return tid;
}

FabricSwitch::FabricSwitch()
{
    for (uint8_t dscp = 0; dscp < m_dscpToPriority.size(); ++dscp)
    {
        m_dscpToPriority[dscp] = FabricNetDevice::PriorityOfDscp(dscp);
    }
}

FabricSwitch::~FabricSwitch() = default;

void
FabricSwitch::NotifyConstructionCompleted()
{
    // The attributes' initial values are null; a switch always has an MMU and a scheduler.
    if (!m_mmu)
    {
        m_mmu = CreateObject<SharedBufferMmu>();
    }
    if (!m_scheduler)
    {
        m_scheduler = CreateObject<StrictPriorityScheduler>();
    }
    Object::NotifyConstructionCompleted();
}

void
FabricSwitch::Install(Ptr<Node> node)
{
    m_node = node;
    node->AggregateObject(this);
}

void
FabricSwitch::AddPort(Ptr<FabricSwitchPort> port)
{
    NS_ABORT_MSG_IF(port->GetNode() != m_node, "FabricSwitch::AddPort: port is on another node");
    NS_ABORT_MSG_IF(port->GetIfIndex() != m_ports.size(),
                    "FabricSwitch::AddPort: the switch's node must hold only its ports, in order");
    port->SetRxDelay(m_pipelineLatency);
    port->SetSwitch(this);
    m_ports.push_back(port);
    m_drops.emplace_back();
}

void
FabricSwitch::SetRouting(Ptr<FabricRouting> routing)
{
    m_routing = routing;
    m_routing->SetPorts(&m_ports);
}

void
FabricSwitch::SetDscpPriority(uint8_t dscp, uint32_t priority)
{
    NS_ABORT_MSG_IF(dscp >= m_dscpToPriority.size(), "FabricSwitch: DSCP " << +dscp << " > 63");
    NS_ABORT_MSG_IF(priority >= NUM_PRIORITIES, "FabricSwitch: no priority " << priority);
    m_dscpToPriority[dscp] = static_cast<uint8_t>(priority);
}

int64_t
FabricSwitch::AssignStreams(int64_t stream)
{
    return m_ecn ? m_ecn->AssignStreams(stream) : 0;
}

void
FabricSwitch::SetMmu(Ptr<SharedBufferMmu> mmu)
{
    m_mmu = mmu;
    if (m_mmu && IsInitialized())
    {
        m_mmu->Setup(&m_ports);
    }
}

void
FabricSwitch::SetScheduler(Ptr<EgressScheduler> scheduler)
{
    m_scheduler = scheduler;
    if (m_scheduler && IsInitialized())
    {
        m_scheduler->SetNPorts(GetNPorts());
    }
}

void
FabricSwitch::DoInitialize()
{
    // Links are attached by now, so the MMU can size each port's PFC headroom from its own.
    m_mmu->Setup(&m_ports);
    m_scheduler->SetNPorts(GetNPorts());
    Object::DoInitialize();
}

void
FabricSwitch::Receive(uint32_t inPort, FramePtr frame)
{
    NS_ABORT_MSG_IF(!m_routing, "FabricSwitch: no routing plugin set (SetRouting)");
    const RoceHeader& header = frame->GetHeader();
    uint32_t out = header.IsRoce() ? m_routing->Route(header, inPort) : FabricRouting::NO_ROUTE;
    uint32_t prio = m_dscpToPriority[header.GetDscp()];
    if (out >= m_ports.size())
    {
        ++m_noRouteDrops;
        if (!m_dropTrace.IsEmpty())
        {
            m_dropTrace(frame->GetPacket(), inPort, FabricRouting::NO_ROUTE, prio);
        }
        return;
    }
    FabricSwitchPort& egress = *m_ports[out];
    uint64_t queued = egress.GetQueueBytes(prio);
    if (egress.IsDiscarding(prio) || !m_mmu->Admit(inPort, prio, frame->GetSize(), queued))
    {
        Drop(*frame, inPort, out, prio);
        return;
    }
    uint8_t ecn = header.GetEcn();
    if (m_ecn && (ecn == RoceHeader::ECN_ECT0 || ecn == RoceHeader::ECN_ECT1) &&
        m_ecn->ShouldMark(prio, queued))
    {
        frame->SetEcn(RoceHeader::ECN_CE);
        ++m_ecnMarks;
    }
    bool collect = m_intEnabled && header.HasInt() && !header.IsIntEcho();
    egress.Enqueue(std::move(frame), prio, inPort | (collect ? INT_TAG : 0));
}

void
FabricSwitch::Drop(const FabricFrame& frame, uint32_t inPort, uint32_t outPort, uint32_t priority)
{
    ++m_drops[outPort][priority];
    if (!m_dropTrace.IsEmpty())
    {
        m_dropTrace(frame.GetPacket(), inPort, outPort, priority);
    }
}

void
FabricSwitch::DoDispose()
{
    m_node = nullptr;
    m_ports.clear();
    m_routing = nullptr;
    m_mmu->Dispose(); // its PFC refresh events end with the switch
    m_mmu = nullptr;
    m_ecn = nullptr;
    m_scheduler = nullptr;
    Object::DoDispose();
}

} // namespace ns3
