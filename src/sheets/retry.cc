#include "src/sheets/retry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace kraken::sheets {
namespace {

// Enough of a response body to recognise it in an error message.
std::string Snippet(std::string_view body) {
  constexpr std::size_t kMax = 200;
  std::string s(body.substr(0, kMax));
  std::replace(s.begin(), s.end(), '\n', ' ');
  return body.size() > kMax ? s + "..." : s;
}

}  // namespace

bool IsRetryableStatus(int status) { return status == 408 || status == 429 || status >= 500; }

std::chrono::nanoseconds BackoffDelay(const RetryPolicy& policy, int retry, double unit) {
  using std::chrono::nanoseconds;
  const double initial = static_cast<double>(nanoseconds(policy.initial_backoff).count());
  const double cap = static_cast<double>(nanoseconds(policy.max_backoff).count());
  // 2^retry grows past any cap long before it overflows a double.
  const double ceiling = std::min(cap, initial * std::ldexp(1.0, std::min(retry, 62)));
  return nanoseconds(static_cast<std::int64_t>(std::clamp(unit, 0.0, 1.0) * ceiling));
}

Retrier::Retrier(RetryPolicy policy, Clock& clock, std::uint64_t seed)
    : policy_(policy), clock_(clock), rng_(seed) {}

double Retrier::NextUnit() {
  std::lock_guard lock(mu_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

Result<net::HttpResponse> Retrier::Run(std::string_view what, const Attempt& attempt,
                                       const IsTransient& is_transient) {
  const Clock::TimePoint start = clock_.Now();
  const Clock::TimePoint deadline = start + policy_.deadline;
  std::string last_failure;
  for (int tries = 1;; ++tries) {
    Result<net::HttpResponse> result = attempt();
    if (result.ok()) {
      const bool transient =
          is_transient ? is_transient(*result) : IsRetryableStatus(result->status);
      if (!transient) return result;
      last_failure = fmt::format("HTTP {}: {}", result->status, Snippet(result->body));
    } else if (result.error().code == ErrorCode::kUnavailable) {
      last_failure = result.error().message;
    } else {
      return result;
    }

    const std::chrono::nanoseconds wait = BackoffDelay(policy_, tries - 1, NextUnit());
    if (clock_.Now() + wait > deadline) {
      const double spent = std::chrono::duration<double>(clock_.Now() - start).count();
      const double limit = std::chrono::duration<double>(policy_.deadline).count();
      return MakeError(ErrorCode::kUnavailable,
                       fmt::format("{} failed {} time{} in {:.1f} s and its {:g} s retry deadline "
                                   "is reached; last failure: {}. Google may be overloaded or the "
                                   "quota used up by another client: try again in a few minutes",
                                   what, tries, tries == 1 ? "" : "s", spent, limit, last_failure));
    }
    clock_.SleepFor(wait);
  }
}

}  // namespace kraken::sheets
