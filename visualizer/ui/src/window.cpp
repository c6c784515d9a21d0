// The GLFW + OpenGL 3 frame loop (Dear ImGui's standard one), headless
// capture with glReadPixels and stb_image_write, and the frame-time bench.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <GL/gl.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <numeric>
#include <thread>

#include "viewer.hpp"
#include "vzlab/viz/ui/window.hpp"

namespace vzlab::viz::ui {

namespace {

std::string glfw_error;

// GLFW, a window with an OpenGL 3 context, and Dear ImGui over it; torn
// down in reverse order.
class Context {
 public:
  ~Context() {
    if (imgui_) {
      ImGui_ImplOpenGL3_Shutdown();
      ImGui_ImplGlfw_Shutdown();
      ImGui::DestroyContext();
    }
    if (window_ != nullptr) glfwDestroyWindow(window_);
    if (glfw_) glfwTerminate();
  }

  // "" or why not.
  std::string open(const WindowOptions& o, const std::string& title) {
    glfwSetErrorCallback([](int, const char* what) { glfw_error = what; });
    if (glfwInit() == GLFW_FALSE)
      return "cannot start GLFW (" + glfw_error + "); is there a display? (headless: run under xvfb-run -a)";
    glfw_ = true;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    glfwWindowHint(GLFW_VISIBLE, o.hidden ? GLFW_FALSE : GLFW_TRUE);
    window_ = glfwCreateWindow(o.width, o.height, title.c_str(), nullptr, nullptr);
    if (window_ == nullptr) return "cannot open an OpenGL 3 window (" + glfw_error + ")";
    glfwMakeContextCurrent(window_);
    glfwSwapInterval(o.bench_frames > 0 || o.hidden ? 0 : 1);
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    imgui_ = true;
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    const char* sans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    const char* mono = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
    // Latin, and the punctuation and arrows the reports use (dashes, ellipsis).
    static const ImWchar ranges[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0x2190, 0x21FF, 0};
    if (std::filesystem::exists(sans) && std::filesystem::exists(mono)) {
      io.Fonts->AddFontFromFileTTF(sans, o.font_px, nullptr, ranges);
      mono_ = io.Fonts->AddFontFromFileTTF(mono, o.font_px - 2, nullptr, ranges);
    } else {  // ImGui's own bitmap font, scaled
      ImFontConfig cfg;
      cfg.SizePixels = o.font_px;
      io.Fonts->AddFontDefault(&cfg);
    }
    ImGui::StyleColorsDark();
    ImGui::GetStyle().WindowRounding = 0;
    // Panels draw no background of their own: the clear colour is theirs.
    // With a software renderer every blended layer over the window costs
    // about as much as the rest of the frame.
    ImGui::GetStyle().Colors[ImGuiCol_WindowBg].w = 0;
    ImGui_ImplGlfw_InitForOpenGL(window_, true);
    ImGui_ImplOpenGL3_Init("#version 130");
    return "";
  }

  // One frame of the viewer into the back buffer (not yet shown).
  void render(Viewer& v, const Click* mouse = nullptr, bool down = false) {
    build(v, mouse, down);
    draw();
  }

  // Builds the viewer's ImGui draw lists (reads the session); returns the wall time it took.
  double build(Viewer& v, const Click* mouse = nullptr, bool down = false) {
    const auto t0 = std::chrono::steady_clock::now();
    ImGui_ImplOpenGL3_NewFrame();  // makes the font texture on the first call
    if (!nearest_) {
      // Glyphs sit on whole pixels: nearest sampling looks the same and a
      // software renderer does it several times faster than bilinear.
      glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(reinterpret_cast<std::intptr_t>(ImGui::GetIO().Fonts->TexID)));
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
      nearest_ = true;
    }
    ImGui_ImplGlfw_NewFrame();
    if (mouse != nullptr) {  // a scripted pointer replaces the real one
      ImGuiIO& io = ImGui::GetIO();
      io.MousePos = {mouse->x, mouse->y};
      io.MouseDown[0] = down;
    }
    ImGui::NewFrame();
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    v.draw(size.x, size.y);
    ImGui::Render();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  // Turns the last built draw lists into pixels in the back buffer (reads no session state).
  void draw() {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.06f, 0.06f, 0.07f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  }

  // The back buffer as PNG bytes (rows top to bottom).
  std::string capture(int* width, int* height) {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
    glFinish();
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    std::string png;
    stbi_flip_vertically_on_write(1);  // OpenGL's rows run bottom to top
    stbi_write_png_to_func([](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), static_cast<std::size_t>(size)); },
                           &png, w, h, 3, pixels.data(), w * 3);
    *width = w;
    *height = h;
    return png;
  }

  GLFWwindow* window() const { return window_; }
  ImFont* mono() const { return mono_; }

 private:
  bool glfw_ = false, imgui_ = false, nearest_ = false;
  GLFWwindow* window_ = nullptr;
  ImFont* mono_ = nullptr;
};

// Runs the session's engine on a second thread while the main thread turns
// the last frame's draw lists into pixels: the UI is built from a snapshot
// with the engine at rest, then start() lets the engine go on, and finish()
// stops it (within one event) and waits, before the next snapshot. The two
// never touch the session at the same time.
class EngineThread {
 public:
  explicit EngineThread(Session& s) : session_(s), thread_([this] { loop(); }) {}
  EngineThread(const EngineThread&) = delete;
  EngineThread& operator=(const EngineThread&) = delete;
  ~EngineThread() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  // Advances the session by one frame of `real_dt_s` on the engine thread.
  void start(double real_dt_s) {
    std::lock_guard<std::mutex> lock(mutex_);
    dt_ = real_dt_s;
    stop_.store(false);
    busy_ = true;
    wake_.notify_all();
  }

