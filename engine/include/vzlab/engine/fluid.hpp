// Fluid resources shared by weighted max-min fairness.
//
// A Constraint is a capacity (a CPU's flop/s, a link's bytes/s). A Variable is
// one consumer: it crosses one or more constraints, has a weight (its share
// relative to others) and an optional bound (it never gets more). The solver
// gives every variable the max-min fair allocation: no variable can get more
// without taking from one that has less per unit of weight.
//
// Changes mark the touched constraints dirty; solve() re-solves only the
// connected components (constraints linked through variables) that contain a
// dirty constraint, and reports to each variable's observer only when its
// value actually changed (or, for grouped variables, only when its group
// changed: see GroupListener). A variable may drive a constraint's capacity (a VM's
// share of its host becomes the capacity its tasks share); driven constraints
// sit one level deeper and are solved after the level that drives them.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace vzlab::engine {

class Constraint;
class FluidSystem;

/// Growable array of trivially copyable T that keeps up to N items inline,
/// so the common case (a task on one CPU) never allocates.
template <typename T, std::uint32_t N>
class SmallVector {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  SmallVector() = default;
  SmallVector(const SmallVector&) = delete;
  SmallVector& operator=(const SmallVector&) = delete;
  T* begin() { return data(); }
  T* end() { return data() + size_; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size_; }
  T& operator[](std::uint32_t i) { return data()[i]; }
  T& back() { return data()[size_ - 1]; }
  std::uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  void pop_back() { --size_; }
  void push_back(const T& v) {
    if (size_ == capacity_) grow();
    data()[size_++] = v;
  }

 private:
  T* data() { return heap_ ? heap_.get() : inline_; }
  const T* data() const { return heap_ ? heap_.get() : inline_; }
  void grow() {
    auto bigger = std::make_unique<T[]>(capacity_ * 2);
    std::memcpy(static_cast<void*>(bigger.get()), data(), sizeof(T) * size_);
    heap_ = std::move(bigger);
    capacity_ *= 2;
  }
  T inline_[N];
  std::unique_ptr<T[]> heap_;
  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = N;
};

/// Group of no variable (see Variable::set_grouped).
inline constexpr std::uint32_t kNoGroup = std::numeric_limits<std::uint32_t>::max();

/// Receives a variable's new value after a solve that changed it.
class VariableObserver {
 public:
  virtual ~VariableObserver() = default;
  /// The variable's value went from old_value to new_value at the current time.
  virtual void on_value_change(double old_value, double new_value) = 0;
  /// A grouped variable moved from group old_group to new_group (kNoGroup:
  /// a value of its own, e.g. its bound), or its weight or bound changed;
  /// its value went from old_value to new_value. Grouped variables get no
  /// other call: while one stays in its group, its value is its weight times
  /// the group's level (see GroupListener).
  virtual void on_group_change(std::uint32_t old_group, std::uint32_t new_group, double old_value, double new_value) {
    (void)old_group;
    (void)new_group;
    on_value_change(old_value, new_value);
  }
};

/// Told about share groups. The grouped variables (Variable::set_grouped)
/// whose value a constraint set, as weight x level, form that constraint's
/// group; the group's number is stable while the constraint lives.
class GroupListener {
 public:
  virtual ~GroupListener() = default;
  /// Group `group` now has value `level` per unit of weight (during a solve).
  virtual void on_group_level(std::uint32_t group, double level) = 0;
  /// The constraint behind `group` is being destroyed.
  virtual void on_group_removed(std::uint32_t group) = 0;
};

/// A consumer of one or more constraints.
class Variable {
 public:
  static constexpr double kNoBound = std::numeric_limits<double>::infinity();

  explicit Variable(FluidSystem& system) : system_(&system) {}
  Variable(const Variable&) = delete;
  Variable& operator=(const Variable&) = delete;
  /// Leaves every constraint it crosses and stops driving.
  ~Variable();

  /// Joins constraint c (a variable may cross several, each at most once).
  void attach(Constraint& c);
  /// Leaves every constraint; its value becomes 0 at the next solve.
  void detach_all();
  /// Sets the weight; 0 disables the variable (it gets nothing).
  void set_weight(double weight);
  /// Sets the bound; kNoBound for none.
  void set_bound(double bound);
  /// Makes this variable's value the capacity of c (see file comment).
  void drive(Constraint& c);
  /// Observer told about value changes (not owned; may be null).
  void set_observer(VariableObserver* o) { observer_ = o; }
  /// Reports this variable by share group (see GroupListener and
  /// VariableObserver::on_group_change); call while it crosses nothing.
  void set_grouped(bool grouped);

  double weight() const { return weight_; }
  double bound() const { return bound_; }
  /// Allocation from the last solve.
  double value() const { return value_; }
  /// Number of constraints crossed.
  std::size_t constraint_count() const { return members_.size(); }
  /// Share group from the last solve (kNoGroup if not grouped or none).
  std::uint32_t group() const { return group_; }

 private:
  friend class Constraint;
  friend class FluidSystem;
  struct Membership {
    Constraint* constraint;
    std::uint32_t slot;  // index of this variable in constraint->vars_
  };
  void update_pending();

