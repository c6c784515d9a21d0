// Workloads: what a guest's processes do, as plain data.
#pragma once

#include <string>
#include <vector>

namespace vzlab::hv {

/// One step of a process.
struct Step {
  enum class Kind { kCompute, kSleep, kIo, kSend };
  Kind kind = Kind::kCompute;
  double amount = 0.0;      ///< flops for kCompute, seconds for kSleep, requests for kIo, bytes for kSend
  double syscalls = 0.0;    ///< kCompute: system calls made while computing
  double privileged = 0.0;  ///< kCompute: privileged operations (page-table updates, ...)
  double page_faults = 0.0; ///< kCompute: first-touch page faults (memory the step newly touches)
  double io_size_bytes = 4096.0;  ///< kIo: size of one request
  double io_batch = 0.0;          ///< kIo: requests per notification for para guests (0: profile's)
  bool io_write = false;          ///< kIo: writes (they fill the device) rather than reads
  std::string to{};               ///< kSend: a guest, host or network node to send to
};

/// A chain of steps run in order, `repeat` times, starting at `start_s`.
struct ProcessSpec {
  std::string name;
  std::vector<Step> steps;
  int repeat = 1;
  double start_s = 0.0;
  /// The amounts of a random process, drawn for each repetition:
  /// drawn[r * steps.size() + i] is step i's amount in repetition r. Empty
  /// when every repetition runs the steps' own amounts.
  std::vector<double> drawn{};

  /// Repetitions with amounts of their own: `repeat` when drawn, else 1.
  int distinct_repeats() const { return drawn.empty() ? 1 : repeat; }
  /// Times each of those runs: 1 when drawn, else `repeat`.
  int runs_each() const { return drawn.empty() ? repeat : 1; }
  /// Step i's amount in repetition r.
  double amount(int r, std::size_t i) const {
    return drawn.empty() ? steps[i].amount : drawn[static_cast<std::size_t>(r) * steps.size() + i];
  }
  /// Calls f(step, amount) for each step of each distinct repetition, in
  /// order (so each step once when nothing was drawn).
  template <typename F>
  void for_each_distinct_step(F&& f) const {
    for (int r = 0; r < distinct_repeats(); ++r)
      for (std::size_t i = 0; i < steps.size(); ++i) f(steps[i], amount(r, i));
  }
};

/// Total flops a process will compute.
double total_flops(const ProcessSpec& p);

}  // namespace vzlab::hv
