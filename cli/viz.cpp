#include "viz.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "atomic_file.hpp"
#include "common.hpp"
#include "vzlab/viz/session.hpp"
#ifdef VZLAB_HAVE_VIZ_UI
#include "vzlab/viz/ui/plot.hpp"
#include "vzlab/viz/ui/window.hpp"
#endif

namespace vzlab::cli {

namespace {

// "t0000600" for 600 s (sorts by time; fractions kept as "t0000600.5").
std::string picture_name(double t) {
  char buf[48];
  if (t == static_cast<double>(static_cast<long long>(t))) std::snprintf(buf, sizeof buf, "t%07lld", static_cast<long long>(t));
  else std::snprintf(buf, sizeof buf, "t%09.3f", t);
  return buf;
}

// Width and height from "WxH" within sane bounds.
bool parse_size(const std::string& text, int* width, int* height) {
  char x = 0;
  std::istringstream size(text);
  return static_cast<bool>(size >> *width >> x >> *height) && x == 'x' && size.peek() == EOF && *width >= 320 &&
         *height >= 240 && *width <= 8192 && *height <= 8192;
}

// The session of `file` and the picture size; nullptr with *code set (after
// one message) when an option or the scenario is wrong.
[[maybe_unused]] std::unique_ptr<viz::Session> open_session(const std::string& file, std::optional<std::uint64_t> seed,
                                           const std::string& until, double budget_ms, const std::string& size,
                                           int* width, int* height, int* code) {
  viz::SessionOptions so;
  so.seed = seed;
  so.frame_budget_s = budget_ms / 1e3;
  std::string why;
  if (!until.empty()) {
    so.until_s = duration_option(until, &why);
    if (!so.until_s) {
      *code = usage_error("--until: " + why);
      return nullptr;
    }
  }
  if (!parse_size(size, width, height)) {
    *code = usage_error("--size: expected WIDTHxHEIGHT, at least 320x240, e.g. 1600x1000");
    return nullptr;
  }
  std::string error;
  auto session = viz::Session::open(file, so, &error);
  if (!session) {
    std::cerr << error << "\n";
    *code = 1;
  }
  return session;
}

}  // namespace

int run_viz(const VizOptions& o) {
#ifndef VZLAB_HAVE_VIZ_UI
  (void)o;
  return input_error("built without Dear ImGui, GLFW or OpenGL; run scripts/install-deps.sh and rebuild");
#else
  std::string why;
  std::vector<double> times;
  std::vector<viz::ui::Click> clicks;
  if (o.headless) {
    if (o.at.empty() || o.out_dir.empty()) return usage_error("--headless needs --at T1,T2,... and --out DIR");
    std::stringstream list(o.at);
    for (std::string item; std::getline(list, item, ',');) {
      auto t = duration_option(item, &why);
      if (!t) return usage_error("--at: '" + item + "': " + why);
      if (!times.empty() && *t <= times.back()) return usage_error("--at: times must increase");
      times.push_back(*t);
    }
    for (const std::string& c : o.clicks) {
      const auto at = c.find('@'), comma = c.find(',');
      viz::ui::Click click;
      std::optional<double> t = at == std::string::npos ? std::nullopt : duration_option(c.substr(0, at), &why);
      char* end = nullptr;
      if (t && comma != std::string::npos && comma > at) {
        click.x = std::strtof(c.c_str() + at + 1, &end);
        if (end == c.c_str() + comma) click.y = std::strtof(c.c_str() + comma + 1, &end);
      }
      if (!t || end == nullptr || *end != '\0' || std::find(times.begin(), times.end(), *t) == times.end())
        return usage_error("--click: expected T@X,Y with T one of the --at times, got '" + c + "'");
      click.at_s = *t;
      clicks.push_back(click);
    }
  } else if (!o.at.empty() || !o.out_dir.empty() || !o.clicks.empty()) {
    return usage_error("--at and --out need --headless");
  }
  std::vector<viz::Command> replay;
  if (!o.replay.empty()) {
    std::ifstream in(o.replay, std::ios::binary);
    if (!in) return input_error("cannot read " + o.replay);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    viz::ScriptResult script = viz::parse_script(text, o.replay);
    if (script.error) return input_error(*script.error);
    replay = std::move(script.commands);
  }
  int width = 0, height = 0, code = 0;
  auto session = open_session(o.file, o.seed, o.until, o.budget_ms, o.size, &width, &height, &code);
  if (!session) return code;
  std::string error;
  session->set_speed(o.speed);
  session->set_replay(std::move(replay));

  viz::ui::WindowOptions wo;
  wo.width = width, wo.height = height, wo.font_px = o.font_px, wo.play = o.play, wo.bench_frames = o.bench_frames;
  wo.clicks = clicks;
  AtomicBatch batch;
  std::vector<std::string> wrote;
  if (o.headless) {
    std::vector<viz::ui::Picture> pictures;
    error = viz::ui::render_pictures(*session, times, wo, &pictures);
    if (!error.empty()) return input_error(error);
    if (std::string why = make_output_dir(o.out_dir); !why.empty()) return input_error(why);
    for (std::size_t i = 0; i < pictures.size(); ++i) {
      const viz::ui::Picture& p = pictures[i];
      // Named by the time asked for: a run with nothing left to do stops its clock earlier.
      const std::string base = o.out_dir + "/" + picture_name(times[i]);
      batch.add(base + ".png", p.png);
      batch.add(base + ".json", p.layout_json);
      wrote.push_back(base + ".png");
    }
  } else {
    viz::ui::BenchResult bench;
    error = viz::ui::run_window(*session, wo, o.bench_frames > 0 ? &bench : nullptr);
    if (!error.empty()) return input_error(error);
    if (o.bench_frames > 0) {
      std::printf("%s: %d frames at x%g (engine at most %.1f ms a frame), %zu hosts, %zu guests\n",
                  session->scenario().name.c_str(), bench.frames, session->speed(), o.budget_ms,
                  session->world().hosts().size(), session->world().guests().size());
      std::printf("frame time: mean %.2f ms, p50 %.2f ms, p95 %.2f ms, max %.2f ms (frame %d)\n", 1e3 * bench.mean_s,
                  1e3 * bench.p50_s, 1e3 * bench.p95_s, 1e3 * bench.max_s, bench.max_frame);
      std::printf("  of which (means): snapshot + UI build %.2f ms, OpenGL drawing %.2f ms, buffer swap %.2f ms, "
                  "waiting for the engine to stop %.2f ms\n",
                  1e3 * bench.build_mean_s, 1e3 * bench.gl_mean_s, 1e3 * bench.swap_mean_s, 1e3 * bench.wait_mean_s);
      std::printf("  the engine, on its own thread while each frame is drawn: %.2f ms a frame\n", 1e3 * bench.engine_mean_s);
      std::printf("simulated %.1f s in %.2f s of frames (%.0f simulated s per real s); renderer: %s\n",
                  bench.simulated_s, bench.mean_s * bench.frames, bench.simulated_s / (bench.mean_s * bench.frames),
                  bench.renderer.c_str());
      std::printf("60 fps target (16 ms a frame): %s\n", bench.p95_s <= 0.016 ? "met at p95" : "MISSED at p95");
      if (!session->finished())
        std::printf("simulation speed target (x%g): %s\n", session->speed(),
                    bench.simulated_s >= 0.99 * session->speed() * bench.mean_s * bench.frames ? "kept up" : "FELL BEHIND");
    }
  }
  for (const std::string& why : session->refusals()) std::cerr << "vzlab: " << why << "\n";
  if (!o.record.empty()) {
    batch.add(o.record, viz::format_script(session->applied(), o.file));
    wrote.push_back(o.record + " (" + std::to_string(session->applied().size()) + " commands)");
  }
  if (!batch.commit(&error)) return input_error(error);
  for (const auto& w : wrote) std::cout << "wrote " << w << "\n";
  return 0;
#endif
}

int run_plot(const PlotOptions& o) {
#ifndef VZLAB_HAVE_VIZ_UI
  (void)o;
  return input_error("built without Dear ImGui; run scripts/install-deps.sh and rebuild");
#else
  int width = 0, height = 0, code = 0;
  auto session = open_session(o.file, o.seed, o.until, 8, o.size, &width, &height, &code);
  if (!session) return code;
  std::string error;
  session->run_to(session->until());  // without an end time: until nothing is left to do
  if (std::string why = make_output_dir(o.out_dir); !why.empty()) return input_error(why);
  AtomicBatch batch;
  std::vector<std::string> names;
  for (auto& [name, png] : viz::ui::render_plots(*session, width, height)) {
    batch.add(o.out_dir + "/" + name, std::move(png));
    names.push_back(o.out_dir + "/" + name);
  }
  if (!batch.commit(&error)) return input_error(error);
  for (const auto& n : names) std::cout << "wrote " << n << "\n";
  return 0;
#endif
}

}  // namespace vzlab::cli
