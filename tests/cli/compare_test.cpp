// `vzlab compare`'s mapping of a simulated workload onto real operations,
// and the simulated side, against hand computations.
#include "compare.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "workloads.h"

namespace vzlab::cli {
namespace {

namespace sc = hv::scenario;

sc::GuestPlan load_guest(const std::string& mode, const std::string& steps, int repeat = 10) {
  const std::string host = mode == "native" ? "none" : mode == "os-level" ? "container-runtime" : "type1";
  const std::string text = "version: 1\nhosts:\n  - {name: h, speed: 1Gf, hypervisor: " + host +
                           "}\nguests:\n  - name: g\n    host: h\n    mode: " + mode +
                           "\n    real: true\n    processes:\n      - repeat: " + std::to_string(repeat) +
                           "\n        steps: " + steps + "\n";
  auto r = sc::load_string(text, "t.yaml", {});
  EXPECT_TRUE(r.ok()) << (r.error ? r.error->format() : "");
  return r.scenario->guests.at(0);
}

hv::CalibrationProfile profile() {
  hv::CalibrationProfile p;
  p.exit_s = 1e-6;
  p.hypercall_s = 1e-6;
  p.user_exit_extra_s = 10e-6;
  p.syscall_s = 0.2e-6;
  p.page_fault_s = 2e-6;
  p.first_touch_exit_s = 8e-6;
  p.pv_ring_per_io_s = 0.1e-6;
  p.pv_notify_s = 2e-6;  // a doorbell is its own exit, not a cpuid's
  p.pv_privileged_batch = 8;
  return comparison_profile(p);
}

std::vector<real::ScriptOp> ops(const RealPlan& p) { return p.script.ops; }

TEST(Compare, FullVmTrapsItsPrivilegedOperationsAndTouchesItsPages) {
  const RealPlan p = plan_guest(load_guest("full", "[{compute: 1Mf, syscalls: 50, privileged: 300, page_faults: 40}]"),
                                profile());
  EXPECT_TRUE(p.problem.empty()) << p.problem;
  EXPECT_EQ(p.runner, real::Runner::kVm);
  const std::vector<real::ScriptOp> want = {{VZ_OP_CPU, 1000000, 0}, {VZ_OP_TRAP, 300, 0}, {VZ_OP_TOUCH, 40, 0}};
  EXPECT_EQ(ops(p), want);
  // Our guest has no kernel: its system calls are left out of both sides.
  ASSERT_EQ(p.process.steps.size(), 1u);
  EXPECT_EQ(p.process.steps[0].syscalls, 0.0);
  EXPECT_EQ(p.left_out.size(), 1u);
  // One round on a 1e9 steps/s core: 1 ms of CPU, 300 exits of 1 us, 40
  // first touches of (2 + 8) us = 1.7 ms.
  EXPECT_NEAR(simulate(p, profile(), 1e9), 1e-3 + 300e-6 + 40 * 10e-6, 1e-12);
}

TEST(Compare, ParaVmBatchesPrivilegedOperationsIntoHypercalls) {
  const RealPlan p = plan_guest(load_guest("para", "[{compute: 1Mf, privileged: 20}, {io: {ops: 100, batch: 16}}]"),
                                profile());
  EXPECT_EQ(p.runner, real::Runner::kVmIoeventfd);
  // ceil(20 / 8) = 3 hypercalls; 100 requests with a doorbell every 16.
  const std::vector<real::ScriptOp> want = {{VZ_OP_CPU, 1000000, 0}, {VZ_OP_TRAP, 3, 0}, {VZ_OP_PV, 100, 16}};
  EXPECT_EQ(ops(p), want);
  // 1 ms + 3 hypercalls of 1 us + 100 x 0.1 us on the ring + ceil(100/16) = 7
  // doorbells of 2 us.
  EXPECT_NEAR(simulate(p, profile(), 1e9), 1e-3 + 3e-6 + 100 * 0.1e-6 + 7 * 2e-6, 1e-9);
}

TEST(Compare, NativeAndContainerMakeRealSystemCalls) {
  for (const char* mode : {"native", "os-level"}) {
    const RealPlan p = plan_guest(load_guest(mode, "[{compute: 2Mf, syscalls: 1000, privileged: 5}]"), profile());
    const std::vector<real::ScriptOp> want = {{VZ_OP_CPU, 2000000, 0}, {VZ_OP_SYSCALL, 1000, 0}};
    EXPECT_EQ(ops(p), want) << mode;
    EXPECT_TRUE(p.left_out.empty()) << mode;
    // Privileged work is ordinary kernel code natively: 2 ms + 1000 x 0.2 us.
    EXPECT_NEAR(simulate(p, profile(), 1e9), 2e-3 + 200e-6, 1e-12) << mode;
  }
  EXPECT_EQ(plan_guest(load_guest("os-level", "[{compute: 1Mf}]"), profile()).runner, real::Runner::kContainer);
}

TEST(Compare, EmulatedDeviceIsOneUserSpaceExitPerRequest) {
  const RealPlan p = plan_guest(load_guest("full", "[{io: {ops: 500, size: 4KiB}}]"), profile());
  const std::vector<real::ScriptOp> want = {{VZ_OP_DEVICE, 500, 0}};
  EXPECT_EQ(ops(p), want);
  // 500 x (exit 1 us + user-space part 10 us); our device answers at once.
  EXPECT_NEAR(simulate(p, profile(), 1e9), 500 * 11e-6, 1e-9);
}

TEST(Compare, WhatCannotRunForRealIsSaid) {
  EXPECT_NE(plan_guest(load_guest("para", "[{compute: 1Mf, page_faults: 10}]"), profile()).left_out.size(), 0u);
  const std::string text =
      "version: 1\nhosts:\n  - {name: h, speed: 1Gf}\nguests:\n  - name: g\n    host: h\n    real: true\n"
      "    processes:\n      - steps: [{compute: 1Mf}]\n      - steps: [{compute: 1Mf}]\n";
  auto two = sc::load_string(text, "t.yaml", {});
  ASSERT_TRUE(two.ok());
  EXPECT_NE(plan_guest(two.scenario->guests[0], profile()).problem.find("2 processes"), std::string::npos);
}

TEST(Compare, PlansAimAtATimeWithWholeRoundsOrAScaledRound) {
  // A round of 1 ms: 0.1 s takes all 10 rounds the scenario has (not 100).
  RealPlan p = plan_for_time(load_guest("native", "[{compute: 1Mf}]"), profile(), 1e9, 0.1);
  EXPECT_EQ(p.script.rounds, 10u);
  EXPECT_DOUBLE_EQ(p.share(), 1.0);
  // 5 ms aims at 2 ms rounds: 3 rounds (rounded up).
  p = plan_for_time(load_guest("native", "[{compute: 2Mf}]"), profile(), 1e9, 0.005);
  EXPECT_EQ(p.script.rounds, 3u);
  EXPECT_DOUBLE_EQ(p.share(), 0.3);
  // A round of 100 ms aimed at 10 ms: one round with every count / 10.
  p = plan_for_time(load_guest("native", "[{compute: 100Mf, syscalls: 1000}]"), profile(), 1e9, 0.01);
  EXPECT_EQ(p.script.rounds, 1u);
  // (100 ms + 0.2 ms) per round: scale 0.01 / 0.1002.
  EXPECT_NEAR(p.scale, 0.01 / 0.1002, 1e-12);
  EXPECT_NEAR(static_cast<double>(p.script.ops[0].count), 1e8 * 0.01 / 0.1002, 1);
  EXPECT_EQ(p.script.ops[1].count, 100u);
}

}  // namespace
}  // namespace vzlab::cli

