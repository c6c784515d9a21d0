// vzlab reference workload on SimGrid: the "VM farm".
//
// HOSTS physical machines (named h0..h{HOSTS-1}, 1e9 flop/s, 4 cores) each
// carry VMS single-vCPU virtual machines.  Every VM hosts one worker that runs
// TASKS CPU tasks back to back; task sizes are a deterministic function of the
// global VM index and the task index, in [0.5e9, 1.5e9] flops.
//
// Usage: simgrid_vmfarm_ref [HOSTS [VMS [TASKS]]]   (defaults 100 8 100)
// Output:
//   makespan_s=... tasks=... wall_s=... tasks_per_wall_s=...
//   makespan_exact=...            (full precision, for 1e-9 comparisons)
//
// Build: g++ -O2 -std=c++20 simgrid_vmfarm_ref.cpp $(pkg-config --cflags --libs simgrid)
#include <simgrid/s4u.hpp>
#include <simgrid/s4u/VirtualMachine.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

namespace s4u = simgrid::s4u;

constexpr double kHostSpeed = 1e9;
constexpr int kHostCores = 4;

struct FarmConfig {
  int hosts = 100;
  int vms_per_host = 8;
  int tasks_per_vm = 100;
};

long g_completed = 0;

// Task size for (global VM index, task index).  The arithmetic types matter:
// the first mixing step wraps at 32 bits (unsigned int), the later steps are
// done on a 64-bit unsigned long.  Do not "simplify" the types.
double work_of(unsigned vm_index, unsigned task_index) {
  const unsigned lo = vm_index * 2654435761u;
  const unsigned hi = task_index * 40503u + 12345u;
  unsigned long h = static_cast<unsigned long>(lo ^ hi);
  h ^= h >> 13;
  h *= static_cast<unsigned long>(0x5bd1e995);
  h ^= h >> 15;
  const unsigned long bucket = h % 1000ul;
  return 0.5e9 + static_cast<double>(bucket) * 1e6;
}

int parse_positive(const char* text, const char* what) {
  char* end = nullptr;
  long v = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || v < 0 || v > 100000000L) {
    std::fprintf(stderr, "simgrid_vmfarm_ref: bad %s '%s'\n", what, text);
    std::exit(1);
  }
  return static_cast<int>(v);
}

void worker(unsigned vm_index, int n_tasks) {
  for (int k = 0; k < n_tasks; ++k) {
    s4u::this_actor::execute(work_of(vm_index, static_cast<unsigned>(k)));
    ++g_completed;
  }
}

std::vector<s4u::Host*> build_platform(int n_hosts) {
  s4u::NetZone* farm = s4u::create_full_zone("farm");
  std::vector<s4u::Host*> machines;
  machines.reserve(static_cast<size_t>(n_hosts));
  for (int i = 0; i < n_hosts; ++i) {
    s4u::Host* pm = farm->create_host("h" + std::to_string(i), kHostSpeed);
    pm->set_core_count(kHostCores);
    pm->seal();
    machines.push_back(pm);
  }
  farm->seal();
  return machines;
}

void deploy(const std::vector<s4u::Host*>& machines, const FarmConfig& cfg) {
  unsigned next_vm = 0;  // global VM index, host-major order
  for (s4u::Host* pm : machines) {
    for (int v = 0; v < cfg.vms_per_host; ++v) {
      auto* guest = pm->create_vm(pm->get_name() + "-vm" + std::to_string(v), 1);
      guest->start();
      const unsigned vm_index = next_vm++;
      const int n = cfg.tasks_per_vm;
      s4u::Actor::create("w", guest, [vm_index, n] { worker(vm_index, n); });
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  s4u::Engine engine(&argc, argv);  // consumes --cfg/--log options

  FarmConfig cfg;
  if (argc > 1) cfg.hosts = parse_positive(argv[1], "HOSTS");
  if (argc > 2) cfg.vms_per_host = parse_positive(argv[2], "VMS");
  if (argc > 3) cfg.tasks_per_vm = parse_positive(argv[3], "TASKS");

  deploy(build_platform(cfg.hosts), cfg);

  const auto started = std::chrono::steady_clock::now();
  engine.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const double makespan = s4u::Engine::get_clock();
  std::printf("makespan_s=%.6f tasks=%ld wall_s=%.3f tasks_per_wall_s=%.0f\n", makespan, g_completed, wall,
              g_completed / wall);
  std::printf("makespan_exact=%.17g\n", makespan);
  return 0;
}
