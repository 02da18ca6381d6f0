/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "topology-importer.h"

#include "importer-util.h"

#include "ns3/fabric-units.h"
#include "ns3/object-factory.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <exception>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(TopologyImporter);

TypeId
TopologyImporter::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::TopologyImporter").SetParent<Object>().SetGroupName("FabricTopology");
    return tid;
}

std::vector<Ptr<TopologyImporter>>
TopologyImporter::GetAll()
{
    std::vector<Ptr<TopologyImporter>> all;
    TypeId base = GetTypeId();
    for (uint16_t i = 0; i < TypeId::GetRegisteredN(); ++i)
    {
        TypeId tid = TypeId::GetRegistered(i);
        if (tid != base && tid.IsChildOf(base) && tid.HasConstructor())
        {
            ObjectFactory factory;
            factory.SetTypeId(tid);
            all.push_back(factory.Create<TopologyImporter>());
        }
    }
    std::sort(all.begin(), all.end(), [](const auto& x, const auto& y) {
        return x->GetFormatName() < y->GetFormatName();
    });
    return all;
}

namespace
{
/// Expansions beyond this are surely a typo ("node[1-100000000]") and would exhaust memory.
constexpr std::size_t MAX_HOSTLIST_NAMES = 10000000;

/// Expand one name holding zero or more bracket groups, appending to \p out.
std::string
ExpandHostname(const std::string& name, std::vector<std::string>& out)
{
    std::size_t open = name.find('[');
    std::size_t stray = name.find(']');
    if (open == std::string::npos)
    {
        if (stray != std::string::npos)
        {
            return "']' without '[' in '" + name + "'";
        }
        out.push_back(name);
        return "";
    }
    std::size_t close = name.find(']', open);
    if (stray < open || close == std::string::npos)
    {
        return "unbalanced brackets in '" + name + "'";
    }
    std::string inner = name.substr(open + 1, close - open - 1);
    if (inner.find('[') != std::string::npos)
    {
        return "nested brackets in '" + name + "'";
    }
    std::vector<std::string> suffixes;
    std::string problem = ExpandHostname(name.substr(close + 1), suffixes);
    if (!problem.empty())
    {
        return problem;
    }
    std::string prefix = name.substr(0, open);
    std::size_t start = 0;
    while (start <= inner.size())
    {
        std::size_t comma = std::min(inner.find(',', start), inner.size());
        std::string item = inner.substr(start, comma - start);
        start = comma + 1;
        std::size_t dash = item.find('-');
        std::string low = item.substr(0, dash);
        std::string high = dash == std::string::npos ? low : item.substr(dash + 1);
        auto digits = [](const std::string& s) {
            return !s.empty() && s.size() < 10 &&
                   std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(c); });
        };
        if (!digits(low) || !digits(high))
        {
            return "'" + item + "' in '" + name + "' is not a number or a range such as 01-04";
        }
        uint64_t from = std::stoull(low);
        uint64_t to = std::stoull(high);
        if (to < from)
        {
            return "range '" + item + "' in '" + name + "' runs backwards";
        }
        if ((to - from + 1) * suffixes.size() + out.size() > MAX_HOSTLIST_NAMES)
        {
            return "'" + name + "' expands to more than " + std::to_string(MAX_HOSTLIST_NAMES) +
                   " names";
        }
        for (uint64_t value = from; value <= to; ++value)
        {
            std::string number = std::to_string(value);
            // A range keeps the width of its first bound: "01-10" gives 01 .. 10.
            number.insert(0, low.size() > number.size() ? low.size() - number.size() : 0, '0');
            for (const auto& suffix : suffixes)
            {
                out.push_back(prefix + number + suffix);
            }
        }
    }
    return "";
}

/// Set the "DataRate" Attribute in \p settings to \p bitsPerSecond, adding it if the profile
/// kept the model's default.
void
SetDataRate(std::vector<AttributeSetting>& settings, uint64_t bitsPerSecond)
{
    std::string value = std::to_string(bitsPerSecond) + "bps";
    auto rate = std::find_if(settings.begin(), settings.end(), [](const AttributeSetting& s) {
        return s.attribute == "DataRate";
    });
    if (rate == settings.end())
    {
        settings.push_back(AttributeSetting{"DataRate", value});
    }
    else
    {
        rate->value = value;
    }
}

