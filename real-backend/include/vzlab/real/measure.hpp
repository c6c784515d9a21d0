// Measurements on this machine: what an exit, a system call, a page fault
// and a VM's life cost for real, each repeated and summarized.
#pragma once

#include <functional>
#include <optional>
#include <vector>
#include <string>

#include "vzlab/real/kvm.hpp"

namespace vzlab::real {

/// Paravirtual requests per doorbell in the measurements.
constexpr std::uint64_t kPvBatch = 16;

/// Iterations of the CPU kernel in the CPU-bound measurements.
constexpr std::uint64_t kCpuKernelIterations = 50'000'000;

/// Median, minimum and maximum of repeated measurements.
struct Stat {
  double median = 0.0, min = 0.0, max = 0.0;
};

/// Summarizes samples (which it sorts).
Stat summarize(std::vector<double>& samples);

/// The machine a measurement was made on.
struct Machine {
  std::string cpu;          ///< CPU model name
  std::string kernel;       ///< kernel release
  std::string kvm;          ///< which KVM: hardware (VT-x / AMD-V) or PVM (software)
  bool nested = false;      ///< this machine is itself a virtual machine
  int cores = 0;
};

/// Describes this machine.
Machine this_machine();

/// Everything `vzlab real` measures; times in seconds.
struct Measurements {
  Machine machine;
  int repeats = 0;
  Stat user_exit_s;     ///< a port write handled by our user-space device (guest to us and back)
  Stat bare_exit_s;     ///< the same served by a bare KVM_RUN loop (the floor for any VMM)
  Stat kernel_exit_s;   ///< a cpuid, answered inside KVM
  Stat cpu_native_s;    ///< the CPU kernel as a host process
  Stat cpu_vm_s;        ///< the same kernel in our VM
  Stat vm_start_s;      ///< create a VM, load it, run to its first result (2 exits)
  Stat vm_teardown_s;   ///< destroy it
  Stat syscall_s;       ///< a system call on the host
  Stat page_fault_s;    ///< first touch of a 4 KiB page on the host
  Stat vm_page_fault_s; ///< first touch of a 4 KiB page inside our VM
  Stat pv_request_s;    ///< one paravirtual request, batches of 16, doorbell to user space
  Stat pv_ioeventfd_request_s;  ///< the same with the doorbell absorbed by KVM (ioeventfd)
  Stat pv_ioeventfd_single_s;   ///< the same with a doorbell for every request (batches of 1)
  bool containers = false;      ///< containers could be measured (root, cgroups)
  std::string cgroups;          ///< cgroup layout used ("v1", "v2")
  Stat container_start_s;       ///< cgroup, clone into new namespaces, to its first instruction of work (one after another)
  Stat container_cold_start_s;  ///< the same after 0.3 s with no container started
  Stat container_teardown_s;    ///< reap it and remove its cgroup
  Stat cpu_container_s;         ///< the CPU kernel in a container
  int density_vms = 0;          ///< tiny VMs run at once in the density test
  std::optional<double> density_rss_per_vm_bytes;  ///< our resident memory per running VM; none if not all ran
  int density_containers = 0;             ///< containers run at once in the density test
  std::optional<double> density_memory_per_container_bytes;  ///< machine memory per running container; none if not all ran
  double cpu_overhead = 0.0;  ///< median in VM / median native - 1
};

/// Reports progress: what is measured, and how far (done of total).
using Progress = std::function<void(const std::string& what, int done, int total)>;

/// Runs every measurement `repeats` times (the density tests only when
/// `density`). Throws KvmError if a VM fails.
Measurements measure_all(const Kvm& kvm, int repeats, const Progress& progress, bool density = true);

/// Resident memory of this process (VmRSS), in bytes.
double resident_bytes();

/// Runs `n` tiny VMs at once (each a vCPU thread spinning in its guest for
/// `seconds`) and returns this process's resident memory per VM while all
/// run, or nothing if a VM could not be created or run.
std::optional<double> density_rss_per_vm(const Kvm& kvm, int n, double seconds);

/// Runs `n` containers at once (each sleeping `seconds`) and returns the
/// machine's memory (MemAvailable) they took per container (other activity
/// on the machine makes it noisy, even negative), or nothing if not all ran.
std::optional<double> density_memory_per_container(int n, double seconds);

/// The machine's available memory (MemAvailable), in bytes.
double available_bytes();

/// The measurements as a calibration profile (YAML) the models read.
std::string to_profile_yaml(const Measurements& m);

}  // namespace vzlab::real
