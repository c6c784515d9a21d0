// Workloads: what a guest's processes do, as plain data.
#pragma once

#include <string>
#include <vector>

namespace vzlab::hv {

/// One step of a process.
struct Step {
  enum class Kind { kCompute, kSleep };
  Kind kind = Kind::kCompute;
  double amount = 0.0;  ///< flops for kCompute, seconds for kSleep
};

/// A chain of steps run in order, `repeat` times, starting at `start_s`.
struct ProcessSpec {
  std::string name;
  std::vector<Step> steps;
  int repeat = 1;
  double start_s = 0.0;
};

/// Total flops a process will compute.
double total_flops(const ProcessSpec& p);

}  // namespace vzlab::hv
