// The schema table is the single source of truth: the committed docs equal
// what it generates, its defaults are what the loader uses, its required keys
// are required, and its examples are valid scenario text.
#include "vzlab/hv/scenario/schema.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "vzlab/hv/scenario/scenario.hpp"
#include "vzlab/hv/scenario/units.hpp"

namespace vzlab::hv::scenario {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string indent(const std::string& text, int n) {
  std::string out, line;
  std::istringstream in(text);
  while (std::getline(in, line)) out += std::string(static_cast<std::size_t>(n), ' ') + line + "\n";
  return out;
}

Scenario load_ok(const std::string& text) {
  LoadResult r = load_string(text, "example.yaml", {});
  if (!r.ok()) {
    ADD_FAILURE() << r.error->format() << "\n--- text ---\n" << text;
    return {};
  }
  return *r.scenario;
}

TEST(SchemaDocs, CommittedDocsMatchTheSchema) {
  // docs/scenario-format.md is the output of schema_markdown(), byte for byte.
  const std::string path = std::string(VZLAB_SOURCE_DIR) + "/docs/scenario-format.md";
  const std::string committed = read_file(path);
  const std::string generated = schema_markdown();
  ASSERT_FALSE(committed.empty()) << path << " is missing or empty; "
                                  << "regenerate with: build/cli/vzlab schema > docs/scenario-format.md";
  if (committed == generated) return;
  std::istringstream a(committed), b(generated);
  std::string la, lb;
  int line = 0;
  while (true) {
    ++line;
    const bool ha = static_cast<bool>(std::getline(a, la)), hb = static_cast<bool>(std::getline(b, lb));
    if (!ha || !hb || la != lb) break;
  }
  ADD_FAILURE() << path << " differs from schema_markdown() at line " << line << ":\n  file: " << la
                << "\n  code: " << lb << "\nregenerate with: build/cli/vzlab schema > docs/scenario-format.md";
}

TEST(SchemaDocs, MarkdownHasOneSectionPerSchemaSection) {
  // Every section of schema() has a "## `name`" heading and a row per key.
  const std::string md = schema_markdown();
  for (const SectionSpec& s : schema()) {
    EXPECT_NE(md.find(std::string("## `") + s.name + "`"), std::string::npos) << s.name;
    for (const KeySpec& k : s.keys) EXPECT_NE(md.find(std::string("| `") + k.name + "` |"), std::string::npos) << k.name;
  }
}

// A valid scenario with every optional key absent: one host, one guest, one process.
const char* kMinimal = R"(version: 1
hosts:
  - name: h0
    speed: 1Gf
guests:
  - name: g
    host: h0
    processes:
      - steps:
          - compute: 1Gf
)";

// A profile file that sets nothing but its version: every field at its default.
CalibrationProfile calibration() {
  auto r = load_calibration_string("version: 1\n", "defaults.yaml");
  EXPECT_TRUE(r.ok()) << r.error->format();
  return r.ok() ? *r.profile : CalibrationProfile{};
}

// The size of an io step that does not give one.
double io_step_size() {
  const Scenario sc = load_ok(R"(version: 1
hosts: [{name: h0, speed: 1Gf}]
guests: [{name: g, host: h0, processes: [{steps: [{io: {ops: 1}}]}]}]
)");
  return sc.guests[0].processes[0].steps[0].io_size_bytes;
}

// A scenario with a network whose optional keys are all absent.
const char* kMinimalNetwork = R"(version: 1
hosts: [{name: h0, speed: 1Gf}, {name: h1, speed: 1Gf}]
ha: {}
manager: {}
network:
  shapes: [{shape: dual-fabric-san, name: san}, {shape: leaf-spine, name: dc}]
  nodes: [{name: local, kind: das, host: h0}, {name: sw, kind: switch}, {name: nas, kind: nas},
          {name: nas2, kind: nas}]
  links: [{from: sw, to: h0, bandwidth: 1Gb/s}, {from: sw, to: h1, bandwidth: 1Gb/s}, {from: sw, to: nas, bandwidth: 1Gb/s},
          {from: sw, to: nas2, bandwidth: 1Gb/s}]
replications: [{from: nas, to: nas2, mode: async}]
guests: [{name: g, host: h0, disk: san, processes: [{steps: [{compute: 1Gf}]}]}]
migrations: [{at: 1s, guest: g, to: h1}]
services: [{name: s, replicas: g, interarrival: 1s, service_time: 1s, stop: 1h}]
)";

// Two NASes on one switch, for replications.
const std::string kReplicationNet =
    "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nnetwork:\n  nodes: [{name: sw, kind: switch}, {name: a, kind: nas}, "
    "{name: b, kind: nas}]\n  links: [{from: a, to: sw, bandwidth: 1Gb/s}, {from: b, to: sw, bandwidth: 1Gb/s}]\n";

