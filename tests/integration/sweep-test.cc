/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Sweeps: expansion into runs, stable ids, seeds of repetitions, the local backend, re-running
// after failures and kills, collect, and the Slurm script (run here task by task; the run on a
// real Slurm cluster is tests/slurm/sweep-on-slurm.sh).

#include "fabric-test.h"

#include "ns3/sweep.h"

#include <chrono>
#include <csignal>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using namespace ns3;
using nsfab_test::Nsfab;

namespace
{
const std::string TOPOLOGY = std::string(NSFAB_SOURCE_DIR) + "/topologies/fat-tree-k4.yaml";

/// An incast into host0 of the 16-host fat-tree.
std::string
IncastScenario(const std::string& size)
{
    return "topology: " + TOPOLOGY +
           "\ntransport: {congestion-control: dcqcn}\n"
           "workloads:\n  - {type: incast, name: incast, receiver: host0, senders: 4, size: " +
           size + "}\n";
}

/// cc x senders x 2 repetitions: 8 runs.
const char* SWEEP = "name: small\n"
                    "scenario: incast.yaml\n"
                    "axes:\n"
                    "  transport.congestion-control: [dcqcn, hpcc]\n"
                    "  workloads[0].senders: [2, 4]\n"
                    "repetitions: 2\n"
                    "slurm: {time: '00:05:00', mem: 1G, options: [--qos=test]}\n";

class SweepTest : public nsfab_test::TempDirTest
{
  protected:
    /// Load a sweep written to the folder beside the incast scenario.
    Sweep Load(const std::string& text)
    {
        Write("incast.yaml", IncastScenario("64KiB"));
        std::vector<Diagnostic> diagnostics;
        Sweep sweep = LoadSweep(Write("sweep.yaml", text), diagnostics);
        for (const auto& d : diagnostics)
        {
            ADD_FAILURE() << d.Format();
        }
        return sweep;
    }

    /// The small sweep's file, beside its scenario (incasts of \p size).
    std::string SmallSweep(const std::string& size = "128KiB")
    {
        Write("incast.yaml", IncastScenario(size));
        return Write("sweep.yaml", SWEEP);
    }

    /// summary.json of a results folder without its host section (wall time, memory).
    static nlohmann::json Summary(const std::string& folder)
    {
        nlohmann::json j = nlohmann::json::parse(std::ifstream(folder + "/summary.json"));
        j.erase("host");
        return j;
    }

    /// The rows of a collected CSV without the host columns.
    static std::vector<std::map<std::string, std::string>> Deterministic(const std::string& csv)
    {
        auto rows = nsfab_test::ReadCsv(csv);
        for (auto& row : rows)
        {
            for (auto it = row.begin(); it != row.end();)
            {
                it = it->first.rfind("host.", 0) == 0 ? row.erase(it) : std::next(it);
            }
        }
        return rows;
    }

    static fs::file_time_type Modified(const std::string& path)
    {
        return fs::last_write_time(path);
    }
};
} // namespace

TEST_F(SweepTest, ExpandsAxesZipAndRepetitionsInOrder)
{
    Sweep sweep = Load("scenario: incast.yaml\n"
                       "set:\n  workloads[0].size: 128KiB\n"
                       "axes:\n"
                       "  transport.congestion-control: [dcqcn, hpcc]\n"
                       "  workloads[0].senders: [2, 3, 4]\n"
                       "zip:\n"
                       "  stop: [1ms, 2ms]\n"
                       "  seed: [5, 6]\n"
                       "repetitions: 2\n");
    ASSERT_EQ(sweep.runs.size(), 2u * 3 * 2 * 2);
    EXPECT_EQ(sweep.name, "sweep");
    EXPECT_EQ(sweep.scenario, m_dir + "/incast.yaml");
    EXPECT_EQ(sweep.axes,
              (std::vector<std::string>{"transport.congestion-control",
                                        "workloads[0].senders",
                                        "stop",
                                        "seed"}));
    const std::vector<std::string> ccs{"dcqcn", "hpcc"};
    const std::vector<std::string> senders{"2", "3", "4"};
    std::set<std::string> ids;
    for (uint32_t k = 0; k < sweep.runs.size(); ++k)
    {
        const SweepRun& run = sweep.runs[k];
        SCOPED_TRACE(k);
        // Nested loops: the first axis outermost, the zipped keys last, repetitions innermost.
        uint32_t zip = (k / 2) % 2;
        EXPECT_EQ(run.index, k);
        EXPECT_EQ(run.repetition, k % 2);
        EXPECT_EQ(run.values,
                  (std::vector<std::string>{ccs[k / 12],
                                            senders[(k / 4) % 3],
                                            zip == 0 ? "1ms" : "2ms",
                                            zip == 0 ? "5" : "6"}));
        uint32_t seed = zip == 0 ? 5 : 6;
        EXPECT_EQ(run.seed, run.repetition == 0 ? seed : RepetitionSeed(seed, run.repetition));
        std::vector<std::string> expected{"workloads[0].size=128KiB",
                                          "transport.congestion-control=" + ccs[k / 12],
                                          "workloads[0].senders=" + senders[(k / 4) % 3],
                                          zip == 0 ? "stop=1ms" : "stop=2ms",
                                          zip == 0 ? "seed=5" : "seed=6"};
        if (run.repetition > 0)
        {
            expected.push_back("seed=" + std::to_string(run.seed));
        }
        EXPECT_EQ(run.assignments, expected);
        EXPECT_EQ(run.id.size(), 12u);
        EXPECT_EQ(run.id.find_first_not_of("0123456789abcdef"), std::string::npos);
        ids.insert(run.id);
    }
    EXPECT_EQ(ids.size(), sweep.runs.size());
}

