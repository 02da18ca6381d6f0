/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/double.h"
#include "ns3/fabric-units.h"
#include "ns3/flow-size-cdf.h"
#include "ns3/rng-seed-manager.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <limits>

using namespace ns3;

namespace
{
/// The path of the shipped table \p name.
std::string
Shipped(const std::string& name)
{
    return std::string(NSFAB_SOURCE_DIR) + "/scenarios/flow-sizes/" + name;
}

/// Bytes per packet in the pFabric tables the shipped files are written from.
constexpr double PACKET = 1460;

/**
 * A small table: a point mass of 0.2 at 100 B, 0.3 spread over [100, 200], nothing over
 * (200, 400] and 0.5 over [400, 1000].
 */
const char* SMALL = "# a comment line, then a blank one\n"
                    "\n"
                    "100   20%    # point mass\n"
                    "200\t0.5\n"
                    "  400 0.5\n"
                    "1000 100%\n";

FlowSizeCdf
ParseOk(const std::string& text)
{
    std::vector<Diagnostic> d;
    std::optional<FlowSizeCdf> cdf = FlowSizeCdf::Parse(text, "t.cdf", d);
    EXPECT_TRUE(d.empty()) << d.front().Format();
    EXPECT_TRUE(cdf.has_value());
    return cdf.value();
}

FlowSizeCdf
LoadOk(const std::string& file)
{
    std::vector<Diagnostic> d;
    std::optional<FlowSizeCdf> cdf = FlowSizeCdf::Load(file, d);
    EXPECT_TRUE(d.empty()) << d.front().Format();
    EXPECT_TRUE(cdf.has_value()) << file;
    return cdf.value();
}
} // namespace

TEST(FlowSizeCdf, SmallTableByHand)
{
    FlowSizeCdf cdf = ParseOk(SMALL);
    ASSERT_EQ(cdf.GetPoints().size(), 4u);
    EXPECT_EQ(cdf.GetPoints()[0].bytes, 100u);
    EXPECT_DOUBLE_EQ(cdf.GetPoints()[0].cumulative, 0.2);
    EXPECT_DOUBLE_EQ(cdf.GetPoints()[3].cumulative, 1.0);

    // Mean: 0.2*100 + 0.3*150 + 0.5*700 = 20 + 45 + 350.
    EXPECT_DOUBLE_EQ(cdf.GetMean(), 415.0);
    // E[X^2] = 0.2*100^2 + 0.3*(100^2+100*200+200^2)/3 + 0.5*(400^2+400*1000+1000^2)/3
    //        = 2000 + 7000 + 260000 = 269000; variance = 269000 - 415^2 = 96775.
    EXPECT_NEAR(cdf.GetVariance(), 96775.0, 1e-6);

    EXPECT_EQ(cdf.Cdf(0), 0.0);
    EXPECT_EQ(cdf.Cdf(99.9), 0.0);
    EXPECT_DOUBLE_EQ(cdf.Cdf(100), 0.2); // the point mass is included at its size
    EXPECT_DOUBLE_EQ(cdf.Cdf(150), 0.35);
    EXPECT_DOUBLE_EQ(cdf.Cdf(200), 0.5);
    EXPECT_DOUBLE_EQ(cdf.Cdf(300), 0.5);
    EXPECT_DOUBLE_EQ(cdf.Cdf(400), 0.5);
    EXPECT_DOUBLE_EQ(cdf.Cdf(700), 0.75);
    EXPECT_EQ(cdf.Cdf(1000), 1.0);
    EXPECT_EQ(cdf.Cdf(1e9), 1.0);

    // Every u up to the point mass maps onto it.
    EXPECT_EQ(cdf.Quantile(0), 100u);
    EXPECT_EQ(cdf.Quantile(0.1), 100u);
    EXPECT_EQ(cdf.Quantile(0.2), 100u);
    EXPECT_EQ(cdf.Quantile(0.26), 120u);   // 100 + 0.06/0.3 * 100
    EXPECT_EQ(cdf.Quantile(0.2012), 100u); // 100.4 rounds down
    EXPECT_EQ(cdf.Quantile(0.2018), 101u); // 100.6 rounds up
    EXPECT_EQ(cdf.Quantile(0.35), 150u);
    // 0.5 is first reached at 200; just above it the next piece starts at 400.
    EXPECT_EQ(cdf.Quantile(0.5), 200u);
    EXPECT_EQ(cdf.Quantile(0.5 + 1e-12), 400u);
    EXPECT_EQ(cdf.Quantile(0.75), 700u);
    EXPECT_EQ(cdf.Quantile(1), 1000u);
    // Out of range is clamped.
    EXPECT_EQ(cdf.Quantile(-3), 100u);
    EXPECT_EQ(cdf.Quantile(7), 1000u);
    EXPECT_EQ(cdf.GetMin(), 100u);
    EXPECT_EQ(cdf.GetMax(), 1000u);
}

