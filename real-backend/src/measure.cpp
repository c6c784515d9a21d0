#include "vzlab/real/measure.hpp"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <atomic>
#include <memory>
#include <thread>

#include "workloads.h"
#include "vzlab/real/container.hpp"

namespace vzlab::real {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

RunResult run_guest(const Kvm& kvm, std::uint64_t workload, std::uint64_t n, std::uint64_t batch = 0,
                    bool ioeventfd = false) {
  const std::size_t memory = workload == VZ_MEMORY ? VZ_TOUCH_BASE + n * 4096 + (1u << 20) : 4u << 20;
  Vm vm(kvm, memory);
  vm.load(guest_program(), kProgramAddress);
  vm.set_params(workload, n, batch);
  std::string why;
  if (ioeventfd && !vm.use_ioeventfd(&why)) throw KvmError(why);
  RunResult r = vm.run(60.0);
  if (!r.ok) throw KvmError("measurement guest failed: " + r.error);
  return r;
}

}  // namespace

double resident_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) * 1024.0;
  return 0.0;
}

std::optional<double> density_rss_per_vm(const Kvm& kvm, int n, double seconds) {
  const double before = resident_bytes();
  std::vector<std::unique_ptr<Vm>> vms;
  try {
    for (int i = 0; i < n; ++i) {
      vms.push_back(std::make_unique<Vm>(kvm, 1u << 20));
      vms.back()->load(guest_program(), kProgramAddress);
      vms.back()->set_params(VZ_HOSTILE_LOOP, 0);
    }
  } catch (const KvmError&) {
    return std::nullopt;
  }
  std::atomic<int> stopped_by_watchdog{0};
  std::vector<std::thread> threads;
  for (auto& vm : vms)
    threads.emplace_back([&, v = vm.get()] {
      const RunResult r = v->run(seconds);
      if (r.error.find("time limit") != std::string::npos) ++stopped_by_watchdog;
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds / 2));
  const double during = resident_bytes();
  for (auto& t : threads) t.join();
  // Every VM must have been running until its watchdog stopped it.
  if (stopped_by_watchdog != n) return std::nullopt;
  return (during - before) / n;
}

double available_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);)
    if (line.rfind("MemAvailable:", 0) == 0) return std::stod(line.substr(13)) * 1024.0;
  return 0.0;
}

std::optional<double> density_memory_per_container(int n, double seconds) {
  const double before = available_bytes();
  std::atomic<int> ran{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      const ContainerResult r = run_container("density-" + std::to_string(i), {}, [seconds] {
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
        return std::uint64_t{1};
      });
      if (r.ok && r.result == 1) ++ran;
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds / 2));
  const double during = available_bytes();
  for (auto& t : threads) t.join();
  if (ran != n) return std::nullopt;
  return (before - during) / n;
}

Stat summarize(std::vector<double>& s) {
  Stat st;
  if (s.empty()) return st;
  std::sort(s.begin(), s.end());
  st.min = s.front();
  st.max = s.back();
  const std::size_t n = s.size();
  st.median = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  return st;
}

Machine this_machine() {
  Machine m;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (m.cpu.empty() && line.rfind("model name", 0) == 0) m.cpu = line.substr(line.find(':') + 2);
    if (line.rfind("flags", 0) == 0 && line.find(" hypervisor") != std::string::npos) m.nested = true;
  }
  utsname u{};
  if (uname(&u) == 0) m.kernel = u.release;
  auto loaded = [](const char* module) { return access((std::string("/sys/module/") + module).c_str(), F_OK) == 0; };
  m.kvm = loaded("kvm_pvm")     ? "PVM (pagetable-based, software; guest kernel mode is emulated)"
          : loaded("kvm_intel") ? "hardware (Intel VT-x)"
          : loaded("kvm_amd")   ? "hardware (AMD-V)"
                                : "unknown";
  m.cores = static_cast<int>(std::thread::hardware_concurrency());
  return m;
}

