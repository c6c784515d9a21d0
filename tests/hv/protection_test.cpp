// Protecting a VM against its host's loss: a lockstep mirror or periodic
// checkpoints, against hand computations.
#include <gtest/gtest.h>

#include <string>

#include "vzlab/hv/scenario/scenario.hpp"

namespace vzlab::hv {
namespace {

namespace sc = scenario;

// Two 1 Gf/s hosts in one group on a 1 Gb/s LAN (125 MB/s, no latency)
// with a NAS; HA with 2 s heartbeats, 3 misses. One VM on h0 with its disk
// on the NAS boots in 20 s, then computes 1000 Gf (1000 s); h0 dies at
// 550 s for good. `extra` adds keys to the VM.
std::string cluster(const std::string& extra, const std::string& processes = "[{steps: [{compute: 1000Gf}]}]") {
  return R"(version: 1
hosts:
  - {name: h0, group: pool, speed: 1Gf}
  - {name: h1, group: pool, speed: 1Gf}
network:
  shapes: [{shape: star, name: lan, bandwidth: 1Gb/s, latency: 0s}]
  nodes: [{name: nas, kind: nas}]
  links: [{from: nas, to: lan, bandwidth: 1Gb/s, latency: 0s}]
ha: {heartbeat: 2s, misses: 3}
guests:
  - {name: vm, host: h0, disk: nas, mode: para, )" + extra + R"(processes: )" + processes + R"(}
failures:
  - {at: 550s, crash: host, target: h0}
)";
}

std::unique_ptr<World> load(const std::string& text) {
  auto loaded = sc::load_string(text, "t.yaml", {});
  if (!loaded.ok()) throw std::runtime_error(loaded.error->format());
  return sc::build_world(*loaded.scenario);
}

constexpr double kBoot = 20.0;      // a VM's boot with the default calibration
constexpr double kDetect = 556.0;   // third missed 2 s heartbeat after 550 s

TEST(Protection, WithoutProtectionTheWorkStartsOver) {
  // Restarted on h1 at 556 s: boots (20 s) and does all 1000 s again. The
  // work of 20..550 s is lost.
  auto w = load(cluster(""));
  w->run();
  const Guest& vm = w->guests().front();
  EXPECT_NEAR(vm.lost_work_s(), 530.0, 1e-9);
  EXPECT_NEAR(vm.finished_at_s(), kDetect + kBoot + 1000.0, 1e-6);
}

TEST(Protection, AMirrorTakesOverAfterOneHeartbeatWithNothingLost) {
  // The copy on h1 runs the same work: while h0 is alive, h1 gives it the
  // VM's 1 Gf/s and holds its memory. When h0 dies the copy goes on after
  // one heartbeat (2 s): done at 20 + 1000 + 2 s.
  auto w = load(cluster("protect: mirror, "));
  w->run(400.0);
  const Guest& vm = w->guests().front();
  Host& h1 = w->hosts()[1];
  ASSERT_EQ(vm.mirror_host(), &h1);
  EXPECT_DOUBLE_EQ(h1.cpu().usage(), 1e9);
  EXPECT_DOUBLE_EQ(h1.memory_used_bytes(), vm.footprint_bytes(w->calibration()));
  w->run();
  EXPECT_EQ(vm.host().name(), "h1");
  EXPECT_EQ(vm.takeovers(), 1);
  EXPECT_EQ(vm.restarts(), 0);
  EXPECT_EQ(vm.lost_work_s(), 0.0);
  EXPECT_NEAR(vm.downtime_s(w->engine().now()), 2.0, 1e-9);
  EXPECT_NEAR(vm.finished_at_s(), kBoot + 1000.0 + 2.0, 1e-6);
  // No other host to hold a new copy: it runs on unprotected.
  EXPECT_EQ(vm.mirror_host(), nullptr);
  // h1 counts the copy's CPU for the 20..550 s the primary ran on h0
  // (sampled every heartbeat, so within one heartbeat of it), plus the
  // VM's task, whose work counts on the host it ends on.
  EXPECT_NEAR(h1.flops_done() - 1000e9, 530e9, 2e9);
}

TEST(Protection, AMirrorReceivesWhatTheVmReads) {
  // 10 reads of 1 MB each: the copy gets those 10 MB as a log.
  auto w = load(cluster("protect: mirror, ", "[{repeat: 10, steps: [{io: {ops: 1, size: 1MB}}, {sleep: 1s}]}]"));
  w->run();
  EXPECT_DOUBLE_EQ(w->guests().front().mirror_log_bytes(), 10e6);
}

TEST(Protection, ACheckpointedVmResumesFromItsLastSave) {
  // Saves at 100, 200, ... s: the VM pauses while its dirtied memory goes
  // to the NAS at 125 MB/s: all its RAM the first time, then 1 MB/s x 100 s
  // = 100 MB (0.8 s). h0 dies at 550 s: the save of 500 s is whole, so 50 s
  // of work are lost. At 556 s h1 reads the RAM back (as long as the first
  // save) instead of booting, and does the rest, pausing 0.8 s at 600, 700 ...
  auto w = load(cluster("protect: checkpoint, checkpoint_interval: 100s, dirty_rate: 1MB/s, "));
  w->run();
  const Guest& vm = w->guests().front();
  const double first = vm.ram_bytes(w->calibration()) / 125e6;
  const double done_by_500 = 480.0 - first - 3 * 0.8;  // seconds of work saved at 500 s
  double t = kDetect + first, need = 1000.0 - done_by_500, next = 600.0;
  while (t + need > next) {
    need -= next - t;
    t = next + 0.8;
    next += 100.0;
  }
  EXPECT_NEAR(vm.lost_work_s(), 50.0, 1e-9);
  EXPECT_EQ(vm.restarts(), 1);
  EXPECT_EQ(vm.host().name(), "h1");
  EXPECT_NEAR(vm.finished_at_s(), t + need, 1e-6);
  EXPECT_NEAR(vm.downtime_s(w->engine().now()), kDetect + first - 550.0, 1e-6);
}

TEST(Protection, OnlyVmsWithSharedDisksCanBeMirrored) {
  auto error = [](const std::string& text) {
    auto r = sc::load_string(text, "bad.yaml", {});
    return r.ok() ? std::string("loaded") : r.error->format();
  };
  std::string container = cluster("protect: checkpoint, ");
  container.replace(container.find("mode: para"), 10, "mode: os-level");
  EXPECT_NE(error(container).find("'protect' applies to VMs"), std::string::npos);
  std::string local = cluster("protect: mirror, ");
  local.replace(local.find("disk: nas, "), 11, "");
  EXPECT_NE(error(local).find("must reach the same disk"), std::string::npos);
  EXPECT_NE(error(cluster("checkpoint_interval: 1min, ")).find("applies to protect: checkpoint"), std::string::npos);
}

}  // namespace
}  // namespace vzlab::hv
