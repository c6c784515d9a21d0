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
