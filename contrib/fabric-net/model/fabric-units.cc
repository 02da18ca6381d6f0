/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-units.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <utility>
#include <vector>

namespace ns3
{
namespace fabric
{

uint32_t
WireBytes(uint32_t packetBytes)
{
    return std::max(packetBytes + FCS_BYTES, MIN_FRAME_BYTES) + PREAMBLE_IFG_BYTES;
}

Time
BitsTime(uint64_t bits, uint64_t bitsPerSecond)
{
    constexpr uint64_t PS_PER_S = 1000000000000ULL;
    // A frame's bits at any real rate fit in 64 bits (10^19 + 5 * 10^17 < 2^64), and a 64-bit
    // division is several times faster than a 128-bit one; the result is the same.
    if (bits <= 10000000ULL && bitsPerSecond <= 1000000000000000000ULL)
    {
        return PicoSeconds((bits * PS_PER_S + bitsPerSecond / 2) / bitsPerSecond);
    }
    // 128-bit intermediate: bits * 1e12 overflows 64 bits beyond 18 Mbit.
    unsigned __int128 ps =
        (static_cast<unsigned __int128>(bits) * 1000000000000ULL + bitsPerSecond / 2) /
        bitsPerSecond;
    return PicoSeconds(static_cast<uint64_t>(ps));
}

Time
WireTime(uint32_t packetBytes, uint64_t bitsPerSecond)
{
    return BitsTime(uint64_t(WireBytes(packetBytes)) * 8, bitsPerSecond);
}

Time
CableDelay(double metres)
{
    return PicoSeconds(static_cast<uint64_t>(metres * 5000.0 + 0.5));
}

namespace
{
using UnitTable = std::vector<std::pair<const char*, long double>>;

/**
 * Split "<number><unit>" and scale by the unit; the result must be at most \p max and, when
 * \p whole, an integer.
 */
std::string
ParseScaled(const std::string& text,
            const UnitTable& units,
            const char* what,
            long double max,
            bool whole,
            uint64_t& out)
{
    std::size_t end = 0;
    while (end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.'))
    {
        ++end;
    }
    std::string number = text.substr(0, end);
    std::string unit = text.substr(end);
    std::size_t unitStart = unit.find_first_not_of(' ');
    if (unitStart != std::string::npos)
    {
        unit.erase(0, unitStart); // "800 Gbps" reads as "800Gbps"
    }
    // The unit names, for error messages only.
    auto expected = [&units]() {
        std::string list;
        for (const auto& [name, scale] : units)
        {
            if (*name != '\0')
            {
                list += list.empty() ? name : std::string(", ") + name;
            }
        }
        return list;
    };
    if (!text.empty() && text.front() == '-')
    {
        return std::string(what) + " must not be negative: '" + text + "'";
    }
    char* parsedEnd = nullptr;
    long double value = number.empty() ? 0 : std::strtold(number.c_str(), &parsedEnd);
    if (number.empty() || parsedEnd != number.c_str() + number.size())
    {
        return "'" + text + "' is not a " + what + " (a number and a unit: " + expected() + ")";
    }
    for (const auto& [name, scale] : units)
    {
        if (unit == name)
        {
            long double scaled = std::round(value * scale);
            if (scaled > max)
            {
                return std::string(what) + " '" + text + "' is too large";
            }
            if (whole && scaled != value * scale)
            {
                return std::string(what) + " '" + text + "' is not a whole number";
            }
            out = static_cast<uint64_t>(scaled);
            return "";
        }
    }
    return "'" + text + "': " + (unit.empty() ? "missing unit" : "unknown unit '" + unit + "'") +
           " for a " + what + " (expected one of " + expected() + ")";
}
} // namespace

std::string
ParseDataRate(const std::string& text, uint64_t& bitsPerSecond)
{
    static const UnitTable units{{"bps", 1},
                                 {"Kbps", 1e3},
                                 {"Mbps", 1e6},
                                 {"Gbps", 1e9},
                                 {"Tbps", 1e12},
                                 {"b/s", 1},
                                 {"Kb/s", 1e3},
                                 {"Mb/s", 1e6},
                                 {"Gb/s", 1e9},
                                 {"Tb/s", 1e12},
                                 // Bytes per second, as NVLink and PCIe are quoted.
                                 {"B/s", 8},
                                 {"KB/s", 8e3},
                                 {"MB/s", 8e6},
                                 {"GB/s", 8e9},
                                 {"TB/s", 8e12}};
    std::string error = ParseScaled(text, units, "data rate", 1e15L, false, bitsPerSecond);
    if (error.empty() && bitsPerSecond == 0)
    {
        return "a data rate must be positive: '" + text + "'";
    }
    return error;
}

std::string
ParseBool(const std::string& text, bool& value)
{
    for (const char* word : {"true", "True", "TRUE", "false", "False", "FALSE"})
    {
        if (text == word)
        {
            value = text[0] == 't' || text[0] == 'T';
            return "";
        }
    }
    return "expected true or false, not '" + text + "'";
}

std::string
ParseTime(const std::string& text, Time& time)
{
    static const UnitTable units{{"ps", 1}, {"ns", 1e3}, {"us", 1e6}, {"ms", 1e9}, {"s", 1e12}};
    uint64_t ps = 0;
    // Time holds signed 64-bit picoseconds: about 106 days.
    std::string error =
        ParseScaled(text, units, "time", std::numeric_limits<int64_t>::max(), false, ps);
    if (error.empty())
    {
        time = PicoSeconds(ps);
    }
    return error;
}

std::string
ParseBytes(const std::string& text, uint64_t& bytes)
{
    static const UnitTable units{{"", 1},
                                 {"B", 1},
                                 {"KB", 1e3},
                                 {"MB", 1e6},
                                 {"GB", 1e9},
                                 {"TB", 1e12},
                                 {"KiB", 1024.0L},
                                 {"MiB", 1024.0L * 1024},
                                 {"GiB", 1024.0L * 1024 * 1024},
                                 {"TiB", 1024.0L * 1024 * 1024 * 1024}};
    return ParseScaled(text, units, "size", std::numeric_limits<int64_t>::max(), true, bytes);
}

namespace
{
/// \p value in the largest unit of \p units (largest first) that divides it.
std::string
FormatScaled(uint64_t value, std::initializer_list<std::pair<const char*, uint64_t>> units)
{
    for (const auto& [name, scale] : units)
    {
        if (value % scale == 0 && (value != 0 || scale == 1))
        {
            return std::to_string(value / scale) + name;
        }
    }
    return std::to_string(value);
}
} // namespace

std::string
FormatDataRate(uint64_t bitsPerSecond)
{
    return FormatScaled(bitsPerSecond,
                        {{"Tbps", 1000000000000ULL},
                         {"Gbps", 1000000000ULL},
                         {"Mbps", 1000000ULL},
                         {"Kbps", 1000ULL},
                         {"bps", 1}});
}

std::string
FormatTime(Time time)
{
    return FormatScaled(static_cast<uint64_t>(time.GetPicoSeconds()),
                        {{"s", 1000000000000ULL},
                         {"ms", 1000000000ULL},
                         {"us", 1000000ULL},
                         {"ns", 1000ULL},
                         {"ps", 1}});
}

std::string
FormatBytes(uint64_t bytes)
{
    return FormatScaled(bytes,
                        {{"TiB", 1ULL << 40},
                         {"GiB", 1ULL << 30},
                         {"MiB", 1ULL << 20},
                         {"KiB", 1ULL << 10},
                         {"B", 1}});
}

std::string
ParseLength(const std::string& text, uint64_t& millimetres)
{
    static const UnitTable units{{"mm", 1}, {"cm", 10}, {"m", 1e3}, {"km", 1e6}};
    return ParseScaled(text, units, "length", 1e12L, true, millimetres);
}

} // namespace fabric
} // namespace ns3
