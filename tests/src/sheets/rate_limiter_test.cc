#include "src/sheets/rate_limiter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/src/sheets/fake_clock.h"

namespace kraken::sheets {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::FakeClock;

// The most grants that fall in any half-open interval [t, t + window).
std::size_t MostInAnyWindow(std::vector<Clock::TimePoint> grants, std::chrono::nanoseconds window) {
  std::sort(grants.begin(), grants.end());
  std::size_t most = 0;
  for (std::size_t i = 0, j = 0; i < grants.size(); ++i) {
    while (j < grants.size() && grants[j] < grants[i] + window) ++j;
    most = std::max(most, j - i);
  }
  return most;
}

TEST(RateLimiterTest, GrantsABurstUpToTheLimitWithoutWaiting) {
  FakeClock clock;
  RateLimiter limiter(60, minutes(1), clock);
  const auto start = clock.Now();
  for (int i = 0; i < 60; ++i) EXPECT_EQ(limiter.Acquire(), start);
  EXPECT_EQ(clock.sleeps(), 0);
}

TEST(RateLimiterTest, TheNextRequestWaitsUntilTheOldestLeavesTheWindow) {
  FakeClock clock;
  RateLimiter limiter(3, minutes(1), clock);
  const auto start = clock.Now();
  limiter.Acquire();
  clock.Advance(seconds(10));
  limiter.Acquire();
  limiter.Acquire();
  EXPECT_EQ(limiter.TryAcquire(), seconds(50));  // the first grant expires at start + 60 s
  EXPECT_EQ(limiter.Acquire(), start + minutes(1));
  EXPECT_EQ(limiter.Acquire(), start + seconds(70));  // then the two from t = 10 s
}

TEST(RateLimiterTest, NeverExceedsItsRateInAnySlidingMinute) {
  FakeClock clock;
  RateLimiter limiter(60, minutes(1), clock);
  std::vector<Clock::TimePoint> grants;
  for (int i = 0; i < 500; ++i) {
    // Irregular arrivals: bursts and pauses of a few seconds.
    if (i % 7 == 0) clock.Advance(seconds(i % 5));
    grants.push_back(limiter.Acquire());
  }
  EXPECT_EQ(MostInAnyWindow(grants, minutes(1)), 60u);
  // And it is not slower than it must be: 500 grants at 60 a minute need 8 minutes.
  EXPECT_LT(grants.back() - grants.front(), minutes(9));
}

TEST(RateLimiterTest, ConcurrentCallersShareTheRate) {
  FakeClock clock;
  RateLimiter limiter(10, seconds(1), clock);
  std::mutex mu;
  std::vector<Clock::TimePoint> grants;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const auto at = limiter.Acquire();
        std::lock_guard lock(mu);
        grants.push_back(at);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(grants.size(), 200u);
  EXPECT_LE(MostInAnyWindow(grants, seconds(1)), 10u);
}

TEST(RateLimiterTest, ZeroMeansUnlimited) {
  FakeClock clock;
  RateLimiter limiter(0, minutes(1), clock);
  for (int i = 0; i < 10'000; ++i) limiter.Acquire();
  EXPECT_EQ(limiter.TryAcquire(), std::chrono::nanoseconds(0));
  EXPECT_EQ(clock.sleeps(), 0);
}

TEST(RateLimiterTest, TryAcquireRecordsNothingWhenItRefuses) {
  FakeClock clock;
  RateLimiter limiter(1, seconds(1), clock);
  EXPECT_EQ(limiter.TryAcquire(), std::chrono::nanoseconds(0));
  clock.Advance(milliseconds(400));
  EXPECT_EQ(limiter.TryAcquire(), milliseconds(600));
  EXPECT_EQ(limiter.TryAcquire(), milliseconds(600));
  clock.Advance(milliseconds(600));
  EXPECT_EQ(limiter.TryAcquire(), std::chrono::nanoseconds(0));
}

}  // namespace
}  // namespace kraken::sheets
