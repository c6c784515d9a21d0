#include "vzlab/hv/world.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <limits>
#include <stdexcept>
#include <utility>

namespace vzlab::hv {

double total_flops(const ProcessSpec& p) {
  double sum = 0.0;  // the work itself, without virtualization costs
  p.for_each_distinct_step([&](const Step& s, double amount) {
    if (s.kind == Step::Kind::kCompute) sum += amount;
  });
  return sum * p.runs_each();
}

World::World(std::uint64_t seed) : engine_(std::make_unique<engine::Engine>(seed)) {
  auto& ev = engine_->events();
  kinds_ = {ev.kind("guest.start"),   ev.kind("guest.end"),  ev.kind("task.start"),
            ev.kind("task.end"),      ev.kind("guest.boot"), ev.kind("guest.refused"),
            ev.kind("host.crash"),    ev.kind("guest.down"), ev.kind("component.down"), ev.kind("component.up"),
            ev.kind("host.repair"),   ev.kind("guest.restart"), ev.kind("guest.migrated"),
            ev.kind("site.down"),     ev.kind("site.up"),    ev.kind("dr.recovery"),
            ev.kind("guest.takeover"), ev.kind("guest.checkpoint"), ev.kind("guest.storage_lost"),
            ev.kind("guest.storage_back")};
}

World::~World() {
  // Consumers may already be gone: end the processes without telling them.
  engine_->events().unsubscribe_all();
  engine_->kill_all_processes();
}

Host& World::add_host(HostSpec spec) {
  const auto index = static_cast<std::uint32_t>(hosts_.size());
  Host& host = hosts_.emplace_back(engine_->fluid(), std::move(spec), index);
  host_by_name_.emplace(host.name(), index);
  if (network_) host_nodes_.push_back(network_->add_node({.name = host.name(), .kind = NodeKind::kHost}));
  if (host.hypervisor() == HypervisorType::kType2 && calibration_.type2_host_os_share > 0) {
    // The host OS always takes its share first: a heavy weight with that bound.
    engine::Variable& load = host_os_load_.emplace_back(engine_->fluid());
    load.set_weight(1e6);
    load.set_bound(calibration_.type2_host_os_share * host.capacity_flops());
    load.attach(host.cpu());
  }
  return host;
}

Guest& World::add_guest(GuestSpec spec, Host& host) {
  if (const std::string why = placement_problem(spec.mode, host.hypervisor()); !why.empty())
    throw std::invalid_argument(spec.name + ": " + why);
  const auto index = static_cast<std::uint32_t>(guests_.size());
  Guest& g = guests_.emplace_back(*engine_, std::move(spec), host, index);
  guest_by_name_.emplace(g.name(), index);
  g.world_ = this;
  return g;
}

Host* World::find_host(const std::string& name) {
  auto it = host_by_name_.find(name);
  return it == host_by_name_.end() ? nullptr : &hosts_[it->second];
}

Guest* World::find_guest(const std::string& name) {
  auto it = guest_by_name_.find(name);
  return it == guest_by_name_.end() ? nullptr : &guests_[it->second];
}

Network& World::network() {
  if (!network_) {
    network_ = std::make_unique<Network>(*engine_);
    for (const Host& h : hosts_) host_nodes_.push_back(network_->add_node({.name = h.name(), .kind = NodeKind::kHost}));
  }
  return *network_;
}

void World::start_process(Guest& guest, ProcessSpec spec) { spawn_process(guest, std::move(spec), {}); }

void World::spawn_process(Guest& guest, ProcessSpec spec, Guest::Cursor from) {
  ++guest.running_;
  const std::size_t slot = guest.cursors_.size();
  guest.cursors_.push_back(from);
  guest.executing_.push_back(nullptr);
  guest.processes_.push_back(engine_->spawn(run_process(guest, std::move(spec), slot, from)));
}

void World::start_guest(Guest& guest, double start_s, std::vector<ProcessSpec> processes) {
  if (restartable_ && !programs_.count(guest.index())) {
    programs_.emplace(guest.index(), processes);
    if (guest.protection() == Protection::kCheckpoint)
      engine_->add_ticker(guest.spec_.checkpoint_interval_s, [this, &guest] {
        const bool moving = std::find(migrating_.begin(), migrating_.end(), guest.index()) != migrating_.end();
        if (guest.serving() && guest.life_start_s_ >= 0 && !guest.paused() && !guest.checkpointing_ && !moving)
          engine_->spawn(checkpoint(guest));
      });
  }
  guest.process_finished_s_.assign(processes.size(), -1.0);
  ++guest.running_;  // the guest counts as running until its start-up is over
  guest.processes_.push_back(engine_->spawn(run_guest(guest, start_s, std::move(processes))));
}

void World::power_on(Host& h) {
  if (h.powered_off_since_ < 0) return;
  h.off_s_ += engine_->now() - h.powered_off_since_;
  h.powered_off_since_ = -1.0;
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
      if (!hot.up_ || hot.group().empty() || busy(hot) <= pool_.hot) continue;
      // The VM taking the most CPU there, not already moving.
      Guest* pick = nullptr;
      for (Guest& g : guests_)
        if (&g.host() == &hot && is_vm(g.mode()) && g.serving() && !g.paused() &&
            std::find(migrating_.begin(), migrating_.end(), g.index()) == migrating_.end() &&
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
      if (h.powered_off_since_ >= 0 || !h.up_ || h.memory_used_ > 0) continue;
      bool reserved = false;  // a migration is copying to it
      for (std::uint32_t gi : migrating_) reserved = reserved || &guests_[gi].host() == &h;
      if (!reserved && h.vcpus_placed_ == 0) h.powered_off_since_ = now;
    }
  }
}

