// The simulated world: the engine plus the hosts and guests placed on it.
//
//   vzlab::hv::World world(/*seed=*/1);
//   auto& h = world.add_host({.name = "h0", .cores = 4, .speed_flops = 1e9});
//   auto& vm = world.add_guest({.name = "vm0", .vcpus = 2}, h);
//   world.start_process(vm, {.name = "job", .steps = {{Step::Kind::kCompute, 4e9}}});
//   world.run();   // vm0 finishes at 4 s: one task runs on one vCPU at 1e9 flop/s
//
// Model events on the stream (subject = guest name unless noted):
//   guest.boot (start-up begins), guest.refused [0 memory, 1 vCPU limit, 2 not placed],
//   guest.start (running), guest.end, task.start [flops, task id, host index],
//   host.crash [CrashKind] (subject: host), guest.down [CrashKind],
//   component.down, component.up (subject: network node or link),
//   host.repair (subject: host), guest.restart [host index] (boot begins again),
//   guest.migrated [downtime s, bytes sent, rounds],
//   guest.takeover [host index] (its mirror took over), guest.checkpoint [bytes saved],
//   guest.storage_lost, guest.storage_back (its disk became unreachable, then reachable again),
//   site.down, site.up (subject: site), dr.recovery [rpo s, lost bytes] (subject: replication),
//   task.end [flops done, completed (1) or cut off (0), task id]
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <unordered_map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vzlab/engine/engine.hpp"
#include "vzlab/hv/calibration.hpp"
#include "vzlab/hv/distribution.hpp"
#include "vzlab/hv/guest.hpp"
#include "vzlab/hv/host.hpp"
#include "vzlab/hv/network.hpp"
#include "vzlab/hv/replication.hpp"
#include "vzlab/hv/service.hpp"
#include "vzlab/hv/workload.hpp"

namespace vzlab::hv {

/// Interned ids of the model's event kinds.
struct EventKinds {
  std::uint32_t guest_start, guest_end, task_start, task_end, guest_boot, guest_refused, host_crash, guest_down,
      component_down, component_up, host_repair, guest_restart, guest_migrated, site_down, site_up, dr_recovery,
      guest_takeover, guest_checkpoint, guest_storage_lost, guest_storage_back;
};

/// The cluster manager's high availability: it notices a dead host by
/// missed heartbeats and restarts its guests elsewhere.
struct HaPolicy {
  bool enabled = false;
  double heartbeat_s = 1.0;  ///< heartbeat interval
  int misses = 3;            ///< missed heartbeats before a host counts as dead
  int manager_host = -1;     ///< host the manager runs on (it can fail with it); -1: replicated, never down
};

/// A migration asked for.
struct MigrationSpec {
  double at_s = 0.0;
  std::uint32_t guest = 0;        ///< index into guests()
  std::uint32_t to_host = 0;      ///< index into hosts()
  bool live = true;               ///< pre-copy while it runs; false: cold (paused all along)
  double downtime_target_s = 0.3; ///< stop and copy once the rest fits in this
  int max_rounds = 30;            ///< pre-copy rounds at most
};

/// What a migration did.
struct MigrationRecord {
  std::uint32_t guest = 0;
  std::string from, to;
  bool live = true;
  std::string outcome;       ///< "done", or why not
  int rounds = 0;            ///< copy rounds, the stop-and-copy included
  double bytes_sent = 0.0;
  double started_s = 0.0, total_s = 0.0, downtime_s = 0.0;
};

/// A server pool's manager: every `interval_s` it moves a VM off a host of
/// a group whose CPU is busier than `hot` (live, to the least busy host of
/// the group that stays below `hot` with it), and switches off hosts that
/// hold no guest (they come back on when a guest is placed there).
struct PoolManager {
  double interval_s = 60.0;
  double hot = 0.85;
  bool rebalance = true;
  bool power_off_idle = true;
};

/// Hosts, guests and the engine that runs them.
class World {
 public:
  /// An empty world whose random streams derive from `seed`.
  explicit World(std::uint64_t seed = 0);
  /// Ends every process first, so their resources are released in order.
  ~World();

