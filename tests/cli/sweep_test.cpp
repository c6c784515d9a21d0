// `vzlab sweep`: parameter parsing, the cross product, settings written into
// the scenario, and whole sweeps that must give the same CSV on one thread,
// two threads and two MPI ranks.
#include <gtest/gtest.h>

#include "cli_fixture.hpp"
#include "sweep.hpp"

namespace vzlab::cli {
namespace {

TEST(SweepParse, ValuesSplitOnCommasOutsideBraces) {
  std::string why;
  auto p = parse_set("hosts[0].mtbf=8h,{dist: exponential, mean: 8h},[1, 2]", &why);
  ASSERT_TRUE(p) << why;
  EXPECT_EQ(p->key, "hosts[0].mtbf");
  EXPECT_EQ(p->values, (std::vector<std::string>{"8h", "{dist: exponential, mean: 8h}", "[1, 2]"}));
  EXPECT_FALSE(parse_set("novalue", &why));
  EXPECT_FALSE(parse_set("=1", &why));
  EXPECT_FALSE(parse_set("a=1,,2", &why));
}

TEST(SweepParse, TheCrossProductVariesTheFirstParameterSlowest) {
  // 2 x 3 = 6 points, in the order (a1,b1) (a1,b2) (a1,b3) (a2,b1) ...
  const auto points = cross_product({{"a", {"1", "2"}}, {"b", {"x", "y", "z"}}});
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[0], (SweepPoint{{"a", "1"}, {"b", "x"}}));
  EXPECT_EQ(points[2], (SweepPoint{{"a", "1"}, {"b", "z"}}));
  EXPECT_EQ(points[3], (SweepPoint{{"a", "2"}, {"b", "x"}}));
  EXPECT_EQ(cross_product({}).size(), 1u);  // no parameter: the scenario as it is
}

TEST(SweepParse, SettingsGoWhereThePathSays) {
  const std::string text = "version: 1\nha: {heartbeat: 1s}\nhosts:\n  - {name: a, speed: 1Gf}\n  - {name: b, speed: 1Gf}\n";
  std::string why;
  auto t = with_settings(text, {{"ha.heartbeat", "5s"}, {"hosts[1].speed", "2Gf"}, {"ha.misses", "4"}}, &why);
  ASSERT_TRUE(t) << why;
  auto loaded = hv::scenario::load_string(*t, "t.yaml", {});
  ASSERT_TRUE(loaded.ok()) << loaded.error->format() << "\n" << *t;
  EXPECT_DOUBLE_EQ(loaded.scenario->ha->heartbeat_s, 5.0);
  EXPECT_EQ(loaded.scenario->ha->misses, 4);
  EXPECT_DOUBLE_EQ(loaded.scenario->hosts[0].speed_flops, 1e9);
  EXPECT_DOUBLE_EQ(loaded.scenario->hosts[1].speed_flops, 2e9);
  EXPECT_FALSE(with_settings(text, {{"hosts[2].speed", "1"}}, &why));
  EXPECT_NE(why.find("has 2 items"), std::string::npos) << why;
  EXPECT_FALSE(with_settings(text, {{"nope.x", "1"}}, &why));
  EXPECT_FALSE(with_settings(text, {{"ha.heartbeat.x", "1"}}, &why));
  EXPECT_FALSE(with_settings(text, {{"hosts[x].speed", "1"}}, &why));
}

// One VM on a NAS whose host dies at 50.5 s; HA with 1 s heartbeats
// restarts it elsewhere at the misses-th missed one (50 + misses s), then
// it boots for 20 s: down misses + 19.5 s.
const char* kHa = R"(version: 1
until: 200s
hosts:
  - {name: h0, group: pool, speed: 1Gf}
  - {name: h1, group: pool, speed: 1Gf}
network:
  shapes: [{shape: star, name: lan, bandwidth: 10Gb/s}]
  nodes: [{name: nas, kind: nas}]
  links: [{from: nas, to: lan, bandwidth: 10Gb/s}]
ha: {heartbeat: 1s, misses: 3}
guests:
  - {name: vm, host: h0, disk: nas, processes: [{steps: [{compute: 1000Gf}]}]}
failures:
  - {at: 50.5s, crash: host, target: h0}
)";

