/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// scripts/plot on the hand-written results folders of tests/data/plot and on a real run: which
// PNGs it writes (and nothing else), their size, the comparison mode, and its errors.
#include "fabric-test.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace
{
const std::string FIXTURES = std::string(NSFAB_SOURCE_DIR) + "/tests/data/plot";
const std::string SCRIPT = std::string(NSFAB_SOURCE_DIR) + "/scripts/plot";

// scripts/plot.py draws every figure at 16 x 10 inches and 100 dots per inch.
constexpr uint32_t PNG_WIDTH = 1600;
constexpr uint32_t PNG_HEIGHT = 1000;

const std::set<std::string> RUN_PLOTS = {"fct-cdf.png",
                                         "slowdown.png",
                                         "queues.png",
                                         "throughput.png",
                                         "busbw.png",
                                         "pfc.png",
                                         "timeline.png"};
const std::set<std::string> FLOW_PLOTS = {"fct-cdf.png", "slowdown.png"};
const std::set<std::string> COMPARE_PLOTS = {"compare-fct-cdf.png",
                                             "compare-slowdown.png",
                                             "compare-busbw.png"};

/// What scripts/plot printed on each stream, and its exit status.
struct Outcome
{
    int status;
    std::string out;
    std::string err;

    /// The lines of the standard output (the files written).
    std::set<std::string> Lines() const
    {
        std::set<std::string> lines;
        std::istringstream in(out);
        for (std::string line; std::getline(in, line);)
        {
            lines.insert(line);
        }
        return lines;
    }
};

std::string
ReadAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string
Quote(const std::string& text)
{
    std::string quoted = "'";
    for (char c : text)
    {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

/// Names of the entries of \p dir (files and folders), or nothing when it does not exist.
std::set<std::string>
Entries(const std::string& dir)
{
    std::set<std::string> names;
    if (fs::is_directory(dir))
    {
        for (const auto& entry : fs::directory_iterator(dir))
        {
            names.insert(entry.path().filename().string());
        }
    }
    return names;
}

/// Every .png below \p dir.
std::vector<std::string>
PngsBelow(const std::string& dir)
{
    std::vector<std::string> pngs;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
    {
        if (entry.path().extension() == ".png")
        {
            pngs.push_back(entry.path().string());
        }
    }
    return pngs;
}

uint32_t
BigEndian32(const std::string& bytes, std::size_t at)
{
    uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i)
    {
        value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
    }
    return value;
}

/// A PNG starts with its 8-byte signature, then the IHDR chunk: length 13, "IHDR", width, height.
void
ExpectPng(const std::string& path)
{
    std::string bytes = ReadAll(path);
    ASSERT_GE(bytes.size(), 24u) << path;
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << path;
    EXPECT_EQ(BigEndian32(bytes, 8), 13u) << path;
    EXPECT_EQ(bytes.substr(12, 4), "IHDR") << path;
    EXPECT_EQ(BigEndian32(bytes, 16), PNG_WIDTH) << path;
    EXPECT_EQ(BigEndian32(bytes, 20), PNG_HEIGHT) << path;
}

/// \p dir holds exactly the PNGs \p names, each a valid PNG of the expected size, and the
/// standard output \p o named each of them as dir/name.
void
ExpectPlots(const Outcome& o, const std::string& dir, const std::set<std::string>& names)
{
    EXPECT_EQ(Entries(dir), names) << o.err;
    std::set<std::string> printed;
    for (const std::string& name : names)
    {
        ExpectPng(dir + "/" + name);
        printed.insert(dir + "/" + name);
    }
    EXPECT_EQ(o.Lines(), printed) << o.out;
}

class PlotTest : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        m_dir = ::testing::TempDir() + "nsfab-plot-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
        fs::remove_all(m_dir);
        fs::create_directories(m_dir + "/runs");
        fs::copy(FIXTURES, m_dir + "/runs", fs::copy_options::recursive);
    }

    void TearDown() override
    {
        fs::remove_all(m_dir);
    }

    /// A fixture folder's copy.
    std::string Run(const std::string& name) const
    {
        return m_dir + "/runs/" + name;
    }

    /// Runs scripts/plot with \p args (already quoted where needed).
    Outcome Plot(const std::string& args) const
    {
        std::string errors = m_dir + "/stderr.txt";
        nsfab_test::CommandOutput o =
            nsfab_test::RunCommand(SCRIPT + " " + args + " 2>" + Quote(errors));
        Outcome outcome{o.status, o.output, ReadAll(errors)};
        fs::remove(errors);
        return outcome;
    }

    /// Replaces line \p line (1-based) of \p path with \p text.
    static void ReplaceLine(const std::string& path, int line, const std::string& text)
    {
        std::istringstream in(ReadAll(path));
        std::string out;
        int number = 0;
        for (std::string current; std::getline(in, current);)
        {
            out += (++number == line ? text : current) + "\n";
        }
        ASSERT_GE(number, line) << path;
        std::ofstream(path, std::ios::binary | std::ios::trunc) << out;
    }

    std::string m_dir;
};

