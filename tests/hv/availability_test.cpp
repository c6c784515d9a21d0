// Failures, repairs and high availability against theory and hand
// computations.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "vzlab/hv/energy.hpp"
#include "vzlab/hv/report/run_report.hpp"
#include "vzlab/hv/scenario/scenario.hpp"

namespace vzlab::hv {
namespace {

namespace sc = scenario;

std::unique_ptr<World> run(const std::string& text, std::optional<std::uint64_t> seed = std::nullopt) {
  auto loaded = sc::load_string(text, "t.yaml", {seed});
  if (!loaded.ok()) throw std::runtime_error(loaded.error->format());
  auto world = sc::build_world(*loaded.scenario);
  world->run(loaded.scenario->until_s.value_or(engine::Engine::kForever));
  world->finish();
  return world;
}

const Guest& guest(const World& w, const std::string& name) {
  for (const Guest& g : w.guests())
    if (g.name() == name) return g;
  throw std::runtime_error("no guest " + name);
}

// Mean of `seeds` runs of `availability(seed)` and its standard error.
template <class F>
std::pair<double, double> mean_and_se(int seeds, F&& availability) {
  std::vector<double> a;
  for (int seed = 1; seed <= seeds; ++seed) a.push_back(availability(static_cast<std::uint64_t>(seed)));
  double mean = 0, var = 0;
  for (double x : a) mean += x / a.size();
  for (double x : a) var += (x - mean) * (x - mean) / (a.size() - 1);
  return {mean, std::sqrt(var / a.size())};
}

TEST(Availability, RepairableHostMatchesMtbfOverMtbfPlusMttr) {
  // Exponential time to failure (mean 10 h) and to repair (mean 1 h): the
  // long-run availability is MTBF / (MTBF + MTTR) = 10/11. 30 replications
  // of 2,000 h (about 180 cycles each): the mean must be within three
  // standard errors of the theory.
  const std::string text = R"(version: 1
until: 2000h
hosts: [{name: h, speed: 1Gf, mtbf: {dist: exponential, mean: 10h}, mttr: {dist: exponential, mean: 1h}}]
)";
  const auto [mean, se] = mean_and_se(30, [&](std::uint64_t seed) {
    auto w = run(text, seed);
    const Host& h = w->hosts().front();
    EXPECT_GT(h.failures(), 100);
    return 1.0 - h.downtime_s(w->engine().now()) / w->engine().now();
  });
  EXPECT_NEAR(mean, 10.0 / 11.0, 3 * se) << "mean " << mean << " se " << se;
  EXPECT_LT(se, 0.005);
}

// h0 and h1 in one group on a LAN with a NAS; h0 also has a DAS. The VMs
// boot in 20 s and then compute 1000 Gf on a 1 Gf/s core (1000 s).
const std::string kPair = R"(version: 1
hosts:
  - {name: h0, group: pool, speed: 1Gf}
  - {name: h1, group: pool, speed: 1Gf}
network:
  shapes: [{shape: star, name: lan, bandwidth: 10Gb/s}]
  nodes:
    - {name: nas, kind: nas}
    - {name: das0, kind: das, host: h0}
  links: [{from: nas, to: lan, bandwidth: 10Gb/s}]
ha: {heartbeat: 1s, misses: 3}
guests:
  - {name: vm-nas, host: h0, disk: nas, processes: [{steps: [{compute: 1000Gf}]}]}
  - {name: vm-das, host: h0, disk: das0, processes: [{steps: [{compute: 1000Gf}]}]}
failures:
  - {at: 50.5s, crash: host, target: h0, repair: 100s}
)";