TEST_F(SweepTest, IdsSurviveNewValuesAndReorderedAxes)
{
    Sweep before = Load("scenario: incast.yaml\n"
                        "axes:\n"
                        "  transport.congestion-control: [dcqcn]\n"
                        "  workloads[0].senders: [2, 3]\n");
    Sweep after = Load("scenario: incast.yaml\n"
                       "axes:\n"
                       "  workloads[0].senders: [4, 3, 2]\n"
                       "  transport.congestion-control: [hpcc, dcqcn]\n");
    ASSERT_EQ(before.runs.size(), 2u);
    ASSERT_EQ(after.runs.size(), 6u);
    for (const auto& run : before.runs)
    {
        auto same = std::find_if(after.runs.begin(), after.runs.end(), [&](const SweepRun& r) {
            return r.id == run.id;
        });
        ASSERT_NE(same, after.runs.end()) << run.id;
        EXPECT_EQ(same->values,
                  (std::vector<std::string>{run.values[1], run.values[0]})); // axes swapped
    }
}

TEST_F(SweepTest, RepetitionSeedsAreDistinct)
{
    // 100 base seeds x 100 repetitions: no two runs share a seed, none repeats its base.
    std::set<uint32_t> seeds;
    for (uint32_t seed = 1; seed <= 100; ++seed)
    {
        seeds.insert(seed);
    }
    for (uint32_t seed = 1; seed <= 100; ++seed)
    {
        for (uint32_t rep = 1; rep <= 100; ++rep)
        {
            uint32_t derived = RepetitionSeed(seed, rep);
            EXPECT_NE(derived, 0u);
            EXPECT_TRUE(seeds.insert(derived).second) << seed << " " << rep;
        }
    }
}

