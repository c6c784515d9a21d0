#include "viewer.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace vzlab::viz::ui {

Viewer::Viewer(Session& s, ImFont* mono_font) : session(s), mono(mono_font) {
  const Snapshot& snap = s.snapshot();
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  for (const LinkView& l : snap.links) edges.emplace_back(l.a, l.b);
  node_unit = graph_layout(snap.nodes.empty() ? snap.hosts.size() : snap.nodes.size(), edges);
  for (const ServiceView& sv : snap.services) rate_edit.push_back(sv.rate_per_s);
  moves_seen = s.tracker().moves().size();
  generation = s.generation();
  // Room for twice the busiest host's guests: failover piles them up elsewhere.
  std::size_t most = 1;
  for (const HostView& h : snap.hosts) most = std::max<std::size_t>(most, h.count);
  guests_per_host = std::min<std::size_t>(2 * most, 12);
}

void Viewer::click(const Target& t) {
  if (auto c = interaction.click(t, session.snapshot(), &click_status)) session.submit(*c);
}

bool begin_panel(const char* title, const Rect& r, ImGuiWindowFlags extra) {
  ImGui::SetNextWindowPos({r.x, r.y}, ImGuiCond_Always);
  ImGui::SetNextWindowSize({r.w, r.h}, ImGuiCond_Always);
  return ImGui::Begin(title, nullptr,
                      ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                          ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus | extra);
}

std::string clock_text(double t) {
  if (!std::isfinite(t)) return "--:--:--";
  const auto whole = static_cast<long long>(std::floor(t));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%06.3f", whole / 3600, whole / 60 % 60, t - static_cast<double>(whole / 60 * 60));
  return buf;
}

void Viewer::draw(float w, float h) {
  drawn_cards_.clear();
  drawn_boxes_.clear();
  if (generation != session.generation()) {  // rewound: a new world, same platform
    generation = session.generation();
    moves_seen = session.tracker().moves().size();
    animating.clear();
    interaction.cancel();
    report.clear();
  }
  // Keys: space play/pause, right arrow or S one event, +/- speed, Esc drop a picked guest.
  ImGuiIO& io = ImGui::GetIO();
  if (!io.WantTextInput) {
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) session.set_playing(!session.playing());
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow)) || ImGui::IsKeyPressed(GLFW_KEY_S))
      session.step();
    if (ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD))
      session.set_speed(session.speed() * 2);
    if (ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT))
      session.set_speed(session.speed() / 2);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false) && interaction.picked()) {
      interaction.cancel();
      click_status = "migration cancelled";
    }
  }
  const bool services = !session.snapshot().services.empty();
  const PanelLayout l = PanelLayout::for_display(w, h, services);
  draw_controls(*this, l.controls);
  draw_topology(*this, l.topology);
  if (services) draw_services(*this, l.services);
  draw_charts(*this, l.charts);
  draw_event_log(*this, l.events);
  draw_metrics(*this, l.metrics);
  draw_hosts(*this, l.hosts);  // last: its animation draws over the other panels
}

std::string Viewer::layout_json(int width, int height) const {
  const Snapshot& s = session.snapshot();
  nlohmann::ordered_json j;
  j["time_s"] = s.time_s;
  j["width"] = width;
  j["height"] = height;
  auto rect = [](const Rect& r) { return nlohmann::json::array({r.x, r.y, r.w, r.h}); };
  j["hosts"] = nlohmann::json::array();
  for (const Drawn& d : drawn_cards_) {
    const HostView& hv = s.hosts[d.index];
    j["hosts"].push_back({{"name", *hv.name}, {"up", hv.up}, {"card", rect(d.rect)}});
  }
  j["guests"] = nlohmann::json::array();
  for (const Drawn& d : drawn_boxes_) {
    const GuestView& g = s.guests[d.index];
    j["guests"].push_back({{"name", *g.name},
                           {"host", *s.hosts[g.host].name},
                           {"state", state_name(g.state)},
                           {"box", rect(d.rect)}});
  }
  return j.dump(1) + "\n";
}

}  // namespace vzlab::viz::ui
