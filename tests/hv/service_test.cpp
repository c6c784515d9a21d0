// The load balancer and its replicas against queueing theory.
#include "vzlab/hv/service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "vzlab/hv/report/run_report.hpp"
#include "vzlab/hv/world.hpp"

namespace vzlab::hv {
namespace {

using Kind = Distribution::Kind;

// One run: `replicas` native guests that stay up (they sleep), a service
// with Poisson arrivals (rate lambda) and exponential service (rate mu).
struct ServiceRun {
  World world;
  Service* service = nullptr;
  ServiceRun(std::uint64_t seed, int replicas, int servers, double lambda, double mu, BalancePolicy policy, double until)
      : world(seed) {
    Host& h = world.add_host({.name = "h", .cores = 64, .hypervisor = HypervisorType::kNone});
    CalibrationProfile p;
    p.native_start_s = 0;
    world.set_calibration(p);
    ServiceSpec s{.name = "svc"};
    for (int r = 0; r < replicas; ++r) {
      Guest& g = world.add_guest({.name = "r" + std::to_string(r), .mode = GuestMode::kNative}, h);
      world.start_guest(g, 0.0, {{"up", {{Step::Kind::kSleep, 1e9}}, 1, 0.0}});
      s.replicas.push_back(&g);
    }
    s.policy = policy;
    s.interarrival = {Kind::kExponential, 1.0 / lambda, 0};
    s.service_time = {Kind::kExponential, 1.0 / mu, 0};
    s.servers = servers;
    s.queue_limit = 1000000;
    s.stop_s = until;
    service = &world.add_service(s);
    service->start();
    world.run(until);
  }
  double mean_response() const {
    const auto& r = service->stats().response_s;
    return std::accumulate(r.begin(), r.end(), 0.0) / static_cast<double>(r.size());
  }
};

// Mean of the replications' means and the half-width of its 95% interval.
std::pair<double, double> replicate(int n, auto&& one) {
  std::vector<double> m;
  for (int i = 1; i <= n; ++i) m.push_back(one(static_cast<std::uint64_t>(i)));
  const double mean = std::accumulate(m.begin(), m.end(), 0.0) / n;
  double var = 0;
  for (double x : m) var += (x - mean) * (x - mean) / (n - 1);
  return {mean, 2.09 * std::sqrt(var / n)};  // t(0.975, 19)
}

TEST(Service, ReplicasThatStartWithTheServiceServeItsFirstRequests) {
  // Two replicas up from t = 0 (no start-up time) and never down: no request
  // can fail, including those of the first health-check interval.
  ServiceRun run(1, 2, 1, 5.0, 20.0, BalancePolicy::kRoundRobin, 100.0);
  EXPECT_GT(run.service->stats().arrived, 300u);
  EXPECT_EQ(run.service->stats().failed, 0u);
}

TEST(Service, RequestsAreCpuWorkOnTheReplicasHost) {
  // Host h: 2 cores of 1e9. Replica r sleeps; a request arrives every second
  // from 1 s to 10 s (10 of them) and is served for 0.5 s: 0.5 s x 1e9 = 5e8 flops
  // each, 5e9 in all. Guest c computes 3e9 on the other core (0 to 3 s). By hand:
  // the host did 5e9 + 3e9 = 8e9, the sum of its guests' work; utilization over
  // 20 s = 8e9 / (2e9 x 20) = 0.2; energy 100 W x 20 s + 150 W x 8e9 / 2e9 = 2600 J.
  World w;
  CalibrationProfile p;
  p.native_start_s = 0;
  w.set_calibration(p);
  Host& h = w.add_host({.name = "h", .cores = 2, .speed_flops = 1e9});
  Guest& r = w.add_guest({.name = "r", .mode = GuestMode::kNative}, h);
  Guest& c = w.add_guest({.name = "c", .mode = GuestMode::kNative}, h);
  w.start_guest(r, 0.0, {{"up", {{Step::Kind::kSleep, 1e9}}, 1, 0.0}});
  w.start_guest(c, 0.0, {{"work", {{Step::Kind::kCompute, 3e9}}, 1, 0.0}});
  ServiceSpec s{.name = "svc", .replicas = {&r}};
  s.interarrival = {Kind::kConstant, 1.0, 0};
  s.service_time = {Kind::kConstant, 0.5, 0};
  s.stop_s = 10.5;
  s.health_check_s = 0.5;  // r is in rotation from 0.5 s (it starts at 0, maybe after the check then)
  Service& svc = w.add_service(s);
  svc.start();
  report::RunRecorder rec(w, {});
  w.run(20.0);
  w.finish();
  EXPECT_EQ(svc.stats().completed, 10u);
  const report::RunReport rep = rec.report({});
  EXPECT_NEAR(rep.guests[0].flops_done, 5e9, 1.0);
  EXPECT_NEAR(rep.guests[1].flops_done, 3e9, 1.0);
  EXPECT_NEAR(rep.hosts[0].flops_done, rep.guests[0].flops_done + rep.guests[1].flops_done, 1.0);
  EXPECT_NEAR(rep.hosts[0].flops_done, 8e9, 1.0);
  EXPECT_NEAR(rep.hosts[0].utilization, 0.2, 1e-9);
  EXPECT_NEAR(rep.hosts[0].energy_kWh, 2600.0 / 3.6e6, 1e-9);
}

TEST(Service, MM1MeanResponseTime) {
  // lambda = 8/s, mu = 10/s: W = 1 / (mu - lambda) = 0.5 s.
  const auto [mean, ci] = replicate(20, [](std::uint64_t seed) {
    return ServiceRun(seed, 1, 1, 8.0, 10.0, BalancePolicy::kRoundRobin, 5000.0).mean_response();
  });
  EXPECT_NEAR(mean, 0.5, std::max(ci, 0.01)) << "ci " << ci;
  EXPECT_LT(ci, 0.03);
}

TEST(Service, MM1ResponseTimesAreExponential) {
  // In an M/M/1 queue the response time is exponential with rate mu - lambda:
  // P(W > 0.5 s) = exp(-(10 - 8) x 0.5) = e^-1 = 0.368.
  const auto [share, ci] = replicate(20, [](std::uint64_t seed) {
    ServiceRun run(seed, 1, 1, 8.0, 10.0, BalancePolicy::kRoundRobin, 5000.0);
    const auto& r = run.service->stats().response_s;
    return static_cast<double>(std::count_if(r.begin(), r.end(), [](double x) { return x > 0.5; })) /
           static_cast<double>(r.size());
  });
  EXPECT_NEAR(share, std::exp(-1.0), std::max(ci, 0.01)) << "ci " << ci;
}

TEST(Service, MMcMeanResponseTimeIsErlangC) {
  // c = 3 servers, lambda = 24/s, mu = 10/s: a = 2.4, rho = 0.8.
  // P(wait) = C(3, 2.4) = (a^3/3! / (1 - rho)) / (1 + a + a^2/2 + a^3/3! / (1 - rho)),
  // W = C / (c mu - lambda) + 1 / mu.
  const double a = 2.4, rho = 0.8;
  const double top = a * a * a / 6.0 / (1 - rho);
  const double erlang_c = top / (1 + a + a * a / 2 + top);
  const double w = erlang_c / (30.0 - 24.0) + 0.1;
  const auto [mean, ci] = replicate(20, [](std::uint64_t seed) {
    return ServiceRun(seed, 1, 3, 24.0, 10.0, BalancePolicy::kRoundRobin, 2000.0).mean_response();
  });
  EXPECT_NEAR(mean, w, std::max(ci, 0.005)) << "theory " << w << " ci " << ci;
}

TEST(Service, RoundRobinAlternatesAndWeightsShare) {
  ServiceRun rr(1, 3, 1, 5.0, 100.0, BalancePolicy::kRoundRobin, 600.0);
  const auto& s = rr.service->stats();
  // Every replica gets a third, to one request.
  for (const auto& r : s.replicas) EXPECT_LE(std::abs(static_cast<double>(r.sent) - s.replicas[0].sent), 1.0);
  EXPECT_EQ(s.dropped, 0u);
  // Weights 1, 2, 3: the shares are 1/6, 2/6, 3/6 (smooth weighted round
  // robin keeps each within one request of its share).
  World w(1);
  Host& h = w.add_host({.name = "h", .cores = 8, .hypervisor = HypervisorType::kNone});
  ServiceSpec spec{.name = "w", .weights = {1, 2, 3}, .policy = BalancePolicy::kWeighted};
  for (int r = 0; r < 3; ++r) {
    Guest& g = w.add_guest({.name = "g" + std::to_string(r), .mode = GuestMode::kNative}, h);
    w.start_guest(g, 0.0, {{"up", {{Step::Kind::kSleep, 1e9}}, 1, 0.0}});
    spec.replicas.push_back(&g);
  }
  spec.start_s = 1.0;  // after the first health check saw them up
  spec.stop_s = 600.0;
  Service& weighted = w.add_service(spec);
  weighted.start();
  w.run(600.0);
  const auto& ws = weighted.stats();
  std::uint64_t total = 0;
  for (const auto& r : ws.replicas) total += r.sent;
  EXPECT_EQ(total, ws.arrived);
  for (int r = 0; r < 3; ++r)
    EXPECT_NEAR(static_cast<double>(ws.replicas[r].sent), total * (r + 1) / 6.0, 1.0) << r;
}

TEST(Service, LeastConnectionsBeatsRandomUnderLoad) {
  // Three single-server replicas at 90 % load: joining the shortest queue
  // waits far less than picking at random (which is three M/M/1 queues:
  // W = 1 / (10 - 9) = 1 s).
  const double random = ServiceRun(3, 3, 1, 27.0, 10.0, BalancePolicy::kRandom, 3000.0).mean_response();
  const double least = ServiceRun(3, 3, 1, 27.0, 10.0, BalancePolicy::kLeastConnections, 3000.0).mean_response();
  const double two = ServiceRun(3, 3, 1, 27.0, 10.0, BalancePolicy::kPowerOfTwo, 3000.0).mean_response();
  EXPECT_NEAR(random, 1.0, 0.25);
  EXPECT_LT(least, 0.5 * random);
  EXPECT_LT(two, random);
}

}  // namespace
}  // namespace vzlab::hv
