/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TOPOLOGY_H
#define TOPOLOGY_H

#include "attribute-text.h"
#include "yaml-reader.h"

#include "ns3/fat-tree-address.h"
#include "ns3/nstime.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

/// Where a topology element was written, for diagnostics (line 0: made by a generator).
struct SourceMark
{
    int line{0};
    int column{0};
    std::string path; //!< e.g. "fabric.planes[2]"
};

/// The ns-3 objects a profile's Attributes go to.
enum class ProfileTarget : uint8_t
{
    NIC,         //!< ns3::Cx8NetDevice
    SWITCH,      //!< ns3::FabricSwitch
    SWITCH_PORT, //!< ns3::FabricSwitchPort
    MMU,         //!< ns3::SharedBufferMmu
    ECN,         //!< ns3::RedEcnMarker
};

/// A NIC model: the Attributes of its ns3::Cx8NetDevice.
struct NicProfile
{
    std::string name;
    uint64_t rateBps{0}; //!< its DataRate, for rate checks across links
    std::vector<AttributeSetting> attributes;
    SourceMark mark;
};

/// A switch model: its port count and the Attributes of the switch, its ports, MMU and ECN
/// marker.
struct SwitchProfile
{
    std::string name;
    uint32_t ports{64};
    uint64_t rateBps{0}; //!< its ports' DataRate
    bool ecn{true};      //!< false: no ECN marker
    std::map<ProfileTarget, std::vector<AttributeSetting>> attributes;
    SourceMark mark;
};

/// A cable: its propagation delay, and optionally the rate both ends must run at.
struct LinkProfile
{
    std::string name;
    Time delay{NanoSeconds(10)};
    uint64_t rateBps{0}; //!< 0: the ports' own rate, which must then agree
    SourceMark mark;
};

/// A server: GPUs joined by NVLink through NVSwitch, and its NICs.
struct HostProfile
{
    std::string name;
    uint32_t gpus{1};
    uint32_t nics{1};
    std::string nic{"cx8"};
    uint64_t nvlinkBps{0}; //!< per GPU and direction; 0 without an NVLink domain
    Time nvlinkLatency;
    SourceMark mark;
};

/**
 * \brief The shape of one generated fat-tree plane. Zero means "the default for the radix".
 *
 * A 2-tier plane has leaves of hostsPerLeaf hosts and radix - hostsPerLeaf uplinks, one to each
 * spine. A 3-tier plane has pods of radix/2 leaves and as many aggregation switches as a leaf has
 * uplinks (radix/2, or radix - hostsPerLeaf when hosts take more than half the ports: an
 * oversubscribed leaf); aggregation switch a's uplink j goes to core a * radix/2 + j. Only the
 * leaves and pods the hosts need are built, and cores only when there are two pods or more.
 */
struct FatTreeShape
{
    uint32_t tiers{2};        //!< 2 (leaf-spine) or 3 (leaf, aggregation, core)
    uint32_t radix{8};        //!< ports per switch
    uint32_t hostsPerLeaf{0}; //!< default radix/2; more oversubscribes the leaves
    uint32_t leaves{0};       //!< 2-tier only: the most leaves, default radix
    uint64_t hosts{0};        //!< hosts attached; 0: as many as the plane holds

    /// A problem with the shape and the plane key it is written under.
    struct Problem
    {
        std::string key; //!< tiers, radix, hosts-per-leaf, leaves, or hosts (the host count)
        std::string message;
    };

    /// Every problem with the shape; empty when it can be built.
    std::vector<Problem> GetProblems() const;

    /// Every problem with the shape, one per line; empty when it can be built.
    std::string Validate() const;

    /// "leaf", "spine" (2-tier) or "agg" (3-tier), "core" for switch tier index \p t (0-based).
    std::string TierName(uint32_t t) const;

    /// Number of nodes of a kind ("host" or a tier name); 0 for an unknown kind.
    uint64_t GetCount(const std::string& kind) const;

    /// The valid node names, e.g. "host0..host31, leaf0..leaf7, spine0..spine3".
    std::string DescribeNames() const;

    /// Hosts the plane holds at most.
    uint64_t GetCapacity() const;

