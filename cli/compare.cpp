#include "compare.hpp"

#include <algorithm>
#include <cmath>

#include "workloads.h"
#include "vzlab/hv/world.hpp"

namespace vzlab::cli {

namespace {

using hv::GuestMode;
using hv::Step;

void add_op(real::Script& s, std::uint64_t kind, std::uint64_t count, std::uint64_t arg = 0) {
  if (count > 0) s.ops.push_back({kind, count, arg});
}

void note(std::vector<std::string>& notes, const std::string& what) {
  if (std::find(notes.begin(), notes.end(), what) == notes.end()) notes.push_back(what);
}

}  // namespace

hv::CalibrationProfile comparison_profile(hv::CalibrationProfile p) {
  p.nested = false;  // measured as they are here, nesting included
  p.emulated_exits_per_io = 1;
  p.emulation_cpu_per_io_s = 0;
  p.native_io_cpu_s = 0;
  p.pv_backend_cpu_per_io_s = 0;
  p.type2_io_extra_cpu_s = 0;
  p.type2_exit_factor = 1;  // one VMM here: ours, over KVM
  p.type2_host_os_share = 0;
  p.vm_boot_s = 0;
  p.container_start_s = 0;
  p.native_start_s = 0;
  return p;
}

RealPlan plan_guest(const hv::scenario::GuestPlan& g, const hv::CalibrationProfile& profile, double scale) {
  RealPlan plan;
  plan.scale = scale;
  // A count of the scaled round: what was there stays at least 1.
  auto whole = [scale](double x) -> std::uint64_t {
    if (x <= 0) return 0;
    return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(x * scale)));
  };
  plan.guest = g.spec.name;
  const GuestMode mode = g.spec.mode;
  plan.mode = hv::mode_name(mode);
  if (g.processes.size() != 1) {
    plan.problem = "it has " + std::to_string(g.processes.size()) + " processes; a real run does exactly one";
    return plan;
  }
  switch (mode) {
    case GuestMode::kNative: plan.runner = real::Runner::kNative; break;
    case GuestMode::kOsLevel: plan.runner = real::Runner::kContainer; break;
    case GuestMode::kFull: plan.runner = real::Runner::kVm; break;
    case GuestMode::kPara: plan.runner = real::Runner::kVmIoeventfd; break;
    case GuestMode::kFullBt:
      plan.problem = "binary translation cannot run for real (our VMM uses KVM's hardware-assisted path)";
      return plan;
  }
  const bool vm = mode == GuestMode::kFull || mode == GuestMode::kPara;
  const hv::ProcessSpec& p = g.processes.front();
  // A random process runs every repetition's own draw, once.
  plan.scenario_rounds = p.runs_each();
  plan.process.name = p.name;
  p.for_each_distinct_step([&](const Step& scenario_step, double amount) {
    Step step = scenario_step;
    step.amount = amount;
    if (step.kind == Step::Kind::kSleep) {
      note(plan.left_out, "sleeps (they measure nothing)");
      return;
    }
    Step sim = step;
    if (step.kind == Step::Kind::kCompute) {
      sim.amount = static_cast<double>(whole(step.amount));
      add_op(plan.script, VZ_OP_CPU, whole(step.amount));
      if (vm && step.syscalls > 0) {
        note(plan.left_out, "system calls (our guest has no kernel)");
        sim.syscalls = 0;
      } else {
        add_op(plan.script, VZ_OP_SYSCALL, whole(step.syscalls));
        sim.syscalls = static_cast<double>(whole(step.syscalls));
      }
      // Privileged operations trap in a full VM; a para guest batches them
      // into hypercalls (here, like the profile's `hypercall`, a cpuid
      // answered by KVM). Natively they are ordinary kernel work, done on
      // both sides as nothing.
      sim.privileged = static_cast<double>(whole(step.privileged));
      if (mode == GuestMode::kFull) add_op(plan.script, VZ_OP_TRAP, whole(step.privileged));
      if (mode == GuestMode::kPara && step.page_faults > 0) {
        note(plan.left_out, "page faults of the para guest (our VMM has no paravirtual page tables)");
        sim.page_faults = 0;
      } else {
        add_op(plan.script, VZ_OP_TOUCH, whole(step.page_faults));
        sim.page_faults = static_cast<double>(whole(step.page_faults));
      }
      if (mode == GuestMode::kPara)
        add_op(plan.script, VZ_OP_TRAP,
               static_cast<std::uint64_t>(std::ceil((sim.privileged + sim.page_faults) / profile.pv_privileged_batch)));
    } else {
      const std::uint64_t ops = whole(step.amount);
      sim.amount = static_cast<double>(ops);
      note(plan.left_out, "disk time (our device answers at once)");
      if (mode == GuestMode::kFull) add_op(plan.script, VZ_OP_DEVICE, ops);
      if (mode == GuestMode::kPara)
        add_op(plan.script, VZ_OP_PV, ops,
               static_cast<std::uint64_t>(std::max(1.0, std::round(step.io_batch > 0 ? step.io_batch : profile.pv_batch))));
    }
    plan.process.steps.push_back(sim);
  });
  if (plan.script.ops.size() > VZ_SCRIPT_MAX_OPS)
    plan.problem = "its process has too many steps to run for real (at most " + std::to_string(VZ_SCRIPT_MAX_OPS) +
                   " operations)";
  plan.script.rounds = 1;
  plan.process.repeat = 1;
  return plan;
}

