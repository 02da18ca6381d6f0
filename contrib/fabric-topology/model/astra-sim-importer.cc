/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "importer-util.h"
#include "topology-importer.h"

#include "ns3/fabric-units.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace ns3
{

/**
 * \ingroup fabric-topology
 * \brief Imports ASTRA-sim analytical network configurations.
 *
 * The format (the YAML files in ASTRA-sim's examples/network/analytical, read by
 * astra-network-analytical's NetworkParser): per network dimension, innermost first, `topology:
 * [Ring, FullyConnected, Switch]`, `npus_count: [..]`, `bandwidth: [..]` in GB/s per link and
 * `latency: [..]` in ns per link. NPU i has coordinate (i mod n0, (i / n0) mod n1, ...); the NPUs
 * that differ only in dimension d form one group of that dimension.
 *
 * Every NPU becomes a host "npu<i>" with one GPU and one NIC per dimension (NIC d faces
 * dimension d). Every group becomes one switch "dim<d>-sw<g>" with a link to each member:
 * hosts reach each other only through switches here, so Ring and FullyConnected groups are
 * switched too. The mapping keeps what each NPU can send and the one-hop latency of the
 * source: a Switch dimension's link runs at the dimension's bandwidth with its latency (as
 * ASTRA-sim's switch links do); a Ring NPU has two neighbours, so its switch link runs at twice
 * the bandwidth (once for a ring of two), and a FullyConnected NPU's at n-1 times it; both take
 * half the latency per link, so a neighbour is the source's one latency away. What is lost is the
 * ring's multi-hop routing: non-neighbours are one switch away, not several NPU hops.
 * ASTRA-sim forwards between dimensions through NPUs, which hosts here do not: at each NPU's
 * place a switch-to-switch link (zero delay, the slower of the two rates) joins its switch of
 * dimension d to its switch of dimension d+1, so traffic can cross dimensions in order as in
 * ASTRA-sim, without the NPU's own NICs carrying it.
 */
class AstraSimImporter : public TopologyImporter
{
  public:
    static TypeId GetTypeId();

    std::string GetFormatName() const override
    {
        return "astra-sim";
    }

    std::string GetDescription() const override
    {
        return "ASTRA-sim analytical network config (YAML): topology, npus_count, bandwidth "
               "(GB/s), latency (ns) per dimension";
    }

    bool Detect(const std::string& path, const std::string& text) const override;
    bool Import(const std::string& path,
                const std::string& text,
                const ImportOptions& options,
                ImportResult& result,
                std::vector<Diagnostic>& diagnostics) const override;
};

NS_OBJECT_ENSURE_REGISTERED(AstraSimImporter);

TypeId
AstraSimImporter::GetTypeId()
{
    static TypeId tid = TypeId("ns3::AstraSimImporter")
                            .SetParent<TopologyImporter>()
                            .SetGroupName("FabricTopology")
                            .AddConstructor<AstraSimImporter>();
    return tid;
}

namespace
{
/// NPUs beyond this are surely a typo, and would exhaust memory.
constexpr uint64_t MAX_NPUS = 10000000;

enum class Block : uint8_t
{
    RING,
    FULLY_CONNECTED,
    SWITCH,
};

std::string
SwitchName(std::size_t dimension, uint64_t group)
{
    return "dim" + std::to_string(dimension) + "-sw" + std::to_string(group);
}

/// The group of dimension d (with step \p stride and \p size NPUs) that NPU \p npu is in.
uint64_t
GroupOf(uint64_t npu, uint64_t stride, uint64_t size)
{
    return npu / (stride * size) * stride + npu % stride;
}

/// The numbers of the list at root[key] (all > 0; integers when \p whole), or nothing.
std::optional<std::vector<double>>
ReadList(YamlReader& reader, const YAML::Node& root, const char* key, bool whole)
{
    const YAML::Node list = root[key];
    if (!list || !list.IsSequence() || list.size() == 0)
    {
        reader.Error(list ? list : root, key, "expected a list with a value per dimension");
        return std::nullopt;
    }
    std::vector<double> values;
    for (std::size_t i = 0; i < list.size(); ++i)
    {
        const YAML::Node item = list[i];
        char* end = nullptr;
        double value = item.IsScalar() ? std::strtod(item.Scalar().c_str(), &end) : 0;
        if (!item.IsScalar() || *end != '\0' || !(value > 0) ||
            (whole && value != std::floor(value)))
        {
            reader.Error(item,
                         std::string(key) + "[" + std::to_string(i) + "]",
                         whole ? "expected a positive integer" : "expected a positive number");
            return std::nullopt;
        }
        values.push_back(value);
    }
    return values;
}
} // namespace

bool
AstraSimImporter::Detect(const std::string& path, const std::string& text) const
{
    std::optional<YAML::Node> root = LoadYamlQuietly(text);
    return root && root->IsMap() && (*root)["topology"] && (*root)["topology"].IsSequence() &&
           (*root)["npus_count"];
}

bool
AstraSimImporter::Import(const std::string& path,
                         const std::string& text,
                         const ImportOptions& options,
                         ImportResult& result,
                         std::vector<Diagnostic>& diagnostics) const
{
    return GuardImport(path, diagnostics, [&]() {
        YamlReader reader(path, diagnostics);
        std::optional<YAML::Node> parsed = reader.Parse(text);
        if (!parsed)
        {
            return false;
        }
        const YAML::Node root = *parsed;
        if (!root.IsMap() || !reader.Require(root, "topology", ""))
        {
            reader.Error(root, "", "expected a map with topology, npus_count, bandwidth, latency");
            return false;
        }
        const YAML::Node names = root["topology"];
        std::vector<Block> blocks;
        for (std::size_t i = 0; names.IsSequence() && i < names.size(); ++i)
        {
            std::string name = names[i].IsScalar() ? names[i].Scalar() : "";
            if (name != "Ring" && name != "FullyConnected" && name != "Switch")
            {
                reader.Error(names[i],
                             "topology[" + std::to_string(i) + "]",
                             "expected Ring, FullyConnected or Switch, not '" + name + "'");
                return false;
            }
            blocks.push_back(name == "Ring"             ? Block::RING
                             : name == "FullyConnected" ? Block::FULLY_CONNECTED
                                                        : Block::SWITCH);
        }
        auto npus = ReadList(reader, root, "npus_count", true);
        auto bandwidth = ReadList(reader, root, "bandwidth", false);
        auto latency = ReadList(reader, root, "latency", false);
        if (!names.IsSequence() || !npus || !bandwidth || !latency)
        {
            if (!names.IsSequence())
            {
                reader.Error(names, "topology", "expected a list with a block per dimension");
            }
            return false;
        }
        std::size_t dims = blocks.size();
        if (npus->size() != dims || bandwidth->size() != dims || latency->size() != dims)
        {
            reader.Error(root,
                         "",
                         "topology, npus_count, bandwidth and latency need one value per "
                         "dimension each");
            return false;
        }
        uint64_t total = 1;
        for (double count : *npus)
        {
            total *= static_cast<uint64_t>(count);
            if (total > MAX_NPUS)
            {
                reader.Error(root["npus_count"], "npus_count", "more than 10000000 NPUs");
                return false;
            }
        }
        std::vector<std::string> ignored;
        for (const auto& entry : root)
        {
            std::string key = entry.first.Scalar();
            if (key != "topology" && key != "npus_count" && key != "bandwidth" && key != "latency")
            {
                ignored.push_back(key);
            }
        }

        ImportBuilder builder(path, options, diagnostics);
        ImportBuilder::HostShape npu;
        npu.name = "npu";
        npu.gpus = 1;
        uint32_t shape = builder.AddShape(npu);
        for (uint64_t i = 0; i < total; ++i)
        {
            builder.AddHost("npu" + std::to_string(i),
                            SourceMark{0, 0, "npu" + std::to_string(i)},
                            shape);
        }
        // Per dimension: its size, the id distance of one step in it, and its link rate.
        std::vector<uint64_t> sizes;
        std::vector<uint64_t> strides;
        std::vector<uint64_t> rates;
        for (std::size_t d = 0; d < dims; ++d)
        {
            uint64_t size = static_cast<uint64_t>((*npus)[d]);
            strides.push_back(d == 0 ? 1 : strides[d - 1] * sizes[d - 1]);
            sizes.push_back(size);
            uint64_t peers = blocks[d] == Block::SWITCH            ? 1
                             : blocks[d] == Block::FULLY_CONNECTED ? std::max<uint64_t>(size - 1, 1)
                             : size > 2                            ? 2
                                                                   : 1;
            auto perLink = static_cast<uint64_t>(std::llround((*bandwidth)[d] * 8e9));
            rates.push_back(perLink * peers);
            auto hop = static_cast<int64_t>(std::llround((*latency)[d] * 1000)); // ps
            Time delay = PicoSeconds(blocks[d] == Block::SWITCH ? hop : hop / 2);
            SourceMark mark = MarkOf(names[d], "topology[" + std::to_string(d) + "]");
            for (uint64_t g = 0; g < total / size; ++g)
            {
                // Group g: the NPUs whose coordinates other than d spell g.
                uint64_t base = (g / strides[d]) * strides[d] * size + g % strides[d];
                std::string sw = SwitchName(d, g);
                builder.AddSwitch(sw, mark);
                for (uint64_t k = 0; k < size; ++k)
                {
                    std::string host = "npu" + std::to_string(base + k * strides[d]);
                    builder.AddLink(host + ":" + std::to_string(d), sw, rates[d], delay, mark);
                }
            }
            if (blocks[d] != Block::SWITCH && size > 1)
            {
                builder.Note("dimension " + std::to_string(d) + " (" + names[d].Scalar() +
                             ") is switched: one switch per group, each NPU's link at " +
                             std::to_string(peers) + " x " + fabric::FormatDataRate(perLink) +
                             " and half the latency, so neighbours keep their bandwidth and "
                             "latency");
            }
        }
        // ASTRA-sim routes dimension by dimension through NPUs; hosts do not forward here, so
        // at each NPU a cable joins its switch of dimension d to its switch of dimension d+1.
        for (std::size_t d = 0; d + 1 < dims; ++d)
        {
            SourceMark mark = MarkOf(names[d + 1], "topology[" + std::to_string(d + 1) + "]");
            for (uint64_t n = 0; n < total; ++n)
            {
                builder.AddLink(SwitchName(d, GroupOf(n, strides[d], sizes[d])),
                                SwitchName(d + 1, GroupOf(n, strides[d + 1], sizes[d + 1])),
                                std::min(rates[d], rates[d + 1]),
                                Time(),
                                mark);
            }
        }
        if (dims > 1)
        {
            builder.Note("between dimensions, each NPU's place has a switch-to-switch link "
                         "(zero delay, the slower dimension's rate) standing in for ASTRA-sim's "
                         "forwarding through NPUs");
        }
        if (!ignored.empty())
        {
            std::string list;
            for (const auto& key : ignored)
            {
                list += (list.empty() ? "" : ", ") + key;
            }
            builder.Note("ignored keys: " + list);
        }
        return builder.Finish(FileStem(path), result);
    });
}

} // namespace ns3
