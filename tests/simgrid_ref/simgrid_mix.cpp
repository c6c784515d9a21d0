// simgrid_mix: run a small hand-written "mix" of hosts, VMs and actors on
// SimGrid and print when each actor finishes.  Used as a reference oracle for
// vzlab's CPU-sharing model (see README.md in this directory for the format).
//
// Usage:  simgrid_mix <mix-file>
// Output: "<actor> <finish_time>" per actor (input order), then "makespan <t>".
// Build:  g++ -O2 -std=c++20 simgrid_mix.cpp $(pkg-config --cflags --libs simgrid)
#include <simgrid/s4u.hpp>
#include <simgrid/s4u/VirtualMachine.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace s4u = simgrid::s4u;

// ---------------------------------------------------------------- model ---

struct HostSpec {
  std::string name;
  double speed = 0;
  int cores = 1;
};

struct VmSpec {
  std::string name;
  std::string host;
  int vcpus = 1;
  double cap = 0;  // flop/s, 0 = unbounded
  int line = 0;
};

struct Op {
  enum class Kind { Exec, Sleep } kind;
  double amount;  // flops or seconds
};

struct ActorSpec {
  std::string name;
  std::string where;
  std::vector<Op> ops;
  int line = 0;
};

struct Mix {
  std::vector<HostSpec> hosts;
  std::vector<VmSpec> vms;
  std::vector<ActorSpec> actors;
};

// --------------------------------------------------------------- parsing ---

[[noreturn]] void fail(const std::string& path, int line, const std::string& msg) {
  if (line > 0)
    std::fprintf(stderr, "simgrid_mix: %s:%d: %s\n", path.c_str(), line, msg.c_str());
  else
    std::fprintf(stderr, "simgrid_mix: %s: %s\n", path.c_str(), msg.c_str());
  std::exit(1);
}

bool to_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return errno == 0 && end == s.c_str() + s.size() && std::isfinite(out);
}

bool to_int(const std::string& s, int& out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size() || v < -2147483647L || v > 2147483647L) return false;
  out = static_cast<int>(v);
  return true;
}

Op parse_op(const std::string& tok, const std::string& path, int line) {
  const auto colon = tok.find(':');
  if (colon == std::string::npos) fail(path, line, "op '" + tok + "' must be exec:<flops> or sleep:<seconds>");
  const std::string kind = tok.substr(0, colon);
  double v = 0;
  if (!to_double(tok.substr(colon + 1), v) || v < 0) fail(path, line, "bad amount in op '" + tok + "'");
  if (kind == "exec") return {Op::Kind::Exec, v};
  if (kind == "sleep") return {Op::Kind::Sleep, v};
  fail(path, line, "unknown op kind '" + kind + "' (expected exec or sleep)");
}

