/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef NSFAB_SWEEP_H
#define NSFAB_SWEEP_H

#include "ns3/sweep.h"

#include <string>

namespace nsfab
{

/// How nsfab sweep runs a sweep.
struct SweepOptions
{
    /// The sweep folder (default: results/<sweep file stem>).
    std::string out;
    /// local or slurm.
    std::string backend{"local"};
    /// Runs at once (local backend).
    unsigned jobs{1};
    /// Slurm backend: write the sbatch script, do not submit it.
    bool dryRun{false};
    /// Slurm resources given on the command line; they win over the sweep file's.
    ns3::SlurmResources slurm;
};

/// nsfab sweep FILE: expand, check, and run (or submit) every unfinished run. Returns the exit
/// code: 0, 1 (bad input), 2 (some runs failed).
int RunSweep(const std::string& file, const SweepOptions& options);

/// nsfab sweep-task DIR INDEX: run one run of a sweep folder (what each Slurm array task does).
int SweepTask(const std::string& dir, uint32_t index);

/// nsfab collect DIR [-o CSV]: one CSV row per finished run; lists the others. Returns 0 when
/// every run has finished, 2 when some have not, 1 on an error.
int Collect(const std::string& dir, const std::string& out, bool force);

} // namespace nsfab

#endif // NSFAB_SWEEP_H
