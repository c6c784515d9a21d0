// Timers and the event queue: the engine's notion of "what happens next".
//
// A Timer is an intrusive queue entry embedded in whatever owns it (a sleeping
// process's awaiter, an activity, a process start), so scheduling never
// allocates. Entries are ordered by (time, insertion sequence): events at equal
// times fire in the order they were scheduled, which makes every run a pure
// function of its inputs.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace vzlab::engine {

class EventQueue;

/// Something that fires at a simulated time; embed it and override fire().
class Timer {
 public:
  Timer() = default;
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  virtual ~Timer() = default;

  /// Whether the timer is currently in a queue.
  bool scheduled() const { return slot_ != kNotQueued; }
  /// The time it is (or was last) scheduled for.
  double time() const { return time_; }

 protected:
  /// Called by the engine when simulated time reaches time(); the timer is
  /// already out of the queue and may reschedule itself.
  virtual void fire() = 0;

 private:
  friend class EventQueue;
  friend class Engine;
  static constexpr std::uint32_t kNotQueued = std::numeric_limits<std::uint32_t>::max();
  double time_ = 0.0;
  std::uint64_t seq_ = 0;
  std::uint32_t slot_ = kNotQueued;  // index into the queue's position table
};

/// Indexed 4-ary min-heap of timers keyed by (time, sequence). Keys live in
/// the heap array and positions in a compact table indexed by each timer's
/// slot, so moving entries never touches the timers' own memory.
class EventQueue {
 public:
  /// Puts t in the queue at `time`, or moves it there if already queued; it
  /// counts as newly scheduled for FIFO tie-breaking.
  void schedule(Timer& t, double time);
  /// Removes t from the queue; no effect if it is not queued.
  void cancel(Timer& t);
  /// True when nothing is queued.
  bool empty() const { return heap_.empty(); }
  /// Number of queued timers.
  std::size_t size() const { return heap_.size(); }
  /// Time of the earliest timer; the queue must not be empty.
  double next_time() const { return heap_.front().time; }
  /// Removes and returns the earliest timer; the queue must not be empty.
  Timer* pop();

 private:
  struct Entry {
    double time;
    std::uint64_t seq;
    Timer* timer;
    std::uint32_t slot;
  };
  static constexpr std::uint32_t kArity = 4;
  static bool before(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }
  /// Index of the smallest child of slot i, or 0 when i is a leaf.
  std::uint32_t smallest_child(std::uint32_t i) const;
  void sift_up(std::uint32_t i);
  void sift_down(std::uint32_t i);
  void place(std::uint32_t i, const Entry& e) {
    heap_[i] = e;
    position_[e.slot] = i;
  }

  std::vector<Entry> heap_;
  std::vector<std::uint32_t> position_;    // slot -> index in heap_
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace vzlab::engine
