// A guest's life and a host's as explicit states. Each guest is in exactly
// one GuestState; Guest::transition moves it, refuses an illegal move (a
// programmer error), emits the move's event and keeps the time spent in
// each state. Availability, reports, the trace and the visualizer read the
// state and those times; nothing re-derives them from flags or events.
//
//   pending ─> booting ─> running <─> migrating ─> paused ─> running (moved)
//                 │          │  ↕ paused (checkpoint)   any up state ─> stalled (disk lost) ─> back
//                 └──────────┴─> down ─> restarting ─> running        finished / refused: final
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "vzlab/hv/virtualization.hpp"

namespace vzlab::hv {

/// Where a guest is in its life.
enum class GuestState : std::uint8_t {
  kPending,     ///< placed, not started yet
  kBooting,     ///< admitted on its host, starting up for the first time (boot or container start)
  kRunning,     ///< running its work
  kMigrating,   ///< running while its memory is copied to another host (live pre-copy)
  kPaused,      ///< its vCPUs stopped: a migration's stop-and-copy, a cold migration, a checkpoint's save
  kStalled,     ///< hung on a disk it cannot reach (an outage; it resumes where it was once the disk is back)
  kDown,        ///< crashed: its processes ended, its memory freed, waiting to be restarted
  kRestarting,  ///< coming back after going down: booting again, reading its checkpoint, or its mirror taking over
  kFinished,    ///< all its processes done
  kRefused,     ///< never ran: its host had no room, or no host was found for it
};
inline constexpr std::size_t kGuestStates = 10;

/// The state's name as reports and the visualizer print it ("running", ...).
const char* state_name(GuestState s);
/// The state of that name, if there is one.
std::optional<GuestState> guest_state_from_name(std::string_view name);
/// An outage: stalled, down or restarting (the time availability counts as down).
constexpr bool is_outage(GuestState s) {
  return s == GuestState::kStalled || s == GuestState::kDown || s == GuestState::kRestarting;
}
/// Up: booting for the first time, running, migrating or paused.
constexpr bool is_up(GuestState s) {
  return s == GuestState::kBooting || s == GuestState::kRunning || s == GuestState::kMigrating ||
         s == GuestState::kPaused;
}
/// Whether a guest may go from `from` to `to`.
bool legal_transition(GuestState from, GuestState to);

/// Why a guest changed state: it selects the event the move emits.
enum class Cause : std::uint8_t {
  kStart,          ///< pending -> booting (guest.boot)
  kStarted,        ///< booting (or pending) -> running (guest.start), restarting -> running (no event)
  kDone,           ///< -> finished (guest.end)
  kNoMemory,       ///< -> refused: its host's memory is full (guest.refused [0])
  kVcpuLimit,      ///< -> refused: its host's vCPU overcommit ratio (guest.refused [1])
  kNotPlaced,      ///< pending -> refused: no host was found for it (guest.refused [2])
  kCrash,          ///< -> down (guest.down [CrashKind])
  kRestart,        ///< down -> restarting (guest.restart [host index])
  kTakeover,       ///< -> restarting: its mirror takes over (guest.takeover [host index])
  kStorageLost,    ///< -> stalled (guest.storage_lost)
  kStorageBack,    ///< stalled -> where it was (guest.storage_back)
  kMigration,      ///< running -> migrating, or -> paused for a stop-and-copy or a cold copy
  kMigrated,       ///< paused -> running on its new host (guest.migrated [downtime s, bytes, rounds])
  kMigrationEnded, ///< migrating or paused -> running where it was (the copy was given up)
  kCheckpoint,     ///< running -> paused while its memory is saved
  kCheckpointed,   ///< paused -> running, the save done (guest.checkpoint [bytes])
};

/// What a move carries to its event, by name (the fields its cause uses).
struct TransitionData {
  CrashKind crash = CrashKind::kHost;  ///< kCrash: what failed
  double downtime_s = 0.0;             ///< kMigrated: the stop-and-copy
  double bytes = 0.0;                  ///< kMigrated: bytes sent; kCheckpointed: bytes saved
  int rounds = 0;                      ///< kMigrated: copy rounds, the stop-and-copy included
};

/// One move of a guest, as lifecycle hooks see it.
struct Transition {
  GuestState from, to;
  Cause cause;
  double at_s;
  TransitionData data;
};

/// Where a host is in its life.
enum class HostState : std::uint8_t {
  kUp,    ///< running its guests
  kDown,  ///< crashed (a host, site or power failure), until its repair
  kOff,   ///< switched off by a pool manager (it holds no guest)
};
inline constexpr std::size_t kHostStates = 3;

/// The state's name as reports and the visualizer print it ("up", ...).
const char* state_name(HostState s);

/// Time spent in each state of a state machine whose states are 0..N-1,
/// the current one included up to `now`.
template <class State, std::size_t N>
class StateClock {
 public:
  explicit StateClock(State initial) : state_(initial) {}
  State state() const { return state_; }
  /// Time the current state began.
  double since_s() const { return since_s_; }
  /// Enters `to` at `now`, closing the time of the current state.
  void enter(State to, double now) {
    time_s_[static_cast<std::size_t>(state_)] += now - since_s_;
    state_ = to;
    since_s_ = now;
  }
  /// Time spent in `s` up to `now`.
  double time_in_s(State s, double now) const {
    return time_s_[static_cast<std::size_t>(s)] + (s == state_ ? now - since_s_ : 0.0);
  }

 private:
  State state_;
  double since_s_ = 0.0;
  std::array<double, N> time_s_{};
};

}  // namespace vzlab::hv