TEST(Availability, SharedStorageVmsRestartElsewhereDasVmsWaitForTheRepair) {
  auto w = run(kPair);
  // The manager notices at the third missed heartbeat: 50 + 3 = 53 s. The
  // NAS-backed VM restarts on h1 then, boots until 73 s (down 22.5 s) and
  // does its 1000 s of work again: done at 1073 s.
  const Guest& nas = guest(*w, "vm-nas");
  EXPECT_DOUBLE_EQ(w->detection_time(50.5), 53.0);
  EXPECT_EQ(nas.host().name(), "h1");
  EXPECT_EQ(nas.incidents(), 1);
  EXPECT_EQ(nas.restarts(), 1);
  EXPECT_NEAR(nas.downtime_s(w->engine().now()), 22.5, 1e-9);
  EXPECT_NEAR(nas.finished_at_s(), 1073.0, 1e-9);
  // The DAS-backed VM cannot leave h0: it restarts there at the repair
  // (150.5 s), boots until 170.5 s (down 120 s): done at 1170.5 s.
  const Guest& das = guest(*w, "vm-das");
  EXPECT_EQ(das.host().name(), "h0");
  EXPECT_NEAR(das.downtime_s(w->engine().now()), 120.0, 1e-9);
  EXPECT_NEAR(das.finished_at_s(), 1170.5, 1e-9);
  const Host& h0 = w->hosts().front();
  EXPECT_EQ(h0.failures(), 1);
  EXPECT_NEAR(h0.downtime_s(w->engine().now()), 100.0, 1e-9);
}

TEST(Availability, WithoutHaEveryoneWaitsForTheRepair) {
  std::string text = kPair;
  text.replace(text.find("ha: {heartbeat: 1s, misses: 3}\n"), std::string("ha: {heartbeat: 1s, misses: 3}\n").size(), "");
  auto w = run(text);
  for (const char* name : {"vm-nas", "vm-das"}) {
    EXPECT_EQ(guest(*w, name).host().name(), "h0") << name;
    EXPECT_NEAR(guest(*w, name).downtime_s(w->engine().now()), 120.0, 1e-9) << name;
  }
}

TEST(Availability, WithoutARepairTheHostsGuestsStayDown) {
  std::string text = kPair;
  text.replace(text.find(", repair: 100s"), std::string(", repair: 100s").size(), "");
  auto w = run(text);
  EXPECT_NEAR(guest(*w, "vm-nas").finished_at_s(), 1073.0, 1e-9);
  EXPECT_LT(guest(*w, "vm-das").finished_at_s(), 0.0);
  EXPECT_DOUBLE_EQ(guest(*w, "vm-das").down_at_s(), 50.5);
}

// The NAS fails at 40 s (repaired at 260 s), before h0 crashes at 50.5 s
// (repaired at 150.5 s): vm-nas hangs on its lost disk from 40 s, and goes
// down with its host.
std::string nas_down_across_the_host_repair(bool ha) {
  std::string text = kPair;
  text += "  - {at: 40s, crash: component, target: nas, repair: 220s}\n";
  if (!ha) text.replace(text.find("ha: {heartbeat: 1s, misses: 3}\n"), std::string("ha: {heartbeat: 1s, misses: 3}\n").size(), "");
  return text;
}

TEST(Availability, AVmWhoseStorageIsStillDownAtTheHostRepairStartsWhenTheStorageReturns) {
  // Without HA it waits for h0. At h0's repair (150.5 s) its disk is still
  // unreachable; at 260 s the NAS is back and it boots on h0 until 280 s:
  // down from 40 s to 280 s (240 s, one incident). vm-das runs on h0's one
  // core from 170.5 s: alone until 280 s (109.5 Gf), then both at 0.5 Gf/s
  // until vm-das ends at 280 + 2 x 890.5 = 2061 s; vm-nas's last 109.5 Gf
  // alone: done at 2170.5 s.
  auto w = run(nas_down_across_the_host_repair(false));
  const Guest& g = guest(*w, "vm-nas");
  EXPECT_EQ(g.host().name(), "h0");
  EXPECT_EQ(g.incidents(), 1);
  EXPECT_NEAR(g.downtime_s(w->engine().now()), 240.0, 1e-9);
  EXPECT_NEAR(g.finished_at_s(), 2170.5, 1e-9);
}

