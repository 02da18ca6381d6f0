/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/fabric-simulator.h"

#include <gtest/gtest.h>

int
main(int argc, char** argv)
{
    // As in nsfab: picoseconds before any Time exists.
    ns3::fabric::SetupSimulator();
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
