/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "builtin-workloads.h"

#include "flow-size-cdf.h"

#include "ns3/collective-helper.h"
#include "ns3/collective.h"
#include "ns3/fabric-units.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FlowListWorkload);
NS_OBJECT_ENSURE_REGISTERED(IncastWorkload);
NS_OBJECT_ENSURE_REGISTERED(PermutationWorkload);
NS_OBJECT_ENSURE_REGISTERED(AllToAllWorkload);
NS_OBJECT_ENSURE_REGISTERED(RandomWorkload);
NS_OBJECT_ENSURE_REGISTERED(CollectiveWorkload);

namespace
{
/// The TypeId of a built-in workload: a subclass of Workload with a constructor.
template <typename T>
TypeId
WorkloadTypeId(const char* name)
{
    return TypeId(name).SetParent<Workload>().SetGroupName("FabricExperiment").AddConstructor<T>();
}

/// Read the required size map[key] (> 0 bytes).
bool
ReadSize(YamlReader& r,
         const YAML::Node& map,
         const char* key,
         const std::string& path,
         uint64_t& out)
{
    if (!r.Require(map, key, path) || !r.ReadBytes(map, key, path, out))
    {
        return false;
    }
    if (out == 0)
    {
        r.Error(map[key], JoinPath(path, key), "at least one byte");
        return false;
    }
    return true;
}

/// The selection map["hosts"], every NIC by default; false if it was wrong.
bool
ReadHosts(WorkloadReader& in,
          const YAML::Node& map,
          const std::string& path,
          std::vector<HostPort>& out)
{
    out = in.All(WorkloadReader::NIC);
    return in.ReadSelection(map, "hosts", path, WorkloadReader::NIC, out);
}

/// `size` (required) and `hosts` (at least 2 NICs) of the workloads that join selected NICs;
/// false if either is wrong (reported).
bool
ReadSizeAndHosts(WorkloadReader& in,
                 const YAML::Node& node,
                 const std::string& path,
                 uint64_t& bytes,
                 std::vector<HostPort>& hosts)
{
    bool ok = ReadSize(in.Yaml(), node, "size", path, bytes);
    if (!ReadHosts(in, node, path, hosts) || !ok)
    {
        return false;
    }
    if (hosts.size() < 2)
    {
        in.Yaml().Error(node["hosts"] ? node["hosts"] : node,
                        JoinPath(path, "hosts"),
                        "selects 1 NIC; at least 2 are needed");
        return false;
    }
    return true;
}

/// The number of distinct hosts in \p ports.
std::size_t
CountHosts(const std::vector<HostPort>& ports)
{
    std::vector<uint32_t> nodes;
    for (HostPort p : ports)
    {
        nodes.push_back(p.node);
    }
    std::sort(nodes.begin(), nodes.end());
    return std::unique(nodes.begin(), nodes.end()) - nodes.begin();
}
} // namespace

// --- flows ---

TypeId
FlowListWorkload::GetTypeId()
{
    static TypeId tid = WorkloadTypeId<FlowListWorkload>("ns3::FlowListWorkload");
    return tid;
}

std::vector<const char*>
FlowListWorkload::GetKeys() const
{
    return {"flows", "file"};
}

