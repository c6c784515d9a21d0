#include "vzlab/viz/event_log.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace vzlab::viz {

EventLog::EventLog(engine::EventStream& stream, std::size_t capacity)
    : stream_(stream), ring_(std::max<std::size_t>(1, capacity)) {
  stream.subscribe([this](const engine::StreamEvent& e) {
    LoggedEvent& slot = ring_[(head_ + size_) % ring_.size()];
    if (size_ == ring_.size()) head_ = (head_ + 1) % ring_.size();
    else ++size_;
    slot.time_s = e.time_s;
    slot.kind = e.kind;
    slot.subject = e.subject;
    slot.value_count = static_cast<std::uint8_t>(std::min<std::size_t>(3, e.values.size()));
    for (std::size_t i = 0; i < slot.value_count; ++i) slot.values[i] = e.values[i];
    ++total_;
    kinds_seen_ = std::max(kinds_seen_, e.kind + 1);
  });
}

std::vector<std::size_t> EventLog::filter(const std::vector<bool>& kinds, const std::string& text,
                                          std::size_t limit) const {
  std::vector<std::size_t> out;
  for (std::size_t k = size_; k-- > 0 && out.size() < limit;) {
    const LoggedEvent& e = at(k);
    if (e.kind < kinds.size() && !kinds[e.kind]) continue;
    if (!text.empty() && stream_.subject_name(e.subject).find(text) == std::string::npos) continue;
    out.push_back(k);
  }
  return out;
}

std::string EventLog::format(const LoggedEvent& e) const {
  char buf[256];
  int n = std::snprintf(buf, sizeof buf, "%10.3f  %-16s %s", e.time_s, stream_.kind_name(e.kind).c_str(),
                        stream_.subject_name(e.subject).c_str());
  for (std::size_t i = 0; i < e.value_count && n > 0 && n < static_cast<int>(sizeof buf); ++i)
    n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "%s%g%s", i == 0 ? " [" : ", ", e.values[i],
                       i + 1 == e.value_count ? "]" : "");
  return buf;
}

EventHash::EventHash(engine::EventStream& stream) : stream_(stream) {
  stream.subscribe([this](const engine::StreamEvent& e) {
    add(&e.time_s, sizeof e.time_s);
    const std::string& kind = stream_.kind_name(e.kind);
    const std::string& subject = stream_.subject_name(e.subject);
    add(kind.data(), kind.size() + 1);
    add(subject.data(), subject.size() + 1);
    for (double v : e.values) add(&v, sizeof v);
    ++count_;
  });
}

void EventHash::add(const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) hash_ = (hash_ ^ p[i]) * 1099511628211ull;
}

}  // namespace vzlab::viz
