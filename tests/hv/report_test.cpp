// Reports built from the event stream, against hand-computed values.
#include "vzlab/hv/report/run_report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "vzlab/hv/energy.hpp"

namespace vzlab::hv::report {
namespace {

// Host "a" (2 cores, 1e9, group g1) runs VM x: one 2e9 task, then sleeps 1 s,
// then one 1e9 task -> ends at 2 + 1 + 1 = 4 s. Host "b" (1 core, group g2)
// runs native n: one 1e9 task -> ends at 1 s. Simulated time: 4 s.
struct Fixture {
  World world;
  Fixture() {
    Host& a = world.add_host({"a", 2, 1e9, "g1"});
    Host& b = world.add_host({"b", 1, 1e9, "g2"});
    Guest& x = world.add_guest({"x", GuestMode::kFull, 1, engine::Variable::kNoBound, 1.0}, a);
    Guest& n = world.add_guest({"n", GuestMode::kNative, 1, engine::Variable::kNoBound, 1.0}, b);
    world.start_process(x, {"p", {{Step::Kind::kCompute, 2e9}, {Step::Kind::kSleep, 1.0}, {Step::Kind::kCompute, 1e9}}, 1, 0.0});
    world.start_process(n, {"q", {{Step::Kind::kCompute, 1e9}}, 1, 0.0});
  }
};

TEST(Report, UtilizationAndFinishTimes) {
  Fixture f;
  RunRecorder rec(f.world, {.keep_slices = true});
  f.world.run();
  f.world.finish();
  const RunReport r = rec.report({"demo", "demo.yaml", "", 3, std::nullopt, 0.0});
  EXPECT_DOUBLE_EQ(r.simulated_s, 4.0);
  ASSERT_TRUE(r.makespan_s);
  EXPECT_DOUBLE_EQ(*r.makespan_s, 4.0);
  ASSERT_EQ(r.hosts.size(), 2u);
  // a: 3e9 flops / (2 x 1e9 x 4 s) = 0.375; b: 1e9 / (1e9 x 4 s) = 0.25.
  EXPECT_NEAR(r.hosts[0].utilization, 0.375, 1e-12);
  EXPECT_NEAR(r.hosts[1].utilization, 0.25, 1e-12);
  ASSERT_EQ(r.guests.size(), 2u);
  EXPECT_EQ(r.guests[0].tasks_completed, 2u);
  EXPECT_DOUBLE_EQ(*r.guests[0].finished_at_s, 4.0);
  EXPECT_DOUBLE_EQ(*r.guests[1].finished_at_s, 1.0);
  ASSERT_EQ(r.groups.size(), 2u);
  EXPECT_EQ(r.groups[0].name, "g1");
  EXPECT_NEAR(r.groups[0].mean_utilization, 0.375, 1e-12);
  // Three tasks: x [0,2], x [3,4], n [0,1].
  ASSERT_EQ(r.slices.size(), 3u);
  EXPECT_EQ(r.unfinished_guests, 0u);
}

TEST(Report, EnergySpaceAndMachinesToManage) {
  // Host a: idle 100 W, peak 250 W (defaults), 2 cores x 1e9, 3e9 flops done
  // in 4 s: 100 x 4 + 150 x 3e9 / 2e9 = 625 J. Group g1: 1 host + 1 VM = 2
  // OS instances; g2: a host with a native guest = 1.
  Fixture f;
  RunRecorder rec(f.world, {});
  f.world.run();
  f.world.finish();
  const RunReport r = rec.report({"demo", "demo.yaml", "", 3, std::nullopt, 0.0});
  EXPECT_NEAR(r.hosts[0].energy_kWh, 625.0 / 3.6e6, 1e-15);
  EXPECT_EQ(r.groups[0].machines_to_manage, 2u);
  EXPECT_EQ(r.groups[1].machines_to_manage, 1u);
  EXPECT_EQ(r.groups[0].rack_units, 1);
}

TEST(Report, AHostDrawsNothingWhileDown) {
  // Host h: 1 core of 1e9, idle 100 W, peak 250 W. A native guest starts at 0
  // (on from then), computes from 0.01 s (its start) until the host crashes at
  // 1 s: 0.99e9 done, then lost. Down from 1 s to the repair at 3 s: nothing
  // drawn. It starts again at 3 s and computes its 2e9 from 3.01 to 5.01 s.
  // Energy = 100 W x (5.01 - 2) s + 150 W x (0.99e9 + 2e9) / 1e9 = 301 + 448.5 = 749.5 J;
  // at 1 s and all through the downtime: 100 x 1 + 150 x 0.99 = 248.5 J.
  World w;
  Host& h = w.add_host({"h", 1, 1e9});
  Guest& g = w.add_guest({"g", GuestMode::kNative}, h);
  w.schedule_crash(1.0, CrashKind::kHost, &h, nullptr, 2.0);
  w.start_guest(g, 0.0, {{"p", {{Step::Kind::kCompute, 2e9}}, 1, 0.0}});
  RunRecorder rec(w, {});
  w.run(1.5);
  EXPECT_NEAR(hosts_energy_J(w)[0], 248.5, 1e-6);
  w.run(2.99);
  EXPECT_NEAR(hosts_energy_J(w)[0], 248.5, 1e-6);
  w.run();
  w.finish();
  EXPECT_NEAR(w.engine().now(), 5.01, 1e-9);
  EXPECT_NEAR(hosts_energy_J(w)[0], 749.5, 1e-6);
  const RunReport r = rec.report({"demo", "demo.yaml", "", 0, std::nullopt, 0.0});
  EXPECT_NEAR(r.hosts[0].energy_kWh, 749.5 / 3.6e6, 1e-12);
  EXPECT_NEAR(r.hosts[0].downtime_s, 2.0, 1e-9);
}

TEST(Report, CutOffRunCountsPartialWork) {
  // Stopped at 1.5 s: x did 1.5e9 of its first task, n finished (1e9).
  Fixture f;
  RunRecorder rec(f.world, {});
  f.world.run(1.5);
  f.world.finish();
  const RunReport r = rec.report({"demo", "demo.yaml", "", 3, 1.5, 0.0});
  EXPECT_DOUBLE_EQ(r.simulated_s, 1.5);
  EXPECT_NEAR(r.guests[0].flops_done, 1.5e9, 1.0);
  EXPECT_EQ(r.guests[0].tasks_completed, 0u);
  EXPECT_FALSE(r.guests[0].finished_at_s.has_value());
  EXPECT_EQ(r.unfinished_guests, 1u);
  // a: 1.5e9 / (2e9 x 1.5) = 0.5
  EXPECT_NEAR(r.hosts[0].utilization, 0.5, 1e-12);
}

TEST(Report, EachProcessHasItsFinishTime) {
  // A native guest on a 2-core 1e9 host starts (0.01 s, the default native start)
  // two processes at once: 1e9 on one core ends at 1.01 s, 3e9 on the other at 3.01 s.
  // Stopped at 2 s, the second has not finished: null.
  for (double until : {engine::Engine::kForever, 2.0}) {
    World w;
    Host& h = w.add_host({"h", 2, 1e9});
    Guest& g = w.add_guest({"g", GuestMode::kNative}, h);
    w.start_guest(g, 0.0, {{"short", {{Step::Kind::kCompute, 1e9}}, 1, 0.0},
                           {"long", {{Step::Kind::kCompute, 3e9}}, 1, 0.0}});
    RunRecorder rec(w, {});
    w.run(until);
    w.finish();
    const RunReport r = rec.report({"demo", "demo.yaml", "", 0, std::nullopt, 0.0});
    const auto j = nlohmann::json::parse(to_json(r));
    const auto& ends = j["guests"][0]["process_finished_at_s"];
    ASSERT_EQ(ends.size(), 2u) << j["guests"][0].dump();
    EXPECT_NEAR(ends[0].get<double>(), 1.01, 1e-12);
    if (until > 3.01) {
      EXPECT_NEAR(ends[1].get<double>(), 3.01, 1e-12);
      EXPECT_EQ(processes_csv(r).rfind("guest,process,finished_at_s\ng,0,1.01", 0), 0u) << processes_csv(r);
    } else {
      EXPECT_TRUE(ends[1].is_null());
      EXPECT_EQ(processes_csv(r).substr(processes_csv(r).rfind("g,1,")), "g,1,n/a\n");
    }
  }
}

TEST(Report, JsonCsvAndTraceCarryTheSameNumbers) {
  Fixture f;
  RunRecorder rec(f.world, {.keep_slices = true});
  f.world.run();
  f.world.finish();
  const RunReport r = rec.report({"demo", "demo.yaml", "", 3, std::nullopt, 0.25});
  const auto j = nlohmann::json::parse(to_json(r));
  EXPECT_EQ(j["scenario"], "demo");
  EXPECT_EQ(j["seed"], 3);
  EXPECT_DOUBLE_EQ(j["makespan_s"].get<double>(), 4.0);
  EXPECT_EQ(j["guests"][1]["name"], "n");
  EXPECT_EQ(j["guests"][1]["host"], "b");
  EXPECT_DOUBLE_EQ(j["hosts"][0]["utilization"].get<double>(), 0.375);

  EXPECT_EQ(hosts_csv(r), "name,group,cores,speed_flops,guests,flops_done,utilization,failures,downtime_s\n"
                          "a,g1,2,1000000000,1,3000000000,0.375,0,0\n"
                          "b,g2,1,1000000000,1,1000000000,0.25,0,0\n");

  const auto t = nlohmann::json::parse(chrome_trace(r));
  int slices = 0, host_names = 0;
  double x_second_start = -1, x_second_dur = -1;
  for (const auto& e : t["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "process_name") ++host_names;
    if (e["ph"] == "X") {
      ++slices;
      if (e["args"]["guest"] == "x" && e["ts"].get<double>() > 0) {
        x_second_start = e["ts"].get<double>();
        x_second_dur = e["dur"].get<double>();
      }
    }
  }
  EXPECT_EQ(host_names, 2);
  EXPECT_EQ(slices, 3);
  // x's second task runs from 3 s to 4 s: ts 3e6 us, dur 1e6 us.
  EXPECT_DOUBLE_EQ(x_second_start, 3e6);
  EXPECT_DOUBLE_EQ(x_second_dur, 1e6);

  const std::string table = format_table(r);
  EXPECT_NE(table.find("37.5 %"), std::string::npos);
  EXPECT_NE(table.find("g2"), std::string::npos);
}

}  // namespace
}  // namespace vzlab::hv::report