using PlotRun = PlotTest;
using PlotCompare = PlotTest;
using PlotErrors = PlotTest;
} // namespace

TEST_F(PlotRun, FullRunGetsEveryPlotAndNothingElse)
{
    std::set<std::string> before = Entries(Run("run-a"));
    Outcome o = Plot(Quote(Run("run-a")));
    ASSERT_EQ(o.status, 0) << o.err;
    ExpectPlots(o, Run("run-a") + "/plots", RUN_PLOTS);
    // The plots folder is the only thing added to the results folder.
    before.insert("plots");
    EXPECT_EQ(Entries(Run("run-a")), before);
}

TEST_F(PlotRun, RealRunGetsEveryPlot)
{
    // A scenario with an incast (FCTs, PFC), a collective and queue sampling: every plot but
    // the timeline (it has no job); a training step: its timeline.
    std::string results = m_dir + "/real";
    auto run = nsfab_test::RunCommand(std::string(NSFAB_BINARY) + " run -q " + NSFAB_SOURCE_DIR +
                                      "/scenarios/allreduce-with-incast.yaml --out " + results);
    ASSERT_EQ(run.status, 0) << run.output;
    std::set<std::string> plots = RUN_PLOTS;
    plots.erase("timeline.png");
    Outcome o = Plot(Quote(results));
    ASSERT_EQ(o.status, 0) << o.err;
    ExpectPlots(o, results + "/plots", plots);
    for (const std::string& name : plots)
    {
        EXPECT_GT(fs::file_size(results + "/plots/" + name), 10000u) << name;
    }
    std::string scenario = m_dir + "/step.yaml";
    std::ofstream(scenario) << "name: step\nversion: 2\n"
                               "topology: {version: 1, hosts: {count: 4}, fabric: {planes: "
                               "[{generator: leaf-spine, radix: 8}]}}\n"
                               "workloads:\n  - type: training\n    parallelism: {pp: 4}\n"
                               "    model: {layers: 4, hidden: 64, ffn-hidden: 256}\n"
                               "    batch: {micro-batches: 4, sequence: 64}\n"
                               "    compute: {attention: 4us, ffn: 6us}\n";
    results = m_dir + "/step";
    run = nsfab_test::RunCommand(std::string(NSFAB_BINARY) + " run -q " + Quote(scenario) +
                                 " --out " + results);
    ASSERT_EQ(run.status, 0) << run.output;
    o = Plot(Quote(results));
    ASSERT_EQ(o.status, 0) << o.err;
    ExpectPlots(o, results + "/plots", {"timeline.png"});
    EXPECT_GT(fs::file_size(results + "/plots/timeline.png"), 10000u);
}

TEST_F(PlotRun, OnlyPlotsWhoseDataExist)
{
    // run-b: flows and collectives; queues.csv holds only its header; no pfc.csv.
    Outcome o = Plot(Quote(Run("run-b")));
    ASSERT_EQ(o.status, 0) << o.err;
    ExpectPlots(o, Run("run-b") + "/plots", {"fct-cdf.png", "slowdown.png", "busbw.png"});
}

TEST_F(PlotRun, FolderWithOnlyFctGetsTheFlowPlots)
{
    ASSERT_EQ(Entries(Run("fct-only")), std::set<std::string>{"fct.csv"});
    Outcome o = Plot(Quote(Run("fct-only")));
    ASSERT_EQ(o.status, 0) << o.err;
    ExpectPlots(o, Run("fct-only") + "/plots", FLOW_PLOTS);
}

