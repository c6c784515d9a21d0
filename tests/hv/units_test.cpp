// parse_quantity: numbers with units as written in scenario files.
#include "vzlab/hv/scenario/units.hpp"

#include <gtest/gtest.h>

#include <string>

namespace vzlab::hv::scenario {
namespace {

// Parses text that must be valid and returns the value in base units.
double parse_ok(const std::string& text, UnitKind kind) {
  std::string error;
  auto v = parse_quantity(text, kind, &error);
  EXPECT_TRUE(v.has_value()) << "\"" << text << "\": " << error;
  return v.value_or(-1.0);
}

// Parses text that must be rejected and returns the error message.
std::string parse_error(const std::string& text, UnitKind kind) {
  std::string error;
  auto v = parse_quantity(text, kind, &error);
  EXPECT_FALSE(v.has_value()) << "\"" << text << "\" parsed as " << v.value_or(0);
  EXPECT_FALSE(error.empty()) << "\"" << text << "\": no error message";
  return error;
}

TEST(Units, BareNumbersAreInBaseUnits) {
  // A bare number is taken in the base unit of every kind (units.hpp): the value itself.
  EXPECT_DOUBLE_EQ(parse_ok("42", UnitKind::kNone), 42.0);
  EXPECT_DOUBLE_EQ(parse_ok("0.5", UnitKind::kNone), 0.5);
  EXPECT_DOUBLE_EQ(parse_ok("3", UnitKind::kDuration), 3.0);
  EXPECT_DOUBLE_EQ(parse_ok("1500", UnitKind::kFlops), 1500.0);
  EXPECT_DOUBLE_EQ(parse_ok("7", UnitKind::kFlopRate), 7.0);
  EXPECT_DOUBLE_EQ(parse_ok("4096", UnitKind::kBytes), 4096.0);
}

TEST(Units, ScientificNotation) {
  // "1e9" is 10^9 in the base unit; "2.5e-3" is 0.0025.
  EXPECT_DOUBLE_EQ(parse_ok("1e9", UnitKind::kFlops), 1e9);
  EXPECT_DOUBLE_EQ(parse_ok("1e9", UnitKind::kNone), 1e9);
  EXPECT_DOUBLE_EQ(parse_ok("2.5e-3", UnitKind::kDuration), 0.0025);
}

TEST(Units, FiniteAsWrittenButInfiniteInBaseUnits) {
  // The largest double is about 1.8e308: 1e308 P (x 1e15), 1e308 d (x 86,400) and
  // 2e305 KiB (x 1,024 = 2.05e308) are beyond it once converted, and so are refused;
  // 1e308 in base units and 1e293 Pf (1e308 flop) are not.
  EXPECT_NE(parse_error("1e308Pf", UnitKind::kFlops).find("too large"), std::string::npos);
  EXPECT_NE(parse_error("1e308d", UnitKind::kDuration).find("too large"), std::string::npos);
  EXPECT_NE(parse_error("2e305 KiB", UnitKind::kBytes).find("too large"), std::string::npos);
  EXPECT_DOUBLE_EQ(parse_ok("1e308", UnitKind::kDuration), 1e308);
  EXPECT_DOUBLE_EQ(parse_ok("1e293Pf", UnitKind::kFlops), 1e308);
}

TEST(Units, SurroundingSpacesAreIgnored) {
  // "  2 Gf  " is 2 x 10^9 flops, as without the spaces.
  EXPECT_DOUBLE_EQ(parse_ok("  2 Gf  ", UnitKind::kFlops), 2e9);
}

TEST(Units, Flops) {
  // SI prefixes: G = 1e9, M = 1e6, T = 1e12, k = 1e3.
  EXPECT_DOUBLE_EQ(parse_ok("2 Gf", UnitKind::kFlops), 2e9);
  EXPECT_DOUBLE_EQ(parse_ok("2Gf", UnitKind::kFlops), 2e9);
  EXPECT_DOUBLE_EQ(parse_ok("500Mf", UnitKind::kFlops), 5e8);
  EXPECT_DOUBLE_EQ(parse_ok("1.5Tflop", UnitKind::kFlops), 1.5e12);
  EXPECT_DOUBLE_EQ(parse_ok("3 kflops", UnitKind::kFlops), 3e3);
  EXPECT_DOUBLE_EQ(parse_ok("10 f", UnitKind::kFlops), 10.0);
}

TEST(Units, FlopRates) {
  // 2.5 G = 2.5e9 flop/s; 800 M = 8e8; "/s" is optional for rates (unit_examples: "1Gf").
  EXPECT_DOUBLE_EQ(parse_ok("2.5Gf/s", UnitKind::kFlopRate), 2.5e9);
  EXPECT_DOUBLE_EQ(parse_ok("2.5 Gf/s", UnitKind::kFlopRate), 2.5e9);
  EXPECT_DOUBLE_EQ(parse_ok("800 Mflops", UnitKind::kFlopRate), 8e8);
  EXPECT_DOUBLE_EQ(parse_ok("1Gf", UnitKind::kFlopRate), 1e9);
  EXPECT_DOUBLE_EQ(parse_ok("2 Tflop/s", UnitKind::kFlopRate), 2e12);
}

TEST(Units, RateUnitIsNotAnAmountOfWork) {
  // "f/s" is a speed, not work: rejected for kFlops, and the message names the unit.
  const std::string error = parse_error("2.5Gf/s", UnitKind::kFlops);
  EXPECT_NE(error.find("Gf/s"), std::string::npos) << error;
}

TEST(Units, Durations) {
  // 250 ms = 0.25 s; 5 min = 300 s; 2 h = 7200 s; 1 d = 86400 s; 30 us = 3e-5 s.
  EXPECT_DOUBLE_EQ(parse_ok("250ms", UnitKind::kDuration), 0.25);
  EXPECT_DOUBLE_EQ(parse_ok("5min", UnitKind::kDuration), 300.0);
  EXPECT_DOUBLE_EQ(parse_ok("2h", UnitKind::kDuration), 7200.0);
  EXPECT_DOUBLE_EQ(parse_ok("1d", UnitKind::kDuration), 86400.0);
  EXPECT_DOUBLE_EQ(parse_ok("30s", UnitKind::kDuration), 30.0);
  EXPECT_DOUBLE_EQ(parse_ok("2 sec", UnitKind::kDuration), 2.0);
  EXPECT_DOUBLE_EQ(parse_ok("30us", UnitKind::kDuration), 3e-5);
  EXPECT_DOUBLE_EQ(parse_ok("7 ns", UnitKind::kDuration), 7e-9);
}

TEST(Units, DurationsTakeOnlySubSecondPrefixes) {
  // "1 Ms" (megasecond) and "1 kmin" are not durations vzlab accepts (units.cpp: m, u, n on s only).
  EXPECT_NE(parse_error("1 Ms", UnitKind::kDuration).find("\"Ms\""), std::string::npos);
  EXPECT_NE(parse_error("1 kmin", UnitKind::kDuration).find("\"kmin\""), std::string::npos);
}

TEST(Units, Bytes) {
  // 4 GiB = 4 x 2^30 = 4294967296 B; 100 MB = 1e8 B; 512 MiB = 512 x 2^20 = 536870912 B; 1 KiB = 1024 B.
  EXPECT_DOUBLE_EQ(parse_ok("4GiB", UnitKind::kBytes), 4294967296.0);
  EXPECT_DOUBLE_EQ(parse_ok("4 GiB", UnitKind::kBytes), 4294967296.0);
  EXPECT_DOUBLE_EQ(parse_ok("100MB", UnitKind::kBytes), 1e8);
  EXPECT_DOUBLE_EQ(parse_ok("512MiB", UnitKind::kBytes), 536870912.0);
  EXPECT_DOUBLE_EQ(parse_ok("1KiB", UnitKind::kBytes), 1024.0);
  EXPECT_DOUBLE_EQ(parse_ok("3 bytes", UnitKind::kBytes), 3.0);
}

TEST(Units, BinaryPrefixesAreOnlyForBytes) {
  // "Gi" is a binary prefix, accepted for sizes only: "1 Gif" is not an amount of work.
  EXPECT_NE(parse_error("1 Gif", UnitKind::kFlops).find("\"Gif\""), std::string::npos);
}

TEST(Units, UnknownUnitIsNamedInTheMessage) {
  // The message quotes the unit that was not understood and lists what is accepted.
  const std::string error = parse_error("3 furlongs", UnitKind::kDuration);
  EXPECT_NE(error.find("unknown unit"), std::string::npos) << error;
  EXPECT_NE(error.find("\"furlongs\""), std::string::npos) << error;
  EXPECT_NE(error.find("250ms"), std::string::npos) << error;
}

TEST(Units, FlopsAreNotADuration) {
  // "1 Gf" for a duration: "Gf" is no time unit.
  const std::string error = parse_error("1 Gf", UnitKind::kDuration);
  EXPECT_NE(error.find("\"Gf\""), std::string::npos) << error;
}

TEST(Units, PlainNumberKindRejectsAnyUnit) {
  // UnitKind::kNone takes a plain number only.
  const std::string error = parse_error("2 Gf", UnitKind::kNone);
  EXPECT_NE(error.find("plain number"), std::string::npos) << error;
}

TEST(Units, EmptyValue) {
  // "" and "   " hold no number.
  EXPECT_NE(parse_error("", UnitKind::kFlops).find("empty"), std::string::npos);
  EXPECT_NE(parse_error("   ", UnitKind::kDuration).find("empty"), std::string::npos);
}

TEST(Units, NotANumber) {
  // "abc" does not start with a number; the message quotes it.
  const std::string error = parse_error("abc", UnitKind::kFlops);
  EXPECT_NE(error.find("\"abc\""), std::string::npos) << error;
  parse_error("Gf", UnitKind::kFlops);
}

TEST(Units, InfinityAndNanAreRejected) {
  // Only finite numbers are quantities (units.hpp).
  for (const char* text : {"inf", "nan", "-inf", "infinity", "inf s"}) {
    const std::string error = parse_error(text, UnitKind::kDuration);
    EXPECT_NE(error.find("finite"), std::string::npos) << text << ": " << error;
  }
  parse_error("1e999", UnitKind::kFlops);  // out of the range of double
}

TEST(Units, NullErrorPointerIsAllowed) {
  // The error is optional: a bad value still gives nullopt.
  EXPECT_FALSE(parse_quantity("abc", UnitKind::kFlops, nullptr).has_value());
  EXPECT_DOUBLE_EQ(parse_quantity("1kf", UnitKind::kFlops, nullptr).value_or(0), 1000.0);
}

}  // namespace
}  // namespace vzlab::hv::scenario
