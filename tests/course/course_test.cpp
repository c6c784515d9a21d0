// The course can never drift from the tool: every `sh` command of every lab's
// README.md is run (as a student would, from a folder that sees `scenarios/`),
// and every number its KEY.md states in a check comment is compared with
// what that command printed.
//
// README.md: fenced ```sh blocks, one command per line, each starting with
// `vzlab ` or `xvfb-run -a vzlab `; the Nth command of the file is step N.
// KEY.md: one comment per checked number, either
//   <!-- check: step=3 regex="availability\s+([0-9.]+)" expect=0.9946 tol=0.002 -->
// (|value - expect| <= tol) or a relation
//   <!-- check: step=3 regex="error\s+([0-9.]+) %" min=0 max=10 -->
// The regex's first group is the number (commas dropped); the first match in
// the step's output (stdout and stderr) counts.
//
// VZLAB_COURSE_KIND picks the labs this executable runs: "real" (the lab
// measures this machine: run alone), "xvfb" (it starts a display server) or
// "sim" (the rest), so ctest can schedule each kind safely.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kSource = VZLAB_SOURCE_DIR;
const fs::path kCourse = kSource / "course";
const fs::path kVzlabDir = fs::path(VZLAB_BINARY_DIR) / "cli";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// The commands of a README's ```sh blocks, in order.
std::vector<std::string> commands_of(const std::string& markdown) {
  std::vector<std::string> out;
  std::istringstream in(markdown);
  bool in_sh = false;
  for (std::string line; std::getline(in, line);) {
    const std::string t = trim(line);
    if (!in_sh && t == "```sh") {
      in_sh = true;
    } else if (in_sh && t.rfind("```", 0) == 0) {
      in_sh = false;
    } else if (in_sh && !t.empty()) {
      out.push_back(t);
    }
  }
  return out;
}

struct Check {
  int step = 0;
  std::string regex;
  std::optional<double> expect, tol, min, max;
  std::string text;  // the comment itself, for messages
};

