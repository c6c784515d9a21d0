// How each virtualization mode turns what a workload does into costs: the
// guest's own CPU time, CPU the hypervisor burns on the host, and exits.
// Pure functions of (mode, hypervisor, calibration profile); see
// docs/calibration.md for the formulas in words.
#pragma once

#include <string>

#include "vzlab/hv/calibration.hpp"

namespace vzlab::hv {

/// How a guest's work reaches the hardware.
enum class GuestMode {
  kNative,   ///< bare metal baseline: a process on the host OS
  kFull,     ///< full virtualization, hardware-assisted (trap and emulate)
  kFullBt,   ///< full virtualization by binary translation
  kPara,     ///< paravirtualization: hypercalls and paravirtual drivers
  kOsLevel,  ///< a container on the host kernel
};

/// What runs directly on a host's hardware.
enum class HypervisorType {
  kNone,              ///< an ordinary OS: native processes only
  kType1,             ///< bare-metal hypervisor
  kType2,             ///< hosted hypervisor on top of a host OS
  kContainerRuntime,  ///< a host OS with a container runtime
};

/// What fails in a crash, and so which guests it takes down.
enum class CrashKind {
  kHost,        ///< the machine itself: every guest on it
  kHypervisor,  ///< the hypervisor: every VM on the host
  kHostOs,      ///< the host OS: its containers and processes, and on a type-2 host its VMs too
  kGuest,       ///< one guest's kernel (or a container's processes): that guest only
  kStorage,     ///< its disk was lost (moved to a replica by disaster recovery): that guest only
};

/// Name of a crash kind as written in scenarios ("host", "hypervisor", ...).
const char* crash_name(CrashKind kind);
/// True if a crash of `kind` on a host of type `hv` takes down a guest of `mode` there.
bool crash_takes_down(CrashKind kind, HypervisorType hv, GuestMode mode);
/// Why a crash of `kind` cannot happen on a host of type `hv`, or "".
std::string crash_problem(CrashKind kind, HypervisorType hv);

/// Name of a mode as written in scenarios ("native", "full", ...).
const char* mode_name(GuestMode mode);
/// Name of a hypervisor type as written in scenarios ("type1", ...).
const char* hypervisor_name(HypervisorType type);
/// True for the modes that run a guest kernel of their own.
bool is_vm(GuestMode mode);

/// Costs of one step of work.
struct StepCost {
  double guest_cpu_s = 0.0;  ///< extra CPU time on the guest's own vCPU
  double host_cpu_s = 0.0;   ///< CPU time the hypervisor or host OS spends on the host's cores
  double exits = 0.0;        ///< VM exits caused
};

/// Cost of `syscalls` system calls, `privileged` privileged operations and
/// `page_faults` first-touch page faults.
StepCost compute_cost(GuestMode mode, HypervisorType hv, const CalibrationProfile& p, double syscalls,
                      double privileged, double page_faults = 0.0);

/// Cost (CPU side) of `ops` I/O requests; para guests notify once per `batch`.
StepCost io_cost(GuestMode mode, HypervisorType hv, const CalibrationProfile& p, double ops, double batch);

/// Why a guest of `mode` cannot run on a host of `hv`, or "" if it can.
std::string placement_problem(GuestMode mode, HypervisorType hv);

}  // namespace vzlab::hv
