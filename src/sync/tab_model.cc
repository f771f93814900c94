#include "src/sync/tab_model.h"

#include <fmt/format.h>

#include <algorithm>

namespace kraken::sync {
namespace {

const std::string& CellAt(const std::vector<std::vector<std::string>>& grid, std::size_t row,
                          int col) {
  static const std::string kEmpty;
  if (row >= grid.size() || col < 0 || static_cast<std::size_t>(col) >= grid[row].size()) {
    return kEmpty;
  }
  return grid[row][static_cast<std::size_t>(col)];
}

}  // namespace

const std::vector<std::string>* TabModel::Find(const std::string& id) const {
  auto it = rows.find(id);
  return it == rows.end() ? nullptr : &it->second;
}

std::string RowId(Table table, std::uint64_t created_seq) {
  return fmt::format("{}{}", table == Table::kPilot ? 'P' : 'C', created_seq);
}

TabModel RenderTab(const Roster& roster, Table table) {
  TabModel model;
  model.table = table;
  for (const Column& column : roster.schema().columns(table)) model.columns.push_back(column.name);
  std::vector<const Row*> rows = roster.RowsInAnyOrder(table);
  std::sort(rows.begin(), rows.end(),
            [](const Row* a, const Row* b) { return a->created_seq < b->created_seq; });
  model.ids.reserve(rows.size());
  model.rows.reserve(rows.size());
  for (const Row* row : rows) {
    std::string id = RowId(table, row->created_seq);
    std::vector<std::string> values = row->values;
    values.resize(model.columns.size());
    model.ids.push_back(id);
    model.rows.emplace(std::move(id), std::move(values));
  }
  return model;
}

ParsedTab ParseTab(const std::vector<std::string>& columns,
                   const std::vector<std::vector<std::string>>& grid) {
  ParsedTab tab;
  tab.column_pos.assign(columns.size(), -1);
  const std::vector<std::string> empty_header;
  const std::vector<std::string>& header = grid.empty() ? empty_header : grid[0];
  for (std::size_t c = 0; c < header.size(); ++c) {
    const std::string_view name = Trim(header[c]);
    if (name.empty()) continue;
    tab.used_cols = static_cast<int>(c) + 1;
    if (tab.id_col < 0 && EqualsIgnoreCase(name, kIdHeader)) {
      tab.id_col = static_cast<int>(c);
      continue;
    }
    for (std::size_t m = 0; m < columns.size(); ++m) {
      // The first column with a managed name is the managed one; a second column
      // of the same name is the admin's own.
      if (tab.column_pos[m] < 0 && EqualsIgnoreCase(name, columns[m])) {
        tab.column_pos[m] = static_cast<int>(c);
        break;
      }
    }
  }
  for (std::size_t r = 1; r < grid.size(); ++r) {
    const auto& cells = grid[r];
    bool any = false;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (!cells[c].empty()) {
        any = true;
        tab.used_cols = std::max(tab.used_cols, static_cast<int>(c) + 1);
      }
    }
    if (!any) continue;
    tab.used_rows = static_cast<int>(r) + 1;
    SheetRow row;
    row.row = static_cast<int>(r);
    row.id = std::string(Trim(CellAt(grid, r, tab.id_col)));
    bool managed = !row.id.empty();
    row.values.reserve(columns.size());
    for (int pos : tab.column_pos) {
      row.values.emplace_back(Trim(CellAt(grid, r, pos)));
      managed = managed || !row.values.back().empty();
    }
    if (!managed) continue;  // only the admin's own columns hold something here
    if (!row.id.empty()) {
      if (!tab.row_of_id.emplace(row.id, row.row).second) {
        tab.duplicate_id_rows.push_back(row.row);
        tab.duplicate_id_keys.push_back(row.values.empty() ? std::string() : row.values[0]);
        continue;
      }
    }
    tab.rows.push_back(std::move(row));
  }
  return tab;
}

}  // namespace kraken::sync
