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

Variable::~Variable() {
  detach_all();
  if (drives_ != nullptr) drives_->driver_ = nullptr;
}

void Variable::attach(Constraint& c) {
  assert(std::none_of(members_.begin(), members_.end(), [&](const Membership& m) { return m.constraint == &c; }) &&
         "variable already crosses this constraint");
  if (members_.empty()) first_ = &c;
  members_.push_back({&c, static_cast<std::uint32_t>(c.vars_.size())});
  c.vars_.push_back({this, static_cast<std::uint32_t>(members_.size() - 1)});
  if (pending_) ++c.pending_vars_;
  // Also when disabled now but enabled at the last solve: its weight may
  // come back before the next solve, which would then look like no change.
  if (weight_ > 0 || solved_weight_ > 0) {
    c.structural_ = true;
    c.mark_dirty();
  }
}

void Variable::detach_all() {
  for (const Membership& m : members_) {
    Constraint& c = *m.constraint;
    const Constraint::Entry moved = c.vars_.back();
    c.vars_[m.slot] = moved;
    moved.var->members_[moved.member].slot = m.slot;
    c.vars_.pop_back();
    if (pending_) --c.pending_vars_;
    // It changes the constraint if it takes part now or did at the last
    // solve (a variable disabled and detached before a solve still holds
    // its old share until one runs).
    if (weight_ > 0 || solved_weight_ > 0) {
      c.structural_ = true;
      c.mark_dirty();
    }
  }
  members_.clear();
  first_ = nullptr;
  value_ = 0.0;
  group_ = kNoGroup;
  if (drives_ != nullptr) drives_->set_capacity(0.0);
}

void Variable::set_weight(double weight) {
  if (weight == weight_) return;
  weight_ = weight;
  update_pending();
}

void Variable::set_bound(double bound) {
  if (bound == bound_) return;
  bound_ = bound;
  update_pending();
}

void Variable::update_pending() {
  const bool pending = weight_ != solved_weight_ || bound_ != solved_bound_;
  if (pending == pending_) return;
  pending_ = pending;
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
  grouped_ = grouped;
  group_ = kNoGroup;
}

void Variable::drive(Constraint& c) {
  if (drives_ != nullptr) drives_->driver_ = nullptr;
  drives_ = &c;
  c.driver_ = this;
  int level = 0;
  for (const Membership& m : members_) level = std::max(level, m.constraint->level_);
  if (c.dirty_) system_->forget(c);
  c.level_ = level + 1;
  c.set_capacity(value_);
  c.mark_dirty();
}

// -------------------------------------------------------------- Constraint

Constraint::Constraint(FluidSystem& system, double capacity) : system_(&system), capacity_(capacity) {
  if (system.free_ids_.empty()) {
    id_ = system.next_id_++;
  } else {
    id_ = system.free_ids_.back();
    system.free_ids_.pop_back();
  }
}

Constraint::~Constraint() {
  if (driver_ != nullptr) driver_->drives_ = nullptr;
  while (!vars_.empty()) vars_.back().var->detach_all();
  if (dirty_) system_->forget(*this);
  if (system_->group_listener_ != nullptr && reported_level_ >= 0) system_->group_listener_->on_group_removed(id_);
  system_->free_ids_.push_back(id_);
}

void Constraint::set_capacity(double capacity) {
  if (capacity == capacity_) return;
  capacity_ = capacity;
  structural_ = true;
  mark_dirty();
}

double Constraint::usage() const {
  double sum = 0.0;
  for (const Entry& e : vars_) sum += e.var->value_;
  return sum;
}

void Constraint::mark_dirty() {
  if (dirty_) return;
  dirty_ = true;
  system_->enqueue(*this);
}

