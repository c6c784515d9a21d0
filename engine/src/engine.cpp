#include "vzlab/engine/engine.hpp"

#include "heap.hpp"

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

// ------------------------------------------------------------ share groups

// The grouped activities whose rate one constraint sets: each progresses at
// its weight times the group's level. The group keeps a virtual time, the
// integral of its level over simulated time, and each member the virtual
// time at which its work ends (virtual time when it joined + work / weight);
// only the earliest of those is in the engine's queue. A new level moves
// that one entry, whatever the number of members.
class ShareGroup final : public Timer {
 public:
  ShareGroup(Engine& engine, ShareGroups& groups) : engine_(&engine), groups_(&groups) {}
  ~ShareGroup() override {
    if (scheduled()) engine_->cancel(*this);
  }

  /// Virtual time at simulated time `now`.
  double vtime(double now) const { return v0_ + level_ * (now - t0_); }
  /// Work left to member a at `now`.
  double remaining(const Activity& a, double now) const {
    return std::max(0.0, (a.finish_v_ - vtime(now)) * a.group_weight_);
  }
  void set_level(double level);
  void join(Activity& a, double remaining);
  void leave(Activity& a);
  /// Puts the earliest end in the queue (or takes the group out of it).
  void reschedule();
  /// Members leave, each keeping its current rate on a timer of its own.
  void dissolve();
  bool dirty = false;

 private:
  struct Member {
    double finish_v;
    std::uint64_t seq;
    Activity* activity;
  };
  static bool before(const Member& x, const Member& y) {
    return x.finish_v < y.finish_v || (x.finish_v == y.finish_v && x.seq < y.seq);
  }
  void place(std::uint32_t i, const Member& m) {
    heap_[i] = m;
    m.activity->group_pos_ = i;
  }
  void sift_up(std::uint32_t i);
  void sift_down(std::uint32_t i);
  void fire() override;
  void mark_dirty();

  Engine* engine_;
  ShareGroups* groups_;
  std::vector<Member> heap_;
  double v0_ = 0.0;     // virtual time at t0_
  double t0_ = 0.0;     // simulated time of the last level change
  double level_ = 0.0;  // rate per unit of weight
  std::uint64_t next_seq_ = 0;
};

// Every share group of an engine, by the fluid system's group number.
class ShareGroups final : public GroupListener {
 public:
  explicit ShareGroups(Engine& engine) : engine_(&engine) {}
  ShareGroup& at(std::uint32_t group) {
    if (group >= groups_.size()) groups_.resize(group + 1);
    if (!groups_[group]) groups_[group] = std::make_unique<ShareGroup>(*engine_, *this);
    return *groups_[group];
  }
  void on_group_level(std::uint32_t group, double level) override { at(group).set_level(level); }
  void on_group_removed(std::uint32_t group) override {
    if (group < groups_.size() && groups_[group]) groups_[group]->dissolve();
  }
  void mark_dirty(ShareGroup& g) {
    if (g.dirty) return;
    g.dirty = true;
    dirty_.push_back(&g);
  }
  /// Reschedules the groups whose earliest end moved.
  void flush() {
    for (std::size_t i = 0; i < dirty_.size(); ++i) {
      dirty_[i]->dirty = false;
      dirty_[i]->reschedule();
    }
    dirty_.clear();
  }
  bool dirty() const { return !dirty_.empty(); }

 private:
  Engine* engine_;
  std::vector<std::unique_ptr<ShareGroup>> groups_;
  std::vector<ShareGroup*> dirty_;
};

void ShareGroup::mark_dirty() { groups_->mark_dirty(*this); }

void ShareGroup::set_level(double level) {
  const double now = engine_->now();
  v0_ = vtime(now);
  t0_ = now;
  level_ = level;
  if (!heap_.empty()) mark_dirty();
}

void ShareGroup::join(Activity& a, double remaining) {
  const double now = engine_->now();
  if (heap_.empty()) {
    // Restart the virtual clock: keys stay small, so no precision is lost.
    v0_ = 0.0;
    t0_ = now;
  }
  a.group_ = this;
  a.group_weight_ = a.var_.weight();
  a.finish_v_ = vtime(now) + remaining / a.group_weight_;
  a.group_seq_ = next_seq_++;
  heap_.push_back({a.finish_v_, a.group_seq_, &a});
  sift_up(static_cast<std::uint32_t>(heap_.size() - 1));
  if (a.group_pos_ == 0) mark_dirty();
}

