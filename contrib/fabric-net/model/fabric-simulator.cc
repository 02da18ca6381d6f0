/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-simulator.h"

#include "ns3/global-value.h"
#include "ns3/nstime.h"
#include "ns3/string.h"

namespace ns3
{
namespace fabric
{

void
SetupSimulator()
{
    Time::SetResolution(Time::PS);
    GlobalValue::Bind("SchedulerType", StringValue("ns3::PriorityQueueScheduler"));
}

} // namespace fabric
} // namespace ns3