void
FlowListWorkload::Read(WorkloadReader& in,
                       const YAML::Node& node,
                       const std::string& path,
                       Time start)
{
    YamlReader& r = in.Yaml();
    if (bool(node["flows"]) == bool(node["file"]))
    {
        r.Error(node, path, "give either flows (a list) or file (an HPCC flow.txt)");
        return;
    }
    if (node["file"])
    {
        ReadFlowFile(in, node, path, start);
        return;
    }
    const YAML::Node flows = node["flows"];
    std::string listPath = JoinPath(path, "flows");
    if (!WorkloadReader::CheckList(r, flows, listPath, "flows"))
    {
        return;
    }
    for (std::size_t i = 0; i < flows.size(); ++i)
    {
        const YAML::Node flow = flows[i];
        std::string at = listPath + "[" + std::to_string(i) + "]";
        if (!r.CheckMap(flow, at, {"src", "dst", "size", "start"}))
        {
            continue;
        }
        std::string src;
        std::string dst;
        uint64_t bytes = 0;
        Time offset;
        bool ok = r.Require(flow, "src", at) & r.Require(flow, "dst", at);
        ok = ReadSize(r, flow, "size", at, bytes) && ok;
        ok = r.ReadString(flow, "src", at, src) && ok;
        ok = r.ReadString(flow, "dst", at, dst) && ok;
        if (flow["start"])
        {
            ok = r.ReadTime(flow, "start", at, offset) &&
                 in.CheckStart(flow["start"], JoinPath(at, "start"), start + offset) && ok;
        }
        HostPort s;
        HostPort d;
        if (!src.empty() && !dst.empty())
        {
            bool ends =
                in.ParseEndpoint(flow["src"], JoinPath(at, "src"), src, WorkloadReader::NIC, s);
            ends =
                in.ParseEndpoint(flow["dst"], JoinPath(at, "dst"), dst, WorkloadReader::NIC, d) &&
                ends;
            if (ends && ok)
            {
                in.AddFlow(flow["dst"], JoinPath(at, "dst"), s, d, bytes, start + offset);
            }
        }
    }
}

void
FlowListWorkload::ReadFlowFile(WorkloadReader& in,
                               const YAML::Node& node,
                               const std::string& path,
                               Time start)
{
    YamlReader& r = in.Yaml();
    std::string name;
    if (!r.ReadString(node, "file", path, name))
    {
        return;
    }
    std::string file = in.ResolvePath(node["file"]);
    std::ifstream is(file);
    if (!std::filesystem::is_regular_file(file) || !is)
    {
        r.Error(node["file"],
                JoinPath(path, "file"),
                "no flow file '" + file + "' (a path is taken relative to the scenario's folder)");
        return;
    }
    // Problems inside the flow file are located in it.
    YamlReader f(file, r.GetDiagnostics());
    std::size_t before = r.GetDiagnosticCount();
    std::string line;
    int lineNo = 0;
    uint64_t expected = 0;
    uint64_t read = 0;
    bool counted = false;
    while (std::getline(is, line))
    {
        ++lineNo;
        // Fields with their columns.
        std::vector<std::pair<std::string, int>> fields;
        for (std::size_t i = 0; i < line.size();)
        {
            if (std::isspace(static_cast<unsigned char>(line[i])))
            {
                ++i;
                continue;
            }
            std::size_t end = i;
            while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end])))
            {
                ++end;
            }
            fields.emplace_back(line.substr(i, end - i), static_cast<int>(i) + 1);
            i = end;
        }
        if (fields.empty())
        {
            continue;
        }
        auto integer = [&](std::size_t k, uint64_t& out) {
            const std::string& t = fields[k].first;
            if (t.empty() || t.size() > 18 ||
                !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }))
            {
                f.ErrorAt(lineNo, fields[k].second, "", "'" + t + "' is not a whole number");
                return false;
            }
            out = std::stoull(t);
            return true;
        };
        if (!counted)
        {
            counted = true;
            if (fields.size() != 1 || !integer(0, expected))
            {
                f.ErrorAt(lineNo, 1, "", "the first line is the number of flows");
                return;
            }
            continue;
        }
        if (fields.size() != 6)
        {
            f.ErrorAt(lineNo,
                      1,
                      "",
                      "expected 6 fields (src dst priority dport size start), not " +
                          std::to_string(fields.size()));
            continue;
        }
        ++read;
        uint64_t src = 0;
        uint64_t dst = 0;
        uint64_t unused = 0;
        uint64_t bytes = 0;
        bool ok = integer(0, src) & integer(1, dst) & integer(2, unused) & integer(3, unused) &
                  integer(4, bytes);
        const std::string& when = fields[5].first;
        char* end = nullptr;
        double seconds = std::strtod(when.c_str(), &end);
        if (*end != '\0' || !(seconds >= 0) || seconds > 1e6)
        {
            f.ErrorAt(lineNo,
                      fields[5].second,
                      "",
                      "'" + when + "' is not a start time in seconds");
            ok = false;
        }
        if (ok && bytes == 0)
        {
            f.ErrorAt(lineNo, fields[4].second, "", "a flow carries at least one byte");
            ok = false;
        }
        if (!ok)
        {
            continue;
        }
        // Ends are HPCC node ids: the importer names those hosts host<id>.
        HostPort ends[2];
        for (int e = 0; e < 2; ++e)
        {
            uint64_t id = e == 0 ? src : dst;
            ends[e].node = in.GetGraph().Find("host" + std::to_string(id));
            if (ends[e].node == FabricGraph::NONE ||
                in.GetGraph().nodes[ends[e].node].kind != FabricGraph::HOST)
            {
                f.ErrorAt(lineNo,
                          fields[e].second,
                          "",
                          "node " + std::to_string(id) + " is not a host of the topology (host" +
                              std::to_string(id) + ")");
                ok = false;
            }
        }
        Time at = start + PicoSeconds(std::llround(seconds * 1e12));
        if (ok && in.GetStop().IsStrictlyPositive() && at >= in.GetStop())
        {
            f.ErrorAt(lineNo, fields[5].second, "", "the flow starts at or after the stop time");
            ok = false;
        }
        if (ok && !in.AddFlow(node["file"], JoinPath(path, "file"), ends[0], ends[1], bytes, at))
        {
            return;
        }
    }
    if (r.GetDiagnosticCount() == before && read != expected)
    {
        f.ErrorAt(1,
                  1,
                  "",
                  "announces " + std::to_string(expected) + " flows but lists " +
                      std::to_string(read));
    }
}

