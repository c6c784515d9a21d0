#include "vzlab/hv/lifecycle.hpp"

namespace vzlab::hv {

namespace {

// One {state, name} table: reports, the schema and the visualizer print these.
constexpr std::array<std::pair<GuestState, const char*>, kGuestStates> kGuestStateNames{{
    {GuestState::kPending, "pending"},
    {GuestState::kBooting, "booting"},
    {GuestState::kRunning, "running"},
    {GuestState::kMigrating, "migrating"},
    {GuestState::kPaused, "paused"},
    {GuestState::kStalled, "stalled"},
    {GuestState::kDown, "down"},
    {GuestState::kRestarting, "restarting"},
    {GuestState::kFinished, "finished"},
    {GuestState::kRefused, "refused"},
}};

constexpr std::array<std::pair<HostState, const char*>, kHostStates> kHostStateNames{{
    {HostState::kUp, "up"},
    {HostState::kDown, "down"},
    {HostState::kOff, "off"},
}};

}  // namespace

const char* state_name(GuestState s) { return kGuestStateNames[static_cast<std::size_t>(s)].second; }

const char* state_name(HostState s) { return kHostStateNames[static_cast<std::size_t>(s)].second; }

std::optional<GuestState> guest_state_from_name(std::string_view name) {
  for (const auto& [state, n] : kGuestStateNames)
    if (n == name) return state;
  return std::nullopt;
}

bool legal_transition(GuestState from, GuestState to) {
  using S = GuestState;
  switch (from) {
    case S::kPending:  // a crash of its host before its start leaves it down, waiting like the others
      return to == S::kBooting || to == S::kRunning || to == S::kRefused || to == S::kDown;
    case S::kBooting:
      return to == S::kRunning || to == S::kFinished || to == S::kRefused || to == S::kDown || to == S::kStalled;
    case S::kRunning:
      return to == S::kMigrating || to == S::kPaused || to == S::kStalled || to == S::kDown ||
             to == S::kRestarting || to == S::kFinished;
    case S::kMigrating:
      return to == S::kRunning || to == S::kPaused || to == S::kStalled || to == S::kDown ||
             to == S::kRestarting || to == S::kFinished;
    case S::kPaused:
      return to == S::kRunning || to == S::kStalled || to == S::kDown || to == S::kRestarting ||
             to == S::kFinished;
    case S::kStalled:  // back to where it was, or down, or done (its CPU work goes on)
      return is_up(to) || to == S::kDown || to == S::kRestarting || to == S::kFinished;
    case S::kDown:
      return to == S::kRestarting;
    case S::kRestarting:
      return to == S::kRunning || to == S::kDown || to == S::kRefused || to == S::kFinished;
    case S::kFinished:
    case S::kRefused:
      return false;
  }
  return false;
}

}  // namespace vzlab::hv
