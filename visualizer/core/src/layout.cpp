#include "vzlab/viz/layout.hpp"

#include <algorithm>
#include <cmath>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/circle_layout.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/kamada_kawai_spring_layout.hpp>
#include <boost/graph/topology.hpp>

namespace vzlab::viz {

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                    boost::property<boost::edge_weight_t, double>>;
using Topology = boost::square_topology<>;
using Point = Topology::point_type;

// Centres the points in the unit square, scaled so that the longer side of
// their bounding box fills it; returns the factor they were divided by.
float fit_unit_square(std::vector<Vec2>& p) {
  float lo_x = p[0].x, hi_x = lo_x, lo_y = p[0].y, hi_y = lo_y;
  for (const Vec2& v : p) {
    lo_x = std::min(lo_x, v.x), hi_x = std::max(hi_x, v.x);
    lo_y = std::min(lo_y, v.y), hi_y = std::max(hi_y, v.y);
  }
  const float span = std::max({hi_x - lo_x, hi_y - lo_y, 1e-9f});
  for (Vec2& v : p) v = {0.5f + (v.x - (lo_x + hi_x) / 2) / span, 0.5f + (v.y - (lo_y + hi_y) / 2) / span};
  return span;
}

// Pushes apart nodes whose labels would overlap. Springs put nodes with the
// same neighbours (two fabrics joined to the same hosts and controllers) on
// nearly one spot; each node here owns a box of label_w x row_h to the right
// of it, and two overlapping boxes are moved apart along the axis that needs
// the shorter move. Then the part is fitted into the unit square again.
void separate_labels(std::vector<Vec2>& p, float label_w, float row_h) {
  const std::size_t n = p.size();
  for (int round = 0; round < 4; ++round) {
    for (int pass = 0; pass < 40; ++pass) {
      bool moved = false;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) {
          const float dx = p[j].x - p[i].x, dy = p[j].y - p[i].y;
          const float over_x = label_w - std::abs(dx), over_y = row_h - std::abs(dy);
          if (over_x <= 0 || over_y <= 0) continue;
          moved = true;
          if (over_y / row_h <= over_x / label_w) {
            const float s = dy != 0 ? std::copysign(over_y / 2, dy) : over_y / 2;  // j below i on a tie
            p[i].y -= s, p[j].y += s;
          } else {
            const float s = dx != 0 ? std::copysign(over_x / 2, dx) : over_x / 2;
            p[i].x -= s, p[j].x += s;
          }
        }
      if (!moved) break;
    }
    if (fit_unit_square(p) <= 1.0f + 1e-4f) break;  // fitting did not shrink it: the boxes stay clear
  }
}

// Layout of one connected part in its own unit square.
std::vector<Vec2> part_layout(const std::vector<std::uint32_t>& members,
                              const std::vector<std::pair<std::uint32_t, std::uint32_t>>& edges,
                              const std::vector<std::uint32_t>& local, std::size_t max_spring, bool labelled) {
  const std::size_t n = members.size();
  std::vector<Vec2> out(n, Vec2{0.5f, 0.5f});
  if (n == 1) return out;
  if (n == 2) {  // one above the other: labels to the right stay clear of the neighbours
    out[0] = {0.5f, 0.0f};
    out[1] = {0.5f, 1.0f};
    return out;
  }
  if (n > max_spring) {  // a grid: springs cost n^2 per iteration
    const auto cols = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(n))));
    for (std::size_t i = 0; i < n; ++i)
      out[i] = {(static_cast<float>(i % cols) + 0.5f) / static_cast<float>(cols),
                (static_cast<float>(i / cols) + 0.5f) / static_cast<float>(cols)};
    return out;
  }
  Graph g(n);
  for (auto [a, b] : edges)
    if (local[a] != UINT32_MAX && local[b] != UINT32_MAX && a != b) boost::add_edge(local[a], local[b], 1.0, g);
  std::vector<Point> pos(n);
  auto pmap = boost::make_iterator_property_map(pos.begin(), boost::get(boost::vertex_index, g));
  boost::circle_graph_layout(g, pmap, 10.0);
  const bool converged = boost::kamada_kawai_spring_layout(g, pmap, boost::get(boost::edge_weight, g), Topology(),
                                                            boost::side_length(20.0));
  if (!converged) boost::circle_graph_layout(g, pmap, 10.0);
  for (std::size_t i = 0; i < n; ++i) out[i] = {static_cast<float>(pos[i][0]), static_cast<float>(pos[i][1])};
  fit_unit_square(out);
  // The part's cell grows with the square root of its size, so a label
  // takes about 1.3 / sqrt(n) of its width and 0.28 / sqrt(n) of its
  // height; the boxes are a little larger, so that labels do not touch.
  if (labelled) {
    const float root = std::sqrt(static_cast<float>(n));
    separate_labels(out, 1.6f / root, 0.4f / root);
  }
  return out;
}

}  // namespace

