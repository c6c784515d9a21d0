// Loading valid scenario texts: replication, defaults, units, workloads,
// seeded draws, and a world built from a loaded scenario.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

#include "vzlab/hv/scenario/scenario.hpp"

namespace vzlab::hv::scenario {
namespace {

// Loads text that must be valid.
Scenario load_ok(const std::string& text, LoadOptions options = {}, const std::string& file = "test.yaml") {
  LoadResult r = load_string(text, file, options);
  if (!r.ok()) {
    ADD_FAILURE() << r.error->format() << "\n--- text ---\n" << text;
    return {};
  }
  EXPECT_FALSE(r.error.has_value());
  return *r.scenario;
}

// Every step amount of a process, in order (of a random process, every
// repetition's draw).
std::vector<double> amounts_of(const ProcessSpec& p) {
  std::vector<double> out;
  p.for_each_distinct_step([&](const Step&, double amount) { out.push_back(amount); });
  return out;
}

// Every step amount of every process of every guest, in file order.
std::vector<double> all_amounts(const Scenario& sc) {
  std::vector<double> out;
  for (const GuestPlan& g : sc.guests)
    for (const ProcessSpec& p : g.processes) {
      const std::vector<double> a = amounts_of(p);
      out.insert(out.end(), a.begin(), a.end());
    }
  return out;
}

double mean_of(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0.0 : sum / static_cast<double>(v.size());
}

constexpr const char* kOneHost = "version: 1\nhosts:\n  - {name: h0, speed: 1Gf}\n";

TEST(ScenarioLoad, ThousandHostsTimesEightVmsFromAFewLines) {
  // count: 1000 hosts and count: 8000 guests with host h{i/8}: 8000 guests,
  // guest i on host floor(i/8), so vm0..vm7 on h0, vm8 on h1, vm7999 on h999.
  const Scenario sc = load_ok(R"(version: 1
hosts:
  - name: h{i}
    count: 1000
    cores: 8
    speed: 2Gf
guests:
  - name: vm{i}
    count: 8000
    host: h{i/8}
    vcpus: 2
    processes:
      - steps:
          - compute: 1Gf
)");
  ASSERT_EQ(sc.hosts.size(), 1000u);
  ASSERT_EQ(sc.guests.size(), 8000u);
  EXPECT_EQ(sc.hosts[0].name, "h0");
  EXPECT_EQ(sc.hosts[999].name, "h999");
  EXPECT_EQ(sc.hosts[999].cores, 8);
  EXPECT_DOUBLE_EQ(sc.hosts[999].speed_flops, 2e9);
  EXPECT_EQ(sc.guests[0].spec.name, "vm0");
  EXPECT_EQ(sc.guests[0].host, "h0");
  EXPECT_EQ(sc.guests[7].host, "h0");
  EXPECT_EQ(sc.guests[8].host, "h1");
  EXPECT_EQ(sc.guests[4321].spec.name, "vm4321");
  EXPECT_EQ(sc.guests[4321].host, "h540");
  EXPECT_EQ(sc.guests[7999].spec.name, "vm7999");
  EXPECT_EQ(sc.guests[7999].host, "h999");
  EXPECT_EQ(sc.guests[7999].spec.vcpus, 2);
  // Every host gets exactly 8 guests: 8000 / 1000.
  std::vector<int> per_host(1000, 0);
  for (const GuestPlan& g : sc.guests) ++per_host[std::stoi(g.host.substr(1))];
  EXPECT_TRUE(std::all_of(per_host.begin(), per_host.end(), [](int n) { return n == 8; }));
}

TEST(ScenarioLoad, Defaults) {
  // schema.cpp defaults: seed 1, cores 1, count 1, vcpus 1, share 1, mode vm, no cap,
  // start 0, process repeat 1 and name p0, output table, name = file name without ".yaml".
  const Scenario sc = load_ok(std::string(kOneHost) + "guests:\n  - name: g\n    host: h0\n"
                                                      "    processes: [{steps: [{compute: 1}]}]\n",
                              {}, "some/dir/mini.yaml");
  EXPECT_EQ(sc.file, "some/dir/mini.yaml");
  EXPECT_EQ(sc.name, "mini");
  EXPECT_EQ(sc.description, "");
  EXPECT_EQ(sc.seed, 1u);
  EXPECT_FALSE(sc.until_s.has_value());
  EXPECT_EQ(sc.output.format, "table");
  EXPECT_EQ(sc.output.dir, "");
  EXPECT_EQ(sc.output.trace, "");
  ASSERT_EQ(sc.hosts.size(), 1u);
  EXPECT_EQ(sc.hosts[0].cores, 1);
  EXPECT_EQ(sc.hosts[0].group, "");
  ASSERT_EQ(sc.guests.size(), 1u);
  const GuestPlan& g = sc.guests[0];
  EXPECT_EQ(g.spec.mode, GuestMode::kFull);
  EXPECT_EQ(g.spec.vcpus, 1);
  EXPECT_DOUBLE_EQ(g.spec.share, 1.0);
  EXPECT_EQ(g.spec.cap_flops, engine::Variable::kNoBound);
  EXPECT_EQ(g.group, "");
  ASSERT_EQ(g.processes.size(), 1u);
  EXPECT_EQ(g.processes[0].name, "p0");
  EXPECT_EQ(g.processes[0].repeat, 1);
  EXPECT_DOUBLE_EQ(g.processes[0].start_s, 0.0);
}

TEST(ScenarioLoad, NoGuestsIsAValidScenario) {
  // guests defaults to [] (schema.cpp): hosts only.
  const Scenario sc = load_ok(kOneHost);
  EXPECT_EQ(sc.hosts.size(), 1u);
  EXPECT_TRUE(sc.guests.empty());
}

TEST(ScenarioLoad, TopLevelFields) {
  // name, description, seed, until 2h = 7200 s and the output section are copied.
  const Scenario sc = load_ok(R"(version: 1
name: My run
description: what it shows
seed: 42
until: 2h
output: {format: json, dir: out/, trace: t.json}
hosts: [{name: h0, speed: 1Gf}]
)");
  EXPECT_EQ(sc.name, "My run");
  EXPECT_EQ(sc.description, "what it shows");
  EXPECT_EQ(sc.seed, 42u);
  ASSERT_TRUE(sc.until_s.has_value());
  EXPECT_DOUBLE_EQ(*sc.until_s, 7200.0);
  EXPECT_EQ(sc.output.format, "json");
  EXPECT_EQ(sc.output.dir, "out/");
  EXPECT_EQ(sc.output.trace, "t.json");
}

TEST(ScenarioLoad, UnitsAreConvertedToBaseUnits) {
  // speed 2.5 Gf/s = 2.5e9; cap 1.5 Gf = 1.5e9; start 1 min = 60 s; compute 500 Mf = 5e8; sleep 250 ms = 0.25 s.
  const Scenario sc = load_ok(R"(version: 1
hosts: [{name: h0, cores: 4, speed: 2.5Gf/s}]
guests:
  - name: g
    host: h0
    cap: 1.5Gf
    share: 2.5
    start: 1min
    processes:
      - steps: [{compute: 500Mf}, {sleep: 250ms}]
)");
  EXPECT_DOUBLE_EQ(sc.hosts[0].speed_flops, 2.5e9);
  EXPECT_EQ(sc.hosts[0].cores, 4);
  const GuestPlan& g = sc.guests[0];
  EXPECT_DOUBLE_EQ(g.spec.cap_flops, 1.5e9);
  EXPECT_DOUBLE_EQ(g.spec.share, 2.5);
  ASSERT_EQ(g.processes.size(), 1u);
  EXPECT_DOUBLE_EQ(g.processes[0].start_s, 60.0);
  ASSERT_EQ(g.processes[0].steps.size(), 2u);
  EXPECT_EQ(g.processes[0].steps[0].kind, Step::Kind::kCompute);
  EXPECT_DOUBLE_EQ(g.processes[0].steps[0].amount, 5e8);
  EXPECT_EQ(g.processes[0].steps[1].kind, Step::Kind::kSleep);
  EXPECT_DOUBLE_EQ(g.processes[0].steps[1].amount, 0.25);
}

TEST(ScenarioLoad, GroupsAndNativeMode) {
  // Group templates expand per replica: host group "rack{i/2}" gives rack0, rack0, rack1 for i = 0..2.
  const Scenario sc = load_ok(R"(version: 1
hosts: [{name: "n{i}", count: 3, group: "rack{i/2}", speed: 1Gf}]
guests:
  - {name: "app{i}", count: 3, host: "n{i}", mode: native, group: "g{i%2}"}
)");
  ASSERT_EQ(sc.hosts.size(), 3u);
  EXPECT_EQ(sc.hosts[0].group, "rack0");
  EXPECT_EQ(sc.hosts[1].group, "rack0");
  EXPECT_EQ(sc.hosts[2].group, "rack1");
  ASSERT_EQ(sc.guests.size(), 3u);
  EXPECT_EQ(sc.guests[2].spec.mode, GuestMode::kNative);
  EXPECT_EQ(sc.guests[2].host, "n2");
  EXPECT_EQ(sc.guests[2].group, "g0");
  EXPECT_EQ(sc.guests[1].group, "g1");
  EXPECT_TRUE(sc.guests[0].processes.empty());
}

TEST(ScenarioLoad, NamedWorkloadsAreCopiedToEachGuest) {
  // Workload "app" has two processes (web: compute 2 Gf; db: sleep 1 s, compute 3 Gf);
  // both guests that name it get both, in that order.
  const Scenario sc = load_ok(std::string(kOneHost) + R"(workloads:
  app:
    - name: web
      steps: [{compute: 2Gf}]
    - name: db
      steps: [{sleep: 1s}, {compute: 3Gf}]
guests:
  - {name: "a{i}", count: 2, host: h0, workload: app}
)");
  ASSERT_EQ(sc.guests.size(), 2u);
  for (const GuestPlan& g : sc.guests) {
    ASSERT_EQ(g.processes.size(), 2u);
    EXPECT_EQ(g.processes[0].name, "web");
    EXPECT_EQ(g.processes[1].name, "db");
    EXPECT_DOUBLE_EQ(total_flops(g.processes[0]), 2e9);
    EXPECT_DOUBLE_EQ(total_flops(g.processes[1]), 3e9);
    ASSERT_EQ(g.processes[1].steps.size(), 2u);
    EXPECT_EQ(g.processes[1].steps[0].kind, Step::Kind::kSleep);
    EXPECT_DOUBLE_EQ(g.processes[1].steps[0].amount, 1.0);
  }
}

TEST(ScenarioLoad, RepeatOfAConstantProcess) {
  // repeat: 5 of [compute 1 Gf, sleep 1 s]: the two steps are kept once with repeat 5,
  // so total_flops = 5 x 1 Gf = 5e9.
  const Scenario sc = load_ok(std::string(kOneHost) + R"(guests:
  - name: g
    host: h0
    processes:
      - {repeat: 5, steps: [{compute: 1Gf}, {sleep: 1s}]}
)");
  const ProcessSpec& p = sc.guests[0].processes[0];
  EXPECT_EQ(p.repeat, 5);
  EXPECT_EQ(p.steps.size(), 2u);
  EXPECT_DOUBLE_EQ(total_flops(p), 5e9);
}

TEST(ScenarioLoad, RepeatOfARandomProcessDrawsEveryRepetition) {
  // repeat: 3 of [uniform compute, sleep 1 s]: each repetition draws its own size, so the
  // process keeps its 2 steps with repeat 3 and 3 x 2 = 6 drawn amounts, alternating
  // compute and sleep.
  const Scenario sc = load_ok(std::string(kOneHost) + R"(guests:
  - name: g
    host: h0
    processes:
      - repeat: 3
        steps:
          - compute: {dist: uniform, min: 1Gf, max: 2Gf}
          - sleep: 1s
)");
  const ProcessSpec& p = sc.guests[0].processes[0];
  EXPECT_EQ(p.repeat, 3);
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_EQ(p.steps[0].kind, Step::Kind::kCompute);
  EXPECT_EQ(p.steps[1].kind, Step::Kind::kSleep);
  ASSERT_EQ(p.drawn.size(), 6u);
  ASSERT_EQ(p.distinct_repeats(), 3);
  double flops = 0;
  for (int r = 0; r < 3; ++r) {
    EXPECT_GE(p.amount(r, 0), 1e9);
    EXPECT_LT(p.amount(r, 0), 2e9);
    EXPECT_DOUBLE_EQ(p.amount(r, 1), 1.0);
    flops += p.amount(r, 0);
  }
  // Three independent draws from a continuous distribution are all different.
  EXPECT_NE(p.amount(0, 0), p.amount(1, 0));
  EXPECT_NE(p.amount(1, 0), p.amount(2, 0));
  // The work is the sum of the draws, once each.
  EXPECT_DOUBLE_EQ(total_flops(p), flops);
}

TEST(ScenarioLoad, ProcessCountMakesNumberedCopies) {
  // count: 3 of process "job" gives job#0, job#1, job#2, all starting with the guest; count 1 keeps the name.
  const Scenario sc = load_ok(std::string(kOneHost) + R"(guests:
  - name: g
    host: h0
    start: 4s
    processes:
      - {name: job, count: 3, steps: [{compute: 1Gf}]}
      - {name: solo, steps: [{sleep: 1}]}
)");
  const auto& ps = sc.guests[0].processes;
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(ps[0].name, "job#0");
  EXPECT_EQ(ps[1].name, "job#1");
  EXPECT_EQ(ps[2].name, "job#2");
  EXPECT_EQ(ps[3].name, "solo");
  for (const auto& p : ps) EXPECT_DOUBLE_EQ(p.start_s, 4.0);
}

constexpr const char* kRandomGuests = R"(version: 1
seed: 3
hosts: [{name: h0, speed: 1Gf}]
guests:
  - name: g{i}
    count: 4
    host: h0
    processes:
      - repeat: 50
        steps:
          - compute: {dist: uniform, min: 100Mf, max: 300Mf}
)";

TEST(ScenarioLoad, SameSeedGivesTheSameDraws) {
  // Draws depend on (seed, stream name) only: two loads of one text are identical.
  const auto a = all_amounts(load_ok(kRandomGuests));
  const auto b = all_amounts(load_ok(kRandomGuests));
  ASSERT_EQ(a.size(), 4u * 50u);
  EXPECT_EQ(a, b);
}

TEST(ScenarioLoad, DifferentSeedGivesDifferentDraws) {
  // seed 3 vs seed 4: independent streams, so (almost surely) no draw is shared.
  std::string other = kRandomGuests;
  other.replace(other.find("seed: 3"), 7, "seed: 4");
  const auto a = all_amounts(load_ok(kRandomGuests));
  const auto b = all_amounts(load_ok(other));
  ASSERT_EQ(a.size(), b.size());
  std::size_t same = 0;
  for (std::size_t k = 0; k < a.size(); ++k) same += a[k] == b[k];
  EXPECT_EQ(same, 0u);
}

TEST(ScenarioLoad, ReplicasDrawDifferentValues) {
  // Each guest draws from its own stream: g0 and g1 do not share their first draw.
  const Scenario sc = load_ok(kRandomGuests);
  EXPECT_NE(sc.guests[0].processes[0].amount(0, 0), sc.guests[1].processes[0].amount(0, 0));
}

TEST(ScenarioLoad, UniformDrawsStayWithinMinAndMax) {
  // uniform [100 Mf, 300 Mf]: all 2000 draws inside; their mean is 200 Mf within
  // 3 standard errors, 3 x (200 Mf / sqrt(12)) / sqrt(2000) = 3.9 Mf; and they cover the range
  // (P(no draw in the lowest 5%) = 0.95^2000, negligible).
  std::string text = kRandomGuests;
  text.replace(text.find("repeat: 50"), 10, "repeat: 500");
  const auto v = all_amounts(load_ok(text));
  ASSERT_EQ(v.size(), 2000u);
  for (double x : v) {
    ASSERT_GE(x, 1e8);
    ASSERT_LE(x, 3e8);
  }
  EXPECT_NEAR(mean_of(v), 2e8, 3.9e6);
  EXPECT_LT(*std::min_element(v.begin(), v.end()), 1.1e8);
  EXPECT_GT(*std::max_element(v.begin(), v.end()), 2.9e8);
}

TEST(ScenarioLoad, ExponentialMeanOfTenThousandDraws) {
  // exponential, mean 2 s: sd = mean, so the mean of n = 10000 draws has standard error
  // mean / sqrt(n) = 1 %; within 3 % = 3 standard errors.
  const Scenario sc = load_ok(std::string(kOneHost) + R"(guests:
  - name: g
    host: h0
    processes:
      - repeat: 10000
        steps: [{sleep: {dist: exponential, mean: 2s}}]
)");
  const auto v = all_amounts(sc);
  ASSERT_EQ(v.size(), 10000u);
  EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](double x) { return x >= 0; }));
  EXPECT_NEAR(mean_of(v), 2.0, 0.03 * 2.0);
}

