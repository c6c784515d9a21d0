// Guests: what runs on a host. A native process or a container (os-level)
// competes directly on the host's cores; a virtual machine (full, full-bt,
// para) competes as one consumer for all its tasks.
//
// CPU semantics of a VM (SimGrid's VM model, see ARCHITECTURE.md): on its host
// a running VM is one consumer with weight min(active tasks, vcpus) x share,
// bounded by that many cores' speed and by its cap; inside, its allocation is
// shared by its tasks, each bounded by one vCPU (the host core speed). An idle
// VM takes nothing; a sleeping task is not active.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vzlab/engine/engine.hpp"
#include "vzlab/hv/host.hpp"
#include "vzlab/hv/lifecycle.hpp"
#include "vzlab/hv/virtualization.hpp"

namespace vzlab::hv {


/// How a VM is protected against the loss of its host.
enum class Protection {
  kNone,        ///< restarted from the beginning (boot, work over) if at all
  kMirror,      ///< a lockstep copy on another host takes over at once (no boot, nothing lost)
  kCheckpoint,  ///< its state is saved every interval; a restart resumes from the last save
};

/// Name as written in scenarios ("none", "mirror", "checkpoint").
const char* protection_name(Protection p);

/// What a guest is, as a scenario describes it.
struct GuestSpec {
  std::string name{};
  GuestMode mode = GuestMode::kFull;
  int vcpus = 1;
  double cap_flops = engine::Variable::kNoBound;  ///< VM only: never more than this
  double share = 1.0;                             ///< VM only: weight multiplier on the host
  std::string os{};                               ///< guest OS ("linux", ...); empty: the host's
  std::string workload{};                         ///< label of what it runs, to compare modes in reports
  long workload_instance = 0;                     ///< replica index of that workload (same draws, same work)
  double memory_bytes = 256.0 * 1048576;          ///< the application's own memory
  std::vector<std::pair<std::string, double>> image{};  ///< image layers (name, bytes)
  double dirty_rate_Bps = 0.0;                    ///< VM only: memory its work writes per second (live migration)
  std::string group{};                            ///< label used to group guests in reports
  std::string anti_affinity{};                    ///< guests with the same label never share a host
  Protection protection = Protection::kNone;      ///< VM only
  double checkpoint_interval_s = 300.0;           ///< kCheckpoint: time between saves
};

class Guest;
class World;

/// Memory a guest of this spec takes on its host: its application, plus its
/// own OS and VMM for a VM, or the runtime's share for a container.
double footprint_bytes(const GuestSpec& spec, const CalibrationProfile& p);

/// Awaitable CPU work inside a guest: `co_await guest.execute(flops)`.
class Execution {
 public:
  Execution(Guest& guest, double flops);
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;
  /// Accounts the work done and, inside a VM, one task less.
  ~Execution();

  /// Share of its work done so far (0 to 1).
  double done_fraction() const { return flops_ > 0 ? 1.0 - activity_.remaining() / flops_ : 1.0; }
  /// Work done so far.
  double done_flops() const { return flops_ - activity_.remaining(); }

  bool await_ready() const noexcept { return activity_.await_ready(); }
  void await_suspend(std::coroutine_handle<> h) { activity_.await_suspend(h); }
  void await_resume() const noexcept {}

 private:
  Guest* guest_;
  double flops_;
  std::uint64_t id_ = 0;
  engine::Activity activity_;
};

/// A VM or a native workload placed on a host. Created by World::add_guest.
class Guest {
 public:
  Guest(engine::Engine& engine, GuestSpec spec, Host& host, std::uint32_t index);
  Guest(const Guest&) = delete;
  Guest& operator=(const Guest&) = delete;

  const std::string& name() const { return spec_.name; }
  GuestMode mode() const { return spec_.mode; }
  int vcpus() const { return spec_.vcpus; }
  double cap_flops() const { return spec_.cap_flops; }
  double share() const { return spec_.share; }
  Host& host() const { return *host_; }
  const std::string& workload() const { return spec_.workload; }
  const std::string& group() const { return spec_.group; }
  const std::string& anti_affinity() const { return spec_.anti_affinity; }
  long workload_instance() const { return spec_.workload_instance; }
  std::uint32_t index() const { return index_; }

