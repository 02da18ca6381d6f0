/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef RING_ALGORITHM_H
#define RING_ALGORITHM_H

#include "collective-algorithm.h"

namespace ns3
{

/**
 * \ingroup collectives
 * \brief NCCL's ring algorithms: ranks pass blocks to the next rank in rank order.
 *
 * AllReduce is a reduce-scatter then an all-gather: 2(n-1) steps in which every rank sends one
 * block of bytes/n to the next (Patarasuk and Yuan, JPDC 2009); AllGather and ReduceScatter are
 * n-1 such steps; Broadcast is a chain from the root. A chunk moves on as soon as it has arrived,
 * so chunks of one block pipeline through the ring, and every channel runs its own ring.
 */
class RingAlgorithm : public CollectiveAlgorithm
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
    Time GetCost(CollectiveOp op,
                 const Communicator& comm,
                 uint64_t bytes,
                 uint32_t root,
                 const PathCosts& paths) const override;

  protected:
    /// Transfers by rank position: the ones that must arrive there before it sends, or that
    /// arrive there last.
    using Arrivals = std::vector<std::vector<uint32_t>>;

    /**
     * \brief \p steps ring steps of one channel's data over the ranks \p ring (positions
     *        0..m-1): in step k the rank at position i sends block (i + offset - k) mod m to
     *        position i + 1; the chunks of that block came from position i - 1 in step k - 1
     *        (from the rank itself in step 0, once everything in \p after [i] has arrived).
     * \param after empty, or what each position waits for before its first step
     * \return the transfers that arrive at each position in the last step: on one channel a
     *         queue pair delivers in order, so they arrive after everything else sent to it
     */
    Arrivals Steps(const std::vector<uint32_t>& ring,
                   uint64_t bytes,
                   uint32_t channel,
                   uint32_t steps,
                   uint32_t offset,
                   const Arrivals& after,
                   CollectiveSchedule& schedule) const;
};

/**
 * \ingroup collectives
 * \brief NCCL's double binary tree AllReduce (Sanders, Speck and Traeff, Parallel Computing
 *        2009; NCCL 2.4): two binary trees, each reducing half the data up to its root and
 *        broadcasting it back down, chunk by chunk. A rank that is a leaf in one tree is an
 *        inner node of the other, so every NIC carries about 2S each way, and a chunk crosses
 *        2 log2(n) hops instead of the ring's 2(n-1): fewer latencies, a little less bandwidth.
 *
 * Tree 0 places rank r at position p = r + 1 of 1..n; position p with lowest set bit b has the
 * children p - b/2 and p + b/2 (halved until it is at most n), so odd positions are leaves and
 * the root is the largest power of two up to n. Tree 1 is tree 0 over the ranks mirrored
 * (n - 1 - r) when n is even, shifted by one (r + 1 mod n) when it is odd.
 */
class TreeAlgorithm : public CollectiveAlgorithm
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
    Time GetCost(CollectiveOp op,
                 const Communicator& comm,
                 uint64_t bytes,
                 uint32_t root,
                 const PathCosts& paths) const override;

    /// The parent of every rank in tree \p tree (0 or 1) of \p n ranks; NONE for its root.
    static std::vector<uint32_t> GetParents(uint32_t n, uint32_t tree);
    /// The ranks in the order of their depth in the tree \p parent (GetParents): the root
    /// first, or with \p deepestFirst the deepest first; ties in rank order.
    static std::vector<uint32_t> ByDepth(const std::vector<uint32_t>& parent, bool deepestFirst);

    static constexpr uint32_t NONE = UINT32_MAX;
};

/**
 * \ingroup collectives
 * \brief AllToAll as NCCL runs it: every rank sends its share to every other rank at once,
 *        point to point, in chunks.
 */
class DirectAlgorithm : public CollectiveAlgorithm
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
    Time GetCost(CollectiveOp op,
                 const Communicator& comm,
                 uint64_t bytes,
                 uint32_t root,
                 const PathCosts& paths) const override;
};

} // namespace ns3

#endif // RING_ALGORITHM_H
