/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef ROCE_HEADER_H
#define ROCE_HEADER_H

#include "ns3/header.h"
#include "ns3/mac48-address.h"
#include "ns3/nstime.h"

#include <array>
#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup fabric-net
 * \brief One hop's in-band telemetry for HPCC: the state of the egress port a frame left by.
 *
 * On the wire a hop is 8 bytes: link-rate code (4 bits), queue length (20 bits, 64-byte units,
 * saturating), transmitted bytes (20 bits, 64-byte units, wrapping) and timestamp (20 bits,
 * nanoseconds, wrapping). The wrapping fields are meant for differences between two samples of
 * the same port taken less than 64 MiB of traffic and 1 ms apart (IntTxBytesDelta, IntTimeDelta).
 */
struct IntHop
{
    uint64_t bitRate{0};    //!< port rate (one of the Ethernet rates 10G .. 1.6T)
    uint64_t queueBytes{0}; //!< bytes queued at the frame's priority, a multiple of 64
    uint32_t txUnits{0};    //!< bytes the port had sent / 64, modulo 2^20
    uint32_t timeNs{0};     //!< when the frame left, nanoseconds modulo 2^20

    static constexpr uint32_t UNIT_BYTES = 64;
    static constexpr uint32_t WRAP = 1U << 20;

    /// Bytes the port sent between samples \p earlier and \p later.
    static uint64_t TxBytesDelta(const IntHop& earlier, const IntHop& later)
    {
        return uint64_t((later.txUnits - earlier.txUnits) & (WRAP - 1)) * UNIT_BYTES;
    }

    /// Nanoseconds between samples \p earlier and \p later.
    static uint32_t TimeDelta(const IntHop& earlier, const IntHop& later)
    {
        return (later.timeNs - earlier.timeNs) & (WRAP - 1);
    }
};

/**
 * \ingroup fabric-net
 * \brief The headers of a RoCEv2 frame in one ns-3 Header: Ethernet II, IPv4, UDP (4791),
 *        InfiniBand BTH and, on acknowledgements, AETH.
 *
 * One Header instead of four so that a hop parses a frame once into this small struct. The
 * bytes are the real ones (a capture decodes in Wireshark as RoCE). What follows the header in
 * the Packet is the zero-filled payload, BTH pad bytes and the 4-byte ICRC; the sender states its
 * size with SetTrailerBytes() so the IPv4 and UDP lengths are right. The ICRC is carried as zeros.
 *
 * Frames whose EtherType is not IPv4 (PFC pause frames) deserialize only their Ethernet header:
 * IsRoce() is then false and GetEtherType() tells what they are.
 *
 * An acknowledgement echoes the CE marks of the data it covers (DCTCP's ECN-Echo) in the second
 * lowest bit of the BTH's reserved fifth byte.
 *
 * In-band telemetry (for HPCC) rides behind the BTH (and AETH), flagged by the lowest bit of
 * the BTH's reserved fifth byte: a 4-byte INT header (hop count, flags) and 8 bytes per hop
 * (IntHop), at most INT_MAX_HOPS. A data frame collects hops; an acknowledgement echoes them
 * (IsIntEcho) and collects none. Wireshark still decodes the frame as RoCE (the INT bytes show
 * as the start of the payload).
 */
class RoceHeader : public Header
{
  public:
    /// BTH opcodes of the Reliable Connected transport used here (IBTA Vol. 1, 9.2.1), and CNP.
    enum Opcode : uint8_t
    {
        RC_SEND_FIRST = 0x00,
        RC_SEND_MIDDLE = 0x01,
        RC_SEND_LAST = 0x02,
        RC_SEND_ONLY = 0x04,
        RC_ACKNOWLEDGE = 0x11,
        CNP = 0x81,
    };