  // Asks the engine to stop now and waits for it; rethrows what it threw.
  void finish() {
    stop_.store(true);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return !busy_; });
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return busy_ || quit_; });
      if (quit_) return;
      const double dt = dt_;
      lock.unlock();
      try {
        session_.advance_frame(dt, &stop_);
      } catch (...) {
        error_ = std::current_exception();
      }
      lock.lock();
      busy_ = false;
      done_.notify_all();
    }
  }

  Session& session_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::atomic<bool> stop_{false};
  double dt_ = 0;
  bool busy_ = false, quit_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace

std::string run_window(Session& session, const WindowOptions& options, BenchResult* bench) {
  Context ctx;
  if (std::string error = ctx.open(options, "vzlab viz - " + session.scenario().name); !error.empty()) return error;
  Viewer viewer(session, ctx.mono());
  session.set_playing(options.play || options.bench_frames > 0);
  EngineThread engine(session);
  using Clock = std::chrono::steady_clock;
  auto last = Clock::now();
  std::vector<double> frame_s, engine_s;
  double build_total = 0, gl_total = 0, swap_total = 0, wait_total = 0;
  const double start_sim = session.now();
  while (glfwWindowShouldClose(ctx.window()) == GLFW_FALSE) {
    const auto t0 = Clock::now();
    glfwPollEvents();
    // The first bench frame advances by one frame's worth, not by the start-up time.
    const double dt = frame_s.empty() && options.bench_frames > 0 ? 1.0 / 60 : std::chrono::duration<double>(t0 - last).count();
    last = t0;
    session.refresh();
    const double build_s = ctx.build(viewer) + session.last_snapshot_s();
    // The engine moves on while this frame is drawn and shown.
    engine.start(std::min(dt, 0.25));
    const auto t_built = Clock::now();
    ctx.draw();
    if (options.bench_frames > 0) glFinish();  // count the rendering itself, not only its submission
    const auto t_drawn = Clock::now();
    glfwSwapBuffers(ctx.window());
    if (options.bench_frames > 0) glFinish();
    const auto t_shown = Clock::now();
    engine.finish();
    if (options.bench_frames > 0) {
      const auto t_end = Clock::now();
      frame_s.push_back(std::chrono::duration<double>(t_end - t0).count());
      engine_s.push_back(session.last_engine_s());
      build_total += build_s;
      gl_total += std::chrono::duration<double>(t_drawn - t_built).count();
      swap_total += std::chrono::duration<double>(t_shown - t_drawn).count();
      wait_total += std::chrono::duration<double>(t_end - t_shown).count();
      if (static_cast<int>(frame_s.size()) >= options.bench_frames) break;
    }
  }
  if (bench != nullptr && !frame_s.empty()) {
    std::vector<double> sorted = frame_s;
    std::sort(sorted.begin(), sorted.end());
    const auto n = static_cast<double>(frame_s.size());
    bench->frames = static_cast<int>(frame_s.size());
    bench->mean_s = std::accumulate(frame_s.begin(), frame_s.end(), 0.0) / n;
    bench->p50_s = sorted[sorted.size() / 2];
    bench->p95_s = sorted[std::min(sorted.size() - 1, sorted.size() * 95 / 100)];
    bench->max_s = sorted.back();
    bench->max_frame = static_cast<int>(std::max_element(frame_s.begin(), frame_s.end()) - frame_s.begin());
    bench->engine_mean_s = std::accumulate(engine_s.begin(), engine_s.end(), 0.0) / n;
    bench->simulated_s = session.now() - start_sim;
    bench->build_mean_s = build_total / n;
    bench->gl_mean_s = gl_total / n;
    bench->swap_mean_s = swap_total / n;
    bench->wait_mean_s = wait_total / n;
    const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    bench->renderer = renderer != nullptr ? renderer : "?";
  }
  return "";
}

std::string render_pictures(Session& session, const std::vector<double>& times_s, const WindowOptions& options,
                            std::vector<Picture>* out) {
  WindowOptions o = options;
  o.hidden = true;
  Context ctx;
  if (std::string error = ctx.open(o, "vzlab viz"); !error.empty()) return error;
  Viewer viewer(session, ctx.mono());
  viewer.animate = false;  // a still picture shows arrows, not a box in flight
  session.set_playing(false);
  for (double t : times_s) {
    session.run_to(t);
    // ImGui settles window sizes and fonts over a couple of frames.
    for (int i = 0; i < 3; ++i) {
      glfwPollEvents();
      session.frame(0);
      ctx.render(viewer);
    }
    Picture p;
    p.time_s = session.now();
    int w = 0, h = 0;
    p.png = ctx.capture(&w, &h);
    if (p.png.empty()) return "cannot encode the picture at t = " + std::to_string(t);
    p.layout_json = viewer.layout_json(w, h);
    out->push_back(std::move(p));
    glfwSwapBuffers(ctx.window());
    // Clicks scripted for this time: hover, press, release, as a hand would;
    // the commands they issue are applied before the next picture.
    for (const Click& c : options.clicks) {
      if (c.at_s != t) continue;
      for (bool down : {false, true, false}) {
        glfwPollEvents();
        session.frame(0);
        ctx.render(viewer, &c, down);
      }
    }
  }
  return "";
}

}  // namespace vzlab::viz::ui
