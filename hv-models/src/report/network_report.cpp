// The network and storage part of a report: what each guest's I/O got, how
// busy devices and links were, and which single components the guests
// depend on.
#include <algorithm>
#include <map>
#include <set>

#include "text.hpp"
#include "vzlab/hv/report/run_report.hpp"

namespace vzlab::hv::report {

using namespace text;

namespace {

// Guests that depend on each (host node, destination) pair: their disk and
// the peers they sent to.
std::map<std::pair<NodeId, NodeId>, std::vector<std::uint32_t>> dependencies(const World& w) {
  std::map<std::pair<NodeId, NodeId>, std::vector<std::uint32_t>> deps;
  for (const Guest& g : w.guests()) {
    if (g.refused()) continue;
    const NodeId here = w.host_node(g.host());
    if (g.disk_node()) deps[{here, *g.disk_node()}].push_back(g.index());
    for (NodeId peer : g.peers())
      if (peer != here) deps[{here, peer}].push_back(g.index());
  }
  return deps;
}

std::vector<SpofRow> single_points(const World& w) {
  const Network& net = *w.network_if_any();
  std::map<Component, std::set<std::uint32_t>> cut;
  for (const auto& [pair, guests] : dependencies(w)) {
    const auto [a, b] = pair;
    const auto path = net.route(a, b, nullptr, nullptr, /*ignore_failures=*/true);
    if (!path) continue;
    // A single point of failure lies on every route, so on this one too.
    std::vector<Component> candidates;
    for (std::size_t i = 1; i < path->nodes.size(); ++i) candidates.push_back({false, path->nodes[i]});
    for (LinkId l : path->links) candidates.push_back({true, l});
    for (const Component& c : candidates)
      if (!net.reachable_without(a, b, c)) cut[c].insert(guests.begin(), guests.end());
  }
  std::vector<SpofRow> rows;
  for (const auto& [c, guests] : cut) {
    SpofRow row{net.component_name(c), c.is_link ? "link" : node_kind_name(net.node(c.id).kind), {}};
    for (std::uint32_t g : guests) row.guests.push_back(w.guests()[g].name());
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const SpofRow& x, const SpofRow& y) { return x.guests.size() > y.guests.size(); });
  return rows;
}

}  // namespace

NetworkReport network_report(const World& w, double horizon) {
  NetworkReport r;
  const Network* net = w.network_if_any();
  if (net == nullptr) return r;
  r.present = true;
  r.flows = net->flows_done();
  r.reroutes = net->reroutes();
  r.stalls = net->stalls();
  for (const Guest& g : w.guests()) {
    if (g.io_requests() <= 0 && g.sent_bytes() <= 0) continue;
    IoRow row{g.index(), "local disk", "host", g.io_requests(), g.io_bytes(), g.io_time_s(), g.sent_bytes(), ""};
    if (g.disk_node()) {
      row.disk = net->node(*g.disk_node()).name;
      row.disk_kind = node_kind_name(net->node(*g.disk_node()).kind);
    }
    if (auto it = net->bottlenecks().find(static_cast<long>(g.index())); it != net->bottlenecks().end()) {
      const auto most = std::max_element(it->second.begin(), it->second.end(),
                                         [](const auto& x, const auto& y) { return x.second < y.second; });
      row.bottleneck = net->component_name(most->first);
    }
    r.io.push_back(std::move(row));
  }
  for (NodeId n = 0; n < net->node_count(); ++n) {
    const NodeSpec& spec = net->node(n);
    if (!is_storage(spec.kind) && spec.bandwidth_Bps <= 0) continue;
    DeviceRow row{spec.name, node_kind_name(spec.kind), spec.bandwidth_Bps, net->node_bytes(n), 0.0, 0.0,
                  spec.capacity_bytes, net->fill_bytes(n)};
    row.mean_Bps = horizon > 0 ? row.bytes / horizon : 0.0;
    for (const auto& s : net->samples()) row.peak_Bps = std::max(row.peak_Bps, static_cast<double>(s.node_peak[n]));
    r.devices.push_back(std::move(row));
  }
  for (LinkId l = 0; l < net->link_count(); ++l) {
    if (net->link_bytes(l) <= 0) continue;
    const LinkSpec& spec = net->link(l);
    LinkRow row{spec.name, spec.network, spec.bandwidth_Bps, net->link_bytes(l), 0.0, 0.0};
    row.mean_utilization = horizon > 0 ? row.bytes / (spec.bandwidth_Bps * horizon) : 0.0;
    for (const auto& s : net->samples())
      row.peak_utilization = std::max(row.peak_utilization, static_cast<double>(s.link_peak[l]) / spec.bandwidth_Bps);
    r.links.push_back(std::move(row));
  }
  std::stable_sort(r.links.begin(), r.links.end(),
                   [](const LinkRow& x, const LinkRow& y) { return x.mean_utilization > y.mean_utilization; });
  r.spof = single_points(w);
  for (NodeId n = 0; n < net->node_count(); ++n) {
    if (net->node_bytes(n) <= 0 || net->node(n).kind == NodeKind::kHost) continue;
    Series s{net->node(n).name, node_kind_name(net->node(n).kind), net->node(n).bandwidth_Bps, {}};
    for (const auto& sample : net->samples()) s.rate_Bps.emplace_back(sample.time_s, sample.node_rate[n]);
    r.series.push_back(std::move(s));
  }
  for (LinkId l = 0; l < net->link_count(); ++l) {
    if (net->link_bytes(l) <= 0) continue;
    Series s{net->link(l).name, "link", net->link(l).bandwidth_Bps, {}};
    for (const auto& sample : net->samples()) s.rate_Bps.emplace_back(sample.time_s, sample.link_rate[l]);
    r.series.push_back(std::move(s));
  }
  return r;
}

