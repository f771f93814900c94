#include "src/sheets/sheets_json.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>

#include "events/json_text.h"
#include "src/sheets/a1.h"

namespace kraken::sheets::json {
namespace {

namespace dom = simdjson::dom;

Error Garbled(std::string_view what, std::string_view detail) {
  return MakeError(ErrorCode::kUnavailable,
                   fmt::format("Google's answer to {} could not be read ({}); try again, and "
                               "check KRAKEN_SHEETS_ROOT / KRAKEN_DRIVE_ROOT if it persists",
                               what, detail));
}

// Parses `body` into `parser`'s document and returns its root object.
Result<dom::object> Root(dom::parser& parser, std::string_view body, std::string_view what) {
  dom::object root;
  if (auto err = parser.parse(body.data(), body.size()).get_object().get(root)) {
    return Garbled(what, simdjson::error_message(err));
  }
  return root;
}

// A member, or the error of a missing one; lookups chain through errors, so
// members Google elides (proto3 defaults) simply read as 0 / "".
using Node = simdjson::simdjson_result<dom::element>;

int IntAt(Node n) {
  std::int64_t v = 0;
  if (n.get_int64().get(v) != simdjson::SUCCESS) return 0;
  return static_cast<int>(v);
}
std::string StringAt(Node n) {
  std::string_view v;
  if (n.get_string().get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

Cell ToCell(dom::element e) {
  switch (e.type()) {
    case dom::element_type::STRING:
      return Cell::String(std::string(e.get_string().value_unsafe()));
    case dom::element_type::INT64:
      return Cell::Number(static_cast<double>(e.get_int64().value_unsafe()));
    case dom::element_type::UINT64:
      return Cell::Number(static_cast<double>(e.get_uint64().value_unsafe()));
    case dom::element_type::DOUBLE:
      return Cell::Number(e.get_double().value_unsafe());
    case dom::element_type::BOOL:
      return Cell::Bool(e.get_bool().value_unsafe());
    case dom::element_type::NULL_VALUE:
      return Cell();
    default:
      return Cell::String(simdjson::minify(e));
  }
}

void WriteCell(JsonWriter& w, const Cell& c) {
  switch (c.kind()) {
    case Cell::Kind::kEmpty:
      w.String("");  // clears the cell; null would leave it as it is
      break;
    case Cell::Kind::kString:
      w.String(c.text());
      break;
    case Cell::Kind::kNumber:
      w.Double(c.number());
      break;
    case Cell::Kind::kBool:
      w.Bool(c.boolean());
      break;
  }
}

SheetInfo ToSheetInfo(Node properties) {
  SheetInfo s;
  s.sheet_id = IntAt(properties["sheetId"]);
  s.title = StringAt(properties["title"]);
  s.index = IntAt(properties["index"]);
  s.rows = IntAt(properties["gridProperties"]["rowCount"]);
  s.columns = IntAt(properties["gridProperties"]["columnCount"]);
  s.frozen_rows = IntAt(properties["gridProperties"]["frozenRowCount"]);
  return s;
}

}  // namespace

std::string BatchUpdateBody(const std::vector<ValueRange>& data, ValueInput input) {
  JsonWriter w;
  w.BeginObject()
      .Key("valueInputOption")
      .String(input == ValueInput::kRaw ? "RAW" : "USER_ENTERED");
  w.Key("data").BeginArray();
  for (const ValueRange& vr : data) {
    w.BeginObject().Key("range").String(vr.range).Key("majorDimension").String("ROWS");
    w.Key("values").BeginArray();
    for (const auto& row : vr.rows) {
      w.BeginArray();
      for (const Cell& c : row) WriteCell(w, c);
      w.EndArray();
    }
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

std::string BatchClearBody(const std::vector<std::string>& ranges) {
  JsonWriter w;
  w.BeginObject().Key("ranges").BeginArray();
  for (const auto& r : ranges) w.String(r);
  w.EndArray().EndObject();
  return w.Take();
}

std::string SpreadsheetBatchUpdateBody(const std::vector<SpreadsheetRequest>& requests) {
  JsonWriter w;
  w.BeginObject().Key("requests").BeginArray();
  for (const auto& r : requests) w.Raw(r.json());
  w.EndArray().EndObject();
  return w.Take();
}

Result<std::vector<ValueRange>> ParseBatchGet(std::string_view body) {
  dom::parser parser;
  KRAKEN_ASSIGN_OR_RETURN(dom::object root, Root(parser, body, "values.batchGet"));
  dom::array ranges;
  if (root["valueRanges"].get_array().get(ranges)) return std::vector<ValueRange>{};
  std::vector<ValueRange> out;
  for (dom::element e : ranges) {
    dom::object vr;
    if (e.get_object().get(vr)) return Garbled("values.batchGet", "a valueRange is not an object");
    ValueRange& range = out.emplace_back();
    range.range = StringAt(vr["range"]);
    dom::array rows;
    if (vr["values"].get_array().get(rows) == simdjson::SUCCESS) {
      for (dom::element row : rows) {
        auto& cells = range.rows.emplace_back();
        dom::array row_array;
        if (row.get_array().get(row_array)) return Garbled("values.batchGet", "a row is no array");
        for (dom::element cell : row_array) cells.push_back(ToCell(cell));
      }
    }
    // Google drops trailing blanks: pad every row to the echoed range's width
    // (or at least to the longest row, should the echo be open-ended).
    std::size_t width = 0;
    if (auto a1 = ParseA1(range.range); a1.ok() && a1->start_col && a1->end_col) {
      width = static_cast<std::size_t>(*a1->end_col - *a1->start_col);
    }
    for (const auto& row : range.rows) width = std::max(width, row.size());
    for (auto& row : range.rows) row.resize(width);
  }
  return out;
}

Result<UpdateResult> ParseBatchUpdate(std::string_view body) {
  dom::parser parser;
  KRAKEN_ASSIGN_OR_RETURN(dom::object root, Root(parser, body, "values.batchUpdate"));
  UpdateResult r;
  r.updated_cells = IntAt(root["totalUpdatedCells"]);
  r.updated_rows = IntAt(root["totalUpdatedRows"]);
  r.updated_columns = IntAt(root["totalUpdatedColumns"]);
  r.updated_sheets = IntAt(root["totalUpdatedSheets"]);
  return r;
}

Result<SpreadsheetInfo> ParseSpreadsheet(std::string_view body) {
  dom::parser parser;
  KRAKEN_ASSIGN_OR_RETURN(dom::object root, Root(parser, body, "spreadsheets.get"));
  SpreadsheetInfo info;
  info.spreadsheet_id = StringAt(root["spreadsheetId"]);
  info.title = StringAt(root["properties"]["title"]);
  dom::array sheets;
  if (root["sheets"].get_array().get(sheets) == simdjson::SUCCESS) {
    for (dom::element e : sheets) {
      if (!e.is_object()) continue;
      info.sheets.push_back(ToSheetInfo(e["properties"]));
    }
  }
  std::stable_sort(info.sheets.begin(), info.sheets.end(),
                   [](const SheetInfo& a, const SheetInfo& b) { return a.index < b.index; });
  return info;
}

Result<std::vector<SpreadsheetReply>> ParseReplies(std::string_view body) {
  dom::parser parser;
  KRAKEN_ASSIGN_OR_RETURN(dom::object root, Root(parser, body, "spreadsheets.batchUpdate"));
  std::vector<SpreadsheetReply> out;
  dom::array replies;
  if (root["replies"].get_array().get(replies)) return out;
  for (dom::element e : replies) {
    SpreadsheetReply& reply = out.emplace_back();
    dom::object o;
    if (e.get_object().get(o)) continue;
    for (auto [key, value] : o) {
      reply.kind = std::string(key);
      if (key == "addSheet") {
        reply.added_sheet = ToSheetInfo(value["properties"]);
      } else if (key == "addProtectedRange") {
        reply.protected_range_id = IntAt(value["protectedRange"]["protectedRangeId"]);
      }
      break;
    }
  }
  return out;
}

Result<DriveFileVersion> ParseDriveFile(std::string_view body) {
  dom::parser parser;
  KRAKEN_ASSIGN_OR_RETURN(dom::object root, Root(parser, body, "Drive files.get"));
  DriveFileVersion v;
  v.modified_time = StringAt(root["modifiedTime"]);
  // Drive encodes the int64 version as a string; accept a number too.
  std::string_view text;
  if (root["version"].get_string().get(text) == simdjson::SUCCESS) {
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v.version);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      return Garbled("Drive files.get", fmt::format("version \"{}\" is not a number", text));
    }
  } else if (root["version"].get_int64().get(v.version) != simdjson::SUCCESS) {
    return Garbled("Drive files.get", "it has no version");
  }
  return v;
}

std::string ErrorMessage(std::string_view body) {
  dom::parser parser;
  dom::object root;
  if (parser.parse(body.data(), body.size()).get_object().get(root) == simdjson::SUCCESS) {
    std::string message = StringAt(root["error"]["message"]);
    if (!message.empty()) return message;
    std::string code = StringAt(root["error"]);
    if (!code.empty()) {
      const std::string description = StringAt(root["error_description"]);
      return description.empty() ? code : code + ": " + description;
    }
  }
  constexpr std::size_t kMax = 200;
  std::string s(body.substr(0, kMax));
  std::replace(s.begin(), s.end(), '\n', ' ');
  if (s.empty()) return "no details given";
  return body.size() > kMax ? s + "..." : s;
}

bool IsRateLimitReason(std::string_view body) {
  dom::parser parser;
  dom::object root;
  if (parser.parse(body.data(), body.size()).get_object().get(root)) return false;
  dom::array errors;
  if (root["error"]["errors"].get_array().get(errors)) return false;
  for (dom::element e : errors) {
    std::string_view reason;
    if (e["reason"].get_string().get(reason)) continue;
    if (reason == "rateLimitExceeded" || reason == "userRateLimitExceeded") return true;
  }
  return false;
}

}  // namespace kraken::sheets::json
