// scenarios/vz-types.yaml end to end: the comparison table a student reads,
// against hand computations from the calibration defaults.
#include <gtest/gtest.h>

#include <map>

#include "vzlab/hv/report/run_report.hpp"
#include "vzlab/hv/scenario/scenario.hpp"

namespace vzlab::hv::scenario {
namespace {

std::map<std::string, report::ComparisonRow> run_vz_types(const CalibrationProfile& profile) {
  auto loaded = load_file(std::string(VZLAB_SOURCE_DIR) + "/scenarios/vz-types.yaml", {});
  EXPECT_TRUE(loaded.ok()) << loaded.error->format();
  auto world = build_world(*loaded.scenario, profile);
  report::RunRecorder rec(*world, {});
  world->run();
  world->finish();
  const report::RunReport r = rec.report({});
  std::map<std::string, report::ComparisonRow> rows;
  for (const auto& c : r.comparison) rows[r.guests[c.guest].name] = c;
  return rows;
}

TEST(VzTypes, OverheadsMatchTheFormulas) {
  const auto rows = run_vz_types({});
  ASSERT_EQ(rows.size(), 24u);  // 28 guests, 4 of them the native baselines
  // syscall workload, per iteration on 2 Gf/s: native 50 Mf / 2 Gf/s = 25 ms
  // + 20000 x 0.1 us = 2 ms -> 27 ms. Full VM: + 2000 x 1.5 us = 3 ms -> 30 ms
  // (+1/9). Binary translation: 25 + 20000 x 1 us + 2000 x 0.5 us = 46 ms.
  // Para: 25 + 2 + 250 x 1.5 us = 27.375 ms. Type 2 full: 25 + 2 + 6 = 33 ms.
  EXPECT_NEAR(rows.at("syscall-full").overhead, 30.0 / 27.0 - 1, 1e-9);
  EXPECT_NEAR(rows.at("syscall-full-bt").overhead, 46.0 / 27.0 - 1, 1e-9);
  EXPECT_NEAR(rows.at("syscall-para").overhead, 27.375 / 27.0 - 1, 1e-9);
  EXPECT_NEAR(rows.at("syscall-full-t2").overhead, 33.0 / 27.0 - 1, 1e-9);
  // memory workload, per iteration: native 100 Mf / 2 Gf/s = 50 ms + 10000
  // faults x 1 us = 60 ms; full VM: + 10000 nested-paging exits x 1.5 us =
  // 75 ms; shadow page tables: + 10000 x 4 us = 100 ms; para: + 1250
  // hypercalls x 1.5 us = 61.875 ms.
  EXPECT_NEAR(rows.at("memory-full").overhead, 75.0 / 60.0 - 1, 1e-9);
  EXPECT_NEAR(rows.at("memory-full-bt").overhead, 100.0 / 60.0 - 1, 1e-9);
  EXPECT_NEAR(rows.at("memory-para").overhead, 61.875 / 60.0 - 1, 1e-9);
  // Exits per second of the full VM: 2000 per 30 ms iteration.
  EXPECT_NEAR(rows.at("syscall-full").exits_per_s, 2000 / 0.030, 1e-6);
  // Containers cost nothing over native.
  for (const char* g : {"cpu-container", "syscall-container", "io-container", "memory-container"})
    EXPECT_NEAR(rows.at(g).overhead, 0.0, 1e-12) << g;
}

TEST(VzTypes, OrderingALectureCanExplain) {
  const auto rows = run_vz_types({});
  auto o = [&](const char* g) { return rows.at(g).overhead; };
  EXPECT_LT(o("io-para"), o("io-full"));            // paravirtual I/O beats emulated devices
  EXPECT_LT(o("syscall-para"), o("syscall-full"));  // batched hypercalls beat trapping each operation
  EXPECT_GT(o("syscall-full-bt"), o("syscall-full"));  // BT loses the native system-call path
  for (const char* w : {"cpu", "syscall", "memory", "io"})
    for (const char* m : {"full", "para"})
      EXPECT_GE(o((std::string(w) + "-" + m + "-t2").c_str()), o((std::string(w) + "-" + m).c_str()))
          << w << " " << m << ": type 2 must not beat type 1";
}

TEST(VzTypes, RunsUnchangedWithAMeasuredProfile) {
  // A nested profile: exits cost 10 x 1.5 us, so the full VM's syscall
  // iteration takes 25 + 2 + 2000 x 15 us = 57 ms.
  auto p = load_calibration_string("version: 1\nnested: true\n", "nested.yaml");
  ASSERT_TRUE(p.ok());
  const auto rows = run_vz_types(*p.profile);
  EXPECT_NEAR(rows.at("syscall-full").overhead, 57.0 / 27.0 - 1, 1e-9);
  EXPECT_NEAR(rows.at("syscall-container").overhead, 0.0, 1e-12);
}

}  // namespace
}  // namespace vzlab::hv::scenario
