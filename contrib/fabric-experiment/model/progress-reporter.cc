/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "progress-reporter.h"

#include "ns3/simulator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace ns3
{

namespace
{
constexpr double CHECK_INTERVAL = 0.1;  //!< wall seconds wanted between two checks
constexpr double MAX_GROWTH = 2;        //!< the step grows at most this much per check ...
constexpr double MAX_SHRINK = 1.0 / 8;  //!< ... and shrinks at most this much
constexpr int64_t STEPS_PER_RUN = 1000; //!< the step is at most the run over this
constexpr int BAR_WIDTH = 20;
/// Below a thousandth done (0.0 % shown) an ETA would be noise: it shows as unknown.
constexpr double MIN_ETA_FRACTION = 0.001;

/// The shortest step between checks: shorter ones would only add events.
Time
MinStep()
{
    return NanoSeconds(1);
}

double
SteadyClock()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// \p time with three decimals in the largest unit that \p scale reaches, so that the current
/// and the stop time line up ("4.200 ms / 10.000 ms").
std::string
FormatSimTime(Time time, Time scale)
{
    static const std::pair<const char*, int64_t> units[] = {{"s", 1000000000000},
                                                            {"ms", 1000000000},
                                                            {"us", 1000000},
                                                            {"ns", 1000},
                                                            {"ps", 1}};
    const auto* unit = std::find_if(std::begin(units), std::end(units) - 1, [&](const auto& u) {
        return scale.GetPicoSeconds() >= u.second;
    });
    char text[48];
    std::snprintf(text,
                  sizeof(text),
                  "%.3f %s",
                  static_cast<double>(time.GetPicoSeconds()) / unit->second,
                  unit->first);
    return text;
}

/// An event rate to three significant digits with an SI prefix ("950", "12.3 k", "1.23 M").
std::string
FormatEventRate(double perSecond)
{
    static const char* const prefixes[] = {"", " k", " M", " G", " T"};
    int p = 0;
    // 999.5 and above would print as "1000" with no decimals.
    for (; p < 4 && perSecond >= 999.5; ++p)
    {
        perSecond /= 1000;
    }
    int decimals = perSecond < 9.995 ? 2 : perSecond < 99.95 ? 1 : 0;
    char text[48];
    std::snprintf(text, sizeof(text), "%.*f%s events/s", decimals, perSecond, prefixes[p]);
    return text;
}

/// A wall duration as a clock would show it: "0:35", "12:05", "3:12:05".
std::string
FormatClock(double seconds)
{
    long long s = std::llround(seconds);
    char text[48];
    if (s < 3600)
    {
        std::snprintf(text, sizeof(text), "%lld:%02lld", s / 60, s % 60);
    }
    else
    {
        std::snprintf(text, sizeof(text), "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    }
    return text;
}

/// A wall duration in words, for logs: "35 s", "12 min 05 s", "3 h 12 min".
std::string
FormatWords(double seconds)
{
    long long s = std::llround(seconds);
    char text[48];
    if (s < 60)
    {
        std::snprintf(text, sizeof(text), "%lld s", s);
    }
    else if (s < 3600)
    {
        std::snprintf(text, sizeof(text), "%lld min %02lld s", s / 60, s % 60);
    }
    else
    {
        std::snprintf(text, sizeof(text), "%lld h %02lld min", s / 3600, s / 60 % 60);
    }
    return text;
}
} // namespace

ProgressReporter::ProgressReporter(std::ostream& os, Mode mode, std::function<double()> wallClock)
    : m_os(os),
      m_mode(mode),
      m_wallClock(wallClock ? std::move(wallClock) : SteadyClock)
{
}

ProgressReporter::~ProgressReporter()
{
    // Safe after Simulator::Destroy() too: Cancel then finds no simulator and does nothing.
    m_event.Cancel();
}

ProgressReporter::Mode
ProgressReporter::ModeFor(int fd)
{
    return isatty(fd) ? BAR : LINES;
}

void
ProgressReporter::SetBarInterval(double seconds)
{
    m_barInterval = seconds;
}

void
ProgressReporter::SetLineInterval(double seconds)
{
    m_lineInterval = seconds;
}

void
ProgressReporter::Start(Time stop, std::function<double()> workDone)
{
    m_event.Cancel(); // a check left over from a run that was never finished
    m_ownEvents = 0;
    if (m_mode == QUIET)
    {
        return;
    }
    m_started = true;
    m_stop = stop;
    m_workDone = std::move(workDone);
    m_startEvents = Simulator::GetEventCount();
    m_startWall = m_wallClock();
    m_lastCheckWall = m_startWall;
    m_lastShownWall = m_startWall;
    m_shownWidth = 0;
    // Without a stop time, checks are at most a millisecond of simulated time apart.
    m_maxStep = std::max(stop.IsStrictlyPositive() ? (stop - Simulator::Now()) / STEPS_PER_RUN
                                                   : MilliSeconds(1),
                         MinStep());
    m_step = MinStep(); // grows within a few dozen checks if the run is fast
    if (m_mode == BAR)
    {
        Show(m_startWall, false);
    }
    ScheduleCheck();
}

void
ProgressReporter::Finish()
{
    if (!m_started)
    {
        return;
    }
    // Remove, not Cancel: a cancelled event still counts in GetEventCount() if the run goes on.
    Simulator::Remove(m_event);
    m_started = false;
    Show(m_wallClock(), true);
}

uint64_t
ProgressReporter::GetOwnEvents() const
{
    return m_ownEvents;
}

void
ProgressReporter::Check()
{
    ++m_ownEvents;
    double wall = m_wallClock();
    double took = wall - m_lastCheckWall;
    m_lastCheckWall = wall;
    double factor =
        took > 0 ? std::clamp(CHECK_INTERVAL / took, MAX_SHRINK, MAX_GROWTH) : MAX_GROWTH;
    m_step = std::clamp(m_step * factor, MinStep(), m_maxStep);
    if (wall - m_lastShownWall >= (m_mode == BAR ? m_barInterval : m_lineInterval))
    {
        m_lastShownWall = wall;
        Show(wall, false);
    }
    ScheduleCheck();
}

void
ProgressReporter::ScheduleCheck()
{
    if (!m_stop.IsStrictlyPositive() || Simulator::Now() + m_step < m_stop)
    {
        m_event = Simulator::Schedule(m_step, &ProgressReporter::Check, this);
    }
}

void
ProgressReporter::SetPhase(std::function<std::string()> phase)
{
    m_phase = std::move(phase);
}

double
ProgressReporter::GetFraction() const
{
    double fraction = m_stop.IsStrictlyPositive() ? (Simulator::Now() / m_stop).GetDouble() : 0;
    if (m_workDone)
    {
        fraction = std::max(fraction, m_workDone());
    }
    return std::clamp(fraction, 0.0, 1.0);
}

void
ProgressReporter::Show(double wall, bool final)
{
    double fraction = GetFraction();
    double elapsed = wall - m_startWall;
    uint64_t events = Simulator::GetEventCount() - m_startEvents - m_ownEvents;
    std::string rate = elapsed > 0 ? FormatEventRate(events / elapsed) : "-- events/s";
    // Rounded down, so that 100.0 % means done.
    double percent = std::floor(fraction * 1000) / 10;
    // Without a stop time the run ends when its work is done.
    Time scale = m_stop.IsStrictlyPositive() ? m_stop : Simulator::Now();
    std::string sim = FormatSimTime(Simulator::Now(), scale);
    std::string stop = m_stop.IsStrictlyPositive() ? FormatSimTime(m_stop, m_stop) : "done";
    bool etaKnown = fraction >= MIN_ETA_FRACTION && elapsed > 0;
    double eta = etaKnown ? elapsed * (1 - fraction) / fraction : 0;
    std::string phase = m_phase && !final ? m_phase() : "";

    char text[256];
    if (m_mode == BAR)
    {
        int filled = static_cast<int>(fraction * BAR_WIDTH);
        std::string time =
            final ? "wall " + FormatClock(elapsed) : "ETA " + (etaKnown ? FormatClock(eta) : "--");
        int width = std::snprintf(text,
                                  sizeof(text),
                                  "[%s%s] %5.1f%%  sim %s / %s  %s  %s%s%s",
                                  std::string(filled, '#').c_str(),
                                  std::string(BAR_WIDTH - filled, '.').c_str(),
                                  percent,
                                  sim.c_str(),
                                  stop.c_str(),
                                  rate.c_str(),
                                  time.c_str(),
                                  phase.empty() ? "" : "  ",
                                  phase.c_str());
        auto shown = std::min(static_cast<std::size_t>(width), sizeof(text) - 1);
        // Blank what is left of a longer previous line.
        m_os << '\r' << text << std::string(m_shownWidth > shown ? m_shownWidth - shown : 0, ' ');
        m_shownWidth = shown;
        if (final)
        {
            m_os << '\n';
        }
    }
    else
    {
        std::string time =
            final ? "wall " + FormatWords(elapsed) : "ETA " + (etaKnown ? FormatWords(eta) : "--");
        std::string of = m_stop.IsStrictlyPositive() ? " of " + stop : ", until done";
        std::snprintf(text,
                      sizeof(text),
                      "progress: %.1f%% (sim %s%s), %s, %s%s%s\n",
                      percent,
                      sim.c_str(),
                      of.c_str(),
                      rate.c_str(),
                      time.c_str(),
                      phase.empty() ? "" : ", ",
                      phase.c_str());
        m_os << text;
    }
    m_os.flush();
}

} // namespace ns3
