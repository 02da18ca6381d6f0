/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef COLLECTIVE_H
#define COLLECTIVE_H

#include "collective-algorithm.h"
#include "gpu-transport.h"

#include "ns3/traced-callback.h"

#include <algorithm>

namespace ns3
{

/// What one collective operation measured.
struct CollectiveResult
{
    CollectiveOp op{CollectiveOp::ALL_REDUCE};
    std::string algorithm;
    uint32_t ranks{0};
    uint64_t bytes{0};
    Time start;
    Time end;                  //!< the last transfer arrived
    std::vector<Time> rankEnd; //!< by rank: its last transfer in or out

    Time GetTime() const
    {
        return end - start;
    }

    /// The rank that finished last (the first of them).
    uint32_t GetSlowestRank() const
    {
        return static_cast<uint32_t>(std::max_element(rankEnd.begin(), rankEnd.end()) -
                                     rankEnd.begin());
    }

    /// nccl-tests' algorithm bandwidth: bytes / time, in Gb/s.
    double GetAlgBandwidthGbps() const
    {
        return double(bytes) * 8 / GetTime().GetSeconds() / 1e9;
    }

    /// nccl-tests' bus bandwidth: the algorithm bandwidth times BusBandwidthFactor, in Gb/s.
    double GetBusBandwidthGbps() const
    {
        return GetAlgBandwidthGbps() * BusBandwidthFactor(op, ranks);
    }
};

/**
 * \ingroup collectives
 * \brief One collective operation on a communicator: its algorithm's schedule, run over a
 *        GpuTransport; each transfer starts when those it depends on have arrived.
 */
class Collective : public Object
{
  public:
    using CompleteTracedCallback = void (*)(const CollectiveResult& result);

    static TypeId GetTypeId();
    Collective();
    Collective(const Collective&) = delete;
    Collective& operator=(const Collective&) = delete;

    /**
     * \brief Prepare \p op: build the schedule and check that it can run.
     * \return empty, or why it cannot (an operation the algorithm lacks, too few bytes for the
     *         ranks and channels, ranks without a path between them)
     */
    std::string Setup(Ptr<GpuTransport> transport,
                      const Communicator& comm,
                      CollectiveOp op,
                      uint64_t bytes,
                      Ptr<CollectiveAlgorithm> algorithm,
                      uint32_t root = 0);

    /**
     * \brief Start now. In a run spread over processes each one issues the transfers that leave
     *        its GPUs and completes (the Complete trace, GetResult) when those that end at its
     *        GPUs have arrived: its part of the result, which the processes then merge.
     */
    void Start();

    /**
     * \brief Name the operation's messages from \p first on (GetSchedule().GetSize() cookies),
     *        instead of reserving them (GpuTransport::AddReceiver) when it starts: an owner that
     *        starts operations in an order that differs between processes gives each the same
     *        cookies everywhere, and hands their arrivals and acknowledgements to Arrived and
     *        Acked. Call after Setup.
     */
    void SetCookies(uint64_t first);

    /**
     * \brief Transfer \p transfer has wholly reached its destination (on the destination's
     *        process). In a run spread over processes it may come before any rank of this
     *        process has entered (Enter): the operation opens then.
     */
    void Arrived(uint64_t transfer, const Delivery& delivery);

    /// The source of transfer \p transfer learnt that it arrived (on the source's process).
    void Acked(uint64_t transfer, const Delivery& delivery);

    /**
     * \brief Let \p rank in, as an NCCL kernel starts when its GPU's stream reaches it: the
     *        rank's transfers start once it has entered and what they wait for has arrived. The
     *        first call starts the operation (its time counts from then); the other ranks' data
     *        wait until they enter. Call on the process that simulates the rank; do not mix with
     *        Start.
     */
    void Enter(uint32_t rank);

    /**
     * \brief Call \p done with a rank once it has entered, every transfer to it has arrived
     *        and every transfer from it has been acknowledged: its part is over (Enter only).
     */
    void SetRankDoneCallback(Callback<void, uint32_t> done);

    bool IsComplete() const
    {
        return m_remaining == 0 && m_started;
    }

    const CollectiveResult& GetResult() const
    {
        return m_result;
    }

    const CollectiveSchedule& GetSchedule() const
    {
        return m_schedule;
    }

    /// Bytes arrived so far, and in all (for progress).
    uint64_t GetBytesArrived() const
    {
        return m_bytesArrived;
    }

    uint64_t GetBytesTotal() const
    {
        return m_bytesTotal;
    }

    /**
     * \brief Make the queue pairs the transfers of \p schedule between the GPUs of \p comm
     *        use, in schedule order (GpuTransport::Prepare): every process of a distributed run
     *        that makes them in the same order gives them the same numbers.
     */
    static void Prepare(GpuTransport& transport,
                        const Communicator& comm,
                        const CollectiveSchedule& schedule);

  protected:
    void DoDispose() override;

  private:
    /// Name the messages, make the queue pairs and count the transfers that end here; with
    /// \p gated, every transfer also waits for its source rank to enter.
    void Open(bool gated);
    void Issue(uint32_t transfer);
    /// Stop receiving the messages of cookies this operation reserved itself.
    void Unreserve();
    /// One more of \p rank's transfers is over; report the rank once all are and it entered.
    void RankProgress(uint32_t rank);
    /// The last transfer this process waits for arrived at \p end.
    void Finish(Time end);

    Ptr<GpuTransport> m_transport;
    Communicator m_comm;
    CollectiveSchedule m_schedule;
    std::vector<uint32_t> m_waiting; //!< by transfer: dependencies not yet arrived
    CompressedRows m_dependents;     //!< by transfer: the transfers waiting for it
    uint32_t m_remaining{0};         //!< transfers to this process's GPUs not yet arrived
    uint64_t m_cookies{0};           //!< transfer i's message cookie is m_cookies + i (0: none yet)
    bool m_reserved{false};          //!< the cookies are this operation's receiver's
    bool m_started{false};
    bool m_gated{false};
    CompressedRows m_bySource; //!< by rank: the transfers it sends (gated only)
    /// By rank: its transfers not yet over, plus one until it enters (gated only).
    std::vector<uint32_t> m_rankLeft;
    Callback<void, uint32_t> m_rankDone;
    uint64_t m_bytesArrived{0};
    uint64_t m_bytesTotal{0};
    CollectiveResult m_result;
    TracedCallback<const CollectiveResult&> m_completeTrace;
};

} // namespace ns3

#endif // COLLECTIVE_H