  engine::Engine& engine() { return *engine_; }
  const engine::Engine& engine() const { return *engine_; }
  const EventKinds& kinds() const { return kinds_; }

  /// Costs of the virtualization mechanisms; set before adding hosts.
  void set_calibration(CalibrationProfile profile) { calibration_ = std::move(profile); }
  const CalibrationProfile& calibration() const { return calibration_; }

  /// Adds a host; names must be unique (the loader checks). A type-2 host's
  /// OS keeps type2_host_os_share of its CPU.
  Host& add_host(HostSpec spec);
  /// Places a new guest on `host`; throws std::invalid_argument if its mode
  /// cannot run there (see placement_problem).
  Guest& add_guest(GuestSpec spec, Host& host);
  /// Starts a process in `guest` at spec.start_s (>= now), the guest taken
  /// as already running (no start-up, no admission).
  void start_process(Guest& guest, ProcessSpec spec);
  /// Starts `guest` at `start_s`: its host admits it (memory, vCPU ratio) or
  /// refuses it, it starts up (boot or container start), then runs
  /// `processes`. It leaves its host's memory when its processes are done.
  void start_guest(Guest& guest, double start_s, std::vector<ProcessSpec> processes);

  /// The platform graph, created on first use with a node for every host
  /// (hosts added later get theirs too). Without it, guests use their
  /// host's own disk and send steps are not possible.
  Network& network();
  bool has_network() const { return network_ != nullptr; }
  const Network* network_if_any() const { return network_.get(); }
  /// The network node of a host (the network must exist).
  NodeId host_node(const Host& host) const { return host_nodes_.at(host.index()); }

  /// The host or guest of that name (the first added, if names repeat), or nullptr.
  Host* find_host(const std::string& name);
  Guest* find_guest(const std::string& name);

  const std::deque<Host>& hosts() const { return hosts_; }
  const std::deque<Guest>& guests() const { return guests_; }
  std::deque<Host>& hosts() { return hosts_; }
  std::deque<Guest>& guests() { return guests_; }

  /// Marks `guest` refused at `at_s` without trying its host (a placement
  /// found no room for it).
  void refuse_guest(Guest& guest, double at_s);

  /// A crash now: on `host` (kHost, kHypervisor, kHostOs) every guest its
  /// failure domain holds goes down; kGuest takes down `guest` only. A
  /// downed guest's processes end and its memory is freed.
  void crash(CrashKind kind, Host* host, Guest* guest);
  /// Schedules crash(kind, host, guest) at time `at_s`; a host crash with
  /// `repair_s` is repaired that long after.
  void schedule_crash(double at_s, CrashKind kind, Host* host, Guest* guest,
                      std::optional<double> repair_s = std::nullopt);
  /// Brings a crashed host back; guests waiting for it restart there.
  void repair(Host& host);
  /// Random host crashes: up for a time drawn from `mtbf`, down for one drawn
  /// from `mttr`, again and again (stream "faults/<host>"). With kHypervisor
  /// or kHostOs only that layer fails: the guests it took down boot again
  /// on the host after the repair time.
  void add_random_faults(Host& host, Distribution mtbf, Distribution mttr, CrashKind kind = CrashKind::kHost);
  /// Random failures of the network node or link named `target` (stream
  /// "faults/<target>"): it stops carrying traffic, then works again.
  void add_random_component_faults(const std::string& target, Distribution mtbf, Distribution mttr);
  /// Random crashes of a guest alone (stream "faults/<guest>"): it goes
  /// down, and after the repair time restarts on its host if that is up.
  void add_random_guest_faults(Guest& guest, Distribution mtbf, Distribution mttr);

