// vzlab: the command-line entry point. Exit codes: 0 success, 1 scenario or
// input error (one message on stderr, nothing half-written), 2 usage error.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <iomanip>
#include <mutex>
#include <thread>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <iostream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "common.hpp"
#include "compare.hpp"
#include "replicate.hpp"
#include "sweep.hpp"
#include "interrupt.hpp"
#include "viz.hpp"
#include "workloads.h"
#include "vzlab/real/measure.hpp"
#include "vzlab/hv/report/run_report.hpp"
#include "vzlab/hv/scenario/limits.hpp"
#include "vzlab/hv/scenario/scenario.hpp"
#include "vzlab/hv/scenario/schema.hpp"
#include "vzlab/hv/scenario/units.hpp"

namespace {

namespace sc = vzlab::hv::scenario;
namespace rp = vzlab::hv::report;

using vzlab::cli::input_error;
using vzlab::cli::kInputError;
using vzlab::cli::kOk;
using vzlab::cli::kUsageError;

struct RunOptions {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string until;
  std::string out_dir;
  std::string format;
  std::string trace;
  std::string calibration;
  int replications = 0;
  int jobs = 0;
};


// A one-line progress display on stderr for runs longer than a second, only
// when stderr is a terminal (never in pipes, files or tests).
class ProgressLine {
 public:
  ProgressLine(vzlab::hv::World& world, std::optional<double> until)
      : world_(world), until_(until), start_(std::chrono::steady_clock::now()), last_(start_) {
    // Ctrl-C stops the engine before its next event or tick; the bar only on a terminal.
    world.engine().stop_when(&vzlab::cli::interrupt_flag());
    tty_ = isatty(STDERR_FILENO) != 0;
    if (tty_) world.engine().set_progress_hook([this] { tick(); }, 4096);
  }
  void done() {
    if (shown_) std::cerr << "\r" << std::string(78, ' ') << "\r" << std::flush;
  }

 private:
  void tick() {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(500) || now - start_ < std::chrono::seconds(1)) return;
    last_ = now;
    shown_ = true;
    std::size_t finished = 0;
    for (const auto& g : world_.guests()) finished += g.finished_at_s() >= 0 ? 1 : 0;
    char line[160];
    const double t = world_.engine().now();
    if (until_ && *until_ > 0)
      std::snprintf(line, sizeof line, "\r  simulating: t = %.6g s of %.6g (%.0f%%), %zu/%zu guests done ", t, *until_,
                    100 * t / *until_, finished, world_.guests().size());
    else
      std::snprintf(line, sizeof line, "\r  simulating: t = %.6g s, %zu/%zu guests done, %llu events ", t, finished,
                    world_.guests().size(), static_cast<unsigned long long>(world_.engine().events_fired()));
    std::cerr << line << std::flush;
  }

  vzlab::hv::World& world_;
  bool tty_ = false;
  std::optional<double> until_;
  std::chrono::steady_clock::time_point start_, last_;
  bool shown_ = false;
};

// An option that overrides a scenario key (--seed, --until) obeys that key's rule in the key table.
CLI::Validator scenario_key(const char* key) {
  return CLI::Validator(
      [key](std::string& text) {
        const sc::KeySpec& k = *sc::find_key(sc::section("scenario"), key);
        std::string why;
        if (k.type == sc::ValueType::kInteger) sc::key_integer(k, text, &why);
        else sc::key_number(k, text, &why);
        return why;
      },
      "", std::string("scenario.") + key);
}

std::optional<sc::Scenario> load(const std::string& file, std::optional<std::uint64_t> seed) {
  auto loaded = sc::load_file(file, sc::LoadOptions{seed});
  if (!loaded.ok()) {
    std::cerr << loaded.error->format() << "\n";
    return std::nullopt;
  }
  return std::move(*loaded.scenario);
}

int cmd_replicate(const RunOptions& o, const sc::Scenario& first, std::optional<double> until,
                  const vzlab::hv::CalibrationProfile& profile);

