/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "chakra-workload.h"

#include "chakra-trace.h"

#include "ns3/collective-helper.h"

#include <algorithm>
#include <filesystem>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(ChakraWorkload);

TypeId
ChakraWorkload::GetTypeId()
{
    static TypeId tid = TypeId("ns3::ChakraWorkload")
                            .SetParent<Workload>()
                            .SetGroupName("FabricExperiment")
                            .AddConstructor<ChakraWorkload>();
    return tid;
}

std::vector<const char*>
ChakraWorkload::GetKeys() const
{
    return {"traces", "ranks", "groups", "algorithms"};
}

namespace
{
/// Read a list of job ranks below \p count into \p out; false if wrong (reported).
bool
ReadRanks(YamlReader& r,
          const YAML::Node& list,
          const std::string& path,
          uint32_t count,
          std::vector<uint32_t>& out)
{
    if (!WorkloadReader::CheckList(r, list, path, "job rank"))
    {
        return false;
    }
    out.clear();
    for (std::size_t i = 0; i < list.size(); ++i)
    {
        uint64_t rank = 0;
        if (!list[i].IsScalar() || !YAML::convert<uint64_t>::decode(list[i], rank) || rank >= count)
        {
            r.Error(list[i],
                    path + "[" + std::to_string(i) + "]",
                    "expected a job rank from 0 to " + std::to_string(count - 1));
            return false;
        }
        out.push_back(static_cast<uint32_t>(rank));
    }
    return true;
}
} // namespace

