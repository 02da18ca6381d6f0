/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef HIERARCHICAL_ALGORITHM_H
#define HIERARCHICAL_ALGORITHM_H

#include "ring-algorithm.h"

namespace ns3
{

/**
 * \ingroup collectives
 * \brief Hierarchical AllReduce over servers of g ranks each: a ring reduce-scatter inside
 *        every server over NVLink (local rank l ends with block l of S/g bytes), a ring
 *        AllReduce of block l among the servers' local ranks l (one ring per rail, through
 *        their own NICs), and a ring all-gather inside every server over NVLink.
 *
 * Each NIC then carries 2(N-1)/N S/g bytes for N servers, against 2(nN-1)/(nN) S through the
 * NICs of a flat ring, which also pushes the intra-server steps through them when the ring
 * leaves a server. A rank starts a phase once everything of the previous one has reached it.
 * Every server must hold the same number of the communicator's ranks.
 */
class HierarchicalAlgorithm : public RingAlgorithm
{
  public:
    static TypeId GetTypeId();

    bool Supports(CollectiveOp op) const override;
    std::string Check(const Communicator& comm) const override;
    void Build(CollectiveOp op,
               const Communicator& comm,
               uint64_t bytes,
               uint32_t root,
               CollectiveSchedule& schedule) const override;
    std::string GetName() const override;
    Time GetCost(CollectiveOp op,
                 const Communicator& comm,
                 uint64_t bytes,
                 uint32_t root,
                 const PathCosts& paths) const override;

    /// The communicator's ranks grouped by server, servers in order of their first rank.
    static std::vector<std::vector<uint32_t>> GroupByServer(const Communicator& comm);
};

} // namespace ns3

#endif // HIERARCHICAL_ALGORITHM_H
