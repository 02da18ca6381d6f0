/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "results-writer.h"

#include "ns3/fabric-units.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <sys/resource.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ns3
{

ResultsFolder::~ResultsFolder()
{
    if (!m_staging.empty() && !m_committed)
    {
        std::error_code ec;
        fs::remove_all(m_staging, ec);
    }
}

namespace
{
/// "<host>-<pid>": names this process among those sharing a file system (sweeps on a cluster).
std::string
ProcessName()
{
    char host[256] = "";
    gethostname(host, sizeof(host) - 1);
    return std::string(host) + "-" + std::to_string(getpid());
}

/// Remove staging folders of \p target left by processes of this host that no longer exist.
void
RemoveStaleStaging(const fs::path& target)
{
    std::error_code ec;
    std::string name = ProcessName();
    std::string prefix =
        target.filename().string() + ".partial-" + name.substr(0, name.rfind('-') + 1);
    for (const auto& entry : fs::directory_iterator(target.parent_path(), ec))
    {
        std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) != 0)
        {
            continue;
        }
        pid_t pid = static_cast<pid_t>(std::atol(name.c_str() + prefix.size()));
        if (pid > 0 && kill(pid, 0) != 0 && errno == ESRCH)
        {
            fs::remove_all(entry.path(), ec);
        }
    }
}
} // namespace

std::string
ResultsFolder::Open(const std::string& path, bool replace)
{
    std::error_code ec;
    fs::path target = fs::absolute(path, ec).lexically_normal();
    if (target.filename().empty())
    {
        target = target.parent_path();
    }
    if (fs::exists(target, ec))
    {
        if (!replace)
        {
            return "results folder '" + path + "' already exists (use --force to replace it)";
        }
        if (!fs::exists(target / MARKER, ec))
        {
            return "'" + path + "' exists and is not a results folder written by nsfab; " +
                   "not replacing it";
        }
        fs::path cwd = fs::current_path(ec);
        if (std::mismatch(target.begin(), target.end(), cwd.begin(), cwd.end()).first ==
            target.end())
        {
            return "'" + path + "' holds the current directory; not replacing it";
        }
    }
    fs::create_directories(target.parent_path(), ec);
    if (ec)
    {
        return "cannot create '" + target.parent_path().string() + "': " + ec.message();
    }
    RemoveStaleStaging(target);
    m_final = target.string();
    m_replace = replace;
    m_staging = m_final + ".partial-" + ProcessName();
    fs::remove_all(m_staging, ec);
    fs::create_directory(m_staging, ec);
    if (ec)
    {
        m_staging.clear();
        return "cannot create a results folder beside '" + path + "': " + ec.message();
    }
    return WriteFile(MARKER, "written by nsfab; nsfab run --force may replace this folder\n");
}

std::string
ResultsFolder::WriteFile(const std::string& name, const std::string& content) const
{
    std::ofstream out(m_staging + "/" + name, std::ios::binary);
    out << content;
    out.close();
    return out ? "" : "cannot write " + name + " in " + m_staging;
}

std::string
ResultsFolder::Commit()
{
    std::error_code ec;
    std::string old = m_final + ".old-" + ProcessName();
    bool moved = false;
    if (m_replace && fs::exists(m_final, ec))
    {
        fs::rename(m_final, old, ec);
        if (ec)
        {
            return "cannot replace '" + m_final + "': " + ec.message();
        }
        moved = true;
    }
    fs::rename(m_staging, m_final, ec);
    if (ec)
    {
        std::string error = "cannot move the results into '" + m_final + "': " + ec.message();
        if (moved)
        {
            fs::rename(old, m_final, ec); // put the earlier results back
        }
        return error;
    }
    m_committed = true;
    if (moved)
    {
        fs::remove_all(old, ec);
    }
    return "";
}

