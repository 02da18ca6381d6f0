/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Congestion-control plugins side by side. Each is made by TypeId through an ObjectFactory, as
// a queue pair makes its own from its CongestionControl attribute, bound to an 800 Gb/s port
// with a 4096-byte MTU, and given the same congestion notification packets (CNPs) at t = 0.
// DCQCN's reaction point cuts its rate on each CNP and climbs back every 55 us, in fast
// recovery first and then additively; its rate at the end is worked out here from the rules
// of the DCQCN paper (Zhu et al., SIGCOMM 2015). The other algorithms react to what ACKs
// carry (ECN echoes, telemetry, round-trip times), not to CNPs: they stay at line rate.
//
//   build/examples/rdma-congestion-control [--cnps=1] [--duration=200us]

#include "ns3/command-line.h"
#include "ns3/congestion-control.h"
#include "ns3/fabric-simulator.h"
#include "ns3/fabric-units.h"
#include "ns3/object-factory.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

using namespace ns3;

namespace
{
void
CountChange(uint32_t* changes, uint64_t oldRate, uint64_t newRate)
{
    ++*changes;
}
} // namespace

int
main(int argc, char* argv[])
{
    fabric::SetupSimulator(); // picosecond time, before any Time exists
    uint32_t cnps = 2;
    Time duration = MilliSeconds(1);
    CommandLine cmd(__FILE__);
    cmd.AddValue("cnps", "CNPs each congestion control receives at t = 0", cnps);
    cmd.AddValue("duration", "Time the congestion controls run for after the CNPs", duration);
    cmd.Parse(argc, argv);
    const uint64_t lineRate = 800000000000ULL;

    // DCQCN by the paper's rules, with its defaults: g = 1/256, F = 5 increase stages of fast
    // recovery, a 55 us increase timer, additive steps of 800 Mb/s, and a 100 Mb/s floor. Each
    // CNP: target Rt = Rc, Rc *= 1 - alpha/2, alpha = (1 - g) alpha + g (alpha starts at 1).
    // Each timer stage: from stage F on, Rt += RateAi; then Rc = (Rt + Rc) / 2.
    double rc = lineRate;
    double rt = lineRate;
    double alpha = 1;
    for (uint32_t i = 0; i < cnps; ++i)
    {
        rt = rc;
        rc = std::max(rc * (1 - alpha / 2), 100e6);
        alpha = (1 - 1.0 / 256) * alpha + 1.0 / 256;
    }
    const Time timer = MicroSeconds(55);
    // Timer stages before the end (a tick at the very end comes after the Stop).
    const int64_t stages = (duration.GetPicoSeconds() - 1) / timer.GetPicoSeconds();
    for (int64_t stage = 1; stage <= stages && rc < lineRate; ++stage)
    {
        rt = std::min<double>(rt + (stage >= 5 ? 800e6 : 0), lineRate);
        rc = std::min<double>((rt + rc) / 2, lineRate);
    }

    std::printf("%u CNP(s) at t = 0 to each congestion control on an 800 Gb/s port; its rate "
                "%s later\n",
                cnps,
                fabric::FormatTime(duration).c_str());
    std::printf("%-32s %14s %12s\n", "algorithm", "rate changes", "rate (Gb/s)");
    bool ok = true;
    const std::pair<std::string, std::string> algorithms[] = {
        {"ns3::NoCongestionControl", "line rate, whatever happens"},
        {"ns3::DcqcnCongestionControl", "the paper's cuts and increase stages"},
        {"ns3::DctcpCongestionControl", "reacts to ECN echoes in ACKs, not to CNPs"},
        {"ns3::HpccCongestionControl", "reacts to in-band telemetry, not to CNPs"},
        {"ns3::TimelyCongestionControl", "reacts to round-trip times, not to CNPs"},
    };
    for (const auto& [name, why] : algorithms)
    {
        ObjectFactory factory(name);
        Ptr<CongestionControl> cc = factory.Create<CongestionControl>();
        uint32_t changes = 0;
        cc->TraceConnectWithoutContext("Rate", MakeBoundCallback(&CountChange, &changes));
        cc->Init(lineRate, 4096);
        Simulator::Stop(duration);
        for (uint32_t i = 0; i < cnps; ++i)
        {
            Simulator::ScheduleNow(&CongestionControl::OnCnp, cc);
        }
        Simulator::Run();
        double expected = name == "ns3::DcqcnCongestionControl" ? rc : lineRate;
        ok = ok && std::abs(cc->GetRate() - expected) <= 1e-9 * lineRate;
        std::printf("%-32s %14u %12.3f (expected %.3f: %s)\n",
                    name.c_str(),
                    changes,
                    cc->GetRate() / 1e9,
                    expected / 1e9,
                    why.c_str());
        cc->Dispose();
        Simulator::Destroy();
    }
    if (!ok)
    {
        std::printf("a rate differs from its expectation\n");
        return 1;
    }
    return 0;
}
