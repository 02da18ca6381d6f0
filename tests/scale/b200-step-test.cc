/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The shipped training step on 960 GPUs (scenarios/b200-1024-step.yaml) against bounds
// computed here: every rank's compute by the FLOP formulas, the step against its ideal-fabric
// twin, and that twin against the pipeline's compute-only critical path. Labelled "scale" in
// CTest: about ten seconds in the release build, too long for the sanitizer pass.
#include "fabric-test.h"

#include "ns3/scenario-runner.h"
#include "ns3/scenario.h"

using namespace ns3;
using namespace nsfab_test;

TEST_F(FabricTest, ShippedStepKeepsToItsComputeAndAlphaBetaBounds)
{
    std::vector<Diagnostic> d;
    Scenario s = LoadScenario(NSFAB_SOURCE_DIR "/scenarios/b200-1024-step.yaml", d);
    ASSERT_TRUE(d.empty()) << d[0].Format();
    ASSERT_EQ(s.jobs.size(), 1u);
    RunResult r = RunScenario(s, "");
    ASSERT_TRUE(r.jobs[0].completed);
    const ExecutionResult& e = r.jobs[0].result;

    // The file's model: per micro-batch of 4096 tokens and per layer, split over TP 8, at
    // 2.25 PFLOP/s x 0.4, all divided by the scale of 1000. Attention 8 s h^2 + 4 s^2 h, a
    // SwiGLU MLP 6 s h f (f = 18432 on the dense first layer; 2048 per expert on the others,
    // each token visiting 8 routed and 1 shared expert); a backward twice its forward.
    const double scale = 1000, rate = 2.25e15 * 0.4, tokens = 4096, h = 7168, tp = 8;
    const uint32_t stages = 15, microBatches = 15, perStage = 960 / stages;
    double attention = (8 * tokens * h * h + 4 * tokens * tokens * h) / tp / rate;
    double dense = 6 * tokens * h * 18432 / tp / rate;
    double moe = 6 * tokens * h * 2048 * 9 / tp / rate;
    std::vector<double> layer(stages); // forward and backward of a micro-batch, per stage
    for (uint32_t stage = 0; stage < stages; ++stage)
    {
        layer[stage] = 3 * (attention + (stage == 0 ? dense : moe)) / scale;
    }
    double optimizer = 2e-3 / scale;
    ASSERT_EQ(e.rankCompute.size(), 960u);
    for (uint32_t rank = 0; rank < 960; ++rank)
    {
        // Ranks are numbered tp fastest, pp slowest: 64 ranks per stage.
        double expected = microBatches * layer[rank / perStage] + optimizer;
        // Each of its compute tasks (attention and MLP, forward and backward, per micro-batch,
        // and the optimizer) is a whole number of picoseconds.
        EXPECT_NEAR(e.rankCompute[rank].GetSeconds(), expected, (4 * microBatches + 1) * 1e-12)
            << rank;
    }

    // The ideal fabric's step cannot beat the pipeline's compute: the first stage's first
    // forward, every stage once, all micro-batches through the slowest stage, back to the
    // first, and its optimizer (Narayanan et al., SC'21: (M + P - 1) (f + b) for equal
    // stages).
    double fastest = *std::min_element(layer.begin(), layer.end());
    double slowest = *std::max_element(layer.begin(), layer.end());
    double pipeline = (stages - 1) * fastest + microBatches * slowest + optimizer;
    double ideal = r.jobs[0].ideal.GetSeconds();
    EXPECT_GE(ideal, pipeline);
    // The fabric cannot beat the alpha-beta costs by more than their error (acknowledgements,
    // within 3 %, AlgorithmCostTest), and every rank's time is its compute plus what it waited.
    EXPECT_GE(e.GetTime().GetSeconds(), 0.97 * ideal);
    for (uint32_t rank = 0; rank < 960; ++rank)
    {
        Time sum = e.rankCompute[rank];
        for (uint32_t a = 0; a < e.activities; ++a)
        {
            sum += e.GetExposed(rank, a);
        }
        EXPECT_EQ(sum, e.rankEnd[rank] - e.start) << rank;
    }
}
