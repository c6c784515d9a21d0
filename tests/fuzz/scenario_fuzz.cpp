// libFuzzer target: any bytes given to the scenario loader must give either a
// scenario or one LoadError, never a crash, a hang or a sanitizer report.
// Build with -DVZLAB_FUZZ=ON (clang); corpus: scenarios/*.yaml.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vzlab/hv/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto result = vzlab::hv::scenario::load_string(text, "fuzz.yaml", {});
  if (!result.ok() && result.error->message.empty()) __builtin_trap();
  if (result.ok()) {
    // Loaded scenarios must also build and run briefly without trouble.
    std::size_t processes = 0;
    for (const auto& g : result.scenario->guests) processes += g.processes.size();
    if (processes < 2000) {
      auto world = vzlab::hv::scenario::build_world(*result.scenario);
      world->run(10.0);
      world->finish();
    }
  }
  return 0;
}
