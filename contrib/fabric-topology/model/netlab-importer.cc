/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "importer-util.h"
#include "topology-importer.h"

#include "ns3/fabric-units.h"

#include <cmath>
#include <cstdlib>

namespace ns3
{

/**
 * \ingroup fabric-topology
 * \brief Imports netlab lab topologies.
 *
 * The format (https://netlab.tools/topology-reference/, .../nodes/, .../links/,
 * .../node-roles/): `nodes` as a list of names, a list of maps with `name`, or a map of name to
 * attributes; `defaults.device` for nodes without a `device`; `groups.<g>` with `members` and a
 * `device` or `role` for them; `links` as a list (or a map of lists) of strings "a-b", lists of
 * node names, maps whose keys are node names plus link attributes, maps with an `interfaces`
 * list of `{node: a}`, and link groups (`group`, `members`, shared attributes).
 *
 * A node with `role: host`, or without a role and `device: linux` (netlab's host device), is a
 * host; routers and bridges are switches. Link rates come from `tc.rate` (the rate netlab
 * shapes the link to) or else `bandwidth`, both in kbit/s as netlab writes them; delays from
 * `tc.delay` (a number is milliseconds, as in netlab, or a time with a unit). A link of more than
 * two nodes, or between two hosts, is a LAN that netlab builds on a bridge: it becomes a switch
 * named like netlab's bridge (the link's `bridge`, else "<lab name>_<link index>") joined to
 * each node. Stub links (one node) and disabled links are skipped.
 */
class NetlabImporter : public TopologyImporter
{
  public:
    static TypeId GetTypeId();

    std::string GetFormatName() const override
    {
        return "netlab";
    }

    std::string GetDescription() const override
    {
        return "netlab lab topology (YAML): nodes, groups and links";
    }

    bool Detect(const std::string& path, const std::string& text) const override;
    bool Import(const std::string& path,
                const std::string& text,
                const ImportOptions& options,
                ImportResult& result,
                std::vector<Diagnostic>& diagnostics) const override;
};

NS_OBJECT_ENSURE_REGISTERED(NetlabImporter);

TypeId
NetlabImporter::GetTypeId()
{
    static TypeId tid = TypeId("ns3::NetlabImporter")
                            .SetParent<TopologyImporter>()
                            .SetGroupName("FabricTopology")
                            .AddConstructor<NetlabImporter>();
    return tid;
}

namespace
{
/// map[a.b] written either nested (a: {b: v}) or as netlab's dotted key ("a.b": v).
YAML::Node
Dotted(const YAML::Node& map, const char* first, const char* second)
{
    if (!map || !map.IsMap())
    {
        return YAML::Node();
    }
    const YAML::Node nested = map[first];
    if (nested && nested.IsMap() && nested[second])
    {
        return nested[second];
    }
    return map[std::string(first) + "." + second];
}

/// One link as netlab describes it, before it is placed.
struct NetlabLink
{
    std::vector<std::string> nodes;
    uint64_t rateBps{0};
    std::optional<Time> delay;
    std::string bridge;
    bool disabled{false};
    SourceMark mark;
};

/// Reads nodes and links of one netlab file into an ImportBuilder.
class NetlabReader
{
  public:
    NetlabReader(YamlReader& reader, ImportBuilder& builder)
        : m_reader(reader),
          m_builder(builder)
    {
    }

    void ReadNodes(const YAML::Node& root);
    /// Flatten `links` (a list, or a map of lists) into m_links.
    void ReadLinks(const YAML::Node& links, const std::string& where);
    void PlaceLinks(const std::string& labName);

  private:
    void ReadLink(const YAML::Node& link, const std::string& where, const NetlabLink* group);
    /// Read tc.rate/bandwidth and tc.delay of \p map into \p link.
    void ReadAttributes(const YAML::Node& map, const std::string& where, NetlabLink& link);

