// A physical host: cores of a given speed, shared by max-min fairness among
// the native tasks and the virtual machines placed on it.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "vzlab/engine/fluid.hpp"
#include "vzlab/hv/lifecycle.hpp"
#include "vzlab/hv/virtualization.hpp"

namespace vzlab::hv {

/// What a host is made of, as a scenario describes it.
struct HostSpec {
  std::string name{};
  int cores = 1;
  double speed_flops = 1e9;  ///< per core
  std::string group{};       ///< free label used to group hosts in reports
  std::string site{};        ///< data centre it stands in (a site failure takes it down)
  HypervisorType hypervisor = HypervisorType::kType1;
  std::string os = "linux";  ///< the host's own OS (its kernel, for containers)
  double disk_bandwidth_Bps = 500e6;  ///< local disk throughput, shared by all I/O on the host
  double disk_latency_s = 100e-6;     ///< local disk access time per request
  double power_idle_W = 100.0;        ///< electrical power when idle
  double power_peak_W = 250.0;        ///< electrical power at full CPU load
  int rack_units = 1;                 ///< space it takes in a rack
  double memory_bytes = 64.0 * 1073741824;  ///< RAM
  bool swap_when_full = false;        ///< past its memory: swap (slow down) instead of refusing guests
  double cpu_overcommit = 8.0;        ///< at most this many vCPUs per core (the admin's ratio)
};

/// A physical machine. Created by World::add_host.
class Host {
 public:
  Host(engine::FluidSystem& fluid, HostSpec spec, std::uint32_t index);

  const std::string& name() const { return spec_.name; }
  const std::string& group() const { return spec_.group; }
  const std::string& site() const { return spec_.site; }
  int cores() const { return spec_.cores; }
  /// Speed of one core in flop/s; no single task runs faster.
  double speed_flops() const { return spec_.speed_flops; }
  /// Total capacity: cores x speed.
  double capacity_flops() const { return spec_.cores * spec_.speed_flops; }
  /// Position in World::hosts().
  std::uint32_t index() const { return index_; }
  /// The CPU constraint guests and native tasks share.
  engine::Constraint& cpu() { return cpu_; }
  /// The CPU constraint, read-only (usage() is the CPU in use now).
  const engine::Constraint& cpu() const { return cpu_; }
  /// The local disk's bandwidth, shared by all I/O of the host's guests.
  engine::Constraint& disk() { return disk_; }
  HypervisorType hypervisor() const { return spec_.hypervisor; }
  const std::string& os() const { return spec_.os; }
  double disk_latency_s() const { return spec_.disk_latency_s; }
  double power_idle_W() const { return spec_.power_idle_W; }
  double power_peak_W() const { return spec_.power_peak_W; }
  int rack_units() const { return spec_.rack_units; }
  /// Marks it on from `now` if nothing ran on it before (its first guest or task).
  void mark_in_use(double now) {
    if (in_use_since_ >= 0) return;
    in_use_since_ = now;
    up_before_use_s_ = time_in_s(HostState::kUp, now);
  }
  /// Time it drew power up to `now`: the time it was up (not down, not
  /// switched off) from its first guest on (see energy.hpp).
  double powered_s(double now) const {
    return in_use_since_ < 0 ? 0.0 : time_in_s(HostState::kUp, now) - up_before_use_s_;
  }
  /// Where it is in its life: up, down (crashed) or off (switched off).
  HostState state() const { return clock_.state(); }
  /// Time it spent in state `s` up to `now`.
  double time_in_s(HostState s, double now) const { return clock_.time_in_s(s, now); }
  /// Whether a pool manager switched it off (it has no guests then).
  bool powered_off() const { return state() == HostState::kOff; }
  /// Time it spent switched off up to `now`.
  double off_time_s(double now) const { return time_in_s(HostState::kOff, now); }

  double memory_bytes() const { return spec_.memory_bytes; }
  bool swap_when_full() const { return spec_.swap_when_full; }
  double cpu_overcommit() const { return spec_.cpu_overcommit; }
  /// Memory its running guests take now.
  double memory_used_bytes() const { return memory_used_; }
  /// Most memory its guests took at once.
  double peak_memory_used_bytes() const { return peak_memory_used_; }
  /// vCPUs of its running VMs.
  int vcpus_placed() const { return vcpus_placed_; }
  /// Share of memory demand above the RAM (0 when it fits).
  double memory_overcommit() const {
    return memory_used_ > spec_.memory_bytes ? memory_used_ / spec_.memory_bytes - 1.0 : 0.0;
  }
  /// Bytes of guest images stored on the host; a container layer is stored
  /// once whatever the number of containers using it.
  double image_bytes() const { return image_bytes_; }
  /// Bytes that sharing container layers saved.
  double image_bytes_saved() const { return image_saved_; }

  /// Whether it works: not crashed (from a host crash until its repair). A
  /// host switched off works: placing a guest there switches it on.
  bool up() const { return state() != HostState::kDown; }
  /// Host crashes so far, and time it spent down up to `now`.
  int failures() const { return failures_; }
  double downtime_s(double now) const { return time_in_s(HostState::kDown, now); }

  /// Work done on this host so far (completed and cut-off tasks).
  double flops_done() const { return flops_done_; }
  void add_flops_done(double flops) { flops_done_ += flops; }

 private:
  HostSpec spec_;
  std::uint32_t index_;
  engine::Constraint cpu_;
  engine::Constraint disk_;
  double flops_done_ = 0.0;
  friend class World;
  double memory_used_ = 0.0;
  double peak_memory_used_ = 0.0;
  int vcpus_placed_ = 0;
  double image_bytes_ = 0.0;
  double image_saved_ = 0.0;
  std::map<std::string, int> layers_;  // container layer -> guests that used it
  // Moves it to `to` at `now` (up <-> down, up <-> off, off -> down).
  void enter(HostState to, double now);
  StateClock<HostState, kHostStates> clock_{HostState::kUp};
  int failures_ = 0;
  double in_use_since_ = -1.0, up_before_use_s_ = 0.0;
};

}  // namespace vzlab::hv