Measurements measure_all(const Kvm& kvm, int repeats, const Progress& progress, bool density) {
  Measurements m;
  m.machine = this_machine();
  m.repeats = repeats;
  const int steps = 11;
  int step = 0;
  auto tell = [&](const char* what) {
    if (progress) progress(what, step++, steps);
  };
  std::vector<double> s;
  auto series = [&](auto&& once) {
    s.clear();
    for (int i = 0; i < repeats; ++i) s.push_back(once());
    return summarize(s);
  };

  // Per-operation costs: the time of n operations less the same guest's
  // fixed cost (n = 0), divided by n.
  auto per_op = [&](std::uint64_t n, auto&& timed_run) {
    return series([&] { return (timed_run(n) - timed_run(0)) / static_cast<double>(n); });
  };
  auto guest = [&](std::uint64_t workload, std::uint64_t batch = 0, bool ioeventfd = false) {
    return [&kvm, workload, batch, ioeventfd](std::uint64_t n) {
      return run_guest(kvm, workload, n, batch, ioeventfd).run_s;
    };
  };
  constexpr std::uint64_t kExits = 20000;
  tell("user-space exits (port I/O)");
  m.user_exit_s = per_op(kExits, guest(VZ_PORT_IO));
  m.bare_exit_s = per_op(kExits, [&](std::uint64_t n) {
    Vm vm(kvm, 4u << 20);
    vm.load(guest_program(), kProgramAddress);
    vm.set_params(VZ_PORT_IO, n);
    const double t = vm.run_bare();
    if (t < 0) throw KvmError("the bare KVM_RUN loop saw an unexpected exit");
    return t;
  });
  tell("in-kernel exits (cpuid)");
  m.kernel_exit_s = per_op(kExits, guest(VZ_CPUID));
  tell("paravirtual I/O (ring, batches of 16 and of 1)");
  m.pv_request_s = per_op(kExits, guest(VZ_PV_IO, kPvBatch));
  m.pv_ioeventfd_request_s = per_op(kExits, guest(VZ_PV_IO, kPvBatch, true));
  m.pv_ioeventfd_single_s = per_op(kExits / 4, guest(VZ_PV_IO, 1, true));
  tell("page faults in a VM");
  m.vm_page_fault_s = per_op(16384 /* pages: 64 MiB */, guest(VZ_MEMORY));

  tell("CPU kernel, native");
  m.cpu_native_s = series([&] {
    volatile std::uint64_t n = kCpuKernelIterations;
    const auto t0 = Clock::now();
    volatile std::uint64_t r = vz_cpu_kernel(n);
    (void)r;
    return seconds_since(t0);
  });
  tell("CPU kernel, in a VM");
  m.cpu_vm_s = series([&] { return run_guest(kvm, VZ_CPU, kCpuKernelIterations).run_s; });
  m.cpu_overhead = m.cpu_vm_s.median / m.cpu_native_s.median - 1.0;

  tell("VM start and teardown");
  std::vector<double> teardown;
  m.vm_start_s = series([&] {
    const auto t0 = Clock::now();
    auto vm = std::make_unique<Vm>(kvm, 4u << 20);
    vm->load(guest_program(), kProgramAddress);
    vm->set_params(VZ_CPU, 0);
    const RunResult r = vm->run(10.0);
    const double start = seconds_since(t0);
    if (!r.ok) throw KvmError("measurement guest failed: " + r.error);
    const auto t1 = Clock::now();
    vm.reset();
    teardown.push_back(seconds_since(t1));
    return start;
  });
  m.vm_teardown_s = summarize(teardown);

  tell("system calls");
  m.syscall_s = series([] {
    constexpr int kCalls = 200000;
    const auto t0 = Clock::now();
    for (int i = 0; i < kCalls; ++i) syscall(SYS_getppid);
    return seconds_since(t0) / kCalls;
  });
  tell("page faults");
  m.page_fault_s = series([] {
    constexpr std::size_t kBytes = 64u << 20;
    void* p = mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw KvmError("mmap for the page-fault measurement failed");
    auto* bytes = static_cast<volatile std::uint8_t*>(p);
    const auto t0 = Clock::now();
    for (std::size_t off = 0; off < kBytes; off += 4096) bytes[off] = 1;
    const double t = seconds_since(t0) / (kBytes / 4096);
    munmap(p, kBytes);
    return t;
  });
  tell("containers");
  m.cgroups = cgroup_layout_name(detect_cgroups());
  if (geteuid() == 0 && detect_cgroups() != CgroupLayout::kNone) {
    std::vector<double> start, teardown, cold, cpu;
    auto empty = [](const char* name) {
      const ContainerResult r = run_container(name, {}, [] { return std::uint64_t{0}; });
      if (!r.ok) throw KvmError("measurement container failed: " + r.error);
      return r;
    };
    // The first container of a process pays once for its first move into a
    // cpu cgroup (10-40 ms here); warm up so the medians are steady state.
    empty("warm-up");
    // One after another, as when a pool or a density test starts many.
    for (int i = 0; i < repeats; ++i) {
      const ContainerResult r = empty("measure");
      start.push_back(r.start_s);
      teardown.push_back(r.teardown_s);
    }
    // After a pause: moving a process into a cgroup then waits for the
    // kernel (an RCU grace period, most likely) and costs several ms more.
    for (int i = 0; i < repeats; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      cold.push_back(empty("measure-cold").start_s);
    }
    for (int i = 0; i < repeats; ++i) {
      const ContainerResult busy = run_container("measure-cpu", {}, [] { return vz_cpu_kernel(kCpuKernelIterations); });
      if (!busy.ok) throw KvmError("measurement container failed: " + busy.error);
      cpu.push_back(busy.run_s);
    }
    m.containers = true;
    if (density) {
      m.density_containers = 200;
      m.density_memory_per_container_bytes = density_memory_per_container(m.density_containers, 2.0);
    }
    m.container_start_s = summarize(start);
    m.container_teardown_s = summarize(teardown);
    m.container_cold_start_s = summarize(cold);
    m.cpu_container_s = summarize(cpu);
  }
  if (density) {
    tell("density: 500 tiny VMs at once");
    m.density_vms = 500;
    m.density_rss_per_vm_bytes = density_rss_per_vm(kvm, m.density_vms, 2.0);
  }
  if (progress) progress("done", steps, steps);
  return m;
}

