#include "src/sheets_emulator/quota.h"

#include <fmt/format.h>

#include "events/json_text.h"
#include "src/sheets_emulator/api_errors.h"

namespace kraken::sheets::emu {
namespace {

constexpr std::int64_t kWindowMs = 60'000;
// The emulator's stand-in for the caller's Google Cloud project number.
constexpr std::string_view kProjectNumber = "100000000001";

}  // namespace

bool QuotaTracker::Admit(const std::string& email, bool write, std::int64_t now_ms) {
  const int limit = write ? writes_per_minute_ : reads_per_minute_;
  if (limit <= 0) return true;
  Window& w = windows_[{email, write}];
  if (w.count == 0 || now_ms - w.start_ms >= kWindowMs) {
    w.start_ms = now_ms;
    w.count = 0;
  }
  if (w.count >= limit) return false;
  ++w.count;
  return true;
}

net::ServerResponse QuotaExceeded(bool write) {
  const std::string_view kind = write ? "Write" : "Read";
  const std::string message = fmt::format(
      "Quota exceeded for quota metric '{0} requests' and limit '{0} requests per minute per "
      "user' of service 'sheets.googleapis.com' for consumer 'project_number:{1}'.",
      kind, kProjectNumber);
  JsonWriter d;
  d.BeginArray().BeginObject();
  d.Key("@type").String("type.googleapis.com/google.rpc.ErrorInfo");
  d.Key("reason").String("RATE_LIMIT_EXCEEDED");
  d.Key("domain").String("googleapis.com");
  d.Key("metadata").BeginObject();
  d.Key("consumer").String(fmt::format("projects/{}", kProjectNumber));
  d.Key("quota_limit").String(fmt::format("{}RequestsPerMinutePerUser", kind));
  d.Key("quota_metric")
      .String(write ? "sheets.googleapis.com/write_requests"
                    : "sheets.googleapis.com/read_requests");
  d.Key("service").String("sheets.googleapis.com");
  d.EndObject().EndObject().EndArray();
  return ApiError(429, message, d.str());
}

}  // namespace kraken::sheets::emu
