// The visualizer's window: Dear ImGui panels over a Session, drawn with GLFW
// and OpenGL 3; or, headless, the same view rendered at given simulated
// times into PNG images (works under Xvfb with Mesa's software renderer).
#pragma once

#include <string>
#include <vector>

#include "vzlab/viz/session.hpp"

namespace vzlab::viz::ui {

/// A scripted click of the left button at pixel (x, y), made just after the
/// picture of time at_s is taken (headless pictures only).
struct Click {
  double at_s = 0;
  float x = 0, y = 0;
};

/// How the window opens.
struct WindowOptions {
  int width = 1600, height = 1000;  ///< pixels
  float font_px = 17;               ///< text size (bigger for a projector)
  bool play = false;                ///< start playing at once
  int bench_frames = 0;             ///< > 0: play this many frames without vsync, then close and report
  bool hidden = false;              ///< no visible window (headless pictures)
  std::vector<Click> clicks{};      ///< headless: clicks to make between pictures
};

/// Frame times of a --bench-frames run, seconds.
struct BenchResult {
  int frames = 0;
  double mean_s = 0, p50_s = 0, p95_s = 0, max_s = 0;
  int max_frame = 0;          ///< which frame took max_s (0: the first)
  double engine_mean_s = 0;   ///< engine wall time a frame, on its own thread while GL draws (not part of the frame's sum)
  double build_mean_s = 0;    ///< of the frame: building the snapshot and the UI (no GL)
  double gl_mean_s = 0;       ///< of the frame: OpenGL drawing, to glFinish
  double swap_mean_s = 0;     ///< of the frame: showing it (buffer swap)
  double wait_mean_s = 0;     ///< of the frame: waiting for the engine to stop
  double simulated_s = 0;     ///< simulated time covered
  std::string renderer;       ///< GL_RENDERER
};

/// One rendered picture: PNG bytes and a JSON description of where each
/// host card and guest box was drawn (image pixels, origin top-left).
struct Picture {
  double time_s = 0;
  std::string png;
  std::string layout_json;
};

/// Opens the window and runs until it is closed; "" or why it could not open.
std::string run_window(Session& session, const WindowOptions& options, BenchResult* bench = nullptr);
/// Renders the view at each of `times_s` (increasing) without showing it; "" or what went wrong.
std::string render_pictures(Session& session, const std::vector<double>& times_s, const WindowOptions& options,
                            std::vector<Picture>* out);

}  // namespace vzlab::viz::ui