  // What a solve reads first, together: weight, bound, value, solver
  // scratch, the first memberships.
  double weight_ = 1.0;
  double bound_ = kNoBound;
  double value_ = 0.0;
  double new_value_ = 0.0;     // solver scratch
  std::uint64_t stamp_ = 0;    // solver scratch: last component visit
  std::uint32_t group_ = kNoGroup;      // share group from the last solve
  std::uint32_t new_group_ = kNoGroup;  // solver scratch
  bool fixed_ = false;         // solver scratch
  bool grouped_ = false;
  // Weight and bound the last solve used; while they differ the variable is
  // "pending" and counted in each of its constraints' pending_vars_, so a
  // change that is undone before the next solve costs no solve at all.
  bool pending_ = false;
  Constraint* first_ = nullptr;  // members_[0].constraint, read with the fields above
  SmallVector<Membership, 4> members_;
  FluidSystem* system_;
  VariableObserver* observer_ = nullptr;
  Constraint* drives_ = nullptr;
  double solved_weight_ = 1.0;
  double solved_bound_ = kNoBound;
};

/// A shared capacity.
class Constraint {
 public:
  Constraint(FluidSystem& system, double capacity);
  Constraint(const Constraint&) = delete;
  Constraint& operator=(const Constraint&) = delete;
  /// Detaches every variable still crossing it.
  ~Constraint();

  /// Changes the capacity (e.g. a failed host has 0).
  void set_capacity(double capacity);
  double capacity() const { return capacity_; }
  /// Sum of the values of the variables crossing it, from the last solve.
  double usage() const;
  /// Number of variables crossing it.
  std::size_t variable_count() const { return vars_.size(); }
  /// Solve order: a driven constraint is solved after the level driving it.
  int level() const { return level_; }

 private:
  friend class Variable;
  friend class FluidSystem;
  struct Entry {
    Variable* var;
    std::uint32_t member;  // index of the membership inside var->members_
  };
  void mark_dirty();

  FluidSystem* system_;
  SmallVector<Entry, 2> vars_;  // inline for the common one- or two-consumer case
  Variable* driver_ = nullptr;  // the variable whose value is this capacity
  double capacity_;
  std::uint32_t id_;  // share group number, unique among live constraints
  int level_ = 0;
  bool dirty_ = false;
  bool structural_ = false;         // capacity or membership changed since the last solve
  std::uint32_t pending_vars_ = 0;  // crossing variables whose weight or bound changed
  double reported_level_ = -1.0;    // last level told to the group listener; -1 none
  // Solver scratch.
  std::uint64_t stamp_ = 0;
  std::uint32_t unfixed_ = 0;
  double remaining_ = 0.0;
  double active_weight_ = 0.0;
};

/// Owns no resources; keeps the dirty set and solves it.
class FluidSystem {
 public:
  FluidSystem() = default;
  FluidSystem(const FluidSystem&) = delete;
  FluidSystem& operator=(const FluidSystem&) = delete;

  /// True when some constraint needs re-solving.
  bool dirty() const { return dirty_count_ > 0; }
  /// Re-solves every component touching a dirty constraint, level by level,
  /// and notifies observers of variables whose value changed.
  void solve();
  /// Number of components solved since construction (for tests and benchmarks).
  std::uint64_t components_solved() const { return components_solved_; }
  /// Variables whose value a solve changed, since construction.
  std::uint64_t values_changed() const { return values_changed_; }
  /// Calls to observers and to the group listener, since construction.
  std::uint64_t notifications() const { return notifications_; }
  /// Listener told about share groups (not owned; may be null).
  void set_group_listener(GroupListener* l) { group_listener_ = l; }

 private:
  friend class Variable;
  friend class Constraint;
  void enqueue(Constraint& c);
  void forget(Constraint& c);
  void solve_component(Constraint& seed);

  std::vector<std::vector<Constraint*>> dirty_by_level_;
  std::size_t dirty_count_ = 0;
  std::uint64_t stamp_ = 0;
  std::uint32_t next_id_ = 0;
  std::vector<std::uint32_t> free_ids_;  // numbers of destroyed constraints
  std::uint64_t components_solved_ = 0;
  std::uint64_t values_changed_ = 0;
  std::uint64_t notifications_ = 0;
  GroupListener* group_listener_ = nullptr;
  // Scratch reused across solves.
  std::vector<Constraint*> comp_constraints_;
  std::vector<Variable*> comp_vars_;
  std::vector<Constraint*> comp_open_;     // constraints with unfixed variables during the filling
  std::vector<double> comp_open_level_;    // their levels at the start of a filling step
  std::vector<Variable*> comp_fixing_;     // variables a saturated constraint is fixing
  std::vector<Variable*> comp_bounded_;    // enabled variables of the component with a finite bound
  std::vector<Variable*> changed_;
  std::vector<double> changed_old_;
  std::vector<std::uint32_t> changed_group_;
  std::vector<std::pair<std::uint32_t, double>> level_changes_;
};


}  // namespace vzlab::engine
