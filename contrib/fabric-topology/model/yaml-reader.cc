/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "yaml-reader.h"

#include "ns3/fabric-units.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace ns3
{

std::string
Diagnostic::Format() const
{
    std::ostringstream os;
    os << file;
    if (line > 0)
    {
        os << ':' << line << ':' << column;
    }
    os << ": ";
    if (!path.empty())
    {
        os << path << ": ";
    }
    os << message;
    return os.str();
}

bool
IsUtf8(const std::string& text)
{
    for (std::size_t i = 0; i < text.size();)
    {
        auto byte = static_cast<unsigned char>(text[i]);
        // Length of the sequence from its lead byte; overlong and surrogate forms are rejected.
        std::size_t length = byte < 0x80                   ? 1
                             : byte >= 0xC2 && byte < 0xE0 ? 2
                             : byte >= 0xE0 && byte < 0xF0 ? 3
                             : byte >= 0xF0 && byte < 0xF5 ? 4
                                                           : 0;
        if (length == 0 || i + length > text.size())
        {
            return false;
        }
        uint32_t code = length == 1 ? byte : byte & (0x7F >> length);
        for (std::size_t k = 1; k < length; ++k)
        {
            auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80)
            {
                return false;
            }
            code = (code << 6) | (next & 0x3F);
        }
        static const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        {
            return false;
        }
        i += length;
    }
    return true;
}

std::string
JoinPath(const std::string& path, const std::string& key)
{
    return path.empty() ? key : path + "." + key;
}

std::string
DescribeNode(const YAML::Node& node)
{
    return node.IsSequence() ? "a list"
           : node.IsMap()    ? "a map"
           : node.IsScalar() ? "a single value"
                             : "an empty value";
}

YamlReader::YamlReader(std::string file, std::vector<Diagnostic>& diagnostics)
    : m_file(std::move(file)),
      m_diagnostics(diagnostics)
{
}

std::optional<YAML::Node>
YamlReader::Parse(const std::string& text)
{
    try
    {
        std::vector<YAML::Node> documents = YAML::LoadAll(text);
        if (documents.size() > 1)
        {
            Error(documents[1], "", "a file holds one YAML document; this is a second one");
            return std::nullopt;
        }
        return documents.empty() ? YAML::Node(YAML::NodeType::Null) : documents[0];
    }
    catch (const YAML::Exception& e)
    {
        m_diagnostics.push_back(
            Diagnostic{m_file, e.mark.line + 1, e.mark.column + 1, "", "YAML syntax: " + e.msg});
        return std::nullopt;
    }
}

std::optional<YAML::Node>
YamlReader::ParseFile()
{
    std::error_code ec;
    if (std::filesystem::is_directory(m_file, ec))
    {
        m_diagnostics.push_back(Diagnostic{m_file, 0, 0, "", "is a directory, not a file"});
        return std::nullopt;
    }
    std::ifstream in(m_file);
    if (!in)
    {
        m_diagnostics.push_back(Diagnostic{m_file, 0, 0, "", "cannot open the file"});
        return std::nullopt;
    }
    std::stringstream text;
    text << in.rdbuf();
    return Parse(text.str());
}

namespace
{
/// Whether \p node is \p tree or inside it.
bool
Contains(const YAML::Node& tree, const YAML::Node& node)
{
    if (tree.is(node))
    {
        return true;
    }
    if (tree.IsSequence())
    {
        for (const auto& item : tree)
        {
            if (Contains(item, node))
            {
                return true;
            }
        }
    }
    if (tree.IsMap())
    {
        for (const auto& entry : tree)
        {
            if (Contains(entry.first, node) || Contains(entry.second, node))
            {
                return true;
            }
        }
    }
    return false;
}
} // namespace

void
YamlReader::AddOverride(const YAML::Node& value, const std::string& label)
{
    m_overrides.emplace_back(value, label);
}

void
YamlReader::Error(const YAML::Node& at, const std::string& path, const std::string& message)
{
    for (const auto& [value, label] : m_overrides)
    {
        if (Contains(value, at))
        {
            m_diagnostics.push_back(Diagnostic{label, 0, 0, path, message});
            return;
        }
    }
    YAML::Mark mark = at.Mark();
    bool placed = mark.line >= 0 && !mark.is_null();
    ErrorAt(placed ? mark.line + 1 : 0, placed ? mark.column + 1 : 0, path, message);
}

void
YamlReader::ErrorAt(int line, int column, const std::string& path, const std::string& message)
{
    m_diagnostics.push_back(Diagnostic{m_file, line, column, path, message});
}

bool
YamlReader::CheckMap(const YAML::Node& node,
                     const std::string& path,
                     const std::vector<const char*>& allowed)
{
    std::string valid;
    for (const char* name : allowed)
    {
        valid += valid.empty() ? name : std::string(", ") + name;
    }
    if (!node.IsMap())
    {
        Error(node, path, "expected a map (keys: " + valid + "), not " + DescribeNode(node));
        return false;
    }
    std::set<std::string> seen;
    for (const auto& entry : node)
    {
        std::string key = entry.first.Scalar();
        bool known = false;
        for (const char* name : allowed)
        {
            known = known || key == name;
        }
        if (!known)
        {
            Error(entry.first, JoinPath(path, key), "unknown key (valid keys: " + valid + ")");
        }
        else if (!seen.insert(key).second)
        {
            Error(entry.first, JoinPath(path, key), "duplicate key");
        }
    }
    return true;
}

