// SheetProjector::Cycle, the write half: planning the cells, rows and tabs to
// write, writing them behind a write-ahead base, and the base a cycle keeps
// when it writes nothing.

#include <algorithm>
#include <set>
#include <unordered_map>
#include <utility>

#include "src/sync/projector_cycle.h"

namespace kraken::sync {
namespace {

using projector_detail::kDecisionColumn;
using projector_detail::kManaged;
using sheets::SpreadsheetRequest;

}  // namespace

// A write that went out in an earlier cycle whose new base was never saved
// (the process died, or the Drive read after the write failed): the cells
// that show what it wrote are based on what it wrote.
void SheetProjector::Cycle::ReconcilePendingWrites() {
  for (const ManagedTab& m : kManaged) {
    auto pending = pending_.find(std::string(m.title));
    if (pending == pending_.end()) continue;
    std::map<std::string, std::vector<std::string>> shown;
    for (const SheetRow& row : tabs_[std::string(m.title)].parsed.rows) {
      if (!row.id.empty()) shown.emplace(row.id, row.values);
    }
    TabBase& base = BaseOf(m.title);
    base = ReconcilePending(base, pending->second, shown);
  }
  pending_.clear();
}

Status SheetProjector::Cycle::Write() {
  std::vector<SpreadsheetRequest> structure;
  std::vector<sheets::ValueRange> values;
  std::map<std::string, TabBase> before;  // the managed tabs' bases as stored
  for (const ManagedTab& m : kManaged) before[std::string(m.title)] = BaseOf(m.title);
  p_.roster_.Read([&](const AllianceState& state) {
    // The sequence this write shows: a change appended while the sheet is being
    // written is newer, so the next cycle must not call itself idle.
    shown_seq_ = state.seq();
    for (const ManagedTab& m : kManaged) PlanManaged(state, m, structure, values);
    PlanExtra(kAnalyticsTab, RenderAnalytics(state, Now()), {}, structure, values);
    return 0;
  });
  // After the read, so the Conflicts tab lists at least everything up to shown_seq_.
  KRAKEN_RETURN_IF_ERROR(p_.CatchUpConflicts());
  PlanExtra(kConflictsTab, RenderConflicts(p_.conflicts_), {kDecisionColumn}, structure, values);
  // First in the batch: they name rows as read, before any row is deleted.
  std::vector<SpreadsheetRequest> notes;
  for (const CellNote& note : outcome_.notes) {
    auto tab = base_.tabs.find(note.tab);
    if (tab == base_.tabs.end() || tab->second.sheet_id < 0) continue;
    notes.push_back(SpreadsheetRequest::SetNote(static_cast<int>(tab->second.sheet_id), note.row,
                                                note.col, note.text));
  }
  structure.insert(structure.begin(), notes.begin(), notes.end());
  if (!structure.empty() || !values.empty()) {
    // Write-ahead: should this cycle end between the write and Remember(), the
    // next one knows which cells KRAKEN itself wrote (ReconcilePendingWrites).
    // Stored: the old bases, and the new ones as pending. The bases are swapped
    // in and out of base_ rather than copied again (5,000 rows each).
    for (auto& [title, old] : before) std::swap(base_.tabs[title].base, old);
    base_.pending = std::move(before);
    const std::string version = std::exchange(base_.drive_version, "");  // next: read
    const Status saved = SaveBase(log_, base_);
    base_.drive_version = version;
    for (auto& [title, fresh] : base_.pending) std::swap(base_.tabs[title].base, fresh);
    base_.pending.clear();
    KRAKEN_RETURN_IF_ERROR(saved);
  }
  if (!structure.empty()) {
    KRAKEN_RETURN_IF_ERROR(client_.BatchUpdateSpreadsheet(structure));
  }
  if (!values.empty()) {
    KRAKEN_RETURN_IF_ERROR(client_.BatchUpdate(values, sheets::ValueInput::kRaw));
  }
  return Ok{};
}

// `deleted`: rows the same request deletes first, so the grid has that many fewer.
void SheetProjector::Cycle::Grow(const TabRead& tab, int sheet_id, int rows, int cols,
                                 std::vector<SpreadsheetRequest>& structure, int deleted) {
  const int have = tab.grid_rows - deleted;
  if (rows > have) {
    structure.push_back(
        SpreadsheetRequest::AppendDimension(sheet_id, sheets::Dimension::kRows, rows - have + 100));
  }
  if (cols > tab.grid_cols) {
    structure.push_back(SpreadsheetRequest::AppendDimension(sheet_id, sheets::Dimension::kColumns,
                                                            cols - tab.grid_cols));
  }
}

void SheetProjector::Cycle::PlanManaged(const AllianceState& state, const ManagedTab& m,
                                        std::vector<SpreadsheetRequest>& structure,
                                        std::vector<sheets::ValueRange>& values) {
  TabRead& tab = tabs_[std::string(m.title)];
  SyncedTab& synced = base_.tabs[std::string(m.title)];
  const TabModel& model = ModelOf(state, m);
  WritePlan plan = mode_ == CycleMode::kPush ? PlanPush(m, model, tab, synced)
                                             : PlanWrites(model, tab.parsed, synced.base);
  const int sheet_id = static_cast<int>(synced.sheet_id);
  for (int row : plan.delete_rows) {
    structure.push_back(
        SpreadsheetRequest::DeleteDimension(sheet_id, sheets::Dimension::kRows, row, row + 1));
  }
  Grow(tab, sheet_id, plan.rows_needed, plan.cols_needed, structure,
       static_cast<int>(plan.delete_rows.size()));
  std::vector<TabWrite> writes;
  for (CellWrite& w : plan.cells) {
    writes.push_back({w.row, w.col, sheets::Cell::String(std::move(w.value))});
  }
  report_.cells_written += writes.size();
  report_.rows_deleted += plan.delete_rows.size();
  report_.rows_added += static_cast<std::uint64_t>(std::max(
      0, plan.rows_needed - (tab.parsed.used_rows - static_cast<int>(plan.delete_rows.size()))));
  AppendRanges(std::string(m.title), std::move(writes), values);
  synced.base = std::move(plan.base);
}

// A push writes the projection but leaves what admins did in the sheet for a
// later pull: edited cells keep their value and their old base; a row an admin
// deleted is not put back, and a row whose pilot left meanwhile is kept while
// it holds edits (a pull records them).
WritePlan SheetProjector::Cycle::PlanPush(const ManagedTab& m, const TabModel& model,
                                          const TabRead& tab, const SyncedTab& synced) {
  const Comparison cmp = CompareTab(m, model, synced.base, tab.parsed);
  TabModel want = model;
  TabBase base = synced.base;
  std::set<std::string> held(cmp.deleted_ids.begin(), cmp.deleted_ids.end());
  for (const std::string& id : cmp.deleted_ids) {
    want.rows.erase(id);
    std::erase(want.ids, id);
  }
  for (const Rejection& r : cmp.rejected) {
    for (const SheetRow& row : tab.parsed.rows) {
      if (row.row != r.row || row.id.empty() || model.Find(row.id) != nullptr) continue;
      if (base.rows.erase(row.id) > 0) held.insert(row.id);  // not deleted: left alone
    }
  }
  WritePlan plan = PlanWrites(want, tab.parsed, base);
  auto final_row = [&](int row) {  // cell writes are at rows after the deletions
    int above = 0;
    for (int d : plan.delete_rows) above += d < row ? 1 : 0;
    return row - above;
  };
  auto base_value = [&](const std::string& id, std::size_t c) {
    return synced.base.Find(id) != nullptr ? synced.base.Value(id, model.columns[c])
                                           : (*model.Find(id))[c];
  };
  std::set<std::pair<int, int>> keep;
  for (const RowImport& r : cmp.imports) {
    if (r.id.empty()) continue;  // a new row: nothing is written over it
    for (std::size_t c = 0; c < r.from_sheet.size(); ++c) {
      if (!r.from_sheet[c]) continue;
      keep.insert({final_row(r.row), plan.column_pos[c]});
      plan.base.rows[r.id][c] = base_value(r.id, c);
    }
  }
  for (const CellConflict& c : cmp.conflicts) {
    keep.insert({final_row(c.row), c.col});
    const auto column = std::find(model.columns.begin(), model.columns.end(), c.column);
    const std::size_t index = static_cast<std::size_t>(column - model.columns.begin());
    // Without a base the cell's base stays unknown, or the next pull would take
    // the sheet's value for an edit instead of a conflict.
    const bool known = synced.base.Find(c.id) != nullptr &&
                       std::find(synced.base.columns.begin(), synced.base.columns.end(),
                                 c.column) != synced.base.columns.end();
    plan.base.rows[c.id][index] =
        known ? synced.base.Value(c.id, c.column) : std::string(kUnknownBase);
  }
  for (const Rejection& r : cmp.rejected) {
    // A renamed key: the sheet keeps the new name until a pull rejects it.
    if (r.col < 0 || r.col != tab.parsed.column_pos[0]) continue;
    for (const SheetRow& row : tab.parsed.rows) {
      if (row.row != r.row || model.Find(row.id) == nullptr) continue;
      keep.insert({final_row(r.row), plan.column_pos[0]});
      plan.base.rows[row.id][0] = base_value(row.id, 0);
    }
  }
  for (const std::string& id : held) {
    std::vector<std::string> values;
    for (const std::string& column : model.columns) {
      values.push_back(synced.base.Value(id, column));
    }
    plan.base.rows[id] = std::move(values);
  }
  std::erase_if(plan.cells, [&](const CellWrite& w) { return keep.contains({w.row, w.col}); });
  kept_edits_ = kept_edits_ || !keep.empty() || !held.empty() ||
                std::any_of(cmp.imports.begin(), cmp.imports.end(),
                            [](const RowImport& r) { return r.id.empty(); });
  return plan;
}

void SheetProjector::Cycle::PlanExtra(std::string_view title, const OutGrid& want,
                                      const std::vector<int>& skip,
                                      std::vector<SpreadsheetRequest>& structure,
                                      std::vector<sheets::ValueRange>& values) {
  TabRead& tab = tabs_[std::string(title)];
  std::vector<TabWrite> writes = DiffGrid(want, tab.text, skip);
  int cols = 0;
  for (const auto& row : want) cols = std::max(cols, static_cast<int>(row.size()));
  Grow(tab, static_cast<int>(base_.tabs[std::string(title)].sheet_id),
       static_cast<int>(want.size()), cols, structure);
  report_.cells_written += writes.size();
  AppendRanges(std::string(title), std::move(writes), values);
}

// A pull writes nothing, and has dealt with everything it read: each edit was
// imported, or recorded as a conflict or a rejection. So the base becomes the
// sheet as read, and the next write puts the log's values over whatever lost.
// Rows of pilots who left stay in the base so that the next write deletes them;
// a row an admin added (no id yet) is based on what it holds.
void SheetProjector::Cycle::KeepBaseWithoutWriting() {
  if (mode_ == CycleMode::kPlan) return;
  p_.roster_.Read([&](const AllianceState& state) {
    for (const ManagedTab& m : kManaged) {
      const TabModel& model = ModelOf(state, m);
      const ParsedTab& sheet = tabs_[std::string(m.title)].parsed;
      const TabBase& base = BaseOf(m.title);
      TabBase next;
      next.columns = model.columns;
      auto keep = [&](const SheetRow& row, const std::string& id) {
        const auto* want = model.Find(id);
        const bool based = base.Find(id) != nullptr;
        std::vector<std::string> values(model.columns.size());
        for (std::size_t c = 0; c < values.size(); ++c) {
          const std::string& column = model.columns[c];
          values[c] = sheet.column_pos[c] >= 0 ? row.values[c]
                      : based                  ? base.Value(id, column)
                                               : (*want)[c];
        }
        next.rows.emplace(id, std::move(values));
      };
      std::unordered_map<std::string, std::string> id_of_key;
      for (const std::string& id : model.ids) {
        id_of_key.emplace(ToLower((*model.Find(id))[0]), id);
      }
      for (const SheetRow& row : sheet.rows) {
        if (row.id.empty()) continue;
        if (model.Find(row.id) != nullptr || base.Find(row.id) != nullptr) keep(row, row.id);
      }
      for (const SheetRow& row : sheet.rows) {
        if (!row.id.empty() || row.values[0].empty()) continue;
        auto it = id_of_key.find(ToLower(row.values[0]));
        if (it == id_of_key.end() || next.rows.contains(it->second)) continue;
        keep(row, it->second);
      }
      BaseOf(m.title) = std::move(next);
    }
    return 0;
  });
}

}  // namespace kraken::sync
