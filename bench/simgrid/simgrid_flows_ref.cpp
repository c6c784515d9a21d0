// SimGrid reference for the flow benchmark (bench/flows.cpp): the same
// leaf-spine topology, the same N closed-loop senders drawing the same host
// pairs and sizes (vzlab's RandomStream, seed 7, stream "sender/<id>"), the
// same global count of transfers, run on SimGrid 3.32 (s4u), so that speed
// and simulated time can be compared with ours on exactly one workload.
//
// Usage: simgrid_flows_ref [FLOWS=10000] [TRANSFERS=200000] [SHAPE=rack|spread] [--exact] [--cfg=NAME:VALUE ...]
//   --exact: network/optim:Full and surf/precision:1e-14 (see below).
//   rack, spread: as in flows.
//   --cfg: SimGrid's own options, applied after (so over) the model below;
//          --cfg=flows/latency-phase:auto|links|actor is ours (see below).
//
// Model, as in vzlab's Network (hv-models/src/network.cpp): a transfer waits
// for its route's summed latency, then moves its bytes at its max-min fair
// rate; a link is one constraint shared by both directions (SHARED policy);
// switches have no bandwidth limit (they are routers). The SimGrid options
// that make CM02 exactly that (set ahead of the command line's):
//   network/model:CM02             latency then bandwidth, max-min sharing
//                                  (the default LV08 multiplies latency by
//                                  13.01 and bandwidth by 0.97)
//   network/latency-factor:1,      no corrections (CM02's own defaults,
//   network/bandwidth-factor:1     spelled out)
//   network/weight-S:0             no bandwidth term in a flow's weight
//   network/TCP-gamma:0            no TCP window bound gamma / (2 latency)
//                                  (0 disables it in 3.32: checked on a 1 s
//                                  latency link, where the default binds)
//   network/crosstraffic:0         no 5% reverse (ACK) flow on the back
//                                  route, which here is the same links
// network/optim stays SimGrid's default, Lazy (with selective update): its
// fast path, so the fair one for speed. In 3.32 its selective update can
// over-fill a link: 31 flows of one rack whose latencies end at one instant
// left a host link carrying 1.33e9 of its 1.25e9 B/s, and "1000 50000
// rack" ends 0.7% earlier than exact max-min. For simulated times, --exact
// adds network/optim:Full (no selective update), which solves exactly
// ("1000 50000 rack": 3e-6 from ours, at about 20 times the wall time), and
// surf/precision:1e-14 (SimGrid's timing precision, 1e-9 s by default, is
// the 3e-6; with it the two agree to about 1e-13).
//
// One difference CM02 keeps: a flow's max-min weight is its route's latency,
// so flows of unequal route latencies do not share fairly (a 6 us flow gets
// a third of what a 2 us flow gets on a common bottleneck). In the rack
// shape every route is host-leaf-host (2 us), the weights are all equal and
// the sharing is pure max-min. When routes differ (spread), the actor sleeps
// the route's latency itself and sends over zero-latency links, where every
// flow has weight 1: the same latency-then-bandwidth transfer, fairly
// shared ("100 1000 spread" ends 2.3% later with the latency on the links).
// flows/latency-phase: auto (links for rack, actor for spread), links
// (always SimGrid's own latency phase) or actor (always the sleep, which
// costs about a quarter more wall time in "10000 50000 rack").
//
// Routes are those of our Dijkstra (latency + 1 ns per hop + 1e-16 s per
// link index): host-leaf-host inside a rack; host-leaf-spine-leaf-host
// across racks, always through spine 0, because leaf l's uplinks are
// declared as links 38 l + s (s = spine), so the route through spine s
// weighs 1e-16 s * (38 (i + j) + 2 s) over the same latency and s = 0 wins.
// They are given explicitly: one full zone per rack (its hosts and its leaf
// as gateway), all in a full zone holding the spines and the rack-to-rack
// routes.
//
// Sizes: sendto takes whole bytes and flows draws fractional ones, so sizes
// and bandwidths are both counted in 2^-20 bytes (a power of two: no time
// changes; the size rounds by at most 2^-21 bytes instead of half a byte).
//
// Output, one line: nodes links flows shape transfers simulated_s
// simulated_exact wall_s (simulation run only) setup_s (platform and actors)
// completions_per_wall_s latency_phase.
#include <simgrid/kernel/routing/NetPoint.hpp>
#include <simgrid/s4u.hpp>
#include <xbt/config.hpp>

