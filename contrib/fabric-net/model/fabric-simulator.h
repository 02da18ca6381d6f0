/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_SIMULATOR_H
#define FABRIC_SIMULATOR_H

namespace ns3
{
namespace fabric
{

/**
 * \ingroup fabric-net
 * \brief Prepare ns-3 for fabric simulations; call it first thing in main().
 *
 * Sets the time resolution to picoseconds (before any Time exists: at 800 Gb/s nanosecond
 * rounding is a 1-2 % rate error) and selects ns3::FabricSimulatorImpl, whose order of events
 * is the same in one process and over MPI ranks.
 */
void SetupSimulator();

} // namespace fabric
} // namespace ns3

#endif // FABRIC_SIMULATOR_H
