#include "src/discord/rate_limiter.h"

#include <gtest/gtest.h>

namespace kraken::discord {
namespace {

using std::chrono::milliseconds;
using Clock = RateLimiter::Clock;
using Kind = RateLimiter::Decision::Kind;

const RateLimitRoute kCommands{"PUT /applications/{app}/commands", "", true};
const RateLimitRoute kGuildA{"PUT /applications/{app}/guilds/{guild}/commands", "1", true};
const RateLimitRoute kGuildB{"PUT /applications/{app}/guilds/{guild}/commands", "2", true};
const RateLimitRoute kWebhook{"PATCH /webhooks/{app}/{token}/messages/@original", "app/s3cr3t",
                              false};

RateLimitInfo Ok200(std::string bucket, int remaining, double reset_after) {
  RateLimitInfo info;
  info.status = 200;
  info.bucket = std::move(bucket);
  info.limit = 5;
  info.remaining = remaining;
  info.reset_after = reset_after;
  return info;
}

RateLimitInfo TooMany(double retry_after, bool global, std::string scope = "user") {
  RateLimitInfo info;
  info.status = 429;
  info.retry_after = retry_after;
  info.global = global;
  info.scope = std::move(scope);
  return info;
}

TEST(RateLimiterTest, UnknownRoutesMaySendAtOnce) {
  RateLimiter limiter;
  EXPECT_EQ(limiter.Acquire(kCommands, Clock::now()).kind, Kind::kSend);
}

TEST(RateLimiterTest, AnEmptyBucketWaitsForItsFractionalResetAfter) {
  RateLimiter limiter;
  const Clock::time_point t0{};
  ASSERT_EQ(limiter.Acquire(kCommands, t0).kind, Kind::kSend);
  limiter.Record(kCommands, Ok200("abc", 0, 1.25), t0);

  const auto wait = limiter.Acquire(kCommands, t0 + milliseconds(250));
  EXPECT_EQ(wait.kind, Kind::kWait);
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(wait.wait).count(), 1000);
  EXPECT_EQ(limiter.Acquire(kCommands, t0 + milliseconds(1250)).kind, Kind::kSend);
}

TEST(RateLimiterTest, RemainingSlotsAreCountedDownBeforeTheNextResponse) {
  RateLimiter limiter;
  const Clock::time_point t0{};
  limiter.Record(kCommands, Ok200("abc", 2, 10), t0);
  EXPECT_EQ(limiter.Acquire(kCommands, t0).kind, Kind::kSend);
  EXPECT_EQ(limiter.Acquire(kCommands, t0).kind, Kind::kSend);
  EXPECT_EQ(limiter.Acquire(kCommands, t0).kind, Kind::kWait);
}

TEST(RateLimiterTest, BucketsAreSharedPerMajorParameter) {
  RateLimiter limiter;
  const Clock::time_point t0{};
  limiter.Record(kGuildA, Ok200("guilds", 0, 5), t0);
  EXPECT_EQ(limiter.Acquire(kGuildA, t0).kind, Kind::kWait);
  EXPECT_EQ(limiter.Acquire(kGuildB, t0).kind, Kind::kSend);  // another guild
}

TEST(RateLimiterTest, RoutesNamedIntoOneBucketShareIt) {
  RateLimiter limiter;
  const Clock::time_point t0{};
  const RateLimitRoute other{"POST /applications/{app}/commands", "", true};
  limiter.Record(kCommands, Ok200("shared-bucket", 0, 5), t0);
  limiter.Record(other, Ok200("shared-bucket", 0, 5), t0);
  EXPECT_EQ(limiter.Acquire(other, t0).kind, Kind::kWait);
}

TEST(RateLimiterTest, A429BlocksTheRouteForRetryAfter) {
  RateLimiter limiter;
  const Clock::time_point t0{};
  limiter.Record(kCommands, TooMany(0.5, false), t0);
  EXPECT_EQ(limiter.Acquire(kCommands, t0 + milliseconds(100)).kind, Kind::kWait);
  EXPECT_EQ(limiter.Acquire(kGuildA, t0 + milliseconds(100)).kind, Kind::kSend);
  EXPECT_EQ(limiter.Acquire(kCommands, t0 + milliseconds(500)).kind, Kind::kSend);
}

TEST(RateLimiterTest, AGlobal429BlocksEveryAuthenticatedRouteButNotWebhooks) {
  RateLimiter limiter;
  const Clock::time_point t0{};
  limiter.Record(kCommands, TooMany(2.0, true, "global"), t0);
  EXPECT_EQ(limiter.Acquire(kGuildA, t0 + milliseconds(1)).kind, Kind::kWait);
  EXPECT_EQ(limiter.Acquire(kWebhook, t0 + milliseconds(1)).kind, Kind::kSend);
  EXPECT_EQ(limiter.Acquire(kGuildA, t0 + milliseconds(2000)).kind, Kind::kSend);
}

TEST(RateLimiterTest, AuthenticatedRequestsAreHeldToFiftyPerSecond) {
  RateLimiter limiter;
  const Clock::time_point t0{};
  for (int i = 0; i < 50; ++i) {
    const RateLimitRoute route{"PUT /applications/{app}/guilds/{guild}/commands", std::to_string(i),
                               true};
    ASSERT_EQ(limiter.Acquire(route, t0 + milliseconds(i)).kind, Kind::kSend) << i;
  }
  const auto wait = limiter.Acquire(kGuildA, t0 + milliseconds(100));
  EXPECT_EQ(wait.kind, Kind::kWait);
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(wait.wait).count(), 900);
  EXPECT_EQ(limiter.Acquire(kWebhook, t0 + milliseconds(100)).kind, Kind::kSend);  // exempt
  EXPECT_EQ(limiter.Acquire(kGuildA, t0 + milliseconds(1000)).kind, Kind::kSend);
}

