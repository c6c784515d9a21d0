// Name templates for replicated entries: "web-{i}", "h{i/8}", "vm-{i+1:03}".
//
// Text outside braces is copied; inside braces is an integer expression over
// the replica index i (+ - * / % and parentheses), optionally followed by
// ":0N" to zero-pad to N digits. Parentheses and unary minus signs nest at
// most kMaxTemplateNesting deep.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vzlab::hv::scenario {

/// Deepest nesting of parentheses and unary minus signs in a {...} field.
constexpr int kMaxTemplateNesting = 32;

/// True if text contains a {...} field.
bool is_template(std::string_view text);

/// Expands the template for replica index i; nullopt and `error` on a bad
/// template (unbalanced braces, unknown variable, division by zero, nesting
/// deeper than kMaxTemplateNesting).
std::optional<std::string> expand_template(std::string_view text, long i, std::string* error);

}  // namespace vzlab::hv::scenario
