// What a scenario may be, beyond the type of each value: a key's value
// checked by its rule in the key table (shared by the loader and the command
// line's --seed and --until), and the totals a file may grow to once its
// counts, repeats and aliases are multiplied out, counted before anything is
// expanded so that a small file can neither exhaust memory nor never end.
//
//   std::string why;
//   auto until = key_number(*find_key(section("scenario"), "until"), "0", &why);  // nullopt: "'until' must be > 0, got 0"
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vzlab/hv/distribution.hpp"
#include "vzlab/hv/scenario/schema.hpp"

namespace YAML {
class Node;
}

namespace vzlab::hv::scenario {

struct LoadError;

/// Hosts, network nodes and links, guests and processes in all, every `count` multiplied out.
constexpr double kMaxElements = 4'000'000;
/// Steps kept in memory: each process's own copy of its steps (about 100 bytes each).
constexpr double kMaxStepCopies = 10'000'000;
/// Amounts drawn at load for random steps, one per step and repetition (8 bytes each).
constexpr double kMaxDrawnAmounts = 100'000'000;
/// Steps that take no time at all (every amount 0), repeats included: they never let time pass.
constexpr double kMaxInstantSteps = 10'000'000;
/// Periodic work over the run (network samples, checkpoints, heartbeats, manager rounds,
/// health checks, shipments, service requests), each estimated as run length / interval.
constexpr double kMaxPeriodic = 10'000'000;
/// YAML values in the file, every alias (*name) counted as a copy of what it names.
constexpr double kMaxYamlValues = 1'000'000;

/// The value of an integer key; nullopt with `why` if it is not a whole number within the key's range.
std::optional<long> key_integer(const KeySpec& k, std::string_view text, std::string* why);
/// The value of a number or quantity key in base units (in `unit`, for a distribution's
/// parameters); nullopt with `why` if it is not finite or not within the key's range.
std::optional<double> key_number(const KeySpec& k, std::string_view text, std::string* why,
                                 std::optional<UnitKind> unit = std::nullopt);
/// "" if `v` is within the key's min and max, else the message ("'cores' must be >= 1, got 0").
std::string range_problem(const KeySpec& k, double v);
/// A limit as the docs and messages show it: "10,000,000", "0.5", "1e+300".
std::string limit_text(double v);
/// A value one may expect of a distribution (its mean, or near it), to estimate run lengths.
double typical(const Distribution& d);

/// Running totals of what a scenario expands to; each add returns the message to print when
/// a total passes its limit, or "" while it is within.
class ExpansionTally {
 public:
  /// Adds `n` hosts, nodes, links, guests or processes.
  std::string add_elements(double n);
  /// Adds `copies` steps kept in memory and `drawn` amounts drawn at load.
  std::string add_steps(double copies, double drawn);
  /// Adds `n` executions of steps that take no time.
  std::string add_instant_steps(double n);

 private:
  double elements_ = 0, copies_ = 0, drawn_ = 0, instant_ = 0;
};

/// Periodic work of `per_run` rounds every `interval_s` over a run of `run_s` seconds: the
/// message to print when it is more than kMaxPeriodic, or "".
/// `kept` > 0: the work thins out once `kept` rounds are kept (network
/// samples merge in pairs and their interval doubles), so its rounds grow
/// with the logarithm of the run past that.
std::string periodic_problem(const char* what, double per_run, double interval_s, double run_s, bool run_is_until,
                             double kept = 0);

/// Rules every value of the file obeys, checked before the file is read as a scenario:
/// at most kMaxYamlValues values with aliases expanded, every text valid UTF-8 without
/// NUL or control characters (tab and newline only in a description). The first
/// breach, or nullopt.
std::optional<LoadError> check_tree(const YAML::Node& root, const std::string& file);

}  // namespace vzlab::hv::scenario
