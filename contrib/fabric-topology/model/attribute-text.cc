/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "attribute-text.h"

#include "ns3/fabric-units.h"
#include "ns3/string.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace ns3
{

std::vector<TypeId::AttributeInformation>
SettableAttributes(TypeId tid)
{
    std::vector<TypeId::AttributeInformation> attributes;
    for (TypeId t = tid;; t = t.GetParent())
    {
        for (std::size_t i = 0; i < t.GetAttributeN(); ++i)
        {
            TypeId::AttributeInformation info = t.GetAttribute(i);
            if ((info.flags & TypeId::ATTR_CONSTRUCT) && info.supportLevel != TypeId::OBSOLETE)
            {
                attributes.push_back(info);
            }
        }
        if (t.GetParent() == t)
        {
            return attributes;
        }
    }
}

namespace
{
/// Digits, at most \p maxDigits of them (so that the value fits 64 bits), after an optional
/// sign when \p sign.
bool
IsInteger(const std::string& text, bool sign, std::size_t maxDigits = 18)
{
    std::size_t start = sign && !text.empty() && (text[0] == '+' || text[0] == '-') ? 1 : 0;
    std::size_t digits = text.size() - start;
    return digits > 0 && digits <= maxDigits &&
           std::all_of(text.begin() + start, text.end(), [](char c) {
               return c >= '0' && c <= '9';
           });
}

/// A decimal number: sign, digits with at most one point (a digit on one side), exponent.
bool
IsDecimalNumber(const std::string& text)
{
    std::size_t exponent = text.find_first_of("eE");
    std::string mantissa = text.substr(0, exponent);
    if (exponent != std::string::npos && !IsInteger(text.substr(exponent + 1), true, 4))
    {
        return false;
    }
    std::size_t point = mantissa.find('.');
    std::string whole = mantissa.substr(0, point);
    std::string fraction = point == std::string::npos ? "" : mantissa.substr(point + 1);
    bool wholeOk = whole.empty() || whole == "+" || whole == "-" || IsInteger(whole, true, 400);
    bool fractionOk = fraction.empty() || IsInteger(fraction, false, 400);
    bool hasDigit = (!whole.empty() && whole != "+" && whole != "-") || !fraction.empty();
    return wholeOk && fractionOk && hasDigit;
}

} // namespace

std::optional<std::string>
AttributeText(const TypeId::AttributeInformation& info, const std::string& text, std::string& error)
{
    std::string type = info.checker->GetValueTypeName();
    type = type.rfind("ns3::", 0) == 0 ? type.substr(5) : type;
    std::string range = info.checker->GetUnderlyingTypeInformation(); // e.g. "double 0:1"
    std::string value = text;
    std::string expected;
    std::string detail; // what the unit parsers found wrong, or the checker's range
    if (type == "DataRateValue")
    {
        uint64_t bps = 0;
        detail = fabric::ParseDataRate(text, bps);
        value = detail.empty() ? std::to_string(bps) + "bps" : "";
        expected = "a data rate such as 100Gbps";
    }
    else if (type == "TimeValue")
    {
        Time time;
        detail = fabric::ParseTime(text, time);
        value = detail.empty() ? std::to_string(time.GetPicoSeconds()) + "ps" : "";
        expected = "a time such as 55us";
        detail = detail.empty() ? range : detail;
    }
    else if (type == "DoubleValue")
    {
        value = IsDecimalNumber(text) ? text : "";
        expected = "a number";
        detail = range;
    }
    else if (type == "UintegerValue" || type == "IntegerValue")
    {
        bool sign = type == "IntegerValue";
        value = IsInteger(text, sign, sign ? 18 : 19) ? text : "";
        expected = "an integer";
        detail = range;
    }
    else if (type == "BooleanValue")
    {
        bool flag = false;
        value = fabric::ParseBool(text, flag).empty() ? (flag ? "true" : "false") : "";
        expected = "true or false";
    }
    else if (type == "EnumValue")
    {
        // ns-3.37 asserts on a name its enum does not know: match the names ("A|B|C") here.
        std::string names = info.checker->GetUnderlyingTypeInformation();
        std::istringstream list(names);
        bool known = false;
        for (std::string name; std::getline(list, name, '|');)
        {
            known |= name == text;
        }
        value = known ? text : "";
        expected = "one of " + names;
    }
    else if (type != "StringValue")
    {
        error = "attribute " + info.name + " holds a " + type + ", which a scenario cannot set";
        return std::nullopt;
    }
    if (value.empty() || !info.checker->CreateValidValue(StringValue(value)))
    {
        error = "invalid value '" + text + "' for attribute " + info.name + ": expected " +
                expected + (detail.empty() ? "" : " (" + detail + ")");
        return std::nullopt;
    }
    return value;
}

void
ReadAttributeMap(YamlReader& r,
                 const YAML::Node& node,
                 const std::string& path,
                 TypeId tid,
                 std::initializer_list<const char*> skip,
                 std::vector<AttributeSetting>& out)
{
    std::vector<TypeId::AttributeInformation> attributes = SettableAttributes(tid);
    std::set<std::string> seen;
    for (const auto& entry : node)
    {
        std::string key = entry.first.Scalar();
        std::string at = JoinPath(path, key);
        if (!seen.insert(key).second)
        {
            r.Error(entry.first, at, "duplicate key");
            continue;
        }
        if (std::find_if(skip.begin(), skip.end(), [&](const char* k) { return key == k; }) !=
            skip.end())
        {
            continue;
        }
        auto info = std::find_if(attributes.begin(), attributes.end(), [&](const auto& a) {
            return a.name == key;
        });
        if (info == attributes.end())
        {
            std::string valid;
            for (const auto& a : attributes)
            {
                valid += valid.empty() ? a.name : ", " + a.name;
            }
            r.Error(entry.first,
                    at,
                    "unknown attribute of " + tid.GetName() + " (valid: " + valid + ")");
            continue;
        }
        std::string text;
        if (!r.ReadString(node, key.c_str(), path, text))
        {
            continue;
        }
        std::string error;
        if (std::optional<std::string> value = AttributeText(*info, text, error))
        {
            out.push_back(AttributeSetting{key, *value});
        }
        else
        {
            r.Error(entry.second, at, error);
        }
    }
}

ObjectFactory
MakeFactory(const std::string& typeId, const std::vector<AttributeSetting>& attributes)
{
    ObjectFactory factory(typeId);
    for (const auto& [name, value] : attributes)
    {
        factory.Set(name, StringValue(value));
    }
    return factory;
}

} // namespace ns3
