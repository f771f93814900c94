#pragma once
// Runs callbacks at given times on one background thread: the service uses it
// to send a deferral when a handler is still busy after `defer_after`.
// Callbacks must be short (they run one after another). Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace kraken::serve {

class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;

  TimerQueue();
  ~TimerQueue();  // Stop()s
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Runs `fn` at `at` (or as soon as possible after). Returns an id for Cancel.
  std::uint64_t Schedule(Clock::time_point at, std::function<void()> fn);
  // Drops a callback that has not started; false if it ran, runs or is unknown.
  bool Cancel(std::uint64_t id);
  // Drops what has not run and joins the thread. Idempotent.
  void Stop();

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable changed_;
  std::multimap<Clock::time_point, std::pair<std::uint64_t, std::function<void()>>> due_;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::once_flag joined_;
  std::thread thread_;
};

}  // namespace kraken::serve
