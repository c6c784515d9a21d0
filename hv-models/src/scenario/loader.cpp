// Scenario loader: YAML text -> checked, expanded, plain-data Scenario.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "vzlab/engine/random.hpp"
#include "vzlab/hv/distribution.hpp"
#include "vzlab/hv/scenario/limits.hpp"
#include "vzlab/hv/scenario/name_template.hpp"
#include "vzlab/hv/scenario/scenario.hpp"
#include "vzlab/hv/scenario/schema.hpp"
#include "vzlab/hv/scenario/units.hpp"

namespace vzlab::hv::scenario {

namespace {

struct Failure {
  LoadError error;
};

GuestMode parse_mode(const std::string& m) {
  if (m == "native") return GuestMode::kNative;
  if (m == "full-bt") return GuestMode::kFullBt;
  if (m == "para") return GuestMode::kPara;
  if (m == "os-level") return GuestMode::kOsLevel;
  return GuestMode::kFull;  // "full" and its alias "vm"
}

HypervisorType parse_hypervisor(const std::string& h) {
  if (h == "none") return HypervisorType::kNone;
  if (h == "type2") return HypervisorType::kType2;
  if (h == "container-runtime") return HypervisorType::kContainerRuntime;
  return HypervisorType::kType1;
}

// The value of an enum whose name (as its model prints it) is `s`; the
// schema has already checked that `s` is one of them.
template <typename E, std::size_t N>
E by_name(const std::string& s, const E (&all)[N], const char* (*name)(E)) {
  for (E e : all)
    if (s == name(e)) return e;
  return all[0];
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// " (did you mean 'x'?)" for the closest candidate within a small distance.
template <typename Range>
std::string did_you_mean(std::string_view word, const Range& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

// A draw rule: a constant or one of the distributions.
using Draw = Distribution;

struct StepTemplate {
  Step step;    // everything but the amount
  Draw amount;  // drawn per repetition
  std::size_t send_target = 0;  // send steps: index into the loader's send targets
  Step make(double value) const {
    Step s = step;
    s.amount = value;
    return s;
  }
};

struct ProcessTemplate {
  std::string name;
  long count = 1;
  long repeat = 1;
  std::vector<StepTemplate> steps;
  bool random() const {
    return std::any_of(steps.begin(), steps.end(), [](const StepTemplate& s) { return s.amount.random(); });
  }
  // Every step takes no time at all: the chain runs without time passing.
  bool instant() const {
    return std::all_of(steps.begin(), steps.end(), [](const StepTemplate& s) {
      const bool zero = !s.amount.random() && s.amount.a == 0;
      return s.step.kind == Step::Kind::kCompute
                 ? zero && s.step.syscalls == 0 && s.step.privileged == 0 && s.step.page_faults == 0
                 : zero && s.step.kind != Step::Kind::kIo;
    });
  }
  // Roughly how long one chain of steps takes alone on a core of `speed`, in seconds.
  double typical_s(double speed) const {
    double t = 0.0;
    for (const StepTemplate& s : steps)
      if (s.step.kind == Step::Kind::kSleep) t += typical(s.amount);
      else if (s.step.kind == Step::Kind::kCompute) t += typical(s.amount) / speed;
    return t * static_cast<double>(repeat);
  }
};

class Loader {
 public:
  Loader(std::string file, const LoadOptions& options) : file_(std::move(file)), options_(options) {}

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& key, const std::string& message) const {
    LoadError e;
    e.file = file_;
    e.line = mark.is_null() ? 0 : mark.line + 1;
    e.column = mark.is_null() ? 0 : mark.column + 1;
    e.key = key;
    e.message = message;
    throw Failure{std::move(e)};
  }

  // A YAML map checked against one schema section.
  class Map {
   public:
    Map(const Loader& l, const YAML::Node& node, const SectionSpec& spec, std::string path)
        : l_(l), node_(node), spec_(spec), path_(std::move(path)) {
      if (!node.IsMap())
        l.fail(node.Mark(), path_, std::string("expected a map of ") + spec.name + " keys (" + key_list() + ")");
      std::unordered_set<std::string> seen;
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar()) l.fail(it->first.Mark(), path_, "keys must be plain words");
        const std::string key = it->first.Scalar();
        if (!seen.insert(key).second) l.fail(it->first.Mark(), join(key), "duplicate key '" + key + "'");
        if (find_key(spec, key) == nullptr) {
          std::vector<std::string> names;
          for (const KeySpec& k : spec.keys) names.emplace_back(k.name);
          l.fail(it->first.Mark(), join(key),
                 "unknown key '" + key + "' in " + spec.name + did_you_mean(key, names) + "; allowed: " + key_list());
        }
        marks_.emplace(key, it->second.Mark());
      }
    }

    std::string join(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
    const std::string& path() const { return path_; }
    YAML::Mark mark() const { return node_.Mark(); }
    bool has(const char* key) const { return marks_.count(key) > 0; }
    YAML::Node node(const char* key) const { return node_[key]; }
    YAML::Mark mark(const char* key) const { return has(key) ? marks_.at(key) : node_.Mark(); }
    [[noreturn]] void fail(const char* key, const std::string& message) const { l_.fail(mark(key), join(key), message); }

    const KeySpec& spec(const char* key) const {
      const KeySpec* k = find_key(spec_, key);
      assert(k != nullptr);
      return *k;
    }

    // The scalar text of a key, or the spec's default when absent.
    std::string scalar(const char* key) const {
      if (!has(key)) {
        const KeySpec& k = spec(key);
        if (k.default_value == nullptr) fail(key, std::string("missing required key '") + key + "' (" + k.description + ")");
        return k.default_value;
      }
      YAML::Node n = node(key);
      if (!n.IsScalar()) fail(key, std::string("expected a single value for '") + key + "', got " + kind_of(n));
      return n.Scalar();
    }

    std::string text(const char* key, const std::string& fallback = "") const {
      if (!has(key)) return fallback;
      return scalar(key);
    }

    long integer(const char* key) const {
      std::string why;
      const auto v = key_integer(spec(key), scalar(key), &why);
      if (!v) fail(key, why);
      return *v;
    }

    double number(const char* key) const { return quantity_as(key, UnitKind::kNone); }
    double quantity(const char* key) const { return quantity_as(key, spec(key).unit); }
    std::optional<double> optional_quantity(const char* key) const {
      if (!has(key)) return std::nullopt;
      return quantity(key);
    }

    double quantity_as(const char* key, UnitKind unit) const {
      std::string why;
      const auto v = key_number(spec(key), scalar(key), &why, unit);
      if (!v) fail(key, why);
      return *v;
    }

    std::string choice(const char* key) const {
      const std::string s = scalar(key);
      std::vector<std::string> options;
      std::stringstream ss(spec(key).choices);
      for (std::string w; std::getline(ss, w, '|');) options.push_back(w);
      if (std::find(options.begin(), options.end(), s) == options.end()) {
        std::string all;
        for (const auto& o : options) all += (all.empty() ? "" : ", ") + o;
        fail(key, "'" + s + "' is not a valid " + key + did_you_mean(s, options) + "; expected one of: " + all);
      }
      return s;
    }

    // A quantity or a distribution map, in the unit of the key.
    Draw draw(const char* key) const {
      const KeySpec& k = spec(key);
      if (!has(key) || node(key).IsScalar()) return {Draw::Kind::kConstant, quantity(key), 0.0};
      Map d(l_, node(key), section("distribution"), join(key));
      const std::string kind = d.choice("dist");
      auto need = [&](const char* p) {
        if (!d.has(p)) d.fail("dist", "a " + kind + " distribution needs '" + p + "'");
      };
      auto q = [&](const char* p) { return d.quantity_as(p, k.unit); };
      auto only = [&](std::initializer_list<const char*> allowed) {
        for (const KeySpec& ks : section("distribution").keys) {
          if (std::string_view(ks.name) == "dist" || !d.has(ks.name)) continue;
          if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return std::string_view(a) == ks.name; }))
            d.fail(ks.name, "'" + std::string(ks.name) + "' does not apply to a " + kind + " distribution");
        }
      };
      Draw out;
      if (kind == "constant") {
        only({"value"});
        need("value");
        out = {Draw::Kind::kConstant, q("value"), 0};
      } else if (kind == "uniform") {
        only({"min", "max"});
        need("min");
        need("max");
        out = {Draw::Kind::kUniform, q("min"), q("max")};
        if (!(out.b > out.a)) d.fail("max", "'max' must be greater than 'min'");
      } else if (kind == "exponential") {
        only({"mean"});
        need("mean");
        out = {Draw::Kind::kExponential, q("mean"), 0};
        if (!(out.a > 0)) d.fail("mean", "'mean' must be > 0");
      } else if (kind == "normal") {
        only({"mean", "stddev"});
        need("mean");
        need("stddev");
        out = {Draw::Kind::kNormal, q("mean"), q("stddev")};
      } else if (kind == "lognormal") {
        only({"mu", "sigma"});
        need("mu");
        need("sigma");
        out = {Draw::Kind::kLognormal, d.number("mu"), d.number("sigma")};
      } else {
        only({"shape", "scale"});
        need("shape");
        need("scale");
        out = {Draw::Kind::kWeibull, d.number("shape"), q("scale")};
      }
      if (out.kind != Draw::Kind::kConstant) return out;
      if (std::string why = range_problem(k, out.a); !why.empty()) fail(key, why);
      return out;
    }

    std::vector<YAML::Node> list(const char* key) const {
      std::vector<YAML::Node> items;
      if (!has(key)) {
        if (spec(key).default_value == nullptr) fail(key, std::string("missing required key '") + key + "'");
        return items;
      }
      YAML::Node n = node(key);
      if (n.IsNull()) return items;
      if (!n.IsSequence()) fail(key, "expected a list for '" + std::string(key) + "', got " + kind_of(n));
      for (const auto& item : n) items.push_back(item);
      return items;
    }

