// Faults: crashes of hosts, hypervisors, host OSes and guests, their repair,
// random failures, network components and whole sites, and what a lost disk
// does to the guests that use it.
#include "vzlab/hv/world.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <utility>

namespace vzlab::hv {

void World::crash(CrashKind kind, Host* host, Guest* guest) {
  if (kind == CrashKind::kGuest) {
    if (guest != nullptr) take_down(*guest, kind);
    return;
  }
  if (kind == CrashKind::kHost) {
    if (!host->up()) return;
    host->enter(HostState::kDown, engine_->now());
  }
  engine_->events().emit(engine_->now(), kinds_.host_crash, engine_->events().subject(host->name()),
                         {static_cast<double>(kind)});
  std::vector<Guest*> downed;
  for (Guest& g : guests_) {
    if (g.mirror_host_ == host) {
      // Its copy is gone: it runs on unprotected until a new copy is made
      // once the host is noticed dead.
      unprotect(g);
      engine_->spawn(protect_later(g, detection_time(engine_->now())));
    }
    if (&g.host() != host || !crash_takes_down(kind, host->hypervisor(), g.mode())) continue;
    if (g.mirror_host_ != nullptr && g.mirror_host_->up() && g.serving()) take_over(g);
    else if (take_down(g, kind)) downed.push_back(&g);
  }
  if (kind != CrashKind::kHost || !restartable_) return;
  // Guests on shared storage may come back elsewhere once the manager
  // notices; the others only when their host is repaired.
  std::vector<Guest*> movable;
  for (Guest* g : downed) {
    if (ha_.enabled && on_shared_storage(*g)) movable.push_back(g);
    else waiting_for_repair_.push_back(g);
  }
  if (!movable.empty()) engine_->spawn(fail_over(*host, std::move(movable)));
}

void World::repair(Host& host) {
  if (host.up()) return;
  host.enter(HostState::kUp, engine_->now());
  engine_->events().emit(engine_->now(), kinds_.host_repair, engine_->events().subject(host.name()));
  if (ha_.manager_host >= 0 && &host == &hosts_[static_cast<std::size_t>(ha_.manager_host)] &&
      !waiting_for_manager_.empty()) {
    // The manager is back: it finds the dead hosts by their missed heartbeats
    // (in host order, so runs do not depend on where hosts sit in memory).
    std::map<std::uint32_t, std::vector<Guest*>> by_host;
    for (auto [dead, g] : waiting_for_manager_) by_host[dead->index()].push_back(g);
    waiting_for_manager_.clear();
    for (auto& [dead, guests] : by_host) engine_->spawn(fail_over(hosts_[dead], std::move(guests)));
  }
  // Waiting guests: those of this host come back here; others (no room
  // elsewhere at the time) take it if they may.
  std::vector<Guest*> waiting;
  waiting.swap(waiting_for_repair_);
  for (Guest* g : waiting) {
    if (g->state() != GuestState::kDown) continue;
    const bool home = &g->host() == &host;
    if ((home || (ha_.enabled && on_shared_storage(*g) && g->host().group() == host.group())) && can_take(host, *g))
      restart(*g, host);
    else
      waiting_for_repair_.push_back(g);
  }
}

void World::add_random_faults(Host& host, Distribution mtbf, Distribution mttr, CrashKind kind) {
  restartable_ = true;
  engine_->spawn(fault_cycle(
      host.name(), mtbf, mttr,
      [this, &host, kind] {
        const bool was_up = host.up();
        crash(kind, &host, nullptr);
        return was_up;
      },
      [this, &host, kind](bool failed) {
        if (kind == CrashKind::kHost) {
          repair(host);
          return;
        }
        // The layer is back: what it took down boots again here.
        if (!failed || !host.up()) return;
        for (Guest& g : guests_)
          if (&g.host() == &host && g.state() == GuestState::kDown && crash_takes_down(kind, host.hypervisor(), g.mode()) &&
              can_take(host, g))
            restart(g, host);
      }));
}

void World::add_random_component_faults(const std::string& target, Distribution mtbf, Distribution mttr) {
  const Component c = component_named(target);
  engine_->spawn(fault_cycle(
      target, mtbf, mttr,
      [this, c] {
        set_component_up(c, false);
        return true;
      },
      [this, c](bool) { set_component_up(c, true); }));
}

void World::add_random_guest_faults(Guest& guest, Distribution mtbf, Distribution mttr) {
  restartable_ = true;
  engine_->spawn(fault_cycle(
      guest.name(), mtbf, mttr, [this, &guest] { return take_down(guest, CrashKind::kGuest); },
      [this, &guest](bool crashed) {
        // Rebooted where it is, unless something else took it meanwhile.
        if (crashed && guest.state() == GuestState::kDown && guest.host().up()) restart(guest, guest.host());
      }));
}

engine::Process World::fault_cycle(std::string name, Distribution mtbf, Distribution mttr,
                                   std::function<bool()> fail, std::function<void(bool)> fix) {
  engine::RandomStream r = engine_->random("faults/" + name);
  for (;;) {
    co_await engine_->sleep(mtbf.sample(r));
    const bool failed = fail();
    co_await engine_->sleep(mttr.sample(r));
    fix(failed);
  }
}

bool World::take_down(Guest& guest, CrashKind cause) {
  const GuestState st = guest.state();
  if (st == GuestState::kDown || st == GuestState::kRefused || st == GuestState::kFinished) return false;
  if (guest.processes_.empty()) return false;  // never started
  if (guest.life_start_s_ >= 0) {
    // Work since the last save (or since it started) is gone.
    const double from = guest.protection() == Protection::kCheckpoint
                            ? std::max(guest.checkpoint_at_s_, guest.life_start_s_) : guest.life_start_s_;
    guest.lost_work_s_ += engine_->now() - from;
    guest.life_start_s_ = -1.0;
  }
  unprotect(guest);
  for (const engine::ProcessHandle& p : guest.processes_) engine_->kill(p);
  guest.running_ = 0;
  if (guest.reserved_) release(guest);
  guest.transition(GuestState::kDown, Cause::kCrash, {.crash = cause});
  return true;
}

engine::Process World::crash_at(double at_s, CrashKind kind, Host* host, Guest* guest,
                                std::optional<double> repair_s) {
  if (at_s > engine_->now()) co_await engine_->sleep_until(at_s);
  crash(kind, host, guest);
  if (!repair_s || kind != CrashKind::kHost) co_return;
  co_await engine_->sleep(*repair_s);
  repair(*host);
}

void World::schedule_crash(double at_s, CrashKind kind, Host* host, Guest* guest, std::optional<double> repair_s) {
  if (repair_s) restartable_ = true;
  engine_->spawn(crash_at(at_s, kind, host, guest, repair_s));
}

void World::schedule_component_failure(double at_s, const std::string& target, std::optional<double> repair_s) {
  engine_->spawn(component_failure(at_s, target, repair_s));
}

Component World::component_named(const std::string& name) {
  Network& net = network();
  const std::optional<NodeId> node = net.find(name);
  const std::optional<LinkId> link = node ? std::nullopt : net.find_link(name);
  if (!node && !link) throw std::invalid_argument("no network node or link named '" + name + "'");
  return {!node, node ? *node : *link};
}

engine::Process World::component_failure(double at_s, std::string target, std::optional<double> repair_s) {
  const Component c = component_named(target);
  if (at_s > engine_->now()) co_await engine_->sleep_until(at_s);
  set_component_up(c, false);
  if (!repair_s) co_return;
  co_await engine_->sleep(*repair_s);
  set_component_up(c, true);
}

void World::set_component_up(Component c, bool up) { set_components_up({c}, up); }

void World::set_components_up(const std::vector<Component>& cs, bool up) {
  Network& net = network();
  for (const Component& c : cs) {
    if (c.is_link) net.set_link_up(c.id, up);
    else net.set_node_up(c.id, up);
    const std::string& name = c.is_link ? net.link(c.id).name : net.node(c.id).name;
    engine_->events().emit(engine_->now(), up ? kinds_.component_up : kinds_.component_down,
                           engine_->events().subject(name));
  }
  check_storage();
  if (up) {
    restart_waiting_for_storage();
    return;
  }
  for (const Component& c : cs)
    for (ReplicationRecord& r : replications_)
      if (!c.is_link && r.spec.from == c.id && r.disaster_s < 0) engine_->spawn(recover(r));
}

void World::check_storage() {
  std::map<std::pair<std::uint32_t, NodeId>, bool> reachable;  // (host, disk) -> a route exists
  for (Guest& g : guests_) {
    if (!g.disk_node() || !g.reserved_ || !(is_up(g.state()) || g.state() == GuestState::kStalled)) continue;
    const NodeId disk = *g.disk_node();
    auto [it, fresh] = reachable.try_emplace({g.host().index(), disk}, false);
    if (fresh) it->second = network_->node_up(disk) && network_->route(host_node(g.host()), disk).has_value();
    const bool stalled = g.state() == GuestState::kStalled;
    if (!it->second && !stalled) g.transition(GuestState::kStalled, Cause::kStorageLost);
    else if (it->second && stalled) g.transition(g.resume_to_, Cause::kStorageBack);
  }
}

void World::schedule_site_failure(double at_s, const std::string& site, std::optional<double> repair_s) {
  engine_->spawn(site_failure(at_s, site, repair_s));
}

engine::Process World::site_failure(double at_s, std::string site, std::optional<double> repair_s) {
  if (at_s > engine_->now()) co_await engine_->sleep_until(at_s);
  set_site_up(site, false);
  if (!repair_s) co_return;
  co_await engine_->sleep(*repair_s);
  set_site_up(site, true);
}

void World::set_site_up(const std::string& site, bool up) {
  engine_->events().emit(engine_->now(), up ? kinds_.site_up : kinds_.site_down, engine_->events().subject(site));
  if (network_) {
    std::vector<Component> nodes;
    for (NodeId n = 0; n < network_->node_count(); ++n)
      if (network_->node(n).site == site && network_->node(n).kind != NodeKind::kHost) nodes.push_back({false, n});
    set_components_up(nodes, up);
  }
  for (Host& h : hosts_)
    if (h.site() == site) {
      if (up) repair(h);
      else crash(CrashKind::kHost, &h, nullptr);
    }
}

}  // namespace vzlab::hv
