// Our VMM on the machine's /dev/kvm: workloads against their native runs,
// hostile guests, and resource leaks. Skipped with the reason when KVM is
// not available.
#include <dirent.h>
#include <gtest/gtest.h>

#include "workloads.h"
#include "vzlab/real/kvm.hpp"
#include "vzlab/real/measure.hpp"

namespace vzlab::real {
namespace {

class KvmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    kvm_ = Kvm::open(&why);
    if (!kvm_) GTEST_SKIP() << why;
  }
  RunResult run(std::uint64_t workload, std::uint64_t n, double timeout_s = 10.0) {
    Vm vm(*kvm_, 4u << 20);
    vm.load(guest_program(), kProgramAddress);
    vm.set_params(workload, n);
    return vm.run(timeout_s);
  }
  std::optional<Kvm> kvm_;
};

int open_fds() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (d != nullptr && readdir(d) != nullptr) ++n;
  if (d != nullptr) closedir(d);
  return n;
}

TEST_F(KvmTest, CpuKernelGivesTheNativeChecksumWithoutExits) {
  // The same source compiled for the host gives the expected value.
  const RunResult r = run(VZ_CPU, 1000000);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.result, vz_cpu_kernel(1000000));
  EXPECT_EQ(r.exits.io, 2u);  // only the two result words
}

TEST_F(KvmTest, EveryDeviceWriteIsAnExit) {
  const RunResult r = run(VZ_PORT_IO, 2000);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.result, 2000u);
  EXPECT_EQ(r.device_writes, 2000u);
  EXPECT_EQ(r.exits.io, 2002u);
}

TEST_F(KvmTest, CpuidExitsStayInsideKvm) {
  // cpuid traps to KVM, which answers it without coming back to us.
  const RunResult r = run(VZ_CPUID, 2000);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.result, 2000u);
  EXPECT_EQ(r.exits.total, 2u);
}

TEST_F(KvmTest, ParavirtualRingNotifiesOncePerBatch) {
  // 1000 requests in batches of 16: ceil(1000 / 16) = 63 doorbells reach
  // us; with an ioeventfd KVM absorbs all 63 and only the 2 result writes
  // come back. Either way all 1000 requests are on the ring.
  Vm vm(*kvm_, 4u << 20);
  vm.load(guest_program(), kProgramAddress);
  vm.set_params(VZ_PV_IO, 1000, 16);
  const RunResult r = vm.run(10);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.doorbells, 63u);
  EXPECT_EQ(r.ring_consumed, 1000u);

  Vm fast(*kvm_, 4u << 20);
  fast.load(guest_program(), kProgramAddress);
  std::string why;
  ASSERT_TRUE(fast.use_ioeventfd(&why)) << why;
  fast.set_params(VZ_PV_IO, 1000, 16);
  const RunResult f = fast.run(10);
  ASSERT_TRUE(f.ok) << f.error;
  EXPECT_EQ(f.doorbells, 0u);
  EXPECT_EQ(fast.absorbed_doorbells(), 63u);
  EXPECT_EQ(f.exits.total, 2u);
  EXPECT_EQ(f.ring_consumed, 1000u);
}

TEST_F(KvmTest, MemoryTouchingGivesTheNativeChecksum) {
  // Touching 500 new pages and summing the indices: 500 x 499 / 2.
  Vm vm(*kvm_, (2u << 20) + 500u * 4096 + (1u << 20));
  vm.load(guest_program(), kProgramAddress);
  vm.set_params(VZ_MEMORY, 500);
  const RunResult r = vm.run(10);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.result, 500u * 499u / 2u);
}

TEST_F(KvmTest, HostileGuestsAreStoppedWithAClearError) {
  struct Case {
    std::uint64_t workload;
    const char* expected;
  };
  for (const Case& c : {Case{VZ_HOSTILE_OUT_OF_BOUNDS, "outside its memory"}, Case{VZ_HOSTILE_LOOP, "time limit"},
                        Case{VZ_HOSTILE_FAULT, "triple-faulted"}, Case{VZ_HOSTILE_PORT, "port 128"},
                        Case{VZ_HOSTILE_CONSOLE_FLOOD, "flooded its console"}}) {
    // The flood needs 65,536 console exits: give it time to reach the limit.
    const RunResult r = run(c.workload, 0, c.workload == VZ_HOSTILE_CONSOLE_FLOOD ? 20.0 : 1.0);
    EXPECT_FALSE(r.ok) << c.workload;
    EXPECT_NE(r.error.find(c.expected), std::string::npos) << c.workload << ": " << r.error;
  }
}

TEST_F(KvmTest, AnUnknownWorkloadIsReportedByTheGuest) {
  // The guest prints a message and reports all ones.
  const RunResult r = run(999, 0);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.result, ~0ull);
  EXPECT_EQ(r.console, "unknown workload\n");
}

