#include "vzlab/viz/ui/plot.hpp"

#include <imgui.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "viewer.hpp"
#include "vzlab/hv/report/run_report.hpp"

namespace vzlab::viz::ui {

namespace {

struct Vtx {
  float x, y, u, v;
  float c[4];  // r, g, b, a in [0, 1]
};

Vtx vertex(const ImDrawVert& d) {
  Vtx v{d.pos.x, d.pos.y, d.uv.x, d.uv.y, {}};
  for (int k = 0; k < 4; ++k) v.c[k] = static_cast<float>((d.col >> (8 * k)) & 0xff) / 255.0f;
  return v;
}

// Edge function of the directed edge p0 -> p1 at (x, y): > 0 on the inner
// side of a triangle whose edge functions are positive inside.
float edge(const Vtx& p0, const Vtx& p1, float x, float y) {
  return (p1.x - p0.x) * (y - p0.y) - (p1.y - p0.y) * (x - p0.x);
}

// A pixel centre exactly on an edge belongs to one of the two triangles
// sharing that edge: the one that runs the edge downwards (or rightwards when
// flat); the other runs it the opposite way.
bool owns(const Vtx& p0, const Vtx& p1) { return p1.y > p0.y || (p1.y == p0.y && p1.x > p0.x); }

void triangle(const Vtx& a, const Vtx& b_in, const Vtx& c_in, const ImVec4& clip, const unsigned char* atlas, int aw,
              int ah, RgbImage* img) {
  float area = edge(a, b_in, c_in.x, c_in.y);
  if (std::fabs(area) < 1e-12f) return;
  const bool flip = area < 0;  // make the edge functions positive inside
  const Vtx& b = flip ? c_in : b_in;
  const Vtx& c = flip ? b_in : c_in;
  area = std::fabs(area);
  const bool own_bc = owns(b, c), own_ca = owns(c, a), own_ab = owns(a, b);
  const int x0 = std::max({0, static_cast<int>(std::floor(std::min({a.x, b.x, c.x}))), static_cast<int>(clip.x)});
  const int x1 = std::min({img->width - 1, static_cast<int>(std::ceil(std::max({a.x, b.x, c.x}))), static_cast<int>(clip.z) - 1});
  const int y0 = std::max({0, static_cast<int>(std::floor(std::min({a.y, b.y, c.y}))), static_cast<int>(clip.y)});
  const int y1 = std::min({img->height - 1, static_cast<int>(std::ceil(std::max({a.y, b.y, c.y}))), static_cast<int>(clip.w) - 1});
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) {
      const float px = static_cast<float>(x) + 0.5f, py = static_cast<float>(y) + 0.5f;
      const float ea = edge(b, c, px, py), eb = edge(c, a, px, py), ec = edge(a, b, px, py);
      if (ea < 0 || eb < 0 || ec < 0) continue;
      if ((ea == 0 && !own_bc) || (eb == 0 && !own_ca) || (ec == 0 && !own_ab)) continue;
      const float wa = ea / area, wb = eb / area, wc = ec / area;
      const float u = wa * a.u + wb * b.u + wc * c.u, v = wa * a.v + wb * b.v + wc * c.v;
      const int tx = std::clamp(static_cast<int>(u * static_cast<float>(aw)), 0, aw - 1);
      const int ty = std::clamp(static_cast<int>(v * static_cast<float>(ah)), 0, ah - 1);
      const float tex = static_cast<float>(atlas[ty * aw + tx]) / 255.0f;
      const float alpha = (wa * a.c[3] + wb * b.c[3] + wc * c.c[3]) * tex;
      unsigned char* p = &img->rgb[(static_cast<std::size_t>(y) * static_cast<std::size_t>(img->width) + static_cast<std::size_t>(x)) * 3];
      for (int k = 0; k < 3; ++k) {
        const float src = wa * a.c[k] + wb * b.c[k] + wc * c.c[k];
        const float out = src * alpha + static_cast<float>(p[k]) / 255.0f * (1 - alpha);
        p[k] = static_cast<unsigned char>(std::lround(std::clamp(out, 0.0f, 1.0f) * 255));
      }
    }
}

// A Dear ImGui context of its own with the fonts the window uses; restores
// the previous context when it ends.
class SoftContext {
 public:
  SoftContext(int w, int h) : previous_(ImGui::GetCurrentContext()), ctx_(ImGui::CreateContext()) {
    ImGui::SetCurrentContext(ctx_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = {static_cast<float>(w), static_cast<float>(h)};
    io.DeltaTime = 1.0f / 60;
    static const ImWchar ranges[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0};
    const char* sans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    if (std::filesystem::exists(sans)) {
      io.Fonts->AddFontFromFileTTF(sans, 17, nullptr, ranges);
    } else {
      ImFontConfig cfg;
      cfg.SizePixels = 17;
      io.Fonts->AddFontDefault(&cfg);
    }
    io.Fonts->GetTexDataAsAlpha8(&atlas_, &atlas_w_, &atlas_h_);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(1)));
  }
  ~SoftContext() {
    ImGui::DestroyContext(ctx_);
    ImGui::SetCurrentContext(previous_);
  }
  SoftContext(const SoftContext&) = delete;
  SoftContext& operator=(const SoftContext&) = delete;

