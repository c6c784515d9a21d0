// `vzlab plot`'s software rasterizer of Dear ImGui draw data, against
// geometry and blending worked out by hand; and the charts it renders.
#include <gtest/gtest.h>
#include <imgui.h>
#include <stb_image.h>

#include "vzlab/viz/ui/plot.hpp"

namespace vzlab::viz::ui {
namespace {

// Draws with `draw` on a w x h background list and rasterizes over black.
template <typename F>
RgbImage raster(int w, int h, F draw) {
  ImGuiContext* ctx = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = {static_cast<float>(w), static_cast<float>(h)};
  io.DeltaTime = 1.0f / 60;
  unsigned char* atlas = nullptr;
  int aw = 0, ah = 0;
  io.Fonts->GetTexDataAsAlpha8(&atlas, &aw, &ah);
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(1)));
  ImGui::GetStyle().AntiAliasedFill = false;  // exact edges
  ImGui::NewFrame();
  draw(ImGui::GetBackgroundDrawList());
  ImGui::Render();
  RgbImage img{w, h, std::vector<unsigned char>(static_cast<std::size_t>(w * h * 3), 0)};
  rasterize(*ImGui::GetDrawData(), atlas, aw, ah, &img);
  ImGui::DestroyContext(ctx);
  return img;
}

const unsigned char* px(const RgbImage& img, int x, int y) {
  return &img.rgb[static_cast<std::size_t>((y * img.width + x) * 3)];
}

TEST(SoftRaster, RectangleCoversExactlyThePixelsWhoseCentresItHolds) {
  // [10, 20) x [10, 20): 10 x 10 = 100 pixel centres, at x + 0.5, y + 0.5.
  const RgbImage img = raster(32, 32, [](ImDrawList* dl) { dl->AddRectFilled({10, 10}, {20, 20}, IM_COL32(255, 0, 0, 255)); });
  int red = 0;
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 32; ++x) red += px(img, x, y)[0] == 255 ? 1 : 0;
  EXPECT_EQ(red, 100);
  EXPECT_EQ(px(img, 10, 10)[0], 255);
  EXPECT_EQ(px(img, 19, 19)[0], 255);
  EXPECT_EQ(px(img, 9, 15)[0], 0);
  EXPECT_EQ(px(img, 20, 15)[0], 0);
}

TEST(SoftRaster, HalfTransparentWhiteOverBlackIsMidGrey) {
  // Source over: 255 x 128/255 + 0 x (1 - 128/255) = 128.
  const RgbImage img = raster(8, 8, [](ImDrawList* dl) { dl->AddRectFilled({0, 0}, {8, 8}, IM_COL32(255, 255, 255, 128)); });
  EXPECT_EQ(px(img, 4, 4)[0], 128);
  EXPECT_EQ(px(img, 4, 4)[2], 128);
}

TEST(SoftRaster, ClipRectanglesCut) {
  // The 8 x 8 square clipped to x in [0, 4): 4 x 8 = 32 pixels.
  const RgbImage img = raster(8, 8, [](ImDrawList* dl) {
    dl->PushClipRect({0, 0}, {4, 8});
    dl->AddRectFilled({0, 0}, {8, 8}, IM_COL32(0, 255, 0, 255));
    dl->PopClipRect();
  });
  int green = 0;
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) green += px(img, x, y)[1] == 255 ? 1 : 0;
  EXPECT_EQ(green, 32);
}

TEST(Plot, ChartsOfARunAreDrawnWithoutADisplay) {
  std::string error;
  auto s = Session::open(std::string(VZLAB_SOURCE_DIR) + "/scenarios/failover.yaml", {.until_s = 900.0}, &error);
  ASSERT_TRUE(s) << error;
  s->run_to(900);
  const auto files = render_plots(*s, 600, 400);
  ASSERT_EQ(files.size(), 2u);  // failover.yaml has a network: its busiest links too
  EXPECT_EQ(files[0].first, "charts.png");
  EXPECT_EQ(files[1].first, "network.png");
  int w = 0, h = 0, n = 0;
  unsigned char* data = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(files[0].second.data()),
                                              static_cast<int>(files[0].second.size()), &w, &h, &n, 3);
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(w, 600);
  EXPECT_EQ(h, 400);
  // The power line is drawn in the bottom-right chart, scaled to its largest
  // value: some pixel there is orange.
  bool orange = false;
  for (int y = 200; y < 400 && !orange; ++y)
    for (int x = 300; x < 600 && !orange; ++x) {
      const unsigned char* p = data + (y * w + x) * 3;
      orange = p[0] > 150 && p[1] > 100 && p[1] < 200 && p[2] < 130;
    }
  EXPECT_TRUE(orange);
  stbi_image_free(data);
}

}  // namespace
}  // namespace vzlab::viz::ui
