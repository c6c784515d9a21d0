// Live charts over simulated time: utilization, latency percentiles,
// availability and energy, drawn as polylines over the session's series.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viewer.hpp"

namespace vzlab::viz::ui {

namespace {

struct Line {
  const Series* series;
  ImU32 colour;
};

void chart(const char* title, std::initializer_list<Line> lines, const Rect& box, double t0, double t1,
           double fixed_max = 0) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRect({box.x, box.y}, {box.x + box.w, box.y + box.h}, IM_COL32(60, 64, 76, 255), 3);
  double top = fixed_max;
  for (const Line& l : lines) top = std::max(top, l.series->max_value());
  if (top <= 0) top = 1;
  const float th = ImGui::GetFontSize();
  const Rect plot{box.x + 4, box.y + th + 4, box.w - 8, box.h - th - 8};
  char label[96];
  std::snprintf(label, sizeof label, "%s  (max %.3g)", title, top);
  dl->AddText({box.x + 5, box.y + 2}, IM_COL32(210, 214, 222, 255), label);
  const double span = std::max(t1 - t0, 1e-9);
  std::vector<ImVec2> pts;
  for (const Line& l : lines) {
    const auto& t = l.series->times();
    const auto& v = l.series->values();
    pts.clear();
    // At most one point per two pixel columns: more only costs triangles.
    const std::size_t step = std::max<std::size_t>(1, t.size() / std::max<std::size_t>(1, static_cast<std::size_t>(plot.w / 2)));
    for (std::size_t i = 0; i < t.size(); i += step)
      pts.push_back({plot.x + static_cast<float>((t[i] - t0) / span) * plot.w,
                     plot.y + plot.h - static_cast<float>(v[i] / top) * plot.h});
    if (pts.size() >= 2) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), l.colour, 0, 1.5f);
    else if (pts.size() == 1) dl->AddCircleFilled(pts[0], 2.5f, l.colour);
  }
}

}  // namespace

void draw_charts(Viewer& v, const Rect& r) {
  const Charts& c = v.session.charts();
  begin_panel("Charts over simulated time", r, ImGuiWindowFlags_NoScrollbar);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float th = ImGui::GetTextLineHeight();
  const float w = (avail.x - 6) / 2, h = (avail.y - th - 8) / 2;
  const double t1 = std::max(v.session.now(), c.interval_s);
  chart("CPU utilization %", {{&c.utilization, IM_COL32(110, 200, 120, 255)}}, {o.x, o.y, w, h}, 0, t1, 100);
  chart("latency ms: p50 p95 p99",
        {{&c.p50, IM_COL32(120, 180, 240, 255)}, {&c.p95, IM_COL32(240, 190, 70, 255)},
         {&c.p99, IM_COL32(235, 90, 80, 255)}},
        {o.x + w + 6, o.y, w, h}, 0, t1);
  chart("guests serving %", {{&c.availability, IM_COL32(90, 200, 220, 255)}}, {o.x, o.y + h + 6, w, h}, 0, t1, 100);
  chart("energy kWh", {{&c.energy, IM_COL32(220, 160, 90, 255)}}, {o.x + w + 6, o.y + h + 6, w, h}, 0, t1);
  ImGui::SetCursorScreenPos({o.x, o.y + 2 * h + 10});
  ImGui::TextDisabled("0 .. %s, a sample every %.3g s", clock_text(t1).c_str(), c.interval_s);
  ImGui::End();
}

}  // namespace vzlab::viz::ui
