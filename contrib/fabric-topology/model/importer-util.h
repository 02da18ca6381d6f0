/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef IMPORTER_UTIL_H
#define IMPORTER_UTIL_H

#include "topology-importer.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

/**
 * \file
 * Helpers shared by the TopologyImporter plugins: hostlist expansion, text positions, and the
 * builder that turns nodes and links found in a file into a Topology with the profiles they need.
 */

namespace ns3
{

/**
 * \brief Expand a Slurm hostlist expression such as "node[01-04,07],login1" into names, in order.
 *
 * Each bracket holds comma-separated numbers and ranges; a range keeps the zero padding of its
 * first bound ("01-04" gives 01, 02, 03, 04); several brackets in one name give every
 * combination ("r[1-2]n[1-2]": r1n1, r1n2, r2n1, r2n2), as topology.conf(5) and Slurm's hostlist
 * parser read them.
 * \return "" or what is wrong with the expression
 */
std::string ExpandHostlist(const std::string& expression, std::vector<std::string>& names);

/// 1-based line and column of byte \p offset in \p text.
std::pair<int, int> LineColumnAt(const std::string& text, std::size_t offset);

/// Where \p node was written, for NodeSpec/LinkSpec marks.
SourceMark MarkOf(const YAML::Node& node, const std::string& path);

/// The file's name without folders and extensions ("labs/dc.clab.yml" gives "dc").
std::string FileStem(const std::string& path);

/// The scalar at map[key], or "" when \p map is no map or has no scalar there.
std::string ScalarAt(const YAML::Node& map, const char* key);

/// Whether \p text ends with \p suffix (file name extensions).
bool EndsWith(const std::string& text, const std::string& suffix);

/// \p text parsed as YAML for Detect(), or nothing if it is not YAML.
std::optional<YAML::Node> LoadYamlQuietly(const std::string& text);

/// Host or switch, as a word in another tool's file says it.
enum class NodeRole : uint8_t
{
    UNKNOWN,
    HOST,
    SWITCH,
};

/**
 * \brief Read a role word, case-insensitive: host, server, gpu, npu, endpoint, compute give
 *        HOST; switch, router, bridge, leaf, spine, core, tor, agg, aggregation give SWITCH.
 */
NodeRole ParseNodeRole(const std::string& word);

/**
 * \brief Run \p import, turning any exception into a diagnostic: importers never throw.
 */
bool GuardImport(const std::string& file,
                 std::vector<Diagnostic>& diagnostics,
                 const std::function<bool()>& import);

/**
 * \ingroup fabric-topology
 * \brief Collects the nodes and links an importer found and makes them a Topology.
 *
 * Finish() starts from Topology::WithBuiltins() and adds what the nodes need: a host profile per
 * NIC count ("host-3nic", one GPU per NIC unless the host's shape says otherwise), a switch
 * profile with more ports when a switch has more links than ImportOptions::switchProfile has
 * ports ("switch-128p", the next power of two), and copies of the NIC and switch profiles at a
 * higher rate when a link is faster than they are. Links without a rate or delay get those of
 * ImportOptions, and a note says so. Hosts without links are dropped with a note (nothing could
 * reach them). A link between two hosts is reported: hosts reach each other only through
 * switches; importers whose tool means a shared segment there insert a switch themselves.
 */
class ImportBuilder
{
  public:
    /// What a host is beyond its NICs; hosts of one shape and NIC count share a profile.
    struct HostShape
    {
        std::string name{"host"}; //!< profile name stem, "host" gives "host", "host-2nic", ...
        uint32_t gpus{0};         //!< 0: one GPU per NIC
        uint64_t nvlinkBps{0};
        Time nvlinkLatency;
    };

    ImportBuilder(std::string file,
                  const ImportOptions& options,
                  std::vector<Diagnostic>& diagnostics);

    /// Register a host shape; returns its index for AddHost (0 is the plain "host" shape).
    uint32_t AddShape(const HostShape& shape);

    /// Add a node; a second node of the same name is reported and ignored.
    bool AddHost(const std::string& name, const SourceMark& mark, uint32_t shape = 0);
    bool AddSwitch(const std::string& name, const SourceMark& mark);

