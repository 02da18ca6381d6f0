/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TRAINING_WORKLOAD_H
#define TRAINING_WORKLOAD_H

#include "workload.h"

#include "ns3/execution-graph.h"

#include <array>
#include <memory>

namespace ns3
{

/**
 * \ingroup fabric-experiment
 * \brief One step of a data-, tensor-, pipeline- and expert-parallel training job, as
 *        Megatron-LM lays it out and runs it (docs/training.md has the model and its sources).
 */
struct TrainingConfig
{
    /// The parallel dimensions, in the order a rank number is split (fastest first).
    enum Dim
    {
        TP,
        EP,
        DP, //!< data parallel within an expert-parallel group (all of DP in a dense model)
        PP,
    };

    uint32_t tp{1};
    uint32_t pp{1};
    uint32_t ep{1};
    /// Megatron-Core's default rank order (tp-cp-ep-dp-pp, no context parallelism).
    std::array<Dim, 4> order{TP, EP, DP, PP};

    uint32_t layers{1};
    uint64_t hidden{1024};
    uint64_t ffnHidden{4096}; //!< a dense layer's MLP (SwiGLU: three hidden x ffn matrices)
    uint32_t experts{0};      //!< 0: a dense model
    uint64_t moeFfnHidden{0};
    uint32_t topK{1};
    uint32_t sharedExperts{0};
    uint32_t denseLayers{0}; //!< the first layers of a MoE model that are dense
    uint64_t vocabulary{0};

    uint32_t microBatches{1};
    uint32_t microBatchSize{1};
    uint32_t sequence{2048};
    uint32_t valueBytes{2};    //!< activations and parameters (bf16)
    uint32_t gradientBytes{2}; //!< gradients as reduced

    /// Forward compute of one layer on one micro-batch: attention, dense MLP, MoE MLP.
    Time attentionForward;
    Time ffnForward;
    Time moeForward;
    double backwardFactor{2};
    Time optimizer;

    bool distributedOptimizer{false}; //!< reduce-scatter gradients, all-gather parameters
    uint64_t bucketBytes{80'000'000}; //!< Megatron-Core's 40 M parameters, as bf16 gradients
    /// Every message and collective's bytes and every compute time are divided by this (the
    /// buckets are formed first): a job too large for a packet-level run keeps its structure
    /// and the ratio of its compute to its bandwidth-bound time; latencies do not scale.
    double scale{1};

    /// Collective algorithms (TypeId, attributes) on tp, ep and the data-parallel groups.
    std::pair<std::string, std::vector<AttributeSetting>> tpAlgorithm{"ns3::RingAlgorithm", {}};
    std::pair<std::string, std::vector<AttributeSetting>> epAlgorithm{"ns3::DirectAlgorithm", {}};
    std::pair<std::string, std::vector<AttributeSetting>> dpAlgorithm{"ns3::RingAlgorithm", {}};

    uint32_t GetDp(uint32_t ranks) const
    {
        return ranks / (tp * pp);
    }

    bool IsMoeLayer(uint32_t layer) const
    {
        return experts > 0 && layer >= denseLayers;
    }

    /// Forward FLOPs of one layer on one micro-batch, split over tp: attention (projections
    /// 8 s h^2 and scores 4 s^2 h per sequence, Narayanan et al., SC'21), and the MLP (SwiGLU
    /// 6 h f per token; a MoE layer's tokens each visit top-k plus the shared experts).
    double GetAttentionFlops() const;
    double GetFfnFlops(bool moe) const;

    /// Parameters of \p layer held by one rank: dense ones (reduced over all of DP) and its
    /// experts' (reduced over the ranks that hold the same experts).
    uint64_t GetDenseParameters(uint32_t layer) const;
    uint64_t GetExpertParameters(uint32_t layer) const;
};

/**
 * \brief The graph of one training step of \p config on \p gpus (rank r on gpus[r]): one
 *        program per pipeline stage, run in the one-forward-one-backward order (Narayanan et
 *        al., SC'21), group kinds tp, pp, ep, dp and edp (those of more than one rank).
 */
std::shared_ptr<ExecutionGraph> BuildTrainingStep(const TrainingConfig& config,
                                                  const std::vector<GpuId>& gpus);

/**
 * \ingroup fabric-experiment
 * \brief "training": one step of a training job laid out on GPU ranks (TrainingConfig).
 */
class TrainingWorkload : public Workload
{
  public:
    static TypeId GetTypeId();
    std::vector<const char*> GetKeys() const override;
    void Read(WorkloadReader& in,
              const YAML::Node& node,
              const std::string& path,
              Time start) override;
};

} // namespace ns3

#endif // TRAINING_WORKLOAD_H
