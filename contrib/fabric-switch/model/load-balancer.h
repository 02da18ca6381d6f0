/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef LOAD_BALANCER_H
#define LOAD_BALANCER_H

#include "fabric-switch-port.h"

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/roce-header.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-switch
 * \brief Picks one egress port among equal-cost candidates (a plugin point).
 *
 * A routing plugin decides which ports lead to the destination; the load balancer chooses among
 * them, one decision per frame. Implementations keep O(ports) or fixed-size state.
 */
class LoadBalancer : public Object
{
  public:
    static TypeId GetTypeId();

    /**
     * \brief Choose one of the ports candidates[0 .. count-1] (count >= 1) for this frame.
     * \param ports the switch's ports, for their queue occupancy
     * \return the chosen port number
     */
    virtual uint32_t Choose(const RoceHeader& header,
                            const uint32_t* candidates,
                            uint32_t count,
                            const std::vector<Ptr<FabricSwitchPort>>& ports) = 0;

  protected:
    /// 32-bit hash of the frame's 5-tuple salted with the Seed attribute.
    uint32_t Hash(const RoceHeader& header) const;

    /// The candidate port with the fewest bytes queued at all priorities (a busy port counts
    /// one byte more than an idle one); ties go to the first after \p start.
    static uint32_t LeastLoaded(const uint32_t* candidates,
                                uint32_t count,
                                uint32_t start,
                                const std::vector<Ptr<FabricSwitchPort>>& ports);

  private:
    uint32_t m_seed{0};
};

/// ECMP: a hash of the 5-tuple picks the port, so a flow keeps one path.
class EcmpLoadBalancer : public LoadBalancer
{
  public:
    static TypeId GetTypeId();
    uint32_t Choose(const RoceHeader& header,
                    const uint32_t* candidates,
                    uint32_t count,
                    const std::vector<Ptr<FabricSwitchPort>>& ports) override;
};

/// Packet spraying: successive frames take successive ports, round robin.
class SprayLoadBalancer : public LoadBalancer
{
  public:
    static TypeId GetTypeId();
    uint32_t Choose(const RoceHeader& header,
                    const uint32_t* candidates,
                    uint32_t count,
                    const std::vector<Ptr<FabricSwitchPort>>& ports) override;

  private:
    uint32_t m_next{0};
};

/// Adaptive routing: every frame takes the least-loaded port (as Spectrum-X switches do).
class AdaptiveLoadBalancer : public LoadBalancer
{
  public:
    static TypeId GetTypeId();
    uint32_t Choose(const RoceHeader& header,
                    const uint32_t* candidates,
                    uint32_t count,
                    const std::vector<Ptr<FabricSwitchPort>>& ports) override;

  private:
    uint32_t m_next{0};
};

/**
 * Flowlet switching: a flow keeps its port while its frames come closer together than Gap;
 * after a longer pause it moves to the least-loaded port. Flows share a fixed table of
 * TableSize entries by hash, so the state does not grow with the number of flows.
 */
class FlowletLoadBalancer : public LoadBalancer
{
  public:
    static TypeId GetTypeId();
    uint32_t Choose(const RoceHeader& header,
                    const uint32_t* candidates,
                    uint32_t count,
                    const std::vector<Ptr<FabricSwitchPort>>& ports) override;

  private:
    struct Flowlet
    {
        Time last;
        uint32_t port{0};
        bool used{false};
    };

    Time m_gap;
    uint32_t m_tableSize{4096};
    std::vector<Flowlet> m_table;
};

} // namespace ns3

#endif // LOAD_BALANCER_H
