// Text helpers shared by the report writers (internal to the report library).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace vzlab::hv::report::text {

inline std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// "63.2 ms" below a second, "12.7 s" above.
inline std::string duration(double s) { return s < 1.0 ? fmt("%.4g ms", 1e3 * s) : fmt("%.4g s", s); }

// "1.5 Gf/s" style for speeds.
inline std::string si(double v, const char* unit) {
  const char* prefixes[] = {"", "k", "M", "G", "T", "P"};
  int p = 0;
  while (std::fabs(v) >= 1000 && p < 5) {
    v /= 1000;
    ++p;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g %s%s", v, prefixes[p], unit);
  return buf;
}

// "1.5 GiB" style for memory and disk sizes.
inline std::string si_bytes(double v) {
  const char* prefixes[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int p = 0;
  while (v >= 1000 && p < 4) {  // 1000 MiB shows as 0.977 GiB, not 1e+03 MiB
    v /= 1024;
    ++p;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g %s", v, prefixes[p]);
  return buf;
}

inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A CSV number, or "n/a" when there is none.
inline std::string opt_num(const std::optional<double>& v) { return v ? fmt("%.17g", *v) : "n/a"; }

// Plain-text table with left-aligned first column and right-aligned others.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string str() const {
    std::vector<std::size_t> w(rows_[0].size(), 0);
    for (const auto& r : rows_)
      for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
    std::string out;
    for (std::size_t ri = 0; ri < rows_.size(); ++ri) {
      std::string line = "  ";
      for (std::size_t i = 0; i < rows_[ri].size(); ++i) {
        const std::string& c = rows_[ri][i];
        const std::string pad(w[i] - c.size(), ' ');
        line += i == 0 ? c + pad : pad + c;
        if (i + 1 < rows_[ri].size()) line += "  ";
      }
      out += line + "\n";
      if (ri == 0) {
        std::size_t total = 0;
        for (std::size_t x : w) total += x + 2;
        out += "  " + std::string(total - 2, '-') + "\n";
      }
    }
    return out;
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

inline std::string bar(double fraction, int width = 20) {
  const int n = static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * width));
  return "[" + std::string(n, '#') + std::string(width - n, '.') + "]";
}

}  // namespace vzlab::hv::report::text