    uint32_t GetHostsPerLeaf() const;
    /// Uplinks of a leaf.
    uint32_t GetLeafUplinks() const;
    /// Leaves built (3-tier: leaves of every pod, the last pod possibly partial).
    uint64_t GetLeaves() const;
    /// Leaves of a full pod (2-tier: the leaves built; one pod).
    uint32_t GetLeavesPerPod() const;
    uint32_t GetPods() const;
    /// Spines (2-tier) or aggregation switches (3-tier) per pod.
    uint32_t GetTier2PerPod() const;
    uint32_t GetCores() const;
    /// Leaf downlinks per leaf uplink (1: non-blocking).
    double GetOversubscription() const;

    /**
     * \brief Split a node name such as "leaf3" into its kind and index.
     * \return false if the name is not a kind followed by a decimal index (no leading zeros)
     */
    static bool SplitName(const std::string& name, std::string& kind, uint64_t& index);
};

/// A group of identical generated planes; plane group g takes the next `count` NIC indices of
/// every server.
struct PlaneSpec
{
    std::string name{"plane"}; //!< switch names "<name><p>.leaf0" (just "leaf0" with one plane)
    uint32_t count{1};
    FatTreeShape shape;
    std::string switchProfile{"spectrum-4"};
    std::string linkProfile;     //!< switch-to-switch cables; empty: the default link profile
    std::string hostLinkProfile; //!< NIC-to-leaf cables; empty: the default link profile
    SourceMark mark;
    SourceMark radixMark; //!< where radix was written; line 0: at the plane's mark
};

/// A node written out in `nodes`.
struct NodeSpec
{
    std::string name;
    bool isSwitch{true};
    std::string profile; //!< a switch or host profile
    /// Switches: ports built, at most the profile's; 0: up to the highest one linked.
    uint32_t ports{0};
    SourceMark mark;
};

/// A link written out in `links`: node names, each optionally with ":port" (a switch port, or
/// a host's NIC index); without one, the next free port.
struct LinkSpec
{
    std::string a;
    std::string b;
    std::string profile; //!< empty: the default link profile
    uint64_t rateBps{0}; //!< 0: the profile's, or the ports'
    std::optional<Time> delay;
    SourceMark mark;
    SourceMark aMark; //!< where a was written; line 0: at the link's mark
    SourceMark bMark;
    SourceMark rateMark; //!< where rate was written
};

/**
 * \ingroup fabric-topology
 * \brief A topology as written (docs/topology-schema.md): profiles, servers, generated planes
 *        and explicit nodes and links.
 */
struct Topology
{
    static constexpr uint32_t VERSION = 1;

    std::string file;
    std::string name;
    std::map<std::string, NicProfile> nicProfiles;
    std::map<std::string, SwitchProfile> switchProfiles;
    std::map<std::string, LinkProfile> linkProfiles;
    std::map<std::string, HostProfile> hostProfiles;
    std::string defaultLink{"fiber-2m"};

    uint64_t servers{0};    //!< generated servers host0..; 0: as many as the first plane holds
    SourceMark serversMark; //!< where the server count was written
    std::string hostProfile{"host"};
    std::vector<PlaneSpec> planes;
    std::vector<NodeSpec> nodes;
    std::vector<LinkSpec> links;

    /// A topology holding only the built-in profiles.
    static Topology WithBuiltins();
};

/**
 * \ingroup fabric-topology
 * \brief A topology expanded into every node and link: what the builder instantiates, the
 *        exporters write and `nsfab info` counts. Compact: no per-port objects.
 *
 * Nodes come in build order: generated servers, then each plane's switches pod by pod (leaves,
 * then the pod's spines or aggregation switches), then its cores, then explicit nodes in file
 * order. A link joins port aPort of node a to port bPort of node b; a host's port is its NIC
 * index.
 */
struct FabricGraph
{
    enum Kind : uint8_t
    {
        HOST,
        SWITCH,
    };

    static constexpr uint32_t NONE = UINT32_MAX;

    struct Node
    {
        std::string name;
        Kind kind{HOST};
        uint8_t tier{0};      //!< switches of generated planes: 1 leaf, 2 spine/agg, 3 core
        uint16_t profile{0};  //!< index into hostProfiles or switchProfiles
        uint32_t ports{0};    //!< NICs of a host, ports built on a switch
        uint32_t plane{NONE}; //!< generated plane, or NONE
        uint32_t pod{0};
        uint32_t leaf{0}; //!< leaf index within the pod
    };

