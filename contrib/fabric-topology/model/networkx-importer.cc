/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "importer-util.h"
#include "topology-importer.h"

#include <nlohmann/json.hpp>

namespace ns3
{

/**
 * \ingroup fabric-topology
 * \brief Imports NetworkX node-link JSON (networkx.node_link_data written with json.dump).
 *
 * The format (NetworkX's node_link_data documentation): an object with `directed`,
 * `multigraph`, `graph` (graph attributes), `nodes` (objects with `id` and the node's
 * attributes) and the edges, under `links` (NetworkX before 3.4, and its default until 3.6) or
 * `edges` (NetworkX 3.4's `edges=` argument and the later default), each with `source`,
 * `target` and the edge's attributes. Numeric ids become names as written ("0", "1", ...). Node
 * kinds, rates and delays follow AddGraph's conventions; a directed graph's edges each become
 * one full-duplex link.
 */
class NetworkxImporter : public TopologyImporter
{
  public:
    static TypeId GetTypeId();

    std::string GetFormatName() const override
    {
        return "networkx";
    }

    std::string GetDescription() const override
    {
        return "NetworkX node-link JSON (node_link_data, with a 'links' or 'edges' key)";
    }

    bool Detect(const std::string& path, const std::string& text) const override;
    bool Import(const std::string& path,
                const std::string& text,
                const ImportOptions& options,
                ImportResult& result,
                std::vector<Diagnostic>& diagnostics) const override;
};

NS_OBJECT_ENSURE_REGISTERED(NetworkxImporter);

TypeId
NetworkxImporter::GetTypeId()
{
    static TypeId tid = TypeId("ns3::NetworkxImporter")
                            .SetParent<TopologyImporter>()
                            .SetGroupName("FabricTopology")
                            .AddConstructor<NetworkxImporter>();
    return tid;
}

namespace
{
using Json = nlohmann::json;

/**
 * \brief Byte offsets of the elements of the root object's arrays, by key, in order.
 *
 * nlohmann::json keeps no positions, so diagnostics about a node or edge find its place here.
 * \p text must be valid JSON.
 */
std::map<std::string, std::vector<std::size_t>>
ElementOffsets(const std::string& text)
{
    std::map<std::string, std::vector<std::size_t>> offsets;
    std::vector<char> open; // the containers around the current character
    std::string key;        // the root object's last string: the key of the array that follows
    std::string array;      // the key of the root array being scanned
    bool elementStart = false;
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        char c = text[i];
        bool inRootArray = open.size() == 2 && open[1] == '[';
        if (inRootArray && elementStart && c != ']' && c != ',' &&
            !std::isspace(static_cast<unsigned char>(c)))
        {
            offsets[array].push_back(i);
            elementStart = false;
        }
        if (c == '"')
        {
            std::size_t end = i + 1;
            while (end < text.size() && text[end] != '"')
            {
                end += text[end] == '\\' ? 2 : 1;
            }
            if (open.size() == 1)
            {
                key = text.substr(i + 1, end - i - 1);
            }
            i = end;
        }
        else if (c == '{' || c == '[')
        {
            if (open.size() == 1 && c == '[')
            {
                array = key;
                elementStart = true;
            }
            open.push_back(c);
        }
        else if (c == '}' || c == ']')
        {
            open.pop_back();
        }
        else if (c == ',' && inRootArray)
        {
            elementStart = true;
        }
    }
    return offsets;
}

/// A JSON value as attribute text: strings unquoted, everything else as JSON writes it.
std::string
AsText(const Json& value)
{
    return value.is_string() ? value.get<std::string>() : value.dump();
}

/// Read the objects of root[key] into elements, with \p idKeys taken out of the attributes.
bool
ReadElements(const Json& root,
             const std::string& key,
             const std::vector<std::size_t>& offsets,
             const std::string& file,
             const std::string& text,
             std::vector<GraphElement>& elements,
             std::vector<Diagnostic>& diagnostics)
{
    const Json& list = root.at(key);
    bool ok = true;
    for (std::size_t i = 0; i < list.size(); ++i)
    {
        std::string where = key + "[" + std::to_string(i) + "]";
        auto [line, column] =
            i < offsets.size() ? LineColumnAt(text, offsets[i]) : std::make_pair(0, 0);
        GraphElement element;
        element.mark = SourceMark{line, column, where};
        const Json& item = list[i];
        bool isNode = key == "nodes";
        bool complete =
            item.is_object() &&
            (isNode ? item.contains("id") : item.contains("source") && item.contains("target"));
        if (!complete)
        {
            diagnostics.push_back(Diagnostic{file,
                                             line,
                                             column,
                                             where,
                                             isNode ? "expected an object with 'id'"
                                                    : "expected an object with 'source' and "
                                                      "'target'"});
            ok = false;
            continue;
        }
        for (const auto& [name, value] : item.items())
        {
            if (name == "id")
            {
                element.id = AsText(value);
            }
            else if (name == "source" && !isNode)
            {
                element.source = AsText(value);
            }
            else if (name == "target" && !isNode)
            {
                element.target = AsText(value);
            }
            else
            {
                element.attributes[name] = AsText(value);
            }
        }
        elements.push_back(std::move(element));
    }
    return ok;
}
} // namespace

