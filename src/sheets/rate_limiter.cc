#include "src/sheets/rate_limiter.h"

#include <thread>

namespace kraken::sheets {
namespace {

class RealClock final : public Clock {
 public:
  TimePoint Now() override { return std::chrono::steady_clock::now(); }
  void SleepFor(std::chrono::nanoseconds duration) override {
    std::this_thread::sleep_for(duration);
  }
};

}  // namespace

Clock& Clock::Real() {
  static RealClock clock;
  return clock;
}

RateLimiter::RateLimiter(int max_requests, std::chrono::nanoseconds window, Clock& clock)
    : max_requests_(max_requests), window_(window), clock_(clock) {}

std::chrono::nanoseconds RateLimiter::TryAcquireLocked(Clock::TimePoint& granted_at) {
  const Clock::TimePoint now = clock_.Now();
  // A grant at time g counts against every window that contains g, i.e. until
  // g + window; after that it no longer limits anyone.
  while (!grants_.empty() && grants_.front() + window_ <= now) grants_.pop_front();
  if (static_cast<int>(grants_.size()) < max_requests_) {
    grants_.push_back(now);
    granted_at = now;
    return std::chrono::nanoseconds::zero();
  }
  return grants_.front() + window_ - now;
}

std::chrono::nanoseconds RateLimiter::TryAcquire() {
  if (max_requests_ <= 0) return std::chrono::nanoseconds::zero();
  std::lock_guard lock(mu_);
  Clock::TimePoint granted_at;
  return TryAcquireLocked(granted_at);
}

Clock::TimePoint RateLimiter::Acquire() {
  if (max_requests_ <= 0) return clock_.Now();
  for (;;) {
    std::chrono::nanoseconds wait;
    Clock::TimePoint granted_at;
    {
      std::lock_guard lock(mu_);
      wait = TryAcquireLocked(granted_at);
    }
    if (wait == std::chrono::nanoseconds::zero()) return granted_at;
    // Another waiter may take the slot first; then this one simply waits again.
    clock_.SleepFor(wait);
  }
}

}  // namespace kraken::sheets