  /// High availability (set before starting guests): with it enabled, a
  /// host crash is noticed at the misses-th missed heartbeat; guests whose
  /// disk is on shared storage (a NAS or SAN array) restart at once on
  /// another up host of the same group with room (boot included, work
  /// from the start); the others wait for their host's repair.
  void set_ha(HaPolicy ha) { ha_ = ha; }
  const HaPolicy& ha() const { return ha_; }
  /// Keep every guest's processes so it can be restarted after a crash
  /// (needed for repairs and HA; costs memory for big farms).
  void set_restartable(bool on) { restartable_ = on; }
  /// VMs with protection: mirror (a lockstep copy on another host of its
  /// group, which reserves the same memory and vCPUs there, runs the same
  /// CPU work and receives the disk data it reads as a log over the network;
  /// when its host dies the copy takes over after one heartbeat, with
  /// nothing lost, and a new copy is made elsewhere if there is room) and
  /// protection: checkpoint (paused every interval while the memory dirtied
  /// since the last save, the whole RAM the first time, is written to its
  /// disk; a restart reads that back instead of booting and resumes the
  /// work from the save).
  /// When the manager notices a host that crashed at `t`: the misses-th
  /// heartbeat after it (heartbeats at 0, h, 2h, ...).
  double detection_time(double t) const;

  /// Fails the network node or link named `target` at `at_s`, and repairs
  /// it `repair_s` later if given (events component.down / component.up).
  void schedule_component_failure(double at_s, const std::string& target, std::optional<double> repair_s);

  /// Takes a network node or link out of service, or back (events
  /// component.down / component.up); a storage device going down starts
  /// the recovery of the replications made from it. A running guest that
  /// can no longer reach its disk hangs: it counts as down (an incident)
  /// until the disk is reachable again.
  void set_component_up(Component c, bool up);
  /// The same for several at once (a site), storage and recovery looked at once.
  void set_components_up(const std::vector<Component>& cs, bool up);
  /// Fails (or repairs) every host and network node of `site` now (event
  /// site.down or site.up).
  void set_site_up(const std::string& site, bool up);
  /// Fails every host and network node of `site` at `at_s` (event
  /// site.down), and repairs them `repair_s` later if given (site.up).
  void schedule_site_failure(double at_s, const std::string& site, std::optional<double> repair_s);

  /// Replicates a storage device (set before starting guests): see
  /// replication.hpp. Shipments run on an engine ticker.
  ReplicationRecord& add_replication(ReplicationSpec spec);
  const std::deque<ReplicationRecord>& replications() const { return replications_; }

  /// Migrates a VM at spec.at_s over the network (which must link the two
  /// hosts). Live, pre-copy: it sends its RAM while it runs, then again
  /// what it dirtied meanwhile (dirty rate x round time), round after round,
  /// until what is left fits the downtime target at the last round's rate
  /// (or max_rounds); then it pauses, sends the rest and resumes on the new
  /// host. Cold: paused while the whole RAM goes. The bytes are a flow that
  /// competes with other traffic. Recorded in migrations().
  void schedule_migration(MigrationSpec spec);
  const std::vector<MigrationRecord>& migrations() const { return migrations_; }

  /// Starts a pool manager (an engine ticker: it never keeps a run going).
  void set_pool_manager(PoolManager m);

  /// A load-balanced service over replicas (guests of this world); call
  /// start() on it to begin its arrivals.
  Service& add_service(ServiceSpec spec);
  const std::deque<Service>& services() const { return services_; }
  std::deque<Service>& services() { return services_; }

  /// Runs until nothing is left to do or time `until`.
  engine::RunOutcome run(double until = engine::Engine::kForever);
  /// Stops every process still running, accounting the work they did.
  void finish();

  /// A lifecycle hook: called after every guest's move (see lifecycle.hpp),
  /// in the order hooks were added. Components listen here.
  using TransitionHook = std::function<void(Guest&, const Transition&)>;
  void on_transition(TransitionHook hook) { hooks_.push_back(std::move(hook)); }

  /// A new task id (1, 2, ...), unique in this world.
  std::uint64_t next_task_id() { return ++last_task_id_; }
  /// Time the last guest finished (0 if none did).
  double makespan_s() const;