TEST(FlowSizeCdf, WithoutPointMassIsUniformBetweenPoints)
{
    // Uniform on [1000, 3000]: mean 2000, variance 2000^2 / 12.
    FlowSizeCdf cdf = ParseOk("1000 0\n3000 1\n");
    EXPECT_DOUBLE_EQ(cdf.GetMean(), 2000.0);
    EXPECT_NEAR(cdf.GetVariance(), 2000.0 * 2000.0 / 12.0, 1e-6);
    EXPECT_EQ(cdf.Cdf(1000), 0.0);
    EXPECT_DOUBLE_EQ(cdf.Cdf(1500), 0.25);
    EXPECT_EQ(cdf.Quantile(0), 1000u);
    EXPECT_EQ(cdf.Quantile(0.25), 1500u);
    EXPECT_EQ(cdf.Quantile(0.5), 2000u);
}

TEST(FlowSizeCdf, LeadingZeroProbabilityPiecesAreSkipped)
{
    // Nothing below 20 B: the smallest size drawn is 20, not 10.
    FlowSizeCdf cdf = ParseOk("10 0\n20 0\n30 1\n");
    EXPECT_EQ(cdf.GetMin(), 20u);
    EXPECT_EQ(cdf.GetMax(), 30u);
    EXPECT_DOUBLE_EQ(cdf.GetMean(), 25.0);
    EXPECT_EQ(cdf.Cdf(15), 0.0);
}

TEST(FlowSizeCdf, UnitsAndPercentages)
{
    FlowSizeCdf cdf = ParseOk("1KiB 50%\n1MB 1.0\n");
    EXPECT_EQ(cdf.GetPoints()[0].bytes, 1024u);
    EXPECT_EQ(cdf.GetPoints()[1].bytes, 1000000u);
    EXPECT_DOUBLE_EQ(cdf.GetPoints()[0].cumulative, 0.5);
    // 0.5 * 1024 + 0.5 * (1024 + 1e6) / 2.
    EXPECT_DOUBLE_EQ(cdf.GetMean(), 512.0 + 0.25 * (1024.0 + 1e6));
    // Windows line ends and tabs are whitespace.
    FlowSizeCdf crlf = ParseOk("1\t0.5\r\n3\t1\r\n");
    EXPECT_EQ(crlf.GetMax(), 3u);
}

namespace
{
/// A malformed text and the one problem it must produce.
struct Malformed
{
    std::string text;
    int line;
    int column;
    std::string message;
};

/// The message fabric::ParseBytes gives for \p text, which the parser passes on.
std::string
BytesError(const std::string& text)
{
    uint64_t bytes = 0;
    return fabric::ParseBytes(text, bytes);
}
} // namespace

