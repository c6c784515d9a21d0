#include "vzlab/hv/scenario/schema.hpp"

#include <cassert>
#include <cstdio>
#include <sstream>

namespace vzlab::hv::scenario {

namespace {

using VT = ValueType;
using UK = UnitKind;

std::vector<SectionSpec> make_schema() {
  std::vector<SectionSpec> s;
  s.push_back({"scenario", "the top level of the file",
               "A scenario: a platform of hosts, the guests placed on them, what the guests run, and how to run it.",
               {
                   {"version", VT::kInteger, UK::kNone, nullptr, "Schema version; must be 1.", 1, false},
                   {"name", VT::kString, UK::kNone, "the file name", "Title shown in reports."},
                   {"description", VT::kString, UK::kNone, "\"\"", "What the scenario shows, printed above the report."},
                   {"seed", VT::kInteger, UK::kNone, "1", "Base seed of every random stream (override: --seed).", 0},
                   {"until", VT::kQuantity, UK::kDuration, "none (run until all work is done)",
                    "Simulated time at which the run stops (override: --until).", 0, true},
                   {"hosts", VT::kList, UK::kNone, nullptr, "The physical hosts.", -1e300, false, "", "host"},
                   {"guests", VT::kList, UK::kNone, "[]", "VMs and native workloads placed on the hosts.", -1e300, false,
                    "", "guest"},
                   {"workloads", VT::kNamedLists, UK::kNone, "{}",
                    "Named lists of processes that guests refer to with `workload:`.", -1e300, false, "", "process"},
                   {"output", VT::kMap, UK::kNone, "{}", "Default output settings.", -1e300, false, "", "output"},
               },
               R"(version: 1
name: Two VMs on one host
seed: 7
until: 1h
hosts:
  - {name: h0, cores: 2, speed: 1Gf}
guests:
  - {name: "vm-{i}", count: 2, host: h0, workload: batch}
workloads:
  batch:
    - steps: [{compute: 10Gf}]
)"});
  s.push_back({"host", "each item of `hosts:`",
               "A physical machine. With `count:` one item stands for many hosts whose names come from a template.",
               {
                   {"name", VT::kTemplate, UK::kNone, nullptr, "Host name; with count > 1 it must contain {i}."},
                   {"count", VT::kInteger, UK::kNone, "1", "Number of hosts this item makes (i = 0 .. count-1), at most 10,000,000.", 1},
                   {"group", VT::kTemplate, UK::kNone, "\"\"", "Label used to group hosts in reports."},
                   {"cores", VT::kInteger, UK::kNone, "1", "Number of CPU cores.", 1},
                   {"speed", VT::kQuantity, UK::kFlopRate, nullptr, "Speed of one core; no single task runs faster.",
                    0, true},
               },
               R"(hosts:
  - name: rack1-{i:02}      # rack1-00 .. rack1-15
    count: 16
    group: rack1
    cores: 8
    speed: 2.5Gf
)"});
  s.push_back({"guest", "each item of `guests:`",
               "A virtual machine (`mode: vm`) or a workload running directly on the host (`mode: native`). "
               "A VM takes from its host min(running tasks, vcpus) x share, bounded by its cap.",
               {
                   {"name", VT::kTemplate, UK::kNone, nullptr, "Guest name; with count > 1 it must contain {i}."},
                   {"count", VT::kInteger, UK::kNone, "1", "Number of guests this item makes (i = 0 .. count-1), at most 10,000,000.", 1},
                   {"host", VT::kTemplate, UK::kNone, nullptr, "Name of the host it runs on; may use {i}, e.g. h{i/8}."},
                   {"mode", VT::kChoice, UK::kNone, "vm", "How its work reaches the hardware.", -1e300, false,
                    "vm|native"},
                   {"group", VT::kTemplate, UK::kNone, "\"\"", "Label used to group guests in reports."},
                   {"vcpus", VT::kInteger, UK::kNone, "1", "Virtual CPUs (vm only).", 1},
                   {"cap", VT::kQuantity, UK::kFlopRate, "none", "Most CPU the VM may take in all (vm only).", 0, true},
                   {"share", VT::kNumber, UK::kNone, "1", "Weight against other VMs on the host (vm only).", 0, true},
                   {"start", VT::kRandom, UK::kDuration, "0", "When its processes start; a distribution is drawn "
                    "per guest.", 0},
                   {"interarrival", VT::kRandom, UK::kDuration, "none",
                    "Time between the starts of consecutive replicas, added to `start` (drawn per replica).", 0},
                   {"workload", VT::kString, UK::kNone, "none", "Name of an entry of `workloads:` to run.", -1e300,
                    false, "", "", "use either `workload` or `processes`"},
                   {"processes", VT::kList, UK::kNone, "[]", "Processes to run (instead of `workload`).", -1e300,
                    false, "", "process"},
               },
               R"(guests:
  - name: web-{i}
    count: 8
    host: h{i/4}            # 4 VMs on each of h0 and h1
    vcpus: 2
    cap: 1.5Gf
    start: {dist: uniform, min: 0s, max: 10s}
    processes:
      - {count: 2, repeat: 50, steps: [{compute: 200Mf}, {sleep: 1s}]}
)"});
  s.push_back({"process", "each item of `processes:` and of a `workloads:` entry",
               "A chain of steps run one after the other, `repeat` times. Several processes of one guest run "
               "in parallel.",
               {
                   {"name", VT::kString, UK::kNone, "p<index>", "Label of the process."},
                   {"count", VT::kInteger, UK::kNone, "1", "Identical processes started together.", 1},
                   {"repeat", VT::kInteger, UK::kNone, "1", "Times the chain of steps runs.", 1},
                   {"steps", VT::kList, UK::kNone, nullptr, "The chain of steps.", -1e300, false, "", "step"},
               },
               R"(processes:
  - name: batch
    repeat: 100
    steps:
      - compute: {dist: uniform, min: 0.5Gf, max: 1.5Gf}
      - sleep: 100ms
)"});
  s.push_back({"step", "each item of `steps:`",
               "One thing a process does. Each step has exactly one key. A computing task is active; a "
               "sleeping one takes no CPU.",
               {
                   {"compute", VT::kRandom, UK::kFlops, "-", "CPU work of this step.", 0, false, "", "", ""},
                   {"sleep", VT::kRandom, UK::kDuration, "-", "Idle time of this step.", 0, false, "", "", ""},
               },
               R"(steps:
  - compute: 2Gf
  - sleep: {dist: exponential, mean: 500ms}
)"});
  s.push_back({"distribution", "any value marked *random*",
               "A seeded random value, drawn once per use (per guest, per step repetition). Each draw comes from a "
               "stream named after what it is for, so adding a guest never changes the draws of another; "
               "replica i of a named workload draws the same values on whatever guest runs it. "
               "Negative draws are clamped to 0.",
               {
                   {"dist", VT::kChoice, UK::kNone, nullptr, "The distribution.", -1e300, false,
                    "constant|uniform|exponential|normal|lognormal|weibull"},
                   {"value", VT::kQuantity, UK::kNone, "-", "constant: the value (in the unit of the key)."},
                   {"min", VT::kQuantity, UK::kNone, "-", "uniform: lower end."},
                   {"max", VT::kQuantity, UK::kNone, "-", "uniform: upper end (above min)."},
                   {"mean", VT::kQuantity, UK::kNone, "-", "exponential, normal: the mean."},
                   {"stddev", VT::kQuantity, UK::kNone, "-", "normal: standard deviation.", 0},
                   {"mu", VT::kNumber, UK::kNone, "-", "lognormal: mean of the logarithm (of the value in base units)."},
                   {"sigma", VT::kNumber, UK::kNone, "-", "lognormal: std. deviation of the logarithm.", 0},
                   {"shape", VT::kNumber, UK::kNone, "-", "weibull: shape k.", 0, true},
                   {"scale", VT::kQuantity, UK::kNone, "-", "weibull: scale lambda.", 0, true},
               },
               R"(compute: {dist: normal, mean: 1Gf, stddev: 200Mf}
start: {dist: exponential, mean: 30s}
)"});
  s.push_back({"output", "`output:` at the top level",
               "Where and how `vzlab run` writes results; command-line options override these.",
               {
                   {"format", VT::kChoice, UK::kNone, "table", "What `vzlab run` prints.", -1e300, false,
                    "table|csv|json"},
                   {"dir", VT::kString, UK::kNone, "none", "Folder for CSV files (like --out)."},
                   {"trace", VT::kString, UK::kNone, "none", "Chrome/Perfetto trace file (like --trace)."},
               },
               R"(output:
  format: json
  dir: results/
  trace: trace.json
)"});
  return s;
}

const char* type_label(const KeySpec& k) {
  switch (k.type) {
    case VT::kString: return "text";
    case VT::kTemplate: return "name template";
    case VT::kInteger: return "integer";
    case VT::kNumber: return "number";
    case VT::kQuantity: return "quantity";
    case VT::kRandom: return "quantity or random";
    case VT::kChoice: return "choice";
    case VT::kList: return "list";
    case VT::kMap: return "map";
    case VT::kNamedLists: return "map of lists";
  }
  return "?";
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

const std::vector<SectionSpec>& schema() {
  static const std::vector<SectionSpec> s = make_schema();
  return s;
}

const SectionSpec& section(std::string_view name) {
  for (const SectionSpec& s : schema())
    if (name == s.name) return s;
  assert(false && "unknown schema section");
  return schema().front();
}

const KeySpec* find_key(const SectionSpec& s, std::string_view key) {
  for (const KeySpec& k : s.keys)
    if (key == k.name) return &k;
  return nullptr;
}

std::string schema_markdown() {
  std::ostringstream out;
  out << "# Scenario file format (version " << kSchemaVersion << ")\n\n"
      << "<!-- Generated by `vzlab schema`; a test checks this file against the code. Do not edit by hand. -->\n\n"
      << "A scenario is a YAML file. Every key below is checked when the file is loaded: an unknown key, a "
         "value of the wrong type, a reference to something that does not exist or an impossible value is an "
         "error naming the file, line, column and key (`vzlab validate FILE` checks a file without running it).\n\n"
      << "Quantities take a number in the base unit or a number with a unit: durations (`s`, `ms`, `us`, `ns`, "
         "`min`, `h`, `d`), amounts of work (`f`/`flop` with `k`, `M`, `G`, `T`, `P`), CPU speeds (the same, "
         "`/s` optional) and sizes (`B` with decimal or `Ki`, `Mi`, `Gi`, `Ti` prefixes).\n\n"
      << "Name templates: in a `name`, `host` or `group` of an item with `count: N`, `{...}` is an integer "
         "expression of the replica index `i` (0 .. N-1) with `+ - * / %` and parentheses, optionally "
         "zero-padded: `{i:03}`. Example: `host: h{i/8}` puts replicas 0-7 on h0, 8-15 on h1. Inside a "
         "one-line `{ ... }` map, YAML needs the template quoted: `{name: \"vm-{i}\", count: 4}`.\n\n";
  for (const SectionSpec& s : schema()) {
    out << "## `" << s.name << "` — " << s.where << "\n\n" << s.description << "\n\n";
    out << "| key | type | unit | default | allowed | description |\n|---|---|---|---|---|---|\n";
    for (const KeySpec& k : s.keys) {
      std::string allowed;
      if (k.type == VT::kChoice) {
        allowed = k.choices;
        for (auto& c : allowed)
          if (c == '|') c = ',';
      } else if (k.min > -1e299) {
        allowed = (k.min_exclusive ? "> " : ">= ") + format_number(k.min);
      }
      if (*k.child) allowed = std::string("items: `") + k.child + "`";
      std::string def = k.default_value ? k.default_value : "**required**";
      std::string desc = k.description;
      if (*k.note) desc += std::string(" (") + k.note + ")";
      out << "| `" << k.name << "` | " << type_label(k) << " | " << (k.unit == UK::kNone ? "" : base_unit(k.unit))
          << " | " << def << " | " << allowed << " | " << desc << " |\n";
    }
    out << "\nExample:\n\n```yaml\n" << s.example << "```\n\n";
  }
  return out.str();
}

}  // namespace vzlab::hv::scenario
