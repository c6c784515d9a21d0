// libFuzzer target: any bytes given to the calibration-profile loader must
// give either a profile or one error, never a crash, a hang or a sanitizer
// report; a profile that loads must drive a small scenario without trouble.
// Build with the "fuzz" preset (clang); corpus: scenarios/profiles/*.yaml.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vzlab/hv/scenario/scenario.hpp"

namespace {

// Every virtualization mode on a type-1, a type-2 and a container host.
const char* kScenario = R"(version: 1
hosts:
  - {name: t1, speed: 1Gf, cores: 2}
  - {name: t2, speed: 1Gf, hypervisor: type2}
  - {name: ct, speed: 1Gf, hypervisor: container-runtime}
guests:
  - {name: full, host: t1, mode: full, processes: [{steps: [{compute: 1Gf, syscalls: 1000, privileged: 100, page_faults: 100}, {io: {ops: 100, size: 4KiB}}]}]}
  - {name: bt, host: t1, mode: full-bt, processes: [{steps: [{compute: 1Gf, syscalls: 1000}]}]}
  - {name: para, host: t2, mode: para, processes: [{steps: [{compute: 1Gf, privileged: 100}, {io: {ops: 100, size: 4KiB}}]}]}
  - {name: ctr, host: ct, mode: os-level, processes: [{steps: [{compute: 1Gf, syscalls: 1000}]}]}
  - {name: nat, host: ct, mode: native, processes: [{steps: [{compute: 1Gf}]}]}
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sc = vzlab::hv::scenario;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto profile = sc::load_calibration_string(text, "fuzz-profile.yaml");
  if (!profile.ok()) {
    if (profile.error->message.empty()) __builtin_trap();
    return 0;
  }
  static const auto scenario = sc::load_string(kScenario, "fuzz.yaml", {});
  if (!scenario.ok()) __builtin_trap();
  auto world = sc::build_world(*scenario.scenario, *profile.profile);
  world->run(3600.0);
  world->finish();
  return 0;
}
