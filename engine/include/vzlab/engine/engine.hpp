// The discrete-event engine: simulated time, processes as C++20 coroutines,
// fluid activities, random streams and the event stream.
//
//   vzlab::engine::Engine eng(/*seed=*/42);
//   vzlab::engine::Constraint cpu(eng.fluid(), 1e9);          // 1 Gflop/s
//   auto worker = [&]() -> vzlab::engine::Process {
//     co_await eng.sleep(1.0);
//     co_await eng.execute(cpu, 2e9);                         // 2 s alone
//   };
//   eng.spawn(worker());
//   eng.run();                                                // now() == 3
//
// A process frame costs a few hundred bytes; nothing here uses threads.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vzlab/engine/event_queue.hpp"
#include "vzlab/engine/event_stream.hpp"
#include "vzlab/engine/fluid.hpp"
#include "vzlab/engine/random.hpp"

namespace vzlab::engine {

class Engine;
class ShareGroup;
class ShareGroups;

/// Wakes waiting processes; they resume at the current time in wait order.
class Signal {
 public:
  class Waiter;
  explicit Signal(Engine& engine) : engine_(&engine) {}
  Signal(const Signal&) = delete;
  Signal& operator=(const Signal&) = delete;
  ~Signal();

  /// Wakes every process currently waiting.
  void notify_all();
  /// Number of waiting processes.
  std::size_t waiting() const { return waiters_.size(); }
  /// `co_await signal.wait()` suspends until the next notify_all().
  Waiter wait();

  class Waiter final : public Timer {
   public:
    /// A waiter on s; with ready=true it does not suspend at all.
    explicit Waiter(Signal& s, bool ready = false) : engine_(s.engine_), signal_(&s), ready_(ready) {}
    Waiter(Waiter&& other) noexcept
        : Timer(), engine_(other.engine_), signal_(std::exchange(other.signal_, nullptr)), ready_(other.ready_) {}
    ~Waiter() override;
    bool await_ready() const noexcept { return ready_; }
    void await_suspend(std::coroutine_handle<> h);
    void await_resume() const noexcept {}

   private:
    friend class Signal;
    void fire() override { handle_.resume(); }
    Engine* engine_;
    Signal* signal_;
    std::coroutine_handle<> handle_;
    bool ready_;
    bool waiting_ = false;
  };

 private:
  friend class Waiter;
  Engine* engine_;
  std::vector<Waiter*> waiters_;
};

/// Shared record of a spawned process, kept alive by handles to it.
struct ProcessState {
  explicit ProcessState(Engine& engine, std::string process_name) : done(engine), name(std::move(process_name)) {}
  Signal done;
  std::string name;
  bool finished = false;
  bool killed = false;
  void* frame = nullptr;  ///< the coroutine frame while it lives (for Engine::kill)
};

/// A handle to a spawned process: ask whether it finished, or join it.
class ProcessHandle {
 public:
  ProcessHandle() = default;
  explicit ProcessHandle(std::shared_ptr<ProcessState> s) : state_(std::move(s)) {}
  bool finished() const { return state_ && state_->finished; }
  /// True if it was ended by Engine::kill.
  bool killed() const { return state_ && state_->killed; }
  const std::string& name() const { return state_->name; }
  ProcessState* state() const { return state_.get(); }

 private:
  std::shared_ptr<ProcessState> state_;
};

/// A top-level simulated process. Create it by calling a coroutine function
/// returning Process, then hand it to Engine::spawn(); it starts at the
/// current time, after the events already scheduled for that time.
class Process {
 public:
  struct promise_type final : Timer {
    Engine* engine = nullptr;
    std::shared_ptr<ProcessState> state;
    promise_type* prev = nullptr;
    promise_type* next = nullptr;