    struct Link
    {
        uint32_t a{0};
        uint32_t b{0};
        uint32_t aPort{0};
        uint32_t bPort{0};
        uint16_t profile{0}; //!< index into linkProfiles
        uint64_t rateBps{0}; //!< both ends run at this rate
        Time delay;
    };

    std::string name;
    // The profiles nodes and links use, shared by copies of the graph: a graph outlives the
    // Topology it was expanded from.
    std::vector<std::shared_ptr<const HostProfile>> hostProfiles;
    std::vector<std::shared_ptr<const NicProfile>> nicProfiles; //!< of each host profile
    std::vector<std::shared_ptr<const SwitchProfile>> switchProfiles;
    std::vector<std::shared_ptr<const LinkProfile>> linkProfiles;
    std::vector<Node> nodes;
    std::vector<Link> links;
    std::vector<FatTreeShape> planeShapes; //!< per generated plane
    std::vector<std::string> planeNames;

    /// True when every switch comes from a generated plane and every link from a generator:
    /// switches then route by address fields (FatTreeAddress), with O(ports) state.
    bool algorithmic{true};
    /// The address layout of generated planes (when algorithmic).
    FatTreeAddress address;
    /// Otherwise: NICs are numbered by the switch they hang from (a group); the low address
    /// bits that number NICs within a group (see TableRouting).
    uint32_t groupHostBits{0};

    /// The rate of \p node's ports as its profile sets it (a link may run them slower).
    uint64_t GetPortRate(uint32_t node) const;

    /// The GPUs of node \p node (0 for a switch).
    uint32_t GetGpus(uint32_t node) const;

    /// The GPU NIC \p nic of host \p node serves (NICs are shared evenly among GPUs).
    uint32_t GetGpuOfNic(uint32_t node, uint32_t nic) const;

    /// The NIC of GPU \p gpu of host \p node: its own, or the one it shares when the host has
    /// fewer NICs than GPUs (GetGpuOfNic's inverse).
    uint32_t GetNicOfGpu(uint32_t node, uint32_t gpu) const;

    /// The node named \p name, or NONE. The first call indexes the names.
    uint32_t Find(const std::string& name) const;

  private:
    mutable std::unordered_map<std::string, uint32_t> m_index;
    mutable std::size_t m_indexed{0}; //!< nodes[0 .. m_indexed) are in m_index
};

/**
 * \brief Expand a topology into its graph and check it as a whole: dangling endpoints, duplicate
 *        names, more links than ports, rates that differ across a link, unconnected hosts.
 * \param topology a topology whose profiles and specs were read without errors
 * \param[out] diagnostics every problem; the graph is usable only if none were added
 */
FabricGraph ExpandTopology(const Topology& topology, std::vector<Diagnostic>& diagnostics);

/**
 * \brief Split a link endpoint or flow end, "name" or "name:port" (a decimal number).
 * \return false if the port part is malformed
 */
bool SplitEndpoint(const std::string& text, std::string& name, std::optional<uint32_t>& port);

/// Connected components of the switches (hosts do not forward): per node, a switch of its
/// component that names it; NONE for hosts.
std::vector<uint32_t> SwitchComponents(const FabricGraph& graph);

/**
 * \ingroup fabric-topology
 * \brief The links between hosts and switches indexed from both ends, and the switches NICs hang
 *        from numbered as groups: what connectivity checks, table routing, addresses and flow
 *        planning share. O(nodes + links) to build.
 *
 * Groups are numbered component by component (SwitchComponents), in node order within one, so
 * the groups a switch can reach form one range.
 */
class HostLinks
{
  public:
    explicit HostLinks(const FabricGraph& graph);

    /// The switch NIC \p nic of \p host hangs from; NONE if the NIC has no link.
    uint32_t GetSwitch(uint32_t host, uint32_t nic) const;
    /// The link of NIC \p nic of \p host (an index into FabricGraph::links); NONE if none.
    uint32_t GetHostLink(uint32_t host, uint32_t nic) const;
    /// The number of NICs that hang from switch \p sw.
    uint32_t GetNNics(uint32_t sw) const;
    /// The link to the \p k th NIC of switch \p sw, in the switch's port order.
    uint32_t GetNicLink(uint32_t sw, uint32_t k) const;
    /// The switch component of node \p n (SwitchComponents); NONE for hosts.
    uint32_t GetComponent(uint32_t n) const;

