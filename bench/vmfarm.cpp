// The VM farm benchmark through vzlab's C++ API; prints the same line as the
// SimGrid peer program so both can be compared (bench/compare-simgrid.sh).
//
// Usage: vmfarm [HOSTS=100] [VMS=8] [TASKS=100]
#include <chrono>
#include <cstdio>
#include <string>

#include "bench_args.hpp"
#include "vmfarm_workload.hpp"

int main(int argc, char** argv) {
  if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::printf("usage: vmfarm [HOSTS=100] [VMS=8] [TASKS=100]\n");
    return 0;
  }
  const auto arg = [&](int i, long fallback) {
    return static_cast<int>(vzlab::bench::integer_arg("vmfarm", argc, argv, i, fallback, 0, 100000000));
  };
  const int hosts = arg(1, 100);
  const int vms = arg(2, 8);
  const int tasks = arg(3, 100);

  // Like the peer program, time the run only, not building the platform.
  long done = 0;
  vzlab::hv::World world;
  vzlab::bench::build_farm(world, hosts, vms, tasks, done);
  const auto t0 = std::chrono::steady_clock::now();
  world.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double makespan = world.engine().now();
  std::printf("makespan_s=%.6f tasks=%ld wall_s=%.3f tasks_per_wall_s=%.0f\n", makespan, done, wall,
              wall > 0 ? done / wall : 0.0);
  std::printf("makespan_exact=%.17g\n", makespan);
  return 0;
}
