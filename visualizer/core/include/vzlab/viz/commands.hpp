// What a user can do to a running simulation, as data: the UI queues
// commands, the session applies them at the current simulated time, and a
// class session is saved and replayed as a list of them.
//
// Script format (one command a line; `#` starts a comment):
//   600 fail-host san-h0
//   640.5 repair-host san-h0
//   700 fail-component san-a--sw1      (a network node or link, by name)
//   720 repair-component san-a--sw1
//   800 migrate das-vm1 das-h2         (live migration of a guest to a host)
//   900 set-policy web least-connections
//   950 set-rate web 150               (requests per second, Poisson)
//   1000 fail-site san                 (every host of a group, as a site failure)
//   1600 repair-site san
#pragma once

#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace vzlab::viz {

/// The kinds of command.
enum class CommandKind {
  kFailHost,
  kRepairHost,
  kFailComponent,
  kRepairComponent,
  kMigrate,
  kSetPolicy,
  kSetRate,
  kFailSite,
  kRepairSite
};

/// Name of a kind as written in scripts ("fail-host").
const char* command_name(CommandKind k);

/// One user action.
struct Command {
  CommandKind kind = CommandKind::kFailHost;
  std::string target{};  ///< host, component, guest, service or host group (site) name
  std::string arg{};     ///< migrate: the host; set-policy: the policy name
  double value = 0.0;  ///< set-rate: requests per second
  double at_s = 0.0;   ///< simulated time it was (or is to be) applied
  bool operator==(const Command&) const = default;
};

/// One line of a script for `c` ("600 fail-host san-h0"), times exact to the last bit.
std::string format_command(const Command& c);
/// A whole script with a header naming the scenario.
std::string format_script(const std::vector<Command>& commands, const std::string& scenario);

/// Either the commands of a script, sorted by time (stable), or what is wrong and where.
struct ScriptResult {
  std::vector<Command> commands;
  std::optional<std::string> error;  ///< "file:line: message"
};
/// Parses script text; `file` is the name used in errors.
ScriptResult parse_script(const std::string& text, const std::string& file);

/// Commands waiting to be applied, first in first out.
class CommandQueue {
 public:
  /// Adds a command to apply at the next opportunity.
  void push(Command c) { pending_.push_back(std::move(c)); }
  /// Takes every waiting command, oldest first.
  std::vector<Command> take() { return std::exchange(pending_, {}); }
  /// Whether any command waits.
  bool empty() const { return pending_.empty(); }

 private:
  std::vector<Command> pending_;
};

}  // namespace vzlab::viz
