// Migration (live pre-copy or cold) and the server pool's manager that
// moves VMs off busy hosts and switches idle hosts off.
#include "vzlab/hv/world.hpp"

#include <algorithm>
#include <limits>

namespace vzlab::hv {

void World::power_on(Host& h) {
  if (h.state() == HostState::kOff) h.enter(HostState::kUp, engine_->now());
}

void World::set_pool_manager(PoolManager m) {
  pool_ = m;
  incoming_flops_.assign(hosts_.size(), 0.0);
  engine_->add_ticker(m.interval_s, [this] { manage_pool(); });
}

void World::manage_pool() {
  const double now = engine_->now();
  auto busy = [](Host& h) { return h.cpu().usage() / h.capacity_flops(); };
  if (pool_.rebalance && network_) {
    for (Host& hot : hosts_) {
      if (!hot.up() || hot.group().empty() || busy(hot) <= pool_.hot) continue;
      // The VM taking the most CPU there, not already moving.
      Guest* pick = nullptr;
      for (Guest& g : guests_)
        if (&g.host() == &hot && is_vm(g.mode()) && g.state() == GuestState::kRunning &&
            (pick == nullptr || g.allocation_flops() > pick->allocation_flops()))
          pick = &g;
      if (pick == nullptr) continue;
      Host* to = nullptr;
      for (Host& h : hosts_) {
        if (&h == &hot || h.group() != hot.group() || !can_take(h, *pick)) continue;
        if (!network_ || !network_->route(host_node(hot), host_node(h))) continue;  // the copy needs a route
        // Count the VMs already on their way there.
        const double load = h.cpu().usage() + incoming_flops_[h.index()];
        if ((load + pick->allocation_flops()) / h.capacity_flops() >= pool_.hot) continue;
        if (to == nullptr || load < to->cpu().usage() + incoming_flops_[to->index()]) to = &h;
      }
      if (to == nullptr) continue;
      migrating_.push_back(pick->index());
      incoming_flops_[to->index()] += pick->allocation_flops();
      incoming_.emplace_back(pick->index(), pick->allocation_flops());
      schedule_migration({now, pick->index(), to->index(), true, 0.3, 30});
    }
  }
  if (pool_.power_off_idle) {
    for (Host& h : hosts_) {
      if (h.state() != HostState::kUp || h.memory_used_ > 0) continue;
      bool reserved = false;  // a migration is copying to it
      for (std::uint32_t gi : migrating_) reserved = reserved || &guests_[gi].host() == &h;
      if (!reserved && h.vcpus_placed_ == 0) h.enter(HostState::kOff, now);
    }
  }
}

void World::schedule_migration(MigrationSpec spec) { engine_->spawn(migrate(spec)); }

engine::Process World::migrate(MigrationSpec spec) {
  engine::Engine& eng = *engine_;
  if (spec.at_s > eng.now()) co_await eng.sleep_until(spec.at_s);
  Guest& g = guests_[spec.guest];
  Host& to = hosts_[spec.to_host];
  // However it ends, the guest is no longer in flight.
  struct InFlight {
    World& w;
    std::uint32_t guest, to;
    ~InFlight() {
      w.migrating_.erase(std::remove(w.migrating_.begin(), w.migrating_.end(), guest), w.migrating_.end());
      for (auto it = w.incoming_.begin(); it != w.incoming_.end(); ++it)
        if (it->first == guest) {
          w.incoming_flops_[to] -= it->second;
          w.incoming_.erase(it);
          break;
        }
    }
  } in_flight{*this, spec.guest, spec.to_host};
  MigrationRecord rec{spec.guest, g.host().name(), to.name(), spec.live, "done", 0, 0.0, eng.now(), 0.0, 0.0};
  auto give_up = [&](const char* why) {
    rec.outcome = why;
    migrations_.push_back(rec);
  };
  if (g.state() != GuestState::kRunning) {
    give_up("not running then");
    co_return;
  }
  if (&g.host() == &to) {
    give_up("already there");
    co_return;
  }
  if (!can_take(to, g)) {
    give_up("no room (or no route to its disk) on the target");
    co_return;
  }
  // Reserve the target's memory and vCPUs for the whole copy.
  power_on(to);
  reserve(to, g);
  Network& net = network();
  Host& from = g.host();
  const NodeId a = host_node(from), b = host_node(to);
  const double ram = g.ram_bytes(calibration_);
  double to_send = ram;
  auto copy = [&](double bytes) -> engine::Task<double> {
    const double t0 = eng.now();
    co_await net.transfer(a, b, bytes);
    rec.bytes_sent += bytes;
    ++rec.rounds;
    co_return eng.now() - t0;
  };
  // Still its own self (not down, not taken over by its mirror, not done).
  auto in_place = [&] {
    const GuestState st = g.state() == GuestState::kStalled ? g.resume_to_ : g.state();
    return st == GuestState::kRunning || st == GuestState::kMigrating || st == GuestState::kPaused;
  };
  if (spec.live) {
    g.transition(GuestState::kMigrating, Cause::kMigration);
    for (;;) {
      const double dt = co_await copy(to_send);
      if (!in_place()) break;
      const double rate = dt > 0 ? to_send / dt : std::numeric_limits<double>::infinity();
      const double dirty = std::min(ram, g.dirty_rate_Bps() * dt);
      to_send = dirty;
      if (dirty <= rate * spec.downtime_target_s || rec.rounds >= spec.max_rounds) break;
    }
  }
  if (in_place()) {
    const double stop = eng.now();
    g.transition(GuestState::kPaused, Cause::kMigration);
    co_await copy(to_send);
    rec.downtime_s = eng.now() - stop;
  }
  if (!in_place()) {  // its host crashed during the copy (or its work ended): give the target back
    unreserve(to, g);
    give_up(g.state() == GuestState::kFinished ? "its work ended during the copy" : "its host crashed during the copy");
    co_return;
  }
  release(g);  // from its old host; the target's reservation becomes its place
  g.move_to(to);
  rec.total_s = eng.now() - rec.started_s;
  g.transition(GuestState::kRunning, Cause::kMigrated,
               {.downtime_s = rec.downtime_s, .bytes = rec.bytes_sent, .rounds = rec.rounds});
  migrations_.push_back(rec);
}

}  // namespace vzlab::hv