TEST(ScenarioLoad, NormalDrawsAreClampedAtZero) {
  // normal(mean 0, sd 1 Gf): negative draws become 0 (schema: "Negative draws are clamped to 0"),
  // so about half are exactly 0: 0.5 +- 3 sqrt(0.25 / 10000) = 0.5 +- 0.015; the mean of
  // max(X, 0) is sd / sqrt(2 pi) = 0.39894 Gf, standard error sqrt(0.5 - 1/(2 pi)) sd / 100 = 5.8 Mf.
  const Scenario sc = load_ok(std::string(kOneHost) + R"(guests:
  - name: g
    host: h0
    processes:
      - repeat: 10000
        steps: [{compute: {dist: normal, mean: 0, stddev: 1Gf}}]
)");
  const auto v = all_amounts(sc);
  ASSERT_EQ(v.size(), 10000u);
  EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](double x) { return x >= 0; }));
  const double zeros = static_cast<double>(std::count(v.begin(), v.end(), 0.0)) / 10000.0;
  EXPECT_NEAR(zeros, 0.5, 0.015);
  EXPECT_NEAR(mean_of(v), 1e9 / std::sqrt(2 * std::numbers::pi), 3 * 5.8e6);
}

TEST(ScenarioLoad, WeibullAndLognormalMeans) {
  // weibull(shape 2, scale 1 s): mean Gamma(1.5) = 0.886227, sd sqrt(1 - 0.785398) = 0.46325,
  // 3 standard errors over 10000 draws = 0.0139.
  // lognormal(mu 0, sigma 0.5): mean exp(0.125) = 1.133148, sd = mean sqrt(exp(0.25) - 1) = 0.6039,
  // 3 standard errors = 0.0181.
  const Scenario sc = load_ok(std::string(kOneHost) + R"(guests:
  - name: w
    host: h0
    processes:
      - repeat: 10000
        steps: [{sleep: {dist: weibull, shape: 2, scale: 1s}}]
  - name: l
    host: h0
    processes:
      - repeat: 10000
        steps: [{sleep: {dist: lognormal, mu: 0, sigma: 0.5}}]
)");
  const std::vector<double> w = amounts_of(sc.guests[0].processes[0]);
  const std::vector<double> l = amounts_of(sc.guests[1].processes[0]);
  ASSERT_EQ(w.size(), 10000u);
  EXPECT_NEAR(mean_of(w), std::tgamma(1.5), 0.0139);
  EXPECT_NEAR(mean_of(l), std::exp(0.125), 0.0181);
}

