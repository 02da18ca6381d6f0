/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef NVLINK_DOMAIN_H
#define NVLINK_DOMAIN_H

#include "ns3/callback.h"
#include "ns3/data-rate.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-topology
 * \brief The GPUs of one server joined by NVLink through NVSwitch: traffic between them never
 *        touches the NICs.
 *
 * NVSwitch is a non-blocking crossbar, so a transfer is limited only by the sending GPU's
 * NVLink egress and the receiving GPU's ingress, each DataRate per direction. Transfers on a
 * GPU's egress (or ingress) are served in the order they were requested: a transfer of B bytes
 * from GPU s to GPU d starts when both s's egress and d's ingress are free, holds both for
 * B / DataRate, and is delivered Latency later. State is two times per GPU.
 */
class NvlinkDomain : public Object
{
  public:
    static TypeId GetTypeId();

    NvlinkDomain();

    uint32_t GetNGpus() const;

    /// When a transfer's first byte leaves the source GPU and arrives, and its last arrives.
    struct Timing
    {
        Time start;
        Time firstByte;
        Time arrival;
    };

    /**
     * \brief Move \p bytes from GPU \p src to GPU \p dst of this server.
     * \param done called when the last byte has arrived at \p dst (may be null: the returned
     *        timing says when)
     */
    Timing Transfer(uint32_t src, uint32_t dst, uint64_t bytes, Callback<void> done);

    /// Bytes GPU \p gpu has sent over NVLink.
    uint64_t GetTxBytes(uint32_t gpu) const;

  private:
    /// Size the per-GPU state to the Gpus attribute.
    void Resize();

    uint32_t m_gpus;
    DataRate m_rate;
    Time m_latency;
    std::vector<Time> m_egressFree;  //!< by GPU: when its NVLink egress is next idle
    std::vector<Time> m_ingressFree; //!< by GPU: when its NVLink ingress is next idle
    std::vector<uint64_t> m_txBytes;

    /// A transfer was scheduled: source GPU, destination GPU, bytes, arrival time.
    TracedCallback<uint32_t, uint32_t, uint64_t, Time> m_transferTrace;
};

} // namespace ns3

#endif // NVLINK_DOMAIN_H
