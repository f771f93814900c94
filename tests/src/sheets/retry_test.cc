#include "src/sheets/retry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>

#include "tests/src/sheets/fake_clock.h"

namespace kraken::sheets {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using testing::FakeClock;
using ::testing::HasSubstr;

net::HttpResponse Reply(int status, std::string body = "{}") {
  net::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// Plays back a script of outcomes, one per attempt, and counts the attempts.
struct Script {
  std::deque<Result<net::HttpResponse>> outcomes;
  int attempts = 0;
  Retrier::Attempt Attempt() {
    return [this]() -> Result<net::HttpResponse> {
      ++attempts;
      Result<net::HttpResponse> next = outcomes.front();
      if (outcomes.size() > 1) outcomes.pop_front();
      return next;
    };
  }
};

Error Dropped() { return MakeError(ErrorCode::kUnavailable, "connection reset by peer"); }

TEST(RetryTest, TransientStatusesAreTheOnesGoogleSaysToRetry) {
  for (int s : {408, 429, 500, 502, 503, 504}) EXPECT_TRUE(IsRetryableStatus(s)) << s;
  for (int s : {200, 400, 401, 403, 404, 409}) EXPECT_FALSE(IsRetryableStatus(s)) << s;
}

TEST(RetryTest, BackoffGrowsExponentiallyWithFullJitterUpToTheCap) {
  RetryPolicy policy;
  policy.initial_backoff = milliseconds(1000);
  policy.max_backoff = milliseconds(32'000);
  EXPECT_EQ(BackoffDelay(policy, 0, 0.0), nanoseconds(0));
  EXPECT_EQ(BackoffDelay(policy, 0, 0.5), milliseconds(500));
  EXPECT_EQ(BackoffDelay(policy, 3, 0.5), milliseconds(4000));  // half of 8 s
  EXPECT_EQ(BackoffDelay(policy, 5, 1.0), milliseconds(32'000));
  EXPECT_EQ(BackoffDelay(policy, 40, 1.0), milliseconds(32'000));   // capped
  EXPECT_EQ(BackoffDelay(policy, 1000, 0.25), milliseconds(8000));  // no overflow
}

TEST(RetryTest, RetriesThrottlingServerErrorsAndDropsUntilItSucceeds) {
  FakeClock clock;
  Retrier retrier(RetryPolicy{}, clock, 7);
  Script script;
  script.outcomes = {Reply(429), Reply(500), Dropped(), Reply(503), Reply(200, "ok")};
  auto result = retrier.Run("values.batchGet", script.Attempt());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->body, "ok");
  EXPECT_EQ(script.attempts, 5);
  EXPECT_EQ(clock.sleeps(), 4);
  // Full jitter: the four waits together stay under 1 + 2 + 4 + 8 seconds.
  EXPECT_LE(clock.slept(), seconds(15));
}

TEST(RetryTest, APermanentAnswerIsReturnedAtOnce) {
  FakeClock clock;
  Retrier retrier(RetryPolicy{}, clock, 7);
  Script script;
  script.outcomes = {Reply(403, R"({"error":{"message":"The caller does not have permission"}})")};
  auto result = retrier.Run("values.batchGet", script.Attempt());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, 403);
  EXPECT_EQ(script.attempts, 1);
  EXPECT_EQ(clock.sleeps(), 0);
}

TEST(RetryTest, AnErrorOtherThanUnavailableIsNotRetried) {
  FakeClock clock;
  Retrier retrier(RetryPolicy{}, clock, 7);
  Script script;
  script.outcomes = {MakeError(ErrorCode::kInvalidArgument, "bad URL")};
  auto result = retrier.Run("values.batchGet", script.Attempt());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(script.attempts, 1);
}

TEST(RetryTest, ACallerMayDeclareMoreResponsesTransient) {
  FakeClock clock;
  Retrier retrier(RetryPolicy{}, clock, 7);
  Script script;
  script.outcomes = {Reply(403, "rate"), Reply(200)};
  auto result = retrier.Run("Drive files.get", script.Attempt(), [](const net::HttpResponse& r) {
    return r.status == 403 && r.body == "rate";
  });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(script.attempts, 2);
}

TEST(RetryTest, GivesUpAtTheDeadlineWithAClearUnavailableError) {
  FakeClock clock;
  RetryPolicy policy;
  policy.deadline = milliseconds(60'000);
  Retrier retrier(policy, clock, 7);
  Script script;
  script.outcomes = {Reply(429, R"({"error":{"code":429,"message":"Quota exceeded"}})")};
  const auto start = clock.Now();
  auto result = retrier.Run("values.batchUpdate", script.Attempt());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(result.error().message, HasSubstr("values.batchUpdate failed"));
  EXPECT_THAT(result.error().message, HasSubstr("60 s retry deadline"));
  EXPECT_THAT(result.error().message, HasSubstr("HTTP 429"));
  EXPECT_THAT(result.error().message, HasSubstr("try again"));
  EXPECT_GT(script.attempts, 3);
  EXPECT_LE(clock.Now() - start, seconds(60));  // no attempt started after the deadline
}

}  // namespace
}  // namespace kraken::sheets