/// "a, b, c and 4 more".
std::string
ListNames(const std::vector<std::string>& names)
{
    std::string list;
    for (std::size_t i = 0; i < names.size() && i < 5; ++i)
    {
        list += (i == 0 ? "" : ", ") + names[i];
    }
    if (names.size() > 5)
    {
        list += " and " + std::to_string(names.size() - 5) + " more";
    }
    return list;
}
} // namespace

std::string
ExpandHostlist(const std::string& expression, std::vector<std::string>& names)
{
    std::vector<std::string> expanded;
    std::size_t start = 0;
    while (start <= expression.size())
    {
        // Names are separated by commas outside brackets.
        std::size_t end = start;
        int depth = 0;
        while (end < expression.size() && (expression[end] != ',' || depth > 0))
        {
            depth += expression[end] == '[' ? 1 : expression[end] == ']' ? -1 : 0;
            ++end;
        }
        std::string name = expression.substr(start, end - start);
        if (name.empty() || name.find_first_of(" \t") != std::string::npos)
        {
            return "'" + expression + "' has an empty name or a blank";
        }
        std::string problem = ExpandHostname(name, expanded);
        if (!problem.empty())
        {
            return problem;
        }
        start = end + 1;
    }
    names.insert(names.end(), expanded.begin(), expanded.end());
    return "";
}

std::pair<int, int>
LineColumnAt(const std::string& text, std::size_t offset)
{
    offset = std::min(offset, text.size());
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
    std::size_t lineStart = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    lineStart = lineStart == std::string::npos || offset == 0 ? 0 : lineStart + 1;
    return {line, static_cast<int>(offset - lineStart) + 1};
}

SourceMark
MarkOf(const YAML::Node& node, const std::string& path)
{
    YAML::Mark mark = node.Mark();
    bool placed = !mark.is_null() && mark.line >= 0;
    return SourceMark{placed ? mark.line + 1 : 0, placed ? mark.column + 1 : 0, path};
}

std::string
FileStem(const std::string& path)
{
    std::string name = path.substr(path.find_last_of('/') + 1);
    std::size_t dot = name.find('.', 1);
    return dot == std::string::npos ? name : name.substr(0, dot);
}

std::string
ScalarAt(const YAML::Node& map, const char* key)
{
    return map && map.IsMap() && map[key] && map[key].IsScalar() ? map[key].Scalar() : "";
}

bool
EndsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<YAML::Node>
LoadYamlQuietly(const std::string& text)
{
    try
    {
        return YAML::Load(text);
    }
    catch (const YAML::Exception&)
    {
        return std::nullopt;
    }
}

NodeRole
ParseNodeRole(const std::string& word)
{
    std::string lower = word;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
        return std::tolower(c);
    });
    for (const char* host : {"host", "server", "gpu", "npu", "endpoint", "compute"})
    {
        if (lower == host)
        {
            return NodeRole::HOST;
        }
    }
    for (const char* sw :
         {"switch", "router", "bridge", "leaf", "spine", "core", "tor", "agg", "aggregation"})
    {
        if (lower == sw)
        {
            return NodeRole::SWITCH;
        }
    }
    return NodeRole::UNKNOWN;
}

bool
GuardImport(const std::string& file,
            std::vector<Diagnostic>& diagnostics,
            const std::function<bool()>& import)
{
    try
    {
        return import();
    }
    catch (const std::exception& e)
    {
        diagnostics.push_back(
            Diagnostic{file, 0, 0, "", std::string("cannot import the file: ") + e.what()});
        return false;
    }
}

ImportBuilder::ImportBuilder(std::string file,
                             const ImportOptions& options,
                             std::vector<Diagnostic>& diagnostics)
    : m_file(std::move(file)),
      m_options(options),
      m_diagnostics(diagnostics),
      m_firstDiagnostic(diagnostics.size())
{
    m_shapes.emplace_back();
}

uint32_t
ImportBuilder::AddShape(const HostShape& shape)
{
    for (uint32_t i = 0; i < m_shapes.size(); ++i)
    {
        const HostShape& known = m_shapes[i];
        if (known.name == shape.name && known.gpus == shape.gpus &&
            known.nvlinkBps == shape.nvlinkBps && known.nvlinkLatency == shape.nvlinkLatency)
        {
            return i;
        }
    }
    m_shapes.push_back(shape);
    return static_cast<uint32_t>(m_shapes.size() - 1);
}

