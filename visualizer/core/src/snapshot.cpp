#include "vzlab/viz/snapshot.hpp"

#include <algorithm>

namespace vzlab::viz {

StateTracker::StateTracker(hv::World& world) : world_(world), host_(world.guests().size()) {
  for (const hv::Guest& g : world.guests()) {
    guest_of_subject_[g.subject()] = g.index();
    host_[g.index()] = g.host().index();
  }
  world.engine().events().subscribe([this](const engine::StreamEvent& e) { on_event(e); });
}

void StateTracker::note_move(std::uint32_t g, std::uint32_t to, double at_s) {
  if (host_[g] != to) {
    if (moves_.size() == 256) moves_.erase(moves_.begin());
    moves_.push_back({g, host_[g], to, at_s});
  }
  host_[g] = to;
}

void StateTracker::on_event(const engine::StreamEvent& e) {
  const hv::EventKinds& k = world_.kinds();
  if (e.kind != k.guest_restart && e.kind != k.guest_migrated && e.kind != k.guest_takeover) return;
  const auto it = guest_of_subject_.find(e.subject);
  if (it == guest_of_subject_.end()) return;
  const std::uint32_t g = it->second;
  const hv::Guest& guest = world_.guests()[g];
  // It left its old host when its outage began (a restart), or now.
  const double down_at = guest.down_at_s();
  note_move(g, guest.host().index(), e.kind == k.guest_restart && down_at >= 0 ? down_at : e.time_s);
}

void StateTracker::migration_started(std::uint32_t guest, double at_s) { in_flight_.push_back({guest, at_s}); }

bool StateTracker::migrating(std::uint32_t g) const {
  const auto& records = world_.migrations();
  for (; records_seen_ < records.size(); ++records_seen_) {
    const hv::MigrationRecord& r = records[records_seen_];
    std::erase_if(in_flight_, [&](const InFlight& f) { return f.guest == r.guest && f.started_s == r.started_s; });
  }
  for (const InFlight& f : in_flight_)
    if (f.guest == g) return true;
  return world_.guests()[g].migrating();
}

void Snapshot::update(const hv::World& world) {
  const double now = world.engine().now();
  time_s = now;
  const auto& hs = world.hosts();
  const auto& gs = world.guests();
  hosts.resize(hs.size());
  guests.resize(gs.size());
  std::fill(std::begin(state_counts), std::end(state_counts), 0);
  for (std::size_t i = 0; i < hs.size(); ++i) {
    const hv::Host& h = hs[i];
    HostView& v = hosts[i];
    v.name = &h.name();
    v.group = &h.group();
    v.site = &h.site();
    v.up = h.up();
    v.powered_off = h.powered_off();
    v.cpu = h.up() ? static_cast<float>(h.cpu().usage() / h.capacity_flops()) : 0.0f;
    v.memory = h.memory_bytes() > 0 ? static_cast<float>(h.memory_used_bytes() / h.memory_bytes()) : 0.0f;
    v.count = 0;
  }
  for (std::size_t i = 0; i < gs.size(); ++i) {
    const hv::Guest& g = gs[i];
    GuestView& v = guests[i];
    v.name = &g.name();
    v.host = g.host().index();
    v.vm = hv::is_vm(g.mode());
    v.state = g.state();
    v.downtime_s = static_cast<float>(g.downtime_s(now));
    v.down_for_s = g.outage_since_s() >= 0 ? static_cast<float>(now - g.outage_since_s()) : -1.0f;
    ++state_counts[static_cast<int>(v.state)];
    ++hosts[v.host].count;
  }
  // Guests grouped by host: a counting sort keeps each host's guests in guest order.
  std::uint32_t start = 0;
  for (HostView& h : hosts) h.first = start, start += h.count, h.count = 0;
  by_host.resize(gs.size());
  for (std::uint32_t i = 0; i < gs.size(); ++i) {
    HostView& h = hosts[guests[i].host];
    by_host[h.first + h.count++] = i;
  }
  nodes.clear();
  links.clear();
  if (const hv::Network* net = world.network_if_any()) {
    std::vector<std::int32_t> host_of_node(net->node_count(), -1);
    for (std::size_t i = 0; i < hs.size(); ++i) host_of_node[world.host_node(hs[i])] = static_cast<std::int32_t>(i);
    for (hv::NodeId n = 0; n < net->node_count(); ++n) {
      const hv::NodeSpec& spec = net->node(n);
      nodes.push_back({&spec.name, spec.kind, net->node_up(n),
                       spec.bandwidth_Bps > 0 ? static_cast<float>(net->node_rate(n) / spec.bandwidth_Bps) : 0.0f,
                       host_of_node[n]});
    }
    for (hv::LinkId l = 0; l < net->link_count(); ++l) {
      const auto [a, b] = net->ends(l);
      const hv::LinkSpec& spec = net->link(l);
      links.push_back({&spec.name, a, b, net->link_up(l), static_cast<float>(net->link_rate(l) / spec.bandwidth_Bps)});
    }
  }
  services.resize(world.services().size());
  for (std::size_t i = 0; i < world.services().size(); ++i) {
    const hv::Service& s = world.services()[i];
    ServiceView& v = services[i];
    v.name = &s.spec().name;
    v.policy = s.spec().policy;
    const double mean = s.spec().interarrival.kind == hv::Distribution::Kind::kExponential ||
                                s.spec().interarrival.kind == hv::Distribution::Kind::kConstant
                            ? s.spec().interarrival.a
                            : 0.0;
    v.rate_per_s = mean > 0 ? 1.0 / mean : 0.0;
    const hv::ServiceStats& st = s.stats();
    v.arrived = st.arrived, v.completed = st.completed, v.dropped = st.dropped, v.failed = st.failed;
    v.replicas.resize(s.spec().replicas.size());
    for (std::size_t r = 0; r < v.replicas.size(); ++r)
      v.replicas[r] = {s.spec().replicas[r]->index(), s.in_rotation(r), s.replica_load(r)};
  }
}

}  // namespace vzlab::viz
