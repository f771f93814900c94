#pragma once
// The emulator's request handlers, one function per API method, called by
// EmulatorCore::Handle once the caller is authenticated, within quota and allowed
// on the spreadsheet. Each returns the full HTTP reply (Google's JSON shapes); a
// handler that changes the spreadsheet says so through `changed`, and changes
// nothing when it fails (all-or-nothing).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/net/http_server.h"
#include "src/sheets_emulator/json_value.h"
#include "src/sheets_emulator/model.h"

namespace kraken::sheets::emu {

// Query parameters in order, names and values decoded ('+' is a space).
using Query = std::vector<std::pair<std::string, std::string>>;
Query ParseQuery(std::string_view query);
std::optional<std::string> QueryValue(const Query& query, std::string_view name);
std::vector<std::string> QueryValues(const Query& query, std::string_view name);
// Percent-decodes; with `plus_is_space` a '+' is a space (forms, queries).
std::string DecodeComponent(std::string_view s, bool plus_is_space);

// What a handler may need besides the spreadsheet.
struct RequestEnv {
  std::int64_t now_ms = 0;
  std::string base_url;            // "http://127.0.0.1:8090"
  std::string caller;              // the service account's email
  std::function<int()> random_id;  // positive int32 ids (sheetId, protectedRangeId)
};

// The year of `now_ms` (UTC), for USER_ENTERED dates without a year.
int CurrentYear(std::int64_t now_ms);

// --- values (values_routes.cc)
net::ServerResponse ValuesGet(Spreadsheet& ss, const Query& query, std::string_view range);
net::ServerResponse ValuesBatchGet(Spreadsheet& ss, const Query& query);
net::ServerResponse ValuesUpdate(Spreadsheet& ss, const Query& query, std::string_view range,
                                 const JsonValue& body, const RequestEnv& env, bool& changed);
net::ServerResponse ValuesBatchUpdate(Spreadsheet& ss, const JsonValue& body, const RequestEnv& env,
                                      bool& changed);
net::ServerResponse ValuesClear(Spreadsheet& ss, std::string_view range, bool& changed);
net::ServerResponse ValuesBatchClear(Spreadsheet& ss, const JsonValue& body, bool& changed);

// --- spreadsheets (spreadsheet_routes.cc)
// A new spreadsheet from a spreadsheets.create body (id, editors and times are the caller's).
Result<Spreadsheet> SpreadsheetFromCreateBody(const JsonValue& body, const RequestEnv& env);
net::ServerResponse SpreadsheetBatchUpdate(Spreadsheet& ss, const JsonValue& body,
                                           const RequestEnv& env, bool& changed);

// --- Drive v3 files.get (spreadsheet_routes.cc)
net::ServerResponse DriveFileGet(const Spreadsheet& ss, const Query& query);

}  // namespace kraken::sheets::emu
