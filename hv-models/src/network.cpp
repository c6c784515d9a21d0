#include "vzlab/hv/network.hpp"

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <limits>
#include <stdexcept>

namespace vzlab::hv {

const char* node_kind_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::kHost: return "host";
    case NodeKind::kSwitch: return "switch";
    case NodeKind::kRouter: return "router";
    case NodeKind::kDas: return "das";
    case NodeKind::kNas: return "nas";
    case NodeKind::kController: return "controller";
    case NodeKind::kArray: return "array";
  }
  return "?";
}

bool is_storage(NodeKind kind) { return kind == NodeKind::kDas || kind == NodeKind::kNas || kind == NodeKind::kArray; }

bool forwards(NodeKind kind) {
  return kind == NodeKind::kSwitch || kind == NodeKind::kRouter || kind == NodeKind::kController;
}

// ------------------------------------------------------------------ flows

// A transfer in its bandwidth phase: an activity whose variable crosses the
// route's links and limited nodes. Its timer fires when a failover delay is
// over.
struct Network::Flow final : engine::Timer {
  Flow(Network& n, double bytes, NodeId from, NodeId to, long t)
      : net(&n), act(n.engine_, bytes), a(from), b(to), tag(t) {
    // Flows sharing a bottleneck end through one queue entry per link.
    act.set_grouped(true);
  }
  ~Flow() override {
    if (scheduled()) net->engine_.cancel(*this);
    if (attached) net->detach(*this);
    auto& w = net->waiting_;
    w.erase(std::remove(w.begin(), w.end(), this), w.end());
  }
  void fire() override { net->reroute(*this); }

  Network* net;
  engine::Activity act;
  NodeId a, b;
  long tag;
  std::shared_ptr<const Path> path;
  // Position of this flow in each component's list: links first, then nodes
  // (inline up to a route of 4 links and 5 nodes, host-leaf-spine-leaf-host).
  boost::container::small_vector<std::uint32_t, 9> slots;
  std::uint32_t live_slot = 0;
  double remaining_at_attach = 0.0;
  bool attached = false;
};

namespace {

// Removes the entry at `slot` of `list` by moving the last one there;
// returns the moved one (or null) so its slot can be updated.
template <typename T>
T* swap_remove(std::vector<T>& list, std::uint32_t slot) {
  list[slot] = list.back();
  list.pop_back();
  return slot < list.size() ? &list[slot] : nullptr;
}

}  // namespace

Network::Network(engine::Engine& engine, double failover_s) : engine_(engine), failover_s_(failover_s) {}

Network::~Network() = default;

NodeId Network::add_node(NodeSpec spec) {
  if (spec.name.empty()) throw std::invalid_argument("a node needs a name");
  if (node_index_.count(spec.name)) throw std::invalid_argument("node name '" + spec.name + "' is used twice");
  if (spec.bandwidth_Bps < 0 || spec.iops < 0 || spec.latency_s < 0 || spec.capacity_bytes < 0)
    throw std::invalid_argument("node '" + spec.name + "': bandwidth, iops, latency and capacity must not be negative");
  const auto id = static_cast<NodeId>(nodes_.size());
  node_index_.emplace(spec.name, id);
  NodeData& n = nodes_.emplace_back();
  n.spec = std::move(spec);
  n.fill = n.spec.fill_bytes;
  if (n.spec.bandwidth_Bps > 0) n.bw = std::make_unique<engine::Constraint>(engine_.fluid(), n.spec.bandwidth_Bps);
  if (n.spec.iops > 0) n.iops = std::make_unique<engine::Constraint>(engine_.fluid(), n.spec.iops);
  trees_.clear();
  paths_.clear();
  graph_.reset();
  return id;
}

