// `vzlab plot`: the report's time series as PNG charts, drawn with the same
// chart code as the window but rasterized in software, so no display, X
// server or OpenGL is needed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "vzlab/viz/session.hpp"

struct ImDrawData;

namespace vzlab::viz::ui {

/// An RGB image, rows top to bottom.
struct RgbImage {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;  ///< width x height x 3
};

/// Rasterizes Dear ImGui draw data into `image` (already sized and cleared):
/// triangles with per-vertex colours, textured by the font atlas's alpha
/// (`atlas` of atlas_w x atlas_h), alpha-blended, clipped to each command's
/// clip rectangle; a pixel is covered when its centre is inside.
void rasterize(const ImDrawData& data, const unsigned char* atlas, int atlas_w, int atlas_h, RgbImage* image);

/// PNG bytes of an image.
std::string encode_png(const RgbImage& image);

/// Charts of the session's run so far (utilization, latency, guests
/// serving, energy; and the busiest links and devices when the scenario has
/// a network), as (file name, PNG bytes).
std::vector<std::pair<std::string, std::string>> render_plots(const Session& session, int width, int height);

}  // namespace vzlab::viz::ui
