/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef BUILTIN_WORKLOADS_H
#define BUILTIN_WORKLOADS_H

#include "workload.h"

namespace ns3
{

/**
 * \ingroup fabric-experiment
 * \brief "flows": RDMA messages listed in the scenario (src, dst, size, start), or read from
 *        a file in HPCC's flow.txt format: the flow count, then per line `src dst priority
 *        dport size start`, ends as node ids (host<id>, as the HPCC topology importer names
 *        them), size in bytes, start in seconds.
 */
class FlowListWorkload : public Workload
{
  public:
    static TypeId GetTypeId();
    std::vector<const char*> GetKeys() const override;
    void Read(WorkloadReader& in,
              const YAML::Node& node,
              const std::string& path,
              Time start) override;

  private:
    void ReadFlowFile(WorkloadReader& in,
                      const YAML::Node& node,
                      const std::string& path,
                      Time start);
};

/// \ingroup fabric-experiment
/// \brief "incast": N senders each send `size` bytes to one receiver at once.
class IncastWorkload : public Workload
{
  public:
    static TypeId GetTypeId();
    std::vector<const char*> GetKeys() const override;
    void Read(WorkloadReader& in,
              const YAML::Node& node,
              const std::string& path,
              Time start) override;
};

/// \ingroup fabric-experiment
/// \brief "permutation": every selected NIC sends `size` bytes to another, each receiving
///        one flow (a random cyclic permutation, so no NIC sends to itself).
class PermutationWorkload : public Workload
{
  public:
    static TypeId GetTypeId();
    std::vector<const char*> GetKeys() const override;
    void Read(WorkloadReader& in,
              const YAML::Node& node,
              const std::string& path,
              Time start) override;
};

/// \ingroup fabric-experiment
/// \brief "all-to-all": every selected NIC sends `size` bytes to every other one at once.
class AllToAllWorkload : public Workload
{
  public:
    static TypeId GetTypeId();
    std::vector<const char*> GetKeys() const override;
    void Read(WorkloadReader& in,
              const YAML::Node& node,
              const std::string& path,
              Time start) override;
};

/**
 * \ingroup fabric-experiment
 * \brief "random": every selected NIC starts flows as a Poisson process to uniformly chosen
 *        NICs of other hosts, sizes drawn from a flow-size CDF, at the rate that offers `load`
 *        of its link: load x rate / (8 x mean size) flows per second (as in the DCTCP and HPCC
 *        evaluations).
 */
class RandomWorkload : public Workload
{
  public:
    static TypeId GetTypeId();
    std::vector<const char*> GetKeys() const override;
    void Read(WorkloadReader& in,
              const YAML::Node& node,
              const std::string& path,
              Time start) override;
};

/**
 * \ingroup fabric-experiment
 * \brief "collective": an NCCL-like operation on a set of GPU ranks, for each size listed and
 *        `iterations` times, one after the other.
 */
class CollectiveWorkload : public Workload
{
  public:
    static TypeId GetTypeId();
    std::vector<const char*> GetKeys() const override;
    void Read(WorkloadReader& in,
              const YAML::Node& node,
              const std::string& path,
              Time start) override;
};

} // namespace ns3

#endif // BUILTIN_WORKLOADS_H
