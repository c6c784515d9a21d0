// Coroutine processes: ordering, sleeping, executing, joining, signals,
// failures and teardown.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "vzlab/engine/engine.hpp"

namespace vzlab::engine {
namespace {

TEST(Process, SpawnedProcessesStartInSpawnOrder) {
  Engine eng;
  std::vector<int> log;
  auto p = [&](int id) -> Process {
    log.push_back(id);
    co_return;
  };
  for (int i = 0; i < 5; ++i) eng.spawn(p(i));
  EXPECT_TRUE(log.empty());  // nothing runs before run()
  EXPECT_EQ(eng.run(), RunOutcome::kIdle);
  EXPECT_EQ(log, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(eng.live_processes(), 0u);
}

TEST(Process, SleepAdvancesTimeAndTiesAreFifo) {
  // a sleeps 2 then logs; b sleeps 1, then 1 more: both wake at t=2, and a's
  // wake-up was scheduled first (at t=0) so a logs first.
  Engine eng;
  std::vector<std::pair<std::string, double>> log;
  auto a = [&]() -> Process {
    co_await eng.sleep(2.0);
    log.emplace_back("a", eng.now());
  };
  auto b = [&]() -> Process {
    co_await eng.sleep(1.0);
    log.emplace_back("b1", eng.now());
    co_await eng.sleep(1.0);
    log.emplace_back("b2", eng.now());
  };
  eng.spawn(a());
  eng.spawn(b());
  eng.run();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0], std::make_pair(std::string("b1"), 1.0));
  EXPECT_EQ(log[1], std::make_pair(std::string("a"), 2.0));
  EXPECT_EQ(log[2], std::make_pair(std::string("b2"), 2.0));
  EXPECT_EQ(eng.now(), 2.0);
}

TEST(Process, ExecuteAloneTakesAmountOverCapacity) {
  // 3e9 work on a 1.5e9/s constraint: 2 s.
  Engine eng;
  Constraint cpu(eng.fluid(), 1.5e9);
  double done_at = -1;
  auto p = [&]() -> Process {
    co_await eng.execute(cpu, 3e9);
    done_at = eng.now();
  };
  eng.spawn(p());
  eng.run();
  EXPECT_DOUBLE_EQ(done_at, 2.0);
}

TEST(Process, SharingChangesAsActivitiesComeAndGo) {
  // Capacity 1. A: 2 units from t=0; B: 1 unit from t=0.5.
  // 0-0.5: A alone at 1 -> A has 1.5 left. Then both at 0.5: B done after
  // 2 s (t=2.5), A has 0.5 left -> alone at 1 -> done at t=3.
  Engine eng;
  Constraint cpu(eng.fluid(), 1.0);
  double a_end = -1, b_end = -1;
  auto a = [&]() -> Process {
    co_await eng.execute(cpu, 2.0);
    a_end = eng.now();
  };
  auto b = [&]() -> Process {
    co_await eng.sleep(0.5);
    co_await eng.execute(cpu, 1.0);
    b_end = eng.now();
  };
  eng.spawn(a());
  eng.spawn(b());
  eng.run();
  EXPECT_NEAR(b_end, 2.5, 1e-12);
  EXPECT_NEAR(a_end, 3.0, 1e-12);
}

TEST(Process, BoundLimitsASingleActivity) {
  // Capacity 4 but bound 1: 3 units take 3 s.
  Engine eng;
  Constraint cpu(eng.fluid(), 4.0);
  auto p = [&]() -> Process { co_await eng.execute(cpu, 3.0, 1.0); };
  eng.spawn(p());
  eng.run();
  EXPECT_DOUBLE_EQ(eng.now(), 3.0);
}

TEST(Process, JoinWaitsForAnotherProcess) {
  Engine eng;
  std::vector<std::string> log;
  auto worker = [&]() -> Process {
    co_await eng.sleep(5.0);
    log.push_back("worker done");
  };
  ProcessHandle h = eng.spawn(worker(), "worker");
  auto waiter = [&]() -> Process {
    co_await eng.join(h);
    log.push_back("joined at " + std::to_string(static_cast<int>(eng.now())));
    co_await eng.join(h);  // already finished: does not suspend
    log.push_back("second join");
  };
  eng.spawn(waiter());
  eng.run();
  EXPECT_TRUE(h.finished());
  EXPECT_EQ(h.name(), "worker");
  EXPECT_EQ(log, (std::vector<std::string>{"worker done", "joined at 5", "second join"}));
}

TEST(Process, SignalWakesAllWaitersInOrder) {
  Engine eng;
  Signal sig(eng);
  std::vector<std::pair<int, double>> log;
  auto waiter = [&](int id) -> Process {
    co_await sig.wait();
    log.emplace_back(id, eng.now());
  };
  auto notifier = [&]() -> Process {
    co_await eng.sleep(3.0);
    sig.notify_all();
  };
  eng.spawn(waiter(1));
  eng.spawn(waiter(2));
  eng.spawn(notifier());
  eng.run();
  EXPECT_EQ(log, (std::vector<std::pair<int, double>>{{1, 3.0}, {2, 3.0}}));
  EXPECT_EQ(sig.waiting(), 0u);
}

Task<int> add_later(Engine& eng, int a, int b) {
  co_await eng.sleep(1.0);
  co_return a + b;
}

TEST(Process, TasksComposeInsideProcesses) {
  Engine eng;
  int result = 0;
  auto p = [&]() -> Process {
    int x = co_await add_later(eng, 2, 3);
    int y = co_await add_later(eng, x, 10);
    result = y;
  };
  eng.spawn(p());
  eng.run();
  EXPECT_EQ(result, 15);
  EXPECT_DOUBLE_EQ(eng.now(), 2.0);
}

TEST(Process, ExceptionInAProcessStopsTheRun) {
  Engine eng;
  auto bad = [&]() -> Process {
    co_await eng.sleep(1.0);
    throw std::runtime_error("boom");
  };
  eng.spawn(bad());
  EXPECT_THROW(eng.run(), std::runtime_error);
  EXPECT_EQ(eng.live_processes(), 0u);
}

TEST(Process, RunUntilStopsAtTheLimitAndCanContinue) {
  Engine eng;
  Constraint cpu(eng.fluid(), 1.0);
  double end = -1;
  auto p = [&]() -> Process {
    co_await eng.execute(cpu, 10.0);
    end = eng.now();
  };
  eng.spawn(p());
  EXPECT_EQ(eng.run(4.0), RunOutcome::kTimeLimit);
  EXPECT_EQ(eng.now(), 4.0);
  EXPECT_EQ(end, -1);
  EXPECT_EQ(eng.run(), RunOutcome::kIdle);
  EXPECT_DOUBLE_EQ(end, 10.0);
}

TEST(Process, KillingSuspendedProcessesReleasesTheirResources) {
  // Two processes executing and one waiting on a signal: after
  // kill_all_processes nothing is live and the constraint has no consumer.
  Engine eng;
  Constraint cpu(eng.fluid(), 1.0);
  Signal never(eng);
  auto exec = [&]() -> Process { co_await eng.execute(cpu, 100.0); };
  auto wait = [&]() -> Process { co_await never.wait(); };
  eng.spawn(exec());
  eng.spawn(exec());
  eng.spawn(wait());
  eng.run(1.0);
  EXPECT_EQ(eng.live_processes(), 3u);
  EXPECT_EQ(cpu.variable_count(), 2u);
  eng.kill_all_processes();
  EXPECT_EQ(eng.live_processes(), 0u);
  EXPECT_EQ(cpu.variable_count(), 0u);
  EXPECT_EQ(never.waiting(), 0u);
}

TEST(Process, StopReturnsAfterTheCurrentEvent) {
  Engine eng;
  int ticks = 0;
  auto p = [&]() -> Process {
    for (;;) {
      co_await eng.sleep(1.0);
      if (++ticks == 3) eng.stop();
    }
  };
  eng.spawn(p());
  EXPECT_EQ(eng.run(), RunOutcome::kStopped);
  EXPECT_EQ(ticks, 3);
  EXPECT_EQ(eng.now(), 3.0);
}

TEST(Process, StopFlagEndsARunBetweenTicks) {
  // One event at t = 10 and a tick every 1e-3 s: the ticks before it are not events, so
  // a progress hook never ran there. A flag raised by the 5th tick (t = 0.004) stops the
  // run before the 6th: 5 ticks, and the clock never reaches the event at 10.
  Engine eng;
  std::atomic<bool> flag{false};
  eng.stop_when(&flag);
  int ticks = 0;
  eng.add_ticker(1e-3, [&] {
    if (++ticks == 5) flag.store(true);
  });
  auto p = [&]() -> Process { co_await eng.sleep(10.0); };
  eng.spawn(p());
  EXPECT_EQ(eng.run(), RunOutcome::kStopped);
  EXPECT_EQ(ticks, 5);
  EXPECT_LT(eng.now(), 10.0);
  // The flag stays up: run() stops again at once.
  EXPECT_EQ(eng.run(), RunOutcome::kStopped);
  EXPECT_EQ(ticks, 5);
}

TEST(Process, EventStreamReachesSubscribers) {
  Engine eng;
  std::vector<std::string> seen;
  eng.events().subscribe([&](const StreamEvent& e) {
    seen.push_back(eng.events().kind_name(e.kind) + ":" + eng.events().subject_name(e.subject) + ":" +
                   std::to_string(static_cast<int>(e.values[0])));
  });
  const auto kind = eng.events().kind("demo");
  eng.events().emit(0.0, kind, eng.events().subject("x"), {42.0});
  EXPECT_EQ(seen, (std::vector<std::string>{"demo:x:42"}));
  EXPECT_EQ(eng.events().emitted(), 1u);
}

}  // namespace
}  // namespace vzlab::engine

