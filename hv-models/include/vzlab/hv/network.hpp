// The platform as a graph: hosts, switches, routers, storage devices (DAS,
// NAS heads, SAN controllers and arrays) joined by links with a bandwidth
// and a latency. Every transfer is a flow over its route; a link's
// bandwidth (and a node's, where it has one) is shared by weighted max-min
// fairness over the flows crossing it, with the engine's incremental solver.
//
//   vzlab::hv::Network net(engine);
//   auto h = net.add_node({.name = "h0", .kind = NodeKind::kHost});
//   auto s = net.add_node({.name = "sw", .kind = NodeKind::kSwitch});
//   auto n = net.add_node({.name = "nas", .kind = NodeKind::kNas, .bandwidth_Bps = 500e6});
//   net.add_link({.a = "h0", .b = "sw", .bandwidth_Bps = 125e6, .latency_s = 50e-6});
//   net.add_link({.a = "sw", .b = "nas", .bandwidth_Bps = 125e6, .latency_s = 50e-6});
//   co_await net.transfer(h, n, 1e9);   // 100 us of latency, then 1 GB at 125 MB/s
//
// Routes are shortest by latency (fewest hops among equals, then the links
// declared first), found with Boost.Graph; only switches, routers and SAN controllers forward traffic,
// so a host never carries other hosts' flows and a DAS is reachable from
// its own host only. When a component on a flow's route fails, the flow
// stalls, and after the failover delay it continues on another route (SAN
// multipath, or any other path) if there is one, or waits for a repair.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vzlab/engine/engine.hpp"

namespace vzlab::hv {

/// What a vertex of the platform graph is.
enum class NodeKind { kHost, kSwitch, kRouter, kDas, kNas, kController, kArray };

const char* node_kind_name(NodeKind kind);
/// Stores data (DAS, NAS head, SAN array).
bool is_storage(NodeKind kind);
/// Carries other nodes' traffic (switch, router, SAN controller).
bool forwards(NodeKind kind);

/// A vertex as a scenario describes it.
struct NodeSpec {
  std::string name{};
  NodeKind kind = NodeKind::kSwitch;
  double bandwidth_Bps = 0.0;   ///< throughput of the node itself (device, controller, backplane); 0: no limit
  double iops = 0.0;            ///< storage: requests per second; 0: no limit
  double latency_s = 0.0;       ///< storage: access time per request
  double capacity_bytes = 0.0;  ///< storage: size
  double fill_bytes = 0.0;      ///< storage: already used at the start
  std::string host{};           ///< DAS: the host it belongs to
  std::string site{};           ///< data centre it stands in (a site failure takes it down)
};

/// An edge as a scenario describes it (between two nodes, by name).
struct LinkSpec {
  std::string name{};  ///< empty: "a--b"
  std::string a{}, b{};
  double bandwidth_Bps = 125e6;
  double latency_s = 0.0;
  std::string network = "lan";  ///< which network it belongs to (lan, san, management, ...)
};

using NodeId = std::uint32_t;
using LinkId = std::uint32_t;

/// A route: the links crossed in order and the nodes visited (ends included).
struct Path {
  std::vector<LinkId> links;
  std::vector<NodeId> nodes;
  double latency_s = 0.0;  ///< sum of the links' latencies, one way
};

/// A bottleneck sample: which component limited a tagged flow.
struct Component {
  bool is_link = false;
  std::uint32_t id = 0;
  bool operator<(const Component& o) const { return is_link != o.is_link ? is_link < o.is_link : id < o.id; }
};

class Network {
 public:
  /// `failover_s`: how long a flow whose route failed waits before it moves
  /// to another route (path failover in a SAN's multipath driver, or the
  /// network's convergence time).
  explicit Network(engine::Engine& engine, double failover_s = 0.0);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  /// Routes by lowest latency (the default) or by fewest hops.
  void set_route_by_hops(bool hops);
  bool route_by_hops() const { return route_by_hops_; }

  /// Changes the failover delay.
  void set_failover(double seconds) { failover_s_ = seconds; }
  double failover_s() const { return failover_s_; }

