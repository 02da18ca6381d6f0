/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "importer-util.h"
#include "topology-importer.h"

#include "ns3/fabric-units.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>

namespace ns3
{

/**
 * \ingroup fabric-topology
 * \brief Imports the topology.txt of the HPCC simulator and of Alibaba's SimAI.
 *
 * HPCC (alibaba-edu/High-Precision-Congestion-Control, simulation/mix/topology.txt, read by
 * third.cc): a line `node_num switch_num link_num`, then the switch_num switch ids, then
 * link_num lines `src dst rate delay error_rate` such as `0 300 100Gbps 0.001ms 0`; nodes are
 * numbered 0..node_num-1 and the ones not listed as switches are hosts.
 *
 * SimAI (aliyun/SimAI, astra-sim-alibabacloud/inputs/topo, read by its ns-3 entry.h): a line
 * `node_num gpus_per_server nvswitch_num switch_num link_num gpu_type` (newer versions add
 * ngpus_per_node), then the nvswitch_num NVSwitch ids and the switch_num switch ids (on one line
 * in SimAI's generated files), then links as above. The first line tells the two apart.
 *
 * HPCC hosts become "host<id>" (one NIC per link) and switches "sw<id>". In SimAI, each GPU has
 * a NIC and an NVLink port to its server's NVSwitch; gpus_per_server consecutive GPUs form a
 * server "server<s>", an HGX-like host whose NVLink domain stands for the NVSwitches: its
 * profile has gpus_per_server GPUs, one NIC per network link (GPU order, then file order) and
 * the GPU-NVSwitch link's rate and delay as NVLink bandwidth and latency. Error rates are not
 * modelled.
 */
class HpccImporter : public TopologyImporter
{
  public:
    static TypeId GetTypeId();

    std::string GetFormatName() const override
    {
        return "hpcc";
    }

    std::string GetDescription() const override
    {
        return "HPCC simulator topology.txt, and SimAI's variant with GPUs and NVSwitches";
    }

    bool Detect(const std::string& path, const std::string& text) const override;
    bool Import(const std::string& path,
                const std::string& text,
                const ImportOptions& options,
                ImportResult& result,
                std::vector<Diagnostic>& diagnostics) const override;
};

NS_OBJECT_ENSURE_REGISTERED(HpccImporter);

TypeId
HpccImporter::GetTypeId()
{
    static TypeId tid = TypeId("ns3::HpccImporter")
                            .SetParent<TopologyImporter>()
                            .SetGroupName("FabricTopology")
                            .AddConstructor<HpccImporter>();
    return tid;
}

namespace
{
/// Node ids beyond this are surely a typo, and would exhaust memory.
constexpr uint64_t MAX_NODES = 10000000;

struct Token
{
    std::string text;
    int line;
    int column;
};

/// The whitespace-separated words of \p text with their places ('#' starts a comment).
std::vector<Token>
Tokenize(const std::string& text)
{
    std::vector<Token> tokens;
    int line = 1;
    std::size_t lineStart = 0;
    for (std::size_t i = 0; i < text.size();)
    {
        char c = text[i];
        if (c == '\n')
        {
            ++line;
            lineStart = ++i;
        }
        else if (c == '#')
        {
            i = std::min(text.find('\n', i), text.size());
        }
        else if (std::isspace(static_cast<unsigned char>(c)))
        {
            ++i;
        }
        else
        {
            std::size_t end = i;
            while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
                   text[end] != '#')
            {
                ++end;
            }
            tokens.push_back(
                Token{text.substr(i, end - i), line, static_cast<int>(i - lineStart) + 1});
            i = end;
        }
    }
    return tokens;
}

bool
IsCount(const std::string& word)
{
    return !word.empty() && word.size() < 10 &&
           std::all_of(word.begin(), word.end(), [](char c) { return std::isdigit(c); });
}

/// The header's words: the first line's tokens.
std::vector<Token>
FirstLine(const std::vector<Token>& tokens)
{
    std::vector<Token> first;
    for (const auto& token : tokens)
    {
        if (token.line != tokens.front().line)
        {
            break;
        }
        first.push_back(token);
    }
    return first;
}

/// HPCC: 3 counts. SimAI: 5 counts, a GPU type and optionally a count.
bool
IsSimAi(const std::vector<Token>& header)
{
    return (header.size() == 6 || (header.size() == 7 && IsCount(header[6].text))) &&
           std::all_of(header.begin(),
                       header.begin() + 5,
                       [](const Token& t) { return IsCount(t.text); }) &&
           !IsCount(header[5].text);
}

bool
IsHpcc(const std::vector<Token>& header)
{
    return header.size() == 3 && std::all_of(header.begin(), header.end(), [](const Token& t) {
               return IsCount(t.text);
           });
}

/// One link line as read.
struct HpccLink
{
    uint32_t src;
    uint32_t dst;
    uint64_t rateBps;
    Time delay;
    double errorRate;
    SourceMark mark;
};

/// Reads the token stream, reporting problems at their tokens.
class HpccReader
{
  public:
    HpccReader(const std::string& file,
               std::vector<Token> tokens,
               std::vector<Diagnostic>& diagnostics)
        : m_file(file),
          m_tokens(std::move(tokens)),
          m_diagnostics(diagnostics)
    {
    }

