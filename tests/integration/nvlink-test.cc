/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/fabric-units.h"
#include "ns3/nvlink-domain.h"
#include "ns3/scenario-runner.h"
#include "ns3/scenario.h"

using namespace ns3;
using namespace nsfab_test;

namespace
{
/// NVLink 5: 900 GB/s per GPU and direction.
constexpr uint64_t NVLINK_BPS = 7200000000000ULL;

void
Record(Time* at)
{
    *at = Simulator::Now();
}
} // namespace

TEST_F(FabricTest, NvlinkTransfersShareOnlyTheirGpusLinks)
{
    Ptr<NvlinkDomain> nvlink = CreateObject<NvlinkDomain>();
    nvlink->SetAttribute("Gpus", UintegerValue(8));
    nvlink->SetAttribute("Latency", TimeValue(NanoSeconds(600)));
    const uint64_t bytes = 9 << 20;
    Time serialize = fabric::BitsTime(bytes * 8, NVLINK_BPS);
    Time a;
    Time b;
    Time c;
    Time d;
    // GPU 0 sends to 1 and 2: its egress carries one after the other. GPU 3 to 4 runs beside
    // them (NVSwitch is a crossbar); GPU 5 to 1 waits for 1's ingress.
    auto first = nvlink->Transfer(0, 1, bytes, MakeBoundCallback(&Record, &a));
    nvlink->Transfer(0, 2, bytes, MakeBoundCallback(&Record, &b));
    nvlink->Transfer(3, 4, bytes, MakeBoundCallback(&Record, &c));
    nvlink->Transfer(5, 1, bytes, MakeBoundCallback(&Record, &d));
    Simulator::Run();
    EXPECT_EQ(first.start, Time(0));
    EXPECT_EQ(first.firstByte, NanoSeconds(600));
    EXPECT_EQ(first.arrival, serialize + NanoSeconds(600));
    EXPECT_EQ(a, serialize + NanoSeconds(600));
    EXPECT_EQ(b, serialize * 2 + NanoSeconds(600));
    EXPECT_EQ(c, serialize + NanoSeconds(600));
    EXPECT_EQ(d, serialize * 2 + NanoSeconds(600));
    EXPECT_EQ(nvlink->GetTxBytes(0), 2 * bytes);
    EXPECT_EQ(nvlink->GetTxBytes(1), 0u);
}

namespace
{
/// Two-GPU servers with a NIC per GPU on two rail planes (leaf-spines of radix 4: 8 servers).
const char* TWO_RAILS = R"(topology:
  profiles:
    host: {duo: {gpus: 2, nics: 2, nvlink: 1800GB/s, nvlink-latency: 600ns}}
  hosts: {profile: duo}
  fabric:
    planes:
      - {name: rail, count: 2, generator: leaf-spine, radix: 4}
flows:
)";

RunResult
RunFlow(const std::string& flow)
{
    std::vector<Diagnostic> d;
    Scenario s = ParseScenario(std::string(TWO_RAILS) + "  - " + flow + "\n", "t.yaml", d);
    EXPECT_TRUE(d.empty()) << d[0].Format();
    RunResult r = RunScenario(s, "");
    EXPECT_EQ(r.GetCompleted(), 1u) << flow;
    return r;
}
} // namespace

TEST_F(FabricTest, FlowsInsideAServerCrossNvlinkNotTheNics)
{
    const uint64_t bytes = 4 << 20;
    RunResult r = RunFlow("{src: host2:0, dst: host2:1, size: 4MiB}");
    EXPECT_EQ(r.flows[0].GetFct(), fabric::BitsTime(bytes * 8, NVLINK_BPS) + NanoSeconds(600));
    EXPECT_EQ(r.nicFrames, 0u);
    EXPECT_EQ(r.packetHops, 0u);
}

