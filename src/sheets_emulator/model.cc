#include "src/sheets_emulator/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace kraken::sheets::emu {
namespace {

char AsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiUpper(a[i]) != AsciiUpper(b[i])) return false;
  }
  return true;
}

Error UnableToParse(std::string_view text) {
  return MakeError(ErrorCode::kInvalidArgument, fmt::format("Unable to parse range: {}", text));
}

A1Range ToA1(const Sheet& sheet, const Rect& rect) {
  A1Range r;
  r.sheet = sheet.title;
  r.start_row = rect.row0;
  r.start_col = rect.col0;
  r.end_row = rect.row1;
  r.end_col = rect.col1;
  return r;
}

// Moves every key k >= from by `delta` (in a map keyed, or a set, of rows or columns).
template <typename Keyed>
void ShiftKeys(Keyed& keyed, int from, int delta) {
  Keyed shifted;
  for (auto it = keyed.lower_bound(from); it != keyed.end();) {
    auto node = keyed.extract(it++);
    if constexpr (requires { node.key(); }) {
      node.key() += delta;
    } else {
      node.value() += delta;
    }
    shifted.insert(std::move(node));
  }
  keyed.merge(shifted);
}

}  // namespace

const CellValue* Sheet::Find(int row, int col) const {
  auto r = cells.find(row);
  if (r == cells.end()) return nullptr;
  auto c = r->second.find(col);
  return c == r->second.end() ? nullptr : &c->second;
}

void Sheet::Set(int row, int col, CellValue value) {
  if (value.empty()) {
    auto r = cells.find(row);
    if (r == cells.end()) return;
    r->second.erase(col);
    if (r->second.empty()) cells.erase(r);
    return;
  }
  cells[row][col] = std::move(value);
}

void Sheet::Clear(const Rect& rect) {
  for (auto r = cells.lower_bound(rect.row0); r != cells.end() && r->first < rect.row1;) {
    auto& row = r->second;
    row.erase(row.lower_bound(rect.col0), row.lower_bound(rect.col1));
    r = row.empty() ? cells.erase(r) : std::next(r);
  }
}

void Sheet::InsertRows(int start, int count) {
  ShiftKeys(cells, start, count);
  ShiftKeys(hidden_rows, start, count);
  ShiftKeys(notes, start, count);
  rows += count;
}

void Sheet::DeleteRows(int start, int end) {
  cells.erase(cells.lower_bound(start), cells.lower_bound(end));
  ShiftKeys(cells, end, start - end);
  hidden_rows.erase(hidden_rows.lower_bound(start), hidden_rows.lower_bound(end));
  ShiftKeys(hidden_rows, end, start - end);
  notes.erase(notes.lower_bound(start), notes.lower_bound(end));
  ShiftKeys(notes, end, start - end);
  rows -= end - start;
}

void Sheet::InsertColumns(int start, int count) {
  for (auto& [r, row] : cells) ShiftKeys(row, start, count);
  for (auto& [r, row] : notes) ShiftKeys(row, start, count);
  ShiftKeys(hidden_cols, start, count);
  cols += count;
}

void Sheet::DeleteColumns(int start, int end) {
  for (auto it = cells.begin(); it != cells.end();) {
    auto& row = it->second;
    row.erase(row.lower_bound(start), row.lower_bound(end));
    ShiftKeys(row, end, start - end);
    it = row.empty() ? cells.erase(it) : std::next(it);
  }
  hidden_cols.erase(hidden_cols.lower_bound(start), hidden_cols.lower_bound(end));
  ShiftKeys(hidden_cols, end, start - end);
  for (auto it = notes.begin(); it != notes.end();) {
    auto& row = it->second;
    row.erase(row.lower_bound(start), row.lower_bound(end));
    ShiftKeys(row, end, start - end);
    it = row.empty() ? notes.erase(it) : std::next(it);
  }
  cols -= end - start;
}

