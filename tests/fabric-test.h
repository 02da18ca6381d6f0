/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef NSFAB_FABRIC_TEST_H
#define NSFAB_FABRIC_TEST_H

#include "ns3/fabric-channel.h"
#include "ns3/fat-tree-helper.h"
#include "ns3/node.h"
#include "ns3/rdma-helper.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace nsfab_test
{

/// What a shell command printed on its standard output, and its exit status.
struct CommandOutput
{
    int status;
    std::string output;
};

inline CommandOutput
RunCommand(const std::string& command)
{
    CommandOutput result{-1, ""};
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe)
    {
        return result;
    }
    char buffer[4096];
    while (std::size_t n = fread(buffer, 1, sizeof(buffer), pipe))
    {
        result.output.append(buffer, n);
    }
    int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

#ifdef NSFAB_BINARY
/// Run nsfab; the output holds both its standard output and its errors.
inline CommandOutput
Nsfab(const std::string& args)
{
    return RunCommand(std::string(NSFAB_BINARY) + " " + args + " 2>&1");
}
#endif

/// Fixture giving each test a fresh folder of its own (m_dir), removed after it.
class TempDirTest : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = ::testing::TempDir() + "nsfab-" + test->test_suite_name() + "-" + test->name();
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directories(m_dir);
    }

    void TearDown() override
    {
        std::filesystem::remove_all(m_dir);
    }

    /// Write \p text to the file \p name in the folder; returns its path.
    std::string Write(const std::string& name, const std::string& text) const
    {
        std::ofstream(m_dir + "/" + name) << text;
        return m_dir + "/" + name;
    }

    std::string m_dir;
};

/// Two ports, each on a node of its own, joined by one link of propagation delay \p delay.
inline std::pair<ns3::Ptr<ns3::FabricNetDevice>, ns3::Ptr<ns3::FabricNetDevice>>
ConnectedPorts(ns3::Time delay)
{
    ns3::Ptr<ns3::FabricChannel> link = ns3::CreateObject<ns3::FabricChannel>();
    link->SetAttribute("Delay", ns3::TimeValue(delay));
    std::pair<ns3::Ptr<ns3::FabricNetDevice>, ns3::Ptr<ns3::FabricNetDevice>> ends;
    for (auto* end : {&ends.first, &ends.second})
    {
        *end = ns3::CreateObject<ns3::FabricNetDevice>();
        ns3::CreateObject<ns3::Node>()->AddDevice(*end);
        (*end)->Attach(link);
    }
    return ends;
}

/// Fixture that leaves no simulator state behind for the next test.
class FabricTest : public ::testing::Test
{
  protected:
    void TearDown() override
    {
        ns3::Simulator::Destroy();
    }
};

/// Wire time of a frame carrying \p payload bytes: RoCEv2 overhead 58 B (with ICRC, BTH pad),
/// FCS 4 B, preamble and IFG 20 B, computed here from the standards' sizes.
inline double
FrameSeconds(uint64_t payload, double bps)
{
    double padded = std::ceil(payload / 4.0) * 4;
    return (padded + 14 + 20 + 8 + 12 + 4 + 4 + 20) * 8 / bps;
}

/// 4096 B of payload on the wire: Eth 14 + IPv4 20 + UDP 8 + BTH 12 + ICRC 4 + FCS 4
/// + preamble/SFD 8 + inter-frame gap 12 = 4178 B.
constexpr double FULL_FRAME_WIRE_BYTES = 4096 + 14 + 20 + 8 + 12 + 4 + 4 + 8 + 12;

/// Records both completions of one message.
struct Completion
{
    ns3::RdmaCompletion sent{};
    ns3::RdmaCompletion received{};
    bool sentDone{false};
    bool receivedDone{false};
};

inline void
RecordSent(Completion* c, const ns3::RdmaCompletion& done)
{
    c->sent = done;
    c->sentDone = true;
}

inline void
RecordReceived(Completion* c, const ns3::RdmaCompletion& done)
{
    c->received = done;
    c->receivedDone = true;
}

/// Connect src -> dst, post \p bytes at time 0 and record the completions into \p c.
inline ns3::Ptr<ns3::RdmaQueuePair>
StartMessage(const ns3::FatTree& tree, uint32_t src, uint32_t dst, uint64_t bytes, Completion* c)
{
    auto [sender, receiver] = ns3::RdmaHelper::Connect(tree.nics[src], tree.nics[dst]);
    sender->TraceConnectWithoutContext("SendComplete", ns3::MakeBoundCallback(&RecordSent, c));
    receiver->TraceConnectWithoutContext("RecvComplete",
                                         ns3::MakeBoundCallback(&RecordReceived, c));
    sender->PostSend(bytes);
    return sender;
}

/// The rows of a results CSV file, each a map from column name to cell (the header first).
inline std::vector<std::map<std::string, std::string>>
ReadCsv(const std::string& path)
{
    std::ifstream in(path);
    std::vector<std::map<std::string, std::string>> rows;
    std::vector<std::string> header;
    for (std::string line; std::getline(in, line);)
    {
        std::vector<std::string> cells;
        std::istringstream fields(line);
        for (std::string cell; std::getline(fields, cell, ',');)
        {
            cells.push_back(cell);
        }
        if (!line.empty() && line.back() == ',')
        {
            cells.emplace_back();
        }
        if (header.empty())
        {
            header = cells;
            continue;
        }
        EXPECT_EQ(cells.size(), header.size()) << path << ": " << line;
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i)
        {
            row[header[i]] = cells[i];
        }
        rows.push_back(row);
    }
    return rows;
}

} // namespace nsfab_test

#endif // NSFAB_FABRIC_TEST_H
