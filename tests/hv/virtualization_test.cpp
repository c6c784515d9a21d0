// Virtualization cost mechanisms against hand computations, ordering facts
// that must hold for any reasonable profile, and placement rules.
#include "vzlab/hv/virtualization.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "vzlab/engine/random.hpp"
#include "vzlab/hv/world.hpp"

namespace vzlab::hv {
namespace {

const CalibrationProfile kDefaults{};

TEST(VirtualizationCost, PrivilegedOperationsTrapUnderFullVirtualization) {
  // 1000 privileged ops x 1.5 us exit + 500 syscalls x 0.1 us = 1.55 ms; 1000 exits.
  const StepCost c = compute_cost(GuestMode::kFull, HypervisorType::kType1, kDefaults, 500, 1000);
  EXPECT_NEAR(c.guest_cpu_s, 1000 * 1.5e-6 + 500 * 0.1e-6, 1e-15);
  EXPECT_EQ(c.exits, 1000);
  EXPECT_EQ(c.host_cpu_s, 0);
}

TEST(VirtualizationCost, ParaBatchesPrivilegedOperationsIntoHypercalls) {
  // 1000 ops / 8 per hypercall = 125 hypercalls x 1.5 us = 187.5 us, + 500 x 0.1 us.
  const StepCost c = compute_cost(GuestMode::kPara, HypervisorType::kType1, kDefaults, 500, 1000);
  EXPECT_EQ(c.exits, 125);
  EXPECT_NEAR(c.guest_cpu_s, 125 * 1.5e-6 + 500 * 0.1e-6, 1e-15);
}

TEST(VirtualizationCost, BinaryTranslationPaysOnSystemCallsNotExits) {
  // 500 x 1 us + 1000 x 0.5 us = 1 ms; no hardware exits.
  const StepCost c = compute_cost(GuestMode::kFullBt, HypervisorType::kType1, kDefaults, 500, 1000);
  EXPECT_NEAR(c.guest_cpu_s, 500 * 1e-6 + 1000 * 0.5e-6, 1e-15);
  EXPECT_EQ(c.exits, 0);
}

TEST(VirtualizationCost, PageFaultsByMode) {
  // 1000 first-touch faults: native 1000 x 1 us; full (nested paging) also
  // exits once each: 1000 x (1 + 1.5) us; binary translation (shadow page
  // tables) 1000 x (1 + 4) us; para 1000 x 1 us + 125 hypercalls x 1.5 us.
  const double n = 1000;
  EXPECT_NEAR(compute_cost(GuestMode::kNative, HypervisorType::kNone, kDefaults, 0, 0, n).guest_cpu_s, 1e-3, 1e-15);
  const StepCost full = compute_cost(GuestMode::kFull, HypervisorType::kType1, kDefaults, 0, 0, n);
  EXPECT_NEAR(full.guest_cpu_s, n * 2.5e-6, 1e-15);
  EXPECT_EQ(full.exits, n);
  EXPECT_NEAR(compute_cost(GuestMode::kFullBt, HypervisorType::kType1, kDefaults, 0, 0, n).guest_cpu_s, n * 5e-6, 1e-15);
  const StepCost para = compute_cost(GuestMode::kPara, HypervisorType::kType1, kDefaults, 0, 0, n);
  EXPECT_NEAR(para.guest_cpu_s, n * 1e-6 + 125 * 1.5e-6, 1e-15);
  EXPECT_EQ(para.exits, 125);
}

TEST(VirtualizationCost, ContainersPayNativeSystemCalls) {
  const StepCost native = compute_cost(GuestMode::kNative, HypervisorType::kNone, kDefaults, 500, 1000);
  const StepCost ct = compute_cost(GuestMode::kOsLevel, HypervisorType::kContainerRuntime, kDefaults, 500, 1000);
  EXPECT_NEAR(native.guest_cpu_s, 500 * 0.1e-6, 1e-15);
  EXPECT_EQ(ct.guest_cpu_s, native.guest_cpu_s);
  EXPECT_EQ(ct.exits, 0);
}

TEST(VirtualizationCost, EmulatedIoCostsExitsAndHostCpu) {
  // 100 requests x (2 us driver + 4 exits x (1.5 + 4) us) = 2.4 ms in the
  // guest; 100 x 10 us = 1 ms of emulation on the host; 400 exits.
  const StepCost c = io_cost(GuestMode::kFull, HypervisorType::kType1, kDefaults, 100, 0);
  EXPECT_NEAR(c.guest_cpu_s, 100 * (2e-6 + 4 * 5.5e-6), 1e-15);
  EXPECT_NEAR(c.host_cpu_s, 100 * 10e-6, 1e-15);
  EXPECT_EQ(c.exits, 400);
}

TEST(VirtualizationCost, ParaIoNotifiesOncePerBatch) {
  // 100 requests, batch 16: ceil(100/16) = 7 notifications.
  // Guest: 100 x (2 + 0.5) us + 7 x 1.5 us = 260.5 us; host back end 100 x 2 us.
  const StepCost c = io_cost(GuestMode::kPara, HypervisorType::kType1, kDefaults, 100, 0);
  EXPECT_EQ(c.exits, 7);
  EXPECT_NEAR(c.guest_cpu_s, 100 * 2.5e-6 + 7 * 1.5e-6, 1e-15);
  EXPECT_NEAR(c.host_cpu_s, 100 * 2e-6, 1e-15);
  // An explicit batch of 50: 2 notifications.
  EXPECT_EQ(io_cost(GuestMode::kPara, HypervisorType::kType1, kDefaults, 100, 50).exits, 2);
}

TEST(VirtualizationCost, Type2DoublesWorldSwitchesAndAddsHostOsIo) {
  // Type 2: exits cost 2 x 1.5 us; each I/O request adds 5 us of host-OS CPU.
  const StepCost c = compute_cost(GuestMode::kFull, HypervisorType::kType2, kDefaults, 0, 1000);
  EXPECT_NEAR(c.guest_cpu_s, 1000 * 3e-6, 1e-15);
  const StepCost io = io_cost(GuestMode::kPara, HypervisorType::kType2, kDefaults, 100, 0);
  EXPECT_NEAR(io.host_cpu_s, 100 * (2e-6 + 5e-6), 1e-15);
}

TEST(VirtualizationCost, NestedHostsMultiplyExitCosts) {
  // nested: exits cost 10 x 1.5 us.
  CalibrationProfile p;
  p.nested = true;
  EXPECT_NEAR(compute_cost(GuestMode::kFull, HypervisorType::kType1, p, 0, 100).guest_cpu_s, 100 * 15e-6, 1e-15);
  EXPECT_NEAR(compute_cost(GuestMode::kPara, HypervisorType::kType1, p, 0, 80).guest_cpu_s, 10 * 15e-6, 1e-15);
}

// A random but reasonable profile: every cost within a factor of ~10 of the defaults.
CalibrationProfile random_profile(std::uint64_t seed) {
  engine::RandomStream r(seed, "profile");
  auto f = [&](double v) { return v * std::exp(r.uniform(-1.15, 1.15)); };
  CalibrationProfile p;
  p.syscall_s = f(p.syscall_s);
  p.exit_s = f(p.exit_s);
  p.user_exit_extra_s = f(p.user_exit_extra_s);
  p.bt_privileged_s = f(p.bt_privileged_s);
  p.bt_syscall_s = f(p.bt_syscall_s);
  p.hypercall_s = p.exit_s * r.uniform(0.8, 1.2);
  p.pv_notify_s = p.exit_s * r.uniform(0.8, 1.2);
  p.emulation_cpu_per_io_s = f(p.emulation_cpu_per_io_s);
  p.pv_ring_per_io_s = f(p.pv_ring_per_io_s);
  p.pv_backend_cpu_per_io_s = f(p.pv_backend_cpu_per_io_s);
  p.native_io_cpu_s = f(p.native_io_cpu_s);
  p.type2_io_extra_cpu_s = f(p.type2_io_extra_cpu_s);
  p.type2_exit_factor = r.uniform(1.0, 4.0);
  p.nested = r.uniform() < 0.5;
  // Keep what makes each design what it is: a paravirtual request is cheaper
  // for the host than emulating a device, and a notification covers a batch.
  if (p.pv_backend_cpu_per_io_s > p.emulation_cpu_per_io_s) std::swap(p.pv_backend_cpu_per_io_s, p.emulation_cpu_per_io_s);
  if (p.pv_ring_per_io_s > p.user_exit_extra_s) std::swap(p.pv_ring_per_io_s, p.user_exit_extra_s);
  return p;
}

class OrderingFacts : public ::testing::TestWithParam<int> {};

TEST_P(OrderingFacts, HoldForAnyReasonableProfile) {
  const CalibrationProfile p = random_profile(static_cast<std::uint64_t>(GetParam()));
  for (HypervisorType hv : {HypervisorType::kType1, HypervisorType::kType2}) {
    // Para I/O beats emulated I/O, in the guest and on the host.
    const StepCost para = io_cost(GuestMode::kPara, hv, p, 1000, 0);
    const StepCost full = io_cost(GuestMode::kFull, hv, p, 1000, 0);
    EXPECT_LT(para.guest_cpu_s, full.guest_cpu_s);
    EXPECT_LT(para.host_cpu_s, full.host_cpu_s);
    EXPECT_LT(para.exits, full.exits);
  }
  for (GuestMode m : {GuestMode::kFull, GuestMode::kFullBt, GuestMode::kPara}) {
    // Type 2 is never cheaper than type 1 for the same guest.
    EXPECT_GE(compute_cost(m, HypervisorType::kType2, p, 1000, 1000, 1000).guest_cpu_s,
              compute_cost(m, HypervisorType::kType1, p, 1000, 1000, 1000).guest_cpu_s);
    const StepCost io1 = io_cost(m, HypervisorType::kType1, p, 1000, 0), io2 = io_cost(m, HypervisorType::kType2, p, 1000, 0);
    EXPECT_GE(io2.guest_cpu_s + io2.host_cpu_s, io1.guest_cpu_s + io1.host_cpu_s);
    // No VM is cheaper than a container, which costs what native costs.
    EXPECT_GE(compute_cost(m, HypervisorType::kType1, p, 1000, 1000, 1000).guest_cpu_s,
              compute_cost(GuestMode::kOsLevel, HypervisorType::kContainerRuntime, p, 1000, 1000, 1000).guest_cpu_s);
  }
  EXPECT_EQ(compute_cost(GuestMode::kOsLevel, HypervisorType::kContainerRuntime, p, 1000, 1000, 1000).guest_cpu_s,
            compute_cost(GuestMode::kNative, HypervisorType::kNone, p, 1000, 1000, 1000).guest_cpu_s);
}

INSTANTIATE_TEST_SUITE_P(RandomProfiles, OrderingFacts, ::testing::Range(1, 101));

TEST(Placement, WhatCannotExistIsRejected) {
  EXPECT_NE(placement_problem(GuestMode::kFull, HypervisorType::kNone), "");
  EXPECT_NE(placement_problem(GuestMode::kPara, HypervisorType::kContainerRuntime), "");
  EXPECT_NE(placement_problem(GuestMode::kOsLevel, HypervisorType::kType1), "");
  EXPECT_EQ(placement_problem(GuestMode::kOsLevel, HypervisorType::kContainerRuntime), "");
  EXPECT_EQ(placement_problem(GuestMode::kFullBt, HypervisorType::kType2), "");
  World w;
  Host& h = w.add_host({.name = "h", .hypervisor = HypervisorType::kNone});
  EXPECT_THROW(w.add_guest({.name = "vm", .mode = GuestMode::kFull}, h), std::invalid_argument);
}

TEST(VirtualizationRun, PrivilegedOperationsSlowAFullVmAsComputed) {
  // 1 core at 1 Gf/s; 1 Gf of work with 100,000 privileged ops: full VM
  // pays 100,000 x 1.5 us = 0.15 s more: 1.15 s. Para: 12,500 hypercalls x
  // 1.5 us = 18.75 ms: 1.01875 s. Native: 1 s.
  for (auto [mode, hv, expected] : {std::tuple{GuestMode::kFull, HypervisorType::kType1, 1.15},
                                    std::tuple{GuestMode::kPara, HypervisorType::kType1, 1.01875},
                                    std::tuple{GuestMode::kNative, HypervisorType::kNone, 1.0}}) {
    World w;
    Host& h = w.add_host({.name = "h", .cores = 1, .speed_flops = 1e9, .hypervisor = hv});
    Guest& g = w.add_guest({.name = "g", .mode = mode}, h);
    Step s{Step::Kind::kCompute, 1e9, 0, 100000};
    w.start_process(g, {"p", {s}, 1, 0.0});
    w.run();
    EXPECT_NEAR(g.finished_at_s(), expected, 1e-9) << mode_name(mode);
  }
}

TEST(VirtualizationRun, IoStepTimeIsCpuThenDevice) {
  // 1 core 1 Gf/s, disk 100 MB/s, 50 us per access. 200 requests of 10 kB:
  // full: guest CPU 200 x (2 + 4 x 5.5) us = 4.8 ms, host emulation 200 x
  // 10 us = 2 ms in parallel on the same core (shared: guest 0.5 of the core
  // while both run: the 2 ms of emulation end at 4 ms, then the guest's last
  // 0.8 ms alone: 4.8 + 2 = 6.8 ms in all); device 200 x 50 us = 10 ms;
  // bytes 2 MB / 100 MB/s = 20 ms. Total 36.8 ms.
  World w;
  Host& h = w.add_host({.name = "h", .cores = 1, .speed_flops = 1e9, .disk_bandwidth_Bps = 100e6,
                        .disk_latency_s = 50e-6});
  Guest& g = w.add_guest({.name = "g", .mode = GuestMode::kFull}, h);
  Step s;
  s.kind = Step::Kind::kIo;
  s.amount = 200;
  s.io_size_bytes = 10e3;
  w.start_process(g, {"p", {s}, 1, 0.0});
  w.run();
  EXPECT_NEAR(g.finished_at_s(), 6.8e-3 + 10e-3 + 20e-3, 1e-12);
  EXPECT_EQ(g.exits(), 800);
}

TEST(VirtualizationRun, Type2HostOsKeepsItsShare) {
  // A 4-vCPU VM with 4 tasks of 1 Gf on a 4-core type-2 host at 1 Gf/s: the
  // host OS keeps 5 % of 4 Gf/s = 0.2 Gf/s, the VM gets 3.8 Gf/s, each task
  // 0.95 Gf/s: done at 1/0.95 s.
  World w;
  Host& h = w.add_host({.name = "h", .cores = 4, .speed_flops = 1e9, .hypervisor = HypervisorType::kType2});
  Guest& g = w.add_guest({.name = "vm", .mode = GuestMode::kFull, .vcpus = 4}, h);
  for (int i = 0; i < 4; ++i) w.start_process(g, {"p", {{Step::Kind::kCompute, 1e9}}, 1, 0.0});
  w.run();
  EXPECT_NEAR(g.finished_at_s(), 1.0 / 0.95, 1e-12);
}

}  // namespace
}  // namespace vzlab::hv