  // Draws one frame with `draw` (given the window's draw list) into a new image.
  template <typename F>
  RgbImage frame(F draw) {
    ImGui::NewFrame();
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos({0, 0});
    ImGui::SetNextWindowSize(size);
    ImGui::Begin("plot", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground);
    draw(ImGui::GetWindowDrawList());
    ImGui::End();
    ImGui::Render();
    RgbImage img{static_cast<int>(size.x), static_cast<int>(size.y), {}};
    img.rgb.resize(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height) * 3);
    for (std::size_t i = 0; i < img.rgb.size(); i += 3) img.rgb[i] = 16, img.rgb[i + 1] = 17, img.rgb[i + 2] = 20;
    rasterize(*ImGui::GetDrawData(), atlas_, atlas_w_, atlas_h_, &img);
    return img;
  }

 private:
  ImGuiContext* previous_;
  ImGuiContext* ctx_;
  unsigned char* atlas_ = nullptr;
  int atlas_w_ = 0, atlas_h_ = 0;
};

}  // namespace

void rasterize(const ImDrawData& data, const unsigned char* atlas, int atlas_w, int atlas_h, RgbImage* image) {
  for (int n = 0; n < data.CmdListsCount; ++n) {
    const ImDrawList* list = data.CmdLists[n];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback != nullptr) continue;
      for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
        const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset + i;
        const ImDrawVert* v = list->VtxBuffer.Data + cmd.VtxOffset;
        triangle(vertex(v[idx[0]]), vertex(v[idx[1]]), vertex(v[idx[2]]), cmd.ClipRect, atlas, atlas_w, atlas_h,
                 image);
      }
    }
  }
}

std::string encode_png(const RgbImage& image) {
  std::string png;
  stbi_flip_vertically_on_write(0);
  stbi_write_png_to_func(
      [](void* ctx, void* data, int size) {
        static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
      },
      &png, image.width, image.height, 3, image.rgb.data(), image.width * 3);
  return png;
}

std::vector<std::pair<std::string, std::string>> render_plots(const Session& session, int width, int height) {
  std::vector<std::pair<std::string, std::string>> files;
  SoftContext soft(width, height);
  const Charts& c = session.charts();
  const double t1 = std::max(session.now(), c.interval_s);
  const float w = (static_cast<float>(width) - 30) / 2, h = (static_cast<float>(height) - 30) / 2;
  files.emplace_back("charts.png", encode_png(soft.frame([&](ImDrawList* dl) {
    draw_chart(dl, "CPU utilization %", {{&c.utilization, IM_COL32(110, 200, 120, 255)}}, {10, 10, w, h}, 0, t1, 100);
    draw_chart(dl, "latency ms: p50 p95 p99",
               {{&c.p50, IM_COL32(120, 180, 240, 255)}, {&c.p95, IM_COL32(240, 190, 70, 255)},
                {&c.p99, IM_COL32(235, 90, 80, 255)}},
               {20 + w, 10, w, h}, 0, t1);
    draw_chart(dl, "guests serving %", {{&c.availability, IM_COL32(90, 200, 220, 255)}}, {10, 20 + h, w, h}, 0, t1, 100);
    const std::string power = power_title(c);
    draw_chart(dl, power.c_str(), {{&c.power, IM_COL32(220, 160, 90, 255)}}, {20 + w, 20 + h, w, h}, 0, t1);
  })));
  // The report's network series: the six busiest links and devices, one chart each.
  if (session.world().has_network()) {
    const hv::report::NetworkReport net = hv::report::network_report(session.world(), session.now());
    std::vector<const hv::report::Series*> busiest;
    for (const auto& s : net.series) busiest.push_back(&s);
    auto total = [](const hv::report::Series* s) {
      double sum = 0;
      for (const auto& p : s->rate_Bps) sum += p.second;
      return sum;
    };
    std::stable_sort(busiest.begin(), busiest.end(), [&](auto* a, auto* b) { return total(a) > total(b); });
    busiest.resize(std::min<std::size_t>(busiest.size(), 6));
    std::vector<std::unique_ptr<Series>> lines;
    for (const auto* s : busiest) {
      lines.push_back(std::make_unique<Series>(s->name, 4096));
      for (const auto& [t, r] : s->rate_Bps) lines.back()->push(t, r / 1e6);
    }
    if (!lines.empty())
      files.emplace_back("network.png", encode_png(soft.frame([&](ImDrawList* dl) {
        const float cw = (static_cast<float>(width) - 40) / 3;
        for (std::size_t i = 0; i < lines.size(); ++i) {
          const std::string title = busiest[i]->kind + " " + busiest[i]->name + ": MB/s";
          draw_chart(dl, title.c_str(), {{lines[i].get(), IM_COL32(120, 180, 240, 255)}},
                     {10 + static_cast<float>(i % 3) * (cw + 10), 10 + static_cast<float>(i / 3) * (h + 10), cw, h}, 0,
                     t1);
        }
      })));
  }
  return files;
}

}  // namespace vzlab::viz::ui