    void Error(const Token& at, const std::string& message)
    {
        m_diagnostics.push_back(Diagnostic{m_file, at.line, at.column, "", message});
    }

    /// The next token as a node id below \p nodes; nothing (reported) if it is not one.
    std::optional<uint32_t> NodeId(uint64_t nodes, const char* what)
    {
        const Token* token = Next(what);
        if (!token)
        {
            return std::nullopt;
        }
        if (!IsCount(token->text) || std::stoull(token->text) >= nodes)
        {
            Error(*token,
                  std::string(what) + " '" + token->text + "' is not a node id (0 to " +
                      std::to_string(nodes - 1) + ")");
            return std::nullopt;
        }
        return static_cast<uint32_t>(std::stoul(token->text));
    }

    /// Read \p count links of nodes below \p nodes.
    std::optional<std::vector<HpccLink>> Links(uint64_t count, uint64_t nodes)
    {
        std::vector<HpccLink> links;
        for (uint64_t i = 0; i < count; ++i)
        {
            if (m_next >= m_tokens.size())
            {
                Error(m_tokens.back(),
                      "the file ends after " + std::to_string(i) + " of " + std::to_string(count) +
                          " links");
                return std::nullopt;
            }
            const Token& first = m_tokens[m_next];
            auto src = NodeId(nodes, "link source");
            auto dst = NodeId(nodes, "link destination");
            const Token* rate = Next("link rate");
            const Token* delay = Next("link delay");
            const Token* error = Next("link error rate");
            if (!src || !dst || !rate || !delay || !error)
            {
                return std::nullopt;
            }
            if (error->line != first.line)
            {
                Error(first, "a link is one line: src dst rate delay error_rate");
                return std::nullopt;
            }
            HpccLink link{*src, *dst, 0, Time(), 0, SourceMark{first.line, first.column, ""}};
            std::string problem = fabric::ParseDataRate(rate->text, link.rateBps);
            if (!problem.empty())
            {
                Error(*rate, problem);
            }
            std::string delayProblem = fabric::ParseTime(delay->text, link.delay);
            if (!delayProblem.empty())
            {
                Error(*delay, delayProblem);
            }
            char* end = nullptr;
            link.errorRate = std::strtod(error->text.c_str(), &end);
            if (*end != '\0' || link.errorRate < 0 || link.errorRate > 1)
            {
                Error(*error, "error rate '" + error->text + "' is not a number from 0 to 1");
            }
            links.push_back(link);
        }
        if (m_next < m_tokens.size())
        {
            Error(m_tokens[m_next],
                  "more links than the " + std::to_string(count) + " the first line gives");
        }
        return links;
    }

    const Token* Next(const char* what)
    {
        if (m_next >= m_tokens.size())
        {
            Error(m_tokens.back(), std::string("the file ends before a ") + what);
            return nullptr;
        }
        return &m_tokens[m_next++];
    }

    void Skip(std::size_t count)
    {
        m_next += count;
    }