#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "../bench_args.hpp"
#include "../flows_workload.hpp"

namespace {

namespace s4u = simgrid::s4u;

using vzlab::bench::kFlowHostsPerLeaf, vzlab::bench::kFlowLeaves, vzlab::bench::kFlowSpines;
constexpr double kHostBandwidth = vzlab::bench::kFlowHostBandwidth, kHostLatency = vzlab::bench::kFlowHostLatency;
constexpr double kSpineBandwidth = vzlab::bench::kFlowUplinkBandwidth, kSpineLatency = vzlab::bench::kFlowUplinkLatency;
constexpr double kUnitsPerByte = 1 << 20;                       // SimGrid's "byte" is 2^-20 of ours
constexpr int kRouteSpine = 0;                                  // the spine every rack-to-rack route crosses

// Declared before the Engine parses the command line, so --cfg can set it.
simgrid::config::Flag<std::string> cfg_latency_phase(
    "flows/latency-phase", "Who pays a transfer's latency: auto (links for rack, actor for spread), links or actor",
    "auto");

struct Fabric {
  std::vector<s4u::Host*> hosts;  // h0 .. h959, rack (leaf) by rack
  std::size_t nodes = 0, links = 0;
};

// The leaf-spine platform of flows, links named as there ("leaf3--spine0",
// "h100--leaf3"); with latency_on_links false, links have no latency (the
// senders sleep it).
Fabric build_fabric(bool latency_on_links) {
  const double host_latency = latency_on_links ? kHostLatency : 0.0;
  const double spine_latency = latency_on_links ? kSpineLatency : 0.0;
  const auto link = [](s4u::NetZone* zone, const std::string& name, double bandwidth, double latency) {
    return zone->create_link(name, bandwidth * kUnitsPerByte)
        ->set_latency(latency)
        ->set_sharing_policy(s4u::Link::SharingPolicy::SHARED)
        ->seal();
  };
  Fabric f;
  s4u::NetZone* fabric = s4u::create_full_zone("fabric");
  for (int s = 0; s < kFlowSpines; ++s) fabric->create_router("spine" + std::to_string(s));
  std::vector<s4u::NetZone*> racks;
  std::vector<simgrid::kernel::routing::NetPoint*> leaves;
  std::vector<const s4u::Link*> uplinks;  // leaf l -- spine kRouteSpine
  for (int l = 0; l < kFlowLeaves; ++l) {
    const std::string leaf_name = "leaf" + std::to_string(l);
    s4u::NetZone* rack = s4u::create_full_zone("rack" + std::to_string(l))->set_parent(fabric);
    simgrid::kernel::routing::NetPoint* leaf = rack->create_router(leaf_name);
    for (int s = 0; s < kFlowSpines; ++s) {
      const s4u::Link* up =
          link(fabric, leaf_name + "--spine" + std::to_string(s), kSpineBandwidth, spine_latency);
      if (s == kRouteSpine) uplinks.push_back(up);
    }
    std::vector<const s4u::Link*> downlinks;  // host h -- leaf l
    for (int h = 0; h < kFlowHostsPerLeaf; ++h) {
      const std::string name = "h" + std::to_string(l * kFlowHostsPerLeaf + h);
      f.hosts.push_back(rack->create_host(name, 1e9)->seal());
      downlinks.push_back(link(rack, name + "--" + leaf_name, kHostBandwidth, host_latency));
    }
    // Inside the rack: host-leaf (to the gateway) and host-leaf-host.
    for (int h = 0; h < kFlowHostsPerLeaf; ++h) {
      s4u::Host* a = f.hosts[static_cast<std::size_t>(l * kFlowHostsPerLeaf + h)];
      rack->add_route(a->get_netpoint(), leaf, nullptr, nullptr, {s4u::LinkInRoute(downlinks[h])}, true);
      for (int g = h + 1; g < kFlowHostsPerLeaf; ++g)
        rack->add_route(a->get_netpoint(), f.hosts[static_cast<std::size_t>(l * kFlowHostsPerLeaf + g)]->get_netpoint(),
                        nullptr, nullptr, {s4u::LinkInRoute(downlinks[h]), s4u::LinkInRoute(downlinks[g])}, true);
    }
    rack->seal();
    racks.push_back(rack);
    leaves.push_back(leaf);
  }
  // Across racks: leaf i - spine 0 - leaf j between the racks' gateways.
  for (int i = 0; i < kFlowLeaves; ++i)
    for (int j = i + 1; j < kFlowLeaves; ++j)
      fabric->add_route(racks[i]->get_netpoint(), racks[j]->get_netpoint(), leaves[i], leaves[j],
                        {s4u::LinkInRoute(uplinks[i]), s4u::LinkInRoute(uplinks[j])}, true);
  fabric->seal();
  const s4u::Engine& e = *s4u::Engine::get_instance();
  for (const auto* p : e.get_all_netpoints())
    if (p->is_host() || p->is_router()) ++f.nodes;
  for (const auto* l : e.get_all_links())
    if (l->get_name() != "__loopback__") ++f.links;  // the model's own, not the platform's
  return f;
}

// One way latency of the route between hosts a and b, summed in the order
// our Network sums it (hops from the far end back to the near one).
double route_latency(int a, int b) {
  if (a / kFlowHostsPerLeaf == b / kFlowHostsPerLeaf) return 0.0 + kHostLatency + kHostLatency;
  return 0.0 + kHostLatency + kSpineLatency + kSpineLatency + kHostLatency;
}

long g_left = 0, g_done = 0;  // transfers not yet started, transfers done

// Sender `id`: the same transfers as flows' (SenderDraws), one at a time.
void sender(const std::vector<s4u::Host*>& hosts, int id, bool rack, bool sleep_latency) {
  vzlab::bench::SenderDraws draws(id, rack, static_cast<int>(hosts.size()));
  while (g_left > 0) {
    --g_left;
    const vzlab::bench::SenderDraws::Transfer t = draws.next();
    if (sleep_latency) s4u::this_actor::sleep_for(route_latency(t.a, t.b));
    s4u::Comm::sendto(hosts[static_cast<std::size_t>(t.a)], hosts[static_cast<std::size_t>(t.b)],
                      static_cast<std::uint64_t>(std::llround(t.bytes * kUnitsPerByte)));
    ++g_done;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // SimGrid stops on a bad option value of its own by printing why and
  // calling abort(): end with status 2 instead of a core dump.
  std::signal(SIGABRT, [](int) { std::_Exit(2); });
  // The model's options go first, so that the command line's --cfg win.
  std::vector<std::string> options = {argv[0],
                                      "--log=xbt_cfg.thres:warning",  // no line per option set
                                      "--cfg=network/model:CM02",
                                      "--cfg=network/latency-factor:1",
                                      "--cfg=network/bandwidth-factor:1",
                                      "--cfg=network/weight-S:0",
                                      "--cfg=network/TCP-gamma:0",
                                      "--cfg=network/crosstraffic:0"};
  std::vector<std::string> rest;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf(
          "usage: simgrid_flows_ref [FLOWS=10000] [TRANSFERS=200000] [SHAPE=rack|spread] [--exact] [--cfg=NAME:VALUE ...]\n"
          "The flow benchmark (bench/flows, same arguments) on SimGrid 3.32: the same leaf-spine, routes and\n"
          "transfers, shared by plain max-min; prints the same key=value line.\n"
          "  --exact  SimGrid's exact solve (network/optim:Full, surf/precision:1e-14), many times slower; without\n"
          "           it SimGrid's default Lazy solver can over-fill a link and end up to about 1 %% early\n"
          "  --cfg=flows/latency-phase:auto|links|actor  who pays a transfer's latency (auto: links for rack,\n"
          "           the sender itself for spread); other --cfg and --log options go to SimGrid\n");
      return 0;
    }
    if (a == "--exact") {
      options.emplace_back("--cfg=network/optim:Full");
      options.emplace_back("--cfg=surf/precision:1e-14");
    } else {
      rest.push_back(a);
    }
  }
  options.insert(options.end(), rest.begin(), rest.end());
  std::vector<char*> sg_argv;
  for (std::string& o : options) sg_argv.push_back(o.data());
  sg_argv.push_back(nullptr);
  int sg_argc = static_cast<int>(options.size());
  std::unique_ptr<s4u::Engine> owned;
  try {
    owned = std::make_unique<s4u::Engine>(&sg_argc, sg_argv.data());  // removes the options it knows
  } catch (const std::exception& e) {
    // SimGrid's message may go on to list every option: keep its first line.
    const std::string what = e.what();
    std::fprintf(stderr, "simgrid_flows_ref: %s\n", what.substr(0, what.find('\n')).c_str());
    return 2;
  }
  s4u::Engine& engine = *owned;

