/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "egress-scheduler.h"

#include "ns3/abort.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(EgressScheduler);
NS_OBJECT_ENSURE_REGISTERED(StrictPriorityScheduler);
NS_OBJECT_ENSURE_REGISTERED(DwrrScheduler);

TypeId
EgressScheduler::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::EgressScheduler").SetParent<Object>().SetGroupName("FabricSwitch");
    return tid;
}

void
EgressScheduler::SetNPorts(uint32_t nPorts)
{
}

TypeId
StrictPriorityScheduler::GetTypeId()
{
    static TypeId tid = TypeId("ns3::StrictPriorityScheduler")
                            .SetParent<EgressScheduler>()
                            .SetGroupName("FabricSwitch")
                            .AddConstructor<StrictPriorityScheduler>();
    return tid;
}

uint32_t
StrictPriorityScheduler::Select(uint32_t port, uint32_t eligible, const FabricNetDevice& dev)
{
    return Highest(eligible);
}

TypeId
DwrrScheduler::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::DwrrScheduler")
            .SetParent<EgressScheduler>()
            .SetGroupName("FabricSwitch")
            .AddConstructor<DwrrScheduler>()
            .AddAttribute("Quantum",
                          "Bytes a weight-1 priority may send per round (at least one jumbo "
                          "frame keeps a round to one visit per queue)",
                          UintegerValue(9216),
                          MakeUintegerAccessor(&DwrrScheduler::m_quantum),
                          MakeUintegerChecker<uint32_t>(1))
            // Network-control classes 6 and 7 (acknowledgements, CNPs) are usually strict.
            .AddAttribute("StrictPriorities",
                          "Priorities served strictly before the weighted ones, one bit each",
                          UintegerValue(0xC0),
                          MakeUintegerAccessor(&DwrrScheduler::m_strict),
                          MakeUintegerChecker<uint8_t>());
    return tid;
}

DwrrScheduler::DwrrScheduler()
{
    m_weights.fill(1);
}

void
DwrrScheduler::SetWeight(uint32_t priority, uint32_t weight)
{
    NS_ABORT_MSG_IF(weight == 0, "DwrrScheduler: a weight must be at least 1");
    m_weights.at(priority) = weight;
}

void
DwrrScheduler::SetNPorts(uint32_t nPorts)
{
    m_ports.assign(nPorts, PortState());
}

uint32_t
DwrrScheduler::Select(uint32_t port, uint32_t eligible, const FabricNetDevice& dev)
{
    if (uint32_t strict = eligible & m_strict)
    {
        return Highest(strict);
    }
    PortState& state = m_ports[port];
    // Terminates: every pass over an eligible queue adds a positive quantum to its deficit.
    for (;;)
    {
        uint32_t q = state.current;
        if ((eligible >> q) & 1)
        {
            uint32_t head = dev.GetHeadSize(q);
            if (state.deficit[q] >= head)
            {
                state.deficit[q] -= head;
                return q;
            }
        }
        else if (dev.GetQueueBytes(q) == 0)
        {
            state.deficit[q] = 0;
        }
        state.current = (q + 1) % FabricNetDevice::NUM_PRIORITIES;
        if ((eligible >> state.current) & 1)
        {
            state.deficit[state.current] += uint64_t(m_quantum) * m_weights[state.current];
        }
    }
}

} // namespace ns3