  /// Awaitable: run `flops` of CPU work as one task of this guest.
  Execution execute(double flops) { return Execution(*this, flops); }
  /// Tasks currently executing (not sleeping, not waiting).
  int active_tasks() const { return active_; }
  /// CPU rate a VM gets on its host now (0 for a native guest).
  double allocation_flops() const;
  /// Work its tasks running now have done so far (counted in its host's flops_done when they end).
  double running_flops() const;

  /// Id of its name on the event stream.
  std::uint32_t subject() const { return subject_; }
  /// Memory the guest takes on its host: its application, plus its own OS
  /// and VMM for a VM, or the runtime's share for a container.
  double footprint_bytes(const CalibrationProfile& p) const;
  /// Time from its requested start to running (boot or container start).
  double startup_s(const CalibrationProfile& p) const;
  /// How many such guests one host of its kind holds: limited by memory and,
  /// for VMs, by the vCPU overcommit ratio.
  long fit_per_host(const CalibrationProfile& p) const;
  /// Where it is in its life (see lifecycle.hpp).
  GuestState state() const { return clock_.state(); }
  /// Why it entered its current state (a pause for a migration or for a checkpoint, ...).
  Cause state_cause() const { return cause_; }
  /// Whether a migration is moving it now (pre-copy, or paused for the copy).
  bool migrating() const {
    return state() == GuestState::kMigrating || (state() == GuestState::kPaused && cause_ == Cause::kMigration);
  }
  /// Time it entered its current state.
  double state_since_s() const { return clock_.since_s(); }
  /// Time it spent in state `s` up to `now` (the states' times add up to `now`).
  double time_in_s(GuestState s, double now) const { return clock_.time_in_s(s, now); }
  /// Moves it to `to` for `cause` now: emits the move's event and tells the
  /// world's lifecycle hooks. An illegal move is a programmer error (assert).
  /// While stalled, a move to another up state is where it resumes once its
  /// disk is back (its event is emitted now).
  void transition(GuestState to, Cause cause, TransitionData data = {});
  /// Since when it has been down or restarting (the outage, from its first
  /// moment), or a negative value.
  double down_at_s() const {
    return state() == GuestState::kDown || state() == GuestState::kRestarting ? outage_since_s_ : -1.0;
  }
  /// Times an outage began (a crash, a lost disk, a takeover), and the time
  /// it spent in outages (stalled, down, restarting) up to `now`.
  int incidents() const { return incidents_; }
  double downtime_s(double now) const {
    return time_in_s(GuestState::kStalled, now) + time_in_s(GuestState::kDown, now) +
           time_in_s(GuestState::kRestarting, now);
  }
  /// Since when its current outage (stalled, down, restarting) lasts, or a negative value.
  double outage_since_s() const { return is_outage(state()) ? outage_since_s_ : -1.0; }
  /// Since when it cannot reach its disk (it hangs, counted down), or a negative value.
  double storage_lost_at_s() const { return state() == GuestState::kStalled ? outage_since_s_ : -1.0; }
  /// Last time it ran again after being down (negative: never down, or not back).
  double back_at_s() const { return back_at_s_; }
  /// Times it was restarted (on another host or after its host's repair).
  int restarts() const { return restarts_; }
  /// Whether its vCPUs are stopped (paused, or stalled while paused, or its
  /// mirror taking over): a VM then takes no CPU.
  bool cpu_stopped() const;
  /// Up and running its work: running, migrating, paused, or stalled in one of those.
  bool serving() const;
  double dirty_rate_Bps() const { return spec_.dirty_rate_Bps; }
  /// A VM's RAM: its application's memory plus its guest OS.
  double ram_bytes(const CalibrationProfile& p) const { return spec_.memory_bytes + p.vm_os_memory_bytes; }
  Protection protection() const { return spec_.protection; }
  /// Host of its mirror copy (the lockstep secondary), or nullptr.
  const Host* mirror_host() const { return mirror_host_; }
  /// Times its mirror took over after its host died.
  int takeovers() const { return takeovers_; }
  /// Bytes its mirror's log carried (the disk data it read, replayed on the copy).
  double mirror_log_bytes() const { return mirror_log_bytes_; }
  /// Checkpoints saved, the time it was paused for them, and when the last began (negative: none).
  int checkpoints() const { return checkpoints_; }
  double checkpoint_pause_s() const { return checkpoint_pause_s_; }
  double checkpoint_at_s() const { return checkpoint_at_s_; }
  /// Running time whose work crashes threw away: at each crash, the time
  /// since its last checkpoint or, without one, since it last started.
  double lost_work_s() const { return lost_work_s_; }
  /// True when it never ran: its host could not take it (memory or vCPU limit) or none was found.
  bool refused() const { return state() == GuestState::kRefused; }

