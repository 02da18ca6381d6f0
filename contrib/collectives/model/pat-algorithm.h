/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef PAT_ALGORITHM_H
#define PAT_ALGORITHM_H

#include "collective-algorithm.h"

namespace ns3
{

/**
 * \ingroup collectives
 * \brief A latency-bound AllGather, ReduceScatter and AllReduce in ceil(log2 n) steps per phase,
 *        for rings too long for NCCL's ring: NCCL 2.23's PAT ("Parallel Aggregated Trees", a
 *        variant of Bruck's all-gather) fills the same place for one GPU per server.
 *
 * AllGather is Bruck et al.'s (IEEE TPDS 8(11), 1997): in step k, with d = 2^k, rank r sends
 * the min(d, n - d) blocks it holds, r .. r + d - 1, to rank r - d. ReduceScatter runs the same
 * steps backwards with the data flowing the other way, adding as it goes (rank q sends its
 * partial sums of blocks q + d .. to q + d); AllReduce is ReduceScatter then AllGather. A step
 * waits for every earlier step's data to have arrived at its sender. Every rank sends
 * (n - 1)/n of the data per phase, as on a ring, but in ceil(log2 n) messages instead of n - 1.
 */
class PatAlgorithm : public CollectiveAlgorithm
{
  public:
    static TypeId GetTypeId();

    bool Supports(CollectiveOp op) const override;
    void Build(CollectiveOp op,
               const Communicator& comm,
               uint64_t bytes,
               uint32_t root,
               CollectiveSchedule& schedule) const override;
    std::string GetName() const override;
    /// Per phase, the sum over its steps of the step's slowest path for its blocks.
    Time GetCost(CollectiveOp op,
                 const Communicator& comm,
                 uint64_t bytes,
                 uint32_t root,
                 const PathCosts& paths) const override;

  private:
    /// By rank: the last transfer of every message that arrived there so far.
    using Arrived = std::vector<std::vector<uint32_t>>;

    /// The phase's steps on one channel; \p arrived is what ranks have when it begins.
    void Phase(bool gather,
               uint32_t n,
               uint64_t data,
               uint32_t channel,
               Arrived& arrived,
               CollectiveSchedule& schedule) const;
};

} // namespace ns3

#endif // PAT_ALGORITHM_H
