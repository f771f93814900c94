#include "src/sync/sheet_grid.h"

#include <algorithm>

#include "src/sheets/a1.h"

namespace kraken::sync {

TextGrid ToText(const sheets::ValueRange& range, const std::vector<Column>* columns,
                const std::vector<int>* column_pos) {
  std::vector<bool> is_date;
  if (columns != nullptr && column_pos != nullptr) {
    for (std::size_t m = 0; m < columns->size() && m < column_pos->size(); ++m) {
      const int pos = (*column_pos)[m];
      if (pos < 0 || (*columns)[m].type != ColumnType::kDate) continue;
      if (is_date.size() <= static_cast<std::size_t>(pos)) is_date.resize(pos + 1, false);
      is_date[pos] = true;
    }
  }
  TextGrid grid;
  grid.reserve(range.rows.size());
  for (const auto& row : range.rows) {
    std::vector<std::string> text;
    text.reserve(row.size());
    for (std::size_t c = 0; c < row.size(); ++c) {
      const sheets::Cell& cell = row[c];
      if (cell.is_number() && c < is_date.size() && is_date[c]) {
        if (auto iso = cell.AsIsoDate()) {
          text.push_back(iso->substr(0, 10));
          continue;
        }
      }
      text.push_back(cell.ToDisplay());
    }
    while (!text.empty() && text.back().empty()) text.pop_back();
    grid.push_back(std::move(text));
  }
  while (!grid.empty() && grid.back().empty()) grid.pop_back();
  return grid;
}

void GridSize(const sheets::ValueRange& range, int& rows, int& columns) {
  rows = columns = 0;
  auto parsed = sheets::ParseA1(range.range);
  if (!parsed.ok()) return;
  if (parsed->end_row) rows = *parsed->end_row;
  if (parsed->end_col) columns = *parsed->end_col;
}

std::vector<TabWrite> DiffGrid(const OutGrid& want, const TextGrid& shown,
                               const std::vector<int>& skip_columns) {
  std::vector<TabWrite> writes;
  auto skipped = [&](int col) {
    return std::find(skip_columns.begin(), skip_columns.end(), col) != skip_columns.end();
  };
  const std::size_t rows = std::max(want.size(), shown.size());
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t want_cols = r < want.size() ? want[r].size() : 0;
    const std::size_t shown_cols = r < shown.size() ? shown[r].size() : 0;
    for (std::size_t c = 0; c < std::max(want_cols, shown_cols); ++c) {
      if (r > 0 && skipped(static_cast<int>(c))) continue;
      const std::string& now = c < shown_cols ? shown[r][c] : std::string();
      sheets::Cell cell;
      std::string text;
      if (c < want_cols) {
        const OutCell& w = want[r][c];
        if (w.number) {
          cell = sheets::Cell::Number(*w.number);
        } else if (!w.text.empty()) {
          cell = sheets::Cell::String(w.text);
        }
        text = cell.ToDisplay();
      }
      if (text == now) continue;
      if (cell.empty()) cell = sheets::Cell::String("");
      writes.push_back({static_cast<int>(r), static_cast<int>(c), std::move(cell)});
    }
  }
  return writes;
}

void AppendRanges(const std::string& tab, std::vector<TabWrite> writes,
                  std::vector<sheets::ValueRange>& out) {
  std::sort(writes.begin(), writes.end(), [](const TabWrite& a, const TabWrite& b) {
    return a.row != b.row ? a.row < b.row : a.col < b.col;
  });
  for (std::size_t i = 0; i < writes.size();) {
    std::size_t j = i + 1;
    while (j < writes.size() && writes[j].row == writes[i].row &&
           writes[j].col == writes[j - 1].col + 1) {
      ++j;
    }
    sheets::A1Range a1;
    a1.sheet = tab;
    a1.start_row = writes[i].row;
    a1.end_row = writes[i].row + 1;
    a1.start_col = writes[i].col;
    a1.end_col = writes[j - 1].col + 1;
    sheets::ValueRange range;
    range.range = sheets::FormatA1ForRequest(a1);
    range.rows.emplace_back();
    for (std::size_t k = i; k < j; ++k) range.rows.back().push_back(std::move(writes[k].value));
    out.push_back(std::move(range));
    i = j;
  }
}

}  // namespace kraken::sync
