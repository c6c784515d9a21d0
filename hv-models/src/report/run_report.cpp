#include "vzlab/hv/report/run_report.hpp"

#include "text.hpp"
#include "vzlab/hv/energy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>
#include <nlohmann/json.hpp>
#include <sstream>

namespace vzlab::hv::report {

using namespace text;

RunRecorder::RunRecorder(World& world, RecorderOptions options) : world_(&world), options_(options) {
  const std::size_t n = world.guests().size();
  started_.resize(n);
  finished_.resize(n);
  tasks_completed_.resize(n);
  guest_flops_.resize(n);
  lanes_.resize(n);
  for (const Guest& g : world.guests()) guest_of_subject_.emplace(g.subject(), g.index());
  world.engine().events().subscribe([this](const engine::StreamEvent& e) { on_event(e); });
}

void RunRecorder::on_event(const engine::StreamEvent& e) {
  const EventKinds& k = world_->kinds();
  auto it = guest_of_subject_.find(e.subject);
  if (it == guest_of_subject_.end()) return;
  const std::uint32_t g = it->second;
  if (e.kind == k.guest_start) {
    started_[g] = e.time_s;
  } else if (e.kind == k.guest_end) {
    finished_[g] = e.time_s;
  } else if (e.kind == k.task_start && options_.keep_slices) {
    auto& lanes = lanes_[g];
    auto free = std::find(lanes.begin(), lanes.end(), false);
    std::uint32_t lane = static_cast<std::uint32_t>(free - lanes.begin());
    if (free == lanes.end()) lanes.push_back(true);
    else *free = true;
    open_.emplace(static_cast<std::uint64_t>(e.values[1]), OpenTask{e.time_s, lane, static_cast<std::uint32_t>(e.values[2])});
  } else if (e.kind == k.task_end) {
    const bool completed = e.values[1] != 0.0;
    guest_flops_[g] += e.values[0];
    if (completed) ++tasks_completed_[g];
    if (!options_.keep_slices) return;
    auto open = open_.find(static_cast<std::uint64_t>(e.values[2]));
    if (open == open_.end()) return;
    lanes_[g][open->second.lane] = false;
    slices_.push_back({g, open->second.host, open->second.lane, open->second.start_s, e.time_s, e.values[0], completed});
    open_.erase(open);
  }
}

RunReport RunRecorder::report(const RunMeta& meta) const {
  RunReport r;
  r.meta = meta;
  const World& w = *world_;
  r.simulated_s = w.engine().now();
  r.events = w.engine().events_fired();
  std::vector<std::size_t> guests_per_host(w.hosts().size(), 0);
  std::vector<std::size_t> vms_per_host(w.hosts().size(), 0);
  std::vector<std::size_t> admitted_per_host(w.hosts().size(), 0);
  for (const Guest& g : w.guests()) {
    GuestRow row{g.name(), g.host().name(), mode_name(g.mode()), g.group(), started_[g.index()], finished_[g.index()],
                 tasks_completed_[g.index()], guest_flops_[g.index()], hypervisor_name(g.host().hypervisor()),
                 g.workload(), g.workload_instance(), g.exits(), g.footprint_bytes(w.calibration()),
                 g.startup_s(w.calibration()), g.fit_per_host(w.calibration()), g.refused(), std::nullopt};
    if (g.down_at_s() >= 0) row.down_at_s = g.down_at_s();
    row.incidents = g.incidents();
    row.restarts = g.restarts();
    row.downtime_s = g.downtime_s(r.simulated_s);
    row.lost_work_s = g.lost_work_s();
    row.protection = protection_name(g.protection());
    row.takeovers = g.takeovers();
    row.mirror_log_bytes = g.mirror_log_bytes();
    row.checkpoints = g.checkpoints();
    row.checkpoint_pause_s = g.checkpoint_pause_s();
    for (double t : g.process_finished_s())
      row.process_finished_at_s.push_back(t >= 0 ? std::optional<double>(t) : std::nullopt);
    if (row.refused) ++r.refused_guests;
    else if (row.down_at_s) ++r.down_guests;
    else if (!row.finished_at_s) ++r.unfinished_guests;
    ++guests_per_host[g.host().index()];
    if (is_vm(g.mode()) && !g.refused()) ++vms_per_host[g.host().index()];
    if (!g.refused()) ++admitted_per_host[g.host().index()];
    r.guests.push_back(std::move(row));
  }
  if (r.unfinished_guests == 0 && r.down_guests == 0) r.makespan_s = w.makespan_s();
  const double horizon = r.simulated_s;
  const std::vector<double> energy_J = hosts_energy_J(w);
  std::map<std::string, GroupRow> groups;
  for (const Host& h : w.hosts()) {
    HostRow row{h.name(), h.group(), h.cores(), h.speed_flops(), guests_per_host[h.index()], h.flops_done(), 0.0,
                hypervisor_name(h.hypervisor()), h.rack_units(),
                energy_J[h.index()] / 3.6e6,
                h.memory_bytes(), h.peak_memory_used_bytes(), h.image_bytes(), h.image_bytes_saved()};
    row.utilization = horizon > 0 ? h.flops_done() / (h.capacity_flops() * horizon) : 0.0;
    row.failures = h.failures();
    row.off_s = h.off_time_s(horizon);
    row.downtime_s = h.downtime_s(horizon);
    if (!h.group().empty()) {
      GroupRow& gr = groups[h.group()];
      gr.name = h.group();
      ++gr.hosts;
      if (admitted_per_host[h.index()] > 0) ++gr.hosts_in_use;
      gr.guests += row.guests;
      gr.capacity_flops += h.capacity_flops();
      gr.mean_utilization += h.flops_done();
      gr.rack_units += h.rack_units();
      gr.energy_kWh += row.energy_kWh;
      gr.machines_to_manage += (admitted_per_host[h.index()] > 0 ? 1 : 0) + vms_per_host[h.index()];
    }
    r.hosts.push_back(std::move(row));
  }
  // When each group's last guest finished, if all of them did: one pass.
  std::map<std::string, std::pair<bool, double>> done;  // group -> (all finished, last)
  for (const Guest& g : w.guests()) {
    if (g.host().group().empty()) continue;
    auto& [all, last] = done.try_emplace(g.host().group(), true, 0.0).first->second;
    if (!finished_[g.index()]) all = false;
    else last = std::max(last, *finished_[g.index()]);
  }
  for (auto& [name, gr] : groups) {
    gr.mean_utilization = horizon > 0 && gr.capacity_flops > 0 ? gr.mean_utilization / (gr.capacity_flops * horizon) : 0;
    if (auto it = done.find(name); it != done.end() && it->second.first && gr.guests > 0)
      gr.finished_at_s = it->second.second;
    r.groups.push_back(gr);
  }
  r.slices = slices_;
  // Each finished guest against the native run of the same workload instance.
  std::map<std::pair<std::string, long>, double> native;
  for (const GuestRow& g : r.guests)
    if (g.mode == "native" && !g.workload.empty() && g.runtime_s())
      native.emplace(std::make_pair(g.workload, g.workload_instance), *g.runtime_s());
  for (std::size_t i = 0; i < r.guests.size(); ++i) {
    const GuestRow& g = r.guests[i];
    auto base = native.find({g.workload, g.workload_instance});
    if (g.mode == "native" || base == native.end() || !g.runtime_s() || base->second <= 0) continue;
    const double t = *g.runtime_s();
    r.comparison.push_back({i, t, base->second, t / base->second - 1.0, t > 0 ? g.exits / t : 0.0});
  }
  r.network = network_report(w, r.simulated_s);
  r.migrations = w.migrations();
  for (const ReplicationRecord& rec : w.replications()) {
    const Network& net = *w.network_if_any();
    DrRow d;
    d.name = rec.spec.name;
    d.mode = replication_mode_name(rec.spec.mode);
    d.from = net.node(rec.spec.from).name;
    d.to = net.node(rec.spec.to).name;
    d.interval_s = rec.spec.mode == ReplicationMode::kSync ? 0.0 : rec.spec.interval_s;
    d.shipped_bytes = rec.shipped_bytes;
    d.write_delay_s = rec.writes > 0 ? rec.write_wait_s / rec.writes : 0.0;
    if (rec.disaster_s >= 0) d.disaster_s = rec.disaster_s;
    d.rpo_s = rec.rpo_s;
    d.lost_bytes = rec.lost_bytes;
    d.restore_s = rec.restore_s;
    d.guests = rec.guests.size();
    d.not_placed = rec.not_placed;
    if (rec.done && rec.not_placed == 0) {
      double last = rec.disaster_s;
      bool all_back = true;
      for (std::uint32_t gi : rec.guests) {
        const Guest& g = w.guests()[gi];
        all_back = all_back && g.down_at_s() < 0 && g.back_at_s() >= rec.disaster_s;
        last = std::max(last, g.back_at_s());
      }
      if (all_back) d.rto_s = last - rec.disaster_s;
    }
    r.replications.push_back(std::move(d));
  }
  for (const Service& s : w.services()) {
    const ServiceSpec& spec = s.spec();
    const ServiceStats& st = s.stats();
    ServiceRow row{spec.name, policy_name(spec.policy), st.arrived, st.completed, st.dropped, st.failed,
                   0.0, 0.0, 0.0, 0.0, 0.0, {}};
    const double window = std::max(0.0, std::min(r.simulated_s, spec.stop_s > 0 ? spec.stop_s : r.simulated_s) -
                                            spec.start_s);
    row.throughput = window > 0 ? static_cast<double>(st.completed) / window : 0.0;
    std::vector<double> t = st.response_s;
    if (!t.empty()) {
      std::sort(t.begin(), t.end());
      for (double x : t) row.mean_s += x / static_cast<double>(t.size());
      // Nearest rank: the smallest value with at least q of the responses at or below it.
      auto pct = [&](double q) { return t[static_cast<std::size_t>(std::ceil(q * t.size())) - 1]; };
      row.p50_s = pct(0.50);
      row.p95_s = pct(0.95);
      row.p99_s = pct(0.99);
    }
    row.sla_s = spec.sla_s;
    if (spec.sla_s > 0) {
      row.sla_violations = st.dropped + st.failed;
      for (double x : st.response_s) row.sla_violations += x > spec.sla_s ? 1 : 0;
    }
    for (std::size_t i = 0; i < spec.replicas.size(); ++i)
      row.utilization.emplace_back(spec.replicas[i]->name(),
                                   window > 0 ? st.replicas[i].busy_s / (spec.servers * window) : 0.0);
    r.services.push_back(std::move(row));
  }
  return r;
}

std::string format_availability(const RunReport& r, std::size_t max_rows) {
  const bool any = std::any_of(r.guests.begin(), r.guests.end(), [](const GuestRow& g) { return g.incidents > 0; }) ||
                   std::any_of(r.hosts.begin(), r.hosts.end(), [](const HostRow& h) { return h.failures > 0; });
  if (!any || r.simulated_s <= 0) return "";
  auto nines = [](double a) { return a >= 1.0 ? std::string("-") : fmt("%.2f", -std::log10(1.0 - a)); };
  std::string out = "\nAvailability over the " + fmt("%.6g", r.simulated_s) +
                    " s of the run (availability = 1 - downtime / run time; nines = -log10(1 - availability))\n";
  Table hosts({"host", "failures", "downtime", "MTTR seen", "availability", "nines"});
  std::size_t shown = 0;
  for (const HostRow& h : r.hosts) {
    if (h.failures == 0 || shown++ >= max_rows) continue;
    const double a = 1.0 - h.downtime_s / r.simulated_s;
    hosts.add({h.name, std::to_string(h.failures), fmt("%.6g s", h.downtime_s), fmt("%.6g s", h.downtime_s / h.failures),
               fmt("%.4f %%", 100 * a), nines(a)});
  }
  if (shown > 0) out += hosts.str();
  Table guests({"guest", "host now", "incidents", "restarts", "downtime", "per incident", "availability", "nines",
                "lost work", "state"});
  shown = 0;
  for (const GuestRow& g : r.guests) {
    if (g.incidents == 0 || shown++ >= max_rows) continue;
    const double a = 1.0 - g.downtime_s / r.simulated_s;
    guests.add({g.name, g.host, std::to_string(g.incidents), std::to_string(g.restarts), fmt("%.6g s", g.downtime_s),
                fmt("%.6g s", g.downtime_s / g.incidents), fmt("%.4f %%", 100 * a), nines(a),
                fmt("%.6g s", g.lost_work_s), g.down_at_s ? "down" : g.finished_at_s ? "done" : "running"});
  }
  if (shown > 0) out += guests.str();
  // What protection cost and what it saved.
  Table prot({"guest", "protection", "takeovers", "mirror log", "checkpoints", "paused for them", "lost work",
              "downtime"});
  shown = 0;
  for (const GuestRow& g : r.guests) {
    if (g.protection == "none" || shown++ >= max_rows) continue;
    const bool mirror = g.protection == "mirror";
    prot.add({g.name, g.protection, mirror ? std::to_string(g.takeovers) : "-", mirror ? si_bytes(g.mirror_log_bytes) : "-",
              mirror ? "-" : std::to_string(g.checkpoints), mirror ? "-" : duration(g.checkpoint_pause_s),
              fmt("%.6g s", g.lost_work_s), fmt("%.6g s", g.downtime_s)});
  }
  if (shown > 0) out += "Protected VMs (mirror: a lockstep copy on another host; checkpoint: saves to its disk)\n" + prot.str();
  return out;
}

std::string format_disaster_recovery(const RunReport& r) {
  if (r.replications.empty()) return "";
  std::string out =
      "\nDisaster recovery (RPO = writes lost, as time before the loss; RTO = from the loss to the last guest "
      "running at the replica; write delay = what sync adds to each write, a round trip plus the copy)\n";
  Table t({"replication", "mode", "every", "shipped", "write delay", "lost at", "RPO", "data lost", "restore",
           "guests moved", "RTO"});
  for (const DrRow& d : r.replications) {
    const bool lost = d.disaster_s.has_value();
    std::string rto = "-";
    if (lost) rto = d.rto_s ? duration(*d.rto_s) : d.not_placed > 0 ? "no host for " + std::to_string(d.not_placed)
                                                                   : "not yet";
    t.add({d.name, d.mode, d.interval_s > 0 ? duration(d.interval_s) : "each write", si_bytes(d.shipped_bytes),
           d.mode == "sync" ? duration(d.write_delay_s) : "0", lost ? fmt("%.6g s", *d.disaster_s) : "never",
           lost ? duration(d.rpo_s) : "-", lost ? si_bytes(d.lost_bytes) : "-", lost ? duration(d.restore_s) : "-",
           lost ? std::to_string(d.guests) : "-", rto});
  }
  return out + t.str();
}

std::string format_table(const RunReport& r, std::size_t max_rows) {
  std::ostringstream out;
  out << r.meta.scenario << "\n" << std::string(r.meta.scenario.size(), '=') << "\n";
  if (!r.meta.description.empty()) out << r.meta.description << (r.meta.description.back() == '\n' ? "" : "\n");
  out << "\nfile " << r.meta.file << ", seed " << r.meta.seed << ": simulated " << fmt("%.6g", r.simulated_s)
      << " s in " << fmt("%.3f", r.meta.wall_s) << " s of wall time, " << r.events << " events\n";
  if (r.makespan_s) {
    out << "all work done at " << fmt("%.6g", *r.makespan_s) << " s\n";
  } else {
    const bool cut = r.meta.until_s && r.simulated_s >= *r.meta.until_s;
    out << (cut ? "stopped at " : "ended at ") << fmt("%.6g", r.simulated_s) << (cut ? " s (until)" : " s");
    if (r.unfinished_guests > 0) out << " — " << r.unfinished_guests << " guest(s) still running";
    if (r.down_guests > 0) out << " — " << r.down_guests << " guest(s) down";
    out << "\n";
  }
  // One line naming the first ten guests `label` picks (it returns "" to skip one).
  auto list_guests = [&](std::size_t count, const char* what, auto label) {
    if (count == 0) return;
    out << count << " guest(s) " << what << ":";
    std::size_t listed = 0;
    for (const GuestRow& g : r.guests)
      if (std::string l = label(g); !l.empty() && listed++ < 10) out << " " << l;
    out << (count > 10 ? " ...\n" : "\n");
  };
  list_guests(r.down_guests, "went down in crashes", [](const GuestRow& g) {
    return g.down_at_s ? g.name + fmt(" (%.6g s)", *g.down_at_s) : std::string();
  });
  list_guests(r.refused_guests, "refused, their host had no memory or vCPU room left",
              [](const GuestRow& g) { return g.refused ? g.name : std::string(); });

  if (!r.groups.empty()) {
    out << "\nBy group (utilization = work done / (cores x speed x " << fmt("%.6g", r.simulated_s) << " s))\n";
    Table t({"group", "hosts in use", "guests", "capacity", "utilization", "", "last guest done", "rack units", "energy",
             "OS to manage"});
    for (const GroupRow& g : r.groups)
      t.add({g.name, std::to_string(g.hosts_in_use) + "/" + std::to_string(g.hosts), std::to_string(g.guests),
             si(g.capacity_flops, "f/s"),
             fmt("%.1f %%", 100 * g.mean_utilization), bar(g.mean_utilization),
             g.finished_at_s ? fmt("%.6g s", *g.finished_at_s) : "not all", std::to_string(g.rack_units),
             fmt("%.3g kWh", g.energy_kWh), std::to_string(g.machines_to_manage)});
    out << t.str();
    out << "  energy: idle power while on (from a host's first guest; not while switched off or down) plus\n"
           "  (peak - idle) x utilization;\n"
           "  OS to manage: hosts in use plus VMs\n";
  }

  if (!r.comparison.empty()) {
    out << "\nSame workload, each kind of virtualization (vs native = run time / native run time - 1, on the same\n"
           "work; throughput = the work done per second, as a share of the native run's)\n";
    Table t({"guest", "workload", "mode", "hypervisor", "run time", "native", "vs native", "throughput", "exits/s",
             "memory", "start-up", "fit per host"});
    for (const ComparisonRow& c : r.comparison) {
      const GuestRow& g = r.guests[c.guest];
      t.add({g.name, g.workload, g.mode, g.hypervisor, fmt("%.4g s", c.runtime_s), fmt("%.4g s", c.native_runtime_s),
             fmt("%+.1f %%", 100 * c.overhead), fmt("%.1f %% of native", 100 * c.native_runtime_s / c.runtime_s),
             fmt("%.3g", c.exits_per_s),
             si_bytes(g.memory_bytes),
             fmt("%.3g s", g.startup_s), std::to_string(g.fit_per_host)});
    }
    out << t.str();
    out << "  virtualization costs from: " << r.meta.calibration << "\n";
  }

  out << format_network(r, max_rows);
  out << format_availability(r, max_rows);
  out << format_disaster_recovery(r);
  if (!r.services.empty()) {
    out << "\nLoad-balanced services (response time = queueing + service; throughput = completed per second)\n";
    Table t({"service", "policy", "requests", "completed", "dropped", "failed", "throughput", "mean", "p50", "p95",
             "p99", "replica utilization"});
    for (const ServiceRow& s : r.services) {
      std::string util;
      for (const auto& [name, u] : s.utilization) util += (util.empty() ? "" : " ") + name + fmt(" %.0f%%", 100 * u);
      t.add({s.name, s.policy, std::to_string(s.arrived), std::to_string(s.completed), std::to_string(s.dropped),
             std::to_string(s.failed), fmt("%.4g/s", s.throughput), duration(s.mean_s), duration(s.p50_s),
             duration(s.p95_s), duration(s.p99_s), util});
    }
    out << t.str();
    for (const ServiceRow& s : r.services) {
      if (s.sla_s <= 0) continue;
      const double share = s.arrived > 0 ? static_cast<double>(s.sla_violations) / static_cast<double>(s.arrived) : 0;
      out << "  " << s.name << ": SLA of " << duration(s.sla_s) << " missed by " << s.sla_violations
          << " requests (" << fmt("%.2f %%", 100 * share) << ": slower, dropped or failed)\n";
    }
  }
  if (!r.migrations.empty()) {
    out << "\nMigrations (rounds include the final stop-and-copy; downtime = the guest paused)\n";
    Table t({"guest", "from", "to", "kind", "started", "outcome", "rounds", "sent", "total time", "downtime"});
    for (const MigrationRecord& m : r.migrations)
      t.add({r.guests[m.guest].name, m.from, m.to, m.live ? "live" : "cold", fmt("%.6g s", m.started_s), m.outcome,
             std::to_string(m.rounds), si_bytes(m.bytes_sent), fmt("%.4g s", m.total_s),
             fmt("%.4g ms", 1e3 * m.downtime_s)});
    out << t.str();
  }

  out << "\nHosts\n";
  Table hosts({"host", "group", "hypervisor", "cores", "speed", "guests", "utilization", "", "peak memory",
               "images", "saved by sharing"});
  for (std::size_t i = 0; i < r.hosts.size() && i < max_rows; ++i) {
    const HostRow& h = r.hosts[i];
    hosts.add({h.name, h.group, h.hypervisor, std::to_string(h.cores), si(h.speed_flops, "f/s"),
               std::to_string(h.guests), fmt("%.1f %%", 100 * h.utilization), bar(h.utilization),
               si_bytes(h.peak_memory_used_bytes) + " / " + si_bytes(h.memory_bytes), si_bytes(h.image_bytes),
               si_bytes(h.image_bytes_saved)});
  }
  out << hosts.str();
  std::string off;
  for (const HostRow& h : r.hosts)
    if (h.off_s > 0) off += (off.empty() ? "" : ", ") + h.name + " " + fmt("%.6g s", h.off_s);
  if (!off.empty()) out << "  switched off by the pool manager: " << off << "\n";
  if (r.hosts.size() > max_rows)
    out << "  ... " << r.hosts.size() - max_rows << " more hosts (see --format csv or --out DIR)\n";

  out << "\nGuests\n";
  Table guests({"guest", "mode", "host", "started", "finished", "tasks done", "work done"});
  for (std::size_t i = 0; i < r.guests.size() && i < max_rows; ++i) {
    const GuestRow& g = r.guests[i];
    guests.add({g.name, g.mode, g.host, g.started_at_s ? fmt("%.6g s", *g.started_at_s) : "-",
                g.refused     ? "refused"
                : g.down_at_s ? fmt("down at %.6g s", *g.down_at_s)
                : g.finished_at_s ? fmt("%.6g s", *g.finished_at_s)
                                  : "running",
                std::to_string(g.tasks_completed),
                si(g.flops_done, "f")});
  }
  out << guests.str();
  if (r.guests.size() > max_rows)
    out << "  ... " << r.guests.size() - max_rows << " more guests (see --format csv or --out DIR)\n";
  return out.str();
}

std::string to_json(const RunReport& r) {
  using nlohmann::ordered_json;
  auto opt = [](const std::optional<double>& v) { return v ? ordered_json(*v) : ordered_json(nullptr); };
  ordered_json j;
  j["scenario"] = r.meta.scenario;
  j["file"] = r.meta.file;
  j["seed"] = r.meta.seed;
  j["until_s"] = opt(r.meta.until_s);
  j["simulated_s"] = r.simulated_s;
  j["makespan_s"] = opt(r.makespan_s);
  j["events"] = r.events;
  j["wall_s"] = r.meta.wall_s;
  j["unfinished_guests"] = r.unfinished_guests;
  j["refused_guests"] = r.refused_guests;
  j["down_guests"] = r.down_guests;
  j["hosts"] = ordered_json::array();
  for (const HostRow& h : r.hosts)
    j["hosts"].push_back({{"name", h.name}, {"group", h.group}, {"hypervisor", h.hypervisor}, {"cores", h.cores},
                          {"speed_flops", h.speed_flops}, {"guests", h.guests}, {"flops_done", h.flops_done},
                          {"utilization", h.utilization}, {"rack_units", h.rack_units}, {"energy_kWh", h.energy_kWh},
                          {"memory_bytes", h.memory_bytes}, {"peak_memory_used_bytes", h.peak_memory_used_bytes},
                          {"image_bytes", h.image_bytes}, {"image_bytes_saved", h.image_bytes_saved},
                          {"failures", h.failures}, {"downtime_s", h.downtime_s}, {"off_s", h.off_s}});
  j["guests"] = ordered_json::array();
  for (const GuestRow& g : r.guests)
    j["guests"].push_back({{"name", g.name}, {"host", g.host}, {"mode", g.mode}, {"hypervisor", g.hypervisor},
                           {"workload", g.workload}, {"started_at_s", opt(g.started_at_s)},
                           {"finished_at_s", opt(g.finished_at_s)}, {"tasks_completed", g.tasks_completed},
                           {"flops_done", g.flops_done}, {"exits", g.exits}, {"memory_bytes", g.memory_bytes},
                           {"startup_s", g.startup_s}, {"fit_per_host", g.fit_per_host}, {"refused", g.refused},
                           {"down_at_s", opt(g.down_at_s)}, {"incidents", g.incidents}, {"restarts", g.restarts},
                           {"downtime_s", g.downtime_s}, {"lost_work_s", g.lost_work_s},
                           {"protection", g.protection}, {"takeovers", g.takeovers},
                           {"mirror_log_bytes", g.mirror_log_bytes}, {"checkpoints", g.checkpoints},
                           {"checkpoint_pause_s", g.checkpoint_pause_s}});
  for (std::size_t i = 0; i < r.guests.size(); ++i) {
    ordered_json ends = ordered_json::array();
    for (const auto& t : r.guests[i].process_finished_at_s) ends.push_back(opt(t));
    j["guests"][i]["process_finished_at_s"] = ends;
  }
  j["groups"] = ordered_json::array();
  for (const GroupRow& g : r.groups)
    j["groups"].push_back({{"name", g.name}, {"hosts", g.hosts}, {"hosts_in_use", g.hosts_in_use}, {"guests", g.guests},
                           {"capacity_flops", g.capacity_flops}, {"utilization", g.mean_utilization},
                           {"finished_at_s", opt(g.finished_at_s)}, {"rack_units", g.rack_units},
                           {"energy_kWh", g.energy_kWh}, {"machines_to_manage", g.machines_to_manage}});
  j["services"] = ordered_json::array();
  for (const ServiceRow& s : r.services) {
    ordered_json u = ordered_json::object();
    for (const auto& [name, v] : s.utilization) u[name] = v;
    j["services"].push_back({{"name", s.name}, {"policy", s.policy}, {"arrived", s.arrived},
                             {"completed", s.completed}, {"dropped", s.dropped}, {"failed", s.failed},
                             {"throughput", s.throughput}, {"mean_s", s.mean_s}, {"p50_s", s.p50_s},
                             {"p95_s", s.p95_s}, {"p99_s", s.p99_s}, {"utilization", u}, {"sla_s", s.sla_s},
                             {"sla_violations", s.sla_violations}});
  }
  j["migrations"] = ordered_json::array();
  for (const MigrationRecord& m : r.migrations)
    j["migrations"].push_back({{"guest", r.guests[m.guest].name}, {"from", m.from}, {"to", m.to},
                               {"kind", m.live ? "live" : "cold"}, {"outcome", m.outcome}, {"rounds", m.rounds},
                               {"bytes_sent", m.bytes_sent}, {"started_s", m.started_s}, {"total_s", m.total_s},
                               {"downtime_s", m.downtime_s}});
  j["replications"] = ordered_json::array();
  for (const DrRow& d : r.replications) {
    ordered_json row{{"name", d.name}, {"mode", d.mode}, {"from", d.from}, {"to", d.to},
                     {"interval_s", d.interval_s}, {"shipped_bytes", d.shipped_bytes},
                     {"write_delay_s", d.write_delay_s}, {"guests_moved", d.guests}, {"not_placed", d.not_placed}};
    if (d.disaster_s) {
      row["disaster_s"] = *d.disaster_s;
      row["rpo_s"] = d.rpo_s;
      row["lost_bytes"] = d.lost_bytes;
      row["restore_s"] = d.restore_s;
    }
    if (d.rto_s) row["rto_s"] = *d.rto_s;
    j["replications"].push_back(row);
  }
  if (r.network.present) {
    ordered_json n;
    n["flows"] = r.network.flows;
    n["reroutes"] = r.network.reroutes;
    n["stalls"] = r.network.stalls;
    n["io"] = ordered_json::array();
    for (const IoRow& io : r.network.io)
      n["io"].push_back({{"guest", r.guests[io.guest].name}, {"disk", io.disk}, {"disk_kind", io.disk_kind},
                         {"requests", io.requests}, {"bytes", io.bytes}, {"io_time_s", io.io_time_s},
                         {"throughput_Bps", io.throughput_Bps()}, {"latency_s", io.latency_s()},
                         {"sent_bytes", io.sent_bytes}, {"bottleneck", io.bottleneck}});
    n["devices"] = ordered_json::array();
    for (const DeviceRow& d : r.network.devices)
      n["devices"].push_back({{"name", d.name}, {"kind", d.kind}, {"bandwidth_Bps", d.bandwidth_Bps},
                              {"bytes", d.bytes}, {"mean_Bps", d.mean_Bps}, {"peak_Bps", d.peak_Bps},
                              {"capacity_bytes", d.capacity_bytes}, {"fill_bytes", d.fill_bytes}});
    n["links"] = ordered_json::array();
    for (const LinkRow& l : r.network.links)
      n["links"].push_back({{"name", l.name}, {"network", l.network}, {"bandwidth_Bps", l.bandwidth_Bps},
                            {"bytes", l.bytes}, {"mean_utilization", l.mean_utilization},
                            {"peak_utilization", l.peak_utilization}});
    n["spof"] = ordered_json::array();
    for (const SpofRow& s : r.network.spof)
      n["spof"].push_back({{"component", s.component}, {"kind", s.kind}, {"guests", s.guests}});
    j["network"] = n;
  }
  j["comparison"] = ordered_json::array();
  for (const ComparisonRow& c : r.comparison)
    j["comparison"].push_back({{"guest", r.guests[c.guest].name}, {"workload", r.guests[c.guest].workload},
                               {"mode", r.guests[c.guest].mode}, {"hypervisor", r.guests[c.guest].hypervisor},
                               {"runtime_s", c.runtime_s}, {"native_runtime_s", c.native_runtime_s},
                               {"overhead", c.overhead}, {"exits_per_s", c.exits_per_s}});
  j["calibration"] = r.meta.calibration;
  return j.dump(2) + "\n";
}

std::string hosts_csv(const RunReport& r) {
  std::string out = "name,group,cores,speed_flops,guests,flops_done,utilization,failures,downtime_s\n";
  for (const HostRow& h : r.hosts)
    out += csv_field(h.name) + "," + csv_field(h.group) + "," + std::to_string(h.cores) + "," +
           fmt("%.17g", h.speed_flops) + "," + std::to_string(h.guests) + "," + fmt("%.17g", h.flops_done) + "," +
           fmt("%.17g", h.utilization) + "," + std::to_string(h.failures) + "," + fmt("%.17g", h.downtime_s) + "\n";
  return out;
}

std::string guests_csv(const RunReport& r) {
  std::string out =
      "name,host,mode,hypervisor,workload,started_at_s,finished_at_s,tasks_completed,flops_done,exits,incidents,"
      "restarts,downtime_s,lost_work_s\n";
  for (const GuestRow& g : r.guests)
    out += csv_field(g.name) + "," + csv_field(g.host) + "," + g.mode + "," + g.hypervisor + "," +
           csv_field(g.workload) + "," + opt_num(g.started_at_s) + "," + opt_num(g.finished_at_s) + "," +
           std::to_string(g.tasks_completed) + "," + fmt("%.17g", g.flops_done) + "," + fmt("%.17g", g.exits) + "," +
           std::to_string(g.incidents) + "," + std::to_string(g.restarts) + "," + fmt("%.17g", g.downtime_s) + "," +
           fmt("%.17g", g.lost_work_s) + "\n";
  return out;
}

std::string comparison_csv(const RunReport& r) {
  std::string out =
      "guest,workload,mode,hypervisor,runtime_s,native_runtime_s,overhead,throughput_vs_native,exits_per_s,memory_bytes,"
      "startup_s,fit_per_host\n";
  for (const ComparisonRow& c : r.comparison) {
    const GuestRow& g = r.guests[c.guest];
    out += csv_field(g.name) + "," + csv_field(g.workload) + "," + g.mode + "," + g.hypervisor + "," +
           fmt("%.17g", c.runtime_s) + "," + fmt("%.17g", c.native_runtime_s) + "," + fmt("%.17g", c.overhead) + "," +
           fmt("%.17g", c.native_runtime_s / c.runtime_s) + "," + fmt("%.17g", c.exits_per_s) + "," +
           fmt("%.17g", g.memory_bytes) + "," + fmt("%.17g", g.startup_s) + "," + std::to_string(g.fit_per_host) + "\n";
  }
  return out;
}

std::string processes_csv(const RunReport& r) {
  std::string out = "guest,process,finished_at_s\n";
  for (const GuestRow& g : r.guests)
    for (std::size_t i = 0; i < g.process_finished_at_s.size(); ++i)
      out += csv_field(g.name) + "," + std::to_string(i) + "," + opt_num(g.process_finished_at_s[i]) + "\n";
  return out;
}

std::string services_csv(const RunReport& r) {
  std::string out =
      "name,policy,arrived,completed,dropped,failed,throughput,mean_s,p50_s,p95_s,p99_s,sla_s,sla_violations\n";
  for (const ServiceRow& s : r.services)
    out += csv_field(s.name) + "," + s.policy + "," + std::to_string(s.arrived) + "," + std::to_string(s.completed) +
           "," + std::to_string(s.dropped) + "," + std::to_string(s.failed) + "," + fmt("%.17g", s.throughput) + "," +
           fmt("%.17g", s.mean_s) + "," + fmt("%.17g", s.p50_s) + "," + fmt("%.17g", s.p95_s) + "," +
           fmt("%.17g", s.p99_s) + "," + fmt("%.17g", s.sla_s) + "," + std::to_string(s.sla_violations) + "\n";
  return out;
}

std::string summary_csv(const RunReport& r) {
  std::string out = "key,value\n";
  out += "scenario," + csv_field(r.meta.scenario) + "\n";
  out += "file," + csv_field(r.meta.file) + "\n";
  out += "seed," + std::to_string(r.meta.seed) + "\n";
  out += "until_s," + opt_num(r.meta.until_s) + "\n";
  out += "simulated_s," + fmt("%.17g", r.simulated_s) + "\n";
  out += "makespan_s," + opt_num(r.makespan_s) + "\n";
  out += "events," + std::to_string(r.events) + "\n";
  out += "wall_s," + fmt("%.6f", r.meta.wall_s) + "\n";
  out += "unfinished_guests," + std::to_string(r.unfinished_guests) + "\n";
  return out;
}

std::string chrome_trace(const RunReport& r) {
  using nlohmann::ordered_json;
  ordered_json events = ordered_json::array();
  for (std::size_t i = 0; i < r.hosts.size(); ++i) {
    events.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", i + 1}, {"args", {{"name", r.hosts[i].name}}}});
  }
  // One thread per (host, guest, lane), on the host where the task ran: a
  // guest that moved has a thread on each of its hosts.
  std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>, std::size_t> tid;
  for (const TaskSlice& s : r.slices) {
    auto key = std::make_tuple(s.host, s.guest, s.lane);
    if (tid.count(key)) continue;
    const std::size_t id = tid.size() + 1;
    tid.emplace(key, id);
    const GuestRow& g = r.guests[s.guest];
    std::string label = g.name + (s.lane > 0 ? " #" + std::to_string(s.lane) : "");
    events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", s.host + 1}, {"tid", id},
                      {"args", {{"name", label}}}});
  }
  for (const TaskSlice& s : r.slices) {
    const GuestRow& g = r.guests[s.guest];
    events.push_back({{"name", s.completed ? "task" : "task (cut off)"},
                      {"cat", g.mode},
                      {"ph", "X"},
                      {"ts", s.start_s * 1e6},
                      {"dur", (s.end_s - s.start_s) * 1e6},
                      {"pid", s.host + 1},
                      {"tid", tid.at({s.host, s.guest, s.lane})},
                      {"args", {{"guest", g.name}, {"flops", s.flops}}}});
  }
  ordered_json j;
  j["displayTimeUnit"] = "ms";
  j["traceEvents"] = std::move(events);
  j["otherData"] = {{"scenario", r.meta.scenario}, {"seed", r.meta.seed}};
  return j.dump() + "\n";
}

}  // namespace vzlab::hv::report