bool
ImportBuilder::AddNode(const std::string& name,
                       bool isSwitch,
                       const SourceMark& mark,
                       uint32_t shape)
{
    if (name.empty() || name.find_first_of(": \t\n") != std::string::npos)
    {
        Error(mark,
              "node name '" + name + "' is empty or holds ':' or a blank ('name:port' " +
                  "names a port in links)");
        return false;
    }
    auto [it, added] = m_index.emplace(name, static_cast<uint32_t>(m_nodes.size()));
    if (!added)
    {
        const SourceMark& first = m_nodes[it->second].mark;
        Error(mark,
              "node '" + name + "' is defined twice" +
                  (first.line > 0 ? " (first at line " + std::to_string(first.line) + ")" : ""));
        return false;
    }
    m_nodes.push_back(NodeEntry{name, isSwitch, shape, mark});
    return true;
}

bool
ImportBuilder::AddHost(const std::string& name, const SourceMark& mark, uint32_t shape)
{
    return AddNode(name, false, mark, shape);
}

bool
ImportBuilder::AddSwitch(const std::string& name, const SourceMark& mark)
{
    return AddNode(name, true, mark, 0);
}

bool
ImportBuilder::Has(const std::string& name) const
{
    return m_index.count(name) > 0;
}

bool
ImportBuilder::IsSwitch(const std::string& name) const
{
    return m_nodes[m_index.at(name)].isSwitch;
}

void
ImportBuilder::Error(const SourceMark& mark, const std::string& message)
{
    m_diagnostics.push_back(Diagnostic{m_file, mark.line, mark.column, mark.path, message});
}

void
ImportBuilder::Note(const std::string& note)
{
    m_notes.push_back(note);
}

std::optional<std::pair<uint32_t, std::optional<uint32_t>>>
ImportBuilder::Resolve(const std::string& endpoint, const SourceMark& mark)
{
    std::string name = endpoint;
    std::optional<uint32_t> port;
    std::size_t colon = endpoint.rfind(':');
    if (colon != std::string::npos)
    {
        std::string digits = endpoint.substr(colon + 1);
        if (digits.empty() || digits.size() > 9 ||
            digits.find_first_not_of("0123456789") != std::string::npos)
        {
            Error(mark, "'" + endpoint + "': a port after ':' is a 0-based number");
            return std::nullopt;
        }
        name = endpoint.substr(0, colon);
        port = static_cast<uint32_t>(std::stoul(digits));
    }
    auto it = m_index.find(name);
    if (it == m_index.end())
    {
        Error(mark, "link to an unknown node '" + name + "'");
        return std::nullopt;
    }
    return std::make_pair(it->second, port);
}

void
ImportBuilder::AddLink(const std::string& a,
                       const std::string& b,
                       uint64_t rateBps,
                       std::optional<Time> delay,
                       const SourceMark& mark)
{
    auto aEnd = Resolve(a, mark);
    auto bEnd = Resolve(b, mark);
    if (!aEnd || !bEnd)
    {
        return;
    }
    NodeEntry& aNode = m_nodes[aEnd->first];
    NodeEntry& bNode = m_nodes[bEnd->first];
    if (aEnd->first == bEnd->first)
    {
        Error(mark, "a link from '" + aNode.name + "' to itself");
        return;
    }
    if (!aNode.isSwitch && !bNode.isSwitch)
    {
        Error(mark,
              "a link between hosts '" + aNode.name + "' and '" + bNode.name +
                  "': hosts connect only to switches (make one of them a switch)");
        return;
    }
    for (auto [node, port] :
         {std::make_pair(&aNode, aEnd->second), std::make_pair(&bNode, bEnd->second)})
    {
        ++node->links;
        node->portsNeeded = std::max({node->portsNeeded, node->links, port ? *port + 1 : 0});
    }
    m_links.push_back(LinkEntry{a, b, aEnd->first, bEnd->first, rateBps, delay, mark});
}

