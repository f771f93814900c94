#pragma once
// Discord's REST rate limits, as documented (../shared/reference/discord-api.md
// section 5), kept on our side so that we wait instead of collecting 429s:
//
// - Per bucket: X-RateLimit-Bucket names the bucket a route belongs to (learned
//   from responses); Limit / Remaining / Reset-After (fractional seconds) say
//   when it may be used again. Buckets are shared within a top-level resource
//   (the "major parameter": a guild, a webhook id + token).
// - Global: 50 requests per second for bot-authenticated calls; the webhook
//   (interaction follow-up) routes are exempt. A 429 with X-RateLimit-Global
//   blocks every authenticated route for retry_after.
// - Invalid requests (401, 403, and 429 except scope "shared"): Discord bans an
//   IP for a while after 10,000 in 10 minutes. We stop well before (`budget`).
// - A bot token answered with 401 is refused from then on (restart with a new
//   one); a route the caller declares dead (a 404'd webhook) is refused for
//   `dead_route_ttl` without a request.
//
// No I/O and no clock of its own: the caller passes `now`, so it is tested
// with a fake clock. Thread-safe.

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace kraken::discord {

// One REST call as Discord limits it.
struct RateLimitRoute {
  std::string key;     // method and path template: "PUT /applications/{app}/commands"
  std::string major;   // the top-level resource (may hold a secret: never logged)
  bool authenticated;  // sent with the bot token: global limit, 401 = bad token
};

// What one response said about limits.
struct RateLimitInfo {
  int status = 0;
  std::string bucket;                 // X-RateLimit-Bucket
  std::optional<int> remaining;       // X-RateLimit-Remaining
  std::optional<int> limit;           // X-RateLimit-Limit
  std::optional<double> reset_after;  // X-RateLimit-Reset-After, seconds
  std::optional<double> retry_after;  // 429: the body's retry_after, else Retry-After
  bool global = false;                // 429: X-RateLimit-Global, or the body's "global"
  std::string scope;                  // 429: X-RateLimit-Scope (user, global, shared)
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    int global_per_second = 50;
    int invalid_budget = 5000;  // half of Discord's 10,000: other tools may share the IP
    Clock::duration invalid_window = std::chrono::minutes(10);
    Clock::duration dead_route_ttl = std::chrono::minutes(15);  // an interaction token's life
  };

  struct Decision {
    enum Kind { kSend, kWait, kRefuse } kind = kSend;
    Clock::duration wait{0};  // kWait: ask again after this long
    std::string reason;       // kWait, kRefuse: why, for errors and logs
  };

  RateLimiter() : RateLimiter(Options{}) {}
  explicit RateLimiter(Options options);

  // May a request on `route` be sent at `now`? kSend takes a slot in its bucket
  // and in the global window; kWait says how long until one frees up.
  Decision Acquire(const RateLimitRoute& route, Clock::time_point now);

  // Learns from a response to a request that Acquire let through.
  void Record(const RateLimitRoute& route, const RateLimitInfo& info, Clock::time_point now);

  // Refuses `route` (with its major parameter) until now + dead_route_ttl.
  void MarkDead(const RateLimitRoute& route, std::string reason, Clock::time_point now);

  int invalid_requests(Clock::time_point now);  // within the window

 private:
  struct Bucket {
    int limit = 0;
    int remaining = 1;
    Clock::time_point reset_at;
  };
  struct Dead {
    Clock::time_point until;
    std::string reason;
  };

  std::string BucketKeyLocked(const RateLimitRoute& route) const;
  void PruneLocked(Clock::time_point now);

  const Options options_;
  std::mutex mu_;
  std::map<std::string, std::string, std::less<>> route_bucket_;  // route key -> bucket id
  std::unordered_map<std::string, Bucket> buckets_;  // bucket id (or route key) + major
  std::unordered_map<std::string, Dead> dead_;       // route key + major
  std::deque<Clock::time_point> global_sends_;       // authenticated sends, last second
  std::deque<Clock::time_point> invalid_;            // invalid responses, within the window
  Clock::time_point global_blocked_until_;
  bool token_rejected_ = false;
};

}  // namespace kraken::discord
