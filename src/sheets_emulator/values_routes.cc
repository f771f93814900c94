// spreadsheets.values.*: get, batchGet, update, batchUpdate, clear, batchClear
// (../shared/reference/sheets-api.md, sections 2 and 3).

#include <fmt/format.h>

#include <map>
#include <set>

#include "events/json_text.h"
#include "src/sheets_emulator/api_errors.h"
#include "src/sheets_emulator/routes.h"

namespace kraken::sheets::emu {
namespace {

struct ReadOptions {
  ValueRenderOption render = ValueRenderOption::kFormattedValue;
  DateTimeRenderOption date_time = DateTimeRenderOption::kSerialNumber;
  bool columns = false;
};

net::ServerResponse BadEnum(std::string_view field, std::string_view type, std::string_view value) {
  return FieldViolation(
      field,
      fmt::format("Invalid value at '{}' (type.googleapis.com/google.apps.sheets.v4.{}), \"{}\"",
                  field, type, value));
}

// Reads the three render options from strings (query parameters or body fields).
std::optional<net::ServerResponse> ParseReadOptions(const std::optional<std::string>& render,
                                                    const std::optional<std::string>& date_time,
                                                    const std::optional<std::string>& dimension,
                                                    ReadOptions& out) {
  if (render && !render->empty()) {
    if (*render == "FORMATTED_VALUE")
      out.render = ValueRenderOption::kFormattedValue;
    else if (*render == "UNFORMATTED_VALUE")
      out.render = ValueRenderOption::kUnformattedValue;
    else if (*render == "FORMULA")
      out.render = ValueRenderOption::kFormula;
    else
      return BadEnum("value_render_option", "ValueRenderOption", *render);
  }
  if (date_time && !date_time->empty()) {
    if (*date_time == "SERIAL_NUMBER")
      out.date_time = DateTimeRenderOption::kSerialNumber;
    else if (*date_time == "FORMATTED_STRING")
      out.date_time = DateTimeRenderOption::kFormattedString;
    else
      return BadEnum("date_time_render_option", "DateTimeRenderOption", *date_time);
  }
  if (dimension && !dimension->empty()) {
    if (*dimension == "ROWS" || *dimension == "DIMENSION_UNSPECIFIED")
      out.columns = false;
    else if (*dimension == "COLUMNS")
      out.columns = true;
    else
      return BadEnum("major_dimension", "Dimension", *dimension);
  }
  return std::nullopt;
}

std::optional<std::string> StringField(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = obj.Get(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->string();
}

void AppendCell(JsonWriter& w, const CellValue* cell, const ReadOptions& opt) {
  if (cell == nullptr) {
    w.String("");
    return;
  }
  if (opt.render == ValueRenderOption::kFormattedValue) {
    w.String(FormatValue(*cell));
    return;
  }
  switch (cell->kind) {
    case CellValue::Kind::kBool:
      w.Bool(cell->boolean);
      break;
    case CellValue::Kind::kNumber:
      // dateTimeRenderOption applies to date-formatted numbers only.
      if (IsDateFormat(cell->format) && opt.date_time == DateTimeRenderOption::kFormattedString) {
        w.String(FormatValue(*cell));
      } else {
        w.Double(cell->number);
      }
      break;
    default:
      w.String(cell->text);
      break;
  }
}

// A ValueRange: {"range", "majorDimension", "values"?}; no "values" when empty.
void AppendValueRange(JsonWriter& w, const Sheet& sheet, const Rect& rect, const ReadOptions& opt) {
  w.BeginObject();
  w.Key("range").String(EchoRange(sheet, rect));
  w.Key("majorDimension").String(opt.columns ? "COLUMNS" : "ROWS");
  const auto lines = ReadCells(sheet, rect, opt.columns);
  if (!lines.empty()) {
    w.Key("values").BeginArray();
    for (const auto& line : lines) {
      w.BeginArray();
      for (const CellValue* cell : line) AppendCell(w, cell, opt);
      w.EndArray();
    }
    w.EndArray();
  }
  w.EndObject();
}

// JSON values -> cells; `field` names the values in errors ("data[0].values").
Result<CellGrid> ToCellGrid(const JsonValue* values, bool user_entered, bool columns, int year,
                            const std::string& field) {
  CellGrid grid;
  if (values == nullptr || values->is_null()) return grid;
  auto invalid = [&](const std::string& at) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("Invalid value at '{}' (type.googleapis.com/google.protobuf.ListValue)", at));
  };
  if (!values->is_array()) return invalid(field);
  for (std::size_t i = 0; i < values->items().size(); ++i) {
    const JsonValue& line = values->items()[i];
    if (!line.is_array()) return invalid(fmt::format("{}[{}]", field, i));
    std::vector<std::optional<CellValue>> out;
    for (const JsonValue& v : line.items()) {
      switch (v.type()) {
        case JsonValue::Type::kNull:
          out.emplace_back(std::nullopt);
          break;
        case JsonValue::Type::kBool:
          out.emplace_back(CellValue::Bool(v.boolean()));
          break;
        case JsonValue::Type::kNumber:
          out.emplace_back(CellValue::Number(v.number()));
          break;
        case JsonValue::Type::kString:
          if (CharacterCount(v.string()) > kMaxCellChars) {
            return MakeError(ErrorCode::kInvalidArgument,
                             fmt::format("Your input contains more than the maximum of {} "
                                         "characters in a single cell.",
                                         kMaxCellChars));
          }
          out.emplace_back(user_entered ? ParseUserEntered(v.string(), year)
                                        : CellValue::String(v.string()));
          break;
        default:
          return invalid(fmt::format("{}[{}]", field, i));
      }
    }
    grid.push_back(std::move(out));
  }
  if (!columns) return grid;
  CellGrid rows;
  for (std::size_t c = 0; c < grid.size(); ++c) {
    for (std::size_t r = 0; r < grid[c].size(); ++r) {
      if (rows.size() <= r) rows.resize(r + 1);
      rows[r].resize(c + 1);
      rows[r][c] = grid[c][r];
    }
  }
  return rows;
}

Result<bool> ParseInputOption(const std::optional<std::string>& option) {
  if (option == "RAW") return false;
  if (option == "USER_ENTERED") return true;
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("Invalid valueInputOption: {}",
                               option.value_or("INPUT_VALUE_OPTION_UNSPECIFIED")));
}