void
ImportBuilder::ApplyDefaults()
{
    std::size_t noRate = 0;
    std::size_t noDelay = 0;
    for (auto& link : m_links)
    {
        noRate += link.rateBps == 0;
        noDelay += !link.delay.has_value();
        link.rateBps = link.rateBps == 0 ? m_options.rateBps : link.rateBps;
        link.delay = link.delay.value_or(m_options.delay);
        for (uint32_t end : {link.aNode, link.bNode})
        {
            NodeEntry& node = m_nodes[end];
            node.fastestBps = std::max(node.fastestBps, link.rateBps);
            if (node.isSwitch)
            {
                m_fastestSwitchBps = std::max(m_fastestSwitchBps, link.rateBps);
            }
        }
    }
    auto note =
        [this](std::size_t missing, const char* what, const std::string& value, bool given) {
            if (missing == 0)
            {
                return;
            }
            std::string scope = missing == m_links.size()
                                    ? std::string("no link ") + what + "s in the file"
                                    : std::to_string(missing) + " of " +
                                          std::to_string(m_links.size()) + " links have no " +
                                          what + " in the file";
            Note(scope + ": " + value +
                 (given ? std::string(" (--") + what + ")"
                        : std::string(" from the default; set --") + what));
        };
    note(noRate, "rate", fabric::FormatDataRate(m_options.rateBps), m_options.rateGiven);
    note(noDelay, "delay", fabric::FormatTime(m_options.delay), m_options.delayGiven);
}

std::string
ImportBuilder::ChooseNicProfile(Topology& topology)
{
    const NicProfile& base = topology.nicProfiles.at(m_options.nicProfile);
    uint64_t fastest = 0;
    for (const auto& node : m_nodes)
    {
        fastest = node.isSwitch ? fastest : std::max(fastest, node.fastestBps);
    }
    if (fastest <= base.rateBps)
    {
        return base.name;
    }
    NicProfile faster = base;
    faster.name = base.name + "-" + fabric::FormatDataRate(fastest);
    faster.rateBps = fastest;
    faster.mark = SourceMark{};
    SetDataRate(faster.attributes, fastest);
    Note("host links up to " + fabric::FormatDataRate(fastest) + " are faster than NIC profile " +
         base.name + " (" + fabric::FormatDataRate(base.rateBps) + "): hosts use " + faster.name +
         ", a copy of it at that rate");
    topology.nicProfiles[faster.name] = faster;
    return faster.name;
}

std::string
ImportBuilder::ChooseSwitchProfile(Topology& topology, uint32_t ports)
{
    const SwitchProfile& base = topology.switchProfiles.at(m_switchBase);
    if (ports <= base.ports)
    {
        return base.name;
    }
    uint32_t size = 1;
    while (size < ports)
    {
        size *= 2;
    }
    auto known = m_switchByPorts.find(size);
    if (known != m_switchByPorts.end())
    {
        return known->second;
    }
    SwitchProfile larger = base;
    larger.name = "switch-" + std::to_string(size) + "p";
    larger.ports = size;
    larger.mark = SourceMark{};
    Note("switches with more links than profile " + base.name + "'s " + std::to_string(base.ports) +
         " ports use " + larger.name + ", a copy of it with " + std::to_string(size) + " ports");
    topology.switchProfiles[larger.name] = larger;
    m_switchByPorts[size] = larger.name;
    return larger.name;
}

