// Disaster recovery: replication to another site, a site failure, RPO and
// RTO against hand computations.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "vzlab/hv/scenario/scenario.hpp"

namespace vzlab::hv {
namespace {

namespace sc = scenario;

// Two sites joined by a 1 Gb/s WAN link (125 MB/s, 5 ms one way); at site a
// a NAS holding 10 GB and the 1 GB disk image of one VM that writes 1 MB and sleeps 1 s, again and
// again; its NAS is copied to site b's NAS with `replication`. Site a fails
// at `fail_at` for good. Links inside a site: 10 Gb/s, no latency; the NASes
// run at 1 GB/s, so one local write takes 1 MB / 1 GB/s = 1 ms.
std::string two_sites(const std::string& replication, const std::string& fail_at, const std::string& until = "600s") {
  return R"(version: 1
until: )" + until + R"(
hosts:
  - {name: a0, site: a, speed: 1Gf}
  - {name: b0, site: b, speed: 1Gf}
network:
  nodes:
    - {name: sw-a, kind: switch, site: a}
    - {name: sw-b, kind: switch, site: b}
    - {name: nas-a, kind: nas, site: a, bandwidth: 1GB/s, fill: 10GB}
    - {name: nas-b, kind: nas, site: b, bandwidth: 1GB/s}
  links:
    - {from: a0, to: sw-a, bandwidth: 10Gb/s}
    - {from: nas-a, to: sw-a, bandwidth: 10Gb/s}
    - {from: b0, to: sw-b, bandwidth: 10Gb/s}
    - {from: nas-b, to: sw-b, bandwidth: 10Gb/s}
    - {from: sw-a, to: sw-b, bandwidth: 1Gb/s, latency: 5ms, network: wan}
replications:
  - )" + replication + R"(
workloads:
  w:
    - repeat: 100000
      steps:
        - io: {ops: 1, size: 1MB, write: true}
        - {sleep: 1s}
guests:
  - {name: vm, host: a0, workload: w, disk: nas-a, disk_size: 1GB}
failures:
  - {at: )" + fail_at + R"(, crash: site, target: a}
)";
}

std::unique_ptr<World> run(const std::string& text) {
  auto loaded = sc::load_string(text, "t.yaml", {});
  if (!loaded.ok()) throw std::runtime_error(loaded.error->format());
  auto world = sc::build_world(*loaded.scenario);
  world->run(loaded.scenario->until_s.value_or(engine::Engine::kForever));
  world->finish();
  return world;
}

constexpr double kBoot = 20.0;  // a full VM's boot with the default calibration

TEST(DisasterRecovery, SyncLosesNothingAndEveryWriteWaitsForTheWan) {
  // Each write then crosses the WAN and is acknowledged: 5 ms latency + 1 MB
  // / 125 MB/s + 5 ms back = 18 ms.
  // Nothing is lost; the VM runs again at b after activation (60 s) and a
  // boot (20 s): RTO 80 s.
  auto w = run(two_sites("{name: r, from: nas-a, to: nas-b, mode: sync, activation: 60s}", "150s"));
  const ReplicationRecord& r = w->replications().front();
  EXPECT_DOUBLE_EQ(r.disaster_s, 150.0);
  EXPECT_EQ(r.lost_bytes, 0.0);
  EXPECT_EQ(r.rpo_s, 0.0);
  EXPECT_NEAR(r.write_wait_s / r.writes, 0.018, 1e-9);
  const Guest& vm = w->guests().front();
  EXPECT_EQ(vm.host().name(), "b0");
  EXPECT_EQ(w->network().node(*vm.disk_node()).name, "nas-b");
  EXPECT_EQ(vm.incidents(), 1);
  EXPECT_NEAR(vm.back_at_s() - 150.0, 60.0 + kBoot, 1e-9);
  EXPECT_NEAR(vm.downtime_s(w->engine().now()), 60.0 + kBoot, 1e-9);
  // The site took its host and its NAS down.
  EXPECT_FALSE(w->hosts()[0].up());
  EXPECT_FALSE(w->network().node_up(*w->network().find("nas-a")));
}

TEST(DisasterRecovery, AsyncRpoIsTheTimeSinceTheLastShipment) {
  // Shipments every 60 s take well under a second (at most 60 MB at
  // 125 MB/s), so a site lost at T, not within a second after a shipment
  // starts, loses exactly the writes of the last T mod 60 s: RPO = T mod 60,
  // never more than the interval plus one shipment.
  for (double t : {61.3, 95.0, 119.5, 150.0, 179.99, 200.5, 239.0, 250.0, 333.3}) {
    auto w = run(two_sites("{name: r, from: nas-a, to: nas-b, mode: async, interval: 60s}", std::to_string(t) + "s"));
    const ReplicationRecord& r = w->replications().front();
    const double expected = t - 60.0 * std::floor(t / 60.0);
    EXPECT_NEAR(r.rpo_s, expected, 1e-6) << "lost at " << t;
    EXPECT_NEAR(r.recovery_point_s, t - expected, 1e-6);
    EXPECT_LE(r.rpo_s, 60.0 + 1.0);
    // About one 1 MB write per second since the recovery point (each
    // cycle is 1 s of sleep plus 1 ms of write), whole writes only; the
    // first write comes after the 20 s boot.
    const double window = std::min(expected, t - kBoot);
    EXPECT_NEAR(r.lost_bytes / 1e6, std::round(r.lost_bytes / 1e6), 1e-9);
    EXPECT_GE(r.lost_bytes, (std::floor(window / 1.001) - 1) * 1e6) << "lost at " << t;
    EXPECT_LE(r.lost_bytes, (std::ceil(window / 1.001) + 1) * 1e6) << "lost at " << t;
  }
}

TEST(DisasterRecovery, BackupRestoresTheLastFullCopyFirst) {
  // Full copies every 100 s: the one at 100 s (about 11.1 GB at 125 MB/s,
  // 89 s) is done at about 189 s; the one at 200 s is still on its way when
  // the site is lost at 250 s. So the replica holds the data of 100 s: RPO
  // 150 s. Recovery: 60 s activation, the restore of that copy at 1 GB/s,
  // then the boot.
  auto w = run(two_sites("{name: r, from: nas-a, to: nas-b, mode: backup, interval: 100s, activation: 60s, "
                         "restore: 1GB/s}",
                         "250s"));
  const ReplicationRecord& r = w->replications().front();
  EXPECT_NEAR(r.recovery_point_s, 100.0, 1e-9);
  EXPECT_NEAR(r.rpo_s, 150.0, 1e-9);
  // The copy: the 11 GB filled before the run plus the ~80 writes done by 100 s.
  EXPECT_GE(r.replica_bytes, 11e9 + 78e6);
  EXPECT_LE(r.replica_bytes, 11e9 + 81e6);
  EXPECT_NEAR(r.restore_s, r.replica_bytes / 1e9, 1e-9);
  const Guest& vm = w->guests().front();
  EXPECT_NEAR(vm.back_at_s() - 250.0, 60.0 + r.restore_s + kBoot, 1e-6);
  EXPECT_EQ(vm.host().name(), "b0");
}

TEST(DisasterRecovery, StorageLossAloneMovesRunningGuestsToTheReplica) {
  // Only the NAS fails (the host stays up): its VM, stalled on its disk, is
  // taken down at activation (30 s later) and boots on a host that reaches
  // the replica.
  std::string text = two_sites("{name: r, from: nas-a, to: nas-b, mode: sync, activation: 30s}", "100s");
  text.replace(text.find("crash: site, target: a"), 22, "crash: component, target: nas-a");
  auto w = run(text);
  const Guest& vm = w->guests().front();
  EXPECT_TRUE(w->hosts()[0].up());
  EXPECT_EQ(vm.incidents(), 1);
  EXPECT_NEAR(vm.back_at_s(), 130.0 + kBoot, 1e-9);
  EXPECT_EQ(w->network().node(*vm.disk_node()).name, "nas-b");
}

TEST(DisasterRecovery, BadReplicationsAreRejected) {
  auto error = [](const std::string& text) {
    auto r = sc::load_string(text, "bad.yaml", {});
    return r.ok() ? std::string("loaded") : r.error->format();
  };
  const std::string base = two_sites("{from: nas-a, to: nas-b, mode: async}", "100s");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = base;
    const std::string old = "{from: nas-a, to: nas-b, mode: async}";
    t.replace(t.find(old), old.size(), from + to);
    return t;
  };
  EXPECT_NE(error(with("{from: nas-a, ", "to: nas-a, mode: async}")).find("cannot be its own replica"),
            std::string::npos);
  EXPECT_NE(error(with("{from: sw-a, ", "to: nas-b, mode: async}")).find("replication copies a nas or an array"),
            std::string::npos);
  EXPECT_NE(error(with("{from: nas-x, ", "to: nas-b, mode: async}")).find("did you mean"), std::string::npos);
  EXPECT_NE(error(with("{from: nas-a, ", "to: nas-b, mode: sync, interval: 5s}")).find("applies to mode"),
            std::string::npos);
  std::string site = base;
  site.replace(site.find("target: a}"), 10, "target: c}");
  EXPECT_NE(error(site).find("no host or node has site: c"), std::string::npos);
}

}  // namespace
}  // namespace vzlab::hv
