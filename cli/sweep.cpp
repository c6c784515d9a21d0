#include "sweep.hpp"

// The C API only (no deprecated C++ bindings to link).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "atomic_file.hpp"
#include "common.hpp"
#include "interrupt.hpp"
#include "replicate.hpp"
#include "vzlab/hv/report/run_report.hpp"
#include "vzlab/hv/scenario/scenario.hpp"

namespace vzlab::cli {

namespace sc = hv::scenario;

std::optional<SweepParameter> parse_set(const std::string& arg, std::string* why) {
  const auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) {
    *why = "--set '" + arg + "': write KEY=VALUE[,VALUE...], e.g. ha.heartbeat=1s,5s";
    return std::nullopt;
  }
  SweepParameter p{arg.substr(0, eq), {}};
  std::string cur;
  int depth = 0;
  for (char c : arg.substr(eq + 1)) {
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    if (c == ',' && depth == 0) {
      p.values.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  p.values.push_back(cur);
  for (const std::string& v : p.values)
    if (v.find_first_not_of(' ') == std::string::npos) {
      *why = "--set '" + arg + "': an empty value";
      return std::nullopt;
    }
  return p;
}

std::vector<SweepPoint> cross_product(const std::vector<SweepParameter>& params) {
  std::vector<SweepPoint> points{{}};
  for (const SweepParameter& p : params) {
    std::vector<SweepPoint> next;
    for (const SweepPoint& base : points)
      for (const std::string& v : p.values) {
        SweepPoint q = base;
        q.emplace_back(p.key, v);
        next.push_back(std::move(q));
      }
    points = std::move(next);
  }
  return points;
}

std::optional<std::string> with_settings(const std::string& text, const SweepPoint& point, std::string* why) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    *why = std::string("the scenario is not valid YAML: ") + e.what();
    return std::nullopt;
  }
  for (const auto& [key, value] : point) {
    auto fail = [&](const std::string& what) {
      *why = "--set " + key + ": " + what;
      return std::nullopt;
    };
    // "a.b[2].c" as steps: a map key, or a list index (its key is empty).
    struct PathStep {
      std::string key;
      long index = -1;
    };
    std::vector<PathStep> path;
    for (std::size_t i = 0; i < key.size();) {
      if (key[i] == '.') {
        ++i;
      } else if (key[i] == '[') {
        const auto close = key.find(']', i);
        if (close == std::string::npos) return fail("a '[' without ']'");
        char* end = nullptr;
        const long idx = std::strtol(key.c_str() + i + 1, &end, 10);
        if (end != key.c_str() + close || idx < 0) return fail("a list index must be a number >= 0");
        path.push_back({"", idx});
        i = close + 1;
      } else {
        const auto stop = key.find_first_of(".[", i);
        path.push_back({key.substr(i, stop - i)});
        i = stop == std::string::npos ? key.size() : stop;
      }
    }
    if (path.empty() || path.back().index >= 0) return fail("it must end with a key name");
    const std::string last = path.back().key;
    YAML::Node node = root;
    std::string where = "the scenario";  // what `node` is, for messages
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
      const PathStep& step = path[i];
      if (step.index < 0) {
        if (!node.IsMap() || !node[step.key]) return fail("no '" + step.key + "' in " + where + " to go into");
        node.reset(node[step.key]);
        where = "'" + step.key + "'";
      } else {
        if (!node.IsSequence()) return fail(where + " is not a list in the scenario");
        if (static_cast<std::size_t>(step.index) >= node.size())
          return fail(where + " has " + std::to_string(node.size()) + " items; no [" + std::to_string(step.index) +
                      "]");
        node.reset(node[static_cast<std::size_t>(step.index)]);
      }
    }
    if (!node.IsMap()) return fail("the item holding '" + last + "' is not a map");
    try {
      node[last] = YAML::Load(value);
    } catch (const YAML::Exception& e) {
      return fail("value '" + value + "' is not valid YAML: " + e.what());
    }
  }
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