std::string
WriteFileAtomically(const std::string& path, const std::string& content, bool replace)
{
    std::error_code ec;
    if (!replace && fs::exists(path, ec))
    {
        return path + " exists; --force replaces it";
    }
    if (fs::is_directory(path, ec))
    {
        return path + " is a directory";
    }
    // Written beside the target and renamed over it, so a reader sees the old file or the whole
    // new one, never a part.
    std::string staging = path + ".partial-" + std::to_string(getpid());
    {
        std::ofstream out(staging, std::ios::binary);
        out << content;
        out.close();
        if (!out)
        {
            fs::remove(staging, ec);
            return "cannot write " + path;
        }
    }
    fs::rename(staging, path, ec);
    if (ec)
    {
        fs::remove(staging, ec);
        return "cannot write " + path + ": " + ec.message();
    }
    return "";
}

namespace
{
int64_t
Ps(Time t)
{
    return t.GetPicoSeconds();
}

double
GoodputGbps(uint64_t bytes, Time fct)
{
    return fct.IsStrictlyPositive() ? bytes * 8.0 / fct.GetSeconds() / 1e9 : 0.0;
}

/// mean, p50, p95, p99, p99.9 and max of \p values (nearest rank), or null if there are none.
nlohmann::ordered_json
Distribution(std::vector<double> values)
{
    if (values.empty())
    {
        return nullptr;
    }
    std::sort(values.begin(), values.end());
    auto rank = [&](double q) {
        auto k = static_cast<std::size_t>(std::ceil(q * values.size()));
        return values[std::max<std::size_t>(k, 1) - 1];
    };
    double sum = 0;
    for (double v : values)
    {
        sum += v;
    }
    return nlohmann::ordered_json{{"mean", sum / values.size()},
                                  {"p50", rank(0.5)},
                                  {"p95", rank(0.95)},
                                  {"p99", rank(0.99)},
                                  {"p999", rank(0.999)},
                                  {"max", values.back()}};
}

/// "%.6f": fixed decimals, so files compare byte for byte.
std::string
Fixed(double value)
{
    char text[64];
    std::snprintf(text, sizeof(text), "%.6f", value);
    return text;
}

/// Peak resident memory of this process, MiB.
double
PeakRssMib()
{
    struct rusage usage
    {
    };

    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0; // kB on Linux
}

/// What a run cost on this host: its wall time, memory and events (how many the event loop ran
/// for the model depends on how it schedules, not on what is simulated), and how it was split
/// over MPI.
nlohmann::ordered_json
HostJson(const RunResult& r)
{
    nlohmann::ordered_json host = {{"wall_time_s", r.wallSeconds},
                                   {"peak_rss_mib", PeakRssMib()},
                                   {"events", r.events},
                                   {"processes", r.processes}};
    if (r.processes > 1)
    {
        host["lookahead_ps"] = Ps(r.lookahead);
        host["windows"] = r.windows;
        host["events_per_process"] = r.processEvents;
    }
    return host;
}

/// Jobs: the step's time and, for its critical rank and on average over ranks, compute and
/// the time the GPUs waited for each kind of communication.
nlohmann::ordered_json
JobsJson(const Scenario& s, const RunResult& r)
{
    nlohmann::ordered_json jobs = nlohmann::ordered_json::array();
    for (uint32_t i = 0; i < s.jobs.size(); ++i)
    {
        const ExecutionGraph& g = *s.jobs[i].graph;
        const JobRun& run = r.jobs[i];
        nlohmann::ordered_json job{{"id", i},
                                   {"workload", s.workloads[s.jobs[i].workload].name},
                                   {"ranks", g.GetNRanks()},
                                   {"completed", run.completed}};
        if (run.completed)
        {
            const ExecutionResult& e = run.result;
            uint32_t critical = e.GetCriticalRank();
            nlohmann::ordered_json exposed = nlohmann::ordered_json::object();
            nlohmann::ordered_json mean = nlohmann::ordered_json::object();
            Time compute;
            for (Time t : e.rankCompute)
            {
                compute += t;
            }
            mean["compute"] = Ps(compute) / g.GetNRanks();
            for (uint32_t a = 1; a < e.activities; ++a)
            {
                Time total;
                for (uint32_t rank = 0; rank < g.GetNRanks(); ++rank)
                {
                    total += e.GetExposed(rank, a);
                }
                exposed[Execution::GetActivityName(g, a)] = Ps(e.GetExposed(critical, a));
                mean[Execution::GetActivityName(g, a)] = Ps(total) / g.GetNRanks();
            }
            job["start_ps"] = Ps(e.start);
            job["time_ps"] = Ps(e.GetTime());
            if (run.ideal.IsStrictlyPositive())
            {
                job["ideal_ps"] = Ps(run.ideal);
                job["slowdown"] = run.GetSlowdown();
            }
            job["critical_rank"] = critical;
            job["compute_ps"] = Ps(e.rankCompute[critical]);
            job["exposed_ps"] = exposed;
            job["mean_per_rank_ps"] = mean;
        }
        jobs.push_back(job);
    }
    return jobs;
}
} // namespace

