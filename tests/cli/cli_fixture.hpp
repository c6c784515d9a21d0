// The `vzlab` command as a user runs it: a test folder, running the binary
// and capturing its exit code and output. Shared by the CLI test suites.
#pragma once
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "vzlab/hv/scenario/scenario.hpp"
#include "vzlab/hv/scenario/schema.hpp"

namespace vzlab::cli {

namespace fs = std::filesystem;
using nlohmann::json;

inline const std::string kVzlab = std::string(VZLAB_BINARY_DIR) + "/cli/vzlab";
inline const std::string kConsolidation = std::string(VZLAB_SOURCE_DIR) + "/scenarios/consolidation.yaml";

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Text without the lines that contain any of `keys` (e.g. "\"wall_s\"").
inline std::string without_lines(const std::string& text, const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& line : lines_of(text))
    if (std::none_of(keys.begin(), keys.end(), [&](const std::string& k) { return line.find(k) != std::string::npos; }))
      out += line + "\n";
  return out;
}

inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "vzlab_cli_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(fs::exists(kVzlab)) << kVzlab << " is not built";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs vzlab with the given arguments (already quoted where needed).
  Outcome vzlab(const std::string& args) {
    const fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    const std::string cmd = quote(kVzlab) + " " + args + " >" + quote(out.string()) + " 2>" + quote(err.string());
    const int status = std::system(cmd.c_str());
    Outcome r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    fs::remove(out);
    fs::remove(err);
    return r;
  }

  // Writes a scenario file into the test folder and returns its path.
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  json run_json(const std::string& args) {
    Outcome r = vzlab("run " + args + " --format json");
    EXPECT_EQ(r.code, 0) << r.err;
    try {
      return json::parse(r.out);
    } catch (const json::exception& e) {
      ADD_FAILURE() << "not JSON: " << e.what() << "\n" << r.out;
      return json::object();
    }
  }

  fs::path dir_;
};

/// /dev/kvm can be opened here.
inline bool kvm_usable() {
  FILE* f = std::fopen("/dev/kvm", "r+");
  if (f != nullptr) std::fclose(f);
  return f != nullptr;
}

}  // namespace vzlab::cli