TEST(Availability, WithHaAVmWaitingForItsStorageStartsWhenTheStorageReturns) {
  // With HA the manager finds no host that reaches the NAS at 53 s, nor does
  // h0's repair at 150.5 s help; the NAS returns at 260 s and the VM boots on
  // its own host h0 (the first that takes it) until 280 s: the same 240 s
  // down, the same finish as without HA.
  auto w = run(nas_down_across_the_host_repair(true));
  const Guest& g = guest(*w, "vm-nas");
  EXPECT_EQ(g.host().name(), "h0");
  EXPECT_NEAR(g.downtime_s(w->engine().now()), 240.0, 1e-9);
  EXPECT_NEAR(g.finished_at_s(), 2170.5, 1e-9);
}

TEST(Availability, AHostCrashDuringARestartedVmsBootTakesItDownAgain) {
  // vm-nas restarts on h1 at 53 s and boots until 73 s; h1 crashes at 60 s
  // (repaired at 160 s). The boot is lost: the manager notices at 63 s, finds
  // no host up (h0 is down until 150.5 s), and at h0's repair the VM boots
  // there until 170.5 s, beside vm-das. One outage, from 50.5 s to 170.5 s
  // (120 s); the two share h0's one core: done at 170.5 + 2000 = 2170.5 s.
  std::string text = kPair;
  text += "  - {at: 60s, crash: host, target: h1, repair: 100s}\n";
  auto w = run(text);
  const Guest& g = guest(*w, "vm-nas");
  EXPECT_EQ(g.host().name(), "h0");
  EXPECT_EQ(g.incidents(), 1);
  EXPECT_EQ(g.restarts(), 2);
  EXPECT_NEAR(g.downtime_s(w->engine().now()), 120.0, 1e-9);
  EXPECT_NEAR(g.finished_at_s(), 2170.5, 1e-9);
}

TEST(Availability, AVmThatNeedsItsHostAndItsStorageIsUpTheProductOfTheirAvailabilities) {
  // Host: exponential MTBF 10 h, MTTR 1 h (A_h = 10/11); its NAS, on its own:
  // MTBF 20 h, MTTR 2 h (A_s = 10/11). The VM runs when both are up
  // (independent failures): A = A_h x A_s = 100/121, less a 20 s boot after
  // each host repair (about 0.05 %, well inside the bound). 30 replications
  // of 2,000 h: the mean within three standard errors.
  const std::string text = R"(version: 1
until: 2000h
hosts: [{name: h, speed: 1Gf, mtbf: {dist: exponential, mean: 10h}, mttr: {dist: exponential, mean: 1h}}]
network:
  sample: 1h
  nodes: [{name: nas, kind: nas, mtbf: {dist: exponential, mean: 20h}, mttr: {dist: exponential, mean: 2h}}]
  links: [{from: nas, to: h, bandwidth: 10Gb/s}]
guests: [{name: vm, host: h, disk: nas, processes: [{steps: [{compute: 1e30f}]}]}]
)";
  const auto [mean, se] = mean_and_se(30, [&](std::uint64_t seed) {
    auto w = run(text, seed);
    const Guest& g = guest(*w, "vm");
    EXPECT_GT(g.incidents(), 100);
    return 1.0 - g.downtime_s(w->engine().now()) / w->engine().now();
  });
  EXPECT_NEAR(mean, 100.0 / 121.0, 3 * se) << "mean " << mean << " se " << se;
  EXPECT_LT(se, 0.01);
}

