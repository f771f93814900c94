// The admin in the sheet, for the convergence test: reads the tabs, types into
// managed cells (including values KRAKEN must refuse), adds, sorts and deletes rows,
// decides conflicts, keeps an own column and renames a header. Every edit is
// recorded, so the test can check it reached the log.

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <tuple>
#include <vector>

#include "src/sheets/a1.h"
#include "tests/src/sync/convergence_fixture.h"

namespace kraken::sync::convergence {

using sheets::Cell;
using sheets::ValueRange;

void ConvergenceTest::ReadSheet() {
  auto read = Must(admin_->BatchGet({sheets::QuoteSheetName(kPilotsTab, true),
                                     sheets::QuoteSheetName(kCorpsTab, true)}),
                   "reading the sheet");
  for (Table table : {Table::kPilot, Table::kCorp}) {
    View& view = ViewOf(table);
    view.grid = ToText(read[table == Table::kPilot ? 0 : 1]);
    view.parsed = ParseTab(Columns(table), view.grid);
  }
}

std::string ConvergenceTest::Shown(Table table, int row, int col) {
  const TextGrid& grid = ViewOf(table).grid;
  if (row >= static_cast<int>(grid.size()) || col >= static_cast<int>(grid[row].size())) {
    return "";
  }
  return grid[row][col];
}

void ConvergenceTest::Write(const std::string& tab, int row, int col,
                            std::vector<std::vector<std::string>> rows, sheets::ValueInput input) {
  std::vector<std::vector<Cell>> cells;
  std::size_t width = 0;
  for (auto& r : rows) {
    width = std::max(width, r.size());
    cells.emplace_back();
    for (auto& text : r) cells.back().push_back(Cell::String(std::move(text)));
  }
  sheets::A1Range a1{tab, row, col, row + static_cast<int>(rows.size()),
                     col + static_cast<int>(width)};
  Must(admin_->BatchUpdate({ValueRange{sheets::FormatA1ForRequest(a1), std::move(cells)}}, input),
       "typing into the sheet");
}

void ConvergenceTest::Type(Table table, int row, const std::string& key, const std::string& column,
                           const std::string& value) {
  const auto m = *roster_.schema().IndexOf(table, column);
  const int col = ViewOf(table).parsed.column_pos[m];
  if (col < 0) return;
  const CellKey cell{table, ToLower(key), column};
  std::string shown = Shown(table, row, col);
  if (auto it = pending_.find(cell); it != pending_.end()) {
    edits_[it->second].superseded = true;  // the admin typed over their own edit
    shown = edits_[it->second].shown;
  }
  if (value != shown) {  // typing what the cell shows changes nothing
    pending_[cell] = edits_.size();
    edits_.push_back({cell, value, shown, roster_.Head()});
  } else {
    pending_.erase(cell);
  }
  Trace("{}!{}{}: {} {} = '{}'", TabOf(table), sheets::ColumnLetters(col), row + 1, key, column,
        value);
  Write(TabOf(table), row, col, {{value}}, sheets::ValueInput::kUserEntered);
  TextGrid& grid = ViewOf(table).grid;
  if (grid.size() <= static_cast<std::size_t>(row)) grid.resize(row + 1);
  if (grid[row].size() <= static_cast<std::size_t>(col)) grid[row].resize(col + 1);
  grid[row][col] = value;
}

std::string ConvergenceTest::ValueFor(Table table, const std::string& column) {
  if (column == "corp") {
    if (Chance(20)) return Pick(std::vector<std::string>{"NOPE", "ZZZZ", "K R K N"});
    if (Chance(10)) return "";
    std::string ticker = Pick(Keys(Table::kCorp));
    return Chance(50) ? ToLower(ticker) : ticker;
  }
  if (column == "clone") {
    return Pick(std::vector<std::string>{"Alpha", "omega", "Omega", "", "Alfa", "Gamma"});
  }
  if (column == "status") return Pick(std::vector<std::string>{"member", "Blue", "allied"});
  if (column == "main" || column == "ceo") {
    return Chance(25) ? "Nobody Known" : Chance(20) ? "" : Pick(Keys(Table::kPilot));
  }
  if (column == "name" && table == Table::kPilot) return Unique("Renamed");
  return Chance(10) ? "" : Unique(fmt::format("sheet {}", column));
}

void ConvergenceTest::EditCell(Table table) {
  const TabModel model = Model(table);
  std::vector<const SheetRow*> rows;
  for (const SheetRow& row : ViewOf(table).parsed.rows) {
    if (model.Find(row.id) != nullptr && !renamed_.contains(row.id)) rows.push_back(&row);
  }
  if (rows.empty()) return;
  const SheetRow& row = *Pick(rows);
  const std::string& key = (*model.Find(row.id))[0];
  std::vector<std::string> columns =
      table == Table::kPilot ? std::vector<std::string>{"corp", "clone", "timezone", "notes"}
                             : std::vector<std::string>{"name", "status"};
  if (Chance(8)) columns = {table == Table::kPilot ? "main" : "ceo"};
  if (table == Table::kPilot && Chance(3)) {
    columns = {"name"};  // a rename: not allowed, so rejected and recorded
    renamed_.insert(row.id);
  }
  const std::string column = Pick(columns);
  Type(table, row.row, key, column, ValueFor(table, column));
}

void ConvergenceTest::SheetAddRow(Table table) {
  View& view = ViewOf(table);
  const int row = view.parsed.used_rows + (Chance(20) ? 1 : 0);
  const std::string key =
      table == Table::kPilot ? Unique("Sheet Pilot") : fmt::format("S{}", ++counter_ % 10'000);
  Type(table, row, key, table == Table::kPilot ? "name" : "ticker", key);
  if (table == Table::kPilot) {
    Type(table, row, key, "corp", ValueFor(table, "corp"));
    if (Chance(70)) Type(table, row, key, "clone", ValueFor(table, "clone"));
    // Now and then Discord registers the same name meanwhile: the row is adopted.
    if (Chance(15)) {
      Discord([&](RosterService& s) {
        return s.RegisterPilot(admin_actor_, key, {{"corp", Pick(Keys(Table::kCorp))}});
      });
    }
  } else {
    Type(table, row, key, "name", Unique("sheet corp"));
  }
  ReadSheet();
}

void ConvergenceTest::SheetSort() {
  ReadSheet();
  const TextGrid& grid = pilots_.grid;
  if (grid.size() < 3) return;
  std::size_t width = 0;
  for (const auto& r : grid) width = std::max(width, r.size());
  std::vector<std::vector<std::string>> body(grid.begin() + 1, grid.end());
  for (auto& r : body) r.resize(width);
  const int by = pilots_.parsed.column_pos[Chance(50) ? 0 : 2];
  if (by < 0) return;
  const bool descending = Chance(50);
  std::stable_sort(body.begin(), body.end(), [&](const auto& a, const auto& b) {
    return descending ? a[by] > b[by] : a[by] < b[by];
  });
  Write(TabOf(Table::kPilot), 1, 0, std::move(body), sheets::ValueInput::kRaw);
  ReadSheet();
}

void ConvergenceTest::SheetDeleteRows() {
  const TabModel model = Model(Table::kPilot);
  const int count = Chance(20) ? 3 : 1;
  std::vector<const SheetRow*> rows;
  for (const SheetRow& row : pilots_.parsed.rows) {
    const auto* values = model.Find(row.id);
    if (values != nullptr && !Owned((*values)[0])) rows.push_back(&row);
  }
  if (static_cast<int>(rows.size()) < count) return;
  const std::size_t first =
      static_cast<std::size_t>(Uniform(0, static_cast<int>(rows.size()) - count));
  std::vector<sheets::SpreadsheetRequest> requests;
  const int sheet_id = Must(admin_->GetSpreadsheet(), "reading tabs").Find(kPilotsTab)->sheet_id;
  std::vector<int> indexes;
  for (std::size_t i = first; i < first + static_cast<std::size_t>(count); ++i) {
    const std::string key = ToLower((*model.Find(rows[i]->id))[0]);
    for (SheetEdit& e : edits_) {
      if (std::get<1>(e.cell) == key && pending_.contains(e.cell)) e.superseded = true;
    }
    deleted_.insert(key);
    indexes.push_back(rows[i]->row);
    Trace("delete {} (row {})", key, rows[i]->row + 1);
  }
  std::sort(indexes.rbegin(), indexes.rend());  // bottom first: the others stay put
  for (int row : indexes) {
    requests.push_back(sheets::SpreadsheetRequest::DeleteDimension(
        sheet_id, sheets::Dimension::kRows, row, row + 1));
  }
  Must(admin_->BatchUpdateSpreadsheet(requests), "deleting rows");
  ReadSheet();
}

void ConvergenceTest::SheetDecide() {
  auto read = Must(admin_->BatchGet({sheets::QuoteSheetName(kConflictsTab, true)}), "reading");
  const TextGrid grid = ToText(read[0]);
  for (std::size_t r = 1; r < grid.size(); ++r) {
    if (grid[r].size() > 8 && grid[r][8] == "open" && grid[r].size() <= 11) {
      const std::string pick = Chance(50) ? "sheet" : "log";
      Trace("decide {} for conflict {}", pick, grid[r][0]);
      Write(std::string(kConflictsTab), static_cast<int>(r), 11, {{pick}},
            sheets::ValueInput::kUserEntered);
      return;
    }
  }
}

void ConvergenceTest::SheetOwnColumn() {
  const int col = pilots_.parsed.used_cols;
  const TabModel model = Model(Table::kPilot);
  std::vector<std::vector<std::string>> cells(pilots_.grid.size());
  cells[0] = {"my column"};
  for (const SheetRow& row : pilots_.parsed.rows) {
    if (const auto* values = model.Find(row.id)) cells[row.row] = {"mine " + (*values)[0]};
  }
  Write(TabOf(Table::kPilot), 0, col, std::move(cells), sheets::ValueInput::kRaw);
  ReadSheet();
}

void ConvergenceTest::SheetRenameHeader() {
  const bool ids = GetParam() % 2 == 0;
  const int col =
      ids ? pilots_.parsed.id_col
          : pilots_.parsed.column_pos[*roster_.schema().IndexOf(Table::kPilot, "notes")];
  for (SheetEdit& e : edits_) {
    // Pending edits in that column are the admin's own now; a pending rename
    // loses its row's identity with the ids.
    const std::string& column = std::get<2>(e.cell);
    if (pending_.contains(e.cell) && (ids ? column == "name" : column == "notes")) {
      e.superseded = true;
    }
  }
  Trace("rename the header of column {}", sheets::ColumnLetters(col));
  Write(TabOf(Table::kPilot), 0, col, {{ids ? "old ids" : "old notes"}}, sheets::ValueInput::kRaw);
  ReadSheet();
}

}  // namespace kraken::sync::convergence
