#pragma once
// KRAKEN's client for the Google Sheets API v4 (and Drive v3 files.get for change
// detection), authenticated as a service account. Reference:
// ../shared/reference/sheets-api.md.
//
// Every call is one HTTP request (one unit of quota), made through a client-side
// rate limiter (reads and writes separately, per minute) and retried with backoff
// on 429, 408, 5xx and dropped connections until RetryPolicy::deadline. All calls
// are idempotent (see retry.h), so a retry can never apply a change twice.
// Thread-safe.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"
#include "src/net/http_client.h"
#include "src/sheets/cell.h"
#include "src/sheets/cell_value.h"
#include "src/sheets/rate_limiter.h"
#include "src/sheets/retry.h"
#include "src/sheets/service_account.h"
#include "src/sheets/sheet_requests.h"

namespace kraken::sheets {

enum class ValueInput { kRaw, kUserEntered };  // valueInputOption

// Cells of one A1 range, row by row. In a request `range` should quote the tab
// (FormatA1ForRequest); in a result it is Google's echo ("Pilots!A1:F1000").
struct ValueRange {
  std::string range;
  std::vector<std::vector<Cell>> rows;
};

struct SpreadsheetInfo {
  std::string spreadsheet_id;
  std::string title;
  std::vector<SheetInfo> sheets;                      // in tab order
  const SheetInfo* Find(std::string_view tab) const;  // nullptr if no such tab
};

struct UpdateResult {
  int updated_cells = 0, updated_rows = 0, updated_columns = 0, updated_sheets = 0;
};

struct DriveFileVersion {
  std::int64_t version = 0;   // increases with every change to the file
  std::string modified_time;  // RFC 3339, as Drive gives it
};

// One HTTP attempt to the Sheets or Drive API (each retry is one), as sent.
struct RequestRecord {
  enum class Kind { kRead, kWrite, kDrive };
  Kind kind = Kind::kRead;
  Clock::TimePoint sent_at;        // when the rate limiter let it go
  int status = 0;                  // 0: no response (transport failure)
  std::size_t bytes_sent = 0;      // URL and body
  std::size_t bytes_received = 0;  // body
};

struct SheetsClientOptions {
  std::string spreadsheet_id;                                 // KRAKEN_SPREADSHEET_ID
  std::string sheets_root = "https://sheets.googleapis.com";  // KRAKEN_SHEETS_ROOT
  std::string drive_root = "https://www.googleapis.com";      // KRAKEN_DRIVE_ROOT
  int reads_per_minute = 60;                                  // client-side limits; 0: none
  int writes_per_minute = 60;
  RetryPolicy retry;
  std::uint64_t seed = 0;  // of the backoff jitter; 0: random
  Clock* clock = nullptr;  // Clock::Real() when null; also used for token lifetimes
  net::HttpClientOptions http;
  AccessTokenOptions token;
  // Called after every attempt (from the calling thread); for counting and benchmarks.
  std::function<void(const RequestRecord&)> on_request;
};

// Totals over the client's life (API requests; the token endpoint's are counted
// by token_requests()).
struct SheetsTraffic {
  std::uint64_t requests = 0, bytes_sent = 0, bytes_received = 0;
  std::uint64_t connections_opened = 0;  // TCP/TLS connections, token endpoint included
};

class SheetsClient {
 public:
  // kInvalidArgument when the spreadsheet id or a root is unusable or the key's
  // private_key cannot be read. Nothing is sent until the first call.
  static Result<std::unique_ptr<SheetsClient>> Create(ServiceAccountKey key,
                                                      SheetsClientOptions options);
  ~SheetsClient();
  SheetsClient(const SheetsClient&) = delete;
  SheetsClient& operator=(const SheetsClient&) = delete;

  // spreadsheets.get: the title and every tab with its grid size (one read).
  Result<SpreadsheetInfo> GetSpreadsheet();

  // values.batchGet of `ranges`, in order (one read); dates come back as serial
  // numbers unless formatted. Rows are padded with empty cells to the width of
  // the range Google echoes (trailing blanks are omitted on the wire); trailing
  // empty rows stay omitted.
  Result<std::vector<ValueRange>> BatchGet(
      const std::vector<std::string>& ranges,
      ValueRenderOption render = ValueRenderOption::kUnformattedValue);

  // values.batchUpdate (one write). RAW stores strings as written ("0012",
  // "=A1" stay text); USER_ENTERED parses them as if typed. An empty cell clears.
  Result<UpdateResult> BatchUpdate(const std::vector<ValueRange>& data, ValueInput input);

  // values.batchClear: clears the values of `ranges`, keeping formatting (one write).
  Status BatchClear(const std::vector<std::string>& ranges);

  // spreadsheets.batchUpdate: applies `requests` atomically (one write); the
  // replies are in request order.
  Result<std::vector<SpreadsheetReply>> BatchUpdateSpreadsheet(
      const std::vector<SpreadsheetRequest>& requests);

  // Drive files.get?fields=version,modifiedTime of the spreadsheet. Retried like
  // the rest, but not rate-limited here: Drive's quota is separate and larger.
  Result<DriveFileVersion> GetDriveVersion();

  const std::string& spreadsheet_id() const;
  const std::string& client_email() const;
  SheetsTraffic traffic() const;
  std::size_t token_requests() const;

 private:
  struct Impl;
  explicit SheetsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kraken::sheets
