#include "vzlab/hv/guest.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <initializer_list>
#include <span>

#include "vzlab/hv/world.hpp"

namespace vzlab::hv {

Host::Host(engine::FluidSystem& fluid, HostSpec spec, std::uint32_t index)
    : spec_(std::move(spec)),
      index_(index),
      cpu_(fluid, spec_.cores * spec_.speed_flops),
      disk_(fluid, spec_.disk_bandwidth_Bps) {}

void Host::enter(HostState to, double now) {
  [[maybe_unused]] const HostState from = state();
  assert(from != to && (to == HostState::kDown || from != HostState::kDown || to == HostState::kUp) &&
         !(from == HostState::kDown && to == HostState::kOff));
  if (to == HostState::kDown) ++failures_;
  clock_.enter(to, now);
}

Guest::Guest(engine::Engine& engine, GuestSpec spec, Host& host, std::uint32_t index)
    : spec_(std::move(spec)), host_(&host), index_(index), engine_(&engine) {
  subject_ = engine.events().subject(spec_.name);
  if (!is_vm(spec_.mode)) return;
  vm_on_host_.emplace(engine.fluid());
  vm_on_host_->set_weight(0.0);
  vm_on_host_->attach(host.cpu());
  vm_cpu_.emplace(engine.fluid(), 0.0);
  vm_on_host_->drive(*vm_cpu_);
}

double footprint_bytes(const GuestSpec& spec, const CalibrationProfile& p) {
  switch (spec.mode) {
    case GuestMode::kNative: return spec.memory_bytes;
    case GuestMode::kOsLevel: return spec.memory_bytes + p.container_memory_overhead_bytes;
    case GuestMode::kFull:
    case GuestMode::kFullBt:
    case GuestMode::kPara: return spec.memory_bytes + p.vm_os_memory_bytes + p.vmm_memory_overhead_bytes;
  }
  return spec.memory_bytes;
}

double Guest::footprint_bytes(const CalibrationProfile& p) const { return hv::footprint_bytes(spec_, p); }

double Guest::startup_s(const CalibrationProfile& p) const {
  if (is_vm(spec_.mode)) return p.vm_boot_s;
  return spec_.mode == GuestMode::kOsLevel ? p.container_start_s : p.native_start_s;
}

const char* protection_name(Protection p) {
  switch (p) {
    case Protection::kNone: return "none";
    case Protection::kMirror: return "mirror";
    case Protection::kCheckpoint: return "checkpoint";
  }
  return "?";
}

long Guest::fit_per_host(const CalibrationProfile& p) const {
  constexpr double kMany = 1e15;  // no limit worth printing
  const double footprint = footprint_bytes(p);
  long fit = static_cast<long>(footprint > 0 ? std::min(host_->memory_bytes() / footprint, kMany) : kMany);
  if (is_vm(spec_.mode))
    fit = std::min(fit, static_cast<long>(host_->cores() * host_->cpu_overcommit() / spec_.vcpus));
  return fit;
}

void Guest::move_to(Host& host) {
  if (&host == host_) return;
  host_ = &host;
  if (!vm_on_host_) return;
  vm_on_host_->detach_all();
  vm_on_host_->attach(host.cpu());
  update_vm_share();
}

double Guest::allocation_flops() const { return vm_on_host_ ? vm_on_host_->value() : 0.0; }

double Guest::running_flops() const {
  double sum = 0.0;
  for (const Execution* e : live_) sum += e->done_flops();
  return sum;
}

void Guest::task_started() {
  ++active_;
  if (vm_on_host_) update_vm_share();
}

void Guest::task_ended() {
  --active_;
  if (vm_on_host_) update_vm_share();
}

bool Guest::cpu_stopped() const {
  const GuestState s = state();
  return s == GuestState::kPaused || s == GuestState::kRestarting ||
         (s == GuestState::kStalled && resume_to_ == GuestState::kPaused);
}

bool Guest::serving() const {
  const GuestState s = state() == GuestState::kStalled ? resume_to_ : state();
  return s == GuestState::kRunning || s == GuestState::kMigrating || s == GuestState::kPaused;
}

namespace {

// The event a move emits and its values; `emits` false for moves that have
// none. `host` is the guest's host after the move.
struct MoveEvent {
  bool emits = false;
  std::uint32_t kind = 0;
  std::array<double, 3> values{};
  std::size_t count = 0;
  MoveEvent() = default;
  MoveEvent(std::uint32_t k, std::initializer_list<double> v) : emits(true), kind(k), count(v.size()) {
    std::copy(v.begin(), v.end(), values.begin());
  }
};

MoveEvent event_of(const EventKinds& k, GuestState under, Cause cause, const TransitionData& d, std::uint32_t host) {
  switch (cause) {
    case Cause::kStarted:
      if (under == GuestState::kPending || under == GuestState::kBooting) return {k.guest_start, {}};
      return {};
    case Cause::kDone: return {k.guest_end, {}};
    case Cause::kNoMemory: return {k.guest_refused, {0.0}};
    case Cause::kVcpuLimit: return {k.guest_refused, {1.0}};
    case Cause::kNotPlaced: return {k.guest_refused, {2.0}};
    case Cause::kCrash: return {k.guest_down, {static_cast<double>(d.crash)}};
    case Cause::kRestart: return {k.guest_restart, {static_cast<double>(host)}};
    case Cause::kTakeover: return {k.guest_takeover, {static_cast<double>(host)}};
    case Cause::kStorageLost: return {k.guest_storage_lost, {}};
    case Cause::kStorageBack: return {k.guest_storage_back, {}};
    case Cause::kMigrated: return {k.guest_migrated, {d.downtime_s, d.bytes, static_cast<double>(d.rounds)}};
    case Cause::kCheckpointed: return {k.guest_checkpoint, {d.bytes}};
    case Cause::kStart:  // guest.boot is the start-up's own event (World::run_guest), at every boot
    case Cause::kMigration:
    case Cause::kMigrationEnded:
    case Cause::kCheckpoint: return {};
  }
  return {};
}

}  // namespace

void Guest::transition(GuestState to, Cause cause, TransitionData data) {
  const GuestState from = state();
  const double now = engine_->now();
  const bool stalled = from == GuestState::kStalled;
  // Where it is underneath a stall, and whether this move only changes that.
  const GuestState under = stalled ? resume_to_ : from;
  const bool behind_stall = stalled && cause != Cause::kStorageBack && is_up(to);
  assert(legal_transition(under, to) || (stalled && legal_transition(from, to)));
  if (behind_stall) {
    resume_to_ = to;
  } else {
    if (to == GuestState::kStalled) resume_to_ = from;
    if (is_outage(to) && !is_outage(from)) {
      ++incidents_;
      outage_since_s_ = now;
    }
    if (is_outage(from) && is_up(to)) back_at_s_ = now;
    if (from == GuestState::kDown && to == GuestState::kRestarting) ++restarts_;
    clock_.enter(to, now);
    cause_ = cause;
  }
  if (vm_on_host_) update_vm_share();
  const MoveEvent e = event_of(world_->kinds(), under, cause, data, host_->index());
  if (e.emits) engine_->events().emit(now, e.kind, subject_, std::span<const double>(e.values.data(), e.count));
  world_->tell_hooks(*this, {from, behind_stall ? GuestState::kStalled : to, cause, now, data});
}

void Guest::update_vm_share() {
  const int impact = cpu_stopped() ? 0 : std::min(active_, spec_.vcpus);
  vm_on_host_->set_weight(impact * spec_.share);
  vm_on_host_->set_bound(std::min(impact * host_->speed_flops(), spec_.cap_flops));
}

Execution::Execution(Guest& guest, double flops)
    : guest_(&guest),
      flops_(flops),
      activity_(*guest.engine_, flops, guest.task_constraint(), guest.host().speed_flops()) {
  if (flops_ <= 0) return;
  guest.host().mark_in_use(guest.engine_->now());
  guest.live_.push_back(this);
  guest.task_started();
  id_ = guest.world_->next_task_id();
  auto& engine = *guest.engine_;
  engine.events().emit(engine.now(), guest.world_->kinds().task_start, guest.subject_,
                       {flops_, static_cast<double>(id_), static_cast<double>(guest.host().index())});
}

Execution::~Execution() {
  if (flops_ <= 0) return;
  const double done = done_flops();
  std::erase(guest_->live_, this);
  guest_->host().add_flops_done(done);
  guest_->task_ended();
  auto& engine = *guest_->engine_;
  engine.events().emit(engine.now(), guest_->world_->kinds().task_end, guest_->subject_,
                       {done, activity_.done() ? 1.0 : 0.0, static_cast<double>(id_)});
}

}  // namespace vzlab::hv
