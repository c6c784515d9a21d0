// Placement policies on hand-built pools.
#include <gtest/gtest.h>

#include "vzlab/hv/scenario/scenario.hpp"

namespace vzlab::hv::scenario {
namespace {

// Hosts of the pool "p" for the guests; every VM takes 256 + 512 + 32 = 800
// MiB and one vCPU, and computes 1 Gf with no idle time (demand: one core).
std::vector<std::string> placed_hosts(const std::string& hosts, const std::string& policy, int vms) {
  const std::string text = "version: 1\nhosts:\n" + hosts + "guests:\n  - {name: \"vm{i}\", count: " +
                           std::to_string(vms) + ", pool: p, placement: " + policy +
                           ", processes: [{steps: [{compute: 1Gf}]}]}\n";
  auto r = load_string(text, "placement.yaml", {});
  EXPECT_TRUE(r.ok()) << r.error->format();
  auto world = build_world(*r.scenario);
  world->run();
  std::vector<std::string> out;
  for (const Guest& g : world->guests()) out.push_back(g.refused() ? "refused" : g.host().name());
  return out;
}

// Three equal hosts with room for two VMs each (2 GiB of memory).
const std::string kEqual =
    "  - {name: h0, group: p, cores: 4, speed: 1Gf, memory: 2GiB}\n"
    "  - {name: h1, group: p, cores: 4, speed: 1Gf, memory: 2GiB}\n"
    "  - {name: h2, group: p, cores: 4, speed: 1Gf, memory: 2GiB}\n";

TEST(Placement, FirstFitFillsHostsInOrder) {
  EXPECT_EQ(placed_hosts(kEqual, "first-fit", 5), (std::vector<std::string>{"h0", "h0", "h1", "h1", "h2"}));
}

TEST(Placement, WorstFitSpreads) {
  // Each VM goes to the emptiest host (ties: the first).
  EXPECT_EQ(placed_hosts(kEqual, "worst-fit", 5), (std::vector<std::string>{"h0", "h1", "h2", "h0", "h1"}));
}

TEST(Placement, BestFitPicksTheTightestHost) {
  // h0 has 4 GiB, h1 2 GiB. After one VM, h1 would keep (2048 - 800) / 2048
  // = 61 % of its memory and h0 (4096 - 800) / 4096 = 80 %; CPU: one of four
  // cores, 75 % left on both. Best-fit takes h1, first-fit takes h0.
  const std::string hosts =
      "  - {name: h0, group: p, cores: 4, speed: 1Gf, memory: 4GiB}\n"
      "  - {name: h1, group: p, cores: 4, speed: 1Gf, memory: 2GiB}\n";
  EXPECT_EQ(placed_hosts(hosts, "best-fit", 1), (std::vector<std::string>{"h1"}));
  EXPECT_EQ(placed_hosts(hosts, "first-fit", 1), (std::vector<std::string>{"h0"}));
}

TEST(Placement, CpuDemandCountsToo) {
  // One core and plenty of memory: each busy VM wants a whole core, so one
  // fits per host; the third has no room and is refused.
  const std::string hosts =
      "  - {name: h0, group: p, cores: 1, speed: 1Gf}\n"
      "  - {name: h1, group: p, cores: 1, speed: 1Gf}\n";
  EXPECT_EQ(placed_hosts(hosts, "first-fit", 3), (std::vector<std::string>{"h0", "h1", "refused"}));
}

}  // namespace
}  // namespace vzlab::hv::scenario
