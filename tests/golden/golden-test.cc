/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The results of every shipped scenario, compared with the golden files in tests/golden/<name>/:
// summary.json without its host section (wall time, memory, events) and every CSV file, byte for
// byte. A change to the simulator's speed must leave them as they are; a change meant to alter
// results rewrites them (NSFAB_UPDATE_GOLDEN=1 ctest -L golden) and says why in its commit.

#include "fabric-test.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <vector>

namespace
{

namespace fs = std::filesystem;

std::string
ReadFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void
WriteFile(const fs::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
}

/// summary.json as the writer formats it, without the host section.
std::string
SummaryWithoutHost(const fs::path& path)
{
    nlohmann::ordered_json summary = nlohmann::ordered_json::parse(ReadFile(path));
    summary.erase("host");
    return summary.dump(2) + "\n";
}

/// The first line where \p a and \p b differ, for the failure message.
std::string
FirstDifference(const std::string& a, const std::string& b)
{
    std::istringstream x(a);
    std::istringstream y(b);
    std::string lx;
    std::string ly;
    for (int line = 1;; ++line)
    {
        bool more = static_cast<bool>(std::getline(x, lx));
        bool moreToo = static_cast<bool>(std::getline(y, ly));
        if (!more && !moreToo)
        {
            return "no line differs (line endings?)";
        }
        if (!more || !moreToo || lx != ly)
        {
            return "line " + std::to_string(line) + ": golden '" + (more ? lx : "<end>") +
                   "', now '" + (moreToo ? ly : "<end>") + "'";
        }
    }
}

/// The results files compared: summary.json (host aside) and the CSV files, by name.
std::map<std::string, std::string>
Outputs(const fs::path& dir, bool golden)
{
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::directory_iterator(dir))
    {
        std::string name = entry.path().filename().string();
        if (name == "summary.json")
        {
            files[name] = golden ? ReadFile(entry.path()) : SummaryWithoutHost(entry.path());
        }
        else if (entry.path().extension() == ".csv")
        {
            files[name] = ReadFile(entry.path());
        }
    }
    return files;
}

class GoldenResults : public nsfab_test::TempDirTest,
                      public ::testing::WithParamInterface<std::string>
{
};

/// Run scenario \p name with \p options into \p out; return what it printed.
std::string
RunShipped(const std::string& name, const std::string& options, const std::string& out)
{
    // Run from the source folder: summary.json names the scenario and topology by the paths given.
    auto run = nsfab_test::RunCommand("cd '" + std::string(NSFAB_SOURCE_DIR) + "' && " +
                                      NSFAB_BINARY + " run -q scenarios/" + name + ".yaml " +
                                      options + " --out '" + out + "' 2>&1");
    EXPECT_EQ(run.status, 0) << run.output;
    return run.output;
}

/// Compare the results in \p out with the golden files of \p name.
void
ExpectGolden(const std::string& name, const std::string& out)
{
    const fs::path golden = fs::path(NSFAB_SOURCE_DIR) / "tests" / "golden" / name;
    std::map<std::string, std::string> now = Outputs(out, false);
    ASSERT_TRUE(now.count("summary.json")) << "no summary.json in " << out;
    ASSERT_TRUE(fs::is_directory(golden)) << "no golden files for " << name << " in " << golden;
    std::map<std::string, std::string> expected = Outputs(golden, true);
    std::set<std::string> namesNow;
    std::set<std::string> namesExpected;
    for (const auto& [file, text] : now)
    {
        namesNow.insert(file);
    }
    for (const auto& [file, text] : expected)
    {
        namesExpected.insert(file);
    }
    EXPECT_EQ(namesNow, namesExpected) << "the results files differ from the golden ones";
    for (const auto& [file, text] : expected)
    {
        auto it = now.find(file);
        if (it == now.end())
        {
            continue;
        }
        EXPECT_TRUE(it->second == text)
            << name << "/" << file << " differs from " << (golden / file).string() << ": "
            << FirstDifference(text, it->second);
    }
}

TEST_P(GoldenResults, AreUnchanged)
{
    const std::string name = GetParam();
    const std::string out = m_dir + "/out";
    RunShipped(name, "", out);

    const char* update = std::getenv("NSFAB_UPDATE_GOLDEN");
    if (update && std::string(update) == "1")
    {
        const fs::path golden = fs::path(NSFAB_SOURCE_DIR) / "tests" / "golden" / name;
        fs::remove_all(golden);
        fs::create_directories(golden);
        for (const auto& [file, text] : Outputs(out, false))
        {
            WriteFile(golden / file, text);
        }
        GTEST_SKIP() << "golden files of " << name << " written to " << golden;
    }
    ExpectGolden(name, out);
}

