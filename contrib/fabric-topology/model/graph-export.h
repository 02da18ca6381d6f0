/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef GRAPH_EXPORT_H
#define GRAPH_EXPORT_H

#include "topology.h"

#include <string>

namespace ns3
{

/**
 * \ingroup fabric-topology
 * \brief \p graph as GraphML (http://graphml.graphdrawing.org/), for NetworkX, yEd or Gephi.
 *
 * Nodes carry `kind` (host or switch), `profile`, `tier` (1 leaf, 2 spine/aggregation, 3 core;
 * 0 for hosts and explicit switches), `ports` and, for generated planes, `plane`; edges carry
 * `rate_bps` (bit/s), `delay_ps` (picoseconds), `source_port`, `target_port` (a switch port or
 * a host's NIC index) and `profile`. The GraphML importer reads it back into the same nodes and
 * links.
 */
std::string WriteGraphml(const FabricGraph& graph);

/**
 * \ingroup fabric-topology
 * \brief \p graph as an undirected Graphviz graph: hosts as boxes, switches as ellipses, one
 *        rank per tier (hosts, then leaves, spines or aggregation switches, cores), one edge per
 *        link.
 */
std::string WriteDot(const FabricGraph& graph);

} // namespace ns3

#endif // GRAPH_EXPORT_H
