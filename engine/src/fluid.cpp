#include "vzlab/engine/fluid.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace vzlab::engine {

namespace {
// Relative slack when deciding that a constraint or bound is reached at the
// current fill level; keeps round-off from splitting one level into two.
constexpr double kLevelSlack = 1e-12;
}  // namespace

// ---------------------------------------------------------------- Variable

Variable::Variable(FluidSystem& system) : system_(&system), index_(system.add_variable(*this)) {}

Variable::~Variable() {
  detach_all();
  if (drives_ != nullptr) drives_->driver_ = nullptr;
  system_->remove_variable(index_);
}

void Variable::attach(Constraint& c) {
  assert(std::none_of(members_.begin(), members_.end(), [&](const Membership& m) { return m.constraint == &c; }) &&
         "variable already crosses this constraint");
  members_.push_back({&c, static_cast<std::uint32_t>(c.vars_.size())});
  c.vars_.push_back({index_, static_cast<std::uint32_t>(members_.size() - 1)});
  system_->add_membership(index_, c.id_);
  if (pending_) ++c.pending_vars_;
  // Also when disabled now but enabled at the last solve: its weight may
  // come back before the next solve, which would then look like no change.
  if (weight() > 0 || solved_weight_ > 0) {
    c.structural_ = true;
    c.mark_dirty();
  }
}

void Variable::detach_all() {
  const bool counts = weight() > 0 || solved_weight_ > 0;
  for (const Membership& m : members_) {
    Constraint& c = *m.constraint;
    const Constraint::Entry moved = c.vars_.back();
    c.vars_[m.slot] = moved;
    system_->var_owner_[moved.var]->members_[moved.member].slot = m.slot;
    c.vars_.pop_back();
    if (pending_) --c.pending_vars_;
    // It changes the constraint if it takes part now or did at the last
    // solve (a variable disabled and detached before a solve still holds
    // its old share until one runs).
    if (counts) {
      c.structural_ = true;
      c.mark_dirty();
    }
  }
  members_.clear();
  FluidSystem::VarSlot& s = system_->vars_[index_];
  s.count = 0;
  s.value = 0.0;
  s.group = kNoGroup;
  if (drives_ != nullptr) drives_->set_capacity(0.0);
}

void Variable::set_weight(double weight) {
  double& w = system_->vars_[index_].weight;
  if (weight == w) return;
  w = weight;
  update_pending();
}

void Variable::set_bound(double bound) {
  double& b = system_->vars_[index_].bound;
  if (bound == b) return;
  b = bound;
  update_pending();
}

void Variable::update_pending() {
  FluidSystem::VarSlot& s = system_->vars_[index_];
  const bool pending = s.weight != solved_weight_ || s.bound != solved_bound_;
  if (pending == pending_) return;
  pending_ = pending;
  if (pending) s.flags |= FluidSystem::kPending;
  else s.flags &= ~FluidSystem::kPending;
  for (const Membership& m : members_) {
    if (pending) {
      ++m.constraint->pending_vars_;
      m.constraint->mark_dirty();
    } else {
      --m.constraint->pending_vars_;
    }
  }
}

void Variable::set_grouped(bool grouped) {
  assert(members_.empty() && "set_grouped on an attached variable");
  FluidSystem::VarSlot& s = system_->vars_[index_];
  if (grouped) s.flags |= FluidSystem::kGrouped;
  else s.flags &= ~FluidSystem::kGrouped;
  s.group = kNoGroup;
}

void Variable::drive(Constraint& c) {
  if (drives_ != nullptr) drives_->driver_ = nullptr;
  drives_ = &c;
  system_->vars_[index_].flags |= FluidSystem::kDrives;
  c.driver_ = this;
  int level = 0;
  for (const Membership& m : members_) level = std::max(level, m.constraint->level_);
  if (c.dirty_) system_->forget(c);
  c.level_ = level + 1;
  c.set_capacity(value());
  c.mark_dirty();
}

// -------------------------------------------------------------- Constraint

Constraint::Constraint(FluidSystem& system, double capacity)
    : system_(&system), capacity_(capacity), id_(system.add_constraint(*this)) {}

