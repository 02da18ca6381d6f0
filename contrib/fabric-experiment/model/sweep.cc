/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "sweep.h"

#include "results-writer.h"
#include "scenario.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace ns3
{

namespace
{
constexpr uint64_t SWEEP_VERSION = 1;
/// More runs than any cluster queue takes from one sweep; a typo in a list is likelier.
constexpr uint64_t MAX_RUNS = 1000000;
constexpr const char* MANIFEST_SCHEMA = "nsfab-sweep/1";

/// A value as one line of YAML, as `nsfab run --set key=value` reads it back.
std::string
FlowText(const YAML::Node& value)
{
    YAML::Emitter out;
    out.SetMapFormat(YAML::Flow);
    out.SetSeqFormat(YAML::Flow);
    out << value;
    return out.c_str();
}

/// splitmix64's finalizer (Steele, Lea, Flood: "Fast splittable pseudorandom number
/// generators", OOPSLA 2014): every input bit changes about half the output bits.
uint64_t
Mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// 64-bit FNV-1a, mixed: the same on every machine and build.
uint64_t
Hash(const std::string& text)
{
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : text)
    {
        hash = (hash ^ c) * 0x100000001b3ULL;
    }
    return Mix64(hash);
}

/// One key the sweep sets: in every run (`set`), or one of its values per run.
struct Key
{
    std::string path;
    std::vector<YAML::Node> values;
};

/// Read a map of scenario keys (set, axes or zip); \p lists: each value is a non-empty list.
std::vector<Key>
ReadKeys(YamlReader& r, const YAML::Node& map, const char* section, bool lists)
{
    std::vector<Key> keys;
    if (!map.IsMap())
    {
        r.Error(map, section, "expected a map of scenario keys, not " + DescribeNode(map));
        return keys;
    }
    r.CheckUniqueKeys(map, section);
    for (const auto& entry : map)
    {
        std::string path = JoinPath(section, entry.first.Scalar());
        const YAML::Node& value = entry.second;
        if (!lists)
        {
            if (!value.IsDefined() || value.IsNull())
            {
                r.Error(entry.first, path, "no value");
                continue;
            }
            keys.push_back(Key{entry.first.Scalar(), {value}});
            continue;
        }
        if (!value.IsSequence() || value.size() == 0)
        {
            r.Error(value.IsNull() ? entry.first : value,
                    path,
                    "expected a non-empty list of values, not " + DescribeNode(value));
            continue;
        }
        Key key{entry.first.Scalar(), {}};
        std::set<std::string> seen;
        for (const auto& v : value)
        {
            if (!seen.insert(FlowText(v)).second && std::string(section) == "axes")
            {
                r.Error(v, path, "the value " + FlowText(v) + " is listed twice");
            }
            key.values.push_back(v);
        }
        keys.push_back(key);
    }
    return keys;
}

/// The list at \p list (if present) of non-empty strings; problems located at the items.
std::vector<std::string>
ReadStrings(YamlReader& r,
            const YAML::Node& list,
            const std::string& path,
            const std::string& listWhat,
            const std::string& itemWhat)
{
    std::vector<std::string> items;
    if (list && !list.IsSequence())
    {
        r.Error(list, path, "expected " + listWhat);
    }
    for (std::size_t i = 0; list && list.IsSequence() && i < list.size(); ++i)
    {
        if (!list[i].IsScalar() || list[i].Scalar().empty())
        {
            r.Error(list[i], path, "expected " + itemWhat);
            continue;
        }
        items.push_back(list[i].Scalar());
    }
    return items;
}

SlurmResources
ReadSlurm(YamlReader& r, const YAML::Node& node)
{
    SlurmResources s;
    if (!r.CheckMap(node,
                    "slurm",
                    {"partition",
                     "time",
                     "mem",
                     "account",
                     "qos",
                     "cpus-per-task",
                     "max-parallel",
                     "options"}))
    {
        return s;
    }
    r.ReadString(node, "partition", "slurm", s.partition);
    r.ReadString(node, "time", "slurm", s.time);
    r.ReadString(node, "mem", "slurm", s.mem);
    r.ReadString(node, "account", "slurm", s.account);
    r.ReadString(node, "qos", "slurm", s.qos);
    uint64_t value = 0;
    if (r.ReadUint(node, "cpus-per-task", "slurm", value, 1, 4096))
    {
        s.cpusPerTask = static_cast<uint32_t>(value);
    }
    if (r.ReadUint(node, "max-parallel", "slurm", value, 1, UINT32_MAX))
    {
        s.maxParallel = static_cast<uint32_t>(value);
    }
    s.options = ReadStrings(r,
                            node["options"],
                            "slurm.options",
                            "a list of sbatch options",
                            "an sbatch option, e.g. --qos=short");
    return s;
}

/// \p path relative to the folder of \p file, unless it is absolute.
fs::path
BesideFile(const std::string& file, const std::string& path)
{
    fs::path p(path);
    return p.is_relative() ? fs::path(file).parent_path() / p : p;
}

/**
 * Expand the keys into runs and check each run's scenario; problems in a value the sweep gave
 * are located at that value in the sweep file.
 */
void
ExpandRuns(YamlReader& r,
           std::vector<Diagnostic>& diagnostics,
           const std::vector<Key>& fixed,
           const std::vector<Key>& axes,
           const std::vector<Key>& zipped,
           uint32_t repetitions,
           Sweep& sweep)
{
    // Dimensions of the product: each cartesian axis, then the zipped keys as one.
    std::vector<std::size_t> sizes;
    for (const auto& axis : axes)
    {
        sizes.push_back(axis.values.size());
    }
    if (!zipped.empty())
    {
        sizes.push_back(zipped.front().values.size());
    }
    uint64_t combinations = 1;
    for (std::size_t n : sizes)
    {
        combinations *= n;
        if (combinations * repetitions > MAX_RUNS)
        {
            r.ErrorAt(0,
                      0,
                      "axes",
                      "the sweep has more than " + std::to_string(MAX_RUNS) + " runs");
            return;
        }
    }
    std::set<std::string> reported;
    std::vector<std::size_t> at(sizes.size(), 0);
    for (uint64_t c = 0; c < combinations; ++c)
    {
        // (key, value node) the run sets, in the order they are applied.
        std::vector<std::pair<const Key*, YAML::Node>> chosen;
        for (const auto& key : fixed)
        {
            chosen.emplace_back(&key, key.values.front());
        }
        for (std::size_t a = 0; a < axes.size(); ++a)
        {
            chosen.emplace_back(&axes[a], axes[a].values[at[a]]);
        }
        for (const auto& key : zipped)
        {
            chosen.emplace_back(&key, key.values[at.back()]);
        }
        std::vector<std::string> assignments;
        std::vector<std::string> values; // the axes' values
        std::string described;
        for (std::size_t i = 0; i < chosen.size(); ++i)
        {
            assignments.push_back(chosen[i].first->path + "=" + FlowText(chosen[i].second));
            if (i >= fixed.size())
            {
                values.push_back(FlowText(chosen[i].second));
                described += (described.empty() ? "" : ", ") + assignments.back();
            }
        }

        std::vector<Diagnostic> found;
        Scenario scenario = LoadScenario(sweep.scenario, found, assignments);
        for (Diagnostic d : found)
        {
            for (std::size_t i = 0; i < assignments.size(); ++i)
            {
                if (d.line == 0 && d.file == "--set " + assignments[i])
                {
                    YAML::Mark mark = chosen[i].second.Mark();
                    d.file = sweep.file;
                    d.line = mark.line + 1;
                    d.column = mark.column + 1;
                }
            }
            // Once per place and problem, with the first run it showed in.
            if (reported.insert(d.Format()).second)
            {
                d.message += sizes.size() > 1 ? " (in the run with " + described + ")" : "";
                diagnostics.push_back(d);
            }
        }

        std::vector<std::string> sorted = assignments;
        std::sort(sorted.begin(), sorted.end());
        std::string identity;
        for (const auto& a : sorted)
        {
            identity += a + "\n";
        }
        for (uint32_t rep = 0; found.empty() && rep < repetitions; ++rep)
        {
            SweepRun run;
            run.index = static_cast<uint32_t>(sweep.runs.size());
            run.repetition = rep;
            run.seed = rep == 0 ? scenario.seed : RepetitionSeed(scenario.seed, rep);
            run.values = values;
            run.assignments = assignments;
            if (rep > 0)
            {
                run.assignments.push_back("seed=" + std::to_string(run.seed));
            }
            char id[16];
            std::snprintf(id,
                          sizeof(id),
                          "%012llx",
                          static_cast<unsigned long long>(
                              Hash(identity + "repetition=" + std::to_string(rep) + "\n") >> 16));
            run.id = id;
            sweep.runs.push_back(run);
        }
        // Next combination: the last dimension changes fastest.
        for (std::size_t d = sizes.size(); d-- > 0;)
        {
            if (++at[d] < sizes[d])
            {
                break;
            }
            at[d] = 0;
        }
    }
}
} // namespace

