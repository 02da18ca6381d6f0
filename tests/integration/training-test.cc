/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The training workload: its layout against hand-derived groups, its pipeline schedule against
// the one-forward-one-backward bubble, and its located errors.
#include "fabric-test.h"

#include "ns3/scenario-runner.h"
#include "ns3/scenario.h"
#include "ns3/training-workload.h"

using namespace ns3;
using namespace nsfab_test;

namespace
{
/// 16 single-GPU hosts, each alone on a leaf of a leaf-spine.
const char* LEAF_PER_HOST = "topology: {hosts: {count: 16}, fabric: {planes: [{generator: "
                            "leaf-spine, radix: 32, hosts-per-leaf: 1}]}}\n";

Scenario
Read(const std::string& text, std::vector<Diagnostic>& d)
{
    return ParseScenario("version: 2\nstop: done\n" + std::string(LEAF_PER_HOST) + text,
                         "t.yaml",
                         d);
}

/// The groups of kind \p name that hold \p rank.
std::vector<uint32_t>
GroupOf(const ExecutionGraph& g, const std::string& name, uint32_t rank)
{
    for (uint32_t k = 0; k < g.GetNGroupKinds(); ++k)
    {
        if (g.GetGroupKindName(k) == name)
        {
            auto [first, last] = g.GetMembers(k, g.GetGroupOf(k, rank));
            return std::vector<uint32_t>(first, last);
        }
    }
    return {};
}

std::vector<GpuId>
Gpus(uint32_t n)
{
    std::vector<GpuId> gpus;
    for (uint32_t i = 0; i < n; ++i)
    {
        gpus.push_back(GpuId{i, 0});
    }
    return gpus;
}
} // namespace

TEST(Training, RanksFormMegatronGroups)
{
    // Order tp-ep-dp-pp on 16 ranks with tp 2, ep 2, pp 2 (so dp 4, 2 per expert group):
    // rank = tp + 2 ep + 4 edp + 8 pp. Rank 5 is tp 1, ep 0, edp 1, pp 0.
    TrainingConfig c;
    c.tp = 2;
    c.ep = 2;
    c.pp = 2;
    c.layers = 2;
    c.experts = 4;
    c.moeFfnHidden = 64;
    auto g = BuildTrainingStep(c, Gpus(16));
    EXPECT_EQ(GroupOf(*g, "tp", 5), (std::vector<uint32_t>{4, 5}));
    EXPECT_EQ(GroupOf(*g, "ep", 5), (std::vector<uint32_t>{5, 7}));
    EXPECT_EQ(GroupOf(*g, "edp", 5), (std::vector<uint32_t>{1, 5}));
    EXPECT_EQ(GroupOf(*g, "dp", 5), (std::vector<uint32_t>{1, 3, 5, 7}));
    EXPECT_EQ(GroupOf(*g, "pp", 5), (std::vector<uint32_t>{5, 13}));
    EXPECT_EQ(g->GetProgramOf(5), 0u);
    EXPECT_EQ(g->GetProgramOf(13), 1u);
    EXPECT_TRUE(g->Check().empty());
    // Pipeline-major order: the stages become the fastest dimension.
    c.order = {TrainingConfig::PP, TrainingConfig::TP, TrainingConfig::EP, TrainingConfig::DP};
    g = BuildTrainingStep(c, Gpus(16));
    EXPECT_EQ(GroupOf(*g, "pp", 5), (std::vector<uint32_t>{4, 5}));
    EXPECT_EQ(GroupOf(*g, "tp", 5), (std::vector<uint32_t>{5, 7}));
}

TEST(Training, GradientsAreReducedOnceByTheirGroups)
{
    // One stage of 4 layers, 2 of them dense: every rank reduces its dense parameters over
    // dp and its experts' over edp, as many bytes as the model's formulas give, in buckets.
    TrainingConfig c;
    c.tp = 2;
    c.ep = 2;
    c.layers = 4;
    c.denseLayers = 2;
    c.hidden = 256;
    c.ffnHidden = 1024;
    c.experts = 8;
    c.moeFfnHidden = 512;
    c.sharedExperts = 1;
    c.vocabulary = 1000;
    c.bucketBytes = 1 << 20;
    auto g = BuildTrainingStep(c, Gpus(8));
    uint64_t h = 256;
    uint64_t dense = 2 * (4 * h * h + 3 * h * 1024) / 2 +        // dense layers
                     2 * (4 * h * h + 3 * h * 512 + h * 8) / 2 + // MoE layers
                     2 * 1000 * h / 2;                           // embedding and output
    uint64_t expert = 2 * (8 / 2) * 3 * h * 512 / 2;
    std::map<std::string, uint64_t> reduced;
    for (uint32_t i = 0; i < g->GetNTasks(0); ++i)
    {
        const auto& t = g->GetTask(0, i);
        if (t.kind == ExecutionGraph::COLLECTIVE && t.op == CollectiveOp::ALL_REDUCE)
        {
            reduced[g->GetGroupKindName(t.group)] += t.bytes;
            // A bucket is reduced once a layer fills it: at most a bucket and a layer's worth
            // (the largest, a MoE layer's experts).
            EXPECT_LE(t.bytes, c.bucketBytes + 2 * (8 / 2) * 3 * h * 512 / 2);
        }
    }
    EXPECT_EQ(reduced["dp"], dense * c.gradientBytes);
    EXPECT_EQ(reduced["edp"], expert * c.gradientBytes);
}

