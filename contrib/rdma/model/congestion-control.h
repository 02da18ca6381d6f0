/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef CONGESTION_CONTROL_H
#define CONGESTION_CONTROL_H

#include "ns3/data-rate.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/roce-header.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <limits>

namespace ns3
{

/**
 * \ingroup rdma
 * \brief Congestion control of one queue pair: the rate its packets may leave at and the bytes
 *        it may have in flight, updated from what the transport sees.
 *
 * A plugin point: each queue pair creates its own from its CongestionControl attribute (an
 * ObjectFactory, so the algorithm and its parameters come by name, from YAML or a plugin
 * library). The transport calls the hooks; the NIC sends the queue pair's next packet no
 * sooner than its wire time at GetRate() after the previous one, and only while fewer than
 * GetWindow() bytes are unacknowledged.
 */
class CongestionControl : public Object
{
  public:
    /// No window: only the rate limits the queue pair.
    static constexpr uint64_t NO_WINDOW = std::numeric_limits<uint64_t>::max();

    /// Signature of the Rate trace source: (old, new) rate in bit/s.
    using RateTracedCallback = void (*)(uint64_t oldRate, uint64_t newRate);
    /// Signature of the Window trace source: (old, new) window in bytes.
    using WindowTracedCallback = void (*)(uint64_t oldWindow, uint64_t newWindow);

    static TypeId GetTypeId();
    CongestionControl();

    /// Bind to a queue pair on a port of \p lineRate bit/s with \p mtu payload bytes per
    /// packet; starts at line rate. Called once, before any hook.
    virtual void Init(uint64_t lineRate, uint32_t mtu);

    /// True when the algorithm reads in-band telemetry: the queue pair then asks the switches
    /// for it on every data packet.
    virtual bool WantsInt() const;

    /// The queue pair sent data packet \p psn of \p wireBytes (first transmission or
    /// retransmission): OnSend, then the highest PSN sent moves on.
    void PacketSent(uint64_t psn, uint32_t wireBytes);

    /// Data packet \p psn of \p wireBytes left; GetNextPsn() does not count it yet, so a PSN
    /// below it is a retransmission.
    virtual void OnSend(uint64_t psn, uint32_t wireBytes);

    /**
     * \brief An acknowledgement (or NAK) advanced the send window.
     * \param ack the acknowledgement: its ECN-Echo flag, and the path's telemetry when the
     *        queue pair asked for it
     * \param una the oldest PSN still unacknowledged
     * \param ackedBytes payload bytes newly acknowledged
     */
    virtual void OnAck(const RoceHeader& ack, uint64_t una, uint64_t ackedBytes);

    /// A congestion notification packet arrived for this queue pair.
    virtual void OnCnp();

    /// The retransmission timer expired.
    virtual void OnTimeout();

    /**
     * \brief True when no event of the algorithm is pending (no timer), so that its queue pair
     *        may rest (RdmaQueuePair::CanRest). An algorithm that does not say stays awake.
     */
    virtual bool IsAtRest() const;

    /**
     * \brief True when a fresh instance, given the same Init, would decide as this one does
     *        from now on: a resting queue pair then keeps none (RdmaQueuePair::Rest).
     */
    virtual bool IsInitial() const;

    uint64_t GetRate() const
    {
        return m_rate;
    }

    /// Bytes the queue pair may have unacknowledged, or NO_WINDOW.
    uint64_t GetWindow() const
    {
        return m_window;
    }

    uint64_t GetLineRate() const
    {
        return m_lineRate;
    }

  protected:
    /// One past the highest PSN sent.
    uint64_t GetNextPsn() const
    {
        return m_nextPsn;
    }

    /// Bytes the line rate carries in \p time (the bandwidth-delay product over it).
    double LineBytes(Time time) const;
    /// Change the rate, kept within [MinRate, line rate]; fires Rate when it changes.
    void SetRate(uint64_t bitRate);
    /// Change the window (at least one MTU, or NO_WINDOW); fires Window when it changes.
    void SetWindow(uint64_t bytes);

    uint64_t m_lineRate{0};
    uint32_t m_mtu{0};

  private:
    uint64_t m_rate{0};
    uint64_t m_window{NO_WINDOW};
    uint64_t m_nextPsn{0};
    DataRate m_minRate;
    TracedCallback<uint64_t, uint64_t> m_rateTrace;
    TracedCallback<uint64_t, uint64_t> m_windowTrace;
};

/**
 * \ingroup rdma
 * \brief No congestion control: line rate, with an optional fixed window ("none").
 */
class NoCongestionControl : public CongestionControl
{
  public:
    static TypeId GetTypeId();
    void Init(uint64_t lineRate, uint32_t mtu) override;
    /// Nothing pending, nothing learnt: always.
    bool IsAtRest() const override;
    bool IsInitial() const override;

  private:
    uint64_t m_windowAttr{0};
};

} // namespace ns3

#endif // CONGESTION_CONTROL_H