double simulate(const RealPlan& plan, const hv::CalibrationProfile& profile, double steps_per_s) {
  hv::World w;
  w.set_calibration(profile);
  const bool vm = plan.runner == real::Runner::kVm || plan.runner == real::Runner::kVmIoeventfd;
  hv::HostSpec h{.name = "this-machine", .cores = 1, .speed_flops = steps_per_s};
  h.hypervisor = vm ? hv::HypervisorType::kType1
                    : plan.runner == real::Runner::kContainer ? hv::HypervisorType::kContainerRuntime
                                                              : hv::HypervisorType::kNone;
  h.disk_latency_s = 0;
  h.disk_bandwidth_Bps = 1e30;
  hv::Host& host = w.add_host(h);
  const GuestMode mode = plan.runner == real::Runner::kNative      ? GuestMode::kNative
                         : plan.runner == real::Runner::kContainer ? GuestMode::kOsLevel
                         : plan.runner == real::Runner::kVm        ? GuestMode::kFull
                                                                   : GuestMode::kPara;
  hv::Guest& g = w.add_guest({.name = plan.guest, .mode = mode}, host);
  w.start_process(g, plan.process);
  w.run();
  return g.finished_at_s();
}

RealPlan plan_for_time(const hv::scenario::GuestPlan& g, const hv::CalibrationProfile& profile, double steps_per_s,
                       double target_s) {
  RealPlan plan = plan_guest(g, profile);
  if (!plan.problem.empty()) return plan;
  const double one = simulate(plan, profile, steps_per_s);
  const std::uint64_t round_pages = plan.script.pages();
  double scale = one > target_s ? target_s / one : 1.0;
  if (round_pages > real::kMaxScriptPages)
    scale = std::min(scale, static_cast<double>(real::kMaxScriptPages) / static_cast<double>(round_pages));
  if (scale < 1.0) return plan_guest(g, profile, scale);
  std::uint64_t rounds = one > 0 ? static_cast<std::uint64_t>(std::ceil(target_s / one)) : 1;
  rounds = std::clamp<std::uint64_t>(rounds, 1, static_cast<std::uint64_t>(std::max(1, plan.scenario_rounds)));
  const std::uint64_t pages = plan.script.pages();
  if (pages > 0) rounds = std::max<std::uint64_t>(1, std::min(rounds, real::kMaxScriptPages / pages));
  plan.script.rounds = rounds;
  plan.process.repeat = static_cast<int>(rounds);
  return plan;
}

}  // namespace vzlab::cli