TEST(SchemaDocs, NumericDefaultsAreWhatTheLoaderUses) {
  // For each key whose documented default parses as a number, loading kMinimal (key absent)
  // gives that number. A new numeric default without a check here fails the test.
  const Scenario sc = load_ok(kMinimal);
  ASSERT_EQ(sc.hosts.size(), 1u);
  ASSERT_EQ(sc.guests.size(), 1u);
  ASSERT_EQ(sc.guests[0].processes.size(), 1u);
  const GuestPlan& g = sc.guests[0];
  const ProcessSpec& p = g.processes[0];
  const Scenario net = load_ok(kMinimalNetwork);
  auto node = [&](const std::string& name) -> const NodeSpec& {
    for (const NodeSpec& n : net.network.nodes)
      if (n.name == name) return n;
    ADD_FAILURE() << "no node " << name;
    return net.network.nodes.front();
  };
  auto count = [&](const std::string& prefix) {
    double c = 0;
    for (const NodeSpec& n : net.network.nodes) c += n.name.rfind(prefix, 0) == 0 ? 1 : 0;
    return c;
  };
  auto link = [&](const std::string& a, const std::string& b) -> const LinkSpec& {
    for (const LinkSpec& l : net.network.links)
      if (l.a == a && l.b == b) return l;
    ADD_FAILURE() << "no link " << a << "--" << b;
    return net.network.links.front();
  };
  const std::map<std::string, double> loaded{
      {"guest.disk_size", net.guests[0].disk_size_bytes},
      {"guest.dirty_rate", net.guests[0].spec.dirty_rate_Bps},
      {"guest.checkpoint_interval", net.guests[0].spec.checkpoint_interval_s},
      {"migration.downtime", net.migrations.at(0).downtime_s},
      {"migration.rounds", static_cast<double>(net.migrations.at(0).rounds)},
      {"service.servers", static_cast<double>(net.services.at(0).spec.servers)},
      {"service.queue_limit", static_cast<double>(net.services.at(0).spec.queue_limit)},
      {"service.health_check", net.services.at(0).spec.health_check_s},
      {"service.start", net.services.at(0).spec.start_s},
      {"ha.heartbeat", net.ha ? net.ha->heartbeat_s : -1.0},
      {"manager.interval", net.manager ? net.manager->interval_s : -1.0},
      {"manager.hot", net.manager ? net.manager->hot : -1.0},
      {"ha.misses", net.ha ? static_cast<double>(net.ha->misses) : -1.0},
      {"network.failover", net.network.failover_s},
      {"replication.interval", net.replications.at(0).spec.interval_s},
      {"replication.activation", net.replications.at(0).spec.activation_s},
      {"network.sample", net.network.sample_s},
      {"node.count", count("local")},
      {"node.latency", node("local").latency_s},
      {"node.fill", node("local").fill_bytes},
      {"node.link", link("h0", "local").bandwidth_Bps},
      {"link.count", static_cast<double>(std::count_if(net.network.links.begin(), net.network.links.end(),
                                                       [](const LinkSpec& l) { return l.a == "sw" && l.b == "h0"; }))},
      {"link.latency", link("sw", "h0").latency_s},
      {"shape.leaves", count("dc-leaf-")},
      {"shape.spines", count("dc-spine-")},
      {"shape.controllers", count("san-ctl-")},
      {"shape.controller_bandwidth", node("san-ctl-0").bandwidth_Bps},
      {"shape.arrays", count("san-array-")},
      {"shape.array_bandwidth", node("san-array-0").bandwidth_Bps},
      {"shape.array_iops", node("san-array-0").iops},
      {"shape.array_latency", node("san-array-0").latency_s},
      {"shape.array_capacity", node("san-array-0").capacity_bytes},
      {"scenario.seed", static_cast<double>(sc.seed)},
      {"host.count", static_cast<double>(sc.hosts.size())},
      {"host.cores", sc.hosts[0].cores},
      {"guest.count", static_cast<double>(sc.guests.size())},
      {"guest.vcpus", g.spec.vcpus},
      {"guest.share", g.spec.share},
      {"guest.start", p.start_s},
      {"process.count", static_cast<double>(g.processes.size())},
      {"process.repeat", p.repeat},
      {"host.disk_bandwidth", sc.hosts[0].disk_bandwidth_Bps},
      {"host.disk_latency", sc.hosts[0].disk_latency_s},
      {"host.power_idle", sc.hosts[0].power_idle_W},
      {"host.power_peak", sc.hosts[0].power_peak_W},
      {"host.rack_units", static_cast<double>(sc.hosts[0].rack_units)},
      {"host.memory", sc.hosts[0].memory_bytes},
      {"host.cpu_overcommit", sc.hosts[0].cpu_overcommit},
      {"guest.memory", g.spec.memory_bytes},
      {"calibration.vm_os_memory", calibration().vm_os_memory_bytes},
      {"calibration.vmm_memory_overhead", calibration().vmm_memory_overhead_bytes},
      {"calibration.container_memory_overhead", calibration().container_memory_overhead_bytes},
      {"calibration.vm_boot", calibration().vm_boot_s},
      {"calibration.container_start", calibration().container_start_s},
      {"calibration.native_start", calibration().native_start_s},
      {"calibration.swap_slowdown", calibration().swap_slowdown},
      {"step.syscalls", p.steps[0].syscalls},
      {"step.privileged", p.steps[0].privileged},
      {"step.page_faults", p.steps[0].page_faults},
      {"calibration.page_fault", calibration().page_fault_s},
      {"calibration.first_touch_exit", calibration().first_touch_exit_s},
      {"calibration.shadow_fault", calibration().shadow_fault_s},
      {"io.size", io_step_size()},
      {"calibration.version", 1.0},
      {"calibration.nested_exit_factor", calibration().nested_exit_factor},
      {"calibration.syscall", calibration().syscall_s},
      {"calibration.exit", calibration().exit_s},
      {"calibration.user_exit_extra", calibration().user_exit_extra_s},
      {"calibration.bt_privileged", calibration().bt_privileged_s},
      {"calibration.bt_syscall", calibration().bt_syscall_s},
      {"calibration.hypercall", calibration().hypercall_s},
      {"calibration.pv_privileged_batch", calibration().pv_privileged_batch},
      {"calibration.emulated_exits_per_io", calibration().emulated_exits_per_io},
      {"calibration.emulation_cpu_per_io", calibration().emulation_cpu_per_io_s},
      {"calibration.pv_ring_per_io", calibration().pv_ring_per_io_s},
      {"calibration.pv_backend_cpu_per_io", calibration().pv_backend_cpu_per_io_s},
      {"calibration.pv_batch", calibration().pv_batch},
      {"calibration.pv_notify", calibration().pv_notify_s},
      {"calibration.native_io_cpu", calibration().native_io_cpu_s},
      {"calibration.type2_exit_factor", calibration().type2_exit_factor},
      {"calibration.type2_io_extra_cpu", calibration().type2_io_extra_cpu_s},
      {"calibration.type2_host_os_share", calibration().type2_host_os_share},
  };
  std::set<std::string> checked;
  for (const SectionSpec& s : schema()) {
    for (const KeySpec& k : s.keys) {
      if (k.default_value == nullptr) continue;
      auto def = parse_quantity(k.default_value, k.unit, nullptr);
      if (!def) continue;
      const std::string id = std::string(s.name) + "." + k.name;
      auto it = loaded.find(id);
      if (it == loaded.end()) {
        ADD_FAILURE() << id << " has numeric default " << k.default_value << " but no check in this test";
        continue;
      }
      EXPECT_DOUBLE_EQ(it->second, *def) << id << " documented default " << k.default_value;
      checked.insert(id);
    }
  }
  for (const auto& [id, v] : loaded) EXPECT_TRUE(checked.count(id)) << id << " no longer has a numeric default";
}

