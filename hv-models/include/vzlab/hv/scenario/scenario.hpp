// Loading scenario files into plain data, and building a World from them.
//
//   auto loaded = vzlab::hv::scenario::load_file("scenarios/consolidation.yaml", {});
//   if (!loaded.ok()) { std::cerr << loaded.error->format() << "\n"; return 1; }
//   auto world = vzlab::hv::scenario::build_world(*loaded.scenario);
//   world->run(loaded.scenario->until_s.value_or(vzlab::engine::Engine::kForever));
//
// Loading never crashes and never guesses: the first problem found is
// returned as a LoadError naming file, line, column, key and what was expected.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vzlab/hv/guest.hpp"
#include "vzlab/hv/host.hpp"
#include "vzlab/hv/network.hpp"
#include "vzlab/hv/workload.hpp"
#include "vzlab/hv/world.hpp"

namespace vzlab::hv::scenario {

/// One problem in a scenario file.
struct LoadError {
  std::string file;
  int line = 0;    ///< 1-based; 0 when unknown (e.g. missing file)
  int column = 0;  ///< 1-based
  std::string key; ///< path of the key, e.g. "hosts[2].cores"
  std::string message;
  /// "file:line:column: key: message", the form printed by the CLI.
  std::string format() const;
};

/// How a guest without a fixed host is given one from its pool.
enum class Placement {
  kFixed,     ///< `host:` names it
  kFirstFit,  ///< the first host of the pool with room
  kBestFit,   ///< the host left with the least room (packs tightly)
  kWorstFit,  ///< the host left with the most room (spreads the load)
};

/// A guest as loaded, with its host still a name.
struct GuestPlan {
  GuestSpec spec;
  std::string host;  ///< empty until placed when placement != kFixed
  Placement placement = Placement::kFixed;
  std::string pool;  ///< group of hosts to place it in
  std::string group;
  double start_s = 0.0;                ///< when it is started (then it starts up)
  std::vector<ProcessSpec> processes;  ///< start_s already set
  bool real = false;                   ///< `vzlab compare` may run it for real too
  std::string disk;                    ///< storage node holding its disk; empty: its host's own disk
  double disk_size_bytes = 0.0;
};

/// A scripted crash.
struct FailurePlan {
  double at_s = 0.0;
  CrashKind kind = CrashKind::kHost;
  std::string target;  ///< a host, a guest for kGuest, a node or link for a component
  bool component = false;          ///< a network component (node or link), not a host or guest
  bool site = false;               ///< a whole site: its hosts and network nodes
  std::optional<double> repair_s;  ///< host or component: back up this long after it failed
};

/// A planned migration, by names.
struct MigrationPlan {
  double at_s = 0.0;
  std::string guest, to;
  bool live = true;
  double downtime_s = 0.3;
  int rounds = 30;
};

/// A load-balanced service, by names.
struct ServicePlan {
  ServiceSpec spec;                   ///< replicas left empty
  std::vector<std::string> replicas;  ///< guest names
};

/// A replication for disaster recovery, by names.
struct ReplicationPlan {
  ReplicationSpec spec;  ///< from and to left 0
  std::string from, to;
};

/// Random failures of a host, a guest or a network node or link.
struct RandomFaults {
  enum class Target { kHost, kGuest, kComponent };
  std::string target;  ///< its name (a link: "a--b")
  Target kind = Target::kHost;
  Distribution mtbf, mttr;
  CrashKind crash = CrashKind::kHost;  ///< a host's: what of it fails
};

/// The network beyond the hosts (hosts become nodes by their names).
struct NetworkPlan {
  bool present = false;
  double failover_s = 2.0;
  double sample_s = 1.0;
  bool route_by_hops = false;
  std::vector<NodeSpec> nodes;
  std::vector<LinkSpec> links;
};

/// Output defaults from the file.
struct OutputSpec {
  std::string format = "table";
  std::string dir;
  std::string trace;
};

/// A loaded scenario: plain data, every random value already drawn.
struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  std::optional<double> until_s;
  std::vector<HostSpec> hosts;
  std::vector<GuestPlan> guests;
  std::vector<FailurePlan> failures;
  NetworkPlan network;
  std::vector<RandomFaults> faults;
  std::vector<MigrationPlan> migrations;
  std::vector<ServicePlan> services;
  std::vector<ReplicationPlan> replications;
  std::optional<HaPolicy> ha;
  std::optional<PoolManager> manager;
  OutputSpec output;
};

/// Settings that change what is loaded.
struct LoadOptions {
  std::optional<std::uint64_t> seed;  ///< replaces the file's seed before any draw
};

/// Either a scenario or the error that stopped loading.
struct LoadResult {
  std::optional<Scenario> scenario;
  std::optional<LoadError> error;
  bool ok() const { return scenario.has_value(); }
};

/// Loads and checks a scenario file.
LoadResult load_file(const std::string& path, const LoadOptions& options);
/// Loads and checks scenario text; `file` is the name used in errors.
LoadResult load_string(const std::string& text, const std::string& file, const LoadOptions& options);

/// Either a calibration profile or the error that stopped loading it.
struct CalibrationResult {
  std::optional<CalibrationProfile> profile;
  std::optional<LoadError> error;
  bool ok() const { return profile.has_value(); }
};

/// Loads a calibration profile file (keys: schema section "calibration").
CalibrationResult load_calibration_file(const std::string& path);
/// Loads calibration profile text; `file` is the name used in errors.
CalibrationResult load_calibration_string(const std::string& text, const std::string& file);

/// Creates the world of a loaded scenario with every process scheduled,
/// using `profile` for the costs of virtualization.
std::unique_ptr<World> build_world(const Scenario& scenario, const CalibrationProfile& profile = {});

}  // namespace vzlab::hv::scenario