    bool Has(const std::string& name) const;
    /// Whether the node named \p name (which must exist) is a switch.
    bool IsSwitch(const std::string& name) const;

    /**
     * \brief Add a link between endpoints "node" or "node:port" (a switch port or a host NIC
     *        index, 0-based). Unknown nodes, self-links and host-to-host links are reported.
     * \param rateBps 0: ImportOptions::rateBps
     * \param delay none: ImportOptions::delay
     */
    void AddLink(const std::string& a,
                 const std::string& b,
                 uint64_t rateBps,
                 std::optional<Time> delay,
                 const SourceMark& mark);

    /// Report a problem at \p mark.
    void Error(const SourceMark& mark, const std::string& message);

    /// A note for the user (printed, and written at the top of the output file).
    void Note(const std::string& note);

    /**
     * \brief Choose the profiles and fill \p result (its topology named \p name).
     * \return false when problems were reported, here or earlier
     */
    bool Finish(const std::string& name, ImportResult& result);

  private:
    struct NodeEntry
    {
        std::string name;
        bool isSwitch;
        uint32_t shape;
        SourceMark mark;
        uint32_t links{0};
        uint32_t portsNeeded{0}; //!< links, or the highest explicit port + 1
        uint64_t fastestBps{0};
    };

    struct LinkEntry
    {
        std::string a;
        std::string b;
        uint32_t aNode;
        uint32_t bNode;
        uint64_t rateBps;
        std::optional<Time> delay;
        SourceMark mark;
    };

    /// The node of endpoint "name[:port]" and its port, or nothing (reported).
    std::optional<std::pair<uint32_t, std::optional<uint32_t>>> Resolve(const std::string& endpoint,
                                                                        const SourceMark& mark);
    bool AddNode(const std::string& name, bool isSwitch, const SourceMark& mark, uint32_t shape);
    /// Fill in the links' default rates and delays, with notes.
    void ApplyDefaults();
    /// The NIC profile every host uses (a faster copy of ImportOptions::nicProfile if needed).
    std::string ChooseNicProfile(Topology& topology);
    /// The switch profile for \p ports ports at \p rateBps, created if needed.
    std::string ChooseSwitchProfile(Topology& topology, uint32_t ports);

    std::string m_file;
    ImportOptions m_options;
    std::vector<Diagnostic>& m_diagnostics;
    std::size_t m_firstDiagnostic;
    std::vector<HostShape> m_shapes;
    std::vector<NodeEntry> m_nodes;
    std::unordered_map<std::string, uint32_t> m_index;
    std::vector<LinkEntry> m_links;
    std::vector<std::string> m_notes;
    uint64_t m_fastestSwitchBps{0};
    std::string m_switchBase; //!< the switch profile at the needed rate
    std::map<uint32_t, std::string> m_switchByPorts;
};

/// A node or edge of a generic graph file (NetworkX node-link JSON, GraphML).
struct GraphElement
{
    std::string id;                                //!< a node's id
    std::string source;                            //!< an edge's source node id
    std::string target;                            //!< an edge's target node id
    std::map<std::string, std::string> attributes; //!< attribute name -> value as text
    SourceMark mark;
};

/**
 * \brief Add a generic graph's nodes and edges to \p builder, with the conventions NetworkX
 *        and GraphML files share.
 *
 * A node's kind is its attribute `kind` (host or switch, see ParseNodeRole), else `type` or
 * `role` when they hold such a word; nodes without one are hosts if they have one link and
 * switches otherwise (a note says how many). An edge's rate is `rate_bps` (bit/s, as
 * WriteGraphml writes it) or `rate`, `bandwidth`, `capacity` or `LinkSpeedRaw` (Internet
 * Topology Zoo, bit/s); its delay `delay_ps` (picoseconds) or `delay` or `latency`. Values with
 * a unit ("100Gbps", "1us") are read as written, bare numbers in SI units (bit/s, seconds) with
 * a note. `source_port` and `target_port` pin the edge to ports.
 */
void AddGraph(ImportBuilder& builder,
              const std::vector<GraphElement>& nodes,
              const std::vector<GraphElement>& edges);

} // namespace ns3

#endif // IMPORTER_UTIL_H
