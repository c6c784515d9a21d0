// Memory, start-up, admission, swapping and shared image layers, by hand.
#include <gtest/gtest.h>

#include "vzlab/hv/world.hpp"

namespace vzlab::hv {
namespace {

constexpr double kMiB = 1048576.0;

ProcessSpec work(double flops) { return {"p", {{Step::Kind::kCompute, flops}}, 1, 0.0}; }

TEST(Density, FootprintsFollowTheMode) {
  // Defaults: app 256 MiB; VM + 512 MiB guest OS + 32 MiB VMM = 800 MiB;
  // container + 4 MiB = 260 MiB; native 256 MiB.
  World w;
  Host& h = w.add_host({.name = "h", .hypervisor = HypervisorType::kType2});
  const CalibrationProfile& p = w.calibration();
  EXPECT_DOUBLE_EQ(w.add_guest({.name = "vm", .mode = GuestMode::kPara}, h).footprint_bytes(p), 800 * kMiB);
  EXPECT_DOUBLE_EQ(w.add_guest({.name = "ct", .mode = GuestMode::kOsLevel}, h).footprint_bytes(p), 260 * kMiB);
  EXPECT_DOUBLE_EQ(w.add_guest({.name = "n", .mode = GuestMode::kNative}, h).footprint_bytes(p), 256 * kMiB);
}

TEST(Density, AHostRefusesVmsPastItsMemory) {
  // 4 GiB = 4096 MiB holds floor(4096 / 800) = 5 VMs; the 6th is refused.
  World w;
  Host& h = w.add_host({.name = "h", .cores = 8, .memory_bytes = 4096 * kMiB});
  for (int i = 0; i < 6; ++i) w.start_guest(w.add_guest({.name = "vm" + std::to_string(i)}, h), 0.0, {work(1e9)});
  w.run();
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(w.guests()[i].refused()) << i;
  EXPECT_TRUE(w.guests()[5].refused());
  EXPECT_DOUBLE_EQ(h.peak_memory_used_bytes(), 5 * 800 * kMiB);
  EXPECT_DOUBLE_EQ(h.memory_used_bytes(), 0.0);  // all released when done
  EXPECT_EQ(w.guests()[0].fit_per_host(w.calibration()), 5);
}

TEST(Density, TheAdminsVcpuRatioLimitsVms) {
  // 1 core with at most 2 vCPUs per core: two 1-vCPU VMs, the third refused.
  World w;
  Host& h = w.add_host({.name = "h", .cores = 1, .cpu_overcommit = 2.0});
  for (int i = 0; i < 3; ++i) w.start_guest(w.add_guest({.name = "vm" + std::to_string(i)}, h), 0.0, {work(1e9)});
  w.run();
  EXPECT_TRUE(w.guests()[2].refused());
  EXPECT_FALSE(w.guests()[1].refused());
}

TEST(Density, StartUpTimesByMode) {
  // Each guest alone on a 1 Gf/s core computing 1 Gf: VM 20 s boot + 1 s,
  // container 0.5 + 1 s, native 0.01 + 1 s.
  for (auto [mode, hv, end] : {std::tuple{GuestMode::kFull, HypervisorType::kType1, 21.0},
                               std::tuple{GuestMode::kOsLevel, HypervisorType::kContainerRuntime, 1.5},
                               std::tuple{GuestMode::kNative, HypervisorType::kNone, 1.01}}) {
    World w;
    Host& h = w.add_host({.name = "h", .cores = 1, .hypervisor = hv});
    Guest& g = w.add_guest({.name = "g", .mode = mode}, h);
    w.start_guest(g, 0.0, {work(1e9)});
    w.run();
    EXPECT_NEAR(g.finished_at_s(), end, 1e-12) << mode_name(mode);
  }
}

TEST(Density, SwappingHostSlowsItsWork) {
  // 1600 MiB of RAM, three 800 MiB VMs: 2400 MiB used, overcommit 0.5. After
  // the 20 s boot each computes 1 Gf on its own core (1 s) and then waits
  // 10 x 0.5 x 1 s = 5 s for swap: done at 26 s.
  World w;
  Host& h = w.add_host({.name = "h", .cores = 4, .memory_bytes = 1600 * kMiB, .swap_when_full = true});
  for (int i = 0; i < 3; ++i) w.start_guest(w.add_guest({.name = "vm" + std::to_string(i)}, h), 0.0, {work(1e9)});
  w.run();
  for (const Guest& g : w.guests()) {
    EXPECT_FALSE(g.refused());
    EXPECT_NEAR(g.finished_at_s(), 26.0, 1e-9);
  }
  EXPECT_NEAR(h.flops_done(), 3e9, 1.0);  // waiting for swap is not CPU work
}

TEST(Density, ContainersShareImageLayersVmsDoNot) {
  // Image of 100 + 50 MiB layers. Three containers: stored once (150 MiB),
  // 2 x 150 MiB saved. Two VMs on another host: 2 x 150 MiB stored.
  const std::vector<std::pair<std::string, double>> image{{"base", 100 * kMiB}, {"app", 50 * kMiB}};
  World w;
  Host& ct = w.add_host({.name = "ct", .hypervisor = HypervisorType::kContainerRuntime});
  Host& vm = w.add_host({.name = "vm"});
  for (int i = 0; i < 3; ++i) {
    GuestSpec s{.name = "c" + std::to_string(i), .mode = GuestMode::kOsLevel};
    s.image = image;
    w.start_guest(w.add_guest(s, ct), 0.0, {work(1e9)});
  }
  for (int i = 0; i < 2; ++i) {
    GuestSpec s{.name = "v" + std::to_string(i)};
    s.image = image;
    w.start_guest(w.add_guest(s, vm), 0.0, {work(1e9)});
  }
  w.run();
  EXPECT_DOUBLE_EQ(ct.image_bytes(), 150 * kMiB);
  EXPECT_DOUBLE_EQ(ct.image_bytes_saved(), 300 * kMiB);
  EXPECT_DOUBLE_EQ(vm.image_bytes(), 300 * kMiB);
  EXPECT_DOUBLE_EQ(vm.image_bytes_saved(), 0.0);
}

TEST(Density, ContainersPackDenserAndStartFasterThanVms) {
  // For any profile where a VM carries more memory than a container and
  // boots slower (true of every measured system), a host fits more containers.
  World w;
  Host& h = w.add_host({.name = "h", .hypervisor = HypervisorType::kType2});
  const Guest& vm = w.add_guest({.name = "vm"}, h);
  const Guest& ct = w.add_guest({.name = "ct", .mode = GuestMode::kOsLevel}, h);
  EXPECT_GT(ct.fit_per_host(w.calibration()), vm.fit_per_host(w.calibration()));
  EXPECT_LT(ct.startup_s(w.calibration()), vm.startup_s(w.calibration()));
}

}  // namespace
}  // namespace vzlab::hv

namespace vzlab::hv {
namespace {

TEST(Density, AGuestWithoutMemoryIsNotLimitedByMemory) {
  // A native process declaring no memory: only the (absent) vCPU limit
  // could bound it, so the fit is "very many" rather than a division by zero.
  World w;
  Host& h = w.add_host({.name = "h", .hypervisor = HypervisorType::kNone});
  GuestSpec s{.name = "n", .mode = GuestMode::kNative};
  s.memory_bytes = 0;
  EXPECT_GE(w.add_guest(s, h).fit_per_host(w.calibration()), 1000000000L);
}

}  // namespace
}  // namespace vzlab::hv