nlohmann::ordered_json
SummaryJson(const Scenario& s, const RunResult& r)
{
    // One pass over the flows and collectives, tallied by workload.
    struct Tally
    {
        uint64_t flows{0};
        uint64_t bytes{0};
        uint64_t collectives{0};
        std::vector<double> fct;
        std::vector<double> slowdown;
        std::vector<double> time;
        std::vector<double> busbw;
    };

    std::vector<Tally> tallies(s.workloads.size());
    for (uint32_t i = 0; i < s.flows.size(); ++i)
    {
        Tally& t = tallies[s.flows[i].workload];
        ++t.flows;
        t.bytes += s.flows[i].bytes;
        if (r.flows[i].completed)
        {
            t.fct.push_back(r.flows[i].GetFct().GetSeconds() * 1e6);
            t.slowdown.push_back(r.flows[i].GetSlowdown());
        }
    }
    for (uint32_t i = 0; i < s.collectives.size(); ++i)
    {
        Tally& t = tallies[s.collectives[i].workload];
        ++t.collectives;
        if (r.collectives[i].completed)
        {
            t.time.push_back(r.collectives[i].result.GetTime().GetSeconds() * 1e6);
            t.busbw.push_back(r.collectives[i].result.GetBusBandwidthGbps());
        }
    }
    nlohmann::ordered_json workloads = nlohmann::ordered_json::array();
    for (uint32_t w = 0; w < s.workloads.size(); ++w)
    {
        const Tally& t = tallies[w];
        nlohmann::ordered_json workload{{"name", s.workloads[w].name},
                                        {"type", s.workloads[w].type},
                                        {"start_ps", Ps(s.workloads[w].start)}};
        if (t.flows > 0)
        {
            workload["flows"] = {{"count", t.flows},
                                 {"completed", t.fct.size()},
                                 {"bytes", t.bytes},
                                 {"fct_us", Distribution(t.fct)},
                                 {"slowdown", Distribution(t.slowdown)}};
        }
        if (t.collectives > 0)
        {
            workload["collectives"] = {{"count", t.collectives},
                                       {"completed", t.time.size()},
                                       {"time_us", Distribution(t.time)},
                                       {"busbw_gbps", Distribution(t.busbw)}};
        }
        workloads.push_back(workload);
    }
    nlohmann::ordered_json collectives = nlohmann::ordered_json::array();
    for (uint32_t i = 0; i < s.collectives.size(); ++i)
    {
        const CollectiveSpec& spec = s.collectives[i];
        const CollectiveRun& run = r.collectives[i];
        nlohmann::ordered_json c{
            {"id", i},
            {"workload", s.workloads[spec.workload].name},
            {"op", ToString(spec.op)},
            {"algorithm", run.completed ? run.result.algorithm : spec.algorithm},
            {"ranks", spec.ranks.size()},
            {"bytes", spec.bytes},
            {"completed", run.completed}};
        if (run.completed)
        {
            c["start_ps"] = Ps(run.result.start);
            c["time_ps"] = Ps(run.result.GetTime());
            c["algbw_gbps"] = run.result.GetAlgBandwidthGbps();
            c["busbw_gbps"] = run.result.GetBusBandwidthGbps();
            c["slowest_rank"] = run.result.GetSlowestRank();
        }
        collectives.push_back(c);
    }
    nlohmann::ordered_json scenario{
        {"name", s.name},
        {"file", s.file},
        {"seed", s.seed},
        {"topology", s.topologyFile.empty() ? "inline" : s.topologyFile}};
    scenario["stop_ps"] = s.stop.IsStrictlyPositive() ? nlohmann::ordered_json(Ps(s.stop))
                                                      : nlohmann::ordered_json("done");
    const FabricCounters& c = r.counters;
    nlohmann::ordered_json summary{
        {"schema", "nsfab-summary/2"},
        {"scenario", scenario},
        {"workloads", workloads},
        {"collectives", collectives},
        {"fabric",
         {{"packets", r.nicFrames},
          {"packet_hops", r.packetHops},
          {"drops", c.drops},
          {"pfc_frames", c.pfcFrames},
          {"ecn_marks", c.ecnMarks},
          {"cnps", c.cnps},
          {"retransmissions", c.retransmissions},
          {"timeouts", c.timeouts}}},
        {"run",
         {{"flows", s.flows.size()},
          {"flows_completed", r.GetCompleted()},
          {"collectives", s.collectives.size()},
          {"collectives_completed", r.GetCompletedCollectives()},
          {"sim_time_ps", Ps(r.simTime)}}},
        // The only part that differs between runs of the same scenario and seed.
        {"host", HostJson(r)}};
    if (!s.jobs.empty())
    {
        summary["jobs"] = JobsJson(s, r);
        summary["run"]["jobs"] = s.jobs.size();
        summary["run"]["jobs_completed"] = r.GetCompletedJobs();
    }
    return summary;
}

