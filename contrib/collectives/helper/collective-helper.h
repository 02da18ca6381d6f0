/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef COLLECTIVE_HELPER_H
#define COLLECTIVE_HELPER_H

#include "ns3/collective.h"
#include "ns3/object-factory.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup collectives
 * \brief Runs collectives on a built Fabric: one GpuTransport for all of them, an algorithm
 *        factory, and Install() to schedule an operation.
 *
 * \code
 *   CollectiveHelper collectives(fabric);
 *   collectives.SetAlgorithmAttribute("Channels", UintegerValue(2));
 *   Ptr<Collective> c = collectives.Install(Communicator::OnePerServer(*fabric.graph, 0),
 *                                           CollectiveOp::ALL_REDUCE, 64 << 20, Seconds(0));
 *   Simulator::Run();
 *   std::cout << c->GetResult().GetBusBandwidthGbps() << " Gb/s\n";
 * \endcode
 */
class CollectiveHelper
{
  public:
    /// Collectives over \p fabric, which must outlive the helper and what it installs.
    explicit CollectiveHelper(const Fabric& fabric);

    /**
     * \brief The algorithm of the operations installed next: a registered name ("ring",
     *        "tree", "direct") or the TypeId of a CollectiveAlgorithm subclass. Unset: each
     * operation's default (GetDefaultAlgorithm).
     */
    void SetAlgorithm(const std::string& name);
    void SetAlgorithmAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \brief Schedule \p op of \p bytes (as nccl-tests counts them) on \p comm at \p start.
     *        Aborts if it cannot run (see Collective::Setup); check first with Check().
     */
    Ptr<Collective> Install(const Communicator& comm,
                            CollectiveOp op,
                            uint64_t bytes,
                            Time start,
                            uint32_t root = 0);

    /// Empty if Install would succeed, else why not.
    std::string Check(const Communicator& comm, CollectiveOp op, uint64_t bytes, uint32_t root = 0);

    Ptr<GpuTransport> GetTransport() const;

    /// The TypeId a registered algorithm name or TypeId name stands for; false if none.
    static bool LookupAlgorithm(const std::string& name, TypeId& tid);
    /// The registered algorithm names, for messages.
    static std::vector<std::string> GetAlgorithmNames();
    /// NCCL's choice when none is given: ring, and direct for AllToAll.
    static std::string GetDefaultAlgorithm(CollectiveOp op);

  private:
    Ptr<CollectiveAlgorithm> CreateAlgorithm(CollectiveOp op) const;

    Ptr<GpuTransport> m_transport;
    std::string m_algorithm;
    std::vector<std::pair<std::string, Ptr<AttributeValue>>> m_attributes;
};

} // namespace ns3

#endif // COLLECTIVE_HELPER_H