TEST_F(PlotRun, RerunReplacesItsOwnPlots)
{
    ASSERT_EQ(Plot(Quote(Run("run-a"))).status, 0);
    // A plot of an earlier run whose data are gone now is removed; the rest are rewritten.
    fs::remove(Run("run-a") + "/pfc.csv");
    Outcome o = Plot(Quote(Run("run-a")));
    ASSERT_EQ(o.status, 0) << o.err;
    std::set<std::string> expected = RUN_PLOTS;
    expected.erase("pfc.png");
    ExpectPlots(o, Run("run-a") + "/plots", expected);
}

TEST_F(PlotRun, OutputFolderOption)
{
    std::string out = m_dir + "/elsewhere";
    Outcome o = Plot(Quote(Run("run-a")) + " -o " + Quote(out));
    ASSERT_EQ(o.status, 0) << o.err;
    ExpectPlots(o, out, RUN_PLOTS);
    EXPECT_FALSE(fs::exists(Run("run-a") + "/plots"));
}

TEST_F(PlotRun, SeveralFoldersEachGetTheirPlots)
{
    Outcome o = Plot(Quote(Run("run-b")) + " " + Quote(Run("fct-only")));
    ASSERT_EQ(o.status, 0) << o.err;
    EXPECT_EQ(Entries(Run("run-b") + "/plots"),
              (std::set<std::string>{"fct-cdf.png", "slowdown.png", "busbw.png"}));
    EXPECT_EQ(Entries(Run("fct-only") + "/plots"), FLOW_PLOTS);
    EXPECT_EQ(o.Lines().size(), 5u) << o.out;
}

TEST_F(PlotCompare, WritesTheComparisonPlots)
{
    std::string out = m_dir + "/compare";
    Outcome o = Plot("--compare " + Quote(Run("run-a")) + " " + Quote(Run("run-b")) + " " +
                     Quote(Run("fct-only")) + " -o " + Quote(out));
    ASSERT_EQ(o.status, 0) << o.err;
    ExpectPlots(o, out, COMPARE_PLOTS);
    // The compared folders are only read.
    for (const char* run : {"run-a", "run-b", "fct-only"})
    {
        EXPECT_FALSE(fs::exists(Run(run) + "/plots")) << run;
    }
}

TEST_F(PlotCompare, OnlyComparesDataThatExist)
{
    // Neither folder has collectives: no compare-busbw.png.
    fs::copy(Run("fct-only"), Run("fct-only-2"), fs::copy_options::recursive);
    std::string out = m_dir + "/compare";
    Outcome o = Plot("--compare " + Quote(Run("fct-only")) + " " + Quote(Run("fct-only-2")) +
                     " -o " + Quote(out));
    ASSERT_EQ(o.status, 0) << o.err;
    ExpectPlots(o, out, {"compare-fct-cdf.png", "compare-slowdown.png"});
}

TEST_F(PlotCompare, BadFolderMeansNoComparison)
{
    ReplaceLine(Run("run-b") + "/fct.csv", 3, "1,incast,host2,host0,4096,1000000,12,x,1.5");
    std::string out = m_dir + "/compare";
    Outcome o =
        Plot("--compare " + Quote(Run("run-a")) + " " + Quote(Run("run-b")) + " -o " + Quote(out));
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.err.find(Run("run-b") + "/fct.csv:3: ideal_fct_ps: 'x' is not a non-negative "
                                        "integer"),
              std::string::npos)
        << o.err;
    EXPECT_EQ(o.out, "");
    EXPECT_FALSE(fs::exists(out));
}

TEST_F(PlotErrors, MissingFolder)
{
    Outcome o = Plot(Quote(m_dir + "/no-such-run"));
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.err.find(m_dir + "/no-such-run: no such folder"), std::string::npos) << o.err;
    EXPECT_EQ(o.out, "");
    EXPECT_TRUE(PngsBelow(m_dir).empty());
}

TEST_F(PlotErrors, FolderWithoutResults)
{
    fs::create_directories(m_dir + "/empty");
    Outcome o = Plot(Quote(m_dir + "/empty"));
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.err.find(m_dir + "/empty: not a results folder"), std::string::npos) << o.err;
    EXPECT_EQ(Entries(m_dir + "/empty"), std::set<std::string>{});
}

