#include "src/discord/rate_limiter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kraken::discord {
namespace {

using Clock = RateLimiter::Clock;

// Seconds from a header or body (fractional) to a clock duration. Negative or
// absurd values (a bug or a hostile fake) are clamped: never wait over an hour.
Clock::duration Seconds(double s) {
  if (!std::isfinite(s) || s < 0) s = 0;
  s = std::min(s, 3600.0);
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

double ToSeconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Past this many entries, expired buckets and dead routes are dropped: every
// interaction token is its own major parameter, so the maps would otherwise grow.
constexpr std::size_t kPruneAbove = 512;

}  // namespace

RateLimiter::RateLimiter(Options options) : options_(options) {}

std::string RateLimiter::BucketKeyLocked(const RateLimitRoute& route) const {
  // Before Discord has named the route's bucket, the route is its own bucket.
  auto it = route_bucket_.find(route.key);
  const std::string& id = it == route_bucket_.end() ? route.key : it->second;
  return id + '\n' + route.major;
}

void RateLimiter::PruneLocked(Clock::time_point now) {
  while (!global_sends_.empty() && now - global_sends_.front() >= std::chrono::seconds(1)) {
    global_sends_.pop_front();
  }
  while (!invalid_.empty() && now - invalid_.front() >= options_.invalid_window) {
    invalid_.pop_front();
  }
  if (buckets_.size() > kPruneAbove) {
    std::erase_if(buckets_, [now](const auto& kv) { return kv.second.reset_at <= now; });
  }
  if (dead_.size() > kPruneAbove) {
    std::erase_if(dead_, [now](const auto& kv) { return kv.second.until <= now; });
  }
}

RateLimiter::Decision RateLimiter::Acquire(const RateLimitRoute& route, Clock::time_point now) {
  std::lock_guard lock(mu_);
  PruneLocked(now);
  if (route.authenticated && token_rejected_) {
    return {Decision::kRefuse,
            {},
            "DISCORD_BOT_TOKEN was rejected by Discord (401) earlier; set a valid bot token "
            "and restart"};
  }
  if (auto it = dead_.find(route.key + '\n' + route.major); it != dead_.end()) {
    if (now < it->second.until) {
      return {Decision::kRefuse,
              {},
              fmt::format("not calling {} again: {}", route.key, it->second.reason)};
    }
    dead_.erase(it);
  }
  if (static_cast<int>(invalid_.size()) >= options_.invalid_budget) {
    const double left = ToSeconds(invalid_.front() + options_.invalid_window - now);
    return {Decision::kRefuse,
            {},
            fmt::format("{} invalid requests (401, 403, 429) to Discord in the last {:.0f} "
                        "minutes; sending no more for {:.0f} s so that Discord does not ban "
                        "this IP",
                        invalid_.size(), ToSeconds(options_.invalid_window) / 60, left)};
  }
  if (route.authenticated && now < global_blocked_until_) {
    return {Decision::kWait, global_blocked_until_ - now, "Discord's global rate limit"};
  }
  const std::string bucket_key = BucketKeyLocked(route);
  auto bucket = buckets_.find(bucket_key);
  if (bucket != buckets_.end()) {
    if (now >= bucket->second.reset_at) {
      buckets_.erase(bucket);  // reset: unknown again until the next response says
      bucket = buckets_.end();
    } else if (bucket->second.remaining <= 0) {
      return {Decision::kWait, bucket->second.reset_at - now,
              fmt::format("the rate limit of {}", route.key)};
    }
  }
  if (route.authenticated && options_.global_per_second > 0 &&
      static_cast<int>(global_sends_.size()) >= options_.global_per_second) {
    return {Decision::kWait, global_sends_.front() + std::chrono::seconds(1) - now,
            fmt::format("{} requests per second to Discord", options_.global_per_second)};
  }
  if (bucket != buckets_.end()) --bucket->second.remaining;
  if (route.authenticated) global_sends_.push_back(now);
  return {};
}

void RateLimiter::Record(const RateLimitRoute& route, const RateLimitInfo& info,
                         Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (!info.bucket.empty()) route_bucket_[route.key] = info.bucket;
  const std::string bucket_key = BucketKeyLocked(route);
  if (info.remaining && info.reset_after) {
    Bucket& b = buckets_[bucket_key];
    b.limit = info.limit.value_or(b.limit);
    b.remaining = *info.remaining;
    b.reset_at = now + Seconds(*info.reset_after);
  }
  if (info.status == 429) {
    const Clock::time_point until = now + Seconds(info.retry_after.value_or(1.0));
    if (info.global) global_blocked_until_ = std::max(global_blocked_until_, until);
    // The route waits too: a global 429 on an exempt (webhook) route still means
    // "not now", and the global block does not apply to it.
    Bucket& b = buckets_[bucket_key];
    b.remaining = 0;
    b.reset_at = std::max(b.reset_at, until);
    if (info.scope != "shared") invalid_.push_back(now);
  } else if (info.status == 401 || info.status == 403) {
    invalid_.push_back(now);
    if (info.status == 401 && route.authenticated) token_rejected_ = true;
  }
}

void RateLimiter::MarkDead(const RateLimitRoute& route, std::string reason, Clock::time_point now) {
  std::lock_guard lock(mu_);
  dead_[route.key + '\n' + route.major] = {now + options_.dead_route_ttl, std::move(reason)};
}

int RateLimiter::invalid_requests(Clock::time_point now) {
  std::lock_guard lock(mu_);
  PruneLocked(now);
  return static_cast<int>(invalid_.size());
}

}  // namespace kraken::discord