TEST(Availability, AMillionHourStudyWithANetworkKeepsItsSamplesBounded) {
  // 10^6 simulated hours sampled every second would be 3.6e9 samples; they
  // merge instead, so their number stays at most max_samples() and the
  // interval grows. The availability is still A_h x A_s = (100/101) x
  // (50/51) = 0.97068 (MTBF 1000 h / MTTR 10 h, MTBF 500 h / MTTR 10 h), within
  // 3 % over ~3000 cycles (the 20 s boots add 6e-6).
  const std::string text = R"(version: 1
until: 1000000h
hosts: [{name: h, speed: 1Gf, mtbf: {dist: exponential, mean: 1000h}, mttr: {dist: exponential, mean: 10h}}]
network:
  nodes: [{name: nas, kind: nas, mtbf: {dist: exponential, mean: 500h}, mttr: {dist: exponential, mean: 10h}}]
  links: [{from: nas, to: h, bandwidth: 10Gb/s}]
guests: [{name: vm, host: h, disk: nas, processes: [{steps: [{compute: 1e30f}]}]}]
)";
  auto w = run(text, 7);
  const Network& net = *w->network_if_any();
  EXPECT_LE(net.samples().size(), net.max_samples());
  EXPECT_GE(net.samples().size(), net.max_samples() / 2);
  EXPECT_GT(net.sample_interval_s(), 1000.0);
  double span = 0;
  for (const auto& s : net.samples()) span += s.span_s;
  EXPECT_NEAR(span, 3.6e9, net.sample_interval_s() * 2);  // the samples still cover the whole run
  const Guest& g = guest(*w, "vm");
  const double a = 1.0 - g.downtime_s(w->engine().now()) / w->engine().now();
  EXPECT_NEAR(a, (100.0 / 101.0) * (50.0 / 51.0), 0.03 * (1 - (100.0 / 101.0) * (50.0 / 51.0)) + 0.002);
}

TEST(Availability, TheReportTellsDowntimeAndNines) {
  auto loaded = sc::load_string(kPair, "t.yaml", {});
  ASSERT_TRUE(loaded.ok());
  auto w = sc::build_world(*loaded.scenario);
  report::RunRecorder rec(*w, {});
  w->run();
  w->finish();
  const report::RunReport r = rec.report({});
  const std::string text = report::format_table(r);
  EXPECT_NE(text.find("Availability over the 1170.5 s of the run"), std::string::npos) << text;
  // vm-das: 120 s down of 1170.5 s: 1 - 0.1025203 = 89.7480 %, nines -log10(0.1025203) = 0.99.
  EXPECT_NE(text.find("89.7480 %"), std::string::npos) << text;
  EXPECT_NE(text.find("0.99"), std::string::npos) << text;
}

}  // namespace
}  // namespace vzlab::hv

namespace vzlab::hv {
namespace {

TEST(LoadBalancing, TheShippedScenarioShowsThePolicies) {
  auto loaded = scenario::load_file(std::string(VZLAB_SOURCE_DIR) + "/scenarios/load-balancing.yaml", {});
  ASSERT_TRUE(loaded.ok()) << loaded.error->format();
  auto w = scenario::build_world(*loaded.scenario);
  report::RunRecorder rec(*w, {});
  w->run(*loaded.scenario->until_s);
  w->finish();
  const report::RunReport r = rec.report({});
  ASSERT_EQ(r.services.size(), 4u);
  auto find = [&](const std::string& name) {
    for (const auto& s : r.services)
      if (s.name == name) return s;
    throw std::runtime_error(name);
  };
  for (const auto& s : r.services) {
    // Poisson arrivals at 100/s from 30 s to 1800 s: 177,000 +/- 4 standard deviations (sqrt = 421).
    EXPECT_NEAR(static_cast<double>(s.arrived), 177000.0, 4 * 421.0) << s.name;
    // Every request completed, was dropped, failed, or was still queued or
    // in service at the end (at most 3 replicas x (500 queued + 1)).
    const auto accounted = s.completed + s.dropped + s.failed;
    EXPECT_LE(accounted, s.arrived) << s.name;
    EXPECT_LE(s.arrived - accounted, 3u * 501u) << s.name;
    // The dead replica was busy less than the survivors.
    EXPECT_LT(s.utilization[0].second, s.utilization[1].second) << s.name;
  }
  // Least connections sends everything to the replica that died (it looks
  // idle) until the health check: the most failures; in normal times it
  // answers fastest.
  EXPECT_GT(find("least-conn").failed, find("round-robin").failed);
  EXPECT_GT(find("least-conn").failed, find("random").failed);
  EXPECT_LT(find("least-conn").p50_s, find("random").p50_s);
  EXPECT_LT(find("least-conn").p50_s, find("round-robin").p50_s);
  // SLA of 250 ms: every dropped or failed request misses it, and so do the
  // slow ones; joining the shortest queue misses it least.
  for (const auto& s : r.services) {
    EXPECT_DOUBLE_EQ(s.sla_s, 0.25);
    EXPECT_GE(s.sla_violations, s.dropped + s.failed) << s.name;
    EXPECT_LE(s.sla_violations, s.arrived) << s.name;
  }
  EXPECT_LT(find("least-conn").sla_violations, find("random").sla_violations);
}

}  // namespace
}  // namespace vzlab::hv

