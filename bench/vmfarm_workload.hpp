// The VM farm workload shared by the benchmark (bench/vmfarm.cpp) and its
// correctness test (tests/hv/vmfarm_test.cpp): HOSTS hosts of 4 cores at
// 1 Gflop/s, VMS one-vCPU VMs per host, each running one chain of TASKS CPU
// tasks whose sizes follow the peer SimGrid program's hash.
#pragma once

#include <string>

#include "vzlab/hv/world.hpp"

namespace vzlab::bench {

/// Deterministic task size in [0.5e9, 1.5e9] flops; the same integer
/// arithmetic as the peer workload (32-bit multiply, then 64-bit mixing).
inline double farm_task_flops(unsigned vm, unsigned k) {
  unsigned long x = (vm * 2654435761u) ^ (k * 40503u + 12345u);
  x ^= x >> 13;
  x *= 0x5bd1e995;
  x ^= x >> 15;
  return 0.5e9 + static_cast<double>(x % 1000) * 1e6;
}

/// One VM's chain of tasks; counts completed tasks in `done`.
inline engine::Process farm_worker(hv::Guest& vm, unsigned id, int tasks, long& done) {
  for (int k = 0; k < tasks; ++k) {
    co_await vm.execute(farm_task_flops(id, static_cast<unsigned>(k)));
    ++done;
  }
}

/// Adds the farm's hosts, VMs and workers to `world`.
inline void build_farm(hv::World& world, int hosts, int vms, int tasks, long& done) {
  unsigned id = 0;
  for (int h = 0; h < hosts; ++h) {
    hv::HostSpec hs;
    hs.name = "h" + std::to_string(h);
    hs.cores = 4;
    hs.speed_flops = 1e9;
    hv::Host& host = world.add_host(std::move(hs));
    for (int v = 0; v < vms; ++v) {
      hv::GuestSpec spec;
      spec.name = host.name();
      spec.name += "-vm";
      spec.name += std::to_string(v);
      hv::Guest& vm = world.add_guest(std::move(spec), host);
      world.engine().spawn(farm_worker(vm, id++, tasks, done));
    }
  }
}

}  // namespace vzlab::bench
