#pragma once
// Client-side quota keeping for the Sheets API. Google allows one service account
// 60 read and 60 write requests a minute (../shared/reference/sheets-api.md,
// section 5) and answers 429 beyond that; staying under the quota on our side
// means the retry loop only has to deal with real overload. The client holds one
// limiter for reads and one for writes (sheets.reads_per_minute and
// sheets.writes_per_minute in the config).

#include <chrono>
#include <deque>
#include <mutex>

namespace kraken::sheets {

// Time as the limiter and the retry loop see it: injected so a test can run
// through a minute of quota, or a long backoff, without waiting for it.
class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() = 0;
  virtual void SleepFor(std::chrono::nanoseconds duration) = 0;

  // The steady clock and std::this_thread::sleep_for.
  static Clock& Real();
};

// At most `max_requests` grants in any interval of length `window`: a sliding
// window over the log of recent grants, so the bound holds exactly, also for a
// burst straddling the edge of a minute. Thread-safe; a waiting caller sleeps on
// the clock without holding the lock.
class RateLimiter {
 public:
  // `max_requests` 0 (or less): unlimited.
  explicit RateLimiter(int max_requests, std::chrono::nanoseconds window = std::chrono::minutes(1),
                       Clock& clock = Clock::Real());

  // Blocks until one more request fits in the window, records it and returns the
  // time it was granted.
  Clock::TimePoint Acquire();

  // Grants one request if it fits now (returns zero), else returns how long to
  // wait before it would, recording nothing.
  std::chrono::nanoseconds TryAcquire();

  int max_requests() const { return max_requests_; }
  std::chrono::nanoseconds window() const { return window_; }

 private:
  // Grants now or returns the wait; `granted_at` is set on a grant. Locked.
  std::chrono::nanoseconds TryAcquireLocked(Clock::TimePoint& granted_at);

  const int max_requests_;
  const std::chrono::nanoseconds window_;
  Clock& clock_;
  std::mutex mu_;
  std::deque<Clock::TimePoint> grants_;  // the grants still inside the window, oldest first
};

}  // namespace kraken::sheets
