// The viewer: what the panels remember between frames (layout, drags, the
// picked guest, filters) and one function per panel. Panels read the
// session's snapshot and submit commands; they never touch the world.
#pragma once

#include <imgui.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "vzlab/viz/interaction.hpp"
#include "vzlab/viz/layout.hpp"
#include "vzlab/viz/session.hpp"

namespace vzlab::viz::ui {

/// ImGui's colour of an Rgba.
inline ImU32 im(Rgba c) { return c.packed(); }
/// ImVec2 of a Vec2.
inline ImVec2 im(Vec2 v) { return {v.x, v.y}; }

/// Panel state kept between frames.
class Viewer {
 public:
  /// A viewer of `session`; `mono` is the fixed-width font for tables (or null).
  Viewer(Session& session, ImFont* mono);
  /// Draws every panel into a display of w x h pixels.
  void draw(float w, float h);

  /// Where a host card or guest box was drawn in the last frame (screen pixels).
  struct Drawn {
    std::uint32_t index;
    Rect rect;
  };
  const std::vector<Drawn>& drawn_cards() const { return drawn_cards_; }
  const std::vector<Drawn>& drawn_boxes() const { return drawn_boxes_; }
  /// Describes the last frame's cards and boxes as JSON (for tests and handouts).
  std::string layout_json(int width, int height) const;

  Session& session;
  ImFont* mono;
  bool animate = true;            ///< fly guests to their new host (off for still pictures)
  std::size_t guests_per_host = 4;  ///< room a card keeps for guest boxes
  Interaction interaction;
  std::string click_status;

  // topology
  std::vector<Vec2> node_unit;  ///< layout in the unit square, by node (or by host without a network)
  int dragging = -1;
  bool dragged = false;
  // event log
  std::vector<bool> kind_shown;
  char subject_filter[64] = {};
  // metrics
  std::string report;
  double report_at_real = -1e9, report_at_sim = -1, report_cost_s = 0;
  // services
  std::vector<double> rate_edit;
  // failover animation: moves already seen, with the real time they were first drawn
  std::size_t moves_seen = 0;
  std::vector<std::pair<Move, double>> animating;
  double jump_edit = 0;
  std::uint64_t generation = 0;  ///< the session's world this state belongs to

  std::vector<Drawn> drawn_cards_, drawn_boxes_;

  /// Issues the command a click on `t` means.
  void click(const Target& t);
};

void draw_controls(Viewer& v, const Rect& r);
void draw_topology(Viewer& v, const Rect& r);
void draw_hosts(Viewer& v, const Rect& r);
void draw_services(Viewer& v, const Rect& r);
void draw_charts(Viewer& v, const Rect& r);
void draw_event_log(Viewer& v, const Rect& r);
void draw_metrics(Viewer& v, const Rect& r);

/// A series and the colour to draw it in.
struct ChartLine {
  const Series* series;
  ImU32 colour;
};
/// Draws a chart of `lines` over [t0, t1] into box, scaled to the largest
/// value (at least fixed_max).
void draw_chart(ImDrawList* dl, const char* title, std::initializer_list<ChartLine> lines, const Rect& box, double t0,
                double t1, double fixed_max = 0);

/// Title of the power chart, with the energy used so far: "power kW, 0.409 kWh used".
std::string power_title(const Charts& c);

/// Begins a fixed panel window at r; pair with ImGui::End().
bool begin_panel(const char* title, const Rect& r, ImGuiWindowFlags extra = 0);
/// "01:23:45.678" for a simulated time.
std::string clock_text(double t);

}  // namespace vzlab::viz::ui