    static constexpr uint16_t ETHERTYPE_IPV4 = 0x0800;
    static constexpr uint16_t ROCEV2_UDP_PORT = 4791;
    static constexpr uint32_t ETH_BYTES = 14;
    static constexpr uint32_t IPV4_BYTES = 20;
    static constexpr uint32_t UDP_BYTES = 8;
    static constexpr uint32_t BTH_BYTES = 12;
    static constexpr uint32_t AETH_BYTES = 4;
    static constexpr uint32_t ICRC_BYTES = 4;
    static constexpr uint32_t INT_HEADER_BYTES = 4;
    static constexpr uint32_t INT_HOP_BYTES = 8;
    /// Hops the telemetry holds: a 3-tier fat-tree path has at most 5 switches.
    static constexpr uint32_t INT_MAX_HOPS = 5;
    /// IPv4 ECN codepoints (RFC 3168).
    static constexpr uint8_t ECN_NOT_ECT = 0;
    static constexpr uint8_t ECN_ECT1 = 1;
    static constexpr uint8_t ECN_ECT0 = 2;
    static constexpr uint8_t ECN_CE = 3;
    /// AETH syndrome of a positive ACK with the "invalid credit count" code (IBTA 9.7.5.1.1).
    static constexpr uint8_t AETH_ACK = 0x1F;
    /// AETH syndrome of a NAK for a PSN sequence error (IBTA 9.7.5.2.4): the PSN is missing.
    static constexpr uint8_t AETH_NAK_PSN_SEQUENCE = 0x60;

    RoceHeader();

    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    void Print(std::ostream& os) const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;

    /// True for an IPv4 frame, the only kind this header parses past Ethernet (fabric IPv4
    /// traffic is all RoCEv2).
    bool IsRoce() const
    {
        return m_etherType == ETHERTYPE_IPV4;
    }

    uint16_t GetEtherType() const
    {
        return m_etherType;
    }

    /// True when the opcode carries an AETH (acknowledgements).
    bool HasAeth() const
    {
        return m_opcode == RC_ACKNOWLEDGE;
    }

    void SetSource(uint32_t ipv4)
    {
        m_srcIp = ipv4;
    }

    uint32_t GetSource() const
    {
        return m_srcIp;
    }

    void SetDestination(uint32_t ipv4)
    {
        m_dstIp = ipv4;
    }

    uint32_t GetDestination() const
    {
        return m_dstIp;
    }

    /// UDP source port: RoCEv2 uses it as flow entropy for ECMP.
    void SetSourcePort(uint16_t port)
    {
        m_srcPort = port;
    }

    uint16_t GetSourcePort() const
    {
        return m_srcPort;
    }

    uint16_t GetDestinationPort() const
    {
        return m_dstPort;
    }

    void SetDscp(uint8_t dscp)
    {
        m_dscp = dscp & 0x3F;
    }

    uint8_t GetDscp() const
    {
        return m_dscp;
    }

    void SetEcn(uint8_t ecn)
    {
        m_ecn = ecn;
    }

    uint8_t GetEcn() const
    {
        return m_ecn;
    }

    void SetOpcode(uint8_t opcode)
    {
        m_opcode = opcode;
    }

    uint8_t GetOpcode() const
    {
        return m_opcode;
    }

    void SetDestQp(uint32_t qpn)
    {
        m_destQp = qpn & 0xFFFFFF;
    }

    uint32_t GetDestQp() const
    {
        return m_destQp;
    }

    void SetAckReq(bool ackReq)
    {
        m_ackReq = ackReq;
    }

    bool GetAckReq() const
    {
        return m_ackReq;
    }

    /// Packet sequence number, 24 bits on the wire.
    void SetPsn(uint32_t psn)
    {
        m_psn = psn & 0xFFFFFF;
    }

    uint32_t GetPsn() const
    {
        return m_psn;
    }

    void SetSyndrome(uint8_t syndrome)
    {
        m_syndrome = syndrome;
    }

    uint8_t GetSyndrome() const
    {
        return m_syndrome;
    }

    /// On an acknowledgement: some of the data it covers arrived CE-marked.
    void SetEcnEcho(bool echo)
    {
        m_ecnEcho = echo;
    }

