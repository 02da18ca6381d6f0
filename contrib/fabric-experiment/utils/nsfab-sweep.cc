/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// nsfab sweep, sweep-task and collect: many runs of one scenario, here or as a Slurm job array.

#include "nsfab-sweep.h"

#include "ns3/results-writer.h"

#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <map>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace fs = std::filesystem;
using namespace ns3;

namespace nsfab
{

namespace
{
constexpr int EXIT_INPUT_ERROR = 1;
constexpr int EXIT_RUNS_UNFINISHED = 2;

/// This program, to run each run in a process of its own (a crash fails one run only).
std::string
Self()
{
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? "nsfab" : self.string();
}

/// "key=value, key=value, repetition r": what sets a run apart.
std::string
Describe(const Sweep& sweep, const SweepRun& run)
{
    std::string text;
    for (std::size_t i = 0; i < sweep.axes.size() && i < run.values.size(); ++i)
    {
        text += sweep.axes[i] + "=" + run.values[i] + ", ";
    }
    return text + "repetition " + std::to_string(run.repetition);
}

/// Start `nsfab run` for \p run, its output to the run's log. Returns its pid, or -1.
pid_t
StartRun(const SweepFolder& folder, const Sweep& sweep, const SweepRun& run)
{
    std::error_code ec;
    fs::remove(folder.GetStatusFile(run), ec); // this attempt's status replaces the last one's
    std::vector<std::string> args{Self(),
                                  "run",
                                  sweep.scenario,
                                  "--out",
                                  folder.GetResults(run),
                                  "--quiet"};
    for (const auto& assignment : run.assignments)
    {
        args.insert(args.end(), {"--set", assignment});
    }
    for (const auto& plugin : sweep.plugins)
    {
        args.insert(args.end(), {"--plugin", plugin});
    }
    std::vector<char*> argv;
    for (auto& arg : args)
    {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    std::string log = folder.GetLog(run);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions,
                                     STDOUT_FILENO,
                                     log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = -1;
    int error = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0)
    {
        std::cerr << "nsfab: cannot start " << argv[0] << ": " << std::strerror(error) << "\n";
        return -1;
    }
    return pid;
}

/// Run the unfinished runs, \p jobs at once. Returns the number that failed.
std::size_t
RunLocally(const SweepFolder& folder,
           const Sweep& sweep,
           const std::vector<const SweepRun*>& todo,
           unsigned jobs)
{
    using Clock = std::chrono::steady_clock;
    std::map<pid_t, std::pair<const SweepRun*, Clock::time_point>> running;
    std::size_t next = 0;
    std::size_t done = 0;
    std::size_t failed = 0;
    while (next < todo.size() || !running.empty())
    {
        while (running.size() < jobs && next < todo.size())
        {
            const SweepRun* run = todo[next++];
            pid_t pid = StartRun(folder, sweep, *run);
            if (pid < 0)
            {
                ++failed;
                continue;
            }
            running[pid] = {run, Clock::now()};
        }
        int status = 0;
        pid_t pid = waitpid(-1, &status, 0);
        auto it = running.find(pid);
        if (pid < 0 || it == running.end())
        {
            continue;
        }
        const SweepRun& run = *it->second.first;
        double seconds = std::chrono::duration<double>(Clock::now() - it->second.second).count();
        running.erase(it);
        folder.RecordExit(run, status);
        std::string detail;
        bool ok = folder.GetState(run, &detail) == SweepFolder::FINISHED;
        failed += ok ? 0 : 1;
        char took[32];
        std::snprintf(took, sizeof(took), "%.1f s", seconds);
        std::cout << "[" << ++done << "/" << todo.size() << "] " << run.id << " ("
                  << Describe(sweep, run) << "): "
                  << (ok ? std::string("finished in ") + took
                         : "FAILED (" + detail + "); log: " + folder.GetLog(run))
                  << std::endl;
    }
    return failed;
}

/// \p text as one word of a shell command.
std::string
ShellQuote(const std::string& text)
{
    std::string quoted = "'";
    for (char c : text)
    {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

/// Array indices as sbatch writes them: "0-3,7,9-10".
std::string
IndexRanges(const std::vector<const SweepRun*>& runs)
{
    std::string text;
    for (std::size_t i = 0; i < runs.size();)
    {
        std::size_t j = i;
        while (j + 1 < runs.size() && runs[j + 1]->index == runs[j]->index + 1)
        {
            ++j;
        }
        text += (text.empty() ? "" : ",") + std::to_string(runs[i]->index) +
                (j > i ? "-" + std::to_string(runs[j]->index) : "");
        i = j + 1;
    }
    return text;
}

/// The sbatch script: one array task per unfinished run, each `nsfab sweep-task DIR INDEX`.
std::string
SbatchScript(const SweepFolder& folder,
             const Sweep& sweep,
             const SlurmResources& slurm,
             const std::vector<const SweepRun*>& todo)
{
    std::string name;
    for (char c : sweep.name)
    {
        name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'
                    ? c
                    : '_';
    }
    std::string dir = folder.GetDir();
    std::string s = "#!/bin/bash\n"
                    "# Written by nsfab sweep: " +
                    std::to_string(todo.size()) + " of the " + std::to_string(sweep.runs.size()) +
                    " runs of " + dir +
                    "/sweep.json, one array task each.\n"
                    "# Each task runs its run and records how it ended; `nsfab collect " +
                    dir + "` gathers the results.\n";
    auto option = [&s](const std::string& text) {
        s += "#SBATCH " + text + "\n";
    };
    option("--job-name=nsfab-" + name);
    option("--array=" + IndexRanges(todo) +
           (slurm.maxParallel > 0 ? "%" + std::to_string(slurm.maxParallel) : ""));
    option("--output=\"" + dir + "/logs/slurm-%A_%a.out\"");
    option("--chdir=\"" + dir + "\"");
    option("--ntasks=1");
    option("--cpus-per-task=" + std::to_string(slurm.cpusPerTask));
    for (const auto& [key, value] :
         {std::pair<const char*, const std::string&>{"partition", slurm.partition},
          {"time", slurm.time},
          {"mem", slurm.mem},
          {"account", slurm.account},
          {"qos", slurm.qos}})
    {
        if (!value.empty())
        {
            option(std::string("--") + key + "=" + value);
        }
    }
    for (const auto& extra : slurm.options)
    {
        option(extra);
    }
    s += "exec " + ShellQuote(Self()) + " sweep-task " + ShellQuote(dir) +
         " \"$SLURM_ARRAY_TASK_ID\"\n";
    return s;
}

/// Submit \p script with sbatch; returns the job id, or "" after reporting why not.
std::string
Submit(const std::string& script)
{
    FILE* pipe = popen(("sbatch --parsable " + ShellQuote(script) + " 2>&1").c_str(), "r");
    std::string output;
    char buffer[512];
    while (pipe && std::fgets(buffer, sizeof(buffer), pipe))
    {
        output += buffer;
    }
    int status = pipe ? pclose(pipe) : -1;
    while (!output.empty() && output.back() == '\n')
    {
        output.pop_back();
    }
    if (status != 0 || output.empty())
    {
        std::cerr << "nsfab: sbatch failed: " << (output.empty() ? "no output" : output)
                  << "\nnsfab: the script is " << script
                  << " (nsfab sweep --dry-run writes it without submitting)\n";
        return "";
    }
    return output.substr(0, output.find(';')); // "jobid[;cluster]"
}

/// \p a with the fields \p b gives.
SlurmResources
Merge(SlurmResources a, const SlurmResources& b)
{
    for (auto [to, from] : {std::pair{&a.partition, &b.partition},
                            {&a.time, &b.time},
                            {&a.mem, &b.mem},
                            {&a.account, &b.account},
                            {&a.qos, &b.qos}})
    {
        *to = from->empty() ? *to : *from;
    }
    a.cpusPerTask = b.cpusPerTask > 0 ? b.cpusPerTask : a.cpusPerTask;
    a.maxParallel = b.maxParallel > 0 ? b.maxParallel : a.maxParallel;
    a.options.insert(a.options.end(), b.options.begin(), b.options.end());
    return a;
}
} // namespace

int
RunSweep(const std::string& file, const SweepOptions& options)
{
    std::vector<Diagnostic> diagnostics;
    Sweep sweep = LoadSweep(file, diagnostics);
    if (!diagnostics.empty())
    {
        for (const auto& d : diagnostics)
        {
            std::cerr << d.Format() << "\n";
        }
        std::cerr << "nsfab: " << diagnostics.size() << " problem"
                  << (diagnostics.size() == 1 ? "" : "s") << " in " << file
                  << "; nothing was run\n";
        return EXIT_INPUT_ERROR;
    }
    std::error_code ec;
    std::string out =
        options.out.empty() ? "results/" + fs::path(file).stem().string() : options.out;
    SweepFolder folder(fs::absolute(out, ec).lexically_normal().string());
    std::string error = folder.Create(sweep);
    if (!error.empty())
    {
        std::cerr << "nsfab: " << error << "\n";
        return EXIT_INPUT_ERROR;
    }
    std::vector<const SweepRun*> todo;
    for (const auto& run : sweep.runs)
    {
        if (folder.GetState(run) != SweepFolder::FINISHED)
        {
            todo.push_back(&run);
        }
    }
    std::cout << "sweep " << sweep.name << ": " << sweep.runs.size() << " runs, "
              << sweep.runs.size() - todo.size() << " already finished, " << todo.size()
              << " to run; folder " << out << std::endl;
    if (todo.empty())
    {
        return 0;
    }
    if (options.backend == "slurm")
    {
        std::string script = folder.GetDir() + "/sweep.sbatch";
        error = WriteFileAtomically(
            script,
            SbatchScript(folder, sweep, Merge(sweep.slurm, options.slurm), todo),
            true);
        if (!error.empty())
        {
            std::cerr << "nsfab: " << error << "\n";
            return EXIT_INPUT_ERROR;
        }
        if (options.dryRun)
        {
            std::cout << "wrote " << script << "; submit it with: sbatch " << script << "\n";
            return 0;
        }
        std::string job = Submit(script);
        if (job.empty())
        {
            return EXIT_INPUT_ERROR;
        }
        std::cout << "submitted Slurm job " << job << ": " << todo.size()
                  << " array tasks; follow them with: squeue -j " << job << "; then: nsfab collect "
                  << out << "\n";
        return 0;
    }
    std::size_t failed = RunLocally(folder, sweep, todo, std::max(1U, options.jobs));
    std::cout << "sweep " << sweep.name << ": " << todo.size() - failed << " finished, " << failed
              << " failed; nsfab collect " << out << " gathers the results\n";
    return failed > 0 ? EXIT_RUNS_UNFINISHED : 0;
}

int
SweepTask(const std::string& dir, uint32_t index)
{
    SweepFolder folder(dir);
    Sweep sweep;
    std::string error = folder.Read(sweep);
    if (error.empty() && index >= sweep.runs.size())
    {
        error = "the sweep in " + dir + " has " + std::to_string(sweep.runs.size()) +
                " runs; there is no run " + std::to_string(index);
    }
    if (!error.empty())
    {
        std::cerr << "nsfab: " << error << "\n";
        return EXIT_INPUT_ERROR;
    }
    const SweepRun& run = sweep.runs[index];
    std::cout << "run " << index << " " << run.id << " (" << Describe(sweep, run) << ")\n";
    if (folder.GetState(run) == SweepFolder::FINISHED)
    {
        std::cout << "already finished: " << folder.GetResults(run) << "\n";
        return 0;
    }
    pid_t pid = StartRun(folder, sweep, run);
    int status = 0;
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
    {
    }
    if (pid < 0)
    {
        return EXIT_INPUT_ERROR;
    }
    folder.RecordExit(run, status);
    std::string detail;
    bool ok = folder.GetState(run, &detail) == SweepFolder::FINISHED;
    std::cout << (ok ? "finished: " + folder.GetResults(run)
                     : "FAILED (" + detail + "); log: " + folder.GetLog(run))
              << "\n";
    return ok ? 0 : EXIT_RUNS_UNFINISHED;
}

int
Collect(const std::string& dir, const std::string& out, bool force)
{
    SweepFolder folder(dir);
    Sweep sweep;
    std::string error = folder.Read(sweep);
    if (!error.empty())
    {
        std::cerr << "nsfab: " << error << "\n";
        return EXIT_INPUT_ERROR;
    }
    std::vector<const SweepRun*> unfinished;
    std::string csv = CollectSweep(folder, sweep, unfinished);
    // The default file is the folder's own; one the user names is replaced only when asked.
    std::string file = out.empty() ? dir + "/results.csv" : out;
    error = WriteFileAtomically(file, csv, out.empty() || force);
    if (!error.empty())
    {
        std::cerr << "nsfab: " << error << "\n";
        return EXIT_INPUT_ERROR;
    }
    std::cout << "collected " << sweep.runs.size() - unfinished.size() << " of "
              << sweep.runs.size() << " runs into " << file << "\n";
    for (const SweepRun* run : unfinished)
    {
        std::string detail;
        SweepFolder::RunState state = folder.GetState(*run, &detail);
        std::cout << (state == SweepFolder::FAILED    ? "failed  "
                      : state == SweepFolder::MISSING ? "missing "
                                                      : "unreadable summary.json: ")
                  << run->index << " " << run->id << " (" << Describe(sweep, *run) << ")"
                  << (state == SweepFolder::FAILED ? ": " + detail + "; log: " + folder.GetLog(*run)
                                                   : "")
                  << "\n";
    }
    return unfinished.empty() ? 0 : EXIT_RUNS_UNFINISHED;
}

} // namespace nsfab