   private:
    std::string key_list() const {
      std::string all;
      for (const KeySpec& k : spec_.keys) all += (all.empty() ? "" : ", ") + std::string(k.name);
      return all;
    }
    static std::string kind_of(const YAML::Node& n) {
      if (n.IsMap()) return "a map";
      if (n.IsSequence()) return "a list";
      if (n.IsNull()) return "an empty value";
      return "a single value";
    }

    const Loader& l_;
    YAML::Node node_;
    const SectionSpec& spec_;
    std::string path_;
    std::unordered_map<std::string, YAML::Mark> marks_;
  };

  CalibrationProfile load_calibration(const YAML::Node& root) {
    if (root.IsNull()) fail(root.Mark(), "", "the file is empty; a calibration profile needs at least 'version: 1'");
    Map m(*this, root, section("calibration"), "");
    if (m.integer("version") != 1) m.fail("version", "unsupported version (this vzlab reads version 1)");
    CalibrationProfile p;
    p.source = m.has("machine") ? file_ + " (" + m.scalar("machine") + ")" : file_;
    p.nested = m.choice("nested") == "true";
    struct Field {
      const char* key;
      double CalibrationProfile::*member;
    };
    static const Field fields[] = {
        {"nested_exit_factor", &CalibrationProfile::nested_exit_factor},
        {"syscall", &CalibrationProfile::syscall_s},
        {"exit", &CalibrationProfile::exit_s},
        {"user_exit_extra", &CalibrationProfile::user_exit_extra_s},
        {"bt_privileged", &CalibrationProfile::bt_privileged_s},
        {"bt_syscall", &CalibrationProfile::bt_syscall_s},
        {"hypercall", &CalibrationProfile::hypercall_s},
        {"pv_privileged_batch", &CalibrationProfile::pv_privileged_batch},
        {"emulated_exits_per_io", &CalibrationProfile::emulated_exits_per_io},
        {"emulation_cpu_per_io", &CalibrationProfile::emulation_cpu_per_io_s},
        {"pv_ring_per_io", &CalibrationProfile::pv_ring_per_io_s},
        {"pv_backend_cpu_per_io", &CalibrationProfile::pv_backend_cpu_per_io_s},
        {"pv_batch", &CalibrationProfile::pv_batch},
        {"pv_notify", &CalibrationProfile::pv_notify_s},
        {"native_io_cpu", &CalibrationProfile::native_io_cpu_s},
        {"page_fault", &CalibrationProfile::page_fault_s},
        {"first_touch_exit", &CalibrationProfile::first_touch_exit_s},
        {"shadow_fault", &CalibrationProfile::shadow_fault_s},
        {"type2_exit_factor", &CalibrationProfile::type2_exit_factor},
        {"type2_io_extra_cpu", &CalibrationProfile::type2_io_extra_cpu_s},
        {"type2_host_os_share", &CalibrationProfile::type2_host_os_share},
        {"vm_os_memory", &CalibrationProfile::vm_os_memory_bytes},
        {"vmm_memory_overhead", &CalibrationProfile::vmm_memory_overhead_bytes},
        {"container_memory_overhead", &CalibrationProfile::container_memory_overhead_bytes},
        {"vm_boot", &CalibrationProfile::vm_boot_s},
        {"container_start", &CalibrationProfile::container_start_s},
        {"native_start", &CalibrationProfile::native_start_s},
        {"swap_slowdown", &CalibrationProfile::swap_slowdown},
    };
    for (const Field& f : fields)
      if (m.has(f.key)) p.*(f.member) = m.quantity(f.key);
    if (p.type2_host_os_share >= 1.0) m.fail("type2_host_os_share", "must be below 1 (a share of the CPU)");
    return p;
  }

  Scenario load(const YAML::Node& root) {
    Scenario sc;
    sc.file = file_;
    if (root.IsNull()) fail(root.Mark(), "", "the file is empty; a scenario needs at least 'version' and 'hosts'");
    Map top(*this, root, section("scenario"), "");
    const long version = top.integer("version");
    if (version != kSchemaVersion)
      top.fail("version", "unsupported version " + std::to_string(version) + " (this vzlab reads version " +
                              std::to_string(kSchemaVersion) + ")");
    sc.name = top.text("name", base_name(file_));
    sc.description = top.text("description");
    sc.seed = options_.seed ? *options_.seed : static_cast<std::uint64_t>(top.integer("seed"));
    seed_ = sc.seed;
    sc.until_s = top.optional_quantity("until");
    if (top.has("output")) {
      Map out(*this, top.node("output"), section("output"), "output");
      sc.output.format = out.has("format") ? out.choice("format") : "table";
      sc.output.dir = out.text("dir");
      sc.output.trace = out.text("trace");
    }
    load_hosts(top, sc);
    if (top.has("ha")) {
      Map ha(*this, top.node("ha"), section("ha"), "ha");
      const long misses = ha.integer("misses");
      sc.ha = HaPolicy{true, ha.quantity("heartbeat"), static_cast<int>(misses)};
      if (ha.has("manager")) {
        const std::string m = ha.scalar("manager");
        auto it = host_index_.find(m);
        if (it == host_index_.end()) {
          std::vector<std::string> hosts;
          for (const HostSpec& h : sc.hosts) hosts.push_back(h.name);
          ha.fail("manager", "no host named '" + m + "'" + did_you_mean(m, hosts));
        }
        sc.ha->manager_host = static_cast<int>(it->second);
      }
    }
    if (top.has("manager")) {
      Map m(*this, top.node("manager"), section("manager"), "manager");
      sc.manager = PoolManager{m.quantity("interval"), m.number("hot"), m.choice("rebalance") == "true",
                               m.choice("power_off_idle") == "true"};
      if (sc.manager->hot > 1) m.fail("hot", "'hot' is a share of the CPU: at most 1");
      periodic(m, "interval", "manager rounds", 1, sc.manager->interval_s);
      if (sc.manager->rebalance && !top.has("network"))
        m.fail("rebalance", "rebalancing moves VMs over the network: add a network: section (or rebalance: false)");
    }
    load_network(top, sc);
    load_images(top);
    load_workloads(top);
    load_guests(top, sc);
    load_failures(top, sc);
    load_replications(top, sc);
    load_migrations(top, sc);
    load_services(top, sc);
    check_send_targets(sc);
    const double run_s = sc.until_s.value_or(horizon_s_);
    for (const Periodic& p : periodic_)
      if (std::string why = periodic_problem(p.what, p.per_run, p.interval_s, p.run_s.value_or(run_s),
                                             p.run_s || sc.until_s, p.kept);
          !why.empty())
        fail(p.mark, p.path, why);
    return sc;
  }

 private:
  static std::string base_name(const std::string& path) {
    std::string b = path.substr(path.find_last_of('/') + 1);
    if (auto dot = b.rfind('.'); dot != std::string::npos && dot > 0) b.resize(dot);
    return b;
  }

  // Fails at `key` when a total passed its limit (`why` is not empty).
  static void take(const Map& m, const char* key, const std::string& why) {
    if (!why.empty()) m.fail(key, why);
  }

  // Periodic work checked against the run's length once the whole file is read.
  void periodic(const Map& m, const char* key, const char* what, double per_run, double interval_s,
                std::optional<double> run_s = std::nullopt, double kept = 0) {
    periodic_.push_back({m.mark(key), m.join(key), what, per_run, interval_s, run_s, kept});
  }

  std::string expand(const Map& m, const char* key, const std::string& tpl, long i, long count) const {
    if (count > 1 && std::string_view(key) == "name" && !is_template(tpl))
      m.fail(key, "with count: " + std::to_string(count) + " the names must differ: put the replica index in it, e.g. \"" +
                      tpl + "-{i}\"");
    std::string why;
    auto out = expand_template(tpl, i, &why);
    if (!out) m.fail(key, "bad name template: " + why);
    if (out->empty()) m.fail(key, std::string("'") + key + "' must not be empty");
    return *out;
  }

  // A host's, guest's, node's or link's mtbf and mttr, if it has them.
  std::optional<std::pair<Draw, Draw>> load_faults(const Map& m, const Scenario& sc) {
    if (m.has("mtbf") != m.has("mttr")) m.fail(m.has("mtbf") ? "mtbf" : "mttr", "give both 'mtbf' and 'mttr'");
    if (!m.has("mtbf")) return std::nullopt;
    const Draw mtbf = m.draw("mtbf"), mttr = m.draw("mttr");
    if (!sc.until_s) m.fail("mtbf", "random failures never end: give the scenario an 'until:'");
    if (!mtbf.random() && mtbf.a <= 0) m.fail("mtbf", "'mtbf' must be > 0");
    return std::make_pair(mtbf, mttr);
  }

  void load_hosts(const Map& top, Scenario& sc) {
    const auto items = top.list("hosts");
    if (items.empty()) top.fail("hosts", "a scenario needs at least one host");
    for (std::size_t idx = 0; idx < items.size(); ++idx) {
      Map h(*this, items[idx], section("host"), "hosts[" + std::to_string(idx) + "]");
      const long count = h.integer("count");
      take(h, "count", tally_.add_elements(static_cast<double>(count)));
      const std::string name = h.scalar("name");
      const std::string group = h.text("group");
      const std::string site = h.text("site");
      const long cores = h.integer("cores");
      const double speed = h.quantity("speed");
      const HypervisorType hypervisor = parse_hypervisor(h.choice("hypervisor"));
      const std::string os = h.choice("os");
      const double disk_bandwidth = h.quantity("disk_bandwidth");
      const double disk_latency = h.quantity("disk_latency");
      const double power_idle = h.number("power_idle");
      const double power_peak = h.number("power_peak");
      if (power_peak < power_idle) h.fail("power_peak", "power_peak must not be below power_idle");
      const long rack_units = h.integer("rack_units");
      const double memory = h.quantity("memory");
      const bool swap = h.choice("memory_full") == "swap";
      const double cpu_overcommit = h.number("cpu_overcommit");
      const auto faults = load_faults(h, sc);
      static constexpr CrashKind kFaults[] = {CrashKind::kHost, CrashKind::kHypervisor, CrashKind::kHostOs};
      const CrashKind fault = by_name(h.choice("fault"), kFaults, crash_name);
      if (h.has("fault") && !faults) h.fail("fault", "'fault' says what fails at random: give 'mtbf' and 'mttr' too");
      if (const std::string why = crash_problem(fault, hypervisor); !why.empty()) h.fail("fault", why);
      for (long i = 0; i < count; ++i) {
        HostSpec spec{expand(h, "name", name, i, count), static_cast<int>(cores), speed,
                      group.empty() ? "" : expand(h, "group", group, i, count),
                      site.empty() ? "" : expand(h, "site", site, i, count), hypervisor, os, disk_bandwidth,
                      disk_latency, power_idle, power_peak, static_cast<int>(rack_units), memory, swap,
                      cpu_overcommit};
        if (!host_index_.emplace(spec.name, sc.hosts.size()).second)
          h.fail("name", "host name '" + spec.name + "' is used twice");
        if (faults) sc.faults.push_back({spec.name, RandomFaults::Target::kHost, faults->first, faults->second, fault});
        sc.hosts.push_back(std::move(spec));
      }
    }
  }

  // ---------------------------------------------------------------- network

  // Names of every host and node, for "did you mean".
  std::vector<std::string> node_names(const Scenario& sc) const {
    std::vector<std::string> names;
    for (const HostSpec& h : sc.hosts) names.push_back(h.name);
    for (const NodeSpec& n : sc.network.nodes) names.push_back(n.name);
    return names;
  }

  void add_node(const Map& m, const char* key, Scenario& sc, NodeSpec spec) {
    if (host_index_.count(spec.name) || node_index_.count(spec.name))
      m.fail(key, "node name '" + spec.name + "' is used twice (hosts are nodes too)");
    node_index_.emplace(spec.name, sc.network.nodes.size());
    node_marks_.push_back({m.mark(), m.path()});
    sc.network.nodes.push_back(std::move(spec));
  }

  // `key` names the key of the first end, `key_b` of the second (the same
  // key for generated links).
  void add_link(const Map& m, const char* key, Scenario& sc, LinkSpec link, const char* key_b = nullptr) {
    for (const std::string* end : {&link.a, &link.b})
      if (!host_index_.count(*end) && !node_index_.count(*end))
        m.fail(end == &link.b && key_b ? key_b : key,
               "no host or node named '" + *end + "'" + did_you_mean(*end, node_names(sc)));
    if (link.a == link.b) m.fail(key, "a link needs two different ends, not '" + link.a + "' twice");
    sc.network.links.push_back(std::move(link));
  }

  // The hosts a shape connects: all, or one group's.
  std::vector<std::string> shape_hosts(const Map& s, const Scenario& sc) const {
    const std::string which = s.scalar("hosts");
    std::vector<std::string> out, groups;
    for (const HostSpec& h : sc.hosts) {
      if (which == "all" || h.group == which) out.push_back(h.name);
      if (!h.group.empty()) groups.push_back(h.group);
    }
    if (out.empty()) s.fail("hosts", "no host has group '" + which + "'" + did_you_mean(which, groups) + " (or use all)");
    return out;
  }

  void load_shape(const Map& s, Scenario& sc) {
    const std::string shape = s.choice("shape");
    const std::string name = s.scalar("name");
    const std::vector<std::string> hosts = shape_hosts(s, sc);
    const bool san = shape == "dual-fabric-san";
    const bool fc = s.choice("fabric") == "fc";
    if (!san && s.has("fabric")) s.fail("fabric", "'fabric' applies to shape: dual-fabric-san");
    const double bw = s.has("bandwidth") ? s.quantity("bandwidth") : san ? (fc ? 16e9 / 8 : 10e9 / 8) : 1e9 / 8;
    const double lat = s.has("latency") ? s.quantity("latency") : san ? (fc ? 5e-6 : 30e-6) : 50e-6;
    const std::string net = san ? "san" : "lan";
    auto node = [&](const std::string& n, NodeKind kind, double nbw = 0, double iops = 0, double nlat = 0,
                    double cap = 0) {
      add_node(s, "name", sc, {.name = n, .kind = kind, .bandwidth_Bps = nbw, .iops = iops, .latency_s = nlat,
                               .capacity_bytes = cap});
    };
    auto link = [&](const std::string& a, const std::string& b, double lbw) {
      add_link(s, "name", sc, {.a = a, .b = b, .bandwidth_Bps = lbw, .latency_s = lat, .network = net});
    };
    if (shape == "star") {
      take(s, "hosts", tally_.add_elements(1.0 + static_cast<double>(hosts.size())));
      node(name, NodeKind::kSwitch);
      for (const std::string& h : hosts) link(h, name, bw);
    } else if (shape == "leaf-spine") {
      const long leaves = s.integer("leaves"), spines = s.integer("spines");
      take(s, "leaves",
           tally_.add_elements(static_cast<double>(leaves) * static_cast<double>(spines + 1) +
                               static_cast<double>(spines + hosts.size())));
      const double uplink = s.has("uplink") ? s.quantity("uplink") : 4 * bw;
      for (long i = 0; i < leaves; ++i) node(name + "-leaf-" + std::to_string(i), NodeKind::kSwitch);
      for (long j = 0; j < spines; ++j) node(name + "-spine-" + std::to_string(j), NodeKind::kSwitch);
      for (std::size_t k = 0; k < hosts.size(); ++k)
        link(hosts[k], name + "-leaf-" + std::to_string(static_cast<long>(k) * leaves / static_cast<long>(hosts.size())), bw);
      for (long i = 0; i < leaves; ++i)
        for (long j = 0; j < spines; ++j)
          link(name + "-leaf-" + std::to_string(i), name + "-spine-" + std::to_string(j), uplink);
    } else {
      const long controllers = s.integer("controllers"), arrays = s.integer("arrays");
      take(s, "arrays",
           tally_.add_elements(2.0 + 2.0 * static_cast<double>(hosts.size()) + 3.0 * static_cast<double>(controllers) +
                               static_cast<double>(arrays) * static_cast<double>(controllers + 1)));
      const std::string fa = name + "-fabric-a", fb = name + "-fabric-b";
      node(fa, NodeKind::kSwitch);
      node(fb, NodeKind::kSwitch);
      for (const std::string& h : hosts) {
        link(h, fa, bw);
        link(h, fb, bw);
      }
      const double ctl_bw = s.quantity("controller_bandwidth");
      std::vector<std::string>& pool = pools_[name];
      for (long c = 0; c < controllers; ++c) {
        const std::string ctl = name + "-ctl-" + std::to_string(c);
        node(ctl, NodeKind::kController, ctl_bw);
        link(fa, ctl, 4 * bw);
        link(fb, ctl, 4 * bw);
      }
      for (long a = 0; a < arrays; ++a) {
        const std::string arr = name + "-array-" + std::to_string(a);
        node(arr, NodeKind::kArray, s.quantity("array_bandwidth"), s.number("array_iops"), s.quantity("array_latency"),
             s.quantity("array_capacity"));
        pool.push_back(arr);
        for (long c = 0; c < controllers; ++c) link(name + "-ctl-" + std::to_string(c), arr, 4 * bw);
      }
    }
    if (!san)
      for (const char* k : {"controllers", "controller_bandwidth", "arrays", "array_bandwidth", "array_iops",
                            "array_latency", "array_capacity"})
        if (s.has(k)) s.fail(k, std::string("'") + k + "' applies to shape: dual-fabric-san");
    if (shape != "leaf-spine")
      for (const char* k : {"leaves", "spines", "uplink"})
        if (s.has(k)) s.fail(k, std::string("'") + k + "' applies to shape: leaf-spine");
  }

  void load_network(const Map& top, Scenario& sc) {
    if (!top.has("network")) return;
    Map n(*this, top.node("network"), section("network"), "network");
    NetworkPlan& np = sc.network;
    np.present = true;
    np.failover_s = n.quantity("failover");
    np.sample_s = n.quantity("sample");
    // At most one reading of each link and node a sample, at least 4 a sample.
    periodic(n, "sample", "network samples", 1, np.sample_s, std::nullopt,
             static_cast<double>(Network::kSampleBudget) / 4);
    np.route_by_hops = n.choice("routing") == "hops";
    const auto shapes = n.list("shapes");
    for (std::size_t idx = 0; idx < shapes.size(); ++idx)
      load_shape(Map(*this, shapes[idx], section("shape"), "network.shapes[" + std::to_string(idx) + "]"), sc);
    const auto nodes = n.list("nodes");
    for (std::size_t idx = 0; idx < nodes.size(); ++idx) {
      Map m(*this, nodes[idx], section("node"), "network.nodes[" + std::to_string(idx) + "]");
      const long count = m.integer("count");
      take(m, "count", tally_.add_elements(static_cast<double>(count)));
      const std::string name = m.scalar("name"), kind_name = m.choice("kind");
      static constexpr NodeKind kKinds[] = {NodeKind::kSwitch, NodeKind::kRouter,     NodeKind::kDas,
                                            NodeKind::kNas,    NodeKind::kController, NodeKind::kArray};
      const NodeKind kind = by_name(kind_name, kKinds, node_kind_name);
      if (kind == NodeKind::kDas && !m.has("host")) m.fail("kind", "a das belongs to a host: give it 'host:'");
      if (kind != NodeKind::kDas)
        for (const char* k : {"host", "link"})
          if (m.has(k)) m.fail(k, std::string("'") + k + "' applies to kind: das");
      if (!is_storage(kind))
        for (const char* k : {"iops", "capacity", "fill", "latency"})
          if (m.has(k)) m.fail(k, std::string("'") + k + "' applies to storage (das, nas, array)");
      const auto faults = load_faults(m, sc);
      for (long i = 0; i < count; ++i) {
        NodeSpec spec{.name = expand(m, "name", name, i, count), .kind = kind};
        if (m.has("site")) spec.site = expand(m, "site", m.scalar("site"), i, count);
        spec.bandwidth_Bps = m.has("bandwidth") ? m.quantity("bandwidth") : 0.0;
        spec.iops = m.has("iops") ? m.number("iops") : 0.0;
        spec.latency_s = m.quantity("latency");
        spec.capacity_bytes = m.has("capacity") ? m.quantity("capacity") : 0.0;
        spec.fill_bytes = m.quantity("fill");
        if (spec.capacity_bytes > 0 && spec.fill_bytes > spec.capacity_bytes)
          m.fail("fill", "'fill' is more than 'capacity'");
        if (kind == NodeKind::kDas) {
          spec.host = expand(m, "host", m.scalar("host"), i, count);
          if (!host_index_.count(spec.host)) {
            std::vector<std::string> hosts;
            for (const HostSpec& h : sc.hosts) hosts.push_back(h.name);
            m.fail("host", "no host named '" + spec.host + "'" + did_you_mean(spec.host, hosts));
          }
        }
        const std::string das_host = spec.host, node_name = spec.name;
        if (faults) sc.faults.push_back({node_name, RandomFaults::Target::kComponent, faults->first, faults->second});
        add_node(m, "name", sc, std::move(spec));
        if (kind == NodeKind::kDas)
          add_link(m, "host", sc, {.a = das_host, .b = node_name, .bandwidth_Bps = m.quantity("link"), .network = "das"});
      }
    }
    const auto links = n.list("links");
    for (std::size_t idx = 0; idx < links.size(); ++idx) {
      Map m(*this, links[idx], section("link"), "network.links[" + std::to_string(idx) + "]");
      const long count = m.integer("count");
      take(m, "count", tally_.add_elements(static_cast<double>(count)));
      const std::string from = m.scalar("from"), to = m.scalar("to"), network = m.scalar("network");
      const double bw = m.quantity("bandwidth"), lat = m.quantity("latency");
      const auto faults = load_faults(m, sc);
      for (long i = 0; i < count; ++i) {
        const std::string a = expand(m, "from", from, i, count), b = expand(m, "to", to, i, count);
        add_link(m, "from", sc, {.a = a, .b = b, .bandwidth_Bps = bw, .latency_s = lat, .network = network}, "to");
        if (faults) sc.faults.push_back({a + "--" + b, RandomFaults::Target::kComponent, faults->first, faults->second});
      }
    }
    const auto pools = n.list("pools");
    for (std::size_t idx = 0; idx < pools.size(); ++idx) {
      Map m(*this, pools[idx], section("pool"), "network.pools[" + std::to_string(idx) + "]");
      const std::string name = m.scalar("name");
      if (pools_.count(name) || node_index_.count(name) || name == "das")
        m.fail("name", "'" + name + "' is already the name of a node or pool");
      std::vector<std::string>& arrays = pools_[name];
      for (const std::string& a : split_list(m.scalar("arrays"))) {
        auto it = node_index_.find(a);
        if (it == node_index_.end() || sc.network.nodes[it->second].kind != NodeKind::kArray)
          m.fail("arrays", "'" + a + "' is not an array node" + did_you_mean(a, node_names(sc)));
        arrays.push_back(a);
      }
    }
    // Every storage device must be reachable by something.
    std::vector<int> degree(sc.network.nodes.size(), 0);
    for (const LinkSpec& l : sc.network.links)
      for (const std::string* end : {&l.a, &l.b})
        if (auto it = node_index_.find(*end); it != node_index_.end()) ++degree[it->second];
    for (std::size_t i = 0; i < sc.network.nodes.size(); ++i)
      if (degree[i] == 0)
        fail(node_marks_[i].first, node_marks_[i].second,
             "node '" + sc.network.nodes[i].name + "' is connected to nothing: add a link to it in network.links");
    // A network of the plan, to check guests' routes to their disks.
    check_engine_ = std::make_unique<engine::Engine>(0);
    check_net_ = std::make_unique<Network>(*check_engine_);
    check_net_->set_route_by_hops(np.route_by_hops);
    for (const HostSpec& h : sc.hosts) check_net_->add_node({.name = h.name, .kind = NodeKind::kHost});
    for (const NodeSpec& s : sc.network.nodes) check_net_->add_node(s);
    for (const LinkSpec& l : sc.network.links) check_net_->add_link(l);
  }

  // The storage node a guest on `host` uses for `disk` ("das", a pool, or a
  // node), its size counted on that device; fails with a clear message.
  std::string place_disk(const Map& g, Scenario& sc, const std::string& disk, const std::string& host, double size) {
    if (!sc.network.present) g.fail("disk", "'disk' needs a network: section with the storage device");
    std::string node = disk;
    if (disk == "das") {
      node.clear();
      for (const NodeSpec& n : sc.network.nodes)
        if (n.kind == NodeKind::kDas && n.host == host) node = n.name;
      if (node.empty()) g.fail("disk", "host " + host + " has no das node (add one with kind: das, host: " + host + ")");
    } else if (auto pool = pools_.find(disk); pool != pools_.end()) {
      double best = -1e300;
      for (const std::string& a : pool->second) {
        const NodeSpec& n = sc.network.nodes[node_index_.at(a)];
        const double free = (n.capacity_bytes > 0 ? n.capacity_bytes : 1e300) - n.fill_bytes;
        if (free > best) best = free, node = a;
      }
    } else {
      auto it = node_index_.find(disk);
      if (it == node_index_.end() || !is_storage(sc.network.nodes[it->second].kind)) {
        std::vector<std::string> storage;
        for (const NodeSpec& n : sc.network.nodes)
          if (is_storage(n.kind)) storage.push_back(n.name);
        for (const auto& [p, arrays] : pools_) storage.push_back(p);
        g.fail("disk", "'" + disk + "' is not a storage node or SAN" + did_you_mean(disk, storage) +
                           (storage.empty() ? "; the network has no das, nas or array" : ""));
      }
    }
    NodeSpec& dev = sc.network.nodes[node_index_.at(node)];
    if (dev.kind == NodeKind::kDas && dev.host != host)
      g.fail("disk", node + " is the DAS of " + dev.host + "; a DAS is reachable from its own host only, not from " + host);
    if (!check_net_->route(*check_net_->find(host), *check_net_->find(node)))
      g.fail("disk", "no route from " + host + " to " + node + ": link them (network.links or a shape)");
    dev.fill_bytes += size;
    if (dev.capacity_bytes > 0 && dev.fill_bytes > dev.capacity_bytes)
      g.fail("disk_size", "the disks placed on " + node + " need more than its capacity");
    return node;
  }

  // "a, b, c" as a list of trimmed words.
  static std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream list(text);
    for (std::string w; std::getline(list, w, ',');) {
      w.erase(0, w.find_first_not_of(' '));
      w.erase(w.find_last_not_of(' ') + 1);
      out.push_back(w);
    }
    return out;
  }

  void load_services(const Map& top, Scenario& sc) {
    const auto items = top.list("services");
    std::unordered_set<std::string> names;
    for (std::size_t idx = 0; idx < items.size(); ++idx) {
      Map m(*this, items[idx], section("service"), "services[" + std::to_string(idx) + "]");
      ServicePlan plan;
      ServiceSpec& s = plan.spec;
      s.name = m.scalar("name");
      if (!names.insert(s.name).second) m.fail("name", "service name '" + s.name + "' is used twice");
      const std::string policy = m.choice("policy");
      s.policy = *policy_from_name(policy);  // the schema allows only these names
      plan.replicas = split_list(m.scalar("replicas"));
      std::vector<std::string> guest_names;
      for (const GuestPlan& g : sc.guests) guest_names.push_back(g.spec.name);
      for (const std::string& r : plan.replicas)
        if (std::find(guest_names.begin(), guest_names.end(), r) == guest_names.end())
          m.fail("replicas", "no guest named '" + r + "'" + did_you_mean(r, guest_names));
      if (m.has("weights")) {
        if (s.policy != BalancePolicy::kWeighted) m.fail("weights", "'weights' applies to policy: weighted");
        for (const std::string& w : split_list(m.scalar("weights"))) {
          char* end = nullptr;
          const double v = std::strtod(w.c_str(), &end);
          if (w.empty() || *end != '\0' || !(v > 0) || !std::isfinite(v))
            m.fail("weights", "'" + w + "' is not a positive finite number");
          s.weights.push_back(v);
        }
        if (s.weights.size() != plan.replicas.size())
          m.fail("weights", std::to_string(s.weights.size()) + " weights for " + std::to_string(plan.replicas.size()) +
                                " replicas");
      }
      s.interarrival = m.draw("interarrival");
      if (!s.interarrival.random() && !(s.interarrival.a > 0)) m.fail("interarrival", "'interarrival' must be > 0");
      s.service_time = m.draw("service_time");
      s.servers = static_cast<int>(m.integer("servers"));
      s.queue_limit = m.integer("queue_limit");
      s.health_check_s = m.quantity("health_check");
      s.start_s = m.quantity("start");
      s.stop_s = m.has("stop") ? m.quantity("stop") : sc.until_s.value_or(0.0);
      s.sla_s = m.has("sla") ? m.quantity("sla") : 0.0;
      if (!(s.stop_s > 0)) m.fail("name", "requests never stop: give the service a 'stop:' or the scenario an 'until:'");
      horizon_s_ = std::max(horizon_s_, s.stop_s);
      periodic(m, "health_check", "health checks", 1, s.health_check_s);
      periodic(m, "interarrival", "requests", 1, typical(s.interarrival), std::max(0.0, s.stop_s - s.start_s));
      sc.services.push_back(std::move(plan));
    }
  }

  void load_migrations(const Map& top, Scenario& sc) {
    const auto items = top.list("migrations");
    for (std::size_t idx = 0; idx < items.size(); ++idx) {
      Map m(*this, items[idx], section("migration"), "migrations[" + std::to_string(idx) + "]");
      MigrationPlan plan{m.quantity("at"), m.scalar("guest"), m.scalar("to"), m.choice("kind") == "live",
                         m.quantity("downtime"), 30};
      plan.rounds = static_cast<int>(m.integer("rounds"));
      if (!plan.live)
        for (const char* k : {"downtime", "rounds"})
          if (m.has(k)) m.fail(k, std::string("'") + k + "' applies to kind: live");
      const GuestPlan* g = nullptr;
      std::vector<std::string> names;
      for (const GuestPlan& x : sc.guests) {
        names.push_back(x.spec.name);
        if (x.spec.name == plan.guest) g = &x;
      }
      if (g == nullptr) m.fail("guest", "no guest named '" + plan.guest + "'" + did_you_mean(plan.guest, names));
      if (!is_vm(g->spec.mode)) m.fail("guest", plan.guest + " is not a VM: only VMs migrate here");
      if (g->host.empty()) m.fail("guest", plan.guest + " is placed from a pool; migrate a guest with a fixed host");
      if (!host_index_.count(plan.to)) {
        std::vector<std::string> hosts;
        for (const HostSpec& h : sc.hosts) hosts.push_back(h.name);
        m.fail("to", "no host named '" + plan.to + "'" + did_you_mean(plan.to, hosts));
      }
      if (const std::string why = placement_problem(g->spec.mode, sc.hosts[host_index_.at(plan.to)].hypervisor);
          !why.empty())
        m.fail("to", plan.guest + " on " + plan.to + ": " + why);
      // Where it is by then: its host, or where the last earlier migration took it.
      std::string from = g->host;
      double moved_at = -1.0;
      for (const MigrationPlan& earlier : sc.migrations)
        if (earlier.guest == plan.guest && earlier.at_s <= plan.at_s && earlier.at_s >= moved_at)
          from = earlier.to, moved_at = earlier.at_s;
      if (from == plan.to)
        m.fail("to", plan.guest + " is already on " + plan.to + " then: a migration moves a VM to another host");
      if (!sc.network.present) m.fail("to", "a migration needs a network: section linking the hosts");
      if (!check_net_->route(*check_net_->find(from), *check_net_->find(plan.to)))
        m.fail("to", "no route from " + from + " to " + plan.to + " for the copy");
      horizon_s_ = std::max(horizon_s_, plan.at_s);
      sc.migrations.push_back(std::move(plan));
    }
  }

  void check_send_targets(const Scenario& sc) const {
    std::unordered_map<std::string, const GuestPlan*> guests;
    for (const GuestPlan& g : sc.guests) guests.emplace(g.spec.name, &g);
    for (const SendTarget& t : send_targets_) {
      if (!sc.network.present) fail(t.mark, t.path, "a send step needs a network: section");
      if (guests.count(t.name) || host_index_.count(t.name) || node_index_.count(t.name)) continue;
      std::vector<std::string> names = node_names(sc);
      for (const GuestPlan& g : sc.guests) names.push_back(g.spec.name);
      fail(t.mark, t.path, "no guest, host or node named '" + t.name + "'" + did_you_mean(t.name, names));
    }
    // A send to where no path leads would wait for ever for a repair that cannot come.
    const auto hosts_of = [&](const std::string& where, bool pool) {  // a host or node, or a pool's hosts
      if (!pool) return std::vector<std::string>{where};
      std::vector<std::string> out;
      for (const HostSpec& h : sc.hosts)
        if (h.group == where) out.push_back(h.name);
      return out;
    };
    for (const auto& [from, pool, target] : sends_) {
      const SendTarget& t = send_targets_[target];
      auto g = guests.find(t.name);
      const std::vector<std::string> ends = g == guests.end() ? hosts_of(t.name, false)
                                            : g->second->host.empty() ? hosts_of(g->second->pool, true)
                                                                      : hosts_of(g->second->host, false);
      bool reached = false;
      for (const std::string& a : hosts_of(from, pool))
        for (const std::string& b : ends)
          reached = reached || a == b || check_net_->route(*check_net_->find(a), *check_net_->find(b)).has_value();
      if (!reached)
        fail(t.mark, t.path, "no route from " + from + " to " + t.name +
                                 ": nothing in network: links them, so the send would wait for ever (link them in "
                                 "network.links or a shape)");
    }
  }

  std::vector<ProcessTemplate> load_processes(const Map& parent, const char* key) {
    std::vector<ProcessTemplate> out;
    const auto items = parent.list(key);
    for (std::size_t idx = 0; idx < items.size(); ++idx) out.push_back(load_process(items[idx], parent.join(key) + "[" + std::to_string(idx) + "]", idx));
    return out;
  }

  ProcessTemplate load_process(const YAML::Node& node, const std::string& path, std::size_t idx) {
    Map p(*this, node, section("process"), path);
    ProcessTemplate t;
    t.name = p.text("name", "p" + std::to_string(idx));
    t.count = p.integer("count");
    t.repeat = p.integer("repeat");
    const auto steps = p.list("steps");
    if (steps.empty()) p.fail("steps", "a process needs at least one step");
    for (std::size_t s = 0; s < steps.size(); ++s) {
      Map st(*this, steps[s], section("step"), p.join("steps") + "[" + std::to_string(s) + "]");
      const int kinds = st.has("compute") + st.has("sleep") + st.has("io") + st.has("send");
      if (kinds != 1)
        st.fail(kinds == 0 ? "compute" : (st.has("send") ? "send" : st.has("io") ? "io" : "sleep"),
                "each step needs exactly one of 'compute', 'sleep', 'io' or 'send'");
      if (st.has("to") && !st.has("send")) st.fail("to", "'to' belongs to a send step");
      if (st.has("send") && !st.has("to")) st.fail("send", "a send step needs 'to': a guest, host or node");
      if (!st.has("compute"))
        for (const char* k : {"syscalls", "privileged", "page_faults"})
          if (st.has(k)) st.fail(k, std::string("'") + k + "' belongs to a compute step");
      StepTemplate tpl;
      if (st.has("compute")) {
        tpl.step.kind = Step::Kind::kCompute;
        tpl.amount = st.draw("compute");
        tpl.step.syscalls = st.number("syscalls");
        tpl.step.privileged = st.number("privileged");
        tpl.step.page_faults = st.number("page_faults");
      } else if (st.has("sleep")) {
        tpl.step.kind = Step::Kind::kSleep;
        tpl.amount = st.draw("sleep");
      } else if (st.has("send")) {
        tpl.step.kind = Step::Kind::kSend;
        tpl.amount = st.draw("send");
        tpl.step.to = st.scalar("to");
        tpl.send_target = send_targets_.size();
        send_targets_.push_back({st.mark("to"), st.join("to"), tpl.step.to});
      } else {
        Map io(*this, st.node("io"), section("io"), st.join("io"));
        tpl.step.kind = Step::Kind::kIo;
        tpl.amount = {Draw::Kind::kConstant, static_cast<double>(io.integer("ops")), 0.0};
        tpl.step.io_size_bytes = io.quantity("size");
        tpl.step.io_batch = io.has("batch") ? static_cast<double>(io.integer("batch")) : 0.0;
        tpl.step.io_write = io.choice("write") == "true";
      }
      t.steps.push_back(tpl);
    }
    return t;
  }

  void load_failures(const Map& top, Scenario& sc) {
    const auto items = top.list("failures");
    std::unordered_map<std::string, std::size_t> guests;
    for (std::size_t i = 0; i < sc.guests.size(); ++i) guests.emplace(sc.guests[i].spec.name, i);
    for (std::size_t idx = 0; idx < items.size(); ++idx) {
      Map f(*this, items[idx], section("failure"), "failures[" + std::to_string(idx) + "]");
      FailurePlan plan;
      plan.at_s = f.quantity("at");
      horizon_s_ = std::max(horizon_s_, plan.at_s);
      const std::string crash = f.choice("crash");
      plan.kind = crash == "host"         ? CrashKind::kHost
                  : crash == "hypervisor" ? CrashKind::kHypervisor
                  : crash == "host-os"    ? CrashKind::kHostOs
                                          : CrashKind::kGuest;
      plan.target = f.scalar("target");
      if (f.has("repair") && crash != "component" && crash != "host" && crash != "site")
        f.fail("repair", "'repair' applies to crash: host, component or site");
      if (crash == "site") {
        plan.site = true;
        plan.repair_s = f.optional_quantity("repair");
        std::vector<std::string> sites;
        for (const HostSpec& h : sc.hosts)
          if (!h.site.empty()) sites.push_back(h.site);
        for (const NodeSpec& n : sc.network.nodes)
          if (!n.site.empty()) sites.push_back(n.site);
        if (std::find(sites.begin(), sites.end(), plan.target) == sites.end())
          f.fail("target", "no host or node has site: " + plan.target + did_you_mean(plan.target, sites));
        sc.failures.push_back(std::move(plan));
        continue;
      }
      if (crash == "host") plan.repair_s = f.optional_quantity("repair");
      if (crash == "component") {
        plan.component = true;
        plan.repair_s = f.optional_quantity("repair");
        if (!sc.network.present) f.fail("crash", "crash: component needs a network: section");
        if (host_index_.count(plan.target)) f.fail("target", plan.target + " is a host: use crash: host");
        bool is_link = false;
        for (const LinkSpec& l : sc.network.links) is_link = is_link || l.a + "--" + l.b == plan.target;
        if (!node_index_.count(plan.target) && !is_link) {
          std::vector<std::string> names;
          for (const NodeSpec& n : sc.network.nodes) names.push_back(n.name);
          for (const LinkSpec& l : sc.network.links) names.push_back(l.a + "--" + l.b);
          f.fail("target", "no network node or link named '" + plan.target + "'" + did_you_mean(plan.target, names));
        }
        sc.failures.push_back(std::move(plan));
        continue;
      }
      if (plan.kind == CrashKind::kGuest) {
        if (!guests.count(plan.target)) {
          std::vector<std::string> names;
          for (const GuestPlan& g : sc.guests) names.push_back(g.spec.name);
          f.fail("target", "no guest named '" + plan.target + "'" + did_you_mean(plan.target, names));
        }
      } else {
        auto it = host_index_.find(plan.target);
        if (it == host_index_.end()) {
          std::vector<std::string> names;
          for (const HostSpec& h : sc.hosts) names.push_back(h.name);
          f.fail("target", "no host named '" + plan.target + "'" + did_you_mean(plan.target, names) +
                               (guests.count(plan.target) ? " (it is a guest: use crash: guest)" : ""));
        }
        if (const std::string why = crash_problem(plan.kind, sc.hosts[it->second].hypervisor); !why.empty())
          f.fail("crash", plan.target + ": " + why);
      }
      sc.failures.push_back(std::move(plan));
    }
  }

  void load_replications(const Map& top, Scenario& sc) {
    const auto items = top.list("replications");
    for (std::size_t idx = 0; idx < items.size(); ++idx) {
      Map m(*this, items[idx], section("replication"), "replications[" + std::to_string(idx) + "]");
      if (!sc.network.present) m.fail("from", "replications need a network: section with the storage devices");
      ReplicationPlan plan;
      plan.from = m.scalar("from");
      plan.to = m.scalar("to");
      for (const auto& [key, dev] : {std::pair<const char*, const std::string&>{"from", plan.from}, {"to", plan.to}}) {
        auto it = node_index_.find(dev);
        if (it == node_index_.end())
          m.fail(key, "no network node named '" + dev + "'" + did_you_mean(dev, node_names(sc)));
        const NodeKind kind = sc.network.nodes[it->second].kind;
        if (kind != NodeKind::kNas && kind != NodeKind::kArray)
          m.fail(key, dev + " is a " + node_kind_name(kind) + "; replication copies a nas or an array");
      }
      if (plan.from == plan.to) m.fail("to", "a device cannot be its own replica");
      for (const ReplicationPlan& other : sc.replications)
        if (other.from == plan.from) m.fail("from", plan.from + " is already replicated (" + other.spec.name + ")");
      if (!check_net_->route(*check_net_->find(plan.from), *check_net_->find(plan.to)))
        m.fail("to", "no route from " + plan.from + " to " + plan.to + " for the copies: link them");
      static constexpr ReplicationMode kModes[] = {ReplicationMode::kSync, ReplicationMode::kAsync,
                                                   ReplicationMode::kBackup};
      plan.spec.mode = by_name(m.choice("mode"), kModes, replication_mode_name);
      if (plan.spec.mode == ReplicationMode::kSync && m.has("interval"))
        m.fail("interval", "'interval' applies to mode: async or backup");
      if (plan.spec.mode != ReplicationMode::kBackup && m.has("restore"))
        m.fail("restore", "'restore' applies to mode: backup");
      plan.spec.name = m.text("name", plan.from + "->" + plan.to);
      plan.spec.interval_s = m.quantity("interval");
      if (plan.spec.mode != ReplicationMode::kSync) periodic(m, "interval", "shipments", 1, plan.spec.interval_s);
      plan.spec.activation_s = m.quantity("activation");
      plan.spec.restore_Bps = m.has("restore") ? m.quantity("restore") : 0.0;
      sc.replications.push_back(std::move(plan));
    }
  }

  // A top-level map of names to lists (`images:`, `workloads:`): checks the
  // shape and the names, then calls item(node, path, index) for each item of
  // each list and store(name, items) for each name.
  template <typename Item, typename MakeItem, typename Store>
  void load_named_lists(const Map& top, const char* key, const char* what, const char* items_are, MakeItem make_item,
                        Store store) {
    if (!top.has(key)) return;
    const YAML::Node all = top.node(key);
    if (all.IsNull()) return;
    if (!all.IsMap()) top.fail(key, std::string("expected a map of ") + what + " names to lists of " + items_are);
    std::unordered_set<std::string> seen;
    for (auto it = all.begin(); it != all.end(); ++it) {
      const std::string name = it->first.as<std::string>("");
      const std::string path = std::string(key) + "." + name;
      if (name.empty()) fail(it->first.Mark(), key, std::string(what) + " names must be plain words");
      if (!seen.insert(name).second) fail(it->first.Mark(), path, std::string(what) + " '" + name + "' is defined twice");
      // Copy the node: `it->second` lives in a temporary the loop would outlive.
      const YAML::Node list = it->second;
      if (!list.IsSequence())
        fail(list.Mark(), path, std::string("expected a list of ") + items_are + " for " + what + " '" + name + "'");
      std::vector<Item> items;
      std::size_t idx = 0;
      for (const auto& node : list) {
        items.push_back(make_item(node, path + "[" + std::to_string(idx) + "]", idx));
        ++idx;
      }
      store(name, std::move(items));
    }
  }

  // The entry of `all` that the value of `key` names, or an error naming the
  // closest one (the entries come from the top-level `defined_in:`).
  template <typename V>
  const V& named(const Map& g, const char* key, const std::unordered_map<std::string, V>& all,
                 const char* defined_in) const {
    const std::string name = g.scalar(key);
    auto it = all.find(name);
    if (it == all.end()) {
      std::vector<std::string> known;
      for (const auto& [k, v] : all) known.push_back(k);
      std::sort(known.begin(), known.end());
      g.fail(key, "no " + std::string(key) + " named '" + name + "'" + did_you_mean(name, known) +
                      (known.empty() ? std::string("; the file defines no '") + defined_in + ":'" : ""));
    }
    return it->second;
  }

  void load_images(const Map& top) {
    using Layer = std::pair<std::string, double>;
    load_named_lists<Layer>(
        top, "images", "image", "layers",
        [&](const YAML::Node& node, const std::string& path, std::size_t) {
          Map l(*this, node, section("layer"), path);
          return Layer(l.scalar("layer"), l.quantity("size"));
        },
        [&](const std::string& name, std::vector<Layer> layers) { images_.emplace(name, std::move(layers)); });
  }

  void load_workloads(const Map& top) {
    load_named_lists<ProcessTemplate>(
        top, "workloads", "workload", "processes",
        [&](const YAML::Node& node, const std::string& path, std::size_t idx) { return load_process(node, path, idx); },
        [&](const std::string& name, std::vector<ProcessTemplate> procs) { workloads_.emplace(name, std::move(procs)); });
  }

  // Counts what a guest item expands to before it is expanded, and how long its work may last.
  void count_guests(const Map& g, long count, const std::vector<ProcessTemplate>& procs, const Draw& start,
                    const std::optional<Draw>& interarrival, const Scenario& sc) {
    double slowest = sc.hosts.front().speed_flops;
    for (const HostSpec& h : sc.hosts) slowest = std::min(slowest, h.speed_flops);
    double elements = 1.0, copies = 0.0, drawn = 0.0, instant = 0.0, chain_s = 0.0;
    for (const ProcessTemplate& pt : procs) {
      const double n = static_cast<double>(pt.count), steps = static_cast<double>(pt.steps.size());
      elements += n;
      copies += n * steps;
      if (pt.random()) drawn += n * steps * static_cast<double>(pt.repeat);
      if (pt.instant()) instant += n * steps * static_cast<double>(pt.repeat);
      chain_s = std::max(chain_s, pt.typical_s(slowest));
    }
    // The key that multiplies: the replicas, or else the processes themselves.
    const double c = static_cast<double>(count);
    const char* key = count > 1 || procs.empty() ? "count" : g.has("workload") ? "workload" : "processes";
    take(g, key, tally_.add_elements(c * elements));
    take(g, key, tally_.add_steps(c * copies, c * drawn));
    take(g, key, tally_.add_instant_steps(c * instant));
    const double arrivals = interarrival ? (c - 1) * typical(*interarrival) : 0.0;
    horizon_s_ = std::max(horizon_s_, typical(start) + arrivals + chain_s);
  }

  void load_guests(const Map& top, Scenario& sc) {
    const auto items = top.list("guests");
    std::unordered_set<std::string> names;
    for (std::size_t idx = 0; idx < items.size(); ++idx) {
      Map g(*this, items[idx], section("guest"), "guests[" + std::to_string(idx) + "]");
      const long count = g.integer("count");
      const std::string name = g.scalar("name");
      if (g.has("host") == g.has("pool"))
        g.fail(g.has("host") ? "pool" : "host",
               "a guest needs exactly one of 'host' (a fixed host) or 'pool' (a group of hosts to place it in)");
      if (g.has("placement") && !g.has("pool")) g.fail("placement", "'placement' chooses a host from a 'pool'");
      const std::string host = g.has("host") ? g.scalar("host") : "";
      const std::string pool = g.has("pool") ? g.scalar("pool") : "";
      const std::string policy = g.choice("placement");
      std::vector<std::size_t> pool_hosts;
      if (!pool.empty()) {
        std::vector<std::string> groups;
        for (std::size_t h = 0; h < sc.hosts.size(); ++h) {
          if (sc.hosts[h].group == pool) pool_hosts.push_back(h);
          if (std::find(groups.begin(), groups.end(), sc.hosts[h].group) == groups.end() && !sc.hosts[h].group.empty())
            groups.push_back(sc.hosts[h].group);
        }
        if (pool_hosts.empty())
          g.fail("pool", "no host has group '" + pool + "'" + did_you_mean(pool, groups) +
                             (groups.empty() ? "; give the candidate hosts a 'group:'" : ""));
      }
      const std::string group = g.text("group");
      const std::string mode = g.choice("mode");
      GuestSpec base;
      base.mode = parse_mode(mode);
      if (!is_vm(base.mode))
        for (const char* k : {"vcpus", "cap", "share"})
          if (g.has(k))
            g.fail(k, std::string("'") + k + "' only applies to virtual machines (mode: full, full-bt or para), not to mode: " + mode);
      const std::string guest_os = g.has("os") ? g.choice("os") : "";
      const bool real = g.choice("real") == "true";
      const std::string disk = g.text("disk");
      const double disk_size = g.quantity("disk_size");
      if (g.has("disk_size") && disk.empty()) g.fail("disk_size", "'disk_size' needs 'disk'");
      if (disk == "das" && g.has("pool"))
        g.fail("disk", "disk: das needs a fixed host (placement from a pool chooses the host later)");
      if (real && base.mode == GuestMode::kFullBt)
        g.fail("real", "a full-bt guest cannot run for real: our VMM has no binary translator (KVM runs guests "
                       "hardware-assisted); use mode: full, para, os-level or native");
      base.memory_bytes = g.quantity("memory");
      base.dirty_rate_Bps = g.quantity("dirty_rate");
      const std::string anti = g.text("anti_affinity");
      if (g.has("dirty_rate") && !is_vm(base.mode)) g.fail("dirty_rate", "'dirty_rate' applies to VMs");
      if (g.has("protect")) {
        static constexpr Protection kProtections[] = {Protection::kNone, Protection::kMirror, Protection::kCheckpoint};
        base.protection = by_name(g.choice("protect"), kProtections, protection_name);
        if (base.protection != Protection::kNone && !is_vm(base.mode))
          g.fail("protect", "'protect' applies to VMs (a mirror or a checkpoint holds a VM's whole state)");
        if (base.protection == Protection::kMirror && (disk.empty() || disk == "das"))
          g.fail("protect", "a mirror takes over on another host, which must reach the same disk: put it on a NAS "
                            "or SAN with 'disk:'");
        // Mirrors keep in step at every heartbeat (without mirrors heartbeats cost nothing).
        if (base.protection == Protection::kMirror && !mirror_heartbeats_) {
          mirror_heartbeats_ = true;
          periodic(g, "protect", "mirror heartbeats", 1, sc.ha ? sc.ha->heartbeat_s : HaPolicy{}.heartbeat_s);
        }
      }
      if (g.has("checkpoint_interval") && base.protection != Protection::kCheckpoint)
        g.fail("checkpoint_interval", "'checkpoint_interval' applies to protect: checkpoint");
      base.checkpoint_interval_s = g.quantity("checkpoint_interval");
      const auto faults = load_faults(g, sc);
      if (g.has("image")) base.image = named(g, "image", images_, "images");
      base.vcpus = static_cast<int>(g.integer("vcpus"));
      if (auto cap = g.optional_quantity("cap")) base.cap_flops = *cap;
      base.share = g.number("share");
      const Draw start = g.draw("start");
      const std::optional<Draw> interarrival = g.has("interarrival") ? std::optional<Draw>(g.draw("interarrival")) : std::nullopt;

      std::vector<ProcessTemplate> procs;
      std::string workload_name;
      if (g.has("workload") && g.has("processes")) g.fail("processes", "use either 'workload' or 'processes', not both");
      if (g.has("workload")) {
        procs = named(g, "workload", workloads_, "workloads");
        workload_name = g.scalar("workload");
        base.workload = workload_name;
      } else {
        procs = load_processes(g, "processes");
      }
      count_guests(g, count, procs, start, interarrival, sc);
      if (base.protection == Protection::kCheckpoint)
        periodic(g, "checkpoint_interval", "checkpoints", static_cast<double>(count), base.checkpoint_interval_s);

      double arrival = 0.0;
      // Named after the item's name template, not its position in the file.
      engine::RandomStream arrivals(seed_, "interarrival/" + name);
      for (long i = 0; i < count; ++i) {
        GuestPlan plan;
        plan.spec = base;
        plan.spec.name = expand(g, "name", name, i, count);
        plan.spec.workload_instance = i;
        plan.real = real;
        plan.group = group.empty() ? "" : expand(g, "group", group, i, count);
        plan.spec.group = plan.group;
        plan.spec.anti_affinity = anti.empty() ? "" : expand(g, "anti_affinity", anti, i, count);
        if (!plan.spec.anti_affinity.empty() && pool.empty()) {
          const std::string on = expand(g, "host", host, i, count);
          for (const GuestPlan& other : sc.guests)
            if (other.spec.anti_affinity == plan.spec.anti_affinity && other.host == on)
              g.fail("anti_affinity", plan.spec.name + " and " + other.spec.name + " share anti_affinity '" +
                                          plan.spec.anti_affinity + "' but are both placed on " + on);
        }
        if (!names.insert(plan.spec.name).second) g.fail("name", "guest name '" + plan.spec.name + "' is used twice");
        if (faults) sc.faults.push_back({plan.spec.name, RandomFaults::Target::kGuest, faults->first, faults->second});
        std::vector<std::size_t> candidates = pool_hosts;
        if (pool.empty()) {
          plan.host = expand(g, "host", host, i, count);
          if (!host_index_.count(plan.host)) {
            std::vector<std::string> hosts;
            for (const HostSpec& h : sc.hosts) hosts.push_back(h.name);
            std::string which = is_template(host) ? " (replica i=" + std::to_string(i) + " of \"" + host + "\")" : "";
            g.fail("host", "no host named '" + plan.host + "'" + which + did_you_mean(plan.host, hosts));
          }
          candidates = {host_index_.at(plan.host)};
        } else {
          plan.pool = pool;
          plan.placement = policy == "best-fit"    ? Placement::kBestFit
                           : policy == "worst-fit" ? Placement::kWorstFit
                                                   : Placement::kFirstFit;
        }
        if (!disk.empty()) {
          const std::string d = expand(g, "disk", disk, i, count);
          plan.disk = place_disk(g, sc, d, sc.hosts[candidates.front()].name, disk_size);
          plan.disk_size_bytes = disk_size;
          for (std::size_t c : candidates)  // place_disk checked the first one
            if (c != candidates.front() &&
                !check_net_->route(*check_net_->find(sc.hosts[c].name), *check_net_->find(plan.disk)))
              g.fail("disk", "no route from " + sc.hosts[c].name + " (in pool " + pool + ") to " + plan.disk);
        }
        // Every host it may land on must be able to run it.
        for (std::size_t c : candidates) {
          const HostSpec& where = sc.hosts[c];
          const char* key = pool.empty() ? "mode" : "pool";
          if (const std::string why = placement_problem(base.mode, where.hypervisor); !why.empty())
            g.fail(key, plan.spec.name + " on " + where.name + ": " + why);
          plan.spec.os = guest_os.empty() ? where.os : guest_os;
          if (base.mode == GuestMode::kOsLevel && plan.spec.os != where.os)
            g.fail(pool.empty() ? "os" : "pool", "a container shares its host's kernel, so it has the host's OS: " +
                                                     plan.spec.name + " wants " + plan.spec.os + " but " + where.name +
                                                     " runs " + where.os);
          if (base.mode == GuestMode::kPara && plan.spec.os == "windows")
            g.fail("os", plan.spec.name + ": a para guest needs a kernel with paravirtual drivers and hypercalls; "
                         "windows has none in this model (use mode: full)");
        }
        // A named workload draws by (workload, replica index), so the same
        // workload gives the same sizes wherever it runs; inline processes
        // draw by guest name.
        const std::string stream_prefix = workload_name.empty()
                                              ? "steps/" + plan.spec.name + "/"
                                              : "workload/" + workload_name + "/" + std::to_string(i) + "/";
        engine::RandomStream start_stream(seed_, "start/" + plan.spec.name);
        double t0 = start.sample(start_stream);
        if (interarrival) {
          if (i > 0) arrival += interarrival->sample(arrivals);
          t0 += arrival;
        }
        plan.start_s = t0;
        for (std::size_t pi = 0; pi < procs.size(); ++pi) {
          const ProcessTemplate& pt = procs[pi];
          for (long c = 0; c < pt.count; ++c) {
            ProcessSpec ps;
            ps.name = pt.count > 1 ? pt.name + "#" + std::to_string(c) : pt.name;
            ps.start_s = t0;
            for (const StepTemplate& st : pt.steps) ps.steps.push_back(st.make(st.amount.a));
            ps.repeat = static_cast<int>(pt.repeat);
            if (pt.random()) {
              // Every repetition draws its own amounts (only those are kept).
              engine::RandomStream r(seed_, stream_prefix + std::to_string(pi) + "/" + std::to_string(c));
              ps.drawn.reserve(pt.steps.size() * static_cast<std::size_t>(pt.repeat));
              for (long rep = 0; rep < pt.repeat; ++rep)
                for (const StepTemplate& st : pt.steps) ps.drawn.push_back(st.amount.sample(r));
            }
            plan.processes.push_back(std::move(ps));
          }
        }
        for (const ProcessTemplate& pt : procs)
          for (const StepTemplate& st : pt.steps)
            if (st.step.kind == Step::Kind::kSend) sends_.insert({pool.empty() ? plan.host : pool, !pool.empty(), st.send_target});
        sc.guests.push_back(std::move(plan));
      }
    }
  }

  std::string file_;
  LoadOptions options_;
  std::uint64_t seed_ = 1;
  std::unordered_map<std::string, std::size_t> host_index_;
  std::unordered_map<std::string, std::vector<ProcessTemplate>> workloads_;
  std::unordered_map<std::string, std::vector<std::pair<std::string, double>>> images_;
  std::unordered_map<std::string, std::size_t> node_index_;                // network nodes (not hosts)
  std::vector<std::pair<YAML::Mark, std::string>> node_marks_;             // where each node was declared
  std::map<std::string, std::vector<std::string>> pools_;                  // SANs: name -> arrays
  std::unique_ptr<engine::Engine> check_engine_;
  std::unique_ptr<Network> check_net_;                                     // the planned network, for route checks
  struct SendTarget {
    YAML::Mark mark;
    std::string path, name;
  };
  std::vector<SendTarget> send_targets_;
  std::set<std::tuple<std::string, bool, std::size_t>> sends_;  // (sending host or pool, is a pool, send target)
  ExpansionTally tally_;
  struct Periodic {
    YAML::Mark mark;
    std::string path;
    const char* what;
    double per_run, interval_s;
    std::optional<double> run_s;  // its own window; else the scenario's run
    double kept;                  // > 0: it thins out past this many rounds (periodic_problem)
  };
  std::vector<Periodic> periodic_;
  bool mirror_heartbeats_ = false;  // mirrors' heartbeats counted in periodic_
  double horizon_s_ = 0.0;  // estimated end of the run without 'until'
};

}  // namespace