// One write, rendered as UpdateValuesResponse (zero counts elided, as proto3 JSON does).
struct WriteJob {
  std::string range;
  Result<WriteOutcome> outcome = WriteOutcome{};
};

void AppendUpdateResponse(JsonWriter& w, const Spreadsheet& ss, const WriteOutcome& o,
                          const std::optional<ReadOptions>& echo) {
  w.BeginObject();
  w.Key("spreadsheetId").String(ss.id);
  w.Key("updatedRange").String(EchoRange(*o.sheet, o.extent));
  if (!o.rows.empty()) w.Key("updatedRows").Int(static_cast<std::int64_t>(o.rows.size()));
  if (!o.columns.empty()) w.Key("updatedColumns").Int(static_cast<std::int64_t>(o.columns.size()));
  if (o.cells > 0) w.Key("updatedCells").Int(o.cells);
  if (echo) {
    w.Key("updatedData");
    AppendValueRange(w, *o.sheet, o.extent, *echo);
  }
  w.EndObject();
}

// Reads includeValuesInResponse and the response render options.
Result<std::optional<ReadOptions>> EchoOptions(const std::optional<std::string>& include,
                                               const std::optional<std::string>& render,
                                               const std::optional<std::string>& date_time) {
  if (include != "true") return std::optional<ReadOptions>();
  ReadOptions opt;
  if (auto bad = ParseReadOptions(render, date_time, std::nullopt, opt)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Invalid responseValueRenderOption or responseDateTimeRenderOption");
  }
  return std::optional<ReadOptions>(opt);
}