TEST(ScenarioLoad, ConstantDistributionIsAPlainValue) {
  // {dist: constant, value: 3Gf} is 3e9 flops, and keeps the process compact (repeat stays 4).
  const Scenario sc = load_ok(std::string(kOneHost) + R"(guests:
  - name: g
    host: h0
    processes: [{repeat: 4, steps: [{compute: {dist: constant, value: 3Gf}}]}]
)");
  const ProcessSpec& p = sc.guests[0].processes[0];
  EXPECT_EQ(p.repeat, 4);
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_DOUBLE_EQ(p.steps[0].amount, 3e9);
}

TEST(ScenarioLoad, NamedWorkloadReplicaDrawsTheSameOnAnyGuest) {
  // schema "distribution": replica i of a named workload draws the same values on whatever
  // guest runs it, so a{i} and b{i} match for each i, while replicas 0 and 1 differ.
  const Scenario sc = load_ok(R"(version: 1
hosts: [{name: "h{i}", count: 2, speed: 1Gf}]
workloads:
  w:
    - repeat: 5
      steps: [{compute: {dist: exponential, mean: 1Gf}}]
guests:
  - {name: "a{i}", count: 2, host: h0, workload: w}
  - {name: "b{i}", count: 2, host: h1, workload: w}
)");
  ASSERT_EQ(sc.guests.size(), 4u);
  auto steps = [&](std::size_t g) { return amounts_of(sc.guests[g].processes[0]); };
  EXPECT_EQ(steps(0), steps(2));
  EXPECT_EQ(steps(1), steps(3));
  EXPECT_NE(steps(0), steps(1));
}