/// A test name for scenario \p info.param.
std::string
ScenarioId(const ::testing::TestParamInfo<std::string>& info)
{
    std::string id = info.param;
    std::replace(id.begin(), id.end(), '-', '_');
    return id;
}

class RestingQueuePairs : public GoldenResults
{
};

// Queue pairs put to rest whenever more than two are awake (GpuTransport::AwakeQueuePairs)
// wake as they were: the results are the golden ones, CNPs and DCQCN cuts included.
TEST_P(RestingQueuePairs, LeaveResultsUnchanged)
{
    const std::string name = GetParam();
    const std::string out = m_dir + "/out";
    std::string printed = RunShipped(name, "--set transport.awake-queue-pairs=2", out);
    EXPECT_NE(printed.find("idle ones put to rest in"), std::string::npos)
        << "nothing was put to rest: the test shows nothing\n"
        << printed;
    ExpectGolden(name, out);
}

// DCQCN cut queue pairs in a congested AllToAll; 200 ms later they are back at line rate,
// their timers stopped, and rest when another communicator's queue pairs are made; the same
// AllToAll then wakes them with their congestion control's state (a decayed alpha): it runs
// faster than the first, and exactly as it does when nothing rests.
TEST_F(RestingQueuePairs, KeepTheirCongestionControl)
{
    WriteFile(m_dir + "/s.yaml", R"(name: resting-dcqcn
version: 2
topology:
  profiles:
    switch: {shallow: {rate: 800Gbps, ports: 8, latency: 500ns, buffer: 1MiB,
                       ecn: {kmin: 20KiB, kmax: 200KiB, pmax: 0.2}}}
  hosts: {count: 16}
  fabric:
    planes:
      - {generator: leaf-spine, radix: 8, switch: shallow}
transport:
  congestion-control: dcqcn
workloads:
  - {type: collective, name: first, op: alltoall, size: 64MiB, ranks: {from: 0, count: 12}}
  - {type: collective, name: other, op: alltoall, size: 1MiB, ranks: {from: 12, count: 4},
     after: first, start: 200ms}
  - {type: collective, name: again, op: alltoall, size: 64MiB, ranks: {from: 0, count: 12},
     after: other}
stop: done
)");
    std::map<std::string, std::string> outputs[2];
    for (int rest = 0; rest < 2; ++rest)
    {
        std::string out = m_dir + "/out" + std::to_string(rest);
        auto run = nsfab_test::Nsfab("run -q " + m_dir + "/s.yaml --out " + out +
                                     (rest ? " --set transport.awake-queue-pairs=2" : ""));
        ASSERT_EQ(run.status, 0) << run.output;
        EXPECT_EQ(run.output.find("idle ones put to rest in") != std::string::npos, rest == 1)
            << run.output;
        outputs[rest] = Outputs(out, false);
    }
    for (const auto& [file, text] : outputs[0])
    {
        EXPECT_TRUE(outputs[1][file] == text)
            << file
            << " differs when queue pairs rest: " << FirstDifference(text, outputs[1][file]);
    }
    nlohmann::ordered_json summary = nlohmann::ordered_json::parse(outputs[1]["summary.json"]);
    EXPECT_GT(summary["fabric"]["cnps"].get<uint64_t>(), 0U) << "no cut: the test shows nothing";
    // collectives.csv: time_ps is the 8th column; the first and last AllToAll differ.
    std::istringstream csv(outputs[1]["collectives.csv"]);
    std::vector<std::vector<std::string>> rows;
    for (std::string line; std::getline(csv, line);)
    {
        std::istringstream fields(line);
        rows.emplace_back();
        for (std::string field; std::getline(fields, field, ',');)
        {
            rows.back().push_back(field);
        }
    }
    ASSERT_EQ(rows.size(), 4U);
    ASSERT_EQ(rows[0][7], "time_ps");
    EXPECT_NE(rows[3][7], rows[1][7]) << "the cuts left nothing for the second AllToAll";
}

INSTANTIATE_TEST_SUITE_P(
    ShippedScenarios,
    RestingQueuePairs,
    ::testing::Values("allreduce-algorithms", "web-search", "b200-1024-step", "chakra-step"),
    ScenarioId);

/// The scenarios shipped in scenarios/, by name: each must have its golden files.
std::vector<std::string>
ShippedScenarios()
{
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(fs::path(NSFAB_SOURCE_DIR) / "scenarios"))
    {
        if (entry.path().extension() == ".yaml")
        {
            names.push_back(entry.path().stem().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

INSTANTIATE_TEST_SUITE_P(ShippedScenarios,
                         GoldenResults,
                         ::testing::ValuesIn(ShippedScenarios()),
                         ScenarioId);

} // namespace
