#include "vzlab/real/kvm.hpp"

#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "workloads.h"

namespace vzlab::real {

extern const std::uint8_t kGuestProgram[];
extern const std::size_t kGuestProgram_size;

std::span<const std::uint8_t> guest_program() { return {kGuestProgram, kGuestProgram_size}; }

namespace {

// Guest-physical layout: GDT, page tables, parameters, program, stack at the top.
constexpr std::uint64_t kGdt = 0x500;
constexpr std::uint64_t kTss = 0x600;
constexpr std::uint64_t kPml4 = 0x1000;
constexpr std::uint64_t kPdpt = 0x2000;
constexpr std::uint64_t kPd = 0x3000;
constexpr std::size_t kConsoleLimit = 64 * 1024;

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// The watchdog interrupts KVM_RUN with this signal; the handler does nothing.
void install_kick_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = [](int) {};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: KVM_RUN returns EINTR
    sigaction(SIGUSR1, &sa, nullptr);
  });
}

}  // namespace

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = o.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) close(fd_);
}

Mapping& Mapping::operator=(Mapping&& o) noexcept {
  if (this != &o) {
    if (addr_ != nullptr) munmap(addr_, size_);
    addr_ = o.addr_;
    size_ = o.size_;
    o.addr_ = nullptr;
  }
  return *this;
}

Mapping::~Mapping() {
  if (addr_ != nullptr) munmap(addr_, size_);
}

std::optional<Kvm> Kvm::open(std::string* why) {
  Fd fd(::open("/dev/kvm", O_RDWR | O_CLOEXEC));
  if (fd.get() < 0) {
    if (why != nullptr)
      *why = errno == ENOENT ? "/dev/kvm does not exist: this machine offers no hardware virtualization to us"
                             : errno_text("cannot open /dev/kvm");
    return std::nullopt;
  }
  const int version = ioctl(fd.get(), KVM_GET_API_VERSION, 0);
  if (version != KVM_API_VERSION) {
    if (why != nullptr) *why = "unsupported KVM API version " + std::to_string(version);
    return std::nullopt;
  }
  const int size = ioctl(fd.get(), KVM_GET_VCPU_MMAP_SIZE, 0);
  if (size <= 0) {
    if (why != nullptr) *why = errno_text("KVM_GET_VCPU_MMAP_SIZE");
    return std::nullopt;
  }
  return Kvm(std::move(fd), static_cast<std::size_t>(size));
}

Vm::Vm(const Kvm& kvm, std::size_t memory_bytes) {
  if (memory_bytes < (1u << 20)) throw KvmError("a VM needs at least 1 MiB of memory");
  memory_bytes = (memory_bytes + 4095) & ~std::size_t{4095};
  vm_ = Fd(ioctl(kvm.fd(), KVM_CREATE_VM, 0));
  if (vm_.get() < 0) throw KvmError(errno_text("KVM_CREATE_VM"));
  void* mem = mmap(nullptr, memory_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) throw KvmError(errno_text("mmap of guest memory"));
  memory_ = Mapping(mem, memory_bytes);
  kvm_userspace_memory_region region{};
  region.slot = 0;
  region.guest_phys_addr = 0;
  region.memory_size = memory_bytes;
  region.userspace_addr = reinterpret_cast<std::uint64_t>(mem);
  if (ioctl(vm_.get(), KVM_SET_USER_MEMORY_REGION, &region) < 0) throw KvmError(errno_text("KVM_SET_USER_MEMORY_REGION"));
  vcpu_ = Fd(ioctl(vm_.get(), KVM_CREATE_VCPU, 0));
  if (vcpu_.get() < 0) throw KvmError(errno_text("KVM_CREATE_VCPU"));
  void* run = mmap(nullptr, kvm.vcpu_mmap_size(), PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_.get(), 0);
  if (run == MAP_FAILED) throw KvmError(errno_text("mmap of kvm_run"));
  run_area_ = Mapping(run, kvm.vcpu_mmap_size());
  setup_long_mode();
}

