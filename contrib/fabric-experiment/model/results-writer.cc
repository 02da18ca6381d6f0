/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "results-writer.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
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
/// Remove staging folders of \p target left by processes that no longer exist.
void
RemoveStaleStaging(const fs::path& target)
{
    std::error_code ec;
    std::string prefix = target.filename().string() + ".partial-";
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
    m_staging = m_final + ".partial-" + std::to_string(getpid());
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
    std::string old = m_final + ".old-" + std::to_string(getpid());
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
} // namespace

nlohmann::ordered_json
SummaryJson(const Scenario& s, const RunResult& r)
{
    nlohmann::ordered_json flows = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < s.flows.size(); ++i)
    {
        const FlowSpec& spec = s.flows[i];
        const FlowResult& f = r.flows[i];
        nlohmann::ordered_json flow{{"id", i},
                                    {"src", spec.src},
                                    {"dst", spec.dst},
                                    {"bytes", spec.bytes},
                                    {"completed", f.completed},
                                    {"start_ps", Ps(f.start)}};
        if (f.completed)
        {
            flow["finish_ps"] = Ps(f.receiverEnd);
            flow["fct_ps"] = Ps(f.GetFct());
            flow["sender_complete_ps"] = Ps(f.senderEnd);
            flow["goodput_gbps"] = GoodputGbps(spec.bytes, f.GetFct());
        }
        flows.push_back(flow);
    }
    return nlohmann::ordered_json{{"schema", "nsfab-summary/1"},
                                  {"scenario", s.name},
                                  {"seed", s.seed},
                                  {"flows", flows},
                                  {"totals",
                                   {{"flows", s.flows.size()},
                                    {"completed", r.GetCompleted()},
                                    {"packets", r.nicFrames},
                                    {"packet_hops", r.packetHops},
                                    {"events", r.events},
                                    {"sim_time_ps", Ps(r.simTime)},
                                    {"wall_time_s", r.wallSeconds}}}};
}

std::string
SummaryText(const Scenario& s, const RunResult& r)
{
    std::ostringstream os;
    os << "scenario " << s.name << " (seed " << s.seed << ")\n";
    constexpr std::size_t LISTED = 16;
    os << std::left << std::setw(6) << "flow" << std::setw(10) << "src" << std::setw(10) << "dst"
       << std::right << std::setw(14) << "bytes" << std::setw(14) << "FCT (us)" << std::setw(18)
       << "goodput (Gb/s)"
       << "\n";
    for (std::size_t i = 0; i < s.flows.size() && i < LISTED; ++i)
    {
        const FlowResult& f = r.flows[i];
        os << std::left << std::setw(6) << i << std::setw(10) << s.flows[i].src << std::setw(10)
           << s.flows[i].dst << std::right << std::setw(14) << s.flows[i].bytes;
        if (f.completed)
        {
            os << std::fixed << std::setprecision(3) << std::setw(14)
               << f.GetFct().GetSeconds() * 1e6 << std::setw(18)
               << GoodputGbps(s.flows[i].bytes, f.GetFct());
        }
        else
        {
            os << std::setw(14) << "-" << std::setw(18) << "incomplete";
        }
        os << "\n";
    }
    if (s.flows.size() > LISTED)
    {
        os << "... " << s.flows.size() - LISTED << " more flows in summary.json\n";
    }
    os << std::fixed << std::setprecision(3) << r.GetCompleted() << "/" << s.flows.size()
       << " flows completed; simulated " << r.simTime.GetSeconds() * 1e6 << " us in "
       << r.wallSeconds << " s; " << r.packetHops << " packet-hops, " << r.events << " events\n";
    return os.str();
}

} // namespace ns3
