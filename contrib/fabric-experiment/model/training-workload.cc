/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "training-workload.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(TrainingWorkload);

double
TrainingConfig::GetAttentionFlops() const
{
    double s = sequence;
    double h = double(hidden);
    return (8 * s * h * h + 4 * s * s * h) * microBatchSize / tp;
}

double
TrainingConfig::GetFfnFlops(bool moe) const
{
    double tokens = double(sequence) * microBatchSize;
    double perToken = moe ? 6.0 * double(hidden) * double(moeFfnHidden) * (topK + sharedExperts)
                          : 6.0 * double(hidden) * double(ffnHidden);
    return tokens * perToken / tp;
}

uint64_t
TrainingConfig::GetDenseParameters(uint32_t layer) const
{
    uint64_t h = hidden;
    uint64_t attention = 4 * h * h;
    uint64_t mlp =
        IsMoeLayer(layer) ? sharedExperts * 3 * h * moeFfnHidden + h * experts : 3 * h * ffnHidden;
    return (attention + mlp) / tp;
}

uint64_t
TrainingConfig::GetExpertParameters(uint32_t layer) const
{
    return IsMoeLayer(layer) ? uint64_t(experts / ep) * 3 * hidden * moeFfnHidden / tp : 0;
}

namespace
{
/// Builds one program per stage; the kinds and algorithms are the graph's.
class StepBuilder
{
  public:
    StepBuilder(const TrainingConfig& c, ExecutionGraph& g)
        : m_c(c),
          m_g(g)
    {
    }

    /// Group kinds of more than one rank, by the dimensions that vary inside them.
    void AddGroups(uint32_t ranks);
    /// Stage \p s's program; the sends' matches are set by Link.
    uint32_t AddStage(uint32_t s);
    /// Point every send to the receive it fills.
    void Link();

    /// The pipeline stage of \p rank.
    uint32_t GetStage(uint32_t rank) const
    {
        return m_pp == ExecutionGraph::NONE ? 0 : m_g.GetPositionOf(m_pp, rank);
    }

  private:
    using Deps = std::vector<uint32_t>;

    /// A collective on \p kind's group after \p deps, returned as what follows waits for
    /// (\p deps themselves when the group is the rank alone).
    Deps Collective(uint32_t kind,
                    CollectiveOp op,
                    uint64_t bytes,
                    uint32_t algorithm,
                    const Deps& deps);
    /// \p duration divided by the configuration's scale.
    uint32_t Compute(Time duration, const Deps& deps);

    /// \p bytes divided by the configuration's scale, at least one.
    uint64_t Scaled(uint64_t bytes) const
    {
        return std::max<uint64_t>(1, std::llround(double(bytes) / m_c.scale));
    }

    /// A SEND or RECV of a stage's activations or gradients to or from the stage \p offset
    /// further.
    uint32_t Message(ExecutionGraph::TaskKind kind, int64_t offset, const Deps& deps);
    /// The forward or backward of one layer after \p deps; returns what follows waits for and
    /// sets \p lastCompute to its last compute task.
    Deps Layer(uint32_t layer, bool forward, const Deps& deps, uint32_t& lastCompute);
    /// The data-parallel synchronisation of the stage's gradients as the last backward makes
    /// them (\p ready: by layer of the stage, the task after which its gradients are there).
    void Gradients(uint32_t s, const std::vector<uint32_t>& ready, const Deps& tail);

    const TrainingConfig& m_c;
    ExecutionGraph& m_g;
    uint32_t m_tp{ExecutionGraph::NONE};
    uint32_t m_pp{ExecutionGraph::NONE};
    uint32_t m_ep{ExecutionGraph::NONE};
    uint32_t m_dpKind{ExecutionGraph::NONE};
    uint32_t m_edp{ExecutionGraph::NONE};
    uint32_t m_tpAlgorithm{0};
    uint32_t m_epAlgorithm{0};
    uint32_t m_dpAlgorithm{0};
    uint32_t m_program{0};
    uint16_t m_label{0};

