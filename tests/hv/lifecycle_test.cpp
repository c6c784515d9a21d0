// The guest lifecycle: which moves are legal, a guest walked through every
// kind of state against a hand-computed timeline, and for every shipped
// scenario the accounting's invariants (a guest's and a host's state times
// add up to the run; downtime is the time in outages).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "vzlab/hv/lifecycle.hpp"
#include "vzlab/hv/scenario/scenario.hpp"

namespace vzlab::hv {
namespace {

std::string move_name(GuestState a, GuestState b) { return std::string(state_name(a)) + "->" + state_name(b); }

TEST(Lifecycle, EveryLegalAndIllegalMove) {
  // The legal moves, written out from the state diagram in lifecycle.hpp.
  const std::set<std::string> legal = {
      "pending->booting",     "pending->running",     "pending->refused",    "pending->down",
      "booting->running",     "booting->finished",    "booting->refused",    "booting->down",
      "booting->stalled",     "running->migrating",   "running->paused",     "running->stalled",
      "running->down",        "running->restarting",  "running->finished",   "migrating->running",
      "migrating->paused",    "migrating->stalled",   "migrating->down",     "migrating->restarting",
      "migrating->finished",  "paused->running",      "paused->stalled",     "paused->down",
      "paused->restarting",   "paused->finished",     "stalled->booting",    "stalled->running",
      "stalled->migrating",   "stalled->paused",      "stalled->down",       "stalled->restarting",
      "stalled->finished",    "down->restarting",     "restarting->running", "restarting->down",
      "restarting->refused",  "restarting->finished",
  };
  int legal_seen = 0;
  for (std::size_t a = 0; a < kGuestStates; ++a)
    for (std::size_t b = 0; b < kGuestStates; ++b) {
      const auto from = static_cast<GuestState>(a), to = static_cast<GuestState>(b);
      const bool want = legal.count(move_name(from, to)) > 0;
      EXPECT_EQ(legal_transition(from, to), want) << move_name(from, to);
      legal_seen += want ? 1 : 0;
    }
  EXPECT_EQ(legal_seen, static_cast<int>(legal.size()));  // every listed move names real states
  // Finished and refused are final.
  for (std::size_t b = 0; b < kGuestStates; ++b) {
    EXPECT_FALSE(legal_transition(GuestState::kFinished, static_cast<GuestState>(b)));
    EXPECT_FALSE(legal_transition(GuestState::kRefused, static_cast<GuestState>(b)));
  }
}

TEST(Lifecycle, StateNamesRoundTrip) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < kGuestStates; ++i) {
    const auto s = static_cast<GuestState>(i);
    names.insert(state_name(s));
    EXPECT_EQ(guest_state_from_name(state_name(s)), s);
  }
  EXPECT_EQ(names.size(), kGuestStates);
  EXPECT_FALSE(guest_state_from_name("sleeping"));
  EXPECT_STREQ(state_name(HostState::kOff), "off");
}

// One VM on h0 with its disk on a NAS: boots 20 s, computes 100 s; migrated
// live to h1 at 30 s; the NAS fails from 60 s to 70 s; h1 crashes at 80 s and
// is repaired at 110 s.
const char* kWalk = R"(version: 1
hosts: [{name: h0, speed: 1Gf}, {name: h1, speed: 1Gf}]
network:
  shapes: [{shape: star, name: lan, bandwidth: 10Gb/s}]
  nodes: [{name: nas, kind: nas}]
  links: [{from: nas, to: lan, bandwidth: 10Gb/s}]
guests: [{name: vm, host: h0, disk: nas, processes: [{steps: [{compute: 100Gf}]}]}]
migrations: [{at: 30s, guest: vm, to: h1}]
failures:
  - {at: 60s, crash: component, target: nas, repair: 10s}
  - {at: 80s, crash: host, target: h1, repair: 30s}
)";