namespace vzlab::hv {
namespace {

TEST(AntiAffinity, ReplicasArePlacedOnSeparateHosts) {
  // First-fit would put all three on h0; anti-affinity spreads them.
  auto loaded = scenario::load_string(R"(version: 1
hosts: [{name: "h{i}", count: 3, group: pool, speed: 1Gf}]
guests:
  - {name: "web-{i}", count: 3, pool: pool, anti_affinity: web, processes: [{steps: [{compute: 1Gf}]}]}
  - {name: "db-{i}", count: 2, pool: pool, processes: [{steps: [{compute: 1Gf}]}]}
)", "t.yaml", {});
  ASSERT_TRUE(loaded.ok()) << loaded.error->format();
  auto w = scenario::build_world(*loaded.scenario);
  EXPECT_EQ(guest(*w, "web-0").host().name(), "h0");
  EXPECT_EQ(guest(*w, "web-1").host().name(), "h1");
  EXPECT_EQ(guest(*w, "web-2").host().name(), "h2");
  EXPECT_EQ(guest(*w, "db-1").host().name(), "h0");  // no label: first fit
}

TEST(AntiAffinity, HaDoesNotRestartAReplicaNextToAnother) {
  // Two hosts, one replica each on shared storage: when h0 dies, h1 already
  // holds a replica, so web-0 waits for h0's repair (50.5 + 100 s, then a
  // 20 s boot: down 120 s) instead of restarting on h1 after 3 heartbeats.
  std::string text = R"(version: 1
hosts: [{name: h0, group: pool, speed: 1Gf}, {name: h1, group: pool, speed: 1Gf}]
network:
  shapes: [{shape: star, name: lan, bandwidth: 10Gb/s}]
  nodes: [{name: nas, kind: nas}]
  links: [{from: nas, to: lan, bandwidth: 10Gb/s}]
ha: {heartbeat: 1s, misses: 3}
guests:
  - {name: "web-{i}", count: 2, host: "h{i}", disk: nas, anti_affinity: web, processes: [{steps: [{compute: 1000Gf}]}]}
failures:
  - {at: 50.5s, crash: host, target: h0, repair: 100s}
)";
  auto w = run(text);
  EXPECT_EQ(guest(*w, "web-0").host().name(), "h0");
  EXPECT_NEAR(guest(*w, "web-0").downtime_s(w->engine().now()), 120.0, 1e-9);
  // Without the label it restarts on h1 after detection (53 s) and a boot.
  text.replace(text.find(", anti_affinity: web"), std::string(", anti_affinity: web").size(), "");
  auto free = run(text);
  EXPECT_EQ(guest(*free, "web-0").host().name(), "h1");
  EXPECT_NEAR(guest(*free, "web-0").downtime_s(free->engine().now()), 22.5, 1e-9);
}

}  // namespace
}  // namespace vzlab::hv

