// Protection of a VM against the loss of its host: a lockstep mirror on
// another host that takes over, or checkpoints a restart resumes from.
#include "vzlab/hv/world.hpp"

#include <algorithm>
#include <utility>

namespace vzlab::hv {

engine::Process World::checkpoint(Guest& g) {
  engine::Engine& eng = *engine_;
  g.checkpointing_ = true;
  const double t0 = eng.now();
  const double ram = g.ram_bytes(calibration_);
  const double bytes = g.checkpoint_at_s_ < 0 ? ram : std::min(ram, g.dirty_rate_Bps() * (t0 - g.checkpoint_at_s_));
  // The positions it is paused at are what the save holds.
  std::vector<Guest::Cursor> saved = g.cursors_;
  for (std::size_t i = 0; i < saved.size(); ++i)
    if (g.executing_[i] != nullptr) saved[i].done += (1.0 - saved[i].done) * g.executing_[i]->done_fraction();
  g.transition(GuestState::kPaused, Cause::kCheckpoint);
  Host& host = g.host();
  co_await copy_memory(g, bytes, true);
  g.checkpointing_ = false;
  const GuestState st = g.state() == GuestState::kStalled ? g.resume_to_ : g.state();
  if (st != GuestState::kPaused || &g.host() != &host) co_return;  // it went down during the save: the save is not whole
  g.saved_ = std::move(saved);
  g.checkpoint_at_s_ = t0;
  ++g.checkpoints_;
  g.checkpoint_pause_s_ += eng.now() - t0;
  g.transition(GuestState::kRunning, Cause::kCheckpointed, {.bytes = bytes});
}

void World::protect(Guest& g) {
  const GuestState st = g.state();
  if (g.mirror_host_ != nullptr || !network_ || !(is_up(st) || st == GuestState::kStalled)) return;
  Host& here = g.host();
  Host* h = first_host(g, [&](const Host& other) {
    // Another host of its group, with a route for the log.
    return &other != &here && other.group() == here.group() && network_->route(host_node(here), host_node(other));
  });
  if (h == nullptr) return;
  power_on(*h);
  reserve(*h, g);
  g.mirror_host_ = h;
  // The copy runs the same instructions: the primary's CPU rate, on its own host.
  g.mirror_cpu_.emplace(engine_->fluid());
  g.mirror_cpu_->attach(h->cpu());
  g.mirror_cpu_->set_weight(g.vcpus());
  g.mirror_cpu_->set_bound(g.allocation_flops());
  g.mirror_since_s_ = engine_->now();
  if (mirror_ticker_) return;
  mirror_ticker_ = true;
  engine_->add_ticker(ha_.heartbeat_s, [this] {
    for (Guest& m : guests_)
      if (m.mirror_cpu_) {
        count_mirror_work(m);
        m.mirror_cpu_->set_bound(m.cpu_stopped() ? 0.0 : m.allocation_flops());
      }
  });
}

void World::count_mirror_work(Guest& g) {
  g.mirror_host_->add_flops_done(g.mirror_cpu_->value() * (engine_->now() - g.mirror_since_s_));
  g.mirror_since_s_ = engine_->now();
}

void World::unprotect(Guest& g) {
  if (g.mirror_host_ == nullptr) return;
  count_mirror_work(g);
  unreserve(*g.mirror_host_, g);
  g.mirror_host_ = nullptr;
  g.mirror_cpu_.reset();
}

void World::take_over(Guest& g) {
  Host& to = *g.mirror_host_;
  count_mirror_work(g);
  release(g);  // from the dead host; the copy's reservation becomes its place
  g.mirror_host_ = nullptr;
  g.mirror_cpu_.reset();
  g.move_to(to);
  ++g.takeovers_;
  g.transition(GuestState::kRestarting, Cause::kTakeover);
  engine_->spawn(resume_after_takeover(g));
}

engine::Process World::resume_after_takeover(Guest& g) {
  // The copy notices at the first missed heartbeat and goes on from there.
  co_await engine_->sleep(ha_.heartbeat_s);
  if (g.state() != GuestState::kRestarting) co_return;
  g.transition(GuestState::kRunning, Cause::kStarted);
  protect(g);
}

engine::Process World::protect_later(Guest& g, double at_s) {
  if (at_s > engine_->now()) co_await engine_->sleep_until(at_s);
  protect(g);
}

}  // namespace vzlab::hv
