// The event stream: every state change a report, a trace or the visualizer
// could want, as (time, kind, subject, values).
//
// Kinds and subjects are interned names, so an event is a few words and
// emitting costs nothing when nobody listens (check active() first when
// building values is itself costly).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vzlab::engine {

/// One record on the stream; values are valid only during the callback.
struct StreamEvent {
  double time_s;
  std::uint32_t kind;
  std::uint32_t subject;
  std::span<const double> values;
};

/// Interns names to small integers and back.
class NameTable {
 public:
  /// Id of name, adding it if new.
  std::uint32_t intern(std::string_view name);
  /// Name of an id returned by intern().
  const std::string& name(std::uint32_t id) const { return names_[id]; }
  /// Number of names.
  std::size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::uint32_t> ids_;
};

/// Fan-out of events to subscribers, in subscription order.
class EventStream {
 public:
  using Sink = std::function<void(const StreamEvent&)>;

  /// Adds a consumer; it sees every event emitted from now on.
  void subscribe(Sink sink) { sinks_.push_back(std::move(sink)); }
  /// Removes every consumer.
  void unsubscribe_all() { sinks_.clear(); }
  /// True when at least one consumer listens.
  bool active() const { return !sinks_.empty(); }
  /// Id of an event kind name ("task.end").
  std::uint32_t kind(std::string_view name) { return kinds_.intern(name); }
  /// Id of a subject name ("host-3").
  std::uint32_t subject(std::string_view name) { return subjects_.intern(name); }
  const std::string& kind_name(std::uint32_t id) const { return kinds_.name(id); }
  const std::string& subject_name(std::uint32_t id) const { return subjects_.name(id); }

  /// Sends one event to every consumer.
  void emit(double time_s, std::uint32_t kind, std::uint32_t subject, std::span<const double> values = {});
  void emit(double time_s, std::uint32_t kind, std::uint32_t subject, std::initializer_list<double> values) {
    emit(time_s, kind, subject, std::span<const double>(values.begin(), values.size()));
  }
  /// Number of events emitted.
  std::uint64_t emitted() const { return emitted_; }

 private:
  std::vector<Sink> sinks_;
  NameTable kinds_;
  NameTable subjects_;
  std::uint64_t emitted_ = 0;
};

}  // namespace vzlab::engine
