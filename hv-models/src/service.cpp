#include "vzlab/hv/service.hpp"

#include <algorithm>
#include <limits>

#include "vzlab/hv/guest.hpp"

namespace vzlab::hv {

const char* policy_name(BalancePolicy p) {
  switch (p) {
    case BalancePolicy::kRoundRobin: return "round-robin";
    case BalancePolicy::kRandom: return "random";
    case BalancePolicy::kLeastConnections: return "least-connections";
    case BalancePolicy::kWeighted: return "weighted";
    case BalancePolicy::kPowerOfTwo: return "power-of-two";
  }
  return "?";
}

std::optional<BalancePolicy> policy_from_name(std::string_view name) {
  for (auto p : {BalancePolicy::kRoundRobin, BalancePolicy::kRandom, BalancePolicy::kLeastConnections,
                 BalancePolicy::kWeighted, BalancePolicy::kPowerOfTwo})
    if (name == policy_name(p)) return p;
  return std::nullopt;
}

Service::Service(engine::Engine& engine, ServiceSpec spec)
    : engine_(engine),
      spec_(std::move(spec)),
      arrivals_rng_(engine.random("service/" + spec_.name + "/arrivals")),
      service_rng_(engine.random("service/" + spec_.name + "/service")),
      choice_rng_(engine.random("service/" + spec_.name + "/choice")),
      replicas_(spec_.replicas.size()),
      current_weight_(spec_.replicas.size(), 0.0) {
  stats_.replicas.resize(spec_.replicas.size());
  for (std::size_t r = 0; r < spec_.replicas.size(); ++r) rotation_.push_back(r);
  if (spec_.weights.size() != spec_.replicas.size()) spec_.weights.assign(spec_.replicas.size(), 1.0);
}

Service::~Service() {
  for (Request& q : pool_)
    if (q.scheduled()) engine_.cancel(q);
}

void Service::start() {
  engine_.spawn(arrivals(), "service/" + spec_.name);
  engine_.spawn(health_checks(), "service/" + spec_.name + "/health");
}

bool Service::alive(std::size_t r) const { return spec_.replicas[r]->serving(); }

bool Service::in_rotation(std::size_t r) const {
  return std::find(rotation_.begin(), rotation_.end(), r) != rotation_.end();
}

engine::Process Service::health_checks() {
  // Checks at 0, h, 2h, ... for as long as requests may still come.
  for (;;) {
    rotation_.clear();
    for (std::size_t r = 0; r < replicas_.size(); ++r)
      if (alive(r)) rotation_.push_back(r);
    last_check_s_ = engine_.now();
    if (spec_.stop_s > 0 && engine_.now() > spec_.stop_s) co_return;
    co_await engine_.sleep(spec_.health_check_s);
  }
}

engine::Process Service::arrivals() {
  if (spec_.start_s > engine_.now()) co_await engine_.sleep_until(spec_.start_s);
  for (;;) {
    co_await engine_.sleep(spec_.interarrival.sample(arrivals_rng_));
    if (spec_.stop_s > 0 && engine_.now() > spec_.stop_s) co_return;
    ++stats_.arrived;
    const std::size_t r = pick();
    if (r == replicas_.size()) {  // nothing in rotation
      ++stats_.failed;
      continue;
    }
    ++stats_.replicas[r].sent;
    if (!alive(r)) {  // the balancer has not noticed yet
      ++stats_.failed;
      continue;
    }
    ReplicaState& rep = replicas_[r];
    Request* q = make_request();
    q->replica = r;
    q->arrived_s = engine_.now();
    if (rep.busy < spec_.servers) {
      start_service(*q);
    } else if (static_cast<long>(rep.queue.size()) < spec_.queue_limit) {
      rep.queue.push_back(q);
    } else {
      ++stats_.dropped;
      recycle(q);
    }
  }
}

std::size_t Service::pick() {
  const std::size_t n = replicas_.size();
  const std::vector<std::size_t>& up = rotation_;
  if (up.empty()) return n;
  auto load = [&](std::size_t r) { return replicas_[r].busy + static_cast<long>(replicas_[r].queue.size()); };
  switch (spec_.policy) {
    case BalancePolicy::kRoundRobin: {
      // The first replica in rotation at or after the one after the last pick.
      auto it = std::lower_bound(up.begin(), up.end(), next_ % n);
      const std::size_t r = it == up.end() ? up.front() : *it;
      next_ = r + 1;
      return r;
    }
    case BalancePolicy::kRandom:
      return up[choice_rng_.next_u64() % up.size()];
    case BalancePolicy::kLeastConnections:
      return *std::min_element(up.begin(), up.end(), [&](std::size_t a, std::size_t b) { return load(a) < load(b); });
    case BalancePolicy::kWeighted: {
      // Smooth weighted round robin: each in rotation gains its weight, the
      // highest is chosen and pays back the total.
      double total = 0;
      std::size_t best = up.front();
      for (std::size_t r : up) {
        current_weight_[r] += spec_.weights[r];
        total += spec_.weights[r];
        if (current_weight_[r] > current_weight_[best]) best = r;
      }
      current_weight_[best] -= total;
      return best;
    }
    case BalancePolicy::kPowerOfTwo: {
      if (up.size() == 1) return up.front();
      const std::size_t a = up[choice_rng_.next_u64() % up.size()];
      std::size_t b = up[choice_rng_.next_u64() % (up.size() - 1)];
      if (b == a) b = up.back();
      return load(b) < load(a) ? b : a;
    }
  }
  return n;
}

void Service::start_service(Request& q) {
  ReplicaState& rep = replicas_[q.replica];
  ++rep.busy;
  rep.serving.push_back(&q);
  q.started_s = engine_.now();
  const double service_s = spec_.service_time.sample(service_rng_);
  Guest& g = *spec_.replicas[q.replica];
  q.work.emplace(g, service_s * g.host().speed_flops());
  engine_.schedule(q, engine_.now() + service_s);
}

void Service::complete(Request& q) {
  ReplicaState& rep = replicas_[q.replica];
  --rep.busy;
  rep.serving.erase(std::find(rep.serving.begin(), rep.serving.end(), &q));
  q.work.reset();
  ++stats_.completed;
  ++stats_.replicas[q.replica].completed;
  stats_.replicas[q.replica].busy_s += engine_.now() - q.started_s;
  stats_.response_s.push_back(engine_.now() - q.arrived_s);
  const std::size_t r = q.replica;
  recycle(&q);
  if (!replicas_[r].queue.empty()) {
    Request* next = replicas_[r].queue.front();
    replicas_[r].queue.pop_front();
    start_service(*next);
  }
}

void Service::replica_up(const Guest& g) {
  if (engine_.now() != last_check_s_) return;  // the next check will see it
  for (std::size_t r = 0; r < replicas_.size(); ++r)
    if (spec_.replicas[r] == &g && alive(r) && !in_rotation(r)) rotation_.insert(std::lower_bound(rotation_.begin(), rotation_.end(), r), r);
}

void Service::replica_down(const Guest& g) {
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    if (spec_.replicas[r] != &g) continue;
    if (engine_.now() == last_check_s_) rotation_.erase(std::remove(rotation_.begin(), rotation_.end(), r), rotation_.end());
    ReplicaState& rep = replicas_[r];
    for (Request* q : rep.serving) {
      if (q->scheduled()) engine_.cancel(*q);
      q->work.reset();
      stats_.replicas[r].busy_s += engine_.now() - q->started_s;
      ++stats_.failed;
      recycle(q);
    }
    for (Request* q : rep.queue) {
      ++stats_.failed;
      recycle(q);
    }
    rep.serving.clear();
    rep.queue.clear();
    rep.busy = 0;
  }
}

void Service::finish() {
  for (ReplicaState& rep : replicas_)
    for (Request* q : rep.serving) q->work.reset();
}

Service::Request* Service::make_request() {
  if (!free_.empty()) {
    Request* q = free_.back();
    free_.pop_back();
    return q;
  }
  Request& q = pool_.emplace_back();
  q.service = this;
  return &q;
}

void Service::recycle(Request* q) { free_.push_back(q); }

}  // namespace vzlab::hv