// --- incast ---

TypeId
IncastWorkload::GetTypeId()
{
    static TypeId tid = WorkloadTypeId<IncastWorkload>("ns3::IncastWorkload");
    return tid;
}

std::vector<const char*>
IncastWorkload::GetKeys() const
{
    return {"receiver", "senders", "size", "hosts"};
}

void
IncastWorkload::Read(WorkloadReader& in,
                     const YAML::Node& node,
                     const std::string& path,
                     Time start)
{
    YamlReader& r = in.Yaml();
    uint64_t bytes = 0;
    std::string receiverName;
    HostPort receiver;
    bool ok = ReadSize(r, node, "size", path, bytes);
    ok = r.Require(node, "senders", path) && ok;
    if (!r.Require(node, "receiver", path) || !r.ReadString(node, "receiver", path, receiverName) ||
        !in.ParseEndpoint(node["receiver"],
                          JoinPath(path, "receiver"),
                          receiverName,
                          WorkloadReader::NIC,
                          receiver) ||
        !ok)
    {
        return;
    }
    // The pool senders are drawn from: by default the receiver's rail (NIC index).
    std::vector<HostPort> pool;
    for (HostPort p : in.All(WorkloadReader::NIC))
    {
        if (p.index == receiver.index)
        {
            pool.push_back(p);
        }
    }
    if (!in.ReadSelection(node, "hosts", path, WorkloadReader::NIC, pool))
    {
        return;
    }
    pool.erase(std::remove_if(pool.begin(),
                              pool.end(),
                              [&](HostPort p) { return p.node == receiver.node; }),
               pool.end());
    std::vector<HostPort> senders;
    const YAML::Node list = node["senders"];
    std::string sendersPath = JoinPath(path, "senders");
    if (list.IsSequence())
    {
        if (node["hosts"])
        {
            r.Error(node["hosts"],
                    JoinPath(path, "hosts"),
                    "senders are listed: no pool to draw them from");
            return;
        }
        std::vector<HostPort> listed;
        if (!in.ReadSelection(node, "senders", path, WorkloadReader::NIC, listed))
        {
            return;
        }
        senders = listed;
    }
    else
    {
        uint64_t count = 0;
        if (!r.ReadUint(node, "senders", path, count, 1, UINT32_MAX))
        {
            return;
        }
        if (count > pool.size())
        {
            r.Error(list,
                    sendersPath,
                    std::to_string(count) + " senders, but only " + std::to_string(pool.size()) +
                        " NICs of other hosts to draw them from");
            return;
        }
        // The first `count` of a random shuffle (Fisher-Yates on the workload's stream).
        Ptr<UniformRandomVariable> u = in.GetRandom();
        for (uint32_t i = 0; i < count; ++i)
        {
            auto j = u->GetInteger(i, static_cast<uint32_t>(pool.size() - 1));
            std::swap(pool[i], pool[j]);
            senders.push_back(pool[i]);
        }
    }
    for (HostPort s : senders)
    {
        if (!in.AddFlow(list, sendersPath, s, receiver, bytes, start))
        {
            return;
        }
    }
}

