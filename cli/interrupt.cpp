#include "interrupt.hpp"

#include <csignal>

namespace vzlab::cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int sig) {
  if (g_interrupted != 0) {
    // Asked twice: stop now.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
  g_interrupted = 1;
}

}  // namespace

void install_interrupt_handler() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

bool interrupted() { return g_interrupted != 0; }

}  // namespace vzlab::cli
