/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/scenario.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace ns3;

namespace
{
const char* GOOD = R"(name: t
seed: 7
topology:
  profiles:
    nic: {nic400: {rate: 400Gbps}}
    host: {server: {nic: nic400}}
    switch: {tor: {rate: 400Gbps, latency: 300ns, ports: 8}}
    link: {short: {delay: 25ns}}
  hosts: {count: 32, profile: server}
  fabric:
    planes:
      - {generator: leaf-spine, radix: 8, switch: tor, link: short, host-link: short}
transport:
  mtu: 2048
  ack-interval: 4
  load-balancing: spray
flows:
  - {src: host0, dst: host9, size: 1MiB, start: 2us}
  - {src: host3, dst: host31, size: 100}
stop: 5ms
pcap: [host0, spine3]
)";

/// A scenario's one-line topology: a leaf-spine of radix 4 (8 hosts).
const char* LEAF_SPINE_4 = "topology: {fabric: {planes: [{generator: leaf-spine, radix: 4}]}}\n";
/// A workload for scenarios whose subject is elsewhere.
const char* ONE_FLOW = "flows: [{src: host0, dst: host1, size: 1KiB}]\n";

/// Parse \p text and return its diagnostics.
std::vector<Diagnostic>
Problems(const std::string& text)
{
    std::vector<Diagnostic> d;
    ParseScenario(text, "s.yaml", d);
    return d;
}

/// Replace the first occurrence of \p from in the good scenario.
std::string
Good(const std::string& from, const std::string& to)
{
    std::string text = GOOD;
    std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
}
} // namespace

TEST(Scenario, ReadsEveryField)
{
    std::vector<Diagnostic> d;
    Scenario s = ParseScenario(GOOD, "s.yaml", d);
    ASSERT_TRUE(d.empty()) << d[0].Format();
    EXPECT_EQ(s.name, "t");
    EXPECT_EQ(s.seed, 7u);
    EXPECT_TRUE(s.topologyFile.empty());
    ASSERT_TRUE(s.graph);
    // 8 leaves of 4 hosts and 4 spines, every leaf linked to every spine.
    EXPECT_EQ(s.graph->nodes.size(), 32u + 8 + 4);
    ASSERT_EQ(s.graph->links.size(), 32u + 8 * 4);
    for (const auto& link : s.graph->links)
    {
        EXPECT_EQ(link.rateBps, 400000000000ULL);
        EXPECT_EQ(link.delay, NanoSeconds(25));
    }
    EXPECT_EQ(s.loadBalancer, "ns3::SprayLoadBalancer");
    EXPECT_EQ(s.mtu, 2048u);
    EXPECT_EQ(s.ackInterval, 4u);
    ASSERT_EQ(s.flows.size(), 2u);
    EXPECT_EQ(s.graph->nodes[s.flows[0].srcNode].name, "host0");
    EXPECT_EQ(s.graph->nodes[s.flows[0].dstNode].name, "host9");
    EXPECT_EQ(s.flows[0].srcNic, 0u);
    EXPECT_EQ(s.flows[0].bytes, 1u << 20);
    EXPECT_EQ(s.flows[0].start, MicroSeconds(2));
    EXPECT_EQ(s.flows[1].bytes, 100u);
    EXPECT_EQ(s.flows[1].start, Time(0));
    EXPECT_EQ(s.stop, MilliSeconds(5));
    EXPECT_EQ(s.pcap, (std::vector<std::string>{"host0", "spine3"}));
}

TEST(Scenario, BadYamlIsLocated)
{
    auto d = Problems("topology: {fabric: 2\nflows: [\n");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].file, "s.yaml");
    EXPECT_GT(d[0].line, 0);
    EXPECT_NE(d[0].message.find("YAML syntax"), std::string::npos);
}