std::optional<std::string> BoolField(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = obj.Get(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_bool()) return v->boolean() ? "true" : "false";
  if (v->is_string()) return v->string();
  return std::nullopt;
}

}  // namespace

net::ServerResponse ValuesGet(Spreadsheet& ss, const Query& query, std::string_view range) {
  ReadOptions opt;
  if (auto bad = ParseReadOptions(QueryValue(query, "valueRenderOption"),
                                  QueryValue(query, "dateTimeRenderOption"),
                                  QueryValue(query, "majorDimension"), opt)) {
    return *bad;
  }
  auto target = ResolveForRead(ss, range);
  if (!target.ok()) return ApiError(target.error());
  JsonWriter w;
  AppendValueRange(w, *target->sheet, target->rect, opt);
  return JsonReply(w.Take());
}

net::ServerResponse ValuesBatchGet(Spreadsheet& ss, const Query& query) {
  ReadOptions opt;
  if (auto bad = ParseReadOptions(QueryValue(query, "valueRenderOption"),
                                  QueryValue(query, "dateTimeRenderOption"),
                                  QueryValue(query, "majorDimension"), opt)) {
    return *bad;
  }
  std::vector<Target> targets;
  for (const std::string& range : QueryValues(query, "ranges")) {
    auto target = ResolveForRead(ss, range);
    if (!target.ok()) return ApiError(target.error());
    targets.push_back(std::move(target).value());
  }
  JsonWriter w;
  w.BeginObject().Key("spreadsheetId").String(ss.id);
  if (!targets.empty()) {
    w.Key("valueRanges").BeginArray();
    for (const Target& t : targets) AppendValueRange(w, *t.sheet, t.rect, opt);
    w.EndArray();
  }
  w.EndObject();
  return JsonReply(w.Take());
}

net::ServerResponse ValuesUpdate(Spreadsheet& ss, const Query& query, std::string_view range,
                                 const JsonValue& body, const RequestEnv& env, bool& changed) {
  auto user_entered = ParseInputOption(QueryValue(query, "valueInputOption"));
  if (!user_entered.ok()) return ApiError(user_entered.error());
  auto echo = EchoOptions(QueryValue(query, "includeValuesInResponse"),
                          QueryValue(query, "responseValueRenderOption"),
                          QueryValue(query, "responseDateTimeRenderOption"));
  if (!echo.ok()) return ApiError(echo.error());
  const bool columns = StringField(body, "majorDimension") == "COLUMNS";
  auto grid =
      ToCellGrid(body.Get("values"), *user_entered, columns, CurrentYear(env.now_ms), "values");
  if (!grid.ok()) return ApiError(grid.error());
  Spreadsheet copy = ss;
  auto outcome = WriteCells(copy, range, *grid);
  if (!outcome.ok()) return ApiError(outcome.error());
  JsonWriter w;
  AppendUpdateResponse(w, copy, *outcome, *echo);
  changed = outcome->cells > 0;
  if (changed) ss = std::move(copy);
  return JsonReply(w.Take());
}

