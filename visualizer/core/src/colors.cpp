#include "vzlab/viz/colors.hpp"

#include <algorithm>
#include <cmath>

namespace vzlab::viz {

// Chosen to stay distinct on a projector and for the common colour-vision
// deficiencies: state is also told by the box's outline pattern in the UI.
Rgba guest_color(GuestState s) {
  switch (s) {
    case GuestState::kPending: return {90, 90, 100};
    case GuestState::kBooting: return {80, 150, 230};
    case GuestState::kRunning: return {60, 190, 90};
    case GuestState::kMigrating: return {190, 110, 230};
    case GuestState::kPaused: return {110, 120, 200};
    case GuestState::kStalled: return {200, 95, 40};
    case GuestState::kDown: return {225, 45, 45};
    case GuestState::kRestarting: return {245, 170, 30};
    case GuestState::kFinished: return {140, 140, 140};
    case GuestState::kRefused: return {120, 60, 60};
  }
  return {};
}

Rgba down_color() { return {160, 20, 30}; }

Rgba host_color(bool up) { return up ? Rgba{42, 48, 62} : down_color(); }

Rgba utilization_color(double u) {
  if (!(u >= 0)) u = 0;  // NaN too
  u = std::min(u, 1.0);
  const auto lerp = [](double a, double b, double t) { return static_cast<std::uint8_t>(std::lround(a + (b - a) * t)); };
  if (u <= 0.5) return {lerp(60, 235, u * 2), lerp(190, 200, u * 2), lerp(90, 40, u * 2)};
  return {lerp(235, 225, (u - 0.5) * 2), lerp(200, 45, (u - 0.5) * 2), lerp(40, 45, (u - 0.5) * 2)};
}

Rgba node_color(hv::NodeKind kind) {
  switch (kind) {
    case hv::NodeKind::kHost: return {70, 130, 200};
    case hv::NodeKind::kSwitch: return {150, 150, 170};
    case hv::NodeKind::kRouter: return {170, 150, 110};
    case hv::NodeKind::kDas: return {200, 140, 80};
    case hv::NodeKind::kNas: return {210, 120, 60};
    case hv::NodeKind::kController: return {120, 170, 170};
    case hv::NodeKind::kArray: return {230, 150, 50};
  }
  return {};
}

}  // namespace vzlab::viz
