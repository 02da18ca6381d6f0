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

/// "1 GPU", "8 GPUs"; "1 switch", "2 switches".
std::string
Plural(uint64_t n, const std::string& noun)
{
    bool sibilant = noun.size() > 2 && noun.compare(noun.size() - 2, 2, "ch") == 0;
    return Thousands(n) + " " + noun + (n == 1 ? "" : sibilant ? "es" : "s");
}

/**
 * Rows of per-plane counts ("rail3 leaf" -> 1,172), one row per plane with its tiers side by
 * side; consecutive planes with the same counts share a row ("rail0..rail7, each").
 */
std::vector<std::pair<std::string, std::string>>
PlaneRows(const std::vector<std::pair<std::string, uint64_t>>& counts)
{
    std::vector<std::pair<std::string, std::string>> planes; // plane, "leaf 4, agg 32"
    for (const auto& [label, count] : counts)
    {
        std::size_t space = label.rfind(' ');
        std::string plane = label.substr(0, space);
        std::string item = label.substr(space + 1) + " " + Thousands(count);
        if (planes.empty() || planes.back().first != plane)
        {
            planes.emplace_back(plane, item);
        }
        else
        {
            planes.back().second += ", " + item;
        }
    }
    std::vector<std::pair<std::string, std::string>> rows;
    for (std::size_t i = 0; i < planes.size();)
    {
        std::size_t j = i + 1;
        while (j < planes.size() && planes[j].second == planes[i].second)
        {
            ++j;
        }
        rows.emplace_back(j - i == 1 ? planes[i].first
                                     : planes[i].first + ".." + planes[j - 1].first + ", each",
                          planes[i].second);
        i = j;
    }
    return rows;
}

/// "2.9 GiB", "11.0 MiB".
std::string
Memory(uint64_t bytes)
{
    std::ostringstream os;
    os << std::fixed << std::setprecision(1);
    if (bytes >= (1ULL << 30))
    {
        os << bytes / double(1ULL << 30) << " GiB";
    }
    else
    {
        os << bytes / double(1ULL << 20) << " MiB";
    }
    return os.str();
}

std::string
Counts(const TopologyInfo& info)
{
    return Plural(info.servers, "host") + ", " + Plural(info.gpus, "GPU") + ", " +
           Plural(info.nics, "NIC") + ", " + Plural(info.switches, "switch") + ", " +
           Plural(info.links, "link");
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
    for (const auto& p : graph.hostProfiles)
    {
        hostKinds += (hostKinds.empty() ? " (" : ", ") + p->name + ": " + Plural(p->gpus, "GPU") +
                     ", " + Plural(p->nics, "NIC");
    }
    row("hosts", Thousands(info.servers) + hostKinds + (hostKinds.empty() ? "" : ")"));
    row("GPUs", Thousands(info.gpus));
    row("NICs", Thousands(info.nics));
    row("switches", Thousands(info.switches));
    for (const auto& [planes, counts] : PlaneRows(info.switchesByTier))
    {
        row("  " + planes, counts);
    }
    row("links", Thousands(info.links));
    for (const auto& [planes, counts] : PlaneRows(info.linksByTier))
    {
        row("  " + planes, counts);
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
    uint32_t diameter = GetDiameter(graph);
    row("diameter",
        std::to_string(diameter) + " links host to host (" + Plural(diameter - 1, "switch") + ")");
    row("routing",
        graph.algorithmic ? "algorithmic fat-tree (O(ports) per switch)"
                          : "tables per destination leaf (shortest paths)");
    row("memory when built", Memory(info.memoryBytes) + " (estimate)");
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
    std::cerr << "nsfab: wrote " << out << " from " << in << " (" << chosen->GetFormatName()
              << "): " << Counts(SummarizeTopology(graph)) << "\n";
    return 0;
}

} // namespace nsfab
