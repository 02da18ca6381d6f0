/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TOPOLOGY_READER_H
#define TOPOLOGY_READER_H

#include "topology.h"

#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-topology
 * \brief Read a topology map (a topology file's root, or a scenario's inline `topology`) into
 *        \p out, which starts with the built-in profiles. The schema is docs/topology-schema.md.
 * \param path where the map sits ("" for a file's root), for diagnostics
 * \return false when problems were reported
 */
bool ReadTopology(YamlReader& r, const YAML::Node& root, const std::string& path, Topology& out);

/**
 * \ingroup fabric-topology
 * \brief Read and check a topology file, and expand it.
 * \param[out] diagnostics every problem in the file, located; nothing is returned if any
 */
std::optional<std::pair<Topology, FabricGraph>> LoadTopologyFile(
    const std::string& file,
    std::vector<Diagnostic>& diagnostics);

/**
 * \ingroup fabric-topology
 * \brief The canonical form of \p graph: every node and link written out, with the profiles
 *        they use. Reading it back gives the same graph, and writing that gives the same text.
 */
std::string WriteTopologyYaml(const FabricGraph& graph, const std::vector<std::string>& comments);

} // namespace ns3

#endif // TOPOLOGY_READER_H
