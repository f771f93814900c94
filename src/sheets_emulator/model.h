#pragma once
// The emulator's spreadsheets: tabs with a fixed grid and sparse cells, and the
// grid rules of ../shared/reference/sheets-api.md section 3 (reads clipped to the
// grid, writes past it refused, anchors, trailing trimming). Plain data plus free
// functions; not thread-safe (the emulator core holds one lock around it).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"
#include "src/sheets/a1.h"
#include "src/sheets/cell_value.h"

namespace kraken::sheets::emu {

inline constexpr int kDefaultRows = 1000;
inline constexpr int kDefaultColumns = 26;
inline constexpr std::int64_t kMaxCellsPerSpreadsheet = 10'000'000;
inline constexpr std::size_t kMaxCellChars = 50'000;

// A rectangle within a grid: 0-based, half-open.
struct Rect {
  int row0 = 0, col0 = 0, row1 = 0, col1 = 0;
  int rows() const { return row1 - row0; }
  int cols() const { return col1 - col0; }
  bool empty() const { return rows() <= 0 || cols() <= 0; }
};

// The API's GridRange: 0-based, half-open, an unset bound is the grid's edge.
struct GridRange {
  int sheet_id = 0;
  std::optional<int> start_row, end_row, start_col, end_col;
};

struct ProtectedRange {
  int id = 0;
  GridRange range;
  std::string description;
  bool warning_only = false;
  std::vector<std::string> editor_users;
};

struct Sheet {
  int id = 0;
  std::string title;
  int index = 0;
  int rows = kDefaultRows;
  int cols = kDefaultColumns;
  bool hidden = false;
  int frozen_rows = 0;
  int frozen_cols = 0;
  std::map<int, std::map<int, CellValue>> cells;  // row -> column -> a non-empty value
  std::vector<ProtectedRange> protected_ranges;
  // Rows and columns hidden with updateDimensionProperties (hiddenByUser); the
  // value is always true. They move with inserts and deletes as cells do.
  std::set<int> hidden_rows;
  std::set<int> hidden_cols;
  // Cell notes (updateCells with fields "note"): row -> column -> text. They
  // move with inserts and deletes as cells do.
  std::map<int, std::map<int, std::string>> notes;

  const CellValue* Find(int row, int col) const;
  void Set(int row, int col, CellValue value);  // an empty value erases
  void Clear(const Rect& rect);
  // Shifts cells for inserted/deleted rows or columns at [start, end).
  void InsertRows(int start, int count);
  void DeleteRows(int start, int end);
  void InsertColumns(int start, int count);
  void DeleteColumns(int start, int end);
  // Drops cells outside rows x cols (after the grid shrank).
  void DropOutsideGrid();
};

struct Spreadsheet {
  std::string id;
  std::string title = "Untitled spreadsheet";
  std::string locale = "en_US";
  std::string time_zone = "Etc/GMT";
  std::vector<Sheet> sheets;      // ordered by index
  std::set<std::string> editors;  // service accounts it is shared with
  std::uint64_t version = 1;      // Drive's version: bumped on every change
  std::int64_t modified_ms = 0;   // Drive's modifiedTime, ms since the Unix epoch

  // By title: exact, then ignoring ASCII case (Sheets titles are case-insensitive).
  Sheet* FindSheet(std::string_view name);
  const Sheet* FindSheet(std::string_view name) const;
  Sheet* FindSheetById(int sheet_id);
  Sheet* FirstVisibleSheet();
  std::int64_t TotalCells() const;
  // Re-numbers `index` after a tab moved, was added or deleted.
  void Reindex();
  // A title not in use: "Sheet2", "Sheet3", ...
  std::string UnusedSheetTitle() const;
};

// A resolved A1 range: the tab and the rectangle clipped to its grid.
struct Target {
  Sheet* sheet = nullptr;
  A1Range a1;
  Rect rect;
};

// Parses `a1` and clips it to its tab's grid, for reads and clears. An unknown tab
// or bad text: "Unable to parse range: X"; a range wholly outside the grid: the
// grid-limits error.
Result<Target> ResolveForRead(Spreadsheet& spreadsheet, std::string_view a1);

// The range Google echoes: the tab (quoted as Google does) and the clipped cells.
std::string EchoRange(const Sheet& sheet, const Rect& rect);

// "Range ('Sheet1'!A1001) exceeds grid limits. Max rows: 1000, max columns: 26".
Error GridLimitsError(const Sheet& sheet, const Rect& rect);

// Cells of one write, row-major as sent; nullopt leaves a cell as it is (JSON null).
using CellGrid = std::vector<std::vector<std::optional<CellValue>>>;

struct WriteOutcome {
  Sheet* sheet = nullptr;
  Rect extent;            // the rectangle the data covers, nulls included
  std::set<int> rows;     // rows with at least one written cell ("" counts)
  std::set<int> columns;  // likewise columns
  int cells = 0;
};

// Writes `grid` into the range `a1`: a single cell is an anchor the data grows
// from; a larger range must hold the data ("Requested writing within range ...");
// nothing may land outside the grid. Writes nothing on error.
Result<WriteOutcome> WriteCells(Spreadsheet& spreadsheet, std::string_view a1,
                                const CellGrid& grid);

// The values of `rect` as the API returns them: trailing empty rows and trailing
// empty cells of each row dropped (empty cells inside stay, as nullptr). With
// `columns_major` the outer vector is columns (majorDimension=COLUMNS).
std::vector<std::vector<const CellValue*>> ReadCells(const Sheet& sheet, const Rect& rect,
                                                     bool columns_major);

// Marks a change: Drive's version + 1 and modifiedTime = `now_ms`.
void Touch(Spreadsheet& spreadsheet, std::int64_t now_ms);

// Counts characters as the API does (Unicode code points of UTF-8 text).
std::size_t CharacterCount(std::string_view utf8);

// Resolves a GridRange on `spreadsheet` to its tab and clipped rectangle; a range
// past the grid is the grid-limits error, an unknown sheetId "No grid with id: N".
Result<Target> ResolveGridRange(Spreadsheet& spreadsheet, const GridRange& range);

}  // namespace kraken::sheets::emu
