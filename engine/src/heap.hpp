// Sifting in a d-ary min-heap whose entries know where they sit: `before(a,
// b)` orders two entries, `place(i, e)` stores `e` at index `i` and records
// that position wherever the entry's owner keeps it. Shared by the event
// queue (4-ary) and the share groups (binary).
#pragma once

#include <cstdint>
#include <vector>

namespace vzlab::engine::heap {

/// Moves the entry at `i` up until its parent comes before it.
template <std::uint32_t Arity, typename Entry, typename Before, typename Place>
void sift_up(std::vector<Entry>& heap, std::uint32_t i, Before before, Place place) {
  const Entry e = heap[i];
  while (i > 0) {
    const std::uint32_t parent = (i - 1) / Arity;
    if (!before(e, heap[parent])) break;
    place(i, heap[parent]);
    i = parent;
  }
  place(i, e);
}

/// The child of `i` that comes first, or 0 when `i` is a leaf.
template <std::uint32_t Arity, typename Entry, typename Before>
std::uint32_t smallest_child(const std::vector<Entry>& heap, std::uint32_t i, Before before) {
  const auto n = static_cast<std::uint32_t>(heap.size());
  const std::uint32_t first = Arity * i + 1;
  if (first >= n) return 0;
  std::uint32_t best = first;
  const std::uint32_t end = first + Arity < n ? first + Arity : n;
  for (std::uint32_t c = first + 1; c < end; ++c)
    if (before(heap[c], heap[best])) best = c;
  return best;
}

/// Moves the entry at `i` down until no child comes before it.
template <std::uint32_t Arity, typename Entry, typename Before, typename Place>
void sift_down(std::vector<Entry>& heap, std::uint32_t i, Before before, Place place) {
  const Entry e = heap[i];
  for (std::uint32_t best; (best = smallest_child<Arity>(heap, i, before)) != 0 && before(heap[best], e); i = best)
    place(i, heap[best]);
  place(i, e);
}

}  // namespace vzlab::engine::heap
