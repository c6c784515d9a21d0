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
// dirty constraint, and within one only the variables at or above the level
// where the changes first matter (see FluidSystem::solve_component), and
// reports to each variable's observer only when its
// value actually changed (or, for grouped variables, only when its group
// changed: see GroupListener). A variable may drive a constraint's capacity (a VM's
// share of its host becomes the capacity its tasks share); driven constraints
// sit one level deeper and are solved after the level that drives them.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace vzlab::engine {

class Constraint;
class FluidSystem;

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


/// A consumer of one or more constraints. A handle: its state lives in
/// arrays of its FluidSystem, which must outlive it.
class Variable {
 public:
  static constexpr double kNoBound = std::numeric_limits<double>::infinity();

  /// A variable of `system` with weight 1, no bound, crossing nothing.
  explicit Variable(FluidSystem& system);
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
  void set_observer(VariableObserver* o);
  /// Reports this variable by share group (see GroupListener and
  /// VariableObserver::on_group_change); call while it crosses nothing.
  void set_grouped(bool grouped);

  /// Weight (share relative to the others).
  double weight() const;
  /// Bound (kNoBound for none).
  double bound() const;
  /// Allocation from the last solve.
  double value() const;
  /// Number of constraints crossed.
  std::size_t constraint_count() const;
  /// Share group from the last solve (kNoGroup if not grouped or none).
  std::uint32_t group() const;

 private:
  friend class Constraint;
  friend class FluidSystem;
  FluidSystem* system_;
  std::uint32_t index_;  // slot in the system's variable arrays
};

/// A shared capacity. A handle: its state lives in arrays of its
/// FluidSystem, which must outlive it.
class Constraint {
 public:
  /// A constraint of `system` with the given capacity.
  Constraint(FluidSystem& system, double capacity);
  Constraint(const Constraint&) = delete;
  Constraint& operator=(const Constraint&) = delete;
  /// Detaches every variable still crossing it.
  ~Constraint();

  /// Changes the capacity (e.g. a failed host has 0).
  void set_capacity(double capacity);
  /// Current capacity.
  double capacity() const;
  /// Sum of the values of the variables crossing it, from the last solve.
  double usage() const;
  /// Number of variables crossing it.
  std::size_t variable_count() const;
  /// Solve order: a driven constraint is solved after the level driving it.
  int level() const;

 private:
  friend class Variable;
  friend class FluidSystem;
  FluidSystem* system_;
  std::uint32_t index_;  // slot in the system's constraint arrays; also its share group number
};

