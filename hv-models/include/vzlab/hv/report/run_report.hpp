// Run reports: what a finished (or stopped) simulation produced, built from
// the event stream, and written as a text table, JSON, CSV files or a
// Chrome/Perfetto trace.
//
//   RunRecorder rec(world, {.keep_slices = true});   // before world.run()
//   world.run(); world.finish();
//   RunReport r = rec.report(meta);
//   std::cout << format_table(r);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vzlab/hv/world.hpp"

namespace vzlab::hv::report {

/// One finished or cut-off task, for traces.
struct TaskSlice {
  std::uint32_t guest;
  std::uint32_t host;  ///< where it ran (a guest may move afterwards)
  std::uint32_t lane;  ///< parallel tasks of one guest get different lanes
  double start_s;
  double end_s;
  double flops;
  bool completed;
};

/// Per-guest results.
struct GuestRow {
  std::string name;
  std::string host;
  std::string mode;
  std::string group;
  std::optional<double> started_at_s;
  std::optional<double> finished_at_s;
  std::uint64_t tasks_completed = 0;
  double flops_done = 0.0;
  std::string hypervisor;  ///< of its host
  std::string workload;    ///< label of what it runs ("" if none)
  long workload_instance = 0;
  double exits = 0.0;      ///< VM exits it caused
  double memory_bytes = 0.0;  ///< memory it takes on its host (footprint)
  double startup_s = 0.0;     ///< boot or container start
  long fit_per_host = 0;      ///< such guests one such host holds
  bool refused = false;       ///< its host could not take it
  std::optional<double> down_at_s;  ///< when a crash took it down (still down at the end)
  int incidents = 0;          ///< times a crash took it down
  int restarts = 0;           ///< times it was started again
  double downtime_s = 0.0;    ///< time it spent down
  double lost_work_s = 0.0;   ///< running time whose work crashes threw away
  std::string protection = "none";  ///< "none", "mirror" or "checkpoint"
  int takeovers = 0;          ///< mirror: times its copy took over
  double mirror_log_bytes = 0.0;     ///< mirror: log sent to its copy
  int checkpoints = 0;               ///< checkpoint: saves made
  double checkpoint_pause_s = 0.0;   ///< checkpoint: time paused for them
  std::vector<std::optional<double>> process_finished_at_s{};  ///< each process's end in its last life, if it ended
  /// Time from its start to its end, if it finished.
  std::optional<double> runtime_s() const {
    if (!started_at_s || !finished_at_s) return std::nullopt;
    return *finished_at_s - *started_at_s;
  }
};

/// One guest against the native run of the same workload.
struct ComparisonRow {
  std::size_t guest;         ///< index into RunReport::guests
  double runtime_s;
  double native_runtime_s;
  double overhead;           ///< runtime / native runtime - 1
  double exits_per_s;
};

/// Per-host results.
struct HostRow {
  std::string name;
  std::string group;
  int cores = 0;
  double speed_flops = 0.0;
  std::size_t guests = 0;
  double flops_done = 0.0;
  double utilization = 0.0;  ///< flops done / (cores x speed x simulated time)
  std::string hypervisor;
  int rack_units = 1;
  double energy_kWh = 0.0;   ///< hosts_energy_J (energy.hpp) at the end of the run
  double memory_bytes = 0.0;
  double peak_memory_used_bytes = 0.0;
  double image_bytes = 0.0;        ///< guest images stored
  double image_bytes_saved = 0.0;  ///< by sharing container layers
  double off_s = 0.0;              ///< time a pool manager kept it switched off
  int failures = 0;                ///< host crashes
  double downtime_s = 0.0;         ///< time it spent down
};

/// Hosts sharing a group label, summed up.
struct GroupRow {
  std::string name;
  std::size_t hosts = 0;
  std::size_t hosts_in_use = 0;  ///< hosts that ran at least one guest
  std::size_t guests = 0;
  double capacity_flops = 0.0;
  double mean_utilization = 0.0;  ///< capacity-weighted
  std::optional<double> finished_at_s;  ///< when its last guest finished, if all did
  int rack_units = 0;
  double energy_kWh = 0.0;
  std::size_t machines_to_manage = 0;  ///< OS instances to install and patch: hosts in use plus VMs
};

/// A guest's storage and network traffic.
struct IoRow {
  std::size_t guest;          ///< index into RunReport::guests
  std::string disk;           ///< its storage device, or "local disk"
  std::string disk_kind;      ///< das, nas, array, or "host"
  double requests = 0.0;
  double bytes = 0.0;
  double io_time_s = 0.0;     ///< time spent in its I/O steps
  double sent_bytes = 0.0;
  std::string bottleneck;     ///< the component that limited its flows most often ("" if never sampled)
  /// Bytes per second of I/O time.
  double throughput_Bps() const { return io_time_s > 0 ? bytes / io_time_s : 0.0; }
  /// Mean time per request.
  double latency_s() const { return requests > 0 ? io_time_s / requests : 0.0; }
};

/// A storage device or another node with a bandwidth of its own.
struct DeviceRow {
  std::string name, kind;
  double bandwidth_Bps = 0.0;  ///< 0: no limit of its own
  double bytes = 0.0;
  double mean_Bps = 0.0;       ///< bytes / simulated time
  double peak_Bps = 0.0;       ///< highest sampled throughput
  double capacity_bytes = 0.0, fill_bytes = 0.0;
};

/// A link that carried traffic.
struct LinkRow {
  std::string name, network;
  double bandwidth_Bps = 0.0;
  double bytes = 0.0;
  double mean_utilization = 0.0;  ///< bytes / (bandwidth x simulated time)
  double peak_utilization = 0.0;  ///< highest sampled throughput / bandwidth
};

/// A single component whose failure cuts guests off their disk or peers.
struct SpofRow {
  std::string component, kind;  ///< kind: a node kind or "link"
  std::vector<std::string> guests;
};

/// Throughput of one link or device over time (from the samples).
struct Series {
  std::string name, kind;  ///< kind: "link" or a node kind
  double bandwidth_Bps = 0.0;
  std::vector<std::pair<double, double>> rate_Bps;  ///< (time, throughput)
};

/// The network part of a report (empty when the scenario has none).
struct NetworkReport {
  bool present = false;
  std::vector<IoRow> io;
  std::vector<DeviceRow> devices;
  std::vector<LinkRow> links;   ///< busiest first
  std::vector<SpofRow> spof;    ///< most guests first
  std::vector<Series> series;   ///< every device and link that carried traffic, over time
  std::uint64_t flows = 0, reroutes = 0, stalls = 0;
};

/// A load-balanced service.
struct ServiceRow {
  std::string name, policy;
  std::uint64_t arrived = 0, completed = 0, dropped = 0, failed = 0;
  double throughput = 0.0;  ///< completed requests per second of the service's time
  double mean_s = 0.0, p50_s = 0.0, p95_s = 0.0, p99_s = 0.0;  ///< response times
  std::vector<std::pair<std::string, double>> utilization;   ///< per replica: busy / (servers x time)
  double sla_s = 0.0;           ///< the SLA's response time (0: none)
  std::uint64_t sla_violations = 0;  ///< slower than the SLA, dropped or failed
};

/// Facts about the run that are not in the world.
/// A replication and the disaster it recovered from.
struct DrRow {
  std::string name, mode, from, to;
  double interval_s = 0.0;        ///< async or backup
  double shipped_bytes = 0.0;     ///< sent to the replica
  double write_delay_s = 0.0;     ///< sync: mean time a write waited for the replica
  std::optional<double> disaster_s;  ///< when the original was lost
  double rpo_s = 0.0, lost_bytes = 0.0, restore_s = 0.0;
  std::size_t guests = 0;         ///< guests started again at the replica
  int not_placed = 0;             ///< guests no host could take
  std::optional<double> rto_s;    ///< disaster to the last of its guests running again
};

struct RunMeta {
  std::string scenario;
  std::string file;
  std::string description;
  std::uint64_t seed = 0;
  std::optional<double> until_s;
  double wall_s = 0.0;
  std::string calibration = "built-in defaults";  ///< where the virtualization costs came from
};

/// Everything a report shows.
struct RunReport {
  RunMeta meta;
  double simulated_s = 0.0;  ///< time at which the run ended
  /// Time the last guest finished, if every guest that was not refused did
  /// (none when `until` or a crash left work undone).
  std::optional<double> makespan_s;
  std::uint64_t events = 0;
  std::size_t unfinished_guests = 0;
  std::size_t refused_guests = 0;
  std::size_t down_guests = 0;
  std::vector<HostRow> hosts;
  std::vector<GuestRow> guests;
  std::vector<GroupRow> groups;  ///< empty when no host has a group
  std::vector<TaskSlice> slices; ///< only when kept
  /// Finished non-native guests whose workload instance (same work, same
  /// draws) also ran natively, in guest order.
  std::vector<ComparisonRow> comparison;
  NetworkReport network;
  std::vector<MigrationRecord> migrations;  ///< guest = index into guests
  std::vector<ServiceRow> services;
  std::vector<DrRow> replications;
};

/// Options of the recorder.
struct RecorderOptions {
  bool keep_slices = false;  ///< record every task (needed for traces)
};

/// Subscribes to a world's event stream and accumulates a report.
class RunRecorder {
 public:
  RunRecorder(World& world, RecorderOptions options);
  /// Builds the report; call after World::finish() so cut-off tasks count.
  RunReport report(const RunMeta& meta) const;

