/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-channel.h"

#include "fabric-net-device.h"
#include "fabric-simulator-impl.h"

#include "ns3/abort.h"
#include "ns3/node.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FabricChannel);

TypeId
FabricChannel::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FabricChannel")
                            .SetParent<Channel>()
                            .SetGroupName("FabricNet")
                            .AddConstructor<FabricChannel>()
                            .AddAttribute("Delay",
                                          "Propagation delay of the link (5 ns per metre of fiber)",
                                          TimeValue(NanoSeconds(10)),
                                          MakeTimeAccessor(&FabricChannel::m_delay),
                                          MakeTimeChecker(Time(0)));
    return tid;
}

FabricChannel::FabricChannel() = default;

FabricChannel::~FabricChannel() = default;

void
FabricChannel::Attach(Ptr<FabricNetDevice> device)
{
    NS_ABORT_MSG_IF(m_ends[1], "FabricChannel: both ends are already attached");
    NS_ABORT_MSG_IF(!device->GetNode(), "FabricChannel: add the device to its node first");
    std::size_t end = m_ends[0] ? 1 : 0;
    m_ends[end] = device;
    m_nodeIds[end] = device->GetNode()->GetId();
    m_systemIds[end] = device->GetNode()->GetSystemId();
    m_engine = DynamicCast<FabricSimulatorImpl>(Simulator::GetImplementation());
    NS_ABORT_MSG_UNLESS(m_engine,
                        "FabricChannel: fabric links run on FabricSimulatorImpl; call "
                        "fabric::SetupSimulator() before anything else");
}

void
FabricChannel::Transmit(const FabricNetDevice* src,
                        FramePtr frame,
                        Time txTime,
                        bool macControl) const
{
    std::size_t far = FarEnd(src);
    FabricNetDevice* dst = PeekPointer(m_ends[far]);
    NS_ABORT_MSG_IF(!dst, "FabricChannel: the link has no far end");
    Time delay = txTime + m_delay + (macControl ? Time(0) : dst->GetRxDelay());
    if (m_systemIds[0] != m_systemIds[1])
    {
        m_engine->ScheduleRemote(m_systemIds[far],
                                 delay,
                                 m_nodeIds[far],
                                 dst->GetIfIndex(),
                                 frame->GetPacket(),
                                 macControl);
        return;
    }
    // The key ScheduleWithContext(far node, delay, ...) would give the arrival.
    dst->Arrive(std::move(frame),
                m_engine->GetTimeStep() + delay.GetTimeStep(),
                m_engine->NextOrder(),
                macControl);
}

Ptr<FabricNetDevice>
FabricChannel::GetPeer(Ptr<const FabricNetDevice> device) const
{
    return m_ends[FarEnd(PeekPointer(device))];
}

std::size_t
FabricChannel::GetNDevices() const
{
    return m_ends[1] ? 2 : (m_ends[0] ? 1 : 0);
}

Ptr<NetDevice>
FabricChannel::GetDevice(std::size_t i) const
{
    return m_ends.at(i);
}

void
FabricChannel::DoDispose()
{
    m_ends[0] = nullptr;
    m_ends[1] = nullptr;
    m_engine = nullptr;
    Channel::DoDispose();
}

} // namespace ns3
