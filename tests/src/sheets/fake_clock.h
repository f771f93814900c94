#pragma once
// A Clock for tests: time moves only when someone sleeps on it, instantly, so a
// minute of quota or a long backoff costs nothing. Thread-safe.

#include <algorithm>
#include <chrono>
#include <mutex>

#include "src/sheets/rate_limiter.h"

namespace kraken::sheets::testing {

class FakeClock final : public Clock {
 public:
  TimePoint Now() override {
    std::lock_guard lock(mu_);
    return now_;
  }
  // Moves the clock forward by `duration` at once. With several threads sleeping
  // time runs faster than each asked for, never backwards: a limiter or backoff
  // that is correct on a real clock stays correct on this one.
  void SleepFor(std::chrono::nanoseconds duration) override {
    std::lock_guard lock(mu_);
    now_ += std::max(duration, std::chrono::nanoseconds(0));
    slept_ += std::max(duration, std::chrono::nanoseconds(0));
    ++sleeps_;
  }
  void Advance(std::chrono::nanoseconds duration) {
    std::lock_guard lock(mu_);
    now_ += duration;
  }
  std::chrono::nanoseconds slept() {
    std::lock_guard lock(mu_);
    return slept_;
  }
  int sleeps() {
    std::lock_guard lock(mu_);
    return sleeps_;
  }

 private:
  std::mutex mu_;
  TimePoint now_{std::chrono::hours(1000)};
  std::chrono::nanoseconds slept_{0};
  int sleeps_ = 0;
};

}  // namespace kraken::sheets::testing
