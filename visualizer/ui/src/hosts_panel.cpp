// Host cards: each host with its CPU and memory bars and its guests as
// boxes coloured by state; only the visible cards are drawn, so 1,000 hosts
// cost what a screenful does. A guest that comes back on another host flies
// there (and an arrow stays for a while), with its downtime counting.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viewer.hpp"

namespace vzlab::viz::ui {

namespace {

constexpr double kFlight_s = 1.5;  // real seconds a failover animation lasts

// Slot of guest g in its host's card.
int slot_of(const Snapshot& s, std::uint32_t g) {
  const HostView& h = s.hosts[s.guests[g].host];
  for (std::uint32_t k = 0; k < h.count; ++k)
    if (s.by_host[h.first + k] == g) return static_cast<int>(k);
  return -1;
}

void arrow(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float width) {
  dl->AddLine(a, b, col, width);
  const float len = std::hypot(b.x - a.x, b.y - a.y);
  if (len < 1) return;
  const ImVec2 u{(b.x - a.x) / len, (b.y - a.y) / len};
  dl->AddTriangleFilled(b, {b.x - 12 * u.x + 6 * u.y, b.y - 12 * u.y - 6 * u.x},
                        {b.x - 12 * u.x - 6 * u.y, b.y - 12 * u.y + 6 * u.x}, col);
}

}  // namespace

void draw_hosts(Viewer& v, const Rect& r) {
  const Snapshot& s = v.session.snapshot();
  char title[96];
  std::snprintf(title, sizeof title, "Hosts (%zu) and guests (%zu)  (click a host: fail / repair; a VM, then a host: migrate)###hosts",
                s.hosts.size(), s.guests.size());
  begin_panel(title, r);
  const float width = ImGui::GetContentRegionAvail().x;
  const CardGrid grid = CardGrid::for_panel(s.hosts.size(), v.guests_per_host, width - 4,
                                            ImGui::GetContentRegionAvail().y);
  const bool compact = s.hosts.size() > 48;
  const ImVec2 origin = ImGui::GetCursorScreenPos();  // moves up as the panel scrolls
  ImGui::Dummy({width, grid.height(s.hosts.size())});
  const float top = ImGui::GetScrollY();
  const float view_h = ImGui::GetWindowHeight();
  const auto [first, last] = grid.visible(top, view_h, s.hosts.size());
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec4 clip = dl->GetClipRectMax().y > 0 ? ImVec4(dl->GetClipRectMin().x, dl->GetClipRectMin().y,
                                                         dl->GetClipRectMax().x, dl->GetClipRectMax().y)
                                                 : ImVec4(0, 0, 0, 0);
  auto at = [&](Rect q) { return Rect{q.x + origin.x, q.y + origin.y, q.w, q.h}; };
  auto inside = [&](const Rect& q) { return q.y >= clip.y && q.y + q.h <= clip.w; };
  ImFont* font = ImGui::GetFont();
  const float small = compact ? 11.0f : 13.0f;
  const ImU32 text = IM_COL32(235, 238, 245, 255);
  for (std::size_t i = first; i < last; ++i) {
    const HostView& h = s.hosts[i];
    const Rect c = at(grid.card(i));
    // A running host's card is an outline with a filled name strip, a dead
    // host's card is filled: with a software renderer, filled area is what a
    // frame costs, and the room should see the dead ones.
    if (h.up) {
      if (!compact) {  // compact cards of running hosts are just their name, bars and boxes
        dl->AddRectFilled({c.x, c.y}, {c.x + c.w, c.y + ImGui::GetFontSize() + 8}, im(host_color(true)));
        dl->AddRect({c.x, c.y}, {c.x + c.w, c.y + c.h}, im(host_color(true)) | 0xff202020u);
      }
    } else {
      dl->AddRectFilled({c.x, c.y}, {c.x + c.w, c.y + c.h}, im(host_color(false)));
    }
    if (inside(c)) v.drawn_cards_.push_back({static_cast<std::uint32_t>(i), c});
    const float pad = compact ? 2.0f : 5.0f;
    if (compact) {
      dl->AddText(font, small, {c.x + pad, c.y + 1}, text, h.name->c_str());
    } else {
      dl->AddText({c.x + pad, c.y + 3}, text, h.name->c_str());
      if (!h.up) dl->AddText({c.x + c.w - 62, c.y + 3}, IM_COL32(255, 220, 220, 255), "DOWN");
      else if (h.powered_off) dl->AddText({c.x + c.w - 40, c.y + 3}, IM_COL32(160, 160, 170, 255), "off");
    }
    // CPU and memory bars.
    const float bar_y = c.y + grid.header_h - (compact ? 5.0f : 14.0f), bar_h = compact ? 2.0f : 4.0f;
    const float bar_w = c.w - 2 * pad;
    dl->AddRectFilled({c.x + pad, bar_y}, {c.x + pad + bar_w, bar_y + bar_h}, IM_COL32(20, 22, 28, 255));
    dl->AddRectFilled({c.x + pad, bar_y}, {c.x + pad + bar_w * std::min(1.0f, h.cpu), bar_y + bar_h},
                      im(utilization_color(h.cpu)));
    const float mem_y = bar_y + bar_h + 2;
    dl->AddRectFilled({c.x + pad, mem_y}, {c.x + pad + bar_w, mem_y + bar_h}, IM_COL32(20, 22, 28, 255));
    dl->AddRectFilled({c.x + pad, mem_y}, {c.x + pad + bar_w * std::min(1.0f, h.memory), mem_y + bar_h},
                      IM_COL32(90, 140, 220, 255));
    // Guest boxes.
    const int shown = std::min<int>(static_cast<int>(h.count), grid.box_capacity());
    for (int j = 0; j < shown; ++j) {
      const std::uint32_t g = s.by_host[h.first + static_cast<std::uint32_t>(j)];
      const GuestView& gv = s.guests[g];
      const Rect b = at(grid.guest_box(i, j));
      dl->AddRectFilled({b.x, b.y}, {b.x + b.w, b.y + b.h}, im(guest_color(gv.state)), compact ? 0.0f : 3.0f);
      if (!gv.vm && !compact) dl->AddRect({b.x + 2, b.y + 2}, {b.x + b.w - 2, b.y + b.h - 2}, IM_COL32(0, 0, 0, 90));
      if (v.interaction.picked() == g) dl->AddRect({b.x - 2, b.y - 2}, {b.x + b.w + 2, b.y + b.h + 2}, IM_COL32_WHITE, 3, 0, 2);
      if (grid.labelled() || (!compact && gv.down_for_s >= 0)) {  // its name, and its downtime counting
        char t[64];
        if (!grid.labelled()) std::snprintf(t, sizeof t, "%.0f", gv.down_for_s);
        else if (gv.down_for_s >= 0) std::snprintf(t, sizeof t, "%s %.0fs", gv.name->c_str(), gv.down_for_s);
        else std::snprintf(t, sizeof t, "%s", gv.name->c_str());
        const float fs = grid.labelled() ? std::min(15.0f, b.h * 0.55f) : 12.0f;
        dl->PushClipRect({b.x, b.y}, {b.x + b.w, b.y + b.h}, true);
        dl->AddText(font, fs, {b.x + 3, b.y + (b.h - fs) / 2}, IM_COL32(15, 15, 20, 255), t);
        dl->PopClipRect();
      }
      if (inside(b)) v.drawn_boxes_.push_back({g, b});
    }
    if (static_cast<int>(h.count) > shown) {
      char more[16];
      std::snprintf(more, sizeof more, "+%u", h.count - static_cast<std::uint32_t>(shown));
      dl->AddText(font, small, {c.x + c.w - (compact ? 18.0f : 30.0f), c.y + c.h - small - 1}, text, more);
    }
  }

  // Failover and migration: a box flies from the old host to the new one.
  const auto& moves = v.session.tracker().moves();
  const double now_real = ImGui::GetTime();
  for (; v.moves_seen < moves.size(); ++v.moves_seen) v.animating.emplace_back(moves[v.moves_seen], now_real);
  std::erase_if(v.animating, [&](const auto& a) { return now_real - a.second > kFlight_s; });
  const double recent_s = std::max(60.0, 0.02 * (std::isfinite(v.session.until()) ? v.session.until() : 3000.0));
  ImDrawList* fg = ImGui::GetForegroundDrawList();
  for (const Move& m : moves) {
    if (s.time_s - m.at_s > recent_s || s.guests[m.guest].host != m.to) continue;
    if (m.from < first || m.from >= last || m.to < first || m.to >= last) continue;  // scrolled away
    const int slot = slot_of(s, m.guest);
    if (slot < 0 || slot >= grid.box_capacity()) continue;
    const Rect from = at(grid.card(m.from)), to = at(grid.guest_box(m.to, slot));
    const ImU32 col = im(guest_color(GuestState::kRestarting));
    double progress = 1.0;
    for (const auto& a : v.animating)
      if (a.first.guest == m.guest && a.first.at_s == m.at_s) progress = (now_real - a.second) / kFlight_s;
    const ImVec2 a{from.x + from.w / 2, from.y + from.h / 2}, b{to.x + to.w / 2, to.y + to.h / 2};
    if (progress < 1.0 && v.animate) {
      const float k = static_cast<float>(progress);
      const ImVec2 p{a.x + (b.x - a.x) * k, a.y + (b.y - a.y) * k};
      fg->AddRectFilled({p.x - to.w / 2, p.y - to.h / 2}, {p.x + to.w / 2, p.y + to.h / 2},
                        im(guest_color(s.guests[m.guest].state)), 3);
      fg->AddText({p.x + to.w / 2 + 4, p.y - 8}, IM_COL32_WHITE, s.guests[m.guest].name->c_str());
    } else if (!compact) {
      arrow(fg, a, b, (col & 0x00ffffffu) | 0xb0000000u, 2.5f);
    }
  }

  // Pointer: a host card fails or repairs it (or receives a picked VM); a box picks a VM.
  if (ImGui::IsWindowHovered()) {
    const ImVec2 m = ImGui::GetMousePos();
    if (const auto hit = grid.hit({m.x - origin.x, m.y - origin.y}, s.hosts.size())) {
      const HostView& h = s.hosts[hit->card];
      const bool on_box = hit->slot && *hit->slot < static_cast<int>(h.count);
      const std::uint32_t g = on_box ? s.by_host[h.first + static_cast<std::uint32_t>(*hit->slot)] : 0;
      if (ImGui::IsMouseClicked(0))
        v.click(on_box && !v.interaction.picked() ? Target{Target::Kind::kGuest, g}
                                                  : Target{Target::Kind::kHost, static_cast<std::uint32_t>(hit->card)});
      ImGui::BeginTooltip();
      ImGui::Text("%s: %s, CPU %.0f %%, memory %.0f %%, %u guests", h.name->c_str(), h.up ? "up" : "DOWN",
                  100 * h.cpu, 100 * h.memory, h.count);
      if (on_box) {
        const GuestView& gv = s.guests[g];
        ImGui::Text("%s %s: %s, down %.1f s in all", gv.vm ? "VM" : "guest", gv.name->c_str(), state_name(gv.state),
                    gv.downtime_s);
      }
      ImGui::TextDisabled(v.interaction.picked() ? "click: migrate the picked VM here"
                          : on_box               ? "click: pick this VM to migrate"
                          : h.up                 ? "click: fail this host"
                                                 : "click: repair this host");
      ImGui::EndTooltip();
    }
  }
  ImGui::End();
}

}  // namespace vzlab::viz::ui
