/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "graph-export.h"

#include <map>
#include <sstream>

namespace ns3
{

namespace
{
/// \p text with XML's five special characters escaped.
std::string
Xml(const std::string& text)
{
    std::string out;
    for (char c : text)
    {
        switch (c)
        {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

/// \p text as a quoted DOT identifier.
std::string
Dot(const std::string& text)
{
    std::string out = "\"";
    for (char c : text)
    {
        out += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
    }
    return out + "\"";
}

/// The name of profile \p index of \p profiles, or "" if there is none.
template <typename Profile>
std::string
ProfileName(const std::vector<std::shared_ptr<const Profile>>& profiles, uint16_t index)
{
    return index < profiles.size() && profiles[index] ? profiles[index]->name : "";
}
} // namespace

std::string
WriteGraphml(const FabricGraph& graph)
{
    std::ostringstream os;
    os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
       << "<!-- ns3-fabric topology: rates in bit/s, delays in picoseconds -->\n"
       << "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n";
    static const char* keys[][4] = {{"kind", "node", "kind", "string"},
                                    {"profile", "node", "profile", "string"},
                                    {"tier", "node", "tier", "int"},
                                    {"ports", "node", "ports", "int"},
                                    {"plane", "node", "plane", "int"},
                                    {"rate_bps", "edge", "rate_bps", "long"},
                                    {"delay_ps", "edge", "delay_ps", "long"},
                                    {"source_port", "edge", "source_port", "int"},
                                    {"target_port", "edge", "target_port", "int"},
                                    {"link_profile", "edge", "profile", "string"}};
    for (const auto& key : keys)
    {
        os << "  <key id=\"" << key[0] << "\" for=\"" << key[1] << "\" attr.name=\"" << key[2]
           << "\" attr.type=\"" << key[3] << "\"/>\n";
    }
    os << "  <graph id=\"" << Xml(graph.name) << "\" edgedefault=\"undirected\">\n";
    for (const auto& node : graph.nodes)
    {
        bool isSwitch = node.kind == FabricGraph::SWITCH;
        std::string profile = isSwitch ? ProfileName(graph.switchProfiles, node.profile)
                                       : ProfileName(graph.hostProfiles, node.profile);
        os << "    <node id=\"" << Xml(node.name) << "\">"
           << "<data key=\"kind\">" << (isSwitch ? "switch" : "host") << "</data>"
           << "<data key=\"profile\">" << Xml(profile) << "</data>"
           << "<data key=\"tier\">" << unsigned(node.tier) << "</data>"
           << "<data key=\"ports\">" << node.ports << "</data>";
        if (node.plane != FabricGraph::NONE)
        {
            os << "<data key=\"plane\">" << node.plane << "</data>";
        }
        os << "</node>\n";
    }
    for (const auto& link : graph.links)
    {
        os << "    <edge source=\"" << Xml(graph.nodes[link.a].name) << "\" target=\""
           << Xml(graph.nodes[link.b].name) << "\">"
           << "<data key=\"rate_bps\">" << link.rateBps << "</data>"
           << "<data key=\"delay_ps\">" << link.delay.GetPicoSeconds() << "</data>"
           << "<data key=\"source_port\">" << link.aPort << "</data>"
           << "<data key=\"target_port\">" << link.bPort << "</data>"
           << "<data key=\"link_profile\">" << Xml(ProfileName(graph.linkProfiles, link.profile))
           << "</data></edge>\n";
    }
    os << "  </graph>\n</graphml>\n";
    return os.str();
}

std::string
WriteDot(const FabricGraph& graph)
{
    std::ostringstream os;
    os << "graph " << Dot(graph.name) << " {\n  node [shape=ellipse];\n";
    // Rank 0: hosts; then the switch tiers of generated planes. Explicit switches (tier 0)
    // are left to the layout.
    std::map<int, std::vector<uint32_t>> ranks;
    for (uint32_t i = 0; i < graph.nodes.size(); ++i)
    {
        const auto& node = graph.nodes[i];
        bool isSwitch = node.kind == FabricGraph::SWITCH;
        os << "  " << Dot(node.name) << (isSwitch ? "" : " [shape=box]") << ";\n";
        if (!isSwitch || node.tier > 0)
        {
            ranks[isSwitch ? node.tier : 0].push_back(i);
        }
    }
    for (const auto& [tier, members] : ranks)
    {
        os << "  { rank=same;";
        for (uint32_t i : members)
        {
            os << ' ' << Dot(graph.nodes[i].name) << ';';
        }
        os << " }\n";
    }
    for (const auto& link : graph.links)
    {
        os << "  " << Dot(graph.nodes[link.a].name) << " -- " << Dot(graph.nodes[link.b].name)
           << ";\n";
    }
    os << "}\n";
    return os.str();
}

} // namespace ns3
