#include "vzlab/engine/fluid.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace vzlab::engine {

namespace {
// Relative slack when deciding that a constraint or bound is reached at the
// current fill level; keeps round-off from splitting one level into two.
constexpr double kLevelSlack = 1e-12;

// The smallest float not below x (levels are kept as floats, rounded up, so
// that a variable at or above a level is never taken for one below it).
inline float float_at_least(double x) {
  float f = static_cast<float>(x);
  if (static_cast<double>(f) < x) f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return f;
}

// The largest float not above x (restart levels are rounded down).
inline float float_at_most(double x) {
  float f = static_cast<float>(x);
  if (static_cast<double>(f) > x) f = std::nextafter(f, -std::numeric_limits<float>::infinity());
  return f;
}

constexpr double kInf = std::numeric_limits<double>::infinity();
// Batches of dirty constraints up to this size start from their lowest level.
constexpr std::size_t kSmallBatch = 4;
}  // namespace

inline void FluidSystem::lower_restart(std::uint32_t ci, double level) {
  float& r = cons_[ci].restart;
  if (level < static_cast<double>(r)) r = float_at_most(level);
}

inline void FluidSystem::note_new(std::uint32_t ci, const VarHot& v) {
  if (v.weight > 0) cons_[ci].fresh = true;
  else lower_restart(ci, 0.0);
}

inline void FluidSystem::update_enabled(std::uint32_t vi) {
  const VarHot& v = vars_[vi];
  const std::uint32_t n = v.count;
  if (n < 2) return;  // the bit of a single entry stays set (see Entry)
  const std::uint32_t first = v.first[0] | (v.weight > 0 ? kEnabled : 0u);
  entries(v.first[0])[v.slot[0]].first = first;
  entries(v.first[1])[v.slot[1]].first = first;
  for (std::uint32_t m = kInlineMembers; m < n; ++m) {
    const Membership& ms = var_cold_[vi].more[m - kInlineMembers];
    entries(ms.constraint)[ms.slot].first = first;
  }
}

inline void FluidSystem::update_pending(std::uint32_t vi) {
  VarHot& v = vars_[vi];
  // Called after a change of weight or bound: one that was not pending (equal
  // to the solved ones) now is, without a look at the solved ones.
  const bool pending =
      !v.pending || v.weight != var_cold_[vi].solved_weight || v.bound != var_cold_[vi].solved_bound;
  if (pending == v.pending) return;
  v.pending = pending;
  for (std::uint32_t m = 0; m < v.count; ++m) {
    const std::uint32_t ci = member_constraint(vi, m);
    if (pending) {
      ++cons_[ci].pending_vars;
      mark_dirty(ci);
      // Its level of the last solve no longer holds.
      if (v.level == kNoLevel) note_new(ci, v);
      else lower_restart(ci, 0.0);
    } else {
      --cons_[ci].pending_vars;
    }
  }
}

// ---------------------------------------------------------------- Variable

Variable::~Variable() { system_->release_variable(index_); }

void Variable::attach(Constraint& c) { system_->attach(index_, c.index_); }

void Variable::detach_all() { system_->detach_all(index_); }

void Variable::set_weight(double weight) {
  FluidSystem::VarHot& v = system_->vars_[index_];
  if (weight == v.weight) return;
  const bool was_enabled = v.weight > 0;
  v.weight = weight;
  if (was_enabled != (weight > 0)) system_->update_enabled(index_);
  system_->update_pending(index_);
}

void Variable::set_bound(double bound) {
  FluidSystem::VarHot& v = system_->vars_[index_];
  if (bound == v.bound) return;
  v.bound = bound;
  system_->update_pending(index_);
}

void Variable::set_grouped(bool grouped) {
  FluidSystem::VarHot& v = system_->vars_[index_];
  assert(v.count == 0 && "set_grouped on an attached variable");
  v.grouped = grouped;
  v.group = kNoGroup;
}

void Variable::drive(Constraint& c) {
  FluidSystem& s = *system_;
  FluidSystem::VarCold& cold = s.var_cold_[index_];
  if (cold.drives != FluidSystem::kNone) s.cons_[cold.drives].driver = FluidSystem::kNone;
  cold.drives = c.index_;
  s.vars_[index_].drives = true;
  FluidSystem::ConsData& cd = s.cons_[c.index_];
  cd.driver = index_;
  int level = 0;
  for (std::uint32_t m = 0; m < s.vars_[index_].count; ++m) level = std::max(level, s.cons_[s.member_constraint(index_, m)].level);
  if (cd.dirty) s.forget(c.index_);
  cd.level = level + 1;
  s.set_capacity(c.index_, s.vars_[index_].value);
  s.mark_dirty(c.index_);
  s.lower_restart(c.index_, 0.0);
}

