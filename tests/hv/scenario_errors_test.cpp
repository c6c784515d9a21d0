// Bad scenario texts: every kind of mistake gives one LoadError with the line
// and column of the offending text (1-based), the key path and a useful hint.
#include <gtest/gtest.h>

#include <string>

#include "vzlab/hv/scenario/scenario.hpp"

namespace vzlab::hv::scenario {
namespace {

// What a test expects of the error; column 0 means "not checked".
struct Expect {
  int line;
  int column;
  std::string key;
  std::string hint;
};

// Loads text that must fail and checks the error against `want`.
LoadError expect_error(const std::string& text, const Expect& want) {
  LoadResult r = load_string(text, "bad.yaml", {});
  if (r.ok()) {
    ADD_FAILURE() << "loaded without error:\n" << text;
    return {};
  }
  EXPECT_FALSE(r.scenario.has_value());
  const LoadError& e = *r.error;
  EXPECT_EQ(e.file, "bad.yaml");
  EXPECT_EQ(e.line, want.line) << e.format();
  if (want.column > 0) {
    EXPECT_EQ(e.column, want.column) << e.format();
  }
  EXPECT_EQ(e.key, want.key) << e.format();
  EXPECT_NE(e.message.find(want.hint), std::string::npos) << "hint \"" << want.hint << "\" not in: " << e.format();
  return e;
}

// A valid start: line 1 version, lines 2-4 one host h0; guests begin on line 5.
const std::string kHead = "version: 1\nhosts:\n  - name: h0\n    speed: 1Gf\n";

// kHead plus one guest g on h0 (lines 5-8) whose single process's steps follow on line 10.
std::string with_step(const std::string& step) {
  return kHead + "guests:\n  - name: g\n    host: h0\n    processes:\n      - steps:\n          - " + step + "\n";
}

TEST(ScenarioErrors, FormatIsFileLineColumnKeyMessage) {
  // LoadError::format(): "file:line:col: error: key: message"; without a line or a key those parts go.
  EXPECT_EQ((LoadError{"f.yaml", 3, 7, "hosts[0].cores", "bad"}).format(), "f.yaml:3:7: error: hosts[0].cores: bad");
  EXPECT_EQ((LoadError{"f.yaml", 0, 0, "", "cannot open"}).format(), "f.yaml: error: cannot open");
  EXPECT_EQ((LoadError{"f.yaml", 2, 1, "", "not a map"}).format(), "f.yaml:2:1: error: not a map");
}

TEST(ScenarioErrors, FormatOfARealError) {
  // "cores: four" on line 4, value at column 12 ("    cores: " is 11 characters).
  const LoadError e = expect_error("version: 1\nhosts:\n  - name: h0\n    cores: four\n    speed: 1Gf\n",
                                   {4, 12, "hosts[0].cores", "whole number"});
  EXPECT_EQ(e.format().rfind("bad.yaml:4:12: error: hosts[0].cores: ", 0), 0u) << e.format();
}

TEST(ScenarioErrors, YamlSyntaxError) {
  // "speed: 1Gf: 2" is not YAML (a second ':' in a plain value): reported on line 4 where it is.
  expect_error("version: 1\nhosts:\n  - name: h0\n    speed: 1Gf: 2\n", {4, 0, "", "YAML syntax error"});
}

TEST(ScenarioErrors, UnclosedFlowListIsASyntaxError) {
  // "[1Gf" never closed: a syntax error, found after the last line (line 5).
  expect_error("version: 1\nhosts:\n  - name: h0\n    speed: [1Gf\n", {5, 0, "", "YAML syntax error"});
}

TEST(ScenarioErrors, EmptyFile) {
  // No node at all, so no line (0): the message says what a scenario needs.
  expect_error("", {0, 0, "", "the file is empty"});
  expect_error("# just a comment\n", {0, 0, "", "the file is empty"});
}

TEST(ScenarioErrors, TopLevelIsNotAMap) {
  // A list at the top (line 1, column 1): the message lists the scenario keys.
  const LoadError e = expect_error("- a\n- b\n", {1, 1, "", "expected a map of scenario keys"});
  EXPECT_NE(e.message.find("version"), std::string::npos);
  expect_error("just text\n", {1, 1, "", "expected a map"});
}

TEST(ScenarioErrors, MissingVersion) {
  // An absent key is reported at the map that lacks it: the top map, line 1 column 1.
  expect_error("hosts:\n  - {name: h0, speed: 1Gf}\n", {1, 1, "version", "missing required key 'version'"});
}

TEST(ScenarioErrors, UnsupportedVersion) {
  // "version: 2": value at line 1, column 10.
  expect_error("version: 2\nhosts:\n  - {name: h0, speed: 1Gf}\n", {1, 10, "version", "unsupported version 2"});
}

TEST(ScenarioErrors, UnknownTopLevelKeySuggestsTheClosest) {
  // "hots" is one letter from "hosts"; an unknown key is reported at the key itself (line 2, column 1).
  const LoadError e = expect_error("version: 1\nhots:\n  - {name: h0, speed: 1Gf}\n",
                                   {2, 1, "hots", "did you mean 'hosts'?"});
  EXPECT_NE(e.message.find("allowed: version, name"), std::string::npos) << e.message;
}

TEST(ScenarioErrors, UnknownHostKeyCloseToOne) {
  // "core" is one edit from "cores"; the key is on line 4, column 5.
  expect_error("version: 1\nhosts:\n  - name: h0\n    core: 2\n    speed: 1Gf\n",
               {4, 5, "hosts[0].core", "unknown key 'core' in host (did you mean 'cores'?)"});
}

TEST(ScenarioErrors, UnknownHostKeyFarFromAll) {
  // "cpus" is 3 edits from "cores" and "count", above the limit max(2, 4/3) + 1 = 3 (exclusive):
  // no suggestion, but the allowed keys are listed.
  const LoadError e = expect_error("version: 1\nhosts:\n  - name: h0\n    cpus: 2\n    speed: 1Gf\n",
                                   {4, 5, "hosts[0].cpus", "allowed: name, count, group, site, cores, speed"});
  EXPECT_EQ(e.message.find("did you mean"), std::string::npos) << e.message;
}

TEST(ScenarioErrors, WrongTypeForAnInteger) {
  // "cores: four": value at line 4, column 12.
  expect_error("version: 1\nhosts:\n  - name: h0\n    cores: four\n    speed: 1Gf\n",
               {4, 12, "hosts[0].cores", "expected a whole number for 'cores', got \"four\""});
}

TEST(ScenarioErrors, NonIntegerForAnInteger) {
  // "cores: 2.5" is a number but not a whole one.
  expect_error("version: 1\nhosts:\n  - name: h0\n    cores: 2.5\n    speed: 1Gf\n",
               {4, 12, "hosts[0].cores", "expected a whole number for 'cores', got \"2.5\""});
}

TEST(ScenarioErrors, MapWhereAValueIsExpected) {
  // "cores: {a: 1}" is a map, not a single value.
  expect_error("version: 1\nhosts:\n  - name: h0\n    cores: {a: 1}\n    speed: 1Gf\n",
               {4, 12, "hosts[0].cores", "got a map"});
}

TEST(ScenarioErrors, ZeroCores) {
  // schema: cores >= 1.
  expect_error("version: 1\nhosts:\n  - name: h0\n    cores: 0\n    speed: 1Gf\n",
               {4, 12, "hosts[0].cores", "'cores' must be >= 1, got 0"});
}

TEST(ScenarioErrors, NegativeCores) {
  // schema: cores >= 1.
  expect_error("version: 1\nhosts:\n  - name: h0\n    cores: -3\n    speed: 1Gf\n",
               {4, 12, "hosts[0].cores", "'cores' must be >= 1, got -3"});
}

TEST(ScenarioErrors, ZeroSpeed) {
  // schema: speed > 0 (exclusive).
  expect_error("version: 1\nhosts:\n  - name: h0\n    speed: 0\n", {4, 12, "hosts[0].speed", "'speed' must be > 0"});
}

TEST(ScenarioErrors, BadUnit) {
  // "1 GHz" is a clock rate, not flop/s: the unit is named and examples are given.
  const LoadError e = expect_error("version: 1\nhosts:\n  - name: h0\n    speed: 1 GHz\n",
                                   {4, 12, "hosts[0].speed", "unknown unit \"GHz\""});
  EXPECT_NE(e.message.find("Gf/s"), std::string::npos) << e.message;
}

TEST(ScenarioErrors, FlopsForADuration) {
  // "sleep: 1Gf": step on line 10 "          - sleep: 1Gf", value at column 20.
  expect_error(with_step("sleep: 1Gf"), {10, 20, "guests[0].processes[0].steps[0].sleep", "unknown unit \"Gf\""});
}

TEST(ScenarioErrors, NegativeCompute) {
  // schema: compute >= 0; "-1Gf" at line 10, column 22.
  expect_error(with_step("compute: -1Gf"), {10, 22, "guests[0].processes[0].steps[0].compute", "must be >= 0"});
}

TEST(ScenarioErrors, HostWithoutSpeed) {
  // The missing key is reported at the host's map, which starts at "name" (line 3, column 5).
  expect_error("version: 1\nhosts:\n  - name: h0\n    cores: 2\n", {3, 5, "hosts[0].speed", "missing required key 'speed'"});
}

TEST(ScenarioErrors, GuestWithoutHost) {
  // The guest's map starts at "name" on line 6, column 5.
  expect_error(kHead + "guests:\n  - name: g\n    vcpus: 2\n",
               {6, 5, "guests[0].host", "a guest needs exactly one of 'host' (a fixed host) or 'pool'"});
}

TEST(ScenarioErrors, NoHostsKey) {
  // 'hosts' is required (schema default: none).
  expect_error("version: 1\n", {1, 1, "hosts", "missing required key 'hosts'"});
}

TEST(ScenarioErrors, EmptyHostList) {
  // "hosts: []" at line 2, column 8: a scenario needs at least one host.
  expect_error("version: 1\nhosts: []\n", {2, 8, "hosts", "at least one host"});
}

TEST(ScenarioErrors, HostItemIsNotAMap) {
  // "hosts: [h0]": the item h0 (line 2, column 9) is a word, not a map of host keys.
  expect_error("version: 1\nhosts: [h0]\n", {2, 9, "hosts[0]", "expected a map of host keys"});
}

TEST(ScenarioErrors, GuestsIsNotAList) {
  // "guests: 3" on line 5, value at column 9.
  expect_error(kHead + "guests: 3\n", {5, 9, "guests", "expected a list for 'guests'"});
}

TEST(ScenarioErrors, DuplicateHostNames) {
  // Second item's name at line 5, column 11.
  expect_error("version: 1\nhosts:\n  - name: h0\n    speed: 1Gf\n  - name: h0\n    speed: 2Gf\n",
               {5, 11, "hosts[1].name", "host name 'h0' is used twice"});
}

TEST(ScenarioErrors, ReplicasWithTheSameName) {
  // "h{i/2}" with count 2 gives h0 for i = 0 and i = 1.
  expect_error("version: 1\nhosts:\n  - name: \"h{i/2}\"\n    count: 2\n    speed: 1Gf\n",
               {3, 11, "hosts[0].name", "host name 'h0' is used twice"});
}

TEST(ScenarioErrors, DuplicateGuestNames) {
  // Two guests named g: the second (line 8) is reported.
  expect_error(kHead + "guests:\n  - name: g\n    host: h0\n  - name: g\n    host: h0\n",
               {8, 11, "guests[1].name", "guest name 'g' is used twice"});
}

TEST(ScenarioErrors, DuplicateKeyInAMap) {
  // "cores" twice in one host: the second key (line 5, column 5).
  expect_error("version: 1\nhosts:\n  - name: h0\n    cores: 2\n    cores: 3\n    speed: 1Gf\n",
               {5, 5, "hosts[0].cores", "duplicate key 'cores'"});
}

TEST(ScenarioErrors, DuplicateWorkloadName) {
  // Workload w defined twice: the second name is at line 8, column 3.
  expect_error(kHead + "workloads:\n  w:\n    - steps: [{compute: 1Gf}]\n  w:\n    - steps: [{compute: 1Gf}]\n",
               {8, 3, "workloads.w", "defined twice"});
}

TEST(ScenarioErrors, CountWithoutIndexInTheName) {
  // count: 2 with name "h": every replica would be called h; the hint shows "h-{i}".
  expect_error("version: 1\nhosts:\n  - name: h\n    count: 2\n    speed: 1Gf\n",
               {3, 11, "hosts[0].name", "put the replica index in it, e.g. \"h-{i}\""});
}

TEST(ScenarioErrors, EmptyName) {
  // name: "" expands to nothing.
  expect_error("version: 1\nhosts:\n  - name: \"\"\n    speed: 1Gf\n", {3, 11, "hosts[0].name", "must not be empty"});
}

TEST(ScenarioErrors, BadNameTemplate) {
  // "{j}": only i is known; the template error is passed on.
  expect_error(kHead + "guests:\n  - name: g\n    host: \"h{j}\"\n",
               {7, 11, "guests[0].host", "bad name template"});
  expect_error("version: 1\nhosts:\n  - name: h0\n    speed: 1Gf\n    group: \"g{i\"\n",
               {5, 12, "hosts[0].group", "without a matching '}'"});
}

TEST(ScenarioErrors, GuestOnUnknownHost) {
  // "web0" is one edit from the host "web-0"; the value is at line 7, column 11.
  expect_error("version: 1\nhosts:\n  - name: web-0\n    speed: 1Gf\nguests:\n  - name: g\n    host: web0\n",
               {7, 11, "guests[0].host", "no host named 'web0' (did you mean 'web-0'?)"});
}

TEST(ScenarioErrors, TemplateHostMissingForOneReplica) {
  // Hosts h0, h1; guests vm0..vm2 on h{i}: replica i=2 asks for h2, and the message names the replica.
  expect_error("version: 1\nhosts:\n  - name: \"h{i}\"\n    count: 2\n    speed: 1Gf\n"
               "guests:\n  - name: \"vm{i}\"\n    count: 3\n    host: \"h{i}\"\n",
               {9, 11, "guests[0].host", "no host named 'h2' (replica i=2 of \"h{i}\")"});
}

TEST(ScenarioErrors, UnknownWorkloadSuggestsTheClosest) {
  // "bacth" is 2 edits from "batch" (limit max(2, 5/3) + 1 = 3): suggested. Value at line 11, column 15.
  expect_error(kHead + "workloads:\n  batch:\n    - steps: [{compute: 1Gf}]\n"
                       "guests:\n  - name: g\n    host: h0\n    workload: bacth\n",
               {11, 15, "guests[0].workload", "no workload named 'bacth' (did you mean 'batch'?)"});
}

TEST(ScenarioErrors, WorkloadButNoWorkloadsSection) {
  // Without `workloads:` the hint says so.
  expect_error(kHead + "guests:\n  - name: g\n    host: h0\n    workload: batch\n",
               {8, 15, "guests[0].workload", "the file defines no 'workloads:'"});
}

TEST(ScenarioErrors, BothWorkloadAndProcesses) {
  // schema note "use either `workload` or `processes`": reported at processes (line 12, column 16).
  expect_error(kHead + "workloads:\n  batch:\n    - steps: [{compute: 1Gf}]\n"
                       "guests:\n  - name: g\n    host: h0\n    workload: batch\n    processes: []\n",
               {12, 16, "guests[0].processes", "use either 'workload' or 'processes', not both"});
}

TEST(ScenarioErrors, ProcessWithoutSteps) {
  // steps is required, and an empty list is no process either.
  expect_error(kHead + "guests:\n  - name: g\n    host: h0\n    processes:\n      - name: p\n",
               {9, 9, "guests[0].processes[0].steps", "missing required key 'steps'"});
  expect_error(kHead + "guests:\n  - name: g\n    host: h0\n    processes:\n      - steps: []\n",
               {9, 16, "guests[0].processes[0].steps", "at least one step"});
}

TEST(ScenarioErrors, StepWithComputeAndSleep) {
  // "- {compute: 1Gf, sleep: 1s}" on line 10: reported at the sleep value, column 35.
  expect_error(with_step("{compute: 1Gf, sleep: 1s}"),
               {10, 35, "guests[0].processes[0].steps[0].sleep", "exactly one of 'compute', 'sleep', 'io' or 'send'"});
}

TEST(ScenarioErrors, StepWithNeither) {
  // "- {}" on line 10: reported at the empty map (column 13) under the key compute.
  expect_error(with_step("{}"),
               {10, 13, "guests[0].processes[0].steps[0].compute", "exactly one of 'compute', 'sleep', 'io' or 'send'"});
}

TEST(ScenarioErrors, StepErrorInsideANamedWorkload) {
  // The key path of a workload's step starts with workloads.<name>.
  expect_error(kHead + "workloads:\n  w:\n    - steps: [{compute: 1Gf, sleep: 1}]\n",
               {7, 37, "workloads.w[0].steps[0].sleep", "exactly one of"});
}

// Line 10 is "          - compute: {dist: ...}": the value of dist starts at column 29.
TEST(ScenarioErrors, UniformWithoutMax) {
  // A missing parameter is reported at the dist value.
  expect_error(with_step("compute: {dist: uniform, min: 1Gf}"),
               {10, 29, "guests[0].processes[0].steps[0].compute.dist", "a uniform distribution needs 'max'"});
}

TEST(ScenarioErrors, UniformMaxBelowMin) {
  // max (2Gf > 1Gf reversed) at column 53.
  expect_error(with_step("compute: {dist: uniform, min: 2Gf, max: 1Gf}"),
               {10, 53, "guests[0].processes[0].steps[0].compute.max", "'max' must be greater than 'min'"});
}

TEST(ScenarioErrors, UnknownDistributionFarFromAll) {
  // "gaussian" is more than max(2, 8/3) + 1 = 3 edits from every name: no suggestion, but the
  // list of choices includes "normal".
  const LoadError e = expect_error(with_step("compute: {dist: gaussian, mean: 1Gf, stddev: 1Mf}"),
                                   {10, 29, "guests[0].processes[0].steps[0].compute.dist",
                                    "expected one of: constant, uniform, exponential, normal, lognormal, weibull"});
  EXPECT_EQ(e.message.find("did you mean"), std::string::npos) << e.message;
}

TEST(ScenarioErrors, MisspelledDistributionSuggestsTheClosest) {
  // "normall" is one edit from "normal".
  expect_error(with_step("compute: {dist: normall, mean: 1Gf, stddev: 1Mf}"),
               {10, 29, "guests[0].processes[0].steps[0].compute.dist", "(did you mean 'normal'?)"});
}

TEST(ScenarioErrors, DistributionParameterThatDoesNotApply) {
  // "mean" is not a parameter of uniform; it is at column 64.
  expect_error(with_step("compute: {dist: uniform, min: 1Gf, max: 2Gf, mean: 1Gf}"),
               {10, 64, "guests[0].processes[0].steps[0].compute.mean",
                "'mean' does not apply to a uniform distribution"});
}

TEST(ScenarioErrors, DistributionWithoutDist) {
  // A map without "dist" is reported at the map (column 22).
  expect_error(with_step("compute: {min: 1, max: 2}"),
               {10, 22, "guests[0].processes[0].steps[0].compute.dist", "missing required key 'dist'"});
}

TEST(ScenarioErrors, NonPositiveExponentialMean) {
  // exponential mean must be > 0: "mean: 0", value at column 46.
  expect_error(with_step("sleep: {dist: exponential, mean: 0}"),
               {10, 46, "guests[0].processes[0].steps[0].sleep.mean", "'mean' must be > 0"});
}

TEST(ScenarioErrors, NativeGuestWithVcpus) {
  // vcpus, cap and share only apply to VMs; "vcpus: 2" on line 9, value at column 12.
  expect_error(kHead + "guests:\n  - name: g\n    host: h0\n    mode: native\n    vcpus: 2\n",
               {9, 12, "guests[0].vcpus", "only applies to virtual machines"});
  expect_error(kHead + "guests:\n  - name: g\n    host: h0\n    cap: 1Gf\n    mode: native\n",
               {8, 10, "guests[0].cap", "only applies to virtual machines"});
}

TEST(ScenarioErrors, BadModeSuggestsVm) {
  // "vmm" is one edit from "vm"; the choices are listed.
  expect_error(kHead + "guests:\n  - name: g\n    host: h0\n    mode: vmm\n",
               {8, 11, "guests[0].mode", "'vmm' is not a valid mode (did you mean 'vm'?); expected one of: full, full-bt, para, os-level, native, vm"});
}

TEST(ScenarioErrors, BadOutputFormat) {
  // "jsn" is one edit from "json".
  expect_error(kHead + "output:\n  format: jsn\n", {6, 11, "output.format", "did you mean 'json'?"});
}

TEST(ScenarioErrors, ZeroShare) {
  // schema: share > 0.
  expect_error(kHead + "guests:\n  - name: g\n    host: h0\n    share: 0\n",
               {8, 12, "guests[0].share", "'share' must be > 0, got 0"});
}

TEST(ScenarioErrors, NegativeSeedAndZeroUntil) {
  // schema: seed >= 0, until > 0.
  expect_error(kHead + "seed: -1\n", {5, 7, "seed", "'seed' must be >= 0"});
  expect_error(kHead + "until: 0\n", {5, 8, "until", "'until' must be > 0"});
}

TEST(ScenarioErrors, CountAboveTheLimit) {
  // The limit is 10,000,000 replicas per item (the key table's max); checked before anything is made.
  expect_error("version: 1\nhosts:\n  - name: \"h{i}\"\n    count: 10000001\n    speed: 1Gf\n",
               {4, 12, "hosts[0].count", "'count' must be <= 10,000,000, got 10,000,001"});
  expect_error(kHead + "guests:\n  - name: \"g{i}\"\n    count: 10000001\n    host: h0\n",
               {7, 12, "guests[0].count", "'count' must be <= 10,000,000, got 10,000,001"});
}

TEST(ScenarioErrors, ZeroCount) {
  // schema: count >= 1.
  expect_error("version: 1\nhosts:\n  - name: \"h{i}\"\n    count: 0\n    speed: 1Gf\n",
               {4, 12, "hosts[0].count", "'count' must be >= 1"});
}

TEST(ScenarioErrors, MissingFile) {
  // load_file on a path that does not exist: no line (0), the message says it cannot be opened.
  const std::string path = std::string(VZLAB_BINARY_DIR) + "/no/such/dir/missing.yaml";
  LoadResult r = load_file(path, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->file, path);
  EXPECT_EQ(r.error->line, 0);
  EXPECT_EQ(r.error->key, "");
  EXPECT_NE(r.error->message.find("cannot open"), std::string::npos) << r.error->message;
  EXPECT_EQ(r.error->format().rfind(path + ": error: cannot open", 0), 0u) << r.error->format();
}

TEST(ScenarioErrors, DirectoryIsNotAScenario) {
  // Opening a folder succeeds on Linux but reading it fails: still an error value, never a crash.
  LoadResult r = load_file(VZLAB_SOURCE_DIR, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->line, 0);
}

}  // namespace
}  // namespace vzlab::hv::scenario

