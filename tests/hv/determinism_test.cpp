// Every shipped scenario is a pure function of its file and seed: two runs
// give the same event stream, event for event.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <string>

#include "vzlab/hv/scenario/scenario.hpp"

namespace vzlab::hv {
namespace {

// FNV-1a over every event: its time's bits, kind and subject names, and values.
struct StreamHash {
  std::uint64_t h = 1469598103934665603ull;
  std::uint64_t events = 0;
  void mix(const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  }
  void mix(double v) {
    const auto bits = std::bit_cast<std::uint64_t>(v);
    mix(&bits, sizeof bits);
  }
  void mix(const std::string& s) { mix(s.data(), s.size() + 1); }
};

StreamHash run_hashed(const std::filesystem::path& file) {
  auto loaded = scenario::load_file(file.string(), {});
  if (!loaded.ok()) throw std::runtime_error(loaded.error->format());
  auto world = scenario::build_world(*loaded.scenario);
  StreamHash hash;
  auto& ev = world->engine().events();
  ev.subscribe([&](const engine::StreamEvent& e) {
    ++hash.events;
    hash.mix(e.time_s);
    hash.mix(ev.kind_name(e.kind));
    hash.mix(ev.subject_name(e.subject));
    for (double v : e.values) hash.mix(v);
  });
  world->run(loaded.scenario->until_s.value_or(engine::Engine::kForever));
  world->finish();
  return hash;
}

TEST(Determinism, EveryShippedScenarioGivesTheSameEventStreamTwice) {
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::filesystem::path(VZLAB_SOURCE_DIR) /
                                                                         "scenarios")) {
    if (entry.path().extension() != ".yaml" || entry.path().parent_path().filename() == "profiles") continue;
    const StreamHash a = run_hashed(entry.path()), b = run_hashed(entry.path());
    EXPECT_GT(a.events, 10u) << entry.path();
    EXPECT_EQ(a.events, b.events) << entry.path();
    EXPECT_EQ(a.h, b.h) << entry.path();
    ++checked;
  }
  EXPECT_GE(checked, 15);
}

}  // namespace
}  // namespace vzlab::hv