TEST(ScenarioLoad, AddingAGuestDoesNotChangeTheDrawsOfAnother) {
  // schema "distribution": streams are named after what they are for, so adding a guest at the
  // end or in front leaves the sizes of "keep" unchanged.
  const std::string keep = R"(  - name: keep
    host: h0
    start: {dist: uniform, min: 0s, max: 10s}
    processes: [{repeat: 20, steps: [{compute: {dist: uniform, min: 1Gf, max: 2Gf}}]}]
)";
  const std::string other = R"(  - name: other
    host: h0
    processes: [{repeat: 20, steps: [{compute: {dist: uniform, min: 1Gf, max: 2Gf}}]}]
)";
  const std::string head = std::string(kOneHost) + "guests:\n";
  const Scenario alone = load_ok(head + keep);
  const Scenario after = load_ok(head + keep + other);
  const Scenario before = load_ok(head + other + keep);
  const auto& ref = alone.guests[0].processes[0];
  const auto after_amounts = all_amounts(after);
  ASSERT_EQ(after_amounts.size(), 40u);
  EXPECT_EQ(all_amounts(alone), std::vector<double>(after_amounts.begin(), after_amounts.begin() + 20));
  const auto& moved = before.guests[1].processes[0];
  ASSERT_EQ(moved.steps.size(), ref.steps.size());
  for (std::size_t k = 0; k < ref.steps.size(); ++k) EXPECT_EQ(moved.steps[k].amount, ref.steps[k].amount);
  EXPECT_EQ(moved.start_s, ref.start_s);
  EXPECT_EQ(after.guests[0].processes[0].start_s, ref.start_s);
}

