// The commands that measure this machine (`vzlab real`, `calibrate`,
// `compare`). They time real runs, so ctest runs them alone (RUN_SERIAL).
#include <unistd.h>

#include "cli_fixture.hpp"

namespace vzlab::cli {
namespace {

TEST_F(Cli, RealMeasuresThisMachine) {
  if (!kvm_usable()) GTEST_SKIP() << "/dev/kvm is not usable here";
  Outcome r = vzlab("real --repeat 1 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  const json j = json::parse(r.out);
  // Every measured time is positive; a user-space exit costs more than a
  // system call (it is a round trip through the hypervisor and back).
  for (const auto& [what, s] : j["seconds"].items()) EXPECT_GT(s["median"].get<double>(), 0.0) << what;
  EXPECT_GT(j["seconds"]["user-space exit (port I/O to our VMM)"]["median"].get<double>(),
            j["seconds"]["system call on the host"]["median"].get<double>());
  EXPECT_FALSE(j["machine"]["cpu"].get<std::string>().empty());
}

TEST_F(Cli, CalibrateWritesAProfileTheModelsRead) {
  if (!kvm_usable()) GTEST_SKIP() << "/dev/kvm is not usable here";
  const fs::path out = dir_ / "profile.yaml";
  Outcome r = vzlab("calibrate --repeat 1 --out " + quote(out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  auto p = hv::scenario::load_calibration_file(out.string());
  ASSERT_TRUE(p.ok()) << p.error->format();
  EXPECT_GT(p.profile->exit_s, 0.0);
  EXPECT_GT(p.profile->syscall_s, 0.0);
  // And a scenario runs with it.
  Outcome run = vzlab("run " + quote(std::string(VZLAB_SOURCE_DIR) + "/scenarios/vz-types.yaml") +
                      " --format json --calibration " + quote(out.string()));
  EXPECT_EQ(run.code, 0) << run.err;
}

}  // namespace
}  // namespace vzlab::cli

namespace vzlab::cli {
namespace {

TEST_F(Cli, CompareSimulatedWithMeasured) {
  // Every `real: true` guest of the mechanisms scenario runs for real and
  // simulated. The calibrated model is within a few % on a quiet machine; a
  // broken cost model (an exit counted twice or not at all, a batch ignored)
  // is off by 30 % or more on these exit-dominated guests, so 25 % is the
  // bound checked here.
  if (!kvm_usable()) GTEST_SKIP() << "/dev/kvm is not usable here";
  // Calibration and measurement happen seconds apart on a shared machine,
  // and exit costs drift in between: on a nested host whose own hypervisor
  // is software (PVM), single compares were seen off by up to 55 % (eight
  // runs, 2026-12-02: ring-io-para 1 % to 55 %, traps-full 2 % to 35 %),
  // and a CI run failed with both of two attempts missing. So when a guest
  // misses the bound, the whole compare (a new calibration included) runs
  // again, up to four times, and that guest's best attempt counts. A broken
  // model misses in every one.
  std::map<std::string, double> best;  // guest -> smallest error seen
  std::map<std::string, std::string> seen;
  for (int attempt = 0; attempt < 4; ++attempt) {
    Outcome r = vzlab("compare " + quote(std::string(VZLAB_SOURCE_DIR) + "/scenarios/real-mechanisms.yaml") +
                      " --repeat 3 --seconds 0.1 --format json");
    ASSERT_EQ(r.code, 0) << r.err;
    const json j = json::parse(r.out);
    ASSERT_EQ(j["guests"].size(), 9u) << r.out;
    for (const json& g : j["guests"]) {
      if (g.contains("not_measured")) {
        // Only containers may be missing, and only without root.
        EXPECT_EQ(g["mode"], "os-level") << g.dump();
        EXPECT_NE(geteuid(), 0u) << g.dump();
        continue;
      }
      EXPECT_GT(g["not_cpu_share"].get<double>(), 0.5) << g.dump();
      EXPECT_GT(g["share_of_work"].get<double>(), 0.0) << g.dump();
      // Against the median, or against the fastest run when something else on
      // the machine slowed the others down (a broken model is off for both).
      const double sim = g["simulated_s"].get<double>();
      const double err = std::min(std::abs(g["error"].get<double>()),
                                  std::abs(sim / g["measured_s"]["min"].get<double>() - 1));
      const std::string name = g["guest"].get<std::string>();
      if (!best.count(name) || err < best[name]) {
        best[name] = err;
        seen[name] = g.dump();
      }
    }
    if (std::all_of(best.begin(), best.end(), [](const auto& b) { return b.second < 0.25; })) break;
  }
  for (const auto& [name, err] : best) EXPECT_LT(err, 0.25) << seen[name];
}

TEST_F(Cli, CompareNeedsGuestsMarkedReal) {
  Outcome r = vzlab("compare " + quote(kConsolidation));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no guest has `real: true`"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

}  // namespace
}  // namespace vzlab::cli
