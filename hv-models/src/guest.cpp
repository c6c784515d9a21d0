#include "vzlab/hv/guest.hpp"

#include <algorithm>

#include "vzlab/hv/world.hpp"

namespace vzlab::hv {

Host::Host(engine::FluidSystem& fluid, HostSpec spec, std::uint32_t index)
    : spec_(std::move(spec)),
      index_(index),
      cpu_(fluid, spec_.cores * spec_.speed_flops),
      disk_(fluid, spec_.disk_bandwidth_Bps) {}

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

void Guest::set_paused(bool paused) {
  paused_ = paused;
  if (vm_on_host_) update_vm_share();
}

void Guest::update_vm_share() {
  const int impact = paused_ ? 0 : std::min(active_, spec_.vcpus);
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
