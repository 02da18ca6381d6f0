/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef RDMA_HELPER_H
#define RDMA_HELPER_H

#include "ns3/cx8-net-device.h"

#include <utility>

namespace ns3
{

/**
 * \ingroup cx8-nic
 * \brief Connects queue pairs between NICs.
 */
class RdmaHelper
{
  public:
    /**
     * \brief Create a connected pair of queue pairs, one on each NIC.
     * \return (the queue pair on \p a, the queue pair on \p b)
     *
     * The UDP source port, which ECMP hashes on, is derived from both addresses and QPNs, so
     * different connections between the same NICs can take different paths.
     */
    static std::pair<Ptr<RdmaQueuePair>, Ptr<RdmaQueuePair>> Connect(Ptr<Cx8NetDevice> a,
                                                                     Ptr<Cx8NetDevice> b);
};

} // namespace ns3

#endif // RDMA_HELPER_H
