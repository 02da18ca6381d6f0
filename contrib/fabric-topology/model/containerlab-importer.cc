/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "importer-util.h"
#include "topology-importer.h"

#include <map>
#include <set>

namespace ns3
{

/**
 * \ingroup fabric-topology
 * \brief Imports containerlab topology files (*.clab.yml).
 *
 * The format (https://containerlab.dev/manual/topo-def-file/, .../manual/nodes/,
 * .../manual/network/): a lab `name`; `topology.nodes`, a map of node name to its settings, whose
 * `kind` comes from the node, else its `group` (`topology.groups.<g>.kind`), else
 * `topology.defaults.kind`; `topology.links`, each with `endpoints: ["a:eth1", "b:e1-1"]` or,
 * in the extended form, `type: veth` and `endpoints: [{node: a, interface: eth1}, ...]`.
 *
 * Kinds that run end systems become hosts: linux (containers), generic_vm, ext-container and
 * keysight_ixia-c-one (a traffic generator). Every other kind is a network OS (nokia_srlinux,
 * arista_ceos, sonic-vs, cisco_xrd, juniper_crpd, ...) or a bridge (bridge, ovs-bridge) and
 * becomes a switch. A node's label `nsfab-role: host` or `switch` overrides its kind, e.g. for
 * a linux container running FRR as a router. Links to the containerlab host, the management
 * network or macvlan interfaces leave the lab and are skipped. containerlab links carry no
 * rate or delay (impairments are set at run time), so links take ImportOptions' rate and delay;
 * interface names are not kept: ports are taken in link order.
 */
class ContainerlabImporter : public TopologyImporter
{
  public:
    static TypeId GetTypeId();

    std::string GetFormatName() const override
    {
        return "containerlab";
    }

    std::string GetDescription() const override
    {
        return "containerlab topology definition (*.clab.yml): topology.nodes and "
               "topology.links";
    }

