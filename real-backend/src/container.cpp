#include "vzlab/real/container.hpp"

#include <dirent.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

namespace vzlab::real {

namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kRoot = "/sys/fs/cgroup";

bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

bool write_file(const std::string& path, const std::string& value) {
  std::ofstream f(path);
  f << value;
  f.flush();
  return static_cast<bool>(f);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return s;
}

// The directories of one container's cgroup: one per v1 controller, or one.
std::vector<std::string> cgroup_dirs(CgroupLayout layout, const std::string& leaf) {
  if (layout == CgroupLayout::kV2) return {std::string(kRoot) + "/vzlab/" + leaf};
  if (layout == CgroupLayout::kV1)
    return {std::string(kRoot) + "/cpu/vzlab/" + leaf, std::string(kRoot) + "/memory/vzlab/" + leaf};
  return {};
}

// Kills what is left in a cgroup directory and removes it.
void remove_cgroup_dir(const std::string& dir) {
  for (int attempt = 0; attempt < 50 && exists(dir); ++attempt) {
    std::ifstream procs(dir + "/cgroup.procs");
    for (long pid; procs >> pid;) kill(static_cast<pid_t>(pid), SIGKILL);
    if (rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
    usleep(2000);
  }
}

struct Cgroup {
  std::vector<std::string> dirs;
  ~Cgroup() {
    for (const std::string& d : dirs) remove_cgroup_dir(d);
  }
};

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0) fd[0] = fd[1] = -1;
  }
  ~Pipe() {
    for (int f : fd)
      if (f >= 0) close(f);
  }
  void close_end(int i) {
    if (fd[i] >= 0) close(fd[i]);
    fd[i] = -1;
  }
};

struct ChildArgs {
  const std::function<std::uint64_t()>* work;
  int go_fd;      // parent writes one byte once the child is in its cgroup
  int report_fd;  // child writes its report here
  std::string hostname;
};

struct Report {
  long pid;
  char hostname[64];
  int interfaces;
  double run_s;
  std::uint64_t result;
  int started;  // 1 once it passed its set-up
};

int child_main(void* p) {
  auto* a = static_cast<ChildArgs*>(p);
  char go = 0;
  if (read(a->go_fd, &go, 1) != 1) _exit(3);
  Report rep{};
  // Its own host name, and mounts that no longer propagate to the host.
  sethostname(a->hostname.c_str(), a->hostname.size());
  mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
  rep.started = 1;
  rep.pid = static_cast<long>(getpid());
  gethostname(rep.hostname, sizeof rep.hostname - 1);
  // Count interfaces without allocating: the child of a multithreaded
  // parent must not touch malloc, whose lock another thread may have held.
  char ifname[IF_NAMESIZE];
  for (unsigned index = 1; index <= 64; ++index)
    if (if_indextoname(index, ifname) != nullptr) ++rep.interfaces;
  const auto t0 = Clock::now();
  rep.result = (*a->work)();
  rep.run_s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (write(a->report_fd, &rep, sizeof rep) != static_cast<ssize_t>(sizeof rep)) _exit(4);
  _exit(0);
}

}  // namespace

CgroupLayout detect_cgroups() {
  const std::string controllers = read_file(std::string(kRoot) + "/cgroup.controllers");
  if (controllers.find("cpu") != std::string::npos && controllers.find("memory") != std::string::npos)
    return CgroupLayout::kV2;
  if (exists(std::string(kRoot) + "/cpu/cpu.cfs_quota_us") && exists(std::string(kRoot) + "/memory/memory.limit_in_bytes"))
    return CgroupLayout::kV1;
  return CgroupLayout::kNone;
}

const char* cgroup_layout_name(CgroupLayout layout) {
  switch (layout) {
    case CgroupLayout::kV1: return "v1";
    case CgroupLayout::kV2: return "v2";
    case CgroupLayout::kNone: break;
  }
  return "none";
}

int clean_stale_cgroups() {
  int removed = 0;
  const CgroupLayout layout = detect_cgroups();
  std::vector<std::string> parents;
  if (layout == CgroupLayout::kV2) parents = {std::string(kRoot) + "/vzlab"};
  if (layout == CgroupLayout::kV1) parents = {std::string(kRoot) + "/cpu/vzlab", std::string(kRoot) + "/memory/vzlab"};
  for (const std::string& parent : parents) {
    DIR* d = opendir(parent.c_str());
    if (d == nullptr) continue;
    std::vector<std::string> stale;
    while (dirent* e = readdir(d)) {
      // Names are "<owner pid>-<name>": stale when that vzlab process is gone.
      const long owner = std::strtol(e->d_name, nullptr, 10);
      if (owner > 0 && kill(static_cast<pid_t>(owner), 0) != 0 && errno == ESRCH) stale.push_back(e->d_name);
    }
    closedir(d);
    for (const std::string& s : stale) {
      remove_cgroup_dir(parent + "/" + s);
      ++removed;
    }
  }
  return removed;
}