    bool GetEcnEcho() const
    {
        return m_ecnEcho;
    }

    /// Message sequence number carried by the AETH, 24 bits on the wire.
    void SetMsn(uint32_t msn)
    {
        m_msn = msn & 0xFFFFFF;
    }

    uint32_t GetMsn() const
    {
        return m_msn;
    }

    /**
     * \brief Set the byte count behind this header in the Packet (payload, pad, ICRC).
     * \param payload the application payload bytes of this packet
     * Sets the BTH pad count that aligns the payload to 4 bytes.
     * \return the bytes to put behind the header: payload + pad + ICRC
     */
    uint32_t SetPayload(uint32_t payload);

    /// Bytes of a data packet (no AETH, no INT) carrying \p payload bytes: the headers, the
    /// payload, its pad and the ICRC, as in the Packet (the wire adds FCS, preamble and gap).
    static uint32_t GetDataPacketSize(uint32_t payload);

    /// Application payload bytes of the frame (as parsed from the IPv4 length and pad count).
    uint32_t GetPayload() const;

    /**
     * \name In-band telemetry
     * Enabling or pushing changes the header's size: set it before SetPayload() on a new frame;
     * a switch pushing a hop grows the frame by INT_HOP_BYTES (and its IPv4 and UDP lengths).
     * @{
     */
    /// Ask the switches on the path to record their egress state in this frame.
    void EnableInt();

    /// Carry \p hops back to their sender (an acknowledgement echoing a data frame's hops).
    void EchoInt(const RoceHeader& hops);

    /// True when a hop can name \p bitRate (10G, 25G, 40G, 50G, 100G, 200G, 400G, 800G, 1.6T);
    /// other rates are recorded as unknown.
    static bool IsIntRate(uint64_t bitRate);
    /// The rates a hop can name, for messages: "10, 25, ..., 800 and 1600 Gbps".
    static std::string DescribeIntRates();

    bool HasInt() const
    {
        return m_int;
    }

    /// True when the telemetry is an echo, which switches leave alone.
    bool IsIntEcho() const
    {
        return m_intEcho;
    }

    uint32_t GetIntHops() const
    {
        return m_intHops;
    }

    /// Hop \p i (0 is the first switch of the path), decoded.
    IntHop GetIntHop(uint32_t i) const;

    /**
     * \brief Append a hop, encoded at the wire's precision, growing the IPv4 length.
     * \return false (nothing changes) when the frame already holds INT_MAX_HOPS hops
     */
    bool PushIntHop(uint64_t bitRate, uint64_t queueBytes, uint64_t txBytes, Time now);
    /** @} */

  private:
    uint32_t TransportBytes() const;

    uint16_t m_etherType{ETHERTYPE_IPV4};
    uint32_t m_srcIp{0};
    uint32_t m_dstIp{0};
    uint16_t m_ipTotalLength{0};
    uint16_t m_srcPort{0};
    uint16_t m_dstPort{ROCEV2_UDP_PORT};
    uint8_t m_dscp{0};
    uint8_t m_ecn{ECN_NOT_ECT};
    uint8_t m_ttl{64};
    uint8_t m_opcode{RC_SEND_ONLY};
    uint8_t m_padCount{0};
    bool m_ackReq{false};
    uint32_t m_destQp{0};
    uint32_t m_psn{0};
    uint8_t m_syndrome{AETH_ACK};
    uint32_t m_msn{0};
    bool m_ecnEcho{false};
    bool m_int{false};
    bool m_intEcho{false};
    uint8_t m_intHops{0};
    std::array<uint64_t, INT_MAX_HOPS> m_intWords{};
};

/// The locally administered MAC address 02:00:<IPv4> of the NIC owning \p ipv4.
Mac48Address FabricMacAddress(uint32_t ipv4);

/// Write FabricMacAddress(\p ipv4) (the per-frame form of the same layout).
void WriteFabricMac(Buffer::Iterator& it, uint32_t ipv4);

} // namespace ns3

#endif // ROCE_HEADER_H