std::string
CsvField(const std::string& text)
{
    if (text.find_first_of(",\"\r\n") == std::string::npos)
    {
        return text;
    }
    std::string quoted = "\"";
    for (char c : text)
    {
        quoted += c == '"' ? "\"\"" : std::string(1, c);
    }
    return quoted + "\"";
}

std::string
FctCsv(const Scenario& s, const RunResult& r)
{
    std::string out = "flow,workload,src,dst,bytes,start_ps,fct_ps,ideal_fct_ps,slowdown\n";
    for (uint32_t i = 0; i < s.flows.size(); ++i)
    {
        const FlowSpec& f = s.flows[i];
        const FlowResult& res = r.flows[i];
        out += std::to_string(i) + "," + CsvField(s.workloads[f.workload].name) + "," + f.src +
               "," + f.dst + "," + std::to_string(f.bytes) + "," +
               std::to_string(Ps(res.posted ? res.start : f.start)) + ",";
        out += res.completed ? std::to_string(Ps(res.GetFct())) + "," +
                                   std::to_string(Ps(res.ideal)) + "," + Fixed(res.GetSlowdown())
                             : ",,";
        out += "\n";
    }
    return out;
}

std::string
CollectivesCsv(const Scenario& s, const RunResult& r)
{
    std::string out = "collective,workload,op,algorithm,ranks,bytes,start_ps,time_ps,algbw_gbps,"
                      "busbw_gbps,slowest_rank\n";
    for (uint32_t i = 0; i < s.collectives.size(); ++i)
    {
        const CollectiveSpec& spec = s.collectives[i];
        const CollectiveRun& run = r.collectives[i];
        out += std::to_string(i) + "," + CsvField(s.workloads[spec.workload].name) + "," +
               ToString(spec.op) + "," +
               CsvField(run.completed ? run.result.algorithm : spec.algorithm) + "," +
               std::to_string(spec.ranks.size()) + "," + std::to_string(spec.bytes) + ",";
        out += run.completed ? std::to_string(Ps(run.result.start)) + "," +
                                   std::to_string(Ps(run.result.GetTime())) + "," +
                                   Fixed(run.result.GetAlgBandwidthGbps()) + "," +
                                   Fixed(run.result.GetBusBandwidthGbps()) + "," +
                                   std::to_string(run.result.GetSlowestRank())
                             : std::to_string(Ps(spec.start)) + ",,,,";
        out += "\n";
    }
    return out;
}

std::string
QueuesCsv(const Scenario& s, const RunResult& r)
{
    std::string out = "time_ps,node,port,queue_bytes,tx_bytes\n";
    for (const QueueSample& q : r.queues)
    {
        out += std::to_string(Ps(q.time)) + "," + s.graph->nodes[q.node].name + "," +
               std::to_string(q.port) + "," + std::to_string(q.queueBytes) + "," +
               std::to_string(q.txBytes) + "\n";
    }
    return out;
}

