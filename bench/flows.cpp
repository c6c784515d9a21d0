// Flow benchmark: N concurrent flows over a leaf-spine topology of about
// 1,000 nodes, closed loop (each of N senders starts its next transfer when
// the last one ends), until M transfers are done. Prints flow completions
// per wall second.
//
// Usage: flows [FLOWS=10000] [TRANSFERS=200000] [SHAPE=rack|spread]
//   rack:   senders talk to hosts in their own rack (leaf), the common case
//           of a rack-aware placement; flows share their hosts' links and
//           their leaf switch
//   spread: senders talk to random hosts anywhere (every flow crosses the
//           spines; one connected set of flows)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "vzlab/engine/random.hpp"
#include "vzlab/hv/network.hpp"

namespace {

using vzlab::engine::Engine;
using vzlab::engine::Process;
using vzlab::hv::Network;
using vzlab::hv::NodeId;
using vzlab::hv::NodeKind;

constexpr int kLeaves = 32, kSpines = 8, kHostsPerLeaf = 30;  // 960 hosts + 40 switches = 1,000 nodes

Process sender(Engine& eng, Network& net, const std::vector<NodeId>& hosts, int id, bool rack, long& left,
               long& done) {
  vzlab::engine::RandomStream r(7, "sender/" + std::to_string(id));
  const int leaf = id % kLeaves;
  while (left > 0) {
    --left;
    const auto pick = [&] {
      if (!rack) return hosts[r.next_u64() % hosts.size()];
      return hosts[static_cast<std::size_t>(leaf * kHostsPerLeaf + static_cast<int>(r.next_u64() % kHostsPerLeaf))];
    };
    const NodeId a = pick();
    NodeId b = pick();
    while (b == a) b = pick();
    co_await net.transfer(a, b, 1e6 * (0.5 + r.uniform()));  // 0.5 .. 1.5 MB
    ++done;
  }
  (void)eng;
}

long arg(int argc, char** argv, int i, long fallback) {
  if (argc <= i) return fallback;
  char* end = nullptr;
  const long v = std::strtol(argv[i], &end, 10);
  if (*end != '\0' || v <= 0) {
    std::fprintf(stderr, "flows: argument %d must be a positive integer, got '%s'\n", i, argv[i]);
    std::exit(2);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::printf("usage: flows [FLOWS=10000] [TRANSFERS=200000] [SHAPE=rack|spread]\n");
    return 0;
  }
  const long flows = arg(argc, argv, 1, 10000), transfers = arg(argc, argv, 2, 200000);
  const std::string shape = argc > 3 ? argv[3] : "rack";
  if (shape != "rack" && shape != "spread") {
    std::fprintf(stderr, "flows: SHAPE must be rack or spread\n");
    return 2;
  }
  Engine eng(1);
  Network net(eng);
  std::vector<NodeId> hosts;
  for (int s = 0; s < kSpines; ++s) net.add_node({.name = "spine" + std::to_string(s)});
  for (int l = 0; l < kLeaves; ++l) {
    const std::string leaf = "leaf" + std::to_string(l);
    net.add_node({.name = leaf});
    for (int s = 0; s < kSpines; ++s)
      net.add_link({.a = leaf, .b = "spine" + std::to_string(s), .bandwidth_Bps = 5e9, .latency_s = 2e-6});
    for (int h = 0; h < kHostsPerLeaf; ++h) {
      const std::string name = "h" + std::to_string(l * kHostsPerLeaf + h);
      hosts.push_back(net.add_node({.name = name, .kind = NodeKind::kHost}));
      net.add_link({.a = name, .b = leaf, .bandwidth_Bps = 1.25e9, .latency_s = 1e-6});
    }
  }
  long left = transfers, done = 0;
  for (long i = 0; i < flows; ++i) eng.spawn(sender(eng, net, hosts, static_cast<int>(i), shape == "rack", left, done));
  const auto t0 = std::chrono::steady_clock::now();
  eng.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("nodes=%zu links=%zu flows=%ld shape=%s transfers=%ld simulated_s=%.6f wall_s=%.3f "
              "completions_per_wall_s=%.0f components_solved=%llu partial_solves=%llu rates_changed_per_completion=%.1f "
              "notifications_per_completion=%.1f\n",
              net.node_count(), net.link_count(), flows, shape.c_str(), done, eng.now(), wall,
              wall > 0 ? static_cast<double>(done) / wall : 0.0,
              static_cast<unsigned long long>(eng.fluid().components_solved()),
              static_cast<unsigned long long>(eng.fluid().partial_solves()),
              done > 0 ? static_cast<double>(eng.fluid().values_changed()) / static_cast<double>(done) : 0.0,
              done > 0 ? static_cast<double>(eng.fluid().notifications()) / static_cast<double>(done) : 0.0);
  return 0;
}
