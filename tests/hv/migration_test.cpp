// Live and cold migration against the pre-copy formulas.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "vzlab/hv/report/run_report.hpp"
#include "vzlab/hv/scenario/scenario.hpp"

namespace vzlab::hv {
namespace {

namespace sc = scenario;

// Two hosts on one 1 Gb/s link (125 MB/s, no latency); a VM of 512 MiB of
// application memory (+ 512 MiB of guest OS: 1 GiB of RAM) that computes
// 100 Gf on a 1 Gf/s core (100 s) and dirties 25 MB/s.
std::string scenario(const std::string& migration) {
  return R"(version: 1
hosts: [{name: h0, speed: 1Gf}, {name: h1, speed: 1Gf}]
network:
  links: [{from: h0, to: h1, bandwidth: 125MB/s}]
guests:
  - {name: vm, host: h0, memory: 512MiB, dirty_rate: 25MB/s, processes: [{steps: [{compute: 100Gf}]}]}
migrations:
  - )" + migration + "\n";
}

struct Result {
  std::unique_ptr<World> world;
  MigrationRecord m;
};

Result run(const std::string& text) {
  auto loaded = sc::load_string(text, "t.yaml", {});
  if (!loaded.ok()) throw std::runtime_error(loaded.error->format());
  CalibrationProfile p;
  p.vm_boot_s = 0;  // the VM computes from t = 0
  Result r{sc::build_world(*loaded.scenario, p), {}};
  r.world->run();
  if (r.world->migrations().size() != 1) throw std::runtime_error("no migration recorded");
  r.m = r.world->migrations().front();
  return r;
}

TEST(Migration, PreCopyFollowsTheGeometricSeries) {
  // Round k sends V_k = M r^k with M = 1 GiB and r = dirty rate / bandwidth
  // = 25/125 = 0.2. It stops once V_k <= bandwidth x downtime target =
  // 125 MB/s x 50 ms = 6.25 MB: V_4 = 1.72 MB is the first, so four
  // pre-copy rounds and V_4 sent while paused.
  const Result r = run(scenario("{at: 10s, guest: vm, to: h1, downtime: 50ms}"));
  const double M = 1073741824.0, B = 125e6, q = 0.2;
  const int n = static_cast<int>(std::ceil(std::log(B * 0.05 / M) / std::log(q)));  // first k with V_k <= B d
  ASSERT_EQ(n, 4);
  EXPECT_EQ(r.m.outcome, "done");
  EXPECT_EQ(r.m.rounds, n + 1);
  const double total_bytes = M * (1 - std::pow(q, n + 1)) / (1 - q);
  EXPECT_NEAR(r.m.bytes_sent, total_bytes, 1e-6 * total_bytes);
  EXPECT_NEAR(r.m.total_s, total_bytes / B, 1e-9);
  EXPECT_NEAR(r.m.downtime_s, M * std::pow(q, n) / B, 1e-9);
  // The VM moved, and its work waited only for the downtime: 100 s + 13.7 ms.
  const Guest& vm = r.world->guests().front();
  EXPECT_EQ(vm.host().name(), "h1");
  EXPECT_NEAR(vm.finished_at_s(), 100.0 + r.m.downtime_s, 1e-9);
}

TEST(Migration, RoundsAreCappedWhenTheDirtyRateIsTooHigh) {
  // Dirtying 150 MB/s on a 125 MB/s link never converges (r = 1.2 > 1, and
  // a round never sends more than the RAM): after 5 rounds it stops and
  // copies the whole RAM again while paused.
  std::string text = scenario("{at: 10s, guest: vm, to: h1, rounds: 5}");
  text.replace(text.find("dirty_rate: 25MB/s"), std::string("dirty_rate: 25MB/s").size(), "dirty_rate: 150MB/s");
  const Result r = run(text);
  const double M = 1073741824.0, B = 125e6;
  EXPECT_EQ(r.m.rounds, 6);
  EXPECT_NEAR(r.m.bytes_sent, 6 * M, 1e-3);
  EXPECT_NEAR(r.m.downtime_s, M / B, 1e-9);
}

TEST(Migration, ColdMigrationPausesForTheWholeCopy) {
  const Result r = run(scenario("{at: 10s, guest: vm, to: h1, kind: cold}"));
  const double M = 1073741824.0, B = 125e6;
  EXPECT_EQ(r.m.rounds, 1);
  EXPECT_NEAR(r.m.downtime_s, M / B, 1e-9);
  EXPECT_NEAR(r.m.total_s, M / B, 1e-9);
  EXPECT_NEAR(r.world->guests().front().finished_at_s(), 100.0 + M / B, 1e-9);
}

TEST(Migration, TheCopyCompetesWithOtherTraffic) {
  // A second VM on h0 sends 1 GB to h1 from t = 10 s: the link is shared
  // 50/50 while both flows run, so the first round takes longer than
  // M / B and the migration sends more than without the traffic.
  std::string text = scenario("{at: 10s, guest: vm, to: h1, downtime: 50ms}");
  text.insert(text.find("migrations:"),
              "  - {name: other, host: h0, start: 10s, processes: [{steps: [{send: 1GB, to: h1}]}]}\n");
  const Result busy = run(text);
  const Result quiet = run(scenario("{at: 10s, guest: vm, to: h1, downtime: 50ms}"));
  EXPECT_GT(busy.m.total_s, quiet.m.total_s * 1.5);
  EXPECT_GT(busy.m.bytes_sent, quiet.m.bytes_sent);
}

TEST(Migration, TraceSlicesSitOnTheHostWhereTheyRan) {
  // The VM runs 1 Gf tasks one after the other at 1 Gf/s from t = 0 (tasks
  // start at 0, 1, ..., 10 s on h0); cold migration at 10.5 s pauses it while
  // its 1 GiB goes at 125 MB/s (8.59 s), then it goes on at h1: the task begun
  // at 10 s ends there at 19.59 s, and the other 89 of its 100 tasks run on h1.
  // By the trace: 11 slices in h0's process (pid 1), 89 in h1's (pid 2).
  auto loaded = sc::load_string(R"(version: 1
hosts: [{name: h0, speed: 1Gf}, {name: h1, speed: 1Gf}]
network:
  links: [{from: h0, to: h1, bandwidth: 125MB/s}]
guests:
  - {name: vm, host: h0, memory: 512MiB, processes: [{repeat: 100, steps: [{compute: 1Gf}]}]}
migrations:
  - {at: 10.5s, guest: vm, to: h1, kind: cold}
)", "t.yaml", {});
  ASSERT_TRUE(loaded.ok()) << loaded.error->format();
  CalibrationProfile p;
  p.vm_boot_s = 0;
  auto world = sc::build_world(*loaded.scenario, p);
  report::RunRecorder rec(*world, {.keep_slices = true});
  world->run();
  world->finish();
  const auto trace = nlohmann::json::parse(report::chrome_trace(rec.report({})));
  int on_h0 = 0, on_h1 = 0;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] != "X") continue;
    (e["pid"] == 1 ? on_h0 : on_h1) += 1;
    if (e["pid"] == 1) {
      EXPECT_LE(e["ts"].get<double>(), 10e6 + 1) << e.dump();
    }
  }
  EXPECT_EQ(on_h0, 11);
  EXPECT_EQ(on_h1, 89);
}

}  // namespace
}  // namespace vzlab::hv