  private:
    std::string m_file;
    std::vector<Token> m_tokens;
    std::vector<Diagnostic>& m_diagnostics;
    std::size_t m_next{0};
};

void
NoteErrorRates(ImportBuilder& builder, const std::vector<HpccLink>& links)
{
    if (std::any_of(links.begin(), links.end(), [](const HpccLink& l) { return l.errorRate > 0; }))
    {
        builder.Note("link error rates are not modelled: links are lossless");
    }
}

bool
ImportHpcc(HpccReader& reader, ImportBuilder& builder, const std::vector<Token>& header)
{
    uint64_t nodes = std::stoull(header[0].text);
    uint64_t switches = std::stoull(header[1].text);
    uint64_t linkCount = std::stoull(header[2].text);
    if (nodes > MAX_NODES || switches > nodes)
    {
        reader.Error(header[0], "node_num must be at most 10000000 and at least switch_num");
        return false;
    }
    reader.Skip(3);
    std::vector<bool> isSwitch(nodes, false);
    for (uint64_t i = 0; i < switches; ++i)
    {
        auto id = reader.NodeId(nodes, "switch id");
        if (!id)
        {
            return false;
        }
        isSwitch[*id] = true;
    }
    auto links = reader.Links(linkCount, nodes);
    if (!links)
    {
        return false;
    }
    auto name = [&isSwitch](uint32_t id) {
        return (isSwitch[id] ? "sw" : "host") + std::to_string(id);
    };
    for (uint32_t id = 0; id < nodes; ++id)
    {
        SourceMark mark{header[0].line, header[0].column, name(id)};
        if (isSwitch[id])
        {
            builder.AddSwitch(name(id), mark);
        }
        else
        {
            builder.AddHost(name(id), mark);
        }
    }
    for (const auto& link : *links)
    {
        builder.AddLink(name(link.src), name(link.dst), link.rateBps, link.delay, link.mark);
    }
    NoteErrorRates(builder, *links);
    return true;
}

bool
ImportSimAi(HpccReader& reader, ImportBuilder& builder, const std::vector<Token>& header)
{
    uint64_t nodes = std::stoull(header[0].text);
    uint64_t gpusPerServer = std::stoull(header[1].text);
    uint64_t nvswitches = std::stoull(header[2].text);
    uint64_t switches = std::stoull(header[3].text);
    uint64_t linkCount = std::stoull(header[4].text);
    std::string gpuType = header[5].text;
    if (nodes > MAX_NODES || nvswitches + switches >= nodes || gpusPerServer == 0 ||
        (nodes - nvswitches - switches) % gpusPerServer != 0)
    {
        reader.Error(header[0],
                     "node_num must exceed nvswitch_num + switch_num by a multiple of "
                     "gpus_per_server");
        return false;
    }
    reader.Skip(header.size());

    enum Kind : uint8_t
    {
        GPU,
        NVSWITCH,
        SWITCH
    };

    std::vector<Kind> kind(nodes, GPU);
    for (uint64_t i = 0; i < nvswitches + switches; ++i)
    {
        auto id = reader.NodeId(nodes, i < nvswitches ? "NVSwitch id" : "switch id");
        if (!id)
        {
            return false;
        }
        kind[*id] = i < nvswitches ? NVSWITCH : SWITCH;
    }
    auto links = reader.Links(linkCount, nodes);
    if (!links)
    {
        return false;
    }
    // GPUs in id order, gpus_per_server to a server.
    std::vector<uint32_t> serverOf(nodes, 0);
    std::vector<uint32_t> localOf(nodes, 0);
    uint32_t gpus = 0;
    for (uint32_t id = 0; id < nodes; ++id)
    {
        if (kind[id] == GPU)
        {
            serverOf[id] = gpus / gpusPerServer;
            localOf[id] = gpus % gpusPerServer;
            ++gpus;
        }
    }
    uint32_t servers = gpus / gpusPerServer;
    // NVLink per server from the GPU-NVSwitch links; the NVSwitch a GPU reaches must be its
    // server's.
    std::vector<uint64_t> nvlinkBps(servers, 0);
    std::vector<Time> nvlinkLatency(servers);
    std::map<uint32_t, uint32_t> nvswitchServer;
    std::vector<const HpccLink*> network;
    for (const auto& link : *links)
    {
        bool srcGpu = kind[link.src] == GPU;
        uint32_t gpu = srcGpu ? link.src : link.dst;
        uint32_t other = srcGpu ? link.dst : link.src;
        if (kind[link.src] == NVSWITCH || kind[link.dst] == NVSWITCH)
        {
            if (kind[gpu] != GPU || kind[other] != NVSWITCH)
            {
                builder.Error(link.mark, "an NVSwitch links only to GPUs");
                continue;
            }
            auto [it, added] = nvswitchServer.emplace(other, serverOf[gpu]);
            if (it->second != serverOf[gpu])
            {
                builder.Error(link.mark,
                              "NVSwitch " + std::to_string(other) + " joins GPUs of servers " +
                                  std::to_string(it->second) + " and " +
                                  std::to_string(serverOf[gpu]) + " (" +
                                  std::to_string(gpusPerServer) + " GPUs per server)");
                continue;
            }
            nvlinkBps[serverOf[gpu]] = std::max(nvlinkBps[serverOf[gpu]], link.rateBps);
            nvlinkLatency[serverOf[gpu]] = std::max(nvlinkLatency[serverOf[gpu]], link.delay);
        }
        else
        {
            network.push_back(&link);
        }
    }
    std::string lower = gpuType;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
        return std::tolower(c);
    });
    for (uint32_t s = 0; s < servers; ++s)
    {
        ImportBuilder::HostShape shape;
        shape.name = lower + "-server";
        shape.gpus = static_cast<uint32_t>(gpusPerServer);
        shape.nvlinkBps = nvlinkBps[s];
        shape.nvlinkLatency = nvlinkLatency[s];
        builder.AddHost("server" + std::to_string(s),
                        SourceMark{header[0].line, header[0].column, "server" + std::to_string(s)},
                        builder.AddShape(shape));
    }
    for (uint32_t id = 0; id < nodes; ++id)
    {
        if (kind[id] == SWITCH)
        {
            builder.AddSwitch(
                "sw" + std::to_string(id),
                SourceMark{header[0].line, header[0].column, "sw" + std::to_string(id)});
        }
    }
    // NIC indices: GPU order within the server, then file order. A GPU's first NIC follows
    // the NICs of the server's lower GPUs.
    std::vector<uint32_t> nics(nodes, 0);
    for (const HpccLink* link : network)
    {
        for (uint32_t end : {link->src, link->dst})
        {
            nics[end] += kind[end] == GPU;
        }
    }
    std::vector<uint32_t> nextNic(nodes, 0);
    for (uint32_t id = 0, first = 0; id < nodes; ++id)
    {
        if (kind[id] == GPU)
        {
            first = localOf[id] == 0 ? 0 : first;
            nextNic[id] = first;
            first += nics[id];
        }
    }
    auto endpoint = [&](uint32_t id) {
        return kind[id] == GPU
                   ? "server" + std::to_string(serverOf[id]) + ":" + std::to_string(nextNic[id]++)
                   : "sw" + std::to_string(id);
    };
    for (const HpccLink* link : network)
    {
        std::string a = endpoint(link->src);
        builder.AddLink(a, endpoint(link->dst), link->rateBps, link->delay, link->mark);
    }
    builder.Note("SimAI " + gpuType + " topology: " + std::to_string(servers) + " servers of " +
                 std::to_string(gpusPerServer) + " GPUs; the " + std::to_string(nvswitches) +
                 " NVSwitches are the servers' NVLink domains (host profile " + lower +
                 "-server-*)");
    NoteErrorRates(builder, *links);
    return true;
}
} // namespace