LinkId Network::add_link(LinkSpec spec) {
  const auto a = find(spec.a), b = find(spec.b);
  if (!a) throw std::invalid_argument("link: no node named '" + spec.a + "'");
  if (!b) throw std::invalid_argument("link: no node named '" + spec.b + "'");
  if (*a == *b) throw std::invalid_argument("link: both ends are '" + spec.a + "'");
  if (!(spec.bandwidth_Bps > 0)) throw std::invalid_argument("link " + spec.a + "--" + spec.b + ": bandwidth must be positive");
  if (spec.latency_s < 0) throw std::invalid_argument("link " + spec.a + "--" + spec.b + ": latency must not be negative");
  if (spec.name.empty()) spec.name = spec.a + "--" + spec.b;
  if (link_index_.count(spec.name)) {
    // Parallel links get a number: a--b, a--b#2, ...
    int k = 2;
    while (link_index_.count(spec.name + "#" + std::to_string(k))) ++k;
    spec.name += "#" + std::to_string(k);
  }
  const auto id = static_cast<LinkId>(links_.size());
  link_index_.emplace(spec.name, id);
  links_.emplace_back(engine_.fluid(), std::move(spec), *a, *b);
  nodes_[*a].links.push_back(id);
  nodes_[*b].links.push_back(id);
  trees_.clear();
  paths_.clear();
  graph_.reset();
  return id;
}

std::optional<NodeId> Network::find(const std::string& name) const {
  auto it = node_index_.find(name);
  if (it == node_index_.end()) return std::nullopt;
  return it->second;
}

std::optional<LinkId> Network::find_link(const std::string& name) const {
  auto it = link_index_.find(name);
  if (it == link_index_.end()) return std::nullopt;
  return it->second;
}

std::string Network::component_name(Component c) const { return c.is_link ? links_[c.id].spec.name : nodes_[c.id].spec.name; }

// ------------------------------------------------------------------ routing

namespace {

// Two arcs per link (2l: a->b, 2l+1: b->a); weight = latency plus a
// nanosecond per hop, so the fewest hops win among equal latencies, plus
// 1e-16 s per link index, so among equal routes the one whose links were
// declared first wins (deterministically; up to a million links this stays
// below a tenth of a hop).
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                    boost::property<boost::edge_weight_t, double,
                                                    boost::property<boost::edge_index_t, std::uint32_t>>>;
using Arc = boost::graph_traits<Graph>::edge_descriptor;

struct ArcFilter {
  const Graph* g = nullptr;
  NodeId source = 0;
  const std::vector<bool>* forwarding = nullptr;  // by node
  const std::vector<bool>* usable_node = nullptr; // by node: up and not avoided
  const std::vector<bool>* usable_link = nullptr; // by link
  bool operator()(const Arc& e) const {
    const auto from = static_cast<NodeId>(boost::source(e, *g));
    const auto to = static_cast<NodeId>(boost::target(e, *g));
    const std::uint32_t link = boost::get(boost::edge_index, *g, e) / 2;
    // Only the source and forwarding nodes pass traffic on.
    return (from == source || (*forwarding)[from]) && (*usable_node)[from] && (*usable_node)[to] &&
           (*usable_link)[link];
  }
};

// Shortest-path tree from `a` as the predecessor link of every node (-1: none).
std::vector<std::int64_t> shortest_tree(const Graph& g, NodeId a, const std::vector<bool>& forwarding,
                                        const std::vector<bool>& usable_node, const std::vector<bool>& usable_link) {
  const std::size_t n = boost::num_vertices(g);
  ArcFilter filter{&g, a, &forwarding, &usable_node, &usable_link};
  boost::filtered_graph<Graph, ArcFilter> fg(g, filter);
  std::vector<double> dist(n, std::numeric_limits<double>::infinity());
  std::vector<Arc> via(n);
  std::vector<bool> reached(n, false);
  auto record = boost::make_dijkstra_visitor(
      boost::record_edge_predecessors(boost::make_iterator_property_map(via.begin(), boost::get(boost::vertex_index, g)),
                                      boost::on_edge_relaxed()));
  boost::dijkstra_shortest_paths(
      fg, a,
      boost::distance_map(boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, g)))
          .visitor(record));
  std::vector<std::int64_t> tree(n, -1);
  for (std::size_t v = 0; v < n; ++v)
    if (v != a && dist[v] < std::numeric_limits<double>::max())  // Boost marks unreached with max()
      tree[v] = static_cast<std::int64_t>(boost::get(boost::edge_index, g, via[v]));
  return tree;  // arc indices; link = arc / 2
}

}  // namespace

// The routing graph, built once per topology (flags carry failures and
// exclusions per query).
struct Network::RouteGraph {
  explicit RouteGraph(std::size_t nodes) : g(nodes), forwarding(nodes) {}
  Graph g;
  std::vector<bool> forwarding;
};

