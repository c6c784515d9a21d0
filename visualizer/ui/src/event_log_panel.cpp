// The event stream's last events, newest first, filtered by kind and by
// subject name.
#include <cstdio>

#include "viewer.hpp"

namespace vzlab::viz::ui {

void draw_event_log(Viewer& v, const Rect& r) {
  const EventLog& log = v.session.log();
  begin_panel("Event log", r);
  const std::uint32_t kinds = log.kinds_seen();
  if (v.kind_shown.size() < kinds) {
    const std::size_t old = v.kind_shown.size();
    v.kind_shown.resize(kinds, true);
    for (std::size_t k = old; k < kinds; ++k)  // task events flood the log: off until asked for
      if (log.stream().kind_name(static_cast<std::uint32_t>(k)).rfind("task.", 0) == 0) v.kind_shown[k] = false;
  }
  ImGui::SetNextItemWidth(160);
  ImGui::InputTextWithHint("##subject", "subject contains", v.subject_filter, sizeof v.subject_filter);
  ImGui::SameLine();
  if (ImGui::BeginCombo("##kinds", "kinds", ImGuiComboFlags_HeightLarge)) {
    for (std::uint32_t k = 0; k < kinds; ++k) {
      bool on = v.kind_shown[k];
      if (ImGui::Checkbox(log.stream().kind_name(k).c_str(), &on)) v.kind_shown[k] = on;
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%llu events", static_cast<unsigned long long>(log.total()));
  const std::vector<std::size_t> rows = log.filter(v.kind_shown, v.subject_filter, 2000);
  ImGui::BeginChild("##rows");
  if (v.mono != nullptr) ImGui::PushFont(v.mono);
  ImGuiListClipper clip;
  clip.Begin(static_cast<int>(rows.size()));
  while (clip.Step())
    for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
      const LoggedEvent& e = log.at(rows[static_cast<std::size_t>(i)]);
      const std::string line = log.format(e);
      const std::string& kind = log.stream().kind_name(e.kind);
      const bool bad = kind == "host.crash" || kind == "guest.down" || kind == "component.down";
      const bool command = kind == "viz.command";
      if (bad) ImGui::TextColored({1.0f, 0.45f, 0.45f, 1}, "%s", line.c_str());
      else if (command) ImGui::TextColored({1.0f, 0.85f, 0.3f, 1}, "%s", line.c_str());
      else ImGui::TextUnformatted(line.c_str());
    }
  if (v.mono != nullptr) ImGui::PopFont();
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace vzlab::viz::ui
