/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef CHAKRA_WORKLOAD_H
#define CHAKRA_WORKLOAD_H

#include "workload.h"

namespace ns3
{

/**
 * \ingroup fabric-experiment
 * \brief "chakra": a job given as Chakra execution traces (docs/chakra.md), one per rank
 *        (`traces: prefix` reads prefix.<rank>.et) or one per rank group (a list of `file`
 *        and the job ranks that run it), run as an ExecutionGraph (BuildChakraGraph).
 */
class ChakraWorkload : public Workload
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

#endif // CHAKRA_WORKLOAD_H
