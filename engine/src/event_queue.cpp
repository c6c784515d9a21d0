#include "vzlab/engine/event_queue.hpp"

#include <cassert>

namespace vzlab::engine {

void EventQueue::schedule(Timer& t, double time) {
  t.time_ = time;
  t.seq_ = next_seq_++;
  if (t.scheduled()) {
    // The key only moved: restore the heap around its slot.
    const std::uint32_t i = position_[t.slot_];
    heap_[i].time = time;
    heap_[i].seq = t.seq_;
    sift_up(i);
    sift_down(position_[t.slot_]);
    return;
  }
  if (free_slots_.empty()) {
    t.slot_ = static_cast<std::uint32_t>(position_.size());
    position_.push_back(0);
  } else {
    t.slot_ = free_slots_.back();
    free_slots_.pop_back();
  }
  heap_.push_back({time, t.seq_, &t, t.slot_});
  const auto i = static_cast<std::uint32_t>(heap_.size() - 1);
  position_[t.slot_] = i;
  sift_up(i);
}

void EventQueue::cancel(Timer& t) {
  if (!t.scheduled()) return;
  const std::uint32_t i = position_[t.slot_];
  free_slots_.push_back(t.slot_);
  t.slot_ = Timer::kNotQueued;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (last.timer == &t) return;
  place(i, last);
  sift_up(i);
  sift_down(position_[last.slot]);
}

Timer* EventQueue::pop() {
  assert(!heap_.empty());
  Timer* top = heap_.front().timer;
  free_slots_.push_back(heap_.front().slot);
  top->slot_ = Timer::kNotQueued;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (heap_.empty()) return top;
  // Floyd's variant: walk the hole at the root down along the smallest
  // children to a leaf, then sift the former last entry up from there; this
  // saves comparing it at every level on the way down.
  std::uint32_t hole = 0;
  for (std::uint32_t best; (best = smallest_child(hole)) != 0; hole = best) place(hole, heap_[best]);
  place(hole, last);
  sift_up(hole);
  return top;
}

std::uint32_t EventQueue::smallest_child(std::uint32_t i) const {
  const auto n = static_cast<std::uint32_t>(heap_.size());
  const std::uint32_t first = kArity * i + 1;
  if (first >= n) return 0;
  std::uint32_t best = first;
  const std::uint32_t end = first + kArity < n ? first + kArity : n;
  for (std::uint32_t c = first + 1; c < end; ++c)
    if (before(heap_[c], heap_[best])) best = c;
  return best;
}

void EventQueue::sift_up(std::uint32_t i) {
  const Entry e = heap_[i];
  while (i > 0) {
    const std::uint32_t parent = (i - 1) / kArity;
    if (!before(e, heap_[parent])) break;
    place(i, heap_[parent]);
    i = parent;
  }
  place(i, e);
}

void EventQueue::sift_down(std::uint32_t i) {
  const Entry e = heap_[i];
  for (std::uint32_t best; (best = smallest_child(i)) != 0 && before(heap_[best], e); i = best) place(i, heap_[best]);
  place(i, e);
}

}  // namespace vzlab::engine
