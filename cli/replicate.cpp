#include "replicate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vzlab::cli {

std::map<std::string, double> run_metrics(const hv::report::RunReport& r) {
  std::map<std::string, double> m;
  if (r.makespan_s) m["makespan_s"] = *r.makespan_s;
  double finished = 0, down = 0, downtime = 0, incidents = 0, availability = 0, counted = 0;
  std::map<std::string, std::pair<double, double>> by_group;  // sum of availability, guests
  for (const auto& g : r.guests) {
    if (g.refused) continue;
    finished += g.finished_at_s ? 1 : 0;
    down += g.down_at_s ? 1 : 0;
    downtime += g.downtime_s;
    incidents += g.incidents;
    const double a = r.simulated_s > 0 ? 1.0 - g.downtime_s / r.simulated_s : 1.0;
    availability += a;
    ++counted;
    if (!g.group.empty()) {
      by_group[g.group].first += a;
      by_group[g.group].second += 1;
    }
  }
  m["guests_finished"] = finished;
  m["guests_down_at_end"] = down;
  m["guest_incidents"] = incidents;
  m["guest_downtime_s"] = downtime;
  if (counted > 0) m["guest_availability"] = availability / counted;
  for (const auto& [group, sum] : by_group) m["guest_availability[" + group + "]"] = sum.first / sum.second;
  double failures = 0, energy = 0;
  for (const auto& h : r.hosts) {
    failures += h.failures;
    energy += h.energy_kWh;
  }
  m["host_failures"] = failures;
  m["energy_kWh"] = energy;
  for (const auto& s : r.services) {
    m["response_mean_s[" + s.name + "]"] = s.mean_s;
    m["response_p99_s[" + s.name + "]"] = s.p99_s;
    m["failed_requests[" + s.name + "]"] = static_cast<double>(s.failed);
    m["dropped_requests[" + s.name + "]"] = static_cast<double>(s.dropped);
    if (s.sla_s > 0 && s.arrived > 0)
      m["sla_violations[" + s.name + "]"] = static_cast<double>(s.sla_violations) / static_cast<double>(s.arrived);
  }
  for (const auto& d : r.replications) {
    if (!d.disaster_s) continue;
    m["rpo_s[" + d.name + "]"] = d.rpo_s;
    m["data_lost_bytes[" + d.name + "]"] = d.lost_bytes;
    if (d.rto_s) m["rto_s[" + d.name + "]"] = *d.rto_s;
  }
  if (!r.migrations.empty()) {
    double pause = 0;
    for (const auto& mig : r.migrations) pause += mig.downtime_s;
    m["migration_downtime_s"] = pause;
  }
  return m;
}

double t_975(std::size_t df) {
  // Student's t, 0.975 quantile, for 1..30 degrees of freedom (standard
  // tables); beyond, the expansion z + (z^3 + z) / (4 df) is within 1e-3.
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df == 0) return 0.0;
  if (df <= 30) return table[df - 1];
  const double z = 1.959964;
  return z + (z * z * z + z) / (4.0 * static_cast<double>(df));
}

std::vector<MetricSummary> summarize_runs(const std::vector<std::map<std::string, double>>& runs) {
  std::map<std::string, std::vector<double>> values;
  for (const auto& run : runs)
    for (const auto& [name, v] : run) values[name].push_back(v);
  std::vector<MetricSummary> out;
  for (const auto& [name, xs] : values) {
    MetricSummary s;
    s.name = name;
    s.n = xs.size();
    for (double x : xs) s.mean += x / static_cast<double>(s.n);
    s.min = *std::min_element(xs.begin(), xs.end());
    s.max = *std::max_element(xs.begin(), xs.end());
    if (s.n >= 2) {
      double var = 0;
      for (double x : xs) var += (x - s.mean) * (x - s.mean);
      var /= static_cast<double>(s.n - 1);
      s.ci95 = t_975(s.n - 1) * std::sqrt(var / static_cast<double>(s.n));
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string csv_number(std::optional<double> v) {
  if (!v) return "n/a";
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", *v);
  return b;
}

std::string csv_value(const std::map<std::string, double>& run, const std::string& metric) {
  auto it = run.find(metric);
  return csv_number(it == run.end() ? std::nullopt : std::optional<double>(it->second));
}

std::string summary_csv_fields(const MetricSummary& s) {
  return std::to_string(s.n) + "," + csv_number(s.mean) + "," + csv_number(s.ci95) + "," + csv_number(s.min) + "," +
         csv_number(s.max);
}

std::string summary_table_heading() {
  char line[256];
  std::snprintf(line, sizeof line, "  %-34s %14s %14s %14s %14s %6s", "metric", "mean", "95% CI +/-", "min", "max", "n");
  return line;
}

std::string summary_table_row(const MetricSummary& s) {
  char ci[32] = "n/a";
  if (s.ci95) std::snprintf(ci, sizeof ci, "%.3g", *s.ci95);
  char line[256];
  std::snprintf(line, sizeof line, "  %-34s %14.6g %14s %14.6g %14.6g %6zu", s.name.c_str(), s.mean, ci, s.min, s.max,
                s.n);
  return line;
}

}  // namespace vzlab::cli
