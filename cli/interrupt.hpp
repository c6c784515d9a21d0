// Ctrl-C: the first one asks long work to stop cleanly (runs end, nothing
// half-written, the command says what it did); a second one quits at once.
// Work still going one second after the first (a run stuck inside one event)
// is ended then, with nothing written, unless output files are being
// committed (they are complete a moment later).
#pragma once

#include <atomic>

namespace vzlab::cli {

/// Catches SIGINT and SIGTERM from now on.
void install_interrupt_handler();
/// True once Ctrl-C (or SIGTERM) arrived.
bool interrupted();
/// The flag behind interrupted(), for Engine::stop_when.
const std::atomic<bool>& interrupt_flag();

/// While one lives, the one-second deadline after Ctrl-C waits (output files are being renamed into place).
class CommitSection {
 public:
  CommitSection();
  ~CommitSection();
  CommitSection(const CommitSection&) = delete;
  CommitSection& operator=(const CommitSection&) = delete;
};

/// Exit code of a command stopped by Ctrl-C (128 + SIGINT, as shells use).
constexpr int kInterrupted = 130;

}  // namespace vzlab::cli