void Network::set_route_by_hops(bool hops) {
  route_by_hops_ = hops;
  graph_.reset();
  trees_.clear();
  paths_.clear();
}

const Network::RouteGraph& Network::graph() const {
  if (graph_) return *graph_;
  graph_ = std::make_unique<RouteGraph>(nodes_.size());
  for (std::size_t i = 0; i < nodes_.size(); ++i) graph_->forwarding[i] = forwards(nodes_[i].spec.kind);
  for (std::size_t l = 0; l < links_.size(); ++l) {
    const double w = (route_by_hops_ ? 1.0 : links_[l].spec.latency_s + 1e-9) + 1e-16 * static_cast<double>(l);
    boost::add_edge(links_[l].a, links_[l].b, {w, static_cast<std::uint32_t>(2 * l)}, graph_->g);
    boost::add_edge(links_[l].b, links_[l].a, {w, static_cast<std::uint32_t>(2 * l + 1)}, graph_->g);
  }
  return *graph_;
}

std::vector<std::int64_t> Network::tree(NodeId a, bool respect_failures, const std::vector<bool>* avoid_nodes,
                                        const std::vector<bool>* avoid_links) const {
  const RouteGraph& rg = graph();
  std::vector<bool> usable_node(nodes_.size()), usable_link(links_.size());
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    usable_node[i] = (!respect_failures || nodes_[i].up) && !(avoid_nodes && (*avoid_nodes)[i]);
  for (std::size_t l = 0; l < links_.size(); ++l)
    usable_link[l] = (!respect_failures || links_[l].up) && !(avoid_links && (*avoid_links)[l]);
  return shortest_tree(rg.g, a, rg.forwarding, usable_node, usable_link);
}

std::optional<Path> Network::path_in_tree(const std::vector<std::int64_t>& tree, NodeId a, NodeId b) const {
  if (a == b) return Path{{}, {a}, 0.0};
  if (tree[b] < 0) return std::nullopt;
  Path p;
  NodeId v = b;
  p.nodes.push_back(b);
  while (v != a) {
    const auto arc = static_cast<std::uint32_t>(tree[v]);
    const LinkId l = arc / 2;
    const NodeId from = arc % 2 == 0 ? links_[l].a : links_[l].b;
    p.links.push_back(l);
    p.latency_s += links_[l].spec.latency_s;
    v = from;
    p.nodes.push_back(v);
  }
  std::reverse(p.links.begin(), p.links.end());
  std::reverse(p.nodes.begin(), p.nodes.end());
  return p;
}

std::optional<Path> Network::route(NodeId a, NodeId b, const std::vector<bool>* avoid_nodes,
                                   const std::vector<bool>* avoid_links, bool ignore_failures) const {
  if (!ignore_failures && (!nodes_[a].up || !nodes_[b].up)) return std::nullopt;
  return path_in_tree(tree(a, !ignore_failures, avoid_nodes, avoid_links), a, b);
}

std::vector<Path> Network::disjoint_routes(NodeId a, NodeId b, int k) const {
  std::vector<Path> out;
  std::vector<bool> avoid_nodes(nodes_.size(), false), avoid_links(links_.size(), false);
  for (int i = 0; i < k; ++i) {
    auto p = path_in_tree(tree(a, false, &avoid_nodes, &avoid_links), a, b);
    if (!p || p->links.empty()) break;
    for (LinkId l : p->links) avoid_links[l] = true;
    for (std::size_t j = 1; j + 1 < p->nodes.size(); ++j) avoid_nodes[p->nodes[j]] = true;
    out.push_back(std::move(*p));
  }
  return out;
}

bool Network::reachable_without(NodeId a, NodeId b, std::optional<Component> without) const {
  std::vector<bool> avoid_nodes(nodes_.size(), false), avoid_links(links_.size(), false);
  if (without) {
    if (without->is_link) avoid_links[without->id] = true;
    else if (without->id == a || without->id == b) return false;
    else avoid_nodes[without->id] = true;
  }
  return route(a, b, &avoid_nodes, &avoid_links, true).has_value();
}