TEST(FlowSizeCdfErrors, EachMalformedTextNamesItsProblem)
{
    std::vector<Malformed> cases = {
        {"100 0.5\n50 1\n", 2, 1, "sizes must increase: 50 after 100"},
        {"100 0.5\n100 1\n", 2, 1, "sizes must increase: 100 after 100"},
        {"1KB 0.5\n1000 1\n", 2, 1, "sizes must increase: 1000 after 1KB"},
        {"8000 0.5\n5000 1\n", 2, 1, "sizes must increase: 5000 after 8000"},
        {"0 0\n200 1\n", 1, 1, "sizes must be positive, not 0"},
        {"abc 0.5\n200 1\n", 1, 1, BytesError("abc")},
        {"1.5 0.5\n200 1\n", 1, 1, BytesError("1.5")},
        {"-5 0.5\n200 1\n", 1, 1, BytesError("-5")},
        {"10 KB 0.5\n20KB 1\n", 1, 7, "expected SIZE CUMULATIVE, found 3 fields"},
        {"100 0.5\n200 1.2\n", 2, 5, "cumulative probability 1.2 is above 1"},
        {"100 0.5\n200 120%\n", 2, 5, "cumulative probability 120% is above 100%"},
        {"100 -0.1\n200 1\n", 1, 5, "cumulative probability -0.1 is below 0"},
        {"100 -1%\n200 1\n", 1, 5, "cumulative probability -1% is below 0%"},
        {"100 0.6\n200 0.4\n300 1\n",
         2,
         5,
         "cumulative probabilities must not decrease: 0.4 after 0.6"},
        {"100 0.5\n200 0.97\n", 2, 5, "the last point must reach 1 (100%), not 0.97"},
        {"100 50%\n200 97%  # almost\n", 2, 5, "the last point must reach 1 (100%), not 97%"},
        {"100 0.5 x\n200 1\n", 1, 9, "expected SIZE CUMULATIVE, found 3 fields"},
        {"100\n200 1\n", 1, 1, "expected SIZE CUMULATIVE, found 1 field"},
        {"100 0.5\n200,1\n", 2, 1, "expected SIZE CUMULATIVE, found 1 field"},
        {"# nothing\n\n", 0, 0, "a flow-size CDF needs at least two points, found none"},
        {"", 0, 0, "a flow-size CDF needs at least two points, found none"},
        {"\n  100 1\n", 2, 3, "a flow-size CDF needs at least two points, found one"},
    };
    for (const char* word : {"half", "nan", "inf", "0x1p-1", "%", "0.5.5"})
    {
        cases.push_back(Malformed{"100 " + std::string(word) + "\n200 1\n",
                                  1,
                                  5,
                                  "'" + std::string(word) +
                                      "' is not a cumulative probability (a number in [0, 1] or "
                                      "a percentage such as 53%)"});
    }
    for (const Malformed& bad : cases)
    {
        const std::string& text = bad.text;
        std::vector<Diagnostic> d;
        std::optional<FlowSizeCdf> cdf = FlowSizeCdf::Parse(text, "bad.cdf", d);
        EXPECT_FALSE(cdf.has_value()) << text;
        ASSERT_EQ(d.size(), 1u) << text << (d.empty() ? "" : "\n" + d[0].Format() + "\n...");
        EXPECT_EQ(d[0].message, bad.message) << text;
        EXPECT_EQ(d[0].line, bad.line) << text;
        EXPECT_EQ(d[0].column, bad.column) << text;
        EXPECT_EQ(d[0].file, "bad.cdf");
        EXPECT_EQ(d[0].path, "");
    }
}

TEST(FlowSizeCdfErrors, EveryProblemIsReportedAtOnce)
{
    const char* text = "# sizes in bytes\n"    // 1
                       "100 0.1\n"             // 2
                       "50 0.2\n"              // 3: size below the previous
                       "300 0.1\n"             // 4: probability below the previous
                       "400 2\n"               // 5: probability above 1
                       "500\t0.9 # the tail\n" // 6: does not reach 1
        ;
    std::vector<Diagnostic> d;
    EXPECT_FALSE(FlowSizeCdf::Parse(text, "bad.cdf", d).has_value());
    ASSERT_EQ(d.size(), 4u);
    EXPECT_EQ(d[0].Format(), "bad.cdf:3:1: sizes must increase: 50 after 100");
    EXPECT_EQ(d[1].Format(),
              "bad.cdf:4:5: cumulative probabilities must not decrease: 0.1 after 0.2");
    EXPECT_EQ(d[2].Format(), "bad.cdf:5:5: cumulative probability 2 is above 1");
    EXPECT_EQ(d[3].Format(), "bad.cdf:6:5: the last point must reach 1 (100%), not 0.9");
}