std::string to_profile_yaml(const Measurements& m) {
  std::ostringstream y;
  y.precision(6);
  auto us = [](double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4gus", s * 1e6);
    return std::string(buf);
  };
  // A paravirtual request costs its ring work plus its share of a doorbell:
  // per request, r + d with a doorbell each and r + d / 16 in batches of 16,
  // so d = (each - batched) x 16 / 15. (The doorbell is its own exit: under
  // a software hypervisor such as PVM it costs less than a cpuid, which has
  // to be emulated.)
  const double each = m.pv_ioeventfd_single_s.median, batched = m.pv_ioeventfd_request_s.median;
  const double doorbell = std::max(0.0, (each - batched) * kPvBatch / (kPvBatch - 1));
  const double ring = std::max(0.0, batched - doorbell / kPvBatch);
  y << "# Calibration profile measured by `vzlab calibrate` (median of " << m.repeats << " runs).\n"
    << "# Keys not written here keep their published defaults (docs/calibration.md).\n"
    << "version: 1\n"
    << "machine: \"" << m.machine.cpu << ", kernel " << m.machine.kernel << ", KVM: " << m.machine.kvm
    << (m.machine.nested ? ", nested" : "") << "\"\n"
    << "# Exits are measured as they are on this machine, nesting included.\n"
    << "nested: false\n"
    << "exit: " << us(m.kernel_exit_s.median) << "\n"
    << "hypercall: " << us(m.kernel_exit_s.median) << "\n"
    << "user_exit_extra: " << us(std::max(0.0, m.user_exit_s.median - m.kernel_exit_s.median)) << "\n"
    << "syscall: " << us(m.syscall_s.median) << "\n"
    << "page_fault: " << us(m.page_fault_s.median) << "\n"
    << "first_touch_exit: " << us(std::max(0.0, m.vm_page_fault_s.median - m.page_fault_s.median)) << "\n"
    << "pv_ring_per_io: " << us(ring) << "\n"
    << "pv_notify: " << us(doorbell) << "\n";
  if (m.containers) y << "container_start: " << us(m.container_start_s.median) << "\n";
  return y.str();
}

}  // namespace vzlab::real