std::string format_network(const RunReport& r, std::size_t max_rows) {
  const NetworkReport& n = r.network;
  if (!n.present) return "";
  std::string out;
  if (!n.io.empty()) {
    out += "\nStorage and network I/O per guest (throughput = bytes / time in I/O; latency = time in I/O per request)\n";
    Table t({"guest", "mode", "disk", "kind", "requests", "read+written", "throughput", "latency", "sent",
             "bottleneck"});
    for (std::size_t i = 0; i < n.io.size() && i < max_rows; ++i) {
      const IoRow& io = n.io[i];
      const GuestRow& g = r.guests[io.guest];
      t.add({g.name, g.mode, io.disk, io.disk_kind, fmt("%.6g", io.requests), si_bytes(io.bytes),
             si(io.throughput_Bps(), "B/s"), io.requests > 0 ? fmt("%.3g ms", 1e3 * io.latency_s()) : "-",
             si_bytes(io.sent_bytes), io.bottleneck.empty() ? "-" : io.bottleneck});
    }
    out += t.str();
    if (n.io.size() > max_rows) out += "  ... " + std::to_string(n.io.size() - max_rows) + " more (see --out DIR)\n";
  }
  if (!n.devices.empty()) {
    out += "\nStorage devices and controllers (mean = bytes / " + fmt("%.6g", r.simulated_s) +
           " s; peak = highest sample)\n";
    Table t({"device", "kind", "bandwidth", "moved", "mean", "peak", "busy", "", "fill / capacity"});
    for (std::size_t i = 0; i < n.devices.size() && i < max_rows; ++i) {
      const DeviceRow& d = n.devices[i];
      const double busy = d.bandwidth_Bps > 0 ? d.mean_Bps / d.bandwidth_Bps : 0.0;
      t.add({d.name, d.kind, d.bandwidth_Bps > 0 ? si(d.bandwidth_Bps, "B/s") : "-", si_bytes(d.bytes),
             si(d.mean_Bps, "B/s"), si(d.peak_Bps, "B/s"), d.bandwidth_Bps > 0 ? fmt("%.1f %%", 100 * busy) : "-",
             d.bandwidth_Bps > 0 ? bar(busy) : "",
             d.capacity_bytes > 0 ? si_bytes(d.fill_bytes) + " / " + si_bytes(d.capacity_bytes) : si_bytes(d.fill_bytes)});
    }
    out += t.str();
  }
  if (!n.links.empty()) {
    out += "\nBusiest links (utilization = bytes / (bandwidth x simulated time); peak = highest sample)\n";
    Table t({"link", "network", "bandwidth", "moved", "utilization", "", "peak"});
    for (std::size_t i = 0; i < n.links.size() && i < std::min<std::size_t>(max_rows, 10); ++i) {
      const LinkRow& l = n.links[i];
      t.add({l.name, l.network, si(l.bandwidth_Bps, "B/s"), si_bytes(l.bytes), fmt("%.1f %%", 100 * l.mean_utilization),
             bar(l.mean_utilization), fmt("%.0f %%", 100 * l.peak_utilization)});
    }
    out += t.str();
    if (n.links.size() > 10) out += "  ... " + std::to_string(n.links.size() - 10) + " more links carried traffic\n";
  }
  out += "\nSingle points of failure (one component whose loss cuts guests off their disk or their peers;\n"
         "hosts themselves not listed)\n";
  if (n.spof.empty()) {
    out += "  none: every guest keeps a route to its disk and peers whatever single component fails\n";
  } else {
    Table t({"component", "kind", "guests cut off", "which"});
    for (std::size_t i = 0; i < n.spof.size() && i < max_rows; ++i) {
      const SpofRow& s = n.spof[i];
      std::string which;
      for (std::size_t k = 0; k < s.guests.size() && k < 4; ++k) which += (k ? ", " : "") + s.guests[k];
      if (s.guests.size() > 4) which += ", ...";
      t.add({s.component, s.kind, std::to_string(s.guests.size()), which});
    }
    out += t.str();
  }
  out += "  flows: " + std::to_string(n.flows) + " done, " + std::to_string(n.reroutes) + " moved to another route, " +
         std::to_string(n.stalls) + " waited for a repair\n";
  return out;
}