Constraint::~Constraint() {
  if (driver_ != nullptr) {
    driver_->drives_ = nullptr;
    system_->vars_[driver_->index_].flags &= ~FluidSystem::kDrives;
  }
  while (!vars_.empty()) system_->var_owner_[vars_.back().var]->detach_all();
  if (dirty_) system_->forget(*this);
  system_->remove_constraint(id_);
}

void Constraint::set_capacity(double capacity) {
  if (capacity == capacity_) return;
  capacity_ = capacity;
  structural_ = true;
  mark_dirty();
}

double Constraint::usage() const {
  double sum = 0.0;
  for (const Entry& e : vars_) sum += system_->vars_[e.var].value;
  return sum;
}

void Constraint::mark_dirty() {
  if (dirty_) return;
  dirty_ = true;
  system_->enqueue(*this);
}

// ------------------------------------------------------------- FluidSystem

namespace {

// Takes a free slot (or a new one) in a dense table and its owner table.
template <typename Slot, typename Owner>
std::uint32_t take_slot(std::vector<Slot>& slots, std::vector<Owner*>& owners, std::vector<std::uint32_t>& free,
                        Owner& owner, const Slot& init) {
  std::uint32_t index;
  if (free.empty()) {
    index = static_cast<std::uint32_t>(slots.size());
    slots.push_back(init);
    owners.push_back(&owner);
  } else {
    index = free.back();
    free.pop_back();
    slots[index] = init;
    owners[index] = &owner;
  }
  return index;
}

}  // namespace

std::uint32_t FluidSystem::add_variable(Variable& v) {
  return take_slot(vars_, var_owner_, free_vars_, v, VarSlot{1.0, Variable::kNoBound, 0.0, 0.0, 0, 0, false, 0, kNoGroup, kNoGroup, {}});
}

void FluidSystem::remove_variable(std::uint32_t index) {
  var_owner_[index] = nullptr;
  free_vars_.push_back(index);
}

std::uint32_t FluidSystem::add_constraint(Constraint& c) {
  return take_slot(cons_, con_owner_, free_cons_, c, ConSlot{0.0, 0.0, -1.0, 0, 0});
}

void FluidSystem::remove_constraint(std::uint32_t id) {
  if (group_listener_ != nullptr && cons_[id].level >= 0) group_listener_->on_group_removed(id);
  con_owner_[id] = nullptr;
  free_cons_.push_back(id);
}

void FluidSystem::add_membership(std::uint32_t var, std::uint32_t con) {
  VarSlot& s = vars_[var];
  if (s.count < kInlineConstraints) s.cons[s.count] = con;
  ++s.count;
}

std::uint32_t FluidSystem::next_stamp() {
  if (++stamp_ == 0) {
    // Wrapped: no slot may keep a stamp that could match a future one.
    for (VarSlot& s : vars_) s.stamp = 0;
    for (ConSlot& s : cons_) s.stamp = 0;
    stamp_ = 1;
  }
  return stamp_;
}

// Calls f with the id of every constraint variable `var` crosses.
template <typename F>
void FluidSystem::for_each_constraint(std::uint32_t var, F&& f) {
  const VarSlot& s = vars_[var];
  if (s.count <= kInlineConstraints) {
    for (std::uint32_t k = 0; k < s.count; ++k) f(s.cons[k]);
  } else {
    for (const Variable::Membership& m : var_owner_[var]->members_) f(m.constraint->id_);
  }
}

void FluidSystem::enqueue(Constraint& c) {
  if (dirty_by_level_.size() <= static_cast<std::size_t>(c.level_)) dirty_by_level_.resize(c.level_ + 1);
  dirty_by_level_[c.level_].push_back(&c);
  ++dirty_count_;
}

void FluidSystem::forget(Constraint& c) {
  auto& list = dirty_by_level_[c.level_];
  auto it = std::find(list.begin(), list.end(), &c);
  if (it != list.end()) list.erase(it);
  c.dirty_ = false;
  --dirty_count_;
}