void Sheet::DropOutsideGrid() {
  cells.erase(cells.lower_bound(rows), cells.end());
  for (auto it = cells.begin(); it != cells.end();) {
    it->second.erase(it->second.lower_bound(cols), it->second.end());
    it = it->second.empty() ? cells.erase(it) : std::next(it);
  }
  notes.erase(notes.lower_bound(rows), notes.end());
  for (auto it = notes.begin(); it != notes.end();) {
    it->second.erase(it->second.lower_bound(cols), it->second.end());
    it = it->second.empty() ? notes.erase(it) : std::next(it);
  }
}

const Sheet* Spreadsheet::FindSheet(std::string_view name) const {
  for (const Sheet& s : sheets) {
    if (s.title == name) return &s;
  }
  for (const Sheet& s : sheets) {
    if (EqualsIgnoreAsciiCase(s.title, name)) return &s;
  }
  return nullptr;
}

Sheet* Spreadsheet::FindSheet(std::string_view name) {
  return const_cast<Sheet*>(std::as_const(*this).FindSheet(name));
}

Sheet* Spreadsheet::FindSheetById(int sheet_id) {
  for (Sheet& s : sheets) {
    if (s.id == sheet_id) return &s;
  }
  return nullptr;
}

Sheet* Spreadsheet::FirstVisibleSheet() {
  for (Sheet& s : sheets) {
    if (!s.hidden) return &s;
  }
  return sheets.empty() ? nullptr : &sheets.front();
}

std::int64_t Spreadsheet::TotalCells() const {
  std::int64_t total = 0;
  for (const Sheet& s : sheets) total += static_cast<std::int64_t>(s.rows) * s.cols;
  return total;
}

void Spreadsheet::Reindex() {
  std::stable_sort(sheets.begin(), sheets.end(),
                   [](const Sheet& a, const Sheet& b) { return a.index < b.index; });
  for (std::size_t i = 0; i < sheets.size(); ++i) sheets[i].index = static_cast<int>(i);
}

std::string Spreadsheet::UnusedSheetTitle() const {
  for (int n = static_cast<int>(sheets.size()) + 1;; ++n) {
    std::string candidate = fmt::format("Sheet{}", n);
    bool used = false;
    for (const Sheet& s : sheets) used = used || EqualsIgnoreAsciiCase(s.title, candidate);
    if (!used) return candidate;
  }
}

Result<Target> ResolveForRead(Spreadsheet& spreadsheet, std::string_view a1) {
  auto parsed = ParseA1(a1);
  if (!parsed.ok()) return UnableToParse(a1);
  Target t;
  t.a1 = std::move(parsed).value();
  t.sheet =
      t.a1.sheet.empty() ? spreadsheet.FirstVisibleSheet() : spreadsheet.FindSheet(t.a1.sheet);
  if (t.sheet == nullptr) return UnableToParse(a1);
  const Sheet& s = *t.sheet;
  t.rect.row0 = t.a1.start_row.value_or(0);
  t.rect.col0 = t.a1.start_col.value_or(0);
  t.rect.row1 = std::min(t.a1.end_row.value_or(s.rows), s.rows);
  t.rect.col1 = std::min(t.a1.end_col.value_or(s.cols), s.cols);
  if (t.rect.row0 >= s.rows || t.rect.col0 >= s.cols) {
    Rect requested{t.rect.row0, t.rect.col0, t.a1.end_row.value_or(t.rect.row0 + 1),
                   t.a1.end_col.value_or(t.rect.col0 + 1)};
    return GridLimitsError(s, requested);
  }
  return t;
}

std::string EchoRange(const Sheet& sheet, const Rect& rect) { return FormatA1(ToA1(sheet, rect)); }

Error GridLimitsError(const Sheet& sheet, const Rect& rect) {
  return MakeError(ErrorCode::kInvalidArgument,
                   fmt::format("Range ({}) exceeds grid limits. Max rows: {}, max columns: {}",
                               FormatA1ForRequest(ToA1(sheet, rect)), sheet.rows, sheet.cols));
}

