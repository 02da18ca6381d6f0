/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef YAML_READER_H
#define YAML_READER_H

#include "ns3/nstime.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace ns3
{

/// One problem found in an input file, located by file:line:column and a path inside it.
struct Diagnostic
{
    std::string file;
    int line{0};   //!< 1-based; 0 when the problem has no place in the file
    int column{0}; //!< 1-based
    std::string path;
    std::string message;

    /// "file:line:column: path: message"
    std::string Format() const;
};

/**
 * \ingroup fabric-topology
 * \brief Reads YAML input files and collects every problem found, each located in the file.
 *
 * Readers of topology and scenario files use it to check maps against their allowed keys
 * (unknown and duplicate keys are errors: yaml-cpp silently keeps duplicates) and to read
 * scalars with units. Nothing throws: problems accumulate in the diagnostics list.
 */
class YamlReader
{
  public:
    YamlReader(std::string file, std::vector<Diagnostic>& diagnostics);

    /// Parse \p text, which must hold one document; on an error report it and return nothing.
    std::optional<YAML::Node> Parse(const std::string& text);

    /// Read and parse the file given at construction; on an error report it and return nothing.
    std::optional<YAML::Node> ParseFile();

    void Error(const YAML::Node& at, const std::string& path, const std::string& message);

    /// Report a problem at a place recorded earlier (line 0: no place in the file).
    void ErrorAt(int line, int column, const std::string& path, const std::string& message);

    /**
     * \brief Check that \p node is a map whose keys are all in \p allowed, each once.
     * \return false if it is not a map
     */
    bool CheckMap(const YAML::Node& node,
                  const std::string& path,
                  const std::vector<const char*>& allowed);

    /// \name Read map[key] into \p out if present; return true if it was present and valid.
    /// @{
    bool ReadString(const YAML::Node& map,
                    const char* key,
                    const std::string& path,
                    std::string& out);
    bool ReadUint(const YAML::Node& map,
                  const char* key,
                  const std::string& path,
                  uint64_t& out,
                  uint64_t min = 0,
                  uint64_t max = UINT64_MAX);
    bool ReadDataRate(const YAML::Node& map,
                      const char* key,
                      const std::string& path,
                      uint64_t& bitsPerSecond);
    bool ReadTime(const YAML::Node& map, const char* key, const std::string& path, Time& out);
    bool ReadBytes(const YAML::Node& map, const char* key, const std::string& path, uint64_t& out);
    /// A cable length (mm, cm, m, km), in millimetres.
    bool ReadLength(const YAML::Node& map,
                    const char* key,
                    const std::string& path,
                    uint64_t& millimetres);
    /// true or false (also True, TRUE, False, FALSE: YAML 1.2's booleans).
    bool ReadBool(const YAML::Node& map, const char* key, const std::string& path, bool& out);
    /// A decimal number in [min, max].
    bool ReadDouble(const YAML::Node& map,
                    const char* key,
                    const std::string& path,
                    double& out,
                    double min,
                    double max);
    /// @}

    /**
     * \brief Mark \p value as given on the command line (e.g. `nsfab run --set`): problems in
     *        it or below it are reported as \p label instead of a place in the file.
     */
    void AddOverride(const YAML::Node& value, const std::string& label);

    /// Report keys that appear more than once in the map \p node (any key is allowed).
    void CheckUniqueKeys(const YAML::Node& node, const std::string& path);

    /// Problems reported so far (by every reader sharing the list).
    std::size_t GetDiagnosticCount() const
    {
        return m_diagnostics.size();
    }

    /// Report a required key that is missing from \p map.
    bool Require(const YAML::Node& map, const char* key, const std::string& path);

    const std::string& GetFile() const
    {
        return m_file;
    }

    /// The list problems are appended to (for readers of other files found in this one).
    std::vector<Diagnostic>& GetDiagnostics()
    {
        return m_diagnostics;
    }

  private:
    /// The scalar at map[key], or nothing (and a diagnostic if present but not a scalar).
    /// yaml-cpp nodes are handles whose assignment writes through, hence optional.
    std::optional<YAML::Node> Scalar(const YAML::Node& map,
                                     const char* key,
                                     const std::string& path);

    std::string m_file;
    std::vector<Diagnostic>& m_diagnostics;
    std::vector<std::pair<YAML::Node, std::string>> m_overrides;
};

/// True when \p text is well-formed UTF-8 (results files are JSON, which must be).
bool IsUtf8(const std::string& text);

/// "path.key" (or "key" at the root).
std::string JoinPath(const std::string& path, const std::string& key);

/// What \p node holds, for messages: "a list", "a map", "a single value", "an empty value".
std::string DescribeNode(const YAML::Node& node);

} // namespace ns3

#endif // YAML_READER_H