TEST(Scenario, UnknownKeyIsLocatedAndListsTheValidOnes)
{
    auto d = Problems(Good("  profiles:\n", "  colour: red\n  profiles:\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 4);
    EXPECT_EQ(d[0].column, 3);
    EXPECT_EQ(d[0].path, "topology.colour");
    EXPECT_NE(d[0].message.find("version, name, description, profiles"), std::string::npos)
        << d[0].message;
    EXPECT_EQ(d[0].Format().rfind("s.yaml:4:3: topology.colour: unknown key", 0), 0u);
}

TEST(Scenario, DuplicateKeyIsAnError)
{
    auto d = Problems(Good("stop: 5ms\n", "stop: 5ms\nstop: 6ms\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 21);
    EXPECT_EQ(d[0].column, 1);
    EXPECT_EQ(d[0].message, "duplicate key");
}

TEST(Scenario, NegativeSizeIsLocated)
{
    auto d = Problems(Good("size: 100}", "size: -100}"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 19);
    EXPECT_EQ(d[0].column, 37);
    EXPECT_EQ(d[0].path, "flows[1].size");
    EXPECT_NE(d[0].message.find("negative"), std::string::npos);
}

TEST(Scenario, UnknownHostIsLocated)
{
    auto d = Problems(Good("dst: host31", "dst: host32"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 19);
    EXPECT_EQ(d[0].column, 23);
    EXPECT_EQ(d[0].path, "flows[1].dst");
    EXPECT_EQ(d[0].message,
              "unknown host 'host32' (hosts are host0, host1, ..., host31 (32 hosts))");
    // A switch is no flow endpoint.
    d = Problems(Good("dst: host31", "dst: leaf1"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].message.rfind("unknown host 'leaf1'", 0), 0u);
}

TEST(Scenario, AllProblemsAreReportedAtOnce)
{
    std::string text = Good("seed: 7", "seed: 0");
    text = text.replace(text.find("mtu: 2048"), 9, "mtu: 3000");
    text = text.replace(text.find("src: host3"), 10, "src: hostX");
    text = text.replace(text.find("spine3"), 6, "spine4");
    auto d = Problems(text);
    ASSERT_EQ(d.size(), 4u);
    EXPECT_EQ(d[0].path, "seed");
    EXPECT_EQ(d[1].path, "transport.mtu");
    EXPECT_EQ(d[2].path, "flows[1].src");
    EXPECT_EQ(d[3].path, "pcap[1]");
    EXPECT_EQ(d[3].message, "unknown node 'spine4' in the topology");

    // A broken topology leaves the names unresolved, but the rest is still checked.
    text = Good("rate: 400Gbps}}", "rate: 400}}");
    text = text.replace(text.find("mtu: 2048"), 9, "mtu: 3000");
    d = Problems(text);
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].path, "topology.profiles.nic.nic400.rate");
    EXPECT_EQ(d[1].path, "transport.mtu");
}

TEST(Scenario, MissingAndMistypedFields)
{
    auto d = Problems("flows: []\n");
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].path, "topology");
    EXPECT_EQ(d[0].message, "required key is missing");
    EXPECT_EQ(d[1].path, "flows");
    d = Problems(Good("radix: 8,", "radix: [8],"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].path, "topology.fabric.planes[0].radix");
    EXPECT_EQ(d[0].message, "expected a single value");
    d = Problems("topology: 7\nflows: [{src: a, dst: b, size: 1}]\n");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].Format(),
              "s.yaml:1:11: topology: no topology file '7' (a path is taken "
              "relative to the scenario's folder)");
    d = Problems("topology: [a]\nflows: [{src: a, dst: b, size: 1}]\n");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].message, "expected a topology file's path, or a topology map");
}

TEST(Scenario, MoreProblemsAreLocated)
{
    auto d = Problems(Good("start: 2us}", "start: 5ms}"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].path, "flows[0].start");
    EXPECT_NE(d[0].message.find("after the stop time"), std::string::npos);

    d = Problems(Good("pcap: [host0, spine3]", "pcap: [host0, spine3, host0]"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].path, "pcap[2]");
    EXPECT_NE(d[0].message.find("listed twice"), std::string::npos);

    d = Problems(Good("dst: host9", "dst: host9:1")); // one NIC each
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].path, "flows[0].dst");
    EXPECT_EQ(d[0].message, "'host9:1': a host's NIC is numbered 0..0");

    d = Problems(Good("dst: host9", "dst: host09"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].path, "flows[0].dst");

    d = Problems(std::string(GOOD) + "---\nname: second\n");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 23);
    EXPECT_NE(d[0].message.find("one YAML document"), std::string::npos);

    d = Problems(Good("name: t", "name: \"caf\xC3\"")); // a lead byte with no continuation
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].path, "name");
    EXPECT_EQ(d[0].message, "not valid UTF-8 text");

    d = Problems(Good("stop: 5ms", "stop: 200000000s"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_NE(d[0].message.find("too large"), std::string::npos);
}

TEST(Scenario, Utf8Validation)
{
    EXPECT_TRUE(IsUtf8("plain"));
    EXPECT_TRUE(IsUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
    EXPECT_FALSE(IsUtf8("\xFF"));
    EXPECT_FALSE(IsUtf8("\xC0\xAF"));         // overlong '/'
    EXPECT_FALSE(IsUtf8("\xED\xA0\x80"));     // surrogate
    EXPECT_FALSE(IsUtf8("\xE2\x82"));         // truncated
    EXPECT_FALSE(IsUtf8("\xF4\x90\x80\x80")); // above U+10FFFF
}

TEST(Scenario, MissingFileIsReported)
{
    std::vector<Diagnostic> d;
    LoadScenario("/nonexistent/x.yaml", d);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].Format(), "/nonexistent/x.yaml: cannot open the file");
}