TEST(Training, PipelineStepFollowsTheOneForwardOneBackwardSchedule)
{
    // Four stages on four hosts, eight micro-batches, no tensor or data parallelism: each
    // stage computes f forward and b = 2f backward per micro-batch, in the one-forward-one-
    // backward order (P - s - 1 warm-up forwards), and a message between stages takes delta.
    // The step's time is the schedule's critical path, computed here by relaxing the start
    // times: an operation starts after the stage's previous one and after its input arrived
    // (Narayanan et al., SC'21). Without delta it is (M + P - 1)(f + b).
    std::vector<Diagnostic> d;
    Scenario s = Read("workloads:\n"
                      "  - type: training\n"
                      "    ranks: {from: 0, count: 4}\n"
                      "    parallelism: {pp: 4}\n"
                      "    model: {layers: 4, hidden: 64, ffn-hidden: 256}\n"
                      "    batch: {micro-batches: 8, sequence: 64}\n"
                      "    compute: {attention: 40us, ffn: 60us}\n",
                      d);
    ASSERT_TRUE(d.empty()) << d[0].Format();
    ASSERT_EQ(s.jobs.size(), 1u);
    RunResult r = RunScenario(s, "");
    ASSERT_TRUE(r.jobs[0].completed);
    const ExecutionResult& e = r.jobs[0].result;
    const uint32_t m = 8, p = 4;
    const double f = 100e-6, b = 2 * f;
    // 64 tokens x 64 x 2 bytes: two frames, across 4 links and 3 switches.
    double frame = FrameSeconds(4096, 800e9);
    double delta = 2 * frame + 3 * frame + 4 * 10e-9 + 3 * 500e-9;
    // end[s][fwd?][mb], each stage's operations in order.
    std::vector<std::vector<std::pair<bool, uint32_t>>> ops(p);
    for (uint32_t st = 0; st < p; ++st)
    {
        uint32_t w = std::min(p - st - 1, m);
        for (uint32_t i = 0; i < w; ++i)
        {
            ops[st].emplace_back(true, i);
        }
        for (uint32_t i = 0; i + w < m; ++i)
        {
            ops[st].emplace_back(true, w + i);
            ops[st].emplace_back(false, i);
        }
        for (uint32_t i = m - w; i < m; ++i)
        {
            ops[st].emplace_back(false, i);
        }
    }
    std::map<std::tuple<uint32_t, bool, uint32_t>, double> end;
    for (bool changed = true; changed;)
    {
        changed = false;
        for (uint32_t st = 0; st < p; ++st)
        {
            double previous = 0;
            for (auto [forward, mb] : ops[st])
            {
                double start = previous;
                bool fromNeighbour = forward ? st > 0 : st + 1 < p;
                if (fromNeighbour)
                {
                    auto it = end.find({forward ? st - 1 : st + 1, forward, mb});
                    start = std::max(start, it == end.end() ? 1e9 : it->second + delta);
                }
                double& e = end[{st, forward, mb}];
                double value = start + (forward ? f : b);
                changed = changed || e != value;
                e = value;
                previous = value;
            }
        }
    }
    double expected = end[{0, false, m - 1}];
    // The acknowledgements of messages going the other way share the links: each of the
    // 2 M (P - 1) messages may wait for one 86-byte ACK frame per data frame.
    double ack = 86 * 8 / 800e9;
    EXPECT_GE(e.GetTime().GetSeconds(), expected - 1e-12);
    EXPECT_LE(e.GetTime().GetSeconds(), expected + 2 * m * (p - 1) * 2 * ack);
    EXPECT_GE(expected, (m + p - 1) * (f + b) + 2 * (p - 1) * delta);
    // On the ideal fabric a message takes exactly delta and nothing waits for an ACK: the
    // step is the relaxation's critical path.
    EXPECT_NEAR(r.jobs[0].ideal.GetSeconds(), expected, 1e-11);
    EXPECT_NEAR(r.jobs[0].GetSlowdown(), e.GetTime().GetSeconds() / expected, 1e-6);
    // Every stage computes M (f + b); the rest of its time it waited for its neighbours.
    uint32_t pp = 1; // the only group kind
    for (uint32_t rank = 0; rank < p; ++rank)
    {
        EXPECT_NEAR(e.rankCompute[rank].GetSeconds(), m * (f + b), 1e-12);
        EXPECT_EQ(e.rankCompute[rank] + e.GetExposed(rank, pp), e.rankEnd[rank] - e.start);
        // A later stage is over once its last gradients are acknowledged.
        double lastBackward = end[std::make_tuple(rank, false, m - 1)];
        EXPECT_GT(e.rankEnd[rank].GetSeconds(), rank == 0 ? expected - 1e-9 : lastBackward + delta);
    }
}