ContainerResult run_container(const std::string& name, const ContainerLimits& limits,
                              const std::function<std::uint64_t()>& work) {
  ContainerResult r;
  if (geteuid() != 0) {
    r.error = "containers need root (new namespaces and cgroups): run vzlab as root";
    return r;
  }
  const CgroupLayout layout = detect_cgroups();
  if (layout == CgroupLayout::kNone) {
    r.error = "no usable cgroup hierarchy with the cpu and memory controllers under /sys/fs/cgroup";
    return r;
  }
  clean_stale_cgroups();
  const auto t0 = Clock::now();

  // Its cgroup, with the limits.
  Cgroup cg;
  const std::string leaf = std::to_string(getpid()) + "-" + name;
  cg.dirs = cgroup_dirs(layout, leaf);
  if (layout == CgroupLayout::kV2) {
    mkdir((std::string(kRoot) + "/vzlab").c_str(), 0755);
    write_file(std::string(kRoot) + "/cgroup.subtree_control", "+cpu +memory");
    write_file(std::string(kRoot) + "/vzlab/cgroup.subtree_control", "+cpu +memory");
  } else {
    mkdir((std::string(kRoot) + "/cpu/vzlab").c_str(), 0755);
    mkdir((std::string(kRoot) + "/memory/vzlab").c_str(), 0755);
  }
  for (const std::string& d : cg.dirs)
    if (mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) {
      r.error = "cannot create cgroup " + d + ": " + std::strerror(errno);
      return r;
    }
  r.cgroup_path = cg.dirs.front();
  bool limits_ok = true;
  if (limits.cpus > 0) {
    const long period = 100000, quota = static_cast<long>(limits.cpus * period);
    limits_ok &= layout == CgroupLayout::kV2
                     ? write_file(cg.dirs[0] + "/cpu.max", std::to_string(quota) + " " + std::to_string(period))
                     : write_file(cg.dirs[0] + "/cpu.cfs_period_us", std::to_string(period)) &&
                           write_file(cg.dirs[0] + "/cpu.cfs_quota_us", std::to_string(quota));
  }
  if (limits.memory_bytes > 0) {
    limits_ok &= layout == CgroupLayout::kV2
                     ? write_file(cg.dirs[0] + "/memory.max", std::to_string(limits.memory_bytes))
                     : write_file(cg.dirs[1] + "/memory.limit_in_bytes", std::to_string(limits.memory_bytes));
  }
  if (!limits_ok) {
    r.error = "cannot set the cgroup limits under " + r.cgroup_path;
    return r;
  }

  Pipe go, report;
  if (go.fd[0] < 0 || report.fd[0] < 0) {
    r.error = std::string("pipe: ") + std::strerror(errno);
    return r;
  }
  ChildArgs args{&work, go.fd[0], report.fd[1], "vzlab-" + name};
  constexpr std::size_t kStack = 1 << 20;
  std::unique_ptr<char[]> stack(new char[kStack]);
  const int flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | SIGCHLD;
  const pid_t pid = clone(child_main, stack.get() + kStack, flags, &args);
  if (pid < 0) {
    r.error = std::string("clone with new namespaces: ") + std::strerror(errno);
    return r;
  }
  // Into its cgroup before it starts working.
  for (const std::string& d : cg.dirs) write_file(d + "/cgroup.procs", std::to_string(pid));
  go.close_end(0);
  report.close_end(1);
  const char byte = 1;
  if (write(go.fd[1], &byte, 1) != 1) kill(pid, SIGKILL);
  Report rep{};
  const ssize_t got = read(report.fd[0], &rep, sizeof rep);
  const auto t_reported = Clock::now();
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != static_cast<ssize_t>(sizeof rep) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    r.error = WIFSIGNALED(status) ? "the container was killed by signal " + std::to_string(WTERMSIG(status)) +
                                        (WTERMSIG(status) == SIGKILL ? " (out of its memory limit?)" : "")
                                  : "the container failed (exit status " + std::to_string(WEXITSTATUS(status)) + ")";
    return r;
  }
  r.ok = true;
  r.result = rep.result;
  r.pid_inside = rep.pid;
  r.hostname_inside = rep.hostname;
  r.interfaces_inside = rep.interfaces;
  r.run_s = rep.run_s;
  r.start_s = std::chrono::duration<double>(t_reported - t0).count() - rep.run_s;
  for (const std::string& d : cg.dirs) remove_cgroup_dir(d);
  cg.dirs.clear();
  r.teardown_s = std::chrono::duration<double>(Clock::now() - t_reported).count();
  return r;
}

}  // namespace vzlab::real
