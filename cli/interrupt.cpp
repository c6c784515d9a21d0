#include "interrupt.hpp"

#include <unistd.h>

#include <csignal>

namespace vzlab::cli {

namespace {

static_assert(std::atomic<bool>::is_always_lock_free, "a signal handler may only touch lock-free atomics");
static_assert(std::atomic<int>::is_always_lock_free, "a signal handler may only touch lock-free atomics");

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_committing{0};

// Time from the first Ctrl-C to the end of a run that did not stop by itself.
constexpr unsigned kDeadlineSeconds = 1;

extern "C" void on_interrupt(int sig) {
  if (g_interrupted.load()) {
    // Asked twice: stop now.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
  g_interrupted.store(true);
  alarm(kDeadlineSeconds);
}

extern "C" void on_deadline(int) {
  if (g_committing.load() > 0) {
    alarm(kDeadlineSeconds);
    return;
  }
  static const char kSaid[] = "vzlab: interrupted; the run did not stop within a second; nothing was written\n";
  [[maybe_unused]] const ssize_t n = write(STDERR_FILENO, kSaid, sizeof kSaid - 1);
  _exit(kInterrupted);
}

}  // namespace

void install_interrupt_handler() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::signal(SIGALRM, on_deadline);
}

bool interrupted() { return g_interrupted.load(std::memory_order_relaxed); }

const std::atomic<bool>& interrupt_flag() { return g_interrupted; }

CommitSection::CommitSection() { g_committing.fetch_add(1); }
CommitSection::~CommitSection() { g_committing.fetch_sub(1); }

}  // namespace vzlab::cli