TEST(Training, ScaleDividesEveryVolumeAndComputeTime)
{
    // The same step with scale 8: the same tasks in the same order (the buckets are formed
    // from the unscaled gradients), each message and collective an eighth of the bytes
    // (rounded), each compute an eighth of the time.
    TrainingConfig c;
    c.tp = 2;
    c.ep = 2;
    c.pp = 2;
    c.layers = 4;
    c.hidden = 256;
    c.experts = 4;
    c.moeFfnHidden = 512;
    c.microBatches = 3;
    c.sequence = 100;
    c.attentionForward = MicroSeconds(7);
    c.moeForward = MicroSeconds(3);
    c.optimizer = MicroSeconds(5);
    c.bucketBytes = 100000;
    auto whole = BuildTrainingStep(c, Gpus(16));
    c.scale = 8;
    auto scaled = BuildTrainingStep(c, Gpus(16));
    ASSERT_EQ(scaled->GetNPrograms(), whole->GetNPrograms());
    for (uint32_t p = 0; p < whole->GetNPrograms(); ++p)
    {
        ASSERT_EQ(scaled->GetNTasks(p), whole->GetNTasks(p));
        for (uint32_t i = 0; i < whole->GetNTasks(p); ++i)
        {
            const auto& a = whole->GetTask(p, i);
            const auto& b = scaled->GetTask(p, i);
            ASSERT_EQ(b.kind, a.kind);
            EXPECT_EQ(b.bytes, a.kind == ExecutionGraph::COMPUTE ? 0 : (a.bytes + 4) / 8);
            EXPECT_EQ(b.duration * 8, a.duration);
        }
    }
}

TEST(Training, LayoutProblemsAreLocated)
{
    auto problem = [](const std::string& workload) {
        std::vector<Diagnostic> d;
        Read("workloads:\n  - type: training\n" + workload, d);
        EXPECT_EQ(d.size(), 1u);
        return d.empty() ? "" : d[0].Format();
    };
    const std::string model = "    model: {layers: 4, hidden: 64}\n"
                              "    batch: {micro-batches: 2, sequence: 64}\n"
                              "    compute: {attention: 1us}\n";
    EXPECT_EQ(problem("    parallelism: {tp: 3}\n" + model),
              "t.yaml:6:18: workloads[0].parallelism: 16 ranks do not split into tp x pp = 3");
    EXPECT_EQ(problem("    parallelism: {pp: 8}\n" + model),
              "t.yaml:6:18: workloads[0].parallelism: pp 8 does not divide the 4 layers");
    EXPECT_EQ(problem("    parallelism: {ep: 2}\n" + model),
              "t.yaml:6:18: workloads[0].parallelism: ep 2 needs a model with experts");
    EXPECT_EQ(problem("    order: tp-pp-dp\n" + model),
              "t.yaml:6:12: workloads[0].order: expected tp, ep, dp and pp in some order, joined "
              "by '-' (fastest first, e.g. tp-ep-dp-pp)");
    EXPECT_EQ(problem("    model: {layers: 4}\n    batch: {micro-batches: 2, sequence: 64}\n"
                      "    compute: {attention: 1us}\n"),
              "t.yaml:6:12: workloads[0].model.hidden: required key is missing");
    EXPECT_EQ(
        problem("    algorithms: {ep: tree}\n    parallelism: {ep: 2}\n"
                "    model: {layers: 4, hidden: 64, experts: 4, moe-ffn-hidden: 64}\n"
                "    batch: {micro-batches: 2, sequence: 64}\n    compute: {attention: 1us}\n"),
        "t.yaml:5:5: workloads[0]: ep alltoall of 8192 bytes: algorithm 'tree' has no alltoall");
    EXPECT_EQ(problem("    scale: 0.5\n" + model),
              "t.yaml:6:12: workloads[0].scale: 0.5 is out of range [1, 1e+12]");
}
