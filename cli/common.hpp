// What every `vzlab` command does the same way: its exit codes, its one
// error line, reading a duration option, making the output folder, loading
// a calibration profile.
#pragma once

#include <optional>
#include <string>

#include "vzlab/hv/calibration.hpp"

namespace vzlab::cli {

constexpr int kOk = 0;
constexpr int kInputError = 1;  ///< a scenario, a file or the machine said no
constexpr int kUsageError = 2;  ///< the command line is wrong

/// Prints "vzlab: MESSAGE" on stderr and returns kInputError.
int input_error(const std::string& message);
/// Prints "vzlab: MESSAGE" on stderr and returns kUsageError.
int usage_error(const std::string& message);

/// A duration option ("90", "30s", "1h"), not negative; nullopt with `why` otherwise.
std::optional<double> duration_option(const std::string& text, std::string* why);

/// Creates an output folder and its parents ("" is the current folder);
/// "" on success, else the message to print.
std::string make_output_dir(const std::string& dir);

/// The calibration profile in `path` (the published figures when `path`
/// is empty); nullopt after printing the loader's message.
std::optional<hv::CalibrationProfile> load_profile(const std::string& path);

}  // namespace vzlab::cli
