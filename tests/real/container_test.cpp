// Containers from namespaces and cgroups: isolation, limits, checksums and
// cleanup. Skipped with the reason when not root or without cgroups.
#include "vzlab/real/container.hpp"
#include "vzlab/real/measure.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "workloads.h"

namespace vzlab::real {
namespace {

class ContainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "containers need root";
    if (detect_cgroups() == CgroupLayout::kNone) GTEST_SKIP() << "no cgroup hierarchy with cpu and memory";
  }
};

bool exists(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0;
}

TEST_F(ContainerTest, RunsTheWorkloadIsolatedAndCleansUp) {
  // Same checksum as the native run; inside, it is PID 1 of its own PID
  // namespace, has its own host name, and sees only a loopback interface.
  const ContainerResult r = run_container("iso", {}, [] { return vz_cpu_kernel(100000); });
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.result, vz_cpu_kernel(100000));
  EXPECT_EQ(r.pid_inside, 1);
  EXPECT_EQ(r.hostname_inside, "vzlab-iso");
  char host[64] = {};
  gethostname(host, sizeof host - 1);
  EXPECT_NE(std::string(host), "vzlab-iso");  // the host's name did not change
  EXPECT_EQ(r.interfaces_inside, 1);          // lo
  EXPECT_FALSE(exists(r.cgroup_path)) << r.cgroup_path;
}

TEST_F(ContainerTest, LimitsAreWrittenToItsCgroup) {
  // Half a core = 50000 us of CPU per 100000 us period; 64 MiB of memory.
  const long owner = getpid();  // the cgroup is named after the process that made it
  const ContainerResult r = run_container("limits", {.cpus = 0.5, .memory_bytes = 64u << 20}, [&] {
    // Read the limits from inside: the files of our own cgroup.
    const std::string base = detect_cgroups() == CgroupLayout::kV2 ? "/sys/fs/cgroup/vzlab/" : "/sys/fs/cgroup/cpu/vzlab/";
    std::ifstream q(base + std::to_string(owner) + "-limits/" +
                    (detect_cgroups() == CgroupLayout::kV2 ? "cpu.max" : "cpu.cfs_quota_us"));
    // The child is another process: it reports what it read as its result.
    std::uint64_t quota_us = 0;
    q >> quota_us;
    return quota_us;
  });
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.result, 50000u);
}

TEST_F(ContainerTest, StaleCgroupsOfDeadRunsAreRemoved) {
  // A cgroup named after a PID that no longer exists is removed at the next start.
  const CgroupLayout layout = detect_cgroups();
  const std::string parent = layout == CgroupLayout::kV2 ? "/sys/fs/cgroup/vzlab" : "/sys/fs/cgroup/cpu/vzlab";
  mkdir(parent.c_str(), 0755);
  const std::string stale = parent + "/999999-left-over";
  ASSERT_TRUE(mkdir(stale.c_str(), 0755) == 0 || errno == EEXIST);
  EXPECT_GE(clean_stale_cgroups(), 1);
  EXPECT_FALSE(exists(stale));
}

}  // namespace
}  // namespace vzlab::real

namespace vzlab::real {
namespace {

TEST_F(ContainerTest, TwentyContainersRunAtOnceAndLeaveNothing) {
  // Each sleeps half a second in its own namespaces and cgroup while the
  // others run; all must report back, and no cgroup may be left behind.
  EXPECT_TRUE(density_memory_per_container(20, 0.5).has_value()) << "not all 20 containers ran";
  const std::string parent = detect_cgroups() == CgroupLayout::kV2 ? "/sys/fs/cgroup/vzlab/" : "/sys/fs/cgroup/cpu/vzlab/";
  for (int i = 0; i < 20; ++i)
    EXPECT_FALSE(exists(parent + std::to_string(getpid()) + "-density-" + std::to_string(i))) << i;
}

}  // namespace
}  // namespace vzlab::real

#include "vzlab/real/script.hpp"

namespace vzlab::real {
namespace {

TEST_F(ContainerTest, ScriptsGiveTheNativeChecksumInAContainer) {
  const Script s{.rounds = 2, .ops = {{VZ_OP_CPU, 100000, 0}, {VZ_OP_SYSCALL, 100, 0}, {VZ_OP_TOUCH, 32, 0}}};
  const ScriptResult native = run_script(nullptr, s, Runner::kNative, 10);
  const ScriptResult boxed = run_script(nullptr, s, Runner::kContainer, 10);
  ASSERT_TRUE(native.ok && boxed.ok) << native.error << boxed.error;
  EXPECT_EQ(boxed.result, native.result);
  EXPECT_GT(boxed.run_s, 0.0);
}

}  // namespace
}  // namespace vzlab::real