    YamlReader& m_reader;
    ImportBuilder& m_builder;
    std::vector<NetlabLink> m_links;
};

void
NetlabReader::ReadNodes(const YAML::Node& root)
{
    const YAML::Node device = Dotted(root, "defaults", "device");
    std::string defaultDevice = device && device.IsScalar() ? device.Scalar() : "";
    // Group settings for members without their own.
    std::map<std::string, std::pair<std::string, std::string>> memberOf; // device, role
    const YAML::Node groups = root["groups"];
    if (groups && groups.IsMap())
    {
        for (const auto& group : groups)
        {
            const YAML::Node members =
                group.second.IsMap() ? group.second["members"] : YAML::Node();
            for (std::size_t i = 0; members && members.IsSequence() && i < members.size(); ++i)
            {
                memberOf[members[i].Scalar()] = {ScalarAt(group.second, "device"),
                                                 ScalarAt(group.second, "role")};
            }
        }
    }
    const YAML::Node nodes = root["nodes"];
    auto add = [&](const std::string& name,
                   const YAML::Node& attributes,
                   const YAML::Node& at,
                   const std::string& where) {
        auto group = memberOf.find(name);
        std::string device = ScalarAt(attributes, "device");
        std::string role = ScalarAt(attributes, "role");
        if (group != memberOf.end())
        {
            device = device.empty() ? group->second.first : device;
            role = role.empty() ? group->second.second : role;
        }
        device = device.empty() ? defaultDevice : device;
        bool host = role.empty() ? device == "linux" : ParseNodeRole(role) == NodeRole::HOST;
        SourceMark mark = MarkOf(at, where);
        if (host)
        {
            m_builder.AddHost(name, mark);
        }
        else
        {
            m_builder.AddSwitch(name, mark);
        }
    };
    if (nodes && nodes.IsMap())
    {
        for (const auto& entry : nodes)
        {
            add(entry.first.Scalar(), entry.second, entry.first, "nodes." + entry.first.Scalar());
        }
        return;
    }
    if (!nodes || !nodes.IsSequence())
    {
        m_reader.Error(nodes ? nodes : root, "nodes", "expected a list or a map of nodes");
        return;
    }
    for (std::size_t i = 0; i < nodes.size(); ++i)
    {
        const YAML::Node node = nodes[i];
        std::string where = "nodes[" + std::to_string(i) + "]";
        std::string name = node.IsScalar() ? node.Scalar() : ScalarAt(node, "name");
        if (name.empty())
        {
            m_reader.Error(node, where, "expected a node name or a map with 'name'");
            continue;
        }
        add(name, node, node, where);
    }
}

void
NetlabReader::ReadAttributes(const YAML::Node& map, const std::string& where, NetlabLink& link)
{
    // A rate in kbit/s: netlab's `bandwidth` and `tc.rate` unit.
    auto kbps = [&](const YAML::Node& value, const std::string& key) {
        char* end = nullptr;
        double rate = value.IsScalar() ? std::strtod(value.Scalar().c_str(), &end) : -1;
        if (!value.IsScalar() || *end != '\0' || !(rate > 0))
        {
            m_reader.Error(value, where + "." + key, "expected a rate in kbit/s, such as 100000");
            return uint64_t(0);
        }
        return static_cast<uint64_t>(std::llround(rate * 1000));
    };
    if (const YAML::Node bandwidth = map["bandwidth"])
    {
        link.rateBps = kbps(bandwidth, "bandwidth");
    }
    if (const YAML::Node rate = Dotted(map, "tc", "rate"))
    {
        link.rateBps = kbps(rate, "tc.rate");
    }
    if (const YAML::Node delay = Dotted(map, "tc", "delay"))
    {
        std::string text = delay.IsScalar() ? delay.Scalar() : "";
        char* end = nullptr;
        double ms = std::strtod(text.c_str(), &end);
        Time time;
        std::string problem = !text.empty() && *end == '\0' ? (ms >= 0 ? "" : "negative delay")
                                                            : fabric::ParseTime(text, time);
        if (!problem.empty())
        {
            m_reader.Error(delay, where + ".tc.delay", problem);
        }
        else
        {
            link.delay = !text.empty() && *end == '\0' ? PicoSeconds(std::llround(ms * 1e9)) : time;
        }
    }
    link.bridge = ScalarAt(map, "bridge");
    std::string disable = ScalarAt(map, "disable");
    link.disabled = disable == "true" || disable == "True" || disable == "TRUE";
}

void
NetlabReader::ReadLink(const YAML::Node& link, const std::string& where, const NetlabLink* group)
{
    NetlabLink parsed = group ? *group : NetlabLink{};
    parsed.nodes.clear();
    parsed.mark = MarkOf(link, where);
    if (link.IsScalar())
    {
        // "a-b-c"; a name with hyphens is a stub link of that node (netlab: "Node Names with
        // Hyphens").
        std::string text = link.Scalar();
        if (m_builder.Has(text))
        {
            parsed.nodes.push_back(text);
        }
        else
        {
            std::size_t start = 0;
            while (start <= text.size())
            {
                std::size_t dash = std::min(text.find('-', start), text.size());
                parsed.nodes.push_back(text.substr(start, dash - start));
                start = dash + 1;
            }
        }
    }
    else if (link.IsSequence())
    {
        for (std::size_t i = 0; i < link.size(); ++i)
        {
            parsed.nodes.push_back(link[i].IsScalar() ? link[i].Scalar() : "");
        }
    }
    else if (link.IsMap() && link["members"])
    {
        NetlabLink shared = parsed;
        ReadAttributes(link, where, shared);
        const YAML::Node members = link["members"];
        for (std::size_t i = 0; members.IsSequence() && i < members.size(); ++i)
        {
            ReadLink(members[i], where + ".members[" + std::to_string(i) + "]", &shared);
        }
        return;
    }
    else if (link.IsMap())
    {
        ReadAttributes(link, where, parsed);
        const YAML::Node interfaces = link["interfaces"];
        for (std::size_t i = 0; interfaces && interfaces.IsSequence() && i < interfaces.size(); ++i)
        {
            parsed.nodes.push_back(ScalarAt(interfaces[i], "node"));
        }
        for (const auto& entry : link)
        {
            std::string key = entry.first.Scalar();
            if (m_builder.Has(key))
            {
                parsed.nodes.push_back(key);
            }
            else if (entry.second.IsNull())
            {
                // Attributes have values; a bare key is a node (netlab rejects misspelled ones).
                m_reader.Error(entry.first, where + "." + key, "unknown node '" + key + "'");
            }
        }
    }
    else
    {
        m_reader.Error(link, where, "expected a link: \"a-b\", a list of nodes or a map");
        return;
    }
    for (const auto& node : parsed.nodes)
    {
        if (node.empty())
        {
            m_reader.Error(link, where, "a link endpoint has no node name");
            return;
        }
    }
    m_links.push_back(std::move(parsed));
}

void
NetlabReader::ReadLinks(const YAML::Node& links, const std::string& where)
{
    if (links && links.IsMap())
    {
        for (const auto& entry : links)
        {
            ReadLinks(entry.second, where + "." + entry.first.Scalar());
        }
    }
    else if (links && links.IsSequence())
    {
        for (std::size_t i = 0; i < links.size(); ++i)
        {
            ReadLink(links[i], where + "[" + std::to_string(i) + "]", nullptr);
        }
    }
    else if (links)
    {
        m_reader.Error(links, where, "expected a list of links");
    }
}

void
NetlabReader::PlaceLinks(const std::string& labName)
{
    std::size_t stubs = 0;
    std::size_t disabled = 0;
    std::vector<std::string> bridges;
    for (std::size_t i = 0; i < m_links.size(); ++i)
    {
        const NetlabLink& link = m_links[i];
        if (link.disabled || link.nodes.size() < 2)
        {
            (link.disabled ? disabled : stubs)++;
            continue;
        }
        bool known = true;
        for (const auto& node : link.nodes)
        {
            if (!m_builder.Has(node))
            {
                m_builder.Error(link.mark, "link to an unknown node '" + node + "'");
                known = false;
            }
        }
        if (!known)
        {
            continue;
        }
        bool lan = link.nodes.size() > 2 ||
                   (!m_builder.IsSwitch(link.nodes[0]) && !m_builder.IsSwitch(link.nodes[1]));
        if (!lan)
        {
            m_builder.AddLink(link.nodes[0], link.nodes[1], link.rateBps, link.delay, link.mark);
            continue;
        }
        std::string bridge =
            link.bridge.empty() ? labName + "_" + std::to_string(i + 1) : link.bridge;
        bridges.push_back(bridge);
        m_builder.AddSwitch(bridge, link.mark);
        for (const auto& node : link.nodes)
        {
            m_builder.AddLink(node, bridge, link.rateBps, link.delay, link.mark);
        }
    }
    if (!bridges.empty())
    {
        std::string list;
        for (const auto& bridge : bridges)
        {
            list += (list.empty() ? "" : ", ") + bridge;
        }
        m_builder.Note("LAN links (more than two nodes, or two hosts) are bridge switches, as "
                       "netlab builds them: " +
                       list);
    }
    if (stubs + disabled > 0)
    {
        m_builder.Note("skipped " + std::to_string(stubs) + " stub and " +
                       std::to_string(disabled) + " disabled link(s)");
    }
}
} // namespace

bool
NetlabImporter::Detect(const std::string& path, const std::string& text) const
{
    std::optional<YAML::Node> root = LoadYamlQuietly(text);
    if (!root || !root->IsMap() || (*root)["topology"] || (*root)["directed"] || !(*root)["nodes"])
    {
        return false;
    }
    const YAML::Node nodes = (*root)["nodes"];
    if (nodes.IsMap())
    {
        return true;
    }
    // NetworkX node-link data also has a list `nodes`, of maps with `id`.
    return nodes.IsSequence() && nodes.size() > 0 &&
           (nodes[0].IsScalar() || (nodes[0].IsMap() && nodes[0]["name"]));
}

bool
NetlabImporter::Import(const std::string& path,
                       const std::string& text,
                       const ImportOptions& options,
                       ImportResult& result,
                       std::vector<Diagnostic>& diagnostics) const
{
    return GuardImport(path, diagnostics, [&]() {
        YamlReader reader(path, diagnostics);
        std::optional<YAML::Node> root = reader.Parse(text);
        if (!root)
        {
            return false;
        }
        if (!root->IsMap())
        {
            reader.Error(*root, "", "expected a map with nodes and links");
            return false;
        }
        ImportBuilder builder(path, options, diagnostics);
        NetlabReader netlab(reader, builder);
        netlab.ReadNodes(*root);
        netlab.ReadLinks((*root)["links"], "links");
        std::string name = ScalarAt(*root, "name");
        name = name.empty() ? FileStem(path) : name;
        netlab.PlaceLinks(name);
        return builder.Finish(name, result);
    });
}

} // namespace ns3
