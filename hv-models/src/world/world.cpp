// World's core: hosts, guests, admission and a guest's start and end.
// The concerns around it live beside it: execution.cpp (a process's steps),
// faults.cpp, ha.cpp, protection.cpp, migration.cpp, disaster_recovery.cpp.
#include "vzlab/hv/world.hpp"

#include <algorithm>
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
  // Balancers learn of their replicas' moves (each decides when it notices).
  on_transition([this](Guest& g, const Transition& t) {
    if (services_.empty()) return;
    for (Service& s : services_) {
      if (t.to == GuestState::kDown) s.replica_down(g);
      else if (g.serving()) s.replica_up(g);
    }
  });
}

World::~World() {
  // Consumers may already be gone: end the processes without telling them.
  engine_->events().unsubscribe_all();
  engine_->kill_all_processes();
  for (Service& s : services_) s.finish();
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
        if (guest.state() == GuestState::kRunning && guest.life_start_s_ >= 0 && !guest.checkpointing_)
          engine_->spawn(checkpoint(guest));
      });
  }
  guest.process_finished_s_.assign(processes.size(), -1.0);
  ++guest.running_;  // the guest counts as running until its start-up is over
  guest.processes_.push_back(engine_->spawn(run_guest(guest, start_s, std::move(processes))));
}

bool World::admit(Guest& guest) {
  Host& h = guest.host();
  power_on(h);
  const double need = guest.footprint_bytes(calibration_);
  const bool vm = is_vm(guest.mode());
  if (vm && h.vcpus_placed_ + guest.vcpus() > h.cores() * h.cpu_overcommit()) {
    refuse(guest, Cause::kVcpuLimit);
    return false;
  }
  if (h.memory_used_ + need > h.memory_bytes() && !h.swap_when_full()) {
    refuse(guest, Cause::kNoMemory);
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

void World::refuse(Guest& guest, Cause why) {
  // A restart that finds no room leaves it down (it does not come back).
  const bool again = guest.state() == GuestState::kRestarting;
  guest.transition(again ? GuestState::kDown : GuestState::kRefused, why);
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
  if (guest.state() == GuestState::kPending) guest.transition(GuestState::kBooting, Cause::kStart);
  if (!admit(guest)) {
    --guest.running_;
    co_return;
  }
  guest.reserved_ = true;
  const bool resume = std::exchange(guest.resume_, false);
  if (resume) {
    // Back from its last checkpoint: its saved memory comes back from its disk.
    co_await copy_memory(guest, guest.ram_bytes(calibration_), false);
  } else {
    co_await eng.sleep(guest.startup_s(calibration_));
  }
  if (guest.state() == GuestState::kRestarting) guest.transition(GuestState::kRunning, Cause::kStarted);
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

engine::Process World::refuse_at(Guest& guest, double at_s) {
  if (at_s > engine_->now()) co_await engine_->sleep_until(at_s);
  guest.transition(GuestState::kRefused, Cause::kNotPlaced);
}

void World::refuse_guest(Guest& guest, double at_s) { engine_->spawn(refuse_at(guest, at_s)); }

void World::end_guest(Guest& guest) {
  if (guest.reserved_) release(guest);
  guest.transition(GuestState::kFinished, Cause::kDone);
}

Service& World::add_service(ServiceSpec spec) {
  return services_.emplace_back(*engine_, std::move(spec));
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
