#include "vzlab/engine/event_queue.hpp"

#include <cassert>

namespace vzlab::engine {

void EventQueue::schedule(Timer& t, double time) {
  t.time_ = time;
  t.seq_ = next_seq_++;
  if (t.scheduled()) {
    // The key only moved: restore the heap around its slot.
    sift_up(t.heap_index_);
    sift_down(t.heap_index_);
    return;
  }
  heap_.push_back(&t);
  t.heap_index_ = static_cast<std::uint32_t>(heap_.size() - 1);
  sift_up(t.heap_index_);
}

void EventQueue::cancel(Timer& t) {
  if (!t.scheduled()) return;
  std::uint32_t i = t.heap_index_;
  t.heap_index_ = Timer::kNotQueued;
  Timer* last = heap_.back();
  heap_.pop_back();
  if (last == &t) return;
  place(i, last);
  sift_up(i);
  sift_down(last->heap_index_);
}

Timer* EventQueue::pop() {
  assert(!heap_.empty());
  Timer* top = heap_.front();
  cancel(*top);
  return top;
}

void EventQueue::sift_up(std::uint32_t i) {
  Timer* t = heap_[i];
  while (i > 0) {
    std::uint32_t parent = (i - 1) / 2;
    if (!before(t, heap_[parent])) break;
    place(i, heap_[parent]);
    i = parent;
  }
  place(i, t);
}

void EventQueue::sift_down(std::uint32_t i) {
  Timer* t = heap_[i];
  const std::uint32_t n = static_cast<std::uint32_t>(heap_.size());
  for (;;) {
    std::uint32_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
    if (!before(heap_[child], t)) break;
    place(i, heap_[child]);
    i = child;
  }
  place(i, t);
}

}  // namespace vzlab::engine