void ShareGroup::leave(Activity& a) {
  const std::uint32_t i = a.group_pos_;
  a.group_ = nullptr;
  const Member last = heap_.back();
  heap_.pop_back();
  if (i == 0) mark_dirty();
  if (i == heap_.size()) return;
  place(i, last);
  sift_up(i);
  sift_down(last.activity->group_pos_);
  if (last.activity->group_pos_ == 0) mark_dirty();
}

void ShareGroup::reschedule() {
  if (heap_.empty() || !(level_ > 0)) {
    if (scheduled()) engine_->cancel(*this);
    return;
  }
  const double now = engine_->now();
  const double at = t0_ + (heap_.front().finish_v - v0_) / level_;
  engine_->schedule(*this, at > now ? at : now);
}

void ShareGroup::fire() {
  if (heap_.empty()) return;
  const double now = engine_->now();
  if (t0_ + (heap_.front().finish_v - v0_) / level_ > now) {
    reschedule();
    return;
  }
  Activity& a = *heap_.front().activity;
  leave(a);
  reschedule();
  a.complete();
}

void ShareGroup::dissolve() {
  while (!heap_.empty()) {
    Activity& a = *heap_.back().activity;
    const double rate = a.group_weight_ * level_;
    a.leave_group();
    if (rate > 0) engine_->schedule(a, engine_->now() + a.remaining_ / rate);
  }
  reschedule();
}

void ShareGroup::sift_up(std::uint32_t i) {
  heap::sift_up<2>(heap_, i, before, [this](std::uint32_t at, const Member& m) { place(at, m); });
}

void ShareGroup::sift_down(std::uint32_t i) {
  heap::sift_down<2>(heap_, i, before, [this](std::uint32_t at, const Member& m) { place(at, m); });
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
  if (group_ != nullptr) group_->leave(*this);
  if (scheduled()) engine_->cancel(*this);
}

double Activity::remaining() const {
  if (done_) return 0.0;
  if (group_ != nullptr) return group_->remaining(*this, engine_->now());
  return std::max(0.0, remaining_ - var_.value() * (engine_->now() - last_update_));
}

void Activity::leave_group() {
  remaining_ = group_->remaining(*this, engine_->now());
  last_update_ = engine_->now();
  group_->leave(*this);
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

void Activity::on_group_change(std::uint32_t, std::uint32_t new_group, double old_rate, double new_rate) {
  if (group_ != nullptr) {
    leave_group();
    old_rate = 0.0;  // remaining_ is current
  }
  if (new_group == kNoGroup) {
    on_value_change(old_rate, new_rate);
    return;
  }
  const double now = engine_->now();
  remaining_ = std::max(0.0, remaining_ - old_rate * (now - last_update_));
  last_update_ = now;
  if (scheduled()) engine_->cancel(*this);
  engine_->groups_->at(new_group).join(*this, remaining_);
}

void Activity::pause() {
  if (done_) return;
  remaining_ = remaining();
  last_update_ = engine_->now();
  if (group_ != nullptr) group_->leave(*this);
  if (scheduled()) engine_->cancel(*this);
  var_.detach_all();  // sets the value to 0 without telling the observer
}

void Activity::fire() { complete(); }

void Activity::complete() {
  remaining_ = 0.0;
  last_update_ = engine_->now();
  done_ = true;
  var_.set_observer(nullptr);
  var_.detach_all();
  if (waiter_) waiter_.resume();
}

// ------------------------------------------------------------------ Engine

Engine::Engine(std::uint64_t seed) : seed_(seed), groups_(std::make_unique<ShareGroups>(*this)) {
  fluid_.set_group_listener(groups_.get());
}

Engine::~Engine() {
  kill_all_processes();
  fluid_.set_group_listener(nullptr);
}

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

std::size_t Engine::add_ticker(double interval_s, std::function<void()> tick) {
  // A ticker that never ticks still gets an id (its interval is not > 0).
  tickers_.push_back({interval_s, interval_s > 0 ? now_ : kForever, std::move(tick)});
  next_tick_ = std::min(next_tick_, tickers_.back().next);
  return tickers_.size() - 1;
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
    if (groups_->dirty()) groups_->flush();
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
    if (stop_requested_ || (stop_flag_ != nullptr && stop_flag_->load(std::memory_order_relaxed)))
      return RunOutcome::kStopped;
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
