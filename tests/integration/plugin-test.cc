/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Congestion-control plugins loaded by `nsfab run --plugin`: the example plugin in
// tests/plugin-example is built here, as a user would build it, and used from a scenario.
#include "fabric-test.h"

#include "ns3/scenario-runner.h"
#include "ns3/scenario.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace fs = std::filesystem;

namespace
{
using nsfab_test::CommandOutput;
using nsfab_test::FabricTest;
using nsfab_test::RunCommand;

const std::string NSFAB = NSFAB_BINARY;
const std::string PLUGIN_TYPE = "ns3::ConstantRateCongestionControl";

class NsfabPlugin : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        // One folder per process: CTest may run these tests side by side.
        m_dir = ::testing::TempDir() + "nsfab-plugin-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }

    void TearDown() override
    {
        fs::remove_all(m_dir);
    }

    /// A radix-4 leaf-spine at 800 Gb/s, one 4 MiB flow between two leaves.
    std::string Scenario(const std::string& name, const std::string& congestionControl) const
    {
        std::string file = m_dir + "/" + name + ".yaml";
        std::ofstream(file) << "topology: {fabric: {planes: [{generator: leaf-spine, "
                               "radix: 4}]}}\n"
                               "transport:\n  congestion-control: "
                            << congestionControl
                            << "\nflows:\n  - {src: host0, dst: host3, size: 4MiB}\n";
        return file;
    }

    /// The FCT of the one flow of a run that wrote \p out.
    static double FctSeconds(const std::string& out)
    {
        auto rows = nsfab_test::ReadCsv(out + "/fct.csv");
        EXPECT_EQ(rows.size(), 1u);
        EXPECT_NE(rows.at(0).at("fct_ps"), "") << "the flow completed";
        return std::stod(rows.at(0).at("fct_ps")) * 1e-12;
    }

    std::string m_dir;
};

/**
 * FCT of one message paced at \p rate (bit/s) on the scenario's path: frames leave the NIC one
 * wire time at \p rate apart; the last one then crosses 4 links at 800 Gb/s, store-and-forward
 * through 3 switches of 500 ns latency, 10 ns of propagation per link.
 */
double
PacedFct(uint64_t bytes, double rate)
{
    const double wireBits = (4096 + 14 + 20 + 8 + 12 + 4 + 4 + 20) * 8.0; // 4178 B per frame
    const double frame = wireBits / 800e9;
    double frames = double((bytes + 4095) / 4096);
    return (frames - 1) * wireBits / rate + frame + 4 * 10e-9 + 3 * (500e-9 + frame);
}
} // namespace

TEST_F(NsfabPlugin, ExamplePluginSetsTheRateOfEveryQueuePair)
{
    // Build the example as its README says, against this build tree.
    std::string build = m_dir + "/plugin-build";
    CommandOutput built =
        RunCommand("'" NSFAB_CMAKE "' -S '" NSFAB_SOURCE_DIR "/tests/plugin-example' -B '" + build +
                   "' -DNSFAB_BUILD_DIR='" NSFAB_BUILD_DIR "' -DCMAKE_CXX_COMPILER='" NSFAB_CXX
                   "' 2>&1 && '" NSFAB_CMAKE "' --build '" +
                   build + "' 2>&1");
    ASSERT_EQ(built.status, 0) << built.output;
    std::string plugin = build + "/libconstant-rate-cc.so";
    ASSERT_TRUE(fs::exists(plugin)) << built.output;

    std::string paced =
        Scenario("paced", "{algorithm: " + PLUGIN_TYPE + ", Rate: 100Gbps, MinRate: 1Gbps}");
    CommandOutput o =
        RunCommand(NSFAB + " run --plugin " + plugin + " " + paced + " --out " + m_dir + "/paced");
    ASSERT_EQ(o.status, 0) << o.output;
    double pacedFct = FctSeconds(m_dir + "/paced");

    CommandOutput line =
        RunCommand(NSFAB + " run " + Scenario("line", "none") + " --out " + m_dir + "/line");
    ASSERT_EQ(line.status, 0) << line.output;
    double lineFct = FctSeconds(m_dir + "/line");

    // 4 MiB at 100 Gb/s is 335.5 us of payload bits (342.3 us of wire bits) plus the path.
    EXPECT_NEAR(pacedFct, PacedFct(4 << 20, 100e9), 0.01 * PacedFct(4 << 20, 100e9));
    EXPECT_GT(pacedFct, (4 << 20) * 8 / 100e9);
    EXPECT_NEAR(lineFct, PacedFct(4 << 20, 800e9), 0.01 * PacedFct(4 << 20, 800e9));
    // An eighth of the rate: nearly 8 times as long (the path latency is paid once).
    EXPECT_GT(pacedFct / lineFct, 7.5);
    EXPECT_LT(pacedFct / lineFct, 8.0);

    // A rate above the line rate is held to the line rate (CongestionControl::SetRate).
    o = RunCommand(NSFAB + " run --plugin " + plugin + " " +
                   Scenario("fast", "{algorithm: " + PLUGIN_TYPE + ", Rate: 1600Gbps}") +
                   " --out " + m_dir + "/fast");
    ASSERT_EQ(o.status, 0) << o.output;
    EXPECT_EQ(FctSeconds(m_dir + "/fast"), lineFct);
}

