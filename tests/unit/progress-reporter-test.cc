/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/progress-reporter.h"

#include <fcntl.h>
#include <optional>
#include <sstream>
#include <unistd.h>

using namespace ns3;
using namespace nsfab_test;

namespace
{
/// A wall clock that reads 0 first and \p tick seconds more at every later reading. The reporter
/// reads it once at Start(), once per check and once at Finish().
struct FakeClock
{
    double tick;
    double now{0};

    std::function<double()> Get()
    {
        return [this] {
            double reading = now;
            now += tick;
            return reading;
        };
    }
};

/// The simulation watched: events 1 us apart from 0 to 1 ms, each followed by a short chain of
/// events at nanosecond offsets, so that some tie with the reporter's checks.
struct Workload
{
    static constexpr uint32_t EVENTS = 1001;
    std::vector<std::pair<int64_t, int64_t>> trace; //!< (time in ps, event) of every event
    uint32_t done{0};                               //!< of the EVENTS
    bool stopWhenDone{false};                       //!< stop the run, as the runner does

    void Schedule()
    {
        for (uint32_t i = 0; i < EVENTS; ++i)
        {
            Simulator::Schedule(MicroSeconds(i), &Workload::Main, this, i);
        }
    }

    void Main(uint32_t i)
    {
        trace.emplace_back(Simulator::Now().GetPicoSeconds(), i);
        Simulator::Schedule(NanoSeconds(i % 7), &Workload::FollowUp, this, i, 3);
        if (++done == EVENTS && stopWhenDone)
        {
            Simulator::Stop();
        }
    }

    void FollowUp(uint32_t i, int left)
    {
        trace.emplace_back(Simulator::Now().GetPicoSeconds(),
                           -1 - static_cast<int64_t>(i) * 10 - left);
        if (left > 1)
        {
            Simulator::Schedule(NanoSeconds(1 + i % 3), &Workload::FollowUp, this, i, left - 1);
        }
    }

    double GetWorkDone() const
    {
        return static_cast<double>(done) / EVENTS;
    }
};

/// The text between the first \p before and the next \p after (to the end if \p after is
/// empty); nothing if either is missing. (No std::regex: GCC 12 warns inside it under the
/// sanitizers.)
std::optional<std::string>
Between(const std::string& text, const std::string& before, const std::string& after)
{
    std::size_t start = text.find(before);
    if (start == std::string::npos)
    {
        return std::nullopt;
    }
    start += before.size();
    std::size_t end = after.empty() ? text.size() : text.find(after, start);
    if (end == std::string::npos)
    {
        return std::nullopt;
    }
    return text.substr(start, end - start);
}

/// Whether \p text is a decimal number with exactly \p decimals digits after the point.
bool
IsDecimal(const std::string& text, std::size_t decimals)
{
    std::size_t point = text.find('.');
    return !text.empty() && point != std::string::npos && point > 0 &&
           text.size() - point - 1 == decimals &&
           text.find_first_not_of("0123456789.") == std::string::npos;
}

/// The percentage shown in a bar frame or a line: "42.0" in "... 42.0% ...".
double
Percent(const std::string& text)
{
    std::size_t end = text.find('%');
    if (end == std::string::npos)
    {
        return -1;
    }
    std::size_t start = text.find_last_not_of("0123456789.", end - 1) + 1;
    std::string number = text.substr(start, end - start);
    return IsDecimal(number, 1) ? std::stod(number) : -1;
}

/// Seconds an ETA shows ("0:35", "1:02:03"); -1 for "--".
double
EtaSeconds(const std::string& eta)
{
    if (eta == "--")
    {
        return -1;
    }
    double seconds = 0;
    std::size_t start = 0;
    while (true)
    {
        std::size_t colon = eta.find(':', start);
        seconds = seconds * 60 + std::stod(eta.substr(start, colon - start));
        if (colon == std::string::npos)
        {
            return seconds;
        }
        start = colon + 1;
    }
}

/// The frames of a bar: what each '\r' began.
std::vector<std::string>
Frames(const std::string& out)
{
    std::vector<std::string> frames;
    std::size_t start = out.find('\r');
    while (start != std::string::npos)
    {
        std::size_t next = out.find('\r', start + 1);
        frames.push_back(
            out.substr(start + 1, next == std::string::npos ? next : next - start - 1));
        start = next;
    }
    return frames;
}

std::vector<std::string>
Lines(const std::string& out)
{
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
    {
        lines.push_back(line);
    }
    return lines;
}

class ProgressReporterTest : public FabricTest
{
  protected:
    /// Run the workload to \p stop, watched by \p reporter if there is one, as the runner does:
    /// Stop, then Start, Run, Finish. Returns Simulator::GetEventCount().
    uint64_t RunWorkload(Workload& work, ProgressReporter* reporter, Time stop, bool byWork = false)
    {
        work.Schedule();
        work.stopWhenDone = byWork;
        Simulator::Stop(stop);
        if (reporter)
        {
            std::function<double()> workDone;
            if (byWork)
            {
                workDone = [&work] {
                    return work.GetWorkDone();
                };
            }
            reporter->Start(stop, workDone);
        }
        Simulator::Run();
        if (reporter)
        {
            reporter->Finish();
        }
        return Simulator::GetEventCount();
    }
};
} // namespace