Mix parse_mix(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(path, 0, "cannot open file");

  Mix mix;
  std::map<std::string, int> names;  // every host/vm/actor name -> defining line
  auto claim = [&](const std::string& name, int line, bool is_actor) {
    // Hosts and VMs share SimGrid's host namespace; actors have their own.
    const std::string key = (is_actor ? "a:" : "h:") + name;
    auto [it, fresh] = names.emplace(key, line);
    if (!fresh) fail(path, line, "duplicate name '" + name + "' (first defined on line " + std::to_string(it->second) + ")");
  };

  std::string raw;
  int lineno = 0;
  while (std::getline(in, raw)) {
    ++lineno;
    if (auto hash = raw.find('#'); hash != std::string::npos) raw.erase(hash);
    std::istringstream ls(raw);
    std::vector<std::string> f;
    for (std::string w; ls >> w;) f.push_back(w);
    if (f.empty()) continue;

    const std::string& kw = f[0];
    if (kw == "host") {
      if (f.size() != 4) fail(path, lineno, "expected: host <name> <speed_flops> <cores>");
      HostSpec h;
      h.name = f[1];
      if (!to_double(f[2], h.speed) || h.speed <= 0) fail(path, lineno, "host speed must be a positive number");
      if (!to_int(f[3], h.cores) || h.cores < 1) fail(path, lineno, "host cores must be an integer >= 1");
      claim(h.name, lineno, false);
      mix.hosts.push_back(h);
    } else if (kw == "vm") {
      if (f.size() != 5) fail(path, lineno, "expected: vm <name> <host-name> <vcpus> <cap_flops_or_0>");
      VmSpec v;
      v.name = f[1];
      v.host = f[2];
      v.line = lineno;
      if (!to_int(f[3], v.vcpus) || v.vcpus < 1) fail(path, lineno, "vm vcpus must be an integer >= 1");
      if (!to_double(f[4], v.cap) || v.cap < 0) fail(path, lineno, "vm cap must be a number >= 0");
      claim(v.name, lineno, false);
      mix.vms.push_back(v);
    } else if (kw == "actor") {
      if (f.size() < 3) fail(path, lineno, "expected: actor <name> <host-or-vm-name> <op>...");
      ActorSpec a;
      a.name = f[1];
      a.where = f[2];
      a.line = lineno;
      for (size_t i = 3; i < f.size(); ++i) a.ops.push_back(parse_op(f[i], path, lineno));
      claim(a.name, lineno, true);
      mix.actors.push_back(a);
    } else {
      fail(path, lineno, "unknown keyword '" + kw + "' (expected host, vm or actor)");
    }
  }

  // Cross references are resolved after the whole file is read, so the order
  // of lines does not matter.
  std::map<std::string, bool> is_physical;
  for (const auto& h : mix.hosts) is_physical[h.name] = true;
  for (const auto& v : mix.vms) {
    auto it = is_physical.find(v.host);
    if (it == is_physical.end()) fail(path, v.line, "vm '" + v.name + "' placed on unknown host '" + v.host + "'");
  }
  for (const auto& v : mix.vms) is_physical[v.name] = false;
  for (const auto& a : mix.actors)
    if (!is_physical.count(a.where)) fail(path, a.line, "actor '" + a.name + "' placed on unknown host/vm '" + a.where + "'");
  return mix;
}

// ------------------------------------------------------------ simulation ---

void run_ops(const std::vector<Op>& ops) {
  for (const Op& op : ops) {
    if (op.kind == Op::Kind::Exec)
      s4u::this_actor::execute(op.amount);
    else
      s4u::this_actor::sleep_for(op.amount);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <mix-file>\n", argc > 0 ? argv[0] : "simgrid_mix");
    return 1;
  }
  const std::string path = argv[1];
  const Mix mix = parse_mix(path);  // exits on error, before SimGrid starts

  // Hand SimGrid a private argv that silences its logging.
  std::vector<std::string> sg_args = {argv[0], "--log=root.thres:critical"};
  std::vector<char*> sg_argv;
  for (auto& s : sg_args) sg_argv.push_back(s.data());
  sg_argv.push_back(nullptr);
  int sg_argc = static_cast<int>(sg_args.size());
  s4u::Engine engine(&sg_argc, sg_argv.data());

  s4u::NetZone* zone = s4u::create_full_zone("mix");
  std::map<std::string, s4u::Host*> placement;
  for (const auto& h : mix.hosts) {
    s4u::Host* pm = zone->create_host(h.name, h.speed);
    pm->set_core_count(h.cores);
    pm->seal();
    placement[h.name] = pm;
  }
  zone->seal();

  for (const auto& v : mix.vms) {
    s4u::VirtualMachine* vm = placement.at(v.host)->create_vm(v.name, v.vcpus);
    if (v.cap > 0) vm->set_bound(v.cap);
    vm->start();
    placement[v.name] = vm;
  }

  std::vector<double> finished(mix.actors.size(), 0.0);
  for (size_t i = 0; i < mix.actors.size(); ++i) {
    const ActorSpec* spec = &mix.actors[i];
    double* slot = &finished[i];
    s4u::Actor::create(spec->name, placement.at(spec->where), [spec, slot] {
      run_ops(spec->ops);
      *slot = s4u::Engine::get_clock();
    });
  }

  engine.run();

  double makespan = 0;
  for (size_t i = 0; i < mix.actors.size(); ++i) {
    std::printf("%s %.17g\n", mix.actors[i].name.c_str(), finished[i]);
    makespan = std::max(makespan, finished[i]);
  }
  std::printf("makespan %.17g\n", makespan);
  return 0;
}