void Vm::setup_long_mode() {
  std::uint8_t* mem = memory_.data();
  // GDT: null, 64-bit code (selector 8), data (selector 16).
  const std::uint64_t gdt[3] = {0, 0x00affa000000ffffull, 0x00cff2000000ffffull};
  std::memcpy(mem + kGdt, gdt, sizeof gdt);
  // Identity map the first 1 GiB with 2 MiB user pages; addresses past the
  // RAM are mapped but backed by nothing, so touching them is an MMIO exit.
  // The guest runs in ring 3 with I/O privilege: some KVM implementations
  // (PVM, the pagetable-based KVM of nested cloud machines) run guest user
  // mode natively but emulate guest kernel mode instruction by instruction.
  auto put = [&](std::uint64_t at, std::uint64_t v) { std::memcpy(mem + at, &v, sizeof v); };
  put(kPml4, kPdpt | 0x7);
  put(kPdpt, kPd | 0x7);
  for (std::uint64_t i = 0; i < 512; ++i) put(kPd + 8 * i, (i << 21) | 0x87);

  kvm_sregs sregs{};
  if (ioctl(vcpu_.get(), KVM_GET_SREGS, &sregs) < 0) throw KvmError(errno_text("KVM_GET_SREGS"));
  kvm_segment code{};
  code.base = 0;
  code.limit = 0xffffffff;
  code.selector = 8 | 3;
  code.dpl = 3;
  code.type = 11;  // execute/read, accessed
  code.present = 1;
  code.s = 1;
  code.l = 1;
  code.g = 1;
  kvm_segment data = code;
  data.selector = 16 | 3;
  data.type = 3;  // read/write, accessed
  data.l = 0;
  data.db = 1;
  sregs.cs = code;
  sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
  // A valid 64-bit task register, as hardware-assisted KVM requires for long mode.
  sregs.tr.base = kTss;
  sregs.tr.limit = 0x67;
  sregs.tr.selector = 24;
  sregs.tr.type = 11;  // busy 64-bit TSS
  sregs.tr.present = 1;
  sregs.tr.s = 0;
  sregs.tr.g = 0;
  sregs.ldt.present = 0;
  sregs.ldt.unusable = 1;
  sregs.gdt.base = kGdt;
  sregs.gdt.limit = sizeof gdt - 1;
  sregs.cr3 = kPml4;
  sregs.cr4 = 1u << 5;                   // PAE
  sregs.cr0 = (1u << 0) | (1u << 31) | (1u << 1) | (1u << 4) | (1u << 5);  // PE, PG, MP, ET, NE
  sregs.efer = (1u << 8) | (1u << 10);   // LME, LMA
  if (ioctl(vcpu_.get(), KVM_SET_SREGS, &sregs) < 0) throw KvmError(errno_text("KVM_SET_SREGS"));

  kvm_regs regs{};
  regs.rip = kProgramAddress;
  regs.rsp = memory_.size() & ~std::uint64_t{0xf};
  regs.rflags = 0x3002;  // IOPL 3: the guest may use its ports from ring 3
  if (ioctl(vcpu_.get(), KVM_SET_REGS, &regs) < 0) throw KvmError(errno_text("KVM_SET_REGS"));
}

void Vm::load(std::span<const std::uint8_t> program, std::uint64_t address) {
  if (address + program.size() > memory_.size()) throw KvmError("the guest program does not fit in guest memory");
  std::memcpy(memory_.data() + address, program.data(), program.size());
}

