// Flows over the platform graph against hand computations: max-min shares
// on the textbook topologies, routes, latency + bandwidth transfer times,
// failover and single points of failure.
#include "vzlab/hv/network.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vzlab::hv {
namespace {

using engine::Engine;
using engine::Process;

class NetworkTest : public ::testing::Test {
 protected:
  NodeId node(const std::string& name, NodeKind kind = NodeKind::kSwitch, double bw = 0) {
    return net.add_node({.name = name, .kind = kind, .bandwidth_Bps = bw});
  }
  NodeId host(const std::string& name) { return node(name, NodeKind::kHost); }
  LinkId link(const std::string& a, const std::string& b, double bw, double lat = 0) {
    return net.add_link({.a = a, .b = b, .bandwidth_Bps = bw, .latency_s = lat});
  }
  // Starts a transfer now; its end time goes to *end.
  void send(NodeId a, NodeId b, double bytes, double* end, double at = 0.0, double weight = 1.0) {
    eng.spawn([](Engine& e, Network& n, NodeId a, NodeId b, double bytes, double* end, double at,
                 double w) -> Process {
      if (at > 0) co_await e.sleep(at);
      co_await n.transfer(a, b, bytes, w);
      *end = e.now();
    }(eng, net, a, b, bytes, end, at, weight));
  }
  std::vector<std::string> names(const Path& p) {
    std::vector<std::string> out;
    for (NodeId n : p.nodes) out.push_back(net.node(n).name);
    return out;
  }
  Engine eng{1};
  Network net{eng};
};

TEST_F(NetworkTest, SingleBottleneckIsSharedEqually) {
  // Three hosts send 100 MB each through one 100 MB/s link: 33.3 MB/s each,
  // all done at 3 s; the access links (1 GB/s) are not the bottleneck.
  const NodeId a = host("a"), b = host("b"), c = host("c"), d = host("d");
  node("s1");
  node("s2");
  link("a", "s1", 1e9);
  link("b", "s1", 1e9);
  link("c", "s1", 1e9);
  const LinkId mid = link("s1", "s2", 100e6);
  link("s2", "d", 1e9);
  double ea = -1, eb = -1, ec = -1;
  send(a, d, 100e6, &ea);
  send(b, d, 100e6, &eb);
  send(c, d, 100e6, &ec);
  eng.run();
  EXPECT_NEAR(ea, 3.0, 1e-9);
  EXPECT_NEAR(eb, 3.0, 1e-9);
  EXPECT_NEAR(ec, 3.0, 1e-9);
  EXPECT_NEAR(net.link_bytes(mid), 300e6, 1);
  EXPECT_EQ(net.flows_done(), 3u);
}

TEST_F(NetworkTest, ParkingLot) {
  // Links L1 = s0-s1, L2 = s1-s2, L3 = s2-s3 of 1 byte/s each (hosts hang on
  // 1000 B/s links). The long flow crosses all three, one short flow crosses
  // each link: every link has two flows, so every flow gets 0.5 B/s. The
  // short flows (0.5 B) end at 1 s; then the long flow is alone at 1 B/s
  // and its last 0.5 B take 0.5 s: it ends at 1.5 s.
  for (int i = 0; i < 4; ++i) node("s" + std::to_string(i));
  for (int i = 0; i < 4; ++i) {
    host("h" + std::to_string(i));
    link("h" + std::to_string(i), "s" + std::to_string(i), 1000);
  }
  for (int i = 0; i < 3; ++i) link("s" + std::to_string(i), "s" + std::to_string(i + 1), 1);
  auto h = [&](int i) { return *net.find("h" + std::to_string(i)); };
  double long_end = -1, s1 = -1, s2 = -1, s3 = -1;
  send(h(0), h(3), 1.0, &long_end);
  send(h(0), h(1), 0.5, &s1);
  send(h(1), h(2), 0.5, &s2);
  send(h(2), h(3), 0.5, &s3);
  eng.run();
  EXPECT_NEAR(s1, 1.0, 1e-9);
  EXPECT_NEAR(s2, 1.0, 1e-9);
  EXPECT_NEAR(s3, 1.0, 1e-9);
  EXPECT_NEAR(long_end, 1.5, 1e-9);
}

TEST_F(NetworkTest, DumbbellGivesTheRestToTheUnconstrainedFlow) {
  // Two senders share a 5 B/s middle link; sender a's own access link is
  // 1 B/s, so max-min gives a 1 and b the other 4. 4 B for b: 1 s; a's 4 B
  // take 4 s at 1 B/s (b's end frees nothing a can use).
  const NodeId a = host("a"), b = host("b"), x = host("x"), y = host("y");
  node("l");
  node("r");
  link("a", "l", 1);
  link("b", "l", 10);
  link("l", "r", 5);
  link("r", "x", 10);
  link("r", "y", 10);
  double ea = -1, eb = -1;
  send(a, x, 4, &ea);
  send(b, y, 4, &eb);
  eng.run();
  EXPECT_NEAR(eb, 1.0, 1e-9);
  EXPECT_NEAR(ea, 4.0, 1e-9);
}

TEST_F(NetworkTest, WeightsShareInProportion) {
  // Weights 1 and 3 on one 4 B/s link: 1 and 3 B/s.
  const NodeId a = host("a"), b = host("b");
  node("s");
  link("a", "s", 4);
  link("s", "b", 100);
  double e1 = -1, e3 = -1;
  send(a, b, 3, &e1, 0, 1.0);  // 3 B at 1 B/s while the other runs
  send(a, b, 3, &e3, 0, 3.0);  // 3 B at 3 B/s: ends at 1 s
  eng.run();
  EXPECT_NEAR(e3, 1.0, 1e-9);
  EXPECT_NEAR(e1, 1.0 + 2.0 / 4.0, 1e-9);  // 2 B left at 4 B/s alone
}

TEST_F(NetworkTest, TransferTimeIsLatencyPlusSizeOverRate) {
  const NodeId a = host("a"), b = host("b");
  node("s");
  link("a", "s", 1e6, 10e-3);
  link("s", "b", 2e6, 5e-3);
  double end = -1;
  send(a, b, 1e6, &end);
  eng.run();
  EXPECT_NEAR(end, 15e-3 + 1.0, 1e-12);  // the slower link sets the rate
}

TEST_F(NetworkTest, NodeBandwidthIsSharedLikeALink) {
  // A NAS head of 100 B/s behind fast links: two readers get 50 B/s each.
  const NodeId a = host("a"), b = host("b");
  node("s");
  const NodeId nas = node("nas", NodeKind::kNas, 100);
  link("a", "s", 1e6);
  link("b", "s", 1e6);
  link("s", "nas", 1e6);
  double ea = -1, eb = -1;
  send(nas, a, 100, &ea);
  send(nas, b, 100, &eb);
  eng.run();
  EXPECT_NEAR(ea, 2.0, 1e-9);
  EXPECT_NEAR(eb, 2.0, 1e-9);
  EXPECT_NEAR(net.node_bytes(nas), 200, 1e-6);
}

TEST_F(NetworkTest, RoutesPreferLowLatencyThenFewHops) {
  const NodeId a = host("a"), b = host("b");
  for (const char* s : {"s1", "s2", "s3", "s4"}) node(s);
  // a-s1-b: 2 hops, 20 ms; a-s2-s3-b: 3 hops, 3 ms; a-s4-b: 2 hops, 3 ms.
  link("a", "s1", 1, 10e-3);
  link("s1", "b", 1, 10e-3);
  link("a", "s2", 1, 1e-3);
  link("s2", "s3", 1, 1e-3);
  link("s3", "b", 1, 1e-3);
  link("a", "s4", 1, 1.5e-3);
  link("s4", "b", 1, 1.5e-3);
  auto p = net.route(a, b);
  ASSERT_TRUE(p);
  EXPECT_EQ(names(*p), (std::vector<std::string>{"a", "s4", "b"}));
  EXPECT_NEAR(p->latency_s, 3e-3, 1e-15);
}

TEST_F(NetworkTest, RoutesByHopsIgnoreLatency) {
  // a-s1-b: 2 hops, 20 ms; a-s2-s3-b: 3 hops, 3 ms.
  const NodeId a = host("a"), b = host("b");
  for (const char* s : {"s1", "s2", "s3"}) node(s);
  link("a", "s1", 1, 10e-3);
  link("s1", "b", 1, 10e-3);
  link("a", "s2", 1, 1e-3);
  link("s2", "s3", 1, 1e-3);
  link("s3", "b", 1, 1e-3);
  EXPECT_EQ(names(*net.route(a, b)), (std::vector<std::string>{"a", "s2", "s3", "b"}));
  net.set_route_by_hops(true);
  EXPECT_EQ(names(*net.route(a, b)), (std::vector<std::string>{"a", "s1", "b"}));
  EXPECT_NEAR(net.latency(a, b), 20e-3, 1e-15);
}

TEST_F(NetworkTest, HostsDoNotForwardSoADasIsItsHostsOnly) {
  const NodeId h1 = host("h1"), h2 = host("h2");
  node("sw");
  const NodeId das = node("das-h1", NodeKind::kDas, 200e6);
  link("h1", "sw", 1e9);
  link("h2", "sw", 1e9);
  link("h1", "das-h1", 6e9);
  EXPECT_TRUE(net.route(h1, das));
  EXPECT_FALSE(net.route(h2, das)) << "h2 -> sw -> h1 -> das would cross a host";
  EXPECT_TRUE(net.route(h2, h1));
}

// A dual-fabric SAN: host h with an HBA on each fabric (fa, fb), two
// controllers each on both fabrics, one array behind both controllers.
class SanTest : public NetworkTest {
 protected:
  void SetUp() override {
    h = host("h");
    node("fa");
    node("fb");
    node("c1", NodeKind::kController);
    node("c2", NodeKind::kController);
    arr = node("array", NodeKind::kArray);
    link("h", "fa", 100, 1e-6);
    link("h", "fb", 100, 1e-6);
    for (const char* c : {"c1", "c2"}) {
      link("fa", c, 1000, 1e-6);
      link("fb", c, 1000, 1e-6);
      link(c, "array", 1000, 1e-6);
    }
  }
  NodeId h = 0, arr = 0;
};

TEST_F(SanTest, TwoDisjointPaths) {
  const std::vector<Path> paths = net.disjoint_routes(h, arr, 4);
  ASSERT_EQ(paths.size(), 2u);
  // Among equal routes the links declared first win: fabric A and controller 1.
  EXPECT_EQ(names(paths[0]), (std::vector<std::string>{"h", "fa", "c1", "array"}));
  EXPECT_EQ(names(paths[1]), (std::vector<std::string>{"h", "fb", "c2", "array"}));
}

TEST_F(SanTest, PathFailoverWaitsTheFailoverDelay) {
  // 1000 B at 100 B/s: 10 s. Fabric A's switch fails at 2 s (after the 3 us
  // of latency); the multipath driver moves the flow to fabric B after 3 s;
  // 800 B are left: done at 2 + 3 + 8 = 13 s.
  net.set_failover(3.0);
  double end = -1;
  send(h, arr, 1000, &end);
  const NodeId fa = *net.find("fa");
  eng.spawn([](Engine& e, Network& n, NodeId sw) -> Process {
    co_await e.sleep(2.0 + 3e-6);
    n.set_node_up(sw, false);
  }(eng, net, fa));
  eng.run();
  EXPECT_NEAR(end, 13.0 + 3e-6, 1e-9);
  EXPECT_EQ(net.reroutes(), 1u);
  EXPECT_EQ(net.stalls(), 0u);
}

TEST_F(NetworkTest, WithoutAnotherPathAFlowWaitsForTheRepair) {
  // 10 B at 1 B/s; the only link fails at 2 s and is repaired at 5 s
  // (failover 1 s finds no route at 3 s): 8 B left at 5 s, done at 13 s.
  net.set_failover(1.0);
  const NodeId a = host("a"), b = host("b");
  const LinkId l = link("a", "b", 1);
  double end = -1;
  send(a, b, 10, &end);
  eng.spawn([](Engine& e, Network& n, LinkId l) -> Process {
    co_await e.sleep(2.0);
    n.set_link_up(l, false);
    co_await e.sleep(3.0);
    n.set_link_up(l, true);
  }(eng, net, l));
  eng.run();
  EXPECT_NEAR(end, 13.0, 1e-9);
  EXPECT_EQ(net.stalls(), 1u);
  EXPECT_EQ(net.reroutes(), 1u);
  EXPECT_NEAR(net.link_bytes(l), 10.0, 1e-9);
}

TEST_F(NetworkTest, SinglePointsOfFailure) {
  // h1 and h2 on one switch reach a NAS: the switch and the NAS are single
  // points of failure; with a second switch (and links) only the NAS is.
  const NodeId h1 = host("h1");
  host("h2");
  node("sw1");
  const NodeId nas = node("nas", NodeKind::kNas);
  link("h1", "sw1", 1);
  link("h2", "sw1", 1);
  const LinkId up1 = link("sw1", "nas", 1);
  const NodeId sw1 = *net.find("sw1");
  EXPECT_FALSE(net.reachable_without(h1, nas, Component{false, sw1}));
  EXPECT_FALSE(net.reachable_without(h1, nas, Component{true, up1}));
  EXPECT_FALSE(net.reachable_without(h1, nas, Component{false, nas}));
  EXPECT_TRUE(net.reachable_without(h1, nas, std::nullopt));
  node("sw2");
  link("h1", "sw2", 1);
  link("sw2", "nas", 1);
  EXPECT_TRUE(net.reachable_without(h1, nas, Component{false, sw1}));
  EXPECT_TRUE(net.reachable_without(h1, nas, Component{true, up1}));
  EXPECT_FALSE(net.reachable_without(h1, nas, Component{false, nas}));
}

TEST_F(NetworkTest, BadLinksAreRejected) {
  host("a");
  host("b");
  EXPECT_THROW(link("a", "zz", 1), std::invalid_argument);
  EXPECT_THROW(link("a", "a", 1), std::invalid_argument);
  EXPECT_THROW(link("a", "b", -1), std::invalid_argument);
  EXPECT_THROW(link("a", "b", 0), std::invalid_argument);
  EXPECT_THROW(host("a"), std::invalid_argument);
}

}  // namespace
}  // namespace vzlab::hv