// --- permutation ---

TypeId
PermutationWorkload::GetTypeId()
{
    static TypeId tid = WorkloadTypeId<PermutationWorkload>("ns3::PermutationWorkload");
    return tid;
}

std::vector<const char*>
PermutationWorkload::GetKeys() const
{
    return {"hosts", "size"};
}

void
PermutationWorkload::Read(WorkloadReader& in,
                          const YAML::Node& node,
                          const std::string& path,
                          Time start)
{
    uint64_t bytes = 0;
    std::vector<HostPort> hosts;
    if (!ReadSizeAndHosts(in, node, path, bytes, hosts))
    {
        return;
    }
    // Sattolo's algorithm: a uniformly random cyclic permutation, which has no fixed point.
    std::vector<uint32_t> to(hosts.size());
    std::iota(to.begin(), to.end(), 0);
    Ptr<UniformRandomVariable> u = in.GetRandom();
    for (auto i = static_cast<uint32_t>(to.size() - 1); i > 0; --i)
    {
        std::swap(to[i], to[u->GetInteger(0, i - 1)]);
    }
    for (uint32_t i = 0; i < hosts.size(); ++i)
    {
        if (!in.AddFlow(node, path, hosts[i], hosts[to[i]], bytes, start))
        {
            return;
        }
    }
}

// --- all-to-all ---

TypeId
AllToAllWorkload::GetTypeId()
{
    static TypeId tid = WorkloadTypeId<AllToAllWorkload>("ns3::AllToAllWorkload");
    return tid;
}

std::vector<const char*>
AllToAllWorkload::GetKeys() const
{
    return {"hosts", "size"};
}

void
AllToAllWorkload::Read(WorkloadReader& in,
                       const YAML::Node& node,
                       const std::string& path,
                       Time start)
{
    uint64_t bytes = 0;
    std::vector<HostPort> hosts;
    if (!ReadSizeAndHosts(in, node, path, bytes, hosts))
    {
        return;
    }
    // Rank i sends to i+1, i+2, ... so that no receiver is everybody's first target.
    for (std::size_t shift = 1; shift < hosts.size(); ++shift)
    {
        for (std::size_t i = 0; i < hosts.size(); ++i)
        {
            if (!in.AddFlow(node, path, hosts[i], hosts[(i + shift) % hosts.size()], bytes, start))
            {
                return;
            }
        }
    }
}

// --- random ---

TypeId
RandomWorkload::GetTypeId()
{
    static TypeId tid = WorkloadTypeId<RandomWorkload>("ns3::RandomWorkload");
    return tid;
}

std::vector<const char*>
RandomWorkload::GetKeys() const
{
    return {"hosts", "sizes", "load", "duration"};
}