TEST(SchemaDocs, WordDefaultsAreWhatTheLoaderUses) {
  // guest.mode "full", output.format "table", process.name "p<index>" (p0, p1), scenario.name
  // "the file name" (example.yaml -> example), and "none"/"\"\"" for cap, until, group.
  ASSERT_STREQ(find_key(section("guest"), "mode")->default_value, "full");
  ASSERT_STREQ(find_key(section("output"), "format")->default_value, "table");
  ASSERT_STREQ(find_key(section("process"), "name")->default_value, "p<index>");
  const Scenario sc = load_ok(std::string(kMinimal) + "      - steps: [{sleep: 1s}]\n");
  EXPECT_EQ(sc.guests[0].spec.mode, GuestMode::kFull);
  EXPECT_EQ(sc.output.format, "table");
  ASSERT_EQ(sc.guests[0].processes.size(), 2u);
  EXPECT_EQ(sc.guests[0].processes[0].name, "p0");
  EXPECT_EQ(sc.guests[0].processes[1].name, "p1");
  EXPECT_EQ(sc.name, "example");
  EXPECT_EQ(sc.guests[0].spec.cap_flops, engine::Variable::kNoBound);
  EXPECT_FALSE(sc.until_s.has_value());
  EXPECT_EQ(sc.hosts[0].group, "");
  EXPECT_EQ(sc.guests[0].group, "");
  EXPECT_EQ(sc.description, "");
}

