#include "vzlab/viz/series.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace vzlab::viz {

Series::Series(std::string name, std::size_t capacity, Kind kind)
    : name_(std::move(name)), capacity_(std::max<std::size_t>(2, capacity + capacity % 2)), kind_(kind) {
  t_.reserve(capacity_);
  v_.reserve(capacity_);
}

void Series::push(double t, double v) {
  if (kind_ == Kind::kRate) {
    pending_ += v * (t - pushed_t_);
    pushed_t_ = t;
  }
  if (skipped_ + 1 < stride_) {
    ++skipped_;
    return;
  }
  skipped_ = 0;
  if (kind_ == Kind::kRate) {
    // The mean since the last point kept.
    const double from = t_.empty() ? 0.0 : t_.back();
    v = t > from ? pending_ / (t - from) : v;
    pending_ = 0.0;
  }
  if (t_.size() == capacity_) {
    std::size_t k = 0;
    for (std::size_t i = 0; i < t_.size(); i += 2, ++k) {
      if (kind_ == Kind::kRate) {
        // Points i and i + 1 become one over both intervals.
        const double from = i == 0 ? 0.0 : t_[i - 1];
        const double span = t_[i + 1] - from;
        v_[k] = span > 0 ? (v_[i] * (t_[i] - from) + v_[i + 1] * (t_[i + 1] - t_[i])) / span : v_[i + 1];
        t_[k] = t_[i + 1];
        continue;
      }
      t_[k] = t_[i];
      v_[k] = v_[i];
    }
    t_.resize(k);
    v_.resize(k);
    stride_ *= 2;
  }
  t_.push_back(t);
  v_.push_back(v);
}

double Series::max_value() const {
  double m = 0;
  for (double x : v_)
    if (x > m) m = x;
  return m;
}

double nearest_rank(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace vzlab::viz
