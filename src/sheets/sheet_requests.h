#pragma once
// The structural edits KRAKEN makes with spreadsheets.batchUpdate (adding tabs,
// sizing them, a bold frozen header row, protecting the id column), built as typed
// requests so no caller writes their JSON by hand; and what the API tells about a
// tab. Shapes: ../shared/reference/sheets-api.md, section 2.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kraken::sheets {

// A tab's properties as spreadsheets.get returns them. Ids and counts Google
// leaves out (proto3 elides zeros) are 0.
struct SheetInfo {
  int sheet_id = 0;
  std::string title;
  int index = 0;
  int rows = 0;     // gridProperties.rowCount
  int columns = 0;  // gridProperties.columnCount
  int frozen_rows = 0;
};

enum class Dimension { kRows, kColumns };

// Zero-based, end-exclusive; an unset bound is the grid's edge.
struct GridRange {
  int sheet_id = 0;
  std::optional<int> start_row, end_row, start_column, end_column;
};

// The properties to change on one tab; only those set are sent (and named in the
// request's field mask), the others stay as they are.
struct SheetPropertiesUpdate {
  int sheet_id = 0;
  std::optional<std::string> title;
  std::optional<int> rows, columns, frozen_rows;
  std::optional<bool> hidden;
};

// One entry of spreadsheets.batchUpdate's "requests".
class SpreadsheetRequest {
 public:
  // A new tab of `rows` x `columns` cells; Google picks the id unless given.
  static SpreadsheetRequest AddSheet(std::string_view title, int rows = 1000, int columns = 26,
                                     std::optional<int> sheet_id = std::nullopt);
  static SpreadsheetRequest UpdateSheetProperties(const SheetPropertiesUpdate& update);
  // Adds `length` empty rows or columns at the end of the tab.
  static SpreadsheetRequest AppendDimension(int sheet_id, Dimension dimension, int length);
  // Deletes rows or columns [start, end), zero-based.
  static SpreadsheetRequest DeleteDimension(int sheet_id, Dimension dimension, int start, int end);
  // updateDimensionProperties: hides (or shows) rows or columns [start, end).
  // A hidden column still holds its values and moves with its rows.
  static SpreadsheetRequest HideDimension(int sheet_id, Dimension dimension, int start, int end,
                                          bool hidden = true);
  // updateCells: the note on one cell (0-based), shown when hovering over it.
  static SpreadsheetRequest SetNote(int sheet_id, int row, int column, std::string_view note);
  // repeatCell: bold text on every cell of `range` (a header row).
  static SpreadsheetRequest BoldText(const GridRange& range);
  // A protected range only `editors` (e-mail addresses) may edit; with
  // `warning_only`, everyone may, after a warning.
  static SpreadsheetRequest AddProtectedRange(const GridRange& range, std::string_view description,
                                              const std::vector<std::string>& editors,
                                              bool warning_only = false);

  const std::string& kind() const { return kind_; }  // "addSheet", "repeatCell", ...
  const std::string& json() const { return json_; }  // {"addSheet":{...}}

 private:
  SpreadsheetRequest(std::string kind, std::string json)
      : kind_(std::move(kind)), json_(std::move(json)) {}
  std::string kind_;
  std::string json_;
};

// A header row for tab `sheet_id`: row 1 in bold, and frozen so it stays in view.
std::vector<SpreadsheetRequest> HeaderRowRequests(int sheet_id);

// One entry of the response's "replies", in request order.
struct SpreadsheetReply {
  std::string kind;                                // the reply's key, or "" for an empty reply
  std::optional<SheetInfo> added_sheet;            // addSheet
  std::optional<std::int64_t> protected_range_id;  // addProtectedRange
};

}  // namespace kraken::sheets
