// The VM farm benchmark, built through vzlab's C++ API: HOSTS hosts of 4 cores
// at 1 Gflop/s, VMS one-vCPU VMs on each, every VM running one chain of TASKS
// CPU tasks whose sizes come from the same hash as the SimGrid peer program,
// so both must report the same makespan.
//
// Usage: vmfarm [HOSTS=100] [VMS=8] [TASKS=100]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "vzlab/hv/world.hpp"

namespace {

// Deterministic task size in [0.5e9, 1.5e9] flops; same integer arithmetic
// as the peer workload definition (32-bit multiply, 64-bit mixing).
double task_flops(unsigned vm, unsigned k) {
  unsigned long x = (vm * 2654435761u) ^ (k * 40503u + 12345u);
  x ^= x >> 13;
  x *= 0x5bd1e995;
  x ^= x >> 15;
  return 0.5e9 + static_cast<double>(x % 1000) * 1e6;
}

long tasks_done = 0;

vzlab::engine::Process worker(vzlab::hv::Guest& vm, unsigned id, int tasks) {
  for (int k = 0; k < tasks; ++k) {
    co_await vm.execute(task_flops(id, static_cast<unsigned>(k)));
    ++tasks_done;
  }
}

int parse_arg(int argc, char** argv, int i, int fallback) {
  if (argc <= i) return fallback;
  char* end = nullptr;
  long v = std::strtol(argv[i], &end, 10);
  if (*end != '\0' || v < 0 || v > 100000000) {
    std::fprintf(stderr, "vmfarm: argument %d must be a non-negative integer, got '%s'\n", i, argv[i]);
    std::exit(2);
  }
  return static_cast<int>(v);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::printf("usage: vmfarm [HOSTS=100] [VMS=8] [TASKS=100]\n");
    return 0;
  }
  const int hosts = parse_arg(argc, argv, 1, 100);
  const int vms = parse_arg(argc, argv, 2, 8);
  const int tasks = parse_arg(argc, argv, 3, 100);

  const auto t0 = std::chrono::steady_clock::now();
  vzlab::hv::World world;
  unsigned id = 0;
  for (int h = 0; h < hosts; ++h) {
    auto& host = world.add_host({.name = "h" + std::to_string(h), .cores = 4, .speed_flops = 1e9, .group = {}});
    for (int v = 0; v < vms; ++v) {
      vzlab::hv::GuestSpec spec;
      spec.name = host.name();
      spec.name += "-vm";
      spec.name += std::to_string(v);
      auto& vm = world.add_guest(std::move(spec), host);
      world.engine().spawn(worker(vm, id++, tasks));
    }
  }
  world.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double makespan = world.engine().now();
  std::printf("makespan_s=%.6f tasks=%ld wall_s=%.3f tasks_per_wall_s=%.0f\n", makespan, tasks_done, wall,
              tasks_done / wall);
  std::printf("makespan_exact=%.17g\n", makespan);
  return 0;
}