std::string LoadError::format() const {
  std::ostringstream os;
  os << file;
  if (line > 0) os << ":" << line << ":" << column;
  os << ": error: ";
  if (!key.empty()) os << key << ": ";
  os << message;
  return os.str();
}

namespace {

// The whole file, or the error saying why it cannot be read.
std::optional<std::string> read_text(const std::string& path, const char* what, std::optional<LoadError>& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = LoadError{path, 0, 0, "", std::string("cannot open the ") + what + " (does it exist, and is it readable?)"};
    return std::nullopt;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    error = LoadError{path, 0, 0, "", std::string("cannot read the ") + what};
    return std::nullopt;
  }
  return buf.str();
}

LoadError yaml_error(const std::string& file, const YAML::Exception& e) {
  LoadError err;
  err.file = file;
  err.line = e.mark.is_null() ? 0 : e.mark.line + 1;
  err.column = e.mark.is_null() ? 0 : e.mark.column + 1;
  err.message = "YAML syntax error: " + e.msg;
  return err;
}

}  // namespace

LoadResult load_string(const std::string& text, const std::string& file, const LoadOptions& options) {
  LoadResult result;
  Loader loader(file, options);
  try {
    YAML::Node root = YAML::Load(text);
    result.error = check_tree(root, file);
    if (!result.error) result.scenario = loader.load(root);
  } catch (const Failure& f) {
    result.error = f.error;
  } catch (const YAML::Exception& e) {
    result.error = yaml_error(file, e);
  }
  return result;
}

