// Quantities with units, as written in scenario files: "2 Gf", "150ms",
// "4 GiB". A bare number is taken in the base unit (flops, seconds, bytes).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vzlab::hv::scenario {

/// What a quantity measures; decides which unit names are accepted.
enum class UnitKind { kNone, kDuration, kFlops, kFlopRate, kBytes, kByteRate };

/// Base unit of a kind as shown in docs ("s", "flop", "flop/s", "B").
const char* base_unit(UnitKind kind);
/// Accepted unit spellings of a kind, for help and errors.
const char* unit_examples(UnitKind kind);

/// Parses "<number>[ ]<unit>" into base units; nullopt with `error` set if it
/// is not a finite number with a known unit of this kind, or is not finite
/// once in base units ("1e308Pf").
std::optional<double> parse_quantity(std::string_view text, UnitKind kind, std::string* error);

}  // namespace vzlab::hv::scenario
