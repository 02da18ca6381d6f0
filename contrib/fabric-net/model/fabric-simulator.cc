/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-simulator.h"

#include "ns3/global-value.h"
#include "ns3/nstime.h"
#include "ns3/string.h"

#include <cstdlib>
#include <string>

namespace ns3
{
namespace fabric
{

void
SetupSimulator()
{
    Time::SetResolution(Time::PS);
    // ns-3's own way of choosing another one (NS_GLOBAL_VALUE) still works: benchmarks use it.
    const char* chosen = std::getenv("NS_GLOBAL_VALUE");
    if (!chosen || std::string(chosen).find("SimulatorImplementationType") == std::string::npos)
    {
        GlobalValue::Bind("SimulatorImplementationType", StringValue("ns3::FabricSimulatorImpl"));
    }
}

} // namespace fabric
} // namespace ns3