TEST_F(KvmTest, TenThousandVmsLeakNoFileDescriptorsOrMemory) {
  // 10,000 create / run / destroy cycles: the open descriptors are the same
  // after, and resident memory grows by less than 4 MiB (a leak of even 1 KiB
  // per VM would show as 10 MiB).
  for (int i = 0; i < 100; ++i) run(VZ_CPU, 100);  // warm up allocators and threads
  const int fds_before = open_fds();
  const double rss_before = resident_bytes();
  for (int i = 0; i < 10000; ++i) {
    const RunResult r = run(VZ_CPU, 100);
    ASSERT_TRUE(r.ok) << r.error;
  }
  EXPECT_EQ(open_fds(), fds_before);
  EXPECT_LT(resident_bytes() - rss_before, 4.0 * 1048576);
}

TEST_F(KvmTest, FiftyVmsRunAtOnce) {
  // 50 tiny VMs, each spinning in its own vCPU thread until its watchdog
  // stops it; all of them must run, using far less than 1 MiB each of ours.
  const std::optional<double> per_vm = density_rss_per_vm(*kvm_, 50, 1.0);
  ASSERT_TRUE(per_vm.has_value()) << "not all 50 VMs could run at once";
  EXPECT_LT(*per_vm, 1048576.0);
}

}  // namespace
}  // namespace vzlab::real

#include "vzlab/real/script.hpp"

namespace vzlab::real {
namespace {

TEST_F(KvmTest, ScriptsGiveTheSameChecksumNativelyAndInTheVm) {
  const Script s{.rounds = 3,
                 .ops = {{VZ_OP_CPU, 100000, 0}, {VZ_OP_TRAP, 50, 0}, {VZ_OP_DEVICE, 40, 0}, {VZ_OP_PV, 100, 16},
                         {VZ_OP_TOUCH, 64, 0}}};
  const ScriptResult native = run_script(nullptr, s, Runner::kNative, 10);
  ASSERT_TRUE(native.ok) << native.error;
  for (Runner where : {Runner::kVm, Runner::kVmIoeventfd}) {
    const ScriptResult vm = run_script(&*kvm_, s, where, 10);
    ASSERT_TRUE(vm.ok) << vm.error;
    EXPECT_EQ(vm.result, native.result);
    // Device writes reach us (3 x 40), and so do the doorbells (3 x ceil(100/16)
    // = 21) unless KVM absorbs them; the result port adds 2.
    EXPECT_EQ(vm.user_exits, where == Runner::kVm ? 120u + 21u + 2u : 120u + 2u);
  }
}

TEST_F(KvmTest, ScriptsThatCannotRunSayWhy) {
  const Script calls{.rounds = 1, .ops = {{VZ_OP_SYSCALL, 10, 0}}};
  EXPECT_NE(run_script(&*kvm_, calls, Runner::kVm, 10).error.find("no kernel"), std::string::npos);
  EXPECT_TRUE(run_script(nullptr, calls, Runner::kNative, 10).ok);
  const Script huge{.rounds = 2, .ops = {{VZ_OP_TOUCH, kMaxScriptPages, 0}}};
  EXPECT_NE(run_script(&*kvm_, huge, Runner::kVm, 10).error.find("pages"), std::string::npos);
  const Script unknown{.rounds = 1, .ops = {{99, 1, 0}}};
  EXPECT_FALSE(run_script(nullptr, unknown, Runner::kNative, 10).ok);
}

}  // namespace
}  // namespace vzlab::real

namespace vzlab::real {
namespace {

// The profile `vzlab calibrate` writes tells a paravirtual request's doorbell
// from its ring work: per request, ring + doorbell with a doorbell each and
// ring + doorbell / 16 in batches of 16. With 36 us and 2.5 us: doorbell =
// 33.5 x 16 / 15 = 35.7333 us, ring = 2.5 - 35.7333 / 16 = 0.266667 us.
TEST(CalibrationProfileText, TellsTheDoorbellFromTheRingWork) {
  Measurements m;
  m.repeats = 3;
  m.pv_ioeventfd_single_s.median = 36e-6;
  m.pv_ioeventfd_request_s.median = 2.5e-6;
  const std::string y = to_profile_yaml(m);
  EXPECT_NE(y.find("pv_notify: 35.73us\n"), std::string::npos) << y;
  EXPECT_NE(y.find("pv_ring_per_io: 0.2667us\n"), std::string::npos) << y;
  // A doorbell measured no dearer than a batch's share leaves no ring work below 0.
  m.pv_ioeventfd_single_s.median = 2e-6;
  const std::string flat = to_profile_yaml(m);
  EXPECT_NE(flat.find("pv_notify: 0us\n"), std::string::npos) << flat;
  EXPECT_NE(flat.find("pv_ring_per_io: 2.5us\n"), std::string::npos) << flat;
}

}  // namespace
}  // namespace vzlab::real
