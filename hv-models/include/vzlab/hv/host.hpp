// A physical host: cores of a given speed, shared by max-min fairness among
// the native tasks and the virtual machines placed on it.
#pragma once

#include <cstdint>
#include <string>

#include "vzlab/engine/fluid.hpp"
#include "vzlab/hv/virtualization.hpp"

namespace vzlab::hv {

/// What a host is made of, as a scenario describes it.
struct HostSpec {
  std::string name{};
  int cores = 1;
  double speed_flops = 1e9;  ///< per core
  std::string group{};       ///< free label used to group hosts in reports
  HypervisorType hypervisor = HypervisorType::kType1;
  std::string os = "linux";  ///< the host's own OS (its kernel, for containers)
  double disk_bandwidth_Bps = 500e6;  ///< local disk throughput, shared by all I/O on the host
  double disk_latency_s = 100e-6;     ///< local disk access time per request
  double power_idle_W = 100.0;        ///< electrical power when idle
  double power_peak_W = 250.0;        ///< electrical power at full CPU load
  int rack_units = 1;                 ///< space it takes in a rack
};

/// A physical machine. Created by World::add_host.
class Host {
 public:
  Host(engine::FluidSystem& fluid, HostSpec spec, std::uint32_t index);

  const std::string& name() const { return spec_.name; }
  const std::string& group() const { return spec_.group; }
  int cores() const { return spec_.cores; }
  /// Speed of one core in flop/s; no single task runs faster.
  double speed_flops() const { return spec_.speed_flops; }
  /// Total capacity: cores x speed.
  double capacity_flops() const { return spec_.cores * spec_.speed_flops; }
  /// Position in World::hosts().
  std::uint32_t index() const { return index_; }
  /// The CPU constraint guests and native tasks share.
  engine::Constraint& cpu() { return cpu_; }
  /// The local disk's bandwidth, shared by all I/O of the host's guests.
  engine::Constraint& disk() { return disk_; }
  HypervisorType hypervisor() const { return spec_.hypervisor; }
  const std::string& os() const { return spec_.os; }
  double disk_latency_s() const { return spec_.disk_latency_s; }
  double power_idle_W() const { return spec_.power_idle_W; }
  double power_peak_W() const { return spec_.power_peak_W; }
  int rack_units() const { return spec_.rack_units; }
  /// Energy over `horizon_s` seconds with the linear power model: idle power
  /// all the time, plus (peak - idle) for the share of capacity used.
  double energy_J(double horizon_s) const {
    return power_idle_W() * horizon_s + (power_peak_W() - power_idle_W()) * flops_done_ / capacity_flops();
  }

  /// Work done on this host so far (completed and cut-off tasks).
  double flops_done() const { return flops_done_; }
  void add_flops_done(double flops) { flops_done_ += flops; }

 private:
  HostSpec spec_;
  std::uint32_t index_;
  engine::Constraint cpu_;
  engine::Constraint disk_;
  double flops_done_ = 0.0;
};

}  // namespace vzlab::hv
