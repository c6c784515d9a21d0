// Load balancers: each service's policy and request rate (both changeable
// while it runs), its replicas in or out of rotation with their load, and
// its counters; the latency percentiles of the last sample.
#include <cstdio>

#include "viewer.hpp"

namespace vzlab::viz::ui {

namespace {

constexpr hv::BalancePolicy kPolicies[] = {hv::BalancePolicy::kRoundRobin, hv::BalancePolicy::kRandom,
                                           hv::BalancePolicy::kLeastConnections, hv::BalancePolicy::kWeighted,
                                           hv::BalancePolicy::kPowerOfTwo};

double last(const Series& s) { return s.size() > 0 ? s.values().back() : 0.0; }

}  // namespace

void draw_services(Viewer& v, const Rect& r) {
  const Snapshot& s = v.session.snapshot();
  begin_panel("Load balancers", r);
  if (s.services.empty()) {
    ImGui::TextDisabled("This scenario has no load-balanced service.");
    ImGui::End();
    return;
  }
  const Charts& c = v.session.charts();
  ImGui::Text("latency of the last %.3g s, all services: p50 %.1f ms  p95 %.1f ms  p99 %.1f ms", c.interval_s,
              last(c.p50), last(c.p95), last(c.p99));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    const ServiceView& sv = s.services[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::Separator();
    ImGui::Text("%-12s", sv.name->c_str());
    ImGui::SameLine();
    ImGui::SetNextItemWidth(170);
    if (ImGui::BeginCombo("##policy", hv::policy_name(sv.policy))) {
      for (hv::BalancePolicy p : kPolicies)
        if (ImGui::Selectable(hv::policy_name(p), p == sv.policy) && p != sv.policy)
          v.session.submit({CommandKind::kSetPolicy, *sv.name, hv::policy_name(p)});
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90);
    if (i >= v.rate_edit.size()) v.rate_edit.resize(i + 1, sv.rate_per_s);
    ImGui::InputDouble("req/s##rate", &v.rate_edit[i], 0, 0, "%.1f");
    ImGui::SameLine();
    if (ImGui::SmallButton("set") && v.rate_edit[i] > 0)
      v.session.submit({CommandKind::kSetRate, *sv.name, "", v.rate_edit[i]});
    ImGui::SameLine();
    ImGui::TextDisabled("now %.1f/s", sv.rate_per_s);
    // Replicas: coloured by their guest's state, crossed out of rotation, with their load.
    for (const ReplicaView& rep : sv.replicas) {
      const ImVec2 p = ImGui::GetCursorScreenPos();
      const float side = ImGui::GetTextLineHeight();
      dl->AddRectFilled(p, {p.x + side, p.y + side}, im(guest_color(s.guests[rep.guest].state)), 3);
      if (!rep.in_rotation) {
        dl->AddLine(p, {p.x + side, p.y + side}, IM_COL32_WHITE, 2);
        dl->AddLine({p.x + side, p.y}, {p.x, p.y + side}, IM_COL32_WHITE, 2);
      }
      ImGui::Dummy({side, side});
      ImGui::SameLine();
      ImGui::Text("%s %ld", s.guests[rep.guest].name->c_str(), rep.load);
      ImGui::SameLine(0, 14);
    }
    ImGui::NewLine();
    ImGui::TextDisabled("arrived %llu  completed %llu  dropped %llu  failed %llu",
                        static_cast<unsigned long long>(sv.arrived), static_cast<unsigned long long>(sv.completed),
                        static_cast<unsigned long long>(sv.dropped), static_cast<unsigned long long>(sv.failed));
    ImGui::PopID();
  }
  ImGui::End();
}

}  // namespace vzlab::viz::ui