bool
NetworkxImporter::Detect(const std::string& path, const std::string& text) const
{
    std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos || text[first] != '{')
    {
        return false;
    }
    Json root = Json::parse(text, nullptr, false);
    return root.is_object() && root.contains("nodes") && root["nodes"].is_array() &&
           ((root.contains("links") && root["links"].is_array()) ||
            (root.contains("edges") && root["edges"].is_array()));
}

bool
NetworkxImporter::Import(const std::string& path,
                         const std::string& text,
                         const ImportOptions& options,
                         ImportResult& result,
                         std::vector<Diagnostic>& diagnostics) const
{
    return GuardImport(path, diagnostics, [&]() {
        Json root;
        try
        {
            root = Json::parse(text);
        }
        catch (const Json::parse_error& e)
        {
            auto [line, column] = LineColumnAt(text, e.byte > 0 ? e.byte - 1 : 0);
            std::string message = e.what();
            std::size_t start = message.find("] ");
            diagnostics.push_back(
                Diagnostic{path,
                           line,
                           column,
                           "",
                           "JSON syntax: " +
                               (start == std::string::npos ? message : message.substr(start + 2))});
            return false;
        }
        bool hasLinks = root.is_object() && root.contains("links");
        bool hasEdges = root.is_object() && root.contains("edges");
        if (!root.is_object() || !root.contains("nodes") || !root["nodes"].is_array() ||
            hasLinks == hasEdges || !root[hasLinks ? "links" : "edges"].is_array())
        {
            diagnostics.push_back(Diagnostic{path,
                                             1,
                                             1,
                                             "",
                                             "expected node-link data: an object with a list "
                                             "'nodes' and one list 'links' or 'edges'"});
            return false;
        }
        std::string edgeKey = hasLinks ? "links" : "edges";
        auto offsets = ElementOffsets(text);
        std::vector<GraphElement> nodes;
        std::vector<GraphElement> edges;
        bool read = ReadElements(root, "nodes", offsets["nodes"], path, text, nodes, diagnostics);
        read =
            ReadElements(root, edgeKey, offsets[edgeKey], path, text, edges, diagnostics) && read;
        if (!read)
        {
            return false;
        }
        ImportBuilder builder(path, options, diagnostics);
        AddGraph(builder, nodes, edges);
        if (root.value("directed", false))
        {
            builder.Note("the graph is directed: each edge became one full-duplex link");
        }
        std::string name = FileStem(path);
        if (root.contains("graph") && root["graph"].is_object() && root["graph"].contains("name") &&
            root["graph"]["name"].is_string())
        {
            name = root["graph"]["name"].get<std::string>();
        }
        return builder.Finish(name, result);
    });
}

} // namespace ns3