const std::shared_ptr<const Path>* Network::cached_route(NodeId a, NodeId b) {
  const std::uint64_t key = (static_cast<std::uint64_t>(a) << 32) | b;
  if (auto it = paths_.find(key); it != paths_.end()) return &it->second;
  auto tree = trees_.find(a);
  if (tree == trees_.end()) {
    tree = trees_.emplace(a, this->tree(a, false, nullptr, nullptr)).first;
  }
  auto p = path_in_tree(tree->second, a, b);
  if (!p) return nullptr;
  return &paths_.emplace(key, std::make_shared<const Path>(std::move(*p))).first->second;
}

bool Network::path_up(const Path& p) const {
  if (down_ == 0) return true;
  for (LinkId l : p.links)
    if (!links_[l].up) return false;
  for (NodeId n : p.nodes)
    if (!nodes_[n].up) return false;
  return true;
}

// ------------------------------------------------------------------ flows

// Joins the flow to every component of f.path.
void Network::attach(Flow& f) {
  const Path& p = *f.path;
  f.slots.clear();
  engine::Variable& v = f.act.variable();
  const auto join = [&f](std::vector<Crossing>& flows) {
    const auto index = static_cast<std::uint32_t>(f.slots.size());
    f.slots.push_back(static_cast<std::uint32_t>(flows.size()));
    flows.push_back({&f, index});
  };
  for (LinkId l : p.links) {
    v.attach(links_[l].bw);
    join(links_[l].flows);
  }
  for (NodeId n : p.nodes) {
    if (nodes_[n].bw) v.attach(*nodes_[n].bw);
    join(nodes_[n].flows);
  }
  f.live_slot = static_cast<std::uint32_t>(live_.size());
  live_.push_back(&f);
  f.remaining_at_attach = f.act.remaining();
  f.attached = true;
}

void Network::detach(Flow& f) {
  const double moved = f.remaining_at_attach - f.act.remaining();
  const Path& p = *f.path;
  std::uint32_t i = 0;
  const auto leave = [&f, &i](std::vector<Crossing>& flows) {
    const std::uint32_t slot = f.slots[i++];
    if (Crossing* m = swap_remove(flows, slot)) m->flow->slots[m->slot_index] = slot;
  };
  for (LinkId l : p.links) {
    links_[l].bytes += moved;
    leave(links_[l].flows);
  }
  for (NodeId n : p.nodes) {
    nodes_[n].bytes += moved;
    leave(nodes_[n].flows);
  }
  if (Flow** m = swap_remove(live_, f.live_slot)) (*m)->live_slot = f.live_slot;
  f.act.pause();
  f.attached = false;
}

// A component of the flow's route failed: it stops moving now and looks for
// another route when the failover delay is over.
void Network::broken(Flow& f) {
  if (f.attached) detach(f);
  engine_.schedule(f, engine_.now() + failover_s_);
}

void Network::reroute(Flow& f) {
  if (f.act.done()) return;
  if (auto p = route(f.a, f.b)) {
    ++reroutes_;
    f.path = std::make_shared<const Path>(std::move(*p));
    attach(f);
    return;
  }
  ++stalls_;
  waiting_.push_back(&f);
}

void Network::repaired() {
  std::vector<Flow*> waiting;
  waiting.swap(waiting_);
  for (Flow* f : waiting) reroute(*f);
}

void Network::set_up(bool& flag, const std::vector<Crossing>& flows, bool up) {
  if (flag == up) return;
  flag = up;
  if (up) {
    --down_;
    repaired();
    return;
  }
  ++down_;
  const std::vector<Crossing> hit = flows;  // broken() changes the list
  for (const Crossing& c : hit) broken(*c.flow);
}

void Network::set_link_up(LinkId id, bool up) { set_up(links_[id].up, links_[id].flows, up); }

void Network::set_node_up(NodeId id, bool up) { set_up(nodes_[id].up, nodes_[id].flows, up); }

double Network::latency(NodeId a, NodeId b) {
  const std::shared_ptr<const Path>* p = cached_route(a, b);
  return p != nullptr ? (*p)->latency_s : 0.0;
}