bool World::admit(Guest& guest) {
  Host& h = guest.host();
  power_on(h);
  const double need = guest.footprint_bytes(calibration_);
  const bool vm = is_vm(guest.mode());
  if (vm && h.vcpus_placed_ + guest.vcpus() > h.cores() * h.cpu_overcommit()) {
    engine_->events().emit(engine_->now(), kinds_.guest_refused, guest.subject_, {1.0});
    return false;
  }
  if (h.memory_used_ + need > h.memory_bytes() && !h.swap_when_full()) {
    engine_->events().emit(engine_->now(), kinds_.guest_refused, guest.subject_, {0.0});
    return false;
  }
  reserve(h, guest);
  // A VM stores its own copy of its image; containers share layers.
  for (const auto& [layer, bytes] : guest.spec_.image) {
    if (guest.mode() != GuestMode::kOsLevel) {
      h.image_bytes_ += bytes;
    } else if (h.layers_[layer]++ == 0) {
      h.image_bytes_ += bytes;
    } else {
      h.image_saved_ += bytes;
    }
  }
  return true;
}

void World::reserve(Host& h, const Guest& g) {
  h.mark_in_use(engine_->now());
  h.memory_used_ += g.footprint_bytes(calibration_);
  h.peak_memory_used_ = std::max(h.peak_memory_used_, h.memory_used_);
  if (is_vm(g.mode())) h.vcpus_placed_ += g.vcpus();
}

void World::unreserve(Host& h, const Guest& g) {
  h.memory_used_ -= g.footprint_bytes(calibration_);
  if (is_vm(g.mode())) h.vcpus_placed_ -= g.vcpus();
}

void World::release(Guest& guest) { unreserve(guest.host(), guest); }

engine::Process World::run_guest(Guest& guest, double start_s, std::vector<ProcessSpec> processes) {
  engine::Engine& eng = *engine_;
  if (start_s > eng.now()) co_await eng.sleep_until(start_s);
  eng.events().emit(eng.now(), kinds_.guest_boot, guest.subject_);
  if (!admit(guest)) {
    guest.refused_ = true;
    --guest.running_;
    co_return;
  }
  guest.admitted_ = true;
  const bool resume = std::exchange(guest.resume_, false);
  if (resume) {
    // Back from its last checkpoint: its saved memory comes back from its disk.
    co_await copy_memory(guest, guest.ram_bytes(calibration_), false);
  } else {
    co_await eng.sleep(guest.startup_s(calibration_));
  }
  if (guest.down_at_s_ >= 0) {  // back after a crash
    guest.downtime_s_ += eng.now() - guest.down_at_s_;
    guest.down_at_s_ = -1.0;
    guest.back_at_s_ = eng.now();
  }
  guest.life_start_s_ = eng.now();
  guest.cursors_.clear();
  guest.executing_.clear();
  for (std::size_t i = 0; i < processes.size(); ++i) {
    processes[i].start_s = eng.now();
    spawn_process(guest, std::move(processes[i]), resume && i < guest.saved_.size() ? guest.saved_[i] : Guest::Cursor{});
  }
  if (guest.protection() == Protection::kMirror) protect(guest);
  if (--guest.running_ == 0) end_guest(guest);  // a guest with nothing to run
}

