/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The corpus of malformed topology files (tests/data/topology-errors/): each file must give
// exactly the diagnostics expected.txt lists for it, in order, and nothing may be built.
#include "fabric-test.h"

#include "ns3/topology-reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace
{
using namespace ns3;

const std::string CORPUS = std::string(NSFAB_SOURCE_DIR) + "/tests/data/topology-errors/";

/// One expected diagnostic: "LINE:COLUMN" and "PATH: MESSAGE" (just MESSAGE at the root).
struct Expected
{
    std::string place;
    std::string text;

    bool operator==(const Expected& other) const
    {
        return place == other.place && text == other.text;
    }
};

void
PrintTo(const Expected& e, std::ostream* os)
{
    *os << e.place << " " << e.text;
}

/// expected.txt: "FILE LINE:COLUMN PATH: MESSAGE" lines; '#' starts a comment line.
const std::map<std::string, std::vector<Expected>>&
Manifest()
{
    static const std::map<std::string, std::vector<Expected>> manifest = [] {
        std::map<std::string, std::vector<Expected>> lines;
        std::ifstream in(CORPUS + "expected.txt"); // missing: no file is listed, which fails
        for (std::string line; std::getline(in, line);)
        {
            if (line.empty() || line[0] == '#')
            {
                continue;
            }
            std::istringstream fields(line);
            std::string file;
            Expected e;
            fields >> file >> e.place;
            fields.get(); // the blank before the text
            std::getline(fields, e.text);
            lines[file].push_back(e);
        }
        return lines;
    }();
    return manifest;
}

std::vector<std::string>
ManifestFiles()
{
    std::vector<std::string> files;
    for (const auto& [file, expected] : Manifest())
    {
        files.push_back(file);
    }
    return files;
}

std::set<std::string>
CorpusFiles()
{
    std::set<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(CORPUS))
    {
        if (entry.path().extension() == ".yaml")
        {
            files.insert(entry.path().filename().string());
        }
    }
    return files;
}

class TopologyErrorsTest : public nsfab_test::FabricTest,
                           public ::testing::WithParamInterface<std::string>
{
};

TEST_P(TopologyErrorsTest, GivesExactlyTheExpectedDiagnostics)
{
    const std::string& file = GetParam();
    std::vector<Diagnostic> diagnostics;
    auto loaded = LoadTopologyFile(CORPUS + file, diagnostics);
    EXPECT_FALSE(loaded.has_value()) << file << " was built";
    std::vector<Expected> got;
    for (const Diagnostic& d : diagnostics)
    {
        EXPECT_EQ(d.file, CORPUS + file);
        got.push_back(Expected{std::to_string(d.line) + ":" + std::to_string(d.column),
                               (d.path.empty() ? "" : d.path + ": ") + d.message});
    }
    EXPECT_EQ(got, Manifest().at(file));
}

INSTANTIATE_TEST_SUITE_P(TopologyErrors,
                         TopologyErrorsTest,
                         ::testing::ValuesIn(ManifestFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string name = info.param.substr(0, info.param.rfind('.'));
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST(TopologyErrors, ManifestListsEveryCorpusFileAndNoOther)
{
    std::set<std::string> corpus = CorpusFiles();
    std::vector<std::string> listed = ManifestFiles();
    EXPECT_GE(corpus.size(), 30u);
    for (const auto& file : corpus)
    {
        EXPECT_TRUE(Manifest().count(file)) << file << " is not in expected.txt";
    }
    for (const auto& file : listed)
    {
        EXPECT_TRUE(corpus.count(file)) << "expected.txt lists " << file << ", not in the corpus";
    }
}

TEST(TopologyErrors, SeveralProblemsInOneFileAreAllReportedInFileOrder)
{
    for (const char* file : {"many-problems.yaml", "many-link-problems.yaml"})
    {
        ASSERT_TRUE(Manifest().count(file)) << file;
        const std::vector<Expected>& expected = Manifest().at(file);
        EXPECT_GE(expected.size(), 3u) << file;
        std::vector<std::pair<int, int>> places;
        for (const auto& e : expected)
        {
            std::size_t colon = e.place.find(':');
            places.emplace_back(std::stoi(e.place.substr(0, colon)),
                                std::stoi(e.place.substr(colon + 1)));
        }
        EXPECT_TRUE(std::is_sorted(places.begin(), places.end())) << file;
    }
}

} // namespace