std::map<std::string, double> simulate(const std::string& text, const std::string& file, std::uint64_t seed,
                                       std::optional<double> until, const hv::CalibrationProfile& profile) {
  auto loaded = sc::load_string(text, file, sc::LoadOptions{seed});
  if (!loaded.ok()) throw std::runtime_error(loaded.error->format());
  auto world = sc::build_world(*loaded.scenario, profile);
  hv::report::RunRecorder recorder(*world, {});
  world->engine().stop_when(&interrupt_flag());
  world->run(until ? *until : loaded.scenario->until_s.value_or(engine::Engine::kForever));
  world->finish();
  if (interrupted()) throw Interrupted();
  return run_metrics(recorder.report({}));
}

std::string run_parallel(std::size_t count, int threads, const std::function<void(std::size_t)>& run,
                         const char* label,
                         const std::function<void(std::atomic<std::size_t>&, std::atomic<std::size_t>&)>& pump) {
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> failed{false};
  std::string error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (std::size_t i; !failed && !interrupted() && (i = next++) < count;) {
      try {
        run(i);
        ++done;
      } catch (const Interrupted&) {
        return;
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!failed.exchange(true)) error = e.what();
      }
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  const bool tty = isatty(STDERR_FILENO) != 0;
  auto last_draw = t0;
  while (done < count && !failed && !interrupted()) {
    if (pump) {
      try {
        pump(next, done);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!failed.exchange(true)) error = e.what();
      }
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const auto now = std::chrono::steady_clock::now();
    if (!tty || now - last_draw < std::chrono::milliseconds(200)) continue;
    last_draw = now;
    const double elapsed = std::chrono::duration<double>(now - t0).count();
    const std::size_t d = done;
    const double eta = d > 0 ? elapsed * static_cast<double>(count - d) / static_cast<double>(d) : 0.0;
    const int width = 30, filled = static_cast<int>(width * static_cast<double>(d) / static_cast<double>(count));
    std::cerr << "\r  " << label << " [" << std::string(filled, '#') << std::string(width - filled, '.') << "] " << d
              << "/" << count << (d > 0 ? ", " + std::to_string(static_cast<int>(std::ceil(eta))) + " s left" : "")
              << "   " << std::flush;
  }
  for (std::thread& t : pool) t.join();
  if (tty) std::cerr << "\r" << std::string(78, ' ') << "\r" << std::flush;
  if (error.empty() && interrupted())
    error = "interrupted: " + std::to_string(done.load()) + " of " + std::to_string(count) + " runs were done; " +
            "nothing was written";
  return error;
}

namespace {

constexpr int kTagWork = 1, kTagResult = 2;
constexpr std::uint64_t kStop = ~std::uint64_t{0};

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A run's metrics as text for MPI ("index\nname=value\n..."), and back.
std::string encode(std::uint64_t index, const std::map<std::string, double>& m) {
  std::string s = std::to_string(index) + "\n";
  for (const auto& [k, v] : m) s += k + "=" + csv_number(v) + "\n";
  return s;
}

std::pair<std::uint64_t, std::map<std::string, double>> decode(const std::string& s) {
  std::map<std::string, double> m;
  std::size_t pos = s.find('\n');
  const std::uint64_t index = std::stoull(s.substr(0, pos));
  while (pos + 1 < s.size()) {
    const std::size_t end = s.find('\n', pos + 1);
    const std::string line = s.substr(pos + 1, end - pos - 1);
    const std::size_t eq = line.rfind('=');
    if (line.rfind("error=", 0) == 0) throw std::runtime_error(line.substr(6));
    m[line.substr(0, eq)] = std::strtod(line.c_str() + eq + 1, nullptr);
    pos = end;
  }
  return {index, m};
}

// Ranks started by mpirun: how many there are (1 when not under mpirun).
int mpi_ranks_from_environment() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char* v = std::getenv(var)) return std::max(1, std::atoi(v));
  return 1;
}

// A worker's message to rank 0: its last result (or none) and a request for more.
struct Message {
  int from = 0;
  std::string text;
};

