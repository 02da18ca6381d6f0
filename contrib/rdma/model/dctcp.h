/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DCTCP_H
#define DCTCP_H

#include "congestion-control.h"

namespace ns3
{

/**
 * \ingroup rdma
 * \brief DCTCP-style window control (Alizadeh et al., "Data Center TCP", SIGCOMM 2010; RFC 8257)
 *        on the ECN-Echo of the receiver's acknowledgements.
 *
 * Once per window of data (from one PSN to the highest sent when it is acknowledged), alpha =
 * (1 - g) alpha + g F, F being the fraction of acknowledged bytes whose acknowledgement echoed
 * CE. The first echo of a window cuts the window to W (1 - alpha / 2), at most once per window;
 * acknowledgements without an echo grow it by one MTU per window (W += MTU x acked / W). RDMA
 * has no slow start: the window starts at the line rate's bandwidth-delay product over BaseRtt,
 * with alpha = 1 (as Linux starts it), and the queue pair sends at line rate within it.
 *
 * Defaults: g = 1/16 (the paper); the marking threshold K belongs to the switches' ECN marker.
 */
class DctcpCongestionControl : public CongestionControl
{
  public:
    static TypeId GetTypeId();
    DctcpCongestionControl();

    void Init(uint64_t lineRate, uint32_t mtu) override;
    void OnAck(const RoceHeader& ack, uint64_t una, uint64_t ackedBytes) override;

    double GetAlpha() const
    {
        return m_alpha;
    }

  private:
    double m_g;
    Time m_baseRtt;

    double m_alpha{1.0};
    double m_cwnd{0};
    /// Alpha is updated when the acknowledgements pass this PSN.
    uint64_t m_windowEnd{0};
    /// No new cut until the acknowledgements pass this PSN.
    uint64_t m_cutEnd{0};
    uint64_t m_ackedBytes{0};
    uint64_t m_markedBytes{0};
};

} // namespace ns3

#endif // DCTCP_H