TEST_F(SweepTest, LocalRunsEqualDirectRunsAndAreCollected)
{
    std::string file = SmallSweep();
    std::string dir = m_dir + "/out";
    auto o = Nsfab("sweep " + file + " --out " + dir + " --jobs 2");
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_NE(o.output.find("sweep small: 8 runs, 0 already finished, 8 to run"), std::string::npos)
        << o.output;
    EXPECT_NE(o.output.find("sweep small: 8 finished, 0 failed"), std::string::npos);

    o = Nsfab("collect " + dir);
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_EQ(o.output, "collected 8 of 8 runs into " + dir + "/results.csv\n");
    auto rows = nsfab_test::ReadCsv(dir + "/results.csv");
    ASSERT_EQ(rows.size(), 8u);
    std::set<std::string> seeds;
    for (std::size_t i = 0; i < rows.size(); ++i)
    {
        const auto& row = rows[i];
        SCOPED_TRACE(row.at("id"));
        EXPECT_EQ(row.at("transport.congestion-control"), i < 4 ? "dcqcn" : "hpcc");
        EXPECT_EQ(row.at("workloads[0].senders"), (i / 2) % 2 == 0 ? "2" : "4");
        EXPECT_EQ(row.at("repetition"), std::to_string(i % 2));
        // The row is the run's summary.json, flattened.
        nlohmann::json summary = Summary(dir + "/runs/" + row.at("id"));
        EXPECT_EQ(row.at("seed"), summary["scenario"]["seed"].dump());
        EXPECT_EQ(row.at("workloads.incast.flows.count"), row.at("workloads[0].senders"));
        EXPECT_EQ(row.at("workloads.incast.flows.fct_us.p99"),
                  summary["workloads"][0]["flows"]["fct_us"]["p99"].dump());
        EXPECT_EQ(row.at("fabric.ecn_marks"), summary["fabric"]["ecn_marks"].dump());
        EXPECT_EQ(row.at("run.sim_time_ps"), summary["run"]["sim_time_ps"].dump());
        EXPECT_FALSE(row.at("host.wall_time_s").empty());
        seeds.insert(row.at("seed"));
    }
    EXPECT_EQ(seeds.size(), 2u) << "repetition 1 runs with another seed than repetition 0";

    // A run of the sweep is the scenario run by hand with the same keys set.
    const auto& last = rows.back();
    o = Nsfab("run -q " + m_dir + "/incast.yaml --out " + m_dir +
              "/by-hand --set transport.congestion-control=hpcc --set workloads[0].senders=4 "
              "--set seed=" +
              last.at("seed"));
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_EQ(Summary(dir + "/runs/" + last.at("id")), Summary(m_dir + "/by-hand"));
}

