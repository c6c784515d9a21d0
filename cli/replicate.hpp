// `vzlab run FILE --replications N`: the same scenario with N seeds, in
// parallel, and the mean of each metric with its 95% confidence interval.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "vzlab/hv/report/run_report.hpp"

namespace vzlab::cli {

/// The figures of one run that replications average: makespan, guests
/// finished and down, downtime, availability (all guests, and per guest
/// group), host failures, energy, migration downtime, services' response
/// times and SLA, and each replication's RPO, data lost and RTO.
std::map<std::string, double> run_metrics(const hv::report::RunReport& r);

/// One metric over the replications.
struct MetricSummary {
  std::string name;
  std::size_t n = 0;
  double mean = 0.0;
  double ci95 = 0.0;  ///< half-width: Student's t(0.975, n-1) x stddev / sqrt(n); 0 for n < 2
  double min = 0.0, max = 0.0;
};

/// The 0.975 quantile of Student's t with `df` degrees of freedom.
double t_975(std::size_t df);

/// Mean, 95% confidence interval, min and max of every metric (sorted by name).
std::vector<MetricSummary> summarize_runs(const std::vector<std::map<std::string, double>>& runs);

}  // namespace vzlab::cli