bool
ImportBuilder::Finish(const std::string& name, ImportResult& result)
{
    Topology topology = Topology::WithBuiltins();
    topology.file = m_file;
    topology.name = name;
    bool profilesKnown = true;
    if (topology.nicProfiles.count(m_options.nicProfile) == 0)
    {
        Error(SourceMark{}, "unknown NIC profile '" + m_options.nicProfile + "'");
        profilesKnown = false;
    }
    if (topology.switchProfiles.count(m_options.switchProfile) == 0)
    {
        Error(SourceMark{}, "unknown switch profile '" + m_options.switchProfile + "'");
        profilesKnown = false;
    }
    if (m_diagnostics.size() > m_firstDiagnostic || !profilesKnown)
    {
        return false;
    }
    ApplyDefaults();

    std::vector<std::string> dropped;
    for (const auto& node : m_nodes)
    {
        if (!node.isSwitch && node.links == 0)
        {
            dropped.push_back(node.name);
        }
    }
    if (!dropped.empty())
    {
        Note("dropped " + std::to_string(dropped.size()) +
             " host(s) without links: " + ListNames(dropped));
    }

    std::string nic = ChooseNicProfile(topology);
    m_switchBase = m_options.switchProfile;
    const SwitchProfile& base = topology.switchProfiles.at(m_switchBase);
    if (m_fastestSwitchBps > base.rateBps)
    {
        SwitchProfile faster = base;
        faster.name = base.name + "-" + fabric::FormatDataRate(m_fastestSwitchBps);
        faster.rateBps = m_fastestSwitchBps;
        faster.mark = SourceMark{};
        SetDataRate(faster.attributes[ProfileTarget::SWITCH_PORT], m_fastestSwitchBps);
        Note("switch links up to " + fabric::FormatDataRate(m_fastestSwitchBps) +
             " are faster than switch profile " + base.name + " (" +
             fabric::FormatDataRate(base.rateBps) + "): switches use " + faster.name +
             ", a copy of it at that rate");
        m_switchBase = faster.name;
        topology.switchProfiles[faster.name] = faster;
    }

    // Host profiles by (shape, NIC count).
    std::map<std::pair<uint32_t, uint32_t>, std::string> hostProfiles;
    auto hostProfile = [&](uint32_t shapeIndex, uint32_t nics) {
        auto [it, added] = hostProfiles.emplace(std::make_pair(shapeIndex, nics), "");
        if (!added)
        {
            return it->second;
        }
        const HostShape& shape = m_shapes[shapeIndex];
        HostProfile profile;
        profile.name = shape.name + "-" + std::to_string(nics) + "nic";
        profile.gpus = shape.gpus == 0 ? nics : shape.gpus;
        profile.nics = nics;
        profile.nic = nic;
        profile.nvlinkBps = shape.nvlinkBps;
        profile.nvlinkLatency = shape.nvlinkLatency;
        auto builtin = topology.hostProfiles.find(shape.name);
        if (builtin != topology.hostProfiles.end() && builtin->second.gpus == profile.gpus &&
            builtin->second.nics == nics && builtin->second.nic == nic &&
            builtin->second.nvlinkBps == profile.nvlinkBps)
        {
            profile.name = shape.name;
        }
        else if (topology.hostProfiles.count(profile.name) > 0)
        {
            // Two shapes of one stem: tell them apart by the shape's index.
            profile.name += "-" + std::to_string(shapeIndex);
        }
        topology.hostProfiles.emplace(profile.name, profile);
        it->second = profile.name;
        return profile.name;
    };

    for (const auto& node : m_nodes)
    {
        if (!node.isSwitch && node.links == 0)
        {
            continue;
        }
        NodeSpec spec;
        spec.name = node.name;
        spec.isSwitch = node.isSwitch;
        spec.profile = node.isSwitch ? ChooseSwitchProfile(topology, node.portsNeeded)
                                     : hostProfile(node.shape, node.portsNeeded);
        spec.mark = node.mark;
        topology.nodes.push_back(std::move(spec));
    }
    for (const auto& link : m_links)
    {
        LinkSpec spec;
        spec.a = link.a;
        spec.b = link.b;
        spec.rateBps = link.rateBps;
        spec.delay = link.delay;
        spec.mark = link.mark;
        topology.links.push_back(std::move(spec));
    }
    result.topology = std::move(topology);
    result.notes.insert(result.notes.end(), m_notes.begin(), m_notes.end());
    return m_diagnostics.size() == m_firstDiagnostic;
}

namespace
{
/// The first of \p keys that \p element has, or nullptr.
const std::pair<const std::string, std::string>*
FindAttribute(const GraphElement& element, std::initializer_list<const char*> keys)
{
    for (const char* key : keys)
    {
        auto it = element.attributes.find(key);
        if (it != element.attributes.end())
        {
            return &*it;
        }
    }
    return nullptr;
}

/// \p text as a whole decimal number, or nothing.
std::optional<double>
BareNumber(const std::string& text)
{
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    return !text.empty() && *end == '\0' && std::isfinite(value) ? std::optional<double>(value)
                                                                 : std::nullopt;
}
} // namespace

