/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef COLLECTIVE_ALGORITHM_H
#define COLLECTIVE_ALGORITHM_H

#include "communicator.h"
#include "compressed-rows.h"

#include "ns3/nstime.h"
#include "ns3/object.h"

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

namespace ns3
{

/// The collective operations, as NCCL names them.
enum class CollectiveOp
{
    ALL_REDUCE,
    ALL_GATHER,
    REDUCE_SCATTER,
    ALL_TO_ALL,
    BROADCAST,
};

/// "allreduce", "allgather", "reducescatter", "alltoall", "broadcast".
std::string ToString(CollectiveOp op);

/// The operation a name stands for; false if none.
bool ParseCollectiveOp(const std::string& name, CollectiveOp& op);

/**
 * \brief NCCL's bus-bandwidth factor (nccl-tests, doc/PERFORMANCE.md): busbw = algbw x factor,
 *        so that busbw compares with the links' bandwidth whatever the rank count: AllReduce
 *        2(n-1)/n; AllGather, ReduceScatter and AllToAll (n-1)/n; Broadcast 1.
 */
double BusBandwidthFactor(CollectiveOp op, uint32_t ranks);

/**
 * \brief The alpha-beta cost of a path: alone on an idle fabric, a message of b bytes from one
 *        GPU to another takes alpha + b (beta + relay) (Hockney's model), relay being what a
 *        stage that takes each message whole before passing it on adds per byte (NVLink to
 *        the NIC of another GPU, as NCCL's PXN does; zero on other paths).
 */
struct PathCost
{
    Time alpha;
    double beta{0};  //!< seconds per byte
    double relay{0}; //!< seconds per byte of a whole-message relay

    Time Of(double bytes) const
    {
        return alpha + Seconds(bytes * (beta + relay));
    }

    /// Seconds per byte of a stream of messages: the slower stage's.
    double GetBottleneck() const
    {
        return std::max(beta, relay);
    }

    /// Messages of \p piece bytes back to back, \p total bytes in all: the relay of the
    /// first overlaps nothing, then the slower stage sets the pace.
    Time Stream(double total, double piece) const
    {
        return alpha + Seconds(piece * std::min(beta, relay) + total * GetBottleneck());
    }

    /// The slower of two paths, term by term: a step of many transfers waits for its slowest.
    static PathCost Max(const PathCost& a, const PathCost& b)
    {
        return PathCost{std::max(a.alpha, b.alpha),
                        std::max(a.beta, b.beta),
                        std::max(a.relay, b.relay)};
    }
};

/// The path cost between two GPUs of a fabric (IdealFct::GetPath for a built one).
using PathCosts = std::function<PathCost(GpuId src, GpuId dst)>;

/**
 * \ingroup collectives
 * \brief The transfers of one collective between ranks, and what each waits for: a transfer
 *        starts once every transfer it depends on has arrived.
 */
class CollectiveSchedule
{
  public:
    struct Transfer
    {
        uint32_t src;
        uint32_t dst;
        uint64_t bytes;
        uint32_t channel;
    };

    /// Add a transfer after \p deps (indices Add returned before); returns its index.
    uint32_t Add(uint32_t src,
                 uint32_t dst,
                 uint64_t bytes,
                 uint32_t channel,
                 std::initializer_list<uint32_t> deps = {});
    /// As above, after the transfers in \p deps.
    uint32_t Add(uint32_t src,
                 uint32_t dst,
                 uint64_t bytes,
                 uint32_t channel,
                 const std::vector<uint32_t>& deps);

    uint32_t GetSize() const
    {
        return static_cast<uint32_t>(m_transfers.size());
    }

    const Transfer& Get(uint32_t i) const
    {
        return m_transfers[i];
    }

    /// The transfers \p i depends on: [first, last).
    std::pair<const uint32_t*, const uint32_t*> GetDeps(uint32_t i) const
    {
        return m_deps.Get(i);
    }

    /// Every transfer's dependencies, by transfer.
    const CompressedRows& GetDepRows() const
    {
        return m_deps;
    }

