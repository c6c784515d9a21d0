// Storage replication (sync, async, backup) and disaster recovery when the
// original storage is lost.
#include "vzlab/hv/world.hpp"

#include <utility>

namespace vzlab::hv {

ReplicationRecord& World::add_replication(ReplicationSpec spec) {
  restartable_ = true;
  Network& net = network();
  ReplicationRecord& r = replications_.emplace_back();
  r.spec = std::move(spec);
  r.replica_bytes = net.fill_bytes(r.spec.from);  // seeded before the run
  if (r.spec.mode != ReplicationMode::kSync)
    engine_->add_ticker(r.spec.interval_s, [this, &r] {
      // A shipment still in flight at the next tick: this one is skipped
      // (the next ships everything not yet confirmed).
      if (!r.shipping && r.disaster_s < 0 && engine_->now() > 0) engine_->spawn(ship(r, engine_->now()));
    });
  return r;
}

engine::Process World::ship(ReplicationRecord& r, double at_s) {
  Network& net = network();
  r.shipping = true;
  const double written = r.written_bytes;
  const bool backup = r.spec.mode == ReplicationMode::kBackup;
  const double bytes = backup ? net.fill_bytes(r.spec.from) : written - r.confirmed_bytes;
  if (bytes > 0) co_await net.transfer(r.spec.from, r.spec.to, bytes);
  r.shipping = false;
  if (r.disaster_s >= 0) co_return;  // the original went down during the copy: it does not count
  r.shipped_bytes += bytes;
  r.replica_bytes = backup ? bytes : r.replica_bytes + bytes;
  r.confirmed_bytes = written;
  r.recovery_point_s = at_s;
}

engine::Process World::recover(ReplicationRecord& r) {
  engine::Engine& eng = *engine_;
  r.disaster_s = eng.now();
  r.lost_bytes = r.written_bytes - r.confirmed_bytes;
  r.rpo_s = r.lost_bytes > 0 ? eng.now() - r.recovery_point_s : 0.0;
  eng.events().emit(eng.now(), kinds_.dr_recovery, eng.events().subject(r.spec.name), {r.rpo_s, r.lost_bytes});
  if (r.spec.activation_s > 0) co_await eng.sleep(r.spec.activation_s);
  if (r.spec.mode == ReplicationMode::kBackup && r.spec.restore_Bps > 0) {
    r.restore_s = r.replica_bytes / r.spec.restore_Bps;
    co_await eng.sleep(r.restore_s);
  }
  for (Guest& g : guests_) {
    if (g.disk_node() != r.spec.from) continue;
    g.set_disk_node(r.spec.to);  // from now on its disk is the replica
    if (g.refused() || g.state() == GuestState::kFinished || !programs_.count(g.index())) continue;
    if (g.state() != GuestState::kDown && !take_down(g, CrashKind::kStorage)) continue;  // not started yet: starts on the replica
    Host* target = first_host(g, [](const Host&) { return true; });
    if (target == nullptr) {
      ++r.not_placed;
      continue;
    }
    restart(g, *target);
    r.guests.push_back(g.index());
  }
  r.done = true;
}

}  // namespace vzlab::hv
