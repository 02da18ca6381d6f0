/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef SHARED_BUFFER_MMU_H
#define SHARED_BUFFER_MMU_H

#include "fabric-switch-port.h"

#include "ns3/object.h"

#include <array>
#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-switch
 * \brief The memory-management unit of a shared-buffer switch: admission of every frame, PFC
 *        generation for lossless priorities and drops for lossy ones.
 *
 * One buffer of BufferSize bytes per switch, carved when the switch starts:
 * - a reserved minimum of ReservedBytes for every ingress port and priority;
 * - PFC headroom for every ingress port and lossless priority: Headroom bytes, or when that is
 *   0 the link's own budget (FabricNetDevice::GetPfcHeadroom);
 * - the rest is the shared pool.
 *
 * A frame is charged to its ingress port and priority: first to that priority's reserved
 * minimum, then to the shared pool under the dynamic threshold alpha * (free shared bytes)
 * (Choudhury and Hahne, "Dynamic queue length thresholds for shared-memory packet switches",
 * IEEE/ACM ToN 1998). For a lossless priority, the threshold bounds the ingress priority's
 * shared bytes; a frame above it goes to the headroom and the port sends XOFF (IEEE 802.1Qbb)
 * to its peer (FabricNetDevice::PausePeer), kept while the priority stays above its resume
 * point, and XON once its headroom is empty and its shared bytes are XonOffset below the
 * threshold. For a lossy priority, the threshold bounds the egress queue and a frame above it
 * is dropped. Buffer use can never exceed BufferSize: each region is bounded.
 *
 * State is O(ports): a few counters per port and priority.
 * A different admission or PFC policy subclasses it and overrides Admit() and Release().
 */
class SharedBufferMmu : public Object
{
  public:
    static constexpr uint32_t NUM_PRIORITIES = FabricNetDevice::NUM_PRIORITIES;

    static TypeId GetTypeId();
    SharedBufferMmu();
    ~SharedBufferMmu() override;
    SharedBufferMmu(const SharedBufferMmu&) = delete;
    SharedBufferMmu& operator=(const SharedBufferMmu&) = delete;

    /**
     * \brief Carve the buffer for \p ports, whose links must be attached. Called by the switch
     *        when the simulation starts; aborts if reserve and headroom exceed the buffer.
     */
    void Setup(const std::vector<Ptr<FabricSwitchPort>>* ports);

    /// Dynamic-threshold factor of \p priority (the Alpha attribute sets all priorities).
    void SetAlpha(uint32_t priority, double alpha);
    double GetAlpha(uint32_t priority) const;

    /// True when \p priority is lossless: PFC enabled and the priority in LosslessPriorities.
    bool IsLossless(uint32_t priority) const
    {
        return (m_lossless >> priority) & 1;
    }

    /**
     * \brief Charge a frame of \p bytes arriving on \p inPort at \p priority, bound for an
     *        egress queue that holds \p egressBytes. May send XOFF.
     * \return false if the frame must be dropped (nothing is charged then)
     */
    virtual bool Admit(uint32_t inPort, uint32_t priority, uint32_t bytes, uint64_t egressBytes);

    /// Free what Admit() charged for a frame that leaves or is discarded. May send XON.
    virtual void Release(uint32_t inPort, uint32_t priority, uint32_t bytes);

    uint64_t GetBufferSize() const
    {
        return m_bufferSize;
    }

    /// Size of the shared pool once reserve and headroom are carved out (0 before Setup).
    uint64_t GetSharedPoolSize() const
    {
        return m_sharedSize;
    }

    /// Bytes held in the buffer now.
    uint64_t GetUsedBytes() const
    {
        return m_used;
    }

    /// Most bytes ever held at once.
    uint64_t GetPeakUsedBytes() const
    {
        return m_peakUsed;
    }

    /// The dynamic threshold of \p priority now: alpha * (free shared bytes).
    uint64_t GetThreshold(uint32_t priority) const;

    /// Headroom carved for each lossless priority of \p port.
    uint64_t GetHeadroom(uint32_t port) const
    {
        return m_ports.at(port).headroomSize;
    }

    /// Bytes charged to \p port and \p priority (reserved, shared and headroom).
    uint64_t GetIngressBytes(uint32_t port, uint32_t priority) const
    {
        return m_ports.at(port).bytes[priority];
    }

    /// Most headroom bytes \p port and \p priority ever held at once.
    uint64_t GetPeakHeadroomBytes(uint32_t port, uint32_t priority) const
    {
        return m_ports.at(port).peakHeadroom[priority];
    }

    /// Whether \p port must keep its peer's \p priority paused (asked at each refresh).
    bool KeepPausing(uint32_t port, uint32_t priority) const;

  protected:
    void DoDispose() override;

  private:
    struct PortState
    {
        /// Per priority: bytes charged (reserved + shared + headroom) and headroom bytes.
        std::array<uint32_t, NUM_PRIORITIES> bytes{};
        std::array<uint32_t, NUM_PRIORITIES> headroom{};
        std::array<uint32_t, NUM_PRIORITIES> peakHeadroom{};
        uint32_t headroomSize{0};
    };

    /// Shared-pool bytes of a port's priority: what is charged beyond reserve and headroom.
    uint64_t SharedBytes(const PortState& state, uint32_t priority) const;
    bool ReadyForXon(const PortState& state, uint32_t priority) const;

    void SetAllAlpha(double alpha);
    double GetDefaultAlpha() const;

    const std::vector<Ptr<FabricSwitchPort>>* m_switchPorts{nullptr};
    uint64_t m_bufferSize;
    uint64_t m_reserved;
    uint64_t m_headroomAttr;
    uint64_t m_xonOffset;
    bool m_pfcEnabled;
    uint8_t m_losslessAttr;
    /// Lossless priorities in effect: LosslessPriorities when PFC is enabled, else none.
    uint8_t m_lossless{0};
    std::array<double, NUM_PRIORITIES> m_alpha{};

    std::vector<PortState> m_ports;
    uint64_t m_sharedSize{0};
    uint64_t m_sharedUsed{0};
    uint64_t m_used{0};
    uint64_t m_peakUsed{0};
};

} // namespace ns3

#endif // SHARED_BUFFER_MMU_H