TEST(ScenarioLoad, AddingAGuestInFrontDoesNotChangeInterarrivalDraws) {
  // schema "distribution": "adding a guest never changes the draws of another", so the start
  // times of the replicas of "web{i}" (random interarrival) are the same with or without a
  // guest item written before it.
  const std::string web = R"(  - name: web{i}
    count: 5
    host: h0
    interarrival: {dist: exponential, mean: 10s}
    processes: [{steps: [{compute: 1Gf}]}]
)";
  const std::string other = "  - {name: other, host: h0, processes: [{steps: [{compute: 1Gf}]}]}\n";
  const std::string head = std::string(kOneHost) + "guests:\n";
  const Scenario alone = load_ok(head + web);
  const Scenario before = load_ok(head + other + web);
  ASSERT_EQ(alone.guests.size(), 5u);
  ASSERT_EQ(before.guests.size(), 6u);
  for (std::size_t k = 0; k < 5; ++k)
    EXPECT_EQ(before.guests[k + 1].processes[0].start_s, alone.guests[k].processes[0].start_s) << "web" << k;
}

TEST(ScenarioLoad, StartDistributionIsDrawnPerGuest) {
  // start uniform [10 s, 20 s]: each of 100 guests draws its own start, all processes of a guest
  // share it, and every start is inside the range.
  const Scenario sc = load_ok(std::string(kOneHost) + R"(guests:
  - name: g{i}
    count: 100
    host: h0
    start: {dist: uniform, min: 10s, max: 20s}
    processes:
      - {count: 2, steps: [{compute: 1Gf}]}
)");
  std::vector<double> starts;
  for (const GuestPlan& g : sc.guests) {
    ASSERT_EQ(g.processes.size(), 2u);
    EXPECT_EQ(g.processes[0].start_s, g.processes[1].start_s);
    EXPECT_GE(g.processes[0].start_s, 10.0);
    EXPECT_LE(g.processes[0].start_s, 20.0);
    starts.push_back(g.processes[0].start_s);
  }
  std::sort(starts.begin(), starts.end());
  EXPECT_EQ(std::unique(starts.begin(), starts.end()), starts.end());
}