TEST(FlowSizeCdfErrors, MissingFileIsOneDiagnosticWithoutPlace)
{
    std::vector<Diagnostic> d;
    EXPECT_FALSE(FlowSizeCdf::Load("/nonexistent/flows.cdf", d).has_value());
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].file, "/nonexistent/flows.cdf");
    EXPECT_EQ(d[0].line, 0);
    EXPECT_EQ(d[0].message, "cannot open the file");
}

TEST(FlowSizeCdfFiles, WebSearch)
{
    FlowSizeCdf cdf = LoadOk(Shipped("web-search.cdf"));
    ASSERT_EQ(cdf.GetPoints().size(), 11u);
    // pFabric's table in 1460-byte packets: 15 % point mass at 6 packets, up to 20000.
    EXPECT_EQ(cdf.GetMin(), 6 * 1460u);
    EXPECT_EQ(cdf.GetMax(), 20000 * 1460u);
    EXPECT_DOUBLE_EQ(cdf.Cdf(6 * PACKET), 0.15);
    EXPECT_DOUBLE_EQ(cdf.Cdf(53 * PACKET), 0.53);
    EXPECT_DOUBLE_EQ(cdf.Cdf(6667 * PACKET), 0.97);
    // The mean by hand, in packets: the point mass, then each piece's mass times its midpoint.
    double packets = 0.15 * 6 + 0.05 * (6 + 13) / 2.0 + 0.10 * (13 + 19) / 2.0 +
                     0.10 * (19 + 33) / 2.0 + 0.13 * (33 + 53) / 2.0 + 0.07 * (53 + 133) / 2.0 +
                     0.10 * (133 + 667) / 2.0 + 0.10 * (667 + 1333) / 2.0 +
                     0.10 * (1333 + 3333) / 2.0 + 0.07 * (3333 + 6667) / 2.0 +
                     0.03 * (6667 + 20000) / 2.0;
    EXPECT_NEAR(cdf.GetMean(), packets * PACKET, 1e-6 * packets * PACKET);
    // pFabric's scripts use 1138 packets; the exact piecewise-linear mean is 1141.
    EXPECT_NEAR(cdf.GetMean() / PACKET, 1141.0, 0.1);
}

TEST(FlowSizeCdfFiles, DataMining)
{
    FlowSizeCdf cdf = LoadOk(Shipped("data-mining.cdf"));
    ASSERT_EQ(cdf.GetPoints().size(), 8u);
    // Half of the flows are one packet; the largest are 666667 packets (about 1 GB).
    EXPECT_EQ(cdf.GetMin(), 1460u);
    EXPECT_EQ(cdf.GetMax(), 666667 * 1460u);
    EXPECT_DOUBLE_EQ(cdf.Cdf(PACKET), 0.5);
    EXPECT_DOUBLE_EQ(cdf.Cdf(66667 * PACKET), 0.99);
    EXPECT_EQ(cdf.Quantile(0.5), 1460u);
    double packets = 0.5 * 1 + 0.1 * (1 + 2) / 2.0 + 0.1 * (2 + 3) / 2.0 + 0.1 * (3 + 7) / 2.0 +
                     0.1 * (7 + 267) / 2.0 + 0.05 * (267 + 2107) / 2.0 +
                     0.04 * (2107 + 66667) / 2.0 + 0.01 * (66667 + 666667) / 2.0;
    EXPECT_NEAR(cdf.GetMean(), packets * PACKET, 1e-6 * packets * PACKET);
    // pFabric's scripts use 5117 packets.
    EXPECT_NEAR(cdf.GetMean() / PACKET, 5117.0, 0.5);
}

namespace
{
/// Pins the global seed and run so that a fixed stream gives fixed numbers whatever ran
/// before (scenario runs set the seed), and restores them afterwards.
class FlowSizeCdfSampling : public ::testing::TestWithParam<const char*>
{
  protected:
    void SetUp() override
    {
        m_seed = RngSeedManager::GetSeed();
        m_run = RngSeedManager::GetRun();
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(1);
    }