 private:
  struct OpenTask {
    double start_s;
    std::uint32_t lane;
    std::uint32_t host;
  };
  void on_event(const engine::StreamEvent& e);

  World* world_;
  RecorderOptions options_;
  std::vector<std::optional<double>> started_;
  std::vector<std::optional<double>> finished_;
  std::vector<std::uint64_t> tasks_completed_;
  std::vector<double> guest_flops_;
  std::vector<std::vector<bool>> lanes_;
  std::unordered_map<std::uint64_t, OpenTask> open_;
  std::vector<TaskSlice> slices_;
  std::unordered_map<std::uint32_t, std::uint32_t> guest_of_subject_;
};

/// Human-readable report; long lists are cut to `max_rows` rows each.
std::string format_table(const RunReport& r, std::size_t max_rows = 20);
/// One JSON object (pretty-printed, one key per line).
std::string to_json(const RunReport& r);
/// CSV of the hosts, one row each.
std::string hosts_csv(const RunReport& r);
/// CSV of the guests, one row each.
std::string guests_csv(const RunReport& r);
/// CSV of the comparison with native runs, one row per compared guest.
std::string comparison_csv(const RunReport& r);
/// CSV of every guest's processes: guest, process (its index), finished_at_s.
std::string processes_csv(const RunReport& r);
/// CSV of the load-balanced services, one row each (failed and dropped requests apart).
std::string services_csv(const RunReport& r);
/// CSV of the run summary (key,value).
std::string summary_csv(const RunReport& r);
/// The network part of a world's report: I/O per guest, devices, links and
/// single points of failure (computed on the platform graph with every
/// component up).
NetworkReport network_report(const World& world, double horizon_s);
/// The disaster-recovery table of the text report ("" without replications).
std::string format_disaster_recovery(const RunReport& r);
/// The availability part of the text report ("" when nothing failed).
std::string format_availability(const RunReport& r, std::size_t max_rows);
/// The network part of the text report ("" without a network).
std::string format_network(const RunReport& r, std::size_t max_rows);
/// CSV of the guests' I/O, the devices, the links, the single points of failure.
std::string io_csv(const RunReport& r);
std::string devices_csv(const RunReport& r);
std::string links_csv(const RunReport& r);
std::string spof_csv(const RunReport& r);
/// CSV of the throughput samples: time, component, kind, throughput, utilization.
std::string utilization_csv(const RunReport& r);

/// Chrome/Perfetto trace JSON: one process per host, one slice per task.
std::string chrome_trace(const RunReport& r);

}  // namespace vzlab::hv::report