std::vector<Check> checks_of(const std::string& markdown) {
  std::vector<Check> out;
  const std::regex comment(R"(<!--\s*check:([^>]*)-->)");
  const std::regex field(R"re((\w+)=("([^"]*)"|\S+))re");
  for (auto it = std::sregex_iterator(markdown.begin(), markdown.end(), comment); it != std::sregex_iterator(); ++it) {
    Check c;
    c.text = (*it)[0];
    const std::string body = (*it)[1];
    for (auto f = std::sregex_iterator(body.begin(), body.end(), field); f != std::sregex_iterator(); ++f) {
      const std::string key = (*f)[1];
      const std::string value = (*f)[3].matched ? std::string((*f)[3]) : std::string((*f)[2]);
      if (key == "step") c.step = std::stoi(value);
      else if (key == "regex") c.regex = value;
      else if (key == "expect") c.expect = std::stod(value);
      else if (key == "tol") c.tol = std::stod(value);
      else if (key == "min") c.min = std::stod(value);
      else if (key == "max") c.max = std::stod(value);
      else ADD_FAILURE() << "unknown key '" << key << "' in " << c.text;
    }
    out.push_back(c);
  }
  return out;
}

std::string kind_of(const std::vector<std::string>& commands) {
  bool xvfb = false;
  for (const std::string& c : commands) {
    if (c.rfind("vzlab compare", 0) == 0 || c.rfind("vzlab real", 0) == 0 || c.rfind("vzlab calibrate", 0) == 0)
      return "real";
    if (c.rfind("xvfb-run", 0) == 0) xvfb = true;
  }
  return xvfb ? "xvfb" : "sim";
}

std::vector<std::string> labs_of_kind(const std::string& kind) {
  std::vector<std::string> out;
  if (!fs::is_directory(kCourse)) return out;
  for (const auto& entry : fs::directory_iterator(kCourse)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.rfind("lab", 0) != 0) continue;
    if (kind_of(commands_of(read_file(entry.path() / "README.md"))) == kind) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Outcome {
  int code = -1;
  std::string out;
};

class Lab : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "vzlab_course_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    // The student works from the repository root; here a scratch folder that
    // sees the same scenarios, so what the commands write stays out of the tree.
    fs::create_directory_symlink(kSource / "scenarios", dir_ / "scenarios");
    ASSERT_TRUE(fs::exists(kVzlabDir / "vzlab")) << "vzlab is not built";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs one README line as a shell would, with `vzlab` on the PATH.
  Outcome run(const std::string& command, int index) {
    const fs::path log = dir_ / ("step" + std::to_string(index) + ".txt");
    const std::string shell = "cd " + quote(dir_.string()) + " && PATH=" + quote(kVzlabDir.string()) +
                              ":\"$PATH\" timeout 300 " + command + " > " + quote(log.string()) + " 2>&1";
    const int status = std::system(shell.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(log)};
  }

  fs::path dir_;
};

TEST_P(Lab, HasEveryPartAPictureAndChecks) {
  const fs::path lab = kCourse / GetParam();
  const std::string readme = read_file(lab / "README.md");
  const std::string key = read_file(lab / "KEY.md");
  for (const char* heading : {"## Goals", "## Background", "## Steps", "## Questions", "## What you should see"})
    EXPECT_NE(readme.find(heading), std::string::npos) << GetParam() << "/README.md has no '" << heading << "'";
  EXPECT_FALSE(checks_of(key).empty()) << GetParam() << "/KEY.md states no checked number";
  // Each picture the README shows is in the lab's own images/ folder.
  const std::regex image(R"(!\[[^\]]*\]\((images/[^)]+\.png)\))");
  int images = 0;
  for (auto it = std::sregex_iterator(readme.begin(), readme.end(), image); it != std::sregex_iterator(); ++it, ++images)
    EXPECT_TRUE(fs::is_regular_file(lab / std::string((*it)[1]))) << GetParam() << ": missing " << (*it)[1];
  EXPECT_GE(images, 1) << GetParam() << "/README.md shows no picture";
  // The course's syllabus links the lab.
  EXPECT_NE(read_file(kCourse / "README.md").find(GetParam() + "/"), std::string::npos)
      << "course/README.md does not link " << GetParam();
}

TEST_P(Lab, CommandsRunAndKeyHolds) {
  const fs::path lab = kCourse / GetParam();
  const std::vector<std::string> commands = commands_of(read_file(lab / "README.md"));
  const std::vector<Check> checks = checks_of(read_file(lab / "KEY.md"));
  ASSERT_FALSE(commands.empty()) << GetParam() << "/README.md has no sh command";
  if (kind_of(commands) == "real" && !fs::exists("/dev/kvm")) GTEST_SKIP() << "no /dev/kvm: this lab measures KVM";
  std::vector<std::string> outputs;
  for (size_t i = 0; i < commands.size(); ++i) {
    const std::string& c = commands[i];
    ASSERT_TRUE(c.rfind("vzlab ", 0) == 0 || c.rfind("xvfb-run -a vzlab ", 0) == 0)
        << "step " << i + 1 << " is not a vzlab command: " << c;
    const Outcome r = run(c, static_cast<int>(i + 1));
    EXPECT_EQ(r.code, 0) << GetParam() << " step " << i + 1 << ": " << c << "\n" << r.out;
    outputs.push_back(r.out);
  }
  // The lab's own commands draw its pictures (images/ holds copies of them).
  int pictures = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_))
    if (entry.is_regular_file() && entry.path().extension() == ".png") ++pictures;
  EXPECT_GE(pictures, 1) << GetParam() << ": no command wrote a PNG";
  for (const Check& check : checks) {
    ASSERT_GE(check.step, 1) << check.text;
    ASSERT_LE(check.step, static_cast<int>(outputs.size())) << "no such step: " << check.text;
    ASSERT_FALSE(check.regex.empty()) << check.text;
    ASSERT_TRUE(check.expect.has_value() != (check.min.has_value() || check.max.has_value()))
        << "a check is expect= with tol=, or min=/max=: " << check.text;
    const std::string& out = outputs[check.step - 1];
    std::smatch m;
    const std::regex re(check.regex);
    ASSERT_TRUE(std::regex_search(out, m, re) && m.size() > 1 && m[1].matched)
        << GetParam() << ": '" << check.regex << "' does not match step " << check.step << "'s output:\n" << out;
    std::string number = m[1];
    number.erase(std::remove(number.begin(), number.end(), ','), number.end());
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    ASSERT_TRUE(!number.empty() && *end == '\0') << GetParam() << ": '" << number << "' is not a number: " << check.text;
    if (check.expect) {
      ASSERT_TRUE(check.tol.has_value()) << "expect= needs tol=: " << check.text;
      EXPECT_LE(std::fabs(value - *check.expect), *check.tol) << GetParam() << ": " << check.text << " read " << value;
    }
    if (check.min) {
      EXPECT_GE(value, *check.min) << GetParam() << ": " << check.text << " read " << value;
    }
    if (check.max) {
      EXPECT_LE(value, *check.max) << GetParam() << ": " << check.text << " read " << value;
    }
  }
}

std::string name_of(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Lab);
INSTANTIATE_TEST_SUITE_P(Course, Lab, ::testing::ValuesIn(labs_of_kind(VZLAB_COURSE_KIND)), name_of);

// The parser itself (in one of the three executables): a check that cannot fail would be a defect.
#if defined(VZLAB_COURSE_FORMAT_TEST)
TEST(CourseFormat, ParsesCommandsAndChecks) {
  const std::string readme = "text\n```sh\nvzlab run a.yaml\n\nxvfb-run -a vzlab viz a.yaml\n```\n```\nnot me\n```\n";
  EXPECT_EQ(commands_of(readme), (std::vector<std::string>{"vzlab run a.yaml", "xvfb-run -a vzlab viz a.yaml"}));
  const auto checks = checks_of(R"x(| 2 | x | <!-- check: step=2 regex="avail\s+([0-9.]+) %" expect=99.5 tol=0.1 --> |
<!-- check: step=1 regex="e ([0-9]+)" max=10 -->)x");
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].step, 2);
  EXPECT_EQ(checks[0].regex, R"x(avail\s+([0-9.]+) %)x");
  EXPECT_DOUBLE_EQ(*checks[0].expect, 99.5);
  EXPECT_DOUBLE_EQ(*checks[0].tol, 0.1);
  EXPECT_FALSE(checks[1].expect.has_value());
  EXPECT_DOUBLE_EQ(*checks[1].max, 10);
  EXPECT_EQ(kind_of({"vzlab run x", "xvfb-run -a vzlab viz x"}), "xvfb");
  EXPECT_EQ(kind_of({"vzlab compare x --repeat 1"}), "real");
  EXPECT_EQ(kind_of({"vzlab run x"}), "sim");
}
#endif

}  // namespace
