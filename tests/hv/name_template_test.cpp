// expand_template: names of replicated hosts and guests.
#include "vzlab/hv/scenario/name_template.hpp"

#include <gtest/gtest.h>

#include <string>

namespace vzlab::hv::scenario {
namespace {

// Expands a template that must be valid.
std::string expand_ok(const std::string& text, long i) {
  std::string error;
  auto out = expand_template(text, i, &error);
  EXPECT_TRUE(out.has_value()) << "\"" << text << "\" i=" << i << ": " << error;
  return out.value_or("<error>");
}

// Expands a template that must be rejected; returns the message.
std::string expand_error(const std::string& text, long i = 0) {
  std::string error;
  auto out = expand_template(text, i, &error);
  EXPECT_FALSE(out.has_value()) << "\"" << text << "\" gave \"" << out.value_or("") << "\"";
  EXPECT_FALSE(error.empty());
  return error;
}

TEST(NameTemplate, IsTemplateLooksForBraces) {
  // A template is text with a {...} field.
  EXPECT_TRUE(is_template("web-{i}"));
  EXPECT_FALSE(is_template("web-0"));
}

TEST(NameTemplate, TextWithoutFieldsIsCopied) {
  // No braces: the text itself, whatever i is.
  EXPECT_EQ(expand_ok("web", 5), "web");
  EXPECT_EQ(expand_ok("", 5), "");
}

TEST(NameTemplate, ReplicaIndex) {
  // "web-{i}" with i = 0, 3, 12 gives web-0, web-3, web-12.
  EXPECT_EQ(expand_ok("web-{i}", 0), "web-0");
  EXPECT_EQ(expand_ok("web-{i}", 3), "web-3");
  EXPECT_EQ(expand_ok("web-{i}", 12), "web-12");
}

TEST(NameTemplate, IntegerDivisionGroupsReplicas) {
  // "h{i/8}": integer division, 0/8 = 7/8 = 0 and 8/8 = 15/8 = 1.
  EXPECT_EQ(expand_ok("h{i/8}", 0), "h0");
  EXPECT_EQ(expand_ok("h{i/8}", 7), "h0");
  EXPECT_EQ(expand_ok("h{i/8}", 8), "h1");
  EXPECT_EQ(expand_ok("h{i/8}", 15), "h1");
  EXPECT_EQ(expand_ok("h{i/8}", 16), "h2");
}

TEST(NameTemplate, ZeroPadding) {
  // "{i+1:03}": i+1 padded to 3 digits: 0 -> 001, 41 -> 042; a wider number is not cut: 999 -> 1000.
  EXPECT_EQ(expand_ok("vm-{i+1:03}", 0), "vm-001");
  EXPECT_EQ(expand_ok("vm-{i+1:03}", 41), "vm-042");
  EXPECT_EQ(expand_ok("vm-{i+1:03}", 999), "vm-1000");
  EXPECT_EQ(expand_ok("rack1-{i:02}", 7), "rack1-07");
}

TEST(NameTemplate, ParenthesesAndPrecedence) {
  // (4+1)*2 = 10; 1+2*3 = 7 (* before +); 5-1-1 = 3 (left to right); 5/2*2 = 4 (integer division first).
  EXPECT_EQ(expand_ok("{(i+1)*2}", 4), "10");
  EXPECT_EQ(expand_ok("{i+2*3}", 1), "7");
  EXPECT_EQ(expand_ok("{i-1-1}", 5), "3");
  EXPECT_EQ(expand_ok("{i/2*2}", 5), "4");
  EXPECT_EQ(expand_ok("{ i + 1 }", 1), "2");
}

TEST(NameTemplate, Modulo) {
  // "{i%4}": 6 mod 4 = 2, 8 mod 4 = 0, 3 mod 4 = 3.
  EXPECT_EQ(expand_ok("{i%4}", 6), "2");
  EXPECT_EQ(expand_ok("{i%4}", 8), "0");
  EXPECT_EQ(expand_ok("{i%4}", 3), "3");
}

TEST(NameTemplate, SeveralFields) {
  // Replica 13 of "r{i/4}-n{i%4}" is rack 13/4 = 3, node 13%4 = 1.
  EXPECT_EQ(expand_ok("r{i/4}-n{i%4}", 13), "r3-n1");
}

TEST(NameTemplate, UnknownVariable) {
  // Only i is a name; the message shows the offending symbol.
  const std::string error = expand_error("{j}");
  EXPECT_NE(error.find("'j'"), std::string::npos) << error;
}

TEST(NameTemplate, DivisionByZero) {
  // i/0 and i%0 are undefined.
  EXPECT_NE(expand_error("{i/0}", 3).find("division by zero"), std::string::npos);
  EXPECT_NE(expand_error("{i%(i-3)}", 3).find("division by zero"), std::string::npos);
}

TEST(NameTemplate, UnbalancedBraces) {
  // "{i" has no closing brace, "i}" no opening one.
  EXPECT_NE(expand_error("{i").find("without a matching '}'"), std::string::npos);
  EXPECT_NE(expand_error("i}").find("without a matching '{'"), std::string::npos);
}

TEST(NameTemplate, BadFormat) {
  // The format must be 0 followed by a width: ":3" lacks the 0, ":x" is not a width.
  EXPECT_NE(expand_error("{i:3}").find("must be 0 followed by a width"), std::string::npos);
  expand_error("{i:0x}");
  expand_error("{i:}");
}

TEST(NameTemplate, MalformedExpressions) {
  // An empty field, a dangling operator, an unclosed parenthesis and trailing text are errors.
  expand_error("{}");
  expand_error("{i+}");
  expand_error("{(i+1}");
  expand_error("{i 2}");
}

TEST(NameTemplate, WidePaddingIsNotTruncated) {
  // "{i:070}" pads to 70 digits (name_template.hpp: ":0N" zero-pads to N digits): 69 zeros then "5".
  EXPECT_EQ(expand_ok("{i:070}", 5), std::string(69, '0') + "5");
}

TEST(NameTemplate, NestingIsBounded) {
  // kMaxTemplateNesting (32) levels of parentheses or minus signs expand; one more, or
  // a hundred thousand (which overflowed the stack), is an error that names the limit.
  const auto nest = [](int n) { return "{" + std::string(n, '(') + "i" + std::string(n, ')') + "}"; };
  EXPECT_EQ(expand_ok(nest(kMaxTemplateNesting), 7), "7");
  EXPECT_NE(expand_error(nest(kMaxTemplateNesting + 1)).find("nested more than 32 deep"), std::string::npos);
  EXPECT_NE(expand_error(nest(100000)).find("nested more than 32 deep"), std::string::npos);
  // 32 signs: an even number of negations gives i back.
  EXPECT_EQ(expand_ok("{" + std::string(32, '-') + "i}", 7), "7");
  EXPECT_NE(expand_error("{" + std::string(200000, '-') + "i}").find("nested more than 32 deep"), std::string::npos);
  // The message quotes at most 60 characters of the field.
  EXPECT_LT(expand_error(nest(100000)).size(), 200u);
}

TEST(NameTemplate, NegatingTheSmallestNumberIsAnError) {
  // -(LONG_MIN) does not fit a long: i = 0 - 9223372036854775807 - 1 is LONG_MIN (the
  // literal itself is too large), so its negation is "number too large", not a wrap-around.
  EXPECT_NE(expand_error("{-(i-1)}", -9223372036854775807L).find("number too large"), std::string::npos);
}

}  // namespace
}  // namespace vzlab::hv::scenario