// -------------------------------------------------------------- Constraint

Constraint::Constraint(FluidSystem& system, double capacity)
    : system_(&system), index_(system.new_constraint(capacity)) {}

Constraint::~Constraint() { system_->release_constraint(index_); }

void Constraint::set_capacity(double capacity) { system_->set_capacity(index_, capacity); }

double Constraint::usage() const {
  double sum = 0.0;
  const FluidSystem::Entry* e = system_->entries(index_);
  for (std::uint32_t i = 0; i < system_->cons_[index_].size; ++i) sum += system_->vars_[e[i].var].value;
  return sum;
}

// ------------------------------------------------------------- FluidSystem

std::uint32_t FluidSystem::new_variable() {
  std::uint32_t v;
  if (free_vars_.empty()) {
    v = static_cast<std::uint32_t>(vars_.size());
    vars_.emplace_back();
    var_cold_.emplace_back();
  } else {
    v = free_vars_.back();
    free_vars_.pop_back();
    vars_[v] = VarHot{};
    VarCold& cold = var_cold_[v];
    cold.observer = nullptr;
    cold.drives = kNone;
    cold.solved_weight = 1.0;
    cold.solved_bound = Variable::kNoBound;
  }
  return v;
}

void FluidSystem::release_variable(std::uint32_t v) {
  detach_all(v);
  if (vars_[v].drives) cons_[var_cold_[v].drives].driver = kNone;
  free_vars_.push_back(v);
}

std::uint32_t FluidSystem::new_constraint(double capacity) {
  std::uint32_t c;
  if (free_cons_.empty()) {
    c = static_cast<std::uint32_t>(cons_.size());
    cons_.emplace_back();
    cons_scratch_.emplace_back();
    cons_spill_.emplace_back();
  } else {
    c = free_cons_.back();
    free_cons_.pop_back();
  }
  ConsData& cd = cons_[c];
  cd.capacity = capacity;
  cd.pending_vars = 0;
  cd.driver = kNone;
  cd.level = 0;
  clear_changes(cd);
  cd.structural = false;
  cd.reported_level = -1.0;
  return c;
}

void FluidSystem::release_constraint(std::uint32_t c) {
  if (cons_[c].driver != kNone) {
    const std::uint32_t d = cons_[c].driver;
    var_cold_[d].drives = kNone;
    vars_[d].drives = false;
  }
  while (cons_[c].size > 0) detach_all(entries(c)[cons_[c].size - 1].var);
  if (cons_[c].dirty) forget(c);
  if (group_listener_ != nullptr && cons_[c].reported_level >= 0) group_listener_->on_group_removed(c);
  free_cons_.push_back(c);
}

void FluidSystem::attach(std::uint32_t vi, std::uint32_t ci) {
#ifndef NDEBUG
  for (std::uint32_t m = 0; m < vars_[vi].count; ++m)
    assert(member_constraint(vi, m) != ci && "variable already crosses this constraint");
#endif
  VarHot& v = vars_[vi];
  VarCold& cold = var_cold_[vi];
  ConsData& c = cons_[ci];
  const std::uint32_t m = v.count;
  const std::uint32_t slot = c.size;
  if (m < kInlineMembers) {
    v.first[m] = ci;
    v.slot[m] = slot;
  } else {
    cold.more.push_back({ci, slot});
  }
  ++v.count;
  if (m > 0 && v.level != kNoLevel) {
    // Its constraints so far may see its share change from its old level on
    // (also if it leaves again before the next solve).
    for (std::uint32_t k = 0; k < m; ++k) {
      const std::uint32_t other = member_constraint(vi, k);
      cons_[other].structural = true;
      mark_dirty(other);
      lower_restart(other, v.level);
    }
  }
  // Its share is new wherever it is attached: the next solve finds it again.
  v.level = kNoLevel;
  assert(ci < kEnabled && "too many constraints");
  const std::uint32_t first = v.first[0] | (v.weight > 0 || m == 0 ? kEnabled : 0u);
  if (m == 1) entries(v.first[0])[v.slot[0]].first = first;
  push_entry(ci, {vi, first});
  if (v.pending) ++c.pending_vars;
  // Also when disabled now but enabled at the last solve: its weight may
  // come back before the next solve, which would then look like no change.
  // And when its weight or bound changed since the last solve: while that
  // stays so, another change of them marks nothing.
  if (v.weight > 0 || v.solved_enabled || v.pending) {
    c.structural = true;
    mark_dirty(ci);
    note_new(ci, v);
  }
}

