// What a click means: which thing is under the pointer, and which command a
// click on it issues (fail what is up, repair what is down, pick a guest
// then a host to migrate it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vzlab/viz/commands.hpp"
#include "vzlab/viz/layout.hpp"
#include "vzlab/viz/snapshot.hpp"

namespace vzlab::viz {

/// Something a click can land on.
struct Target {
  enum class Kind { kNode, kLink, kHost, kGuest };
  Kind kind = Kind::kNode;
  std::uint32_t index = 0;  ///< into Snapshot::nodes, links, hosts or guests
  bool operator==(const Target&) const = default;
};

/// Distance from p to the segment [a, b].
float segment_distance(Vec2 p, Vec2 a, Vec2 b);
/// The topology item under p: the nearest node within `node_radius`, else
/// the nearest link within `link_slack` (positions in the same pixels as p).
std::optional<Target> hit_topology(Vec2 p, const std::vector<Vec2>& node_pos, const std::vector<LinkView>& links,
                                   float node_radius, float link_slack);

/// Clicks turned into commands; remembers a guest picked for migration.
class Interaction {
 public:
  /// The command a click on `t` issues now, if any; `why` gets a sentence
  /// for the status line either way.
  std::optional<Command> click(const Target& t, const Snapshot& s, std::string* why);
  /// The guest waiting for a target host, if one was picked.
  std::optional<std::uint32_t> picked() const { return picked_; }
  /// Forgets the picked guest.
  void cancel() { picked_.reset(); }

 private:
  std::optional<std::uint32_t> picked_;
};

}  // namespace vzlab::viz
