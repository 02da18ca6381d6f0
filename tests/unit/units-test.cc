/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/fabric-units.h"

#include <gtest/gtest.h>

using namespace ns3;

TEST(WireTime, FullRoceFrameAt800G)
{
    // 4154 B in the Packet + FCS 4 + preamble/IFG 20 = 4178 B = 33424 bits; at 800 Gb/s that is
    // 41.78 ns, exactly, which nanosecond resolution could not hold.
    EXPECT_EQ(fabric::WireTime(4154, 800000000000ULL).GetPicoSeconds(), 41780);
    EXPECT_EQ(fabric::WireBytes(4154), 4178u);
}

TEST(WireTime, ShortFramesArePaddedToTheEthernetMinimum)
{
    // A 40-byte packet still occupies a 64-byte frame plus 20 bytes of preamble and IFG.
    EXPECT_EQ(fabric::WireBytes(40), 84u);
    EXPECT_EQ(fabric::WireTime(40, 100000000000ULL).GetPicoSeconds(), 84 * 8 * 10);
}

TEST(WireTime, OddRatesRoundToThePicosecond)
{
    // 1000 wire bytes at 3 Gb/s = 8000/3 ns = 2666666.67 ps.
    EXPECT_EQ(fabric::WireTime(976, 3000000000ULL).GetPicoSeconds(), 2666667);
}

TEST(CableDelay, FiveNanosecondsPerMetre)
{
    EXPECT_EQ(fabric::CableDelay(2.0).GetPicoSeconds(), 10000);
    EXPECT_EQ(fabric::CableDelay(0.5).GetPicoSeconds(), 2500);
}

TEST(ParseUnits, Rates)
{
    uint64_t bps = 0;
    EXPECT_EQ(fabric::ParseDataRate("800Gbps", bps), "");
    EXPECT_EQ(bps, 800000000000ULL);
    EXPECT_EQ(fabric::ParseDataRate("1.6Tb/s", bps), "");
    EXPECT_EQ(bps, 1600000000000ULL);
    EXPECT_NE(fabric::ParseDataRate("800", bps), "");
    EXPECT_NE(fabric::ParseDataRate("800GB", bps), "");
    EXPECT_NE(fabric::ParseDataRate("0Gbps", bps), "");
    EXPECT_NE(fabric::ParseDataRate("-1Gbps", bps).find("negative"), std::string::npos);
}

TEST(ParseUnits, Times)
{
    Time t;
    EXPECT_EQ(fabric::ParseTime("500ns", t), "");
    EXPECT_EQ(t.GetPicoSeconds(), 500000);
    EXPECT_EQ(fabric::ParseTime("1.5us", t), "");
    EXPECT_EQ(t.GetPicoSeconds(), 1500000);
    EXPECT_NE(fabric::ParseTime("0", t).find("missing unit"), std::string::npos);
    EXPECT_NE(fabric::ParseTime("3 parsecs", t).find("unknown unit 'parsecs'"), std::string::npos);
    EXPECT_NE(fabric::ParseTime("-2ms", t), "");
    // Time is signed 64-bit picoseconds: 10^7 s = 10^19 ps does not fit.
    EXPECT_NE(fabric::ParseTime("10000000s", t).find("too large"), std::string::npos);
    EXPECT_EQ(fabric::ParseTime("100000s", t), "");
    EXPECT_EQ(fabric::ParseTime("800 ns", t), "");
    EXPECT_EQ(t.GetPicoSeconds(), 800000);
}

TEST(ParseUnits, Sizes)
{
    uint64_t bytes = 0;
    EXPECT_EQ(fabric::ParseBytes("64MiB", bytes), "");
    EXPECT_EQ(bytes, 64ULL << 20);
    EXPECT_EQ(fabric::ParseBytes("4KB", bytes), "");
    EXPECT_EQ(bytes, 4000u);
    EXPECT_EQ(fabric::ParseBytes("4096", bytes), "");
    EXPECT_EQ(bytes, 4096u);
    EXPECT_NE(fabric::ParseBytes("-5MiB", bytes), "");
    EXPECT_NE(fabric::ParseBytes("1.5", bytes).find("whole number"), std::string::npos);
    EXPECT_EQ(fabric::ParseBytes("0.5KiB", bytes), "");
    EXPECT_EQ(bytes, 512u);
    EXPECT_NE(fabric::ParseBytes("lots", bytes), "");
    EXPECT_NE(fabric::ParseBytes("99999999TiB", bytes).find("too large"), std::string::npos);
}