uint32_t
RepetitionSeed(uint32_t seed, uint32_t repetition)
{
    // Seeds of nearby runs share no structure.
    uint64_t z = Mix64((static_cast<uint64_t>(seed) << 32) | repetition);
    auto derived = static_cast<uint32_t>(z);
    return derived == 0 ? 1 : derived; // a scenario's seed is at least 1
}

Sweep
LoadSweep(const std::string& file, std::vector<Diagnostic>& diagnostics)
{
    Sweep sweep;
    sweep.file = file;
    YamlReader r(file, diagnostics);
    std::optional<YAML::Node> parsed = r.ParseFile();
    if (!parsed)
    {
        return sweep;
    }
    const YAML::Node& root = *parsed;
    if (!r.CheckMap(root,
                    "",
                    {"version",
                     "name",
                     "scenario",
                     "set",
                     "axes",
                     "zip",
                     "repetitions",
                     "plugins",
                     "slurm"}))
    {
        return sweep;
    }
    uint64_t version = SWEEP_VERSION;
    if (r.ReadUint(root, "version", "", version) && version != SWEEP_VERSION)
    {
        r.Error(root["version"], "version", "this nsfab reads sweep version 1");
    }
    if (!r.ReadString(root, "name", "", sweep.name))
    {
        sweep.name = fs::path(file).stem().string();
    }
    std::string scenario;
    if (r.Require(root, "scenario", "") && r.ReadString(root, "scenario", "", scenario))
    {
        std::error_code ec;
        fs::path path = BesideFile(file, scenario);
        if (!fs::is_regular_file(path, ec))
        {
            r.Error(root["scenario"],
                    "scenario",
                    "no scenario file '" + path.string() +
                        "' (a path is taken relative to the sweep file's folder)");
        }
        sweep.scenario = fs::absolute(path, ec).lexically_normal().string();
    }
    std::vector<Key> fixed;
    std::vector<Key> axes;
    std::vector<Key> zipped;
    if (root["set"])
    {
        fixed = ReadKeys(r, root["set"], "set", false);
    }
    if (root["axes"])
    {
        axes = ReadKeys(r, root["axes"], "axes", true);
    }
    if (root["zip"])
    {
        zipped = ReadKeys(r, root["zip"], "zip", true);
        for (const auto& entry : root["zip"])
        {
            if (entry.second.IsSequence() && !zipped.empty() &&
                entry.second.size() != zipped.front().values.size())
            {
                r.Error(entry.second,
                        JoinPath("zip", entry.first.Scalar()),
                        "zipped lists advance together: this one has " +
                            std::to_string(entry.second.size()) + " values, '" +
                            zipped.front().path + "' " +
                            std::to_string(zipped.front().values.size()));
            }
        }
        std::set<std::string> tuples;
        for (std::size_t i = 0; !zipped.empty() && i < zipped.front().values.size(); ++i)
        {
            std::string tuple;
            for (const auto& key : zipped)
            {
                tuple += i < key.values.size() ? FlowText(key.values[i]) + "\n" : "";
            }
            if (!tuples.insert(tuple).second)
            {
                r.Error(zipped.front().values[i],
                        JoinPath("zip", zipped.front().path),
                        "the values at position " + std::to_string(i + 1) +
                            " repeat an earlier position's");
            }
        }
    }
    // A key varies in one place only.
    std::set<std::string> keys;
    for (const char* section : {"set", "axes", "zip"})
    {
        for (const auto& entry :
             root[section] && root[section].IsMap() ? root[section] : YAML::Node())
        {
            if (!keys.insert(entry.first.Scalar()).second)
            {
                r.Error(entry.first,
                        JoinPath(section, entry.first.Scalar()),
                        "'" + entry.first.Scalar() + "' is set twice in the sweep");
            }
        }
    }
    uint64_t repetitions = 1;
    r.ReadUint(root, "repetitions", "", repetitions, 1, MAX_RUNS);
    for (const auto& plugin : ReadStrings(r,
                                          root["plugins"],
                                          "plugins",
                                          "a list of plugin libraries",
                                          "the path of a plugin library"))
    {
        // A bare name is searched for on the library path, like nsfab run --plugin.
        std::error_code ec;
        fs::path path = BesideFile(file, plugin);
        sweep.plugins.push_back(plugin.find('/') == std::string::npos && !fs::exists(path, ec)
                                    ? plugin
                                    : fs::absolute(path, ec).lexically_normal().string());
    }
    if (root["slurm"])
    {
        sweep.slurm = ReadSlurm(r, root["slurm"]);
    }
    if (r.GetDiagnosticCount() > 0)
    {
        return sweep;
    }
    for (const auto* list : {&axes, &zipped})
    {
        for (const auto& key : *list)
        {
            sweep.axes.push_back(key.path);
        }
    }
    ExpandRuns(r, diagnostics, fixed, axes, zipped, static_cast<uint32_t>(repetitions), sweep);
    if (!diagnostics.empty())
    {
        sweep.runs.clear();
    }
    return sweep;
}