namespace vzlab::hv {
namespace {

std::unique_ptr<World> run_instant(const std::string& text) {
  auto loaded = scenario::load_string(text, "t.yaml", {});
  if (!loaded.ok()) throw std::runtime_error(loaded.error->format());
  CalibrationProfile p;
  p.vm_boot_s = 0;
  auto w = scenario::build_world(*loaded.scenario, p);
  w->run(loaded.scenario->until_s.value_or(engine::Engine::kForever));
  w->finish();
  return w;
}

TEST(PoolManager, MovesAVmOffABusyHostOnce) {
  // Three VMs of 100 Gf on h0 (2 cores of 1 Gf/s: 2/3 Gf/s each), h1 empty.
  // At 10 s h0 is 100 % busy: vm-0 moves live to h1 (768 MiB of RAM over
  // 10 Gb/s plus two 50 us hops, no dirtying: no pause). Then each runs at
  // 1 Gf/s. At 20 s moving another would make h1 100 % busy: it stays.
  const auto w = run_instant(R"(version: 1
hosts: [{name: h0, group: pool, cores: 2, speed: 1Gf}, {name: h1, group: pool, cores: 2, speed: 1Gf}]
network: {shapes: [{shape: star, name: lan, bandwidth: 10Gb/s}]}
manager: {interval: 10s, hot: 0.85, power_off_idle: false}
guests: [{name: "vm-{i}", count: 3, host: h0, processes: [{steps: [{compute: 100Gf}]}]}]
)");
  ASSERT_EQ(w->migrations().size(), 1u);
  EXPECT_EQ(w->migrations()[0].guest, 0u);
  EXPECT_DOUBLE_EQ(w->migrations()[0].started_s, 10.0);
  const double moved = 10.0 + 805306368.0 / 1.25e9 + 2 * 50e-6;
  const double end = moved + (100.0 - moved * 2.0 / 3.0);
  for (const Guest& g : w->guests()) EXPECT_NEAR(g.finished_at_s(), end, 1e-6) << g.name();
  EXPECT_EQ(guest(*w, "vm-0").host().name(), "h1");
}

TEST(PoolManager, SwitchesOffAnEmptyHost) {
  // vm-a ends at 50 s on h0; the manager's tick at 50 s still sees it (a tick
  // comes before the events due then), so h0 is off from 60 s: 60 s of idle
  // power (100 W) plus 50 s of work at (250 - 100) W = 13,500 J, against
  // 17,500 J when it stays on.
  const std::string text = R"(version: 1
until: 100s
hosts: [{name: h0, group: pool, speed: 1Gf}, {name: h1, group: pool, speed: 1Gf}]
manager: {interval: 10s, rebalance: false}
guests:
  - {name: vm-a, host: h0, processes: [{steps: [{compute: 50Gf}]}]}
  - {name: vm-b, host: h1, processes: [{steps: [{compute: 100Gf}]}]}
)";
  const auto w = run_instant(text);
  EXPECT_NEAR(hosts_energy_J(*w)[0], 13500.0, 1e-6);  // the run ends at 100 s
  EXPECT_NEAR(w->hosts()[0].off_time_s(100.0), 40.0, 1e-9);
  EXPECT_FALSE(w->hosts()[1].powered_off());
  std::string on = text;
  on.replace(on.find("manager: {interval: 10s, rebalance: false}\n"),
             std::string("manager: {interval: 10s, rebalance: false}\n").size(), "");
  EXPECT_NEAR(hosts_energy_J(*run_instant(on))[0], 17500.0, 1e-6);
}

}  // namespace
}  // namespace vzlab::hv

