// The incremental solver against a plain max-min solver written here from the
// definition: random systems go through random changes (variables joining,
// leaving, being destroyed, weights, bounds and capacities changing), and
// after every solve each value must be the one a fresh progressive filling of
// the whole system gives. Partial re-solves (from the level a change first
// matters) must agree with it as much as full ones do; so must what the
// observers and the group listener were told.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "vzlab/engine/fluid.hpp"

namespace vzlab::engine {
namespace {

struct RefVar {
  double weight = 1.0;
  double bound = Variable::kNoBound;
  std::vector<int> on;  // constraints crossed
};

// Weighted max-min by progressive filling, all at once: raise one level,
// fix a variable when its bound or one of its constraints is reached.
std::vector<double> reference(const std::vector<double>& capacity, const std::vector<RefVar>& vars) {
  std::vector<double> value(vars.size(), 0.0);
  std::vector<bool> fixed(vars.size(), false);
  std::vector<double> remaining(capacity);
  for (double& r : remaining) r = std::max(r, 0.0);
  std::size_t left = 0;
  for (std::size_t i = 0; i < vars.size(); ++i) {
    fixed[i] = vars[i].weight <= 0 || vars[i].on.empty();
    left += !fixed[i];
  }
  while (left > 0) {
    double level = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < capacity.size(); ++c) {
      double w = 0;
      for (std::size_t i = 0; i < vars.size(); ++i)
        if (!fixed[i] && std::count(vars[i].on.begin(), vars[i].on.end(), static_cast<int>(c)) > 0) w += vars[i].weight;
      if (w > 0) level = std::min(level, std::max(remaining[c], 0.0) / w);
    }
    for (std::size_t i = 0; i < vars.size(); ++i)
      if (!fixed[i]) level = std::min(level, vars[i].bound / vars[i].weight);
    const double at = level * (1 + 1e-12);
    std::vector<bool> full(capacity.size(), false);
    for (std::size_t c = 0; c < capacity.size(); ++c) {
      double w = 0;
      for (std::size_t i = 0; i < vars.size(); ++i)
        if (!fixed[i] && std::count(vars[i].on.begin(), vars[i].on.end(), static_cast<int>(c)) > 0) w += vars[i].weight;
      full[c] = w > 0 && std::max(remaining[c], 0.0) / w <= at;
    }
    for (std::size_t i = 0; i < vars.size(); ++i) {
      if (fixed[i]) continue;
      const bool bounded = vars[i].bound / vars[i].weight <= at;
      const bool blocked = std::any_of(vars[i].on.begin(), vars[i].on.end(), [&](int c) { return full[c]; });
      if (!bounded && !blocked) continue;
      value[i] = bounded ? vars[i].bound : vars[i].weight * level;
      fixed[i] = true;
      --left;
      for (int c : vars[i].on) remaining[c] -= value[i];
    }
  }
  return value;
}

struct Levels : GroupListener {
  void on_group_level(std::uint32_t group, double level) override { level_of[group] = level; }
  void on_group_removed(std::uint32_t group) override { level_of.erase(group); }
  std::map<std::uint32_t, double> level_of;
};

struct Told : VariableObserver {
  void on_value_change(double, double new_value) override { value = new_value; }
  void on_group_change(std::uint32_t, std::uint32_t new_group, double, double new_value) override {
    group = new_group;
    value = new_value;
  }
  std::uint32_t group = kNoGroup;
  double value = 0.0;
};

// One slot of the random system: a variable (or none) and what the
// reference knows of it.
struct Slot {
  std::unique_ptr<Variable> var;
  std::unique_ptr<Told> told;
  RefVar ref;
  bool grouped = false;
};

void expect_near_rel(double got, double want, const char* what, int seed, int step, std::size_t i) {
  EXPECT_NEAR(got, want, 1e-9 * std::max(1.0, std::abs(want)))
      << what << " of variable " << i << ", seed " << seed << ", after change " << step;
}

struct Solves {
  std::uint64_t partial = 0;
  std::uint64_t all = 0;
};

// Runs one random system; adds its solves to `solves`.
void run_random_system(int seed, int n_constraints, int n_slots, int steps, Solves& solves) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
  auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  FluidSystem sys;
  Levels levels;
  sys.set_group_listener(&levels);
  std::vector<std::unique_ptr<Constraint>> cons;
  std::vector<double> capacity;
  for (int c = 0; c < n_constraints; ++c) {
    capacity.push_back(uniform(1.0, 10.0));
    cons.push_back(std::make_unique<Constraint>(sys, capacity.back()));
  }
  std::vector<Slot> slots(static_cast<std::size_t>(n_slots));
  auto random_weight = [&] {
    const int k = pick(10);
    return k == 0 ? 0.0 : k < 6 ? 1.0 : uniform(0.2, 4.0);
  };
  auto random_bound = [&] { return pick(4) == 0 ? uniform(0.1, 3.0) : Variable::kNoBound; };
  auto attach_random = [&](Slot& s) {
    const int n = 1 + pick(3);
    for (int k = 0; k < n; ++k) {
      const int c = pick(n_constraints);
      if (std::count(s.ref.on.begin(), s.ref.on.end(), c) > 0) continue;
      s.var->attach(*cons[static_cast<std::size_t>(c)]);
      s.ref.on.push_back(c);
    }
  };
  for (int step = 0; step < steps; ++step) {
    Slot& s = slots[static_cast<std::size_t>(pick(n_slots))];
    const int op = pick(12);
    if (!s.var) {
      // Create it: weight and bound before attaching, as activities do.
      s.var = std::make_unique<Variable>(sys);
      s.told = std::make_unique<Told>();
      s.grouped = pick(2) == 0;
      s.var->set_grouped(s.grouped);
      s.var->set_observer(s.told.get());
      s.ref = {};
      s.ref.weight = random_weight();
      s.ref.bound = random_bound();
      s.var->set_weight(s.ref.weight);
      s.var->set_bound(s.ref.bound);
      attach_random(s);
    } else if (op < 3) {
      s.var.reset();
      s.told.reset();
      s.ref = {};
    } else if (op < 5) {
      s.var->detach_all();
      s.ref.on.clear();
      // Leaving sets the value to 0 and the group to none without a call
      // (the caller knows it left).
      s.told->value = 0.0;
      s.told->group = kNoGroup;
      if (pick(2) == 0) attach_random(s);  // moved at once
    } else if (op < 7) {
      attach_random(s);  // joins more constraints, possibly while solved elsewhere
    } else if (op < 9) {
      s.ref.weight = random_weight();
      s.var->set_weight(s.ref.weight);
    } else if (op < 10) {
      s.ref.bound = random_bound();
      s.var->set_bound(s.ref.bound);
    } else {
      const int c = pick(n_constraints);
      capacity[static_cast<std::size_t>(c)] = pick(8) == 0 ? 0.0 : uniform(1.0, 10.0);
      cons[static_cast<std::size_t>(c)]->set_capacity(capacity[static_cast<std::size_t>(c)]);
    }
    if (pick(3) != 0) continue;  // several changes per solve, sometimes
    sys.solve();
    ASSERT_FALSE(sys.dirty());
    std::vector<RefVar> ref;
    for (const Slot& t : slots) ref.push_back(t.var ? t.ref : RefVar{});
    const std::vector<double> want = reference(capacity, ref);
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (!slots[i].var) continue;
      const Slot& t = slots[i];
      expect_near_rel(t.var->value(), want[i], "value", seed, step, i);
      if (t.ref.on.empty()) continue;
      if (!t.grouped) {
        expect_near_rel(t.told->value, want[i], "value told", seed, step, i);
        continue;
      }
      // A grouped variable is told its group; in it, its value is its weight
      // times the group's level as told to the listener.
      EXPECT_EQ(t.told->group, t.var->group()) << "seed " << seed << ", after change " << step;
      if (t.var->group() == kNoGroup) {
        expect_near_rel(t.told->value, want[i], "value told", seed, step, i);
      } else {
        ASSERT_EQ(levels.level_of.count(t.var->group()), 1u);
        expect_near_rel(t.ref.weight * levels.level_of[t.var->group()], want[i], "group level", seed, step, i);
      }
    }
    if (::testing::Test::HasFailure()) break;  // the first wrong solve is the one to read
  }
  solves.partial += sys.partial_solves();
  solves.all += sys.components_solved();
}

