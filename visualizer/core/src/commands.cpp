#include "vzlab/viz/commands.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>

namespace vzlab::viz {

namespace {

constexpr CommandKind kAll[] = {CommandKind::kFailHost,        CommandKind::kRepairHost, CommandKind::kFailComponent,
                                CommandKind::kRepairComponent, CommandKind::kMigrate,    CommandKind::kSetPolicy,
                                CommandKind::kSetRate,         CommandKind::kFailSite,   CommandKind::kRepairSite};

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

const char* command_name(CommandKind k) {
  switch (k) {
    case CommandKind::kFailHost: return "fail-host";
    case CommandKind::kRepairHost: return "repair-host";
    case CommandKind::kFailComponent: return "fail-component";
    case CommandKind::kRepairComponent: return "repair-component";
    case CommandKind::kMigrate: return "migrate";
    case CommandKind::kSetPolicy: return "set-policy";
    case CommandKind::kSetRate: return "set-rate";
    case CommandKind::kFailSite: return "fail-site";
    case CommandKind::kRepairSite: return "repair-site";
  }
  return "?";
}

std::string format_command(const Command& c) {
  std::string line = number(c.at_s) + " " + command_name(c.kind) + " " + c.target;
  if (c.kind == CommandKind::kMigrate || c.kind == CommandKind::kSetPolicy) line += " " + c.arg;
  if (c.kind == CommandKind::kSetRate) line += " " + number(c.value);
  return line;
}

std::string format_script(const std::vector<Command>& commands, const std::string& scenario) {
  std::string text = "# vzlab viz commands, replay with: vzlab viz " + scenario + " --replay FILE\n";
  for (const Command& c : commands) text += format_command(c) + "\n";
  return text;
}

ScriptResult parse_script(const std::string& text, const std::string& file) {
  ScriptResult result;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  auto fail = [&](const std::string& message) {
    result.commands.clear();
    result.error = file + ":" + std::to_string(line_no) + ": " + message;
    return result;
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    if (w.empty()) continue;
    Command c;
    char* end = nullptr;
    c.at_s = std::strtod(w[0].c_str(), &end);
    if (end == w[0].c_str() || *end != '\0' || !std::isfinite(c.at_s) || c.at_s < 0)
      return fail("expected a time in seconds (a number >= 0), got '" + w[0] + "'");
    if (w.size() < 3) return fail("expected: TIME COMMAND TARGET [ARGUMENT]");
    const auto kind = std::find_if(std::begin(kAll), std::end(kAll),
                                   [&](CommandKind k) { return w[1] == command_name(k); });
    if (kind == std::end(kAll)) {
      std::string names;
      for (CommandKind k : kAll) names += std::string(names.empty() ? "" : ", ") + command_name(k);
      return fail("unknown command '" + w[1] + "' (one of: " + names + ")");
    }
    c.kind = *kind;
    c.target = w[2];
    const bool takes_arg = c.kind == CommandKind::kMigrate || c.kind == CommandKind::kSetPolicy ||
                           c.kind == CommandKind::kSetRate;
    if (w.size() != (takes_arg ? 4u : 3u))
      return fail(std::string(command_name(c.kind)) + (takes_arg ? " takes a target and an argument"
                                                                 : " takes one target and nothing more"));
    if (c.kind == CommandKind::kSetRate) {
      c.value = std::strtod(w[3].c_str(), &end);
      if (end == w[3].c_str() || *end != '\0' || !(c.value > 0) || !std::isfinite(c.value))
        return fail("set-rate: expected requests per second (a number > 0), got '" + w[3] + "'");
    } else if (takes_arg) {
      c.arg = w[3];
    }
    result.commands.push_back(std::move(c));
  }
  std::stable_sort(result.commands.begin(), result.commands.end(),
                   [](const Command& a, const Command& b) { return a.at_s < b.at_s; });
  return result;
}

}  // namespace vzlab::viz