// The next worker message: waits for one, or only looks (nullopt when none is there).
std::optional<Message> receive(bool wait) {
  MPI_Status st;
  if (wait) {
    MPI_Probe(MPI_ANY_SOURCE, kTagResult, MPI_COMM_WORLD, &st);
  } else {
    int flag = 0;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagResult, MPI_COMM_WORLD, &flag, &st);
    if (!flag) return std::nullopt;
  }
  int len = 0;
  MPI_Get_count(&st, MPI_CHAR, &len);
  Message m{st.MPI_SOURCE, std::string(static_cast<std::size_t>(len), '\0')};
  MPI_Recv(m.text.data(), len, MPI_CHAR, m.from, kTagResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return m;
}

// Tells a worker which run to do next (kStop: none).
void send_index(int to, std::uint64_t index) { MPI_Send(&index, 1, MPI_UINT64_T, to, kTagWork, MPI_COMM_WORLD); }

// A rank other than 0: asks rank 0 for run indices until told to stop.
void mpi_worker(const std::function<std::map<std::string, double>(std::size_t)>& run_one) {
  std::string msg = encode(kStop, {});
  for (;;) {
    MPI_Send(msg.data(), static_cast<int>(msg.size()), MPI_CHAR, 0, kTagResult, MPI_COMM_WORLD);
    std::uint64_t index = 0;
    MPI_Recv(&index, 1, MPI_UINT64_T, 0, kTagWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (index == kStop) return;
    try {
      msg = encode(index, run_one(index));
    } catch (const std::exception& e) {
      msg = encode(index, {}) + "error=" + e.what() + "\n";
    }
  }
}

}  // namespace

