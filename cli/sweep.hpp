// `vzlab sweep FILE --set key=v1,v2 ... --replications N`: the cross
// product of parameter values times replications, run on local threads or,
// under `mpirun`, over MPI ranks, merged into one CSV.
//
//   vzlab sweep scenarios/failover.yaml --set ha.heartbeat=1s,5s,30s --replications 100 --out sweep.csv
//
// Run r of every point uses seed base + r (the same random draws at every
// point, so points differ only by their parameters), and results go to a
// row fixed by (point, r): the CSV is the same whatever the number of
// threads or ranks.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vzlab/hv/calibration.hpp"

namespace vzlab::cli {

/// One `--set key=v1,v2,...`.
struct SweepParameter {
  std::string key;                  ///< a path into the scenario: ha.heartbeat, hosts[0].count
  std::vector<std::string> values;  ///< YAML values (a flow map such as {dist: exponential, mean: 8h} is one value)
};

/// A parameter point: (key, value) for each parameter.
using SweepPoint = std::vector<std::pair<std::string, std::string>>;

/// Parses "key=v1,v2,..." (commas inside {} or [] do not split); nullopt and `why` on error.
std::optional<SweepParameter> parse_set(const std::string& arg, std::string* why);

/// Every combination of the parameters' values, the first parameter varying slowest.
std::vector<SweepPoint> cross_product(const std::vector<SweepParameter>& params);

/// The scenario text with each key set to its value; nullopt and `why` if a
/// path does not lead into the document (an unknown list index, a key under
/// a scalar).
std::optional<std::string> with_settings(const std::string& text, const SweepPoint& point, std::string* why);

/// Thrown by simulate() when Ctrl-C stopped the run.
struct Interrupted : std::exception {
  const char* what() const noexcept override { return "interrupted"; }
};

/// The metrics of one run of a scenario text (see run_metrics); throws
/// std::runtime_error with the loader's message on a bad scenario, and
/// Interrupted after Ctrl-C.
std::map<std::string, double> simulate(const std::string& text, const std::string& file, std::uint64_t seed,
                                       std::optional<double> until, const hv::CalibrationProfile& profile);

/// Runs jobs 0..count-1 with run(i) on `threads` threads, showing a progress
/// bar with the time left on stderr when it is a terminal; `pump`, if set,
/// is called from this thread while it waits (to serve MPI ranks, which
/// take indices from `next` and count what they finish in `done`). After
/// Ctrl-C no new job starts and the running ones stop. Returns the first
/// error message (or what Ctrl-C left), or "".
std::string run_parallel(std::size_t count, int threads, const std::function<void(std::size_t)>& run,
                         const char* label, const std::function<void(std::atomic<std::size_t>& next,
                                                                      std::atomic<std::size_t>& done)>& pump = {});

/// What `vzlab sweep` was asked.
struct SweepOptions {
  std::string file;
  std::vector<std::string> sets;
  int replications = 1;
  int jobs = 0;
  std::optional<std::uint64_t> seed;
  std::string out;  ///< CSV of every run; the summary goes beside it (NAME_summary.csv)
  std::string calibration;
};

/// `vzlab sweep`: exit code 0, 1 (bad input) or 2 (bad usage).
int cmd_sweep(const SweepOptions& o);

}  // namespace vzlab::cli
