#include "vzlab/hv/scenario/units.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace vzlab::hv::scenario {

namespace {

struct Unit {
  const char* name;
  double factor;
};

// Unit names after any SI or binary prefix has been split off.
const std::vector<Unit>& base_units(UnitKind kind) {
  static const std::vector<Unit> none{};
  static const std::vector<Unit> duration{{"s", 1}, {"sec", 1}, {"min", 60}, {"h", 3600}, {"d", 86400}};
  static const std::vector<Unit> flops{{"f", 1}, {"flop", 1}, {"flops", 1}};
  static const std::vector<Unit> rate{{"f", 1}, {"flop", 1}, {"flops", 1}, {"f/s", 1}, {"flop/s", 1}, {"flops/s", 1}};
  static const std::vector<Unit> bytes{{"B", 1}, {"byte", 1}, {"bytes", 1}};
  static const std::vector<Unit> byte_rate{{"B/s", 1},        {"byte/s", 1},     {"bytes/s", 1},
                                           {"b/s", 1.0 / 8}, {"bps", 1.0 / 8}, {"bit/s", 1.0 / 8}};
  switch (kind) {
    case UnitKind::kDuration: return duration;
    case UnitKind::kFlops: return flops;
    case UnitKind::kFlopRate: return rate;
    case UnitKind::kBytes: return bytes;
    case UnitKind::kByteRate: return byte_rate;
    case UnitKind::kNone: break;
  }
  return none;
}

std::optional<double> prefix_factor(std::string_view p, UnitKind kind) {
  static const std::vector<std::pair<std::string_view, double>> decimal{
      {"", 1}, {"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}};
  static const std::vector<std::pair<std::string_view, double>> binary{
      {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}};
  static const std::vector<std::pair<std::string_view, double>> small{{"", 1}, {"m", 1e-3}, {"u", 1e-6}, {"n", 1e-9}};
  if (kind == UnitKind::kDuration) {
    for (const auto& [name, f] : small)
      if (name == p) return f;
    return std::nullopt;
  }
  for (const auto& [name, f] : decimal)
    if (name == p) return f;
  if (kind == UnitKind::kBytes || kind == UnitKind::kByteRate)
    for (const auto& [name, f] : binary)
      if (name == p) return f;
  return std::nullopt;
}

std::optional<double> unit_factor(std::string_view unit, UnitKind kind) {
  // Try every split of unit into prefix + base name; durations accept only the
  // small prefixes on seconds ("ms", "us", "ns").
  for (const Unit& u : base_units(kind)) {
    std::string_view base(u.name);
    if (unit.size() < base.size() || unit.substr(unit.size() - base.size()) != base) continue;
    std::string_view prefix = unit.substr(0, unit.size() - base.size());
    if (kind == UnitKind::kDuration && !prefix.empty() && base != "s") continue;
    if (auto f = prefix_factor(prefix, kind)) return *f * u.factor;
  }
  return std::nullopt;
}

}  // namespace

const char* base_unit(UnitKind kind) {
  switch (kind) {
    case UnitKind::kDuration: return "s";
    case UnitKind::kFlops: return "flop";
    case UnitKind::kFlopRate: return "flop/s";
    case UnitKind::kBytes: return "B";
    case UnitKind::kByteRate: return "B/s";
    case UnitKind::kNone: break;
  }
  return "";
}

const char* unit_examples(UnitKind kind) {
  switch (kind) {
    case UnitKind::kDuration: return "a number of seconds or e.g. \"250ms\", \"30s\", \"5min\", \"2h\", \"1d\"";
    case UnitKind::kFlops: return "a number of flops or e.g. \"500Mf\", \"2 Gf\", \"1.5Tflop\"";
    case UnitKind::kFlopRate: return "a number of flop/s or e.g. \"1Gf\", \"2.5 Gf/s\", \"800 Mflops\"";
    case UnitKind::kBytes: return "a number of bytes or e.g. \"512MiB\", \"4 GiB\", \"100MB\"";
    case UnitKind::kByteRate: return "a number of bytes/s or e.g. \"500MB/s\", \"1.2 GiB/s\", \"10Gb/s\" (bits), \"1Gbps\"";
    case UnitKind::kNone: break;
  }
  return "a number";
}

std::optional<double> parse_quantity(std::string_view text, UnitKind kind, std::string* error) {
  auto fail = [&](std::string msg) -> std::optional<double> {
    if (error != nullptr) *error = std::move(msg);
    return std::nullopt;
  };
  std::size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  text = text.substr(b, e - b);
  if (text.empty()) return fail("expected " + std::string(unit_examples(kind)) + ", got an empty value");
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr == text.data())
    return fail("expected " + std::string(unit_examples(kind)) + ", got \"" + std::string(text) + "\"");
  if (!std::isfinite(value)) return fail("expected a finite number, got \"" + std::string(text) + "\"");
  std::string_view unit = text.substr(static_cast<std::size_t>(ptr - text.data()));
  while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.front()))) unit.remove_prefix(1);
  if (unit.empty()) return value;
  if (kind == UnitKind::kNone) return fail("expected a plain number, got \"" + std::string(text) + "\"");
  auto f = unit_factor(unit, kind);
  if (!f)
    return fail("unknown unit \"" + std::string(unit) + "\" (expected " + std::string(unit_examples(kind)) + ")");
  const double converted = value * *f;
  if (!std::isfinite(converted))
    return fail("\"" + std::string(text) + "\" is too large: converted to " + base_unit(kind) +
                " it exceeds the largest number (about 1.8e308)");
  return converted;
}

}  // namespace vzlab::hv::scenario