    /// Sends to patch: (program, task, stage of the peer, forward?, micro-batch).
    struct Send
    {
        uint32_t program;
        uint32_t task;
        uint32_t peerStage;
        bool forward;
        uint32_t microBatch;
    };

    std::vector<Send> m_sends;
    /// Receives by (stage, forward?, micro-batch): their index in the stage's program.
    std::map<std::tuple<uint32_t, bool, uint32_t>, uint32_t> m_recvs;
};

void
StepBuilder::AddGroups(uint32_t ranks)
{
    const TrainingConfig& c = m_c;
    std::array<uint32_t, 4> size{};
    size[TrainingConfig::TP] = c.tp;
    size[TrainingConfig::EP] = c.ep;
    size[TrainingConfig::DP] = c.GetDp(ranks) / c.ep;
    size[TrainingConfig::PP] = c.pp;
    // A rank's coordinates: its number split in the configured order, fastest first.
    auto coordinates = [&](uint32_t rank) {
        std::array<uint32_t, 4> at{};
        for (TrainingConfig::Dim d : c.order)
        {
            at[d] = rank % size[d];
            rank /= size[d];
        }
        return at;
    };
    // A group of a kind: the ranks whose coordinates agree outside the kind's dimensions.
    auto add = [&](const char* name, std::initializer_list<TrainingConfig::Dim> dims) {
        uint64_t members = 1;
        for (auto d : dims)
        {
            members *= size[d];
        }
        if (members < 2)
        {
            return ExecutionGraph::NONE;
        }
        std::vector<std::vector<uint32_t>> groups(ranks / members);
        std::map<std::array<uint32_t, 4>, uint32_t> index;
        for (uint32_t r = 0; r < ranks; ++r)
        {
            auto key = coordinates(r);
            for (auto d : dims)
            {
                key[d] = 0;
            }
            auto it = index.emplace(key, static_cast<uint32_t>(index.size())).first;
            groups[it->second].push_back(r);
        }
        uint32_t kind = m_g.AddGroupKind(name);
        for (const auto& members : groups)
        {
            m_g.AddGroup(kind, members);
        }
        return kind;
    };
    m_tp = add("tp", {TrainingConfig::TP});
    m_pp = add("pp", {TrainingConfig::PP});
    m_ep = add("ep", {TrainingConfig::EP});
    m_dpKind = add("dp", {TrainingConfig::EP, TrainingConfig::DP});
    if (c.experts > 0)
    {
        m_edp = add("edp", {TrainingConfig::DP});
    }
    m_tpAlgorithm = m_g.AddAlgorithm(c.tpAlgorithm.first, c.tpAlgorithm.second);
    m_epAlgorithm = m_g.AddAlgorithm(c.epAlgorithm.first, c.epAlgorithm.second);
    m_dpAlgorithm = m_g.AddAlgorithm(c.dpAlgorithm.first, c.dpAlgorithm.second);
}

StepBuilder::Deps
StepBuilder::Collective(uint32_t kind,
                        CollectiveOp op,
                        uint64_t bytes,
                        uint32_t algorithm,
                        const Deps& deps)
{
    if (kind == ExecutionGraph::NONE) // a group of one: nothing to do
    {
        return deps;
    }
    ExecutionGraph::Task t;
    t.kind = ExecutionGraph::COLLECTIVE;
    t.op = op;
    t.group = kind;
    t.bytes = Scaled(bytes);
    t.algorithm = algorithm;
    t.label = m_label;
    return {m_g.AddTask(m_program, t, deps)};
}

uint32_t
StepBuilder::Compute(Time duration, const Deps& deps)
{
    ExecutionGraph::Task t;
    t.kind = ExecutionGraph::COMPUTE;
    t.duration = duration / int64x64_t(m_c.scale);
    t.label = m_label;
    return m_g.AddTask(m_program, t, deps);
}

uint32_t
StepBuilder::Message(ExecutionGraph::TaskKind kind, int64_t offset, const Deps& deps)
{
    const TrainingConfig& c = m_c;
    ExecutionGraph::Task t;
    t.kind = kind;
    t.group = m_pp;
    t.peer = offset;
    t.bytes = Scaled(uint64_t(c.sequence) * c.microBatchSize * c.hidden * c.valueBytes / c.tp);
    t.label = m_label;
    return m_g.AddTask(m_program, t, deps);
}

StepBuilder::Deps
StepBuilder::Layer(uint32_t layer, bool forward, const Deps& deps, uint32_t& lastCompute)
{
    const TrainingConfig& c = m_c;
    double factor = forward ? 1 : c.backwardFactor;
    uint64_t tokens = uint64_t(c.sequence) * c.microBatchSize;
    // Sequence parallelism: tp gathers the whole micro-batch's activations before a block and
    // reduce-scatters them after it (Korthikanti et al., MLSys 2023).
    uint64_t activations = tokens * c.hidden * c.valueBytes;
    auto block = [&](Time compute, const Deps& after) {
        Deps gathered =
            Collective(m_tp, CollectiveOp::ALL_GATHER, activations, m_tpAlgorithm, after);
        lastCompute = Compute(compute * factor, gathered);
        return Collective(m_tp,
                          CollectiveOp::REDUCE_SCATTER,
                          activations,
                          m_tpAlgorithm,
                          {lastCompute});
    };
    auto experts = [&](const Deps& after) {
        // Each rank's tokens (its sequence shard) go to top-k experts and come back.
        uint64_t routed = tokens / c.tp * c.topK * c.hidden * c.valueBytes;
        Deps out = Collective(m_ep, CollectiveOp::ALL_TO_ALL, routed, m_epAlgorithm, after);
        lastCompute = Compute(c.moeForward * factor, out);
        return Collective(m_ep, CollectiveOp::ALL_TO_ALL, routed, m_epAlgorithm, {lastCompute});
    };
    bool moe = c.IsMoeLayer(layer);
    if (forward)
    {
        Deps attention = block(c.attentionForward, deps);
        return moe ? experts(attention) : block(c.ffnForward, attention);
    }
    Deps mlp = moe ? experts(deps) : block(c.ffnForward, deps);
    return block(c.attentionForward, mlp); // lastCompute: the layer's gradients are complete
}

uint32_t
StepBuilder::AddStage(uint32_t s)
{
    const TrainingConfig& c = m_c;
    m_program = m_g.AddProgram();
    uint32_t layersPerStage = c.layers / c.pp;
    uint32_t m = c.microBatches;
    uint32_t warmup = std::min(c.pp - s - 1, m);
    // One forward, one backward (PipeDream-Flush): warm-up forwards, then alternate, then the
    // remaining backwards.
    std::vector<std::pair<bool, uint32_t>> ops;
    for (uint32_t i = 0; i < warmup; ++i)
    {
        ops.emplace_back(true, i);
    }
    for (uint32_t i = 0; i + warmup < m; ++i)
    {
        ops.emplace_back(true, warmup + i);
        ops.emplace_back(false, i);
    }
    for (uint32_t i = m - warmup; i < m; ++i)
    {
        ops.emplace_back(false, i);
    }
    Deps tail;
    std::vector<uint32_t> ready(layersPerStage);
    for (auto [forward, mb] : ops)
    {
        m_label = m_g.AddLabel("stage" + std::to_string(s) +
                               (forward ? " forward " : " backward ") + std::to_string(mb));
        Deps deps = tail;
        // Activations come from the previous stage, gradients from the next.
        bool receives = forward ? s > 0 : s + 1 < c.pp;
        bool sends = forward ? s + 1 < c.pp : s > 0;
        if (receives)
        {
            uint32_t r = Message(ExecutionGraph::RECV, forward ? -1 : 1, {});
            m_recvs[{s, forward, mb}] = r;
            deps.push_back(r);
        }
        for (uint32_t i = 0; i < layersPerStage; ++i)
        {
            uint32_t l = forward ? i : layersPerStage - 1 - i;
            uint32_t lastCompute = 0;
            deps = Layer(s * layersPerStage + l, forward, deps, lastCompute);
            ready[l] = lastCompute;
        }
        tail = deps;
        if (sends)
        {
            uint32_t t = Message(ExecutionGraph::SEND, forward ? 1 : -1, tail);
            m_sends.push_back(Send{m_program, t, forward ? s + 1 : s - 1, forward, mb});
        }
    }
    Gradients(s, ready, tail);
    return m_program;
}

void
StepBuilder::Gradients(uint32_t s, const std::vector<uint32_t>& ready, const Deps& tail)
{
    const TrainingConfig& c = m_c;
    m_label = m_g.AddLabel("stage" + std::to_string(s) + " gradients");
    auto layersPerStage = static_cast<uint32_t>(ready.size());
    // Gradients fill buckets in the order the backward makes them, last layer first; a bucket
    // is reduced as soon as it is full, while the backward goes on (Megatron-Core's
    // overlap_grad_reduce). Embedding and output layer: first and last stage.
    uint64_t embedding = c.vocabulary * c.hidden / c.tp;

    struct Bucket
    {
        uint32_t kind;
        uint64_t bytes{0};
    };

    Bucket dense{m_dpKind}, expert{m_edp};
    if (s + 1 == c.pp)
    {
        dense.bytes += embedding * c.gradientBytes;
    }
    CollectiveOp op =
        c.distributedOptimizer ? CollectiveOp::REDUCE_SCATTER : CollectiveOp::ALL_REDUCE;
    std::vector<std::pair<uint32_t, uint64_t>> reduced; // (kind, bytes) of each bucket
    std::vector<uint32_t> syncs;
    auto flush = [&](Bucket& b, uint32_t after) {
        if (b.bytes > 0 && b.kind != ExecutionGraph::NONE)
        {
            syncs.push_back(Collective(b.kind, op, b.bytes, m_dpAlgorithm, {after}).front());
            reduced.emplace_back(b.kind, b.bytes);
        }
        b.bytes = 0;
    };
    for (uint32_t i = 0; i < layersPerStage; ++i)
    {
        uint32_t l = layersPerStage - 1 - i;
        uint32_t layer = s * layersPerStage + l;
        dense.bytes += c.GetDenseParameters(layer) * c.gradientBytes;
        expert.bytes += c.GetExpertParameters(layer) * c.gradientBytes;
        if (s == 0 && l == 0)
        {
            dense.bytes += embedding * c.gradientBytes;
        }
        for (Bucket* b : {&dense, &expert})
        {
            if (b->bytes >= c.bucketBytes || l == 0)
            {
                flush(*b, ready[l]);
            }
        }
    }
    Deps after = syncs;
    after.insert(after.end(), tail.begin(), tail.end());
    m_label = m_g.AddLabel("stage" + std::to_string(s) + " optimizer");
    uint32_t step = Compute(c.optimizer, after);
    if (c.distributedOptimizer)
    {
        // Each rank updated its shard of the parameters: gather them back, bucket by bucket.
        for (auto [kind, bytes] : reduced)
        {
            Collective(kind,
                       CollectiveOp::ALL_GATHER,
                       bytes / c.gradientBytes * c.valueBytes,
                       m_dpAlgorithm,
                       {step});
        }
    }
}

void
StepBuilder::Link()
{
    for (const Send& send : m_sends)
    {
        m_g.SetMatch(send.program,
                     send.task,
                     m_recvs.at({send.peerStage, send.forward, send.microBatch}));
    }
}
} // namespace