// ------------------------------------------------------------- FluidSystem

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
  const std::uint64_t stamp = ++stamp_;
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
  auto add_constraint = [&](Constraint* c) {
    c->stamp_ = stamp;
    c->remaining_ = std::max(c->capacity_, 0.0);
    c->active_weight_ = 0.0;
    c->unfixed_ = 0;
    comp_constraints_.push_back(c);
  };
  add_constraint(&seed);
  for (std::size_t k = 0; k < comp_constraints_.size(); ++k) {
    Constraint* c = comp_constraints_[k];
    if (c->dirty_) {
      c->dirty_ = false;
      --dirty_count_;
    }
    const std::size_t first = comp_vars_.size();
    comp_vars_.resize(first + c->vars_.size());
    Variable** out = comp_vars_.data() + first;
    std::size_t taken = 0;
    for (const Constraint::Entry& e : c->vars_) {
      Variable* v = e.var;
      out[taken] = v;
      if (v->weight_ > 0) {
        taken += e.member == 0;
        // Its first constraint joins the component (and takes it there).
        if (v->first_->stamp_ != stamp) add_constraint(v->first_);
      } else if (v->stamp_ != stamp) {
        // A disabled variable links nothing; take it from whichever of its
        // constraints comes first (its value becomes 0).
        v->stamp_ = stamp;
        ++taken;
      }
    }
    comp_vars_.resize(first + taken);
    for (std::size_t j = first; j < comp_vars_.size(); ++j) {
      Variable* v = comp_vars_[j];
      v->new_value_ = 0.0;
      v->new_group_ = kNoGroup;
      v->fixed_ = v->weight_ <= 0;
      if (v->fixed_) continue;
      ++unfixed;
      if (v->bound_ != Variable::kNoBound) comp_bounded_.push_back(v);
      for (const Variable::Membership& m : v->members_) {
        Constraint* mc = m.constraint;
        if (mc->stamp_ != stamp) add_constraint(mc);
        mc->active_weight_ += v->weight_;
        ++mc->unfixed_;
      }
    }
  }

  // Progressive filling: raise a common level; fix variables as their bound
  // or one of their constraints is reached.
  auto fix = [&](Variable* v, double value, std::uint32_t group) {
    v->new_value_ = value;
    v->new_group_ = group;
    v->fixed_ = true;
    --unfixed;
    for (const Variable::Membership& m : v->members_) {
      Constraint* c = m.constraint;
      c->remaining_ -= value;
      if (--c->unfixed_ == 0) {
        c->active_weight_ = 0.0;
      } else {
        c->active_weight_ -= v->weight_;
      }
    }
  };
  // Constraints that still have unfixed variables, in component order, and
  // the level each would reach alone.
  std::vector<Constraint*>& open = comp_open_;
  std::vector<double>& open_level = comp_open_level_;
  open.assign(comp_constraints_.begin(), comp_constraints_.end());
  open_level.resize(open.size());
  while (unfixed > 0) {
    double level = std::numeric_limits<double>::infinity();
    std::size_t kept = 0;
    for (Constraint* c : open) {
      if (c->unfixed_ == 0) continue;
      const double l = std::max(c->remaining_, 0.0) / c->active_weight_;
      open[kept] = c;
      open_level[kept++] = l;
      level = std::min(level, l);
    }
    open.resize(kept);
    for (const Variable* v : comp_bounded_)
      if (!v->fixed_) level = std::min(level, v->bound_ / v->weight_);
    assert(level != std::numeric_limits<double>::infinity() && "enabled variable with no constraint and no bound");
    const double threshold = level + level * kLevelSlack;
    for (Variable* v : comp_bounded_)
      if (!v->fixed_ && v->bound_ / v->weight_ <= threshold) fix(v, v->bound_, kNoGroup);
    for (std::size_t k = 0; k < kept; ++k) {
      // Fixing other variables only raises a constraint's own level, so
      // one above the threshold before this pass stays above it.
      if (open_level[k] > threshold) continue;
      Constraint* c = open[k];
      if (c->unfixed_ == 0 || std::max(c->remaining_, 0.0) / c->active_weight_ > threshold) continue;
      // The unfixed variables first, then fix them (fixing changes the flags).
      comp_fixing_.resize(c->vars_.size());
      std::size_t n = 0;
      for (const Constraint::Entry& e : c->vars_) {
        comp_fixing_[n] = e.var;
        n += !e.var->fixed_;
      }
      bool grouped = false;
      for (std::size_t j = 0; j < n; ++j) {
        Variable* v = comp_fixing_[j];
        grouped |= v->grouped_;
        fix(v, v->weight_ * level, c->id_);
      }
      // The constraint's group: the grouped variables it just fixed.
      if (grouped && group_listener_ != nullptr && c->reported_level_ != level) {
        c->reported_level_ = level;
        level_changes_.emplace_back(c->id_, level);
      }
    }
  }

  // Publish: record changes, update driven capacities, then tell the group
  // listener and the observers.
  changed_.clear();
  changed_old_.clear();
  changed_group_.clear();
  for (Constraint* c : comp_constraints_) c->structural_ = false;
  for (Variable* v : comp_vars_) {
    const bool was_pending = v->pending_;
    if (was_pending) {
      v->solved_weight_ = v->weight_;
      v->solved_bound_ = v->bound_;
      v->pending_ = false;
      for (const Variable::Membership& m : v->members_) {
        --m.constraint->pending_vars_;
        // A disabled variable does not link its other constraints into this
        // component; they still have to be solved for its change.
        if (m.constraint->stamp_ != stamp) m.constraint->structural_ = true;
      }
    }
    const bool value_changed = v->new_value_ != v->value_;
    bool notify;
    if (v->grouped_) {
      // A grouped variable that stays in its group follows the group's level.
      notify = v->new_group_ != v->group_ || (was_pending && v->new_group_ != kNoGroup) ||
               (v->new_group_ == kNoGroup && value_changed);
    } else {
      notify = value_changed;
    }
    if (value_changed) ++values_changed_;
    if (notify) {
      changed_.push_back(v);
      changed_old_.push_back(v->value_);
      changed_group_.push_back(v->group_);
    }
    v->group_ = v->new_group_;
    if (!value_changed) continue;
    v->value_ = v->new_value_;
    if (v->drives_ != nullptr) v->drives_->set_capacity(v->value_);
  }
  for (const auto& [id, level] : level_changes_) group_listener_->on_group_level(id, level);
  notifications_ += level_changes_.size();
  for (std::size_t k = 0; k < changed_.size(); ++k) {
    Variable* v = changed_[k];
    if (v->observer_ == nullptr) continue;
    ++notifications_;
    if (v->grouped_) {
      v->observer_->on_group_change(changed_group_[k], v->group_, changed_old_[k], v->value_);
    } else {
      v->observer_->on_value_change(changed_old_[k], v->value_);
    }
  }
}

}  // namespace vzlab::engine
