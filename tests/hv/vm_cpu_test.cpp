// The VM CPU model (SimGrid's semantics, ARCHITECTURE.md) on hand-computed cases.
#include <gtest/gtest.h>

#include <vector>

#include "vzlab/hv/world.hpp"

namespace vzlab::hv {
namespace {

constexpr double kNoCap = engine::Variable::kNoBound;

engine::Process compute(World& w, Guest& g, double flops, double& end, double sleep_first = 0) {
  if (sleep_first > 0) co_await w.engine().sleep(sleep_first);
  co_await g.execute(flops);
  end = w.engine().now();
}

TEST(VmCpu, OneTaskNeverExceedsOneCore) {
  // 4 cores of 1e9 but one task: 1e9/s, so 3e9 take 3 s.
  World w;
  Host& h = w.add_host({"h", 4, 1e9, ""});
  Guest& vm = w.add_guest({"vm", GuestMode::kFull, 4, kNoCap, 1.0}, h);
  double end = 0;
  w.engine().spawn(compute(w, vm, 3e9, end));
  w.run();
  EXPECT_DOUBLE_EQ(end, 3.0);
}

TEST(VmCpu, VmWeightIsMinOfTasksAndVcpus) {
  // Host 1 core 1e9. VM A (2 vCPUs, 3 tasks) weighs min(3,2)=2; VM B (1 task)
  // weighs 1. A gets 2/3e9 split over 3 tasks = 2/9e9 each; B gets 1/3e9.
  // B's 1e9 task: 3 s. Tasks of A (1e9 each): by t=3 each did 2/3e9; then A
  // alone gets 1e9 (bound 2 cores x 1e9 > capacity) -> 1/3e9 each -> 1/3e9
  // left takes 1 s more: 4 s.
  World w;
  Host& h = w.add_host({"h", 1, 1e9, ""});
  Guest& a = w.add_guest({"a", GuestMode::kFull, 2, kNoCap, 1.0}, h);
  Guest& b = w.add_guest({"b", GuestMode::kFull, 1, kNoCap, 1.0}, h);
  std::vector<double> ends(4);
  for (int i = 0; i < 3; ++i) w.engine().spawn(compute(w, a, 1e9, ends[i]));
  w.engine().spawn(compute(w, b, 1e9, ends[3]));
  w.run();
  EXPECT_NEAR(ends[3], 3.0, 1e-12);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(ends[i], 4.0, 1e-12);
}

TEST(VmCpu, CapBoundsTheWholeVm) {
  // Idle host of 4 x 1e9; VM capped at 0.5e9 with 2 tasks of 1e9: 0.25e9
  // each -> 4 s.
  World w;
  Host& h = w.add_host({"h", 4, 1e9, ""});
  Guest& vm = w.add_guest({"vm", GuestMode::kFull, 2, 0.5e9, 1.0}, h);
  double e1 = 0, e2 = 0;
  w.engine().spawn(compute(w, vm, 1e9, e1));
  w.engine().spawn(compute(w, vm, 1e9, e2));
  w.run();
  EXPECT_NEAR(e1, 4.0, 1e-12);
  EXPECT_NEAR(e2, 4.0, 1e-12);
}

TEST(VmCpu, ShareWeighsAVmAgainstOthers) {
  // 1 core 1e9; VM x share 3, VM y share 1, one task of 3e9 each:
  // x gets 0.75e9 -> done at 4 s; y got 1e9 by then, 2e9 left alone -> 6 s.
  World w;
  Host& h = w.add_host({"h", 1, 1e9, ""});
  Guest& x = w.add_guest({"x", GuestMode::kFull, 1, kNoCap, 3.0}, h);
  Guest& y = w.add_guest({"y", GuestMode::kFull, 1, kNoCap, 1.0}, h);
  double ex = 0, ey = 0;
  w.engine().spawn(compute(w, x, 3e9, ex));
  w.engine().spawn(compute(w, y, 3e9, ey));
  w.run();
  EXPECT_NEAR(ex, 4.0, 1e-12);
  EXPECT_NEAR(ey, 6.0, 1e-12);
}

TEST(VmCpu, SleepingTaskAndIdleVmTakeNothing) {
  // 1 core. Native task of 2e9 alone for the first second (the VM's only task
  // sleeps), then shares with the VM's 0.5e9 task: 0.5e9 each -> VM task done
  // at 2 s; native has 1e9 - 0.5e9 = 0.5e9 left at 2 s -> done at 2.5 s.
  World w;
  Host& h = w.add_host({"h", 1, 1e9, ""});
  Guest& vm = w.add_guest({"vm", GuestMode::kFull, 1, kNoCap, 1.0}, h);
  Guest& native = w.add_guest({"n", GuestMode::kNative, 1, kNoCap, 1.0}, h);
  w.add_guest({"idle", GuestMode::kFull, 4, kNoCap, 1.0}, h);
  double ev = 0, en = 0;
  w.engine().spawn(compute(w, vm, 0.5e9, ev, 1.0));
  w.engine().spawn(compute(w, native, 2e9, en));
  w.run();
  EXPECT_NEAR(ev, 2.0, 1e-12);
  EXPECT_NEAR(en, 2.5, 1e-12);
}

TEST(VmCpu, HostWorkIsAccountedForUtilization) {
  // Two VMs computing 1e9 and 3e9 on 2 cores: all 4e9 flops land on the host.
  World w;
  Host& h = w.add_host({"h", 2, 1e9, ""});
  Guest& a = w.add_guest({"a", GuestMode::kFull, 1, kNoCap, 1.0}, h);
  Guest& b = w.add_guest({"b", GuestMode::kFull, 1, kNoCap, 1.0}, h);
  double ea = 0, eb = 0;
  w.engine().spawn(compute(w, a, 1e9, ea));
  w.engine().spawn(compute(w, b, 3e9, eb));
  w.run();
  EXPECT_NEAR(h.flops_done(), 4e9, 1.0);
  EXPECT_NEAR(eb, 3.0, 1e-12);
}

TEST(VmCpu, CutOffWorkCountsOnlyWhatWasDone) {
  // 1 core, one task of 10e9 stopped at t=4: 4e9 done.
  World w;
  Host& h = w.add_host({"h", 1, 1e9, ""});
  Guest& vm = w.add_guest({"vm", GuestMode::kFull, 1, kNoCap, 1.0}, h);
  double e = -1;
  w.engine().spawn(compute(w, vm, 10e9, e));
  w.run(4.0);
  w.finish();
  EXPECT_NEAR(h.flops_done(), 4e9, 1.0);
  EXPECT_EQ(e, -1);
  EXPECT_EQ(vm.active_tasks(), 0);
}

}  // namespace
}  // namespace vzlab::hv