/// Keeps the state of its variables and constraints in dense arrays indexed
/// by slot (recycled through free lists), keeps the dirty set and solves it.
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
  /// Of those, the solves that started above level 0 (only the variables at
  /// or above the level where the changes first matter were filled again).
  std::uint64_t partial_solves() const { return partial_solves_; }
  /// Variables whose value a solve changed, since construction.
  std::uint64_t values_changed() const { return values_changed_; }
  /// Calls to observers and to the group listener, since construction.
  std::uint64_t notifications() const { return notifications_; }
  /// Listener told about share groups (not owned; may be null).
  void set_group_listener(GroupListener* l) { group_listener_ = l; }

 private:
  friend class Variable;
  friend class Constraint;
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  // A level never reached: of a variable not solved where it is attached,
  // of a constraint no change since the last solve affects.
  static constexpr float kNoLevel = std::numeric_limits<float>::infinity();
  // Number of memberships a variable keeps in its hot record.
  static constexpr std::uint32_t kInlineMembers = 2;
  // Number of entries a constraint keeps in its own record.
  static constexpr std::uint32_t kInlineEntries = 3;

  struct Membership {
    std::uint32_t constraint;
    std::uint32_t slot;  // index of the variable in the constraint's entries
  };
  // Flag in Entry::first: the variable is enabled (see Entry).
  static constexpr std::uint32_t kEnabled = 0x80000000u;
  struct Entry {
    std::uint32_t var;
    // The variable's first constraint (the entry is its first membership when
    // that is this constraint), with kEnabled while its weight is > 0 or while
    // it crosses only this constraint (the gather takes it here either way):
    // the gather reads no variable record for the variable's other entries.
    std::uint32_t first;
  };
  // What a solve reads of a variable, in one cache line.
  struct alignas(64) VarHot {
    double weight = 1.0;
    double bound = Variable::kNoBound;
    double value = 0.0;
    // Level at which the last solve fixed it (value / weight, rounded up to a
    // float; 0 when disabled); infinity while it has not been solved where it
    // is attached. A re-solve from level L keeps every variable below L.
    float level = kNoLevel;
    std::uint32_t stamp = 0;  // solver scratch: last component visit (low bits of stamp_)
    std::uint32_t group = kNoGroup;  // share group from the last solve
    std::uint32_t pos = 0;           // solver scratch: position in the component
    std::uint32_t first[kInlineMembers] = {kNone, kNone};  // constraints of the first memberships
    std::uint32_t slot[kInlineMembers] = {0, 0};           // and the variable's index in their entries
    std::uint16_t count = 0;  // memberships
    bool fixed = false;       // solver scratch
    bool grouped = false;
    // Weight and bound differ from those the last solve used: the variable is
    // counted in each of its constraints' pending_vars, so a change that is
    // undone before the next solve costs no solve at all.
    bool pending = false;
    bool drives = false;          // VarCold::drives is set
    bool solved_enabled = true;  // VarCold::solved_weight > 0
  };
  // A variable a solve has to tell about (observer) or act on (driven
  // constraint), with its value and group before the solve.
  struct Change {
    std::uint32_t pos;  // position in the component: changes are applied in this order
    std::uint32_t var;
    std::uint32_t old_group;
    bool notify;
    double old_value;
  };
  // The rest of a variable.
  struct VarCold {
    std::vector<Membership> more;  // memberships after the first kInlineMembers
    VariableObserver* observer = nullptr;
    std::uint32_t drives = kNone;  // constraint whose capacity is this value
    double solved_weight = 1.0;    // weight and bound the last solve used
    double solved_bound = Variable::kNoBound;
  };
  // A constraint, with its first entries (all of them while they fit), in
  // one cache line.
  struct alignas(64) ConsData {
    double capacity = 0.0;
    double reported_level = -1.0;    // last level told to the group listener; -1 none
    std::uint32_t pending_vars = 0;  // crossing variables whose weight or bound changed
    std::uint32_t driver = kNone;    // the variable whose value is this capacity
    int level = 0;
    std::uint32_t size = 0;  // entries (variables crossing it)
    bool dirty = false;
    bool structural = false;  // capacity or membership changed since the last solve
    bool fresh = false;       // a variable joined it since the last solve (see restart_level)
    Entry inline_entries[kInlineEntries];  // the entries while size <= kInlineEntries
    // The lowest level a change since the last solve affects, rounded down
    // (infinity: none; see restart_level).
    float restart = kNoLevel;
  };
  // What the filling reads and writes of a constraint.
  struct alignas(32) ConsScratch {
    double remaining = 0.0;
    double active_weight = 0.0;  // of its unfixed variables
    std::uint64_t stamp = 0;     // last component visit
    std::uint32_t unfixed = 0;
  };

  std::uint32_t new_variable();
  void release_variable(std::uint32_t v);
  std::uint32_t new_constraint(double capacity);
  void release_constraint(std::uint32_t c);
  void attach(std::uint32_t v, std::uint32_t c);
  void detach_all(std::uint32_t v);
  void update_pending(std::uint32_t v);
  // The weight of variable vi crossed 0: its entries' kEnabled follow.
  void update_enabled(std::uint32_t vi);
  void set_capacity(std::uint32_t c, double capacity);
  void mark_dirty(std::uint32_t c);
  void enqueue(std::uint32_t c);
  void forget(std::uint32_t c);
  // Solves the component of dirty constraint `seed`, from level `from` or
  // lower (see the comment at its definition).
  void solve_component(std::uint32_t seed, double from);
  // Lowers the level from which constraint ci's next solve must start.
  void lower_restart(std::uint32_t ci, double level);
  // Variable v, not solved where it is now attached, counts in constraint
  // ci: its next solve finds where v first matters there, or starts from 0
  // when v is disabled (then v links nothing, and only a whole solve finds it).
  void note_new(std::uint32_t ci, const VarHot& v);
  // Constraint ci is solved: no change since waits for it.
  void clear_changes(ConsData& c) {
    c.dirty = false;
    c.fresh = false;
    c.restart = kNoLevel;
  }
  // The level from which dirty constraint ci must be re-solved: below it,
  // the last solve's filling still holds (see solve_component).
  double restart_level(std::uint32_t ci);
  // A lower bound on the level at which constraint ci saturates if its
  // variables keep the levels of the last solve and those not solved yet
  // grow from 0, and no higher than where one of those reaches its bound.
  double first_saturation(std::uint32_t ci) const;
  // The entries of constraint ci (cons_[ci].size of them).
  Entry* entries(std::uint32_t ci) {
    ConsData& c = cons_[ci];
    return c.size <= kInlineEntries ? c.inline_entries : cons_spill_[ci].data();
  }
  const Entry* entries(std::uint32_t ci) const {
    const ConsData& c = cons_[ci];
    return c.size <= kInlineEntries ? c.inline_entries : cons_spill_[ci].data();
  }
  void push_entry(std::uint32_t ci, Entry e);
  // Removes the entry at `slot` by moving the last one there; returns the moved one.
  Entry remove_entry(std::uint32_t ci, std::uint32_t slot);
  // Constraint of membership m of variable vi.
  std::uint32_t member_constraint(std::uint32_t vi, std::uint32_t m) const {
    return m < kInlineMembers ? vars_[vi].first[m] : var_cold_[vi].more[m - kInlineMembers].constraint;
  }
  // Index of variable vi in the entries of the constraint of its membership m.
  std::uint32_t& member_slot(std::uint32_t vi, std::uint32_t m) {
    return m < kInlineMembers ? vars_[vi].slot[m] : var_cold_[vi].more[m - kInlineMembers].slot;
  }
  // Index of variable vi in the entries of constraint ci, which it crosses.
  std::uint32_t& slot_in(std::uint32_t vi, std::uint32_t ci) {
    VarHot& v = vars_[vi];
    if (v.first[0] == ci) return v.slot[0];
    if (v.first[1] == ci || v.count <= kInlineMembers) return v.slot[1];
    return slot_in_more(vi, ci);
  }
  // slot_in for a constraint past the first kInlineMembers.
  std::uint32_t& slot_in_more(std::uint32_t vi, std::uint32_t ci);
  // Gives variable vi of the component being solved its new value and group
  // and records what the publication of the solve has to do for it; returns
  // whether its value changed.
  bool settle(std::uint32_t vi, VarHot& v, double value, float level, std::uint32_t group);
  // The weight and bound of pending variable vi are now the solved ones.
  void settle_pending(std::uint32_t vi, VarHot& v);

  std::vector<VarHot> vars_;
  std::vector<VarCold> var_cold_;
  std::vector<std::uint32_t> free_vars_;
  std::vector<ConsData> cons_;
  std::vector<ConsScratch> cons_scratch_;  // by constraint, like cons_
  std::vector<std::vector<Entry>> cons_spill_;  // by constraint: all entries when more than kInlineEntries
  std::vector<std::uint32_t> free_cons_;
  std::vector<std::vector<std::uint32_t>> dirty_by_level_;
  std::size_t dirty_count_ = 0;
  std::uint64_t stamp_ = 0;
  std::uint64_t components_solved_ = 0;
  std::uint64_t partial_solves_ = 0;
  std::uint64_t values_changed_ = 0;
  std::uint64_t notifications_ = 0;
  GroupListener* group_listener_ = nullptr;
  // Scratch reused across solves.
  std::vector<std::uint32_t> batch_;
  std::vector<std::uint32_t> comp_constraints_;
  std::vector<std::uint32_t> comp_vars_;     // grown, never shrunk: the gather writes past its count
  std::vector<std::uint32_t> comp_open_;     // constraints with unfixed variables during the filling
  std::vector<double> comp_open_level_;      // their levels at the start of a filling step
  std::vector<std::uint32_t> comp_candidates_;  // positions in comp_open_ that may saturate in a filling step
  std::vector<std::uint32_t> comp_fixing_;   // variables a saturated constraint is fixing
  std::vector<std::uint32_t> comp_bounded_;  // enabled variables of the component with a finite bound
  std::vector<std::uint32_t> comp_disabled_;  // disabled variables of the component
  std::vector<Change> changes_;
  std::uint64_t solve_stamp_ = 0;  // stamp of the component being solved
  std::vector<std::pair<std::uint32_t, double>> level_changes_;
};

inline Variable::Variable(FluidSystem& system) : system_(&system), index_(system.new_variable()) {}
inline void Variable::set_observer(VariableObserver* o) { system_->var_cold_[index_].observer = o; }
inline double Variable::weight() const { return system_->vars_[index_].weight; }
inline double Variable::bound() const { return system_->vars_[index_].bound; }
inline double Variable::value() const { return system_->vars_[index_].value; }
inline std::size_t Variable::constraint_count() const { return system_->vars_[index_].count; }
inline std::uint32_t Variable::group() const { return system_->vars_[index_].group; }
inline double Constraint::capacity() const { return system_->cons_[index_].capacity; }
inline std::size_t Constraint::variable_count() const { return system_->cons_[index_].size; }
inline int Constraint::level() const { return system_->cons_[index_].level; }

}  // namespace vzlab::engine
