/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef NSFAB_TOPOLOGY_H
#define NSFAB_TOPOLOGY_H

#include "ns3/topology-importer.h"

#include <string>

namespace nsfab
{

/// nsfab validate FILE: every problem, or "ok" with counts. Returns the exit code.
int Validate(const std::string& file);

/// nsfab info FILE: counts per plane and tier, bisection, oversubscription, diameter, memory.
int Info(const std::string& file);

/// nsfab export FILE --to yaml|dot|graphml [-o OUT]: to standard output without OUT.
int Export(const std::string& file, const std::string& format, const std::string& out, bool force);

/// nsfab import [--from FORMAT] IN [-o OUT]: detects the format when \p format is empty.
int Import(const std::string& format,
           const std::string& in,
           const std::string& out,
           bool force,
           const ns3::ImportOptions& options);

} // namespace nsfab

#endif // NSFAB_TOPOLOGY_H
