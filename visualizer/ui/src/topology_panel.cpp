// The platform graph: hosts, switches and storage placed by the spring
// layout (draggable), links coloured by utilization; a click fails or
// repairs what is under the pointer.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viewer.hpp"

namespace vzlab::viz::ui {

void draw_topology(Viewer& v, const Rect& r) {
  const Snapshot& s = v.session.snapshot();
  begin_panel("Topology  (click: fail / repair, drag: move)", r, ImGuiWindowFlags_NoScrollbar);
  // Sites: the scenario's (`site:`), or else each group of hosts, failed or
  // repaired as a whole.
  const bool named = std::any_of(s.hosts.begin(), s.hosts.end(), [](const HostView& h) { return !h.site->empty(); });
  std::vector<std::pair<const std::string*, bool>> sites;  // site, any host of it up
  for (const HostView& h : s.hosts) {
    const std::string* site = named ? h.site : h.group;
    if (site->empty()) continue;
    auto it = std::find_if(sites.begin(), sites.end(), [&](const auto& g) { return *g.first == *site; });
    if (it == sites.end()) sites.emplace_back(site, h.up);
    else it->second = it->second || h.up;
  }
  if (!sites.empty() && sites.size() <= 12) {
    ImGui::TextDisabled("sites:");
    for (const auto& [group, any_up] : sites) {
      ImGui::SameLine();
      const std::string label = (any_up ? "fail " : "repair ") + *group;
      if (ImGui::SmallButton(label.c_str()))
        v.session.submit({any_up ? CommandKind::kFailSite : CommandKind::kRepairSite, *group});
    }
  }
  const bool network = !s.nodes.empty();
  const std::size_t n = network ? s.nodes.size() : s.hosts.size();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  ImGui::InvisibleButton("##canvas", {std::max(avail.x, 1.0f), std::max(avail.y, 1.0f)});
  const bool hovered = ImGui::IsItemHovered();
  const bool labelled = n <= kLabelledNodes;
  const float margin = labelled ? 28.0f : 10.0f;
  const float label_room = labelled ? 90.0f : 0.0f;  // labels sit right of the nodes
  const Vec2 area{std::max(avail.x - 2 * margin - label_room, 1.0f), std::max(avail.y - 2 * margin, 1.0f)};
  std::vector<Vec2> pos(n);
  for (std::size_t i = 0; i < n && i < v.node_unit.size(); ++i)
    pos[i] = {origin.x + margin + v.node_unit[i].x * area.x, origin.y + margin + v.node_unit[i].y * area.y};
  const float radius = labelled ? 11.0f : n <= 200 ? 6.0f : 3.0f;

  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (const LinkView& l : s.links) {
    const ImU32 col = l.up ? im(utilization_color(l.utilization)) : im(down_color());
    const float width = l.up ? 2.0f + 4.0f * std::min(1.0f, l.utilization) : 2.0f;
    if (l.up) {
      dl->AddLine(im(pos[l.a]), im(pos[l.b]), col, width);
    } else {  // dashed: a failed link
      const Vec2 a = pos[l.a], b = pos[l.b];
      const float len = std::hypot(b.x - a.x, b.y - a.y);
      for (float d = 0; d < len; d += 10)
        dl->AddLine({a.x + (b.x - a.x) * d / len, a.y + (b.y - a.y) * d / len},
                    {a.x + (b.x - a.x) * std::min(len, d + 5) / len, a.y + (b.y - a.y) * std::min(len, d + 5) / len},
                    col, 3.0f);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    bool up = true;
    ImU32 fill;
    const std::string* name;
    if (network) {
      const NodeView& nv = s.nodes[i];
      up = nv.up && (nv.host < 0 || s.hosts[static_cast<std::size_t>(nv.host)].up);
      fill = im(up ? node_color(nv.kind) : down_color());
      name = nv.name;
    } else {
      up = s.hosts[i].up;
      fill = im(up ? utilization_color(s.hosts[i].cpu) : down_color());
      name = s.hosts[i].name;
    }
    const bool square = network && s.nodes[i].kind != hv::NodeKind::kHost;
    const ImVec2 c = im(pos[i]);
    // Beyond 200 nodes every node is a plain square: two triangles instead of
    // a circle's twenty-odd, which a software renderer feels at 1,000 nodes.
    if (square || n > 200) dl->AddRectFilled({c.x - radius, c.y - radius}, {c.x + radius, c.y + radius}, fill, n > 200 ? 0.0f : 2.0f);
    else dl->AddCircleFilled(c, radius, fill, 20);
    if (network && s.nodes[i].utilization > 0.01f)
      dl->AddCircle(c, radius + 3, im(utilization_color(s.nodes[i].utilization)), 20, 2.5f);
    if (labelled) dl->AddText({c.x + radius + 4, c.y - ImGui::GetFontSize() / 2}, IM_COL32(225, 228, 235, 255), name->c_str());
  }

  // Pointer: drag a node, or click it (or a link) to fail / repair it.
  if (hovered || v.dragging >= 0) {
    const ImVec2 m = ImGui::GetMousePos();
    const auto hit = hit_topology({m.x, m.y}, pos, s.links, radius + 4, 5);
    if (ImGui::IsMouseClicked(0) && hovered) {
      v.dragging = hit && hit->kind == Target::Kind::kNode ? static_cast<int>(hit->index) : -1;
      v.dragged = false;
      if (hit && hit->kind == Target::Kind::kLink) v.click(*hit);
    }
    if (v.dragging >= 0 && ImGui::IsMouseDragging(0, 4)) {
      v.dragged = true;
      v.node_unit[static_cast<std::size_t>(v.dragging)] = {std::clamp((m.x - origin.x - margin) / area.x, 0.0f, 1.0f),
                                                            std::clamp((m.y - origin.y - margin) / area.y, 0.0f, 1.0f)};
    }
    if (ImGui::IsMouseReleased(0) && v.dragging >= 0) {
      if (!v.dragged) {
        const auto i = static_cast<std::uint32_t>(v.dragging);
        v.click(network ? Target{Target::Kind::kNode, i} : Target{Target::Kind::kHost, i});
      }
      v.dragging = -1;
    }
    if (hit && hovered && v.dragging < 0) {
      ImGui::BeginTooltip();
      if (hit->kind == Target::Kind::kLink) {
        const LinkView& l = s.links[hit->index];
        ImGui::Text("link %s: %s, %.0f %% busy", l.name->c_str(), l.up ? "up" : "DOWN", 100 * l.utilization);
      } else if (network) {
        const NodeView& nv = s.nodes[hit->index];
        ImGui::Text("%s %s: %s", hv::node_kind_name(nv.kind), nv.name->c_str(), nv.up ? "up" : "DOWN");
        if (nv.utilization > 0) ImGui::Text("%.0f %% of its bandwidth", 100 * nv.utilization);
      } else {
        ImGui::Text("host %s", s.hosts[hit->index].name->c_str());
      }
      ImGui::TextDisabled("click to %s", (hit->kind == Target::Kind::kLink ? s.links[hit->index].up
                                          : network ? s.nodes[hit->index].up
                                                    : s.hosts[hit->index].up)
                                             ? "fail it"
                                             : "repair it");
      ImGui::EndTooltip();
    }
  }
  ImGui::End();
}

}  // namespace vzlab::viz::ui
