/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// nsfab: runs ns3-fabric scenarios.

#include "nsfab-sweep.h"
#include "nsfab-topology.h"

#include "ns3/fabric-simulator-impl.h"
#include "ns3/fabric-simulator.h"
#include "ns3/fabric-units.h"
#include "ns3/results-writer.h"
#include "ns3/scenario-runner.h"
#include "ns3/scenario.h"
#include "ns3/simulator.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <unistd.h>

#ifdef NS3_MPI
#include "ns3/mpi-interface.h"
#endif

using namespace ns3;

namespace
{
constexpr int EXIT_INPUT_ERROR = 1;

/**
 * Load a plugin library so that its TypeIds (registered by its static initialisers) can be named
 * in the scenario. It stays loaded until the process ends. Returns false after reporting why not.
 */
bool
LoadPlugin(const std::string& path)
{
    // dlopen searches the library path for a bare name; a file in the working directory is meant.
    std::error_code ec;
    std::string file = path.find('/') == std::string::npos && std::filesystem::exists(path, ec)
                           ? "./" + path
                           : path;
    if (!dlopen(file.c_str(), RTLD_NOW | RTLD_GLOBAL))
    {
        std::cerr << "nsfab: cannot load plugin " << path << ": " << dlerror() << "\n";
        return false;
    }
    return true;
}

/// Why the scenario cannot run over \p processes MPI processes (more than one), or "".
std::string
CheckDistributable(const Scenario& scenario, uint32_t processes)
{
    if (scenario.partitionParts != 0 && scenario.partitionParts != processes)
    {
        return "its partition is for " + std::to_string(scenario.partitionParts) + " MPI process" +
               (scenario.partitionParts == 1 ? "" : "es") + ", not " + std::to_string(processes) +
               "; run it with mpirun -np " + std::to_string(scenario.partitionParts) +
               " (or with one process)";
    }
    auto notYet = [](const std::string& what) {
        return what + ", which a run over several MPI processes does not do yet; run it with one";
    };
    for (const auto& w : scenario.workloads)
    {
        if (w.after != WorkloadInfo::NONE)
        {
            return notYet("workload '" + w.name + "' follows another (after)");
        }
    }
    for (const auto& c : scenario.collectives)
    {
        if (c.after != CollectiveSpec::NONE)
        {
            return notYet("workload '" + scenario.workloads[c.workload].name +
                          "' runs collectives back to back (several sizes or iterations)");
        }
    }
    return "";
}

int
Run(const std::string& file,
    std::string out,
    bool force,
    bool quiet,
    const std::vector<std::string>& overrides)
{
    // Over MPI every process reads the scenario and runs its part; rank 0 reports problems and
    // writes the results, and all stop if it found a problem.
    Ptr<FabricSimulatorImpl> engine =
        DynamicCast<FabricSimulatorImpl>(Simulator::GetImplementation());
    uint32_t processes = engine ? engine->GetSize() : 1;
    bool first = Simulator::GetSystemId() == 0;
    std::vector<Diagnostic> diagnostics;
    Scenario scenario = LoadScenario(file, diagnostics, overrides);
    std::string error;
    if (diagnostics.empty() && processes > 1)
    {
        error = CheckDistributable(scenario, processes);
        error = error.empty() ? "" : file + ": " + error;
    }
    if (first && !diagnostics.empty())
    {
        for (const auto& d : diagnostics)
        {
            std::cerr << d.Format() << "\n";
        }
        std::cerr << "nsfab: " << diagnostics.size() << " problem"
                  << (diagnostics.size() == 1 ? "" : "s") << " in " << file
                  << "; nothing was run\n";
    }
    if (out.empty())
    {
        out = !scenario.output.empty() ? scenario.output
                                       : "results/" + std::filesystem::path(file).stem().string();
    }
    ResultsFolder folder;
    std::string pcapDir;
    if (first && diagnostics.empty() && error.empty())
    {
        error = folder.Open(out, force);
        pcapDir = folder.GetStagingPath() + "/pcap";
        if (error.empty() && !scenario.pcap.empty())
        {
            std::error_code ec;
            std::filesystem::create_directory(pcapDir, ec);
            error = ec ? "cannot create " + pcapDir + ": " + ec.message() : "";
        }
    }
    if (first && !error.empty())
    {
        std::cerr << "nsfab: " << error << "\n";
    }
    bool problem = !diagnostics.empty() || !error.empty();
    if (processes > 1 ? engine->Sum(problem) > 0 : problem)
    {
        return EXIT_INPUT_ERROR;
    }
    // Each process captures its nodes' ports into rank 0's folder.
    if (processes > 1 && !scenario.pcap.empty())
    {
        std::error_code ec;
        pcapDir = engine->Broadcast(std::filesystem::absolute(pcapDir, ec).string());
        // A file of this process's, written and removed: the folder is there, and writable.
        std::string probe = pcapDir + "/.process-" + std::to_string(Simulator::GetSystemId());
        bool writable = std::ofstream(probe).good() && std::filesystem::remove(probe, ec);
        if (!writable)
        {
            std::cerr << "nsfab: process " << Simulator::GetSystemId() << " cannot write in "
                      << pcapDir
                      << " (captures over MPI need the results folder on a file system every "
                         "process sees and can write)\n";
        }
        if (engine->Sum(!writable) > 0)
        {
            return EXIT_INPUT_ERROR;
        }
    }
    ProgressReporter progress(std::cerr,
                              quiet || !first ? ProgressReporter::QUIET
                                              : ProgressReporter::ModeFor(STDERR_FILENO));
    RunResult result = RunScenario(scenario, pcapDir, &progress);
    if (!first)
    {
        return 0;
    }
    error = WriteResults(folder, scenario, result);
    if (error.empty())
    {
        error = folder.Commit();
    }
    if (!error.empty())
    {
        std::cerr << "nsfab: " << error << "\n";
        return EXIT_INPUT_ERROR;
    }
    std::cout << SummaryText(scenario, result) << "results: " << out << "/summary.json\n";
    return 0;
}
} // namespace