    Process get_return_object() { return Process(std::coroutine_handle<promise_type>::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct FinalAwaiter {
      bool await_ready() const noexcept { return false; }
      void await_suspend(std::coroutine_handle<promise_type> h) noexcept;
      void await_resume() const noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception();

   private:
    void fire() override { std::coroutine_handle<promise_type>::from_promise(*this).resume(); }
  };

  Process(Process&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process() {
    if (handle_) handle_.destroy();
  }

 private:
  friend class Engine;
  explicit Process(std::coroutine_handle<promise_type> h) : handle_(h) {}
  std::coroutine_handle<promise_type> handle_;
};

/// A sub-coroutine a process can `co_await` (runs inline, returns a T).
template <typename T = void>
class Task;

namespace detail {
template <typename Derived>
struct TaskPromiseBase {
  std::coroutine_handle<> continuation;
  std::exception_ptr error;
  std::suspend_always initial_suspend() noexcept { return {}; }
  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Derived> h) noexcept {
      auto c = h.promise().continuation;
      return c ? c : std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() { error = std::current_exception(); }
};
}  // namespace detail

template <typename T>
class Task {
 public:
  struct promise_type : detail::TaskPromiseBase<promise_type> {
    T value{};
    Task get_return_object() { return Task(std::coroutine_handle<promise_type>::from_promise(*this)); }
    void return_value(T v) { value = std::move(v); }
  };
  Task(Task&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  ~Task() {
    if (h_) h_.destroy();
  }
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> c) {
    h_.promise().continuation = c;
    return h_;
  }
  T await_resume() {
    if (h_.promise().error) std::rethrow_exception(h_.promise().error);
    return std::move(h_.promise().value);
  }

 private:
  explicit Task(std::coroutine_handle<promise_type> h) : h_(h) {}
  std::coroutine_handle<promise_type> h_;
};

template <>
class Task<void> {
 public:
  struct promise_type : detail::TaskPromiseBase<promise_type> {
    Task get_return_object() { return Task(std::coroutine_handle<promise_type>::from_promise(*this)); }
    void return_void() {}
  };
  Task(Task&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  ~Task() {
    if (h_) h_.destroy();
  }
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> c) {
    h_.promise().continuation = c;
    return h_;
  }
  void await_resume() {
    if (h_.promise().error) std::rethrow_exception(h_.promise().error);
  }

 private:
  explicit Task(std::coroutine_handle<promise_type> h) : h_(h) {}
  std::coroutine_handle<promise_type> h_;
};

/// Work of a given amount progressing at the rate its variable is given by
/// the fluid solver. `co_await` it to wait for completion. Attach the
/// variable to its constraints (or use Engine::execute) before awaiting.
class Activity : public Timer, private VariableObserver {
 public:
  /// Work of `amount`, not yet attached to any constraint.
  Activity(Engine& engine, double amount);
  /// Work of `amount` on constraint c with weight 1 and rate at most `bound`.
  Activity(Engine& engine, double amount, Constraint& c, double bound = Variable::kNoBound);
  Activity(const Activity&) = delete;
  Activity& operator=(const Activity&) = delete;
  ~Activity() override;

  /// The fluid variable whose value is this activity's rate.
  Variable& variable() { return var_; }
  /// Work left at the current time.
  double remaining() const;
  /// Current rate (work per second).
  double rate() const { return var_.value(); }
  /// True once all work is done.
  bool done() const { return done_; }
  /// Stops the work now: the variable leaves every constraint and the rate
  /// is 0 until it is attached again; the work done so far counts.
  void pause();
  /// Times the end through the share group of the constraint that sets the
  /// rate, not through a queue entry of its own: when a re-solve changes a
  /// group's level, one queue entry moves for the whole group. Same rates;
  /// end times equal up to round-off. Call before attaching.
  void set_grouped(bool grouped) { var_.set_grouped(grouped); }

  bool await_ready() const noexcept { return done_; }
  void await_suspend(std::coroutine_handle<> h) { waiter_ = h; }
  void await_resume() const noexcept {}

 private:
  friend class ShareGroup;
  friend class ShareGroups;
  void on_value_change(double old_rate, double new_rate) override;
  void on_group_change(std::uint32_t old_group, std::uint32_t new_group, double old_rate, double new_rate) override;
  void fire() override;
  void complete();
  /// Leaves its share group, keeping the work left in remaining_.
  void leave_group();

  Engine* engine_;
  Variable var_;
  double remaining_;
  double last_update_;
  std::coroutine_handle<> waiter_;
  // In a share group: the group's virtual time at which the work ends, the
  // weight it joined with, and its place in the group's heap.
  ShareGroup* group_ = nullptr;
  double finish_v_ = 0.0;
  double group_weight_ = 1.0;
  std::uint64_t group_seq_ = 0;
  std::uint32_t group_pos_ = 0;
  bool done_ = false;
};

/// Why Engine::run returned.
enum class RunOutcome { kIdle, kTimeLimit, kStopped };

/// The simulation kernel.
class Engine {
 public:
  static constexpr double kForever = std::numeric_limits<double>::infinity();

  /// An engine whose random streams derive from `seed`.
  explicit Engine(std::uint64_t seed = 0);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  /// Destroys every process still suspended.
  ~Engine();

  /// Current simulated time in seconds.
  double now() const { return now_; }
  /// Base seed of the random streams.
  std::uint64_t seed() const { return seed_; }
  /// The fluid resource solver.
  FluidSystem& fluid() { return fluid_; }
  /// The event stream every output consumes.
  EventStream& events() { return events_; }
  /// Independent random stream named `name` (same name, same numbers).
  RandomStream random(std::string_view name) const { return RandomStream(seed_, name); }

  /// Starts a process at the current time (after events already due now).
  ProcessHandle spawn(Process process, std::string name = {});
  /// Schedules t to fire at absolute time `time` (>= now()).
  void schedule(Timer& t, double time);
  /// Removes t from the queue.
  void cancel(Timer& t) { queue_.cancel(t); }

  /// Awaitable: resume after `dt` seconds (0 yields to others due now).
  auto sleep(double dt) { return SleepAwaiter(*this, now_ + (dt > 0 ? dt : 0.0)); }
  /// Awaitable: resume at absolute time `t` (or now if t is past).
  auto sleep_until(double t) { return SleepAwaiter(*this, t > now_ ? t : now_); }
  /// Awaitable: `amount` of work on one constraint, weight 1, rate at most `bound`.
  Activity execute(Constraint& c, double amount, double bound = Variable::kNoBound);
  /// Awaitable: resume when the process behind `h` has finished.
  Signal::Waiter join(const ProcessHandle& h);

  /// Runs events until nothing is left, time would pass `until`, or stop().
  RunOutcome run(double until = kForever);
  /// Makes run() return after the current event.
  void stop() { stop_requested_ = true; }
  /// Makes run() return once `*flag` is true, checked before every event and tick (one
  /// relaxed load), so that a signal handler can stop a run at any time; nullptr: none.
  void stop_when(const std::atomic<bool>* flag) { stop_flag_ = flag; }
  /// Destroys every live process (their awaiters release their resources).
  void kill_all_processes();
  /// Ends one process now, wherever it is suspended; its awaiters release
  /// what they held and joiners wake. No effect on a finished process, and a
  /// process may not kill itself.
  void kill(const ProcessHandle& h);

  /// Calls `hook` every `every_events` events during run() (progress display).
  void set_progress_hook(std::function<void()> hook, std::uint64_t every_events = 65536) {
    progress_hook_ = std::move(hook);
    progress_every_ = every_events > 0 ? every_events : 1;
  }

  /// Calls `tick` at times 0, interval, 2 x interval, ... (from now) for as
  /// long as other events remain: a tick never keeps a run going by itself
  /// (sampling, progress charts). A tick sees the state before the events
  /// due at its time fire. Returns the ticker's id.
  std::size_t add_ticker(double interval_s, std::function<void()> tick);
  /// Changes ticker `id`'s interval from its next tick on (callable from its own tick).
  void set_ticker_interval(std::size_t id, double interval_s) { tickers_.at(id).interval = interval_s; }

  /// Number of events fired so far.
  std::uint64_t events_fired() const { return fired_; }
  /// Number of processes started and not yet finished.
  std::size_t live_processes() const { return live_count_; }

 private:
  friend struct Process::promise_type;
  friend class Activity;
  class SleepAwaiter final : public Timer {
   public:
    SleepAwaiter(Engine& e, double at) : engine_(&e), at_(at) {}
    SleepAwaiter(SleepAwaiter&& o) noexcept : Timer(), engine_(o.engine_), at_(o.at_) {}
    ~SleepAwaiter() override {
      if (scheduled()) engine_->cancel(*this);
    }
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      handle_ = h;
      engine_->schedule(*this, at_);
    }
    void await_resume() const noexcept {}

   private:
    void fire() override { handle_.resume(); }
    Engine* engine_;
    double at_;
    std::coroutine_handle<> handle_;
  };

  void link(Process::promise_type& p);
  void fire_tickers();
  void unlink(Process::promise_type& p);

  std::uint64_t seed_;
  double now_ = 0.0;
  EventQueue queue_;
  FluidSystem fluid_;
  std::unique_ptr<ShareGroups> groups_;  // after fluid_ and queue_: its timers leave the queue first
  EventStream events_;
  Process::promise_type* live_ = nullptr;
  std::size_t live_count_ = 0;
  std::uint64_t fired_ = 0;
  bool stop_requested_ = false;
  const std::atomic<bool>* stop_flag_ = nullptr;
  std::exception_ptr failure_;
  std::function<void()> progress_hook_;
  std::uint64_t progress_every_ = 65536;
  struct Ticker {
    double interval, next;
    std::function<void()> tick;
  };
  std::vector<Ticker> tickers_;
  double next_tick_ = kForever;
};

}  // namespace vzlab::engine
