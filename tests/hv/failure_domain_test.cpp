// Failure domains: which guests a crash takes down, and what happens to the rest.
#include <gtest/gtest.h>

#include "vzlab/hv/world.hpp"

namespace vzlab::hv {
namespace {

ProcessSpec work(double flops) { return {"p", {{Step::Kind::kCompute, flops}}, 1, 0.0}; }

struct Mixed {
  World w;
  Host* host;
  Guest *vm, *container, *native;
  explicit Mixed(HypervisorType hv) {
    host = &w.add_host({.name = "h", .cores = 4, .speed_flops = 1e9, .hypervisor = hv});
    vm = &w.add_guest({.name = "vm", .mode = GuestMode::kFull}, *host);
    container = &w.add_guest({.name = "ct", .mode = GuestMode::kOsLevel}, *host);
    native = &w.add_guest({.name = "n", .mode = GuestMode::kNative}, *host);
    for (Guest* g : {vm, container, native}) w.start_process(*g, work(10e9));
  }
};

TEST(FailureDomain, HostOsCrashOnAType2HostTakesEverything) {
  // Hosted VMs run on the host OS, so its crash takes them with the containers.
  Mixed m(HypervisorType::kType2);
  m.w.schedule_crash(3.0, CrashKind::kHostOs, m.host, nullptr);
  m.w.run();
  for (Guest* g : {m.vm, m.container, m.native}) EXPECT_DOUBLE_EQ(g->down_at_s(), 3.0) << g->name();
  EXPECT_EQ(m.w.engine().live_processes(), 0u);
}

TEST(FailureDomain, HypervisorCrashTakesOnlyTheVms) {
  // Type 2: the hosted VMM dies, the host OS and its containers live on.
  // The host OS keeps 5 % of 4 Gf/s, leaving 3.8 Gf/s for at most 3 tasks of
  // at most 1 Gf/s each: the survivors run at 1 Gf/s and finish 10 Gf at 10 s.
  Mixed m(HypervisorType::kType2);
  m.w.schedule_crash(3.0, CrashKind::kHypervisor, m.host, nullptr);
  m.w.run();
  EXPECT_DOUBLE_EQ(m.vm->down_at_s(), 3.0);
  EXPECT_LT(m.container->down_at_s(), 0.0);
  EXPECT_NEAR(m.container->finished_at_s(), 10.0, 1e-9);
  EXPECT_NEAR(m.native->finished_at_s(), 10.0, 1e-9);
}

TEST(FailureDomain, GuestKernelCrashTakesOneGuest) {
  Mixed m(HypervisorType::kType2);
  m.w.schedule_crash(2.0, CrashKind::kGuest, m.host, m.vm);
  m.w.run();
  EXPECT_DOUBLE_EQ(m.vm->down_at_s(), 2.0);
  EXPECT_NEAR(m.container->finished_at_s(), 10.0, 1e-9);
}

TEST(FailureDomain, HostCrashTakesEverythingAndFreesItsMemory) {
  World w;
  Host& h = w.add_host({.name = "h", .cores = 2, .hypervisor = HypervisorType::kType1});
  Guest& a = w.add_guest({.name = "a"}, h);
  Guest& b = w.add_guest({.name = "b"}, h);
  w.start_guest(a, 0.0, {work(100e9)});
  w.start_guest(b, 0.0, {work(100e9)});
  w.schedule_crash(30.0, CrashKind::kHost, &h, nullptr);
  w.run();
  EXPECT_DOUBLE_EQ(a.down_at_s(), 30.0);
  EXPECT_DOUBLE_EQ(b.down_at_s(), 30.0);
  EXPECT_DOUBLE_EQ(h.memory_used_bytes(), 0.0);
  // Both ran at 1 Gf/s from 20 s (boot) to 30 s: 20 Gf done on the host.
  EXPECT_NEAR(h.flops_done(), 20e9, 1.0);
}

TEST(FailureDomain, ASurvivorGetsTheFreedCpu) {
  // 1 core: two VMs share it (0.5 Gf/s each). VM a crashes at 4 s; b had
  // done 2 Gf of 6, the 4 Gf left at 1 Gf/s end at 8 s.
  World w;
  Host& h = w.add_host({.name = "h", .cores = 1});
  Guest& a = w.add_guest({.name = "a"}, h);
  Guest& b = w.add_guest({.name = "b"}, h);
  w.start_process(a, work(6e9));
  w.start_process(b, work(6e9));
  w.schedule_crash(4.0, CrashKind::kGuest, &h, &a);
  w.run();
  EXPECT_NEAR(b.finished_at_s(), 8.0, 1e-9);
  EXPECT_EQ(a.active_tasks(), 0);
}

TEST(FailureDomain, WhatCannotCrash) {
  EXPECT_NE(crash_problem(CrashKind::kHostOs, HypervisorType::kType1), "");
  EXPECT_NE(crash_problem(CrashKind::kHypervisor, HypervisorType::kContainerRuntime), "");
  EXPECT_EQ(crash_problem(CrashKind::kHostOs, HypervisorType::kContainerRuntime), "");
  EXPECT_TRUE(crash_takes_down(CrashKind::kHostOs, HypervisorType::kContainerRuntime, GuestMode::kOsLevel));
  EXPECT_FALSE(crash_takes_down(CrashKind::kHypervisor, HypervisorType::kType2, GuestMode::kOsLevel));
}

}  // namespace
}  // namespace vzlab::hv