Result<WriteOutcome> WriteCells(Spreadsheet& spreadsheet, std::string_view a1,
                                const CellGrid& grid) {
  auto parsed = ParseA1(a1);
  if (!parsed.ok()) return UnableToParse(a1);
  const A1Range& range = *parsed;
  WriteOutcome out;
  out.sheet =
      range.sheet.empty() ? spreadsheet.FirstVisibleSheet() : spreadsheet.FindSheet(range.sheet);
  if (out.sheet == nullptr) return UnableToParse(a1);
  Sheet& sheet = *out.sheet;

  int width = 0;
  for (const auto& row : grid) width = std::max(width, static_cast<int>(row.size()));
  const int height = static_cast<int>(grid.size());
  const Rect start{range.start_row.value_or(0), range.start_col.value_or(0), 0, 0};
  out.extent = Rect{start.row0, start.col0, start.row0 + std::max(height, 1),
                    start.col0 + std::max(width, 1)};

  if (!range.single_cell()) {
    // A bounded range must hold the data; an anchor (one cell) grows with it.
    const std::string bounds = FormatA1(range);
    if (range.end_row && out.extent.row1 > *range.end_row) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("Requested writing within range [{}], but tried writing to row [{}]", bounds,
                      *range.end_row + 1));
    }
    if (range.end_col && out.extent.col1 > *range.end_col) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          fmt::format("Requested writing within range [{}], but tried writing to column [{}]",
                      bounds, ColumnLetters(*range.end_col)));
    }
  }
  if (out.extent.row1 > sheet.rows || out.extent.col1 > sheet.cols) {
    return GridLimitsError(sheet, out.extent);
  }
  for (int r = 0; r < height; ++r) {
    for (int c = 0; c < static_cast<int>(grid[r].size()); ++c) {
      if (!grid[r][c]) continue;
      sheet.Set(start.row0 + r, start.col0 + c, *grid[r][c]);
      out.rows.insert(start.row0 + r);
      out.columns.insert(start.col0 + c);
      ++out.cells;
    }
  }
  return out;
}

std::vector<std::vector<const CellValue*>> ReadCells(const Sheet& sheet, const Rect& rect,
                                                     bool columns_major) {
  // Only stored (non-empty) cells are visited, so a sparse 10,000-row tab reads fast.
  std::vector<std::vector<const CellValue*>> rows;
  for (auto r = sheet.cells.lower_bound(rect.row0); r != sheet.cells.end() && r->first < rect.row1;
       ++r) {
    std::vector<const CellValue*> line;
    for (auto c = r->second.lower_bound(rect.col0); c != r->second.end() && c->first < rect.col1;
         ++c) {
      line.resize(static_cast<std::size_t>(c->first - rect.col0), nullptr);
      line.push_back(&c->second);
    }
    if (line.empty()) continue;
    rows.resize(static_cast<std::size_t>(r->first - rect.row0));
    rows.push_back(std::move(line));
  }
  if (!columns_major) return rows;
  std::vector<std::vector<const CellValue*>> columns;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < rows[i].size(); ++j) {
      if (rows[i][j] == nullptr) continue;
      if (columns.size() <= j) columns.resize(j + 1);
      columns[j].resize(i, nullptr);
      columns[j].push_back(rows[i][j]);
    }
  }
  return columns;
}

void Touch(Spreadsheet& spreadsheet, std::int64_t now_ms) {
  ++spreadsheet.version;
  spreadsheet.modified_ms = std::max(now_ms, spreadsheet.modified_ms);
}

std::size_t CharacterCount(std::string_view utf8) {
  std::size_t n = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

Result<Target> ResolveGridRange(Spreadsheet& spreadsheet, const GridRange& range) {
  Target t;
  t.sheet = spreadsheet.FindSheetById(range.sheet_id);
  if (t.sheet == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("No grid with id: {}", range.sheet_id));
  }
  const Sheet& s = *t.sheet;
  t.rect = Rect{range.start_row.value_or(0), range.start_col.value_or(0),
                range.end_row.value_or(s.rows), range.end_col.value_or(s.cols)};
  if (t.rect.row0 < 0 || t.rect.col0 < 0 || t.rect.row1 < t.rect.row0 ||
      t.rect.col1 < t.rect.col0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Invalid range: start indexes must be >= 0 and not after the end indexes.");
  }
  if (t.rect.row1 > s.rows || t.rect.col1 > s.cols) return GridLimitsError(s, t.rect);
  t.a1.sheet = s.title;
  return t;
}

}  // namespace kraken::sheets::emu