  constexpr long kMost = 100000000;  // as flows
  const long flows = vzlab::bench::integer_arg("simgrid_flows_ref", sg_argc, sg_argv.data(), 1, 10000, 1, kMost),
             transfers = vzlab::bench::integer_arg("simgrid_flows_ref", sg_argc, sg_argv.data(), 2, 200000, 1, kMost);
  const std::string shape = sg_argc > 3 ? sg_argv[3] : "rack";
  if (shape != "rack" && shape != "spread") {
    std::fprintf(stderr, "simgrid_flows_ref: SHAPE must be rack or spread\n");
    return 2;
  }
  std::string phase = cfg_latency_phase.get();
  if (phase == "auto") phase = shape == "rack" ? "links" : "actor";
  if (phase != "links" && phase != "actor") {
    std::fprintf(stderr, "simgrid_flows_ref: flows/latency-phase must be auto, links or actor\n");
    return 2;
  }
  const bool sleep_latency = phase == "actor";

  const auto t0 = std::chrono::steady_clock::now();
  const Fabric fabric = build_fabric(!sleep_latency);
  g_left = transfers;
  const bool rack = shape == "rack";
  for (long i = 0; i < flows; ++i) {
    const int id = static_cast<int>(i);
    // Where the actor runs does not matter to sendto; a host of its rack.
    s4u::Host* home = fabric.hosts[static_cast<std::size_t>((id % kFlowLeaves) * kFlowHostsPerLeaf)];
    s4u::Actor::create("sender/" + std::to_string(id), home,
                       [&fabric, id, rack, sleep_latency] { sender(fabric.hosts, id, rack, sleep_latency); });
  }
  const auto t1 = std::chrono::steady_clock::now();
  engine.run();
  const auto t2 = std::chrono::steady_clock::now();
  const double setup = std::chrono::duration<double>(t1 - t0).count();
  const double wall = std::chrono::duration<double>(t2 - t1).count();
  const double now = s4u::Engine::get_clock();
  std::printf("nodes=%zu links=%zu flows=%ld shape=%s transfers=%ld simulated_s=%.6f simulated_exact=%.17g wall_s=%.3f "
              "setup_s=%.3f completions_per_wall_s=%.0f latency_phase=%s\n",
              fabric.nodes, fabric.links, flows, shape.c_str(), g_done, now, now, wall, setup,
              wall > 0 ? static_cast<double>(g_done) / wall : 0.0, phase.c_str());
  return 0;
}
