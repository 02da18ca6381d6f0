/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef SWEEP_H
#define SWEEP_H

#include "ns3/yaml-reader.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-experiment
 * \brief What a Slurm job array of a sweep asks for (sbatch options; empty: the cluster's
 *        default).
 */
struct SlurmResources
{
    std::string partition;
    std::string time;
    std::string mem;
    std::string account;
    std::string qos;
    uint32_t cpusPerTask{1};
    /// At most this many array tasks at once (sbatch --array=...%N); 0: no limit.
    uint32_t maxParallel{0};
    /// Further sbatch options, each one argument (e.g. --constraint=ib).
    std::vector<std::string> options;
};

/**
 * \ingroup fabric-experiment
 * \brief One run of a sweep: the base scenario with some keys set.
 */
struct SweepRun
{
    /// Position in the sweep (the Slurm array index).
    uint32_t index{0};
    /// Stable name: a hash of what the run sets, so it survives adding values to an axis.
    std::string id;
    uint32_t repetition{0};
    /// The seed the run uses (the scenario's, or derived for repetitions after the first).
    uint32_t seed{0};
    /// The value of each axis (Sweep::axes), as YAML text.
    std::vector<std::string> values;
    /// `nsfab run --set` arguments: the sweep's fixed keys, the axes' values, the seed.
    std::vector<std::string> assignments;
};

/**
 * \ingroup fabric-experiment
 * \brief A sweep file, read and expanded into runs (docs/hpc.md). Every run's scenario has been
 *        checked.
 */
struct Sweep
{
    std::string file;
    std::string name;
    /// The base scenario, absolute.
    std::string scenario;
    /// Plugin libraries every run loads (absolute where the file names an existing file).
    std::vector<std::string> plugins;
    /// Scenario keys varied: the cartesian axes in the order written, then the zipped ones.
    std::vector<std::string> axes;
    SlurmResources slurm;
    std::vector<SweepRun> runs;
};

/**
 * \brief Read a sweep file, expand it into runs and check each run's scenario.
 * \param[out] diagnostics every problem; a problem with an axis value is located at the value
 *        in the sweep file
 */
Sweep LoadSweep(const std::string& file, std::vector<Diagnostic>& diagnostics);

/// The seed of repetition \p repetition (> 0) of a run whose scenario has seed \p seed.
uint32_t RepetitionSeed(uint32_t seed, uint32_t repetition);

/**
 * \ingroup fabric-experiment
 * \brief The folder a sweep runs in: `sweep.json` (the runs), `runs/<id>/` (each run's results
 *        folder, present only once finished), `logs/<id>.log` and `logs/<id>.status` (the last
 *        attempt's output and exit status).
 */
class SweepFolder
{
  public:
    /// The file listing a sweep's runs.
    static constexpr const char* MANIFEST = "sweep.json";

    enum RunState
    {
        FINISHED, //!< its results folder exists
        FAILED,   //!< the last attempt ended with an error or a signal
        MISSING,  //!< not run, running, or killed before it could say so
    };

    explicit SweepFolder(std::string dir);

    /**
     * \brief Prepare the folder for \p sweep and write its manifest. A folder that exists must
     *        be a sweep folder or empty.
     * \return "" or the error
     */
    std::string Create(const Sweep& sweep) const;

    /// Read the manifest into \p sweep (its runs, axes, scenario, plugins); "" or the error.
    std::string Read(Sweep& sweep) const;

    const std::string& GetDir() const
    {
        return m_dir;
    }

    std::string GetResults(const SweepRun& run) const;
    std::string GetLog(const SweepRun& run) const;
    std::string GetStatusFile(const SweepRun& run) const;

    /// \p detail, if given, says why a FAILED run failed (status and the log's last line).
    RunState GetState(const SweepRun& run, std::string* detail = nullptr) const;

    /// Record how the attempt at \p run ended (a wait() status).
    void RecordExit(const SweepRun& run, int waitStatus) const;

  private:
    std::string m_dir;
};

/**
 * \brief One CSV row per finished run: id, repetition, seed, the axes' values, then every
 *        number of its summary.json (workloads by name, fabric, run, host) under dotted names.
 * \param[out] unfinished the runs without results (failed or missing)
 */
std::string CollectSweep(const SweepFolder& folder,
                         const Sweep& sweep,
                         std::vector<const SweepRun*>& unfinished);

} // namespace ns3

#endif // SWEEP_H