TEST_F(Cli, SweepGivesEachPointItsOwnResult) {
  const std::string file = write("ha.yaml", kHa);
  const fs::path csv = dir_ / "out" / "sweep.csv";
  Outcome r = vzlab("sweep " + quote(file) + " --set ha.misses=1,3,5 --replications 2 --out " + quote(csv.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto rows = lines_of(read_file(csv));
  ASSERT_EQ(rows.size(), 7u);  // header + 3 points x 2 replications
  const auto header = lines_of(read_file(csv))[0];
  EXPECT_EQ(header.rfind("point,ha.misses,seed,", 0), 0u) << header;
  // Find the downtime column and check it against misses + 19.5 s.
  std::vector<std::string> cols;
  std::stringstream hs(header);
  for (std::string c; std::getline(hs, c, ',');) cols.push_back(c);
  const auto col = std::find(cols.begin(), cols.end(), "guest_downtime_s") - cols.begin();
  ASSERT_LT(static_cast<std::size_t>(col), cols.size());
  for (std::size_t i = 1; i < rows.size(); ++i) {
    std::vector<std::string> f;
    std::stringstream rs(rows[i]);
    for (std::string c; std::getline(rs, c, ',');) f.push_back(c);
    const double misses = std::stod(f[1]);
    EXPECT_NEAR(std::stod(f[static_cast<std::size_t>(col)]), misses + 19.5, 1e-9) << rows[i];
  }
  EXPECT_TRUE(fs::exists(dir_ / "out" / "sweep_summary.csv"));
  EXPECT_NE(r.out.find("3 points x 2 replications = 6 runs"), std::string::npos) << r.out;
}

TEST_F(Cli, SweepCsvIsTheSameOnOneThreadTwoThreadsAndTwoMpiRanks) {
  const std::string file = quote(std::string(VZLAB_SOURCE_DIR) + "/scenarios/failover.yaml");
  const std::string args = "sweep " + file + " --set ha.heartbeat=1s,10s --set ha.misses=1,3 --replications 6";
  ASSERT_EQ(vzlab(args + " --jobs 1 --out " + quote((dir_ / "one.csv").string())).code, 0);
  ASSERT_EQ(vzlab(args + " --jobs 2 --out " + quote((dir_ / "two.csv").string())).code, 0);
  // Two ranks on this machine (root, so --allow-run-as-root; more ranks
  // than cores is fine with --oversubscribe).
  const std::string mpi = "mpirun --allow-run-as-root --oversubscribe -np 2 " + quote(kVzlab) + " " + args +
                          " --out " + quote((dir_ / "mpi.csv").string()) + " > " + quote((dir_ / "mpi.txt").string()) +
                          " 2>&1";
  ASSERT_EQ(std::system(mpi.c_str()), 0) << read_file(dir_ / "mpi.txt");
  EXPECT_NE(read_file(dir_ / "mpi.txt").find("x 2 MPI ranks"), std::string::npos) << read_file(dir_ / "mpi.txt");
  const std::string one = read_file(dir_ / "one.csv");
  EXPECT_EQ(lines_of(one).size(), 1u + 4 * 6);
  EXPECT_EQ(one, read_file(dir_ / "two.csv"));
  EXPECT_EQ(one, read_file(dir_ / "mpi.csv"));
  EXPECT_EQ(read_file(dir_ / "one_summary.csv"), read_file(dir_ / "mpi_summary.csv"));
}

TEST_F(Cli, SweepWithABadSettingRunsNothing) {
  const std::string file = write("ha.yaml", kHa);
  Outcome r = vzlab("sweep " + quote(file) + " --set ha.heartbeat=-1s --out " + quote((dir_ / "x.csv").string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("ha.heartbeat"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "x.csv"));
  EXPECT_EQ(vzlab("sweep " + quote(file) + " --set nonsense").code, 2);
}

}  // namespace
}  // namespace vzlab::cli