void
RandomWorkload::Read(WorkloadReader& in,
                     const YAML::Node& node,
                     const std::string& path,
                     Time start)
{
    YamlReader& r = in.Yaml();
    std::vector<HostPort> hosts;
    bool ok = ReadHosts(in, node, path, hosts);
    double load = 0;
    ok = r.Require(node, "load", path) && r.ReadDouble(node, "load", path, load, 0, 1) && ok;
    if (ok && load == 0)
    {
        r.Error(node["load"], JoinPath(path, "load"), "the load must be above 0");
        ok = false;
    }
    Time duration = in.GetStop() - start;
    if (node["duration"])
    {
        ok = r.ReadTime(node, "duration", path, duration) && ok;
        if (ok && in.GetStop().IsStrictlyPositive() && start + duration > in.GetStop())
        {
            r.Error(node["duration"], JoinPath(path, "duration"), "ends after the stop time");
            ok = false;
        }
    }
    else if (!in.GetStop().IsStrictlyPositive())
    {
        r.Error(node,
                JoinPath(path, "duration"),
                "required when the scenario runs until all work is done (stop: done)");
        ok = false;
    }
    if (ok && !duration.IsStrictlyPositive())
    {
        r.Error(node["duration"], JoinPath(path, "duration"), "the duration must be positive");
        ok = false;
    }
    std::string sizesName;
    std::optional<FlowSizeCdf> sizes;
    if (r.Require(node, "sizes", path) && r.ReadString(node, "sizes", path, sizesName))
    {
        std::string file = in.ResolvePath(node["sizes"]);
        if (!std::filesystem::is_regular_file(file))
        {
            r.Error(node["sizes"],
                    JoinPath(path, "sizes"),
                    "no flow-size file '" + file +
                        "' (a path is taken relative to the scenario's folder)");
        }
        else
        {
            sizes = FlowSizeCdf::Load(file, r.GetDiagnostics());
        }
    }
    if (!ok || !sizes)
    {
        return;
    }
    if (CountHosts(hosts) < 2)
    {
        r.Error(node, JoinPath(path, "hosts"), "random traffic needs NICs of at least 2 hosts");
        return;
    }
    // Each NIC offers load of its link's rate (0 without a link).
    const FabricGraph& g = in.GetGraph();
    const HostLinks& links = in.GetHostLinks();
    auto rate = [&](HostPort h) {
        uint32_t link = links.GetHostLink(h.node, h.index);
        return link == FabricGraph::NONE ? uint64_t(0) : g.links[link].rateBps;
    };
    double expected = 0;
    for (HostPort h : hosts)
    {
        expected += load * rate(h) / (8 * sizes->GetMean()) * duration.GetSeconds();
    }
    constexpr double MAX_FLOWS = 1e7;
    if (expected > MAX_FLOWS)
    {
        r.Error(node,
                path,
                "would start about " + std::to_string(uint64_t(expected)) +
                    " flows; at most 10000000 (shorten the duration or lower the load)");
        return;
    }

    struct Arrival
    {
        Time at;
        uint32_t src;
        uint32_t dst;
        uint64_t bytes;
    };

    std::vector<Arrival> arrivals;
    Ptr<UniformRandomVariable> u = in.GetRandom();
    Time end = start + duration;
    for (uint32_t s = 0; s < hosts.size(); ++s)
    {
        uint64_t bps = rate(hosts[s]);
        if (bps == 0)
        {
            continue; // a NIC without a link offers nothing
        }
        double meanGap = 8 * sizes->GetMean() / (load * bps); // seconds
        Time t = start;
        while (true)
        {
            // Exponential gaps: a Poisson process of the NIC's flow rate.
            t += PicoSeconds(std::llround(-std::log(1 - u->GetValue()) * meanGap * 1e12));
            if (t >= end)
            {
                break;
            }
            uint32_t d;
            do
            {
                d = u->GetInteger(0, static_cast<uint32_t>(hosts.size() - 1));
            } while (hosts[d].node == hosts[s].node);
            arrivals.push_back(Arrival{t, s, d, sizes->Sample(u)});
        }
    }
    std::stable_sort(arrivals.begin(), arrivals.end(), [](const Arrival& a, const Arrival& b) {
        return a.at < b.at;
    });
    for (const Arrival& a : arrivals)
    {
        if (!in.AddFlow(node, path, hosts[a.src], hosts[a.dst], a.bytes, a.at))
        {
            return;
        }
    }
}

