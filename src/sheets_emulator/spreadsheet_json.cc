#include "src/sheets_emulator/spreadsheet_json.h"

namespace kraken::sheets::emu {

void AppendSheetProperties(JsonWriter& w, const Sheet& sheet) {
  w.BeginObject();
  w.Key("sheetId").Int(sheet.id).Key("title").String(sheet.title).Key("index").Int(sheet.index);
  w.Key("sheetType").String("GRID");
  w.Key("gridProperties").BeginObject();
  w.Key("rowCount").Int(sheet.rows).Key("columnCount").Int(sheet.cols);
  if (sheet.frozen_rows > 0) w.Key("frozenRowCount").Int(sheet.frozen_rows);
  if (sheet.frozen_cols > 0) w.Key("frozenColumnCount").Int(sheet.frozen_cols);
  w.EndObject();
  if (sheet.hidden) w.Key("hidden").Bool(true);
  w.EndObject();
}

void AppendGridRange(JsonWriter& w, const GridRange& range) {
  w.BeginObject();
  if (range.sheet_id != 0) w.Key("sheetId").Int(range.sheet_id);
  if (range.start_row.value_or(0) != 0) w.Key("startRowIndex").Int(*range.start_row);
  if (range.end_row.value_or(0) != 0) w.Key("endRowIndex").Int(*range.end_row);
  if (range.start_col.value_or(0) != 0) w.Key("startColumnIndex").Int(*range.start_col);
  if (range.end_col.value_or(0) != 0) w.Key("endColumnIndex").Int(*range.end_col);
  w.EndObject();
}

void AppendProtectedRange(JsonWriter& w, const ProtectedRange& p) {
  w.BeginObject();
  w.Key("protectedRangeId").Int(p.id);
  w.Key("range");
  AppendGridRange(w, p.range);
  if (!p.description.empty()) w.Key("description").String(p.description);
  if (p.warning_only) w.Key("warningOnly").Bool(true);
  w.Key("requestingUserCanEdit").Bool(true);
  w.Key("editors").BeginObject();
  if (!p.editor_users.empty()) {
    w.Key("users").BeginArray();
    for (const auto& u : p.editor_users) w.String(u);
    w.EndArray();
  }
  w.EndObject();
  w.EndObject();
}

std::string SpreadsheetJson(const Spreadsheet& ss, const std::string& base_url) {
  JsonWriter w;
  w.BeginObject();
  w.Key("spreadsheetId").String(ss.id);
  w.Key("properties").BeginObject();
  w.Key("title").String(ss.title).Key("locale").String(ss.locale);
  w.Key("autoRecalc").String("ON_CHANGE").Key("timeZone").String(ss.time_zone);
  w.EndObject();
  w.Key("sheets").BeginArray();
  for (const Sheet& sheet : ss.sheets) {
    w.BeginObject().Key("properties");
    AppendSheetProperties(w, sheet);
    if (!sheet.protected_ranges.empty()) {
      w.Key("protectedRanges").BeginArray();
      for (const auto& p : sheet.protected_ranges) AppendProtectedRange(w, p);
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("spreadsheetUrl").String(base_url + "/spreadsheets/d/" + ss.id + "/edit");
  w.EndObject();
  return w.Take();
}

}  // namespace kraken::sheets::emu