  /// VM exits this guest has caused so far.
  double exits() const { return exits_; }
  void add_exits(double n) { exits_ += n; }
  /// Time the last of its processes finished, or a negative value if not yet.
  double finished_at_s() const { return state() == GuestState::kFinished ? state_since_s() : -1.0; }
  /// Number of its processes still running.
  int running_processes() const { return running_; }
  /// When each of its processes (in start order) finished in its last life, negative if not.
  const std::vector<double>& process_finished_s() const { return process_finished_s_; }

  /// The storage device (network node) holding its disk, if not its host's own disk.
  std::optional<std::uint32_t> disk_node() const { return disk_node_; }
  void set_disk_node(std::uint32_t node) { disk_node_ = node; }
  /// Storage requests, bytes and time spent in I/O steps so far.
  double io_requests() const { return io_requests_; }
  double io_bytes() const { return io_bytes_; }
  double io_time_s() const { return io_time_s_; }
  /// Bytes it sent over the network (send steps).
  double sent_bytes() const { return sent_bytes_; }
  /// Network nodes it sent to.
  const std::vector<std::uint32_t>& peers() const { return peers_; }

 private:
  friend class Execution;
  friend class World;
  void task_started();
  void task_ended();
  void update_vm_share();
  engine::Constraint& task_constraint() { return vm_cpu_ ? *vm_cpu_ : host_->cpu(); }

  GuestSpec spec_;
  Host* host_;
  std::uint32_t index_;
  engine::Engine* engine_;
  World* world_ = nullptr;
  std::uint32_t subject_ = 0;
  // VM only: the VM's consumer on its host, and the capacity its tasks share.
  // Kept inline (not on the heap) so a task touches fewer cache lines; the
  // variable is declared last so it is destroyed first.
  std::optional<engine::Constraint> vm_cpu_;
  std::optional<engine::Variable> vm_on_host_;
  int active_ = 0;
  int running_ = 0;
  StateClock<GuestState, kGuestStates> clock_{GuestState::kPending};
  GuestState resume_to_ = GuestState::kRunning;  // stalled: the state it returns to
  Cause cause_ = Cause::kStart;                  // why it entered its state
  double outage_since_s_ = -1.0;                 // in an outage: when it began
  std::vector<engine::ProcessHandle> processes_;  // its start-up and its processes
  bool reserved_ = false;  // its memory (and a VM's vCPUs) are taken on its host
  double exits_ = 0.0;
  std::vector<double> process_finished_s_;
  std::optional<std::uint32_t> disk_node_;
  double io_requests_ = 0.0, io_bytes_ = 0.0, io_time_s_ = 0.0, sent_bytes_ = 0.0;
  std::vector<std::uint32_t> peers_;
  int incidents_ = 0, restarts_ = 0;
  double back_at_s_ = -1.0;
  void move_to(Host& host);

  // Where each of its processes is (repeat, step, share of a compute step
  // done), the compute step each is running, and the positions saved by
  // the last checkpoint.
  struct Cursor {
    int repeat = 0;
    std::size_t step = 0;
    double done = 0.0;
  };
  std::vector<Cursor> cursors_;
  std::vector<const Execution*> executing_;
  std::vector<const Execution*> live_;  // every task of it running now
  std::vector<Cursor> saved_;
  bool resume_ = false;         // its next start restores the last checkpoint
  bool checkpointing_ = false;  // a checkpoint is being written
  double checkpoint_at_s_ = -1.0, checkpoint_pause_s_ = 0.0, life_start_s_ = -1.0, lost_work_s_ = 0.0;
  int checkpoints_ = 0, takeovers_ = 0;
  Host* mirror_host_ = nullptr;
  std::optional<engine::Variable> mirror_cpu_;  // the copy's CPU on its host
  double mirror_since_s_ = 0.0;                 // its CPU work is counted up to here
  double mirror_log_bytes_ = 0.0;
};

}  // namespace vzlab::hv
