/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef ECN_MARKER_H
#define ECN_MARKER_H

#include "ns3/fabric-net-device.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"

#include <array>
#include <cstdint>

namespace ns3
{

/**
 * \ingroup fabric-switch
 * \brief ECN marking policy of a switch's egress queues: decides whether an ECN-capable frame
 *        joining a queue gets the IPv4 CE codepoint.
 *
 * A plugin point: implementations register their own TypeId and Attributes.
 */
class EcnMarker : public Object
{
  public:
    static TypeId GetTypeId();

    /// Whether a frame joining egress queue \p priority, which holds \p queueBytes, is marked.
    virtual bool ShouldMark(uint32_t priority, uint64_t queueBytes) = 0;

    /// Fix the random streams used; returns how many were used.
    virtual int64_t AssignStreams(int64_t stream) = 0;
};

/**
 * \ingroup fabric-switch
 * \brief RED-style marking by queue bytes, as DCQCN switches are configured: no mark below
 *        Kmin, probability rising linearly to Pmax at Kmax, always above Kmax.
 *
 * Defaults are the DCQCN paper's 40 Gb/s settings (Kmin 5 KB, Kmax 200 KB, Pmax 1 %; Zhu et
 * al., SIGCOMM 2015) scaled by 20 to 800 Gb/s. Each priority may have its own profile.
 */
class RedEcnMarker : public EcnMarker
{
  public:
    static TypeId GetTypeId();
    RedEcnMarker();

    /// Marking profile of one egress priority (the attributes set every priority).
    void SetProfile(uint32_t priority, uint64_t kmin, uint64_t kmax, double pmax);

    /// Probability that a frame joining a queue of \p queueBytes is marked.
    double GetMarkProbability(uint32_t priority, uint64_t queueBytes) const;

    bool ShouldMark(uint32_t priority, uint64_t queueBytes) override;
    int64_t AssignStreams(int64_t stream) override;

  private:
    struct Profile
    {
        uint64_t kmin;
        uint64_t kmax;
        double pmax;
    };

    void SetKmin(uint64_t kmin);
    void SetKmax(uint64_t kmax);
    void SetPmax(double pmax);
    uint64_t GetKmin() const;
    uint64_t GetKmax() const;
    double GetPmax() const;

    std::array<Profile, FabricNetDevice::NUM_PRIORITIES> m_profiles{};
    Ptr<UniformRandomVariable> m_uniform;
};

} // namespace ns3

#endif // ECN_MARKER_H
