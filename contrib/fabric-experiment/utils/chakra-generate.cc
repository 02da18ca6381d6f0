/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Writes the Chakra execution traces shipped in scenarios/chakra/ (docs/chakra.md): one
// training step of 16 ranks, TP 2 x PP 2 x DP 4, rank r = tp + 2 pp + 4 dp. Each rank runs two
// micro-batches through its stage (forward: compute, then the TP all-reduce of its output; the
// first stage sends it to the second, which sends the gradients back after its backward), then
// all-reduces its gradients with the ranks of its DP group.
//
// Usage: chakra-generate PREFIX   (writes PREFIX.0.et ... PREFIX.15.et)
#include "ns3/chakra-trace.h"

#include <iostream>

using namespace ns3;

namespace
{
constexpr uint32_t RANKS = 16;
constexpr uint32_t MICRO_BATCHES = 2;
constexpr uint64_t ACTIVATIONS = 1 << 20; // bytes a stage sends per micro-batch
constexpr uint64_t TP_BYTES = 2 << 20;    // a TP all-reduce of a micro-batch's output
constexpr uint64_t GRADIENTS = 8 << 20;   // a rank's gradients, all-reduced over DP
constexpr uint64_t FORWARD_US = 40;
constexpr uint64_t BACKWARD_US = 80;

/// Rank \p rank's trace: nodes in issue order, each depending on the one before.
ChakraTrace
Trace(uint32_t rank)
{
    ChakraTrace t;
    t.version = "1.0.0";
    uint32_t stage = rank / 2 % 2;
    auto add = [&t](ChakraNode n) {
        n.id = t.nodes.size();
        if (!t.nodes.empty())
        {
            n.dataDeps.push_back(t.nodes.back().id);
        }
        t.nodes.push_back(n);
    };
    auto compute = [&add](const std::string& name, uint64_t micros) {
        ChakraNode n;
        n.name = name;
        n.type = ChakraNode::COMP;
        n.durationMicros = micros;
        add(n);
    };
    auto collective = [&add](const std::string& name, const std::string& pg, uint64_t bytes) {
        ChakraNode n;
        n.name = name;
        n.type = ChakraNode::COMM_COLL;
        n.commType = ChakraNode::ALL_REDUCE;
        n.commSize = static_cast<int64_t>(bytes);
        n.pgName = pg;
        add(n);
    };
    auto message = [&add, rank](bool send, uint32_t peer, uint32_t tag, const std::string& name) {
        ChakraNode n;
        n.name = name;
        n.type = send ? ChakraNode::COMM_SEND : ChakraNode::COMM_RECV;
        n.commSrc = send ? rank : peer;
        n.commDst = send ? peer : rank;
        n.commTag = tag;
        n.commSize = ACTIVATIONS;
        add(n);
    };
    for (uint32_t mb = 0; mb < MICRO_BATCHES; ++mb)
    {
        std::string m = " mb" + std::to_string(mb);
        if (stage == 1)
        {
            message(false, rank - 2, mb, "recv activations" + m);
        }
        compute("forward" + m, FORWARD_US);
        collective("tp all-reduce forward" + m, "tp", TP_BYTES);
        if (stage == 0)
        {
            message(true, rank + 2, mb, "send activations" + m);
        }
    }
    for (uint32_t mb = 0; mb < MICRO_BATCHES; ++mb)
    {
        std::string m = " mb" + std::to_string(mb);
        if (stage == 0)
        {
            message(false, rank + 2, 100 + mb, "recv gradients" + m);
        }
        compute("backward" + m, BACKWARD_US);
        collective("tp all-reduce backward" + m, "tp", TP_BYTES);
        if (stage == 1)
        {
            message(true, rank - 2, 100 + mb, "send gradients" + m);
        }
    }
    collective("dp all-reduce gradients", "dp", GRADIENTS);
    return t;
}
} // namespace

int
main(int argc, char** argv)
{
    if (argc != 2)
    {
        std::cerr << "usage: chakra-generate PREFIX\n";
        return 2;
    }
    for (uint32_t rank = 0; rank < RANKS; ++rank)
    {
        std::string path = std::string(argv[1]) + "." + std::to_string(rank) + ".et";
        std::string problem = WriteChakraTrace(path, Trace(rank));
        if (!problem.empty())
        {
            std::cerr << "chakra-generate: " << problem << "\n";
            return 1;
        }
    }
    return 0;
}