TEST(RateLimiterTest, ARejectedBotTokenIsNotTriedAgain) {
  RateLimiter limiter;
  const Clock::time_point t0{};
  RateLimitInfo unauthorized;
  unauthorized.status = 401;
  limiter.Record(kCommands, unauthorized, t0);
  const auto refused = limiter.Acquire(kGuildA, t0 + std::chrono::hours(1));
  EXPECT_EQ(refused.kind, Kind::kRefuse);
  EXPECT_NE(refused.reason.find("DISCORD_BOT_TOKEN"), std::string::npos);
  EXPECT_EQ(limiter.Acquire(kWebhook, t0).kind, Kind::kSend);  // needs no bot token
}

TEST(RateLimiterTest, ADeadRouteIsRefusedUntilItsTimeIsUp) {
  RateLimiter::Options options;
  options.dead_route_ttl = std::chrono::minutes(15);
  RateLimiter limiter(options);
  const Clock::time_point t0{};
  limiter.MarkDead(kWebhook, "it answered 404 Unknown Webhook", t0);
  const auto refused = limiter.Acquire(kWebhook, t0 + std::chrono::minutes(14));
  EXPECT_EQ(refused.kind, Kind::kRefuse);
  EXPECT_NE(refused.reason.find("404 Unknown Webhook"), std::string::npos);
  EXPECT_EQ(refused.reason.find("s3cr3t"), std::string::npos);  // the token is not named
  const RateLimitRoute other_token{kWebhook.key, "app/other", false};
  EXPECT_EQ(limiter.Acquire(other_token, t0).kind, Kind::kSend);
  EXPECT_EQ(limiter.Acquire(kWebhook, t0 + std::chrono::minutes(15)).kind, Kind::kSend);
}

TEST(RateLimiterTest, InvalidRequestsBeyondTheBudgetStopEverythingForTheWindow) {
  RateLimiter::Options options;
  options.invalid_budget = 3;
  options.invalid_window = std::chrono::minutes(10);
  RateLimiter limiter(options);
  const Clock::time_point t0{};
  RateLimitInfo forbidden;
  forbidden.status = 403;
  limiter.Record(kGuildA, forbidden, t0);
  limiter.Record(kGuildA, TooMany(0, false, "shared"), t0);  // not counted
  limiter.Record(kGuildA, TooMany(0, false, "user"), t0);
  EXPECT_EQ(limiter.invalid_requests(t0), 2);
  EXPECT_EQ(limiter.Acquire(kWebhook, t0).kind, Kind::kSend);
  limiter.Record(kGuildB, forbidden, t0 + std::chrono::minutes(1));

  const auto refused = limiter.Acquire(kWebhook, t0 + std::chrono::minutes(2));
  EXPECT_EQ(refused.kind, Kind::kRefuse);
  EXPECT_NE(refused.reason.find("invalid requests"), std::string::npos);
  EXPECT_EQ(limiter.Acquire(kWebhook, t0 + std::chrono::minutes(10)).kind, Kind::kSend);
}

}  // namespace
}  // namespace kraken::discord
