#include "vzlab/engine/event_stream.hpp"

namespace vzlab::engine {

std::uint32_t NameTable::intern(std::string_view name) {
  auto it = ids_.find(std::string(name));
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(names_.back(), id);
  return id;
}

void EventStream::emit(double time_s, std::uint32_t kind, std::uint32_t subject, std::span<const double> values) {
  ++emitted_;
  if (sinks_.empty()) return;
  const StreamEvent event{time_s, kind, subject, values};
  for (const Sink& sink : sinks_) sink(event);
}

}  // namespace vzlab::engine