double Vm::run_bare() {
  auto* run = reinterpret_cast<kvm_run*>(run_area_.data());
  run->immediate_exit = 0;
  int results = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (ioctl(vcpu_.get(), KVM_RUN, 0) == 0 && run->exit_reason == KVM_EXIT_IO) {
    if (run->io.port == VZ_PORT_RESULT && ++results == 2)
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return -1.0;
}

bool Vm::use_ioeventfd(std::string* why) {
  Fd efd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (efd.get() < 0) {
    if (why != nullptr) *why = errno_text("eventfd");
    return false;
  }
  kvm_ioeventfd io{};
  io.addr = VZ_PORT_DOORBELL;
  io.len = 4;
  io.fd = efd.get();
  io.flags = KVM_IOEVENTFD_FLAG_PIO;
  if (ioctl(vm_.get(), KVM_IOEVENTFD, &io) < 0) {
    if (why != nullptr) *why = errno_text("KVM_IOEVENTFD");
    return false;
  }
  doorbell_ = std::move(efd);
  return true;
}

std::uint64_t Vm::absorbed_doorbells() {
  std::uint64_t n = 0;
  if (doorbell_.get() < 0 || read(doorbell_.get(), &n, sizeof n) != static_cast<ssize_t>(sizeof n)) return 0;
  return n;
}

void Vm::set_params(std::uint64_t workload, std::uint64_t iterations, std::uint64_t batch) {
  const vz_params p{workload, iterations, batch};
  std::memcpy(memory_.data() + VZ_PARAM_ADDR, &p, sizeof p);
}

RunResult Vm::run(double timeout_s) {
  install_kick_handler();
  RunResult r;
  auto* run = reinterpret_cast<kvm_run*>(run_area_.data());
  run->immediate_exit = 0;

  // Watchdog: after timeout_s, ask KVM_RUN to return and kick the vCPU thread.
  std::mutex m;
  std::condition_variable cv;
  bool finished = false;
  std::atomic<bool> timed_out{false};
  const pthread_t self = pthread_self();
  std::thread watchdog([&] {
    std::unique_lock lock(m);
    if (!cv.wait_for(lock, std::chrono::duration<double>(timeout_s), [&] { return finished; })) {
      timed_out = true;
      run->immediate_exit = 1;
      pthread_kill(self, SIGUSR1);
    }
  });

  std::uint32_t result_words[2] = {0, 0};
  int result_count = 0;
  auto stop = [&](std::string why) {
    r.ok = false;
    r.error = std::move(why);
  };
  const auto t0 = std::chrono::steady_clock::now();
  for (bool running = true; running;) {
    if (ioctl(vcpu_.get(), KVM_RUN, 0) < 0) {
      if (errno == EINTR && timed_out) {
        stop("the guest ran past its time limit of " + std::to_string(timeout_s) + " s and was stopped");
        break;
      }
      if (errno == EINTR) continue;
      stop(errno_text("KVM_RUN"));
      break;
    }
    ++r.exits.total;
    switch (run->exit_reason) {
      case KVM_EXIT_HLT:
        ++r.exits.hlt;
        running = false;
        if (result_count < 2) {
          stop("the guest halted without reporting a result");
        } else {
          r.ok = true;
          r.result = result_words[0] | (std::uint64_t{result_words[1]} << 32);
        }
        break;
      case KVM_EXIT_IO: {
        ++r.exits.io;
        const auto& io = run->io;
        const std::size_t bytes = std::size_t{io.size} * io.count;
        if (io.data_offset < sizeof(kvm_run) || io.data_offset + bytes > run_area_.size() ||
            (io.size != 1 && io.size != 2 && io.size != 4)) {
          stop("the guest made a malformed port access");
          running = false;
          break;
        }
        std::uint8_t* data = run_area_.data() + io.data_offset;
        if (io.direction == KVM_EXIT_IO_IN) {
          stop("the guest read from port " + std::to_string(io.port) + ", which has no device");
          running = false;
        } else if (io.port == VZ_PORT_CONSOLE && io.size == 1) {
          if (r.console.size() + io.count > kConsoleLimit) {
            stop("the guest flooded its console (more than 64 KiB)");
            running = false;
          } else {
            r.console.append(reinterpret_cast<const char*>(data), io.count);
          }
        } else if (io.port == VZ_PORT_RESULT && io.size == 4) {
          for (std::uint32_t i = 0; i < io.count && result_count < 2; ++i)
            std::memcpy(&result_words[result_count++], data + 4 * i, 4);
          if (result_count == 2) {
            // The result is the guest's last word: the run is over.
            r.ok = true;
            r.result = result_words[0] | (std::uint64_t{result_words[1]} << 32);
            running = false;
          }
        } else if (io.port == VZ_PORT_DEVICE) {
          r.device_writes += io.count;
        } else if (io.port == VZ_PORT_DOORBELL && io.size == 4) {
          r.doorbells += io.count;
        } else {
          stop("the guest wrote to port " + std::to_string(io.port) + ", which has no device");
          running = false;
        }
        break;
      }
      case KVM_EXIT_MMIO:
        ++r.exits.mmio;
        stop("the guest accessed address 0x" + [&] {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(run->mmio.phys_addr));
          return std::string(buf);
        }() + ", outside its memory and with no device there");
        running = false;
        break;
      case KVM_EXIT_SHUTDOWN:
        stop("the guest triple-faulted (an exception it could not handle) and was shut down");
        running = false;
        break;
      case KVM_EXIT_FAIL_ENTRY:
        stop("KVM could not enter the guest (hardware reason " +
             std::to_string(run->fail_entry.hardware_entry_failure_reason) + ")");
        running = false;
        break;
      case KVM_EXIT_INTERNAL_ERROR:
        stop("KVM internal error (suberror " + std::to_string(run->internal.suberror) + ")");
        running = false;
        break;
      default:
        stop("unexpected VM exit, reason " + std::to_string(run->exit_reason));
        running = false;
        break;
    }
  }
  r.run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  vz_ring ring{};
  std::memcpy(&ring, memory_.data() + VZ_RING_ADDR, sizeof ring);
  r.ring_consumed = ring.produced;
  {
    std::lock_guard lock(m);
    finished = true;
  }
  cv.notify_one();
  watchdog.join();
  // A kick that raced with the end of the run leaves a pending signal; it is
  // harmless (the handler does nothing), and immediate_exit is reset next run.
  return r;
}

}  // namespace vzlab::real
