// Guests' storage and network traffic over a scenario's topology, against
// hand computations; and the single-point-of-failure table of the shipped
// storage scenario.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "vzlab/hv/report/run_report.hpp"
#include "vzlab/hv/scenario/scenario.hpp"

namespace vzlab::hv {
namespace {

namespace sc = scenario;

// A profile where nothing but the network and the devices takes time.
CalibrationProfile instant() {
  CalibrationProfile p;
  p.native_io_cpu_s = 0;
  p.native_start_s = 0;
  p.container_start_s = 0;
  p.vm_boot_s = 0;
  return p;
}

struct Outcome {
  std::unique_ptr<World> world;
  report::RunReport report;
  const Guest& guest(const std::string& name) const {
    for (const Guest& g : world->guests())
      if (g.name() == name) return g;
    throw std::runtime_error("no guest " + name);
  }
};

Outcome run(const std::string& text) {
  auto loaded = sc::load_string(text, "t.yaml", {});
  if (!loaded.ok()) throw std::runtime_error(loaded.error->format());
  Outcome r;
  r.world = sc::build_world(*loaded.scenario, instant());
  report::RunRecorder rec(*r.world, {});
  r.world->run();
  r.world->finish();
  r.report = rec.report({});
  return r;
}

TEST(Storage, NasTrafficSharesTheUplinkWithVmTraffic) {
  // h0 and h1 hang on switch s; one 100 MB/s uplink s--t leads to the NAS and
  // the gateway. vm-a reads 100 x 1 MB from the NAS while vm-b sends 50 MB to
  // the gateway: 50 MB/s each until vm-b is done at 1 s, then vm-a alone at
  // 100 MB/s for its last 50 MB: done at 1.5 s.
  const Outcome r = run(R"(version: 1
hosts: [{name: h0, speed: 1Gf, hypervisor: none}, {name: h1, speed: 1Gf, hypervisor: none}]
network:
  nodes:
    - {name: s, kind: switch}
    - {name: t, kind: switch}
    - {name: nas, kind: nas}
    - {name: gateway, kind: router}
  links:
    - {from: h0, to: s, bandwidth: 1GB/s}
    - {from: h1, to: s, bandwidth: 1GB/s}
    - {from: s, to: t, bandwidth: 100MB/s}
    - {from: t, to: nas, bandwidth: 1GB/s}
    - {from: t, to: gateway, bandwidth: 1GB/s}
guests:
  - {name: vm-a, host: h0, mode: native, disk: nas, processes: [{steps: [{io: {ops: 100, size: 1MB}}]}]}
  - {name: vm-b, host: h1, mode: native, processes: [{steps: [{send: 50MB, to: gateway}]}]}
)");
  EXPECT_NEAR(r.guest("vm-b").finished_at_s(), 1.0, 1e-9);
  EXPECT_NEAR(r.guest("vm-a").finished_at_s(), 1.5, 1e-9);
  EXPECT_NEAR(r.guest("vm-a").io_time_s(), 1.5, 1e-9);
  EXPECT_DOUBLE_EQ(r.guest("vm-a").io_bytes(), 100e6);
  EXPECT_DOUBLE_EQ(r.guest("vm-b").sent_bytes(), 50e6);
  // Both crossed the uplink: 150 MB on s--t.
  const auto& links = r.report.network.links;
  auto uplink = std::find_if(links.begin(), links.end(), [](const auto& l) { return l.name == "s--t"; });
  ASSERT_NE(uplink, links.end());
  EXPECT_NEAR(uplink->bytes, 150e6, 1);
}

TEST(Storage, DeviceIopsLatencyAndBandwidthAddUp) {
  // 100 requests of 1 MB on a DAS with 1000 IOPS (0.1 s), 2 ms access time
  // each (0.2 s), the bytes at its 500 MB/s (0.2 s): 0.5 s of I/O.
  const Outcome r = run(R"(version: 1
hosts: [{name: h0, speed: 1Gf, hypervisor: none}]
network:
  nodes: [{name: d, kind: das, host: h0, bandwidth: 500MB/s, iops: 1000, latency: 2ms, link: 8GB/s}]
guests:
  - {name: g, host: h0, mode: native, disk: das, processes: [{steps: [{io: {ops: 100, size: 1MB, write: true}}]}]}
)");
  EXPECT_NEAR(r.guest("g").io_time_s(), 0.1 + 0.2 + 0.2, 1e-9);
  // The disk image (20 GiB by default) plus what was written.
  ASSERT_EQ(r.report.network.devices.size(), 1u);
  EXPECT_NEAR(r.report.network.devices[0].fill_bytes, 20.0 * (1 << 30) + 100e6, 1);
  EXPECT_EQ(r.report.network.io.at(0).bottleneck, "") << "no sample fell inside the 0.2 s transfer";
}

TEST(Storage, SanPathFailoverDelaysTheIo) {
  // 10 x 100 MB over a 100 MB/s HBA link: 10 s. Fabric A fails at 2 s; after
  // the 3 s failover the rest (800 MB) goes over fabric B: done at 13 s.
  const Outcome r = run(R"(version: 1
hosts: [{name: h, speed: 1Gf, hypervisor: none}]
network:
  failover: 3s
  shapes:
    - {shape: dual-fabric-san, name: san, bandwidth: 100MB/s, latency: 0s, array_latency: 0s, array_iops: 1e12}
guests:
  - {name: g, host: h, mode: native, disk: san, processes: [{steps: [{io: {ops: 10, size: 100MB}}]}]}
failures:
  - {at: 2s, crash: component, target: san-fabric-a, repair: 1h}
)");
  EXPECT_NEAR(r.guest("g").finished_at_s(), 13.0, 1e-9);
  EXPECT_EQ(r.report.network.reroutes, 1u);
  EXPECT_EQ(r.report.network.stalls, 0u);
}

TEST(Storage, WithoutAnotherPathTheIoWaitsForTheRepair) {
  // 200 MB over the NAS's only link at 100 MB/s. The link fails at 1 s
  // (100 MB moved) and comes back at 4 s; the other 100 MB take 1 s: done
  // at 5 s.
  const Outcome r = run(R"(version: 1
hosts: [{name: h, speed: 1Gf, hypervisor: none}]
network:
  failover: 0s
  nodes: [{name: nas, kind: nas}]
  links: [{from: h, to: nas, bandwidth: 100MB/s}]
guests:
  - {name: g, host: h, mode: native, disk: nas, processes: [{steps: [{io: {ops: 2, size: 100MB}}]}]}
failures:
  - {at: 1s, crash: component, target: h--nas, repair: 3s}
)");
  EXPECT_NEAR(r.guest("g").finished_at_s(), 5.0, 1e-9);
  EXPECT_EQ(r.report.network.stalls, 1u);
}

TEST(Storage, TheShippedScenarioNamesTheNasAsASinglePointOfFailure) {
  auto loaded = sc::load_file(std::string(VZLAB_SOURCE_DIR) + "/scenarios/storage-das-nas-san.yaml", {});
  ASSERT_TRUE(loaded.ok()) << loaded.error->format();
  auto world = sc::build_world(*loaded.scenario);
  report::RunRecorder rec(*world, {});
  world->run();
  world->finish();
  const report::RunReport rep = rec.report({});
  auto row = [&](const std::string& name) -> const report::SpofRow* {
    for (const auto& s : rep.network.spof)
      if (s.component == name) return &s;
    return nullptr;
  };
  ASSERT_NE(row("nas"), nullptr);
  EXPECT_EQ(row("nas")->guests.size(), 8u);
  EXPECT_EQ(row("lan")->guests.size(), 8u);
  // Each DAS holds its host's two VMs; the SAN's fabrics and controllers are
  // redundant, only an array itself takes its guests.
  EXPECT_EQ(row("das-0")->guests.size(), 2u);
  for (const char* redundant : {"san-fabric-a", "san-fabric-b", "san-ctl-0", "san-ctl-1"})
    EXPECT_EQ(row(redundant), nullptr) << redundant;
  EXPECT_EQ(row("san-array-0")->guests.size(), 4u);
  // And the SAN guests finished before the NAS guests, which share one head.
  double nas_end = 0, san_end = 0;
  for (const auto& g : rep.guests) {
    if (g.name.rfind("vm-nas", 0) == 0) nas_end = std::max(nas_end, g.finished_at_s.value_or(1e30));
    if (g.name.rfind("vm-san", 0) == 0) san_end = std::max(san_end, g.finished_at_s.value_or(1e30));
  }
  EXPECT_LT(san_end, nas_end);
}

}  // namespace
}  // namespace vzlab::hv