LoadResult load_file(const std::string& path, const LoadOptions& options) {
  LoadResult r;
  auto text = read_text(path, "scenario file", r.error);
  return text ? load_string(*text, path, options) : r;
}

CalibrationResult load_calibration_string(const std::string& text, const std::string& file) {
  CalibrationResult result;
  Loader loader(file, {});
  try {
    YAML::Node root = YAML::Load(text);
    result.error = check_tree(root, file);
    if (!result.error) result.profile = loader.load_calibration(root);
  } catch (const Failure& f) {
    result.error = f.error;
  } catch (const YAML::Exception& e) {
    result.error = yaml_error(file, e);
  }
  return result;
}

CalibrationResult load_calibration_file(const std::string& path) {
  CalibrationResult r;
  auto text = read_text(path, "calibration profile", r.error);
  return text ? load_calibration_string(*text, path) : r;
}

namespace {

// Average CPU a guest asks for on a host of this speed: each of its
// processes alone on one core, computing and then idle.
double cpu_demand(const GuestPlan& g, const HostSpec& h) {
  double sum = 0.0;
  for (const ProcessSpec& p : g.processes) {
    double work = 0.0, idle = 0.0;
    p.for_each_distinct_step([&](const Step& s, double amount) {
      if (s.kind == Step::Kind::kCompute) work += amount;
      else if (s.kind == Step::Kind::kSleep) idle += amount;
      else idle += amount * h.disk_latency_s;
    });
    if (work > 0) sum += work / (work / h.speed_flops + idle);
  }
  if (is_vm(g.spec.mode)) sum = std::min({sum, g.spec.vcpus * h.speed_flops, g.spec.cap_flops});
  return sum;
}

// Chooses a host for every pooled guest, in file order, counting memory,
// vCPUs (against the overcommit ratio) and average CPU demand; fixed guests
// take their room first where they appear. Returns the host index of each
// guest, or -1 when nothing had room.
std::vector<long> place_guests(const Scenario& sc, const CalibrationProfile& profile) {
  struct Room {
    double memory, vcpus, cpu;
  };
  std::vector<Room> free;
  std::unordered_map<std::string, long> index;
  for (const HostSpec& h : sc.hosts) {
    index.emplace(h.name, static_cast<long>(free.size()));
    free.push_back({h.memory_bytes, h.cores * h.cpu_overcommit, h.cores * h.speed_flops});
  }
  std::vector<long> where;
  std::vector<std::set<std::string>> labels(sc.hosts.size());  // anti-affinity labels placed on each host
  for (const GuestPlan& g : sc.guests) {
    const double mem = footprint_bytes(g.spec, profile);
    const double vcpus = is_vm(g.spec.mode) ? g.spec.vcpus : 0.0;
    // Smallest share of room left on h after placing g there; negative if it does not fit.
    auto left = [&](std::size_t h) {
      const HostSpec& hs = sc.hosts[h];
      const Room& r = free[h];
      const double m = (r.memory - mem) / hs.memory_bytes;
      const double v = (r.vcpus - vcpus) / (hs.cores * hs.cpu_overcommit);
      const double c = (r.cpu - cpu_demand(g, hs)) / (hs.cores * hs.speed_flops);
      return std::min({m, v, c});
    };
    long chosen = -1;
    if (g.placement == Placement::kFixed) {
      chosen = index.at(g.host);
    } else {
      double best = 0.0;
      for (std::size_t h = 0; h < sc.hosts.size(); ++h) {
        if (sc.hosts[h].group != g.pool) continue;
        if (!g.spec.anti_affinity.empty() && labels[h].count(g.spec.anti_affinity)) continue;
        const double l = left(h);
        if (l < -1e-12) continue;
        const bool better = chosen < 0 || (g.placement == Placement::kBestFit && l < best) ||
                            (g.placement == Placement::kWorstFit && l > best);
        if (better) {
          chosen = static_cast<long>(h);
          best = l;
        }
        if (g.placement == Placement::kFirstFit) break;
      }
    }
    if (chosen >= 0) {
      Room& r = free[static_cast<std::size_t>(chosen)];
      r.memory -= mem;
      r.vcpus -= vcpus;
      r.cpu -= cpu_demand(g, sc.hosts[static_cast<std::size_t>(chosen)]);
      if (!g.spec.anti_affinity.empty()) labels[static_cast<std::size_t>(chosen)].insert(g.spec.anti_affinity);
    }
    where.push_back(chosen);
  }
  return where;
}

}  // namespace

