// `vzlab viz`: the live visualizer, its headless pictures and its frame-time bench.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vzlab::cli {

/// Options of `vzlab viz`.
struct VizOptions {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string until;         ///< duration text, e.g. "1h"
  double speed = 60;         ///< simulated seconds per real second
  bool play = false;
  std::string record, replay;
  bool headless = false;
  std::string at;            ///< headless: "T1,T2,..." durations
  std::string out_dir;       ///< headless: where the PNGs go
  int bench_frames = 0;
  std::string size = "1600x1000";
  float font_px = 17;
  double budget_ms = 12;     ///< most engine wall time per frame
  std::vector<std::string> clicks;  ///< headless: "T@X,Y" clicks after the picture of time T
};

/// Runs `vzlab viz`; returns the exit code (0, 1 input error, 2 usage error).
int run_viz(const VizOptions& o);

/// Options of `vzlab plot`.
struct PlotOptions {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string until;
  std::string out_dir;
  std::string size = "1200x800";
};

/// Runs `vzlab plot`: the scenario to its end, then its time series as PNG charts.
int run_plot(const PlotOptions& o);

}  // namespace vzlab::cli
