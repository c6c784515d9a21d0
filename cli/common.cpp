#include "common.hpp"

#include <filesystem>
#include <iostream>
#include <system_error>

#include "vzlab/hv/scenario/scenario.hpp"
#include "vzlab/hv/scenario/units.hpp"

namespace vzlab::cli {

namespace sc = hv::scenario;

int input_error(const std::string& message) {
  std::cerr << "vzlab: " << message << "\n";
  return kInputError;
}

int usage_error(const std::string& message) {
  std::cerr << "vzlab: " << message << "\n";
  return kUsageError;
}

std::optional<double> duration_option(const std::string& text, std::string* why) {
  auto t = sc::parse_quantity(text, sc::UnitKind::kDuration, why);
  if (t && *t < 0) {
    *why = "must not be negative";
    return std::nullopt;
  }
  return t;
}

std::string make_output_dir(const std::string& dir) {
  if (dir.empty()) return "";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return ec ? "cannot create the output folder " + dir + ": " + ec.message() : "";
}

std::optional<hv::CalibrationProfile> load_profile(const std::string& path) {
  if (path.empty()) return hv::CalibrationProfile{};
  auto loaded = sc::load_calibration_file(path);
  if (!loaded.ok()) {
    std::cerr << loaded.error->format() << "\n";
    return std::nullopt;
  }
  return *loaded.profile;
}

}  // namespace vzlab::cli
