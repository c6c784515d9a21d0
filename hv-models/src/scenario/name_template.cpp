#include "vzlab/hv/scenario/name_template.hpp"

#include <cctype>

namespace vzlab::hv::scenario {

namespace {

// Recursive-descent evaluator: expr := term (('+'|'-') term)*,
// term := factor (('*'|'/'|'%') factor)*, factor := number | 'i' | '(' expr ')' | '-' factor.
class Expr {
 public:
  Expr(std::string_view s, long i) : s_(s), i_(i) {}
  std::optional<long> parse(std::string* error) {
    auto v = expr();
    skip();
    if (v && pos_ != s_.size()) fail("unexpected '" + std::string(1, s_[pos_]) + "'");
    if (!error_.empty()) {
      if (error != nullptr) *error = error_;
      return std::nullopt;
    }
    return v;
  }

 private:
  void skip() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  bool eat(char c) {
    skip();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
  }
  std::optional<long> overflow() {
    fail("number too large");
    return std::nullopt;
  }
  std::optional<long> expr() {
    auto v = term();
    while (v) {
      if (eat('+')) {
        auto r = term();
        if (!r) return std::nullopt;
        if (__builtin_add_overflow(*v, *r, &*v)) return overflow();
      } else if (eat('-')) {
        auto r = term();
        if (!r) return std::nullopt;
        if (__builtin_sub_overflow(*v, *r, &*v)) return overflow();
      } else {
        break;
      }
    }
    return v;
  }
  std::optional<long> term() {
    auto v = factor();
    while (v) {
      char op = 0;
      if (eat('*')) op = '*';
      else if (eat('/')) op = '/';
      else if (eat('%')) op = '%';
      else break;
      auto r = factor();
      if (!r) return std::nullopt;
      if (op != '*' && *r == 0) {
        fail("division by zero");
        return std::nullopt;
      }
      if (op == '*') {
        if (__builtin_mul_overflow(*v, *r, &*v)) return overflow();
      } else {
        *v = op == '/' ? *v / *r : *v % *r;
      }
    }
    return v;
  }
  std::optional<long> factor() {
    skip();
    // Each '(' and unary '-' recurses once: bounded so that no text can
    // exhaust the stack.
    if (depth_ >= kMaxTemplateNesting && pos_ < s_.size() && (s_[pos_] == '(' || s_[pos_] == '-')) {
      fail("parentheses and minus signs nested more than " + std::to_string(kMaxTemplateNesting) + " deep");
      return std::nullopt;
    }
    const Nesting nested(depth_);
    if (eat('(')) {
      auto v = expr();
      if (v && !eat(')')) {
        fail("missing ')'");
        return std::nullopt;
      }
      return v;
    }
    if (eat('-')) {
      auto v = factor();
      if (v && __builtin_sub_overflow(0L, *v, &*v)) return overflow();
      return v;
    }
    if (pos_ < s_.size() && s_[pos_] == 'i') {
      ++pos_;
      return i_;
    }
    if (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      long v = 0;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
        if (v > 100000000000L) {
          fail("number too large");
          return std::nullopt;
        }
        v = v * 10 + (s_[pos_++] - '0');
      }
      return v;
    }
    if (pos_ >= s_.size()) fail("expression ends too early");
    else fail("unknown name or symbol '" + std::string(1, s_[pos_]) + "' (only the replica index i and integers)");
    return std::nullopt;
  }

  // Counts one level of nesting for as long as it lives.
  struct Nesting {
    explicit Nesting(int& depth) : depth_(++depth) {}
    ~Nesting() { --depth_; }
    int& depth_;
  };

  std::string_view s_;
  long i_;
  int depth_ = 0;
  std::size_t pos_ = 0;
  std::string error_;
};

// Text quoted in a message, cut short if long.
std::string shown(std::string_view text) {
  constexpr std::size_t kMax = 60;
  return text.size() <= kMax ? std::string(text) : std::string(text.substr(0, kMax)) + "...";
}

}  // namespace

bool is_template(std::string_view text) { return text.find('{') != std::string_view::npos; }

std::optional<std::string> expand_template(std::string_view text, long i, std::string* error) {
  auto fail = [&](std::string msg) -> std::optional<std::string> {
    if (error != nullptr) *error = std::move(msg);
    return std::nullopt;
  };
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '}') return fail("'}' without a matching '{' in \"" + shown(text) + "\"");
    if (c != '{') {
      out += c;
      ++pos;
      continue;
    }
    const std::size_t close = text.find('}', pos);
    if (close == std::string_view::npos) return fail("'{' without a matching '}' in \"" + shown(text) + "\"");
    std::string_view field = text.substr(pos + 1, close - pos - 1);
    int width = 0;
    if (auto colon = field.find(':'); colon != std::string_view::npos) {
      std::string_view fmt = field.substr(colon + 1);
      field = field.substr(0, colon);
      if (fmt.size() < 2 || fmt.size() > 3 || fmt[0] != '0' ||
          !std::isdigit(static_cast<unsigned char>(fmt[1])) ||
          (fmt.size() == 3 && !std::isdigit(static_cast<unsigned char>(fmt[2]))))
        return fail("format \"" + shown(fmt) + "\" in \"" + shown(text) +
                    "\" must be 0 followed by a width, e.g. {i:03}");
      width = std::stoi(std::string(fmt.substr(1)));
    }
    std::string why;
    auto v = Expr(field, i).parse(&why);
    if (!v) return fail("in \"{" + shown(field) + "}\": " + why);
    const bool negative = *v < 0;
    std::string digits = std::to_string(negative ? -(*v + 1) + 1UL : static_cast<unsigned long>(*v));
    const long pad = width - (negative ? 1 : 0) - static_cast<long>(digits.size());
    if (pad > 0) digits.insert(0, static_cast<std::size_t>(pad), '0');
    out += (negative ? "-" : "") + digits;
    pos = close + 1;
  }
  return out;
}

}  // namespace vzlab::hv::scenario
