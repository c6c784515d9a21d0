// High availability and restarts: where a downed guest may run again, when
// the manager notices a dead host, and the guests waiting for a repair.
#include "vzlab/hv/world.hpp"

#include <cmath>

namespace vzlab::hv {

double World::detection_time(double t) const {
  const double h = ha_.heartbeat_s;
  return (std::floor(t / h) + ha_.misses) * h;
}

bool World::on_shared_storage(const Guest& g) const {
  return g.disk_node() && network_ && network_->node(*g.disk_node()).kind != NodeKind::kDas;
}

Host* World::first_host(const Guest& g, const std::function<bool(const Host&)>& also) {
  for (Host& h : hosts_)
    if (also(h) && can_take(h, g)) return &h;
  return nullptr;
}

bool World::can_take(const Host& h, const Guest& g) const {
  if (!h.up() || !placement_problem(g.mode(), h.hypervisor()).empty()) return false;
  if (is_vm(g.mode()) && h.vcpus_placed_ + g.vcpus() > h.cores() * h.cpu_overcommit()) return false;
  if (h.memory_used_ + g.footprint_bytes(calibration_) > h.memory_bytes() && !h.swap_when_full()) return false;
  if (g.disk_node() && network_ && !network_->route(host_node(h), *g.disk_node())) return false;
  if (!g.anti_affinity().empty())
    for (const Guest& other : guests_)
      if (&other != &g && &other.host() == &h && other.anti_affinity() == g.anti_affinity() && other.reserved_)
        return false;
  return true;
}

engine::Process World::fail_over(Host& dead, std::vector<Guest*> guests) {
  const double noticed = detection_time(engine_->now());
  if (noticed > engine_->now()) co_await engine_->sleep_until(noticed);
  if (ha_.manager_host >= 0 && !hosts_[static_cast<std::size_t>(ha_.manager_host)].up()) {
    // Nobody is watching: the guests wait for the manager to come back.
    for (Guest* g : guests) waiting_for_manager_.emplace_back(&dead, g);
    co_return;
  }
  for (Guest* g : guests) {
    if (g->state() != GuestState::kDown) continue;  // already back, or on its way
    Host* target = first_host(*g, [&](const Host& h) { return &h != &dead && h.group() == dead.group(); });
    if (target != nullptr) restart(*g, *target);
    else waiting_for_repair_.push_back(g);  // no room anywhere: wait for a repair
  }
}

void World::restart(Guest& g, Host& where) {
  if (!programs_.count(g.index())) return;  // started before restarts were asked for: stays down
  g.move_to(where);
  g.processes_.clear();
  g.running_ = 0;
  g.reserved_ = false;
  g.resume_ = g.protection() == Protection::kCheckpoint && g.checkpoint_at_s_ >= 0;
  g.transition(GuestState::kRestarting, Cause::kRestart);
  start_guest(g, engine_->now(), programs_.at(g.index()));
}

void World::restart_waiting_for_storage() {
  // Guests that waited for a repair may have waited for their disk too: each
  // restarts on its own host if that takes it now or, under HA with shared
  // storage, on the first host of its group that does.
  std::vector<Guest*> waiting;
  waiting.swap(waiting_for_repair_);
  for (Guest* g : waiting) {
    if (g->state() != GuestState::kDown) continue;
    Host* target = can_take(g->host(), *g) ? &g->host() : nullptr;
    if (target == nullptr && ha_.enabled && on_shared_storage(*g)) {
      const std::string& group = g->host().group();
      target = first_host(*g, [&](const Host& h) { return h.group() == group; });
    }
    if (target != nullptr) restart(*g, *target);
    else waiting_for_repair_.push_back(g);
  }
}

}  // namespace vzlab::hv