void
YamlReader::CheckUniqueKeys(const YAML::Node& node, const std::string& path)
{
    std::set<std::string> seen;
    for (const auto& entry : node)
    {
        if (!seen.insert(entry.first.Scalar()).second)
        {
            Error(entry.first, JoinPath(path, entry.first.Scalar()), "duplicate key");
        }
    }
}

bool
YamlReader::Require(const YAML::Node& map, const char* key, const std::string& path)
{
    if (map[key])
    {
        return true;
    }
    Error(map, JoinPath(path, key), "required key is missing");
    return false;
}

std::optional<YAML::Node>
YamlReader::Scalar(const YAML::Node& map, const char* key, const std::string& path)
{
    const YAML::Node node = map[key];
    if (!node)
    {
        return std::nullopt;
    }
    if (!node.IsScalar())
    {
        Error(node, JoinPath(path, key), "expected a single value");
        return std::nullopt;
    }
    return node;
}

bool
YamlReader::ReadString(const YAML::Node& map,
                       const char* key,
                       const std::string& path,
                       std::string& out)
{
    std::optional<YAML::Node> node = Scalar(map, key, path);
    if (!node)
    {
        return false;
    }
    if (!IsUtf8(node->Scalar()))
    {
        Error(*node, JoinPath(path, key), "not valid UTF-8 text");
        return false;
    }
    out = node->Scalar();
    return true;
}

bool
YamlReader::ReadUint(const YAML::Node& map,
                     const char* key,
                     const std::string& path,
                     uint64_t& out,
                     uint64_t min,
                     uint64_t max)
{
    std::optional<YAML::Node> node = Scalar(map, key, path);
    if (!node)
    {
        return false;
    }
    const std::string& text = node->Scalar();
    std::size_t digits = text.find_first_not_of("0123456789");
    if (text.empty() || digits != std::string::npos || text.size() > 19)
    {
        Error(*node, JoinPath(path, key), "expected a non-negative integer, not '" + text + "'");
        return false;
    }
    uint64_t value = std::stoull(text);
    if (value < min || value > max)
    {
        Error(*node,
              JoinPath(path, key),
              text + " is out of range [" + std::to_string(min) + ", " +
                  (max == UINT64_MAX ? std::string("...") : std::to_string(max)) + "]");
        return false;
    }
    out = value;
    return true;
}

namespace
{
/// Shared body of the unit-carrying readers: \p parse returns "" or the error text.
template <typename T, typename Parser>
bool
ReadWithUnit(YamlReader& reader,
             const YAML::Node& node,
             const std::string& path,
             T& out,
             Parser parse)
{
    T value{};
    std::string error = parse(node.Scalar(), value);
    if (!error.empty())
    {
        reader.Error(node, path, error);
        return false;
    }
    out = value;
    return true;
}
} // namespace

bool
YamlReader::ReadDataRate(const YAML::Node& map,
                         const char* key,
                         const std::string& path,
                         uint64_t& bitsPerSecond)
{
    std::optional<YAML::Node> node = Scalar(map, key, path);
    return node &&
           ReadWithUnit(*this, *node, JoinPath(path, key), bitsPerSecond, fabric::ParseDataRate);
}

bool
YamlReader::ReadTime(const YAML::Node& map, const char* key, const std::string& path, Time& out)
{
    std::optional<YAML::Node> node = Scalar(map, key, path);
    return node && ReadWithUnit(*this, *node, JoinPath(path, key), out, fabric::ParseTime);
}

bool
YamlReader::ReadBytes(const YAML::Node& map,
                      const char* key,
                      const std::string& path,
                      uint64_t& out)
{
    std::optional<YAML::Node> node = Scalar(map, key, path);
    return node && ReadWithUnit(*this, *node, JoinPath(path, key), out, fabric::ParseBytes);
}

bool
YamlReader::ReadLength(const YAML::Node& map,
                       const char* key,
                       const std::string& path,
                       uint64_t& millimetres)
{
    std::optional<YAML::Node> node = Scalar(map, key, path);
    return node &&
           ReadWithUnit(*this, *node, JoinPath(path, key), millimetres, fabric::ParseLength);
}

bool
YamlReader::ReadBool(const YAML::Node& map, const char* key, const std::string& path, bool& out)
{
    std::optional<YAML::Node> node = Scalar(map, key, path);
    if (!node)
    {
        return false;
    }
    std::string problem = fabric::ParseBool(node->Scalar(), out);
    if (!problem.empty())
    {
        Error(*node, JoinPath(path, key), problem);
    }
    return problem.empty();
}

bool
YamlReader::ReadDouble(const YAML::Node& map,
                       const char* key,
                       const std::string& path,
                       double& out,
                       double min,
                       double max)
{
    std::optional<YAML::Node> node = Scalar(map, key, path);
    if (!node)
    {
        return false;
    }
    const std::string& text = node->Scalar();
    char* end = nullptr;
    double value = text.empty() ? 0 : std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(value))
    {
        Error(*node, JoinPath(path, key), "'" + text + "' is not a number");
        return false;
    }
    if (value < min || value > max)
    {
        std::ostringstream os;
        os << text << " is out of range [" << min << ", " << max << "]";
        Error(*node, JoinPath(path, key), os.str());
        return false;
    }
    out = value;
    return true;
}

} // namespace ns3
