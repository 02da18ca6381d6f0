/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ns3/scenario.h"

#include <gtest/gtest.h>

using namespace ns3;

namespace
{
const char* GOOD = R"(name: t
seed: 7
topology:
  tiers: 2
  radix: 8
  link-rate: 400Gbps
  link-delay: 25ns
  switch-latency: 300ns
transport:
  mtu: 2048
  ack-interval: 4
flows:
  - {src: host0, dst: host9, size: 1MiB, start: 2us}
  - {src: host3, dst: host31, size: 100}
stop: 5ms
pcap: [host0, spine3]
)";

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
    EXPECT_EQ(s.shape.tiers, 2u);
    EXPECT_EQ(s.shape.radix, 8u);
    EXPECT_EQ(s.linkBps, 400000000000ULL);
    EXPECT_EQ(s.linkDelay, NanoSeconds(25));
    EXPECT_EQ(s.switchLatency, NanoSeconds(300));
    EXPECT_EQ(s.mtu, 2048u);
    EXPECT_EQ(s.ackInterval, 4u);
    ASSERT_EQ(s.flows.size(), 2u);
    EXPECT_EQ(s.flows[0].srcHost, 0u);
    EXPECT_EQ(s.flows[0].dstHost, 9u);
    EXPECT_EQ(s.flows[0].bytes, 1u << 20);
    EXPECT_EQ(s.flows[0].start, MicroSeconds(2));
    EXPECT_EQ(s.flows[1].bytes, 100u);
    EXPECT_EQ(s.flows[1].start, Time(0));
    EXPECT_EQ(s.stop, MilliSeconds(5));
    EXPECT_EQ(s.pcap, (std::vector<std::string>{"host0", "spine3"}));
}

TEST(Scenario, BadYamlIsLocated)
{
    auto d = Problems("topology: {tiers: 2\nflows: [\n");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].file, "s.yaml");
    EXPECT_GT(d[0].line, 0);
    EXPECT_NE(d[0].message.find("YAML syntax"), std::string::npos);
}

TEST(Scenario, UnknownKeyIsLocatedAndListsTheValidOnes)
{
    auto d = Problems(Good("  radix: 8\n", "  radix: 8\n  colour: red\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 6);
    EXPECT_EQ(d[0].column, 3);
    EXPECT_EQ(d[0].path, "topology.colour");
    EXPECT_NE(d[0].message.find("valid keys: tiers, radix"), std::string::npos);
    EXPECT_EQ(d[0].Format().rfind("s.yaml:6:3: topology.colour: unknown key", 0), 0u);
}

TEST(Scenario, DuplicateKeyIsAnError)
{
    auto d = Problems(Good("stop: 5ms\n", "stop: 5ms\nstop: 6ms\n"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 16);
    EXPECT_EQ(d[0].column, 1);
    EXPECT_EQ(d[0].message, "duplicate key");
}

TEST(Scenario, NegativeSizeIsLocated)
{
    auto d = Problems(Good("size: 100}", "size: -100}"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 14);
    EXPECT_EQ(d[0].column, 37);
    EXPECT_EQ(d[0].path, "flows[1].size");
    EXPECT_NE(d[0].message.find("negative"), std::string::npos);
}

TEST(Scenario, UnknownHostIsLocated)
{
    auto d = Problems(Good("dst: host31", "dst: host32"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 14);
    EXPECT_EQ(d[0].column, 23);
    EXPECT_EQ(d[0].path, "flows[1].dst");
    EXPECT_NE(d[0].message.find("hosts are host0..host31"), std::string::npos);
}

TEST(Scenario, AllProblemsAreReportedAtOnce)
{
    std::string text = Good("link-rate: 400Gbps", "link-rate: 400");
    text = text.replace(text.find("mtu: 2048"), 9, "mtu: 3000");
    text = text.replace(text.find("src: host3"), 10, "src: hostX");
    text = text.replace(text.find("spine3"), 6, "spine4");
    auto d = Problems(text);
    ASSERT_EQ(d.size(), 4u);
    EXPECT_EQ(d[0].path, "topology.link-rate");
    EXPECT_EQ(d[1].path, "transport.mtu");
    EXPECT_EQ(d[2].path, "flows[1].src");
    EXPECT_EQ(d[3].path, "pcap[1]");
}

TEST(Scenario, MissingAndMistypedFields)
{
    auto d = Problems("topology: {tiers: 2}\nflows: []\n");
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].path, "topology.radix");
    EXPECT_EQ(d[0].message, "required key is missing");
    EXPECT_EQ(d[1].path, "flows");
    d = Problems(Good("tiers: 2", "tiers: [2]"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].message, "expected a single value");
    d = Problems(Good("radix: 8", "radix: 6\n  hosts-per-leaf: 6"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_NE(d[0].message.find("too few uplinks"), std::string::npos);
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

    d = Problems(Good("dst: host9", "dst: host09"));
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].path, "flows[0].dst");

    d = Problems(std::string(GOOD) + "---\nname: second\n");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 18);
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
