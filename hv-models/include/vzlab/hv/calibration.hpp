// The calibration profile: every cost the virtualization models use, in one
// place, as plain data. Defaults come from published measurements (sources in
// docs/calibration.md); `vzlab run --calibration FILE` replaces any of them
// with values measured on the local machine.
#pragma once

#include <string>

namespace vzlab::hv {

/// Measured or published costs of the virtualization mechanisms.
struct CalibrationProfile {
  std::string source = "built-in defaults";
  bool nested = false;                     ///< the hosts are themselves VMs: exits cost nested_exit_factor more
  double nested_exit_factor = 10.0;        ///< exit cost under nested virtualization / bare metal
  double syscall_s = 0.1e-6;               ///< one system call on the host kernel
  double exit_s = 1.5e-6;                  ///< hardware-assisted VM exit handled in the kernel, round trip
  double user_exit_extra_s = 4.0e-6;       ///< extra when the exit is handled by a user-space VMM (device emulation)
  double bt_privileged_s = 0.5e-6;         ///< a privileged instruction run through binary translation
  double bt_syscall_s = 1.0e-6;            ///< a system call of a binary-translated guest
  double hypercall_s = 1.5e-6;             ///< one hypercall (paravirtualization)
  double pv_privileged_batch = 8.0;        ///< privileged operations a para guest batches per hypercall
  double emulated_exits_per_io = 4.0;      ///< device register accesses (exits) per emulated I/O request
  double emulation_cpu_per_io_s = 10e-6;   ///< host CPU the VMM burns emulating one device request
  double pv_ring_per_io_s = 0.5e-6;        ///< guest CPU to place one request on a virtio ring
  double pv_backend_cpu_per_io_s = 2.0e-6; ///< host CPU of the paravirtual back end per request
  double pv_batch = 16.0;                  ///< requests per ring notification (one exit each)
  double pv_notify_s = 1.5e-6;             ///< one ring notification: a doorbell exit the hypervisor answers in its kernel
  double native_io_cpu_s = 2.0e-6;         ///< kernel CPU to submit one I/O request natively
  double page_fault_s = 1.0e-6;            ///< a minor page fault handled by the (guest or host) kernel
  double first_touch_exit_s = 1.5e-6;      ///< a hardware-assisted VM's first touch of a page: the nested-paging exit that backs it
  double shadow_fault_s = 4.0e-6;          ///< extra for a fault under shadow page tables (binary translation)
  double type2_exit_factor = 2.0;          ///< a hosted VMM's world switch costs this much more than type 1
  double type2_io_extra_cpu_s = 5.0e-6;    ///< host-OS CPU per I/O request on the hosted path
  double type2_host_os_share = 0.05;       ///< share of a type-2 host's CPU the host OS keeps for itself
  double vm_os_memory_bytes = 512.0 * 1048576;        ///< RAM of a VM's own guest OS
  double vmm_memory_overhead_bytes = 32.0 * 1048576;  ///< per-VM memory of the VMM process and its tables
  double container_memory_overhead_bytes = 4.0 * 1048576;  ///< per-container runtime and cgroup memory
  double vm_boot_s = 20.0;          ///< firmware, guest kernel and init of a VM
  double container_start_s = 0.5;   ///< a container: namespaces, cgroup, the first process
  double native_start_s = 0.01;     ///< a process on the host OS
  double swap_slowdown = 10.0;      ///< on a swapping host, work also waits swap_slowdown x overcommit x its CPU time
};

}  // namespace vzlab::hv
