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
  value_ = 0.0;
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

Constraint::~Constraint() {
  if (driver_ != nullptr) driver_->drives_ = nullptr;
  while (!vars_.empty()) vars_.back().var->detach_all();
  if (dirty_) system_->forget(*this);
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
  ++stamp_;
  ++components_solved_;
  comp_constraints_.clear();
  comp_vars_.clear();

  // Gather the component: constraints linked through enabled variables.
  seed.stamp_ = stamp_;
  comp_constraints_.push_back(&seed);
  for (std::size_t i = 0; i < comp_constraints_.size(); ++i) {
    Constraint* c = comp_constraints_[i];
    if (c->dirty_) {
      c->dirty_ = false;
      --dirty_count_;
    }
    for (const Constraint::Entry& e : c->vars_) {
      Variable* v = e.var;
      if (v->stamp_ == stamp_) continue;
      v->stamp_ = stamp_;
      comp_vars_.push_back(v);
      if (v->weight_ <= 0) continue;
      for (const Variable::Membership& m : v->members_) {
        if (m.constraint->stamp_ == stamp_) continue;
        m.constraint->stamp_ = stamp_;
        comp_constraints_.push_back(m.constraint);
      }
    }
  }

  // Progressive filling: raise a common level; fix variables as their bound
  // or one of their constraints is reached.
  for (Constraint* c : comp_constraints_) {
    c->remaining_ = std::max(c->capacity_, 0.0);
    c->active_weight_ = 0.0;
    c->unfixed_ = 0;
  }
  std::size_t unfixed = 0;
  comp_bounded_.clear();
  for (Variable* v : comp_vars_) {
    v->new_value_ = 0.0;
    v->fixed_ = v->weight_ <= 0;
    if (v->fixed_) continue;
    ++unfixed;
    if (v->bound_ != Variable::kNoBound) comp_bounded_.push_back(v);
    for (const Variable::Membership& m : v->members_) {
      m.constraint->active_weight_ += v->weight_;
      ++m.constraint->unfixed_;
    }
  }
  auto fix = [&](Variable* v, double value) {
    v->new_value_ = value;
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
  while (unfixed > 0) {
    double level = std::numeric_limits<double>::infinity();
    for (const Constraint* c : comp_constraints_)
      if (c->unfixed_ > 0) level = std::min(level, std::max(c->remaining_, 0.0) / c->active_weight_);
    for (const Variable* v : comp_bounded_)
      if (!v->fixed_) level = std::min(level, v->bound_ / v->weight_);
    assert(level != std::numeric_limits<double>::infinity() && "enabled variable with no constraint and no bound");
    const double threshold = level + level * kLevelSlack;
    for (Variable* v : comp_bounded_)
      if (!v->fixed_ && v->bound_ / v->weight_ <= threshold) fix(v, v->bound_);
    for (const Constraint* c : comp_constraints_) {
      if (c->unfixed_ == 0 || std::max(c->remaining_, 0.0) / c->active_weight_ > threshold) continue;
      for (const Constraint::Entry& e : c->vars_)
        if (!e.var->fixed_) fix(e.var, e.var->weight_ * level);
    }
  }

  // Publish: record changes, update driven capacities, then tell observers.
  changed_.clear();
  changed_old_.clear();
  for (Constraint* c : comp_constraints_) c->structural_ = false;
  for (Variable* v : comp_vars_) {
    v->solved_weight_ = v->weight_;
    v->solved_bound_ = v->bound_;
    if (v->pending_) {
      v->pending_ = false;
      for (const Variable::Membership& m : v->members_) {
        --m.constraint->pending_vars_;
        // A disabled variable does not link its other constraints into this
        // component; they still have to be solved for its change.
        if (m.constraint->stamp_ != stamp_) m.constraint->structural_ = true;
      }
    }
    if (v->new_value_ == v->value_) continue;
    changed_.push_back(v);
    changed_old_.push_back(v->value_);
    v->value_ = v->new_value_;
    if (v->drives_ != nullptr) v->drives_->set_capacity(v->value_);
  }
  values_changed_ += changed_.size();
  for (std::size_t i = 0; i < changed_.size(); ++i)
    if (changed_[i]->observer_ != nullptr) changed_[i]->observer_->on_value_change(changed_old_[i], changed_[i]->value_);
}

}  // namespace vzlab::engine
