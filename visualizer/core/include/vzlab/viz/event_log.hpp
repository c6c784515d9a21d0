// The event log panel's data: the last events of the stream, filterable by
// kind and by subject text; and a hash of the whole stream, which record and
// replay must reproduce.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vzlab/engine/event_stream.hpp"

namespace vzlab::viz {

/// One logged event (the first three values kept).
struct LoggedEvent {
  double time_s = 0;
  std::uint32_t kind = 0, subject = 0;
  std::uint8_t value_count = 0;
  double values[3] = {};
};

/// The last `capacity` events of a stream.
class EventLog {
 public:
  /// Subscribes to `stream`, which must outlive the log.
  explicit EventLog(engine::EventStream& stream, std::size_t capacity = 5000);
  /// Events held, oldest first (i = 0 .. size()-1).
  const LoggedEvent& at(std::size_t i) const { return ring_[(head_ + i) % ring_.size()]; }
  /// Events held.
  std::size_t size() const { return size_; }
  /// Every event seen, including those that fell out.
  std::uint64_t total() const { return total_; }
  /// One more than the largest event kind id seen (kinds 0 .. kinds_seen()-1).
  std::uint32_t kinds_seen() const { return kinds_seen_; }
  /// Indices (for at()) of held events whose kind is enabled in `kinds`
  /// (indexed by kind id; ids beyond it count as enabled) and whose subject
  /// name contains `text` (empty: any), newest first, at most `limit`.
  std::vector<std::size_t> filter(const std::vector<bool>& kinds, const std::string& text, std::size_t limit) const;
  /// "600.000 host.crash san-h0 [0]".
  std::string format(const LoggedEvent& e) const;
  /// The stream, for kind and subject names.
  const engine::EventStream& stream() const { return stream_; }

 private:
  engine::EventStream& stream_;
  std::vector<LoggedEvent> ring_;
  std::size_t head_ = 0, size_ = 0;
  std::uint64_t total_ = 0;
  std::uint32_t kinds_seen_ = 0;
};

/// FNV-1a hash of every event (time, kind name, subject name, values) of a stream.
class EventHash {
 public:
  /// Subscribes to `stream`, which must outlive the hash.
  explicit EventHash(engine::EventStream& stream);
  /// The hash of every event so far.
  std::uint64_t value() const { return hash_; }
  /// Events hashed.
  std::uint64_t count() const { return count_; }

 private:
  void add(const void* data, std::size_t n);
  engine::EventStream& stream_;
  std::uint64_t hash_ = 14695981039346656037ull;
  std::uint64_t count_ = 0;
};

}  // namespace vzlab::viz
