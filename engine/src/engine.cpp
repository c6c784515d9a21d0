#include "vzlab/engine/engine.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace vzlab::engine {

// ------------------------------------------------------------------ Signal

Signal::~Signal() {
  for (Waiter* w : waiters_) {
    w->waiting_ = false;
    w->signal_ = nullptr;
  }
}

void Signal::notify_all() {
  std::vector<Waiter*> woken;
  woken.swap(waiters_);
  for (Waiter* w : woken) {
    w->waiting_ = false;
    engine_->schedule(*w, engine_->now());
  }
}

Signal::Waiter Signal::wait() { return Waiter(*this); }

Signal::Waiter::~Waiter() {
  if (waiting_ && signal_ != nullptr) {
    auto& list = signal_->waiters_;
    list.erase(std::find(list.begin(), list.end(), this));
  }
  if (scheduled()) engine_->cancel(*this);
}

void Signal::Waiter::await_suspend(std::coroutine_handle<> h) {
  handle_ = h;
  waiting_ = true;
  signal_->waiters_.push_back(this);
}

// ----------------------------------------------------------------- Process

void Process::promise_type::FinalAwaiter::await_suspend(std::coroutine_handle<promise_type> h) noexcept {
  promise_type& p = h.promise();
  Engine* engine = p.engine;
  std::shared_ptr<ProcessState> state = std::move(p.state);
  engine->unlink(p);
  h.destroy();
  state->frame = nullptr;
  state->finished = true;
  state->done.notify_all();
}

void Process::promise_type::unhandled_exception() {
  if (engine != nullptr && !engine->failure_) engine->failure_ = std::current_exception();
}

// ---------------------------------------------------------------- Activity

Activity::Activity(Engine& engine, double amount)
    : engine_(&engine), var_(engine.fluid()), remaining_(amount), last_update_(engine.now()), done_(amount <= 0) {
  var_.set_observer(this);
}

Activity::Activity(Engine& engine, double amount, Constraint& c, double bound) : Activity(engine, amount) {
  if (done_) return;
  var_.set_bound(bound);
  var_.attach(c);
}

Activity::~Activity() {
  if (scheduled()) engine_->cancel(*this);
}

double Activity::remaining() const {
  if (done_) return 0.0;
  return std::max(0.0, remaining_ - var_.value() * (engine_->now() - last_update_));
}

void Activity::on_value_change(double old_rate, double new_rate) {
  const double now = engine_->now();
  remaining_ = std::max(0.0, remaining_ - old_rate * (now - last_update_));
  last_update_ = now;
  if (new_rate > 0) {
    engine_->schedule(*this, now + remaining_ / new_rate);
  } else {
    engine_->cancel(*this);
  }
}

void Activity::pause() {
  if (done_) return;
  remaining_ = remaining();
  last_update_ = engine_->now();
  if (scheduled()) engine_->cancel(*this);
  var_.detach_all();  // sets the value to 0 without telling the observer
}

void Activity::fire() {
  remaining_ = 0.0;
  last_update_ = engine_->now();
  done_ = true;
  var_.set_observer(nullptr);
  var_.detach_all();
  if (waiter_) waiter_.resume();
}

// ------------------------------------------------------------------ Engine

Engine::Engine(std::uint64_t seed) : seed_(seed) {}

Engine::~Engine() { kill_all_processes(); }

void Engine::kill_all_processes() {
  while (live_ != nullptr) {
    Process::promise_type* p = live_;
    unlink(*p);
    if (p->scheduled()) queue_.cancel(*p);
    std::coroutine_handle<Process::promise_type>::from_promise(*p).destroy();
  }
}

void Engine::kill(const ProcessHandle& h) {
  ProcessState* s = h.state();
  if (s == nullptr || s->finished || s->frame == nullptr) return;
  auto handle = std::coroutine_handle<Process::promise_type>::from_address(s->frame);
  Process::promise_type& p = handle.promise();
  std::shared_ptr<ProcessState> keep = p.state;  // the frame's copy goes with it
  unlink(p);
  if (p.scheduled()) queue_.cancel(p);
  s->frame = nullptr;
  handle.destroy();
  s->finished = true;
  s->killed = true;
  s->done.notify_all();
}

void Engine::link(Process::promise_type& p) {
  p.prev = nullptr;
  p.next = live_;
  if (live_ != nullptr) live_->prev = &p;
  live_ = &p;
  ++live_count_;
}

void Engine::unlink(Process::promise_type& p) {
  if (p.prev != nullptr) p.prev->next = p.next;
  else live_ = p.next;
  if (p.next != nullptr) p.next->prev = p.prev;
  p.prev = p.next = nullptr;
  --live_count_;
}

ProcessHandle Engine::spawn(Process process, std::string name) {
  auto h = std::exchange(process.handle_, nullptr);
  assert(h && "spawning an empty process");
  auto& p = h.promise();
  p.engine = this;
  p.state = std::make_shared<ProcessState>(*this, std::move(name));
  p.state->frame = h.address();
  ProcessHandle handle(p.state);
  link(p);
  queue_.schedule(p, now_);
  return handle;
}

void Engine::schedule(Timer& t, double time) {
  assert(time >= now_ && "scheduling in the past");
  queue_.schedule(t, time);
}

Activity Engine::execute(Constraint& c, double amount, double bound) { return Activity(*this, amount, c, bound); }

Signal::Waiter Engine::join(const ProcessHandle& h) {
  return Signal::Waiter(h.state()->done, h.finished());
}

void Engine::add_ticker(double interval_s, std::function<void()> tick) {
  if (!(interval_s > 0)) return;
  tickers_.push_back({interval_s, now_, std::move(tick)});
  next_tick_ = std::min(next_tick_, now_);
}

void Engine::fire_tickers() {
  now_ = next_tick_;
  next_tick_ = kForever;
  for (Ticker& t : tickers_) {
    if (t.next <= now_) {
      t.tick();
      t.next += t.interval;
    }
    next_tick_ = std::min(next_tick_, t.next);
  }
}

RunOutcome Engine::run(double until) {
  stop_requested_ = false;
  for (;;) {
    if (fluid_.dirty() && (queue_.empty() || queue_.next_time() > now_)) fluid_.solve();
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
    if (stop_requested_) return RunOutcome::kStopped;
    if (queue_.empty()) return RunOutcome::kIdle;
    const double t = queue_.next_time();
    if (next_tick_ <= t && next_tick_ <= until) {
      fire_tickers();
      continue;
    }
    if (t > until) {
      now_ = until;
      return RunOutcome::kTimeLimit;
    }
    now_ = t;
    Timer* timer = queue_.pop();
    ++fired_;
    timer->fire();
    if (progress_hook_ && fired_ % progress_every_ == 0) progress_hook_();
  }
}

}  // namespace vzlab::engine
