// The text report of the run so far, exactly as `vzlab run` prints it;
// rebuilt every two seconds of real time while playing (less often when
// building it is slow), at once when paused, or on demand.
#include <algorithm>
#include <chrono>

#include "viewer.hpp"

namespace vzlab::viz::ui {

void draw_metrics(Viewer& v, const Rect& r) {
  begin_panel("Metrics (the text report so far)", r, ImGuiWindowFlags_HorizontalScrollbar);
  const double now_real = ImGui::GetTime();
  // A big world's report takes a while to build: wait at least 50 times as
  // long as the last one took, so building it never costs more than 2 % of the frames.
  const double every = std::max(2.0, 50 * v.report_cost_s);
  const bool stale = v.report_at_sim != v.session.now() && (now_real - v.report_at_real > every || !v.session.playing());
  if (ImGui::SmallButton("refresh") || stale || v.report.empty()) {
    const auto t0 = std::chrono::steady_clock::now();
    v.report = v.session.report_text();
    v.report_cost_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    v.report_at_real = now_real;
    v.report_at_sim = v.session.now();
  }
  ImGui::SameLine();
  ImGui::TextDisabled("as of t = %.1f s", v.report_at_sim);
  if (v.mono != nullptr) ImGui::PushFont(v.mono);
  ImGui::TextUnformatted(v.report.c_str());
  if (v.mono != nullptr) ImGui::PopFont();
  ImGui::End();
}

}  // namespace vzlab::viz::ui