namespace vzlab::hv::scenario {
namespace {

// Hosts of each kind, for the placement rules (lines 3-6).
const std::string kKinds =
    "version: 1\nhosts:\n"
    "  - {name: bare, speed: 1Gf, hypervisor: none}\n"
    "  - {name: hv1, speed: 1Gf, hypervisor: type1}\n"
    "  - {name: ct, speed: 1Gf, hypervisor: container-runtime}\n"
    "  - {name: hv2, speed: 1Gf, hypervisor: type2, os: windows}\n"
    "guests:\n";

TEST(ScenarioErrors, VmOnAHostWithoutHypervisor) {
  // Line 8: "  - {name: g, host: bare, mode: para}"; reported at the mode.
  expect_error(kKinds + "  - {name: g, host: bare, mode: para}\n",
               {8, 33, "guests[0].mode", "needs a hypervisor on its host"});
}

TEST(ScenarioErrors, ContainerOnABareMetalHypervisor) {
  expect_error(kKinds + "  - {name: g, host: hv1, mode: os-level}\n",
               {8, 32, "guests[0].mode", "needs a host OS with a container runtime"});
}

TEST(ScenarioErrors, ContainerWithAnotherKernelThanItsHost) {
  // "Each container reflects the configs of the underlying OS".
  expect_error(kKinds + "  - {name: g, host: ct, mode: os-level, os: windows}\n",
               {8, 45, "guests[0].os", "a container shares its host's kernel"});
}

TEST(ScenarioErrors, ParaGuestWithoutParavirtualDrivers) {
  expect_error(kKinds + "  - {name: g, host: hv1, mode: para, os: windows}\n",
               {8, 42, "guests[0].os", "needs a kernel with paravirtual drivers"});
}

TEST(ScenarioErrors, BinaryTranslationCannotRunForReal) {
  // "  - {name: g, host: hv1, mode: full-bt, real: true}": reported at `real`.
  expect_error(kKinds + "  - {name: g, host: hv1, mode: full-bt, real: true}\n",
               {8, 47, "guests[0].real", "no binary translator"});
}

TEST(ScenarioErrors, VcpusOnAContainer) {
  expect_error(kKinds + "  - {name: g, host: ct, mode: os-level, vcpus: 2}\n",
               {8, 48, "guests[0].vcpus", "only applies to virtual machines"});
}

TEST(ScenarioErrors, SyscallsOnASleepStep) {
  expect_error(with_step("{sleep: 1s, syscalls: 10}"),
               {10, 35, "guests[0].processes[0].steps[0].syscalls", "belongs to a compute step"});
}

TEST(ScenarioErrors, IoWithoutOps) {
  expect_error(with_step("{io: {size: 4KiB}}"), {10, 18, "guests[0].processes[0].steps[0].io.ops",
                                                   "missing required key 'ops'"});
}

TEST(ScenarioErrors, BadCalibrationKey) {
  // "exits" is one edit from "exit".
  auto r = load_calibration_string("version: 1\nexits: 2us\n", "profile.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->line, 2);
  EXPECT_NE(r.error->message.find("did you mean 'exit'"), std::string::npos) << r.error->format();
}

TEST(ScenarioErrors, MissingCalibrationFile) {
  auto r = load_calibration_file("/nonexistent/profile.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error->message.find("cannot open the calibration profile"), std::string::npos);
}

}  // namespace
}  // namespace vzlab::hv::scenario

namespace vzlab::hv::scenario {
namespace {

TEST(ScenarioErrors, BothHostAndPool) {
  expect_error(kHead + "guests:\n  - {name: g, host: h0, pool: web}\n",
               {6, 31, "guests[0].pool", "exactly one of 'host'"});
}

TEST(ScenarioErrors, PoolWithoutSuchGroup) {
  // h0 has no group; "webb" names none.
  expect_error("version: 1\nhosts:\n  - {name: h0, speed: 1Gf, group: web}\nguests:\n  - {name: g, pool: webb}\n",
               {5, 21, "guests[0].pool", "no host has group 'webb' (did you mean 'web'?)"});
}

TEST(ScenarioErrors, PlacementWithoutPool) {
  expect_error(kHead + "guests:\n  - {name: g, host: h0, placement: best-fit}\n",
               {6, 36, "guests[0].placement", "chooses a host from a 'pool'"});
}

// One host h0 (lines 1-2) and a network section from line 3.
const std::string kNet = "version: 1\nhosts: [{name: h0, speed: 1Gf}, {name: h1, speed: 1Gf}]\nnetwork:\n";

TEST(ScenarioErrors, LinkToAnUnknownNode) {
  expect_error(kNet + "  nodes: [{name: sw, kind: switch}]\n  links: [{from: h0, to: sw9, bandwidth: 1Gb/s}]\n",
               {5, 0, "network.links[0].to", "no host or node named 'sw9' (did you mean 'sw'?)"});
}

TEST(ScenarioErrors, LinkToAnUnknownNodeIsReportedAtThatEnd) {
  expect_error(kNet + "  nodes: [{name: nas, kind: nas}]\n  links: [{from: h0, to: naz, bandwidth: 1Gb/s}]\n",
               {5, 0, "network.links[0].to", "no host or node named 'naz' (did you mean 'nas'?)"});
}

TEST(ScenarioErrors, NegativeLinkBandwidth) {
  expect_error(kNet + "  nodes: [{name: sw, kind: switch}]\n  links: [{from: h0, to: sw, bandwidth: -1Gb/s}]\n",
               {5, 0, "network.links[0].bandwidth", "must be > 0"});
}

TEST(ScenarioErrors, DisconnectedStorageDevice) {
  expect_error(kNet + "  nodes:\n    - {name: sw, kind: switch}\n    - {name: nas, kind: nas}\n"
                      "  links: [{from: h0, to: sw, bandwidth: 1Gb/s}]\n",
               {6, 0, "network.nodes[1]", "node 'nas' is connected to nothing"});
}

TEST(ScenarioErrors, DasOfAnotherHost) {
  expect_error(kNet + "  nodes: [{name: d0, kind: das, host: h0}]\nguests: [{name: g, host: h1, disk: d0}]\n",
               {5, 0, "guests[0].disk", "a DAS is reachable from its own host only"});
}

TEST(ScenarioErrors, DiskWithoutARoute) {
  expect_error(kNet + "  nodes: [{name: nas, kind: nas}]\n  links: [{from: h0, to: nas, bandwidth: 1Gb/s}]\n"
                      "guests: [{name: g, host: h1, disk: nas}]\n",
               {6, 0, "guests[0].disk", "no route from h1 to nas"});
}

TEST(ScenarioErrors, DiskWithoutANetwork) {
  expect_error("version: 1\nhosts: [{name: h0, speed: 1Gf}]\nguests: [{name: g, host: h0, disk: nas}]\n",
               {3, 0, "guests[0].disk", "needs a network: section"});
}

TEST(ScenarioErrors, DiskOnASwitch) {
  expect_error(kNet + "  nodes: [{name: sw, kind: switch}]\n  links: [{from: h0, to: sw, bandwidth: 1Gb/s}]\n"
                      "guests: [{name: g, host: h0, disk: sw}]\n",
               {6, 0, "guests[0].disk", "'sw' is not a storage node or SAN"});
}

TEST(ScenarioErrors, DisksBeyondTheCapacity) {
  expect_error(kNet + "  nodes: [{name: nas, kind: nas, capacity: 1TB}]\n  links: [{from: h0, to: nas, bandwidth: 1}]\n"
                      "guests: [{name: \"g{i}\", count: 3, host: h0, disk: nas, disk_size: 400GB}]\n",
               {6, 0, "guests[0].disk_size", "need more than its capacity"});
}

TEST(ScenarioErrors, SendToNobody) {
  expect_error(kNet + "  links: [{from: h0, to: h1, bandwidth: 1}]\n"
                      "guests: [{name: g, host: h0, processes: [{steps: [{send: 1MB, to: h9}]}]}]\n",
               {5, 0, "guests[0].processes[0].steps[0].to", "no guest, host or node named 'h9'"});
}

TEST(ScenarioErrors, StorageKeysOnASwitch) {
  expect_error(kNet + "  nodes: [{name: sw, kind: switch, iops: 100}]\n",
               {4, 0, "network.nodes[0].iops", "applies to storage"});
}

TEST(ScenarioErrors, ComponentFailureOfAnUnknownTarget) {
  expect_error(kNet + "  nodes: [{name: sw, kind: switch}]\n  links: [{from: h0, to: sw, bandwidth: 1}]\n"
                      "failures: [{at: 1s, crash: component, target: sw2}]\n",
               {6, 0, "failures[0].target", "no network node or link named 'sw2'"});
}

TEST(ScenarioErrors, RepairOfAGuest) {
  expect_error(kNet + "  nodes: [{name: sw, kind: switch}]\n  links: [{from: h0, to: sw, bandwidth: 1}]\n"
                      "guests: [{name: g, host: h0}]\nfailures: [{at: 1s, crash: guest, target: g, repair: 1s}]\n",
               {7, 0, "failures[0].repair", "applies to crash: host, component or site"});
}

TEST(ScenarioErrors, RandomFailuresNeedAnEnd) {
  expect_error("version: 1\nhosts: [{name: h0, speed: 1Gf, mtbf: {dist: exponential, mean: 10h}, mttr: 1h}]\n",
               {2, 0, "hosts[0].mtbf", "give the scenario an 'until:'"});
}

TEST(ScenarioErrors, MtbfWithoutMttr) {
  expect_error("version: 1\nuntil: 1h\nhosts: [{name: h0, speed: 1Gf, mtbf: 10h}]\n",
               {3, 0, "hosts[0].mtbf", "give both 'mtbf' and 'mttr'"});
}

TEST(ScenarioErrors, MigratingAContainer) {
  const std::string text = "version: 1\nhosts: [{name: h0, speed: 1Gf, hypervisor: container-runtime},"
                           " {name: h1, speed: 1Gf, hypervisor: container-runtime}]\n"
                           "network: {links: [{from: h0, to: h1, bandwidth: 1}]}\n"
                           "guests: [{name: c, host: h0, mode: os-level}]\nmigrations: [{at: 1s, guest: c, to: h1}]\n";
  expect_error(text, {5, 0, "migrations[0].guest", "c is not a VM"});
}

TEST(ScenarioErrors, MigrationWithoutARoute) {
  const std::string text = "version: 1\nhosts: [{name: h0, speed: 1Gf}, {name: h1, speed: 1Gf}, {name: h2, speed: 1Gf}]\n"
                           "network: {links: [{from: h0, to: h1, bandwidth: 1}]}\n"
                           "guests: [{name: vm, host: h0}]\nmigrations: [{at: 1s, guest: vm, to: h2}]\n";
  expect_error(text, {5, 0, "migrations[0].to", "no route from h0 to h2"});
}

TEST(ScenarioErrors, ServiceOfAnUnknownReplica) {
  expect_error("version: 1\nuntil: 1h\nhosts: [{name: h0, speed: 1Gf}]\nguests: [{name: web-0, host: h0}]\n"
               "services: [{name: s, replicas: \"web-0, web-9\", interarrival: 1s, service_time: 1s}]\n",
               {5, 0, "services[0].replicas", "no guest named 'web-9'"});
}

TEST(ScenarioErrors, ServiceWeightsDoNotMatch) {
  expect_error("version: 1\nuntil: 1h\nhosts: [{name: h0, speed: 1Gf}]\nguests: [{name: a, host: h0}, {name: b, host: h0}]\n"
               "services: [{name: s, replicas: \"a, b\", policy: weighted, weights: \"1, 2, 3\", interarrival: 1s,"
               " service_time: 1s}]\n",
               {5, 0, "services[0].weights", "3 weights for 2 replicas"});
}

TEST(ScenarioErrors, InfiniteServiceWeight) {
  // strtod reads "1e999" and "inf" as infinity, which is not a weight.
  for (const char* w : {"1e999", "inf"})
    expect_error("version: 1\nuntil: 1h\nhosts: [{name: h0, speed: 1Gf}]\nguests: [{name: a, host: h0}, {name: b, host: h0}]\n"
                 "services: [{name: s, replicas: \"a, b\", policy: weighted, weights: \"1, " + std::string(w) +
                     "\", interarrival: 1s, service_time: 1s}]\n",
                 {5, 0, "services[0].weights", "is not a positive finite number"});
}

TEST(ScenarioErrors, ServiceThatNeverStops) {
  expect_error("version: 1\nhosts: [{name: h0, speed: 1Gf}]\nguests: [{name: a, host: h0}]\n"
               "services: [{name: s, replicas: a, interarrival: 1s, service_time: 1s}]\n",
               {4, 0, "services[0].name", "requests never stop"});
}

TEST(ScenarioErrors, AntiAffineGuestsOnOneHost) {
  expect_error("version: 1\nhosts: [{name: h0, speed: 1Gf}]\n"
               "guests: [{name: \"web-{i}\", count: 2, host: h0, anti_affinity: web}]\n",
               {3, 0, "guests[0].anti_affinity", "web-1 and web-0 share anti_affinity 'web' but are both placed on h0"});
}

TEST(ScenarioErrors, ShapeOverAnUnknownGroup) {
  expect_error(kNet + "  shapes: [{shape: star, name: lan, hosts: web}]\n",
               {4, 0, "network.shapes[0].hosts", "no host has group 'web'"});
}

// ---- Input that crashed or hung the loader or the run (issue 22): one error each.

TEST(ScenarioErrors, DeeplyNestedNameTemplate) {
  // 5,000 parentheses overflowed the stack (signal 11); past kMaxTemplateNesting (32) it is an
  // error at the name's value (line 3, column 11: "  - name: " is 10 characters).
  const std::string deep = "\"h{" + std::string(5000, '(') + "i" + std::string(5000, ')') + "}\"";
  expect_error("version: 1\nhosts:\n  - name: " + deep + "\n    speed: 1Gf\n",
               {3, 11, "hosts[0].name", "nested more than 32 deep"});
  const std::string minus = "\"h{" + std::string(100000, '-') + "i}\"";
  expect_error("version: 1\nhosts:\n  - name: " + minus + "\n    speed: 1Gf\n",
               {3, 11, "hosts[0].name", "nested more than 32 deep"});
}

TEST(ScenarioErrors, QuantityInfiniteOnceConverted) {
  // 1e308 P flop and 1e308 days are finite as written but not in flop and seconds: validate
  // said OK and run spun for ever. The step's value is at line 10, column 22 / 20.
  expect_error(with_step("compute: 1e308Pf"), {10, 22, "guests[0].processes[0].steps[0].compute", "too large"});
  expect_error(with_step("sleep: 1e308d"), {10, 20, "guests[0].processes[0].steps[0].sleep", "too large"});
  // Inside a distribution too: the mean of an exponential sleep, in seconds.
  expect_error(with_step("sleep: {dist: exponential, mean: 1e308d}"),
               {10, 46, "guests[0].processes[0].steps[0].sleep.mean", "too large"});
}

TEST(ScenarioErrors, MaximaComeFromTheKeyTable) {
  // Each maximum is the key table's (schema.cpp at_most), not a number in the reader.
  expect_error("version: 1\nhosts:\n  - name: h0\n    speed: 1Gf\n    rack_units: 101\n",
               {5, 17, "hosts[0].rack_units", "'rack_units' must be <= 100, got 101"});
  expect_error("version: 1\nhosts:\n  - name: h0\n    speed: 1Gf\n    cores: 1048577\n",
               {5, 12, "hosts[0].cores", "'cores' must be <= 1,048,576"});
  // repeat is kept in an int: 2,000,000,000 wrapped to a negative count of repetitions.
  expect_error(kHead + "guests:\n  - name: g\n    host: h0\n    processes:\n      - repeat: 2000000000\n"
                       "        steps: [{sleep: 1}]\n",
               {9, 17, "guests[0].processes[0].repeat", "'repeat' must be <= 1,000,000,000"});
}

TEST(ScenarioErrors, CountsWhoseProductExhaustsMemory) {
  // 1 host + 10,000 guests x (1 + 1,000 processes) = 10,010,001 elements, past kMaxElements
  // (4,000,000): refused at the guests' count before one is made (it took minutes and gigabytes).
  expect_error(kHead + "guests:\n  - name: \"g{i}\"\n    count: 10000\n    host: h0\n    processes:\n"
                       "      - {count: 1000, steps: [{sleep: 1}]}\n",
               {7, 12, "guests[0].count", "10,010,001 hosts, network nodes and links, guests and processes"});
  // A leaf-spine of 10,000 x 10,000 switches is 100 million links.
  expect_error(kHead + "network:\n  shapes:\n    - {shape: leaf-spine, name: f, leaves: 10000, spines: 10000}\n",
               {7, 0, "network.shapes[0].leaves", "above the limit of 4,000,000"});
  // 1,000 guests x 20,000 random repetitions x 10 steps: 200 million draws > kMaxDrawnAmounts.
  expect_error(kHead + "guests:\n  - name: \"g{i}\"\n    count: 1000\n    host: h0\n    processes:\n"
                       "      - repeat: 20000\n        steps: [" +
                   std::string("{sleep: {dist: exponential, mean: 1s}}, ") + "{sleep: 1}, {sleep: 1}, {sleep: 1}, "
                   "{sleep: 1}, {sleep: 1}, {sleep: 1}, {sleep: 1}, {sleep: 1}, {sleep: 1}]\n",
               {7, 12, "guests[0].count", "200,000,000 random amounts drawn"});
}

TEST(ScenarioErrors, AliasesThatExpandASmallFile) {
  // 1,000 aliases of a list of 1,000 aliases: a 12 kB file of a million steps per guest. The
  // tree is walked with aliases expanded and refused past kMaxYamlValues (1,000,000), at the
  // value where the count passed it (line 7: the anchored step).
  std::string text = kHead + "workloads:\n  w:\n    - &p {steps: &s [&c {sleep: 1}";
  for (int i = 0; i < 999; ++i) text += ", *c";
  text += "]}\n";
  for (int i = 0; i < 999; ++i) text += "    - *p\n";
  text += "guests:\n  - {name: \"g{i}\", count: 1000, host: h0, workload: w}\n";
  LoadResult r = load_string(text, "bad.yaml", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->line, 7) << r.error->format();
  EXPECT_EQ(r.error->key.rfind("workloads.w[", 0), 0u) << r.error->format();
  EXPECT_NE(r.error->message.find("more than 1,000,000 values once its aliases"), std::string::npos)
      << r.error->format();
}

TEST(ScenarioErrors, ZeroTimeLoop) {
  // compute: 0 repeated 100,000,000 times never lets time pass (not even 'until' ends it):
  // past kMaxInstantSteps (10,000,000) it is refused at the processes (the guest's count is 1).
  expect_error(kHead + "guests:\n  - name: g\n    host: h0\n    processes:\n      - repeat: 100000000\n"
                       "        steps: [{compute: 0}]\n",
               {9, 7, "guests[0].processes", "100,000,000 executions of steps that take no time"});
  // The same loop with a 1 ns sleep lets time pass: it loads.
  EXPECT_TRUE(load_string(kHead + "guests:\n  - name: g\n    host: h0\n    processes:\n      - repeat: 100000000\n"
                                  "        steps: [{compute: 0}, {sleep: 1ns}]\n",
                          "ok.yaml", {})
                  .ok());
}

TEST(ScenarioErrors, IntervalsTooSmallForTheRun) {
  // until 10 s with a sample every 1e-300 s is 1e301 samples (the run spun for ever);
  // past kMaxPeriodic (10,000,000) it is refused at network.sample (line 7, column 11).
  expect_error(kHead + "until: 10\nnetwork:\n  sample: 1e-300\n",
               {7, 11, "network.sample", "network samples over a run of 10 s"});
  // Without until the run's length is estimated from the work: a 1e300 s sleep.
  expect_error(kHead + "network: {sample: 1s}\nguests: [{name: g, host: h0, processes: [{steps: [{sleep: 1e300}]}]}]\n",
               {5, 19, "network.sample", "estimated from its work"});
  // 1,000 VMs checkpointing every microsecond for an hour: 1,000 x 3,600 / 1e-6 = 3.6e12 checkpoints.
  expect_error(kHead + "until: 1h\nguests:\n  - {name: \"g{i}\", count: 1000, host: h0, protect: checkpoint, "
                       "checkpoint_interval: 1us}\n",
               {7, 0, "guests[0].checkpoint_interval", "3,600,000,000,000 checkpoints"});
}

TEST(ScenarioErrors, NamesThatAreNotPrintableUtf8) {
  // A name with byte 0xFF is not UTF-8 (--format json failed on it); NUL and other control
  // characters are refused as well; the value starts at line 3, column 11.
  expect_error("version: 1\nhosts:\n  - name: \"h\xff\"\n    speed: 1Gf\n",
               {3, 11, "hosts[0].name", "not valid UTF-8 (byte 0xFF at offset 1)"});
  expect_error("version: 1\nhosts:\n  - name: \"h\\0x\"\n    speed: 1Gf\n",
               {3, 11, "hosts[0].name", "control character (U+0000 at offset 1)"});
  expect_error("version: 1\nhosts:\n  - name: \"h\\x1b[31m\"\n    speed: 1Gf\n",
               {3, 11, "hosts[0].name", "control character (U+001B at offset 1)"});
  // An overlong encoding of '/' (C0 AF) is not UTF-8 either.
  expect_error("version: 1\nhosts:\n  - name: \"h\xc0\xaf\"\n    speed: 1Gf\n",
               {3, 11, "hosts[0].name", "not valid UTF-8 (byte 0xC0 at offset 1)"});
  // A description may hold line breaks, and names may be any printable UTF-8 ("ü", "→").
  EXPECT_TRUE(load_string("version: 1\ndescription: |\n  two\n  lines\nhosts:\n  - name: \"h\xc3\xbc\xe2\x86\x92\"\n"
                          "    speed: 1Gf\n",
                          "ok.yaml", {})
                  .ok());
}

// Hosts h0, h1 and a switch sw linked to h0 only (lines 1-6); guests begin on line 7.
const std::string kHalfLinked = "version: 1\nhosts:\n  - {name: h0, speed: 1Gf}\n  - {name: h1, speed: 1Gf}\n"
                                "network:\n  nodes: [{name: sw, kind: switch}]\n  links: [{from: h0, to: sw, bandwidth: 1GB/s}]\n";

TEST(ScenarioErrors, SendWhereNoRouteLeads) {
  // Nothing links h1: a send from h0 to it (or to a guest on it) waited for ever for a repair
  // that cannot come. The 'to' value is at line 12, column 33.
  const std::string guest = "guests:\n  - name: g\n    host: h0\n    processes:\n      - steps: [{send: 1MB, to: ";
  expect_error(kHalfLinked + guest + "h1}]\n", {12, 33, "guests[0].processes[0].steps[0].to", "no route from h0 to h1"});
  expect_error(kHalfLinked + guest + "other}]\n  - {name: other, host: h1}\n",
               {12, 33, "guests[0].processes[0].steps[0].to", "no route from h0 to other"});
  // A path that exists (h0 - sw) loads, as does a send to the sender's own host.
  EXPECT_TRUE(load_string(kHalfLinked + guest + "sw}]\n", "ok.yaml", {}).ok());
  EXPECT_TRUE(load_string(kHalfLinked + guest + "h0}]\n", "ok.yaml", {}).ok());
}

TEST(ScenarioErrors, MigrationToTheHostItIsOn) {
  // g runs on h0: migrating it to h0 is refused at 'to' (line 10, column 27); after a migration to
  // h1 at 1 s, going back to h0 at 2 s is a real move and loads, going to h1 again is refused.
  const std::string head = "version: 1\nhosts:\n  - {name: h0, speed: 1Gf}\n  - {name: h1, speed: 1Gf}\n"
                           "network:\n  links: [{from: h0, to: h1, bandwidth: 1GB/s}]\n"
                           "guests:\n  - {name: g, host: h0, processes: [{steps: [{sleep: 100}]}]}\nmigrations:\n";
  expect_error(head + "  - {at: 1, guest: g, to: h0}\n", {10, 27, "migrations[0].to", "g is already on h0"});
  EXPECT_TRUE(load_string(head + "  - {at: 1, guest: g, to: h1}\n  - {at: 2, guest: g, to: h0}\n", "ok.yaml", {}).ok());
  expect_error(head + "  - {at: 1, guest: g, to: h1}\n  - {at: 2, guest: g, to: h1}\n",
               {11, 27, "migrations[1].to", "g is already on h1"});
}

}  // namespace
}  // namespace vzlab::hv::scenario