SweepFolder::SweepFolder(std::string dir)
    : m_dir(std::move(dir))
{
}

std::string
SweepFolder::Create(const Sweep& sweep) const
{
    std::error_code ec;
    fs::path dir(m_dir);
    if (fs::exists(dir, ec) && !fs::exists(dir / MANIFEST, ec) &&
        !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec)))
    {
        return "'" + m_dir + "' exists and is not a sweep folder (it has no " + MANIFEST +
               "); not writing into it";
    }
    for (const char* sub : {"runs", "logs"})
    {
        fs::create_directories(dir / sub, ec);
        if (ec)
        {
            return "cannot create '" + (dir / sub).string() + "': " + ec.message();
        }
    }
    nlohmann::ordered_json j;
    j["schema"] = MANIFEST_SCHEMA;
    j["name"] = sweep.name;
    j["sweep"] = fs::absolute(sweep.file, ec).lexically_normal().string();
    j["scenario"] = sweep.scenario;
    j["plugins"] = sweep.plugins;
    j["axes"] = sweep.axes;
    j["runs"] = nlohmann::ordered_json::array();
    for (const auto& run : sweep.runs)
    {
        nlohmann::ordered_json entry;
        entry["index"] = run.index;
        entry["id"] = run.id;
        entry["repetition"] = run.repetition;
        entry["seed"] = run.seed;
        entry["values"] = run.values;
        entry["set"] = run.assignments;
        j["runs"].push_back(entry);
    }
    return WriteFileAtomically((dir / MANIFEST).string(), j.dump(2) + "\n", true);
}

