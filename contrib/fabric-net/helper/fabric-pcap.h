/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_PCAP_H
#define FABRIC_PCAP_H

#include "ns3/pcap-file-wrapper.h"
#include "ns3/ptr.h"

#include <string>

namespace ns3
{

class FabricNetDevice;

/**
 * \ingroup fabric-net
 * \brief Write every frame a port sends or receives to \p filename as an Ethernet pcap
 *        (no FCS), which Wireshark and tshark decode as RoCEv2 and PFC.
 *
 * A sent frame is stamped when its first bit leaves; a received frame when the port hands it to
 * its owner, that is after the port's RxDelay (a switch's pipeline latency).
 *
 * \return the file, which its last frame reaches when it is closed (or destroyed with the port)
 */
Ptr<PcapFileWrapper> EnableFabricPcap(Ptr<FabricNetDevice> device, const std::string& filename);

} // namespace ns3

#endif // FABRIC_PCAP_H
