// The text report of the run so far, exactly as `vzlab run` prints it;
// rebuilt every two seconds of real time while playing, at once when
// paused, or on demand.
#include "viewer.hpp"

namespace vzlab::viz::ui {

void draw_metrics(Viewer& v, const Rect& r) {
  begin_panel("Metrics (the text report so far)", r, ImGuiWindowFlags_HorizontalScrollbar);
  const double now_real = ImGui::GetTime();
  const bool stale = v.report_at_sim != v.session.now() && (now_real - v.report_at_real > 2.0 || !v.session.playing());
  if (ImGui::SmallButton("refresh") || stale || v.report.empty()) {
    v.report = v.session.report_text();
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