inline FluidSystem::Entry FluidSystem::remove_entry(std::uint32_t ci, std::uint32_t slot) {
  ConsData& c = cons_[ci];
  Entry* data = entries(ci);
  const Entry moved = data[c.size - 1];
  data[slot] = moved;
  --c.size;
  if (c.size >= kInlineEntries) {
    std::vector<Entry>& spill = cons_spill_[ci];
    if (c.size == kInlineEntries) {
      std::copy(spill.begin(), spill.begin() + kInlineEntries, c.inline_entries);
      spill.clear();
    } else {
      spill.pop_back();
    }
  }
  return moved;
}

void FluidSystem::detach_all(std::uint32_t vi) {
  const std::uint32_t n = vars_[vi].count;
  const bool counts = vars_[vi].weight > 0 || vars_[vi].solved_enabled;
  const bool pending = vars_[vi].pending;
  // Below the level it was fixed at, it only took from its constraints: the
  // filling there is unchanged without it. (Had its weight or bound changed
  // since, its constraints already start from 0.)
  const double gone = vars_[vi].level;
  for (std::uint32_t m = 0; m < n; ++m) {
    const std::uint32_t ci = member_constraint(vi, m);
    const std::uint32_t slot = member_slot(vi, m);
    ConsData& c = cons_[ci];
    const Entry moved = remove_entry(ci, slot);
    slot_in(moved.var, ci) = slot;
    if (pending) --c.pending_vars;
    // It changes the constraint if it takes part now or did at the last
    // solve (a variable disabled and detached before a solve still holds
    // its old share until one runs).
    if (counts) {
      c.structural = true;
      mark_dirty(ci);
      lower_restart(ci, gone);
    }
  }
  VarHot& v = vars_[vi];
  if (n > kInlineMembers) var_cold_[vi].more.clear();
  v.count = 0;
  v.first[0] = v.first[1] = kNone;
  v.value = 0.0;
  v.level = kNoLevel;
  v.group = kNoGroup;
  if (v.drives) set_capacity(var_cold_[vi].drives, 0.0);
}

std::uint32_t& FluidSystem::slot_in_more(std::uint32_t vi, std::uint32_t ci) {
  for (Membership& m : var_cold_[vi].more)
    if (m.constraint == ci) return m.slot;
  assert(false && "variable does not cross the constraint");
  return vars_[vi].slot[0];
}

void FluidSystem::push_entry(std::uint32_t ci, Entry e) {
  ConsData& c = cons_[ci];
  if (c.size < kInlineEntries) {
    c.inline_entries[c.size++] = e;
    return;
  }
  std::vector<Entry>& spill = cons_spill_[ci];
  if (c.size == kInlineEntries) spill.assign(c.inline_entries, c.inline_entries + kInlineEntries);
  spill.push_back(e);
  ++c.size;
}

void FluidSystem::set_capacity(std::uint32_t ci, double capacity) {
  ConsData& c = cons_[ci];
  if (capacity == c.capacity) return;
  c.capacity = capacity;
  c.structural = true;
  mark_dirty(ci);
  lower_restart(ci, 0.0);
}

void FluidSystem::mark_dirty(std::uint32_t ci) {
  ConsData& c = cons_[ci];
  if (c.dirty) return;
  c.dirty = true;
  enqueue(ci);
}

void FluidSystem::enqueue(std::uint32_t ci) {
  const auto level = static_cast<std::size_t>(cons_[ci].level);
  if (dirty_by_level_.size() <= level) dirty_by_level_.resize(level + 1);
  dirty_by_level_[level].push_back(ci);
  ++dirty_count_;
}

void FluidSystem::forget(std::uint32_t ci) {
  auto& list = dirty_by_level_[cons_[ci].level];
  auto it = std::find(list.begin(), list.end(), ci);
  if (it != list.end()) list.erase(it);
  cons_[ci].dirty = false;
  --dirty_count_;
}

