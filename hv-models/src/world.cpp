#include "vzlab/hv/world.hpp"

#include <algorithm>

namespace vzlab::hv {

double total_flops(const ProcessSpec& p) {
  double sum = 0.0;
  for (const Step& s : p.steps)
    if (s.kind == Step::Kind::kCompute) sum += s.amount;
  return sum * p.repeat;
}

World::World(std::uint64_t seed) : engine_(std::make_unique<engine::Engine>(seed)) {
  auto& ev = engine_->events();
  kinds_ = {ev.kind("guest.start"), ev.kind("guest.end"), ev.kind("task.start"), ev.kind("task.end")};
}

World::~World() {
  // Consumers may already be gone: end the processes without telling them.
  engine_->events().unsubscribe_all();
  engine_->kill_all_processes();
}

Host& World::add_host(HostSpec spec) {
  const auto index = static_cast<std::uint32_t>(hosts_.size());
  return hosts_.emplace_back(engine_->fluid(), std::move(spec), index);
}

Guest& World::add_guest(GuestSpec spec, Host& host) {
  const auto index = static_cast<std::uint32_t>(guests_.size());
  Guest& g = guests_.emplace_back(*engine_, std::move(spec), host, index);
  g.world_ = this;
  return g;
}

void World::start_process(Guest& guest, ProcessSpec spec) {
  ++guest.running_;
  engine_->spawn(run_process(guest, std::move(spec)));
}

engine::Process World::run_process(Guest& guest, ProcessSpec spec) {
  engine::Engine& eng = *engine_;
  if (spec.start_s > eng.now()) co_await eng.sleep_until(spec.start_s);
  if (!guest.started_) {
    guest.started_ = true;
    eng.events().emit(eng.now(), kinds_.guest_start, guest.subject_);
  }
  for (int r = 0; r < spec.repeat; ++r) {
    for (const Step& step : spec.steps) {
      if (step.kind == Step::Kind::kCompute) {
        co_await guest.execute(step.amount);
      } else {
        co_await eng.sleep(step.amount);
      }
    }
  }
  if (--guest.running_ == 0) {
    guest.finished_at_s_ = eng.now();
    eng.events().emit(eng.now(), kinds_.guest_end, guest.subject_);
  }
}

engine::RunOutcome World::run(double until) { return engine_->run(until); }

void World::finish() {
  if (finished_) return;
  finished_ = true;
  engine_->kill_all_processes();
}

double World::makespan_s() const {
  double m = 0.0;
  for (const Guest& g : guests_) m = std::max(m, g.finished_at_s());
  return m;
}

}  // namespace vzlab::hv
