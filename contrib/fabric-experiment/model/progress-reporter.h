/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef PROGRESS_REPORTER_H
#define PROGRESS_REPORTER_H

#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace ns3
{

/**
 * \ingroup fabric-experiment
 * \brief Shows how far a simulation run has got: a progress bar for a terminal, or a plain line
 *        now and then for a log.
 *
 * The fraction done is the larger of Simulator::Now() / stop and the caller's work-done
 * fraction; the ETA extrapolates the wall time so far over the fraction left, and the event
 * rate leaves out the reporter's own events.
 *
 * The reporter checks progress from an event of its own that reschedules itself. So that checks
 * cost nothing on slow runs and still come often enough on fast ones, each check scales the
 * simulated step to the next one by the target wall interval (0.1 s) over the wall time the last
 * step took, by at most a factor 2 up or 8 down per check, keeping the step between 1 ns and a
 * thousandth of the run (so that an idle stretch cannot stretch it past the busy part after it).
 *
 * Determinism: the reporter only reads the simulation; its events shift other events' uids, not
 * their order, so results do not change. Simulator::GetEventCount() does include its events:
 * subtract GetOwnEvents(). Its events never keep a run alive past \c stop, but do keep it going
 * until then: the run needs Simulator::Stop(stop), as the scenario runner always calls.
 */
class ProgressReporter
{
  public:
    /// How progress is shown.
    enum Mode
    {
        BAR,   //!< one line redrawn in place with '\r', for a terminal
        LINES, //!< a complete line now and then, for logs and pipes
        QUIET  //!< nothing, and no events either
    };

    /**
     * \param os where to write (normally std::cerr); must outlive the reporter
     * \param mode how to show progress
     * \param wallClock seconds on any fixed origin, read once by Start(), each check and
     *        Finish(); empty means std::chrono::steady_clock. Tests inject a fake one.
     */
    ProgressReporter(std::ostream& os, Mode mode, std::function<double()> wallClock = {});
    /// Cancels the pending check, so the simulator never calls a destroyed reporter.
    ~ProgressReporter();
    ProgressReporter(const ProgressReporter&) = delete;
    ProgressReporter& operator=(const ProgressReporter&) = delete;

    /// BAR if \p fd is a terminal, LINES otherwise (redirected to a file or a pipe).
    static Mode ModeFor(int fd);

    /// Wall seconds between two redraws of the bar (default 0.2).
    void SetBarInterval(double seconds);
    /// Wall seconds between two lines in LINES mode (default 10).
    void SetLineInterval(double seconds);

    /**
     * \brief Begin reporting; call before Simulator::Run(), after the run is set up.
     * \param stop the simulated time at which the run stops; zero if it stops only when its
     *        work is done
     * \param workDone the fraction in [0, 1] of the run's work done so far (e.g. bytes delivered
     *        over bytes to deliver), for runs that end when their work is done; empty if the run
     *        only ends at \p stop
     */
    void Start(Time stop, std::function<double()> workDone = {});
    /// What the run is doing now, shown after the rest (e.g. a training step's phase); empty
    /// shows nothing. Set before Start.
    void SetPhase(std::function<std::string()> phase);

    /**
     * \brief Show the final state (100 % if the run reached its stop or did all its work) and
     *        the wall time taken, end the bar's line, and drop the pending check. Call after
     *        Simulator::Run() and before Simulator::Destroy().
     */
    void Finish();

    /// Events the reporter has executed: subtract them from Simulator::GetEventCount().
    uint64_t GetOwnEvents() const;

  private:
    /// The self-rescheduling event: adapt the step, show progress when due, schedule the next.
    void Check();
    /// Schedule the next check after the current step, unless it would fall at or past the stop.
    void ScheduleCheck();
    /// The fraction of the run done, in [0, 1].
    double GetFraction() const;
    /// Write the state at wall time \p wall: an ETA while running, the wall time taken if final.
    void Show(double wall, bool final);

    std::ostream& m_os;
    Mode m_mode;
    std::function<double()> m_wallClock;
    double m_barInterval{0.2};
    double m_lineInterval{10};

    Time m_stop;
    std::function<double()> m_workDone;
    std::function<std::string()> m_phase;
    Time m_step;                 //!< simulated time to the next check
    Time m_maxStep;              //!< a thousandth of the run
    EventId m_event;             //!< the pending check
    uint64_t m_ownEvents{0};     //!< checks executed
    uint64_t m_startEvents{0};   //!< Simulator::GetEventCount() at Start()
    double m_startWall{0};       //!< wall clock at Start()
    double m_lastCheckWall{0};   //!< wall clock at the last check
    double m_lastShownWall{0};   //!< wall clock when progress was last shown
    std::size_t m_shownWidth{0}; //!< length of the bar line on screen, to blank a longer one
    bool m_started{false};
};

} // namespace ns3

#endif // PROGRESS_REPORTER_H