// Both kinds of solve were checked, whole components and partial ones,
// each at least `share` of them.
void expect_both_kinds(const Solves& solves, double share) {
  EXPECT_GT(static_cast<double>(solves.partial), share * static_cast<double>(solves.all));
  EXPECT_GT(static_cast<double>(solves.all - solves.partial), share * static_cast<double>(solves.all));
}

TEST(FluidIncremental, SmallSystemsMatchAFreshFilling) {
  Solves solves;
  for (int seed = 1; seed <= 300 && !HasFailure(); ++seed) run_random_system(seed, 4, 10, 300, solves);
  // Small constraints are solved whole when a variable joins them.
  expect_both_kinds(solves, 0.1);
}

TEST(FluidIncremental, LargerSystemsMatchAFreshFilling) {
  Solves solves;
  for (int seed = 1; seed <= 20 && !HasFailure(); ++seed) run_random_system(1000 + seed, 12, 60, 1500, solves);
  expect_both_kinds(solves, 0.2);
}

TEST(FluidIncremental, OnlyChangesInReachAreRefilled) {
  // Two links of 10, with flows a (on both), b and c (on the first) and d
  // (on the second): the first link's flows get 10/3 each, d gets the rest
  // of the second link, 10 - 10/3. When d leaves, a, b and c stay where they
  // are (they were fixed below d's level) and nothing is told to them.
  FluidSystem sys;
  Constraint l1(sys, 10.0), l2(sys, 10.0);
  Variable a(sys), b(sys), c(sys);
  std::vector<Told> told(3);
  a.set_observer(&told[0]);
  b.set_observer(&told[1]);
  c.set_observer(&told[2]);
  a.attach(l1);
  a.attach(l2);
  b.attach(l1);
  c.attach(l1);
  auto d = std::make_unique<Variable>(sys);
  d->attach(l2);
  sys.solve();
  EXPECT_NEAR(a.value(), 10.0 / 3, 1e-12);
  EXPECT_NEAR(d->value(), 10.0 - 10.0 / 3, 1e-12);
  for (Told& t : told) t.value = -1;
  d.reset();
  sys.solve();
  EXPECT_NEAR(a.value(), 10.0 / 3, 1e-12);
  EXPECT_NEAR(l2.usage(), 10.0 / 3, 1e-12);
  for (const Told& t : told) EXPECT_EQ(t.value, -1) << "a flow fixed below the leaving one's level was touched";
  // A new flow on the second link takes what a leaves of it (a keeps 10/3).
  Variable e(sys);
  e.attach(l2);
  sys.solve();
  EXPECT_NEAR(e.value(), 10.0 - 10.0 / 3, 1e-12);
  // A new flow on the first link lowers a, b and c to 10/4: a gives back on
  // the second link, which e takes.
  Variable f(sys);
  f.attach(l1);
  sys.solve();
  EXPECT_NEAR(a.value(), 2.5, 1e-12);
  EXPECT_NEAR(f.value(), 2.5, 1e-12);
  EXPECT_NEAR(e.value(), 7.5, 1e-12);
}

}  // namespace
}  // namespace vzlab::engine