namespace
{
/// A small scenario whose transport section is \p transport (lines indented by two spaces).
std::string
WithTransport(const std::string& transport)
{
    return LEAF_SPINE_4 + std::string("transport:\n") + transport +
           "flows: [{src: host0, dst: host3, size: 1MiB}]\n";
}
} // namespace

TEST(Scenario, TransportDefaults)
{
    std::vector<Diagnostic> d;
    Scenario s = ParseScenario(WithTransport("  mtu: 4096\n"), "s.yaml", d);
    ASSERT_TRUE(d.empty()) << d[0].Format();
    EXPECT_EQ(s.congestionControl, "ns3::NoCongestionControl");
    EXPECT_TRUE(s.ccAttributes.empty());
    EXPECT_EQ(s.lossRecovery, RdmaQueuePair::GO_BACK_N);
    EXPECT_TRUE(s.outOfOrderPlacement);
    EXPECT_EQ(s.cnpInterval, MicroSeconds(50));
}

TEST(Scenario, CongestionControlByName)
{
    const std::pair<const char*, const char*> names[] = {
        {"none", "ns3::NoCongestionControl"},
        {"dcqcn", "ns3::DcqcnCongestionControl"},
        {"ns3::DcqcnCongestionControl", "ns3::DcqcnCongestionControl"},
    };
    for (const auto& [name, typeId] : names)
    {
        std::vector<Diagnostic> d;
        Scenario s = ParseScenario(WithTransport(std::string("  congestion-control: ") + name +
                                                 "\n  loss-recovery: selective-repeat\n"
                                                 "  out-of-order-placement: false\n"
                                                 "  cnp-interval: 4us\n"),
                                   "s.yaml",
                                   d);
        ASSERT_TRUE(d.empty()) << d[0].Format();
        EXPECT_EQ(s.congestionControl, typeId) << name;
        EXPECT_TRUE(s.ccAttributes.empty());
        EXPECT_EQ(s.lossRecovery, RdmaQueuePair::SELECTIVE_REPEAT);
        EXPECT_FALSE(s.outOfOrderPlacement);
        EXPECT_EQ(s.cnpInterval, MicroSeconds(4));
    }
}

TEST(Scenario, CongestionControlMapSetsAttributes)
{
    std::vector<Diagnostic> d;
    Scenario s = ParseScenario(WithTransport("  congestion-control:\n"
                                             "    algorithm: dcqcn\n"
                                             "    G: 0.0625\n"
                                             "    RateAi: 1600Mb/s\n"
                                             "    RateHai: 8Gbps\n"
                                             "    AlphaTimer: 20us\n"
                                             "    ByteCounter: 0\n"
                                             "    MinRate: 1 Gbps\n"),
                               "s.yaml",
                               d);
    ASSERT_TRUE(d.empty()) << d[0].Format();
    EXPECT_EQ(s.congestionControl, "ns3::DcqcnCongestionControl");
    // In the order written; quantities in ns-3's units, whatever units the file used.
    std::vector<AttributeSetting> expected{{"G", "0.0625"},
                                           {"RateAi", "1600000000bps"},
                                           {"RateHai", "8000000000bps"},
                                           {"AlphaTimer", "20000000ps"},
                                           {"ByteCounter", "0"},
                                           {"MinRate", "1000000000bps"}};
    EXPECT_EQ(s.ccAttributes, expected);

    // ns-3 reads the stored values back into the very quantities written.
    ObjectFactory factory(s.congestionControl);
    for (const auto& [name, value] : s.ccAttributes)
    {
        factory.Set(name, StringValue(value));
    }
    Ptr<Object> cc = factory.Create();
    DoubleValue g;
    cc->GetAttribute("G", g);
    EXPECT_EQ(g.Get(), 1.0 / 16);
    DataRateValue rate;
    cc->GetAttribute("RateAi", rate);
    EXPECT_EQ(rate.Get(), DataRate(1600000000));
    cc->GetAttribute("MinRate", rate);
    EXPECT_EQ(rate.Get(), DataRate(1000000000));
    TimeValue timer;
    cc->GetAttribute("AlphaTimer", timer);
    EXPECT_EQ(timer.Get(), MicroSeconds(20));
    UintegerValue bytes;
    cc->GetAttribute("ByteCounter", bytes);
    EXPECT_EQ(bytes.Get(), 0u);
}

