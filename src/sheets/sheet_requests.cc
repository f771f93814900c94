#include "src/sheets/sheet_requests.h"

#include "events/json_text.h"

namespace kraken::sheets {
namespace {

const char* DimensionName(Dimension d) { return d == Dimension::kRows ? "ROWS" : "COLUMNS"; }

void WriteGridRange(JsonWriter& w, const GridRange& r) {
  w.BeginObject().Key("sheetId").Int(r.sheet_id);
  if (r.start_row) w.Key("startRowIndex").Int(*r.start_row);
  if (r.end_row) w.Key("endRowIndex").Int(*r.end_row);
  if (r.start_column) w.Key("startColumnIndex").Int(*r.start_column);
  if (r.end_column) w.Key("endColumnIndex").Int(*r.end_column);
  w.EndObject();
}

}  // namespace

SpreadsheetRequest SpreadsheetRequest::AddSheet(std::string_view title, int rows, int columns,
                                                std::optional<int> sheet_id) {
  JsonWriter w;
  w.BeginObject().Key("addSheet").BeginObject().Key("properties").BeginObject();
  if (sheet_id) w.Key("sheetId").Int(*sheet_id);
  w.Key("title").String(title).Key("sheetType").String("GRID");
  w.Key("gridProperties").BeginObject().Key("rowCount").Int(rows);
  w.Key("columnCount").Int(columns).EndObject();
  w.EndObject().EndObject().EndObject();
  return SpreadsheetRequest("addSheet", w.Take());
}

SpreadsheetRequest SpreadsheetRequest::UpdateSheetProperties(const SheetPropertiesUpdate& u) {
  std::string fields;
  auto field = [&fields](const char* name) {
    if (!fields.empty()) fields += ',';
    fields += name;
  };
  JsonWriter w;
  w.BeginObject().Key("updateSheetProperties").BeginObject().Key("properties").BeginObject();
  w.Key("sheetId").Int(u.sheet_id);
  if (u.title) {
    w.Key("title").String(*u.title);
    field("title");
  }
  if (u.hidden) {
    w.Key("hidden").Bool(*u.hidden);
    field("hidden");
  }
  if (u.rows || u.columns || u.frozen_rows) {
    w.Key("gridProperties").BeginObject();
    if (u.rows) {
      w.Key("rowCount").Int(*u.rows);
      field("gridProperties.rowCount");
    }
    if (u.columns) {
      w.Key("columnCount").Int(*u.columns);
      field("gridProperties.columnCount");
    }
    if (u.frozen_rows) {
      w.Key("frozenRowCount").Int(*u.frozen_rows);
      field("gridProperties.frozenRowCount");
    }
    w.EndObject();
  }
  w.EndObject().Key("fields").String(fields).EndObject().EndObject();
  return SpreadsheetRequest("updateSheetProperties", w.Take());
}

SpreadsheetRequest SpreadsheetRequest::AppendDimension(int sheet_id, Dimension dimension,
                                                       int length) {
  JsonWriter w;
  w.BeginObject().Key("appendDimension").BeginObject();
  w.Key("sheetId").Int(sheet_id).Key("dimension").String(DimensionName(dimension));
  w.Key("length").Int(length).EndObject().EndObject();
  return SpreadsheetRequest("appendDimension", w.Take());
}

SpreadsheetRequest SpreadsheetRequest::DeleteDimension(int sheet_id, Dimension dimension, int start,
                                                       int end) {
  JsonWriter w;
  w.BeginObject().Key("deleteDimension").BeginObject().Key("range").BeginObject();
  w.Key("sheetId").Int(sheet_id).Key("dimension").String(DimensionName(dimension));
  w.Key("startIndex").Int(start).Key("endIndex").Int(end);
  w.EndObject().EndObject().EndObject();
  return SpreadsheetRequest("deleteDimension", w.Take());
}

SpreadsheetRequest SpreadsheetRequest::HideDimension(int sheet_id, Dimension dimension, int start,
                                                     int end, bool hidden) {
  JsonWriter w;
  w.BeginObject().Key("updateDimensionProperties").BeginObject().Key("range").BeginObject();
  w.Key("sheetId").Int(sheet_id).Key("dimension").String(DimensionName(dimension));
  w.Key("startIndex").Int(start).Key("endIndex").Int(end);
  w.EndObject();
  w.Key("properties").BeginObject().Key("hiddenByUser").Bool(hidden).EndObject();
  w.Key("fields").String("hiddenByUser");
  w.EndObject().EndObject();
  return SpreadsheetRequest("updateDimensionProperties", w.Take());
}

SpreadsheetRequest SpreadsheetRequest::SetNote(int sheet_id, int row, int column,
                                               std::string_view note) {
  JsonWriter w;
  w.BeginObject().Key("updateCells").BeginObject().Key("range");
  WriteGridRange(w, GridRange{sheet_id, row, row + 1, column, column + 1});
  w.Key("rows").BeginArray().BeginObject().Key("values").BeginArray();
  w.BeginObject().Key("note").String(note).EndObject();
  w.EndArray().EndObject().EndArray();
  w.Key("fields").String("note");
  w.EndObject().EndObject();
  return SpreadsheetRequest("updateCells", w.Take());
}

SpreadsheetRequest SpreadsheetRequest::BoldText(const GridRange& range) {
  JsonWriter w;
  w.BeginObject().Key("repeatCell").BeginObject().Key("range");
  WriteGridRange(w, range);
  w.Key("cell").BeginObject().Key("userEnteredFormat").BeginObject();
  w.Key("textFormat").BeginObject().Key("bold").Bool(true).EndObject();
  w.EndObject().EndObject();
  w.Key("fields").String("userEnteredFormat.textFormat.bold");
  w.EndObject().EndObject();
  return SpreadsheetRequest("repeatCell", w.Take());
}

SpreadsheetRequest SpreadsheetRequest::AddProtectedRange(const GridRange& range,
                                                         std::string_view description,
                                                         const std::vector<std::string>& editors,
                                                         bool warning_only) {
  JsonWriter w;
  w.BeginObject().Key("addProtectedRange").BeginObject().Key("protectedRange").BeginObject();
  w.Key("range");
  WriteGridRange(w, range);
  w.Key("description").String(description).Key("warningOnly").Bool(warning_only);
  if (!warning_only) {
    w.Key("editors").BeginObject().Key("users").BeginArray();
    for (const auto& e : editors) w.String(e);
    w.EndArray().EndObject();
  }
  w.EndObject().EndObject().EndObject();
  return SpreadsheetRequest("addProtectedRange", w.Take());
}

std::vector<SpreadsheetRequest> HeaderRowRequests(int sheet_id) {
  GridRange header;
  header.sheet_id = sheet_id;
  header.start_row = 0;
  header.end_row = 1;
  SheetPropertiesUpdate freeze;
  freeze.sheet_id = sheet_id;
  freeze.frozen_rows = 1;
  return {SpreadsheetRequest::BoldText(header), SpreadsheetRequest::UpdateSheetProperties(freeze)};
}

}  // namespace kraken::sheets
