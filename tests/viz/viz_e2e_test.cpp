// `vzlab viz` end to end: headless pictures of failover.yaml rendered under
// Xvfb with Mesa's software renderer, read back pixel by pixel; and a
// recorded class session replayed through the command line.
#include <stb_image.h>

#include <map>

#include "../cli/cli_fixture.hpp"
#include "vzlab/viz/colors.hpp"
#include "vzlab/viz/layout.hpp"

namespace vzlab::cli {
namespace {

const std::string kFailover = std::string(VZLAB_SOURCE_DIR) + "/scenarios/failover.yaml";

struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> rgb;
  viz::Rgba at(int x, int y) const {
    const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * 3;
    return {rgb[i], rgb[i + 1], rgb[i + 2], 255};
  }
};

Image load_png(const fs::path& p) {
  Image img;
  int channels = 0;
  unsigned char* data = stbi_load(p.c_str(), &img.w, &img.h, &channels, 3);
  if (data == nullptr) return img;
  img.rgb.assign(data, data + static_cast<std::size_t>(img.w) * static_cast<std::size_t>(img.h) * 3);
  stbi_image_free(data);
  return img;
}

viz::Rect rect_of(const json& a) { return {a[0].get<float>(), a[1].get<float>(), a[2].get<float>(), a[3].get<float>()}; }

// A card's name strip: filled in the host's colour whether it is up or down
// (an up card is otherwise an outline; a down card is filled all over).
viz::Rect strip_of(const json& card) {
  viz::Rect r = rect_of(card);
  r.h = 24;
  return r;
}

// The colour filling most of a rectangle's inside (text and rounded corners aside).
viz::Rgba dominant(const Image& img, const viz::Rect& r) {
  std::map<std::uint32_t, int> count;
  for (int y = static_cast<int>(r.y) + 4; y < static_cast<int>(r.y + r.h) - 4; ++y)
    for (int x = static_cast<int>(r.x) + 4; x < static_cast<int>(r.x + r.w) - 4; ++x) ++count[img.at(x, y).packed()];
  std::uint32_t best = 0;
  int most = -1;
  for (auto [c, n] : count)
    if (n > most) most = n, best = c;
  return {static_cast<std::uint8_t>(best), static_cast<std::uint8_t>(best >> 8), static_cast<std::uint8_t>(best >> 16), 255};
}

class VizE2e : public Cli {
 protected:
  // vzlab under a fresh Xvfb display (xvfb-run picks a free one).
  Outcome xvfb_vzlab(const std::string& args) {
    return vzlab_through("xvfb-run -a -s '-screen 0 1920x1200x24' " + quote(kVzlab), args);
  }
  Outcome vzlab_through(const std::string& prefix, const std::string& args) {
    const fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    const std::string cmd = prefix + " " + args + " >" + quote(out.string()) + " 2>" + quote(err.string());
    const int status = std::system(cmd.c_str());
    Outcome r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
  }
  const json* find(const json& list, const std::string& name) {
    for (const json& item : list)
      if (item["name"] == name) return &item;
    return nullptr;
  }
};

TEST_F(VizE2e, FailoverBeforeAndAfterTheHostFailure) {
  // failover.yaml: san-h0 (holding san-vm0, san-vm1) dies at 10 min; the SAN
  // VMs are noticed after 3 heartbeats of 2 s (606 s) and boot elsewhere in
  // 20 s; das-h0's VMs keep their disk on das-h0 and wait for its repair.
  const Outcome r = xvfb_vzlab("viz " + quote(kFailover) + " --headless --at 9min,11min --out " + quote(dir_.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const Image before = load_png(dir_ / "t0000540.png"), after = load_png(dir_ / "t0000660.png");
  ASSERT_EQ(before.w, 1600);
  ASSERT_EQ(before.h, 1000);
  ASSERT_EQ(after.w, 1600);
  const json jb = json::parse(read_file(dir_ / "t0000540.json")), ja = json::parse(read_file(dir_ / "t0000660.json"));
  EXPECT_EQ(ja["width"], 1600);

  // Not blank: many colours, and at least a tenth of the picture is not background.
  for (const Image* img : {&before, &after}) {
    std::map<std::uint32_t, int> colours;
    for (int y = 0; y < img->h; y += 2)
      for (int x = 0; x < img->w; x += 2) ++colours[img->at(x, y).packed()];
    EXPECT_GT(colours.size(), 50u);
    int most = 0;
    for (auto [c, n] : colours) most = std::max(most, n);
    EXPECT_LT(most, img->w * img->h / 4 * 9 / 10);
  }

  // Every card and box lies in the hosts panel of a 1600 x 1000 window.
  const viz::Rect panel = viz::PanelLayout::for_display(1600, 1000, false).hosts;
  for (const json& h : ja["hosts"]) {
    const viz::Rect c = rect_of(h["card"]);
    EXPECT_TRUE(panel.contains({c.x, c.y}) && panel.contains({c.x + c.w - 1, c.y + c.h - 1})) << h.dump();
  }

  // Before: san-h0 up, san-vm0 running on it.
  const json* h0 = find(jb["hosts"], "san-h0");
  ASSERT_TRUE(h0);
  EXPECT_EQ(dominant(before, strip_of((*h0)["card"])), viz::host_color(true));
  EXPECT_NE(dominant(before, rect_of((*h0)["card"])), viz::down_color());
  const json* vm0 = find(jb["guests"], "san-vm0");
  ASSERT_TRUE(vm0);
  EXPECT_EQ((*vm0)["host"], "san-h0");
  EXPECT_EQ(dominant(before, rect_of((*vm0)["box"])), viz::guest_color(viz::GuestState::kRunning));

  // After: san-h0's card in the "down" colour, san-vm0 running on another host.
  h0 = find(ja["hosts"], "san-h0");
  ASSERT_TRUE(h0);
  EXPECT_EQ(dominant(after, rect_of((*h0)["card"])), viz::down_color());
  vm0 = find(ja["guests"], "san-vm0");
  ASSERT_TRUE(vm0);
  EXPECT_NE((*vm0)["host"], "san-h0");
  const viz::Rect box = rect_of((*vm0)["box"]);
  EXPECT_EQ(dominant(after, box), viz::guest_color(viz::GuestState::kRunning));
  const json* new_host = find(ja["hosts"], (*vm0)["host"].get<std::string>());
  ASSERT_TRUE(new_host);
  const viz::Rect card = rect_of((*new_host)["card"]);
  EXPECT_TRUE(card.contains(box.center()));  // drawn inside its new host's card
  EXPECT_EQ(dominant(after, strip_of((*new_host)["card"])), viz::host_color(true));
  // das-vm0 is still down on das-h0 (its disk is there): a down box in a down card.
  const json* das = find(ja["guests"], "das-vm0");
  ASSERT_TRUE(das);
  EXPECT_EQ((*das)["host"], "das-h0");
  EXPECT_EQ(dominant(after, rect_of((*das)["box"])), viz::guest_color(viz::GuestState::kDown));
}

TEST_F(VizE2e, ReplayedCommandsShowAndAreRecordedAgain) {
  // A class session: san-h1 failed by hand at 2 min; replayed, it is down in
  // the picture at 3 min and the replay records the same command again.
  const std::string script = write("class.txt", "# a session\n120 fail-host san-h1\n");
  const Outcome r = xvfb_vzlab("viz " + quote(kFailover) + " --headless --at 3min --out " + quote(dir_.string()) +
                               " --replay " + quote(script) + " --record " + quote((dir_ / "again.txt").string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const json j = json::parse(read_file(dir_ / "t0000180.json"));
  const json* h1 = find(j["hosts"], "san-h1");
  ASSERT_TRUE(h1);
  EXPECT_EQ((*h1)["up"], false);
  EXPECT_EQ(dominant(load_png(dir_ / "t0000180.png"), rect_of((*h1)["card"])), viz::down_color());
  EXPECT_NE(read_file(dir_ / "again.txt").find("\n120 fail-host san-h1\n"), std::string::npos);
}

TEST_F(VizE2e, BadInputIsOneMessageAndNoCrash) {
  Outcome r = vzlab("viz " + quote(kFailover) + " --headless --out " + quote(dir_.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--headless needs --at"), std::string::npos) << r.err;
  r = vzlab("viz " + quote(kFailover) + " --headless --at 5min,1min --out " + quote(dir_.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("times must increase"), std::string::npos) << r.err;
  const std::string bad = write("bad.txt", "10 fail-host\n");
  r = vzlab("viz " + quote(kFailover) + " --replay " + quote(bad));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("bad.txt:1: expected: TIME COMMAND TARGET"), std::string::npos) << r.err;
  r = vzlab("viz " + quote((dir_ / "missing.yaml").string()));
  EXPECT_EQ(r.code, 1);
  // No display at all: a clear sentence, not a crash.
  r = vzlab_through("env -u DISPLAY -u WAYLAND_DISPLAY " + quote(kVzlab), "viz " + quote(kFailover));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("xvfb-run"), std::string::npos) << r.err;
}

TEST_F(VizE2e, AClickFailsAHostAndAnotherTwoMigrateAVm) {
  // Where things are at 60 s, then the same run with the pointer: a click on
  // san-h1's card fails it (its VMs, san-vm2 and san-vm3, restart on another
  // SAN host after 3 missed 2 s heartbeats and a 20 s boot: running by 120 s);
  // a click on san-vm0's box, then one on san-h2's card, migrates san-vm0.
  const fs::path first = dir_ / "first";
  Outcome r = xvfb_vzlab("viz " + quote(kFailover) + " --headless --at 60 --out " + quote(first.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const json at60 = json::parse(read_file(first / "t0000060.json"));
  // A host is clicked on its name strip (its middle may hold guest boxes), a guest on its box.
  auto centre = [&](const json* item, const char* key) {
    const viz::Vec2 c = std::string(key) == "card" ? strip_of((*item)[key]).center() : rect_of((*item)[key]).center();
    return std::to_string(static_cast<int>(c.x)) + "," + std::to_string(static_cast<int>(c.y));
  };
  const json *h1 = find(at60["hosts"], "san-h1"), *h2 = find(at60["hosts"], "san-h2"), *vm0 = find(at60["guests"], "san-vm0");
  ASSERT_TRUE(h1 && h2 && vm0);
  const fs::path record = dir_ / "clicks.txt";
  r = xvfb_vzlab("viz " + quote(kFailover) + " --headless --at 60,120 --out " + quote(dir_.string()) + " --click 60@" +
                 centre(h1, "card") + " --click 60@" + centre(vm0, "box") + " --click 60@" + centre(h2, "card") +
                 " --record " + quote(record.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_file(record), "# vzlab viz commands, replay with: vzlab viz " + kFailover +
                                   " --replay FILE\n60 fail-host san-h1\n60 migrate san-vm0 san-h2\n");
  const json at120 = json::parse(read_file(dir_ / "t0000120.json"));
  const Image img = load_png(dir_ / "t0000120.png");
  const json* dead = find(at120["hosts"], "san-h1");
  ASSERT_TRUE(dead);
  EXPECT_EQ((*dead)["up"], false);
  EXPECT_EQ(dominant(img, rect_of((*dead)["card"])), viz::down_color());
  for (const char* name : {"san-vm2", "san-vm3"}) {
    const json* g = find(at120["guests"], name);
    ASSERT_TRUE(g) << name;
    EXPECT_NE((*g)["host"], "san-h1");
    EXPECT_EQ((*g)["state"], "running");
    EXPECT_EQ(dominant(img, rect_of((*g)["box"])), viz::guest_color(viz::GuestState::kRunning));
  }
}

TEST_F(VizE2e, PlotNeedsNoDisplay) {
  // No X display, no Xvfb: `vzlab plot` rasterizes in software.
  const Outcome r = vzlab_through("env -u DISPLAY -u WAYLAND_DISPLAY " + quote(kVzlab),
                                  "plot " + quote(kFailover) + " --until 15min --out " + quote(dir_.string()) +
                                      " --size 800x500");
  ASSERT_EQ(r.code, 0) << r.err;
  const Image charts = load_png(dir_ / "charts.png"), network = load_png(dir_ / "network.png");
  EXPECT_EQ(charts.w, 800);
  EXPECT_EQ(charts.h, 500);
  EXPECT_EQ(network.w, 800);
  EXPECT_EQ(vzlab("plot " + quote(kFailover) + " --out " + quote(dir_.string()) + " --size 10x10").code, 2);
}

}  // namespace
}  // namespace vzlab::cli