void FluidSystem::solve() {
  std::vector<Constraint*> batch;
  while (dirty_count_ > 0) {
    std::size_t level = 0;
    while (dirty_by_level_[level].empty()) ++level;
    batch.clear();
    batch.swap(dirty_by_level_[level]);
    for (Constraint* c : batch) {
      if (!c->dirty_) continue;
      if (!c->structural_ && c->pending_vars_ == 0) {
        // Every change since the last solve was undone: nothing to do.
        c->dirty_ = false;
        --dirty_count_;
        continue;
      }
      solve_component(*c);
    }
  }
}

void FluidSystem::solve_component(Constraint& seed) {
  const std::uint32_t stamp = next_stamp();
  ++components_solved_;
  comp_constraints_.clear();
  comp_vars_.clear();
  comp_bounded_.clear();
  level_changes_.clear();
  std::size_t unfixed = 0;

  // Gather the component (constraints linked through enabled variables) and
  // set up the filling as it grows. An enabled variable is taken from its
  // first constraint only (which joins the component as soon as the variable
  // is seen), so each is taken once without a test on the order of visits.
  auto add_constraint = [&](std::uint32_t id) {
    ConSlot& c = cons_[id];
    c.stamp = stamp;
    c.remaining = std::max(con_owner_[id]->capacity_, 0.0);
    c.active_weight = 0.0;
    c.unfixed = 0;
    comp_constraints_.push_back(id);
  };
  add_constraint(seed.id_);
  for (std::size_t k = 0; k < comp_constraints_.size(); ++k) {
    const std::uint32_t id = comp_constraints_[k];
    Constraint* c = con_owner_[id];
    if (c->dirty_) {
      c->dirty_ = false;
      --dirty_count_;
    }
    const std::size_t first = comp_vars_.size();
    comp_vars_.resize(first + c->vars_.size());
    std::uint32_t* out = comp_vars_.data() + first;
    std::size_t taken = 0;
    for (const Constraint::Entry& e : c->vars_) {
      VarSlot& v = vars_[e.var];
      out[taken] = e.var;
      if (v.weight > 0) {
        taken += v.cons[0] == id;
        // Its first constraint joins the component (and takes it there).
        if (cons_[v.cons[0]].stamp != stamp) add_constraint(v.cons[0]);
      } else if (v.stamp != stamp) {
        // A disabled variable links nothing; take it from whichever of its
        // constraints comes first (its value becomes 0).
        v.stamp = stamp;
        ++taken;
      }
    }
    comp_vars_.resize(first + taken);
    for (std::size_t j = first; j < comp_vars_.size(); ++j) {
      const std::uint32_t i = comp_vars_[j];
      VarSlot& v = vars_[i];
      v.new_value = 0.0;
      v.new_group = kNoGroup;
      v.fixed = v.weight <= 0;
      if (v.fixed) continue;
      ++unfixed;
      if (v.bound != Variable::kNoBound) comp_bounded_.push_back(i);
      const double w = v.weight;
      for_each_constraint(i, [&](std::uint32_t cid) {
        if (cons_[cid].stamp != stamp) add_constraint(cid);
        cons_[cid].active_weight += w;
        ++cons_[cid].unfixed;
      });
    }
  }

  // Progressive filling: raise a common level; fix variables as their bound
  // or one of their constraints is reached.
  auto fix = [&](std::uint32_t i, double value, std::uint32_t group) {
    VarSlot& v = vars_[i];
    v.new_value = value;
    v.new_group = group;
    v.fixed = true;
    --unfixed;
    const double w = v.weight;
    for_each_constraint(i, [&](std::uint32_t id) {
      ConSlot& c = cons_[id];
      c.remaining -= value;
      if (--c.unfixed == 0) {
        c.active_weight = 0.0;
      } else {
        c.active_weight -= w;
      }
    });
  };
  // Constraints that still have unfixed variables, in component order, and
  // the level each would reach alone.
  std::vector<std::uint32_t>& open = comp_open_;
  std::vector<double>& open_level = comp_open_level_;
  open.assign(comp_constraints_.begin(), comp_constraints_.end());
  open_level.resize(open.size());
  while (unfixed > 0) {
    double level = std::numeric_limits<double>::infinity();
    std::size_t kept = 0;
    for (std::uint32_t id : open) {
      const ConSlot& c = cons_[id];
      if (c.unfixed == 0) continue;
      const double l = std::max(c.remaining, 0.0) / c.active_weight;
      open[kept] = id;
      open_level[kept++] = l;
      level = std::min(level, l);
    }
    open.resize(kept);
    for (std::uint32_t i : comp_bounded_)
      if (!vars_[i].fixed) level = std::min(level, vars_[i].bound / vars_[i].weight);
    assert(level != std::numeric_limits<double>::infinity() && "enabled variable with no constraint and no bound");
    const double threshold = level + level * kLevelSlack;
    for (std::uint32_t i : comp_bounded_)
      if (!vars_[i].fixed && vars_[i].bound / vars_[i].weight <= threshold) fix(i, vars_[i].bound, kNoGroup);
    for (std::size_t k = 0; k < kept; ++k) {
      // Fixing other variables only raises a constraint's own level, so
      // one above the threshold before this pass stays above it.
      if (open_level[k] > threshold) continue;
      const std::uint32_t id = open[k];
      const ConSlot& c = cons_[id];
      if (c.unfixed == 0 || std::max(c.remaining, 0.0) / c.active_weight > threshold) continue;
      // The unfixed variables first, then fix them (fixing changes the slots).
      const auto& entries = con_owner_[id]->vars_;
      comp_fixing_.resize(entries.size());
      std::size_t n = 0;
      for (const Constraint::Entry& e : entries) {
        comp_fixing_[n] = e.var;
        n += !vars_[e.var].fixed;
      }
      std::uint8_t flags = 0;
      for (std::size_t j = 0; j < n; ++j) {
        const std::uint32_t i = comp_fixing_[j];
        flags |= vars_[i].flags;
        fix(i, vars_[i].weight * level, id);
      }
      // The constraint's group: the grouped variables it just fixed.
      if ((flags & kGrouped) && group_listener_ != nullptr && cons_[id].level != level) {
        cons_[id].level = level;
        level_changes_.emplace_back(id, level);
      }
    }
  }

  // Publish: record changes, update driven capacities, then tell the group
  // listener and the observers.
  changed_.clear();
  changed_old_.clear();
  changed_group_.clear();
  for (std::uint32_t id : comp_constraints_) con_owner_[id]->structural_ = false;
  for (std::uint32_t i : comp_vars_) {
    VarSlot& v = vars_[i];
    const bool was_pending = (v.flags & kPending) != 0;
    if (was_pending) {
      Variable& var = *var_owner_[i];
      var.solved_weight_ = v.weight;
      var.solved_bound_ = v.bound;
      var.pending_ = false;
      v.flags &= ~kPending;
      for (const Variable::Membership& m : var.members_) {
        --m.constraint->pending_vars_;
        // A disabled variable does not link its other constraints into this
        // component; they still have to be solved for its change.
        if (cons_[m.constraint->id_].stamp != stamp) m.constraint->structural_ = true;
      }
    }
    const bool value_changed = v.new_value != v.value;
    bool notify;
    if (v.flags & kGrouped) {
      // A grouped variable that stays in its group follows the group's level.
      notify = v.new_group != v.group || (was_pending && v.new_group != kNoGroup) ||
               (v.new_group == kNoGroup && value_changed);
    } else {
      notify = value_changed;
    }
    if (value_changed) ++values_changed_;
    if (notify) {
      changed_.push_back(i);
      changed_old_.push_back(v.value);
      changed_group_.push_back(v.group);
    }
    v.group = v.new_group;
    if (!value_changed) continue;
    v.value = v.new_value;
    if (v.flags & kDrives) var_owner_[i]->drives_->set_capacity(v.value);
  }
  for (const auto& [id, level] : level_changes_) group_listener_->on_group_level(id, level);
  notifications_ += level_changes_.size();
  for (std::size_t k = 0; k < changed_.size(); ++k) {
    Variable* var = var_owner_[changed_[k]];
    if (var == nullptr || var->observer_ == nullptr) continue;
    ++notifications_;
    const VarSlot& v = vars_[changed_[k]];
    if (v.flags & kGrouped) {
      var->observer_->on_group_change(changed_group_[k], v.group, changed_old_[k], v.value);
    } else {
      var->observer_->on_value_change(changed_old_[k], v.value);
    }
  }
}

}  // namespace vzlab::engine
