/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FLOW_SIZE_CDF_H
#define FLOW_SIZE_CDF_H

#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"
#include "ns3/yaml-reader.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-experiment
 * \brief An empirical flow-size distribution: a piecewise-linear CDF over sizes in bytes.
 *
 * The points (s0, F0), (s1, F1), ... have strictly increasing sizes and non-decreasing
 * cumulative probabilities ending at 1. Between two points the probability F(i) - F(i-1) is
 * spread uniformly over [s(i-1), s(i)]; a first point with F0 > 0 is a point mass of F0 at s0.
 * This is how the published data-center workloads (DCTCP web search, VL2 data mining) are
 * tabulated and sampled by pFabric, HPCC and their successors. Sizes drawn from it are rounded
 * to whole bytes. The text format is described in docs/flow-size-cdf.md.
 *
 * A value type: copy it freely. Randomness comes only from the stream passed to Sample().
 */
class FlowSizeCdf
{
  public:
    /// One point of the table: P(size <= bytes) = cumulative.
    struct Point
    {
        uint64_t bytes;
        double cumulative;
    };

    /**
     * \brief Read a CDF file; every problem found is appended to \p diagnostics.
     * \return the distribution, or nothing if the file is missing or has any problem
     */
    static std::optional<FlowSizeCdf> Load(const std::string& file,
                                           std::vector<Diagnostic>& diagnostics);

    /**
     * \brief Parse the text of a CDF file named \p file (used in diagnostics only).
     * \return the distribution, or nothing if there was any problem
     */
    static std::optional<FlowSizeCdf> Parse(const std::string& text,
                                            const std::string& file,
                                            std::vector<Diagnostic>& diagnostics);

    /// The exact mean in bytes of the piecewise-linear distribution (before rounding to bytes).
    double GetMean() const
    {
        return m_mean;
    }

    /// The exact variance in bytes squared (before rounding to bytes).
    double GetVariance() const
    {
        return m_variance;
    }

    /// P(size <= bytes).
    double Cdf(double bytes) const;

    /**
     * \brief The inverse CDF: the smallest size whose Cdf reaches \p u, rounded to whole bytes.
     *
     * \p u is clamped to [0, 1]. Quantile(0) is the smallest size with probability, GetMin();
     * Quantile(1) the largest, GetMax(). The result is never below 1.
     */
    uint64_t Quantile(double u) const;

    /// A size drawn by inverse transform from one value of \p u, taken in [0, 1).
    uint64_t Sample(Ptr<UniformRandomVariable> u) const;

    /// The smallest size Sample() can return.
    uint64_t GetMin() const
    {
        return Quantile(0.0);
    }

    /// The largest size Sample() can return.
    uint64_t GetMax() const
    {
        return Quantile(1.0);
    }

    /// The points as given.
    const std::vector<Point>& GetPoints() const
    {
        return m_points;
    }

  private:
    explicit FlowSizeCdf(std::vector<Point> points);

    std::vector<Point> m_points;
    double m_mean{0};
    double m_variance{0};
};

} // namespace ns3

#endif // FLOW_SIZE_CDF_H
