/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef ATTRIBUTE_TEXT_H
#define ATTRIBUTE_TEXT_H

#include "yaml-reader.h"

#include "ns3/object-factory.h"
#include "ns3/type-id.h"

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/// One ns-3 Attribute set from an input file, its value in a text form ns-3 reads back exactly
/// (e.g. "100000000000bps", "55000000ps").
struct AttributeSetting
{
    std::string attribute;
    std::string value;

    bool operator==(const AttributeSetting& other) const
    {
        return attribute == other.attribute && value == other.value;
    }
};

/// A factory of \p typeId (a registered TypeId name) with \p attributes set.
ObjectFactory MakeFactory(const std::string& typeId,
                          const std::vector<AttributeSetting>& attributes);

/// Attributes an input file may set on \p tid: its own, then its parents', as ObjectFactory can.
std::vector<TypeId::AttributeInformation> SettableAttributes(TypeId tid);

/**
 * \brief Check \p text as a value of the attribute \p info.
 * \return the value in a text form ns-3 reads back exactly, or nothing with \p error set
 *
 * Quantities take the files' units ("800Gbps", "800Gb/s", "55us"). ns-3.37's own parsers
 * abort on malformed text, so every value is checked here before the checker sees it.
 */
std::optional<std::string> AttributeText(const TypeId::AttributeInformation& info,
                                         const std::string& text,
                                         std::string& error);

/**
 * \brief Read the map \p node of Attribute names of \p tid and their values into \p out, in
 *        the order written; keys in \p skip belong to the caller. Unknown attributes (listing
 *        the valid ones), duplicate keys and bad values are reported.
 */
void ReadAttributeMap(YamlReader& r,
                      const YAML::Node& node,
                      const std::string& path,
                      TypeId tid,
                      std::initializer_list<const char*> skip,
                      std::vector<AttributeSetting>& out);

} // namespace ns3

#endif // ATTRIBUTE_TEXT_H