TEST_F(SweepTest, RerunSkipsFinishedRunsAndRedoesTheOthers)
{
    std::string file = SmallSweep();
    std::string dir = m_dir + "/out";
    ASSERT_EQ(Nsfab("sweep " + file + " --out " + dir + " -j 2").status, 0);
    ASSERT_EQ(Nsfab("collect " + dir).status, 0);
    auto rows = nsfab_test::ReadCsv(dir + "/results.csv");
    auto before = Deterministic(dir + "/results.csv");
    ASSERT_EQ(rows.size(), 8u);
    std::map<std::string, fs::file_time_type> written;
    for (const auto& row : rows)
    {
        written[row.at("id")] = Modified(dir + "/runs/" + row.at("id") + "/summary.json");
    }
    // Run 3 never finished: no results, and the staging folder of a process that died.
    std::string lost = rows[3].at("id");
    fs::remove_all(dir + "/runs/" + lost);
    char host[256] = "";
    gethostname(host, sizeof(host) - 1);
    std::string stale = dir + "/runs/" + lost + ".partial-" + host + "-999999999";
    fs::create_directories(stale);
    auto o = Nsfab("collect " + dir);
    EXPECT_EQ(o.status, 2);
    EXPECT_NE(o.output.find("collected 7 of 8 runs"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("missing 3 " + lost), std::string::npos) << o.output;

    o = Nsfab("sweep " + file + " --out " + dir + " -j 2");
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_NE(o.output.find("8 runs, 7 already finished, 1 to run"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("[1/1] " + lost), std::string::npos) << o.output;
    EXPECT_FALSE(fs::exists(stale));
    for (const auto& [id, time] : written)
    {
        if (id != lost)
        {
            EXPECT_EQ(Modified(dir + "/runs/" + id + "/summary.json"), time) << id;
        }
    }
    // The redone run gives what it gave the first time.
    ASSERT_EQ(Nsfab("collect " + dir).status, 0);
    EXPECT_EQ(Deterministic(dir + "/results.csv"), before);
}

TEST_F(SweepTest, FailedRunIsRecordedListedAndRedone)
{
    std::string file = SmallSweep();
    std::string dir = m_dir + "/out";
    // --dry-run of the Slurm backend writes the manifest only; it gives the runs' ids.
    ASSERT_EQ(Nsfab("sweep " + file + " --out " + dir + " --backend slurm --dry-run").status, 0);
    nlohmann::json manifest = nlohmann::json::parse(std::ifstream(dir + "/sweep.json"));
    std::string id = manifest["runs"][5]["id"];
    // A file of the user's where run 5's results would go: that run fails, the file stays.
    std::string mine = Write("out/runs/" + id, "mine\n");

    auto o = Nsfab("sweep " + file + " --out " + dir + " -j 2");
    EXPECT_EQ(o.status, 2) << o.output;
    EXPECT_NE(o.output.find(id +
                            " (transport.congestion-control=hpcc, workloads[0].senders=2, "
                            "repetition 1): FAILED (exit 1: nsfab: results folder '" +
                            dir + "/runs/" + id + "' already exists"),
              std::string::npos)
        << o.output;
    EXPECT_NE(o.output.find("7 finished, 1 failed"), std::string::npos) << o.output;
    o = Nsfab("collect " + dir);
    EXPECT_EQ(o.status, 2);
    EXPECT_NE(o.output.find("failed  5 " + id +
                            " (transport.congestion-control=hpcc, "
                            "workloads[0].senders=2, repetition 1): exit 1: "),
              std::string::npos)
        << o.output;
    EXPECT_NE(o.output.find("log: " + dir + "/logs/" + id + ".log"), std::string::npos);
    EXPECT_EQ(nsfab_test::ReadCsv(dir + "/results.csv").size(), 7u);
    std::ifstream in(mine);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "mine\n");

    fs::remove(mine);
    o = Nsfab("sweep " + file + " --out " + dir);
    EXPECT_EQ(o.status, 0) << o.output;
    EXPECT_NE(o.output.find("7 already finished, 1 to run"), std::string::npos);
    EXPECT_EQ(Nsfab("collect " + dir).status, 0);
}

TEST_F(SweepTest, KilledSweepLeavesNothingThatLooksFinished)
{
    // One long run (about 2 s here), killed with its sweep while its results are being made.
    Write("incast.yaml", IncastScenario("256MiB"));
    std::string file = Write("sweep.yaml", "scenario: incast.yaml\naxes: {seed: [1]}\n");
    std::string dir = m_dir + "/out";
    auto o = nsfab_test::RunCommand("setsid " + std::string(NSFAB_BINARY) + " sweep " + file +
                                    " --out " + dir + " > " + m_dir + "/sweep.log 2>&1 & echo $!");
    pid_t group = std::stoi(o.output);
    bool staging = false;
    for (int i = 0; i < 3000 && !staging; ++i)
    {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::error_code ec; // the folder appears once the sweep has begun
        for (const auto& entry : fs::directory_iterator(dir + "/runs", ec))
        {
            staging = staging || entry.path().string().find(".partial-") != std::string::npos;
        }
    }
    ASSERT_TRUE(staging) << "the run never started";
    kill(-group, SIGKILL);
    for (int i = 0; i < 500 && kill(-group, 0) == 0; ++i)
    {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    o = Nsfab("collect " + dir);
    EXPECT_EQ(o.status, 2);
    EXPECT_NE(o.output.find("collected 0 of 1 runs"), std::string::npos) << o.output;
    EXPECT_NE(o.output.find("missing 0 "), std::string::npos) << o.output;

    o = Nsfab("sweep " + file + " --out " + dir);
    EXPECT_EQ(o.status, 0) << o.output;
    EXPECT_NE(o.output.find("1 runs, 0 already finished, 1 to run"), std::string::npos);
    EXPECT_EQ(Nsfab("collect " + dir).status, 0);
    std::vector<std::string> left;
    for (const auto& entry : fs::directory_iterator(dir + "/runs"))
    {
        left.push_back(entry.path().filename().string());
    }
    EXPECT_EQ(left.size(), 1u) << "the dead run's staging folder was removed";
}

TEST_F(SweepTest, SlurmScriptRunsEachRunAsAnArrayTask)
{
    std::string file = SmallSweep();
    std::string dir = m_dir + "/out";
    auto o = Nsfab("sweep " + file + " --out " + dir +
                   " --backend slurm --dry-run --partition debug --mem 3G --max-parallel 3 "
                   "--sbatch-option=--constraint=ib");
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_NE(o.output.find("wrote " + dir + "/sweep.sbatch; submit it with: sbatch " + dir +
                            "/sweep.sbatch"),
              std::string::npos)
        << o.output;
    std::ifstream in(dir + "/sweep.sbatch");
    std::vector<std::string> options;
    std::string exec;
    for (std::string line; std::getline(in, line);)
    {
        if (line.rfind("#SBATCH ", 0) == 0)
        {
            options.push_back(line.substr(8));
        }
        exec = line.rfind("exec ", 0) == 0 ? line : exec;
    }
    // The file's resources, the command line's winning where both give one.
    EXPECT_EQ(options,
              (std::vector<std::string>{"--job-name=nsfab-small",
                                        "--array=0-7%3",
                                        "--output=\"" + dir + "/logs/slurm-%A_%a.out\"",
                                        "--chdir=\"" + dir + "\"",
                                        "--ntasks=1",
                                        "--cpus-per-task=1",
                                        "--partition=debug",
                                        "--time=00:05:00",
                                        "--mem=3G",
                                        "--qos=test",
                                        "--constraint=ib"}));
    EXPECT_EQ(exec,
              "exec '" + std::string(NSFAB_BINARY) + "' sweep-task '" + dir +
                  "' \"$SLURM_ARRAY_TASK_ID\"");

    // Tasks 2 and 5 as Slurm would start them: each runs its run.
    for (int task : {2, 5})
    {
        o = nsfab_test::RunCommand("SLURM_ARRAY_TASK_ID=" + std::to_string(task) + " bash " + dir +
                                   "/sweep.sbatch 2>&1");
        EXPECT_EQ(o.status, 0) << o.output;
        EXPECT_NE(o.output.find("finished: " + dir + "/runs/"), std::string::npos) << o.output;
    }
    o = Nsfab("collect " + dir);
    EXPECT_EQ(o.status, 2);
    EXPECT_NE(o.output.find("collected 2 of 8 runs"), std::string::npos) << o.output;
    // The next script lists the unfinished runs only.
    ASSERT_EQ(Nsfab("sweep " + file + " --out " + dir + " --backend slurm --dry-run").status, 0);
    std::ifstream again(dir + "/sweep.sbatch");
    std::string text(std::istreambuf_iterator<char>(again), {});
    EXPECT_NE(text.find("#SBATCH --array=0-1,3-4,6-7\n"), std::string::npos) << text;
    EXPECT_NE(text.find("#SBATCH --mem=1G\n"), std::string::npos) << text;
    EXPECT_NE(text.find(" 6 of the 8 runs"), std::string::npos) << text;

    // The rest here: the same results as a sweep run wholly here.
    ASSERT_EQ(Nsfab("sweep " + file + " --out " + dir + " -j 2").status, 0);
    ASSERT_EQ(Nsfab("collect " + dir).status, 0);
    ASSERT_EQ(Nsfab("sweep " + file + " --out " + m_dir + "/local -j 2").status, 0);
    ASSERT_EQ(Nsfab("collect " + m_dir + "/local").status, 0);
    EXPECT_EQ(Deterministic(dir + "/results.csv"), Deterministic(m_dir + "/local/results.csv"));
}

TEST_F(SweepTest, FoldersAndFilesOfTheUserAreLeftAlone)
{
    std::string file = SmallSweep();
    Write("notes.txt", "mine\n");
    auto o = Nsfab("sweep " + file + " --out " + m_dir);
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.output.find("'" + m_dir +
                            "' exists and is not a sweep folder (it has no "
                            "sweep.json); not writing into it"),
              std::string::npos)
        << o.output;
    EXPECT_FALSE(fs::exists(m_dir + "/runs"));
    o = Nsfab("collect " + m_dir);
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.output.find("is not a sweep folder"), std::string::npos) << o.output;

    std::string dir = m_dir + "/out";
    ASSERT_EQ(Nsfab("sweep " + file + " --out " + dir + " --backend slurm --dry-run").status, 0);
    o = Nsfab("collect " + dir + " --out " + m_dir + "/notes.txt");
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.output.find("notes.txt exists; --force replaces it"), std::string::npos)
        << o.output;
    o = Nsfab("sweep-task " + dir + " 8");
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.output.find("has 8 runs; there is no run 8"), std::string::npos) << o.output;
    o = Nsfab("sweep " + file + " --backend pbs");
    EXPECT_NE(o.status, 0);
    EXPECT_NE(o.output.find("--backend"), std::string::npos) << o.output;
}

TEST(ShippedSweeps, AllAreValid)
{
    uint32_t files = 0;
    for (const auto& entry :
         fs::directory_iterator(std::string(NSFAB_SOURCE_DIR) + "/scenarios/sweeps"))
    {
        std::vector<Diagnostic> diagnostics;
        Sweep sweep = LoadSweep(entry.path().string(), diagnostics);
        EXPECT_TRUE(diagnostics.empty()) << entry.path() << ": " << diagnostics.front().Format();
        EXPECT_FALSE(sweep.runs.empty()) << entry.path();
        ++files;
    }
    EXPECT_GE(files, 1u);
}
