// The `vzlab` command as a user runs it: exit codes, messages, outputs.
#include "cli_fixture.hpp"

#include <map>

namespace vzlab::cli {
namespace {

TEST_F(Cli, HelpListsTheCommands) {
  // --help succeeds (0) and names the three subcommands.
  Outcome r = vzlab("--help");
  EXPECT_EQ(r.code, 0) << r.err;
  for (const char* cmd : {"run", "validate", "schema"}) EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
}

TEST_F(Cli, NoArgumentsIsAUsageError) {
  // Exit code 2 = usage error (main.cpp), with something said on stderr.
  Outcome r = vzlab("");
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(r.err.empty());
}

TEST_F(Cli, UnknownCommandIsAUsageError) {
  // "frobnicate" is no subcommand: exit 2, and it is named on stderr.
  Outcome r = vzlab("frobnicate");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << r.err;
}

TEST_F(Cli, RunWithoutFileIsAUsageError) {
  // FILE is required: exit 2.
  Outcome r = vzlab("run");
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(r.err.empty());
}

TEST_F(Cli, UnknownFormatIsAUsageError) {
  // --format takes table, csv or json: xml exits 2 and prints no report.
  Outcome r = vzlab("run " + quote(kConsolidation) + " --format xml");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(Cli, MissingScenarioFile) {
  // Exit 1 (input error) with exactly one line on stderr that names the file.
  const std::string path = (dir_ / "missing.yaml").string();
  Outcome r = vzlab("run " + quote(path));
  EXPECT_EQ(r.code, 1);
  const auto err = lines_of(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_NE(err[0].find(path), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

// "cores: four" is on line 4; its value starts at column 12 ("    cores: " is 11 characters).
const char* kMalformed = "version: 1\nhosts:\n  - name: h0\n    cores: four\n    speed: 1Gf\n";

TEST_F(Cli, MalformedScenarioWritesNothing) {
  // Exit 1; stderr is "file:4:12: error: hosts[0].cores: ..."; neither the --out folder nor the
  // --trace file is created.
  const std::string bad = write("bad.yaml", kMalformed);
  const fs::path out = dir_ / "out", trace = dir_ / "trace.json";
  Outcome r = vzlab("run " + quote(bad) + " --out " + quote(out.string()) + " --trace " + quote(trace.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(bad + ":4:12:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hosts[0].cores"), std::string::npos) << r.err;
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(trace));
}

TEST_F(Cli, ValidateReportsTheSameError) {
  // validate checks without running: the same error, exit 1.
  const std::string bad = write("bad.yaml", kMalformed);
  Outcome r = vzlab("validate " + quote(bad));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(bad + ":4:12:"), std::string::npos) << r.err;
}

TEST_F(Cli, ValidateConsolidation) {
  // consolidation.yaml: 8 + 2 + 2 hosts, 8 native + 8 VM + 8 container guests, 2 processes each = 48.
  Outcome r = vzlab("validate " + quote(kConsolidation));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("OK"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("12 hosts, 24 guests (8 VMs), 48 processes"), std::string::npos) << r.out;
}

TEST_F(Cli, SchemaPrintsTheMarkdown) {
  // `vzlab schema` prints schema_markdown() exactly.
  Outcome r = vzlab("schema");
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out == hv::scenario::schema_markdown()) << "stdout differs from schema_markdown()";
}

TEST_F(Cli, JsonReport) {
  // Keys of the report; 12 hosts and 24 guests; every guest finishes (no until).
  // Bounds by hand: each web/db chain is 60 x (>= 0.2 Gf of work + 2.7 s of sleep) >= 60 x 2.9 = 174 s;
  // a native app has its own 2 cores, so each task runs at 1 Gf/s: <= 60 x (0.4 + 2.7) = 186 s;
  // a VM task gets at least 2 Gf/s / 8 tasks: <= 60 x (0.4 / 0.25 + 2.7) = 258 s.
  const json j = run_json(quote(kConsolidation));
  for (const char* k : {"scenario", "seed", "makespan_s", "events", "wall_s", "simulated_s", "unfinished_guests",
                        "hosts", "guests"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j.value("scenario", ""), "Consolidation: 8 underused servers become 2 hosts of VMs, or of containers");
  EXPECT_EQ(j.value("seed", 0), 1);
  EXPECT_GT(j.value("events", 0), 0);
  EXPECT_GE(j.value("wall_s", -1.0), 0.0);
  EXPECT_EQ(j.value("unfinished_guests", -1), 0);
  ASSERT_TRUE(j["hosts"].is_array());
  ASSERT_EQ(j["hosts"].size(), 12u);
  for (const json& h : j["hosts"]) {
    ASSERT_TRUE(h.contains("name") && h.contains("utilization"));
    EXPECT_GT(h["utilization"].get<double>(), 0.0) << h["name"];
    EXPECT_LE(h["utilization"].get<double>(), 1.0) << h["name"];
  }
  EXPECT_EQ(j["hosts"][0]["name"], "legacy-0");
  EXPECT_EQ(j["hosts"][9]["name"], "vmhost-1");
  ASSERT_TRUE(j["guests"].is_array());
  ASSERT_EQ(j["guests"].size(), 24u);
  double last = 0;
  for (const json& g : j["guests"]) {
    ASSERT_TRUE(g.contains("name") && g.contains("host") && g.contains("finished_at_s")) << g.dump();
    ASSERT_TRUE(g["finished_at_s"].is_number()) << g.dump();
    const double t = g["finished_at_s"].get<double>();
    EXPECT_GE(t, 174.0) << g["name"];
    EXPECT_LE(t, g["host"].get<std::string>().rfind("legacy", 0) == 0 ? 186.0 : 258.0) << g["name"];
    last = std::max(last, t);
  }
  EXPECT_EQ(j["guests"][8]["name"], "app0-vm");
  EXPECT_EQ(j["guests"][8]["host"], "vmhost-0");
  EXPECT_EQ(j["guests"][15]["host"], "vmhost-1");
  EXPECT_DOUBLE_EQ(j.value("makespan_s", -1.0), last);
}

TEST_F(Cli, TinyScenarioMakespan) {
  // 1 host, 2 cores of 1 Gf/s; 3 one-vCPU VMs computing 2 Gf each: max-min gives each 2/3 Gf/s
  // (below the 1 Gf/s one vCPU allows), so all finish at 2 Gf / (2/3 Gf/s) = 3 s. A calibration
  // profile with instant VM boot keeps start-up out of it; with the default 20 s boot they
  // finish at 23 s.
  const std::string instant = write("instant.yaml", "version: 1\nvm_boot: 0\n");
  const std::string file = write("tiny.yaml", R"(version: 1
hosts:
  - {name: h0, cores: 2, speed: 1Gf}
guests:
  - name: vm{i}
    count: 3
    host: h0
    processes: [{steps: [{compute: 2Gf}]}]
)");
  EXPECT_NEAR(run_json(quote(file)).value("makespan_s", -1.0), 23.0, 1e-9);
  const json j = run_json(quote(file) + " --calibration " + quote(instant));
  EXPECT_NEAR(j.value("makespan_s", -1.0), 3.0, 1e-9);
  ASSERT_EQ(j["guests"].size(), 3u);
  for (const json& g : j["guests"]) EXPECT_NEAR(g["finished_at_s"].get<double>(), 3.0, 1e-9) << g.dump();
  // Utilization: 6 Gf done / (2 cores x 1 Gf/s x 3 s) = 1.
  EXPECT_NEAR(j["hosts"][0]["utilization"].get<double>(), 1.0, 1e-9);
}

TEST_F(Cli, SameSeedSameOutputOtherSeedOtherOutput) {
  // Runs are deterministic: two runs differ only in wall_s; --seed 2 changes the drawn work,
  // so the output differs even without its "seed" line.
  const std::string args = "run " + quote(kConsolidation) + " --format json";
  Outcome a = vzlab(args), b = vzlab(args), c = vzlab(args + " --seed 2");
  ASSERT_EQ(a.code, 0);
  ASSERT_EQ(b.code, 0);
  ASSERT_EQ(c.code, 0);
  EXPECT_NE(a.out.find("\"wall_s\""), std::string::npos);
  EXPECT_EQ(without_lines(a.out, {"\"wall_s\""}), without_lines(b.out, {"\"wall_s\""}));
  EXPECT_NE(without_lines(a.out, {"\"wall_s\"", "\"seed\""}), without_lines(c.out, {"\"wall_s\"", "\"seed\""}));
  EXPECT_EQ(json::parse(c.out).value("seed", 0), 2);
}

TEST_F(Cli, OutDirWritesThreeCsvFiles) {
  // summary.csv: header + 9 keys; hosts.csv: header + 12 hosts; guests.csv: header + 24 guests;
  // no temporary file is left behind.
  const fs::path out = dir_ / "results";
  Outcome r = vzlab("run " + quote(kConsolidation) + " --out " + quote(out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto summary = lines_of(read_file(out / "summary.csv"));
  const auto hosts = lines_of(read_file(out / "hosts.csv"));
  const auto guests = lines_of(read_file(out / "guests.csv"));
  ASSERT_FALSE(summary.empty());
  ASSERT_FALSE(hosts.empty());
  ASSERT_FALSE(guests.empty());
  EXPECT_EQ(summary[0], "key,value");
  EXPECT_EQ(summary.size(), 10u);
  EXPECT_EQ(hosts[0], "name,group,cores,speed_flops,guests,flops_done,utilization,failures,downtime_s");
  EXPECT_EQ(hosts.size(), 13u);
  EXPECT_EQ(hosts[1].rfind("legacy-0,before,2,", 0), 0u) << hosts[1];
  EXPECT_EQ(guests[0], "name,host,mode,hypervisor,workload,started_at_s,finished_at_s,tasks_completed,flops_done,exits,"
                      "incidents,restarts,downtime_s,lost_work_s");
  EXPECT_EQ(guests.size(), 25u);
  EXPECT_EQ(guests[1].rfind("app0-native,legacy-0,native,", 0), 0u) << guests[1];
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) {
    names.insert(e.path().filename().string());
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
  EXPECT_EQ(names, (std::set<std::string>{"summary.csv", "hosts.csv", "guests.csv", "processes.csv", "comparison.csv"}));
  // comparison.csv: header + the 16 VMs and containers compared with their native run.
  EXPECT_EQ(lines_of(read_file(out / "comparison.csv")).size(), 17u);
}

TEST_F(Cli, TraceHasSlicesAndOneTrackPerHost) {
  // The trace is Chrome JSON: "X" slices for tasks, a "process_name" metadata event per host.
  const fs::path trace = dir_ / "trace.json";
  Outcome r = vzlab("run " + quote(kConsolidation) + " --trace " + quote(trace.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  json t;
  ASSERT_NO_THROW(t = json::parse(read_file(trace)));
  ASSERT_TRUE(t.contains("traceEvents") && t["traceEvents"].is_array());
  std::set<std::string> host_tracks;
  std::set<long> pids;
  std::size_t slices = 0;
  for (const json& e : t["traceEvents"]) {
    if (e.value("ph", "") == "M" && e.value("name", "") == "process_name") {
      host_tracks.insert(e["args"]["name"].get<std::string>());
      pids.insert(e["pid"].get<long>());
    }
  }
  for (const json& e : t["traceEvents"]) {
    if (e.value("ph", "") != "X") continue;
    ++slices;
    EXPECT_GE(e["dur"].get<double>(), 0.0);
    EXPECT_TRUE(pids.count(e["pid"].get<long>())) << e.dump();
  }
  EXPECT_GT(slices, 0u);
  std::set<std::string> expected;
  for (int i = 0; i < 8; ++i) expected.insert("legacy-" + std::to_string(i));
  for (const char* h : {"vmhost-0", "vmhost-1", "ct-host-0", "ct-host-1"}) expected.insert(h);
  EXPECT_EQ(host_tracks, expected);
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST_F(Cli, UntilStopsTheRun) {
  // --until 10: every guest needs >= 174 s (see JsonReport), so all 24 are unfinished at 10 s.
  const json j = run_json(quote(kConsolidation) + " --until 10");
  EXPECT_DOUBLE_EQ(j.value("simulated_s", -1.0), 10.0);
  EXPECT_DOUBLE_EQ(j.value("until_s", -1.0), 10.0);
  EXPECT_EQ(j.value("unfinished_guests", 0), 24);
  for (const json& g : j["guests"]) EXPECT_TRUE(g["finished_at_s"].is_null()) << g.dump();
}

TEST_F(Cli, UntilTakesUnits) {
  // --until 250ms is 0.25 s.
  const json j = run_json(quote(kConsolidation) + " --until 250ms");
  EXPECT_DOUBLE_EQ(j.value("simulated_s", -1.0), 0.25);
}

TEST_F(Cli, BadUntilIsAUsageError) {
  // "abc" is no duration and a negative time is not allowed: exit 2.
  Outcome r = vzlab("run " + quote(kConsolidation) + " --until abc");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--until"), std::string::npos) << r.err;
  EXPECT_EQ(vzlab("run " + quote(kConsolidation) + " --until -5").code, 2);
}

TEST_F(Cli, CsvFormatPrintsTheGuests) {
  // --format csv prints guests.csv: header + 24 rows.
  Outcome r = vzlab("run " + quote(kConsolidation) + " --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 25u) << r.out;
  EXPECT_EQ(lines[0], "name,host,mode,hypervisor,workload,started_at_s,finished_at_s,tasks_completed,flops_done,exits,"
                      "incidents,restarts,downtime_s,lost_work_s");
}

TEST_F(Cli, TableFormatIsTheDefault) {
  // Without --format the table shows the scenario name and the Hosts and Guests sections.
  Outcome r = vzlab("run " + quote(kConsolidation));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Consolidation: 8 underused servers"), std::string::npos);
  EXPECT_NE(r.out.find("Hosts"), std::string::npos);
  EXPECT_NE(r.out.find("Guests"), std::string::npos);
  EXPECT_EQ(r.out.find("{"), std::string::npos) << "looks like JSON";
}

TEST_F(Cli, FileOutputSettingsAreDefaultsTheCommandLineOverrides) {
  // output: {format: json, dir: D} in the file prints JSON and writes D; --format csv overrides the format.
  const fs::path out = dir_ / "from-file";
  const std::string file = write("out.yaml", "version: 1\noutput: {format: json, dir: " + out.string() +
                                                 "}\nhosts: [{name: h0, speed: 1Gf}]\n"
                                                 "guests: [{name: g, host: h0, processes: [{steps: [{compute: 1Gf}]}]}]\n");
  Outcome r = vzlab("run " + quote(file));
  ASSERT_EQ(r.code, 0) << r.err;
  json parsed;
  ASSERT_NO_THROW(parsed = json::parse(r.out)) << r.out;
  EXPECT_EQ(parsed.value("makespan_s", -1.0), 21.0);  // 20 s VM boot, then 1 Gf alone at 1 Gf/s
  EXPECT_TRUE(fs::exists(out / "guests.csv"));
  Outcome c = vzlab("run " + quote(file) + " --format csv");
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(lines_of(c.out).size(), 2u) << c.out;
}

TEST_F(Cli, UnwritableOutputWritesNothing) {
  // --out under a regular file cannot be created: exit 1, one message, and the trace is not written.
  write("plain-file", "x");
  const fs::path trace = dir_ / "trace.json";
  Outcome r = vzlab("run " + quote(kConsolidation) + " --out " + quote((dir_ / "plain-file" / "sub").string()) +
                " --trace " + quote(trace.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(r.err.empty());
  EXPECT_FALSE(fs::exists(trace));
}

TEST_F(Cli, FailedTraceLeavesNoCsvBehind) {
  // The trace goes to a folder that does not exist: the batch fails, so none of the CSV files of
  // --out appear either (all or nothing), and no temporary file is left.
  const fs::path out = dir_ / "out";
  Outcome r = vzlab("run " + quote(kConsolidation) + " --out " + quote(out.string()) + " --trace " +
                quote((dir_ / "no-such-dir" / "trace.json").string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(r.err.empty());
  if (fs::exists(out)) {
    EXPECT_TRUE(fs::is_empty(out)) << "files left in " << out;
  }
}

TEST_F(Cli, ReplicationsAreTheSameWhateverTheThreads) {
  // failover.yaml with 12 seeds, on one thread and on two: the same numbers.
  const std::string file = quote(std::string(VZLAB_SOURCE_DIR) + "/scenarios/failover.yaml");
  Outcome one = vzlab("run " + file + " --replications 12 --jobs 1 --format json");
  Outcome two = vzlab("run " + file + " --replications 12 --jobs 2 --format json");
  ASSERT_EQ(one.code, 0) << one.err;
  ASSERT_EQ(two.code, 0) << two.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_TRUE(one.err.empty()) << "no progress bar outside a terminal: " << one.err;
  const json j = json::parse(one.out);
  EXPECT_EQ(j["replications"], 12);
  EXPECT_EQ(j["runs"].size(), 12u);
  EXPECT_EQ(j["runs"][11]["seed"], 12);
  // The SAN cluster's VMs are more available than the DAS cluster's.
  double das = 0, san = 0;
  for (const json& m : j["metrics"]) {
    if (m["name"] == "guest_availability[das]") das = m["mean"].get<double>();
    if (m["name"] == "guest_availability[san]") san = m["mean"].get<double>();
  }
  EXPECT_GT(san, das);
  EXPECT_GT(das, 0.0);
}

TEST_F(Cli, ReplicationsWriteTheirCsvFiles) {
  const fs::path out = dir_ / "reps";
  Outcome r = vzlab("run " + quote(std::string(VZLAB_SOURCE_DIR) + "/scenarios/failover.yaml") +
                    " --replications 3 --out " + quote(out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto runs = lines_of(read_file(out / "replications.csv"));
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(runs[0].rfind("seed,", 0), 0u);
  EXPECT_EQ(runs[3].rfind("3,", 0), 0u);
  EXPECT_EQ(lines_of(read_file(out / "replications_summary.csv"))[0], "metric,n,mean,ci95,min,max");
  EXPECT_NE(r.out.find("3 replications (seeds 1 .. 3)"), std::string::npos) << r.out;
}

TEST_F(Cli, ReplicationOptionsThatMakeNoSenseAreUsageErrors) {
  const std::string file = quote(std::string(VZLAB_SOURCE_DIR) + "/scenarios/failover.yaml");
  Outcome jobs = vzlab("run " + file + " --jobs 2");
  EXPECT_EQ(jobs.code, 2);
  EXPECT_NE(jobs.err.find("--jobs requires --replications"), std::string::npos) << jobs.err;
  Outcome trace = vzlab("run " + file + " --replications 2 --trace " + quote((dir_ / "t.json").string()));
  EXPECT_EQ(trace.code, 2);
  EXPECT_FALSE(fs::exists(dir_ / "t.json"));
}

// One host, one native guest of 10 Gf at 1 Gf/s (it would finish at 10.01 s:
// 0.01 s of process start, then 10 s of work) and a run cut at 5 s.
constexpr const char* kCut = R"(version: 1
until: 5s
hosts: [{name: h0, speed: 1Gf}]
guests: [{name: g, host: h0, mode: native, processes: [{steps: [{compute: 10Gf}]}]}]
)";

TEST_F(Cli, ARunStoppedByUntilHasNoMakespan) {
  // The guest has 5 Gf left at 5 s: no time at which all work was done.
  const std::string file = write("cut.yaml", kCut);
  const json j = run_json(quote(file));
  ASSERT_TRUE(j.contains("makespan_s"));
  EXPECT_TRUE(j["makespan_s"].is_null()) << j["makespan_s"];
  const fs::path out = dir_ / "cut";
  Outcome r = vzlab("run " + quote(file) + " --out " + quote(out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("stopped at 5 s (until) — 1 guest(s) still running"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("all work done"), std::string::npos) << r.out;
  const auto summary = lines_of(read_file(out / "summary.csv"));
  EXPECT_NE(std::find(summary.begin(), summary.end(), "makespan_s,n/a"), summary.end());
  // Without the cut: all work done at 10.01 s (0.01 s start + 10 Gf / 1 Gf/s).
  EXPECT_NEAR(run_json(quote(file) + " --until 20s").value("makespan_s", -1.0), 10.01, 1e-9);
  // Replications: a metric no run has is left out; two runs that have it give n = 2.
  const json cut = json::parse(vzlab("run " + quote(file) + " --replications 2 --format json").out);
  for (const json& m : cut["metrics"]) EXPECT_NE(m["name"], "makespan_s");
  const json full = json::parse(vzlab("run " + quote(file) + " --until 20s --replications 2 --format json").out);
  bool seen = false;
  for (const json& m : full["metrics"])
    if (m["name"] == "makespan_s") {
      seen = true;
      EXPECT_EQ(m["n"], 2);
      EXPECT_NEAR(m["mean"].get<double>(), 10.01, 1e-9);
    }
  EXPECT_TRUE(seen);
}

TEST_F(Cli, OneReplicationHasNoConfidenceInterval) {
  // Student's t needs two values at least: with one, the interval is null / n/a, never +/- 0.
  const std::string file = quote(write("cut.yaml", kCut)) + " --until 20s --replications 1";
  const json j = json::parse(vzlab("run " + file + " --format json").out);
  ASSERT_FALSE(j["metrics"].empty());
  for (const json& m : j["metrics"]) EXPECT_TRUE(m["ci95"].is_null()) << m.dump();
  const fs::path out = dir_ / "one";
  Outcome r = vzlab("run " + file + " --out " + quote(out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto sum = lines_of(read_file(out / "replications_summary.csv"));
  const auto row = std::find_if(sum.begin(), sum.end(), [](const std::string& l) { return l.rfind("makespan_s,", 0) == 0; });
  ASSERT_NE(row, sum.end());
  EXPECT_EQ(*row, "makespan_s,1,10.01,n/a,10.01,10.01");
  EXPECT_NE(r.out.find("n/a"), std::string::npos) << r.out;
}

// A service of one native replica: a request every second from 1 s, each
// served for 2.5 s, one at a time, no queue; the replica's host dies at 10.5 s.
constexpr const char* kDropsAndFailures = R"(version: 1
until: 12.5s
hosts: [{name: h0, speed: 1Gf}]
guests: [{name: web, host: h0, mode: native, processes: [{steps: [{sleep: 1000s}]}]}]
services:
  - {name: web, replicas: "web", interarrival: 1s, service_time: 2.5s, queue_limit: 0, health_check: 0.5s}
failures:
  - {at: 10.5s, crash: host, target: h0}
)";

TEST_F(Cli, FailedAndDroppedRequestsAreCountedApart) {
  // By hand: arrivals at 1, 2, ..., 12 s. Served: 1 (to 3.5), 4 (to 6.5), 7 (to 9.5) = 3;
  // 10 is in service when the host dies at 10.5 and fails, 11 and 12 go to the dead
  // replica or find none in rotation and fail: 3 failed; the other 6 find it busy with no
  // queue: dropped.
  const std::string file = quote(write("drops.yaml", kDropsAndFailures));
  const json j = run_json(file);
  ASSERT_EQ(j["services"].size(), 1u);
  EXPECT_EQ(j["services"][0]["arrived"], 12);
  EXPECT_EQ(j["services"][0]["completed"], 3);
  EXPECT_EQ(j["services"][0]["dropped"], 6);
  EXPECT_EQ(j["services"][0]["failed"], 3);
  const json reps = json::parse(vzlab("run " + file + " --replications 2 --format json").out);
  std::map<std::string, double> mean;
  for (const json& m : reps["metrics"]) mean[m["name"].get<std::string>()] = m["mean"].get<double>();
  EXPECT_EQ(mean["failed_requests[web]"], 3.0);
  EXPECT_EQ(mean["dropped_requests[web]"], 6.0);
  const fs::path out = dir_ / "svc";
  ASSERT_EQ(vzlab("run " + file + " --out " + quote(out.string())).code, 0);
  const auto rows = lines_of(read_file(out / "services.csv"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].rfind("name,policy,arrived,completed,dropped,failed,", 0), 0u) << rows[0];
  EXPECT_EQ(rows[1].rfind("web,round-robin,12,3,6,3,", 0), 0u) << rows[1];
}

TEST_F(Cli, CtrlCStopsARunCleanlyAndWritesNothing) {
  // A run that would last for ages and a long series of replications, each
  // sent SIGINT after a second: exit code 130, one line saying so, no files.
  const std::string forever = write("forever.yaml", "version: 1\nhosts: [{name: h0, speed: 1Gf}]\n"
                                                    "guests: [{name: g, host: h0, processes: [{repeat: 1000000000, "
                                                    "steps: [{sleep: 1s}]}]}]\n");
  const std::string many = quote(std::string(VZLAB_SOURCE_DIR) + "/scenarios/failover.yaml") +
                           " --replications 10000000";
  for (const std::string& args : {"run " + quote(forever), "run " + many}) {
    const fs::path out = dir_ / "out", err = dir_ / "err.txt";
    // One SIGINT to vzlab alone (timeout(1) would also signal its whole
    // process group: a second Ctrl-C, which quits at once).
    const std::string cmd = quote(kVzlab) + " " + args + " --out " + quote(out.string()) + " > /dev/null 2> " +
                            quote(err.string()) + " & pid=$!; sleep 1; kill -INT $pid; wait $pid";
    const int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130) << args;
    const std::string said = read_file(err);
    EXPECT_NE(said.find("interrupted"), std::string::npos) << said;
    EXPECT_NE(said.find("nothing was written"), std::string::npos) << said;
    EXPECT_TRUE(!fs::exists(out) || fs::is_empty(out)) << args;
  }
}

TEST_F(Cli, SignalStopsASpinningRunWithinASecond) {
  // 10,000,000 network samples in 10 s of simulated time and one event at its end: the run
  // spins in the engine's ticks for about 6 s and never reached the progress hook, so SIGTERM
  // and SIGINT were ignored until it ended. Sent after 0.5 s, either must end it within 1.5 s
  // (the engine checks the flag before every tick; interrupt.hpp's deadline is 1 s), exit 130,
  // with nothing in --out.
  const std::string spin = write("spin.yaml", "version: 1\nuntil: 10\nhosts: [{name: h0, speed: 1Gf}]\n"
                                              "network: {sample: 1us}\n"
                                              "guests: [{name: g, host: h0, processes: [{steps: [{sleep: 10}]}]}]\n");
  for (const char* sig : {"TERM", "INT"}) {
    const fs::path out = dir_ / "out", err = dir_ / "err.txt";
    const std::string cmd = quote(kVzlab) + " run " + quote(spin) + " --out " + quote(out.string()) +
                            " > /dev/null 2> " + quote(err.string()) + " & pid=$!; sleep 0.5; kill -" + sig +
                            " $pid; wait $pid";
    const auto t0 = std::chrono::steady_clock::now();
    const int status = std::system(cmd.c_str());
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(WIFEXITED(status)) << sig;
    EXPECT_EQ(WEXITSTATUS(status), 130) << sig;
    EXPECT_LT(wall, 0.5 + 1.5) << sig;
    EXPECT_NE(read_file(err).find("nothing was written"), std::string::npos) << read_file(err);
    EXPECT_TRUE(!fs::exists(out) || fs::is_empty(out)) << sig;
  }
}

TEST_F(Cli, SeedAndUntilOptionsFollowTheFileKeysRules) {
  // The file's seed must be >= 0 and its until > 0 (docs/scenario-format.md); the options that
  // override them were read by other rules (--seed -1 wrapped to 2^64-1, --until 0 ran nothing,
  // --until '' meant "the file's"). Each is now a usage error (2) quoting the key's rule.
  const std::string c = quote(kConsolidation);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"run " + c + " --seed -1", "--seed: 'seed' must be >= 0, got -1"},
      {"run " + c + " --until 0", "--until: 'until' must be > 0, got 0"},
      {"run " + c + " --until ''", "--until: 'until': expected a number of seconds"},
      {"run " + c + " --replications 2 --seed -1", "--seed: 'seed' must be >= 0, got -1"},
      {"sweep " + c + " --seed -1", "--seed: 'seed' must be >= 0, got -1"},
  };
  for (const auto& [args, said] : cases) {
    Outcome r = vzlab(args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_NE(r.err.find(said), std::string::npos) << args << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << args;
  }
  // The same rule in the file says the same thing, as an input error (1).
  const std::string bad = write("seed.yaml", "version: 1\nseed: -1\nhosts: [{name: h0, speed: 1Gf}]\n");
  Outcome r = vzlab("validate " + quote(bad));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(bad + ":2:7: error: seed: 'seed' must be >= 0, got -1"), std::string::npos) << r.err;
}

TEST_F(Cli, InputThatCrashedOrHungIsOneErrorForValidateAndRun) {
  // Issue 22: each file crashed (signal 11), hung or passed validate; now validate and run both
  // exit 1 at once with one line "FILE:LINE:COL: error: KEY: ..." (positions counted by hand).
  struct Case {
    std::string text, where;
  };
  std::string aliases = "version: 1\nhosts: [{name: h0, speed: 1Gf}]\nworkloads:\n  w:\n    - &p {steps: [&c {sleep: 1}";
  for (int i = 0; i < 999; ++i) aliases += ", *c";
  aliases += "]}\n";
  for (int i = 0; i < 999; ++i) aliases += "    - *p\n";
  aliases += "guests: [{name: \"g{i}\", count: 1000, host: h0, workload: w}]\n";
  const std::string host = "version: 1\nhosts: [{name: h0, speed: 1Gf}]\n";
  const std::vector<Case> cases = {
      {"version: 1\nhosts:\n  - name: \"h{" + std::string(5000, '(') + "i" + std::string(5000, ')') +
           "}\"\n    speed: 1Gf\n",
       ":3:11: error: hosts[0].name: "},
      {host + "guests: [{name: g, host: h0, processes: [{steps: [{sleep: 1e308d}]}]}]\n",
       ":3:59: error: guests[0].processes[0].steps[0].sleep: "},
      {host + "until: 10\nnetwork: {sample: 1e-300}\n", ":4:19: error: network.sample: "},
      {aliases, ":5:"},
      {"version: 1\nhosts:\n  - {name: \"h\xff\", speed: 1Gf}\n", ":3:12: error: hosts[0].name: "},
      {host + "guests: [{name: \"g{i}\", count: 10000000, host: h0, processes: [{count: 10000000, steps: "
              "[{sleep: 1}]}]}]\n",
       ":3:32: error: guests[0].count: "},
      {host + "guests: [{name: g, host: h0, processes: [{repeat: 100000000, steps: [{compute: 0}]}]}]\n",
       ":3:41: error: guests[0].processes: "},
      {"version: 1\nhosts: [{name: h0, speed: 1Gf}, {name: h1, speed: 1Gf}]\nnetwork: {links: [{from: h0, to: h1, "
       "bandwidth: 1GB/s}]}\nguests: [{name: g, host: h0}]\nmigrations: [{at: 1, guest: g, to: h0}]\n",
       ":5:36: error: migrations[0].to: "},
      {"version: 1\nhosts: [{name: h0, speed: 1Gf}, {name: h1, speed: 1Gf}]\nnetwork: {nodes: [{name: s, kind: "
       "switch}], links: [{from: h0, to: s, bandwidth: 1GB/s}]}\nguests: [{name: g, host: h0, processes: [{steps: "
       "[{send: 1MB, to: h1}]}]}]\n",
       ":4:67: error: guests[0].processes[0].steps[0].to: "},
  };
  int n = 0;
  for (const Case& c : cases) {
    const std::string file = write("case" + std::to_string(n++) + ".yaml", c.text);
    for (const std::string cmd : {"validate ", "run "}) {
      const auto t0 = std::chrono::steady_clock::now();
      Outcome r = vzlab(cmd + quote(file));
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      EXPECT_EQ(r.code, 1) << cmd << file << "\n" << r.err;
      EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
      EXPECT_EQ(r.err.rfind(file + c.where, 0), 0u) << r.err;
      EXPECT_LT(wall, 1.0) << cmd << file;
      EXPECT_TRUE(r.out.empty()) << r.out;
    }
  }
}

}  // namespace
}  // namespace vzlab::cli