    /// Bytes every rank sends, by rank (for checks against bandwidth bounds).
    std::vector<uint64_t> GetBytesSent(uint32_t ranks) const;

  private:
    uint32_t Add(const Transfer& t, const uint32_t* firstDep, const uint32_t* lastDep);

    std::vector<Transfer> m_transfers;
    CompressedRows m_deps; //!< by transfer
};

/**
 * \ingroup collectives
 * \brief A collective algorithm plugin: turns an operation on a communicator into a schedule.
 *
 * Data are split over Channels (separate queue pairs, as NCCL's channels) and pipelined in
 * chunks of at most ChunkSize bytes. Reductions cost no time (GPUs reduce far faster than a
 * NIC delivers).
 */
class CollectiveAlgorithm : public Object
{
  public:
    static TypeId GetTypeId();

    /// Whether the algorithm implements \p op.
    virtual bool Supports(CollectiveOp op) const = 0;

    /// Empty if the algorithm can run on \p comm, else why not (by default it can).
    virtual std::string Check(const Communicator& comm) const;

    /**
     * \brief Build the transfers of \p op.
     * \param bytes the operation's size as nccl-tests counts it: the buffer every rank reduces
     *        or receives (AllGather: the gathered output; ReduceScatter: the input; AllToAll:
     *        what one rank sends, its own share included)
     * \param root the broadcasting rank
     */
    virtual void Build(CollectiveOp op,
                       const Communicator& comm,
                       uint64_t bytes,
                       uint32_t root,
                       CollectiveSchedule& schedule) const = 0;

    /// The registered name a scenario uses ("ring", "tree", ...).
    virtual std::string GetName() const = 0;

    /**
     * \brief The time \p op takes alone on an idle fabric whose paths cost \p paths: the
     *        algorithm's alpha-beta model, with the same arguments as Build. It is the
     *        operation's share of a job's step on an ideal fabric.
     */
    virtual Time GetCost(CollectiveOp op,
                         const Communicator& comm,
                         uint64_t bytes,
                         uint32_t root,
                         const PathCosts& paths) const = 0;

  protected:
    /**
     * \brief \p steps steps in which every rank sends \p block bytes to a rank that forwards
     *        what it got in the next step, over paths costing at most \p path. Each channel's
     *        share moves in chunks (GetChunks), and a chunk goes on as soon as it has arrived:
     *        the steps overlap. The last piece arrives after the link's whole load
     *        (steps x block x beta, then alpha) or after GetChainCost, whichever is later.
     */
    Time GetPipelinedCost(uint32_t steps, double block, const PathCost& path) const;
    /**
     * \brief A block forwarded along a chain of \p steps paths costing at most \p path, in
     *        m pieces (a chunk of every channel) that each go on once arrived: the first
     *        piece's way through every step, steps x (block/m x beta + alpha), and the rest
     *        of the block behind it.
     */
    Time GetChainCost(uint32_t steps, double block, const PathCost& path) const;
    /// The slowest path from position i to position (i + 1) mod n of \p ring (communicator
    /// ranks), or from i to i + \p distance with another distance.
    static PathCost GetRingPath(const Communicator& comm,
                                const std::vector<uint32_t>& ring,
                                const PathCosts& paths,
                                uint32_t distance = 1);
    /// As above, on the ring of the communicator's ranks in order.
    static PathCost GetRingPath(const Communicator& comm,
                                const PathCosts& paths,
                                uint32_t distance = 1);

    /// The size of a piece of \p bytes moved at once: a chunk of every channel's share.
    double GetPiece(double bytes) const;
    /// Part \p i of \p total split into \p parts as evenly as whole bytes allow.
    static uint64_t Split(uint64_t total, uint64_t parts, uint64_t i);
    /// Chunks of at most ChunkSize bytes that \p bytes make (at least one).
    uint64_t GetChunks(uint64_t bytes) const;

    uint32_t m_channels{1};
    uint64_t m_chunkSize{0};
};

} // namespace ns3

#endif // COLLECTIVE_ALGORITHM_H