TEST_F(NsfabPlugin, MissingPluginStopsBeforeRunning)
{
    std::string scenario = Scenario("s", "none");
    // Standard error only.
    CommandOutput o = RunCommand(NSFAB + " run --plugin /nonexistent.so " + scenario + " --out " +
                                 m_dir + "/out 2>&1 >/dev/null");
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.output.rfind("nsfab: cannot load plugin /nonexistent.so: ", 0), 0u) << o.output;
    EXPECT_NE(o.output.find("No such file"), std::string::npos) << o.output;
    EXPECT_FALSE(fs::exists(m_dir + "/out"));
    EXPECT_EQ(std::distance(fs::directory_iterator(m_dir), fs::directory_iterator()), 1);

    // A file that is no shared library fails the same way.
    o = RunCommand(NSFAB + " run --plugin " + scenario + " " + scenario + " --out " + m_dir +
                   "/out 2>&1 >/dev/null");
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.output.rfind("nsfab: cannot load plugin " + scenario + ": ", 0), 0u) << o.output;
    EXPECT_FALSE(fs::exists(m_dir + "/out"));
}

TEST_F(NsfabPlugin, PluginTypeIdWithoutThePluginIsUnknown)
{
    std::string scenario = Scenario("s", "{algorithm: " + PLUGIN_TYPE + ", Rate: 100Gbps}");
    CommandOutput o =
        RunCommand(NSFAB + " run " + scenario + " --out " + m_dir + "/out 2>&1 >/dev/null");
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.output.find("s.yaml:3:35: transport.congestion-control.algorithm: unknown "
                            "congestion control '" +
                            PLUGIN_TYPE + "' (valid: none, dcqcn, "),
              std::string::npos)
        << o.output;
    EXPECT_NE(o.output.find("nothing was run"), std::string::npos) << o.output;
    EXPECT_FALSE(fs::exists(m_dir + "/out"));
}

TEST_F(FabricTest, ScenarioCongestionControlReachesTheQueuePairs)
{
    // Without a plugin: the built-in "none" with a window of one packet sends one packet per
    // round trip, so each of the 256 packets waits at least its own one-way path time.
    std::vector<ns3::Diagnostic> d;
    ns3::Scenario s =
        ns3::ParseScenario("topology: {fabric: {planes: [{generator: leaf-spine, radix: 4}]}}\n"
                           "transport:\n"
                           "  congestion-control: {algorithm: none, Window: 4096}\n"
                           "flows: [{src: host0, dst: host3, size: 1MiB}]\n",
                           "w.yaml",
                           d);
    ASSERT_TRUE(d.empty()) << d[0].Format();
    ns3::RunResult r = ns3::RunScenario(s, "");
    ASSERT_TRUE(r.flows[0].completed);
    double oneWay = PacedFct(4096, 800e9); // one frame across the path
    EXPECT_GT(r.flows[0].GetFct().GetSeconds(), 256 * oneWay);
    EXPECT_LT(r.flows[0].GetFct().GetSeconds(), 256 * 3 * oneWay);
}
