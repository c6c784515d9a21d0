// Containers from Linux primitives: a child process in new PID, mount, UTS,
// IPC and network namespaces, limited by a cgroup (v1 hierarchies or v2,
// whichever this machine mounts), running a workload natively. Everything
// it creates is removed when it ends, and leftovers of a killed run are
// removed at the next start.
//
//   vzlab::real::ContainerLimits limits{.cpus = 0.5, .memory_bytes = 256 << 20};
//   auto r = vzlab::real::run_container("web", limits, [] { return vz_cpu_kernel(1000000); });
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace vzlab::real {

/// How this machine mounts cgroups.
enum class CgroupLayout { kNone, kV1, kV2 };

/// Finds the cgroup layout (v2 at /sys/fs/cgroup with cpu and memory
/// controllers, or v1 hierarchies /sys/fs/cgroup/{cpu,memory}).
CgroupLayout detect_cgroups();
/// "v1", "v2" or "none".
const char* cgroup_layout_name(CgroupLayout layout);

/// Resource limits of a container; 0 means none.
struct ContainerLimits {
  double cpus = 0.0;               ///< CPU time per wall second (0.5 = half a core)
  std::uint64_t memory_bytes = 0;  ///< memory limit
};

/// What a container run gave.
struct ContainerResult {
  bool ok = false;
  std::string error;
  std::uint64_t result = 0;     ///< the workload's checksum
  long pid_inside = 0;          ///< its PID as it saw it (1 in a new PID namespace)
  std::string hostname_inside;  ///< its host name as it saw it
  int interfaces_inside = 0;    ///< network interfaces it could see
  double start_s = 0.0;         ///< clone, namespaces and cgroup until its first instruction of work
  double run_s = 0.0;           ///< the workload
  double teardown_s = 0.0;      ///< reaping it and removing its cgroup
  std::string cgroup_path;      ///< where its cgroup was (gone after the run)
};

/// Runs `work` in a new container named `name`. Needs root; returns an
/// error (never throws) when the kernel refuses.
ContainerResult run_container(const std::string& name, const ContainerLimits& limits,
                              const std::function<std::uint64_t()>& work);

/// Removes cgroups left by vzlab processes that no longer exist; returns how many.
int clean_stale_cgroups();

}  // namespace vzlab::real