std::unique_ptr<World> build_world(const Scenario& sc, const CalibrationProfile& profile) {
  auto world = std::make_unique<World>(sc.seed);
  world->set_calibration(profile);
  std::unordered_map<std::string, Host*> hosts;
  for (const HostSpec& h : sc.hosts) hosts.emplace(h.name, &world->add_host(h));
  if (sc.ha) world->set_ha(*sc.ha);
  const bool repairs = std::any_of(sc.failures.begin(), sc.failures.end(), [](const FailurePlan& f) {
    return !f.component && f.repair_s.has_value();
  });
  const bool checkpoints = std::any_of(sc.guests.begin(), sc.guests.end(), [](const GuestPlan& g) {
    return g.spec.protection == Protection::kCheckpoint;
  });
  if (sc.ha || repairs || checkpoints || !sc.faults.empty()) world->set_restartable(true);

  if (sc.network.present) {
    Network& net = world->network();
    net.set_failover(sc.network.failover_s);
    net.set_route_by_hops(sc.network.route_by_hops);
    for (const NodeSpec& n : sc.network.nodes) net.add_node(n);
    for (const LinkSpec& l : sc.network.links) net.add_link(l);
  }
  for (const ReplicationPlan& r : sc.replications) {
    ReplicationSpec spec = r.spec;
    spec.from = *world->network().find(r.from);
    spec.to = *world->network().find(r.to);
    world->add_replication(std::move(spec));
  }
  const std::vector<long> placed = place_guests(sc, profile);
  for (std::size_t i = 0; i < sc.guests.size(); ++i) {
    const GuestPlan& plan = sc.guests[i];
    if (placed[i] < 0) {
      // No host of its pool had room: it stays unplaced, shown on the pool's first host.
      for (Host& h : world->hosts())
        if (h.group() == plan.pool) {
          world->refuse_guest(world->add_guest(plan.spec, h), plan.start_s);
          break;
        }
      continue;
    }
    Guest& g = world->add_guest(plan.spec, world->hosts()[static_cast<std::size_t>(placed[i])]);
    if (!plan.disk.empty()) g.set_disk_node(*world->network().find(plan.disk));
    world->start_guest(g, plan.start_s, plan.processes);
  }
  for (const FailurePlan& f : sc.failures) {
    if (f.site) {
      world->schedule_site_failure(f.at_s, f.target, f.repair_s);
    } else if (f.component) {
      world->schedule_component_failure(f.at_s, f.target, f.repair_s);
    } else if (f.kind == CrashKind::kGuest) {
      Guest* g = world->find_guest(f.target);
      world->schedule_crash(f.at_s, f.kind, &g->host(), g);
    } else {
      world->schedule_crash(f.at_s, f.kind, hosts.at(f.target), nullptr, f.repair_s);
    }
  }
  for (const RandomFaults& f : sc.faults) {
    switch (f.kind) {
      case RandomFaults::Target::kHost: world->add_random_faults(*hosts.at(f.target), f.mtbf, f.mttr, f.crash); break;
      case RandomFaults::Target::kComponent: world->add_random_component_faults(f.target, f.mtbf, f.mttr); break;
      case RandomFaults::Target::kGuest:
        world->add_random_guest_faults(*world->find_guest(f.target), f.mtbf, f.mttr);
        break;
    }
  }
  if (sc.manager) world->set_pool_manager(*sc.manager);
  for (const ServicePlan& s : sc.services) {
    ServiceSpec spec = s.spec;
    for (const std::string& r : s.replicas) spec.replicas.push_back(world->find_guest(r));
    world->add_service(std::move(spec)).start();
  }
  for (const MigrationPlan& m : sc.migrations) {
    world->schedule_migration(
        {m.at_s, world->find_guest(m.guest)->index(), hosts.at(m.to)->index(), m.live, m.downtime_s, m.rounds});
  }
  if (sc.network.present) world->network().start_sampling(sc.network.sample_s);
  return world;
}

}  // namespace vzlab::hv::scenario
