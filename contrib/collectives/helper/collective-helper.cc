/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "collective-helper.h"

#include "ns3/abort.h"
#include "ns3/simulator.h"

namespace ns3
{

namespace
{
const std::pair<const char*, const char*> ALGORITHMS[] = {
    {"ring", "ns3::RingAlgorithm"},
    {"tree", "ns3::TreeAlgorithm"},
    {"direct", "ns3::DirectAlgorithm"},
    {"hierarchical", "ns3::HierarchicalAlgorithm"},
    {"pat", "ns3::PatAlgorithm"},
};

void
StartCollective(Ptr<Collective> c)
{
    c->Start();
}
} // namespace

CollectiveHelper::CollectiveHelper(const Fabric& fabric)
    : m_transport(CreateObject<GpuTransport>())
{
    m_transport->SetFabric(fabric);
}

void
CollectiveHelper::SetAlgorithm(const std::string& name)
{
    TypeId tid;
    NS_ABORT_MSG_UNLESS(LookupAlgorithm(name, tid), "unknown collective algorithm " << name);
    m_algorithm = name;
}

void
CollectiveHelper::SetAlgorithmAttribute(const std::string& name, const AttributeValue& value)
{
    m_attributes.emplace_back(name, value.Copy());
}

bool
CollectiveHelper::LookupAlgorithm(const std::string& name, TypeId& tid)
{
    for (const auto& [alias, type] : ALGORITHMS)
    {
        if (name == alias)
        {
            tid = TypeId::LookupByName(type);
            return true;
        }
    }
    return TypeId::LookupByNameFailSafe(name, &tid) &&
           tid.IsChildOf(CollectiveAlgorithm::GetTypeId()) && tid.HasConstructor();
}

std::vector<std::string>
CollectiveHelper::GetAlgorithmNames()
{
    std::vector<std::string> names;
    for (const auto& [alias, type] : ALGORITHMS)
    {
        names.emplace_back(alias);
    }
    return names;
}

std::string
CollectiveHelper::GetDefaultAlgorithm(CollectiveOp op)
{
    return op == CollectiveOp::ALL_TO_ALL ? "direct" : "ring";
}

Ptr<CollectiveAlgorithm>
CollectiveHelper::CreateAlgorithm(CollectiveOp op) const
{
    TypeId tid;
    LookupAlgorithm(m_algorithm.empty() ? GetDefaultAlgorithm(op) : m_algorithm, tid);
    ObjectFactory factory;
    factory.SetTypeId(tid);
    for (const auto& [name, value] : m_attributes)
    {
        factory.Set(name, *value);
    }
    return factory.Create<CollectiveAlgorithm>();
}

std::string
CollectiveHelper::Check(const Communicator& comm, CollectiveOp op, uint64_t bytes, uint32_t root)
{
    return CreateObject<Collective>()
        ->Setup(m_transport, comm, op, bytes, CreateAlgorithm(op), root);
}

Ptr<Collective>
CollectiveHelper::Install(const Communicator& comm,
                          CollectiveOp op,
                          uint64_t bytes,
                          Time start,
                          uint32_t root)
{
    Ptr<Collective> c = CreateObject<Collective>();
    std::string problem = c->Setup(m_transport, comm, op, bytes, CreateAlgorithm(op), root);
    NS_ABORT_MSG_UNLESS(problem.empty(), "CollectiveHelper: " << problem);
    Simulator::Schedule(start - Simulator::Now(), &StartCollective, c);
    return c;
}

Ptr<GpuTransport>
CollectiveHelper::GetTransport() const
{
    return m_transport;
}

} // namespace ns3
