/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "importer-util.h"
#include "topology-importer.h"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <sstream>

namespace ns3
{

/**
 * \ingroup fabric-topology
 * \brief Imports GraphML files (networkx.write_graphml, yEd, the Internet Topology Zoo, and
 *        WriteGraphml's output).
 *
 * The format (GraphML Primer, http://graphml.graphdrawing.org/primer/graphml-primer.html):
 * `<key id for attr.name attr.type>` declarations with an optional `<default>`, then a `<graph>`
 * of `<node id>` and `<edge source target>` elements, each holding `<data key>` values. The first
 * graph is imported; attributes are looked up by their attr.name (or the key's id without one)
 * and follow AddGraph's conventions for kinds, rates, delays and ports. Nested graphs and
 * hyperedges have no counterpart here and are reported.
 */
class GraphmlImporter : public TopologyImporter
{
  public:
    static TypeId GetTypeId();

    std::string GetFormatName() const override
    {
        return "graphml";
    }

    std::string GetDescription() const override
    {
        return "GraphML (networkx.write_graphml, yEd, Topology Zoo, nsfab export)";
    }

    bool Detect(const std::string& path, const std::string& text) const override;
    bool Import(const std::string& path,
                const std::string& text,
                const ImportOptions& options,
                ImportResult& result,
                std::vector<Diagnostic>& diagnostics) const override;
};

NS_OBJECT_ENSURE_REGISTERED(GraphmlImporter);

TypeId
GraphmlImporter::GetTypeId()
{
    static TypeId tid = TypeId("ns3::GraphmlImporter")
                            .SetParent<TopologyImporter>()
                            .SetGroupName("FabricTopology")
                            .AddConstructor<GraphmlImporter>();
    return tid;
}

namespace
{
using Ptree = boost::property_tree::ptree;

/**
 * \brief Byte offsets of the start tags named \p tag ("node", "edge") in document order.
 *
 * Boost.PropertyTree keeps no positions; elements come in document order, so the k-th element
 * of a kind is found at the k-th start tag. Comments, CDATA sections and processing
 * instructions are skipped.
 */
std::vector<std::size_t>
TagOffsets(const std::string& text, const std::string& tag)
{
    std::vector<std::size_t> offsets;
    for (std::size_t i = text.find('<'); i != std::string::npos; i = text.find('<', i + 1))
    {
        for (const auto& [open, close] : {std::make_pair("<!--", "-->"),
                                          std::make_pair("<![CDATA[", "]]>"),
                                          std::make_pair("<?", "?>")})
        {
            if (text.compare(i, std::char_traits<char>::length(open), open) == 0)
            {
                i = std::min(text.find(close, i), text.size() - 1);
            }
        }
        std::size_t after = i + 1 + tag.size();
        if (text.compare(i + 1, tag.size(), tag) == 0 && after < text.size() &&
            (std::isspace(static_cast<unsigned char>(text[after])) || text[after] == '/' ||
             text[after] == '>'))
        {
            offsets.push_back(i);
        }
    }
    return offsets;
}

/// A declared attribute: its name and default.
struct Key
{
    std::string name;
    std::optional<std::string> defaultValue;
};

/// Fill \p element's attributes from its <data> children and the defaults of \p domain's keys.
void
ReadData(const Ptree& element,
         const std::map<std::string, Key>& keys,
         const std::map<std::string, std::string>& forKey,
         const std::string& domain,
         GraphElement& out)
{
    for (const auto& [id, key] : keys)
    {
        const std::string& scope = forKey.at(id);
        if ((scope == domain || scope == "all") && key.defaultValue)
        {
            out.attributes[key.name] = *key.defaultValue;
        }
    }
    for (const auto& [tag, child] : element)
    {
        if (tag == "data")
        {
            std::string id = child.get<std::string>("<xmlattr>.key", "");
            auto key = keys.find(id);
            out.attributes[key == keys.end() ? id : key->second.name] = child.data();
        }
    }
}
} // namespace

bool
GraphmlImporter::Detect(const std::string& path, const std::string& text) const
{
    return text.substr(0, 4096).find("<graphml") != std::string::npos || EndsWith(path, ".graphml");
}

bool
GraphmlImporter::Import(const std::string& path,
                        const std::string& text,
                        const ImportOptions& options,
                        ImportResult& result,
                        std::vector<Diagnostic>& diagnostics) const
{
    return GuardImport(path, diagnostics, [&]() {
        Ptree tree;
        std::istringstream in(text);
        try
        {
            boost::property_tree::read_xml(in, tree);
        }
        catch (const boost::property_tree::xml_parser_error& e)
        {
            diagnostics.push_back(Diagnostic{path,
                                             static_cast<int>(e.line()),
                                             e.line() > 0 ? 1 : 0,
                                             "",
                                             "XML syntax: " + e.message()});
            return false;
        }
        auto error = [&](int line, const std::string& where, const std::string& message) {
            diagnostics.push_back(Diagnostic{path, line, line > 0 ? 1 : 0, where, message});
        };
        auto graphml = tree.get_child_optional("graphml");
        auto graph = graphml ? graphml->get_child_optional("graph") : boost::none;
        if (!graph)
        {
            error(1, "graphml", "expected a <graphml> element holding a <graph>");
            return false;
        }
        std::map<std::string, Key> keys;
        std::map<std::string, std::string> forKey;
        for (const auto& [tag, child] : *graphml)
        {
            if (tag == "key")
            {
                std::string id = child.get<std::string>("<xmlattr>.id", "");
                auto fallback = child.get_optional<std::string>("default");
                keys[id] =
                    Key{child.get<std::string>(Ptree::path_type("<xmlattr>/attr.name", '/'), id),
                        fallback ? std::optional<std::string>(*fallback) : std::nullopt};
                forKey[id] = child.get<std::string>("<xmlattr>.for", "all");
            }
        }
        auto nodeOffsets = TagOffsets(text, "node");
        auto edgeOffsets = TagOffsets(text, "edge");
        auto lineOf = [&text](const std::vector<std::size_t>& offsets, std::size_t k) {
            return k < offsets.size() ? LineColumnAt(text, offsets[k]) : std::make_pair(0, 0);
        };
        std::vector<GraphElement> nodes;
        std::vector<GraphElement> edges;
        bool ok = true;
        std::size_t seen[2] = {0, 0}; // edges, nodes: the place of each in TagOffsets
        for (const auto& [tag, child] : *graph)
        {
            bool isNode = tag == "node";
            if (tag == "hyperedge")
            {
                error(0, "graphml.graph", "hyperedges have no counterpart in a fabric");
                ok = false;
                continue;
            }
            if (!isNode && tag != "edge")
            {
                continue;
            }
            std::size_t k = seen[isNode]++;
            auto [line, column] = lineOf(isNode ? nodeOffsets : edgeOffsets, k);
            std::string where = "graphml.graph." + tag + "[" + std::to_string(k) + "]";
            GraphElement element;
            element.mark = SourceMark{line, column, where};
            element.id = child.get<std::string>("<xmlattr>.id", "");
            element.source = child.get<std::string>("<xmlattr>.source", "");
            element.target = child.get<std::string>("<xmlattr>.target", "");
            if (isNode && child.get_child_optional("graph"))
            {
                error(line, where, "nested graphs have no counterpart in a fabric");
                ok = false;
            }
            if (isNode ? element.id.empty() : element.source.empty() || element.target.empty())
            {
                error(line,
                      where,
                      isNode ? "a node needs an id" : "an edge needs a source and a target");
                ok = false;
                continue;
            }
            ReadData(child, keys, forKey, tag, element);
            (isNode ? nodes : edges).push_back(std::move(element));
        }
        if (!ok)
        {
            return false;
        }
        ImportBuilder builder(path, options, diagnostics);
        AddGraph(builder, nodes, edges);
        return builder.Finish(FileStem(path), result);
    });
}

} // namespace ns3
