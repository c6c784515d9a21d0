// What colour a state is drawn in: one table shared by the window, the
// headless pictures and the tests that read those pictures back.
#pragma once

#include <cstdint>

#include "vzlab/hv/lifecycle.hpp"
#include "vzlab/hv/network.hpp"

namespace vzlab::viz {

/// An 8-bit RGBA colour.
struct Rgba {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
  bool operator==(const Rgba&) const = default;
  /// Packed as ImGui's ImU32 (A in the high byte, R in the low byte).
  std::uint32_t packed() const {
    return static_cast<std::uint32_t>(r) | static_cast<std::uint32_t>(g) << 8 | static_cast<std::uint32_t>(b) << 16 |
           static_cast<std::uint32_t>(a) << 24;
  }
};

/// What a guest is doing: the model's own lifecycle state, drawn as it is.
using hv::GuestState;
using hv::state_name;
inline constexpr int kGuestStates = static_cast<int>(hv::kGuestStates);
/// Fill colour of a guest box in that state.
Rgba guest_color(GuestState s);
/// Background of a host card: `up`, or the "down" colour.
Rgba host_color(bool up);
/// The "down" colour of a failed host card, node or link.
Rgba down_color();
/// Green (0) through yellow (0.5) to red (1) for a utilization in [0, 1] (clamped).
Rgba utilization_color(double u);
/// Colour of a network node of that kind when up.
Rgba node_color(hv::NodeKind kind);

}  // namespace vzlab::viz