int
main(int argc, char** argv)
{
#ifdef NS3_MPI
    // Started by mpirun: each process simulates a part of the fabric (FabricSimulatorImpl).
    bool mpi =
        std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE") || std::getenv("PMIX_RANK");
    if (mpi)
    {
        MpiInterface::Enable(&argc, &argv);
    }

    struct Finalize
    {
        bool mpi;

        ~Finalize()
        {
            if (mpi)
            {
                MpiInterface::Disable();
            }
        }
    } finalize{mpi};
#endif
    fabric::SetupSimulator(); // after MpiInterface::Enable, which chooses ns-3's own simulator

    CLI::App app{"nsfab: packet-level experiments on RDMA data-center fabrics (ns3-fabric)"};
    app.set_version_flag("--version", "nsfab 0.1.0");
    app.require_subcommand(1);

    std::string file = "scenarios/default.yaml";
    std::string out;
    bool force = false;
    CLI::App* run = app.add_subcommand("run", "Run a scenario and write its results folder");
    run->add_option("scenario", file, "Scenario YAML file (default: scenarios/default.yaml)");
    run->add_option("--out,-o",
                    out,
                    "Results folder (default: the scenario's output, or "
                    "results/<scenario file stem>)");
    run->add_flag("--force,-f", force, "Replace the results folder if it exists");
    bool quiet = false;
    run->add_flag("--quiet,-q", quiet, "No progress on standard error");
    std::vector<std::string> overrides;
    run->add_option("--set",
                    overrides,
                    "Set a scenario key before the file is checked, e.g. --set seed=7 or --set "
                    "workloads[0].size=1MiB (a YAML value); repeatable")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
    std::vector<std::string> plugins;
    run->add_option("--plugin",
                    plugins,
                    "Load a shared library of plugins (congestion controls, ...) before reading "
                    "the scenario, so that it can name their TypeIds; repeatable")
        ->type_name("PATH")
        ->allow_extra_args(false);

    std::string sweepFile;
    nsfab::SweepOptions sweepOptions;
    sweepOptions.jobs = std::max(1U, std::thread::hardware_concurrency());
    CLI::App* sweep = app.add_subcommand(
        "sweep",
        "Run a sweep: a scenario over axes of values and repetitions, here (--backend local) or "
        "as a Slurm job array (--backend slurm); finished runs are skipped");
    sweep->add_option("sweep", sweepFile, "Sweep YAML file")->required();
    sweep->add_option("--out,-o",
                      sweepOptions.out,
                      "Sweep folder (default: results/<sweep file stem>)");
    sweep->add_option("--backend", sweepOptions.backend, "local (default) or slurm")
        ->check(CLI::IsMember({"local", "slurm"}));
    sweep
        ->add_option("--jobs,-j", sweepOptions.jobs, "Runs at once, local backend (default: cores)")
        ->check(CLI::Range(1U, 4096U));
    sweep->add_flag("--dry-run",
                    sweepOptions.dryRun,
                    "Slurm backend: write the sbatch script without submitting it");
    SlurmResources& slurm = sweepOptions.slurm;
    slurm.cpusPerTask = 0; // 0: not given here
    sweep->add_option("--partition", slurm.partition, "Slurm partition");
    sweep->add_option("--time", slurm.time, "Slurm time limit per run, e.g. 01:00:00");
    sweep->add_option("--mem", slurm.mem, "Slurm memory per run, e.g. 8G");
    sweep->add_option("--account", slurm.account, "Slurm account");
    sweep->add_option("--qos", slurm.qos, "Slurm quality of service");
    sweep->add_option("--cpus-per-task", slurm.cpusPerTask, "Slurm CPUs per run (default 1)")
        ->check(CLI::Range(1U, 4096U));
    sweep
        ->add_option("--max-parallel",
                     slurm.maxParallel,
                     "At most this many array tasks at once (sbatch --array=...%N)")
        ->check(CLI::Range(1U, 1000000U));
    sweep
        ->add_option("--sbatch-option",
                     slurm.options,
                     "A further sbatch option, e.g. --sbatch-option=--constraint=ib; repeatable")
        ->allow_extra_args(false);

    std::string sweepDir;
    uint32_t taskIndex = 0;
    CLI::App* task = app.add_subcommand(
        "sweep-task",
        "Run one run of a sweep folder and record how it ended (each Slurm array task does)");
    task->add_option("folder", sweepDir, "Sweep folder")->required();
    task->add_option("index", taskIndex, "The run's index (SLURM_ARRAY_TASK_ID)")->required();

    CLI::App* collect = app.add_subcommand(
        "collect",
        "Gather a sweep's finished runs into one CSV (axes and summary metrics); list the "
        "failed and missing ones");
    collect->add_option("folder", sweepDir, "Sweep folder")->required();
    collect->add_option("--out,-o", out, "CSV file (default: <folder>/results.csv)");
    collect->add_flag("--force,-f", force, "Replace the CSV file if it exists");

    std::string topologyFile;
    CLI::App* validate =
        app.add_subcommand("validate", "Check a topology file: every problem, or ok and counts");
    validate->add_option("topology", topologyFile, "Topology YAML file")->required();
    CLI::App* info = app.add_subcommand(
        "info",
        "Describe a topology: counts per plane and tier, bisection bandwidth, oversubscription, "
        "diameter and the memory the built model takes");
    info->add_option("topology", topologyFile, "Topology YAML file")->required();

    std::string format;
    CLI::App* exporter = app.add_subcommand(
        "export",
        "Write a topology expanded: canonical YAML (reads back the same), Graphviz or GraphML");
    exporter->add_option("topology", topologyFile, "Topology YAML file")->required();
    exporter->add_option("--to", format, "yaml, dot or graphml")
        ->required()
        ->check(CLI::IsMember({"yaml", "dot", "graphml"}));
    exporter->add_option("--out,-o", out, "Output file (default: standard output)");
    exporter->add_flag("--force,-f", force, "Replace the output file if it exists");

    std::string importFormats;
    for (const auto& importer : TopologyImporter::GetAll())
    {
        importFormats += "\n  " + importer->GetFormatName() + ": " + importer->GetDescription();
    }
    CLI::App* importer = app.add_subcommand(
        "import",
        "Convert another tool's topology file into an nsfab topology. Formats:" + importFormats);
    std::string importFile;
    std::string rate;
    std::string delay;
    importer->add_option("input", importFile, "The file to import")->required();
    importer->add_option("--from", format, "The input's format (default: detected)");
    importer->add_option("--out,-o", out, "Output topology YAML (default: standard output)");
    importer->add_flag("--force,-f", force, "Replace the output file if it exists");
    importer->add_option("--rate", rate, "Link rate where the file gives none (default 800Gbps)");
    importer->add_option("--delay",
                         delay,
                         "Link delay where the file gives none (default 10ns: 2 m of fiber)");

    try
    {
        app.parse(argc, argv);
    }
    catch (const CLI::ParseError& e)
    {
        return app.exit(e);
    }
    try
    {
        for (const auto& plugin : plugins)
        {
            if (!LoadPlugin(plugin))
            {
                return EXIT_INPUT_ERROR;
            }
        }
        if (*sweep)
        {
            return nsfab::RunSweep(sweepFile, sweepOptions);
        }
        if (*task)
        {
            return nsfab::SweepTask(sweepDir, taskIndex);
        }
        if (*collect)
        {
            return nsfab::Collect(sweepDir, out, force);
        }
        if (*validate)
        {
            return nsfab::Validate(topologyFile);
        }
        if (*info)
        {
            return nsfab::Info(topologyFile);
        }
        if (*exporter)
        {
            return nsfab::Export(topologyFile, format, out, force);
        }
        if (*importer)
        {
            ImportOptions options;
            std::string error;
            if (!rate.empty())
            {
                error = fabric::ParseDataRate(rate, options.rateBps);
                options.rateGiven = true;
            }
            if (error.empty() && !delay.empty())
            {
                error = fabric::ParseTime(delay, options.delay);
                options.delayGiven = true;
            }
            if (!error.empty())
            {
                std::cerr << "nsfab: " << error << "\n";
                return EXIT_INPUT_ERROR;
            }
            return nsfab::Import(format, importFile, out, force, options);
        }
        return Run(file, out, force, quiet, overrides);
    }
    catch (const std::bad_alloc&)
    {
        std::cerr << "nsfab: out of memory building or running the model\n";
    }
    catch (const std::exception& e)
    {
        std::cerr << "nsfab: " << e.what() << "\n";
    }
    return EXIT_INPUT_ERROR; // the results folder, if any, was removed unwritten
}
