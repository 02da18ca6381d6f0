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

TEST_P(GoldenResults, AreUnchanged)
{
    const std::string name = GetParam();
    const fs::path golden = fs::path(NSFAB_SOURCE_DIR) / "tests" / "golden" / name;
    const std::string out = m_dir + "/out";
    // Run from the source folder: summary.json names the scenario and topology by the paths given.
    auto run =
        nsfab_test::RunCommand("cd '" + std::string(NSFAB_SOURCE_DIR) + "' && " + NSFAB_BINARY +
                               " run -q scenarios/" + name + ".yaml --out '" + out + "' 2>&1");
    ASSERT_EQ(run.status, 0) << run.output;
    std::map<std::string, std::string> now = Outputs(out, false);
    ASSERT_TRUE(now.count("summary.json")) << "no summary.json in " << out;

    const char* update = std::getenv("NSFAB_UPDATE_GOLDEN");
    if (update && std::string(update) == "1")
    {
        fs::remove_all(golden);
        fs::create_directories(golden);
        for (const auto& [file, text] : now)
        {
            WriteFile(golden / file, text);
        }
        GTEST_SKIP() << "golden files of " << name << " written to " << golden;
    }

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
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string id = info.param;
                             std::replace(id.begin(), id.end(), '-', '_');
                             return id;
                         });

} // namespace
