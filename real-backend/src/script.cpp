#include "vzlab/real/script.hpp"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "workloads.h"
#include "vzlab/real/container.hpp"

namespace vzlab::real {

namespace {

// What the operations are on the host: a privileged operation is ordinary
// kernel work and the device does nothing (the simulator's native path costs
// neither), a system call is a real one.
void host_nothing() {}
void host_nothing_u32(std::uint32_t) {}
void host_syscall() { syscall(SYS_getppid); }

vz_script to_guest_layout(const Script& s) {
  vz_script g{};
  g.rounds = s.rounds;
  g.ops = s.ops.size();
  for (std::size_t k = 0; k < s.ops.size() && k < VZ_SCRIPT_MAX_OPS; ++k)
    g.op[k] = {s.ops[k].kind, s.ops[k].count, s.ops[k].arg};
  return g;
}

// Runs the script in this process (also the body of a container): fresh
// anonymous memory to touch, a ring nobody reads. Returns ~0 when the memory
// cannot be had. Allocates nothing on the heap (it runs after clone). A
// container leaves the unmapping to its exit, outside its measured run.
std::uint64_t run_here(const vz_script& g, double* run_s, bool unmap) {
  const std::uint64_t pages = vz_script_pages(&g);
  void* touch = nullptr;
  if (pages > 0) {
    touch = mmap(nullptr, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (touch == MAP_FAILED) return ~0ull;
  }
  vz_ring ring{};
  const vz_env env{host_nothing, host_nothing_u32, host_nothing_u32, host_syscall, &ring,
                   static_cast<volatile std::uint8_t*>(touch), pages};
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t result = vz_run_script(&g, &env);
  *run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (unmap && touch != nullptr) munmap(touch, pages * 4096);
  return result;
}

}  // namespace

std::uint64_t Script::pages() const {
  std::uint64_t n = 0;
  for (const ScriptOp& op : ops)
    if (op.kind == VZ_OP_TOUCH) n += op.count;
  return n * rounds;
}

std::string script_problem(const Script& s, Runner where) {
  if (s.ops.size() > VZ_SCRIPT_MAX_OPS) return "more than " + std::to_string(VZ_SCRIPT_MAX_OPS) + " operations";
  const bool vm = where == Runner::kVm || where == Runner::kVmIoeventfd;
  for (const ScriptOp& op : s.ops) {
    if (op.kind < VZ_OP_CPU || op.kind > VZ_OP_SYSCALL) return "unknown operation " + std::to_string(op.kind);
    if (vm && op.kind == VZ_OP_SYSCALL && op.count > 0) return "our VM's guest has no kernel to take system calls";
  }
  if (vm && s.pages() > kMaxScriptPages)
    return "it touches " + std::to_string(s.pages()) + " pages; our VM has room for " + std::to_string(kMaxScriptPages);
  return "";
}

ScriptResult run_script(const Kvm* kvm, const Script& s, Runner where, double timeout_s) {
  ScriptResult out;
  out.error = script_problem(s, where);
  if (!out.error.empty()) return out;
  const vz_script g = to_guest_layout(s);
  if (where == Runner::kNative) {
    out.result = run_here(g, &out.run_s, true);
    out.ok = out.result != ~0ull;
    if (!out.ok) out.error = "no memory for the script's pages";
    return out;
  }
  if (where == Runner::kContainer) {
    double inside_s = 0;  // measured in the child; the container reports its own run time
    const ContainerResult c = run_container("script", {}, [&g, &inside_s] { return run_here(g, &inside_s, false); });
    out.ok = c.ok && c.result != ~0ull;
    out.error = c.ok ? (out.ok ? "" : "the container had no memory for the script's pages") : c.error;
    out.result = c.result;
    out.run_s = c.run_s;
    return out;
  }
  if (kvm == nullptr) {
    out.error = "no KVM handle";
    return out;
  }
  try {
    const std::size_t memory = VZ_TOUCH_BASE + s.pages() * 4096 + (1u << 20);
    Vm vm(*kvm, memory);
    vm.load(guest_program(), kProgramAddress);
    std::memcpy(vm.memory().data() + VZ_SCRIPT_ADDR, &g, sizeof g);
    vm.set_params(VZ_SCRIPT, memory);
    if (where == Runner::kVmIoeventfd && !vm.use_ioeventfd(&out.error)) return out;
    const RunResult r = vm.run(timeout_s);
    out.ok = r.ok && r.result != ~0ull;
    out.error = r.ok ? (out.ok ? "" : "the guest refused the script") : r.error;
    out.result = r.result;
    out.run_s = r.run_s;
    out.user_exits = r.exits.io + r.exits.mmio;
  } catch (const KvmError& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace vzlab::real