TEST(ProgressReporter, PipesAndFilesGetLines)
{
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    EXPECT_EQ(ProgressReporter::ModeFor(fds[1]), ProgressReporter::LINES);
    close(fds[0]);
    close(fds[1]);
    int null = open("/dev/null", O_WRONLY);
    ASSERT_GE(null, 0);
    EXPECT_EQ(ProgressReporter::ModeFor(null), ProgressReporter::LINES);
    close(null);
}

TEST_F(ProgressReporterTest, BarRedrawsInPlaceUpToOneHundredPercent)
{
    FakeClock clock{1.0 / 64};
    std::ostringstream os;
    ProgressReporter reporter(os, ProgressReporter::BAR, clock.Get());
    Workload work;
    RunWorkload(work, &reporter, MilliSeconds(2));

    std::string out = os.str();
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.front(), '\r');
    EXPECT_EQ(out.back(), '\n');
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
    std::vector<std::string> frames = Frames(out);
    // A redraw every 13 checks (13/64 s >= 0.2 s), about a thousand checks.
    EXPECT_GT(frames.size(), 50u);
    EXPECT_LT(frames.size(), 100u);
    // "[####................]  21.3%  sim 0.426 ms / 2.000 ms  1.23 M events/s  ETA 0:03"
    auto wellFormed = [](const std::string& f) {
        auto bar = Between(f, "[", "]");
        auto sim = Between(f, "%  sim ", " ms / 2.000 ms  ");
        bool timed = Between(f, "events/s  ETA ", "").has_value() ||
                     Between(f, "events/s  wall ", "").has_value();
        return f.front() == '[' && bar && bar->size() == 20 &&
               bar->find_first_not_of("#.") == std::string::npos && Percent(f) >= 0 && sim &&
               IsDecimal(*sim, 3) && timed;
    };
    double last = 0;
    for (const auto& f : frames)
    {
        EXPECT_TRUE(wellFormed(f)) << f;
        EXPECT_GE(Percent(f), last) << f;
        last = Percent(f);
    }
    EXPECT_EQ(frames.front().rfind("[....................]   0.0%  sim 0.000 ms / 2.000 ms  "
                                   "-- events/s  ETA --",
                                   0),
              0u)
        << frames.front();
    EXPECT_EQ(frames.back().rfind("[####################] 100.0%  sim 2.000 ms / 2.000 ms  ", 0),
              0u)
        << frames.back();
    EXPECT_NE(frames.back().find("wall 0:16"), std::string::npos) << frames.back();
}

