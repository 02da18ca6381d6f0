/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_CHANNEL_H
#define FABRIC_CHANNEL_H

#include "fabric-frame.h"

#include "ns3/channel.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"

#include <array>

namespace ns3
{

class FabricNetDevice;
class FabricSimulatorImpl;

/**
 * \ingroup fabric-net
 * \brief A full-duplex point-to-point link between two fabric ports.
 *
 * Each direction is independent; the sending port owns serialization. A frame reaches the far
 * port after its wire time, the propagation delay and the far port's ingress delay (switch
 * pipeline or NIC processing), in one event.
 */
class FabricChannel : public Channel
{
  public:
    static TypeId GetTypeId();
    FabricChannel();
    ~FabricChannel() override;
    FabricChannel(const FabricChannel&) = delete;
    FabricChannel& operator=(const FabricChannel&) = delete;

    /// Connect \p device to the next free end of the link.
    void Attach(Ptr<FabricNetDevice> device);

    /**
     * \brief Carry \p frame from \p src to the other end.
     * \param txTime serialization time of the frame at the sender
     * \param macControl a MAC control frame (PFC), which the far MAC acts on as it arrives,
     *        without the far port's ingress delay
     */
    void Transmit(const FabricNetDevice* src, FramePtr frame, Time txTime, bool macControl) const;

    Time GetDelay() const
    {
        return m_delay;
    }

    /// The far end as seen from \p device.
    Ptr<FabricNetDevice> GetPeer(Ptr<const FabricNetDevice> device) const;

    std::size_t GetNDevices() const override;
    Ptr<NetDevice> GetDevice(std::size_t i) const override;

  protected:
    void DoDispose() override;

  private:
    /// Index in m_ends of the end facing \p device.
    std::size_t FarEnd(const FabricNetDevice* device) const
    {
        return PeekPointer(m_ends[0]) == device ? 1 : 0;
    }

    Time m_delay;
    std::array<Ptr<FabricNetDevice>, 2> m_ends;
    /// The ends' node ids, the context of the events that deliver frames to them.
    std::array<uint32_t, 2> m_nodeIds{};
    /// The ends' system ids (MPI ranks): frames between ranks go through ScheduleRemote.
    std::array<uint32_t, 2> m_systemIds{};
    Ptr<FabricSimulatorImpl> m_engine;
};

} // namespace ns3

#endif // FABRIC_CHANNEL_H