std::string io_csv(const RunReport& r) {
  std::string out = "guest,mode,disk,disk_kind,requests,bytes,io_time_s,throughput_Bps,latency_s,sent_bytes,bottleneck\n";
  for (const IoRow& io : r.network.io) {
    const GuestRow& g = r.guests[io.guest];
    out += csv_field(g.name) + "," + g.mode + "," + csv_field(io.disk) + "," + io.disk_kind + "," +
           fmt("%.17g", io.requests) + "," + fmt("%.17g", io.bytes) + "," + fmt("%.17g", io.io_time_s) + "," +
           fmt("%.17g", io.throughput_Bps()) + "," + fmt("%.17g", io.latency_s()) + "," + fmt("%.17g", io.sent_bytes) +
           "," + csv_field(io.bottleneck) + "\n";
  }
  return out;
}

std::string devices_csv(const RunReport& r) {
  std::string out = "device,kind,bandwidth_Bps,bytes,mean_Bps,peak_Bps,capacity_bytes,fill_bytes\n";
  for (const DeviceRow& d : r.network.devices)
    out += csv_field(d.name) + "," + d.kind + "," + fmt("%.17g", d.bandwidth_Bps) + "," + fmt("%.17g", d.bytes) + "," +
           fmt("%.17g", d.mean_Bps) + "," + fmt("%.17g", d.peak_Bps) + "," + fmt("%.17g", d.capacity_bytes) + "," +
           fmt("%.17g", d.fill_bytes) + "\n";
  return out;
}

std::string links_csv(const RunReport& r) {
  std::string out = "link,network,bandwidth_Bps,bytes,mean_utilization,peak_utilization\n";
  for (const LinkRow& l : r.network.links)
    out += csv_field(l.name) + "," + csv_field(l.network) + "," + fmt("%.17g", l.bandwidth_Bps) + "," +
           fmt("%.17g", l.bytes) + "," + fmt("%.17g", l.mean_utilization) + "," + fmt("%.17g", l.peak_utilization) +
           "\n";
  return out;
}

std::string utilization_csv(const RunReport& r) {
  std::string out = "time_s,component,kind,throughput_Bps,utilization\n";
  for (const Series& s : r.network.series)
    for (const auto& [t, rate] : s.rate_Bps)
      out += fmt("%.17g", t) + "," + csv_field(s.name) + "," + s.kind + "," + fmt("%.9g", rate) + "," +
             (s.bandwidth_Bps > 0 ? fmt("%.9g", rate / s.bandwidth_Bps) : "") + "\n";
  return out;
}

std::string spof_csv(const RunReport& r) {
  std::string out = "component,kind,guests_cut_off,guests\n";
  for (const SpofRow& s : r.network.spof) {
    std::string which;
    for (std::size_t k = 0; k < s.guests.size(); ++k) which += (k ? " " : "") + s.guests[k];
    out += csv_field(s.component) + "," + s.kind + "," + std::to_string(s.guests.size()) + "," + csv_field(which) + "\n";
  }
  return out;
}

}  // namespace vzlab::hv::report
