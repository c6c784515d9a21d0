// A running scenario as the visualizer drives it: the world, the clock that
// advances it per frame (speed x real time, with a bound on the wall time the
// engine may take per frame), the commands users issue (applied at the
// current simulated time, recorded, replayable), and what the views read.
//
//   std::string error;
//   auto s = vzlab::viz::Session::open("scenarios/failover.yaml", {}, &error);
//   s->submit({.kind = CommandKind::kFailHost, .target = "san-h1"});
//   s->run_to(900);                // san-h1 fails at 0 s, its VMs restart elsewhere
//   s->snapshot().hosts[4].up;     // false
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vzlab/hv/report/run_report.hpp"
#include "vzlab/hv/scenario/scenario.hpp"
#include "vzlab/viz/commands.hpp"
#include "vzlab/viz/event_log.hpp"
#include "vzlab/viz/series.hpp"
#include "vzlab/viz/snapshot.hpp"

namespace vzlab::viz {

/// How a session is opened.
struct SessionOptions {
  std::optional<std::uint64_t> seed{};   ///< replaces the scenario's seed
  std::optional<double> until_s{};       ///< replaces the scenario's end time
  double frame_budget_s = 0.012;       ///< wall time the engine may take per frame (0: no bound)
  std::size_t log_capacity = 5000;     ///< events kept for the log panel
};

/// The charts over simulated time, sampled by an engine ticker.
struct Charts {
  Series utilization{"CPU utilization %"};
  Series p50{"p50 ms"}, p95{"p95 ms"}, p99{"p99 ms"};
  Series availability{"guests serving %"};
  /// Mean electrical power of all hosts over each sample interval (energy.hpp's model).
  Series power{"power kW", 1024, Series::Kind::kRate};
  double energy_kWh = 0.0;  ///< energy used up to the last sample: the integral of `power`
  double sampled_s = 0.0;   ///< time of the last sample
  double interval_s = 1.0;  ///< simulated time between samples
};

/// Speed limits, simulated seconds per real second.
inline constexpr double kMinSpeed = 0.1, kMaxSpeed = 10000.0;

class Session {
 public:
  /// Loads `path` and builds its world; nullptr with `error` set on failure.
  static std::unique_ptr<Session> open(const std::string& path, const SessionOptions& options, std::string* error);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Current simulated time.
  double now() const;
  /// When the run ends (the scenario's `until`, or infinity).
  double until() const { return until_s_; }
  /// True once the clock reached the end or nothing is left to simulate.
  bool finished() const { return finished_; }

  /// Simulated seconds per real second, clamped to [kMinSpeed, kMaxSpeed].
  void set_speed(double x);
  double speed() const { return speed_; }
  /// Plays (the clock moves with real time) or pauses.
  void set_playing(bool on) { playing_ = on; }
  /// Whether the clock moves with real time.
  bool playing() const { return playing_; }
  /// Simulated time the clock is heading for (ahead of now() while the engine catches up).
  double target() const { return target_s_; }

  /// One frame: moves the target by speed x `real_dt_s` while playing, then
  /// runs the engine towards it for at most the frame budget; applies the
  /// queued and replayed commands on the way; refreshes the snapshot.
  void frame(double real_dt_s);
  /// frame() without the snapshot refresh, for running the engine on a
  /// second thread while the last frame is drawn: it also stops as soon as
  /// `*stop` becomes true (set from the drawing thread). Nothing else may
  /// touch the session until it returns; then call refresh().
  void advance_frame(double real_dt_s, const std::atomic<bool>* stop);
  /// Rebuilds the snapshot from the world (frame() does it itself).
  void refresh();
  /// Runs exactly one event (and the commands due), then pauses.
  void step();
  /// Heads for time t at whatever speed the budget allows; an earlier t
  /// rewinds (see rewind_to).
  void jump_to(double t);
  /// Starts the scenario again and runs it to t at once, replaying the
  /// commands applied up to t (later ones are forgotten): same events as before.
  void rewind_to(double t);
  /// Changes each time the world is rebuilt (rewind_to): views drop what they kept of the old one.
  std::uint64_t generation() const { return generation_; }
  /// Runs to time t (or the end) now, whatever the wall time; for headless use and tests.
  void run_to(double t);

  /// Queues a user's command; it is applied at the simulated time of the next frame.
  void submit(Command c) { queue_.push(std::move(c)); }
  /// Commands to apply at their own times (from --replay).
  void set_replay(std::vector<Command> commands);
  /// Commands applied so far, with their times (what --record writes).
  const std::vector<Command>& applied() const { return applied_; }
  /// Why each refused command was refused, oldest first.
  const std::vector<std::string>& refusals() const { return refusals_; }
  /// The last sentence for the status line (a command applied or refused, an error).
  const std::string& status() const { return status_; }

  /// What the views draw, as of the last frame.
  const Snapshot& snapshot() const { return snapshot_; }
  /// Guest states and moves followed on the event stream.
  const StateTracker& tracker() const { return *tracker_; }
  /// The last events, for the log panel.
  const EventLog& log() const { return *log_; }
  /// Chart series over simulated time.
  const Charts& charts() const { return charts_; }
  /// Hash of every event so far (same scenario, seed and commands: same hash).
  std::uint64_t event_hash() const { return hash_->value(); }
  /// The text report of the run so far, as `vzlab run` prints it.
  std::string report_text() const;
  /// The world, read-only: views never change it.
  const hv::World& world() const { return *world_; }
  /// The scenario as loaded.
  const hv::scenario::Scenario& scenario() const { return scenario_; }
  /// Wall time the engine took in the last frame, seconds.
  double last_engine_s() const { return last_engine_s_; }
  /// Wall time the last snapshot took to build, seconds.
  double last_snapshot_s() const { return last_snapshot_s_; }

 private:
  Session() = default;
  bool build(std::string* error);
  void advance(double target, std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* stop = nullptr);
  bool run_engine(double until, std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* stop = nullptr);
  void apply_due();
  void apply(Command c);
  std::string execute(const Command& c);
  void sample();

  hv::scenario::Scenario scenario_;
  SessionOptions options_;
  std::uint64_t generation_ = 0;
  std::unique_ptr<hv::World> world_;
  std::unique_ptr<hv::report::RunRecorder> recorder_;
  std::unique_ptr<StateTracker> tracker_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<EventHash> hash_;
  Snapshot snapshot_;
  Charts charts_;
  CommandQueue queue_;
  std::vector<Command> replay_, applied_;
  std::vector<std::string> refusals_;
  std::size_t replay_next_ = 0;
  std::string status_;
  double until_s_ = 0, target_s_ = 0, speed_ = 60.0;
  double last_engine_s_ = 0, last_snapshot_s_ = 0;
  bool playing_ = false, finished_ = false, jumping_ = false;
  bool step_mode_ = false, idle_ = false;
  std::uint64_t hook_calls_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  const std::atomic<bool>* stop_ = nullptr;  // the stop request of the engine run in progress, if any
  std::uint32_t command_kind_ = 0;
  std::vector<std::size_t> responses_seen_;
};

}  // namespace vzlab::viz
