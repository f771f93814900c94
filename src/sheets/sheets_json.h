#pragma once
// The Sheets and Drive API's JSON bodies, both ways, for SheetsClient. Pure
// functions, so the decoding rules (padding, typing, proto3 elision) are tested
// without a server. Parse errors are kUnavailable: a garbled answer from Google is
// treated like a dropped one.

#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"
#include "src/sheets/sheets_client.h"

namespace kraken::sheets::json {

// {"valueInputOption":"RAW","data":[{"range":...,"majorDimension":"ROWS","values":[[...]]}]}
std::string BatchUpdateBody(const std::vector<ValueRange>& data, ValueInput input);
// {"ranges":[...]}
std::string BatchClearBody(const std::vector<std::string>& ranges);
// {"requests":[...]}
std::string SpreadsheetBatchUpdateBody(const std::vector<SpreadsheetRequest>& requests);

// values.batchGet's valueRanges, each row padded to its range's width.
Result<std::vector<ValueRange>> ParseBatchGet(std::string_view body);
Result<UpdateResult> ParseBatchUpdate(std::string_view body);
Result<SpreadsheetInfo> ParseSpreadsheet(std::string_view body);
Result<std::vector<SpreadsheetReply>> ParseReplies(std::string_view body);
Result<DriveFileVersion> ParseDriveFile(std::string_view body);

// The human part of an error body: Sheets' {"error":{"message":...}} or Drive's
// older shape; the body itself (shortened) when it is neither.
std::string ErrorMessage(std::string_view body);
// Drive signals rate limiting as 403 with reason rateLimitExceeded /
// userRateLimitExceeded as well as 429.
bool IsRateLimitReason(std::string_view body);

}  // namespace kraken::sheets::json
