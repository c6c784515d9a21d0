// Writing output files so that a reader never sees a half-written one: every
// file goes to a temporary name first and is renamed into place only when
// all files of the batch were written.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace vzlab::cli {

/// A set of files written all-or-nothing (as far as the file system allows).
class AtomicBatch {
 public:
  /// Adds a file to write.
  void add(std::string path, std::string content) { files_.emplace_back(std::move(path), std::move(content)); }
  /// Writes every file; on failure removes what it wrote, sets `error` and returns false.
  bool commit(std::string* error);

 private:
  std::vector<std::pair<std::string, std::string>> files_;
};

}  // namespace vzlab::cli
