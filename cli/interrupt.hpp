// Ctrl-C: the first one asks long work to stop cleanly (runs end, nothing
// half-written, the command says what it did); a second one quits at once.
#pragma once

namespace vzlab::cli {

/// Catches SIGINT and SIGTERM from now on.
void install_interrupt_handler();
/// True once Ctrl-C (or SIGTERM) arrived.
bool interrupted();

/// Exit code of a command stopped by Ctrl-C (128 + SIGINT, as shells use).
constexpr int kInterrupted = 130;

}  // namespace vzlab::cli