  /// Adds a vertex; throws std::invalid_argument if the name is taken.
  NodeId add_node(NodeSpec spec);
  /// Adds an edge between two named nodes; throws std::invalid_argument for
  /// an unknown node, a loop, or a bandwidth that is not positive.
  LinkId add_link(LinkSpec spec);

  std::optional<NodeId> find(const std::string& name) const;
  std::optional<LinkId> find_link(const std::string& name) const;
  const NodeSpec& node(NodeId id) const { return nodes_[id].spec; }
  const LinkSpec& link(LinkId id) const { return links_[id].spec; }
  std::size_t node_count() const { return nodes_.size(); }
  std::size_t link_count() const { return links_.size(); }
  /// The two ends of a link.
  std::pair<NodeId, NodeId> ends(LinkId id) const { return {links_[id].a, links_[id].b}; }
  /// Links at a node.
  const std::vector<LinkId>& links_at(NodeId id) const { return nodes_[id].links; }

  /// Shortest route from a to b over components that are up (and not in
  /// `avoid_nodes` / `avoid_links`), or nothing if there is none.
  std::optional<Path> route(NodeId a, NodeId b, const std::vector<bool>* avoid_nodes = nullptr,
                            const std::vector<bool>* avoid_links = nullptr, bool ignore_failures = false) const;
  /// Up to `k` routes from a to b that share no link and no forwarding node
  /// (multipath), shortest first, ignoring failures.
  std::vector<Path> disjoint_routes(NodeId a, NodeId b, int k) const;
  /// Whether b can be reached from a in the platform as designed (every
  /// component up) with one component left out (single points of failure).
  bool reachable_without(NodeId a, NodeId b, std::optional<Component> without) const;

  /// Moves `bytes` from a to b: the route's latency, then the bytes at the
  /// flow's max-min rate (weight `weight`) over every link of the route and
  /// every node on it with a bandwidth of its own. `tag` (a guest index, or
  /// -1) labels the flow for bottleneck samples. Waits while a has no route
  /// to b.
  engine::Task<void> transfer(NodeId a, NodeId b, double bytes, double weight = 1.0, long tag = -1,
                              bool with_latency = true);
  /// One-way latency of the current route from a to b (0 if none).
  double latency(NodeId a, NodeId b);
  /// `requests` storage requests on device d's IOPS (shared max-min).
  engine::Task<void> requests(NodeId d, double requests);

  /// Fails or repairs a component now.
  void set_node_up(NodeId id, bool up);
  void set_link_up(LinkId id, bool up);
  bool node_up(NodeId id) const { return nodes_[id].up; }
  bool link_up(LinkId id) const { return links_[id].up; }

  /// Bytes that crossed a link / a node so far (flows still running count
  /// what they moved up to their last rate change).
  double link_bytes(LinkId id) const { return links_[id].bytes; }
  double node_bytes(NodeId id) const { return nodes_[id].bytes; }
  /// Current throughput through a link / a node (bytes/s).
  double link_rate(LinkId id) const { return links_[id].bw.usage(); }
  double node_rate(NodeId id) const;
  /// Storage fill, bytes (grows with writes).
  double fill_bytes(NodeId id) const { return nodes_[id].fill; }
  void add_fill(NodeId id, double bytes) { nodes_[id].fill += bytes; }

  /// Flows that ended, flows moved to another route, and flows that waited
  /// for a repair because no route was left.
  std::uint64_t flows_done() const { return flows_done_; }
  std::uint64_t reroutes() const { return reroutes_; }
  std::uint64_t stalls() const { return stalls_; }

