/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef GPU_TRANSPORT_H
#define GPU_TRANSPORT_H

#include "communicator.h"

#include "ns3/callback.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/rdma-queue-pair.h"
#include "ns3/topology-helper.h"

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace ns3
{

/// The life of one message between GPUs.
struct Delivery
{
    Time posted;    //!< posted on its queue pair (after a PXN relay); NVLink: handed over
    Time firstByte; //!< its first byte reached the destination GPU
    Time arrived;   //!< its last byte reached the destination GPU
    Time acked;     //!< the sender learnt it (the ACK of its last packet; NVLink: on arrival)
};

/**
 * \ingroup collectives
 * \brief Moves messages between the GPUs of a built Fabric, as NCCL's transports do.
 *
 * Inside a server the message crosses NVLink (NvlinkDomain). Between servers it goes over
 * RDMA from the NIC of the source GPU to the NIC of the destination GPU; when only another
 * NIC of the source server reaches the destination (rail planes), the message crosses NVLink
 * to that NIC's GPU first, whole, as NCCL's PXN does (HostLinks::ChooseSourceNic). Queue
 * pairs are made on first use, one per (source NIC, destination NIC, channel), and reused, so
 * messages on one channel between two GPUs complete in order; channels are separate queue
 * pairs (separate UDP source ports, so ECMP may spread them).
 *
 * The transport keeps a queue pair's number, not the queue pair: once more than
 * AwakeQueuePairs are awake, it puts the idle ones to rest (Cx8NetDevice::RestIdleQueuePairs),
 * NIC after NIC, until half that many are, and they wake as they were when next used. Nothing
 * a run measures changes (the queue pair continues with its sequence numbers, clocks and
 * congestion-control state); a step of the 300,000-GPU cluster, whose ranks open tens of
 * millions of queue pairs over the step, thus fits in memory.
 */
class GpuTransport : public Object
{
  public:
    static TypeId GetTypeId();
    GpuTransport();
    ~GpuTransport() override;
    GpuTransport(const GpuTransport&) = delete;
    GpuTransport& operator=(const GpuTransport&) = delete;

    /// Carry messages over \p fabric, which must outlive the transport.
    void SetFabric(const Fabric& fabric);

    /// Only check paths (CheckPath, Collective::Setup) on \p graph, without a built fabric:
    /// nothing can be sent.
    void SetGraph(std::shared_ptr<const FabricGraph> graph);

    /// The GPUs of the fabric's server at graph node \p node.
    uint32_t GetNGpus(uint32_t node) const;

    /// Empty if \p src can send to \p dst, else why not.
    std::string CheckPath(GpuId src, GpuId dst) const;

    /// What a receiver of messages gets: the cookie's offset in its range, and the delivery.
    using ReceiverCallback = Callback<void, uint64_t, const Delivery&>;

    /**
     * \brief Reserve \p count message cookies for one owner and return the first. A message
     *        sent with cookie first + i calls \p arrived(i, delivery) once it has wholly reached
     *        its destination GPU (on the process that simulates the destination; firstByte and
     *        arrived set) and \p acked(i, delivery) once its sender learns it (on the sender's
     *        process; posted and acked set). Either may be null. An owner of many messages thus
     *        needs no state per message here; every process of a distributed run adds receivers
     *        in the same order, so a cookie names the same message on all of them.
     */
    uint64_t AddReceiver(uint64_t count, ReceiverCallback arrived, ReceiverCallback acked);

    /// Forget the receiver whose range AddReceiver returned \p first (its messages are over).
    void RemoveReceiver(uint64_t first);

    /// Whether this process simulates server \p node (always, unless the run is distributed).
    bool IsLocal(uint32_t node) const;

    /**
     * \brief Make the queue pairs a message from NIC \p srcNic of server \p srcNode to NIC
     *        \p dstNic of server \p dstNode on \p channel will use, if not made yet. Queue pair
     *        numbers follow the order they are made in: a distributed run makes every one it
     *        will use in the same order on every process (Send makes one itself otherwise).
     */
    void Prepare(uint32_t srcNode,
                 uint32_t srcNic,
                 uint32_t dstNode,
                 uint32_t dstNic,
                 uint32_t channel);
    void Prepare(GpuId src, GpuId dst, uint32_t channel);

    /**
     * \brief Send \p bytes from \p src to \p dst now, between their GPUs' NICs.
     * \param channel queue pairs of different channels are separate
     * \param cookie names the message to its receiver (AddReceiver); 0: nobody waits for it
     */
    void Send(GpuId src, GpuId dst, uint64_t bytes, uint32_t channel, uint64_t cookie);

    /**
     * \brief As Send, from NIC \p srcNic of server \p srcNode to NIC \p dstNic of server
     *        \p dstNode (the GPUs they serve; NVLink when both are on one server).
     */
    void SendBetweenNics(uint32_t srcNode,
                         uint32_t srcNic,
                         uint32_t dstNode,
                         uint32_t dstNic,
                         uint64_t bytes,
                         uint32_t channel,
                         uint64_t cookie);

    /**
     * \brief Put idle queue pairs to rest now if more than AwakeQueuePairs are awake, as the
     *        transport does from the event loop once a run is under way: for an owner that
     *        prepares many connections (Prepare) before the run. Not from a queue pair's call.
     */
    void Settle();

    /// Connections made so far (a queue pair at each end).
    uint64_t GetNQueuePairs() const;

    /// Rounds of rests so far (AwakeQueuePairs).
    uint64_t GetNRests() const
    {
        return m_rests;
    }

  protected:
    void DoDispose() override;

  private:
    /// A message as its sender knows it.
    struct Message
    {
        Delivery delivery;
        uint64_t cookie;
    };

    /// The owner of a range of cookies.
    struct Receiver
    {
        uint64_t count;
        ReceiverCallback arrived;
        ReceiverCallback acked;
    };

    /// Queue pairs between two NICs (numbered as in Fabric::nics) on one channel.
    struct Key
    {
        uint32_t from;
        uint32_t to;
        uint32_t channel;
    };

    /// A connection as its sending NIC's list has it.
    struct Link
    {
        uint32_t to;
        uint32_t channel;
        uint32_t qpn; //!< of the sending end

        bool operator<(const Link& other) const
        {
            return to != other.to ? to < other.to : channel < other.channel;
        }
    };

    /// The connection a message between these NICs uses (none within a server), and the NIC
    /// of the source server it leaves from.
    std::optional<Key> KeyOf(uint32_t srcNode,
                             uint32_t srcNic,
                             uint32_t dstNode,
                             uint32_t dstNic,
                             uint32_t channel,
                             uint32_t& fabricNic) const;
    /// The receiver of \p cookie's range (nullptr: nobody waits for the message), and the
    /// cookie's offset in it.
    const Receiver* Find(uint64_t cookie, uint64_t& offset) const;
    /// Hand \p delivery to the \p which callback (arrived or acked) of \p cookie's receiver.
    void Notify(uint64_t cookie, ReceiverCallback Receiver::*which, const Delivery& delivery);
    /// The QPN of the sending end of \p key's connection, made if need be and \p make.
    uint32_t Connect(const Key& key, bool make);
    void Post(uint32_t nic, uint32_t qpn, uint64_t bytes, uint64_t cookie);
    void OnCompleted(const RdmaCompletion& completion, bool sent);
    void OnNvlink(Message message);
    /// \p count more queue pairs are awake: put idle ones to rest if too many are.
    void Woke(uint64_t count);
    /// The rest Woke asked for, from the event loop.
    void OnRestDue();

    const Fabric* m_fabric{nullptr};
    std::shared_ptr<const FabricGraph> m_graph;
    std::optional<HostLinks> m_hostLinks;
    std::vector<std::vector<Link>> m_links; //!< by sending NIC, in Link order
    uint64_t m_nConnections{0};
    RdmaQueuePair::CompletionCallback m_completed; //!< OnCompleted, for every queue pair
    uint64_t m_awakeLimit;
    uint64_t m_awake{0};     //!< queue pairs awake: made or woken here, less those put to rest
    uint64_t m_restAbove{0}; //!< rest idle queue pairs once more than this are awake
    bool m_restPending{false};
    std::size_t m_restCursor{0}; //!< the NIC the next round of rests begins with
    uint64_t m_rests{0};
    std::map<uint64_t, Receiver> m_receivers; //!< by the first cookie of their range
    uint64_t m_nextCookie{1};
    /// The fabric's nodes are spread over processes: every connection must be prepared.
    bool m_distributed{false};
};

} // namespace ns3

#endif // GPU_TRANSPORT_H
