// The C++ example of README.md, kept compiling and correct.
#include <gtest/gtest.h>

#include "vzlab/hv/world.hpp"

TEST(ReadmeExample, RunsAsDocumented) {
  // 2e9 flops on one vCPU of a 1e9 flop/s core: 2 s; then 1 s asleep: 3 s.
  vzlab::hv::World world(/*seed=*/1);
  auto& host = world.add_host({.name = "h0", .cores = 4, .speed_flops = 1e9});
  auto& vm = world.add_guest({.name = "vm0", .vcpus = 2}, host);
  auto job = [&]() -> vzlab::engine::Process {
    co_await vm.execute(2e9);
    co_await world.engine().sleep(1);
  };
  world.engine().spawn(job());
  world.run();
  EXPECT_DOUBLE_EQ(world.engine().now(), 3.0);
  EXPECT_NEAR(host.flops_done(), 2e9, 1e-3);
}
