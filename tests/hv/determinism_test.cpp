// Every shipped scenario is a pure function of its file and seed: two runs
// give the same event stream, event for event. The streams' hashes are also
// pinned in determinism_hashes.txt, so a refactoring that changes no number
// shows it; a change that does (a fixed defect) updates the file and says
// why in its commit: VZLAB_UPDATE_HASHES=1 rewrites it.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
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

TEST(Determinism, EveryShippedScenarioGivesItsPinnedEventStream) {
  const std::filesystem::path source(VZLAB_SOURCE_DIR);
  const std::filesystem::path pinned = source / "tests" / "hv" / "determinism_hashes.txt";
  std::map<std::string, std::string> want, got;
  {
    std::ifstream in(pinned);
    std::string name, line;
    while (std::getline(in, line))
      if (!line.empty() && line[0] != '#') {
        std::istringstream fields(line);
        std::string value;
        fields >> name >> value;
        want[name] = value;
      }
  }
  for (const auto& entry : std::filesystem::directory_iterator(source / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const StreamHash h = run_hashed(entry.path());
    std::ostringstream value;
    value << std::hex << h.h << "/" << std::dec << h.events;
    got[entry.path().filename().string()] = value.str();
  }
  if (const char* update = std::getenv("VZLAB_UPDATE_HASHES"); update != nullptr && std::string(update) == "1") {
    std::ofstream out(pinned);
    out << "# scenario  FNV-1a of its event stream / events (tests/hv/determinism_test.cpp)\n";
    for (const auto& [name, value] : got) out << name << " " << value << "\n";
    GTEST_SKIP() << "rewrote " << pinned;
  }
  EXPECT_EQ(want.size(), got.size()) << "scenarios added or removed: VZLAB_UPDATE_HASHES=1 rewrites " << pinned;
  for (const auto& [name, value] : got) EXPECT_EQ(want[name], value) << name;
}

}  // namespace
}  // namespace vzlab::hv
