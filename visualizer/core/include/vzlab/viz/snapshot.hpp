// What the views show, read from the world's public state and its event
// stream once per frame. Nothing here changes the world.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "vzlab/hv/world.hpp"
#include "vzlab/viz/colors.hpp"

namespace vzlab::viz {

/// A host card.
struct HostView {
  const std::string* name = nullptr;
  const std::string* group = nullptr;
  bool up = true;
  bool powered_off = false;
  float cpu = 0;     ///< CPU in use / capacity, now
  float memory = 0;  ///< memory in use / RAM, now
  std::uint32_t first = 0, count = 0;  ///< its guests: Snapshot::by_host[first .. first + count)
  const std::string* site = nullptr;   ///< data centre ("" when the scenario names none)
};

/// A guest box.
struct GuestView {
  const std::string* name = nullptr;
  std::uint32_t host = 0;
  GuestState state = GuestState::kPending;
  bool vm = true;
  float downtime_s = 0;  ///< time down so far (this incident counts while it lasts)
  float down_for_s = -1; ///< time since its outage began, while stalled, down or restarting; else -1
};

/// A vertex of the platform graph.
struct NodeView {
  const std::string* name = nullptr;
  hv::NodeKind kind = hv::NodeKind::kSwitch;
  bool up = true;
  float utilization = 0;  ///< throughput / its own bandwidth (0 if it has none)
  std::int32_t host = -1; ///< index of the host it is, or -1
};

/// An edge of the platform graph.
struct LinkView {
  const std::string* name = nullptr;
  std::uint32_t a = 0, b = 0;
  bool up = true;
  float utilization = 0;  ///< throughput / bandwidth, now
};

/// A replica behind a balancer.
struct ReplicaView {
  std::uint32_t guest = 0;
  bool in_rotation = true;
  long load = 0;  ///< requests in service or queued there
};

/// A load-balanced service.
struct ServiceView {
  const std::string* name = nullptr;
  hv::BalancePolicy policy = hv::BalancePolicy::kRoundRobin;
  double rate_per_s = 0;  ///< arrival rate: 1 / mean interarrival time
  std::uint64_t arrived = 0, completed = 0, dropped = 0, failed = 0;
  std::vector<ReplicaView> replicas;
};

/// A guest that came back on another host (failover or migration), for the animation.
struct Move {
  std::uint32_t guest = 0, from = 0, to = 0;
  double at_s = 0;  ///< simulated time it left its old host
};

/// Follows the event stream for what the lifecycle state does not keep:
/// where a guest came from when it came back elsewhere (for the animation),
/// and migrations asked for by a command that have not begun yet.
class StateTracker {
 public:
  /// Subscribes to the world's event stream; the world must outlive it.
  explicit StateTracker(hv::World& world);
  /// Guests that came back on another host, oldest first (the last 256).
  const std::vector<Move>& moves() const { return moves_; }
  /// A migration asked for by a command: the guest counts as migrating from
  /// now, before the migration itself begins.
  void migration_started(std::uint32_t guest, double at_s);
  /// Whether guest g is being migrated now, or about to be.
  bool migrating(std::uint32_t g) const;

 private:
  void on_event(const engine::StreamEvent& e);
  void note_move(std::uint32_t g, std::uint32_t to, double at_s);
  hv::World& world_;
  std::unordered_map<std::uint32_t, std::uint32_t> guest_of_subject_;
  std::vector<std::uint32_t> host_;
  std::vector<Move> moves_;
  struct InFlight {
    std::uint32_t guest;
    double started_s;
  };
  mutable std::vector<InFlight> in_flight_;
  mutable std::size_t records_seen_ = 0;
};

/// Everything drawn in one frame.
struct Snapshot {
  double time_s = 0;
  std::vector<HostView> hosts;
  std::vector<GuestView> guests;
  std::vector<std::uint32_t> by_host;  ///< guest indices grouped by host, in guest order
  std::vector<NodeView> nodes;         ///< empty without a network
  std::vector<LinkView> links;
  std::vector<ServiceView> services;
  std::uint64_t state_counts[kGuestStates] = {};  ///< guests in each state

  /// Rebuilds from the world now (reusing the vectors' memory).
  void update(const hv::World& world);
};

}  // namespace vzlab::viz
