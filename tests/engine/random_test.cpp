#include "vzlab/engine/random.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace vzlab::engine {
namespace {

TEST(Random, SameSeedAndNameGiveSameNumbers) {
  RandomStream a(7, "arrivals"), b(7, "arrivals");
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
}

TEST(Random, StreamsAreIndependentOfEachOther) {
  // Drawing from another stream in between does not change a stream's values.
  RandomStream a(7, "sizes"), other(7, "arrivals"), b(7, "sizes");
  std::vector<double> first, second;
  for (int i = 0; i < 50; ++i) first.push_back(a.uniform());
  for (int i = 0; i < 50; ++i) {
    other.uniform();
    second.push_back(b.uniform());
  }
  EXPECT_EQ(first, second);
  RandomStream c(8, "sizes");
  EXPECT_NE(RandomStream(7, "sizes").next_u64(), c.next_u64());
}

TEST(Random, UniformMomentsMatchTheory) {
  // U[0,1): mean 1/2, variance 1/12. With n = 200000 the standard error of the
  // mean is sqrt(1/12/n) ~ 6.5e-4; allow 5 standard errors.
  RandomStream r(1, "u");
  const int n = 200000;
  double sum = 0, sq = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sq += u * u;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(sq / n - mean * mean, 1.0 / 12, 2e-3);
}

TEST(Random, ExponentialAndNormalMeans) {
  // Exponential(mean 2): sd 2, se = 2/sqrt(n). Normal(5, 3): se = 3/sqrt(n).
  RandomStream r(3, "dist");
  const int n = 100000;
  double e = 0, g = 0, g2 = 0;
  for (int i = 0; i < n; ++i) {
    e += r.exponential(2.0);
    const double x = r.normal(5.0, 3.0);
    g += x;
    g2 += x * x;
  }
  EXPECT_NEAR(e / n, 2.0, 5 * 2.0 / std::sqrt(n));
  EXPECT_NEAR(g / n, 5.0, 5 * 3.0 / std::sqrt(n));
  EXPECT_NEAR(std::sqrt(g2 / n - (g / n) * (g / n)), 3.0, 0.05);
}

TEST(Random, WeibullMeanMatchesGammaFormula) {
  // Weibull(k=2, lambda=1): mean = lambda * Gamma(1 + 1/k) = Gamma(1.5) ~ 0.8862.
  RandomStream r(4, "w");
  const int n = 100000;
  double s = 0;
  for (int i = 0; i < n; ++i) s += r.weibull(2.0, 1.0);
  EXPECT_NEAR(s / n, std::tgamma(1.5), 0.01);
}

}  // namespace
}  // namespace vzlab::engine
