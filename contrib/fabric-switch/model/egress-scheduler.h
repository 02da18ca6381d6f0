/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef EGRESS_SCHEDULER_H
#define EGRESS_SCHEDULER_H

#include "ns3/fabric-net-device.h"
#include "ns3/object.h"

#include <array>
#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-switch
 * \brief Egress scheduling policy of a switch: which priority queue of a port sends next.
 *
 * One object serves every port of a switch and keeps its per-port state in arrays sized by
 * SetNPorts(). A plugin point: implementations register their own TypeId and Attributes.
 */
class EgressScheduler : public Object
{
  public:
    static TypeId GetTypeId();

    /// Size the per-port state; called when the switch starts.
    virtual void SetNPorts(uint32_t nPorts);

    /**
     * \brief Pick the priority that sends next on \p port.
     * \param eligible priorities with frames and not paused, one bit each (never 0)
     * \param dev the port, for the sizes of its head frames
     */
    virtual uint32_t Select(uint32_t port, uint32_t eligible, const FabricNetDevice& dev) = 0;

    /// The highest priority set in \p eligible (non-zero).
    static uint32_t Highest(uint32_t eligible)
    {
        return 31 - __builtin_clz(eligible);
    }
};

/**
 * \ingroup fabric-switch
 * \brief Strict priority: the highest eligible priority always sends first.
 */
class StrictPriorityScheduler : public EgressScheduler
{
  public:
    static TypeId GetTypeId();
    uint32_t Select(uint32_t port, uint32_t eligible, const FabricNetDevice& dev) override;
};

/**
 * \ingroup fabric-switch
 * \brief Deficit weighted round robin (Shreedhar and Varghese, SIGCOMM 1995) among the
 *        priorities not in StrictPriorities; those are served first, highest first.
 *
 * Each visit adds Quantum times the priority's weight to its deficit; a queue sends while its
 * deficit covers its head frame, and an empty queue forfeits its deficit. Over a busy period
 * each priority's share of the bytes is its weight over the sum of the busy ones' weights.
 */
class DwrrScheduler : public EgressScheduler
{
  public:
    static TypeId GetTypeId();
    DwrrScheduler();

    /// Weight of \p priority (default 1 each).
    void SetWeight(uint32_t priority, uint32_t weight);

    void SetNPorts(uint32_t nPorts) override;
    uint32_t Select(uint32_t port, uint32_t eligible, const FabricNetDevice& dev) override;

  private:
    struct PortState
    {
        std::array<uint64_t, FabricNetDevice::NUM_PRIORITIES> deficit{};
        uint8_t current{0};
    };

    uint32_t m_quantum;
    uint8_t m_strict;
    std::array<uint32_t, FabricNetDevice::NUM_PRIORITIES> m_weights;
    std::vector<PortState> m_ports;
};

} // namespace ns3

#endif // EGRESS_SCHEDULER_H
