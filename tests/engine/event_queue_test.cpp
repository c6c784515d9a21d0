#include "vzlab/engine/event_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace vzlab::engine {
namespace {

// A timer that records its id into a shared log when fired.
class LogTimer : public Timer {
 public:
  LogTimer(std::vector<int>& log, int id) : log_(log), id_(id) {}
  void trigger() { fire(); }

 protected:
  void fire() override { log_.push_back(id_); }

 private:
  std::vector<int>& log_;
  int id_;
};

TEST(EventQueue, PopsInTimeOrder) {
  std::vector<int> log;
  LogTimer a(log, 1), b(log, 2), c(log, 3);
  EventQueue q;
  q.schedule(a, 3.0);
  q.schedule(b, 1.0);
  q.schedule(c, 2.0);
  while (!q.empty()) static_cast<LogTimer*>(q.pop())->trigger();
  EXPECT_EQ(log, (std::vector<int>{2, 3, 1}));
}

TEST(EventQueue, EqualTimesFireInSchedulingOrder) {
  // 100 timers at the same time must come out FIFO, whatever the heap shape.
  std::vector<int> log;
  std::vector<std::unique_ptr<LogTimer>> timers;
  EventQueue q;
  for (int i = 0; i < 100; ++i) {
    timers.push_back(std::make_unique<LogTimer>(log, i));
    q.schedule(*timers.back(), 5.0);
  }
  while (!q.empty()) static_cast<LogTimer*>(q.pop())->trigger();
  ASSERT_EQ(log.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(log[i], i);
}

TEST(EventQueue, CancelRemovesOnlyThatTimer) {
  std::vector<int> log;
  LogTimer a(log, 1), b(log, 2), c(log, 3);
  EventQueue q;
  q.schedule(a, 1.0);
  q.schedule(b, 2.0);
  q.schedule(c, 3.0);
  q.cancel(b);
  EXPECT_FALSE(b.scheduled());
  q.cancel(b);  // cancelling twice is harmless
  EXPECT_EQ(q.size(), 2u);
  while (!q.empty()) static_cast<LogTimer*>(q.pop())->trigger();
  EXPECT_EQ(log, (std::vector<int>{1, 3}));
}

TEST(EventQueue, RescheduleMovesAndCountsAsNewlyScheduled) {
  std::vector<int> log;
  LogTimer a(log, 1), b(log, 2), c(log, 3);
  EventQueue q;
  q.schedule(a, 1.0);
  q.schedule(b, 2.0);
  q.schedule(c, 2.0);
  q.schedule(a, 2.0);  // now at 2.0, after b and c (scheduled later than them)
  q.schedule(c, 0.5);  // earliest
  while (!q.empty()) static_cast<LogTimer*>(q.pop())->trigger();
  EXPECT_EQ(log, (std::vector<int>{3, 2, 1}));
}

TEST(EventQueue, RandomOperationsKeepHeapOrder) {
  // Against a brute-force model: after many schedules/cancels, pops come out
  // sorted by (time, last scheduling order).
  std::vector<int> log;
  std::vector<std::unique_ptr<LogTimer>> timers;
  for (int i = 0; i < 200; ++i) timers.push_back(std::make_unique<LogTimer>(log, i));
  EventQueue q;
  std::vector<std::pair<double, long>> key(200, {-1, -1});
  long order = 0;
  unsigned x = 12345;
  for (int step = 0; step < 5000; ++step) {
    x = x * 1103515245u + 12345u;
    int i = (x >> 8) % 200;
    if ((x >> 20) % 4 == 0) {
      q.cancel(*timers[i]);
      key[i] = {-1, -1};
    } else {
      double t = static_cast<double>((x >> 12) % 50);
      q.schedule(*timers[i], t);
      key[i] = {t, order++};
    }
  }
  std::vector<std::pair<std::pair<double, long>, int>> expected;
  for (int i = 0; i < 200; ++i)
    if (key[i].first >= 0) expected.push_back({key[i], i});
  std::sort(expected.begin(), expected.end());
  while (!q.empty()) static_cast<LogTimer*>(q.pop())->trigger();
  ASSERT_EQ(log.size(), expected.size());
  for (std::size_t k = 0; k < log.size(); ++k) EXPECT_EQ(log[k], expected[k].second);
}

}  // namespace
}  // namespace vzlab::engine
