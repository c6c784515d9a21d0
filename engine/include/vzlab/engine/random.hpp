// Seeded random streams that do not depend on event order.
//
// Every stream is named; its state is derived from (base seed, name) alone, so
// adding a stream or drawing from one never shifts another. Generator and
// distributions are written out here (xoshiro256**, inverse transform,
// Box-Muller) so results are identical on every standard library.
#pragma once

#include <cstdint>
#include <string_view>

namespace vzlab::engine {

/// SplitMix64 step: a good 64-bit mixer, used to derive seeds.
std::uint64_t splitmix64(std::uint64_t& state);
/// Stable 64-bit hash of a string (FNV-1a), for naming streams.
std::uint64_t hash_name(std::string_view name);

/// One independent stream of pseudo-random numbers.
class RandomStream {
 public:
  /// A stream for (seed, name); the same pair always gives the same numbers.
  RandomStream(std::uint64_t seed, std::string_view name);

  /// Next raw 64 random bits.
  std::uint64_t next_u64();
  /// Uniform in [0, 1).
  double uniform();
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Exponential with the given mean.
  double exponential(double mean);
  /// Normal (Gaussian) with mean and standard deviation.
  double normal(double mean, double stddev);
  /// Log-normal whose underlying normal has mu and sigma.
  double lognormal(double mu, double sigma);
  /// Weibull with shape k and scale lambda.
  double weibull(double shape, double scale);

 private:
  std::uint64_t s_[4];
};

}  // namespace vzlab::engine