namespace vzlab::hv {
namespace {

TEST(Availability, AManagerThatIsDownRestartsNothing) {
  // The cluster manager runs on h2, which dies at 40 s and is back at 200 s.
  // h0 dies at 50.5 s: nobody notices until the manager is back and misses
  // three heartbeats (203 s); vm-nas restarts on h1 then and boots until
  // 223 s: down 172.5 s instead of 22.5 s.
  const auto w = run(R"(version: 1
hosts:
  - {name: h0, group: pool, speed: 1Gf}
  - {name: h1, group: pool, speed: 1Gf}
  - {name: h2, group: mgmt, speed: 1Gf}
network:
  shapes: [{shape: star, name: lan, bandwidth: 10Gb/s}]
  nodes: [{name: nas, kind: nas}]
  links: [{from: nas, to: lan, bandwidth: 10Gb/s}]
ha: {heartbeat: 1s, misses: 3, manager: h2}
guests:
  - {name: vm-nas, host: h0, disk: nas, processes: [{steps: [{compute: 1000Gf}]}]}
failures:
  - {at: 40s, crash: host, target: h2, repair: 160s}
  - {at: 50.5s, crash: host, target: h0, repair: 1000s}
)");
  const Guest& g = guest(*w, "vm-nas");
  EXPECT_EQ(g.host().name(), "h1");
  EXPECT_NEAR(g.downtime_s(w->engine().now()), 172.5, 1e-9);
}

// Mean and standard error of a sample.
std::pair<double, double> mean_se(const std::vector<double>& a) {
  double mean = 0, var = 0;
  for (double x : a) mean += x / a.size();
  for (double x : a) var += (x - mean) * (x - mean) / (a.size() - 1);
  return {mean, std::sqrt(var / a.size())};
}

TEST(Availability, ARepairableLinkIsUpMtbfOverMtbfPlusMttr) {
  // A link failing after exponential times (mean 5 h) and repaired after
  // exponential times (mean 1 h) is up 5/6 of the time in the long run; 300
  // replications of 1,000 h, the mean within three standard errors.
  const std::string text = R"(version: 1
until: 1000h
hosts: [{name: h0, speed: 1Gf}, {name: h1, speed: 1Gf}]
network:
  sample: 1h
  nodes: [{name: sw, kind: switch}]
  links:
    - {from: h0, to: sw, bandwidth: 1Gb/s, mtbf: {dist: exponential, mean: 5h}, mttr: {dist: exponential, mean: 1h}}
    - {from: h1, to: sw, bandwidth: 1Gb/s}
)";
  std::vector<double> up;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    auto loaded = sc::load_string(text, "t.yaml", {seed});
    ASSERT_TRUE(loaded.ok()) << loaded.error->format();
    auto w = sc::build_world(*loaded.scenario);
    auto& ev = w->engine().events();
    const std::uint32_t down = ev.kind("component.down"), back = ev.kind("component.up");
    double down_since = 0, down_s = 0;
    int failures = 0;
    ev.subscribe([&](const engine::StreamEvent& e) {
      if (e.kind == down) down_since = e.time_s, ++failures;
      if (e.kind == back) down_s += e.time_s - down_since;
    });
    w->run(*loaded.scenario->until_s);
    if (!w->network().link_up(0)) down_s += w->engine().now() - down_since;  // still down at the end
    EXPECT_GT(failures, 100);
    up.push_back(1.0 - down_s / w->engine().now());
  }
  const auto [mean, se] = mean_se(up);
  EXPECT_NEAR(mean, 5.0 / 6.0, 3 * se) << "mean " << mean << " se " << se;
  EXPECT_LT(se, 0.01);
}

TEST(Availability, AGuestThatCrashesAtRandomRestartsOnItsHost) {
  // A native process (it starts in 10 ms) crashing after exponential times
  // (mean 2 h), back after 30 min plus its start: available
  // 2 / (2 + 0.5 + 10 ms) of the time; 30 replications of 1,000 h.
  const std::string text = R"(version: 1
until: 1000h
hosts: [{name: h0, speed: 1Gf}]
guests:
  - {name: app, host: h0, mode: native, mtbf: {dist: exponential, mean: 2h}, mttr: 30min,
     processes: [{repeat: 100000000, steps: [{sleep: 10min}]}]}
)";
  std::vector<double> a;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    auto w = run(text, seed);
    const Guest& g = guest(*w, "app");
    EXPECT_GT(g.incidents(), 300);
    EXPECT_EQ(g.restarts(), g.incidents() - (g.down_at_s() >= 0 ? 1 : 0));
    a.push_back(1.0 - g.downtime_s(w->engine().now()) / w->engine().now());
  }
  const auto [mean, se] = mean_se(a);
  EXPECT_NEAR(mean, 2.0 / (2.5 + 0.01 / 3600), 3 * se) << "mean " << mean << " se " << se;
}