TEST(SchemaDocs, RequiredKeysAreRequired) {
  // Keys documented as required (no default) are exactly these, and leaving one out fails
  // with "missing required key '<key>'" (a missing dist: "compute: {min: 1, max: 2}").
  const std::map<std::string, std::string> without{
      {"scenario.version", "hosts: [{name: h0, speed: 1Gf}]\n"},
      {"scenario.hosts", "version: 1\n"},
      {"host.name", "version: 1\nhosts: [{speed: 1Gf}]\n"},
      {"host.speed", "version: 1\nhosts: [{name: h0}]\n"},
      {"guest.name", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nguests: [{host: h0}]\n"},
      {"process.steps", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nguests: [{name: g, host: h0, processes: [{}]}]\n"},
      {"distribution.dist", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\n"
                            "guests: [{name: g, host: h0, start: {min: 1, max: 2}}]\n"},
      {"failure.at", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nfailures: [{crash: host, target: h0}]\n"},
      {"failure.crash", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nfailures: [{at: 1s, target: h0}]\n"},
      {"failure.target", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nfailures: [{at: 1s, crash: host}]\n"},
      {"layer.layer", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nimages: {web: [{size: 1MiB}]}\n"},
      {"layer.size", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nimages: {web: [{layer: base}]}\n"},
      {"io.ops", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\n"
                 "guests: [{name: g, host: h0, processes: [{steps: [{io: {size: 4KiB}}]}]}]\n"},
      {"node.name", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nnetwork: {nodes: [{kind: switch}]}\n"},
      {"node.kind", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nnetwork: {nodes: [{name: s}]}\n"},
      {"link.from", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nnetwork: {links: [{to: h0, bandwidth: 1}]}\n"},
      {"link.to", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nnetwork: {links: [{from: h0, bandwidth: 1}]}\n"},
      {"link.bandwidth",
       "version: 1\nhosts: [{name: h0, speed: 1Gf}, {name: h1, speed: 1Gf}]\nnetwork: {links: [{from: h0, to: h1}]}\n"},
      {"shape.shape", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nnetwork: {shapes: [{name: lan}]}\n"},
      {"shape.name", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nnetwork: {shapes: [{shape: star}]}\n"},
      {"pool.name", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nnetwork: {pools: [{arrays: a}]}\n"},
      {"pool.arrays", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nnetwork: {pools: [{name: p}]}\n"},
      {"service.name", "version: 1\nuntil: 1h\nhosts: [{name: h0, speed: 1Gf}]\nguests: [{name: g, host: h0}]\n"
                       "services: [{replicas: g, interarrival: 1s, service_time: 1s}]\n"},
      {"service.replicas", "version: 1\nuntil: 1h\nhosts: [{name: h0, speed: 1Gf}]\n"
                           "services: [{name: s, interarrival: 1s, service_time: 1s}]\n"},
      {"service.interarrival", "version: 1\nuntil: 1h\nhosts: [{name: h0, speed: 1Gf}]\nguests: [{name: g, host: h0}]\n"
                               "services: [{name: s, replicas: g, service_time: 1s}]\n"},
      {"service.service_time", "version: 1\nuntil: 1h\nhosts: [{name: h0, speed: 1Gf}]\nguests: [{name: g, host: h0}]\n"
                               "services: [{name: s, replicas: g, interarrival: 1s}]\n"},
      {"migration.at", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nmigrations: [{guest: g, to: h0}]\n"},
      {"migration.guest", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nmigrations: [{at: 1s, to: h0}]\n"},
      {"migration.to", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nmigrations: [{at: 1s, guest: g}]\n"},
      {"replication.from", kReplicationNet + "replications: [{to: b, mode: sync}]\n"},
      {"replication.to", kReplicationNet + "replications: [{from: a, mode: sync}]\n"},
      {"replication.mode", kReplicationNet + "replications: [{from: a, to: b}]\n"},
  };
  std::set<std::string> required;
  for (const SectionSpec& s : schema())
    for (const KeySpec& k : s.keys)
      if (k.default_value == nullptr) required.insert(std::string(s.name) + "." + k.name);
  std::set<std::string> listed;
  for (const auto& [id, text] : without) listed.insert(id);
  EXPECT_EQ(required, listed);
  for (const auto& [id, text] : without) {
    LoadResult r = load_string(text, "req.yaml", {});
    ASSERT_FALSE(r.ok()) << id << " left out, but the text loaded";
    const std::string key = id.substr(id.find('.') + 1);
    EXPECT_NE(r.error->message.find("missing required key '" + key + "'"), std::string::npos)
        << id << ": " << r.error->format();
  }
}

TEST(SchemaDocs, ChoiceDefaultsAreAmongTheChoices) {
  // A kChoice key's default, when it has one, is one of its words.
  for (const SectionSpec& s : schema())
    for (const KeySpec& k : s.keys) {
      if (k.type != ValueType::kChoice || k.default_value == nullptr) continue;
      const std::string choices = std::string("|") + k.choices + "|";
      EXPECT_NE(choices.find(std::string("|") + k.default_value + "|"), std::string::npos) << s.name << "." << k.name;
    }
}

TEST(SchemaDocs, EveryExampleIsValidYaml) {
  // Each section's example parses as YAML into a map (what a reader would paste into a file).
  for (const SectionSpec& s : schema()) {
    SCOPED_TRACE(s.name);
    try {
      YAML::Node n = YAML::Load(s.example);
      EXPECT_TRUE(n.IsMap());
    } catch (const YAML::Exception& e) {
      ADD_FAILURE() << "example of section '" << s.name << "' is not valid YAML: " << e.what() << "\n" << s.example;
    }
  }
}

// Hosts h0 and h1 for the examples that need them.
const std::string kTwoHosts = "version: 1\nhosts:\n  - {name: h0, cores: 4, speed: 1Gf}\n  - {name: h1, cores: 4, speed: 1Gf}\n";

TEST(SchemaDocs, ScenarioExampleLoads) {
  // The top-level example is a whole scenario: seed 7, until 1 h = 3600 s, two VMs vm-0, vm-1 on h0.
  LoadResult r = load_string(section("scenario").example, "example.yaml", {});
  ASSERT_TRUE(r.ok()) << r.error->format() << "\n" << section("scenario").example;
  const Scenario& sc = *r.scenario;
  EXPECT_EQ(sc.seed, 7u);
  EXPECT_EQ(sc.until_s.value_or(-1), 3600.0);
  ASSERT_EQ(sc.guests.size(), 2u);
  EXPECT_EQ(sc.guests[1].spec.name, "vm-1");
  EXPECT_EQ(sc.guests[1].host, "h0");
}

TEST(SchemaDocs, HostExampleLoads) {
  // "rack1-{i:02}" with count 16: rack1-00 .. rack1-15, 8 cores of 2.5 Gf/s (as its comment says).
  const Scenario sc = load_ok(std::string("version: 1\n") + section("host").example);
  ASSERT_EQ(sc.hosts.size(), 16u);
  EXPECT_EQ(sc.hosts[0].name, "rack1-00");
  EXPECT_EQ(sc.hosts[15].name, "rack1-15");
  EXPECT_EQ(sc.hosts[15].cores, 8);
  EXPECT_DOUBLE_EQ(sc.hosts[15].speed_flops, 2.5e9);
}

TEST(SchemaDocs, GuestExampleLoads) {
  // 8 guests on h{i/4}: web-0..3 on h0 and web-4..7 on h1 (its comment); 2 processes each, cap 1.5 Gf.
  const Scenario sc = load_ok(kTwoHosts + section("guest").example);
  ASSERT_EQ(sc.guests.size(), 8u);
  EXPECT_EQ(sc.guests[3].host, "h0");
  EXPECT_EQ(sc.guests[4].host, "h1");
  EXPECT_EQ(sc.guests[7].spec.name, "web-7");
  EXPECT_DOUBLE_EQ(sc.guests[0].spec.cap_flops, 1.5e9);
  EXPECT_EQ(sc.guests[0].processes.size(), 2u);
}

TEST(SchemaDocs, ProcessExampleLoads) {
  // The example's `processes:` placed in a guest: one process "batch" of 2 steps repeated
  // 100 times, with 100 x 2 drawn amounts.
  const Scenario sc = load_ok(kTwoHosts + "guests:\n  - name: g\n    host: h0\n" + indent(section("process").example, 4));
  ASSERT_EQ(sc.guests.size(), 1u);
  ASSERT_EQ(sc.guests[0].processes.size(), 1u);
  EXPECT_EQ(sc.guests[0].processes[0].name, "batch");
  EXPECT_EQ(sc.guests[0].processes[0].steps.size(), 2u);
  EXPECT_EQ(sc.guests[0].processes[0].repeat, 100);
  EXPECT_EQ(sc.guests[0].processes[0].drawn.size(), 200u);
}

TEST(SchemaDocs, StepExampleLoads) {
  // The example's `steps:` placed in a process: compute 2 Gf with 20000 system
  // calls and 500 privileged operations, a drawn sleep, 1000 I/O requests of 4 KiB.
  const Scenario sc = load_ok(kTwoHosts + "guests:\n  - name: g\n    host: h0\n    processes:\n      - name: p\n" +
                              indent(section("step").example, 8));
  ASSERT_EQ(sc.guests.size(), 1u);
  const auto& steps = sc.guests[0].processes.at(0).steps;
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_DOUBLE_EQ(steps[0].amount, 2e9);
  EXPECT_DOUBLE_EQ(steps[0].syscalls, 20000);
  EXPECT_DOUBLE_EQ(steps[0].privileged, 500);
  EXPECT_EQ(steps[1].kind, Step::Kind::kSleep);
  EXPECT_EQ(steps[2].kind, Step::Kind::kIo);
  EXPECT_DOUBLE_EQ(steps[2].amount, 1000);
  EXPECT_DOUBLE_EQ(steps[2].io_size_bytes, 4096);
}

TEST(SchemaDocs, IoExampleLoads) {
  // 5000 requests of 64 KiB = 65536 B, batch 32.
  const Scenario sc = load_ok(kTwoHosts + "guests:\n  - name: g\n    host: h0\n    processes:\n      - steps:\n          - " +
                              section("io").example);
  const Step& st = sc.guests[0].processes.at(0).steps.at(0);
  EXPECT_DOUBLE_EQ(st.amount, 5000);
  EXPECT_DOUBLE_EQ(st.io_size_bytes, 65536);
  EXPECT_DOUBLE_EQ(st.io_batch, 32);
}

TEST(SchemaDocs, FailureExampleLoads) {
  // A host-OS crash of ct-host-0 at 60 s, a guest crash of app3-vm at 90 s,
  // SAN fabric A down from 2 min for 10 min, and site east down at 1 h for 8 h.
  const Scenario sc = load_ok(std::string("version: 1\nhosts:\n  - {name: ct-host-0, speed: 1Gf, hypervisor: container-runtime}\n"
                                          "  - {name: h1, speed: 1Gf, site: east}\nguests: [{name: app3-vm, host: h1}]\n"
                                          "network: {shapes: [{shape: dual-fabric-san, name: san}]}\n") +
                              section("failure").example);
  ASSERT_EQ(sc.failures.size(), 4u);
  EXPECT_TRUE(sc.failures[3].site);
  EXPECT_EQ(sc.failures[3].target, "east");
  EXPECT_DOUBLE_EQ(sc.failures[3].repair_s.value_or(-1), 8 * 3600.0);
  EXPECT_EQ(sc.failures[0].kind, CrashKind::kHostOs);
  EXPECT_DOUBLE_EQ(sc.failures[1].at_s, 90.0);
  EXPECT_EQ(sc.failures[1].target, "app3-vm");
  EXPECT_TRUE(sc.failures[2].component);
  EXPECT_EQ(sc.failures[2].target, "san-fabric-a");
  EXPECT_DOUBLE_EQ(sc.failures[2].at_s, 120.0);
  EXPECT_DOUBLE_EQ(sc.failures[2].repair_s.value_or(-1), 600.0);
}

const NodeSpec* find_node(const Scenario& sc, const std::string& name) {
  for (const NodeSpec& n : sc.network.nodes)
    if (n.name == name) return &n;
  return nullptr;
}

TEST(SchemaDocs, MigrationExampleLoads) {
  // db-vm goes live from h0 to h2 at 5 min, aiming at 100 ms of downtime.
  const Scenario sc = load_ok(
      "version: 1\nhosts: [{name: h0, speed: 1Gf}, {name: h2, speed: 1Gf}]\n"
      "network: {links: [{from: h0, to: h2, bandwidth: 1Gb/s}]}\nguests: [{name: db-vm, host: h0}]\n" +
      std::string(section("migration").example));
  ASSERT_EQ(sc.migrations.size(), 1u);
  EXPECT_DOUBLE_EQ(sc.migrations[0].at_s, 300.0);
  EXPECT_EQ(sc.migrations[0].to, "h2");
  EXPECT_TRUE(sc.migrations[0].live);
  EXPECT_DOUBLE_EQ(sc.migrations[0].downtime_s, 0.1);
}

TEST(SchemaDocs, ServiceExampleLoads) {
  // web over web-0..2, least connections, 100 requests/s, 25 ms of service.
  const Scenario sc = load_ok("version: 1\nuntil: 1h\nhosts: [{name: h0, speed: 1Gf}]\n"
                              "guests: [{name: \"web-{i}\", count: 3, host: h0}]\n" +
                              std::string(section("service").example));
  ASSERT_EQ(sc.services.size(), 1u);
  EXPECT_EQ(sc.services[0].replicas, (std::vector<std::string>{"web-0", "web-1", "web-2"}));
  EXPECT_EQ(sc.services[0].spec.policy, BalancePolicy::kLeastConnections);
  EXPECT_DOUBLE_EQ(sc.services[0].spec.interarrival.a, 0.01);
  EXPECT_DOUBLE_EQ(sc.services[0].spec.service_time.a, 0.025);
  EXPECT_DOUBLE_EQ(sc.services[0].spec.stop_s, 3600.0);
}

TEST(SchemaDocs, ManagerExampleLoads) {
  const Scenario sc = load_ok(kTwoHosts + "network: {shapes: [{shape: star, name: lan}]}\n" +
                              section("manager").example);
  ASSERT_TRUE(sc.manager.has_value());
  EXPECT_DOUBLE_EQ(sc.manager->interval_s, 30.0);
  EXPECT_DOUBLE_EQ(sc.manager->hot, 0.8);
  EXPECT_TRUE(sc.manager->rebalance);
  EXPECT_TRUE(sc.manager->power_off_idle);
}

TEST(SchemaDocs, HaExampleLoads) {
  const Scenario sc = load_ok(kTwoHosts + section("ha").example);
  ASSERT_TRUE(sc.ha.has_value());
  EXPECT_DOUBLE_EQ(sc.ha->heartbeat_s, 2.0);
  EXPECT_EQ(sc.ha->misses, 3);
}

TEST(SchemaDocs, NetworkExampleLoads) {
  // Failover 5 s; a star "lan" over both hosts (1 Gb/s = 125 MB/s each), a NAS
  // of 400 MB/s linked to it at 10 Gb/s = 1.25 GB/s.
  const Scenario sc = load_ok(kTwoHosts + section("network").example);
  EXPECT_DOUBLE_EQ(sc.network.failover_s, 5.0);
  ASSERT_NE(find_node(sc, "lan"), nullptr);
  ASSERT_NE(find_node(sc, "nas"), nullptr);
  EXPECT_DOUBLE_EQ(find_node(sc, "nas")->bandwidth_Bps, 400e6);
  EXPECT_DOUBLE_EQ(find_node(sc, "nas")->capacity_bytes, 8e12);
  ASSERT_EQ(sc.network.links.size(), 3u);
  EXPECT_DOUBLE_EQ(sc.network.links[0].bandwidth_Bps, 125e6);
  EXPECT_DOUBLE_EQ(sc.network.links[2].bandwidth_Bps, 1.25e9);
}

TEST(SchemaDocs, NodeExampleLoads) {
  // das-0 .. das-3 on h0 .. h3 (each with its 6 Gb/s link), and a NAS.
  std::string hosts = "version: 1\nhosts: [{name: \"h{i}\", count: 4, speed: 1Gf}]\nnetwork:\n";
  const Scenario sc = load_ok(hosts + indent(section("node").example, 2) +
                              "  links: [{from: nas, to: h0, bandwidth: 1Gb/s}]\n");
  ASSERT_NE(find_node(sc, "das-3"), nullptr);
  EXPECT_EQ(find_node(sc, "das-3")->host, "h3");
  EXPECT_DOUBLE_EQ(find_node(sc, "das-3")->iops, 200);
  EXPECT_DOUBLE_EQ(find_node(sc, "das-3")->latency_s, 5e-3);
  EXPECT_EQ(sc.network.links.size(), 5u);
  EXPECT_DOUBLE_EQ(sc.network.links[0].bandwidth_Bps, 6e9 / 8);
}

TEST(SchemaDocs, LinkExampleLoads) {
  // h0 .. h7 each linked to sw0 at 10 Gb/s, 20 us.
  const std::string text = "version: 1\nhosts: [{name: \"h{i}\", count: 8, speed: 1Gf}]\nnetwork:\n"
                           "  nodes: [{name: sw0, kind: switch}]\n" + indent(section("link").example, 2);
  const Scenario sc = load_ok(text);
  ASSERT_EQ(sc.network.links.size(), 8u);
  EXPECT_EQ(sc.network.links[7].a, "h7");
  EXPECT_EQ(sc.network.links[7].b, "sw0");
  EXPECT_DOUBLE_EQ(sc.network.links[7].latency_s, 20e-6);
}

TEST(SchemaDocs, ShapeExampleLoads) {
  // Star: 1 switch + 2 links; leaf-spine 4 leaves x 2 spines: 6 switches, 2 host
  // links + 8 uplinks of 40 Gb/s; SAN: 2 fabrics, 2 controllers, 3 arrays, 4 host
  // links + 4 controller links + 6 array links.
  const Scenario sc = load_ok(kTwoHosts + "network:\n" + indent(section("shape").example, 2));
  EXPECT_EQ(sc.network.nodes.size(), 1u + 6u + 7u);
  EXPECT_EQ(sc.network.links.size(), 2u + 10u + 14u);
  ASSERT_NE(find_node(sc, "dc-spine-1"), nullptr);
  ASSERT_NE(find_node(sc, "san-array-2"), nullptr);
  EXPECT_EQ(find_node(sc, "san-ctl-1")->kind, NodeKind::kController);
}

TEST(SchemaDocs, PoolExampleLoads) {
  // Pool san of array-a and array-b (both empty): the guest's disk goes on one of them.
  const std::string text = kTwoHosts + "network:\n  nodes:\n    - {name: sw, kind: switch}\n"
                           "    - {name: array-a, kind: array}\n    - {name: array-b, kind: array}\n"
                           "  links: [{from: sw, to: h0, bandwidth: 1}, {from: sw, to: array-a, bandwidth: 1},"
                           " {from: sw, to: array-b, bandwidth: 1}]\n" + indent(section("pool").example, 2) +
                           "guests: [{name: g, host: h0, disk: san}]\n";
  const Scenario sc = load_ok(text);
  EXPECT_TRUE(sc.guests[0].disk == "array-a" || sc.guests[0].disk == "array-b") << sc.guests[0].disk;
}

TEST(SchemaDocs, LayerExampleLoads) {
  // Image web: three layers, 120 + 80 + 15 MiB.
  const Scenario sc = load_ok(kTwoHosts + section("layer").example +
                              "guests: [{name: g, host: h0, image: web}]\n");
  const auto& image = sc.guests[0].spec.image;
  ASSERT_EQ(image.size(), 3u);
  EXPECT_EQ(image[0].first, "debian-base");
  EXPECT_DOUBLE_EQ(image[0].second + image[1].second + image[2].second, 215.0 * 1048576);
}

TEST(SchemaDocs, CalibrationExampleLoads) {
  // nested, exit 1.2 us, syscall 80 ns; the rest at the defaults.
  auto r = load_calibration_string(section("calibration").example, "profile.yaml");
  ASSERT_TRUE(r.ok()) << r.error->format();
  EXPECT_TRUE(r.profile->nested);
  EXPECT_DOUBLE_EQ(r.profile->exit_s, 1.2e-6);
  EXPECT_DOUBLE_EQ(r.profile->syscall_s, 80e-9);
  EXPECT_DOUBLE_EQ(r.profile->hypercall_s, CalibrationProfile{}.hypercall_s);
}

TEST(SchemaDocs, DistributionExampleLoads) {
  // Each line of the example is a step key (compute, sleep) or a guest key (start, interarrival);
  // placed there, it loads.
  YAML::Node ex;
  ASSERT_NO_THROW(ex = YAML::Load(section("distribution").example));
  ASSERT_TRUE(ex.IsMap());
  std::string guest_keys, step_keys;
  for (auto it = ex.begin(); it != ex.end(); ++it) {
    YAML::Emitter e;
    e << YAML::Flow << it->second;
    const std::string line = it->first.Scalar() + ": " + e.c_str() + "\n";
    if (find_key(section("step"), it->first.Scalar()) != nullptr) step_keys += line;
    else if (find_key(section("guest"), it->first.Scalar()) != nullptr) guest_keys += line;
    else ADD_FAILURE() << "example key " << it->first.Scalar() << " is neither a step nor a guest key";
  }
  ASSERT_FALSE(step_keys.empty());
  const Scenario sc = load_ok(kTwoHosts + "guests:\n  - name: g\n    host: h0\n" + indent(guest_keys, 4) +
                              "    processes:\n      - steps:\n          - " + step_keys);
  EXPECT_EQ(sc.guests.size(), 1u);
}

TEST(SchemaDocs, OutputExampleLoads) {
  // format json, dir results/, trace trace.json.
  const Scenario sc = load_ok(kTwoHosts + section("output").example);
  EXPECT_EQ(sc.output.format, "json");
  EXPECT_EQ(sc.output.dir, "results/");
  EXPECT_EQ(sc.output.trace, "trace.json");
}

TEST(SchemaDocs, ReplicationExampleLoads) {
  // nas-east copied to nas-west every 5 min; guests start there 10 min after losing it.
  const Scenario sc = load_ok(std::string("version: 1\nhosts: [{name: h0, speed: 1Gf}]\nnetwork:\n  nodes:\n"
                                          "    - {name: nas-east, kind: nas, site: east}\n"
                                          "    - {name: nas-west, kind: nas, site: west}\n    - {name: sw, kind: switch}\n"
                                          "  links: [{from: nas-east, to: sw, bandwidth: 1GB/s}, {from: nas-west, to: sw, bandwidth: 1GB/s}]\n") +
                              section("replication").example);
  ASSERT_EQ(sc.replications.size(), 1u);
  const ReplicationPlan& r = sc.replications[0];
  EXPECT_EQ(r.from, "nas-east");
  EXPECT_EQ(r.spec.mode, ReplicationMode::kAsync);
  EXPECT_DOUBLE_EQ(r.spec.interval_s, 300.0);
  EXPECT_DOUBLE_EQ(r.spec.activation_s, 600.0);
  EXPECT_EQ(r.spec.name, "nas-east->nas-west");
  EXPECT_EQ(find_node(sc, "nas-west")->site, "west");
}

TEST(SchemaDocs, EverySectionHasAnExampleTest) {
  // The example tests above cover these sections; a new section needs a test of its example.
  std::set<std::string> names;
  for (const SectionSpec& s : schema()) names.insert(s.name);
  EXPECT_EQ(names, (std::set<std::string>{"scenario", "host", "guest", "process", "step", "io", "layer",
                                          "failure", "distribution", "output", "calibration", "network", "node",
                                          "link", "shape", "pool", "ha", "migration", "service", "manager",
                                          "replication"}));
}

}  // namespace
}  // namespace vzlab::hv::scenario