std::string
SweepFolder::Read(Sweep& sweep) const
{
    std::string path = (fs::path(m_dir) / MANIFEST).string();
    std::ifstream in(path);
    if (!in)
    {
        return "'" + m_dir + "' is not a sweep folder: cannot read " + path;
    }
    try
    {
        nlohmann::json j = nlohmann::json::parse(in);
        if (j.at("schema") != MANIFEST_SCHEMA)
        {
            return path + ": not a manifest this nsfab reads (schema " + j.at("schema").dump() +
                   ")";
        }
        sweep.name = j.at("name");
        sweep.file = j.at("sweep");
        sweep.scenario = j.at("scenario");
        sweep.plugins = j.at("plugins").get<std::vector<std::string>>();
        sweep.axes = j.at("axes").get<std::vector<std::string>>();
        sweep.runs.clear();
        for (const auto& entry : j.at("runs"))
        {
            SweepRun run;
            run.index = entry.at("index");
            run.id = entry.at("id");
            run.repetition = entry.at("repetition");
            run.seed = entry.at("seed");
            run.values = entry.at("values").get<std::vector<std::string>>();
            run.assignments = entry.at("set").get<std::vector<std::string>>();
            sweep.runs.push_back(run);
        }
    }
    catch (const nlohmann::json::exception& e)
    {
        return path + ": " + e.what();
    }
    return "";
}

std::string
SweepFolder::GetResults(const SweepRun& run) const
{
    return (fs::path(m_dir) / "runs" / run.id).string();
}

std::string
SweepFolder::GetLog(const SweepRun& run) const
{
    return (fs::path(m_dir) / "logs" / (run.id + ".log")).string();
}

