/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "importer-util.h"
#include "topology-importer.h"

namespace ns3
{

/**
 * \ingroup fabric-topology
 * \brief Imports Slurm's topology.yaml (Slurm 23.11 and later).
 *
 * The format (topology.yaml(5), https://slurm.schedmd.com/topology.yaml.html): a list of
 * topologies, each with a `topology` name, an optional `cluster_default`, and one of `tree:
 * {switches: [{switch, children, nodes}]}`, `block: {block_sizes, blocks: [{block, nodes}]}` or
 * `flat: true`; `children` and `nodes` are hostlist expressions ("node[01-04,07]").
 *
 * The topology with `cluster_default: true` is imported, else the first one. A tree gives its
 * switches, its nodes as hosts (a node under two switches has two NICs) and a link from each
 * switch to each child. A block topology gives a switch per block, linked to the block's nodes,
 * and a switch "<topology>-top" joining the blocks with one uplink per block node (non-blocking);
 * the larger block_sizes, which Slurm uses to place jobs, are not built as further tiers. A flat
 * topology has no switches and is refused. topology.yaml has no link speeds, so links take
 * ImportOptions' rate and delay.
 */
class SlurmImporter : public TopologyImporter
{
  public:
    static TypeId GetTypeId();

    std::string GetFormatName() const override
    {
        return "slurm";
    }

    std::string GetDescription() const override
    {
        return "Slurm topology.yaml: tree (switches, children, nodes) or block topologies";
    }

