/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/vector-queue.h"

#include <deque>
#include <gtest/gtest.h>
#include <random>

using namespace ns3;

TEST(VectorQueue, KeepsOrderAcrossCompactionsLikeADeque)
{
    // Random pushes and pops, with long runs either way so that the front is dropped many
    // times: every observation matches std::deque's.
    VectorQueue<uint64_t> q;
    std::deque<uint64_t> model;
    std::mt19937_64 rng(7);
    uint64_t next = 0;
    for (int round = 0; round < 200; ++round)
    {
        bool grow = rng() % 3 != 0;
        uint64_t steps = rng() % 100;
        for (uint64_t i = 0; i < steps; ++i)
        {
            if (grow || model.empty())
            {
                q.push_back(next);
                model.push_back(next++);
            }
            else
            {
                ASSERT_EQ(q.front(), model.front());
                q.pop_front();
                model.pop_front();
            }
            ASSERT_EQ(q.size(), model.size());
            ASSERT_EQ(q.empty(), model.empty());
        }
        ASSERT_TRUE(std::equal(q.begin(), q.end(), model.begin(), model.end()));
    }
    q.clear();
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.begin(), q.end());
}
