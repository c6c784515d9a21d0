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
#include <string>
#include <vector>

#include "bench_args.hpp"
#include "flows_workload.hpp"

int main(int argc, char** argv) {
  if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::printf(
        "usage: flows [FLOWS=10000] [TRANSFERS=200000] [SHAPE=rack|spread]\n"
        "FLOWS closed-loop senders over a 1,000-node leaf-spine, each starting its next 0.5-1.5 MB transfer\n"
        "when the last ends, until TRANSFERS are done; prints one key=value line (completions_per_wall_s is\n"
        "the speed). rack: pairs within a sender's rack; spread: pairs anywhere. The same run on SimGrid:\n"
        "simgrid_flows_ref with the same arguments (--exact for the same simulated time).\n");
    return 0;
  }
  constexpr long kMost = 100000000;
  const long flows = vzlab::bench::integer_arg("flows", argc, argv, 1, 10000, 1, kMost),
             transfers = vzlab::bench::integer_arg("flows", argc, argv, 2, 200000, 1, kMost);
  const std::string shape = argc > 3 ? argv[3] : "rack";
  if (shape != "rack" && shape != "spread") {
    std::fprintf(stderr, "flows: SHAPE must be rack or spread\n");
    return 2;
  }
  vzlab::engine::Engine eng(1);
  vzlab::hv::Network net(eng);
  const std::vector<vzlab::hv::NodeId> hosts = vzlab::bench::build_leaf_spine(net);
  long left = transfers, done = 0;
  for (long i = 0; i < flows; ++i)
    eng.spawn(vzlab::bench::flow_sender(net, hosts, static_cast<int>(i), shape == "rack", left, done));
  const auto t0 = std::chrono::steady_clock::now();
  eng.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("nodes=%zu links=%zu flows=%ld shape=%s transfers=%ld simulated_s=%.6f simulated_exact=%.17g wall_s=%.3f "
              "completions_per_wall_s=%.0f components_solved=%llu partial_solves=%llu rates_changed_per_completion=%.1f "
              "notifications_per_completion=%.1f\n",
              net.node_count(), net.link_count(), flows, shape.c_str(), done, eng.now(), eng.now(), wall,
              wall > 0 ? static_cast<double>(done) / wall : 0.0,
              static_cast<unsigned long long>(eng.fluid().components_solved()),
              static_cast<unsigned long long>(eng.fluid().partial_solves()),
              done > 0 ? static_cast<double>(eng.fluid().values_changed()) / static_cast<double>(done) : 0.0,
              done > 0 ? static_cast<double>(eng.fluid().notifications()) / static_cast<double>(done) : 0.0);
  return 0;
}
