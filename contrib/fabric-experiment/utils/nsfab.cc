/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// nsfab: runs ns3-fabric scenarios.

#include "ns3/fabric-simulator.h"
#include "ns3/results-writer.h"
#include "ns3/scenario-runner.h"
#include "ns3/scenario.h"

#include <CLI/CLI.hpp>
#include <dlfcn.h>
#include <filesystem>
#include <iostream>

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

int
Run(const std::string& file, std::string out, bool force)
{
    std::vector<Diagnostic> diagnostics;
    Scenario scenario = LoadScenario(file, diagnostics);
    if (!diagnostics.empty())
    {
        for (const auto& d : diagnostics)
        {
            std::cerr << d.Format() << "\n";
        }
        std::cerr << "nsfab: " << diagnostics.size() << " problem"
                  << (diagnostics.size() == 1 ? "" : "s") << " in " << file
                  << "; nothing was run\n";
        return EXIT_INPUT_ERROR;
    }
    if (out.empty())
    {
        out = !scenario.output.empty() ? scenario.output
                                       : "results/" + std::filesystem::path(file).stem().string();
    }
    ResultsFolder folder;
    std::string error = folder.Open(out, force);
    std::string pcapDir = folder.GetStagingPath() + "/pcap";
    if (error.empty() && !scenario.pcap.empty())
    {
        std::error_code ec;
        std::filesystem::create_directory(pcapDir, ec);
        error = ec ? "cannot create " + pcapDir + ": " + ec.message() : "";
    }
    if (!error.empty())
    {
        std::cerr << "nsfab: " << error << "\n";
        return EXIT_INPUT_ERROR;
    }
    RunResult result = RunScenario(scenario, pcapDir);
    std::string summary =
        SummaryJson(scenario, result).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    error = folder.WriteFile("summary.json", summary + "\n");
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
    fabric::SetupSimulator();

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
    std::vector<std::string> plugins;
    run->add_option("--plugin",
                    plugins,
                    "Load a shared library of plugins (congestion controls, ...) before reading "
                    "the scenario, so that it can name their TypeIds; repeatable")
        ->type_name("PATH")
        ->allow_extra_args(false);

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
        return Run(file, out, force);
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
