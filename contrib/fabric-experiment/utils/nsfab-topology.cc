/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "nsfab-topology.h"

#include "ns3/fabric-units.h"
#include "ns3/graph-export.h"
#include "ns3/results-writer.h"
#include "ns3/topology-reader.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

using namespace ns3;

namespace nsfab
{

namespace
{
constexpr int EXIT_INPUT_ERROR = 1;

/// Print \p diagnostics and how many there were.
int
Report(const std::vector<Diagnostic>& diagnostics, const std::string& file, const char* outcome)
{
    for (const auto& d : diagnostics)
    {
        std::cerr << d.Format() << "\n";
    }
    std::cerr << "nsfab: " << diagnostics.size() << " problem"
              << (diagnostics.size() == 1 ? "" : "s") << " in " << file << "; " << outcome << "\n";
    return EXIT_INPUT_ERROR;
}

/// 1234567 -> "1,234,567"
std::string
Thousands(uint64_t n)
{
    std::string digits = std::to_string(n);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
    {
        digits.insert(static_cast<std::size_t>(i), ",");
    }
    return digits;
}

std::string
Bandwidth(double bps)
{
    std::ostringstream os;
    os << std::fixed << std::setprecision(bps >= 1e15 ? 2 : 1);
    if (bps >= 1e15)
    {
        os << bps / 1e15 << " Pb/s";
    }
    else
    {
        os << bps / 1e12 << " Tb/s";
    }
    return os.str();
}

std::string
Counts(const TopologyInfo& info)
{
    return Thousands(info.servers) + " hosts, " + Thousands(info.gpus) + " GPUs, " +
           Thousands(info.nics) + " NICs, " + Thousands(info.switches) + " switches, " +
           Thousands(info.links) + " links";
}
} // namespace

int
Validate(const std::string& file)
{
    std::vector<Diagnostic> diagnostics;
    auto loaded = LoadTopologyFile(file, diagnostics);
    if (!loaded)
    {
        return Report(diagnostics, file, "nothing was built");
    }
    std::cout << file << ": ok: " << Counts(SummarizeTopology(loaded->second)) << "\n";
    return 0;
}

int
Info(const std::string& file)
{
    std::vector<Diagnostic> diagnostics;
    auto loaded = LoadTopologyFile(file, diagnostics);
    if (!loaded)
    {
        return Report(diagnostics, file, "nothing was built");
    }
    const FabricGraph& graph = loaded->second;
    TopologyInfo info = SummarizeTopology(graph);
    std::ostringstream os;
    os << "topology: " << (graph.name.empty() ? file : graph.name) << "\n";
    auto row = [&os](const std::string& label, const std::string& value) {
        os << "  " << std::left << std::setw(26) << label << value << "\n";
    };
    std::string hostKinds;
    for (const HostProfile* p : graph.hostProfiles)
    {
        hostKinds += (hostKinds.empty() ? " (" : ", ") + p->name + ": " + std::to_string(p->gpus) +
                     " GPUs, " + std::to_string(p->nics) + " NICs";
    }
    row("hosts", Thousands(info.servers) + hostKinds + (hostKinds.empty() ? "" : ")"));
    row("GPUs", Thousands(info.gpus));
    row("NICs", Thousands(info.nics));
    row("switches", Thousands(info.switches));
    for (const auto& [tier, count] : info.switchesByTier)
    {
        row("  " + tier, Thousands(count));
    }
    row("links", Thousands(info.links));
    for (const auto& [tier, count] : info.linksByTier)
    {
        row("  " + tier, Thousands(count));
    }
    row("ports", Thousands(info.ports) + " (NICs and switch ports)");
    row("bisection bandwidth",
        graph.algorithmic ? Bandwidth(info.bisectionBps) + " (all planes)"
                          : std::string("not computed for explicit links"));
    if (graph.algorithmic)
    {
        std::ostringstream ratio;
        ratio << info.oversubscription << ":1"
              << (info.oversubscription == 1 ? " (non-blocking)" : "");
        row("oversubscription", ratio.str());
    }
    row("diameter",
        std::to_string(info.diameter) + " links host to host (" +
            std::to_string(info.diameter - 1) + " switches)");
    row("routing",
        graph.algorithmic ? "algorithmic fat-tree (O(ports) per switch)"
                          : "tables per destination leaf (shortest paths)");
    std::ostringstream memory;
    memory << std::fixed << std::setprecision(2) << info.memoryBytes / double(1ULL << 30)
           << " GiB (estimate)";
    row("memory when built", memory.str());
    std::cout << os.str();
    return 0;
}

int
Export(const std::string& file, const std::string& format, const std::string& out, bool force)
{
    std::vector<Diagnostic> diagnostics;
    auto loaded = LoadTopologyFile(file, diagnostics);
    if (!loaded)
    {
        return Report(diagnostics, file, "nothing was exported");
    }
    const FabricGraph& graph = loaded->second;
    std::string text;
    if (format == "yaml")
    {
        text = WriteTopologyYaml(graph, {"expanded from " + file + " by nsfab export"});
    }
    else if (format == "graphml")
    {
        text = WriteGraphml(graph);
    }
    else
    {
        constexpr std::size_t DOT_LIMIT = 10000; // Graphviz lays out no more in useful time
        if (graph.nodes.size() > DOT_LIMIT)
        {
            std::cerr << "nsfab: " << file << " has " << Thousands(graph.nodes.size())
                      << " nodes; a Graphviz drawing is for at most " << Thousands(DOT_LIMIT)
                      << " (export graphml instead)\n";
            return EXIT_INPUT_ERROR;
        }
        text = WriteDot(graph);
    }
    if (out.empty())
    {
        std::cout << text;
        return 0;
    }
    std::string error = WriteFileAtomically(out, text, force);
    if (!error.empty())
    {
        std::cerr << "nsfab: " << error << "\n";
        return EXIT_INPUT_ERROR;
    }
    return 0;
}

int
Import(const std::string& format,
       const std::string& in,
       const std::string& out,
       bool force,
       const ImportOptions& options)
{
    std::ifstream stream(in, std::ios::binary);
    if (!stream)
    {
        std::cerr << "nsfab: cannot open " << in << "\n";
        return EXIT_INPUT_ERROR;
    }
    std::stringstream buffer;
    buffer << stream.rdbuf();
    std::string text = buffer.str();

    std::vector<Ptr<TopologyImporter>> importers = TopologyImporter::GetAll();
    std::string names;
    for (const auto& importer : importers)
    {
        names += (names.empty() ? "" : ", ") + importer->GetFormatName();
    }
    Ptr<TopologyImporter> chosen;
    for (const auto& importer : importers)
    {
        if (format.empty() ? importer->Detect(in, text) : importer->GetFormatName() == format)
        {
            chosen = importer;
            break;
        }
    }
    if (!chosen)
    {
        std::cerr << "nsfab: "
                  << (format.empty() ? "cannot tell the format of " + in + "; give --from"
                                     : "unknown format '" + format + "'")
                  << " (formats: " << names << ")\n";
        return EXIT_INPUT_ERROR;
    }
    std::vector<Diagnostic> diagnostics;
    ImportResult result;
    if (!chosen->Import(in, text, options, result, diagnostics))
    {
        return Report(diagnostics, in, "nothing was written");
    }
    result.topology.file = in;
    FabricGraph graph = ExpandTopology(result.topology, diagnostics);
    if (!diagnostics.empty())
    {
        return Report(diagnostics, in, "nothing was written");
    }
    std::vector<std::string> comments{"imported from " + in + " (" + chosen->GetFormatName() +
                                      ") by nsfab import"};
    for (const auto& note : result.notes)
    {
        std::cerr << "nsfab: note: " << note << "\n";
        comments.push_back("note: " + note);
    }
    std::string yaml = WriteTopologyYaml(graph, comments);
    if (out.empty())
    {
        std::cout << yaml;
        return 0;
    }
    std::string error = WriteFileAtomically(out, yaml, force);
    if (!error.empty())
    {
        std::cerr << "nsfab: " << error << "\n";
        return EXIT_INPUT_ERROR;
    }
    std::cerr << "nsfab: wrote " << out << ": " << Counts(SummarizeTopology(graph)) << "\n";
    return 0;
}

} // namespace nsfab
