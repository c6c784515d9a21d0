#include "vzlab/engine/event_queue.hpp"

#include <cassert>

#include "heap.hpp"

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

std::uint32_t EventQueue::smallest_child(std::uint32_t i) const { return heap::smallest_child<kArity>(heap_, i, before); }

void EventQueue::sift_up(std::uint32_t i) {
  heap::sift_up<kArity>(heap_, i, before, [this](std::uint32_t at, const Entry& e) { place(at, e); });
}

void EventQueue::sift_down(std::uint32_t i) {
  heap::sift_down<kArity>(heap_, i, before, [this](std::uint32_t at, const Entry& e) { place(at, e); });
}

}  // namespace vzlab::engine