TEST(ScenarioLoad, ConstantInterarrivalAccumulates) {
  // start 5 s, interarrival 10 s: replica k starts at 5 + 10 k = 5, 15, 25, 35.
  const Scenario sc = load_ok(std::string(kOneHost) + R"(guests:
  - name: g{i}
    count: 4
    host: h0
    start: 5s
    interarrival: 10s
    processes: [{steps: [{compute: 1Gf}]}]
)");
  ASSERT_EQ(sc.guests.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) EXPECT_DOUBLE_EQ(sc.guests[k].processes[0].start_s, 5.0 + 10.0 * k);
}

TEST(ScenarioLoad, RandomInterarrivalAccumulates) {
  // Exponential gaps (mean 3 s): replica 0 starts at 0 (no gap before it), replica k after k draws,
  // so starts never decrease and the mean gap over 2000 replicas is 3 s within 3 standard errors,
  // 3 x 3 s / sqrt(1999) = 0.2 s.
  const Scenario sc = load_ok(std::string(kOneHost) + R"(guests:
  - name: g{i}
    count: 2000
    host: h0
    interarrival: {dist: exponential, mean: 3s}
    processes: [{steps: [{compute: 1}]}]
)");
  ASSERT_EQ(sc.guests.size(), 2000u);
  EXPECT_DOUBLE_EQ(sc.guests[0].processes[0].start_s, 0.0);
  std::vector<double> gaps;
  for (std::size_t k = 1; k < sc.guests.size(); ++k) {
    const double gap = sc.guests[k].processes[0].start_s - sc.guests[k - 1].processes[0].start_s;
    ASSERT_GE(gap, 0.0);
    gaps.push_back(gap);
  }
  EXPECT_NEAR(mean_of(gaps), 3.0, 0.2);
}