bool
HpccImporter::Detect(const std::string& path, const std::string& text) const
{
    // The header is on the first line; tokenizing only the start keeps detection cheap.
    std::vector<Token> tokens = Tokenize(text.substr(0, std::min<std::size_t>(text.size(), 4096)));
    if (tokens.empty())
    {
        return false;
    }
    std::vector<Token> header = FirstLine(tokens);
    return IsHpcc(header) || IsSimAi(header);
}

bool
HpccImporter::Import(const std::string& path,
                     const std::string& text,
                     const ImportOptions& options,
                     ImportResult& result,
                     std::vector<Diagnostic>& diagnostics) const
{
    return GuardImport(path, diagnostics, [&]() {
        std::vector<Token> tokens = Tokenize(text);
        if (tokens.empty())
        {
            diagnostics.push_back(Diagnostic{path, 0, 0, "", "the file is empty"});
            return false;
        }
        std::vector<Token> header = FirstLine(tokens);
        HpccReader reader(path, tokens, diagnostics);
        ImportBuilder builder(path, options, diagnostics);
        bool read = false;
        if (IsHpcc(header))
        {
            read = ImportHpcc(reader, builder, header);
        }
        else if (IsSimAi(header))
        {
            read = ImportSimAi(reader, builder, header);
        }
        else
        {
            reader.Error(header[0],
                         "the first line is 'node_num switch_num link_num' (HPCC) or "
                         "'node_num gpus_per_server nvswitch_num switch_num link_num gpu_type' "
                         "(SimAI)");
        }
        return read && builder.Finish(FileStem(path), result);
    });
}

} // namespace ns3
