/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/double.h"
#include "ns3/ecn-marker.h"

#include <cmath>

using namespace ns3;
using namespace nsfab_test;

TEST_F(FabricTest, RedMarkingFractionFollowsTheLineBetweenKminAndKmax)
{
    Ptr<RedEcnMarker> red = CreateObject<RedEcnMarker>();
    red->SetAttribute("Kmin", UintegerValue(100000));
    red->SetAttribute("Kmax", UintegerValue(400000));
    red->SetAttribute("Pmax", DoubleValue(0.2));
    red->AssignStreams(7);
    // (queue bytes, marking probability) worked out by hand from the RED line
    // p = Pmax * (q - Kmin) / (Kmax - Kmin), 0 at or below Kmin, 1 at or above Kmax.
    const std::pair<uint64_t, double> points[] = {
        {50000, 0.0},
        {100000, 0.0},
        {175000, 0.05},
        {250000, 0.1},
        {325000, 0.15},
        {399999, 0.2 * 299999 / 300000},
        {400000, 1.0},
        {1000000, 1.0},
    };
    const int draws = 20000;
    for (const auto& [queue, p] : points)
    {
        int marked = 0;
        for (int i = 0; i < draws; ++i)
        {
            marked += red->ShouldMark(3, queue) ? 1 : 0;
        }
        // A binomial count: within 4.5 standard deviations (one false failure in ~150,000
        // runs per point), exact at p = 0 and p = 1.
        double sigma = std::sqrt(draws * p * (1 - p));
        EXPECT_NEAR(marked, draws * p, 4.5 * sigma + 1e-9) << "queue " << queue << " B";
    }
}

TEST_F(FabricTest, RedProfilesArePerPriority)
{
    Ptr<RedEcnMarker> red = CreateObject<RedEcnMarker>();
    red->SetProfile(5, 1000, 2000, 0.5);
    // Priority 5 has its own line; the others keep the defaults (Kmin 100 KB).
    EXPECT_DOUBLE_EQ(red->GetMarkProbability(5, 1500), 0.25);
    EXPECT_DOUBLE_EQ(red->GetMarkProbability(5, 2000), 1.0);
    EXPECT_DOUBLE_EQ(red->GetMarkProbability(3, 1500), 0.0);
    EXPECT_DOUBLE_EQ(red->GetMarkProbability(3, 4000000), 1.0);
}