std::shared_ptr<ExecutionGraph>
BuildTrainingStep(const TrainingConfig& config, const std::vector<GpuId>& gpus)
{
    auto graph = std::make_shared<ExecutionGraph>();
    auto ranks = static_cast<uint32_t>(gpus.size());
    StepBuilder builder(config, *graph);
    builder.AddGroups(ranks);
    std::vector<uint32_t> stageProgram;
    for (uint32_t s = 0; s < config.pp; ++s)
    {
        stageProgram.push_back(builder.AddStage(s));
    }
    builder.Link();
    for (uint32_t r = 0; r < ranks; ++r)
    {
        graph->AddRank(gpus[r], stageProgram[builder.GetStage(r)]);
    }
    return graph;
}

TypeId
TrainingWorkload::GetTypeId()
{
    static TypeId tid = TypeId("ns3::TrainingWorkload")
                            .SetParent<Workload>()
                            .SetGroupName("FabricExperiment")
                            .AddConstructor<TrainingWorkload>();
    return tid;
}

std::vector<const char*>
TrainingWorkload::GetKeys() const
{
    return {"ranks",
            "scale",
            "parallelism",
            "order",
            "model",
            "batch",
            "compute",
            "gradients",
            "algorithms"};
}

namespace
{
/// Read map[key] as a whole number in [min, max] into \p out (left as it is when absent).
bool
ReadCount(YamlReader& r,
          const YAML::Node& map,
          const char* key,
          const std::string& path,
          uint32_t& out,
          uint64_t min,
          uint64_t max = UINT32_MAX)
{
    uint64_t value = out;
    if (!map[key])
    {
        return true;
    }
    if (!r.ReadUint(map, key, path, value, min, max))
    {
        return false;
    }
    out = static_cast<uint32_t>(value);
    return true;
}

/// Check that \p node (at \p path under \p parent's \p key) is a map of the \p allowed keys;
/// \p required must be there.
bool
ReadSection(YamlReader& r,
            const YAML::Node& parent,
            const char* key,
            const std::string& path,
            const std::vector<const char*>& allowed,
            const std::vector<const char*>& required)
{
    if (!r.Require(parent, key, path) || !r.CheckMap(parent[key], JoinPath(path, key), allowed))
    {
        return false;
    }
    bool ok = true;
    for (const char* k : required)
    {
        ok = r.Require(parent[key], k, JoinPath(path, key)) && ok;
    }
    return ok;
}
} // namespace