#include "replicate.hpp"

namespace vzlab::cli {
namespace {

TEST(Replicate, StudentTQuantiles) {
  // From the standard t tables; past 30 degrees of freedom the expansion.
  EXPECT_DOUBLE_EQ(t_975(1), 12.706);
  EXPECT_DOUBLE_EQ(t_975(10), 2.228);
  EXPECT_DOUBLE_EQ(t_975(30), 2.042);
  EXPECT_NEAR(t_975(100), 1.984, 1e-3);
  EXPECT_NEAR(t_975(100000), 1.960, 1e-3);
}

TEST(Replicate, MeanAndConfidenceInterval) {
  // 1, 2, 3, 4: mean 2.5, sample stddev sqrt(5/3) = 1.2910, half-width
  // t(3) x 1.2910 / 2 = 3.182 x 0.6455 = 2.054.
  const auto s = summarize_runs({{{"x", 1.0}}, {{"x", 2.0}}, {{"x", 3.0}}, {{"x", 4.0}, {"y", 7.0}}});
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].name, "x");
  EXPECT_EQ(s[0].n, 4u);
  EXPECT_DOUBLE_EQ(s[0].mean, 2.5);
  ASSERT_TRUE(s[0].ci95);
  EXPECT_NEAR(*s[0].ci95, 3.182 * std::sqrt(5.0 / 3.0) / 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(s[0].min, 1.0);
  EXPECT_DOUBLE_EQ(s[0].max, 4.0);
  // A metric seen once has no interval (not one of +/- 0).
  EXPECT_EQ(s[1].n, 1u);
  EXPECT_FALSE(s[1].ci95.has_value());
}

}  // namespace
}  // namespace vzlab::cli
