#pragma once
// Retrying transient Google API failures: truncated exponential backoff with full
// jitter (../shared/reference/sheets-api.md, section 4) on 429, 408, 5xx and
// dropped connections, each wait capped, the whole call bounded by a deadline.
//
// Only idempotent calls may go through this: a request whose response was lost
// may already have been applied, and is then applied again. Every call the
// SheetsClient makes is idempotent: reads, writes to explicit ranges
// (values.batchUpdate / batchClear overwrite the same cells with the same values)
// and spreadsheets.batchUpdate; values.append, which would add the rows twice, is
// deliberately not offered.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string_view>

#include "events/result.h"
#include "src/net/http_client.h"
#include "src/sheets/rate_limiter.h"

namespace kraken::sheets {

struct RetryPolicy {
  std::chrono::milliseconds initial_backoff{1000};  // the cap of the first wait
  std::chrono::milliseconds max_backoff{32'000};    // no single wait is longer
  // No retry starts later than this after the call began (quota waits included);
  // a quota bucket refills within a minute, so three minutes outlast one.
  std::chrono::milliseconds deadline{180'000};
};

// 408, 429 and every 5xx: worth another try.
bool IsRetryableStatus(int status);

// The wait before retry number `retry` (0 for the first): uniform in
// [0, min(max_backoff, initial_backoff * 2^retry)], `unit` in [0, 1) picking the point.
std::chrono::nanoseconds BackoffDelay(const RetryPolicy& policy, int retry, double unit);

// Runs attempts of one idempotent call until one succeeds or fails for good.
// Thread-safe (the jitter source is shared under a lock).
class Retrier {
 public:
  using Attempt = std::function<Result<net::HttpResponse>()>;
  using IsTransient = std::function<bool(const net::HttpResponse&)>;

  Retrier(RetryPolicy policy, Clock& clock, std::uint64_t seed);

  // Calls `attempt` until it returns a response `is_transient` rejects (by
  // default: any status but 408, 429, 5xx) or an error other than kUnavailable,
  // and returns that. Transport failures (kUnavailable) and transient responses
  // are retried after a backoff; when the next try would start past the deadline
  // the result is kUnavailable naming `what`, the attempts made, the time spent
  // and the last failure.
  Result<net::HttpResponse> Run(std::string_view what, const Attempt& attempt,
                                const IsTransient& is_transient = {});

  const RetryPolicy& policy() const { return policy_; }

 private:
  double NextUnit();

  const RetryPolicy policy_;
  Clock& clock_;
  std::mutex mu_;
  std::mt19937_64 rng_;
};

}  // namespace kraken::sheets
