// Share groups: grouped activities end at the times max-min sharing gives,
// computed by hand, and at the same times as activities with queue entries of
// their own.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "vzlab/engine/engine.hpp"

namespace vzlab::engine {
namespace {

constexpr double kTol = 1e-12;

struct Job {
  double amount;
  std::vector<Constraint*> on;
  double weight = 1.0;
  double bound = Variable::kNoBound;
  double start = 0.0;
};

// Runs each job from its start time and returns when each one ended.
std::vector<double> run_jobs(Engine& eng, const std::vector<Job>& jobs, bool grouped) {
  std::vector<double> end(jobs.size(), -1.0);
  auto p = [&](std::size_t i) -> Process {
    const Job& j = jobs[i];
    if (j.start > 0) co_await eng.sleep(j.start);
    Activity act(eng, j.amount);
    act.set_grouped(grouped);
    act.variable().set_weight(j.weight);
    act.variable().set_bound(j.bound);
    for (Constraint* c : j.on) act.variable().attach(*c);
    co_await act;
    end[i] = eng.now();
  };
  for (std::size_t i = 0; i < jobs.size(); ++i) eng.spawn(p(i));
  eng.run();
  return end;
}

TEST(ShareGroup, OneLinkThreeFlows) {
  // Capacity 6, amounts 6, 12, 18: 2 each until t=3 (6/2); then 3 each, the
  // second has 6 left -> t=5; the third has 18-6-6=6 left, alone at 6 -> t=6.
  Engine eng;
  Constraint link(eng.fluid(), 6.0);
  const auto end = run_jobs(eng, {{6.0, {&link}}, {12.0, {&link}}, {18.0, {&link}}}, true);
  EXPECT_NEAR(end[0], 3.0, kTol);
  EXPECT_NEAR(end[1], 5.0, kTol);
  EXPECT_NEAR(end[2], 6.0, kTol);
}

TEST(ShareGroup, WeightsSetEachMembersRate) {
  // Capacity 3, weights 1 and 2 -> rates 1 and 2. Amounts 4 and 4: the
  // heavy one ends at 4/2 = 2 with the light one at 2 left, alone at 3 ->
  // 2 + 2/3.
  Engine eng;
  Constraint link(eng.fluid(), 3.0);
  Job light{4.0, {&link}}, heavy{4.0, {&link}};
  heavy.weight = 2.0;
  const auto end = run_jobs(eng, {light, heavy}, true);
  EXPECT_NEAR(end[1], 2.0, kTol);
  EXPECT_NEAR(end[0], 2.0 + 2.0 / 3.0, kTol);
}

TEST(ShareGroup, FlowMovesToAnotherBottleneck) {
  // L1 = 1, L2 = 2; f0 crosses both, f1 only L1, f2 only L2. L1 saturates
  // first: f0 = f1 = 0.5, f2 takes the rest of L2: 1.5. f1 (0.5) ends at
  // t=1: f0 has 1.5 left, f2 has 4-1.5 = 2.5. Now L1 alone would give f0 1,
  // L2 gives 1 each: f0 ends at 1 + 1.5 = 2.5, f2 then has 1 left and is
  // alone on L2 at 2 -> t=3.
  Engine eng;
  Constraint l1(eng.fluid(), 1.0), l2(eng.fluid(), 2.0);
  const auto end = run_jobs(eng, {{2.0, {&l1, &l2}}, {0.5, {&l1}}, {4.0, {&l2}}}, true);
  EXPECT_NEAR(end[1], 1.0, kTol);
  EXPECT_NEAR(end[0], 2.5, kTol);
  EXPECT_NEAR(end[2], 3.0, kTol);
}

TEST(ShareGroup, BoundedMemberLeavesTheGroupAndComesBack) {
  // Capacity 6; a bounded at 1, b and c share the rest: 2.5 each. a (2)
  // ends at t=2, b has 7.5-5 = 2.5 left, c 10-5 = 5; now 3 each: b ends at
  // 2 + 2.5/3; c has 2.5 left, alone at 6 -> + 2.5/6.
  Engine eng;
  Constraint link(eng.fluid(), 6.0);
  Job a{2.0, {&link}};
  a.bound = 1.0;
  const auto end = run_jobs(eng, {a, {7.5, {&link}}, {10.0, {&link}}}, true);
  EXPECT_NEAR(end[0], 2.0, kTol);
  EXPECT_NEAR(end[1], 2.0 + 2.5 / 3.0, kTol);
  EXPECT_NEAR(end[2], 2.0 + 2.5 / 3.0 + 2.5 / 6.0, kTol);
}

TEST(ShareGroup, LateArrivalSlowsTheGroup) {
  // Capacity 1: A (2) from t=0, B (1) from t=0.5. A alone until 0.5 (1.5
  // left), then 0.5 each: B ends at 2.5, A has 0.5 left -> t=3.
  Engine eng;
  Constraint cpu(eng.fluid(), 1.0);
  Job b{1.0, {&cpu}};
  b.start = 0.5;
  const auto end = run_jobs(eng, {{2.0, {&cpu}}, b}, true);
  EXPECT_NEAR(end[1], 2.5, kTol);
  EXPECT_NEAR(end[0], 3.0, kTol);
}

TEST(ShareGroup, PausedMemberKeepsItsWorkAndRejoins) {
  // Capacity 2, A and B of 4 each (1 each). A pauses at t=1 (3 left) and
  // goes back at t=2: B alone at 2 from 1 to 2 (B: 3 - 2 = 1 left), then 1
  // each: B ends at 3, A has 2 left, alone at 2 -> t=4.
  Engine eng;
  Constraint link(eng.fluid(), 2.0);
  double a_end = -1, b_end = -1, a_left = -1;
  auto a = [&]() -> Process {
    Activity act(eng, 4.0);
    act.set_grouped(true);
    act.variable().attach(link);
    co_await eng.sleep(1.0);
    act.pause();
    a_left = act.remaining();
    co_await eng.sleep(1.0);
    act.variable().attach(link);
    co_await act;
    a_end = eng.now();
  };
  auto b = [&]() -> Process {
    Activity act(eng, 4.0);
    act.set_grouped(true);
    act.variable().attach(link);
    co_await act;
    b_end = eng.now();
  };
  eng.spawn(a());
  eng.spawn(b());
  eng.run();
  EXPECT_NEAR(a_left, 3.0, kTol);
  EXPECT_NEAR(b_end, 3.0, kTol);
  EXPECT_NEAR(a_end, 4.0, kTol);
}

TEST(ShareGroup, SameEndsAsActivitiesWithTheirOwnEntries) {
  // A random mesh of links and flows (fixed seed) run twice, grouped and
  // not: the end times agree (the solver's rates are the same; only the
  // bookkeeping of the work left differs, by round-off).
  RandomStream r(11, "share-group-mesh");
  constexpr int kLinks = 12, kFlows = 200;
  std::vector<Job> spec;
  std::vector<std::vector<int>> routes;
  for (int f = 0; f < kFlows; ++f) {
    std::vector<int> route;
    const int hops = 1 + static_cast<int>(r.next_u64() % 3);
    while (static_cast<int>(route.size()) < hops) {
      const int l = static_cast<int>(r.next_u64() % kLinks);
      if (std::find(route.begin(), route.end(), l) == route.end()) route.push_back(l);
    }
    routes.push_back(route);
    Job j{1.0 + 9.0 * r.uniform(), {}};
    j.weight = 1.0 + static_cast<double>(r.next_u64() % 3);
    if (r.next_u64() % 5 == 0) j.bound = 0.5 + r.uniform();
    j.start = 5.0 * r.uniform();
    spec.push_back(j);
  }
  std::vector<double> ends[2];
  for (int grouped = 0; grouped < 2; ++grouped) {
    Engine eng;
    std::vector<std::unique_ptr<Constraint>> links;
    for (int l = 0; l < kLinks; ++l) links.push_back(std::make_unique<Constraint>(eng.fluid(), 1.0 + l % 4));
    std::vector<Job> jobs = spec;
    for (int f = 0; f < kFlows; ++f)
      for (int l : routes[f]) jobs[f].on.push_back(links[l].get());
    ends[grouped] = run_jobs(eng, jobs, grouped == 1);
  }
  for (int f = 0; f < kFlows; ++f) {
    ASSERT_GT(ends[0][f], 0.0);
    EXPECT_NEAR(ends[1][f], ends[0][f], 1e-9 * ends[0][f]) << "flow " << f;
  }
}

TEST(ShareGroup, FlowsWithOneBottleneckShareAGroup) {
  // L1 = 2 carries f0 and f1, L2 = 10 carries f0, f2 and f3. L1 saturates at
  // 1 each (f0, f1: one group); L2 leaves 9 to f2 and f3: 4.5 each (another).
  FluidSystem sys;
  Constraint l1(sys, 2.0), l2(sys, 10.0);
  Variable f0(sys), f1(sys), f2(sys), f3(sys);
  for (Variable* v : {&f0, &f1, &f2, &f3}) v->set_grouped(true);
  f0.attach(l1);
  f0.attach(l2);
  f1.attach(l1);
  f2.attach(l2);
  f3.attach(l2);
  sys.solve();
  EXPECT_NEAR(f1.value(), 1.0, kTol);
  EXPECT_NEAR(f3.value(), 4.5, kTol);
  EXPECT_NE(f0.group(), kNoGroup);
  EXPECT_EQ(f0.group(), f1.group());
  EXPECT_EQ(f2.group(), f3.group());
  EXPECT_NE(f2.group(), f0.group());
}

}  // namespace
}  // namespace vzlab::engine
