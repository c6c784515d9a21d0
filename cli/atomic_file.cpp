#include "atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "interrupt.hpp"

namespace vzlab::cli {

namespace {

bool write_all(const std::string& path, const std::string& content, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    *error = "cannot create " + path + ": " + std::strerror(errno);
    return false;
  }
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size() && std::fflush(f) == 0 &&
                  fsync(fileno(f)) == 0;
  const int saved = errno;
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) {
    *error = "cannot write " + path + ": " + std::strerror(ok ? errno : saved);
    return false;
  }
  return true;
}

}  // namespace

bool AtomicBatch::commit(std::string* error) {
  const CommitSection section;  // a late Ctrl-C waits until every file is in place or removed
  std::vector<std::string> temps;
  auto cleanup = [&] {
    std::error_code ec;
    for (const auto& t : temps) std::filesystem::remove(t, ec);
  };
  for (const auto& [path, content] : files_) {
    std::string temp = path + ".tmp-" + std::to_string(getpid());
    temps.push_back(temp);
    if (!write_all(temp, content, error)) {
      cleanup();
      return false;
    }
  }
  for (std::size_t i = 0; i < files_.size(); ++i) {
    std::error_code ec;
    std::filesystem::rename(temps[i], files_[i].first, ec);
    if (ec) {
      *error = "cannot move " + temps[i] + " to " + files_[i].first + ": " + ec.message();
      cleanup();
      return false;
    }
  }
  return true;
}

}  // namespace vzlab::cli