net::ServerResponse ValuesBatchUpdate(Spreadsheet& ss, const JsonValue& body, const RequestEnv& env,
                                      bool& changed) {
  auto user_entered = ParseInputOption(StringField(body, "valueInputOption"));
  if (!user_entered.ok()) return ApiError(user_entered.error());
  auto echo = EchoOptions(BoolField(body, "includeValuesInResponse"),
                          StringField(body, "responseValueRenderOption"),
                          StringField(body, "responseDateTimeRenderOption"));
  if (!echo.ok()) return ApiError(echo.error());
  const JsonValue* data = body.Get("data");
  if (data != nullptr && !data->is_array() && !data->is_null()) {
    return FieldViolation(
        "data", "Invalid value at 'data' (type.googleapis.com/google.apps.sheets.v4.ValueRange)");
  }
  // Every range is written to a copy; the spreadsheet changes only if all succeed.
  Spreadsheet copy = ss;
  std::vector<WriteOutcome> outcomes;
  const std::vector<JsonValue> none;
  const auto& items = data != nullptr && data->is_array() ? data->items() : none;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const JsonValue& vr = items[i];
    const auto range = StringField(vr, "range");
    if (!range) {
      return ApiError(400, fmt::format("Invalid data[{}]: Unable to parse range: ", i));
    }
    const bool columns = StringField(vr, "majorDimension") == "COLUMNS";
    auto grid = ToCellGrid(vr.Get("values"), *user_entered, columns, CurrentYear(env.now_ms),
                           fmt::format("data[{}].values", i));
    if (!grid.ok()) return ApiError(grid.error());
    auto outcome = WriteCells(copy, *range, *grid);
    if (!outcome.ok()) {
      return ApiError(400, fmt::format("Invalid data[{}]: {}", i, outcome.error().message));
    }
    outcomes.push_back(std::move(outcome).value());
  }
  std::set<std::pair<int, int>> rows, columns;
  std::set<int> sheets;
  int cells = 0;
  for (const WriteOutcome& o : outcomes) {
    for (int r : o.rows) rows.emplace(o.sheet->id, r);
    for (int c : o.columns) columns.emplace(o.sheet->id, c);
    if (o.cells > 0) sheets.insert(o.sheet->id);
    cells += o.cells;
  }
  JsonWriter w;
  w.BeginObject().Key("spreadsheetId").String(ss.id);
  if (!rows.empty()) w.Key("totalUpdatedRows").Int(static_cast<std::int64_t>(rows.size()));
  if (!columns.empty()) w.Key("totalUpdatedColumns").Int(static_cast<std::int64_t>(columns.size()));
  if (cells > 0) w.Key("totalUpdatedCells").Int(cells);
  if (!sheets.empty()) w.Key("totalUpdatedSheets").Int(static_cast<std::int64_t>(sheets.size()));
  if (!outcomes.empty()) {
    w.Key("responses").BeginArray();
    for (const WriteOutcome& o : outcomes) AppendUpdateResponse(w, copy, o, *echo);
    w.EndArray();
  }
  w.EndObject();
  changed = cells > 0;
  if (changed) ss = std::move(copy);
  return JsonReply(w.Take());
}

net::ServerResponse ValuesClear(Spreadsheet& ss, std::string_view range, bool& changed) {
  auto target = ResolveForRead(ss, range);
  if (!target.ok()) return ApiError(target.error());
  target->sheet->Clear(target->rect);
  changed = true;
  JsonWriter w;
  w.BeginObject().Key("spreadsheetId").String(ss.id);
  w.Key("clearedRange").String(EchoRange(*target->sheet, target->rect));
  w.EndObject();
  return JsonReply(w.Take());
}

net::ServerResponse ValuesBatchClear(Spreadsheet& ss, const JsonValue& body, bool& changed) {
  const JsonValue* ranges = body.Get("ranges");
  std::vector<Target> targets;
  if (ranges != nullptr && ranges->is_array()) {
    for (const JsonValue& r : ranges->items()) {
      if (!r.is_string()) {
        return FieldViolation("ranges", "Invalid value at 'ranges' (TYPE_STRING)");
      }
      auto target = ResolveForRead(ss, r.string());
      if (!target.ok()) return ApiError(target.error());
      targets.push_back(std::move(target).value());
    }
  }
  // Resolved all first: nothing is cleared unless every range is valid.
  JsonWriter w;
  w.BeginObject().Key("spreadsheetId").String(ss.id);
  if (!targets.empty()) {
    w.Key("clearedRanges").BeginArray();
    for (const Target& t : targets) {
      t.sheet->Clear(t.rect);
      w.String(EchoRange(*t.sheet, t.rect));
    }
    w.EndArray();
  }
  w.EndObject();
  changed = !targets.empty();
  return JsonReply(w.Take());
}

}  // namespace kraken::sheets::emu