TEST_F(PlotErrors, BadHeader)
{
    ReplaceLine(Run("run-a") + "/queues.csv", 1, "time_ps,node,port,queue,tx_bytes");
    Outcome o = Plot(Quote(Run("run-a")));
    EXPECT_EQ(o.status, 1);
    EXPECT_NE(o.err.find(Run("run-a") + "/queues.csv:1: header is "
                                        "'time_ps,node,port,queue,tx_bytes', expected "
                                        "'time_ps,node,port,queue_bytes,tx_bytes'"),
              std::string::npos)
        << o.err;
    // The other files are fine, but the run gets no plot at all.
    EXPECT_EQ(o.out, "");
    EXPECT_TRUE(PngsBelow(m_dir).empty());
}

TEST_F(PlotErrors, MalformedRowsNameFileAndLine)
{
    struct Case
    {
        const char* file;
        int line;
        const char* text;
        const char* message;
    };

    const Case cases[] = {
        {"fct.csv",
         5,
         "3,incast,host3,host0,65x36,1250000,13940640,2655360,5.250000",
         "fct.csv:5: bytes: '65x36' is not a non-negative integer"},
        {"fct.csv",
         4,
         "2,incast,host2,host0,65536,250000,7169472,2655360",
         "fct.csv:4: 8 fields, expected 9"},
        {"fct.csv",
         6,
         "4,incast,host3,host0,1048576,500000,,,5.25",
         "fct.csv:6: fct_ps and ideal_fct_ps are empty but slowdown is not"},
        {"fct.csv",
         7,
         "5,incast,host4,host0,1048576,1500000,20601504,12485760,-1.65",
         "fct.csv:7: slowdown: -1.65 is negative"},
        {"collectives.csv",
         3,
         "1,training,allreduce,ring,8,16777216,50000000,400000000,335.544320,fast,1",
         "collectives.csv:3: busbw_gbps: 'fast' is not a number"},
        {"queues.csv",
         7,
         "150000000,spine1,0,8192.5,7500000",
         "queues.csv:7: queue_bytes: '8192.5' is not a non-negative integer"},
        {"queues.csv",
         6,
         "40000000,leaf0,3,32768,12500000",
         "queues.csv:6: time_ps 40000000 is not after 100000000 of the previous sample of "
         "leaf0 port 3 (line 4)"},
        {"pfc.csv",
         3,
         "250000000,leaf0,3,3,stop",
         "pfc.csv:3: event: 'stop' is not pause or resume"},
        {"pfc.csv", 2, "100000000,leaf0,3,8,pause", "pfc.csv:2: priority: 8 is not a PFC priority"},
        {"timeline.csv",
         3,
         "0,stage0 forward 0,pp,40.000000,soon,2",
         "timeline.csv:3: end_us: 'soon' is not a number"},
        {"summary.json", 4, "    \"name\": \"incast-dcqcn\",,", "summary.json:4: not valid JSON"},
    };
    for (const Case& c : cases)
    {
        fs::remove_all(Run("bad"));
        fs::copy(Run("run-a"), Run("bad"), fs::copy_options::recursive);
        ReplaceLine(Run("bad") + "/" + c.file, c.line, c.text);
        Outcome o = Plot(Quote(Run("bad")));
        EXPECT_EQ(o.status, 1) << c.message;
        EXPECT_NE(o.err.find(Run("bad") + "/" + c.message), std::string::npos)
            << "expected: " << c.message << "\nstderr: " << o.err;
        EXPECT_EQ(o.out, "") << c.message;
        EXPECT_FALSE(fs::exists(Run("bad") + "/plots")) << c.message;
    }
}

TEST_F(PlotErrors, BadArgumentsPrintUsage)
{
    const std::array<std::string, 5> arguments = {
        "",
        "--bogus " + Quote(Run("run-a")),
        "--compare " + Quote(Run("run-a")) + " -o " + Quote(m_dir + "/out"),
        "--compare " + Quote(Run("run-a")) + " " + Quote(Run("run-b")),
        Quote(Run("run-a")) + " " + Quote(Run("run-b")) + " -o " + Quote(m_dir + "/out"),
    };
    for (const std::string& args : arguments)
    {
        Outcome o = Plot(args);
        EXPECT_EQ(o.status, 2) << args;
        EXPECT_NE(o.err.find("usage: plot"), std::string::npos) << args << ": " << o.err;
    }
    EXPECT_TRUE(PngsBelow(m_dir).empty());
}