void FluidSystem::solve() {
  while (dirty_count_ > 0) {
    std::size_t level = 0;
    while (dirty_by_level_[level].empty()) ++level;
    batch_.clear();
    batch_.swap(dirty_by_level_[level]);
    // One change usually marks a few constraints together (a flow's links):
    // a solve that meets another of them at a lower level has to gather
    // again, so a small batch starts from its lowest level at once.
    double batch_from = kInf;
    if (batch_.size() <= kSmallBatch)
      for (const std::uint32_t ci : batch_)
        if (cons_[ci].dirty) batch_from = std::min(batch_from, restart_level(ci));
    for (std::size_t k = 0; k < batch_.size(); ++k) {
      const std::uint32_t ci = batch_[k];
      ConsData& c = cons_[ci];
      if (!c.dirty) continue;
      if (!c.structural && c.pending_vars == 0) {
        // Every change since the last solve was undone: nothing to do.
        clear_changes(c);
        --dirty_count_;
        continue;
      }
      solve_component(ci, batch_from);
    }
  }
}

void FluidSystem::settle_pending(std::uint32_t vi, VarHot& v) {
  VarCold& cold = var_cold_[vi];
  cold.solved_weight = v.weight;
  cold.solved_bound = v.bound;
  v.solved_enabled = v.weight > 0;
  v.pending = false;
  for (std::uint32_t m = 0; m < v.count; ++m) {
    const std::uint32_t ci = member_constraint(vi, m);
    --cons_[ci].pending_vars;
    // A disabled variable does not link its other constraints into this
    // component; they still have to be solved for its change.
    if (cons_scratch_[ci].stamp != solve_stamp_) cons_[ci].structural = true;
  }
}

inline bool FluidSystem::settle(std::uint32_t vi, VarHot& v, double value, float level, std::uint32_t group) {
  v.fixed = true;
  v.level = level;
  const bool was_pending = v.pending;
  if (was_pending) settle_pending(vi, v);
  const double old_value = v.value;
  const bool value_changed = value != old_value;
  bool notify;
  if (v.grouped) {
    // A grouped variable that stays in its group follows the group's level.
    notify = (group != v.group) | (was_pending & (group != kNoGroup)) | ((group == kNoGroup) & value_changed);
  } else {
    notify = value_changed;
  }
  if (notify || (value_changed && v.drives)) changes_.push_back({v.pos, vi, v.group, notify, old_value});
  v.group = group;
  v.value = value_changed ? value : old_value;
  return value_changed;
}

double FluidSystem::first_saturation(std::uint32_t ci) const {
  const Entry* const entry = entries(ci);
  const std::uint32_t n = cons_[ci].size;
  const double capacity = std::max(cons_[ci].capacity, 0.0);
  double bound_level = kInf;
  double weight = 0.0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const VarHot& v = vars_[entry[i].var];
    if (v.weight <= 0) continue;
    weight += v.weight;
    if (v.level == kNoLevel && v.bound != Variable::kNoBound)
      bound_level = std::min(bound_level, v.bound / v.weight);
  }
  if (weight <= 0) return bound_level;
  // Raise t towards the level where the usage (the values of the variables
  // fixed below t, plus weight x t for the others) meets the capacity; every
  // step stays at or below it.
  double t = capacity / weight;
  for (int step = 0; step < 8; ++step) {
    double fixed = 0.0;
    double rising = 0.0;
    for (std::uint32_t i = 0; i < n; ++i) {
      const VarHot& v = vars_[entry[i].var];
      if (v.weight <= 0) continue;
      if (v.level < t) fixed += v.value;
      else rising += v.weight;
    }
    if (rising <= 0) return bound_level;  // all fixed below t: it never saturates
    const double next = (capacity - fixed) / rising;
    if (!(next > t)) break;
    t = next;
  }
  return std::min(t, bound_level);
}

double FluidSystem::restart_level(std::uint32_t ci) {
  ConsData& c = cons_[ci];
  if (c.fresh) {
    c.fresh = false;
    // A constraint of a few entries is solved whole: finding the level costs
    // about as much as the solve.
    if (c.restart > 0) lower_restart(ci, c.size <= kInlineEntries ? 0.0 : first_saturation(ci));
  }
  return c.restart;
}

