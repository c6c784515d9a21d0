// Where things go on screen: the topology's automatic layout (Boost.Graph's
// Kamada-Kawai spring layout per connected part), the grid of host cards,
// and the window's panels. Plain geometry, no drawing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace vzlab::viz {

/// A point or a size in pixels (or in layout units).
struct Vec2 {
  float x = 0, y = 0;
};

/// An axis-aligned rectangle: top-left corner and size.
struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  /// Whether p lies inside (right and bottom edges excluded).
  bool contains(Vec2 p) const { return p.x >= x && p.y >= y && p.x < x + w && p.y < y + h; }
  Vec2 center() const { return {x + w / 2, y + h / 2}; }
};

/// Graphs of at most this many nodes are drawn with their names beside the
/// nodes (and laid out so that the names stay clear of each other).
inline constexpr std::size_t kLabelledNodes = 40;

/// Positions in the unit square [0, 1]^2 for `n` vertices joined by `edges`:
/// each connected part laid out by Kamada-Kawai (parts up to `max_spring`
/// vertices; larger ones on a grid), parts packed side by side, biggest first.
std::vector<Vec2> graph_layout(std::size_t n, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& edges,
                               std::size_t max_spring = 200);

/// The host cards as a grid filling a panel's width, each card holding its
/// guests as small boxes in rows.
struct CardGrid {
  float panel_w = 800;          ///< width available
  float card_w = 180, card_h = 90;
  float gap = 8;
  float header_h = 34;          ///< name and bars above the guest boxes
  float box = 18, box_gap = 4;  ///< guest box height and spacing
  float box_w = 18;             ///< guest box width (wider boxes carry the guest's name)

  /// Cards per row (at least 1).
  int columns() const;
  /// Rows needed for `cards` cards.
  int rows(std::size_t cards) const;
  /// Height of the whole grid.
  float height(std::size_t cards) const { return static_cast<float>(rows(cards)) * (card_h + gap); }
  /// Rectangle of card i, relative to the panel's top-left corner.
  Rect card(std::size_t i) const;
  /// Guest boxes per card row.
  int boxes_per_row() const;
  /// Guest boxes a card shows before summarizing the rest as "+N".
  int box_capacity() const;
  /// Rectangle of guest slot j in card i (relative to the panel).
  Rect guest_box(std::size_t i, int j) const;
  /// Cards [first, last) that intersect the vertical band [top, top + height).
  std::pair<std::size_t, std::size_t> visible(float top, float height, std::size_t cards) const;
  /// The card (and guest slot, if on one) under p, relative to the panel.
  struct Hit {
    std::size_t card;
    std::optional<int> slot;
  };
  std::optional<Hit> hit(Vec2 p, std::size_t cards) const;
  /// Whether boxes are wide enough to carry guest names.
  bool labelled() const { return box_w >= 60; }
  /// A compact grid for big farms: small cards, small boxes.
  static CardGrid compact(float panel_w);
  /// The grid for `hosts` cards holding up to `guests_per_host` boxes each in
  /// a panel of w x h: compact beyond 48 hosts; up to 16 hosts, wide named
  /// boxes; cards grown (up to 1.5 x) while they all still fit the height.
  static CardGrid for_panel(std::size_t hosts, std::size_t guests_per_host, float w, float h);
};

/// The window's panels for a display of w x h pixels.
struct PanelLayout {
  Rect controls, topology, hosts, services, charts, events, metrics;
  /// Fixed arrangement: controls along the top; topology and services on
  /// the left (the topology alone without services); host cards on the
  /// right; charts, event log and metrics below.
  static PanelLayout for_display(float w, float h, bool services = true);
};

}  // namespace vzlab::viz