void
TrainingWorkload::Read(WorkloadReader& in,
                       const YAML::Node& node,
                       const std::string& path,
                       Time start)
{
    YamlReader& r = in.Yaml();
    std::size_t before = r.GetDiagnosticCount();
    TrainingConfig c;
    std::vector<HostPort> ranks = in.All(WorkloadReader::GPU);
    in.ReadSelection(node, "ranks", path, WorkloadReader::GPU, ranks);

    std::string at = JoinPath(path, "parallelism");
    if (node["parallelism"] && ReadSection(r, node, "parallelism", path, {"tp", "pp", "ep"}, {}))
    {
        const YAML::Node p = node["parallelism"];
        ReadCount(r, p, "tp", at, c.tp, 1, 1 << 20);
        ReadCount(r, p, "pp", at, c.pp, 1, 1 << 20);
        ReadCount(r, p, "ep", at, c.ep, 1, 1 << 20);
    }
    std::string order;
    if (node["order"] && r.ReadString(node, "order", path, order))
    {
        // A permutation of tp, ep, dp and pp joined by '-', fastest first.
        const std::map<std::string, TrainingConfig::Dim> names = {{"tp", TrainingConfig::TP},
                                                                  {"ep", TrainingConfig::EP},
                                                                  {"dp", TrainingConfig::DP},
                                                                  {"pp", TrainingConfig::PP}};
        std::vector<TrainingConfig::Dim> dims;
        std::size_t from = 0;
        while (from <= order.size())
        {
            std::size_t dash = std::min(order.find('-', from), order.size());
            auto it = names.find(order.substr(from, dash - from));
            if (it == names.end() || std::find(dims.begin(), dims.end(), it->second) != dims.end())
            {
                dims.clear();
                break;
            }
            dims.push_back(it->second);
            from = dash + 1;
        }
        if (dims.size() != 4)
        {
            r.Error(node["order"],
                    JoinPath(path, "order"),
                    "expected tp, ep, dp and pp in some order, joined by '-' (fastest first, "
                    "e.g. tp-ep-dp-pp)");
        }
        else
        {
            std::copy(dims.begin(), dims.end(), c.order.begin());
        }
    }

    at = JoinPath(path, "model");
    if (ReadSection(r,
                    node,
                    "model",
                    path,
                    {"layers",
                     "hidden",
                     "ffn-hidden",
                     "experts",
                     "moe-ffn-hidden",
                     "top-k",
                     "shared-experts",
                     "dense-layers",
                     "vocabulary",
                     "value-bytes",
                     "gradient-bytes"},
                    {"layers", "hidden"}))
    {
        const YAML::Node m = node["model"];
        ReadCount(r, m, "layers", at, c.layers, 1, 1 << 20);
        r.ReadUint(m, "hidden", at, c.hidden, 1, 1 << 24);
        c.ffnHidden = 4 * c.hidden;
        r.ReadUint(m, "ffn-hidden", at, c.ffnHidden, 1, 1 << 26);
        ReadCount(r, m, "experts", at, c.experts, 0, 1 << 20);
        ReadCount(r, m, "top-k", at, c.topK, 1, 1 << 10);
        ReadCount(r, m, "shared-experts", at, c.sharedExperts, 0, 1 << 10);
        ReadCount(r, m, "dense-layers", at, c.denseLayers, 0, c.layers);
        r.ReadUint(m, "vocabulary", at, c.vocabulary, 0, 1 << 24);
        ReadCount(r, m, "value-bytes", at, c.valueBytes, 1, 8);
        ReadCount(r, m, "gradient-bytes", at, c.gradientBytes, 1, 8);
        if (c.experts > 0 && (!r.Require(m, "moe-ffn-hidden", at) ||
                              !r.ReadUint(m, "moe-ffn-hidden", at, c.moeFfnHidden, 1, 1 << 26)))
        {
            c.experts = 0;
        }
        if (c.experts > 0 && c.topK > c.experts)
        {
            r.Error(m["top-k"],
                    JoinPath(at, "top-k"),
                    "more than the " + std::to_string(c.experts) + " experts");
        }
    }

    at = JoinPath(path, "batch");
    if (ReadSection(r,
                    node,
                    "batch",
                    path,
                    {"micro-batches", "micro-batch-size", "sequence"},
                    {"micro-batches", "sequence"}))
    {
        const YAML::Node b = node["batch"];
        ReadCount(r, b, "micro-batches", at, c.microBatches, 1, 1 << 16);
        ReadCount(r, b, "micro-batch-size", at, c.microBatchSize, 1, 1 << 16);
        ReadCount(r, b, "sequence", at, c.sequence, 1, 1 << 24);
    }

    at = JoinPath(path, "compute");
    if (ReadSection(
            r,
            node,
            "compute",
            path,
            {"attention", "ffn", "moe", "gpu-flops", "efficiency", "backward-factor", "optimizer"},
            {}))
    {
        // Times per layer and micro-batch as given, or the layer's FLOPs at a share of the
        // GPU's peak rate.
        const YAML::Node k = node["compute"];
        double flops = 0;
        double efficiency = 1;
        bool byFlops = k["gpu-flops"] && r.ReadDouble(k, "gpu-flops", at, flops, 1e9, 1e20);
        r.ReadDouble(k, "efficiency", at, efficiency, 1e-3, 1);
        r.ReadDouble(k, "backward-factor", at, c.backwardFactor, 0, 100);
        r.ReadTime(k, "optimizer", at, c.optimizer);
        if (byFlops)
        {
            for (const char* key : {"attention", "ffn", "moe"})
            {
                if (k[key])
                {
                    r.Error(k[key], JoinPath(at, key), "give times or gpu-flops, not both");
                }
            }
            double rate = flops * efficiency;
            c.attentionForward = Seconds(c.GetAttentionFlops() / rate);
            c.ffnForward = Seconds(c.GetFfnFlops(false) / rate);
            c.moeForward = Seconds(c.GetFfnFlops(true) / rate);
        }
        else
        {
            if (k["efficiency"])
            {
                r.Error(k["efficiency"], JoinPath(at, "efficiency"), "only with gpu-flops");
            }
            r.ReadTime(k, "attention", at, c.attentionForward);
            r.ReadTime(k, "ffn", at, c.ffnForward);
            r.ReadTime(k, "moe", at, c.moeForward);
        }
    }

    r.ReadDouble(node, "scale", path, c.scale, 1, 1e12);

    if (node["gradients"] && ReadSection(r, node, "gradients", path, {"sync", "bucket"}, {}))
    {
        at = JoinPath(path, "gradients");
        const YAML::Node g = node["gradients"];
        std::string sync;
        if (r.ReadString(g, "sync", at, sync))
        {
            if (sync == "reduce-scatter")
            {
                c.distributedOptimizer = true;
            }
            else if (sync != "allreduce")
            {
                r.Error(g["sync"],
                        JoinPath(at, "sync"),
                        "expected allreduce or reduce-scatter (a distributed optimizer)");
            }
        }
        r.ReadBytes(g, "bucket", at, c.bucketBytes);
    }

    if (node["algorithms"] && ReadSection(r, node, "algorithms", path, {"tp", "ep", "dp"}, {}))
    {
        at = JoinPath(path, "algorithms");
        const YAML::Node a = node["algorithms"];
        for (auto [key, algorithm, name] : {std::tuple{"tp", &c.tpAlgorithm, "ring"},
                                            std::tuple{"ep", &c.epAlgorithm, "direct"},
                                            std::tuple{"dp", &c.dpAlgorithm, "ring"}})
        {
            algorithm->first = name;
            in.ReadAlgorithm(a, key, at, algorithm->first, algorithm->second);
        }
    }
    if (r.GetDiagnosticCount() != before)
    {
        return;
    }

    // The layout: whole groups, whole experts, whole layers per stage.
    auto n = static_cast<uint32_t>(ranks.size());
    const YAML::Node where = node["parallelism"];
    std::string problem;
    if (n % (uint64_t(c.tp) * c.pp) != 0)
    {
        problem =
            std::to_string(n) + " ranks do not split into tp x pp = " + std::to_string(c.tp * c.pp);
    }
    else if (c.GetDp(n) % c.ep != 0)
    {
        problem = "ep " + std::to_string(c.ep) + " does not divide the data-parallel size " +
                  std::to_string(c.GetDp(n));
    }
    else if (c.ep > 1 && c.experts % c.ep != 0)
    {
        problem = "ep " + std::to_string(c.ep) + " does not divide the " +
                  std::to_string(c.experts) + " experts";
    }
    else if (c.layers % c.pp != 0)
    {
        problem = "pp " + std::to_string(c.pp) + " does not divide the " +
                  std::to_string(c.layers) + " layers";
    }
    else if (c.ep > 1 && c.experts == 0)
    {
        problem = "ep " + std::to_string(c.ep) + " needs a model with experts";
    }
    if (!problem.empty())
    {
        r.Error(where, JoinPath(path, "parallelism"), problem);
        return;
    }
    std::vector<GpuId> gpus;
    for (HostPort p : ranks)
    {
        gpus.push_back(GpuId{p.node, p.index});
    }
    std::shared_ptr<ExecutionGraph> graph = BuildTrainingStep(c, gpus);
    in.AddJob(node, path, graph, start);
}

} // namespace ns3
