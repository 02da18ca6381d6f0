/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef PARTITION_H
#define PARTITION_H

#include "topology.h"

#include <string>
#include <string_view>
#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-topology
 * \brief Which of \p ranks processes (MPI ranks, ns-3 system ids) simulates each node of
 *        \p graph, so that few links cross ranks and those that do are long.
 *
 * Generated fat-tree planes are cut by pod: a pod's leaves and aggregation switches in every
 * plane, with the servers attached to them, stay together, and cores are spread over the ranks.
 * With fewer pods in use than ranks, the unit is a leaf position instead (the leaves at that
 * position in every plane and their servers), with spines, aggregation switches and cores
 * spread. Other graphs keep each host with the switch its first NIC hangs from, and split the
 * switches in node order. Units are given to ranks in order, in contiguous runs of about equal
 * ports; spread switches then go one by one to the rank with the fewest ports.
 *
 * \return the rank of each node
 */
std::vector<uint32_t> PartitionGraph(const FabricGraph& graph, uint32_t ranks);

/**
 * \brief The link of shortest propagation delay among those whose ends are on different ranks
 *        (null if none): its delay is how far ahead ranks can simulate without hearing from
 *        each other.
 */
const FabricGraph::Link* ShortestCutLink(const FabricGraph& graph,
                                         const std::vector<uint32_t>& rankOf);

/**
 * \brief The switch that each host's lowest-numbered linked NIC hangs from (FabricGraph::NONE
 *        for switches and for hosts with no link to a switch).
 */
std::vector<uint32_t> FirstSwitches(const FabricGraph& graph);

/**
 * \ingroup fabric-topology
 * \brief A pattern of node names: `*` stands for any run of characters, `?` for one character,
 *        `{m..n}` for a whole decimal number from m to n (not part of a longer number; written
 *        without leading zeros, or with the width of a bound that has them: `{01..12}`), any
 *        other character for itself.
 */
class NodePattern
{
  public:
    explicit NodePattern(std::string_view text);

    /// What is wrong with the pattern, or "" (then it can match).
    const std::string& GetError() const;

    /// Whether \p name matches; in time proportional to the pattern's and the name's lengths.
    bool Matches(std::string_view name) const;

  private:
    enum Kind : uint8_t
    {
        STAR,
        ANY,
        CHAR,
        RANGE
    };

    struct Token
    {
        Kind kind;
        char c;
        uint8_t width; //!< RANGE: the digits of a fixed-width range, or 0
        uint64_t lo;
        uint64_t hi;
    };

    std::vector<Token> m_tokens;
    std::string m_error;
};

} // namespace ns3

#endif // PARTITION_H