TEST(ScenarioLoad, LoadOptionsSeedReplacesTheFileSeed) {
  // LoadOptions.seed = 9 over "seed: 3" gives seed 9 and exactly the draws of a file saying "seed: 9".
  std::string nine = kRandomGuests;
  nine.replace(nine.find("seed: 3"), 7, "seed: 9");
  const Scenario overridden = load_ok(kRandomGuests, LoadOptions{9});
  EXPECT_EQ(overridden.seed, 9u);
  EXPECT_EQ(all_amounts(overridden), all_amounts(load_ok(nine)));
  EXPECT_NE(all_amounts(overridden), all_amounts(load_ok(kRandomGuests)));
}

TEST(ScenarioLoad, WorkloadsMayBeDefinedAfterTheGuests) {
  // Key order in the map does not matter: guests refer to a workload written below them.
  const Scenario sc = load_ok(std::string(kOneHost) + R"(guests:
  - {name: g, host: h0, workload: late}
workloads:
  late: [{steps: [{compute: 7Gf}]}]
)");
  EXPECT_DOUBLE_EQ(total_flops(sc.guests[0].processes[0]), 7e9);
}

// Runs a loaded scenario to the end and returns the world. Start-up costs
// nothing here (VMs boot instantly), so the hand computations below are
// about CPU sharing alone.
std::unique_ptr<World> run_text(const std::string& text) {
  const Scenario sc = load_ok(text);
  CalibrationProfile instant;
  instant.vm_boot_s = instant.container_start_s = instant.native_start_s = 0.0;
  auto world = build_world(sc, instant);
  world->run(sc.until_s.value_or(engine::Engine::kForever));
  return world;
}

double finish_of(const World& w, const std::string& guest) {
  for (const Guest& g : w.guests())
    if (g.name() == guest) return g.finished_at_s();
  ADD_FAILURE() << "no guest " << guest;
  return -1;
}

TEST(ScenarioWorld, TwoVmsShareOneCore) {
  // 1 core at 1 Gf/s, two 1-vCPU VMs each computing 1 Gf: 0.5 Gf/s each, both done at 1 / 0.5 = 2 s.
  auto w = run_text(R"(version: 1
hosts: [{name: h0, cores: 1, speed: 1Gf}]
guests:
  - {name: "vm{i}", count: 2, host: h0, processes: [{steps: [{compute: 1Gf}]}]}
)");
  ASSERT_EQ(w->hosts().size(), 1u);
  ASSERT_EQ(w->guests().size(), 2u);
  EXPECT_NEAR(finish_of(*w, "vm0"), 2.0, 1e-9);
  EXPECT_NEAR(finish_of(*w, "vm1"), 2.0, 1e-9);
  EXPECT_NEAR(w->makespan_s(), 2.0, 1e-9);
  EXPECT_NEAR(w->hosts()[0].flops_done(), 2e9, 1.0);
}

TEST(ScenarioWorld, StartAndSleepDelayTheWork) {
  // start 5 s, sleep 3 s, then compute 2 Gf alone at 1 Gf/s: 5 + 3 + 2 = 10 s.
  auto w = run_text(R"(version: 1
hosts: [{name: h0, speed: 1Gf}]
guests:
  - {name: g, host: h0, start: 5s, processes: [{steps: [{sleep: 3s}, {compute: 2Gf}]}]}
)");
  EXPECT_NEAR(finish_of(*w, "g"), 10.0, 1e-9);
}

TEST(ScenarioWorld, VcpusBoundAVm) {
  // A 1-vCPU VM on a 4-core host with 2 processes of 1 Gf: the VM gets one core, 1 Gf/s,
  // shared by its 2 tasks: 2 Gf / 1 Gf/s = 2 s. With vcpus: 2 it gets 2 cores: 1 s.
  auto one = run_text(R"(version: 1
hosts: [{name: h0, cores: 4, speed: 1Gf}]
guests:
  - {name: g, host: h0, processes: [{count: 2, steps: [{compute: 1Gf}]}]}
)");
  EXPECT_NEAR(finish_of(*one, "g"), 2.0, 1e-9);
  auto two = run_text(R"(version: 1
hosts: [{name: h0, cores: 4, speed: 1Gf}]
guests:
  - {name: g, host: h0, vcpus: 2, processes: [{count: 2, steps: [{compute: 1Gf}]}]}
)");
  EXPECT_NEAR(finish_of(*two, "g"), 1.0, 1e-9);
}

