// The scenario schema, declared once: every YAML key with its type, unit,
// default, allowed range and a one-line description. The loader validates
// against these tables, and docs/scenario-format.md is generated from them
// (`vzlab schema`), so the documentation cannot drift from the code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vzlab/hv/scenario/units.hpp"

namespace vzlab::hv::scenario {

/// Type of a key's value.
enum class ValueType {
  kString,        ///< free text
  kTemplate,      ///< text that may hold {i} fields (see name_template.hpp)
  kInteger,       ///< whole number
  kNumber,        ///< plain number
  kQuantity,      ///< number with a unit
  kRandom,        ///< quantity, or a distribution map (section "distribution")
  kChoice,        ///< one word of `choices`
  kList,          ///< list of maps of section `child`
  kMap,           ///< one map of section `child`
  kNamedLists,    ///< map of name -> list of maps of section `child`
};

/// One key of a section.
struct KeySpec {
  const char* name;
  ValueType type;
  UnitKind unit = UnitKind::kNone;
  const char* default_value = nullptr;  ///< nullptr: required (or see `note`)
  const char* description = "";
  double min = -1e300;        ///< smallest allowed value (numbers)
  bool min_exclusive = false; ///< true: value must be greater than min
  const char* choices = "";   ///< kChoice: words separated by '|'
  const char* child = "";     ///< kList/kMap/kNamedLists: section of the children
  const char* note = "";      ///< extra rule shown in docs (e.g. "one of compute/sleep")
  double max = 1e300;         ///< largest allowed value (numbers); see at_most()
};

/// The key with a largest allowed value.
constexpr KeySpec at_most(KeySpec k, double max) {
  k.max = max;
  return k;
}

/// A map in the file and the keys it may hold.
struct SectionSpec {
  const char* name;         ///< "scenario", "host", "guest", ...
  const char* where;        ///< where it appears, e.g. "hosts: [ ... ]"
  const char* description;
  std::vector<KeySpec> keys;
  const char* example;      ///< a YAML example using its keys
};

/// All sections, top-level first.
const std::vector<SectionSpec>& schema();
/// The section with that name; it must exist.
const SectionSpec& section(std::string_view name);
/// The key of a section, or nullptr.
const KeySpec* find_key(const SectionSpec& s, std::string_view key);
/// The schema as Markdown (the content of docs/scenario-format.md).
std::string schema_markdown();
/// Current schema version.
constexpr int kSchemaVersion = 1;

}  // namespace vzlab::hv::scenario