std::string
SweepFolder::GetStatusFile(const SweepRun& run) const
{
    return (fs::path(m_dir) / "logs" / (run.id + ".status")).string();
}

SweepFolder::RunState
SweepFolder::GetState(const SweepRun& run, std::string* detail) const
{
    std::error_code ec;
    if (fs::exists(fs::path(GetResults(run)) / "summary.json", ec))
    {
        return FINISHED;
    }
    std::ifstream statusFile(GetStatusFile(run));
    std::string status;
    if (!std::getline(statusFile, status) || status == "exit 0")
    {
        return MISSING;
    }
    if (detail)
    {
        std::ifstream log(GetLog(run));
        std::string line;
        std::string last;
        while (std::getline(log, line))
        {
            last = line.empty() ? last : line;
        }
        *detail = status + (last.empty() ? "" : ": " + last);
    }
    return FAILED;
}

void
SweepFolder::RecordExit(const SweepRun& run, int waitStatus) const
{
    std::string status = WIFSIGNALED(waitStatus)
                             ? "signal " + std::to_string(WTERMSIG(waitStatus)) + " (" +
                                   strsignal(WTERMSIG(waitStatus)) + ")"
                             : "exit " + std::to_string(WEXITSTATUS(waitStatus));
    WriteFileAtomically(GetStatusFile(run), status + "\n", true);
}

namespace
{
/// Every number and string below \p j as (dotted name, text); lists of named maps by name.
void
Flatten(const nlohmann::ordered_json& j,
        const std::string& prefix,
        std::vector<std::pair<std::string, std::string>>& out)
{
    if (j.is_object())
    {
        for (const auto& [key, value] : j.items())
        {
            if (key != "name")
            {
                Flatten(value, prefix + "." + key, out);
            }
        }
    }
    else if (j.is_array())
    {
        for (std::size_t i = 0; i < j.size(); ++i)
        {
            const auto& e = j[i];
            Flatten(e,
                    prefix + "." +
                        (e.is_object() && e.contains("name") && e["name"].is_string()
                             ? e["name"].get<std::string>()
                             : std::to_string(i)),
                    out);
        }
    }
    else
    {
        out.emplace_back(prefix, j.is_string() ? j.get<std::string>() : j.dump());
    }
}
} // namespace

std::string
CollectSweep(const SweepFolder& folder,
             const Sweep& sweep,
             std::vector<const SweepRun*>& unfinished)
{
    // Metric columns in the order they first appear; a run without one leaves its cell empty.
    std::vector<std::string> columns;
    std::map<std::string, std::size_t> columnOf;
    std::vector<std::pair<const SweepRun*, std::map<std::size_t, std::string>>> rows;
    for (const auto& run : sweep.runs)
    {
        nlohmann::ordered_json summary;
        std::ifstream in(fs::path(folder.GetResults(run)) / "summary.json");
        if (folder.GetState(run) != SweepFolder::FINISHED ||
            !(summary = nlohmann::ordered_json::parse(in, nullptr, false)).is_object())
        {
            unfinished.push_back(&run);
            continue;
        }
        std::vector<std::pair<std::string, std::string>> metrics;
        // The per-collective list is in collectives.csv; the scenario section is the sweep's.
        for (const char* section : {"workloads", "fabric", "run", "host"})
        {
            if (summary.contains(section))
            {
                Flatten(summary[section], section, metrics);
            }
        }
        std::map<std::size_t, std::string> cells;
        for (const auto& [name, text] : metrics)
        {
            auto [it, added] = columnOf.emplace(name, columns.size());
            if (added)
            {
                columns.push_back(name);
            }
            cells[it->second] = text;
        }
        rows.emplace_back(&run, cells);
    }
    std::string csv = "id,repetition,seed";
    for (const auto& column : sweep.axes)
    {
        csv += "," + CsvField(column);
    }
    for (const auto& column : columns)
    {
        csv += "," + CsvField(column);
    }
    csv += "\n";
    for (const auto& [run, cells] : rows)
    {
        csv += run->id + "," + std::to_string(run->repetition) + "," + std::to_string(run->seed);
        for (const auto& value : run->values)
        {
            csv += "," + CsvField(value);
        }
        for (std::size_t c = 0; c < columns.size(); ++c)
        {
            auto it = cells.find(c);
            csv += "," + (it == cells.end() ? "" : CsvField(it->second));
        }
        csv += "\n";
    }
    return csv;
}

} // namespace ns3
