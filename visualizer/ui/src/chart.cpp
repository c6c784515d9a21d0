// One chart: lines of (time, value) series over a time range, scaled to
// their largest value (or a fixed top), with a title. Shared by the charts
// panel and `vzlab plot`.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viewer.hpp"

namespace vzlab::viz::ui {

void draw_chart(ImDrawList* dl, const char* title, std::initializer_list<ChartLine> lines, const Rect& box, double t0,
                double t1, double fixed_max) {
  dl->AddRect({box.x, box.y}, {box.x + box.w, box.y + box.h}, IM_COL32(60, 64, 76, 255), 3);
  double top = fixed_max;
  for (const ChartLine& l : lines) top = std::max(top, l.series->max_value());
  if (top <= 0) top = 1;
  const float th = ImGui::GetFontSize();
  const Rect plot{box.x + 4, box.y + th + 4, box.w - 8, box.h - th - 8};
  char label[192];
  // The time range when it fits beside the title, else the largest value only.
  std::snprintf(label, sizeof label, "%s  (max %.3g; t from %s to %s)", title, top, clock_text(t0).c_str(),
                clock_text(t1).c_str());
  if (ImGui::CalcTextSize(label).x > box.w - 10) std::snprintf(label, sizeof label, "%s  (max %.3g)", title, top);
  dl->PushClipRect({box.x, box.y}, {box.x + box.w, box.y + box.h}, true);
  dl->AddText({box.x + 5, box.y + 2}, IM_COL32(210, 214, 222, 255), label);
  dl->PopClipRect();
  const double span = std::max(t1 - t0, 1e-9);
  std::vector<ImVec2> pts;
  for (const ChartLine& l : lines) {
    const auto& t = l.series->times();
    const auto& v = l.series->values();
    pts.clear();
    // At most about one point per pixel column: each bucket of samples is
    // drawn as its lowest and highest value, so a short peak never vanishes.
    const std::size_t step = std::max<std::size_t>(1, t.size() / std::max<std::size_t>(1, static_cast<std::size_t>(plot.w / 2)));
    auto at = [&](std::size_t i) {
      return ImVec2{plot.x + static_cast<float>((t[i] - t0) / span) * plot.w,
                    plot.y + plot.h - static_cast<float>(v[i] / top) * plot.h};
    };
    for (std::size_t i = 0; i < t.size(); i += step) {
      const std::size_t end = std::min(t.size(), i + step);
      std::size_t lo = i, hi = i;
      for (std::size_t k = i; k < end; ++k) {
        if (v[k] < v[lo]) lo = k;
        if (v[k] > v[hi]) hi = k;
      }
      pts.push_back(at(std::min(lo, hi)));
      if (lo != hi) pts.push_back(at(std::max(lo, hi)));
    }
    if (pts.size() >= 2) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), l.colour, 0, 1.5f);
    else if (pts.size() == 1) dl->AddCircleFilled(pts[0], 2.5f, l.colour);
  }
}

std::string power_title(const Charts& c) {
  char title[64];
  std::snprintf(title, sizeof title, "power kW, %.3g kWh used", c.energy_kWh);
  return title;
}

}  // namespace vzlab::viz::ui
