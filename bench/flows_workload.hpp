// The flow workload shared by the benchmark (bench/flows.cpp) and its
// cross-check against SimGrid (tests/hv/simgrid_flows_test.cpp, with the
// SimGrid program bench/simgrid/simgrid_flows_ref.cpp): a leaf-spine of
// about 1,000 nodes and N closed-loop senders, each starting its next
// transfer when the last one ends, until a shared count of transfers is used up.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vzlab/engine/random.hpp"
#include "vzlab/hv/network.hpp"

namespace vzlab::bench {

// 960 hosts + 32 leaves + 8 spines = 1,000 nodes; 1,216 links.
inline constexpr int kFlowLeaves = 32, kFlowSpines = 8, kFlowHostsPerLeaf = 30;
inline constexpr double kFlowHostBandwidth = 1.25e9, kFlowHostLatency = 1e-6;    // host--leaf (10 Gb/s)
inline constexpr double kFlowUplinkBandwidth = 5e9, kFlowUplinkLatency = 2e-6;   // leaf--spine (40 Gb/s)

/// Builds the leaf-spine in `net` (every leaf linked to every spine); returns
/// the hosts, rack by rack.
inline std::vector<hv::NodeId> build_leaf_spine(hv::Network& net) {
  std::vector<hv::NodeId> hosts;
  for (int s = 0; s < kFlowSpines; ++s) net.add_node({.name = "spine" + std::to_string(s)});
  for (int l = 0; l < kFlowLeaves; ++l) {
    const std::string leaf = "leaf" + std::to_string(l);
    net.add_node({.name = leaf});
    for (int s = 0; s < kFlowSpines; ++s)
      net.add_link({.a = leaf, .b = "spine" + std::to_string(s), .bandwidth_Bps = kFlowUplinkBandwidth,
                    .latency_s = kFlowUplinkLatency});
    for (int h = 0; h < kFlowHostsPerLeaf; ++h) {
      const std::string name = "h" + std::to_string(l * kFlowHostsPerLeaf + h);
      hosts.push_back(net.add_node({.name = name, .kind = hv::NodeKind::kHost}));
      net.add_link({.a = name, .b = leaf, .bandwidth_Bps = kFlowHostBandwidth, .latency_s = kFlowHostLatency});
    }
  }
  return hosts;
}

/// The transfers of sender `id`, in order, from its own stream (seed 7,
/// "sender/ID"): two distinct hosts (indexes into the hosts, rack by rack),
/// in rack mode both in rack id % kFlowLeaves, else anywhere; and a size of
/// 0.5 to 1.5 MB.
class SenderDraws {
 public:
  struct Transfer {
    int a, b;
    double bytes;
  };
  SenderDraws(int id, bool rack, int n_hosts)
      : r_(7, "sender/" + std::to_string(id)), leaf_(id % kFlowLeaves), rack_(rack), n_hosts_(n_hosts) {}
  Transfer next() {
    Transfer t{pick(), pick(), 0.0};
    while (t.b == t.a) t.b = pick();
    t.bytes = 1e6 * (0.5 + r_.uniform());
    return t;
  }

 private:
  int pick() {
    if (!rack_) return static_cast<int>(r_.next_u64() % static_cast<std::uint64_t>(n_hosts_));
    return leaf_ * kFlowHostsPerLeaf + static_cast<int>(r_.next_u64() % kFlowHostsPerLeaf);
  }
  engine::RandomStream r_;
  int leaf_;
  bool rack_;
  int n_hosts_;
};

/// Sender `id`: while transfers are `left`, takes one and makes its next
/// transfer (SenderDraws); counts `done`.
inline engine::Process flow_sender(hv::Network& net, const std::vector<hv::NodeId>& hosts, int id, bool rack,
                                   long& left, long& done) {
  SenderDraws draws(id, rack, static_cast<int>(hosts.size()));
  while (left > 0) {
    --left;
    const SenderDraws::Transfer t = draws.next();
    co_await net.transfer(hosts[static_cast<std::size_t>(t.a)], hosts[static_cast<std::size_t>(t.b)], t.bytes);
    ++done;
  }
}

}  // namespace vzlab::bench
