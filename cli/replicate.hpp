// `vzlab run FILE --replications N`: the same scenario with N seeds, in
// parallel, and the mean of each metric with its 95% confidence interval.
// A run without a value for a metric (no makespan when `until` stopped it
// with work left) does not count for it: its n is the runs that have it.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vzlab/hv/report/run_report.hpp"

namespace vzlab::cli {

/// The figures of one run that replications average: makespan (only when
/// all work was done), guests finished and down, downtime, availability (all
/// guests, and per guest group), host failures, energy, migration downtime,
/// services' response times, failed and dropped requests and SLA, and each
/// replication's RPO, data lost and RTO.
std::map<std::string, double> run_metrics(const hv::report::RunReport& r);

/// One metric over the replications.
struct MetricSummary {
  std::string name;
  std::size_t n = 0;
  double mean = 0.0;
  std::optional<double> ci95;  ///< half-width: Student's t(0.975, n-1) x stddev / sqrt(n); none for n < 2
  double min = 0.0, max = 0.0;
};

/// The 0.975 quantile of Student's t with `df` degrees of freedom.
double t_975(std::size_t df);

/// Mean, 95% confidence interval, min and max of every metric (sorted by name).
std::vector<MetricSummary> summarize_runs(const std::vector<std::map<std::string, double>>& runs);

/// A number for CSV ("%.17g"), or "n/a" when there is none.
std::string csv_number(std::optional<double> v);
/// `metric`'s value in one run for CSV: "n/a" when the run has none.
std::string csv_value(const std::map<std::string, double>& run, const std::string& metric);
/// The CSV fields n,mean,ci95,min,max of a summary.
std::string summary_csv_fields(const MetricSummary& s);
/// The heading and the rows of the text table of summaries (metric, mean,
/// 95% CI, min, max, n), each a line without its newline.
std::string summary_table_heading();
std::string summary_table_row(const MetricSummary& s);

}  // namespace vzlab::cli