std::string
PfcCsv(const Scenario& s, const RunResult& r)
{
    std::string out = "time_ps,node,port,priority,event\n";
    for (const PfcEvent& e : r.pfc)
    {
        out += std::to_string(Ps(e.time)) + "," + s.graph->nodes[e.node].name + "," +
               std::to_string(e.port) + "," + std::to_string(e.priority) + "," +
               (e.pause ? "pause" : "resume") + "\n";
    }
    return out;
}

std::string
TimelineCsv(const Scenario& s, const RunResult& r)
{
    std::ostringstream os;
    os << "job,label,activity,start_us,end_us,tasks\n" << std::fixed << std::setprecision(6);
    for (uint32_t i = 0; i < s.jobs.size(); ++i)
    {
        const ExecutionGraph& g = *s.jobs[i].graph;
        const ExecutionResult& e = r.jobs[i].result;
        for (uint16_t label = 0; label < g.GetNLabels() && r.jobs[i].completed; ++label)
        {
            for (uint32_t a = 0; a < e.activities; ++a)
            {
                const ExecutionResult::Span& span = e.spans[std::size_t(label) * e.activities + a];
                if (span.tasks == 0)
                {
                    continue;
                }
                os << i << "," << CsvField(g.GetLabel(label)) << ","
                   << Execution::GetActivityName(g, a) << "," << span.first.GetSeconds() * 1e6
                   << "," << span.last.GetSeconds() * 1e6 << "," << span.tasks << "\n";
            }
        }
    }
    return os.str();
}

