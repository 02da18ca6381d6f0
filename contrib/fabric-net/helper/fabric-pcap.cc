/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-pcap.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/fabric-net-device.h"
#include "ns3/simulator.h"
#include "ns3/trace-helper.h"

namespace ns3
{

namespace
{
void
WriteFrame(Ptr<PcapFileWrapper> file, Ptr<const Packet> packet)
{
    file->Write(Simulator::Now(), packet);
}
} // namespace

Ptr<PcapFileWrapper>
EnableFabricPcap(Ptr<FabricNetDevice> device, const std::string& filename)
{
    // Nanosecond timestamps: at 800 Gb/s a frame takes tens of nanoseconds.
    Ptr<PcapFileWrapper> file = CreateObject<PcapFileWrapper>();
    file->SetAttribute("NanosecMode", BooleanValue(true));
    file->Open(filename, std::ios::out);
    NS_ABORT_MSG_IF(file->Fail(), "cannot open " << filename << " for writing");
    file->Init(PcapHelper::DLT_EN10MB);
    device->TraceConnectWithoutContext("MacTx", MakeBoundCallback(&WriteFrame, file));
    device->TraceConnectWithoutContext("MacRx", MakeBoundCallback(&WriteFrame, file));
    return file;
}

} // namespace ns3
