/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ecn-marker.h"

#include "ns3/abort.h"
#include "ns3/double.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(EcnMarker);
NS_OBJECT_ENSURE_REGISTERED(RedEcnMarker);

TypeId
EcnMarker::GetTypeId()
{
    static TypeId tid = TypeId("ns3::EcnMarker").SetParent<Object>().SetGroupName("FabricSwitch");
    return tid;
}

TypeId
RedEcnMarker::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::RedEcnMarker")
            .SetParent<EcnMarker>()
            .SetGroupName("FabricSwitch")
            .AddConstructor<RedEcnMarker>()
            .AddAttribute("Kmin",
                          "Queue bytes below which no frame is marked (every priority)",
                          UintegerValue(100000),
                          MakeUintegerAccessor(&RedEcnMarker::SetKmin, &RedEcnMarker::GetKmin),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("Kmax",
                          "Queue bytes above which every frame is marked (every priority)",
                          UintegerValue(4000000),
                          MakeUintegerAccessor(&RedEcnMarker::SetKmax, &RedEcnMarker::GetKmax),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("Pmax",
                          "Marking probability at Kmax (every priority)",
                          DoubleValue(0.01),
                          MakeDoubleAccessor(&RedEcnMarker::SetPmax, &RedEcnMarker::GetPmax),
                          MakeDoubleChecker<double>(0.0, 1.0));
    return tid;
}

RedEcnMarker::RedEcnMarker()
    : m_uniform(CreateObject<UniformRandomVariable>())
{
}

void
RedEcnMarker::SetProfile(uint32_t priority, uint64_t kmin, uint64_t kmax, double pmax)
{
    NS_ABORT_MSG_IF(kmin > kmax, "RedEcnMarker: Kmin above Kmax");
    NS_ABORT_MSG_IF(pmax < 0 || pmax > 1, "RedEcnMarker: Pmax outside [0, 1]");
    m_profiles.at(priority) = Profile{kmin, kmax, pmax};
}

void
RedEcnMarker::SetKmin(uint64_t kmin)
{
    for (auto& p : m_profiles)
    {
        p.kmin = kmin;
    }
}

void
RedEcnMarker::SetKmax(uint64_t kmax)
{
    for (auto& p : m_profiles)
    {
        p.kmax = kmax;
    }
}

void
RedEcnMarker::SetPmax(double pmax)
{
    for (auto& p : m_profiles)
    {
        p.pmax = pmax;
    }
}

uint64_t
RedEcnMarker::GetKmin() const
{
    return m_profiles[0].kmin;
}

uint64_t
RedEcnMarker::GetKmax() const
{
    return m_profiles[0].kmax;
}

double
RedEcnMarker::GetPmax() const
{
    return m_profiles[0].pmax;
}

double
RedEcnMarker::GetMarkProbability(uint32_t priority, uint64_t queueBytes) const
{
    const Profile& p = m_profiles.at(priority);
    if (queueBytes <= p.kmin)
    {
        return 0.0;
    }
    if (queueBytes >= p.kmax)
    {
        return 1.0;
    }
    return p.pmax * double(queueBytes - p.kmin) / double(p.kmax - p.kmin);
}

bool
RedEcnMarker::ShouldMark(uint32_t priority, uint64_t queueBytes)
{
    if (queueBytes <= m_profiles[priority].kmin)
    {
        return false; // the common case draws no random number
    }
    return m_uniform->GetValue() < GetMarkProbability(priority, queueBytes);
}

int64_t
RedEcnMarker::AssignStreams(int64_t stream)
{
    m_uniform->SetStream(stream);
    return 1;
}

} // namespace ns3