TEST_F(ProgressReporterTest, EtaExtrapolatesTheWallTimeOverTheFractionLeft)
{
    // Every check redraws, so frame k (after the one Start draws) is check k, read at wall time
    // k/32 s; at simulated time t of a 100 us run the ETA is (k/32) (100 us - t) / t.
    FakeClock clock{1.0 / 32};
    std::ostringstream os;
    ProgressReporter reporter(os, ProgressReporter::BAR, clock.Get());
    reporter.SetBarInterval(0);
    Workload work;
    RunWorkload(work, &reporter, MicroSeconds(100));

    std::vector<std::string> frames = Frames(os.str());
    ASSERT_EQ(frames.size(), reporter.GetOwnEvents() + 2);
    EXPECT_NE(frames.front().find("ETA --"), std::string::npos) << frames.front();
    for (std::size_t k = 1; k + 1 < frames.size(); ++k)
    {
        auto sim = Between(frames[k], "  sim ", " us / 100.000 us ");
        auto eta = Between(frames[k], "  ETA ", "");
        ASSERT_TRUE(sim && IsDecimal(*sim, 3) && eta) << frames[k];
        double t = std::stod(*sim); // exact: checks fall on whole nanoseconds
        // Not before 0.1 % is done: until then it would be noise.
        std::string shownEta = eta->substr(0, eta->find(' '));
        EXPECT_EQ(shownEta == "--", t < 0.1) << frames[k];
        if (t < 0.1)
        {
            continue;
        }
        double expected = k / 32.0 * (100 - t) / t;
        EXPECT_NEAR(EtaSeconds(shownEta), expected, 0.5 + 1e-9) << frames[k];
    }
    // By hand: the step doubles from 1 ns (each check took 1/32 s, under the 0.1 s target) until
    // it reaches a thousandth of the run, 100 ns, at check 7 (127 ns); check 880 is at
    // 127 + 873 * 100 ns = 87.427 us, and (880/32 s) * 12.573 / 87.427 = 3.95 s.
    ASSERT_GT(frames.size(), 880u);
    EXPECT_NE(frames[880].find("sim 87.427 us / 100.000 us"), std::string::npos) << frames[880];
    EXPECT_NE(frames[880].find("ETA 0:04"), std::string::npos) << frames[880];
}

TEST_F(ProgressReporterTest, LinesAreWholeAndTenWallSecondsApart)
{
    FakeClock clock{1.0 / 64};
    std::ostringstream os;
    ProgressReporter reporter(os, ProgressReporter::LINES, clock.Get());
    Workload work;
    uint64_t events = RunWorkload(work, &reporter, MilliSeconds(2));

    std::string out = os.str();
    EXPECT_EQ(out.find('\r'), std::string::npos);
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.back(), '\n');
    // About 16 wall seconds: one line at 10 s, and the final one.
    std::vector<std::string> lines = Lines(out);
    ASSERT_EQ(lines.size(), 2u) << out;
    // "progress: 62.5% (sim 1.250 ms of 2.000 ms), 1.23 M events/s, ETA 6 s"
    auto sim = Between(lines[0], "% (sim ", " ms of 2.000 ms), ");
    auto eta = Between(lines[0], "events/s, ETA ", " s");
    EXPECT_TRUE(lines[0].rfind("progress: ", 0) == 0 && Percent(lines[0]) >= 0 && sim &&
                IsDecimal(*sim, 3) && eta &&
                eta->find_first_not_of("0123456789") == std::string::npos &&
                lines[0].size() == lines[0].find("ETA ") + 4 + eta->size() + 2)
        << lines[0];

    // The final line's rate leaves out the reporter's events: Finish() read the clock last.
    double wall = (reporter.GetOwnEvents() + 1) / 64.0;
    double rate = (events - reporter.GetOwnEvents()) / wall;
    auto shown =
        Between(lines[1], "progress: 100.0% (sim 2.000 ms of 2.000 ms), ", " events/s, wall 16 s");
    ASSERT_TRUE(shown && lines[1].size() == lines[1].find(" events/s, wall 16 s") + 20) << lines[1];
    EXPECT_NEAR(std::stod(*shown), rate, 0.5);
}