    bool Detect(const std::string& path, const std::string& text) const override;
    bool Import(const std::string& path,
                const std::string& text,
                const ImportOptions& options,
                ImportResult& result,
                std::vector<Diagnostic>& diagnostics) const override;
};

NS_OBJECT_ENSURE_REGISTERED(ContainerlabImporter);

TypeId
ContainerlabImporter::GetTypeId()
{
    static TypeId tid = TypeId("ns3::ContainerlabImporter")
                            .SetParent<TopologyImporter>()
                            .SetGroupName("FabricTopology")
                            .AddConstructor<ContainerlabImporter>();
    return tid;
}

bool
ContainerlabImporter::Detect(const std::string& path, const std::string& text) const
{
    if (EndsWith(path, ".clab.yml") || EndsWith(path, ".clab.yaml"))
    {
        return true;
    }
    std::optional<YAML::Node> root = LoadYamlQuietly(text);
    return root && root->IsMap() && (*root)["topology"] && (*root)["topology"].IsMap() &&
           (*root)["topology"]["nodes"];
}

namespace
{
/// The import itself; ContainerlabImporter::Import guards it against exceptions.
bool
ReadContainerlab(const std::string& path,
                 const std::string& text,
                 const ImportOptions& options,
                 ImportResult& result,
                 std::vector<Diagnostic>& diagnostics)
{
    YamlReader reader(path, diagnostics);
    std::optional<YAML::Node> parsed = reader.Parse(text);
    if (!parsed)
    {
        return false;
    }
    const YAML::Node root = *parsed;
    if (!root.IsMap() || !root["topology"] || !root["topology"].IsMap())
    {
        reader.Error(root, "topology", "expected a map 'topology' with nodes and links");
        return false;
    }
    const YAML::Node topology = root["topology"];
    const YAML::Node nodes = topology["nodes"];
    if (!nodes || !nodes.IsMap())
    {
        reader.Error(nodes ? nodes : topology, "topology.nodes", "expected a map of nodes");
        return false;
    }
    static const std::set<std::string> hostKinds{"linux",
                                                 "generic_vm",
                                                 "ext-container",
                                                 "keysight_ixia-c-one"};
    ImportBuilder builder(path, options, diagnostics);
    std::string defaultKind = ScalarAt(topology["defaults"], "kind");
    const YAML::Node groups = topology["groups"];
    std::map<std::string, std::set<std::string>> kindsByRole; // for the note
    for (const auto& entry : nodes)
    {
        std::string name = entry.first.Scalar();
        std::string where = "topology.nodes." + name;
        const YAML::Node node = entry.second;
        if (!node.IsNull() && !node.IsMap())
        {
            reader.Error(node, where, "expected a map of node settings");
            continue;
        }
        std::string kind = ScalarAt(node, "kind");
        std::string group = ScalarAt(node, "group");
        if (kind.empty() && !group.empty() && groups && groups.IsMap())
        {
            kind = ScalarAt(groups[group], "kind");
        }
        kind = kind.empty() ? defaultKind : kind;
        if (kind.empty())
        {
            reader.Error(entry.first,
                         where,
                         "node has no kind (set kind, its group's kind or "
                         "topology.defaults.kind)");
            continue;
        }
        bool isSwitch = hostKinds.count(kind) == 0;
        std::string role = node.IsMap() ? ScalarAt(node["labels"], "nsfab-role") : "";
        if (!role.empty())
        {
            NodeRole parsedRole = ParseNodeRole(role);
            if (parsedRole == NodeRole::UNKNOWN)
            {
                reader.Error(node["labels"]["nsfab-role"],
                             where + ".labels.nsfab-role",
                             "expected host or switch, not '" + role + "'");
                continue;
            }
            isSwitch = parsedRole == NodeRole::SWITCH;
            kind += " (nsfab-role)";
        }
        kindsByRole[isSwitch ? "switches" : "hosts"].insert(kind);
        SourceMark mark = MarkOf(entry.first, where);
        if (isSwitch)
        {
            builder.AddSwitch(name, mark);
        }
        else
        {
            builder.AddHost(name, mark);
        }
    }
    for (const auto& [role, kinds] : kindsByRole)
    {
        std::string list;
        for (const auto& kind : kinds)
        {
            list += (list.empty() ? "" : ", ") + kind;
        }
        builder.Note(role + " are the nodes of kind " + list);
    }

    static const std::set<std::string> outside{"host", "mgmt-net", "macvlan"};
    std::size_t skipped = 0;
    const YAML::Node links = topology["links"];
    if (links && !links.IsSequence())
    {
        reader.Error(links, "topology.links", "expected a list of links");
    }
    for (std::size_t i = 0; links && links.IsSequence() && i < links.size(); ++i)
    {
        const YAML::Node link = links[i];
        std::string where = "topology.links[" + std::to_string(i) + "]";
        if (!link.IsMap() || !link["endpoints"] || !link["endpoints"].IsSequence())
        {
            reader.Error(link, where, "expected a map with a list 'endpoints'");
            continue;
        }
        std::string type = ScalarAt(link, "type");
        if (!type.empty() && type != "veth")
        {
            ++skipped; // host, mgmt-net, macvlan, vxlan and dummy links leave the lab
            continue;
        }
        const YAML::Node endpoints = link["endpoints"];
        std::vector<std::string> ends;
        for (std::size_t k = 0; k < endpoints.size(); ++k)
        {
            const YAML::Node end = endpoints[k];
            std::string endPath = where + ".endpoints[" + std::to_string(k) + "]";
            std::string node = end.IsMap() ? ScalarAt(end, "node") : "";
            if (end.IsScalar())
            {
                std::size_t colon = end.Scalar().find(':');
                node = end.Scalar().substr(0, colon);
                if (colon == std::string::npos || colon == 0)
                {
                    reader.Error(end,
                                 endPath,
                                 "expected 'node:interface', not '" + end.Scalar() + "'");
                    node.clear();
                }
            }
            else if (node.empty())
            {
                reader.Error(end, endPath, "expected 'node:interface' or a map with 'node'");
            }
            ends.push_back(node);
        }
        if (ends.size() != 2)
        {
            reader.Error(endpoints, where + ".endpoints", "a link has two endpoints");
            continue;
        }
        if (ends[0].empty() || ends[1].empty())
        {
            continue;
        }
        if (outside.count(ends[0]) > 0 || outside.count(ends[1]) > 0)
        {
            ++skipped;
            continue;
        }
        builder.AddLink(ends[0], ends[1], 0, std::nullopt, MarkOf(link, where));
    }
    if (skipped > 0)
    {
        builder.Note("skipped " + std::to_string(skipped) +
                     " link(s) to the containerlab host, management network, macvlan, vxlan "
                     "or dummy interfaces");
    }
    builder.Note("interface names are not kept: each node's ports are taken in link order");
    std::string name = ScalarAt(root, "name");
    return builder.Finish(name.empty() ? FileStem(path) : name, result);
}

} // namespace

bool
ContainerlabImporter::Import(const std::string& path,
                             const std::string& text,
                             const ImportOptions& options,
                             ImportResult& result,
                             std::vector<Diagnostic>& diagnostics) const
{
    return GuardImport(path, diagnostics, [&]() {
        return ReadContainerlab(path, text, options, result, diagnostics);
    });
}

} // namespace ns3
