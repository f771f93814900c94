#include "src/sync/write_plan.h"

#include <algorithm>
#include <unordered_map>

namespace kraken::sync {

WritePlan PlanWrites(const TabModel& want, const ParsedTab& sheet, const TabBase& base) {
  WritePlan plan;
  plan.id_col = sheet.id_col;
  plan.column_pos = sheet.column_pos;
  int next_col = sheet.used_cols;
  // Missing headers: new columns after the last used one, never over an admin's column.
  if (plan.id_col < 0) {
    plan.id_col = next_col++;
    plan.cells.push_back({0, plan.id_col, std::string(kIdHeader)});
  }
  for (std::size_t m = 0; m < plan.column_pos.size(); ++m) {
    if (plan.column_pos[m] >= 0) continue;
    plan.column_pos[m] = next_col++;
    plan.cells.push_back({0, plan.column_pos[m], want.columns[m]});
  }

  // Rows the log no longer has, which KRAKEN had put there.
  for (const SheetRow& row : sheet.rows) {
    if (!row.id.empty() && want.Find(row.id) == nullptr && base.Find(row.id) != nullptr) {
      plan.delete_rows.push_back(row.row);
    }
  }
  std::sort(plan.delete_rows.begin(), plan.delete_rows.end());
  auto final_row = [&](int row) {
    return row - static_cast<int>(
                     std::lower_bound(plan.delete_rows.begin(), plan.delete_rows.end(), row) -
                     plan.delete_rows.begin());
  };

  std::unordered_map<std::string, const SheetRow*> placed;
  for (const SheetRow& row : sheet.rows) {
    if (!row.id.empty() && want.Find(row.id) != nullptr) placed.emplace(row.id, &row);
  }
  std::unordered_map<std::string, std::string> id_of_key;
  for (const std::string& id : want.ids) id_of_key.emplace(ToLower((*want.Find(id))[0]), id);
  for (const SheetRow& row : sheet.rows) {
    if (row.values.empty() || row.values[0].empty()) continue;
    // A row without an id, or whose id cell was typed over (an id neither the
    // log nor the base knows), is found by its key and gets its id (back).
    if (!row.id.empty() && (want.Find(row.id) != nullptr || base.Find(row.id) != nullptr)) {
      continue;
    }
    auto it = id_of_key.find(ToLower(row.values[0]));
    if (it == id_of_key.end() || placed.contains(it->second)) continue;
    placed.emplace(it->second, &row);
    plan.cells.push_back({final_row(row.row), plan.id_col, it->second});
  }

  int bottom = sheet.used_rows - static_cast<int>(plan.delete_rows.size());
  for (const std::string& id : want.ids) {
    const std::vector<std::string>& values = *want.Find(id);
    auto it = placed.find(id);
    if (it == placed.end()) {
      const int row = bottom++;
      plan.cells.push_back({row, plan.id_col, id});
      for (std::size_t m = 0; m < values.size(); ++m) {
        if (!values[m].empty()) plan.cells.push_back({row, plan.column_pos[m], values[m]});
      }
      continue;
    }
    const SheetRow& row = *it->second;
    const int at = final_row(row.row);
    for (std::size_t m = 0; m < values.size(); ++m) {
      const std::string& shown = m < row.values.size() ? row.values[m] : std::string();
      if (shown != values[m]) plan.cells.push_back({at, plan.column_pos[m], values[m]});
    }
  }
  std::reverse(plan.delete_rows.begin(), plan.delete_rows.end());  // bottom first
  std::sort(plan.cells.begin(), plan.cells.end(), [](const CellWrite& a, const CellWrite& b) {
    return a.row != b.row ? a.row < b.row : a.col < b.col;
  });
  plan.rows_needed = std::max(bottom, 1);
  plan.cols_needed = next_col;
  plan.base.columns = want.columns;
  for (const auto& [id, values] : want.rows) plan.base.rows.emplace(id, values);
  return plan;
}

}  // namespace kraken::sync
