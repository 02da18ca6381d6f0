/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef SCENARIO_RUNNER_H
#define SCENARIO_RUNNER_H

#include "progress-reporter.h"
#include "scenario.h"

#include "ns3/collective.h"
#include "ns3/execution.h"
#include "ns3/topology-helper.h"

#include <algorithm>

namespace ns3
{

/// What happened to one flow.
struct FlowResult
{
    bool posted{false};    //!< the run reached its start
    bool completed{false}; //!< received in full and acknowledged
    Time start;            //!< the message is posted
    Time receiverStart;    //!< first packet arrived at the receiver
    Time receiverEnd;      //!< last packet arrived at the receiver
    Time senderEnd;        //!< the ACK of the last packet arrived at the sender
    Time ideal;            //!< its FCT alone on the idle fabric (IdealFct)

    /// Flow completion time: posting to the last byte at the receiver.
    Time GetFct() const
    {
        return receiverEnd - start;
    }

    /// FCT over the ideal FCT.
    double GetSlowdown() const
    {
        return GetFct().GetDouble() / ideal.GetDouble();
    }
};

/// One sample of a port's queue.
struct QueueSample
{
    Time time;
    uint32_t node;
    uint32_t port;
    uint64_t queueBytes; //!< waiting in the port's egress queues
    uint64_t txBytes;    //!< sent so far
};

/// A PFC frame a port sent.
struct PfcEvent
{
    Time time;
    uint32_t node;
    uint32_t port;
    uint32_t priority;
    bool pause; //!< pause (quanta > 0) or resume (quanta 0)
};

/// What happened to one collective.
struct CollectiveRun
{
    bool completed{false};
    CollectiveResult result; //!< valid when completed
};

/// What happened to one job of ranks.
struct JobRun
{
    bool completed{false};
    ExecutionResult result; //!< valid when completed
    /// The same step on an ideal fabric (Execution::SetupIdeal): the denominator of its
    /// slowdown; zero if the run stopped first.
    Time ideal;

    double GetSlowdown() const
    {
        return result.GetTime().GetDouble() / ideal.GetDouble();
    }
};

/// What a run measured.
struct RunResult
{
    std::vector<FlowResult> flows;          //!< as Scenario::flows
    std::vector<CollectiveRun> collectives; //!< as Scenario::collectives
    std::vector<JobRun> jobs;               //!< as Scenario::jobs
    FabricCounters counters;
    std::vector<QueueSample> queues; //!< Scenario::queuePorts every Scenario::queueInterval
    std::vector<PfcEvent> pfc;       //!< every port's PFC frames
    uint64_t nicFrames{0};           //!< frames sent by NICs (data and acknowledgements)
    uint64_t packetHops{0};          //!< frames sent by every port (one per link crossed)
    uint64_t events{0};
    /// Connections the GPU transport made (a queue pair at each end), and the rounds in which
    /// it put idle ones to rest (transport.awake-queue-pairs); this process's.
    uint64_t connections{0};
    uint64_t restRounds{0};
    Time simTime;
    double wallSeconds{0};
    /// A run over MPI: its processes, their lookahead, the windows they ran in step, and the
    /// events each simulated (empty in one process).
    uint32_t processes{1};
    Time lookahead;
    uint64_t windows{0};
    std::vector<uint64_t> processEvents;

    uint32_t GetCompleted() const
    {
        return static_cast<uint32_t>(
            std::count_if(flows.begin(), flows.end(), [](const FlowResult& f) {
                return f.completed;
            }));
    }

    uint32_t GetCompletedCollectives() const
    {
        return static_cast<uint32_t>(
            std::count_if(collectives.begin(), collectives.end(), [](const CollectiveRun& c) {
                return c.completed;
            }));
    }

    uint32_t GetCompletedJobs() const
    {
        return static_cast<uint32_t>(
            std::count_if(jobs.begin(), jobs.end(), [](const JobRun& j) { return j.completed; }));
    }
};

/**
 * \ingroup fabric-experiment
 * \brief Build the scenario's fabric, run it and collect the results. The scenario must have
 *        loaded without diagnostics.
 * \param pcapDir existing folder for the pcap files of the scenario's `pcap` nodes (unused when
 *        it has none); over MPI, each process writes those of its nodes there
 * \param progress shows the run's progress (its events are not counted in RunResult::events);
 *        may be null
 *
 * Destroys the simulator at the end, so runs can follow each other in one process.
 */
RunResult RunScenario(const Scenario& scenario,
                      const std::string& pcapDir,
                      ProgressReporter* progress = nullptr);

} // namespace ns3

#endif // SCENARIO_RUNNER_H
