#include "vzlab/viz/session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "vzlab/hv/energy.hpp"

namespace vzlab::viz {

namespace {

using Clock = std::chrono::steady_clock;
constexpr Clock::time_point kNoDeadline = Clock::time_point::max();
constexpr double kMaxLagRealS = 0.25;  // the clock runs at most this much real time ahead of the engine

hv::Service* find_service(hv::World& w, const std::string& name) {
  for (hv::Service& s : w.services())
    if (s.spec().name == name) return &s;
  return nullptr;
}

}  // namespace

std::unique_ptr<Session> Session::open(const std::string& path, const SessionOptions& options, std::string* error) {
  auto loaded = hv::scenario::load_file(path, hv::scenario::LoadOptions{options.seed});
  if (!loaded.ok()) {
    *error = loaded.error->format();
    return nullptr;
  }
  std::unique_ptr<Session> s(new Session());
  s->scenario_ = std::move(*loaded.scenario);
  s->options_ = options;
  s->until_s_ = options.until_s.value_or(s->scenario_.until_s.value_or(std::numeric_limits<double>::infinity()));
  if (!s->build(error)) {
    *error = path + ": " + *error;
    return nullptr;
  }
  return s;
}

// A fresh world for the scenario, with everything that watches it.
bool Session::build(std::string* error) {
  // Watchers go before the world they watch.
  if (world_) world_->engine().events().unsubscribe_all();
  hash_.reset();
  log_.reset();
  tracker_.reset();
  recorder_.reset();
  world_.reset();
  try {
    world_ = hv::scenario::build_world(scenario_);
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
  hv::World& w = *world_;
  recorder_ = std::make_unique<hv::report::RunRecorder>(w, hv::report::RecorderOptions{});
  tracker_ = std::make_unique<StateTracker>(w);
  log_ = std::make_unique<EventLog>(w.engine().events(), options_.log_capacity);
  hash_ = std::make_unique<EventHash>(w.engine().events());
  command_kind_ = w.engine().events().kind("viz.command");
  responses_seen_.assign(w.services().size(), 0);
  charts_ = Charts{};
  charts_.interval_s = std::isfinite(until_s_) && until_s_ > 0 ? until_s_ / 500 : 1.0;
  applied_.clear();
  refusals_.clear();
  replay_next_ = 0;
  idle_ = finished_ = jumping_ = false;
  target_s_ = 0;
  w.engine().add_ticker(charts_.interval_s, [this] { sample(); });
  // One hook for all bounds: a single step stops after one event; a frame
  // stops when its wall-time budget is spent (the clock read every 64 events)
  // or when the drawing thread asks it to.
  w.engine().set_progress_hook(
      [this] {
        if (step_mode_ || (stop_ != nullptr && stop_->load(std::memory_order_relaxed)) ||
            ((++hook_calls_ & 63) == 0 && Clock::now() > deadline_))
          world_->engine().stop();
      },
      1);
  ++generation_;
  refresh();
  return true;
}

void Session::rewind_to(double t) {
  // The commands applied up to t come back as a replay, ahead of those still to replay.
  std::vector<Command> again;
  for (const Command& c : applied_)
    if (c.at_s <= t) again.push_back(c);
  for (std::size_t i = replay_next_; i < replay_.size(); ++i) again.push_back(replay_[i]);
  std::string error;
  if (!build(&error)) {
    status_ = "cannot go back: " + error;
    return;
  }
  set_replay(std::move(again));
  run_to(t);
}

Session::~Session() {
  if (world_) world_->engine().set_progress_hook(nullptr);
}

double Session::now() const { return world_->engine().now(); }

void Session::set_speed(double x) { speed_ = std::clamp(std::isfinite(x) ? x : kMaxSpeed, kMinSpeed, kMaxSpeed); }

bool Session::run_engine(double until, Clock::time_point deadline, const std::atomic<bool>* stop) {
  deadline_ = deadline;
  stop_ = stop;
  hook_calls_ = 0;
  const engine::RunOutcome outcome = world_->run(until);
  stop_ = nullptr;
  if (outcome == engine::RunOutcome::kIdle) idle_ = true;
  return outcome != engine::RunOutcome::kStopped;
}

void Session::apply_due() {
  const bool replay_due = replay_next_ < replay_.size() && (replay_[replay_next_].at_s <= now() || idle_);
  if (queue_.empty() && !replay_due) return;
  // Finish the events of the current instant first, so a command never lands
  // between two events at the same time (a replay lands in the same place).
  run_engine(now(), kNoDeadline);
  for (Command& c : queue_.take()) apply(std::move(c));
  while (replay_next_ < replay_.size() && (replay_[replay_next_].at_s <= now() || idle_))
    apply(replay_[replay_next_++]);
}

void Session::advance(double target, Clock::time_point deadline, const std::atomic<bool>* stop) {
  target = std::min(target, until_s_);
  for (;;) {
    apply_due();
    if (idle_ || now() >= target) break;
    double until = target;
    if (replay_next_ < replay_.size()) until = std::min(until, std::max(now(), replay_[replay_next_].at_s));
    if (!run_engine(until, deadline, stop)) break;  // out of budget or asked to stop: go on next frame
  }
  finished_ = idle_ || now() >= until_s_;
  // The charts end where the run ends, not at the last tick before.
  if (finished_ && now() > charts_.sampled_s) sample();
}

void Session::frame(double real_dt_s) {
  advance_frame(real_dt_s, nullptr);
  refresh();
}

void Session::advance_frame(double real_dt_s, const std::atomic<bool>* stop) {
  const auto t0 = Clock::now();
  if (playing_ && !finished_) {
    target_s_ += speed_ * std::max(0.0, real_dt_s);
    if (!jumping_) target_s_ = std::min(target_s_, now() + speed_ * kMaxLagRealS);
  }
  target_s_ = std::clamp(target_s_, now(), until_s_);
  const double budget_s = options_.frame_budget_s;
  const Clock::time_point deadline =
      budget_s > 0 ? t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(budget_s))
                   : kNoDeadline;
  advance(target_s_, deadline, stop);
  if (jumping_ && now() >= target_s_) jumping_ = false;
  last_engine_s_ = std::chrono::duration<double>(Clock::now() - t0).count();
}

void Session::step() {
  apply_due();
  if (!idle_ && now() < until_s_) {
    step_mode_ = true;
    run_engine(until_s_, kNoDeadline);
    step_mode_ = false;
  }
  playing_ = jumping_ = false;
  target_s_ = now();
  finished_ = idle_ || now() >= until_s_;
  refresh();
}

void Session::jump_to(double t) {
  if (t < now()) {
    rewind_to(std::max(0.0, t));
    return;
  }
  target_s_ = std::min(t, until_s_);
  jumping_ = true;
}

void Session::run_to(double t) {
  advance(t, kNoDeadline);
  target_s_ = now();
  refresh();
}

void Session::set_replay(std::vector<Command> commands) {
  std::stable_sort(commands.begin(), commands.end(), [](const Command& a, const Command& b) { return a.at_s < b.at_s; });
  replay_ = std::move(commands);
  replay_next_ = 0;
}

void Session::apply(Command c) {
  c.at_s = now();
  const std::string problem = execute(c);
  char when[32];
  std::snprintf(when, sizeof when, "t = %.3f s: ", c.at_s);
  if (!problem.empty()) {
    status_ = std::string(when) + command_name(c.kind) + " " + c.target + " refused: " + problem;
    refusals_.push_back(status_);
    return;
  }
  status_ = std::string(when) + format_command(c).substr(format_command(c).find(' ') + 1);
  applied_.push_back(std::move(c));
  idle_ = false;  // the command may have given the engine work
}

// Applies c now; "" on success, else why not (nothing changed then).
std::string Session::execute(const Command& c) {
  hv::World& w = *world_;
  engine::EventStream& ev = w.engine().events();
  double value = c.value;
  switch (c.kind) {
    case CommandKind::kFailHost:
    case CommandKind::kRepairHost: {
      hv::Host* h = w.find_host(c.target);
      if (h == nullptr) return "no host named '" + c.target + "'";
      const bool fail = c.kind == CommandKind::kFailHost;
      if (h->up() != fail) return fail ? "it is already down" : "it is up";
      if (fail) w.crash(hv::CrashKind::kHost, h, nullptr);
      else w.repair(*h);
      break;
    }
    case CommandKind::kFailSite:
    case CommandKind::kRepairSite: {
      // The scenario's sites (hosts and nodes with `site:`) or, when it names
      // none, a group of hosts: all of it fails (or comes back) at once.
      const bool fail = c.kind == CommandKind::kFailSite;
      const bool sites = std::any_of(w.hosts().begin(), w.hosts().end(), [](const hv::Host& h) { return !h.site().empty(); });
      auto member = [&](const hv::Host& h) { return (sites ? h.site() : h.group()) == c.target; };
      std::size_t changing = 0;
      bool any = false;
      for (const hv::Host& h : w.hosts()) {
        any = any || member(h);
        changing += member(h) && h.up() == fail ? 1 : 0;
      }
      if (changing == 0)
        return any ? (fail ? "every host of it is already down" : "every host of it is up")
                   : std::string("no ") + (sites ? "site" : "host group (site)") + " named '" + c.target + "'";
      if (sites) {
        w.set_site_up(c.target, !fail);
      } else {
        for (hv::Host& h : w.hosts())
          if (member(h) && h.up() == fail) {
            if (fail) w.crash(hv::CrashKind::kHost, &h, nullptr);
            else w.repair(h);
          }
      }
      value = static_cast<double>(changing);
      break;
    }
    case CommandKind::kFailComponent:
    case CommandKind::kRepairComponent: {
      if (!w.has_network()) return "the scenario has no network";
      hv::Network& net = w.network();
      const bool up = c.kind == CommandKind::kRepairComponent;
      // Through the world, so storage loss, disaster recovery and the
      // component events follow as with a scripted failure.
      if (auto n = net.find(c.target)) {
        if (net.node_up(*n) == up) return up ? "it is up" : "it is already down";
        w.set_component_up({false, *n}, up);
      } else if (auto l = net.find_link(c.target)) {
        if (net.link_up(*l) == up) return up ? "it is up" : "it is already down";
        w.set_component_up({true, *l}, up);
      } else {
        return "no network node or link named '" + c.target + "'";
      }
      break;
    }
    case CommandKind::kMigrate: {
      hv::Guest* g = w.find_guest(c.target);
      if (g == nullptr) return "no guest named '" + c.target + "'";
      hv::Host* to = w.find_host(c.arg);
      if (to == nullptr) return "no host named '" + c.arg + "'";
      if (!hv::is_vm(g->mode())) return "only a VM can be live-migrated";
      if (!g->serving()) return "it is not running";
      if (tracker_->migrating(g->index())) return "it is already migrating";
      if (&g->host() == to) return "it is already on " + to->name();
      if (!to->up()) return to->name() + " is down";
      if (!w.has_network() || !w.network().route(w.host_node(g->host()), w.host_node(*to)))
        return "no network route from " + g->host().name() + " to " + to->name() + " to copy its memory over";
      w.schedule_migration({now(), g->index(), to->index(), true, 0.3, 30});
      tracker_->migration_started(g->index(), now());
      value = to->index();
      break;
    }
    case CommandKind::kSetPolicy: {
      hv::Service* s = find_service(w, c.target);
      if (s == nullptr) return "no service named '" + c.target + "'";
      const auto p = hv::policy_from_name(c.arg);
      if (!p) return "no policy named '" + c.arg + "'";
      s->set_policy(*p);
      value = static_cast<double>(*p);
      break;
    }
    case CommandKind::kSetRate: {
      hv::Service* s = find_service(w, c.target);
      if (s == nullptr) return "no service named '" + c.target + "'";
      if (!(c.value > 0) || !std::isfinite(c.value)) return "the rate must be a number of requests per second > 0";
      s->set_interarrival({hv::Distribution::Kind::kExponential, 1.0 / c.value, 0.0});
      break;
    }
  }
  ev.emit(now(), command_kind_, ev.subject(c.target), {static_cast<double>(c.kind), value});
  return "";
}

void Session::sample() {
  const hv::World& w = *world_;
  const double t = now();
  double used = 0, capacity = 0, energy_J = 0;
  for (const hv::Host& h : w.hosts()) {
    if (!h.up()) continue;
    used += h.cpu().usage();
    capacity += h.capacity_flops();
  }
  for (double e : hv::hosts_energy_J(w)) energy_J += e;
  if (capacity > 0) charts_.utilization.push(t, 100 * used / capacity);
  if (t > charts_.sampled_s) {
    // kW over the interval: kWh / h.
    charts_.power.push(t, (energy_J / 3.6e6 - charts_.energy_kWh) / ((t - charts_.sampled_s) / 3600));
    charts_.energy_kWh = energy_J / 3.6e6;
    charts_.sampled_s = t;
  }
  std::size_t serving = 0, expected = 0;
  for (std::uint32_t g = 0; g < w.guests().size(); ++g) {
    // Serving against serving or in an outage: the run report's availability, now.
    const hv::Guest& guest = w.guests()[g];
    const bool up = guest.serving() && guest.state() != GuestState::kStalled;
    serving += up ? 1 : 0;
    expected += up || hv::is_outage(guest.state()) ? 1 : 0;
  }
  if (expected > 0) charts_.availability.push(t, 100.0 * static_cast<double>(serving) / static_cast<double>(expected));
  std::vector<double> window;
  for (std::size_t i = 0; i < w.services().size(); ++i) {
    const auto& r = w.services()[i].stats().response_s;
    window.insert(window.end(), r.begin() + static_cast<std::ptrdiff_t>(responses_seen_[i]), r.end());
    responses_seen_[i] = r.size();
  }
  if (!window.empty()) {
    std::sort(window.begin(), window.end());
    charts_.p50.push(t, 1e3 * nearest_rank(window, 0.50));
    charts_.p95.push(t, 1e3 * nearest_rank(window, 0.95));
    charts_.p99.push(t, 1e3 * nearest_rank(window, 0.99));
  }
}

void Session::refresh() {
  const auto t0 = Clock::now();
  snapshot_.update(*world_);
  last_snapshot_s_ = std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string Session::report_text() const {
  hv::report::RunMeta meta{scenario_.name, scenario_.file, scenario_.description, scenario_.seed, now(), 0.0,
                           "built-in defaults"};
  return hv::report::format_table(recorder_->report(meta));
}

}  // namespace vzlab::viz
