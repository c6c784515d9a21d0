#include "vzlab/viz/interaction.hpp"

#include <cmath>
#include <limits>

namespace vzlab::viz {

float segment_distance(Vec2 p, Vec2 a, Vec2 b) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len2 = dx * dx + dy * dy;
  float t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0.0f;
  t = std::fmax(0.0f, std::fmin(1.0f, t));
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

std::optional<Target> hit_topology(Vec2 p, const std::vector<Vec2>& node_pos, const std::vector<LinkView>& links,
                                   float node_radius, float link_slack) {
  std::optional<Target> best;
  float best_d = std::numeric_limits<float>::infinity();
  for (std::size_t i = 0; i < node_pos.size(); ++i) {
    const float d = std::hypot(p.x - node_pos[i].x, p.y - node_pos[i].y);
    if (d <= node_radius && d < best_d) best_d = d, best = Target{Target::Kind::kNode, static_cast<std::uint32_t>(i)};
  }
  if (best) return best;
  for (std::size_t i = 0; i < links.size(); ++i) {
    if (links[i].a >= node_pos.size() || links[i].b >= node_pos.size()) continue;
    const float d = segment_distance(p, node_pos[links[i].a], node_pos[links[i].b]);
    if (d <= link_slack && d < best_d) best_d = d, best = Target{Target::Kind::kLink, static_cast<std::uint32_t>(i)};
  }
  return best;
}

std::optional<Command> Interaction::click(const Target& t, const Snapshot& s, std::string* why) {
  auto say = [&](std::string text) {
    if (why != nullptr) *why = std::move(text);
  };
  // A node that is a host counts as its host.
  Target target = t;
  if (t.kind == Target::Kind::kNode && t.index < s.nodes.size() && s.nodes[t.index].host >= 0)
    target = {Target::Kind::kHost, static_cast<std::uint32_t>(s.nodes[t.index].host)};
  switch (target.kind) {
    case Target::Kind::kHost: {
      if (target.index >= s.hosts.size()) return std::nullopt;
      const HostView& h = s.hosts[target.index];
      if (picked_) {
        const GuestView& g = s.guests[*picked_];
        picked_.reset();
        if (g.host == target.index) {
          say(*g.name + " is already on " + *h.name + "; migration cancelled");
          return std::nullopt;
        }
        say("migrate " + *g.name + " to " + *h.name);
        return Command{CommandKind::kMigrate, *g.name, *h.name, 0, 0};
      }
      say((h.up ? "fail host " : "repair host ") + *h.name);
      return Command{h.up ? CommandKind::kFailHost : CommandKind::kRepairHost, *h.name, "", 0, 0};
    }
    case Target::Kind::kNode: {
      if (target.index >= s.nodes.size()) return std::nullopt;
      const NodeView& n = s.nodes[target.index];
      say((n.up ? "fail " : "repair ") + *n.name);
      return Command{n.up ? CommandKind::kFailComponent : CommandKind::kRepairComponent, *n.name, "", 0, 0};
    }
    case Target::Kind::kLink: {
      if (target.index >= s.links.size()) return std::nullopt;
      const LinkView& l = s.links[target.index];
      say((l.up ? "fail link " : "repair link ") + *l.name);
      return Command{l.up ? CommandKind::kFailComponent : CommandKind::kRepairComponent, *l.name, "", 0, 0};
    }
    case Target::Kind::kGuest: {
      if (target.index >= s.guests.size()) return std::nullopt;
      const GuestView& g = s.guests[target.index];
      if (picked_ == target.index) {
        picked_.reset();
        say("migration of " + *g.name + " cancelled");
      } else if (!g.vm || g.state != GuestState::kRunning) {
        say(*g.name + " cannot be live-migrated now: only a running VM can");
      } else {
        picked_ = target.index;
        say("migrate " + *g.name + ": now click the host to move it to");
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace vzlab::viz