    /// The group of switch \p sw; NONE if no NIC hangs from it.
    uint32_t GetGroup(uint32_t sw) const;
    uint32_t GetNGroups() const;
    /// The switch of group \p g.
    uint32_t GetGroupSwitch(uint32_t g) const;
    /// The groups switch \p sw can reach: [first, end).
    std::pair<uint32_t, uint32_t> GetReachableGroups(uint32_t sw) const;
    /// The most NICs on one switch.
    uint32_t GetWidestGroup() const;

    /**
     * \brief Which NIC of host \p srcNode sends data from its NIC \p srcNic to NIC \p dstNic
     *        of host \p dstNode: srcNic if its switch component reaches the destination's, else
     *        the destination's NIC index (the one on rail-optimized planes), else any that does;
     *        another GPU's NIC only if the server has NVLink, which the data crosses first (as
     *        NCCL's PXN does). Between NICs of one server: NONE, NVLink carries the data.
     * \param[out] fabricNic the NIC, or NONE
     * \return empty, or why there is no path
     */
    std::string ChooseSourceNic(const FabricGraph& graph,
                                uint32_t srcNode,
                                uint32_t srcNic,
                                uint32_t dstNode,
                                uint32_t dstNic,
                                uint32_t& fabricNic) const;

  private:
    std::vector<uint32_t> m_component;
    std::vector<uint32_t> m_firstNic; //!< per node: its first slot in m_nicSwitch
    std::vector<uint32_t> m_nicSwitch;
    std::vector<uint32_t> m_nicLink;   //!< per slot of m_nicSwitch: the NIC's link
    std::vector<uint32_t> m_firstDown; //!< per node: its links are m_down[first[n] .. first[n+1])
    std::vector<uint32_t> m_down;
    std::vector<uint32_t> m_group;
    std::vector<uint32_t> m_groupSwitch;
    std::vector<std::pair<uint32_t, uint32_t>> m_componentGroups; //!< per component root
};

/**
 * \brief Breadth-first searches (Boost.Graph) over the switches out of each group's switch, in
 *        group order: shortest paths toward hosts, for diameters and routing tables.
 * \param visit called with each group and every node's distance in links from its switch
 *        (UINT32_MAX where unreachable; hosts are never reached)
 */
void ForEachGroupDistances(
    const FabricGraph& graph,
    const HostLinks& hostLinks,
    const std::function<void(uint32_t group, const std::vector<uint32_t>& distance)>& visit);

/// Links on the longest shortest host-to-host path: from the generators' shapes when the graph
/// is algorithmic, else one search per group (O(groups x links)).
uint32_t GetDiameter(const FabricGraph& graph);

/// Counts and properties `nsfab info` reports.
struct TopologyInfo
{
    uint64_t servers{0};
    uint64_t gpus{0};
    uint64_t nics{0};
    uint64_t switches{0};
    uint64_t links{0};
    uint64_t ports{0}; //!< NICs and switch ports built
    /// Switches per (plane name or "explicit", tier name), in order of first appearance.
    std::vector<std::pair<std::string, uint64_t>> switchesByTier;
    /// Links per (plane name or "explicit", "host-leaf", "leaf-spine", ...).
    std::vector<std::pair<std::string, uint64_t>> linksByTier;
    double bisectionBps{0}; //!< summed over planes
    double oversubscription{1};
    uint64_t memoryBytes{0};
};

/// Summarize \p graph; linear in its size (the diameter is GetDiameter's).
TopologyInfo SummarizeTopology(const FabricGraph& graph);

/// Measured memory of the built model (scripts/bench prints estimate and measurement side by
/// side): bytes per port, per switch, per host and per link.
struct ModelFootprint
{
    static constexpr uint64_t PER_PORT = 1130;
    static constexpr uint64_t PER_SWITCH = 4000;
    static constexpr uint64_t PER_HOST = 1500;
    static constexpr uint64_t PER_LINK = 300;
};

} // namespace ns3

#endif // TOPOLOGY_H