void
ChakraWorkload::Read(WorkloadReader& in,
                     const YAML::Node& node,
                     const std::string& path,
                     Time start)
{
    YamlReader& r = in.Yaml();
    std::size_t before = r.GetDiagnosticCount();
    ChakraJob job;
    std::vector<HostPort> gpus = in.All(WorkloadReader::GPU);
    bool ranksGiven = node["ranks"].IsDefined();
    in.ReadSelection(node, "ranks", path, WorkloadReader::GPU, gpus);
    if (!r.Require(node, "traces", path))
    {
        return;
    }
    const YAML::Node traces = node["traces"];
    std::string at = JoinPath(path, "traces");
    std::vector<std::pair<std::string, std::vector<uint32_t>>> files; // file, its job ranks
    if (traces.IsScalar())
    {
        // prefix.0.et, prefix.1.et, ... for the ranks there are files for.
        std::string prefix = in.ResolvePrefix(traces);
        uint32_t count = ranksGiven ? static_cast<uint32_t>(gpus.size()) : 0;
        for (uint32_t rank = 0;; ++rank)
        {
            std::string file = prefix + "." + std::to_string(rank) + ".et";
            bool exists = std::filesystem::is_regular_file(file);
            if (ranksGiven ? rank >= count : !exists)
            {
                break;
            }
            if (!exists)
            {
                r.Error(traces,
                        at,
                        "no trace for rank " + std::to_string(rank) + " of " +
                            std::to_string(count) + " (ranks): " + file);
                return;
            }
            files.emplace_back(file, std::vector<uint32_t>{rank});
        }
        if (files.empty())
        {
            r.Error(traces, at, "no trace " + prefix + ".0.et");
            return;
        }
        if (!ranksGiven && files.size() > gpus.size())
        {
            r.Error(traces,
                    at,
                    std::to_string(files.size()) + " traces for " + std::to_string(gpus.size()) +
                        " GPUs");
            return;
        }
        gpus.resize(ranksGiven ? gpus.size() : files.size());
    }
    else if (WorkloadReader::CheckList(r, traces, at, "{file, ranks} map"))
    {
        // One trace per rank group: the job has as many ranks as the selection.
        std::vector<uint32_t> owner(gpus.size(), UINT32_MAX);
        for (std::size_t i = 0; i < traces.size(); ++i)
        {
            std::string item = at + "[" + std::to_string(i) + "]";
            if (!r.CheckMap(traces[i], item, {"file", "ranks"}) ||
                !r.Require(traces[i], "file", item) || !r.Require(traces[i], "ranks", item))
            {
                return;
            }
            std::vector<uint32_t> members;
            if (!ReadRanks(r,
                           traces[i]["ranks"],
                           JoinPath(item, "ranks"),
                           static_cast<uint32_t>(gpus.size()),
                           members))
            {
                return;
            }
            for (uint32_t m : members)
            {
                if (owner[m] != UINT32_MAX)
                {
                    r.Error(traces[i]["ranks"],
                            JoinPath(item, "ranks"),
                            "rank " + std::to_string(m) + " already runs traces[" +
                                std::to_string(owner[m]) + "]");
                    return;
                }
                owner[m] = static_cast<uint32_t>(i);
            }
            files.emplace_back(in.ResolvePath(traces[i]["file"]), members);
        }
        // Without a selection the job has as many ranks as the traces name.
        if (!ranksGiven)
        {
            auto used = std::find_if(owner.rbegin(), owner.rend(), [](uint32_t o) {
                return o != UINT32_MAX;
            });
            owner.resize(owner.rend() - used);
            gpus.resize(owner.size());
        }
        for (uint32_t rank = 0; rank < owner.size(); ++rank)
        {
            if (owner[rank] == UINT32_MAX)
            {
                r.Error(traces,
                        at,
                        "rank " + std::to_string(rank) + " of " + std::to_string(gpus.size()) +
                            " runs no trace");
                return;
            }
        }
    }
    else
    {
        return;
    }
    for (HostPort p : gpus)
    {
        job.gpus.push_back(GpuId{p.node, p.index});
    }
    auto ranks = static_cast<uint32_t>(job.gpus.size());

    if (node["groups"] && !node["groups"].IsMap())
    {
        r.Error(node["groups"],
                JoinPath(path, "groups"),
                "expected a map of process group names to lists of job ranks");
        return;
    }
    if (node["groups"])
    {
        // pg_name: a list of job ranks (one group), or a list of such lists.
        for (const auto& entry : node["groups"])
        {
            std::string name = entry.first.Scalar();
            std::string where = JoinPath(JoinPath(path, "groups"), name);
            const YAML::Node value = entry.second;
            bool nested = value.IsSequence() && value.size() > 0 && value[0].IsSequence();
            std::vector<uint32_t> seen(ranks, 0);
            auto& groups = job.groups[name];
            for (std::size_t g = 0; g < (nested ? value.size() : 1); ++g)
            {
                std::string item = nested ? where + "[" + std::to_string(g) + "]" : where;
                std::vector<uint32_t> members;
                if (!ReadRanks(r, nested ? value[g] : value, item, ranks, members))
                {
                    return;
                }
                for (uint32_t m : members)
                {
                    if (seen[m]++)
                    {
                        r.Error(nested ? value[g] : value,
                                item,
                                "rank " + std::to_string(m) + " is in process group '" + name +
                                    "' twice");
                        return;
                    }
                }
                groups.push_back(members);
            }
        }
    }

    const CollectiveOp ops[] = {CollectiveOp::ALL_REDUCE,
                                CollectiveOp::ALL_GATHER,
                                CollectiveOp::REDUCE_SCATTER,
                                CollectiveOp::ALL_TO_ALL,
                                CollectiveOp::BROADCAST};
    // An algorithm per operation, each the default unless given.
    const YAML::Node algorithms =
        node["algorithms"] ? node["algorithms"] : YAML::Node(YAML::NodeType::Map);
    std::vector<std::string> opNames;
    for (CollectiveOp op : ops)
    {
        opNames.push_back(ToString(op));
    }
    std::vector<const char*> keys;
    for (const auto& n : opNames)
    {
        keys.push_back(n.c_str());
    }
    if (!r.CheckMap(algorithms, JoinPath(path, "algorithms"), keys))
    {
        return;
    }
    for (CollectiveOp op : ops)
    {
        std::string algorithm = CollectiveHelper::GetDefaultAlgorithm(op);
        std::vector<AttributeSetting> attributes;
        in.ReadAlgorithm(algorithms,
                         ToString(op).c_str(),
                         JoinPath(path, "algorithms"),
                         algorithm,
                         attributes);
        job.algorithms[op] = {algorithm, attributes};
    }
    if (r.GetDiagnosticCount() != before)
    {
        return;
    }

    for (auto& [file, members] : files)
    {
        ChakraTrace trace;
        std::string problem = ReadChakraTrace(file, trace);
        if (!problem.empty())
        {
            r.Error(traces, at, problem);
            return;
        }
        job.traces.emplace_back(std::move(trace), members);
    }
    std::vector<std::string> problems;
    std::shared_ptr<ExecutionGraph> graph = BuildChakraGraph(job, problems);
    for (const auto& p : problems)
    {
        r.Error(traces, at, p);
    }
    if (graph)
    {
        in.AddJob(node, path, graph, start);
    }
}

} // namespace ns3
