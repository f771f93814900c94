#pragma once
// Sheets' per-user quotas (../shared/reference/sheets-api.md, section 5): read and
// write requests per minute per service account, each batch counting as one. A
// window opens at an account's first request and lasts a minute; a request over
// the limit is refused with 429 and does not count, so the quota is whole again
// at most 60 s later, as Google's per-minute refill promises.

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "src/net/http_server.h"

namespace kraken::sheets::emu {

class QuotaTracker {
 public:
  // Limits per minute; 0 is unlimited.
  QuotaTracker(int reads_per_minute, int writes_per_minute)
      : reads_per_minute_(reads_per_minute), writes_per_minute_(writes_per_minute) {}

  // Counts one request of `email`; false (and not counted) when over the limit.
  bool Admit(const std::string& email, bool write, std::int64_t now_ms);

 private:
  struct Window {
    std::int64_t start_ms = 0;
    int count = 0;
  };
  int reads_per_minute_;
  int writes_per_minute_;
  std::map<std::pair<std::string, bool>, Window> windows_;
};

// The 429 Google answers, with its ErrorInfo details (RATE_LIMIT_EXCEEDED).
net::ServerResponse QuotaExceeded(bool write);

}  // namespace kraken::sheets::emu