namespace vzlab::engine {
namespace {

TEST(Process, KillEndsOneProcessAndReleasesWhatItHeld) {
  // Two processes share a constraint of 1; at t=1 one is killed, having done
  // 0.5 of its 10; the other (2 units) had 0.5 done and now runs alone:
  // 1.5 left at rate 1 -> done at 2.5. A joiner of the killed one wakes at 1.
  Engine eng;
  Constraint cpu(eng.fluid(), 1.0);
  double other_end = -1, joined_at = -1;
  auto victim = [&]() -> Process { co_await eng.execute(cpu, 10.0); };
  auto other = [&]() -> Process {
    co_await eng.execute(cpu, 2.0);
    other_end = eng.now();
  };
  ProcessHandle v = eng.spawn(victim());
  eng.spawn(other());
  auto joiner = [&]() -> Process {
    co_await eng.join(v);
    joined_at = eng.now();
  };
  auto killer = [&]() -> Process {
    co_await eng.sleep(1.0);
    eng.kill(v);
  };
  eng.spawn(joiner());
  eng.spawn(killer());
  eng.run();
  EXPECT_TRUE(v.finished());
  EXPECT_TRUE(v.killed());
  EXPECT_DOUBLE_EQ(joined_at, 1.0);
  EXPECT_NEAR(other_end, 2.5, 1e-12);
  EXPECT_EQ(eng.live_processes(), 0u);
  eng.kill(v);  // killing a finished process does nothing
}

}  // namespace
}  // namespace vzlab::engine

namespace vzlab::engine {
namespace {

TEST(ActivityPause, WorkDoneBeforeAPauseCounts) {
  // 10 units at 1/s; paused at 2 s, attached again at 5 s: done at 13 s.
  Engine eng(1);
  Constraint c(eng.fluid(), 1.0);
  Activity act(eng, 10.0, c);
  double end = -1;
  eng.spawn([](Engine& e, Activity& a, double* end) -> Process {
    co_await a;
    *end = e.now();
  }(eng, act, &end));
  eng.spawn([](Engine& e, Activity& a, Constraint& c) -> Process {
    co_await e.sleep(2.0);
    a.pause();
    EXPECT_NEAR(a.remaining(), 8.0, 1e-12);
    co_await e.sleep(3.0);
    EXPECT_NEAR(a.remaining(), 8.0, 1e-12);
    a.variable().attach(c);
  }(eng, act, c));
  eng.run();
  EXPECT_NEAR(end, 13.0, 1e-12);
}

}  // namespace
}  // namespace vzlab::engine
