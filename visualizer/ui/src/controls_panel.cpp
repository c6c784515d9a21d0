// Time control: play, pause, one event, speed, jump; the simulated clock;
// the status line and the colour legend.
#include <cmath>
#include <cstdio>

#include "viewer.hpp"

namespace vzlab::viz::ui {

void draw_controls(Viewer& v, const Rect& r) {
  Session& s = v.session;
  begin_panel("controls", r, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
  if (ImGui::Button(s.playing() ? "Pause" : "Play ", {70, 0})) s.set_playing(!s.playing());
  ImGui::SameLine();
  if (ImGui::Button("Step")) s.step();
  ImGui::SameLine();
  // The speed is written beside the slider, not on it, where the grab would cover it.
  ImGui::SetNextItemWidth(160);
  float speed = static_cast<float>(s.speed());
  if (ImGui::SliderFloat("##speed", &speed, static_cast<float>(kMinSpeed), static_cast<float>(kMaxSpeed), "",
                         ImGuiSliderFlags_Logarithmic))
    s.set_speed(speed);
  ImGui::SameLine();
  ImGui::Text(s.speed() < 10 ? "x%-7.1f" : "x%-7.0f", s.speed());
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  ImGui::InputDouble("##jump", &v.jump_edit, 0, 0, "%.0f s");
  ImGui::SameLine();
  if (ImGui::Button("Jump")) s.jump_to(v.jump_edit);
  ImGui::SameLine();
  // The clock, always visible: simulated time of the world, and the end.
  char clock[160];
  std::snprintf(clock, sizeof clock, "t = %s  (%.1f s)%s%s", clock_text(s.now()).c_str(), s.now(),
                std::isfinite(s.until()) ? ("  of " + clock_text(s.until())).c_str() : "",
                s.finished() ? "  finished" : s.target() > s.now() + 1e-9 && s.playing() ? "  (engine catching up)" : "");
  ImGui::TextUnformatted(clock);
  ImGui::SameLine();
  ImGui::TextDisabled("| %s", s.scenario().name.c_str());

  // Second line: legend and status.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (int k = 0; k < kGuestStates; ++k) {
    const auto st = static_cast<GuestState>(k);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float side = ImGui::GetTextLineHeight() - 2;
    dl->AddRectFilled({p.x, p.y + 1}, {p.x + side, p.y + 1 + side}, im(guest_color(st)), 2);
    ImGui::Dummy({side, side});
    ImGui::SameLine();
    ImGui::Text("%s %llu", state_name(st), static_cast<unsigned long long>(s.snapshot().state_counts[k]));
    ImGui::SameLine(0, 14);
  }
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float side = ImGui::GetTextLineHeight() - 2;
  dl->AddRectFilled({p.x, p.y + 1}, {p.x + side, p.y + 1 + side}, im(down_color()), 2);
  ImGui::Dummy({side, side});
  ImGui::SameLine();
  ImGui::TextUnformatted("host down");
  ImGui::SameLine(0, 24);
  const std::string& status = v.click_status.empty() ? s.status() : v.click_status;
  if (v.interaction.picked()) ImGui::TextColored({1, 0.85f, 0.3f, 1}, "%s  (Esc cancels)", status.c_str());
  else ImGui::TextUnformatted(status.c_str());
  if (!s.status().empty() && !v.click_status.empty() && s.status() != v.click_status) {
    ImGui::SameLine(0, 16);
    ImGui::TextDisabled("%s", s.status().c_str());
  }
  ImGui::End();
}

}  // namespace vzlab::viz::ui