TEST_F(FabricTest, FlowsBetweenRailsTakeNvlinkToTheDestinationsRail)
{
    // host0's NIC 0 is on rail0, host5's NIC 1 on rail1: no switch joins them. The data
    // crosses NVLink to host0's GPU 1, whose NIC sends it on rail1, so the flow takes exactly
    // the NVLink transfer plus the rail1 flow from host0:1 on an idle fabric.
    const uint64_t bytes = 4 << 20;
    RunResult direct = RunFlow("{src: host0:1, dst: host5:1, size: 4MiB}");
    Simulator::Destroy();
    RunResult relayed = RunFlow("{src: host0:0, dst: host5:1, size: 4MiB}");
    EXPECT_EQ(relayed.flows[0].GetFct(),
              fabric::BitsTime(bytes * 8, NVLINK_BPS) + NanoSeconds(600) +
                  direct.flows[0].GetFct());
    EXPECT_EQ(relayed.nicFrames, direct.nicFrames);
    EXPECT_EQ(relayed.packetHops, direct.packetHops);
}

TEST(Scenario, FlowsWithoutAPathAreRejected)
{
    auto problems = [](const std::string& topology, const std::string& flow) {
        std::vector<Diagnostic> d;
        ParseScenario(topology + "  - " + flow + "\n", "t.yaml", d);
        return d;
    };
    // Without NVLink, a server's NICs on different rails cannot help each other.
    std::string noNvlink = TWO_RAILS;
    noNvlink.replace(noNvlink.find(", nvlink: 1800GB/s, nvlink-latency: 600ns"),
                     std::string(", nvlink: 1800GB/s, nvlink-latency: 600ns").size(),
                     "");
    auto d = problems(noNvlink, "{src: host0:0, dst: host5:1, size: 1}");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].path, "flows[0].dst");
    EXPECT_EQ(d[0].message,
              "no switch path joins host0:0 and host5:1, and the source's server has no NVLink "
              "to reach another NIC");
    d = problems(noNvlink, "{src: host0:0, dst: host0:1, size: 1}");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].message, "host profile 'duo' has no NVLink between GPUs");
    EXPECT_TRUE(problems(noNvlink, "{src: host0:1, dst: host5:1, size: 1}").empty());

    // An unlinked NIC is no destination.
    std::string oneLink = "topology:\n  profiles: {host: {duo: {gpus: 2, nics: 2, nvlink: "
                          "1800GB/s}}}\n  nodes:\n    - {name: s1, kind: switch, profile: "
                          "spectrum-4}\n    - {name: h0, kind: host, profile: duo}\n    - {name: "
                          "h1, kind: host, profile: duo}\n  links: [{a: \"h0:0\", b: s1}, {a: "
                          "\"h1:0\", b: s1}]\nflows:\n";
    d = problems(oneLink, "{src: h0:0, dst: h1:1, size: 1}");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].message, "h1:1 has no link");
    // From an unlinked NIC, NVLink leads to the linked one.
    std::vector<Diagnostic> ok;
    Scenario s = ParseScenario(oneLink + "  - {src: h0:1, dst: h1:0, size: 1}\n", "t.yaml", ok);
    ASSERT_TRUE(ok.empty()) << ok[0].Format();
    EXPECT_EQ(s.flows[0].fabricNic, 0u);
}

TEST_F(FabricTest, ANicOfTheSameGpuOnAnotherRailNeedsNoNvlink)
{
    // One GPU with two NICs on two rails: a flow from its rail0 NIC to a rail1 NIC leaves by
    // its own rail1 NIC, exactly as a flow from that NIC does.
    std::string topology = TWO_RAILS;
    std::string duo = "duo: {gpus: 2, nics: 2, nvlink: 1800GB/s, nvlink-latency: 600ns}";
    topology.replace(topology.find(duo), duo.size(), "duo: {gpus: 1, nics: 2}");
    RunResult r[2];
    const char* flows[] = {"{src: host0:0, dst: host5:1, size: 1MiB}",
                           "{src: host0:1, dst: host5:1, size: 1MiB}"};
    for (int i = 0; i < 2; ++i)
    {
        std::vector<Diagnostic> d;
        Scenario s = ParseScenario(topology + "  - " + flows[i] + "\n", "t.yaml", d);
        ASSERT_TRUE(d.empty()) << d[0].Format();
        EXPECT_EQ(s.flows[0].fabricNic, 1u);
        r[i] = RunScenario(s, "");
        ASSERT_EQ(r[i].GetCompleted(), 1u);
    }
    EXPECT_EQ(r[0].flows[0].GetFct(), r[1].flows[0].GetFct());
}
