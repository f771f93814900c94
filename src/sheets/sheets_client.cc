#include "src/sheets/sheets_client.h"

#include <fmt/format.h>

#include <atomic>
#include <random>

#include "src/net/url.h"
#include "src/sheets/sheets_json.h"

namespace kraken::sheets {
namespace {

using Kind = RequestRecord::Kind;

const char* RenderName(ValueRenderOption r) {
  switch (r) {
    case ValueRenderOption::kUnformattedValue:
      return "UNFORMATTED_VALUE";
    case ValueRenderOption::kFormattedValue:
      return "FORMATTED_VALUE";
    case ValueRenderOption::kFormula:
      return "FORMULA";
  }
  return "UNFORMATTED_VALUE";
}

std::uint64_t RandomSeed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace

const SheetInfo* SpreadsheetInfo::Find(std::string_view tab) const {
  for (const auto& s : sheets) {
    if (s.title == tab) return &s;
  }
  return nullptr;
}

struct SheetsClient::Impl {
  Impl(SheetsClientOptions o, Clock& c)
      : options(std::move(o)),
        clock(c),
        http(options.http),
        reads(options.reads_per_minute, std::chrono::minutes(1), c),
        writes(options.writes_per_minute, std::chrono::minutes(1), c),
        retrier(options.retry, c, options.seed ? options.seed : RandomSeed()) {}

  SheetsClientOptions options;
  Clock& clock;
  net::HttpClient http;
  std::unique_ptr<AccessTokenSource> tokens;
  RateLimiter reads;
  RateLimiter writes;
  Retrier retrier;
  std::atomic<std::uint64_t> requests{0}, bytes_sent{0}, bytes_received{0};

  std::string SheetsUrl(std::string_view suffix) const {
    return net::JoinUrl(options.sheets_root,
                        "/v4/spreadsheets/" + net::PercentEncode(options.spreadsheet_id)) +
           std::string(suffix);
  }

  // One API call: rate-limited, authenticated, retried; a non-2xx answer becomes
  // an error an admin can act on. `what` names the call in errors.
  Result<net::HttpResponse> Call(Kind kind, std::string method, std::string url, std::string body,
                                 std::string_view what);
  // One attempt; a 401 (token expired or revoked early) gets one fresh token.
  Result<net::HttpResponse> Attempt(Kind kind, const net::HttpRequest& request);
  Error Failed(Kind kind, const net::HttpResponse& response, std::string_view what) const;
};

Result<net::HttpResponse> SheetsClient::Impl::Attempt(Kind kind, const net::HttpRequest& base) {
  for (int auth_tries = 0;; ++auth_tries) {
    KRAKEN_ASSIGN_OR_RETURN(std::string token, tokens->Token());
    RequestRecord record;
    record.kind = kind;
    record.sent_at = kind == Kind::kRead    ? reads.Acquire()
                     : kind == Kind::kWrite ? writes.Acquire()
                                            : clock.Now();
    net::HttpRequest request = base;
    request.headers.emplace_back("Authorization", "Bearer " + token);
    Result<net::HttpResponse> response = http.Send(request);
    record.bytes_sent = request.url.size() + request.body.size();
    if (response.ok()) {
      record.status = response->status;
      record.bytes_received = response->body.size();
    }
    ++requests;
    bytes_sent += record.bytes_sent;
    bytes_received += record.bytes_received;
    if (options.on_request) options.on_request(record);
    if (response.ok() && response->status == 401 && auth_tries == 0) {
      tokens->Invalidate(token);
      continue;
    }
    return response;
  }
}

Error SheetsClient::Impl::Failed(Kind kind, const net::HttpResponse& response,
                                 std::string_view what) const {
  const std::string google = json::ErrorMessage(response.body);
  const std::string& id = options.spreadsheet_id;
  const std::string& email = tokens->client_email();
  switch (response.status) {
    case 403:
      return MakeError(
          ErrorCode::kPermissionDenied,
          fmt::format("{} of spreadsheet {} was refused (HTTP 403: {}): share the sheet with {} "
                      "as an editor (Share, paste the address, Editor){}",
                      what, id, google, email,
                      kind == Kind::kDrive ? ", and check that the Drive API is enabled for the "
                                             "service account's project"
                                           : ""));
    case 404:
      return MakeError(
          ErrorCode::kNotFound,
          fmt::format("spreadsheet {} not found; check KRAKEN_SPREADSHEET_ID (the id is the part "
                      "of the sheet's URL between /d/ and /edit){} ({}: {})",
                      id,
                      kind == Kind::kDrive
                          ? fmt::format(" and that the sheet is shared with {}", email)
                          : "",
                      what, google));
    case 400:
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("Google Sheets rejected {} (HTTP 400): {}", what, google));
    case 401:
      return MakeError(ErrorCode::kPermissionDenied,
                       fmt::format("Google rejected a fresh access token of {} for {} (HTTP "
                                   "401: {}); check that the service account is enabled",
                                   email, what, google));
    default:
      return MakeError(ErrorCode::kUnavailable,
                       fmt::format("{} failed with HTTP {}: {}", what, response.status, google));
  }
}

Result<net::HttpResponse> SheetsClient::Impl::Call(Kind kind, std::string method, std::string url,
                                                   std::string body, std::string_view what) {
  net::HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.body = std::move(body);
  request.headers.emplace_back("Accept", "application/json");
  if (!request.body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  }
  const bool drive = kind == Kind::kDrive;
  KRAKEN_ASSIGN_OR_RETURN(
      net::HttpResponse response,
      retrier.Run(
          what, [&] { return Attempt(kind, request); },
          [drive](const net::HttpResponse& r) {
            return IsRetryableStatus(r.status) ||
                   (drive && r.status == 403 && json::IsRateLimitReason(r.body));
          }));
  if (response.status < 200 || response.status >= 300) return Failed(kind, response, what);
  return response;
}

// --- SheetsClient ------------------------------------------------------------

Result<std::unique_ptr<SheetsClient>> SheetsClient::Create(ServiceAccountKey key,
                                                           SheetsClientOptions options) {
  if (options.spreadsheet_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "no spreadsheet id: set KRAKEN_SPREADSHEET_ID (or sheets.spreadsheet_id) "
                     "to the id in the sheet's URL, between /d/ and /edit");
  }
  for (const auto& [name, root] : {std::pair{"KRAKEN_SHEETS_ROOT", &options.sheets_root},
                                   std::pair{"KRAKEN_DRIVE_ROOT", &options.drive_root}}) {
    if (auto url = net::ParseUrl(*root); !url.ok()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("{}: {}", name, url.error().message));
    }
  }
  Clock& clock = options.clock ? *options.clock : Clock::Real();
  AccessTokenOptions token_options = options.token;
  if (!token_options.clock) token_options.clock = &clock;
  auto impl = std::make_unique<Impl>(std::move(options), clock);
  KRAKEN_ASSIGN_OR_RETURN(impl->tokens,
                          AccessTokenSource::Create(std::move(key), impl->http, token_options));
  return std::unique_ptr<SheetsClient>(new SheetsClient(std::move(impl)));
}

