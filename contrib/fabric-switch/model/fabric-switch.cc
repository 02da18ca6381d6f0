/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-switch.h"

#include "ns3/abort.h"
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
            .AddAttribute("Routing",
                          "The routing / load-balancing plugin",
                          PointerValue(),
                          MakePointerAccessor(&FabricSwitch::SetRouting, &FabricSwitch::GetRouting),
                          MakePointerChecker<FabricRouting>())
            .AddTraceSource("Drop",
                            "A frame was dropped: (packet, ingress port)",
                            MakeTraceSourceAccessor(&FabricSwitch::m_dropTrace),
                            "ns3::FabricSwitch::DropTracedCallback");
    return tid;
}

FabricSwitch::FabricSwitch() = default;

FabricSwitch::~FabricSwitch() = default;

void
FabricSwitch::Install(Ptr<Node> node)
{
    m_node = node;
    node->AggregateObject(this);
}

void
FabricSwitch::AddPort(Ptr<FabricNetDevice> port)
{
    NS_ABORT_MSG_IF(port->GetNode() != m_node, "FabricSwitch::AddPort: port is on another node");
    NS_ABORT_MSG_IF(port->GetIfIndex() != m_ports.size(),
                    "FabricSwitch::AddPort: the switch's node must hold only its ports, in order");
    port->SetRxDelay(m_pipelineLatency);
    port->SetReceiveHandler(MakeCallback(&FabricSwitch::Receive, this));
    m_ports.push_back(port);
}

void
FabricSwitch::SetRouting(Ptr<FabricRouting> routing)
{
    m_routing = routing;
    m_routing->SetPorts(&m_ports);
}

void
FabricSwitch::Receive(Ptr<FabricNetDevice> port, Ptr<Packet> packet, const RoceHeader& header)
{
    NS_ABORT_MSG_IF(!m_routing, "FabricSwitch: no routing plugin set (SetRouting)");
    // Ports are the node's only devices, so the interface index is the port number.
    uint32_t inPort = port->GetIfIndex();
    uint32_t out = header.IsRoce() ? m_routing->Route(header, inPort) : FabricRouting::NO_ROUTE;
    if (out >= m_ports.size())
    {
        ++m_noRouteDrops;
        m_dropTrace(packet, inPort);
        return;
    }
    m_ports[out]->Enqueue(packet, FabricNetDevice::PriorityOfDscp(header.GetDscp()));
}

void
FabricSwitch::DoDispose()
{
    m_node = nullptr;
    m_ports.clear();
    m_routing = nullptr;
    Object::DoDispose();
}

} // namespace ns3
