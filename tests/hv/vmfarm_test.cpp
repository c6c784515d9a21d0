// The benchmark's VM farm against the makespans SimGrid 3.32 prints for the
// same workload (bench/simgrid/simgrid_vmfarm_ref.cpp, run once with
// Debian's libsimgrid-dev 3.32-2; values are its makespan_exact lines).
#include <gtest/gtest.h>

#include <cmath>

#include "../../bench/vmfarm_workload.hpp"

namespace vzlab::bench {
namespace {

struct FarmCase {
  int hosts, vms, tasks;
  double simgrid_makespan_s;
};

class VmFarm : public ::testing::TestWithParam<FarmCase> {};

TEST_P(VmFarm, MakespanMatchesSimGrid) {
  const FarmCase c = GetParam();
  hv::World world;
  long done = 0;
  build_farm(world, c.hosts, c.vms, c.tasks, done);
  world.run();
  EXPECT_EQ(done, static_cast<long>(c.hosts) * c.vms * c.tasks);
  EXPECT_NEAR(world.engine().now(), c.simgrid_makespan_s, 1e-9 * c.simgrid_makespan_s);
}

INSTANTIATE_TEST_SUITE_P(SimGrid332, VmFarm,
                         ::testing::Values(FarmCase{1, 8, 100, 200.47324999999995},
                                           FarmCase{10, 8, 100, 203.6422499999999},
                                           FarmCase{3, 8, 20, 43.751249999999999},
                                           FarmCase{5, 3, 10, 12.348000000000001},
                                           FarmCase{4, 1, 50, 51.962000000000003},
                                           FarmCase{2, 16, 30, 124.06049999999999}));

TEST(VmFarmHash, TaskSizesStayInRange) {
  // The hash maps to 0.5e9 + (x % 1000) * 1e6, i.e. [0.5e9, 1.499e9].
  for (unsigned vm = 0; vm < 200; ++vm)
    for (unsigned k = 0; k < 200; ++k) {
      const double f = farm_task_flops(vm, k);
      ASSERT_GE(f, 0.5e9);
      ASSERT_LE(f, 1.499e9);
    }
}

}  // namespace
}  // namespace vzlab::bench

namespace vzlab::bench {
namespace {

TEST(VmFarmCost, WorkPerTaskDoesNotGrowWithThePlatform) {
  // Incremental solving: a task's end and the next task's start re-solve only
  // that VM's own component (the host's is skipped: the VM's weight is back
  // to 1), so solves per task must be the same for 5 and 50 hosts. Upper
  // bound per host (8 VMs x 20 tasks = 160 tasks): 1 host + 8 VM solves at
  // start, 160 for the tasks, 8 host solves as chains end, and the VMs still
  // running re-solved then (at most 7 + 6 + ... + 0 = 28): 205 / 160.
  auto solves_per_task = [](int hosts) {
    hv::World world;
    long done = 0;
    build_farm(world, hosts, 8, 20, done);
    world.run();
    return static_cast<double>(world.engine().fluid().components_solved()) / static_cast<double>(done);
  };
  const double small = solves_per_task(5), large = solves_per_task(50);
  EXPECT_LE(small, 205.0 / 160.0);
  EXPECT_LE(large, 205.0 / 160.0);
  EXPECT_NEAR(small, large, 0.02);
}

}  // namespace
}  // namespace vzlab::bench