TEST_F(ProgressReporterTest, QuietWritesNothingAndAddsNoEvents)
{
    Workload plain;
    uint64_t without = RunWorkload(plain, nullptr, MilliSeconds(2));
    Simulator::Destroy();

    FakeClock clock{1.0 / 64};
    std::ostringstream os;
    ProgressReporter reporter(os, ProgressReporter::QUIET, clock.Get());
    Workload watched;
    EXPECT_EQ(RunWorkload(watched, &reporter, MilliSeconds(2)), without);
    EXPECT_EQ(os.str(), "");
    EXPECT_EQ(reporter.GetOwnEvents(), 0u);
    EXPECT_EQ(clock.now, 0);
}

TEST_F(ProgressReporterTest, OwnEventsAreAllItAddsAndResultsDoNotChange)
{
    Workload plain;
    uint64_t without = RunWorkload(plain, nullptr, MilliSeconds(2));
    Simulator::Destroy();

    for (auto mode : {ProgressReporter::BAR, ProgressReporter::LINES})
    {
        FakeClock clock{1.0 / 64};
        std::ostringstream os;
        ProgressReporter reporter(os, mode, clock.Get());
        Workload watched;
        uint64_t with = RunWorkload(watched, &reporter, MilliSeconds(2));
        EXPECT_GT(reporter.GetOwnEvents(), 100u);
        EXPECT_EQ(with - without, reporter.GetOwnEvents());
        EXPECT_EQ(watched.trace, plain.trace);
        Simulator::Destroy();
    }
}

TEST_F(ProgressReporterTest, WorkDoneLeadsWhenAheadOfSimulatedTime)
{
    // The work ends at 1 ms of a 1 s run, which then stops with a check still pending.
    Workload plain;
    uint64_t without = RunWorkload(plain, nullptr, Seconds(1), true);
    Simulator::Destroy();

    FakeClock clock{1.0 / 64};
    std::ostringstream os;
    ProgressReporter reporter(os, ProgressReporter::LINES, clock.Get());
    reporter.SetLineInterval(0);
    Workload work;
    uint64_t with = RunWorkload(work, &reporter, Seconds(1), true);
    EXPECT_EQ(with - without, reporter.GetOwnEvents());
    EXPECT_EQ(work.trace, plain.trace);

    std::vector<std::string> lines = Lines(os.str());
    ASSERT_GT(lines.size(), 10u);
    // Simulated time alone would never pass 0.1 %.
    double last = 0;
    bool midway = false;
    for (const auto& line : lines)
    {
        EXPECT_GE(Percent(line), last) << line;
        last = Percent(line);
        midway = midway || (last > 10 && last < 90);
    }
    EXPECT_TRUE(midway) << os.str();
    EXPECT_EQ(lines.back().rfind("progress: 100.0% (sim 0.001 s of 1.000 s), ", 0), 0u)
        << lines.back();
}

TEST_F(ProgressReporterTest, PhaseIsShownAsTheRunIsThereAndNotInTheFinalLine)
{
    // The phase is read when a line is written: here it names the simulated time, which must
    // agree with the line's own "sim" figure; the final line, over the whole run, has none.
    FakeClock clock{1.0 / 64};
    std::ostringstream os;
    ProgressReporter reporter(os, ProgressReporter::LINES, clock.Get());
    reporter.SetPhase(
        [] { return "phase at " + std::to_string(Simulator::Now().GetMicroSeconds()); });
    Workload work;
    RunWorkload(work, &reporter, MilliSeconds(2));
    std::vector<std::string> lines = Lines(os.str());
    ASSERT_EQ(lines.size(), 2u) << os.str();
    auto sim = Between(lines[0], "% (sim ", " ms of 2.000 ms), ");
    ASSERT_TRUE(sim) << lines[0];
    auto micro = static_cast<int64_t>(std::lround(std::stod(*sim) * 1000));
    std::string phase = ", phase at " + std::to_string(micro);
    EXPECT_EQ(lines[0].substr(lines[0].size() - phase.size()), phase) << lines[0];
    EXPECT_EQ(lines[1].find("phase"), std::string::npos) << lines[1];
}
