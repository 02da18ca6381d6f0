/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace
{
using Outcome = nsfab_test::CommandOutput;

/// Run nsfab; the output holds both its standard output and its errors.
Outcome
Nsfab(const std::string& args)
{
    return nsfab_test::RunCommand(std::string(NSFAB_BINARY) + " " + args + " 2>&1");
}

class NsfabCli : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        m_dir = ::testing::TempDir() + "nsfab-cli-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }

    void TearDown() override
    {
        fs::remove_all(m_dir);
    }

    std::string Write(const std::string& name, const std::string& text) const
    {
        std::ofstream(m_dir + "/" + name) << text;
        return m_dir + "/" + name;
    }

    std::string m_dir;
};

const char* SMALL = "topology: {tiers: 2, radix: 4}\nflows:\n  - {src: host0, dst: host3, size: "
                    "1MiB}\n";
} // namespace

TEST_F(NsfabCli, RunWritesSummaryJson)
{
    std::string scenario = Write("ok.yaml", SMALL);
    Outcome o = Nsfab("run " + scenario + " --out " + m_dir + "/out");
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_NE(o.output.find("1/1 flows completed"), std::string::npos) << o.output;
    std::ifstream in(m_dir + "/out/summary.json");
    ASSERT_TRUE(in.good());
    nlohmann::json j = nlohmann::json::parse(in);
    EXPECT_EQ(j["flows"][0]["bytes"], 1 << 20);
    EXPECT_EQ(j["flows"][0]["completed"], true);
    // FCT, finish and goodput agree with each other.
    double fct = j["flows"][0]["fct_ps"].get<double>() * 1e-12;
    EXPECT_EQ(j["flows"][0]["finish_ps"].get<int64_t>() - j["flows"][0]["start_ps"].get<int64_t>(),
              j["flows"][0]["fct_ps"].get<int64_t>());
    EXPECT_NEAR(j["flows"][0]["goodput_gbps"].get<double>(), (1 << 20) * 8 / fct / 1e9, 1e-9);
    for (const char* key : {"packets", "packet_hops", "events", "sim_time_ps", "wall_time_s"})
    {
        EXPECT_TRUE(j["totals"].contains(key)) << key;
    }
    // 256 data packets and 256 ACKs from the NICs; each crosses 4 links on leaf-spine.
    EXPECT_EQ(j["totals"]["packets"], 512);
    EXPECT_EQ(j["totals"]["packet_hops"], 512 * 4);
    // Nothing but the results is left beside the folder.
    EXPECT_EQ(std::distance(fs::directory_iterator(m_dir), fs::directory_iterator()), 2);
}

TEST_F(NsfabCli, MalformedScenarioExitsNonZeroAndWritesNothing)
{
    struct Case
    {
        const char* text;
        const char* where;
    };

    const Case cases[] = {
        {"topology: {tiers: 2, radix: 4\nflows: [\n", "bad.yaml:2:6: YAML syntax"},
        {"topology: {tiers: 2, radix: 4, speed: 1}\nflows: [{src: host0, dst: host1, size: 1}]\n",
         "bad.yaml:1:32: topology.speed: unknown key"},
        {"topology: {tiers: 2, radix: 4}\nflows: [{src: host0, dst: host1, size: -1KiB}]\n",
         "bad.yaml:2:40: flows[0].size:"},
        {"topology: {tiers: 2, radix: 4}\nflows: [{src: host0, dst: host8, size: 1}]\n",
         "bad.yaml:2:27: flows[0].dst: unknown host 'host8'"},
    };
    for (const Case& c : cases)
    {
        std::string scenario = Write("bad.yaml", c.text);
        Outcome o = Nsfab("run " + scenario + " --out " + m_dir + "/out");
        EXPECT_NE(o.status, 0) << c.text;
        EXPECT_NE(o.output.find(c.where), std::string::npos) << o.output;
        EXPECT_FALSE(fs::exists(m_dir + "/out")) << c.text;
        EXPECT_EQ(std::distance(fs::directory_iterator(m_dir), fs::directory_iterator()), 1);
    }
}

TEST_F(NsfabCli, OnlyEarlierResultsAreReplacedAndOnlyWithForce)
{
    std::string scenario = Write("ok.yaml", SMALL);
    // A folder of the user's is never replaced, --force or not.
    fs::create_directories(m_dir + "/mine");
    Write("mine/notes.txt", "user data");
    Outcome o = Nsfab("run " + scenario + " --out " + m_dir + "/mine");
    EXPECT_NE(o.status, 0);
    EXPECT_NE(o.output.find("already exists"), std::string::npos) << o.output;
    o = Nsfab("run " + scenario + " --out " + m_dir + "/mine --force");
    EXPECT_NE(o.status, 0);
    EXPECT_NE(o.output.find("not a results folder written by nsfab"), std::string::npos)
        << o.output;
    EXPECT_TRUE(fs::exists(m_dir + "/mine/notes.txt"));
    EXPECT_FALSE(fs::exists(m_dir + "/mine/summary.json"));

    // Earlier results are replaced with --force only.
    ASSERT_EQ(Nsfab("run " + scenario + " --out " + m_dir + "/res").status, 0);
    Write("res/stale.txt", "from an earlier run");
    EXPECT_NE(Nsfab("run " + scenario + " --out " + m_dir + "/res").status, 0);
    EXPECT_TRUE(fs::exists(m_dir + "/res/stale.txt"));
    o = Nsfab("run " + scenario + " --out " + m_dir + "/res --force");
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_FALSE(fs::exists(m_dir + "/res/stale.txt"));
    EXPECT_TRUE(fs::exists(m_dir + "/res/summary.json"));
}

TEST_F(NsfabCli, SameScenarioGivesIdenticalResultsFiles)
{
    // Two processes, same scenario: summary.json is byte-identical but for the wall time.
    std::string scenario = Write("s.yaml", R"(topology: {tiers: 3, radix: 4}
flows:
  - {src: host0, dst: host15, size: 3MiB}
  - {src: host5, dst: host15, size: 2MiB, start: 1us}
  - {src: host9, dst: host2, size: 1MiB}
)");
    std::string text[2];
    for (int i = 0; i < 2; ++i)
    {
        std::string out = m_dir + "/r" + std::to_string(i);
        ASSERT_EQ(Nsfab("run " + scenario + " --out " + out).status, 0);
        std::ifstream in(out + "/summary.json");
        for (std::string line; std::getline(in, line);)
        {
            text[i] += line.find("wall_time_s") == std::string::npos ? line + "\n" : "";
        }
    }
    EXPECT_GT(text[0].size(), 500u);
    EXPECT_EQ(text[0], text[1]);
}

TEST_F(NsfabCli, BadArgumentsAreRejected)
{
    EXPECT_NE(Nsfab("").status, 0);
    EXPECT_NE(Nsfab("fly").status, 0);
    EXPECT_NE(Nsfab("run --bogus").status, 0);
    Outcome o = Nsfab("run " + m_dir + "/missing.yaml");
    EXPECT_NE(o.status, 0);
    EXPECT_NE(o.output.find("missing.yaml: cannot open the file"), std::string::npos) << o.output;
}
