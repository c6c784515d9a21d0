// Scripts: a sequence of real operations (CPU-kernel steps, trapped
// instructions, emulated-device writes, paravirtual requests, first touches
// of memory, system calls), repeated, run natively, in a container or in our
// VM from the same source (guest/workloads.h). A simulated workload step is
// done for real by turning it into a script.
//
//   vzlab::real::Script s{.rounds = 10, .ops = {{VZ_OP_CPU, 1'000'000, 0}, {VZ_OP_TRAP, 100, 0}}};
//   auto r = vzlab::real::run_script(&kvm, s, vzlab::real::Runner::kVm, 60);  // r.ok, r.run_s, r.result
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vzlab/real/kvm.hpp"

namespace vzlab::real {

/// One operation of a script (kinds: enum vz_op_kind in workloads.h).
struct ScriptOp {
  std::uint64_t kind = 0;
  std::uint64_t count = 0;
  std::uint64_t arg = 0;  ///< VZ_OP_PV: requests per doorbell
  friend bool operator==(const ScriptOp&, const ScriptOp&) = default;
};

/// `rounds` times, every operation in order.
struct Script {
  std::uint64_t rounds = 1;
  std::vector<ScriptOp> ops;
  /// Pages it touches in all.
  std::uint64_t pages() const;
};

/// Where a script runs.
enum class Runner {
  kNative,     ///< in this process
  kContainer,  ///< in a new container (needs root)
  kVm,         ///< in our VM; doorbells reach our user-space device
  kVmIoeventfd ///< in our VM; doorbells absorbed by KVM (the paravirtual path)
};

/// What a script run gave.
struct ScriptResult {
  bool ok = false;
  std::string error;
  std::uint64_t result = 0;  ///< checksum: the same wherever it ran
  double run_s = 0.0;        ///< the script alone (no VM creation or container start)
  std::uint64_t user_exits = 0;  ///< exits that reached our VMM (VMs only)
};

/// Largest number of pages a script may touch in our VM (its RAM is mapped
/// in the first GiB).
constexpr std::uint64_t kMaxScriptPages = 200'000;

/// Checks a script before it runs: "" or why it cannot run (too many
/// operations, an unknown kind, system calls in a VM, too much memory).
std::string script_problem(const Script& s, Runner where);

/// Runs a script; `kvm` is needed for the VM runners. Never throws for a
/// guest's fault; errors are in the result.
ScriptResult run_script(const Kvm* kvm, const Script& s, Runner where, double timeout_s);

}  // namespace vzlab::real