    void TearDown() override
    {
        RngSeedManager::SetSeed(m_seed);
        RngSeedManager::SetRun(m_run);
    }

    /// \p n sizes drawn from \p cdf with stream \p stream.
    static std::vector<uint64_t> Draw(const FlowSizeCdf& cdf, int64_t stream, std::size_t n)
    {
        Ptr<UniformRandomVariable> u = CreateObject<UniformRandomVariable>();
        u->SetStream(stream);
        std::vector<uint64_t> sizes(n);
        for (auto& size : sizes)
        {
            size = cdf.Sample(u);
        }
        return sizes;
    }

  private:
    uint32_t m_seed{1};
    uint64_t m_run{1};
};
} // namespace

TEST_P(FlowSizeCdfSampling, KolmogorovSmirnovAndMean)
{
    const std::string file = Shipped(GetParam());
    FlowSizeCdf cdf = LoadOk(file);
    constexpr std::size_t N = 100000;
    std::vector<uint64_t> sizes = Draw(cdf, 42, N);
    std::sort(sizes.begin(), sizes.end());

    // D = sup |F_N - F|. Both are step-or-continuous, so compare at each distinct sample value
    // v on both sides: F_N(v-) = (samples below v) / N against F(v-), and F_N(v) against F(v).
    double d = 0;
    for (std::size_t i = 0; i < N;)
    {
        std::size_t j = i;
        while (j < N && sizes[j] == sizes[i])
        {
            ++j;
        }
        auto v = static_cast<double>(sizes[i]);
        double below = cdf.Cdf(std::nextafter(v, -std::numeric_limits<double>::infinity()));
        d = std::max(d, std::abs(static_cast<double>(i) / N - below));
        d = std::max(d, std::abs(static_cast<double>(j) / N - cdf.Cdf(v)));
        i = j;
    }
    EXPECT_LT(d, 1.628 / std::sqrt(static_cast<double>(N))) << "KS statistic of " << file;

    double sum = 0;
    for (uint64_t size : sizes)
    {
        sum += static_cast<double>(size);
    }
    double mean = sum / N;
    double standardError = std::sqrt(cdf.GetVariance() / N);
    EXPECT_LT(std::abs(mean - cdf.GetMean()), 4 * standardError)
        << "sample mean " << mean << " against " << cdf.GetMean();
    EXPECT_GE(sizes.front(), cdf.GetMin());
    EXPECT_LE(sizes.back(), cdf.GetMax());
}

TEST_P(FlowSizeCdfSampling, SameStreamSameSizes)
{
    FlowSizeCdf cdf = LoadOk(Shipped(GetParam()));
    std::vector<uint64_t> first = Draw(cdf, 7, 1000);
    EXPECT_EQ(Draw(cdf, 7, 1000), first);
    EXPECT_NE(Draw(cdf, 8, 1000), first);
}

INSTANTIATE_TEST_SUITE_P(FlowSizeCdfSampling,
                         FlowSizeCdfSampling,
                         ::testing::Values("web-search.cdf", "data-mining.cdf"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                             return std::string(info.index == 0 ? "WebSearch" : "DataMining");
                         });

TEST(FlowSizeCdf, SampleIgnoresTheStreamsOwnBounds)
{
    // A stream set up for something else still yields sizes of this distribution.
    FlowSizeCdf cdf = ParseOk(SMALL);
    Ptr<UniformRandomVariable> u = CreateObject<UniformRandomVariable>();
    u->SetAttribute("Min", DoubleValue(5));
    u->SetAttribute("Max", DoubleValue(10));
    for (int i = 0; i < 1000; ++i)
    {
        uint64_t size = cdf.Sample(u);
        EXPECT_GE(size, 100u);
        EXPECT_LE(size, 1000u);
        EXPECT_TRUE(size <= 200 || size >= 400) << size; // nothing in (200, 400)
    }
}
