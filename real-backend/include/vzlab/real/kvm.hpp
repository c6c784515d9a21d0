// A small virtual machine monitor over <linux/kvm.h>: one vCPU in 64-bit
// long mode, flat guest memory, port-I/O devices, and a watchdog that stops
// a runaway guest. The guest is untrusted: every exit is checked, and any
// misbehaviour ends that VM with an error, never the host process.
//
//   std::string why;
//   auto kvm = vzlab::real::Kvm::open(&why);          // nullopt: no /dev/kvm, `why` says so
//   vzlab::real::Vm vm(*kvm, 4 << 20);                // 4 MiB of guest RAM
//   vm.load(guest_program(), vzlab::real::kProgramAddress);
//   vm.set_params(VZ_CPU, 1000000);
//   vzlab::real::RunResult r = vm.run(/*timeout_s=*/5);  // r.ok, r.result, r.stats
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

namespace vzlab::real {

/// Guest-physical address where programs are loaded (see guest/guest.ld).
constexpr std::uint64_t kProgramAddress = 0x10000;

/// A failure to set up KVM objects (not a guest's fault).
class KvmError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

/// An owned memory mapping.
class Mapping {
 public:
  Mapping() = default;
  Mapping(void* addr, std::size_t size) : addr_(addr), size_(size) {}
  Mapping(Mapping&& o) noexcept : addr_(o.addr_), size_(o.size_) { o.addr_ = nullptr; }
  Mapping& operator=(Mapping&& o) noexcept;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping();
  std::uint8_t* data() const { return static_cast<std::uint8_t*>(addr_); }
  std::size_t size() const { return size_; }

 private:
  void* addr_ = nullptr;
  std::size_t size_ = 0;
};

/// The /dev/kvm handle.
class Kvm {
 public:
  /// Opens /dev/kvm; nullopt with `why` set when it is missing, not
  /// permitted or of an unsupported API version.
  static std::optional<Kvm> open(std::string* why);
  int fd() const { return fd_.get(); }
  /// Size of the shared kvm_run area of a vCPU.
  std::size_t vcpu_mmap_size() const { return vcpu_mmap_size_; }

 private:
  Kvm(Fd fd, std::size_t mmap_size) : fd_(std::move(fd)), vcpu_mmap_size_(mmap_size) {}
  Fd fd_;
  std::size_t vcpu_mmap_size_ = 0;
};

/// Exits seen during a run, by kind.
struct ExitCounts {
  std::uint64_t io = 0;    ///< port I/O handled by our user-space devices
  std::uint64_t mmio = 0;  ///< memory-mapped I/O
  std::uint64_t hlt = 0;
  std::uint64_t total = 0; ///< returns from KVM_RUN
};

/// The outcome of running a guest.
struct RunResult {
  bool ok = false;
  std::string error;    ///< why the VM was stopped, when !ok
  std::uint64_t result = 0;  ///< what the guest reported on its result port
  std::string console;  ///< what it wrote to the debug console
  ExitCounts exits;
  std::uint64_t device_writes = 0;  ///< writes to the emulated device port
  std::uint64_t doorbells = 0;      ///< paravirtual doorbells that reached us (not via an ioeventfd)
  std::uint64_t ring_consumed = 0;  ///< paravirtual requests found on the ring at the end
  double run_s = 0.0;   ///< wall time inside the run loop
};

/// One virtual machine with one vCPU in 64-bit long mode, running its
/// program in ring 3 with I/O privilege; it ends when the guest writes the
/// second word of its result.
class Vm {
 public:
  /// Creates the VM with `memory_bytes` of RAM (at least 1 MiB, a multiple of
  /// 2 MiB is not needed). Throws KvmError if KVM refuses.
  Vm(const Kvm& kvm, std::size_t memory_bytes);
  Vm(const Vm&) = delete;
  Vm& operator=(const Vm&) = delete;

  /// Copies a flat program into guest memory at `address`.
  void load(std::span<const std::uint8_t> program, std::uint64_t address);
  /// Writes the workload parameters the guest reads at VZ_PARAM_ADDR.
  void set_params(std::uint64_t workload, std::uint64_t iterations, std::uint64_t batch = 0);
  /// Lets KVM absorb paravirtual doorbells through an eventfd, so they never
  /// reach user space; returns false (with `why`) if KVM refuses.
  bool use_ioeventfd(std::string* why);
  /// Doorbells KVM absorbed through the eventfd so far.
  std::uint64_t absorbed_doorbells();
  /// Runs the vCPU from kProgramAddress until the guest halts, misbehaves or
  /// `timeout_s` of wall time pass.
  RunResult run(double timeout_s);
  /// The baseline of a user-space exit: the guest's port writes served by
  /// the barest possible loop (KVM_RUN, count, again), no checks, no
  /// watchdog. Returns the seconds it took until the result, or -1.
  double run_bare();
  /// Guest RAM as the host sees it.
  std::span<std::uint8_t> memory() { return {memory_.data(), memory_.size()}; }

 private:
  void setup_long_mode();

  Fd vm_;
  Fd vcpu_;
  Fd doorbell_;
  Mapping memory_;
  Mapping run_area_;
};

/// The guest program built from guest/guest_main.c (flat binary).
std::span<const std::uint8_t> guest_program();

}  // namespace vzlab::real