std::string
WriteResults(ResultsFolder& folder, const Scenario& s, const RunResult& r)
{
    std::string summary =
        SummaryJson(s, r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::vector<std::pair<const char*, std::string>> files = {
        {"summary.json", summary},
        {"fct.csv", FctCsv(s, r)},
        {"collectives.csv", CollectivesCsv(s, r)},
        {"queues.csv", QueuesCsv(s, r)},
        {"pfc.csv", PfcCsv(s, r)},
        {"inputs/scenario.yaml", s.inputYaml}};
    if (!s.jobs.empty())
    {
        files.emplace_back("timeline.csv", TimelineCsv(s, r));
    }
    std::error_code ec;
    fs::create_directory(folder.GetStagingPath() + "/inputs", ec);
    if (ec)
    {
        return "cannot create inputs/ in " + folder.GetStagingPath() + ": " + ec.message();
    }
    for (const auto& [name, content] : files)
    {
        std::string error = folder.WriteFile(name, content);
        if (!error.empty())
        {
            return error;
        }
    }
    for (const auto& [path, name] : s.inputFiles)
    {
        fs::copy_file(path, folder.GetStagingPath() + "/inputs/" + name, ec);
        if (ec)
        {
            return "cannot copy " + path + " into inputs/: " + ec.message();
        }
    }
    return "";
}

std::string
SummaryText(const Scenario& s, const RunResult& r)
{
    std::ostringstream os;
    os << "scenario " << s.name << " (seed " << s.seed << ")\n";
    constexpr std::size_t LISTED = 16;
    if (!s.flows.empty())
    {
        os << std::left << std::setw(6) << "flow" << std::setw(10) << "src" << std::setw(10)
           << "dst" << std::right << std::setw(14) << "bytes" << std::setw(14) << "FCT (us)"
           << std::setw(18) << "goodput (Gb/s)" << std::setw(10) << "slowdown"
           << "\n";
    }
    for (std::size_t i = 0; i < s.flows.size() && i < LISTED; ++i)
    {
        const FlowResult& f = r.flows[i];
        os << std::left << std::setw(6) << i << std::setw(10) << s.flows[i].src << std::setw(10)
           << s.flows[i].dst << std::right << std::setw(14) << s.flows[i].bytes;
        if (f.completed)
        {
            os << std::fixed << std::setprecision(3) << std::setw(14)
               << f.GetFct().GetSeconds() * 1e6 << std::setw(18)
               << GoodputGbps(s.flows[i].bytes, f.GetFct()) << std::setw(10) << f.GetSlowdown();
        }
        else
        {
            os << std::setw(14) << "-" << std::setw(18) << "incomplete";
        }
        os << "\n";
    }
    if (s.flows.size() > LISTED)
    {
        os << "... " << s.flows.size() - LISTED << " more flows in fct.csv\n";
    }
    for (std::size_t i = 0; i < s.collectives.size() && i < LISTED; ++i)
    {
        const CollectiveSpec& c = s.collectives[i];
        const CollectiveRun& run = r.collectives[i];
        os << "collective " << i << " " << ToString(c.op) << " of " << c.bytes << " B on "
           << c.ranks.size() << " ranks: ";
        if (run.completed)
        {
            os << std::fixed << std::setprecision(3) << run.result.algorithm << " "
               << run.result.GetTime().GetSeconds() * 1e6 << " us, algbw "
               << run.result.GetAlgBandwidthGbps() << " Gb/s, busbw "
               << run.result.GetBusBandwidthGbps() << " Gb/s\n";
        }
        else
        {
            os << "incomplete\n";
        }
    }
    if (s.collectives.size() > LISTED)
    {
        os << "... " << s.collectives.size() - LISTED << " more collectives in collectives.csv\n";
    }
    for (std::size_t i = 0; i < s.jobs.size(); ++i)
    {
        const ExecutionGraph& g = *s.jobs[i].graph;
        const JobRun& run = r.jobs[i];
        os << "job " << i << " (" << s.workloads[s.jobs[i].workload].name << ") on "
           << g.GetNRanks() << " ranks: ";
        if (!run.completed)
        {
            os << "incomplete\n";
            continue;
        }
        const ExecutionResult& e = run.result;
        uint32_t critical = e.GetCriticalRank();
        os << std::fixed << std::setprecision(3) << "step " << e.GetTime().GetSeconds() * 1e6
           << " us";
        if (run.ideal.IsStrictlyPositive())
        {
            os << " (ideal fabric " << run.ideal.GetSeconds() * 1e6 << " us, slowdown "
               << run.GetSlowdown() << ")";
        }
        os << "; rank " << critical << ": compute " << e.rankCompute[critical].GetSeconds() * 1e6
           << " us";
        for (uint32_t a = 1; a < e.activities; ++a)
        {
            if (e.GetExposed(critical, a).IsStrictlyPositive())
            {
                os << ", " << Execution::GetActivityName(g, a) << " "
                   << e.GetExposed(critical, a).GetSeconds() * 1e6 << " us";
            }
        }
        os << " exposed\n";
    }
    const FabricCounters& c = r.counters;
    os << std::fixed << std::setprecision(3);
    if (!s.flows.empty())
    {
        os << r.GetCompleted() << "/" << s.flows.size() << " flows"
           << (s.collectives.empty() ? "" : " and ");
    }
    if (!s.collectives.empty())
    {
        os << r.GetCompletedCollectives() << "/" << s.collectives.size() << " collectives"
           << (s.jobs.empty() ? "" : " and ");
    }
    if (!s.jobs.empty())
    {
        os << r.GetCompletedJobs() << "/" << s.jobs.size() << " jobs";
    }
    os << " completed; simulated " << r.simTime.GetSeconds() * 1e6 << " us in " << r.wallSeconds
       << " s; " << r.packetHops << " packet-hops, " << r.events << " events\n";
    if (r.processes > 1)
    {
        os << "over " << r.processes << " MPI processes: lookahead "
           << fabric::FormatTime(r.lookahead) << ", " << r.windows
           << " windows; events per process:";
        for (uint64_t events : r.processEvents)
        {
            os << " " << events;
        }
        os << "\n";
    }
    os << "fabric: " << c.drops << " drops, " << c.pfcFrames << " PFC frames, " << c.ecnMarks
       << " ECN marks, " << c.cnps << " CNPs, " << c.retransmissions << " retransmissions\n";
    if (r.connections > 0)
    {
        os << "queue pairs: " << r.connections << " connections";
        if (r.restRounds > 0)
        {
            os << ", idle ones put to rest in " << r.restRounds << " rounds";
        }
        os << "\n";
    }
    return os.str();
}

} // namespace ns3