int cmd_sweep(const SweepOptions& o) {
  std::vector<SweepParameter> params;
  for (const std::string& s : o.sets) {
    std::string why;
    auto p = parse_set(s, &why);
    if (!p) return usage_error("sweep: " + why);
    params.push_back(std::move(*p));
  }
  std::ifstream in(o.file, std::ios::binary);
  if (!in) return input_error("cannot open " + o.file);
  if (std::string why = make_output_dir(std::filesystem::path(o.out).parent_path().string()); !why.empty())
    return input_error(why);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const auto loaded_profile = load_profile(o.calibration);
  if (!loaded_profile) return kInputError;
  const hv::CalibrationProfile& profile = *loaded_profile;
  // Every point is checked before anything runs, so a bad value stops the
  // sweep at once with the loader's message.
  auto first = sc::load_string(text, o.file, {o.seed});
  if (!first.ok()) return input_error(first.error->format());
  const std::uint64_t base = first.scenario->seed;
  const std::vector<SweepPoint> points = cross_product(params);
  std::vector<std::string> texts;
  for (const SweepPoint& p : points) {
    std::string why, where;
    for (const auto& [k, v] : p) where += (where.empty() ? "" : " ") + k + "=" + v;
    auto t = with_settings(text, p, &why);
    if (!t) return input_error(why);
    auto check = sc::load_string(*t, o.file + " with " + where, {base});
    if (!check.ok())
      return input_error(check.error->format() + " (lines as the scenario is rewritten with the settings)");
    texts.push_back(std::move(*t));
  }
  const auto reps = static_cast<std::size_t>(o.replications);
  const std::size_t runs = points.size() * reps;
  std::vector<std::map<std::string, double>> results(runs);
  auto run_one = [&](std::size_t i) {
    return simulate(texts[i / reps], o.file, base + i % reps, std::nullopt, profile);
  };

  const int ranks = mpi_ranks_from_environment();
  int rank = 0;
  if (ranks > 1) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  }
  struct Finalize {
    bool on;
    ~Finalize() {
      if (on) MPI_Finalize();
    }
  } finalize{ranks > 1};
  if (rank > 0) {
    mpi_worker(run_one);
    return 0;
  }
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = o.jobs > 0 ? o.jobs : std::max(1, hw / ranks);
  // Rank 0 hands out indices to the other ranks while its own threads run.
  int active = ranks - 1;
  std::function<void(std::atomic<std::size_t>&, std::atomic<std::size_t>&)> pump;
  if (ranks > 1)
    pump = [&](std::atomic<std::size_t>& next, std::atomic<std::size_t>& done) {
      const std::optional<Message> msg = receive(false);
      if (!msg) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        return;
      }
      std::string failure;
      std::uint64_t give = next++;
      try {
        auto [index, metrics] = decode(msg->text);
        if (index != kStop) {
          results[index] = std::move(metrics);
          ++done;
        }
      } catch (const std::exception& e) {
        failure = e.what();
        give = runs;  // that rank stops too
      }
      if (give >= runs) {
        give = kStop;
        --active;
      }
      send_index(msg->from, give);
      if (!failure.empty()) throw std::runtime_error(failure);
    };
  const auto t0 = std::chrono::steady_clock::now();
  std::string error = run_parallel(
      runs, threads, [&](std::size_t i) { results[i] = run_one(i); }, "sweep", pump);
  // Tell the ranks still asking that there is nothing left.
  for (; ranks > 1 && active > 0; --active) send_index(receive(true)->from, kStop);
  if (!error.empty()) {
    input_error(error);
    return interrupted() ? kInterrupted : kInputError;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // One row per run, every metric a column; then the summary per point.
  std::vector<std::string> names;
  {
    std::map<std::string, int> all;
    for (const auto& r : results)
      for (const auto& [k, v] : r) all[k] = 0;
    for (const auto& [k, v] : all) names.push_back(k);
  }
  std::string head = "point";
  for (const SweepParameter& p : params) head += "," + csv_field(p.key);
  std::string csv = head + ",seed";
  for (const std::string& n : names) csv += "," + csv_field(n);
  csv += "\n";
  std::string summary_csv = head + ",metric,n,mean,ci95,min,max\n";
  std::vector<std::vector<MetricSummary>> summaries;
  for (std::size_t p = 0; p < points.size(); ++p) {
    std::string values;
    for (const auto& [k, v] : points[p]) values += "," + csv_field(v);
    for (std::size_t r = 0; r < reps; ++r) {
      const auto& m = results[p * reps + r];
      csv += std::to_string(p) + values + "," + std::to_string(base + r);
      for (const std::string& n : names) csv += "," + csv_value(m, n);
      csv += "\n";
    }
    std::vector<std::map<std::string, double>> mine(results.begin() + static_cast<long>(p * reps),
                                                     results.begin() + static_cast<long>((p + 1) * reps));
    summaries.push_back(summarize_runs(mine));
    for (const MetricSummary& s : summaries.back())
      summary_csv += std::to_string(p) + values + "," + csv_field(s.name) + "," + summary_csv_fields(s) + "\n";
  }
  std::string summary_path;
  if (!o.out.empty()) {
    const std::string stem = o.out.size() > 4 && o.out.substr(o.out.size() - 4) == ".csv"
                                 ? o.out.substr(0, o.out.size() - 4) : o.out;
    summary_path = stem + "_summary.csv";
    AtomicBatch batch;
    batch.add(o.out, csv);
    batch.add(summary_path, summary_csv);
    std::string werr;
    if (!batch.commit(&werr)) return input_error(werr);
  }

  std::printf("%s\n%zu point%s x %zu replication%s = %zu run%s (seeds %llu .. %llu) on %d thread%s",
              first.scenario->name.c_str(), points.size(), points.size() == 1 ? "" : "s", reps, reps == 1 ? "" : "s",
              runs, runs == 1 ? "" : "s", static_cast<unsigned long long>(base), static_cast<unsigned long long>(base + reps - 1), threads,
              threads == 1 ? "" : "s");
  if (ranks > 1) std::printf(" x %d MPI ranks", ranks);
  std::printf(" in %.2f s\n", wall);
  for (std::size_t p = 0; p < points.size(); ++p) {
    std::string where;
    for (const auto& [k, v] : points[p]) where += (where.empty() ? "" : ", ") + k + " = " + v;
    std::printf("\n%s\n", where.empty() ? "(the scenario as it is)" : where.c_str());
    std::printf("%s\n", summary_table_heading().c_str());
    for (const MetricSummary& s : summaries[p]) std::printf("%s\n", summary_table_row(s).c_str());
  }
  std::printf("\n  95%% CI: Student's t over the n replications of each point that have the metric (n/a below two)\n");
  if (!o.out.empty()) std::printf("wrote %s and %s\n", o.out.c_str(), summary_path.c_str());
  return 0;
}

}  // namespace vzlab::cli
