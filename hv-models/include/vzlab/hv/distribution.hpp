// A value drawn from a distribution: a constant, or uniform, exponential,
// normal, lognormal or Weibull (never negative).
#pragma once

#include <algorithm>

#include "vzlab/engine/random.hpp"

namespace vzlab::hv {

struct Distribution {
  enum class Kind { kConstant, kUniform, kExponential, kNormal, kLognormal, kWeibull };
  Kind kind = Kind::kConstant;
  double a = 0.0, b = 0.0;  ///< value; min, max; mean; mean, stddev; mu, sigma; shape, scale
  bool random() const { return kind != Kind::kConstant; }
  double sample(engine::RandomStream& r) const {
    double v = a;
    switch (kind) {
      case Kind::kConstant: break;
      case Kind::kUniform: v = r.uniform(a, b); break;
      case Kind::kExponential: v = r.exponential(a); break;
      case Kind::kNormal: v = r.normal(a, b); break;
      case Kind::kLognormal: v = r.lognormal(a, b); break;
      case Kind::kWeibull: v = r.weibull(a, b); break;
    }
    return std::max(v, 0.0);
  }
};

}  // namespace vzlab::hv