TEST(Availability, ALostDiskCountsAsDowntimeUnlessAnotherPathRemains) {
  // The NAS is down from 100 s to 160 s: its VM hangs for those 60 s (one
  // incident); the VM on its host's own disk does not notice. A SAN fabric
  // failing leaves the other fabric: its VM keeps a path and is not down.
  const auto w = run(R"(version: 1
until: 300s
hosts: [{name: h0, group: g, speed: 1Gf}]
network:
  shapes:
    - {shape: star, name: lan, bandwidth: 10Gb/s}
    - {shape: dual-fabric-san, name: san, hosts: g}
  nodes: [{name: nas, kind: nas}]
  links: [{from: nas, to: lan, bandwidth: 10Gb/s}]
guests:
  - {name: vm-nas, host: h0, disk: nas, processes: [{repeat: 1000, steps: [{io: {ops: 1, size: 4KiB}}, {sleep: 1s}]}]}
  - {name: vm-san, host: h0, disk: san, processes: [{repeat: 1000, steps: [{io: {ops: 1, size: 4KiB}}, {sleep: 1s}]}]}
  - {name: vm-local, host: h0, processes: [{repeat: 1000, steps: [{io: {ops: 1, size: 4KiB}}, {sleep: 1s}]}]}
failures:
  - {at: 100s, crash: component, target: nas, repair: 60s}
  - {at: 100s, crash: component, target: san-fabric-a, repair: 60s}
)");
  const Guest& nas = guest(*w, "vm-nas");
  EXPECT_EQ(nas.incidents(), 1);
  EXPECT_NEAR(nas.downtime_s(w->engine().now()), 60.0, 1e-9);
  EXPECT_NEAR(nas.back_at_s(), 160.0, 1e-9);
  for (const char* name : {"vm-san", "vm-local"}) {
    EXPECT_EQ(guest(*w, name).incidents(), 0) << name;
    EXPECT_EQ(guest(*w, name).downtime_s(w->engine().now()), 0.0) << name;
  }
}

TEST(Availability, AHypervisorThatFailsAtRandomRebootsItsVms) {
  // Only the hypervisor fails (exponential, mean 2 h up; 30 min to bring
  // it back); then the VM boots again on the same host (20 s). Each cycle
  // the VM is up for the drawn time minus its boot: available
  // (2 h - 20 s) / (2 h + 30 min); the host itself never counts as failed.
  const std::string text = R"(version: 1
until: 2000h
hosts:
  - {name: h0, speed: 1Gf, fault: hypervisor, mtbf: {dist: exponential, mean: 2h}, mttr: 30min}
guests:
  - {name: vm, host: h0, processes: [{repeat: 100000000, steps: [{sleep: 10min}]}]}
)";
  std::vector<double> a;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    auto w = run(text, seed);
    const Guest& g = guest(*w, "vm");
    EXPECT_GT(g.incidents(), 500);
    EXPECT_EQ(w->hosts().front().failures(), 0);
    a.push_back(1.0 - g.downtime_s(w->engine().now()) / w->engine().now());
  }
  const auto [mean, se] = mean_se(a);
  EXPECT_NEAR(mean, (7200.0 - 20.0) / 9000.0, 3 * se) << "mean " << mean << " se " << se;
  // A type-1 host has no host OS to fail.
  auto bad = sc::load_string("version: 1\nuntil: 1h\nhosts: [{name: h0, speed: 1Gf, fault: host-os, mtbf: 1h, mttr: 1h}]\n",
                             "bad.yaml", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error->message.find("no host OS"), std::string::npos) << bad.error->format();
}

}  // namespace
}  // namespace vzlab::hv