// Progressive filling raises one level for all; a change first matters at
// some level (a variable that leaves: where it was fixed; one that joins:
// where one of its constraints would now saturate). Below that level the
// new filling is the last one, so a solve starts there: the variables fixed
// below it keep their values and only reduce their constraints' capacity,
// and only the variables above it, linked through constraints to the changed
// ones, are filled again. A change of capacity, weight or bound starts from 0,
// which re-solves the whole component.
void FluidSystem::solve_component(std::uint32_t seed, double from) {
  ++components_solved_;
  from = std::min(from, restart_level(seed));
  std::uint64_t stamp = 0;
  std::uint32_t var_stamp = 0;
  std::size_t unfixed = 0;
  std::uint64_t changed = 0;  // values the solve changed
  std::size_t nvars = 0;  // used part of comp_vars_
  VarHot* const vars = vars_.data();
  ConsData* const cons = cons_.data();
  ConsScratch* const scratch = cons_scratch_.data();

  // Gather the component (constraints linked through enabled variables) and
  // set up the filling as it grows. An enabled variable is taken from its
  // first constraint only (which joins the component as soon as the variable
  // is seen), so each is taken once without a test on the order of visits.
  auto add_constraint = [&](std::uint32_t ci) {
    ConsScratch& s = scratch[ci];
    s.stamp = stamp;
    s.remaining = std::max(cons[ci].capacity, 0.0);
    s.active_weight = 0.0;
    s.unfixed = 0;
    comp_constraints_.push_back(ci);
  };
  // An enabled variable counts in each of its constraints.
  auto join = [&](std::uint32_t ci, double w) {
    ConsScratch& s = scratch[ci];
    if (s.stamp != stamp) add_constraint(ci);
    s.active_weight += w;
    ++s.unfixed;
  };
  // Room for the variables taken at a constraint of n_entries entries.
  auto room = [&](std::size_t n_entries) {
    if (comp_vars_.size() < nvars + n_entries) comp_vars_.resize(std::max(nvars + n_entries, 2 * comp_vars_.size()));
    return comp_vars_.data() + nvars;
  };
  // Starts the loads of the entries of the constraint gathered after the k-th.
  auto prefetch_next = [&](std::size_t k) {
    if (k + 1 < comp_constraints_.size()) {
      const Entry* const next = entries(comp_constraints_[k + 1]);
      __builtin_prefetch(next);
      __builtin_prefetch(next + 8);
    }
  };
  // The variables taken at constraint `self` (written at `out`) have it
  // first: its sums are kept in registers (added to in the same order).
  auto take = [&](std::uint32_t self, std::uint32_t* out, std::size_t taken) {
    const std::size_t first = nvars;
    nvars += taken;
    ConsScratch& own = scratch[self];
    double own_weight = own.active_weight;
    std::uint32_t own_unfixed = own.unfixed;
    for (std::size_t j = 0; j < taken; ++j) {
      const std::uint32_t vi = out[j];
      VarHot& v = vars[vi];
      v.pos = static_cast<std::uint32_t>(first + j);
      v.fixed = v.weight <= 0;
      if (v.fixed) {
        comp_disabled_.push_back(vi);
        continue;
      }
      ++unfixed;
      if (v.bound != Variable::kNoBound) comp_bounded_.push_back(vi);
      const double w = v.weight;
      const std::uint32_t n = v.count;
      assert(v.first[0] == self);
      own_weight += w;
      ++own_unfixed;
      if (n > 1) join(v.first[1], w);
      for (std::uint32_t m = kInlineMembers; m < n; ++m) join(var_cold_[vi].more[m - kInlineMembers].constraint, w);
    }
    own.active_weight = own_weight;
    own.unfixed = own_unfixed;
  };

  for (bool gathered = false; !gathered;) {
    stamp = ++stamp_;
    var_stamp = static_cast<std::uint32_t>(stamp);
    if (var_stamp == 0) {
      // The variables' stamps are the low bits: clear them once per wrap.
      for (VarHot& v : vars_) v.stamp = 0;
      stamp = ++stamp_;
      var_stamp = static_cast<std::uint32_t>(stamp);
    }
    comp_constraints_.clear();
    comp_bounded_.clear();
    comp_disabled_.clear();
    unfixed = 0;
    nvars = 0;
    add_constraint(seed);
    gathered = true;
    for (std::size_t k = 0; k < comp_constraints_.size(); ++k) {
      const std::uint32_t self = comp_constraints_[k];
      if (from > 0 && cons[self].dirty) {
        const double r = restart_level(self);
        if (r < from) {
          // Another change in reach matters lower down: gather again from there.
          from = r;
          gathered = false;
          break;
        }
      }
      prefetch_next(k);
      const std::size_t n_entries = cons[self].size;
      std::uint32_t* const out = room(n_entries);
      const Entry* const entry = entries(self);
      std::size_t taken = 0;
      if (from > 0) {
        // Variables below `from` keep their values: only their sum is needed.
        double fixed = 0.0;
        for (std::size_t i = 0; i < n_entries; ++i) {
          const Entry e = entry[i];
          const VarHot& v = vars[e.var];
          if (!(e.first & kEnabled)) {
            // A disabled variable crossing several constraints links
            // nothing, and has 0 once solved; one that changed since, or
            // was attached since, is found only by a whole solve.
            if (v.pending || v.level == kNoLevel) {
              from = 0.0;
              gathered = false;
              break;
            }
            continue;
          }
          if (v.level < from) {
            fixed += v.value;
            continue;
          }
          out[taken] = e.var;
          const std::uint32_t f = e.first & ~kEnabled;
          taken += f == self;
          if (scratch[f].stamp != stamp) add_constraint(f);
        }
        if (!gathered) break;
        scratch[self].remaining -= fixed;
      } else {
        for (std::size_t i = 0; i < n_entries; ++i) {
          const Entry e = entry[i];
          out[taken] = e.var;
          if (e.first & kEnabled) {
            // Read below when the variable is taken here, or when its first
            // constraint is gathered: start the load now.
            __builtin_prefetch(vars + e.var);
            const std::uint32_t f = e.first & ~kEnabled;
            taken += f == self;
            // Its first constraint joins the component (and takes it there).
            if (scratch[f].stamp != stamp) add_constraint(f);
            continue;
          }
          VarHot& v = vars[e.var];
          if (v.stamp != var_stamp) {
            // A disabled variable links nothing; take it from whichever of its
            // constraints comes first (its value becomes 0).
            v.stamp = var_stamp;
            ++taken;
          }
        }
      }
      take(self, out, taken);
    }
  }
  solve_stamp_ = stamp;
  partial_solves_ += from > 0;
  for (const std::uint32_t ci : comp_constraints_) {
    ConsData& c = cons[ci];
    dirty_count_ -= c.dirty;
    clear_changes(c);
    c.structural = false;
  }
  changes_.clear();
  level_changes_.clear();

  // Progressive filling: raise a common level; fix variables as their bound
  // or one of their constraints is reached.
  auto release = [&](std::uint32_t ci, double value, double w) {
    ConsScratch& s = scratch[ci];
    s.remaining -= value;
    const std::uint32_t left = --s.unfixed;
    s.active_weight = left == 0 ? 0.0 : s.active_weight - w;
  };
  // Disabled variables get 0, once the whole component is known (see settle).
  for (const std::uint32_t vi : comp_disabled_) changed += settle(vi, vars[vi], 0.0, 0.0f, kNoGroup);
  // Constraints that still have unfixed variables, in component order, and
  // the level each would reach alone.
  std::vector<std::uint32_t>& open = comp_open_;
  std::vector<double>& open_level = comp_open_level_;
  open.assign(comp_constraints_.begin(), comp_constraints_.end());
  if (open_level.size() < open.size()) open_level.resize(open.size());
  if (comp_candidates_.size() < open.size()) comp_candidates_.resize(open.size());
  std::uint32_t* const candidate = comp_candidates_.data();
  while (unfixed > 0) {
    double level = std::numeric_limits<double>::infinity();
    double running_threshold = level;
    std::size_t kept = 0;
    std::size_t n_candidates = 0;
    std::uint32_t* const o = open.data();
    double* const ol = open_level.data();
    const std::size_t n_open = open.size();
    for (std::size_t k = 0; k < n_open; ++k) {
      const std::uint32_t ci = o[k];
      const ConsScratch& s = scratch[ci];
      // Also computed for a constraint with nothing unfixed (its slot is
      // then overwritten), so that the loop has no unpredictable branch.
      const double l = std::max(s.remaining, 0.0) / s.active_weight;
      const bool live = s.unfixed != 0;
      o[kept] = ci;
      ol[kept] = l;
      // The threshold only falls as the level does: a constraint above the
      // threshold of the levels seen so far is above the final one.
      candidate[n_candidates] = static_cast<std::uint32_t>(kept);
      n_candidates += live && !(l > running_threshold);
      kept += live;
      level = live && l < level ? l : level;
      running_threshold = level + level * kLevelSlack;
    }
    open.resize(kept);
    for (const std::uint32_t vi : comp_bounded_) {
      const VarHot& v = vars[vi];
      if (!v.fixed) level = std::min(level, v.bound / v.weight);
    }
    assert(level != std::numeric_limits<double>::infinity() && "enabled variable with no constraint and no bound");
    if (level == std::numeric_limits<double>::infinity()) break;  // never loop on a broken invariant
    const double threshold = level + level * kLevelSlack;
    for (const std::uint32_t vi : comp_bounded_) {
      VarHot& v = vars[vi];
      if (v.fixed || v.bound / v.weight > threshold) continue;
      const double value = v.bound;
      changed += settle(vi, v, value, float_at_least(v.bound / v.weight), kNoGroup);
      --unfixed;
      for (std::uint32_t m = 0; m < v.count; ++m) release(member_constraint(vi, m), value, v.weight);
    }
    for (std::size_t j = 0; j < n_candidates; ++j) {
      const std::size_t k = candidate[j];
      // Fixing other variables only raises a constraint's own level, so
      // one above the threshold before this pass stays above it.
      if (ol[k] > threshold) continue;
      const std::uint32_t ci = o[k];
      ConsScratch& s = scratch[ci];
      if (s.unfixed == 0 || std::max(s.remaining, 0.0) / s.active_weight > threshold) continue;
      // The unfixed variables first, then fix them (fixing changes the flags).
      const std::size_t n_entries = cons[ci].size;
      if (comp_fixing_.size() < n_entries) comp_fixing_.resize(n_entries);
      std::uint32_t* const fixing = comp_fixing_.data();
      const Entry* const entry = entries(ci);
      std::size_t n = 0;
      for (std::size_t i = 0; i < n_entries; ++i) {
        const std::uint32_t vi = entry[i].var;
        fixing[n] = vi;
        n += !vars[vi].fixed;
      }
      bool grouped = false;
      const float fixed_level = float_at_least(level);
      for (std::size_t j = 0; j < n; ++j) {
        const std::uint32_t vi = fixing[j];
        VarHot& v = vars[vi];
        grouped |= v.grouped;
        const double value = v.weight * level;
        changed += settle(vi, v, value, fixed_level, ci);
        // Its other constraints lose it; this one has nothing unfixed left
        // afterwards and is never read again, so it is left as it is.
        const double w = v.weight;
        const std::uint32_t nm = v.count;
        --unfixed;
        if (nm == 2) {
          release(v.first[0] ^ v.first[1] ^ ci, value, w);
        } else if (nm > 2) {
          for (std::uint32_t m = 0; m < nm; ++m) {
            const std::uint32_t other = member_constraint(vi, m);
            if (other != ci) release(other, value, w);
          }
        }
      }
      s.unfixed = 0;
      s.active_weight = 0.0;
      // The constraint's group: the grouped variables it just fixed.
      if (grouped && group_listener_ != nullptr && cons[ci].reported_level != level) {
        cons[ci].reported_level = level;
        level_changes_.emplace_back(ci, level);
      }
    }
  }

  // Publish, in component order: update driven capacities, then tell the
  // group listener and the observers.
  values_changed_ += changed;
  const auto by_pos = [](const Change& x, const Change& y) { return x.pos < y.pos; };
  if (!std::is_sorted(changes_.begin(), changes_.end(), by_pos)) std::sort(changes_.begin(), changes_.end(), by_pos);
  for (const Change& ch : changes_) {
    const VarHot& v = vars[ch.var];
    if (v.drives && v.value != ch.old_value) set_capacity(var_cold_[ch.var].drives, v.value);
  }
  for (const auto& [id, level] : level_changes_) group_listener_->on_group_level(id, level);
  notifications_ += level_changes_.size();
  // Observers may create variables or constraints: index the arrays afresh.
  for (std::size_t k = 0; k < changes_.size(); ++k) {
    const Change ch = changes_[k];
    if (!ch.notify) continue;
    VariableObserver* o = var_cold_[ch.var].observer;
    if (o == nullptr) continue;
    ++notifications_;
    if (vars_[ch.var].grouped) {
      o->on_group_change(ch.old_group, vars_[ch.var].group, ch.old_value, vars_[ch.var].value);
    } else {
      o->on_value_change(ch.old_value, vars_[ch.var].value);
    }
  }
}

}  // namespace vzlab::engine