    bool Detect(const std::string& path, const std::string& text) const override;
    bool Import(const std::string& path,
                const std::string& text,
                const ImportOptions& options,
                ImportResult& result,
                std::vector<Diagnostic>& diagnostics) const override;
};

NS_OBJECT_ENSURE_REGISTERED(SlurmImporter);

TypeId
SlurmImporter::GetTypeId()
{
    static TypeId tid = TypeId("ns3::SlurmImporter")
                            .SetParent<TopologyImporter>()
                            .SetGroupName("FabricTopology")
                            .AddConstructor<SlurmImporter>();
    return tid;
}

namespace
{
/// The names of the hostlist at map[key] (none if absent), reporting a bad expression.
std::vector<std::string>
Hostlist(YamlReader& reader, const YAML::Node& map, const char* key, const std::string& path)
{
    std::vector<std::string> names;
    std::string expression;
    if (reader.ReadString(map, key, path, expression))
    {
        std::string problem = ExpandHostlist(expression, names);
        if (!problem.empty())
        {
            reader.Error(map[key], JoinPath(path, key), problem);
            names.clear();
        }
    }
    return names;
}

/// Add \p name as a host unless it is already there.
void
AddNode(ImportBuilder& builder, const std::string& name, const SourceMark& mark)
{
    if (!builder.Has(name))
    {
        builder.AddHost(name, mark);
    }
}

void
ReadTree(YamlReader& reader,
         ImportBuilder& builder,
         const YAML::Node& tree,
         const std::string& path)
{
    if (!reader.CheckMap(tree, path, {"switches"}) || !reader.Require(tree, "switches", path))
    {
        return;
    }
    const YAML::Node switches = tree["switches"];
    std::string listPath = JoinPath(path, "switches");
    if (!switches.IsSequence())
    {
        reader.Error(switches, listPath, "expected a list of switches");
        return;
    }
    std::vector<std::string> names(switches.size());
    for (std::size_t i = 0; i < switches.size(); ++i)
    {
        std::string where = listPath + "[" + std::to_string(i) + "]";
        if (reader.CheckMap(switches[i], where, {"switch", "children", "nodes"}) &&
            reader.Require(switches[i], "switch", where) &&
            reader.ReadString(switches[i], "switch", where, names[i]))
        {
            builder.AddSwitch(names[i], MarkOf(switches[i], where));
        }
    }
    for (std::size_t i = 0; i < switches.size(); ++i)
    {
        if (names[i].empty())
        {
            continue;
        }
        std::string where = listPath + "[" + std::to_string(i) + "]";
        SourceMark mark = MarkOf(switches[i], where);
        for (const auto& child : Hostlist(reader, switches[i], "children", where))
        {
            if (!builder.Has(child) || !builder.IsSwitch(child))
            {
                reader.Error(switches[i]["children"],
                             where + ".children",
                             "'" + child + "' is not a switch of this tree");
                continue;
            }
            builder.AddLink(names[i], child, 0, std::nullopt, mark);
        }
        for (const auto& node : Hostlist(reader, switches[i], "nodes", where))
        {
            AddNode(builder, node, MarkOf(switches[i]["nodes"], where + ".nodes"));
            builder.AddLink(node, names[i], 0, std::nullopt, mark);
        }
    }
}

void
ReadBlocks(YamlReader& reader,
           ImportBuilder& builder,
           const YAML::Node& block,
           const std::string& path,
           const std::string& topologyName)
{
    if (!reader.CheckMap(block, path, {"block_sizes", "blocks"}) ||
        !reader.Require(block, "blocks", path))
    {
        return;
    }
    const YAML::Node blocks = block["blocks"];
    std::string listPath = JoinPath(path, "blocks");
    if (!blocks.IsSequence())
    {
        reader.Error(blocks, listPath, "expected a list of blocks");
        return;
    }
    std::string top = topologyName + "-top";
    if (blocks.size() > 1)
    {
        builder.AddSwitch(top, MarkOf(blocks, listPath));
    }
    for (std::size_t i = 0; i < blocks.size(); ++i)
    {
        std::string where = listPath + "[" + std::to_string(i) + "]";
        std::string name;
        if (!reader.CheckMap(blocks[i], where, {"block", "nodes"}) ||
            !reader.Require(blocks[i], "block", where) ||
            !reader.ReadString(blocks[i], "block", where, name))
        {
            continue;
        }
        SourceMark mark = MarkOf(blocks[i], where);
        builder.AddSwitch(name, mark);
        for (const auto& node : Hostlist(reader, blocks[i], "nodes", where))
        {
            AddNode(builder, node, MarkOf(blocks[i]["nodes"], where + ".nodes"));
            builder.AddLink(node, name, 0, std::nullopt, mark);
            if (blocks.size() > 1)
            {
                builder.AddLink(name, top, 0, std::nullopt, mark);
            }
        }
    }
    if (blocks.size() > 1)
    {
        builder.Note("block topology: a switch per block, joined by switch " + top +
                     " with one uplink per block node; larger block_sizes are not built as "
                     "further tiers");
    }
}
} // namespace

bool
SlurmImporter::Detect(const std::string& path, const std::string& text) const
{
    std::optional<YAML::Node> root = LoadYamlQuietly(text);
    return root && root->IsSequence() && root->size() > 0 && (*root)[0].IsMap() &&
           (*root)[0]["topology"] &&
           ((*root)[0]["tree"] || (*root)[0]["block"] || (*root)[0]["flat"]);
}

bool
SlurmImporter::Import(const std::string& path,
                      const std::string& text,
                      const ImportOptions& options,
                      ImportResult& result,
                      std::vector<Diagnostic>& diagnostics) const
{
    return GuardImport(path, diagnostics, [&]() {
        YamlReader reader(path, diagnostics);
        std::optional<YAML::Node> parsed = reader.Parse(text);
        if (!parsed)
        {
            return false;
        }
        const YAML::Node root = *parsed;
        if (!root.IsSequence() || root.size() == 0)
        {
            reader.Error(root, "", "expected a list of topologies");
            return false;
        }
        std::size_t chosen = 0;
        bool defaultFound = false;
        for (std::size_t i = 0; i < root.size(); ++i)
        {
            std::string where = "[" + std::to_string(i) + "]";
            bool isDefault = false;
            if (!reader.CheckMap(root[i],
                                 where,
                                 {"topology", "cluster_default", "tree", "block", "flat"}) ||
                !reader.Require(root[i], "topology", where))
            {
                return false;
            }
            if (reader.ReadBool(root[i], "cluster_default", where, isDefault) && isDefault &&
                !defaultFound)
            {
                chosen = i;
                defaultFound = true;
            }
        }
        const YAML::Node topology = root[chosen];
        std::string where = "[" + std::to_string(chosen) + "]";
        std::string name;
        reader.ReadString(topology, "topology", where, name);
        if (root.size() > 1)
        {
            result.notes.push_back("imported topology '" + name + "'" +
                                   (defaultFound ? " (cluster_default)" : " (the first)") +
                                   "; the file has " + std::to_string(root.size()));
        }
        ImportBuilder builder(path, options, diagnostics);
        int kinds = 0;
        for (const char* kind : {"tree", "block", "flat"})
        {
            kinds += topology[kind] ? 1 : 0;
        }
        if (kinds != 1)
        {
            reader.Error(topology, where, "a topology has exactly one of tree, block or flat");
            return false;
        }
        if (topology["flat"])
        {
            reader.Error(topology["flat"],
                         JoinPath(where, "flat"),
                         "a flat topology has no switches to import; give a tree or block "
                         "topology cluster_default: true");
            return false;
        }
        if (topology["tree"])
        {
            ReadTree(reader, builder, topology["tree"], JoinPath(where, "tree"));
        }
        else
        {
            ReadBlocks(reader, builder, topology["block"], JoinPath(where, "block"), name);
        }
        return builder.Finish(name, result);
    });
}

} // namespace ns3