TEST(Lifecycle, AGuestWalkedThroughItsStatesAccountsEverySecond) {
  auto loaded = scenario::load_string(kWalk, "walk.yaml", {});
  ASSERT_TRUE(loaded.ok()) << loaded.error->format();
  auto w = scenario::build_world(*loaded.scenario);
  std::vector<std::string> moves;
  w->on_transition([&](Guest&, const Transition& t) { moves.push_back(move_name(t.from, t.to)); });
  w->run();
  w->finish();
  const Guest& g = w->guests().front();
  const double now = w->engine().now();
  // Boot 0-20 s; running, then migrating and paused for the copy, running on
  // h1; stalled 60-70 s (its CPU work goes on); down 80-110 s, all work lost;
  // boots again 110-130 s and does its 100 s of work: finished at 230 s.
  const std::vector<std::string> want = {
      "pending->booting",    "booting->running", "running->migrating", "migrating->paused",
      "paused->running",     "running->stalled", "stalled->running",   "running->down",
      "down->restarting",    "restarting->running", "running->finished"};
  EXPECT_EQ(moves, want);
  EXPECT_EQ(g.state(), GuestState::kFinished);
  EXPECT_EQ(g.host().name(), "h1");
  EXPECT_NEAR(g.finished_at_s(), 230.0, 1e-9);
  EXPECT_NEAR(g.time_in_s(GuestState::kBooting, now), 20.0, 1e-9);
  EXPECT_NEAR(g.time_in_s(GuestState::kStalled, now), 10.0, 1e-9);
  EXPECT_NEAR(g.time_in_s(GuestState::kDown, now), 30.0, 1e-9);
  EXPECT_NEAR(g.time_in_s(GuestState::kRestarting, now), 20.0, 1e-9);
  // Running, migrating and paused share 20-60, 70-80 and 130-230 s.
  EXPECT_NEAR(g.time_in_s(GuestState::kRunning, now) + g.time_in_s(GuestState::kMigrating, now) +
                  g.time_in_s(GuestState::kPaused, now),
              150.0, 1e-9);
  EXPECT_GT(g.time_in_s(GuestState::kMigrating, now), 0.0);
  EXPECT_NEAR(g.downtime_s(now), 60.0, 1e-9);
  EXPECT_EQ(g.incidents(), 2);
  EXPECT_EQ(g.restarts(), 1);
  EXPECT_NEAR(g.back_at_s(), 130.0, 1e-9);
  const Host& h1 = w->hosts()[1];
  EXPECT_NEAR(h1.downtime_s(now), 30.0, 1e-9);
  EXPECT_EQ(h1.failures(), 1);
}

TEST(Lifecycle, EveryShippedScenarioAccountsEveryGuestsAndHostsTime) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(VZLAB_SOURCE_DIR) / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    auto loaded = scenario::load_file(entry.path().string(), {});
    ASSERT_TRUE(loaded.ok()) << loaded.error->format();
    auto w = scenario::build_world(*loaded.scenario);
    w->run(loaded.scenario->until_s.value_or(engine::Engine::kForever));
    w->finish();
    const double now = w->engine().now();
    const std::string file = entry.path().filename().string();
    for (const Guest& g : w->guests()) {
      double life = 0, outage = 0;
      for (std::size_t s = 0; s < kGuestStates; ++s) {
        const double t = g.time_in_s(static_cast<GuestState>(s), now);
        EXPECT_GE(t, 0.0) << file << " " << g.name();
        life += t;
        if (is_outage(static_cast<GuestState>(s))) outage += t;
      }
      // Every guest exists from 0 s: its states' times add up to the run.
      EXPECT_NEAR(life, now, 1e-9 * std::max(1.0, now)) << file << " " << g.name();
      EXPECT_NEAR(g.downtime_s(now), outage, 1e-9 * std::max(1.0, now)) << file << " " << g.name();
      if (g.state() == GuestState::kFinished) {
        EXPECT_GE(g.finished_at_s(), 0.0) << file << " " << g.name();
      }
    }
    for (const Host& h : w->hosts()) {
      double life = 0;
      for (std::size_t s = 0; s < kHostStates; ++s) life += h.time_in_s(static_cast<HostState>(s), now);
      EXPECT_NEAR(life, now, 1e-9 * std::max(1.0, now)) << file << " " << h.name();
    }
    ++checked;
  }
  EXPECT_GE(checked, 15);
}

}  // namespace
}  // namespace vzlab::hv
