/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "yaml-reader.h"

#include "ns3/fabric-units.h"

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

std::string
JoinPath(const std::string& path, const std::string& key)
{
    return path.empty() ? key : path + "." + key;
}

YamlReader::YamlReader(std::string file, std::vector<Diagnostic>& diagnostics)
    : m_file(std::move(file)),
      m_diagnostics(diagnostics)
{
}

YAML::Node
YamlReader::Parse(const std::string& text)
{
    try
    {
        return YAML::Load(text);
    }
    catch (const YAML::Exception& e)
    {
        m_diagnostics.push_back(
            Diagnostic{m_file, e.mark.line + 1, e.mark.column + 1, "", "YAML syntax: " + e.msg});
        return YAML::Node(YAML::NodeType::Null);
    }
}

YAML::Node
YamlReader::ParseFile()
{
    std::ifstream in(m_file);
    if (!in)
    {
        m_diagnostics.push_back(Diagnostic{m_file, 0, 0, "", "cannot open the file"});
        return YAML::Node(YAML::NodeType::Null);
    }
    std::stringstream text;
    text << in.rdbuf();
    return Parse(text.str());
}

void
YamlReader::Error(const YAML::Node& at, const std::string& path, const std::string& message)
{
    YAML::Mark mark = at.Mark();
    bool placed = mark.line >= 0 && !mark.is_null();
    m_diagnostics.push_back(Diagnostic{m_file,
                                       placed ? mark.line + 1 : 0,
                                       placed ? mark.column + 1 : 0,
                                       path,
                                       message});
}

bool
YamlReader::CheckMap(const YAML::Node& node,
                     const std::string& path,
                     std::initializer_list<const char*> allowed)
{
    if (!node.IsMap())
    {
        Error(node, path, "expected a map of keys");
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
            std::string valid;
            for (const char* name : allowed)
            {
                valid += valid.empty() ? name : std::string(", ") + name;
            }
            Error(entry.first, JoinPath(path, key), "unknown key (valid keys: " + valid + ")");
        }
        else if (!seen.insert(key).second)
        {
            Error(entry.first, JoinPath(path, key), "duplicate key");
        }
    }
    return true;
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

} // namespace ns3
