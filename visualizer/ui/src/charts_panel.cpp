// Live charts over simulated time: utilization, latency percentiles,
// availability and power (with the energy so far), drawn as polylines over the session's series.
#include <algorithm>

#include "viewer.hpp"

namespace vzlab::viz::ui {

void draw_charts(Viewer& v, const Rect& r) {
  const Charts& c = v.session.charts();
  begin_panel("Charts over simulated time", r, ImGuiWindowFlags_NoScrollbar);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float th = ImGui::GetTextLineHeight();
  const float w = (avail.x - 6) / 2, h = (avail.y - th - 8) / 2;
  const double t1 = std::max(v.session.now(), c.interval_s);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_chart(dl, "CPU utilization %", {{&c.utilization, IM_COL32(110, 200, 120, 255)}}, {o.x, o.y, w, h}, 0, t1, 100);
  draw_chart(dl, "latency ms: p50 p95 p99",
             {{&c.p50, IM_COL32(120, 180, 240, 255)}, {&c.p95, IM_COL32(240, 190, 70, 255)},
              {&c.p99, IM_COL32(235, 90, 80, 255)}},
             {o.x + w + 6, o.y, w, h}, 0, t1);
  draw_chart(dl, "guests serving %", {{&c.availability, IM_COL32(90, 200, 220, 255)}}, {o.x, o.y + h + 6, w, h}, 0, t1, 100);
  const std::string power = power_title(c);
  draw_chart(dl, power.c_str(), {{&c.power, IM_COL32(220, 160, 90, 255)}}, {o.x + w + 6, o.y + h + 6, w, h}, 0, t1);
  ImGui::SetCursorScreenPos({o.x, o.y + 2 * h + 10});
  ImGui::TextDisabled("0 .. %s, a sample every %.3g s", clock_text(t1).c_str(), c.interval_s);
  ImGui::End();
}

}  // namespace vzlab::viz::ui
