/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_UNITS_H
#define FABRIC_UNITS_H

#include "ns3/nstime.h"

#include <cstdint>
#include <string>

namespace ns3
{
namespace fabric
{

/// Ethernet preamble + start-of-frame delimiter (8 B) and minimum inter-frame gap (12 B).
constexpr uint32_t PREAMBLE_IFG_BYTES = 20;
/// Ethernet frame check sequence, counted in wire time but not stored in the packet.
constexpr uint32_t FCS_BYTES = 4;
/// Bytes a frame occupies on the wire beyond what the ns-3 Packet holds.
constexpr uint32_t WIRE_OVERHEAD_BYTES = PREAMBLE_IFG_BYTES + FCS_BYTES;
/// Minimum Ethernet frame (with FCS); shorter frames are padded on the wire.
constexpr uint32_t MIN_FRAME_BYTES = 64;

/**
 * \brief Serialization time of a frame whose Packet holds \p packetBytes, at \p bitsPerSecond.
 *
 * Integer picoseconds, exact whenever the rate divides 8e12 (every Ethernet rate does), so
 * 4178 wire bytes at 800 Gb/s is exactly 41.78 ns.
 */
Time WireTime(uint32_t packetBytes, uint64_t bitsPerSecond);

/// The RoCE path MTUs (IBTA: 256 to 4096 bytes, powers of two), for messages.
constexpr const char* ROCE_MTUS = "256, 512, 1024, 2048 or 4096";

/// Whether \p bytes is a RoCE path MTU.
constexpr bool
IsRoceMtu(uint64_t bytes)
{
    return bytes >= 256 && bytes <= 4096 && (bytes & (bytes - 1)) == 0;
}

/// Time to send \p bits at \p bitsPerSecond, rounded to the picosecond.
Time BitsTime(uint64_t bits, uint64_t bitsPerSecond);

/// Wire bytes (preamble, IFG, FCS and minimum-frame padding included) of a packet.
uint32_t WireBytes(uint32_t packetBytes);

/// Fiber propagation delay: 5 ns per metre.
Time CableDelay(double metres);

/**
 * \name Quantities written with units, as in YAML files ("800Gbps", "500ns", "64MiB").
 * Each returns an empty string on success, or what is wrong with \p text. Negative values and
 * missing or unknown units are errors.
 * @{
 */
/// Bit rates: bps, Kbps, Mbps, Gbps, Tbps (also written Gb/s); decimal multiples. Byte rates
/// B/s, KB/s, MB/s, GB/s, TB/s (eight bits a byte), as NVLink and PCIe are quoted.
std::string ParseDataRate(const std::string& text, uint64_t& bitsPerSecond);
/// Times: ps, ns, us, ms, s; rounded to the picosecond.
std::string ParseTime(const std::string& text, Time& time);
/// Sizes: bare bytes, B, KB, MB, GB, TB (powers of 1000), KiB, MiB, GiB, TiB (powers of 1024).
std::string ParseBytes(const std::string& text, uint64_t& bytes);
/// Lengths: mm, cm, m, km, to the millimetre.
std::string ParseLength(const std::string& text, uint64_t& millimetres);
/// Booleans as YAML writes them: true, True, TRUE, false, False, FALSE.
std::string ParseBool(const std::string& text, bool& value);
/** @} */

/// \name The inverse: the largest unit that writes the value exactly ("800Gbps", "7200Gbps",
/// "500ns", "10500ps"), read back unchanged by the parsers above.
/// @{
std::string FormatDataRate(uint64_t bitsPerSecond);
std::string FormatTime(Time time);
std::string FormatBytes(uint64_t bytes);
/// @}

} // namespace fabric
} // namespace ns3

#endif // FABRIC_UNITS_H