int cmd_run(const RunOptions& o) {
  auto scenario = load(o.file, o.seed);
  if (!scenario) return kInputError;
  std::optional<double> until = scenario->until_s;
  if (!o.until.empty()) {
    std::string why;
    until = vzlab::cli::duration_option(o.until, &why);
    if (!until) return vzlab::cli::usage_error("run: --until: " + why);
  }
  const auto loaded_profile = vzlab::cli::load_profile(o.calibration);
  if (!loaded_profile) return kInputError;
  const vzlab::hv::CalibrationProfile& profile = *loaded_profile;
  if (o.replications > 0) return cmd_replicate(o, *scenario, until, profile);
  const std::string format = o.format.empty() ? scenario->output.format : o.format;
  const std::string out_dir = o.out_dir.empty() ? scenario->output.dir : o.out_dir;
  const std::string trace = o.trace.empty() ? scenario->output.trace : o.trace;

  const auto t0 = std::chrono::steady_clock::now();
  auto world = sc::build_world(*scenario, profile);
  rp::RunRecorder recorder(*world, {.keep_slices = !trace.empty()});
  ProgressLine progress(*world, until);
  world->run(until.value_or(vzlab::engine::Engine::kForever));
  progress.done();
  world->finish();
  if (vzlab::cli::interrupted()) {
    std::cerr << "vzlab: interrupted at simulated time " << world->engine().now() << " s; nothing was written\n";
    return vzlab::cli::kInterrupted;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  rp::RunMeta meta{scenario->name, scenario->file, scenario->description, scenario->seed, until, wall,
                   profile.source};
  const rp::RunReport report = recorder.report(meta);

  vzlab::cli::AtomicBatch batch;
  if (!out_dir.empty()) {
    if (std::string why = vzlab::cli::make_output_dir(out_dir); !why.empty()) return input_error(why);
    batch.add(out_dir + "/summary.csv", rp::summary_csv(report));
    batch.add(out_dir + "/hosts.csv", rp::hosts_csv(report));
    batch.add(out_dir + "/guests.csv", rp::guests_csv(report));
    batch.add(out_dir + "/comparison.csv", rp::comparison_csv(report));
    batch.add(out_dir + "/processes.csv", rp::processes_csv(report));
    if (!report.services.empty()) batch.add(out_dir + "/services.csv", rp::services_csv(report));
    if (report.network.present) {
      batch.add(out_dir + "/io.csv", rp::io_csv(report));
      batch.add(out_dir + "/devices.csv", rp::devices_csv(report));
      batch.add(out_dir + "/links.csv", rp::links_csv(report));
      batch.add(out_dir + "/spof.csv", rp::spof_csv(report));
      batch.add(out_dir + "/utilization.csv", rp::utilization_csv(report));
    }
  }
  if (!trace.empty()) batch.add(trace, rp::chrome_trace(report));
  std::string error;
  if (!batch.commit(&error)) return input_error(error);

  if (format == "json") {
    std::cout << rp::to_json(report);
  } else if (format == "csv") {
    std::cout << rp::guests_csv(report);
  } else {
    std::cout << rp::format_table(report);
    if (!out_dir.empty())
      std::cout << "\nwrote " << out_dir << "/{summary,hosts,guests,processes,comparison"
                << (report.services.empty() ? "" : ",services")
                << (report.network.present ? ",io,devices,links,spof,utilization" : "") << "}.csv\n";
    if (!trace.empty()) std::cout << "wrote " << trace << " (open it in ui.perfetto.dev or chrome://tracing)\n";
  }
  return kOk;
}

// The scenario again with seeds base, base+1, ..., base+N-1, on `jobs`
// threads; prints the mean of each metric with its 95% confidence interval.
int cmd_replicate(const RunOptions& o, const sc::Scenario& first, std::optional<double> until,
                  const vzlab::hv::CalibrationProfile& profile) {
  const auto n = static_cast<std::size_t>(o.replications);
  const std::uint64_t base = first.seed;
  const int jobs = std::max(1, o.jobs > 0 ? o.jobs : static_cast<int>(std::thread::hardware_concurrency()));
  std::vector<std::map<std::string, double>> results(n);
  // Read once; every replication parses it again with its own seed (random
  // sizes and arrival times are drawn at load).
  std::ifstream in(o.file, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in && !in.eof()) return input_error("cannot read " + o.file);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string error = vzlab::cli::run_parallel(
      n, jobs,
      [&](std::size_t i) {
        try {
          results[i] = vzlab::cli::simulate(text, o.file, base + i, until, profile);
        } catch (const vzlab::cli::Interrupted&) {
          throw;
        } catch (const std::exception& e) {
          throw std::runtime_error("replication with seed " + std::to_string(base + i) + ": " + e.what());
        }
      },
      "replications");
  if (!error.empty()) {
    input_error(error);
    return vzlab::cli::interrupted() ? vzlab::cli::kInterrupted : kInputError;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto summary = vzlab::cli::summarize_runs(results);

  const std::string format = o.format.empty() ? first.output.format : o.format;
  const std::string out_dir = o.out_dir.empty() ? first.output.dir : o.out_dir;
  vzlab::cli::AtomicBatch batch;
  if (!out_dir.empty()) {
    if (std::string why = vzlab::cli::make_output_dir(out_dir); !why.empty()) return input_error(why);
    std::string runs = "seed";
    for (const auto& s : summary) runs += "," + s.name;
    runs += "\n";
    for (std::size_t i = 0; i < n; ++i) {
      runs += std::to_string(base + i);
      for (const auto& s : summary) runs += "," + vzlab::cli::csv_value(results[i], s.name);
      runs += "\n";
    }
    std::string sum = "metric,n,mean,ci95,min,max\n";
    for (const auto& s : summary) sum += s.name + "," + vzlab::cli::summary_csv_fields(s) + "\n";
    batch.add(out_dir + "/replications.csv", runs);
    batch.add(out_dir + "/replications_summary.csv", sum);
  }
  std::string werr;
  if (!batch.commit(&werr)) return input_error(werr);
  if (format == "json") {
    nlohmann::ordered_json j;
    j["scenario"] = first.name;
    j["replications"] = n;
    j["seeds"] = {base, base + n - 1};
    j["metrics"] = nlohmann::ordered_json::array();
    auto opt = [](std::optional<double> v) { return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr); };
    for (const auto& s : summary)
      j["metrics"].push_back({{"name", s.name}, {"n", s.n}, {"mean", s.mean}, {"ci95", opt(s.ci95)}, {"min", s.min},
                              {"max", s.max}});
    // A metric another run has and this one has not is null here.
    j["runs"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < n; ++i) {
      nlohmann::ordered_json m = nlohmann::ordered_json::object();
      for (const auto& s : summary) {
        auto it = results[i].find(s.name);
        m[s.name] = opt(it == results[i].end() ? std::nullopt : std::optional<double>(it->second));
      }
      j["runs"].push_back({{"seed", base + i}, {"metrics", m}});
    }
    std::cout << j.dump(2) << "\n";
    return kOk;
  }
  std::cout << first.name << "\n"
            << n << " replications (seeds " << base << " .. " << base + n - 1 << ") on " << jobs << " threads in "
            << std::fixed << std::setprecision(2) << wall << " s\n\n";
  std::cout.unsetf(std::ios::floatfield);
  std::cout << vzlab::cli::summary_table_heading() << "\n";
  for (const auto& s : summary) std::cout << vzlab::cli::summary_table_row(s) << "\n";
  std::cout << "\n  95% CI: Student's t over the n replications that have the metric (n/a below two);\n"
               "  availability = 1 - downtime / run time\n";
  if (!out_dir.empty()) std::cout << "wrote " << out_dir << "/{replications,replications_summary}.csv\n";
  return kOk;
}

// The KVM handle, or one clear sentence and nullopt.
std::optional<vzlab::real::Kvm> open_kvm(const char* command) {
  std::string why;
  auto kvm = vzlab::real::Kvm::open(&why);
  if (!kvm) std::cerr << "vzlab " << command << ": " << why << "\n";
  return kvm;
}

std::optional<vzlab::real::Measurements> measure(const vzlab::real::Kvm& kvm, int repeats, bool density = true) {
  const bool tty = isatty(STDERR_FILENO) != 0;
  auto progress = [&](const std::string& what, int done, int total) {
    if (!tty) return;
    std::cerr << "\r  measuring (" << done << "/" << total << "): " << what << std::string(30, ' ') << std::flush;
    if (done == total) std::cerr << "\r" << std::string(78, ' ') << "\r" << std::flush;
  };
  try {
    return vzlab::real::measure_all(kvm, repeats, progress, density);
  } catch (const vzlab::real::KvmError& e) {
    std::cerr << "vzlab: " << e.what() << "\n";
    return std::nullopt;
  }
}

int cmd_real(int repeats, const std::string& format) {
  auto kvm = open_kvm("real");
  if (!kvm) return kInputError;
  auto m = measure(*kvm, repeats);
  if (!m) return kInputError;
  struct Row {
    const char* what;
    const vzlab::real::Stat* stat;
  };
  const Row rows[] = {{"user-space exit (port I/O to our VMM)", &m->user_exit_s},
                      {"the same exit, bare KVM_RUN loop", &m->bare_exit_s},
                      {"in-kernel exit (cpuid answered by KVM)", &m->kernel_exit_s},
                      {"system call on the host", &m->syscall_s},
                      {"page fault, first touch of 4 KiB", &m->page_fault_s},
                      {"page fault in our VM, first touch", &m->vm_page_fault_s},
                      {"para I/O request, doorbell to us /16", &m->pv_request_s},
                      {"para I/O request, ioeventfd doorbell /16", &m->pv_ioeventfd_request_s},
                      {"para I/O request, ioeventfd doorbell each", &m->pv_ioeventfd_single_s},
                      {"CPU kernel, native", &m->cpu_native_s},
                      {"CPU kernel, in our VM", &m->cpu_vm_s},
                      {"VM create, load, run to its result", &m->vm_start_s},
                      {"VM teardown", &m->vm_teardown_s},
                      {"container start (cgroup, namespaces)", &m->container_start_s},
                      {"container start after 0.3 s idle", &m->container_cold_start_s},
                      {"container teardown", &m->container_teardown_s},
                      {"CPU kernel, in a container", &m->cpu_container_s}};
  if (format == "json") {
    nlohmann::ordered_json j;
    j["machine"] = {{"cpu", m->machine.cpu}, {"kernel", m->machine.kernel}, {"kvm", m->machine.kvm},
                    {"nested", m->machine.nested}, {"cores", m->machine.cores}};
    j["repeats"] = m->repeats;
    for (const Row& r : rows)
      j["seconds"][r.what] = {{"median", r.stat->median}, {"min", r.stat->min}, {"max", r.stat->max}};
    j["cpu_overhead"] = m->cpu_overhead;
    j["density"] = {{"vms", m->density_vms},
                    {"rss_per_vm_bytes", m->density_rss_per_vm_bytes.value_or(-1)},
                    {"containers", m->density_containers},
                    {"memory_per_container_bytes", m->density_memory_per_container_bytes.value_or(-1)}};
    j["containers_measured"] = m->containers;
    j["cgroups"] = m->cgroups;
    std::cout << j.dump(2) << "\n";
    return kOk;
  }
  auto t = [](double s) {
    char buf[32];
    if (s < 1e-3) std::snprintf(buf, sizeof buf, "%.3g us", s * 1e6);
    else if (s < 1) std::snprintf(buf, sizeof buf, "%.3g ms", s * 1e3);
    else std::snprintf(buf, sizeof buf, "%.3g s", s);
    return std::string(buf);
  };
  std::cout << "Measured on " << m->machine.cpu << " (" << m->machine.cores << " cores), kernel " << m->machine.kernel
            << (m->machine.nested ? ", itself a virtual machine" : "") << "\nKVM: " << m->machine.kvm << "\n"
            << m->repeats << " runs each: median [min .. max]\n\n";
  for (const Row& r : rows) {
    if (!m->containers && r.stat == &m->container_start_s) {
      std::cout << "  containers: not measured (they need root and cgroups with cpu and memory)\n";
      break;
    }
    char line[160];
    std::snprintf(line, sizeof line, "  %-40s %10s  [%s .. %s]", r.what, t(r.stat->median).c_str(),
                  t(r.stat->min).c_str(), t(r.stat->max).c_str());
    std::cout << line << "\n";
  }
  char overhead[64];
  std::snprintf(overhead, sizeof overhead, "%+.1f %%", 100 * m->cpu_overhead);
  if (m->density_rss_per_vm_bytes)
    std::cout << "\n  " << m->density_vms << " tiny VMs ran at once; resident memory per VM: "
              << static_cast<long>(*m->density_rss_per_vm_bytes / 1024) << " KiB";
  else
    std::cout << "\n  " << m->density_vms << " tiny VMs could not all run at once";
  if (m->containers) {
    if (m->density_memory_per_container_bytes)
      std::cout << "\n  " << m->density_containers << " containers ran at once; machine memory per container: "
                << static_cast<long>(*m->density_memory_per_container_bytes / 1024) << " KiB";
    else
      std::cout << "\n  " << m->density_containers << " containers could not all run at once";
  }
  char vmm[64];
  std::snprintf(vmm, sizeof vmm, "%+.1f %%", 100 * (m->user_exit_s.median / m->bare_exit_s.median - 1));
  std::cout << "\n  our VMM's user-space exit vs a bare KVM_RUN loop: " << vmm;
  std::cout << "\n  CPU-bound work in a VM vs native: " << overhead << "\n"
            << "  a user-space exit costs " << t(m->user_exit_s.median) << ", "
            << static_cast<long>(m->user_exit_s.median / m->syscall_s.median) << " system calls' worth\n";
  return kOk;
}

int cmd_calibrate(int repeats, const std::string& out) {
  // The place to write is checked before the measurements, not after them.
  const std::filesystem::path dir = std::filesystem::path(out).parent_path();
  if (std::string why = vzlab::cli::make_output_dir(dir.string()); !why.empty()) return input_error(why);
  if (access(dir.empty() ? "." : dir.c_str(), W_OK) != 0)
    return input_error("cannot write into " + (dir.empty() ? std::string(".") : dir.string()));
  auto kvm = open_kvm("calibrate");
  if (!kvm) return kInputError;
  auto m = measure(*kvm, repeats);
  if (!m) return kInputError;
  const std::string yaml = vzlab::real::to_profile_yaml(*m);
  auto check = sc::load_calibration_string(yaml, out);
  if (!check.ok()) return input_error("the measured profile does not load: " + check.error->format());
  vzlab::cli::AtomicBatch batch;
  batch.add(out, yaml);
  std::string error;
  if (!batch.commit(&error)) return input_error(error);
  std::cout << yaml << "\nwrote " << out << "; use it with: vzlab run SCENARIO --calibration " << out << "\n";
  return kOk;
}

struct CompareOptions {
  std::string file;
  int repeats = 5;
  std::string format = "table";
  double target_s = 0.2;
};

int cmd_compare(const CompareOptions& o) {
  namespace real = vzlab::real;
  auto scenario = load(o.file, std::nullopt);
  if (!scenario) return kInputError;
  std::vector<const sc::GuestPlan*> chosen;
  for (const auto& g : scenario->guests)
    if (g.real) chosen.push_back(&g);
  if (chosen.empty())
    return input_error(o.file + ": no guest has `real: true`; mark the guests `vzlab compare` may run for real");
  auto kvm = open_kvm("compare");
  if (!kvm) return kInputError;
  auto m = measure(*kvm, o.repeats, /*density=*/false);
  if (!m) return kInputError;
  auto loaded = sc::load_calibration_string(real::to_profile_yaml(*m), "measured profile");
  if (!loaded.ok()) return input_error("the measured profile does not load: " + loaded.error->format());
  const vzlab::hv::CalibrationProfile profile = vzlab::cli::comparison_profile(*loaded.profile);
  const double steps_per_s = static_cast<double>(real::kCpuKernelIterations) / m->cpu_native_s.median;

  struct Row {
    vzlab::cli::RealPlan plan;
    double simulated = 0;
    real::Stat measured;
    std::string error;  // why it was not measured
  };
  std::vector<Row> rows;
  const bool tty = isatty(STDERR_FILENO) != 0;
  for (const sc::GuestPlan* g : chosen) {
    Row row;
    row.plan = vzlab::cli::plan_for_time(*g, profile, steps_per_s, o.target_s);
    if (tty)
      std::cerr << "\r  running for real (" << rows.size() + 1 << "/" << chosen.size() << "): " << g->spec.name
                << std::string(30, ' ') << std::flush;
    if (row.plan.problem.empty() && row.plan.runner == real::Runner::kContainer && !m->containers)
      row.plan.problem = "containers need root and cgroups with cpu and memory";
    if (row.plan.problem.empty()) {
      row.simulated = vzlab::cli::simulate(row.plan, profile, steps_per_s);
      // The native run of the same script gives the checksum every run must match.
      const real::ScriptResult reference = real::run_script(nullptr, row.plan.script, real::Runner::kNative, 600);
      std::vector<double> samples;
      for (int i = 0; i < o.repeats && row.error.empty(); ++i) {
        const real::ScriptResult r = real::run_script(&*kvm, row.plan.script, row.plan.runner, 600);
        if (!r.ok) row.error = r.error;
        else if (!reference.ok || r.result != reference.result) row.error = "its result differs from the native run's";
        else samples.push_back(r.run_s);
      }
      if (row.error.empty()) row.measured = real::summarize(samples);
    }
    rows.push_back(std::move(row));
  }
  if (tty) std::cerr << "\r" << std::string(78, ' ') << "\r" << std::flush;

  auto compared = [](const Row& r) { return r.plan.problem.empty() && r.error.empty(); };
  // Share of the simulated time that is not the CPU kernel: what the
  // virtualization and OS mechanisms cost, the part the comparison tests.
  auto not_cpu = [&](const Row& r) {
    return r.simulated > 0 ? 1 - r.plan.cpu_steps() / steps_per_s / r.simulated : 0.0;
  };
  if (o.format == "json") {
    nlohmann::ordered_json j;
    j["scenario"] = scenario->name;
    j["machine"] = {{"cpu", m->machine.cpu}, {"kernel", m->machine.kernel}, {"kvm", m->machine.kvm},
                    {"nested", m->machine.nested}};
    j["repeats"] = o.repeats;
    j["guests"] = nlohmann::ordered_json::array();
    for (const Row& r : rows) {
      nlohmann::ordered_json g = {{"guest", r.plan.guest}, {"mode", r.plan.mode}};
      if (!r.plan.problem.empty() || !r.error.empty()) {
        g["not_measured"] = r.plan.problem.empty() ? r.error : r.plan.problem;
      } else {
        g["share_of_work"] = r.plan.share();
        g["not_cpu_share"] = not_cpu(r);
        g["simulated_s"] = r.simulated;
        g["measured_s"] = {{"median", r.measured.median}, {"min", r.measured.min}, {"max", r.measured.max}};
        g["error"] = r.simulated / r.measured.median - 1;
      }
      g["left_out"] = r.plan.left_out;
      j["guests"].push_back(g);
    }
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "\"" << scenario->name << "\": simulated (calibrated on this machine) vs measured on it\n"
              << m->machine.cpu << ", " << m->machine.kvm << (m->machine.nested ? ", nested" : "") << "; median of "
              << o.repeats << " runs\n\n";
    char line[240];
    std::snprintf(line, sizeof line, "  %-20s %-9s %6s %9s %10s %10s  %-21s %7s", "guest", "mode", "work", "not CPU",
                  "simulated", "measured", "[min .. max]", "error");
    std::cout << line << "\n";
    for (const Row& r : rows) {
      if (!compared(r)) {
        std::snprintf(line, sizeof line, "  %-20s %-9s not run for real: %s", r.plan.guest.c_str(), r.plan.mode.c_str(),
                      (r.plan.problem.empty() ? r.error : r.plan.problem).c_str());
        std::cout << line << "\n";
        continue;
      }
      char range[64];
      std::snprintf(range, sizeof range, "[%.4g .. %.4g s]", r.measured.min, r.measured.max);
      std::snprintf(line, sizeof line, "  %-20s %-9s %5.3g%% %8.0f%% %8.4f s %8.4f s  %-21s %+6.1f%%",
                    r.plan.guest.c_str(), r.plan.mode.c_str(), 100 * r.plan.share(), 100 * not_cpu(r), r.simulated,
                    r.measured.median, range, 100 * (r.simulated / r.measured.median - 1));
      std::cout << line << "\n";
    }
    double worst = 0;
    std::size_t n = 0;
    for (const Row& r : rows)
      if (compared(r)) worst = std::max(worst, std::abs(r.simulated / r.measured.median - 1)), ++n;
    std::cout << "\n  " << n << " of " << rows.size() << " guests compared; largest error "
              << static_cast<int>(std::lround(100 * worst)) << " %.\n"
              << "  work: share of the scenario's work run; not CPU: share of the simulated time spent on exits,\n"
              << "  system calls, faults and I/O rather than the CPU kernel (what the comparison tests).\n";
    bool any_left = false;
    for (const Row& r : rows) {
      if (r.plan.left_out.empty() || !compared(r)) continue;
      if (!any_left) std::cout << "  Left out of both sides (the real run cannot do them):\n";
      any_left = true;
      std::string all;
      for (const auto& w : r.plan.left_out) all += (all.empty() ? "" : "; ") + w;
      std::cout << "    " << r.plan.guest << ": " << all << "\n";
    }
    const std::size_t simulated_only = scenario->guests.size() - chosen.size();
    if (simulated_only > 0)
      std::cout << "  " << simulated_only << (simulated_only == 1 ? " other guest is" : " other guests are")
                << " simulated only (no `real: true`): vzlab run " << o.file << "\n";
  }
  for (const Row& r : rows)
    if (!r.error.empty()) return kInputError;
  return kOk;
}

int cmd_validate(const std::string& file) {
  auto scenario = load(file, std::nullopt);
  if (!scenario) return kInputError;
  std::size_t processes = 0, vms = 0;
  double flops = 0;
  for (const auto& g : scenario->guests) {
    processes += g.processes.size();
    if (vzlab::hv::is_vm(g.spec.mode)) ++vms;
    for (const auto& p : g.processes) flops += vzlab::hv::total_flops(p);
  }
  auto count = [](std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  char work[32];
  std::snprintf(work, sizeof work, "%.4g Gflop", flops / 1e9);
  std::cout << file << ": OK — \"" << scenario->name << "\": " << count(scenario->hosts.size(), "host", "hosts") << ", "
            << count(scenario->guests.size(), "guest", "guests") << " (" << count(vms, "VM", "VMs") << "), "
            << count(processes, "process", "processes") << ", " << work << " of work";
  if (scenario->network.present)
    std::cout << "; network: " << count(scenario->network.nodes.size(), "node", "nodes") << " besides the hosts, "
              << count(scenario->network.links.size(), "link", "links");
  std::cout << "\n";
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vzlab — a virtualization simulator and teaching testbed.\n\n"
               "Describe hosts, VMs and workloads in a YAML scenario, then simulate it.\n"
               "Start with:  vzlab run scenarios/consolidation.yaml",
               "vzlab"};
  app.set_version_flag("--version", std::string("vzlab 0.1.0"));
  app.require_subcommand(1);
  app.footer("Exit codes: 0 success, 1 scenario or input error, 2 usage error.\n"
             "Scenario format: docs/scenario-format.md (or `vzlab schema`).\n");

  RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Simulate a scenario and print its report.");
  run_cmd->add_option("FILE", run.file, "Scenario file (YAML)")->required();
  run_cmd->add_option("--seed", run.seed, "Base seed of the random streams (default: the file's seed)")
      ->check(scenario_key("seed"));
  run_cmd->add_option("--until", run.until, "Stop at this simulated time, e.g. 3600 or 1h (default: the file's)")
      ->check(scenario_key("until"));
  run_cmd->add_option("--out", run.out_dir,
                      "Also write CSV files into DIR: summary, hosts, guests, processes, comparison (and services with services; "
                      "io, devices, links, spof, utilization with a network; replications and replications_summary with --replications)");
  run_cmd->add_option("--format", run.format, "What to print: table (default), csv (guests) or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  auto* trace_opt =
      run_cmd->add_option("--trace", run.trace, "Write a Chrome/Perfetto trace (one track per host, a slice per task)");
  run_cmd->add_option("--calibration", run.calibration,
                      "Costs of virtualization measured on a machine (YAML; default: published figures)");
  auto* replications_opt =
      run_cmd->add_option("--replications", run.replications,
                          "Run N times with seeds SEED .. SEED+N-1 and print each metric's mean and 95% CI")
          ->check(CLI::Range(1, 10000000))
          ->excludes(trace_opt);
  run_cmd->add_option("--jobs", run.jobs, "Threads for --replications (default: one per core)")
      ->check(CLI::Range(1, 1024))
      ->needs(replications_opt);
  run_cmd->footer("Examples:\n  vzlab run scenarios/consolidation.yaml --format json --trace trace.json\n"
                  "  vzlab run scenarios/failover.yaml --replications 1000 --out results/\n");

  vzlab::cli::SweepOptions sweep;
  auto* sweep_cmd = app.add_subcommand(
      "sweep", "Run a scenario over every combination of parameter values, each several times; one CSV of all runs "
               "and the mean and 95% CI of every metric per combination. Under mpirun the runs spread over the ranks.");
  sweep_cmd->add_option("FILE", sweep.file, "Scenario file (YAML)")->required();
  sweep_cmd->add_option("--set", sweep.sets,
                        "KEY=V1,V2,...: a parameter and its values; KEY is a path into the scenario (ha.heartbeat, "
                        "hosts[0].count, guests[2].protect); repeat --set for more parameters");
  sweep_cmd->add_option("--replications", sweep.replications, "Runs per combination, seeds SEED .. SEED+N-1 (default 1)")
      ->check(CLI::Range(1, 10000000));
  sweep_cmd->add_option("--jobs", sweep.jobs, "Threads (default: one per core, shared among the MPI ranks here)")
      ->check(CLI::Range(1, 1024));
  sweep_cmd->add_option("--seed", sweep.seed, "Base seed (default: the file's)")->check(scenario_key("seed"));
  sweep_cmd->add_option("--out", sweep.out, "CSV of every run (and NAME_summary.csv beside it)");
  sweep_cmd->add_option("--calibration", sweep.calibration, "Calibration profile (YAML)");
  sweep_cmd->footer("Examples:\n  vzlab sweep scenarios/failover.yaml --set ha.heartbeat=1s,5s,30s --replications 100 "
                    "--out sweep.csv\n  mpirun -np 4 vzlab sweep scenarios/failover.yaml --set ha.misses=1,3,5 "
                    "--replications 1000 --out sweep.csv\n");

  std::string validate_file;
  auto* validate_cmd = app.add_subcommand("validate", "Check a scenario file without running it.");
  validate_cmd->add_option("FILE", validate_file, "Scenario file (YAML)")->required();

  auto* schema_cmd = app.add_subcommand("schema", "Print the scenario file format (Markdown).");

  int repeats = 5;
  std::string real_format = "table";
  auto* real_cmd = app.add_subcommand("real", "Measure this machine for real: exits, paravirtual I/O, page faults, VM and container start-up, density (needs /dev/kvm; containers need root).");
  real_cmd->add_option("--repeat", repeats, "Runs of each measurement (median, min, max)")->check(CLI::Range(1, 1000));
  real_cmd->add_option("--format", real_format, "table (default) or json")->check(CLI::IsMember({"table", "json"}));

  CompareOptions compare;
  auto* compare_cmd = app.add_subcommand(
      "compare", "Run a scenario's `real: true` guests for real on this machine (natively, in our KVM VM, in a "
                 "container) and in the simulator calibrated here; print both and the error.");
  compare_cmd->add_option("FILE", compare.file, "Scenario file (YAML)")->required();
  compare_cmd->add_option("--repeat", compare.repeats, "Runs of each measurement (median)")->check(CLI::Range(1, 1000));
  compare_cmd->add_option("--format", compare.format, "table (default) or json")
      ->check(CLI::IsMember({"table", "json"}));
  compare_cmd->add_option("--seconds", compare.target_s,
                          "Simulated run time to aim at per guest; longer scenarios run a share of their work")
      ->check(CLI::Range(0.001, 3600.0));
  compare_cmd->footer("Example: vzlab compare scenarios/vz-types.yaml\n");

  std::string calibrate_out;
  auto* calibrate_cmd =
      app.add_subcommand("calibrate", "Measure this machine and write a calibration profile for --calibration.");
  calibrate_cmd->add_option("--out", calibrate_out, "Profile file to write (YAML)")->required();
  calibrate_cmd->add_option("--repeat", repeats, "Runs of each measurement (median)")->check(CLI::Range(1, 1000));

  vzlab::cli::VizOptions viz;
  auto* viz_cmd = app.add_subcommand(
      "viz", "Watch a scenario live (Dear ImGui window): fail and repair hosts, links and storage with a click, "
             "migrate VMs, change load balancing; or render it headless to PNG.");
  viz_cmd->add_option("FILE", viz.file, "Scenario file (YAML)")->required();
  viz_cmd->add_option("--seed", viz.seed, "Base seed of the random streams (default: the file's seed)")
      ->check(scenario_key("seed"));
  viz_cmd->add_option("--until", viz.until, "End of the run, e.g. 3600 or 1h (default: the file's)")
      ->check(scenario_key("until"));
  viz_cmd->add_option("--speed", viz.speed, "Simulated seconds per real second, 0.1 .. 10000 (default 60)")
      ->check(CLI::Range(0.1, 10000.0));
  viz_cmd->add_flag("--play", viz.play, "Start playing at once");
  viz_cmd->add_option("--record", viz.record, "On exit, write the commands applied, with their simulated times");
  viz_cmd->add_option("--replay", viz.replay, "Apply the commands of a --record file at their times");
  auto* headless = viz_cmd->add_flag("--headless", viz.headless, "Render pictures instead of opening a window");
  viz_cmd->add_option("--at", viz.at, "Headless: simulated times to render, e.g. 9min,11min")->needs(headless);
  viz_cmd->add_option("--out", viz.out_dir, "Headless: folder for the PNG files (and a JSON of where cards are)")
      ->needs(headless);
  viz_cmd->add_option("--click", viz.clicks,
                      "Headless: click at pixel X,Y right after the picture of time T (T@X,Y; repeatable)")
      ->needs(headless);
  viz_cmd->add_option("--bench-frames", viz.bench_frames, "Play N frames without vsync, then print frame times")
      ->check(CLI::Range(1, 1000000))
      ->excludes(headless);
  viz_cmd->add_option("--size", viz.size, "Window or picture size in pixels (default 1600x1000)");
  viz_cmd->add_option("--font-size", viz.font_px, "Text size in pixels (default 17; larger for a projector)")
      ->check(CLI::Range(8.0, 64.0));
  viz_cmd->add_option("--frame-budget", viz.budget_ms, "Most engine wall time per frame, ms (default 12). The engine runs on a second thread while a frame is drawn and stops when it is shown, so a frame never waits for it")
      ->check(CLI::Range(0.1, 1000.0));
  viz_cmd->footer("Examples:\n  vzlab viz scenarios/failover.yaml --play --record class.txt\n"
                  "  vzlab viz scenarios/failover.yaml --replay class.txt\n"
                  "  xvfb-run -a vzlab viz scenarios/failover.yaml --headless --at 9min,11min --out pictures/\n"
                  "Keys: space play/pause, right arrow or S one event, + and - speed, Esc drop a picked VM.\n");

  vzlab::cli::PlotOptions plot;
  auto* plot_cmd = app.add_subcommand(
      "plot", "Run a scenario and draw its time series (utilization, latency, guests serving, energy, busiest "
              "links and devices) as PNG charts; needs no display.");
  plot_cmd->add_option("FILE", plot.file, "Scenario file (YAML)")->required();
  plot_cmd->add_option("--out", plot.out_dir, "Folder for charts.png (and network.png)")->required();
  plot_cmd->add_option("--seed", plot.seed, "Base seed of the random streams (default: the file's seed)")
      ->check(scenario_key("seed"));
  plot_cmd->add_option("--until", plot.until, "Stop at this simulated time, e.g. 3600 or 1h (default: the file's)")
      ->check(scenario_key("until"));
  plot_cmd->add_option("--size", plot.size, "Picture size in pixels (default 1200x800)");

  if (argc < 2) {
    std::cerr << app.help() << "\n";
    return kUsageError;
  }
  const std::string first = argv[1];
  const auto subs = app.get_subcommands([](CLI::App*) { return true; });
  if (first[0] != '-' && std::none_of(subs.begin(), subs.end(), [&](CLI::App* c) { return c->get_name() == first; })) {
    std::string near;
    for (const CLI::App* sub : subs)
      if (sub->get_name().substr(0, 3) == first.substr(0, 3)) near = sub->get_name();
    std::cerr << "vzlab: unknown command '" << first << "'"
              << (near.empty() ? "" : " (did you mean '" + near + "'?)") << "\nRun 'vzlab --help' for usage.\n";
    return kUsageError;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "vzlab: " << e.what() << "\nRun 'vzlab --help' for usage.\n";
    return kUsageError;
  }

  try {
    // Long simulations stop cleanly on Ctrl-C; other commands keep the default.
    if (run_cmd->parsed() || sweep_cmd->parsed()) vzlab::cli::install_interrupt_handler();
    if (run_cmd->parsed()) return cmd_run(run);
    if (validate_cmd->parsed()) return cmd_validate(validate_file);
    if (sweep_cmd->parsed()) return vzlab::cli::cmd_sweep(sweep);
    if (real_cmd->parsed()) return cmd_real(repeats, real_format);
    if (calibrate_cmd->parsed()) return cmd_calibrate(repeats, calibrate_out);
    if (compare_cmd->parsed()) return cmd_compare(compare);
    if (viz_cmd->parsed()) return vzlab::cli::run_viz(viz);
    if (plot_cmd->parsed()) return vzlab::cli::run_plot(plot);
    if (schema_cmd->parsed()) {
      std::cout << sc::schema_markdown();
      return kOk;
    }
  } catch (const std::bad_alloc&) {
    return input_error("out of memory: the scenario is too large for this machine");
  } catch (const std::exception& e) {
    return input_error(std::string("internal error: ") + e.what());
  }
  return kUsageError;
}
