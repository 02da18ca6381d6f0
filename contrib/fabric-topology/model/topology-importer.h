/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TOPOLOGY_IMPORTER_H
#define TOPOLOGY_IMPORTER_H

#include "topology.h"

#include "ns3/object.h"

#include <string>
#include <vector>

namespace ns3
{

/// What an import fills in where the source file is silent.
struct ImportOptions
{
    uint64_t rateBps{800000000000ULL}; //!< link rate when the file gives none
    Time delay{NanoSeconds(10)};       //!< link delay when the file gives none
    bool rateGiven{false};             //!< true when the user set the rate (--rate)
    bool delayGiven{false};            //!< true when the user set the delay (--delay)
    std::string switchProfile{"spectrum-4"};
    std::string nicProfile{"cx8"};
};

/// The imported topology and what the import decided for the user (printed and written as
/// comments at the top of the output file), e.g. "no link rates in the file: 800Gbps (--rate)".
struct ImportResult
{
    Topology topology;
    std::vector<std::string> notes;
};

/**
 * \ingroup fabric-topology
 * \brief Reads another tool's topology file into explicit nodes and links (a plugin point).
 *
 * Each format is a subclass registered as its own TypeId; `nsfab import --from NAME` picks the
 * one whose GetFormatName() is NAME, and without --from the first whose Detect() accepts the
 * file. Problems are reported as diagnostics located in the source file, never thrown.
 */
class TopologyImporter : public Object
{
  public:
    static TypeId GetTypeId();

    /// The --from name, e.g. "containerlab".
    virtual std::string GetFormatName() const = 0;

    /// One line for `nsfab import --help`: the files it reads.
    virtual std::string GetDescription() const = 0;

    /// Whether \p text (the file at \p path) looks like this format.
    virtual bool Detect(const std::string& path, const std::string& text) const = 0;

    /**
     * \brief Import \p text, read from \p path.
     * \return false when problems were added to \p diagnostics
     */
    virtual bool Import(const std::string& path,
                        const std::string& text,
                        const ImportOptions& options,
                        ImportResult& result,
                        std::vector<Diagnostic>& diagnostics) const = 0;

    /// One instance of every registered importer, sorted by format name.
    static std::vector<Ptr<TopologyImporter>> GetAll();
};

} // namespace ns3

#endif // TOPOLOGY_IMPORTER_H
