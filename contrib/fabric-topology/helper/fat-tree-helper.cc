/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fat-tree-helper.h"

#include "ns3/abort.h"

namespace ns3
{

void
FatTreeHelper::SetLinkDelay(Time delay)
{
    m_linkDelay = delay;
}

FatTree
FatTreeHelper::Build(const FatTreeShape& shape) const
{
    NS_ABORT_MSG_IF(!shape.Validate().empty(), "FatTreeHelper: " << shape.Validate());
    Topology topology = Topology::WithBuiltins();
    topology.linkProfiles["link"] = LinkProfile{"link", m_linkDelay, 0, {}};
    topology.defaultLink = "link";
    PlaneSpec plane;
    plane.shape = shape;
    plane.shape.hosts = 0;
    plane.switchProfile = "fat-tree";
    // Switches of exactly the radix, so that any radix builds.
    SwitchProfile sw = topology.switchProfiles.at("spectrum-4");
    sw.name = plane.switchProfile;
    sw.ports = shape.radix;
    topology.switchProfiles[sw.name] = sw;
    topology.planes.push_back(plane);
    topology.servers = shape.hosts;
    std::vector<Diagnostic> problems;
    auto graph = std::make_shared<FabricGraph>(ExpandTopology(topology, problems));
    NS_ABORT_MSG_IF(!problems.empty(), "FatTreeHelper: " << problems.front().Format());

    FatTree tree;
    static_cast<Fabric&>(tree) = TopologyHelper::Build(graph);
    tree.shape = graph->planeShapes.front();
    tree.address = graph->address;
    tree.leavesPerPod = tree.shape.GetLeavesPerPod();
    tree.pods = tree.shape.GetPods();
    tree.links = graph->links.size();
    tree.tiers.resize(shape.tiers);
    std::size_t next = 0;
    for (uint32_t i = 0; i < graph->nodes.size(); ++i)
    {
        const FabricGraph::Node& n = graph->nodes[i];
        if (n.kind == FabricGraph::HOST)
        {
            tree.hostNodes.Add(tree.nodes[i]);
        }
        else
        {
            tree.tiers[n.tier - 1].push_back(tree.switches[next++]);
        }
    }
    return tree;
}

} // namespace ns3