// --- collective ---

TypeId
CollectiveWorkload::GetTypeId()
{
    static TypeId tid = WorkloadTypeId<CollectiveWorkload>("ns3::CollectiveWorkload");
    return tid;
}

std::vector<const char*>
CollectiveWorkload::GetKeys() const
{
    return {"op", "size", "ranks", "algorithm", "root", "iterations"};
}

void
CollectiveWorkload::Read(WorkloadReader& in,
                         const YAML::Node& node,
                         const std::string& path,
                         Time start)
{
    YamlReader& r = in.Yaml();
    CollectiveSpec spec;
    std::string opName;
    bool ok = r.Require(node, "op", path) && r.ReadString(node, "op", path, opName);
    if (ok && !ParseCollectiveOp(opName, spec.op))
    {
        r.Error(node["op"],
                JoinPath(path, "op"),
                "unknown collective '" + opName +
                    "' (valid: allreduce, allgather, reducescatter, alltoall, broadcast)");
        ok = false;
    }
    // One size, or a list run one after the other.
    std::vector<uint64_t> sizes;
    const YAML::Node size = node["size"];
    std::string sizePath = JoinPath(path, "size");
    if (!r.Require(node, "size", path))
    {
        ok = false;
    }
    else if (size.IsSequence() && size.size() > 0)
    {
        for (std::size_t i = 0; i < size.size(); ++i)
        {
            std::string at = sizePath + "[" + std::to_string(i) + "]";
            uint64_t bytes = 0;
            std::string problem = size[i].IsScalar() ? fabric::ParseBytes(size[i].Scalar(), bytes)
                                                     : "expected a size";
            if (problem.empty() && bytes == 0)
            {
                problem = "at least one byte";
            }
            if (!problem.empty())
            {
                r.Error(size[i], at, problem);
                continue;
            }
            sizes.push_back(bytes);
        }
        ok = ok && sizes.size() == size.size();
    }
    else
    {
        uint64_t bytes = 0;
        ok = ReadSize(r, node, "size", path, bytes) && ok;
        sizes.push_back(bytes);
    }
    std::vector<HostPort> ranks = in.All(WorkloadReader::GPU);
    ok = in.ReadSelection(node, "ranks", path, WorkloadReader::GPU, ranks) && ok;
    for (HostPort p : ranks)
    {
        spec.ranks.push_back(GpuId{p.node, p.index});
    }
    uint64_t value = 0;
    if (r.ReadUint(node, "root", path, value, 0, UINT32_MAX))
    {
        spec.root = static_cast<uint32_t>(value);
    }
    uint64_t iterations = 1;
    r.ReadUint(node, "iterations", path, iterations, 1, 1000000);

    // With an unknown op there is no default algorithm to check.
    std::string algorithm = ok ? CollectiveHelper::GetDefaultAlgorithm(spec.op) : "";
    if ((algorithm.empty() && !node["algorithm"]) ||
        !in.ReadAlgorithm(node, "algorithm", path, algorithm, spec.attributes) || !ok)
    {
        return;
    }
    spec.algorithm = algorithm;
    // Everything Collective::Setup checks (ranks, op, root, sizes, paths), before anything runs.
    uint32_t previous = CollectiveSpec::NONE;
    for (std::size_t i = 0; i < sizes.size(); ++i)
    {
        std::string problem = in.CheckCollective(Communicator(spec.ranks),
                                                 spec.op,
                                                 sizes[i],
                                                 spec.algorithm,
                                                 spec.attributes,
                                                 spec.root);
        if (!problem.empty())
        {
            r.Error(node, path, problem);
            return;
        }
        for (uint64_t k = 0; k < iterations; ++k)
        {
            CollectiveSpec c = spec;
            c.bytes = sizes[i];
            c.start = start;
            c.after = previous;
            previous = in.AddCollective(std::move(c));
        }
    }
}

} // namespace ns3
