// `vzlab compare`: a scenario's guests marked `real: true` run both in the
// simulator (calibrated on this machine) and for real, and the two are put
// side by side. Each guest's workload is turned into a script of real
// operations (real-backend/include/vzlab/real/script.hpp); whatever cannot
// be done for real in its mode is left out of both sides, and said so.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "vzlab/hv/calibration.hpp"
#include "vzlab/hv/scenario/scenario.hpp"
#include "vzlab/real/script.hpp"
#include "workloads.h"

namespace vzlab::cli {

/// How one guest is compared.
struct RealPlan {
  std::string guest;
  std::string mode;                ///< its mode's name
  std::string problem;             ///< non-empty: it cannot run for real, and why
  real::Runner runner = real::Runner::kNative;
  real::Script script;             ///< one round of the operations (rounds set by scale_rounds)
  hv::ProcessSpec process;         ///< the same operations for the simulator (repeat = script.rounds)
  std::vector<std::string> left_out;  ///< what the real run cannot do, left out of both sides
  int scenario_rounds = 0;         ///< rounds the scenario asks for
  double scale = 1.0;              ///< every count of a round multiplied by this (below 1 for long rounds)
  /// Steps of the CPU kernel it runs in all.
  double cpu_steps() const {
    double n = 0;
    for (const auto& op : script.ops) n += op.kind == VZ_OP_CPU ? static_cast<double>(op.count) : 0.0;
    return n * static_cast<double>(script.rounds);
  }
  /// Share of the scenario's work this plan does.
  double share() const { return scale * static_cast<double>(script.rounds) / std::max(1, scenario_rounds); }
};

/// The simulator's profile for a comparison: the measured costs, and our
/// tiny device (one register write per request, no work behind it, no
/// boot: the comparison times the workload alone).
hv::CalibrationProfile comparison_profile(hv::CalibrationProfile measured);

/// The plan of one round of a guest of a loaded scenario (its single
/// process), with every count multiplied by `scale` (and rounded).
RealPlan plan_guest(const hv::scenario::GuestPlan& guest, const hv::CalibrationProfile& profile, double scale = 1.0);

/// Simulated run time of the plan on one core of this machine, whose CPU
/// kernel runs `steps_per_s` steps a second (one flop = one step).
double simulate(const RealPlan& plan, const hv::CalibrationProfile& profile, double steps_per_s);

/// A plan whose simulated run takes about `target_s`: as many whole rounds
/// as fit (at most the scenario's, and within what our VM can touch), or
/// one round scaled down when a round alone takes longer.
RealPlan plan_for_time(const hv::scenario::GuestPlan& guest, const hv::CalibrationProfile& profile,
                       double steps_per_s, double target_s);

}  // namespace vzlab::cli
