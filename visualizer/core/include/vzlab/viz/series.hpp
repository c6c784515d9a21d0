// Chart data over simulated time: a bounded buffer that keeps the whole run
// visible by thinning itself (every other point dropped when full), and the
// percentile definition the text report uses. A rate series (power, say)
// holds at each point the mean since the point before (since time 0 for the
// first); it thins by merging neighbours into their time-weighted mean, so
// its integral, sum of value x interval, stays what was pushed.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vzlab::viz {

/// One chart line: (time, value) points, at most `capacity` of them.
class Series {
 public:
  /// Levels sampled at their times, or means over the intervals that end there.
  enum class Kind { kLevel, kRate };
  /// An empty series named `name` keeping at most `capacity` (>= 2, even) points.
  explicit Series(std::string name, std::size_t capacity = 1024, Kind kind = Kind::kLevel);
  /// Appends a point; when full, drops every other point and from then on
  /// keeps one point in twice as many.
  void push(double t, double v);
  /// Label of the line.
  const std::string& name() const { return name_; }
  /// Times of the points kept, increasing.
  const std::vector<double>& times() const { return t_; }
  /// Values of the points kept.
  const std::vector<double>& values() const { return v_; }
  /// Points kept.
  std::size_t size() const { return t_.size(); }
  /// Keep one pushed point in this many (1 until the first thinning).
  std::size_t stride() const { return stride_; }
  /// Largest value held (0 when empty).
  double max_value() const;

 private:
  std::string name_;
  std::size_t capacity_;
  Kind kind_;
  double pending_ = 0.0, pushed_t_ = 0.0;  // kRate: value x time pushed but not kept yet, and the last push's time
  std::size_t stride_ = 1, skipped_ = 0;
  std::vector<double> t_, v_;
};

/// Nearest rank: the smallest of `sorted` with at least a share q of the
/// values at or below it (as the text report computes p50, p95, p99).
double nearest_rank(const std::vector<double>& sorted, double q);

}  // namespace vzlab::viz