  /// Every `interval_s` (an engine ticker: it never keeps a run going),
  /// records each link's and node's throughput and, for each tagged flow,
  /// the most loaded component on its route. Memory does not grow with
  /// simulated time: once the samples hold kSampleBudget readings,
  /// neighbouring samples merge in pairs (their mean and their peak) and the
  /// interval doubles, so a long run is sampled more coarsely.
  void start_sampling(double interval_s);
  /// Readings (links and nodes, mean and peak) the samples hold at most: 16 MB.
  static constexpr std::size_t kSampleBudget = 4'000'000;
  /// Samples kept at most before they merge: the budget over a sample's
  /// readings, at least 256.
  std::size_t max_samples() const;
  /// A sample: the throughput of each link (link_count values) and node,
  /// as the mean and the highest reading over [time_s, time_s + span_s).
  struct Sample {
    double time_s, span_s;
    std::vector<float> link_rate, node_rate;  ///< mean
    std::vector<float> link_peak, node_peak;  ///< highest
  };
  const std::vector<Sample>& samples() const { return samples_; }
  /// Interval between samples now (it doubles as they merge).
  double sample_interval_s() const { return sample_interval_s_; }
  /// For each tag, the time (sampled) each component was its flow's bottleneck.
  const std::map<long, std::map<Component, double>>& bottlenecks() const { return bottlenecks_; }
  /// Name of a component ("a--b" for a link).
  std::string component_name(Component c) const;

 private:
  struct Flow;
  // A flow crossing a link or node, and which of its slots (Flow::slots)
  // holds its place in that component's list.
  struct Crossing {
    Flow* flow;
    std::uint32_t slot_index;
  };
  struct NodeData {
    NodeSpec spec;
    std::vector<LinkId> links;
    std::unique_ptr<engine::Constraint> bw;    // if bandwidth_Bps > 0
    std::unique_ptr<engine::Constraint> iops;  // if iops > 0
    std::vector<Crossing> flows;
    double bytes = 0.0, fill = 0.0;
    bool up = true;
  };
  struct LinkData {
    LinkSpec spec;
    NodeId a = 0, b = 0;
    engine::Constraint bw;
    std::vector<Crossing> flows;
    double bytes = 0.0;
    bool up = true;
    LinkData(engine::FluidSystem& f, LinkSpec s, NodeId a_, NodeId b_)
        : spec(std::move(s)), a(a_), b(b_), bw(f, spec.bandwidth_Bps) {}
  };

  struct RouteGraph;
  const RouteGraph& graph() const;
  std::vector<std::int64_t> tree(NodeId a, bool respect_failures, const std::vector<bool>* avoid_nodes,
                                 const std::vector<bool>* avoid_links) const;
  // The route from a to b in a's shortest-path tree (tree()); none if b is not in it.
  std::optional<Path> path_in_tree(const std::vector<std::int64_t>& tree, NodeId a, NodeId b) const;
  const std::shared_ptr<const Path>* cached_route(NodeId a, NodeId b);
  bool path_up(const Path& p) const;
  void attach(Flow& f);
  void detach(Flow& f);
  void broken(Flow& f);
  void reroute(Flow& f);
  void repaired();
  void set_up(bool& flag, const std::vector<Crossing>& flows, bool up);
  double node_capacity(NodeId id) const;
  void sample();

  engine::Engine& engine_;
  double failover_s_;
  bool route_by_hops_ = false;
  std::deque<NodeData> nodes_;
  std::deque<LinkData> links_;
  std::unordered_map<std::string, NodeId> node_index_;
  std::unordered_map<std::string, LinkId> link_index_;
  // Shortest-path trees by source, computed on the whole graph on first use.
  mutable std::unique_ptr<RouteGraph> graph_;
  std::unordered_map<NodeId, std::vector<std::int64_t>> trees_;  // predecessor link per node, -1 none
  // Routes by (source, destination); flows share them (the cache may be
  // cleared while a flow still uses its route).
  std::unordered_map<std::uint64_t, std::shared_ptr<const Path>> paths_;
  std::vector<Flow*> waiting_;  // flows with no route, until a repair
  std::vector<Flow*> live_;     // every flow in its bandwidth phase
  std::size_t down_ = 0;        // links and nodes that are down
  std::uint64_t flows_done_ = 0, reroutes_ = 0, stalls_ = 0;
  std::vector<Sample> samples_;
  std::size_t sampler_ = 0;  // its engine ticker
  double sample_interval_s_ = 0.0;
  std::map<long, std::map<Component, double>> bottlenecks_;
};

}  // namespace vzlab::hv
