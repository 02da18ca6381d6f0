/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "topology-reader.h"

#include "ns3/fabric-units.h"

#include <algorithm>
#include <climits>
#include <set>
#include <sstream>
#include <tuple>

namespace ns3
{

namespace
{
/// A profile key and the Attribute it sets.
struct ProfileKey
{
    const char* key;
    ProfileTarget target;
    const char* attribute;
    bool bytes; //!< written as a size ("1MiB"), stored as an integer
};

const ProfileKey NIC_KEYS[] = {
    {"rate", ProfileTarget::NIC, "DataRate", false},
    {"mtu", ProfileTarget::NIC, "PayloadMtu", false},
    {"host-rate", ProfileTarget::NIC, "HostRate", false},
    {"latency", ProfileTarget::NIC, "RxDelay", false},
    {"rx-buffer", ProfileTarget::NIC, "RxBufferSize", true},
    {"pfc", ProfileTarget::NIC, "PfcEnabled", false},
};

const ProfileKey SWITCH_KEYS[] = {
    {"rate", ProfileTarget::SWITCH_PORT, "DataRate", false},
    {"latency", ProfileTarget::SWITCH, "PipelineLatency", false},
    {"int", ProfileTarget::SWITCH, "IntEnabled", false},
    {"buffer", ProfileTarget::MMU, "BufferSize", true},
    {"headroom", ProfileTarget::MMU, "Headroom", true},
    {"pfc", ProfileTarget::MMU, "PfcEnabled", false},
};

const ProfileKey ECN_KEYS[] = {
    {"kmin", ProfileTarget::ECN, "Kmin", true},
    {"kmax", ProfileTarget::ECN, "Kmax", true},
    {"pmax", ProfileTarget::ECN, "Pmax", false},
};

/// The TypeId and the `attributes` sub-key of each target.
struct TargetInfo
{
    ProfileTarget target;
    const char* typeName;
    const char* key;
};

const TargetInfo TARGETS[] = {
    {ProfileTarget::NIC, "ns3::Cx8NetDevice", "nic"},
    {ProfileTarget::SWITCH, "ns3::FabricSwitch", "switch"},
    {ProfileTarget::SWITCH_PORT, "ns3::FabricSwitchPort", "port"},
    {ProfileTarget::MMU, "ns3::SharedBufferMmu", "mmu"},
    {ProfileTarget::ECN, "ns3::RedEcnMarker", "ecn"},
};

const TargetInfo&
Target(ProfileTarget target)
{
    return *std::find_if(std::begin(TARGETS), std::end(TARGETS), [target](const TargetInfo& t) {
        return t.target == target;
    });
}

SourceMark
MarkOf(const YAML::Node& node, const std::string& path)
{
    YAML::Mark mark = node.Mark();
    bool placed = mark.line >= 0 && !mark.is_null();
    return SourceMark{placed ? mark.line + 1 : 0, placed ? mark.column + 1 : 0, path};
}

/// The Attribute named \p name of \p typeName (own or inherited).
TypeId::AttributeInformation
FindAttribute(const char* typeName, const std::string& name)
{
    TypeId::AttributeInformation info;
    bool found = TypeId::LookupByName(typeName).LookupAttributeByName(name, &info);
    NS_ABORT_MSG_UNLESS(found, typeName << " has no attribute " << name);
    return info;
}

/// Read the friendly keys of \p table present in \p node into \p out.
void
ReadProfileKeys(YamlReader& r,
                const YAML::Node& node,
                const std::string& path,
                const ProfileKey* begin,
                const ProfileKey* end,
                std::map<ProfileTarget, std::vector<AttributeSetting>>& out)
{
    for (const ProfileKey* k = begin; k != end; ++k)
    {
        std::string text;
        if (!node[k->key] || !r.ReadString(node, k->key, path, text))
        {
            continue;
        }
        std::string error;
        if (k->bytes)
        {
            uint64_t bytes = 0;
            error = fabric::ParseBytes(text, bytes);
            text = std::to_string(bytes);
        }
        std::optional<std::string> value;
        if (error.empty())
        {
            value =
                AttributeText(FindAttribute(Target(k->target).typeName, k->attribute), text, error);
        }
        if (!value)
        {
            r.Error(node[k->key], JoinPath(path, k->key), error);
            continue;
        }
        out[k->target].push_back(AttributeSetting{k->attribute, *value});
    }
}

/// The value \p attribute of \p typeName gets: its last setting (settings are applied in
/// order), or the model's default.
std::string
ValueOf(const std::vector<AttributeSetting>& settings, const char* typeName, const char* attribute)
{
    auto last = std::find_if(settings.rbegin(), settings.rend(), [attribute](const auto& s) {
        return s.attribute == attribute;
    });
    if (last != settings.rend())
    {
        return last->value;
    }
    TypeId::AttributeInformation info = FindAttribute(typeName, attribute);
    return info.initialValue->SerializeToString(info.checker);
}

/// The rate a profile's ports run at.
uint64_t
RateOf(const std::vector<AttributeSetting>& settings, const char* typeName)
{
    uint64_t bps = 0;
    fabric::ParseDataRate(ValueOf(settings, typeName, "DataRate"), bps);
    return bps;
}

/// The first of \p keys present in the map \p node, with its path: where to report a problem
/// that several keys take part in. Else \p node itself, which must be present.
std::pair<YAML::Node, std::string>
FirstPresent(const YAML::Node& node,
             const std::string& path,
             std::initializer_list<const char*> keys)
{
    for (const char* key : keys)
    {
        if (node.IsMap() && node[key])
        {
            return {node[key], JoinPath(path, key)};
        }
    }
    return {node, path};
}

/// The map \p node of Attributes of \p typeName (ReadAttributeMap iterates it as a map).
void
ReadAttributes(YamlReader& r,
               const YAML::Node& node,
               const std::string& path,
               const char* typeName,
               std::vector<AttributeSetting>& out)
{
    if (!node.IsMap())
    {
        r.Error(node,
                path,
                std::string("expected a map of ") + typeName + " attribute names to values, not " +
                    DescribeNode(node));
        return;
    }
    ReadAttributeMap(r, node, path, TypeId::LookupByName(typeName), {}, out);
}

void
ReadNicProfile(YamlReader& r,
               const YAML::Node& node,
               const std::string& path,
               const std::string& name,
               Topology& t)
{
    if (!r.CheckMap(node,
                    path,
                    {"rate", "mtu", "host-rate", "latency", "rx-buffer", "pfc", "attributes"}))
    {
        return;
    }
    std::size_t before = r.GetDiagnosticCount();
    std::map<ProfileTarget, std::vector<AttributeSetting>> settings;
    ReadProfileKeys(r, node, path, std::begin(NIC_KEYS), std::end(NIC_KEYS), settings);
    if (node["attributes"])
    {
        ReadAttributes(r,
                       node["attributes"],
                       JoinPath(path, "attributes"),
                       "ns3::Cx8NetDevice",
                       settings[ProfileTarget::NIC]);
    }
    // The NIC segments messages by a RoCE path MTU; its checker admits any size in between,
    // which would abort the build.
    std::string mtu = ValueOf(settings[ProfileTarget::NIC], "ns3::Cx8NetDevice", "PayloadMtu");
    uint64_t bytes = std::stoull(mtu);
    if (r.GetDiagnosticCount() == before && !fabric::IsRoceMtu(bytes))
    {
        // The default is one, so the value was written, as mtu or as the attribute.
        auto [at, atPath] =
            node["mtu"]
                ? FirstPresent(node, path, {"mtu"})
                : FirstPresent(node["attributes"], JoinPath(path, "attributes"), {"PayloadMtu"});
        r.Error(at, atPath, "mtu " + mtu + " is not a RoCE path MTU: " + fabric::ROCE_MTUS);
    }
    NicProfile p;
    p.name = name;
    p.attributes = settings[ProfileTarget::NIC];
    p.rateBps = RateOf(p.attributes, "ns3::Cx8NetDevice");
    p.mark = MarkOf(node, path);
    t.nicProfiles[name] = p;
}

void
ReadSwitchProfile(YamlReader& r,
                  const YAML::Node& node,
                  const std::string& path,
                  const std::string& name,
                  Topology& t)
{
    if (!r.CheckMap(
            node,
            path,
            {"ports", "rate", "latency", "int", "buffer", "headroom", "pfc", "ecn", "attributes"}))
    {
        return;
    }
    std::size_t before = r.GetDiagnosticCount();
    SwitchProfile p;
    p.name = name;
    p.mark = MarkOf(node, path);
    uint64_t ports = 0;
    if (r.ReadUint(node, "ports", path, ports, 1, 65535))
    {
        p.ports = static_cast<uint32_t>(ports);
    }
    ReadProfileKeys(r, node, path, std::begin(SWITCH_KEYS), std::end(SWITCH_KEYS), p.attributes);
    const YAML::Node ecn = node["ecn"];
    std::string ecnPath = JoinPath(path, "ecn");
    if (ecn && ecn.IsScalar())
    {
        bool on = true;
        if (r.ReadBool(node, "ecn", path, on) && on)
        {
            r.Error(ecn,
                    ecnPath,
                    "marking is on by default: write false to turn it off, or a map of kmin, "
                    "kmax, pmax to tune it");
        }
        p.ecn = on;
    }
    else if (ecn && r.CheckMap(ecn, ecnPath, {"kmin", "kmax", "pmax"}))
    {
        ReadProfileKeys(r, ecn, ecnPath, std::begin(ECN_KEYS), std::end(ECN_KEYS), p.attributes);
    }
    const YAML::Node attributes = node["attributes"];
    std::string attributesPath = JoinPath(path, "attributes");
    if (attributes && r.CheckMap(attributes, attributesPath, {"switch", "port", "mmu", "ecn"}))
    {
        for (const TargetInfo& target : TARGETS)
        {
            if (target.target != ProfileTarget::NIC && attributes[target.key])
            {
                ReadAttributes(r,
                               attributes[target.key],
                               JoinPath(attributesPath, target.key),
                               target.typeName,
                               p.attributes[target.target]);
            }
        }
    }
    // The marking probability ramps up from Kmin to Kmax: a Kmin above Kmax has no ramp.
    const std::vector<AttributeSetting>& red = p.attributes[ProfileTarget::ECN];
    uint64_t kmin = std::stoull(ValueOf(red, "ns3::RedEcnMarker", "Kmin"));
    uint64_t kmax = std::stoull(ValueOf(red, "ns3::RedEcnMarker", "Kmax"));
    if (p.ecn && kmin > kmax && r.GetDiagnosticCount() == before)
    {
        // The defaults agree, so one of them was written, in ecn or in attributes.ecn.
        bool friendly = ecn && ecn.IsMap() && (ecn["kmin"] || ecn["kmax"]);
        auto [at, atPath] = friendly ? FirstPresent(ecn, ecnPath, {"kmin", "kmax"})
                                     : FirstPresent(attributes, attributesPath, {"ecn"});
        r.Error(at,
                atPath,
                "kmin (" + std::to_string(kmin) + " B) is above kmax (" + std::to_string(kmax) +
                    " B): marking ramps up from kmin to kmax");
    }
    p.rateBps = RateOf(p.attributes[ProfileTarget::SWITCH_PORT], "ns3::FabricSwitchPort");
    t.switchProfiles[name] = p;
}

void
ReadLinkProfile(YamlReader& r,
                const YAML::Node& node,
                const std::string& path,
                const std::string& name,
                Topology& t)
{
    if (!r.CheckMap(node, path, {"delay", "length", "rate"}))
    {
        return;
    }
    LinkProfile p;
    p.name = name;
    p.mark = MarkOf(node, path);
    if (node["delay"] && node["length"])
    {
        r.Error(node["length"], JoinPath(path, "length"), "give delay or length, not both");
    }
    r.ReadTime(node, "delay", path, p.delay);
    uint64_t millimetres = 0;
    if (r.ReadLength(node, "length", path, millimetres))
    {
        p.delay = PicoSeconds(millimetres * 5); // 5 ns per metre of fiber
    }
    r.ReadDataRate(node, "rate", path, p.rateBps);
    t.linkProfiles[name] = p;
}

void
ReadHostProfile(YamlReader& r,
                const YAML::Node& node,
                const std::string& path,
                const std::string& name,
                Topology& t)
{
    if (!r.CheckMap(node, path, {"gpus", "nics", "nic", "nvlink", "nvlink-latency"}))
    {
        return;
    }
    HostProfile p;
    p.name = name;
    p.mark = MarkOf(node, path);
    uint64_t value = 0;
    if (r.ReadUint(node, "gpus", path, value, 0, 1024))
    {
        p.gpus = static_cast<uint32_t>(value);
    }
    if (r.ReadUint(node, "nics", path, value, 1, 1024))
    {
        p.nics = static_cast<uint32_t>(value);
    }
    r.ReadString(node, "nic", path, p.nic);
    uint64_t bothWays = 0;
    if (r.ReadDataRate(node, "nvlink", path, bothWays))
    {
        p.nvlinkBps = bothWays / 2; // quoted for both directions together
    }
    r.ReadTime(node, "nvlink-latency", path, p.nvlinkLatency);
    if (node["nic"] && !t.nicProfiles.count(p.nic))
    {
        r.Error(node["nic"], JoinPath(path, "nic"), "unknown NIC profile '" + p.nic + "'");
    }
    t.hostProfiles[name] = p;
}

void
ReadProfiles(YamlReader& r, const YAML::Node& node, const std::string& path, Topology& t)
{
    if (!r.CheckMap(node, path, {"nic", "switch", "link", "host"}))
    {
        return;
    }
    using Reader =
        void (*)(YamlReader&, const YAML::Node&, const std::string&, const std::string&, Topology&);
    // NIC profiles first: host profiles name them.
    std::pair<const char*, Reader> kinds[] = {{"nic", ReadNicProfile},
                                              {"switch", ReadSwitchProfile},
                                              {"link", ReadLinkProfile},
                                              {"host", ReadHostProfile}};
    for (const auto& [kind, read] : kinds)
    {
        const YAML::Node profiles = node[kind];
        std::string kindPath = JoinPath(path, kind);
        if (!profiles)
        {
            continue;
        }
        if (!profiles.IsMap())
        {
            r.Error(profiles,
                    kindPath,
                    "expected a map of profile names to their settings, not " +
                        DescribeNode(profiles));
            continue;
        }
        std::set<std::string> seen;
        for (const auto& entry : profiles)
        {
            std::string name = entry.first.Scalar();
            std::string at = JoinPath(kindPath, name);
            if (!seen.insert(name).second)
            {
                r.Error(entry.first, at, "duplicate key");
                continue;
            }
            if (entry.second.IsNull())
            {
                r.Error(entry.first, at, "empty profile: give its settings as a map, {} for none");
            }
            else
            {
                read(r, entry.second, at, name, t);
            }
            if (!entry.second.IsMap())
            {
                // Define it with the defaults, so that what names it is not reported too.
                read(r, YAML::Node(YAML::NodeType::Map), at, name, t);
            }
        }
    }
}

void
ReadHosts(YamlReader& r, const YAML::Node& node, const std::string& path, Topology& t)
{
    if (!r.CheckMap(node, path, {"count", "profile"}))
    {
        return;
    }
    if (r.ReadUint(node, "count", path, t.servers, 1, 1 << 24))
    {
        t.serversMark = MarkOf(node["count"], JoinPath(path, "count"));
    }
    if (r.ReadString(node, "profile", path, t.hostProfile) && !t.hostProfiles.count(t.hostProfile))
    {
        r.Error(node["profile"],
                JoinPath(path, "profile"),
                "unknown host profile '" + t.hostProfile + "'");
    }
}

void
ReadPlane(YamlReader& r, const YAML::Node& node, const std::string& path, Topology& t)
{
    if (!r.CheckMap(node,
                    path,
                    {"name",
                     "count",
                     "generator",
                     "tiers",
                     "radix",
                     "hosts-per-leaf",
                     "oversubscription",
                     "leaves",
                     "switch",
                     "link",
                     "host-link"}))
    {
        return;
    }
    PlaneSpec p;
    p.mark = MarkOf(node, path);
    std::size_t before = r.GetDiagnosticCount();
    r.ReadString(node, "name", path, p.name);
    uint64_t value = 0;
    if (r.ReadUint(node, "count", path, value, 1, 64))
    {
        p.count = static_cast<uint32_t>(value);
    }
    std::string generator;
    if (r.Require(node, "generator", path) && r.ReadString(node, "generator", path, generator))
    {
        if (generator == "leaf-spine")
        {
            p.shape.tiers = 2;
            if (node["tiers"])
            {
                r.Error(node["tiers"],
                        JoinPath(path, "tiers"),
                        "a leaf-spine always has 2 tiers; leave tiers out");
            }
        }
        else if (generator != "fat-tree")
        {
            r.Error(node["generator"],
                    JoinPath(path, "generator"),
                    "unknown generator '" + generator + "' (valid: fat-tree, leaf-spine)");
        }
        else if (r.Require(node, "tiers", path) && r.ReadUint(node, "tiers", path, value, 2, 3))
        {
            p.shape.tiers = static_cast<uint32_t>(value);
        }
    }
    if (r.Require(node, "radix", path) && r.ReadUint(node, "radix", path, value, 2, 65534))
    {
        p.shape.radix = static_cast<uint32_t>(value);
        p.radixMark = MarkOf(node["radix"], JoinPath(path, "radix"));
    }
    if (node["hosts-per-leaf"] && node["oversubscription"])
    {
        r.Error(node["oversubscription"],
                JoinPath(path, "oversubscription"),
                "give hosts-per-leaf or oversubscription, not both");
    }
    if (r.ReadUint(node, "hosts-per-leaf", path, value, 1, 65534))
    {
        p.shape.hostsPerLeaf = static_cast<uint32_t>(value);
    }
    std::string ratio;
    if (r.ReadString(node, "oversubscription", path, ratio))
    {
        // "3:1" or "3": hosts-per-leaf / uplinks of a leaf; the radix must split in that ratio.
        std::size_t colon = ratio.find(':');
        std::string down = ratio.substr(0, colon);
        std::string up = colon == std::string::npos ? "1" : ratio.substr(colon + 1);
        auto number = [](const std::string& s) {
            return !s.empty() && s.size() < 6 &&
                   s.find_first_not_of("0123456789") == std::string::npos && std::stoul(s) > 0;
        };
        uint64_t d = number(down) ? std::stoul(down) : 0;
        uint64_t u = number(up) ? std::stoul(up) : 0;
        if (d == 0 || u == 0 || d < u)
        {
            r.Error(node["oversubscription"],
                    JoinPath(path, "oversubscription"),
                    "expected a ratio of at least 1 such as 1, 3 or 3:1, not '" + ratio + "'");
        }
        else if (p.shape.radix * d % (d + u) != 0)
        {
            r.Error(node["oversubscription"],
                    JoinPath(path, "oversubscription"),
                    "a radix-" + std::to_string(p.shape.radix) + " leaf cannot split its ports " +
                        ratio + " between hosts and uplinks");
        }
        else
        {
            p.shape.hostsPerLeaf = static_cast<uint32_t>(p.shape.radix * d / (d + u));
        }
    }
    if (r.ReadUint(node, "leaves", path, value, 1, 65534))
    {
        p.shape.leaves = static_cast<uint32_t>(value);
    }
    r.ReadString(node, "switch", path, p.switchProfile);
    r.ReadString(node, "link", path, p.linkProfile);
    r.ReadString(node, "host-link", path, p.hostLinkProfile);
    for (const auto& [key, name, known] :
         {std::tuple{"switch", p.switchProfile, t.switchProfiles.count(p.switchProfile) > 0},
          std::tuple{"link", p.linkProfile, t.linkProfiles.count(p.linkProfile) > 0},
          std::tuple{"host-link", p.hostLinkProfile, t.linkProfiles.count(p.hostLinkProfile) > 0}})
    {
        if (node[key] && !known)
        {
            r.Error(node[key],
                    JoinPath(path, key),
                    std::string("unknown ") + (key == std::string("switch") ? "switch" : "link") +
                        " profile '" + name + "'");
        }
    }
    if (r.GetDiagnosticCount() == before)
    {
        // The shape with the servers it will get (hosts are read first); each problem goes to
        // the key to blame.
        FatTreeShape shape = p.shape;
        shape.hosts = t.servers;
        for (const auto& problem : shape.GetProblems())
        {
            if (problem.key == "hosts")
            {
                const SourceMark& at = t.serversMark;
                r.ErrorAt(at.line, at.column, at.path, problem.message);
            }
            else
            {
                const YAML::Node at = node[problem.key];
                r.Error(at ? at : node, JoinPath(path, problem.key), problem.message);
            }
        }
    }
    t.planes.push_back(p);
}

void
ReadFabric(YamlReader& r, const YAML::Node& node, const std::string& path, Topology& t)
{
    if (!r.CheckMap(node, path, {"planes"}) || !r.Require(node, "planes", path))
    {
        return;
    }
    const YAML::Node planes = node["planes"];
    std::string planesPath = JoinPath(path, "planes");
    if (!planes.IsSequence() || planes.size() == 0)
    {
        r.Error(planes,
                planesPath,
                planes.IsSequence() ? "expected at least one plane"
                                    : "expected a list of planes, not " + DescribeNode(planes));
        return;
    }
    for (std::size_t i = 0; i < planes.size(); ++i)
    {
        ReadPlane(r, planes[i], planesPath + "[" + std::to_string(i) + "]", t);
    }
}

void
ReadNodes(YamlReader& r, const YAML::Node& node, const std::string& path, Topology& t)
{
    if (!node.IsSequence())
    {
        r.Error(node, path, "expected a list of nodes, not " + DescribeNode(node));
        return;
    }
    for (std::size_t i = 0; i < node.size(); ++i)
    {
        const YAML::Node entry = node[i];
        std::string at = path + "[" + std::to_string(i) + "]";
        if (!r.CheckMap(entry, at, {"name", "kind", "profile", "ports"}))
        {
            continue;
        }
        NodeSpec spec;
        spec.mark = MarkOf(entry, at);
        bool ok = r.Require(entry, "name", at) & r.Require(entry, "kind", at) &
                  r.Require(entry, "profile", at);
        std::string kind;
        if (!ok || !r.ReadString(entry, "name", at, spec.name) ||
            !r.ReadString(entry, "kind", at, kind) ||
            !r.ReadString(entry, "profile", at, spec.profile))
        {
            continue;
        }
        if (kind != "host" && kind != "switch")
        {
            r.Error(entry["kind"],
                    JoinPath(at, "kind"),
                    "expected host or switch, not '" + kind + "'");
            continue;
        }
        spec.isSwitch = kind == "switch";
        uint64_t ports = 0;
        if (r.ReadUint(entry, "ports", at, ports, 1, 65535))
        {
            if (!spec.isSwitch)
            {
                r.Error(entry["ports"],
                        JoinPath(at, "ports"),
                        "a host's NICs come from its profile; ports is for switches");
            }
            spec.ports = spec.isSwitch ? static_cast<uint32_t>(ports) : 0;
        }
        if (spec.name.empty() || spec.name.find_first_of(": \t") != std::string::npos)
        {
            r.Error(entry["name"],
                    JoinPath(at, "name"),
                    "invalid node name '" + spec.name +
                        "': a name is not empty and has no blanks or ':' (links write NODE:PORT)");
            continue;
        }
        bool known = spec.isSwitch ? t.switchProfiles.count(spec.profile) > 0
                                   : t.hostProfiles.count(spec.profile) > 0;
        if (!known)
        {
            r.Error(entry["profile"],
                    JoinPath(at, "profile"),
                    "unknown " + kind + " profile '" + spec.profile + "'");
            continue;
        }
        t.nodes.push_back(spec);
    }
}

void
ReadLinks(YamlReader& r, const YAML::Node& node, const std::string& path, Topology& t)
{
    if (!node.IsSequence())
    {
        r.Error(node, path, "expected a list of links, not " + DescribeNode(node));
        return;
    }
    for (std::size_t i = 0; i < node.size(); ++i)
    {
        const YAML::Node entry = node[i];
        std::string at = path + "[" + std::to_string(i) + "]";
        if (!r.CheckMap(entry, at, {"a", "b", "profile", "rate", "delay"}))
        {
            continue;
        }
        LinkSpec spec;
        spec.mark = MarkOf(entry, at);
        if (!(r.Require(entry, "a", at) & r.Require(entry, "b", at)) ||
            !r.ReadString(entry, "a", at, spec.a) || !r.ReadString(entry, "b", at, spec.b))
        {
            continue;
        }
        spec.aMark = MarkOf(entry["a"], JoinPath(at, "a"));
        spec.bMark = MarkOf(entry["b"], JoinPath(at, "b"));
        if (r.ReadString(entry, "profile", at, spec.profile) && !t.linkProfiles.count(spec.profile))
        {
            r.Error(entry["profile"],
                    JoinPath(at, "profile"),
                    "unknown link profile '" + spec.profile + "'");
            continue;
        }
        if (r.ReadDataRate(entry, "rate", at, spec.rateBps))
        {
            spec.rateMark = MarkOf(entry["rate"], JoinPath(at, "rate"));
        }
        Time delay;
        if (r.ReadTime(entry, "delay", at, delay))
        {
            spec.delay = delay;
        }
        t.links.push_back(spec);
    }
}
} // namespace

bool
ReadTopology(YamlReader& r, const YAML::Node& root, const std::string& path, Topology& t)
{
    std::size_t before = r.GetDiagnosticCount();
    if (!r.CheckMap(
            root,
            path,
            {"version", "name", "description", "profiles", "hosts", "fabric", "nodes", "links"}))
    {
        return false;
    }
    uint64_t version = Topology::VERSION;
    // A file says which schema it is written in; a scenario's inline topology is the scenario's.
    if (path.empty())
    {
        r.Require(root, "version", path);
    }
    if (r.ReadUint(root, "version", path, version) && version != Topology::VERSION)
    {
        r.Error(root["version"],
                JoinPath(path, "version"),
                "this nsfab reads topology schema version " + std::to_string(Topology::VERSION) +
                    ", not " + std::to_string(version));
        return false;
    }
    r.ReadString(root, "name", path, t.name);
    std::string description;
    r.ReadString(root, "description", path, description);
    if (root["profiles"])
    {
        ReadProfiles(r, root["profiles"], JoinPath(path, "profiles"), t);
    }
    if (root["hosts"])
    {
        ReadHosts(r, root["hosts"], JoinPath(path, "hosts"), t);
    }
    if (root["fabric"])
    {
        ReadFabric(r, root["fabric"], JoinPath(path, "fabric"), t);
    }
    if (root["nodes"])
    {
        ReadNodes(r, root["nodes"], JoinPath(path, "nodes"), t);
    }
    if (root["links"])
    {
        ReadLinks(r, root["links"], JoinPath(path, "links"), t);
    }
    if (!root["fabric"] && !root["links"] && r.GetDiagnosticCount() == before)
    {
        r.Error(root, path, "a topology needs a fabric (generated planes) or links");
    }
    return r.GetDiagnosticCount() == before;
}

std::optional<std::pair<Topology, FabricGraph>>
LoadTopologyFile(const std::string& file, std::vector<Diagnostic>& diagnostics)
{
    std::size_t before = diagnostics.size();
    YamlReader r(file, diagnostics);
    std::optional<YAML::Node> root = r.ParseFile();
    if (!root)
    {
        return std::nullopt;
    }
    if (root->IsNull())
    {
        // Nothing but comments, or nothing at all: no node to point at but the start.
        r.ErrorAt(1,
                  1,
                  "",
                  "the file holds no topology: expected a map with version, and fabric or links");
        return std::nullopt;
    }
    Topology topology = Topology::WithBuiltins();
    topology.file = file;
    bool read = ReadTopology(r, *root, "", topology);
    std::optional<FabricGraph> graph;
    if (read)
    {
        graph = ExpandTopology(topology, diagnostics);
    }
    if (diagnostics.size() != before)
    {
        // Readers go key by key in the schema's order: report in the file's order, problems
        // without a place last.
        auto place = [](const Diagnostic& d) {
            return std::pair(d.line > 0 ? d.line : INT_MAX, d.column);
        };
        std::stable_sort(
            diagnostics.begin() + before,
            diagnostics.end(),
            [&](const Diagnostic& a, const Diagnostic& b) { return place(a) < place(b); });
        return std::nullopt;
    }
    return std::make_pair(std::move(topology), std::move(*graph));
}

namespace
{
/// A setting's value as a person writes it: rates, times and sizes with units.
std::string
Pretty(const AttributeSetting& s, bool bytes)
{
    uint64_t number = 0;
    if (bytes && s.value.find_first_not_of("0123456789") == std::string::npos)
    {
        return fabric::FormatBytes(std::stoull(s.value));
    }
    Time time;
    std::size_t unit = s.value.find_first_not_of("0123456789");
    std::string suffix = unit == std::string::npos ? "" : s.value.substr(unit);
    if (suffix == "bps" && fabric::ParseDataRate(s.value, number).empty())
    {
        return fabric::FormatDataRate(number);
    }
    if (suffix == "ps" && fabric::ParseTime(s.value, time).empty())
    {
        return fabric::FormatTime(time);
    }
    return s.value;
}

/// YAML flow-map text of \p settings under their friendly keys, or under `attributes`.
std::string
WriteSettings(const std::map<ProfileTarget, std::vector<AttributeSetting>>& settings,
              const ProfileKey* begin,
              const ProfileKey* end,
              bool nicProfile,
              std::vector<std::string>& fields)
{
    std::map<std::string, std::vector<std::string>> raw; // target key -> "Attr: value"
    std::vector<std::string> ecn;
    for (const auto& [target, list] : settings)
    {
        for (const auto& s : list)
        {
            auto isKey = [&](const ProfileKey& k) {
                return k.target == target && s.attribute == k.attribute;
            };
            const ProfileKey* k = std::find_if(begin, end, isKey);
            const ProfileKey* e = std::find_if(std::begin(ECN_KEYS), std::end(ECN_KEYS), isKey);
            if (k != end)
            {
                fields.push_back(std::string(k->key) + ": " + Pretty(s, k->bytes));
            }
            else if (!nicProfile && e != std::end(ECN_KEYS))
            {
                ecn.push_back(std::string(e->key) + ": " + Pretty(s, e->bytes));
            }
            else
            {
                raw[Target(target).key].push_back(s.attribute + ": " + Pretty(s, false));
            }
        }
    }
    auto join = [](const std::vector<std::string>& items) {
        std::string text;
        for (const auto& item : items)
        {
            text += (text.empty() ? "" : ", ") + item;
        }
        return "{" + text + "}";
    };
    if (!ecn.empty())
    {
        fields.push_back("ecn: " + join(ecn));
    }
    if (!raw.empty())
    {
        if (nicProfile)
        {
            fields.push_back("attributes: " + join(raw["nic"]));
        }
        else
        {
            std::vector<std::string> groups;
            for (const auto& [key, items] : raw)
            {
                groups.push_back(key + ": " + join(items));
            }
            fields.push_back("attributes: " + join(groups));
        }
    }
    return join(fields);
}

/// Names are written as plain scalars when YAML reads them back as the same string.
std::string
Quote(const std::string& text)
{
    bool plain = !text.empty() &&
                 text.find_first_of(":#,[]{}&*!|>'\"%@` \t") == std::string::npos &&
                 text.find_first_of("-?") != 0;
    if (plain)
    {
        return text;
    }
    std::string quoted = "\"";
    for (char c : text)
    {
        quoted += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
    }
    return quoted + "\"";
}
} // namespace

std::string
WriteTopologyYaml(const FabricGraph& graph, const std::vector<std::string>& comments)
{
    std::ostringstream os;
    for (const auto& c : comments)
    {
        os << "# " << c << "\n";
    }
    os << "version: " << Topology::VERSION << "\n";
    if (!graph.name.empty())
    {
        os << "name: " << Quote(graph.name) << "\n";
    }
    os << "profiles:\n";
    auto sorted = [](auto profiles) {
        std::sort(profiles.begin(), profiles.end(), [](auto a, auto b) {
            return a->name < b->name;
        });
        profiles.erase(std::unique(profiles.begin(), profiles.end()), profiles.end());
        return profiles;
    };
    auto nics = sorted(graph.nicProfiles);
    if (!nics.empty())
    {
        os << "  nic:\n";
        for (const auto& p : nics)
        {
            std::vector<std::string> fields;
            os << "    " << Quote(p->name) << ": "
               << WriteSettings({{ProfileTarget::NIC, p->attributes}},
                                std::begin(NIC_KEYS),
                                std::end(NIC_KEYS),
                                true,
                                fields)
               << "\n";
        }
    }
    auto switches = sorted(graph.switchProfiles);
    if (!switches.empty())
    {
        os << "  switch:\n";
        for (const auto& p : switches)
        {
            std::vector<std::string> fields{"ports: " + std::to_string(p->ports)};
            if (!p->ecn)
            {
                fields.push_back("ecn: false");
            }
            os << "    " << Quote(p->name) << ": "
               << WriteSettings(p->attributes,
                                std::begin(SWITCH_KEYS),
                                std::end(SWITCH_KEYS),
                                false,
                                fields)
               << "\n";
        }
    }
    auto links = sorted(graph.linkProfiles);
    os << (links.empty() ? "" : "  link:\n");
    for (const auto& p : links)
    {
        os << "    " << Quote(p->name) << ": {delay: " << fabric::FormatTime(p->delay);
        if (p->rateBps)
        {
            os << ", rate: " << fabric::FormatDataRate(p->rateBps);
        }
        os << "}\n";
    }
    auto hosts = sorted(graph.hostProfiles);
    if (!hosts.empty())
    {
        os << "  host:\n";
        for (const auto& p : hosts)
        {
            os << "    " << Quote(p->name) << ": {gpus: " << p->gpus << ", nics: " << p->nics
               << ", nic: " << Quote(p->nic);
            if (p->nvlinkBps)
            {
                os << ", nvlink: " << fabric::FormatDataRate(p->nvlinkBps * 2);
            }
            if (!p->nvlinkLatency.IsZero())
            {
                os << ", nvlink-latency: " << fabric::FormatTime(p->nvlinkLatency);
            }
            os << "}\n";
        }
    }
    // A switch read back gets ports up to its highest linked one: say when it has more.
    std::vector<uint32_t> linkedPorts(graph.nodes.size(), 0);
    for (const auto& l : graph.links)
    {
        linkedPorts[l.a] = std::max(linkedPorts[l.a], l.aPort + 1);
        linkedPorts[l.b] = std::max(linkedPorts[l.b], l.bPort + 1);
    }
    os << "nodes:\n";
    for (uint32_t i = 0; i < graph.nodes.size(); ++i)
    {
        const FabricGraph::Node& n = graph.nodes[i];
        bool host = n.kind == FabricGraph::HOST;
        os << "  - {name: " << Quote(n.name) << ", kind: " << (host ? "host" : "switch")
           << ", profile: "
           << Quote(host ? graph.hostProfiles[n.profile]->name
                         : graph.switchProfiles[n.profile]->name);
        if (!host && n.ports > linkedPorts[i])
        {
            os << ", ports: " << n.ports;
        }
        os << "}\n";
    }
    os << "links:\n";
    for (const auto& l : graph.links)
    {
        const LinkProfile* p = graph.linkProfiles[l.profile].get();
        os << "  - {a: " << Quote(graph.nodes[l.a].name + ":" + std::to_string(l.aPort))
           << ", b: " << Quote(graph.nodes[l.b].name + ":" + std::to_string(l.bPort))
           << ", profile: " << Quote(p->name);
        // Without a rate, a link runs at its profile's, or at its ends' if they agree.
        uint64_t rateA = graph.GetPortRate(l.a);
        bool implied = p->rateBps ? l.rateBps == p->rateBps
                                  : l.rateBps == rateA && rateA == graph.GetPortRate(l.b);
        if (!implied)
        {
            os << ", rate: " << fabric::FormatDataRate(l.rateBps);
        }
        if (l.delay != p->delay)
        {
            os << ", delay: " << fabric::FormatTime(l.delay);
        }
        os << "}\n";
    }
    return os.str();
}

} // namespace ns3