TEST(Scenario, UnknownCongestionControlListsTheValidOnes)
{
    auto d = Problems(WithTransport("  congestion-control: cubic\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 3);
    EXPECT_EQ(d[0].column, 23);
    EXPECT_EQ(d[0].path, "transport.congestion-control");
    const std::string& m = d[0].message;
    EXPECT_EQ(m.rfind("unknown congestion control 'cubic' (valid: none, dcqcn, hpcc, timely, "
                      "dctcp, or the TypeId of a CongestionControl subclass: ",
                      0),
              0u)
        << m;
    std::string types = ", or the TypeId of a CongestionControl subclass: ";
    ASSERT_NE(m.find(types), std::string::npos) << m;
    std::string list = m.substr(m.find(types) + types.size());
    EXPECT_EQ(list.back(), ')');
    EXPECT_NE(list.find("ns3::DcqcnCongestionControl"), std::string::npos) << m;
    EXPECT_NE(list.find("ns3::NoCongestionControl"), std::string::npos) << m;
    // The abstract base is no choice.
    EXPECT_EQ(list.find("ns3::CongestionControl,"), std::string::npos) << m;
    EXPECT_EQ(list.find("ns3::CongestionControl)"), std::string::npos) << m;

    // The map form locates the name; a TypeId that is no congestion control is unknown too.
    d = Problems(WithTransport("  congestion-control:\n    algorithm: ns3::RdmaQueuePair\n"
                               "    G: 2\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 4);
    EXPECT_EQ(d[0].column, 16);
    EXPECT_EQ(d[0].path, "transport.congestion-control.algorithm");
    EXPECT_EQ(d[0].message.rfind("unknown congestion control 'ns3::RdmaQueuePair' (valid: ", 0),
              0u);
    d = Problems(WithTransport("  congestion-control: ns3::CongestionControl\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].message.rfind("unknown congestion control", 0), 0u);
}

TEST(Scenario, TelemetryCongestionControlNeedsAnIntRate)
{
    // Cables that run the 800 Gb/s ports at a lower rate.
    auto scenario = [](const std::string& rate, const std::string& cc) {
        return "topology:\n  profiles: {link: {slow: {rate: " + rate +
               "}}}\n  fabric: {planes: [{generator: leaf-spine, radix: 4, link: slow, "
               "host-link: slow}]}\ntransport:\n  congestion-control: " +
               cc + "\nflows: [{src: host0, dst: host3, size: 1MiB}]\n";
    };
    // HPCC reads INT, whose hops name a rate from a table; 300 Gb/s is not in it.
    auto d = Problems(scenario("300Gbps", "hpcc"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 5);
    EXPECT_EQ(d[0].path, "transport.congestion-control");
    EXPECT_EQ(d[0].message,
              "hpcc reads in-band telemetry, whose hops name only link rates of 10, 25, 40, 50, "
              "100, 200, 400, 800 and 1600 Gbps; the link host0 - leaf0 runs at 300Gbps");
    // Other algorithms do not care, and 400 Gb/s is a telemetry rate.
    EXPECT_TRUE(Problems(scenario("300Gbps", "dcqcn")).empty());
    EXPECT_TRUE(Problems(scenario("400Gbps", "hpcc")).empty());
}

TEST(Scenario, TopologyFileIsRelativeToTheScenario)
{
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("nsfab-scenario-" + std::to_string(getpid()));
    fs::create_directories(dir / "topologies");
    fs::create_directories(dir / "scenarios");
    std::ofstream(dir / "topologies" / "two-nics.yaml")
        << "version: 1\nprofiles:\n  host: {dual: {gpus: 2, nics: 2}}\nhosts: {count: 8, "
           "profile: dual}\nfabric:\n  planes:\n    - {name: rail, count: 2, generator: "
           "leaf-spine, radix: 4}\n";
    std::string flows = "flows: [{src: host0:1, dst: host5:1, size: 1KiB}]\n";
    std::ofstream(dir / "scenarios" / "s.yaml") << "topology: ../topologies/two-nics.yaml\n"
                                                << flows;
    std::vector<Diagnostic> d;
    Scenario s = LoadScenario((dir / "scenarios" / "s.yaml").string(), d);
    ASSERT_TRUE(d.empty()) << d[0].Format();
    EXPECT_EQ(s.topologyFile, (dir / "topologies" / "two-nics.yaml").string());
    ASSERT_EQ(s.flows.size(), 1u);
    EXPECT_EQ(s.graph->nodes[s.flows[0].srcNode].name, "host0");
    EXPECT_EQ(s.flows[0].srcNic, 1u);
    EXPECT_EQ(s.flows[0].dstNic, 1u);

    // Problems inside the topology file are located in it.
    std::ofstream(dir / "topologies" / "bad.yaml") << "version: 1\nfabric: {planes: []}\n";
    std::ofstream(dir / "scenarios" / "bad.yaml") << "topology: ../topologies/bad.yaml\n" << flows;
    d.clear();
    LoadScenario((dir / "scenarios" / "bad.yaml").string(), d);
    ASSERT_FALSE(d.empty());
    EXPECT_EQ(d[0].file, (dir / "topologies" / "bad.yaml").string());
    EXPECT_EQ(d[0].line, 2);

    // A missing file is reported where the scenario names it.
    std::ofstream(dir / "scenarios" / "missing.yaml") << "topology: nowhere.yaml\n" << flows;
    d.clear();
    LoadScenario((dir / "scenarios" / "missing.yaml").string(), d);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].Format(),
              (dir / "scenarios" / "missing.yaml").string() +
                  ":1:11: topology: no topology file '" +
                  (dir / "scenarios" / "nowhere.yaml").string() +
                  "' (a path is taken relative to the scenario's folder)");
    fs::remove_all(dir);
}

TEST(Scenario, TransportMtuMustAgreeWithTheNicProfile)
{
    std::string text =
        "topology:\n  profiles: {nic: {small: {mtu: 1024}}, host: {h: {nic: small}}}\n"
        "  hosts: {profile: h}\n"
        "  fabric: {planes: [{generator: leaf-spine, radix: 4}]}\n"
        "transport: {mtu: 2048}\nflows: [{src: host0, dst: host3, size: 1}]\n";
    auto d = Problems(text);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].Format(),
              "s.yaml:5:18: transport.mtu: the topology's NIC profile 'small' sets "
              "mtu 1024; remove one of the two");
    text.replace(text.find("mtu: 2048"), 9, "mtu: 1024");
    EXPECT_TRUE(Problems(text).empty());
}

TEST(Scenario, UnknownCongestionControlAttributeListsTheValidOnes)
{
    auto d = Problems(WithTransport("  congestion-control: {algorithm: dcqcn, Gain: 0.5}\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 3);
    EXPECT_EQ(d[0].column, 42);
    EXPECT_EQ(d[0].path, "transport.congestion-control.Gain");
    const std::string& m = d[0].message;
    EXPECT_EQ(m.rfind("unknown attribute of ns3::DcqcnCongestionControl (valid: G, ", 0), 0u) << m;
    // Inherited attributes are valid too.
    EXPECT_NE(m.find(", MinRate"), std::string::npos) << m;
    EXPECT_EQ(m.back(), ')');

    d = Problems(WithTransport("  congestion-control: {Window: 1}\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].path, "transport.congestion-control.algorithm");
    EXPECT_EQ(d[0].message, "required key is missing");

    d = Problems(WithTransport("  congestion-control: {algorithm: none, Window: 1, Window: 2}\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].path, "transport.congestion-control.Window");
    EXPECT_EQ(d[0].message, "duplicate key");
}

TEST(Scenario, BadCongestionControlAttributeValues)
{
    struct Case
    {
        const char* attribute;
        const char* message;
    };

    // Each is one problem, located at the value; none may reach ns-3's parsers, which abort on
    // malformed text.
    const Case cases[] = {
        {"G: 2", "invalid value '2' for attribute G: expected a number (double 0:1)"},
        {"G: 0.5x", "invalid value '0.5x' for attribute G: expected a number (double 0:1)"},
        {"G: nan", "invalid value 'nan' for attribute G: expected a number (double 0:1)"},
        {"StageThreshold: 0",
         "invalid value '0' for attribute StageThreshold: expected an integer (uint32_t "
         "1:4294967295)"},
        {"ByteCounter: -1", "invalid value '-1' for attribute ByteCounter: expected an integer"},
        {"ByteCounter: 10MB",
         "invalid value '10MB' for attribute ByteCounter: expected an integer"},
        {"RateAi: 40",
         "invalid value '40' for attribute RateAi: expected a data rate such as "
         "100Gbps ('40': missing unit"},
        {"RateAi: 4 furlongs/s", "attribute RateAi: expected a data rate such as 100Gbps"},
        {"RateAi: 800 Gb/s x", "attribute RateAi: expected a data rate such as 100Gbps"},
        {"AlphaTimer: 55xs",
         "invalid value '55xs' for attribute AlphaTimer: expected a time such as 55us ('55xs': "
         "unknown unit 'xs'"},
        {"AlphaTimer: -5us", "for attribute AlphaTimer: expected a time such as 55us"},
        // A timer needs a period: the minimum holds although TypeIds register before the
        // simulator's picosecond resolution is set.
        {"AlphaTimer: 0us", "for attribute AlphaTimer: expected a time such as 55us"},
        {"G: [1]", "expected a single value"},
    };
    for (const Case& c : cases)
    {
        auto d = Problems(WithTransport(std::string("  congestion-control: {algorithm: dcqcn, ") +
                                        c.attribute + "}\n"));
        ASSERT_EQ(d.size(), 1u) << c.attribute;
        EXPECT_EQ(d[0].line, 3);
        EXPECT_EQ(d[0].column, 42 + int(std::string(c.attribute).find(": ")) + 2) << c.attribute;
        EXPECT_EQ(d[0].path,
                  "transport.congestion-control." +
                      std::string(c.attribute).substr(0, std::string(c.attribute).find(':')));
        EXPECT_NE(d[0].message.find(c.message), std::string::npos) << d[0].message;
    }
    auto d = Problems(WithTransport("  congestion-control: {algorithm: none, Window: yes}\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_NE(d[0].message.find("for attribute Window: expected an integer"), std::string::npos);
}

TEST(Scenario, BadTransportSettings)
{
    auto d = Problems(WithTransport("  loss-recovery: stop-and-wait\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].Format(),
              "s.yaml:3:18: transport.loss-recovery: unknown loss recovery 'stop-and-wait' "
              "(valid: go-back-n, selective-repeat)");
    d = Problems(WithTransport("  out-of-order-placement: maybe\n  cnp-interval: 50\n"
                               "  congestion-control: [dcqcn]\n"));
    ASSERT_EQ(d.size(), 3u);
    EXPECT_EQ(d[0].path, "transport.congestion-control");
    EXPECT_EQ(d[0].message,
              "expected a congestion control name, or a map of algorithm and attributes");
    EXPECT_EQ(d[1].path, "transport.out-of-order-placement");
    EXPECT_EQ(d[1].message, "expected true or false, not 'maybe'");
    EXPECT_EQ(d[2].path, "transport.cnp-interval");
    EXPECT_NE(d[2].message.find("missing unit"), std::string::npos);
}

TEST(Scenario, PartitionGivesEachNodeItsProcess)
{
    // Radix 4: leaves of 2 hosts (host0-1 on leaf0, ..., host6-7 on leaf3) and 2 spines.
    std::vector<Diagnostic> d;
    Scenario s = ParseScenario(std::string(LEAF_SPINE_4) + ONE_FLOW +
                                   "partition:\n"
                                   "  - [leaf0, leaf1, spine0, host7]\n"
                                   "  - 'leaf{2..3}'\n"
                                   "  - ['*', 'host{5..6}']\n",
                               "s.yaml",
                               d);
    ASSERT_TRUE(d.empty()) << d[0].Format();
    EXPECT_EQ(s.partitionParts, 3u);
    const FabricGraph& g = *s.graph;
    ASSERT_EQ(s.partition.size(), g.nodes.size());
    // A switch goes to the first part that names it; "*" names switches too, so it places
    // switches only. A host goes where a pattern of hosts names it, else with its leaf.
    std::vector<std::pair<const char*, uint32_t>> expected = {{"leaf0", 0},
                                                              {"leaf1", 0},
                                                              {"spine0", 0},
                                                              {"host0", 0},
                                                              {"host3", 0},
                                                              {"host7", 0},
                                                              {"leaf2", 1},
                                                              {"leaf3", 1},
                                                              {"host4", 1},
                                                              {"spine1", 2},
                                                              {"host5", 2},
                                                              {"host6", 2}};
    for (auto [name, rank] : expected)
    {
        EXPECT_EQ(s.partition[g.Find(name)], rank) << name;
    }
    // Without the key, PartitionGraph decides.
    s = ParseScenario(std::string(LEAF_SPINE_4) + ONE_FLOW, "s.yaml", d);
    EXPECT_TRUE(s.partition.empty());
    EXPECT_EQ(s.partitionParts, 0u);
}

TEST(Scenario, PartitionProblemsAreLocated)
{
    auto problems = [](const std::string& partition) {
        std::vector<std::string> lines;
        for (const auto& p :
             Problems(std::string(LEAF_SPINE_4) + ONE_FLOW + "partition: " + partition))
        {
            lines.push_back(p.path + " " + std::to_string(p.column) + ": " + p.message);
        }
        return lines;
    };
    using Lines = std::vector<std::string>;
    EXPECT_EQ(problems("[[leaf0, 'leaf{2..1}', 'x{'], '*', [[a]], []]"),
              (Lines{"partition[0][1] 21: the range {2..1} is empty",
                     "partition[0][2] 35: '{' at character 2 does not open a range {m..n} of "
                     "numbers",
                     "partition[2][0] 48: expected a node-name pattern",
                     "partition[3] 54: expected a node-name pattern, or a list of them"}));
    EXPECT_EQ(problems("[leaf0, host9]"),
              (Lines{"partition[1] 20: no node of the topology is named like 'host9'"}));
    EXPECT_EQ(problems("{a: b}"),
              (Lines{"partition 12: expected a list with one part per MPI process: a node-name "
                     "pattern, or a list of them"}));
    // Leaves 2 and 3, their hosts and the spines are in no part.
    EXPECT_EQ(problems("[leaf0, leaf1]"),
              (Lines{"partition 12: 8 nodes are in no part (leaf2, leaf3, spine0, ...); name them, "
                     "or end the last part with \"*\""}));
    EXPECT_EQ(problems("['*', leaf0]"),
              (Lines{"partition[1] 18: no node goes to this part: every node it names is in an "
                     "earlier one"}));
}

TEST(Scenario, PartitionCannotCutALinkWithoutDelay)
{
    const std::string topology =
        "topology:\n"
        "  profiles: {link: {none: {delay: 0ns}}}\n"
        "  fabric: {planes: [{generator: leaf-spine, radix: 4, link: none}]}\n" +
        std::string(ONE_FLOW);
    // Leaf-spine links have no delay; host links the default's.
    auto d = Problems(topology + "partition: [['leaf*', 'host*'], 'spine*']\n");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 5);
    EXPECT_EQ(d[0].message,
              "the link leaf0 - spine0 joins parts 0 and 1 but has no delay; processes need one "
              "to simulate ahead of each other");
    // Cutting the host links instead is fine.
    EXPECT_TRUE(Problems(topology + "partition: ['host*', '*']\n").empty());
}

TEST(Scenario, AwakeQueuePairsIsReadAndChecked)
{
    std::vector<Diagnostic> d;
    Scenario s = ParseScenario(
        Good("  load-balancing: spray\n", "  load-balancing: spray\n  awake-queue-pairs: 4096\n"),
        "s.yaml",
        d);
    ASSERT_TRUE(d.empty()) << d[0].Format();
    EXPECT_EQ(s.awakeQueuePairs, 4096u);
    EXPECT_EQ(ParseScenario(GOOD, "s.yaml", d).awakeQueuePairs, 0u); // the transport's default
    // One awake queue pair could not take a message while another is woken.
    d = Problems(
        Good("  load-balancing: spray\n", "  load-balancing: spray\n  awake-queue-pairs: 1\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 17);
    EXPECT_EQ(d[0].column, 22);
    EXPECT_EQ(d[0].path, "transport.awake-queue-pairs");
}
