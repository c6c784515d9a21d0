#include "vzlab/hv/scenario/limits.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdio>

#include "vzlab/hv/scenario/scenario.hpp"

namespace vzlab::hv::scenario {

namespace {

// What a total over its limit says.
std::string over(double total, double limit, const char* what) {
  if (total <= limit) return "";
  return "the scenario would hold " + limit_text(total) + " " + what + " once its counts and repeats are multiplied "
         "out, above the limit of " + limit_text(limit) + " (docs/scenario-format.md, Limits)";
}

// Length of the UTF-8 sequence at s[i] and its code point; 0 when it is not valid UTF-8
// (overlong, surrogate, above U+10FFFF, cut short).
std::size_t utf8_at(std::string_view s, std::size_t i, char32_t* cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  char32_t v = n == 1 ? c : c & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(k) & 0x3F);
  }
  static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kSmallest[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

// Walks the tree with aliases expanded, counting values, until the first breach.
class TreeCheck {
 public:
  explicit TreeCheck(const std::string& file) : file_(file) {}

  bool visit(const YAML::Node& n, const std::string& path, bool multiline) {
    if (++values_ > kMaxYamlValues)
      return fail(n.Mark(), path,
                  "the file holds more than " + limit_text(kMaxYamlValues) +
                      " values once its aliases (*name) are expanded (docs/scenario-format.md, Limits)");
    if (n.IsScalar()) return text(n, path, multiline);
    if (n.IsSequence()) {
      std::size_t i = 0;
      for (const auto& item : n)
        if (!visit(item, path + "[" + std::to_string(i++) + "]", false)) return false;
    } else if (n.IsMap()) {
      for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
        if (!visit(it->first, path, false)) return false;
        if (!visit(it->second, path.empty() ? key : path + "." + key, key == "description")) return false;
      }
    }
    return true;
  }

  std::optional<LoadError> error() const { return error_; }

 private:
  bool text(const YAML::Node& n, const std::string& path, bool multiline) {
    const std::string& s = n.Scalar();
    for (std::size_t i = 0; i < s.size();) {
      char32_t cp = 0;
      const std::size_t len = utf8_at(s, i, &cp);
      char code[64];
      if (len == 0) {
        std::snprintf(code, sizeof code, "byte 0x%02X at offset %zu", static_cast<unsigned char>(s[i]), i);
        return fail(n.Mark(), path, std::string("text is not valid UTF-8 (") + code + ")");
      }
      const bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
      if (control && !(multiline && (cp == '\n' || cp == '\t'))) {
        std::snprintf(code, sizeof code, "U+%04X at offset %zu", static_cast<unsigned>(cp), i);
        return fail(n.Mark(), path,
                    std::string("text holds a control character (") + code +
                        "); names and values are printable text (a description may also hold tabs and line breaks)");
      }
      i += len;
    }
    return true;
  }

  bool fail(const YAML::Mark& mark, const std::string& path, std::string message) {
    error_ = LoadError{file_, mark.is_null() ? 0 : mark.line + 1, mark.is_null() ? 0 : mark.column + 1, path,
                       std::move(message)};
    return false;
  }

  const std::string& file_;
  double values_ = 0;
  std::optional<LoadError> error_;
};

}  // namespace

std::string range_problem(const KeySpec& k, double v) {
  const bool low = k.min_exclusive ? v <= k.min : v < k.min;
  if (!low && v <= k.max) return "";
  return "'" + std::string(k.name) + "' must be " +
         (low ? (k.min_exclusive ? "> " : ">= ") + limit_text(k.min) : "<= " + limit_text(k.max)) + ", got " +
         limit_text(v);
}

std::optional<long> key_integer(const KeySpec& k, std::string_view text, std::string* why) {
  long v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) {
    *why = "expected a whole number for '" + std::string(k.name) + "', got \"" + std::string(text) + "\"";
    return std::nullopt;
  }
  *why = range_problem(k, static_cast<double>(v));
  return why->empty() ? std::optional<long>(v) : std::nullopt;
}

std::optional<double> key_number(const KeySpec& k, std::string_view text, std::string* why,
                                 std::optional<UnitKind> unit) {
  std::string e;
  auto v = parse_quantity(text, unit.value_or(k.unit), &e);
  if (!v) {
    *why = "'" + std::string(k.name) + "': " + e;
    return std::nullopt;
  }
  *why = range_problem(k, *v);
  return why->empty() ? v : std::nullopt;
}

std::string limit_text(double v) {
  char buf[48];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", std::fabs(v));
    std::string digits = buf, out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
      out += digits[i];
    }
    return (v < 0 ? "-" : "") + out;
  }
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

double typical(const Distribution& d) {
  switch (d.kind) {
    case Distribution::Kind::kConstant: return d.a;
    case Distribution::Kind::kUniform: return (d.a + d.b) / 2;
    case Distribution::Kind::kExponential: return d.a;
    case Distribution::Kind::kNormal: return std::max(d.a, 0.0);
    case Distribution::Kind::kLognormal: return std::exp(std::min(d.a, 700.0));
    case Distribution::Kind::kWeibull: return d.b;
  }
  return d.a;
}

std::string ExpansionTally::add_elements(double n) {
  elements_ += n;
  return over(elements_, kMaxElements, "hosts, network nodes and links, guests and processes");
}

std::string ExpansionTally::add_steps(double copies, double drawn) {
  copies_ += copies;
  drawn_ += drawn;
  if (std::string why = over(copies_, kMaxStepCopies, "steps (each process keeps its own)"); !why.empty()) return why;
  return over(drawn_, kMaxDrawnAmounts, "random amounts drawn (one per random step and repetition)");
}

std::string ExpansionTally::add_instant_steps(double n) {
  instant_ += n;
  std::string why = over(instant_, kMaxInstantSteps, "executions of steps that take no time");
  return why.empty() ? "" : why + "; such steps never let simulated time pass, so 'until' cannot end them";
}

std::string periodic_problem(const char* what, double per_run, double interval_s, double run_s, bool run_is_until,
                             double kept) {
  double rounds = per_run * run_s / interval_s;
  // Kept rounds first, then half as many again each time the interval doubles.
  if (kept > 0 && rounds > kept) rounds = kept * (1 + std::log2(rounds / kept) / 2);
  if (!(rounds > kMaxPeriodic)) return "";
  return limit_text(rounds) + " " + what + " over a run of " + limit_text(run_s) + " s (" +
         (run_is_until ? "its 'until'" : "estimated from its work: give an 'until'") + "), above the limit of " +
         limit_text(kMaxPeriodic) + " (docs/scenario-format.md, Limits)";
}

std::optional<LoadError> check_tree(const YAML::Node& root, const std::string& file) {
  TreeCheck check(file);
  check.visit(root, "", false);
  return check.error();
}

}  // namespace vzlab::hv::scenario