engine::Task<void> Network::transfer(NodeId a, NodeId b, double bytes, double weight, long tag, bool with_latency) {
  if (bytes <= 0) co_return;
  Flow f(*this, bytes, a, b, tag);
  f.act.variable().set_weight(weight);
  const std::shared_ptr<const Path>* cached = cached_route(a, b);
  if (cached != nullptr && path_up(**cached)) {
    // The flow shares the cached route: the cache may be cleared while it waits.
    f.path = *cached;
  } else if (auto other = route(a, b)) {
    f.path = std::make_shared<const Path>(std::move(*other));
  }
  if (!f.path) {
    ++stalls_;
    // Route now exists in no form: wait for a repair (the flow's reroute
    // runs when one happens), without the latency phase.
    waiting_.push_back(&f);
  } else {
    const Path& p = *f.path;
    if (with_latency && p.latency_s > 0) co_await engine_.sleep(p.latency_s);
    if (p.links.empty() && std::none_of(p.nodes.begin(), p.nodes.end(), [&](NodeId n) { return nodes_[n].bw != nullptr; })) {
      // Nothing limits it (a node to itself with no bandwidth of its own).
      co_return;
    }
    if (path_up(p)) attach(f);
    else broken(f);
  }
  co_await f.act;
  if (f.attached) detach(f);
  ++flows_done_;
}

engine::Task<void> Network::requests(NodeId d, double n) {
  if (n <= 0 || !nodes_[d].iops) co_return;
  co_await engine::Activity(engine_, n, *nodes_[d].iops);
}

double Network::node_rate(NodeId id) const {
  double r = 0;
  for (const Crossing& c : nodes_[id].flows) r += c.flow->act.rate();
  return r;
}

double Network::node_capacity(NodeId id) const { return nodes_[id].bw ? nodes_[id].bw->capacity() : 0.0; }

// ------------------------------------------------------------------ samples

void Network::start_sampling(double interval_s) {
  sample_interval_s_ = interval_s;
  sampler_ = engine_.add_ticker(interval_s, [this] { sample(); });
}

std::size_t Network::max_samples() const {
  const std::size_t readings = 2 * (links_.size() + nodes_.size());
  return std::max<std::size_t>(256, (kSampleBudget / std::max<std::size_t>(readings, 1)) & ~std::size_t{1});
}

void Network::sample() {
  if (const std::size_t most = max_samples(); samples_.size() >= most) {
    // Full: each pair of neighbours becomes one sample twice as long.
    for (std::size_t i = 0; i < most / 2; ++i) {
      Sample& a = samples_[2 * i];
      const Sample& b = samples_[2 * i + 1];
      for (std::size_t k = 0; k < a.link_rate.size(); ++k) {
        a.link_rate[k] = (a.link_rate[k] + b.link_rate[k]) / 2;
        a.link_peak[k] = std::max(a.link_peak[k], b.link_peak[k]);
      }
      for (std::size_t k = 0; k < a.node_rate.size(); ++k) {
        a.node_rate[k] = (a.node_rate[k] + b.node_rate[k]) / 2;
        a.node_peak[k] = std::max(a.node_peak[k], b.node_peak[k]);
      }
      a.span_s += b.span_s;
      if (i > 0) samples_[i] = std::move(a);
    }
    samples_.resize(most / 2);
    sample_interval_s_ *= 2;
    engine_.set_ticker_interval(sampler_, sample_interval_s_);
  }
  {
    Sample s;
    s.time_s = engine_.now();
    s.span_s = sample_interval_s_;
    s.link_rate.reserve(links_.size());
    for (const LinkData& l : links_) s.link_rate.push_back(static_cast<float>(l.bw.usage()));
    s.node_rate.reserve(nodes_.size());
    for (NodeId n = 0; n < nodes_.size(); ++n) s.node_rate.push_back(static_cast<float>(node_rate(n)));
    s.link_peak = s.link_rate;
    s.node_peak = s.node_rate;
    // Each tagged flow's bottleneck: the most loaded component on its route.
    for (const Flow* f : live_) {
      if (f->tag < 0 || f->act.rate() <= 0) continue;
      Component best{};
      double load = -1;
      for (LinkId l : f->path->links) {
        const double u = links_[l].bw.usage() / links_[l].bw.capacity();
        if (u > load) load = u, best = {true, l};
      }
      for (NodeId n : f->path->nodes) {
        const double cap = node_capacity(n);
        if (cap <= 0) continue;
        const double u = nodes_[n].bw->usage() / cap;
        if (u > load) load = u, best = {false, n};
      }
      if (load >= 0) bottlenecks_[f->tag][best] += sample_interval_s_;
    }
    samples_.push_back(std::move(s));
  }
}

}  // namespace vzlab::hv