SheetsClient::SheetsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SheetsClient::~SheetsClient() = default;

Result<SpreadsheetInfo> SheetsClient::GetSpreadsheet() {
  const std::string url = impl_->SheetsUrl(
      "?fields=" + net::PercentEncode("spreadsheetId,properties.title,sheets.properties("
                                      "sheetId,title,index,gridProperties)"));
  KRAKEN_ASSIGN_OR_RETURN(net::HttpResponse response,
                          impl_->Call(Kind::kRead, "GET", url, "", "spreadsheets.get"));
  return json::ParseSpreadsheet(response.body);
}

Result<std::vector<ValueRange>> SheetsClient::BatchGet(const std::vector<std::string>& ranges,
                                                       ValueRenderOption render) {
  if (ranges.empty()) return std::vector<ValueRange>{};
  std::string query = "/values:batchGet?majorDimension=ROWS&valueRenderOption=";
  query += RenderName(render);
  query += "&dateTimeRenderOption=SERIAL_NUMBER";
  for (const auto& r : ranges) query += "&ranges=" + net::PercentEncode(r);
  KRAKEN_ASSIGN_OR_RETURN(
      net::HttpResponse response,
      impl_->Call(Kind::kRead, "GET", impl_->SheetsUrl(query), "", "values.batchGet"));
  KRAKEN_ASSIGN_OR_RETURN(std::vector<ValueRange> result, json::ParseBatchGet(response.body));
  if (result.size() != ranges.size()) {
    return MakeError(ErrorCode::kUnavailable,
                     fmt::format("values.batchGet asked for {} ranges and got {}; try again",
                                 ranges.size(), result.size()));
  }
  return result;
}

Result<UpdateResult> SheetsClient::BatchUpdate(const std::vector<ValueRange>& data,
                                               ValueInput input) {
  if (data.empty()) return UpdateResult{};
  KRAKEN_ASSIGN_OR_RETURN(net::HttpResponse response,
                          impl_->Call(Kind::kWrite, "POST", impl_->SheetsUrl("/values:batchUpdate"),
                                      json::BatchUpdateBody(data, input), "values.batchUpdate"));
  return json::ParseBatchUpdate(response.body);
}

Status SheetsClient::BatchClear(const std::vector<std::string>& ranges) {
  if (ranges.empty()) return Ok{};
  return impl_->Call(Kind::kWrite, "POST", impl_->SheetsUrl("/values:batchClear"),
                     json::BatchClearBody(ranges), "values.batchClear");
}

Result<std::vector<SpreadsheetReply>> SheetsClient::BatchUpdateSpreadsheet(
    const std::vector<SpreadsheetRequest>& requests) {
  if (requests.empty()) return std::vector<SpreadsheetReply>{};
  KRAKEN_ASSIGN_OR_RETURN(
      net::HttpResponse response,
      impl_->Call(Kind::kWrite, "POST", impl_->SheetsUrl(":batchUpdate"),
                  json::SpreadsheetBatchUpdateBody(requests), "spreadsheets.batchUpdate"));
  return json::ParseReplies(response.body);
}

Result<DriveFileVersion> SheetsClient::GetDriveVersion() {
  const std::string url =
      net::JoinUrl(impl_->options.drive_root,
                   "/drive/v3/files/" + net::PercentEncode(impl_->options.spreadsheet_id)) +
      "?fields=version%2CmodifiedTime&supportsAllDrives=true";
  KRAKEN_ASSIGN_OR_RETURN(net::HttpResponse response,
                          impl_->Call(Kind::kDrive, "GET", url, "", "Drive files.get"));
  return json::ParseDriveFile(response.body);
}

const std::string& SheetsClient::spreadsheet_id() const { return impl_->options.spreadsheet_id; }
const std::string& SheetsClient::client_email() const { return impl_->tokens->client_email(); }

SheetsTraffic SheetsClient::traffic() const {
  return {impl_->requests.load(), impl_->bytes_sent.load(), impl_->bytes_received.load(),
          impl_->http.connections_opened()};
}

std::size_t SheetsClient::token_requests() const { return impl_->tokens->token_requests(); }

}  // namespace kraken::sheets