TEST(ScenarioWorld, CapAndShare) {
  // cap 0.5 Gf: 1 Gf takes 2 s. Shares 1 and 3 on one 1 Gf/s core, 1 Gf each: b gets 0.75 Gf/s and
  // ends at 1/0.75 = 4/3 s; a has done 1/3 Gf by then and finishes the other 2/3 Gf alone: 2 s.
  auto capped = run_text(R"(version: 1
hosts: [{name: h0, cores: 2, speed: 1Gf}]
guests:
  - {name: g, host: h0, cap: 0.5Gf, processes: [{steps: [{compute: 1Gf}]}]}
)");
  EXPECT_NEAR(finish_of(*capped, "g"), 2.0, 1e-9);
  auto shared = run_text(R"(version: 1
hosts: [{name: h0, cores: 1, speed: 1Gf}]
guests:
  - {name: a, host: h0, share: 1, processes: [{steps: [{compute: 1Gf}]}]}
  - {name: b, host: h0, share: 3, processes: [{steps: [{compute: 1Gf}]}]}
)");
  EXPECT_NEAR(finish_of(*shared, "b"), 4.0 / 3.0, 1e-9);
  EXPECT_NEAR(finish_of(*shared, "a"), 2.0, 1e-9);
}

TEST(ScenarioWorld, UntilStopsTheRun) {
  // until: 1 s on a 5 Gf job at 1 Gf/s: the run stops at 1 s with the guest unfinished.
  auto w = run_text(R"(version: 1
until: 1s
hosts: [{name: h0, speed: 1Gf}]
guests:
  - {name: g, host: h0, processes: [{steps: [{compute: 5Gf}]}]}
)");
  EXPECT_NEAR(w->engine().now(), 1.0, 1e-12);
  EXPECT_LT(finish_of(*w, "g"), 0.0);
}

TEST(ScenarioFiles, EveryShippedScenarioLoads) {
  // Each scenarios/*.yaml in the repository is valid (and there is at least one).
  const std::filesystem::path dir = std::filesystem::path(VZLAB_SOURCE_DIR) / "scenarios";
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++n;
    LoadResult r = load_file(entry.path().string(), {});
    EXPECT_TRUE(r.ok()) << (r.error ? r.error->format() : std::string());
    if (r.ok()) {
      EXPECT_FALSE(r.scenario->hosts.empty()) << entry.path();
      auto world = build_world(*r.scenario);
      EXPECT_EQ(world->guests().size(), r.scenario->guests.size());
    }
  }
  EXPECT_GE(n, 1u);
}

TEST(ScenarioFiles, ConsolidationHasTwelveHostsAndTwentyFourGuests) {
  // consolidation.yaml: 8 legacy + 2 vmhost + 2 container hosts; 8 native + 8 VM + 8 container
  // guests, 4 per consolidated host (i/4); each guest runs workload app (web, db).
  LoadResult r = load_file(std::string(VZLAB_SOURCE_DIR) + "/scenarios/consolidation.yaml", {});
  ASSERT_TRUE(r.ok()) << r.error->format();
  const Scenario& sc = *r.scenario;
  EXPECT_EQ(sc.hosts.size(), 12u);
  EXPECT_EQ(sc.guests.size(), 24u);
  EXPECT_EQ(sc.guests[23].host, "ct-host-1");
  EXPECT_EQ(sc.guests[23].spec.mode, GuestMode::kOsLevel);
  EXPECT_EQ(sc.guests[8].spec.name, "app0-vm");
  EXPECT_EQ(sc.guests[11].host, "vmhost-0");
  EXPECT_EQ(sc.guests[12].host, "vmhost-1");
  EXPECT_EQ(sc.guests[15].spec.vcpus, 2);
  EXPECT_EQ(sc.guests[0].spec.mode, GuestMode::kNative);
  for (const GuestPlan& g : sc.guests) EXPECT_EQ(g.processes.size(), 2u);
}

}  // namespace
}  // namespace vzlab::hv::scenario
