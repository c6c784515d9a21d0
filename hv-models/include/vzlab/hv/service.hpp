// Load balancing: a service runs as identical replicas inside guests, behind
// a load balancer. Requests arrive (Poisson or any interarrival law), the
// balancer picks a healthy replica by its policy, the replica serves up to
// `servers` requests at once (each for a drawn service time) and queues the
// rest up to `queue_limit`; a full queue drops the request. The balancer
// learns that a replica died (its guest went down) or came back at its next
// health check; requests it sends to a dead replica fail.
//
// CPU: while a request is in service it is a task of its replica's guest
// (Guest::execute) asking for service time x its host's core speed of work,
// one vCPU at most; so its host's work done, utilization and energy, and the
// guest's work and tasks, include requests. The request's timing stays its
// drawn service time: on a host whose CPU is short it still ends on time, and
// only the work it got counts (a task cut off on the event stream).
//
//   Service& web = world.add_service({.name = "web", .replicas = {&g0, &g1}, ...});
//   world.run(3600);   // web.stats(): response times, drops, per-replica use
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <optional>
#include <vector>

#include "vzlab/engine/engine.hpp"
#include "vzlab/hv/distribution.hpp"
#include "vzlab/hv/guest.hpp"

namespace vzlab::hv {

enum class BalancePolicy { kRoundRobin, kRandom, kLeastConnections, kWeighted, kPowerOfTwo };

const char* policy_name(BalancePolicy p);
/// The policy of that name ("round-robin", ...), if there is one.
std::optional<BalancePolicy> policy_from_name(std::string_view name);

/// A service as a scenario describes it.
struct ServiceSpec {
  std::string name{};
  std::vector<Guest*> replicas{};
  std::vector<double> weights{};   ///< kWeighted: one per replica (default 1)
  BalancePolicy policy = BalancePolicy::kRoundRobin;
  Distribution interarrival{Distribution::Kind::kExponential, 0.1, 0.0};
  Distribution service_time{Distribution::Kind::kExponential, 0.05, 0.0};
  int servers = 1;                 ///< requests a replica serves at once
  long queue_limit = 1000;         ///< requests waiting at a replica at most
  double health_check_s = 1.0;     ///< interval of the balancer's health checks
  double start_s = 0.0;            ///< first arrival after this
  double stop_s = 0.0;             ///< no arrivals after this (0: never stops)
  double sla_s = 0.0;              ///< a response slower than this violates the SLA (0: none)
};

/// What a service saw.
struct ServiceStats {
  std::uint64_t arrived = 0, completed = 0, dropped = 0, failed = 0;
  std::vector<double> response_s;  ///< of every completed request
  struct Replica {
    std::uint64_t sent = 0, completed = 0;
    double busy_s = 0.0;  ///< server-seconds of service (divide by servers x time for utilization)
  };
  std::vector<Replica> replicas;
};

/// A running service (created by World::add_service).
class Service {
 public:
  Service(engine::Engine& engine, ServiceSpec spec);
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;
  ~Service();

  const ServiceSpec& spec() const { return spec_; }
  const ServiceStats& stats() const { return stats_; }
  /// Starts the arrivals and the health checks.
  void start();
  /// A replica's guest went down: its requests fail, at once.
  void replica_down(const Guest& g);
  /// A replica's guest began serving: a health check at this very instant
  /// sees it (a check sees the replicas as they are at the end of its instant).
  void replica_up(const Guest& g);
  /// Whether the balancer currently sends to replica r.
  bool in_rotation(std::size_t r) const;
  /// Requests at replica r now: in service plus queued.
  long replica_load(std::size_t r) const {
    return replicas_[r].busy + static_cast<long>(replicas_[r].queue.size());
  }
  /// Changes the balancer's policy from the next request on.
  void set_policy(BalancePolicy p) { spec_.policy = p; }
  /// Changes the law of the time between requests from the next draw on.
  void set_interarrival(Distribution d) { spec_.interarrival = d; }
  /// Ends the CPU work of the requests in service now, counting what they did (World::finish).
  void finish();

 private:
  struct Request final : engine::Timer {
    Service* service = nullptr;
    std::size_t replica = 0;
    double arrived_s = 0.0, started_s = 0.0;
    std::optional<Execution> work;  // its CPU on the replica while in service
    void fire() override { service->complete(*this); }
  };
  struct ReplicaState {
    int busy = 0;
    std::deque<Request*> queue;
    std::vector<Request*> serving;
  };
  engine::Process arrivals();
  engine::Process health_checks();
  std::size_t pick();
  bool alive(std::size_t r) const;
  void start_service(Request& q);
  void complete(Request& q);
  Request* make_request();
  void recycle(Request* q);

  engine::Engine& engine_;
  ServiceSpec spec_;
  engine::RandomStream arrivals_rng_, service_rng_, choice_rng_;
  ServiceStats stats_;
  std::vector<ReplicaState> replicas_;
  std::vector<std::size_t> rotation_;  // replicas the balancer sends to, in order (set by the health checks)
  std::deque<Request> pool_;
  std::vector<Request*> free_;
  std::size_t next_ = 0;           // round robin
  double last_check_s_ = -1.0;     // time of the last health check
  std::vector<double> current_weight_;
};

}  // namespace vzlab::hv
