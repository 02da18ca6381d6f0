/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "nvlink-domain.h"

#include "ns3/abort.h"
#include "ns3/fabric-units.h"
#include "ns3/simulator.h"
#include "ns3/trace-source-accessor.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(NvlinkDomain);

TypeId
NvlinkDomain::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::NvlinkDomain")
            .SetParent<Object>()
            .SetGroupName("FabricTopology")
            .AddConstructor<NvlinkDomain>()
            .AddAttribute("Gpus",
                          "GPUs of the server.",
                          UintegerValue(8),
                          MakeUintegerAccessor(&NvlinkDomain::m_gpus),
                          MakeUintegerChecker<uint32_t>(1))
            // NVLink 5: 18 links of 100 GB/s, 1.8 TB/s per GPU for both directions together
            // (NVIDIA Blackwell architecture technical brief).
            .AddAttribute("DataRate",
                          "NVLink bandwidth of one GPU in one direction.",
                          DataRateValue(DataRate("7200Gbps")),
                          MakeDataRateAccessor(&NvlinkDomain::m_rate),
                          MakeDataRateChecker())
            // NCCL's tuning model takes 0.6 us as the NVLink hop latency of its low-latency
            // protocol (hwLat[NCCL_HW_NVLINK], src/graph/tuning.cc).
            .AddAttribute("Latency",
                          "From a transfer's last byte leaving the source GPU to its arrival.",
                          TimeValue(NanoSeconds(600)),
                          MakeTimeAccessor(&NvlinkDomain::m_latency),
                          MakeTimeChecker(Time(0)))
            .AddTraceSource("Transfer",
                            "A transfer was scheduled: source GPU, destination GPU, bytes, "
                            "arrival time.",
                            MakeTraceSourceAccessor(&NvlinkDomain::m_transferTrace),
                            "ns3::NvlinkDomain::TransferCallback");
    return tid;
}

NvlinkDomain::NvlinkDomain()
    : m_gpus(8)
{
}

void
NvlinkDomain::Resize()
{
    m_egressFree.resize(m_gpus);
    m_ingressFree.resize(m_gpus);
    m_txBytes.resize(m_gpus);
}

uint32_t
NvlinkDomain::GetNGpus() const
{
    return m_gpus;
}

NvlinkDomain::Timing
NvlinkDomain::Transfer(uint32_t src, uint32_t dst, uint64_t bytes, Callback<void> done)
{
    NS_ABORT_MSG_IF(src >= m_gpus || dst >= m_gpus || src == dst,
                    "NvlinkDomain: no transfer from GPU " << src << " to GPU " << dst << " of "
                                                          << m_gpus);
    Resize(); // the Gpus attribute may have changed since the last transfer
    Time start = std::max({Simulator::Now(), m_egressFree[src], m_ingressFree[dst]});
    Time end = start + fabric::BitsTime(bytes * 8, m_rate.GetBitRate());
    m_egressFree[src] = end;
    m_ingressFree[dst] = end;
    m_txBytes[src] += bytes;
    Time arrival = end + m_latency;
    m_transferTrace(src, dst, bytes, arrival);
    if (!done.IsNull())
    {
        Simulator::Schedule(arrival - Simulator::Now(), done);
    }
    return Timing{start, start + m_latency, arrival};
}

uint64_t
NvlinkDomain::GetTxBytes(uint32_t gpu) const
{
    return gpu < m_txBytes.size() ? m_txBytes[gpu] : 0;
}

} // namespace ns3
