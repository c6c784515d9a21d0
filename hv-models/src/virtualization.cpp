#include "vzlab/hv/virtualization.hpp"

#include <cmath>

namespace vzlab::hv {

const char* mode_name(GuestMode mode) {
  switch (mode) {
    case GuestMode::kNative: return "native";
    case GuestMode::kFull: return "full";
    case GuestMode::kFullBt: return "full-bt";
    case GuestMode::kPara: return "para";
    case GuestMode::kOsLevel: return "os-level";
  }
  return "?";
}

const char* hypervisor_name(HypervisorType type) {
  switch (type) {
    case HypervisorType::kNone: return "none";
    case HypervisorType::kType1: return "type1";
    case HypervisorType::kType2: return "type2";
    case HypervisorType::kContainerRuntime: return "container-runtime";
  }
  return "?";
}

const char* crash_name(CrashKind kind) {
  switch (kind) {
    case CrashKind::kHost: return "host";
    case CrashKind::kHypervisor: return "hypervisor";
    case CrashKind::kHostOs: return "host-os";
    case CrashKind::kGuest: return "guest";
    case CrashKind::kStorage: return "storage";
  }
  return "?";
}

bool crash_takes_down(CrashKind kind, HypervisorType hv, GuestMode mode) {
  switch (kind) {
    case CrashKind::kHost: return true;
    case CrashKind::kHypervisor: return is_vm(mode);
    case CrashKind::kHostOs: return !is_vm(mode) || hv == HypervisorType::kType2;
    case CrashKind::kGuest:
    case CrashKind::kStorage: return false;  // decided per guest, not per host
  }
  return false;
}

std::string crash_problem(CrashKind kind, HypervisorType hv) {
  if (kind == CrashKind::kHypervisor && hv != HypervisorType::kType1 && hv != HypervisorType::kType2)
    return std::string("a host with hypervisor: ") + hypervisor_name(hv) + " has no hypervisor to crash";
  if (kind == CrashKind::kHostOs && hv == HypervisorType::kType1)
    return "a type-1 host has no host OS under its hypervisor (crash: hypervisor or host)";
  return "";
}

bool is_vm(GuestMode mode) {
  return mode == GuestMode::kFull || mode == GuestMode::kFullBt || mode == GuestMode::kPara;
}

namespace {

// A guest-to-hypervisor round trip that costs `bare_s` on bare metal under a
// type-1 hypervisor: nesting multiplies it, and a hosted hypervisor pays a
// longer world switch.
double world_switch(double bare_s, HypervisorType hv, const CalibrationProfile& p) {
  return bare_s * (p.nested ? p.nested_exit_factor : 1.0) * (hv == HypervisorType::kType2 ? p.type2_exit_factor : 1.0);
}

// One exit of a VM on this host.
double exit_cost(HypervisorType hv, const CalibrationProfile& p) { return world_switch(p.exit_s, hv, p); }

}  // namespace

StepCost compute_cost(GuestMode mode, HypervisorType hv, const CalibrationProfile& p, double syscalls,
                      double privileged, double page_faults) {
  StepCost c;
  switch (mode) {
    case GuestMode::kNative:
    case GuestMode::kOsLevel:
      // The host kernel serves the calls and faults; privileged work is
      // ordinary kernel code.
      c.guest_cpu_s = syscalls * p.syscall_s + page_faults * p.page_fault_s;
      break;
    case GuestMode::kFull:
      // System calls stay inside the guest; every privileged operation traps,
      // and so does the first touch of a page not yet backed by host memory
      // (a nested-paging violation) on top of the guest's own fault.
      c.exits = privileged + page_faults;
      c.guest_cpu_s = syscalls * p.syscall_s + privileged * exit_cost(hv, p) +
                      page_faults * (p.page_fault_s + world_switch(p.first_touch_exit_s, hv, p));
      break;
    case GuestMode::kFullBt:
      // Kernel code is translated: no exits, but each call and privileged
      // instruction takes the translated path, and shadow page tables make
      // every fault a hidden fault the VMM must also handle.
      c.guest_cpu_s = syscalls * p.bt_syscall_s + privileged * p.bt_privileged_s +
                      page_faults * (p.page_fault_s + p.shadow_fault_s);
      break;
    case GuestMode::kPara: {
      // The guest asks the hypervisor directly, batching privileged updates
      // (its page-table updates for faults among them).
      const double hypercalls = std::ceil((privileged + page_faults) / p.pv_privileged_batch);
      c.exits = hypercalls;
      c.guest_cpu_s = syscalls * p.syscall_s + page_faults * p.page_fault_s +
                      hypercalls * world_switch(p.hypercall_s, hv, p);
      break;
    }
  }
  return c;
}

StepCost io_cost(GuestMode mode, HypervisorType hv, const CalibrationProfile& p, double ops, double batch) {
  StepCost c;
  switch (mode) {
    case GuestMode::kNative:
    case GuestMode::kOsLevel:
      c.guest_cpu_s = ops * p.native_io_cpu_s;
      break;
    case GuestMode::kFull:
    case GuestMode::kFullBt: {
      // Every register access of the emulated device leaves the guest for the
      // user-space VMM (a hardware exit, or a translated call-out under binary
      // translation), which then emulates the device on the host's cores.
      const bool hw = mode == GuestMode::kFull;
      const double per_access = (hw ? exit_cost(hv, p) : p.bt_privileged_s) + p.user_exit_extra_s;
      c.exits = hw ? ops * p.emulated_exits_per_io : 0.0;
      c.guest_cpu_s = ops * (p.native_io_cpu_s + p.emulated_exits_per_io * per_access);
      c.host_cpu_s = ops * p.emulation_cpu_per_io_s;
      break;
    }
    case GuestMode::kPara: {
      // Requests go on a shared ring; one notification (a doorbell exit) per batch.
      const double b = batch > 0 ? batch : p.pv_batch;
      const double notifications = std::ceil(ops / b);
      c.exits = notifications;
      c.guest_cpu_s =
          ops * (p.native_io_cpu_s + p.pv_ring_per_io_s) + notifications * world_switch(p.pv_notify_s, hv, p);
      c.host_cpu_s = ops * p.pv_backend_cpu_per_io_s;
      break;
    }
  }
  // A hosted hypervisor's I/O also passes through the host OS.
  if (is_vm(mode) && hv == HypervisorType::kType2) c.host_cpu_s += ops * p.type2_io_extra_cpu_s;
  return c;
}

std::string placement_problem(GuestMode mode, HypervisorType hv) {
  if (is_vm(mode) && hv != HypervisorType::kType1 && hv != HypervisorType::kType2)
    return std::string("a ") + mode_name(mode) + " virtual machine needs a hypervisor on its host (hypervisor: type1 or type2), but the host has " +
           hypervisor_name(hv);
  if (mode == GuestMode::kOsLevel && hv != HypervisorType::kContainerRuntime && hv != HypervisorType::kType2)
    return std::string("a container (mode: os-level) needs a host OS with a container runtime (hypervisor: "
                       "container-runtime), but the host has ") +
           hypervisor_name(hv);
  return "";
}

}  // namespace vzlab::hv