std::vector<Vec2> graph_layout(std::size_t n, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& edges,
                               std::size_t max_spring) {
  std::vector<Vec2> out(n);
  if (n == 0) return out;
  Graph whole(n);
  for (auto [a, b] : edges)
    if (a < n && b < n && a != b) boost::add_edge(a, b, 1.0, whole);
  std::vector<int> part(n);
  const int parts = boost::connected_components(whole, part.data());
  std::vector<std::vector<std::uint32_t>> members(static_cast<std::size_t>(parts));
  for (std::uint32_t v = 0; v < n; ++v) members[static_cast<std::size_t>(part[v])].push_back(v);
  // Biggest parts first; singletons share one grid part at the end.
  std::vector<std::vector<std::uint32_t>> placed;
  std::vector<std::uint32_t> singles;
  for (auto& m : members) (m.size() == 1 ? singles.push_back(m[0]) : placed.push_back(std::move(m)));
  std::stable_sort(placed.begin(), placed.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  if (!singles.empty()) placed.push_back(singles);
  // Each part gets a cell whose side grows with the square root of its size;
  // cells fill rows of the unit square's width.
  std::vector<float> side(placed.size());
  float total_area = 0;
  for (std::size_t i = 0; i < placed.size(); ++i) {
    side[i] = std::max(1.8f, std::sqrt(static_cast<float>(placed[i].size())));
    total_area += side[i] * side[i];
  }
  const float row_w = std::max(side.empty() ? 1.0f : side[0], std::sqrt(total_area) * 1.3f);
  std::vector<std::uint32_t> local(n, UINT32_MAX);
  float x = 0, y = 0, row_h = 0, width = 0;
  std::vector<Rect> cells(placed.size());
  for (std::size_t i = 0; i < placed.size(); ++i) {
    if (x > 0 && x + side[i] > row_w * 1.001f) x = 0, y += row_h, row_h = 0;
    cells[i] = {x, y, side[i], side[i]};
    x += side[i];
    row_h = std::max(row_h, side[i]);
    width = std::max(width, x);
  }
  const float scale = std::max(width, y + row_h);
  for (std::size_t i = 0; i < placed.size(); ++i) {
    const bool grid = &placed[i] == &placed.back() && !singles.empty();
    for (std::size_t k = 0; k < placed[i].size(); ++k) local[placed[i][k]] = static_cast<std::uint32_t>(k);
    const auto pts = part_layout(placed[i], edges, local, grid ? 0 : max_spring, n <= kLabelledNodes);
    for (std::size_t k = 0; k < placed[i].size(); ++k) {
      // 10 % margin inside each cell so parts do not touch.
      const float px = cells[i].x + cells[i].w * (0.1f + 0.8f * pts[k].x);
      const float py = cells[i].y + cells[i].h * (0.1f + 0.8f * pts[k].y);
      out[placed[i][k]] = {px / scale, py / scale};
    }
    for (std::uint32_t v : placed[i]) local[v] = UINT32_MAX;
  }
  return out;
}

int CardGrid::columns() const { return std::max(1, static_cast<int>((panel_w + gap) / (card_w + gap))); }

int CardGrid::rows(std::size_t cards) const {
  const auto c = static_cast<std::size_t>(columns());
  return static_cast<int>((cards + c - 1) / c);
}

Rect CardGrid::card(std::size_t i) const {
  const auto c = static_cast<std::size_t>(columns());
  return {static_cast<float>(i % c) * (card_w + gap), static_cast<float>(i / c) * (card_h + gap), card_w, card_h};
}

int CardGrid::boxes_per_row() const { return std::max(1, static_cast<int>((card_w - box_gap) / (box_w + box_gap))); }

int CardGrid::box_capacity() const {
  const int rows_fit = std::max(1, static_cast<int>((card_h - header_h - box_gap) / (box + box_gap)));
  return rows_fit * boxes_per_row();
}

Rect CardGrid::guest_box(std::size_t i, int j) const {
  const Rect c = card(i);
  const int per_row = boxes_per_row();
  return {c.x + box_gap + static_cast<float>(j % per_row) * (box_w + box_gap),
          c.y + header_h + static_cast<float>(j / per_row) * (box + box_gap), box_w, box};
}

std::pair<std::size_t, std::size_t> CardGrid::visible(float top, float height, std::size_t cards) const {
  const float pitch = card_h + gap;
  const auto c = static_cast<std::size_t>(columns());
  const auto first_row = static_cast<std::size_t>(std::max(0.0f, std::floor(top / pitch)));
  const auto last_row = static_cast<std::size_t>(std::max(0.0f, std::ceil((top + height) / pitch)));
  return {std::min(cards, first_row * c), std::min(cards, last_row * c)};
}

std::optional<CardGrid::Hit> CardGrid::hit(Vec2 p, std::size_t cards) const {
  if (p.x < 0 || p.y < 0) return std::nullopt;
  const auto col = static_cast<std::size_t>(p.x / (card_w + gap));
  const auto row = static_cast<std::size_t>(p.y / (card_h + gap));
  if (col >= static_cast<std::size_t>(columns())) return std::nullopt;
  const std::size_t i = row * static_cast<std::size_t>(columns()) + col;
  if (i >= cards || !card(i).contains(p)) return std::nullopt;
  Hit h{i, std::nullopt};
  for (int j = 0; j < box_capacity(); ++j)
    if (guest_box(i, j).contains(p)) h.slot = j;
  return h;
}

CardGrid CardGrid::compact(float panel_w) {
  CardGrid g;
  g.panel_w = panel_w;
  g.card_w = 84, g.card_h = 40, g.gap = 4, g.header_h = 16, g.box = 8, g.box_gap = 2, g.box_w = 8;
  return g;
}

CardGrid CardGrid::for_panel(std::size_t hosts, std::size_t guests_per_host, float w, float h) {
  if (hosts > 48) return compact(w);
  const bool named = hosts <= 16;
  CardGrid best;
  for (float scale = 1.5f; scale >= 0.999f; scale -= 0.05f) {
    CardGrid g;
    g.panel_w = w;
    g.gap = 10;
    g.box_gap = 5;
    g.box = std::round(26 * scale);
    g.box_w = named ? std::round(96 * scale) : g.box;
    g.card_w = named ? 3 * g.box_w + 4 * g.box_gap : std::round(232 * scale);
    g.header_h = std::round(48 * scale);
    const auto per_row = static_cast<std::size_t>(g.boxes_per_row());
    const auto rows = std::clamp<std::size_t>((guests_per_host + per_row - 1) / per_row, 1, 4);
    g.card_h = g.header_h + static_cast<float>(rows) * (g.box + g.box_gap) + g.box_gap;
    best = g;
    if (g.height(hosts) <= h) break;
  }
  return best;
}

PanelLayout PanelLayout::for_display(float w, float h, bool services) {
  PanelLayout l;
  const float top = 64, bottom_h = std::max(200.0f, h * 0.30f), mid_h = h - top - bottom_h;
  const float left_w = std::floor(w * 0.40f);
  const float services_h = services ? std::floor(mid_h * 0.38f) : 0.0f;
  l.controls = {0, 0, w, top};
  l.topology = {0, top, left_w, mid_h - services_h};
  l.services = {0, top + mid_h - services_h, left_w, services_h};
  l.hosts = {left_w, top, w - left_w, mid_h};
  const float chart_w = std::floor(w * 0.45f), events_w = std::floor(w * 0.30f);
  l.charts = {0, top + mid_h, chart_w, bottom_h};
  l.events = {chart_w, top + mid_h, events_w, bottom_h};
  l.metrics = {chart_w + events_w, top + mid_h, w - chart_w - events_w, bottom_h};
  return l;
}

}  // namespace vzlab::viz
