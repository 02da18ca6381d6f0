/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-test.h"

#include "ns3/scenario-runner.h"
#include "ns3/scenario.h"

#include <filesystem>
#include <sstream>

using namespace ns3;
using namespace nsfab_test;

namespace
{
struct Frame
{
    std::string protocols;
    int opcode{-1};
    long psn{-1};
    int syndrome{-1};
    int checksumStatus{-1};
};

/// Decode a pcap with the real tshark: one Frame per packet.
std::vector<Frame>
Decode(const std::string& pcap)
{
    std::istringstream lines(
        RunCommand("tshark -o ip.check_checksum:TRUE -r '" + pcap +
                   "' -T fields -E separator=/t -e frame.protocols -e infiniband.bth.opcode"
                   " -e infiniband.bth.psn -e infiniband.aeth.syndrome -e ip.checksum.status"
                   " 2>/dev/null")
            .output);
    std::vector<Frame> frames;
    for (std::string line; std::getline(lines, line);)
    {
        std::vector<std::string> f;
        std::istringstream cols(line);
        for (std::string col; std::getline(cols, col, '\t');)
        {
            f.push_back(col);
        }
        f.resize(5);
        Frame frame;
        frame.protocols = f[0];
        frame.opcode = f[1].empty() ? -1 : std::stoi(f[1]);
        frame.psn = f[2].empty() ? -1 : std::stol(f[2]);
        frame.syndrome = f[3].empty() ? -1 : std::stoi(f[3]);
        frame.checksumStatus = f[4].empty() ? -1 : std::stoi(f[4]);
        frames.push_back(frame);
    }
    return frames;
}
} // namespace

TEST_F(FabricTest, PcapDecodesAsRoceInTshark)
{
    ASSERT_EQ(std::system("command -v tshark >/dev/null"), 0) << "tshark is not installed";
    std::string dir = ::testing::TempDir() + "nsfab-pcap-test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);

    std::vector<Diagnostic> d;
    // 40 full packets and a short one, host0 on leaf0 to host2 on leaf1.
    Scenario s = ParseScenario(R"(
topology: {fabric: {planes: [{generator: leaf-spine, radix: 4}]}}
flows:
  - {src: host0, dst: host2, size: 164000}
pcap: [host0]
)",
                               "t.yaml",
                               d);
    ASSERT_TRUE(d.empty());
    RunResult r = RunScenario(s, dir);
    ASSERT_TRUE(r.flows[0].completed);

    std::vector<Frame> frames = Decode(dir + "/host0-0.pcap");
    // host0 sends 41 data packets and receives one ACK for each (AckInterval 1).
    ASSERT_EQ(frames.size(), 82u);
    long expectedPsn = 0;
    uint32_t data = 0;
    uint32_t acks = 0;
    for (const auto& f : frames)
    {
        EXPECT_NE(f.protocols.find("eth:ethertype:ip:udp:infiniband"), std::string::npos)
            << f.protocols;
        EXPECT_EQ(f.checksumStatus, 1) << "IPv4 header checksum not good";
        if (f.opcode == 17) // RC Acknowledge
        {
            ++acks;
            EXPECT_EQ(f.syndrome, 0x1F) << "ACK without an AETH";
        }
        else
        {
            // SEND First (0), Middle (1)... Last (2): PSNs consecutive from 0.
            EXPECT_EQ(f.opcode, data == 0 ? 0 : (data == 40 ? 2 : 1));
            EXPECT_EQ(f.psn, expectedPsn++);
            EXPECT_EQ(f.syndrome, -1);
            ++data;
        }
    }
    EXPECT_EQ(data, 41u);
    EXPECT_EQ(acks, 41u);
    std::filesystem::remove_all(dir);
}