 private:
  engine::Process run_process(Guest& guest, ProcessSpec spec, std::size_t slot, Guest::Cursor from);
  void spawn_process(Guest& guest, ProcessSpec spec, Guest::Cursor from);
  engine::Process checkpoint(Guest& g);
  void protect(Guest& g);
  void unprotect(Guest& g);
  void count_mirror_work(Guest& g);
  void take_over(Guest& g);
  engine::Process resume_after_takeover(Guest& g);
  engine::Process protect_later(Guest& g, double at_s);
  engine::Process run_guest(Guest& guest, double start_s, std::vector<ProcessSpec> processes);
  bool admit(Guest& guest);
  void refuse(Guest& guest, Cause why);
  friend class Guest;  // its transitions tell the hooks
  void tell_hooks(Guest& g, const Transition& t) {
    for (const TransitionHook& h : hooks_) h(g, t);
  }
  void end_guest(Guest& guest);
  bool take_down(Guest& guest, CrashKind cause);
  engine::Process crash_at(double at_s, CrashKind kind, Host* host, Guest* guest, std::optional<double> repair_s);
  // Up for a draw of mtbf, fail(), down for a draw of mttr, fix(what fail() said), again and again.
  engine::Process fault_cycle(std::string name, Distribution mtbf, Distribution mttr, std::function<bool()> fail,
                              std::function<void(bool)> fix);
  Component component_named(const std::string& name);
  void check_storage();
  void restart_waiting_for_storage();
  engine::Process fail_over(Host& host, std::vector<Guest*> guests);
  engine::Process migrate(MigrationSpec spec);
  void restart(Guest& guest, Host& where);
  bool can_take(const Host& host, const Guest& guest) const;
  // The first host (in host order) that can take `g` and passes `also`, or nullptr.
  Host* first_host(const Guest& g, const std::function<bool(const Host&)>& also);
  // Moves `bytes` of a guest's memory to its disk or back (over the network
  // when the disk is a storage device there, else on its host's own disk).
  engine::Task<void> copy_memory(Guest& g, double bytes, bool to_disk);
  bool on_shared_storage(const Guest& guest) const;
  void manage_pool();
  void power_on(Host& h);
  engine::Process component_failure(double at_s, std::string target, std::optional<double> repair_s);
  engine::Process site_failure(double at_s, std::string site, std::optional<double> repair_s);
  engine::Process ship(ReplicationRecord& r, double at_s);
  engine::Process recover(ReplicationRecord& r);
  engine::Process refuse_at(Guest& guest, double at_s);
  // A guest's memory (and a VM's vCPUs) taken on, or given back to, a host.
  void reserve(Host& h, const Guest& g);
  void unreserve(Host& h, const Guest& g);
  void release(Guest& guest);
  engine::Task<void> run_io(Guest& guest, const Step& step);
  engine::Task<void> run_send(Guest& guest, const Step& step);

  std::unique_ptr<engine::Engine> engine_;
  EventKinds kinds_{};
  std::deque<Host> hosts_;
  std::deque<Guest> guests_;
  std::unordered_map<std::string, std::uint32_t> host_by_name_, guest_by_name_;
  std::deque<engine::Variable> host_os_load_;  // type-2 hosts: the host OS's own CPU use
  std::unique_ptr<Network> network_;
  std::vector<NodeId> host_nodes_;
  HaPolicy ha_;
  bool restartable_ = false;
  std::unordered_map<std::uint32_t, std::vector<ProcessSpec>> programs_;  // guest -> its processes, to restart it
  std::vector<Guest*> waiting_for_repair_;                                // downed guests to restart on repair
  std::vector<std::pair<Host*, Guest*>> waiting_for_manager_;             // (dead host, guest) while the manager is down
  std::vector<MigrationRecord> migrations_;
  std::deque<Service> services_;
  std::deque<ReplicationRecord> replications_;
  PoolManager pool_;
  std::vector<std::uint32_t> migrating_;  // guests with a migration in flight
  std::vector<double> incoming_flops_;    // by host: CPU of the VMs the manager is moving there
  std::vector<std::pair<std::uint32_t, double>> incoming_;  // (guest, its CPU) of those moves
  CalibrationProfile calibration_;
  bool finished_ = false;
  bool mirror_ticker_ = false;  // the ticker that keeps mirrors' CPU in step is running
  std::uint64_t last_task_id_ = 0;
  std::vector<TransitionHook> hooks_;
};

}  // namespace vzlab::hv