void World::crash(CrashKind kind, Host* host, Guest* guest) {
  if (kind == CrashKind::kGuest) {
    if (guest != nullptr) take_down(*guest, kind);
    return;
  }
  if (kind == CrashKind::kHost) {
    if (!host->up_) return;
    power_on(*host);  // down from now, no longer switched off: never both at once
    host->up_ = false;
    ++host->failures_;
    host->down_since_ = engine_->now();
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
    if (g.mirror_host_ != nullptr && g.mirror_host_->up_ && g.serving()) take_over(g);
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
  if (!h.up_ || !placement_problem(g.mode(), h.hypervisor()).empty()) return false;
  if (is_vm(g.mode()) && h.vcpus_placed_ + g.vcpus() > h.cores() * h.cpu_overcommit()) return false;
  if (h.memory_used_ + g.footprint_bytes(calibration_) > h.memory_bytes() && !h.swap_when_full()) return false;
  if (g.disk_node() && network_ && !network_->route(host_node(h), *g.disk_node())) return false;
  if (!g.anti_affinity().empty())
    for (const Guest& other : guests_)
      if (&other != &g && &other.host() == &h && other.anti_affinity() == g.anti_affinity() && other.admitted_ &&
          other.down_at_s_ < 0 && other.finished_at_s_ < 0)
        return false;
  return true;
}

engine::Process World::fail_over(Host& dead, std::vector<Guest*> guests) {
  const double noticed = detection_time(engine_->now());
  if (noticed > engine_->now()) co_await engine_->sleep_until(noticed);
  if (ha_.manager_host >= 0 && !hosts_[static_cast<std::size_t>(ha_.manager_host)].up_) {
    // Nobody is watching: the guests wait for the manager to come back.
    for (Guest* g : guests) waiting_for_manager_.emplace_back(&dead, g);
    co_return;
  }
  for (Guest* g : guests) {
    if (g->down_at_s_ < 0) continue;  // already back
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
  g.admitted_ = false;
  g.set_paused(false);
  g.resume_ = g.protection() == Protection::kCheckpoint && g.checkpoint_at_s_ >= 0;
  ++g.restarts_;
  engine_->events().emit(engine_->now(), kinds_.guest_restart, g.subject_, {static_cast<double>(where.index())});
  start_guest(g, engine_->now(), programs_.at(g.index()));
}

void World::repair(Host& host) {
  if (host.up_) return;
  host.up_ = true;
  host.downtime_s_ += engine_->now() - host.down_since_;
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
    if (g->down_at_s_ < 0) continue;
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
        const bool was_up = host.up_;
        crash(kind, &host, nullptr);
        return was_up;
      },
      [this, &host, kind](bool failed) {
        if (kind == CrashKind::kHost) {
          repair(host);
          return;
        }
        // The layer is back: what it took down boots again here.
        if (!failed || !host.up_) return;
        for (Guest& g : guests_)
          if (&g.host() == &host && g.down_at_s_ >= 0 && crash_takes_down(kind, host.hypervisor(), g.mode()) &&
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
        if (crashed && guest.down_at_s_ >= 0 && guest.host().up_) restart(guest, guest.host());
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
  if (guest.down_at_s_ >= 0 || guest.refused_ || guest.finished_at_s_ >= 0) return false;
  if (guest.processes_.empty()) return false;  // never started
  guest.down_at_s_ = engine_->now();
  if (guest.storage_lost_at_s_ >= 0) {
    // Already hanging on its lost disk: the same incident goes on.
    guest.down_at_s_ = guest.storage_lost_at_s_;
    guest.storage_lost_at_s_ = -1.0;
  } else {
    ++guest.incidents_;
  }
  if (guest.life_start_s_ >= 0) {
    // Work since the last save (or since it started) is gone.
    const double from = guest.protection() == Protection::kCheckpoint
                            ? std::max(guest.checkpoint_at_s_, guest.life_start_s_) : guest.life_start_s_;
    guest.lost_work_s_ += engine_->now() - from;
    guest.life_start_s_ = -1.0;
  }
  unprotect(guest);
  for (Service& s : services_) s.replica_down(guest);
  for (const engine::ProcessHandle& p : guest.processes_) engine_->kill(p);
  guest.running_ = 0;
  if (guest.admitted_) release(guest);
  engine_->events().emit(engine_->now(), kinds_.guest_down, guest.subject_, {static_cast<double>(cause)});
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

engine::Process World::refuse_at(Guest& guest, double at_s) {
  if (at_s > engine_->now()) co_await engine_->sleep_until(at_s);
  guest.refused_ = true;
  engine_->events().emit(engine_->now(), kinds_.guest_refused, guest.subject_, {2.0});
}

void World::refuse_guest(Guest& guest, double at_s) { engine_->spawn(refuse_at(guest, at_s)); }

void World::schedule_crash(double at_s, CrashKind kind, Host* host, Guest* guest, std::optional<double> repair_s) {
  if (repair_s) restartable_ = true;
  engine_->spawn(crash_at(at_s, kind, host, guest, repair_s));
}

void World::end_guest(Guest& guest) {
  guest.finished_at_s_ = engine_->now();
  if (guest.admitted_) release(guest);
  engine_->events().emit(engine_->now(), kinds_.guest_end, guest.subject_);
}

engine::Process World::run_process(Guest& guest, ProcessSpec spec, std::size_t slot, Guest::Cursor from) {
  engine::Engine& eng = *engine_;
  if (spec.start_s > eng.now()) co_await eng.sleep_until(spec.start_s);
  if (!guest.started_) {
    guest.started_ = true;
    eng.events().emit(eng.now(), kinds_.guest_start, guest.subject_);
  }
  for (int r = from.repeat; r < spec.repeat; ++r) {
    for (std::size_t i = r == from.repeat ? from.step : 0; i < spec.steps.size(); ++i) {
      // A random process's step runs with the amount drawn for this repetition.
      Step drawn;
      if (!spec.drawn.empty()) {
        drawn = spec.steps[i];
        drawn.amount = spec.amount(r, i);
      }
      const Step& step = spec.drawn.empty() ? spec.steps[i] : drawn;
      // A step resumed from a checkpoint does only the part not saved yet.
      const double done = r == from.repeat && i == from.step ? from.done : 0.0;
      guest.cursors_[slot] = {r, i, done};
      switch (step.kind) {
        case Step::Kind::kCompute: {
          // The work itself plus what the mode adds for its calls and traps,
          // all on the guest's own vCPU.
          const StepCost c = compute_cost(guest.mode(), guest.host().hypervisor(), calibration_, step.syscalls,
                                          step.privileged, step.page_faults);
          guest.add_exits(c.exits * (1.0 - done));
          const double flops = (step.amount + c.guest_cpu_s * guest.host().speed_flops()) * (1.0 - done);
          // On a host short of memory, work also waits for pages to come back
          // from swap: swap_slowdown x overcommit times its CPU time, idle.
          const double swap_wait = calibration_.swap_slowdown * guest.host().memory_overcommit();
          {
            Execution work = guest.execute(flops);
            guest.executing_[slot] = &work;
            co_await work;
            guest.executing_[slot] = nullptr;
          }
          if (swap_wait > 0) co_await eng.sleep(swap_wait * flops / guest.host().speed_flops());
          break;
        }
        case Step::Kind::kSleep:
          co_await eng.sleep(step.amount);
          break;
        case Step::Kind::kIo:
          co_await run_io(guest, step);
          break;
        case Step::Kind::kSend:
          co_await run_send(guest, step);
          break;
      }
    }
  }
  if (guest.process_finished_s_.size() <= slot) guest.process_finished_s_.resize(slot + 1, -1.0);
  guest.process_finished_s_[slot] = eng.now();
  if (--guest.running_ == 0) end_guest(guest);
}

engine::Task<void> World::copy_memory(Guest& g, double bytes, bool to_disk) {
  if (g.disk_node() && network_) {
    const NodeId here = host_node(g.host()), disk = *g.disk_node();
    co_await network_->transfer(to_disk ? here : disk, to_disk ? disk : here, bytes);
  } else {
    co_await engine::Activity(*engine_, bytes, g.host().disk());
  }
}

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
  g.set_paused(true);
  Host& host = g.host();
  co_await copy_memory(g, bytes, true);
  g.checkpointing_ = false;
  if (g.down_at_s_ >= 0 || &g.host() != &host) co_return;  // it went down during the save: the save is not whole
  g.set_paused(false);
  g.saved_ = std::move(saved);
  g.checkpoint_at_s_ = t0;
  ++g.checkpoints_;
  g.checkpoint_pause_s_ += eng.now() - t0;
  eng.events().emit(eng.now(), kinds_.guest_checkpoint, g.subject_, {bytes});
}

void World::protect(Guest& g) {
  if (g.mirror_host_ != nullptr || !network_ || g.down_at_s_ >= 0 || g.finished_at_s_ >= 0 || g.refused_) return;
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
        m.mirror_cpu_->set_bound(m.paused() ? 0.0 : m.allocation_flops());
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
  g.set_paused(true);
  ++g.incidents_;
  ++g.takeovers_;
  engine_->events().emit(engine_->now(), kinds_.guest_takeover, g.subject_, {static_cast<double>(to.index())});
  engine_->spawn(resume_after_takeover(g));
}

engine::Process World::resume_after_takeover(Guest& g) {
  // The copy notices at the first missed heartbeat and goes on from there.
  const double t0 = engine_->now();
  co_await engine_->sleep(ha_.heartbeat_s);
  if (g.down_at_s_ >= 0 || g.finished_at_s_ >= 0) co_return;
  g.set_paused(false);
  g.downtime_s_ += engine_->now() - t0;
  g.back_at_s_ = engine_->now();
  protect(g);
}

engine::Process World::protect_later(Guest& g, double at_s) {
  if (at_s > engine_->now()) co_await engine_->sleep_until(at_s);
  protect(g);
}

engine::Task<void> World::run_io(Guest& guest, const Step& step) {
  engine::Engine& eng = *engine_;
  Host& host = guest.host();
  const StepCost c = io_cost(guest.mode(), host.hypervisor(), calibration_, step.amount, step.io_batch);
  guest.add_exits(c.exits);
  {
    // The guest's CPU side and the hypervisor's emulation or back-end work on
    // the host's cores proceed together; the step waits for both.
    Execution in_guest = guest.execute(c.guest_cpu_s * host.speed_flops());
    engine::Activity on_host(eng, c.host_cpu_s * host.speed_flops(), host.cpu(), host.speed_flops());
    co_await in_guest;
    co_await on_host;
    host.add_flops_done(c.host_cpu_s * host.speed_flops());
  }
  const double t0 = eng.now();
  const double bytes = step.amount * step.io_size_bytes;
  if (guest.disk_node() && network_) {
    // A disk elsewhere (DAS, NAS, SAN): the device's IOPS, one access time
    // and a round trip per request (queue depth one), then the bytes as a
    // flow over the route, shared on every link and device it crosses.
    Network& net = *network_;
    const NodeId dev = *guest.disk_node(), here = host_node(host);
    co_await net.requests(dev, step.amount);
    co_await eng.sleep(step.amount * (net.node(dev).latency_s + 2 * net.latency(here, dev)));
    if (step.io_write) {
      co_await net.transfer(here, dev, bytes, 1.0, guest.index(), false);
      net.add_fill(dev, bytes);
      for (ReplicationRecord& r : replications_) {
        if (r.spec.from != dev || r.disaster_s >= 0) continue;
        r.written_bytes += bytes;
        r.writes += 1;
        if (r.spec.mode != ReplicationMode::kSync) continue;
        // The write completes once the replica has it too and has said so:
        // the data one way, the acknowledgement back.
        const double w0 = eng.now();
        co_await net.transfer(dev, r.spec.to, bytes);
        co_await eng.sleep(net.latency(r.spec.to, dev));
        r.write_wait_s += eng.now() - w0;
        r.shipped_bytes += bytes;
        if (r.disaster_s >= 0) continue;
        r.confirmed_bytes += bytes;
        r.recovery_point_s = eng.now();
      }
    } else {
      co_await net.transfer(dev, here, bytes, 1.0, guest.index(), false);
      if (guest.mirror_host_ != nullptr) {
        // What it read goes to its copy too (the copy does not read itself).
        co_await net.transfer(here, host_node(*guest.mirror_host_), bytes);
        guest.mirror_log_bytes_ += bytes;
      }
    }
  } else {
    // The host's own disk: one access time per request, the bytes at the
    // disk's bandwidth shared with the other I/O of the host.
    co_await eng.sleep(step.amount * host.disk_latency_s());
    co_await engine::Activity(eng, bytes, host.disk());
  }
  guest.io_requests_ += step.amount;
  guest.io_bytes_ += bytes;
  guest.io_time_s_ += eng.now() - t0;
}

engine::Task<void> World::run_send(Guest& guest, const Step& step) {
  // The destination: a network node (a host, a switch, a NAS...) by name, or
  // the host a guest of that name runs on.
  Network& net = network();
  std::optional<NodeId> to = net.find(step.to);
  if (!to)
    if (const Guest* peer = find_guest(step.to)) to = host_node(peer->host());
  if (!to) throw std::invalid_argument(guest.name() + ": send to '" + step.to + "': no such guest, host or node");
  if (std::find(guest.peers_.begin(), guest.peers_.end(), *to) == guest.peers_.end()) guest.peers_.push_back(*to);
  co_await net.transfer(host_node(guest.host()), *to, step.amount, 1.0, guest.index());
  guest.sent_bytes_ += step.amount;
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
  if (up) return;
  for (const Component& c : cs)
    for (ReplicationRecord& r : replications_)
      if (!c.is_link && r.spec.from == c.id && r.disaster_s < 0) engine_->spawn(recover(r));
}

void World::check_storage() {
  const double now = engine_->now();
  std::map<std::pair<std::uint32_t, NodeId>, bool> reachable;  // (host, disk) -> a route exists
  for (Guest& g : guests_) {
    if (!g.disk_node() || !g.admitted_ || g.down_at_s_ >= 0 || g.finished_at_s_ >= 0 || g.refused_) continue;
    const NodeId disk = *g.disk_node();
    auto [it, fresh] = reachable.try_emplace({g.host().index(), disk}, false);
    if (fresh) it->second = network_->node_up(disk) && network_->route(host_node(g.host()), disk).has_value();
    if (!it->second && g.storage_lost_at_s_ < 0) {
      g.storage_lost_at_s_ = now;
      ++g.incidents_;
      engine_->events().emit(now, kinds_.guest_storage_lost, g.subject_);
    } else if (it->second && g.storage_lost_at_s_ >= 0) {
      g.downtime_s_ += now - g.storage_lost_at_s_;
      g.storage_lost_at_s_ = -1.0;
      g.back_at_s_ = now;
      engine_->events().emit(now, kinds_.guest_storage_back, g.subject_);
    }
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
    if (g.refused_ || g.finished_at_s_ >= 0 || !programs_.count(g.index())) continue;
    if (g.down_at_s_ < 0 && !take_down(g, CrashKind::kStorage)) continue;  // not started yet: starts on the replica
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

void World::schedule_migration(MigrationSpec spec) { engine_->spawn(migrate(spec)); }

Service& World::add_service(ServiceSpec spec) {
  return services_.emplace_back(*engine_, std::move(spec));
}

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
  const bool running = g.admitted_ && g.down_at_s_ < 0 && g.finished_at_s_ < 0 && !g.refused_;
  if (!running) {
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
  if (spec.live) {
    for (;;) {
      const double dt = co_await copy(to_send);
      if (g.down_at_s_ >= 0) break;
      const double rate = dt > 0 ? to_send / dt : std::numeric_limits<double>::infinity();
      const double dirty = std::min(ram, g.dirty_rate_Bps() * dt);
      to_send = dirty;
      if (dirty <= rate * spec.downtime_target_s || rec.rounds >= spec.max_rounds) break;
    }
  }
  if (g.down_at_s_ < 0) {
    const double stop = eng.now();
    g.set_paused(true);
    co_await copy(to_send);
    rec.downtime_s = eng.now() - stop;
  }
  if (g.down_at_s_ >= 0) {  // its host crashed during the copy: give the target back
    unreserve(to, g);
    g.set_paused(false);
    give_up("its host crashed during the copy");
    co_return;
  }
  release(g);  // from its old host; the target's reservation becomes its place
  g.move_to(to);
  g.set_paused(false);
  rec.total_s = eng.now() - rec.started_s;
  eng.events().emit(eng.now(), kinds_.guest_migrated, g.subject_,
                    {rec.downtime_s, rec.bytes_sent, static_cast<double>(rec.rounds)});
  migrations_.push_back(rec);
}

engine::RunOutcome World::run(double until) { return engine_->run(until); }

void World::finish() {
  if (finished_) return;
  finished_ = true;
  engine_->kill_all_processes();
  for (Service& s : services_) s.finish();
}

double World::makespan_s() const {
  double m = 0.0;
  for (const Guest& g : guests_) m = std::max(m, g.finished_at_s());
  return m;
}

}  // namespace vzlab::hv