void
AddGraph(ImportBuilder& builder,
         const std::vector<GraphElement>& nodes,
         const std::vector<GraphElement>& edges)
{
    std::unordered_map<std::string, uint32_t> degree;
    for (const auto& edge : edges)
    {
        ++degree[edge.source];
        ++degree[edge.target];
    }
    std::size_t byDegree = 0;
    std::size_t byDegreeHosts = 0;
    for (const auto& node : nodes)
    {
        NodeRole role = NodeRole::UNKNOWN;
        if (const auto* kind = FindAttribute(node, {"kind"}))
        {
            role = ParseNodeRole(kind->second);
            if (role == NodeRole::UNKNOWN)
            {
                builder.Error(node.mark,
                              "node '" + node.id + "': kind '" + kind->second +
                                  "' is not host or switch");
                continue;
            }
        }
        else if (const auto* type = FindAttribute(node, {"type", "role"}))
        {
            role = ParseNodeRole(type->second);
        }
        if (role == NodeRole::UNKNOWN)
        {
            ++byDegree;
            role = degree[node.id] == 1 ? NodeRole::HOST : NodeRole::SWITCH;
            byDegreeHosts += role == NodeRole::HOST;
        }
        if (role == NodeRole::HOST)
        {
            builder.AddHost(node.id, node.mark);
        }
        else
        {
            builder.AddSwitch(node.id, node.mark);
        }
    }
    if (byDegree > 0)
    {
        builder.Note(std::to_string(byDegree) +
                     " node(s) have no kind attribute: those with one link are hosts (" +
                     std::to_string(byDegreeHosts) + "), the others switches");
    }

    bool bareRate = false;
    bool bareDelay = false;
    for (const auto& edge : edges)
    {
        uint64_t rate = 0;
        std::optional<Time> delay;
        std::string problem;
        if (const auto* exact = FindAttribute(edge, {"rate_bps"}))
        {
            auto value = BareNumber(exact->second);
            problem = value && *value > 0 ? "" : "rate_bps '" + exact->second + "' is not bit/s";
            rate = value ? static_cast<uint64_t>(std::llround(*value)) : 0;
        }
        else if (const auto* given =
                     FindAttribute(edge, {"rate", "bandwidth", "capacity", "LinkSpeedRaw"}))
        {
            auto value = BareNumber(given->second);
            bool exactBits = given->first == "LinkSpeedRaw";
            bareRate = bareRate || (value && !exactBits);
            problem = value ? (*value > 0 ? "" : "a rate must be positive")
                            : fabric::ParseDataRate(given->second, rate);
            rate = value && *value > 0 ? static_cast<uint64_t>(std::llround(*value)) : rate;
        }
        if (!problem.empty())
        {
            builder.Error(edge.mark, problem);
            continue;
        }
        if (const auto* exact = FindAttribute(edge, {"delay_ps"}))
        {
            auto value = BareNumber(exact->second);
            if (!value || *value < 0)
            {
                builder.Error(edge.mark, "delay_ps '" + exact->second + "' is not picoseconds");
                continue;
            }
            delay = PicoSeconds(std::llround(*value));
        }
        else if (const auto* given = FindAttribute(edge, {"delay", "latency"}))
        {
            auto value = BareNumber(given->second);
            Time time;
            problem = value ? (*value >= 0 ? "" : "a delay must not be negative")
                            : fabric::ParseTime(given->second, time);
            if (!problem.empty())
            {
                builder.Error(edge.mark, problem);
                continue;
            }
            bareDelay = bareDelay || value.has_value();
            delay = value ? PicoSeconds(std::llround(*value * 1e12)) : time;
        }
        auto end = [&edge](const std::string& id, const char* portKey) {
            auto port = edge.attributes.find(portKey);
            return port == edge.attributes.end() ? id : id + ":" + port->second;
        };
        builder.AddLink(end(edge.source, "source_port"),
                        end(edge.target, "target_port"),
                        rate,
                        delay,
                        edge.mark);
    }
    if (bareRate || bareDelay)
    {
        builder.Note("rates or delays without a unit were read in SI units (bit/s, seconds); "
                     "write them with units (\"100Gbps\", \"1us\") to be sure");
    }
}

} // namespace ns3
