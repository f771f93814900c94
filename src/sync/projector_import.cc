// SheetProjector::Cycle, the import half: reading the managed tabs, finding the
// tabs again (renamed back or added), and importing admins' edits as events,
// with conflicts, rejections, cell notes and the decisions typed on the
// Conflicts tab.

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <random>
#include <set>
#include <utility>

#include "src/app/command_support.h"
#include "src/app/csv.h"
#include "src/app/import_planner.h"
#include "src/sheets/a1.h"
#include "src/sync/projector_cycle.h"

namespace kraken::sync {
namespace {

using projector_detail::kAllTabs;
using projector_detail::kDecisionColumn;
using projector_detail::kManaged;
using sheets::SpreadsheetRequest;

std::string RandomId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:012x}", rng() & 0xFFFFFFFFFFFFull);
}

std::string Origin(std::string_view tab, int row, int col) {
  if (col < 0) return fmt::format("{}!{}", tab, row + 1);
  return fmt::format("{}!{}{}", tab, sheets::ColumnLetters(col), row + 1);
}

using command_support::NewEvent;

}  // namespace

// "2026-12-04 15:31", for people.
std::string SheetProjector::Cycle::MinuteOf(std::int64_t ts_us) {
  std::string t = FormatTimestamp(ts_us).substr(0, 16);
  if (t.size() > 10) t[10] = ' ';
  return t;
}

Status SheetProjector::Cycle::ReadTabs() {
  bool known = true;
  for (std::string_view tab : kAllTabs) {
    auto it = base_.tabs.find(std::string(tab));
    known = known && it != base_.tabs.end() && it->second.sheet_id >= 0;
  }
  if (!known) KRAKEN_RETURN_IF_ERROR(EnsureTabs());
  std::vector<std::string> ranges;
  for (std::string_view tab : kAllTabs) ranges.push_back(sheets::QuoteSheetName(tab, true));
  auto read = client_.BatchGet(ranges);
  if (!read.ok() && read.error().code == ErrorCode::kInvalidArgument && known) {
    // A managed tab was renamed or deleted since the last cycle.
    KRAKEN_RETURN_IF_ERROR(EnsureTabs());
    read = client_.BatchGet(ranges);
  }
  if (!read.ok()) return read.take_error();
  for (std::size_t i = 0; i < read->size(); ++i) {
    TabRead& tab = tabs_[std::string(kAllTabs[i])];
    tab.range = std::move((*read)[i]);
    GridSize(tab.range, tab.grid_rows, tab.grid_cols);
    if (i >= std::size(kManaged)) tab.text = ToText(tab.range);
  }
  for (const ManagedTab& m : kManaged) {
    TabRead& tab = tabs_[std::string(m.title)];
    std::vector<std::string> columns;
    for (const Column& c : schema_.columns(m.table)) columns.push_back(c.name);
    // The header alone says where the date columns are, and so how to read the
    // numbers in them (a typed date comes back as a serial): convert once.
    sheets::ValueRange header{tab.range.range, {}};
    if (!tab.range.rows.empty()) header.rows.push_back(tab.range.rows.front());
    const ParsedTab layout = ParseTab(columns, ToText(header));
    tab.text = ToText(tab.range, &schema_.columns(m.table), &layout.column_pos);
    tab.parsed = ParseTab(columns, tab.text);
  }
  return Ok{};
}

// Finds every managed tab by title or, if renamed, by its remembered sheetId;
// renames back or creates what is missing, in one spreadsheets.batchUpdate.
Status SheetProjector::Cycle::EnsureTabs() {
  KRAKEN_ASSIGN_OR_RETURN(sheets::SpreadsheetInfo info, client_.GetSpreadsheet());
  std::vector<SpreadsheetRequest> requests;
  std::set<int> taken;
  for (const auto& s : info.sheets) taken.insert(s.sheet_id);
  for (std::string_view title : kAllTabs) {
    SyncedTab& synced = base_.tabs[std::string(title)];
    if (const sheets::SheetInfo* s = info.Find(title)) {
      synced.sheet_id = s->sheet_id;
      continue;
    }
    const sheets::SheetInfo* renamed = nullptr;
    for (const auto& s : info.sheets) {
      if (synced.sheet_id >= 0 && s.sheet_id == synced.sheet_id) renamed = &s;
    }
    if (renamed != nullptr && !IsManagedTitle(renamed->title)) {
      sheets::SheetPropertiesUpdate update;
      update.sheet_id = renamed->sheet_id;
      update.title = std::string(title);
      requests.push_back(SpreadsheetRequest::UpdateSheetProperties(update));
      report_.repairs.push_back(
          fmt::format("the tab '{}' had been renamed to '{}'; renamed back (KRAKEN manages it)",
                      title, renamed->title));
      continue;
    }
    int id = 0;
    std::mt19937 rng{std::random_device{}()};
    do {
      id = static_cast<int>(rng() % 2'000'000'000u) + 1;
    } while (taken.contains(id));
    taken.insert(id);
    synced.sheet_id = id;
    // A tab created again starts with no base: nothing in it can be an edit.
    synced.base = TabBase{};
    requests.push_back(SpreadsheetRequest::AddSheet(title, 1000, 26, id));
    for (auto& r : sheets::HeaderRowRequests(id)) requests.push_back(std::move(r));
    if (title == kPilotsTab || title == kCorpsTab) {
      sheets::GridRange ids{id, std::nullopt, std::nullopt, 0, 1};
      requests.push_back(SpreadsheetRequest::AddProtectedRange(
          ids, "kraken_id: KRAKEN's row ids; editing them detaches rows", {}, true));
      // Out of the way, not out of reach: an admin can show it to see ids.
      requests.push_back(SpreadsheetRequest::HideDimension(id, sheets::Dimension::kColumns, 0, 1));
    }
    report_.repairs.push_back(fmt::format("added the tab '{}'", title));
  }
  if (!requests.empty()) {
    KRAKEN_RETURN_IF_ERROR(client_.BatchUpdateSpreadsheet(requests));
  }
  return Ok{};
}

bool SheetProjector::Cycle::IsManagedTitle(std::string_view title) {
  for (std::string_view t : kAllTabs) {
    if (t == title) return true;
  }
  return false;
}

Status SheetProjector::Cycle::Import() {
  const Actor actor{Source::kSheet, client_.spreadsheet_id(), true};
  CommandOptions options;
  options.correlation_id = "sync-" + RandomId();
  std::vector<std::pair<Table, std::string>> deletions;
  auto planner = [&](const AllianceState& state) -> Result<Plan> {
    outcome_ = Outcome{};
    deletions.clear();
    Plan plan;
    for (const ManagedTab& m : kManaged) {
      KRAKEN_RETURN_IF_ERROR(PlanTab(state, m, plan, options.correlation_id, deletions));
    }
    return plan;
  };
  if (mode_ == CycleMode::kPlan) {
    KRAKEN_ASSIGN_OR_RETURN(Plan plan, p_.roster_.Read(planner));
    report_.events_appended = 0;
    FillReport();
    return Ok{};
  }
  KRAKEN_ASSIGN_OR_RETURN(CommandResult result, p_.roster_.Execute(planner, actor, options));
  report_.events_appended += result.events.size();
  FillReport();
  AnnounceRollbacks(result.events);
  for (const auto& [table, key] : deletions) {
    auto removed = table == Table::kPilot
                       ? p_.roster_.PilotLeave(actor, key, "row deleted from the sheet", options)
                       : p_.roster_.RemoveCorp(actor, key, "row deleted from the sheet", options);
    if (removed.ok()) {
      report_.events_appended += removed->events.size();
      report_.imported.push_back(
          fmt::format("{} {} removed (row deleted from the sheet)", TableName(table), key));
    } else {
      report_.rejected.push_back(fmt::format("{} {} was deleted from the sheet but stays: {}",
                                             TableName(table), key, removed.error().message));
    }
  }
  return ApplyDecisions(actor);
}

Status SheetProjector::Cycle::PlanTab(const AllianceState& state, const ManagedTab& m, Plan& plan,
                                      const std::string& batch_id,
                                      std::vector<std::pair<Table, std::string>>& deletions) {
  TabRead& tab = tabs_[std::string(m.title)];
  const TabModel& model = ModelOf(state, m);
  const Comparison cmp = CompareTab(m, model, BaseOf(m.title), tab.parsed);
  const std::string table_name(TableName(m.table));
  std::set<std::pair<int, std::string>> not_applied;  // (row, column) the planner refused

  // Edits and new rows, validated by the import planner as one file would be.
  CsvTable csv;
  csv.header = model.columns;
  for (const RowImport& row : cmp.imports) {
    csv.rows.push_back(row.values);
    csv.lines.push_back(static_cast<std::size_t>(row.row) + 1);
  }
  if (!csv.rows.empty()) {
    ImportOptions import;
    import.origin = fmt::format("sheet {} tab {}", client_.spreadsheet_id(), m.title);
    import.batch_id = batch_id;
    KRAKEN_ASSIGN_OR_RETURN(ImportPlan planned, PlanImport(state, csv, import));
    for (const RowPlan& r : planned.added) {
      outcome_.imported.push_back(
          fmt::format("{}!{}: new {} {}", m.title, r.line, table_name, r.key));
    }
    for (const RowPlan& r : planned.changed) {
      for (const FieldChange& f : r.changes) {
        outcome_.imported.push_back(fmt::format("{}!{}: {} {} {}: '{}' -> '{}'", m.title, r.line,
                                                table_name, r.key, f.column, f.before, f.after));
      }
    }
    for (const CellRejection& r : planned.rejected) {
      const auto m_index = schema_.IndexOf(m.table, r.column);
      const int col = m_index ? tab.parsed.column_pos[*m_index] : -1;
      // A rejected key leaves the row out, so it recurs; a rejected cell is put right.
      Reject(plan, m, static_cast<int>(r.line) - 1, col, r.key, r.column, r.value, r.reason,
             r.column == model.columns[0]);
      not_applied.emplace(static_cast<int>(r.line) - 1, r.column);
    }
    // The batch marker closes the plan; conflict and rejection events go before it.
    for (Event& e : planned.events) plan.events.push_back(std::move(e));
    for (auto& [stream, version] : planned.expected_versions) {
      plan.expected_versions.emplace(stream, version);
    }
  }
  for (const Rejection& r : cmp.rejected) {
    Reject(plan, m, r.row, r.col, r.key, r.column, r.value, r.reason, r.lasting);
  }
  for (const CellConflict& c : cmp.conflicts) {
    Conflict(state, plan, m, c, !not_applied.contains({c.row, c.column}));
  }

  // The deletion guard.
  if (!cmp.deleted_ids.empty()) {
    const std::size_t rows = model.ids.size();
    const std::size_t n = cmp.deleted_ids.size();
    const bool too_many =
        n > static_cast<std::size_t>(std::max(0, p_.options_.max_deletions)) &&
        static_cast<double>(n) > p_.options_.max_deletion_share * static_cast<double>(rows);
    if (too_many) {
      outcome_.repairs.push_back(fmt::format(
          "{} of {} rows were missing from {}: more than the deletion guard allows ({} rows or "
          "{:.0f}%), so nothing was removed and the rows were written back; remove {}s with the "
          "CLI, or a few rows at a time",
          n, rows, m.title, p_.options_.max_deletions, p_.options_.max_deletion_share * 100,
          table_name));
    } else {
      for (const std::string& id : cmp.deleted_ids) {
        deletions.emplace_back(m.table, (*model.Find(id))[0]);
      }
    }
  }
  return Ok{};
}

// `lasting`: the row is left as it is, so the next cycles find the same thing;
// it is recorded once. Anything else is put right (or based on what the sheet
// held), so the same value found again was typed again and is recorded again.
void SheetProjector::Cycle::Reject(Plan& plan, const ManagedTab& m, int row, int col,
                                   const std::string& key, const std::string& column,
                                   const std::string& value, const std::string& reason,
                                   bool lasting) {
  const std::string origin = Origin(m.title, row, col);
  outcome_.rejected.push_back(fmt::format("{}: {}", origin, reason));
  if (lasting) {
    const std::string signature =
        fmt::format("{}|{}|{}|{}|{}", m.title, key, column, value, reason);
    outcome_.reported.insert(signature);
    if (base_.reported.contains(signature)) return;  // listed by an earlier cycle
  }
  // Marked where the admin typed it, too: a note on the cell (the row's key
  // cell when the whole row is refused).
  const TabRead& tab = tabs_[std::string(m.title)];
  const int at = col >= 0 ? col : (tab.parsed.column_pos.empty() ? -1 : tab.parsed.column_pos[0]);
  if (row > 0 && at >= 0) {
    outcome_.notes.push_back(
        {std::string(m.title), row, at,
         fmt::format("KRAKEN did not apply '{}' ({} UTC): {}. {} See the Conflicts tab.", value,
                     MinuteOf(Now()), reason,
                     lasting ? "The row is left as it is until it is fixed."
                             : "The cell shows the roster's value again.")});
  }
  const std::string stream = "rejection/" + RandomId();
  plan.expected_versions.emplace(stream, 0);
  plan.events.push_back(NewEvent(stream, SheetEditRejected{std::string(TableName(m.table)), key,
                                                           column, value, reason, origin}));
}

// `applied`: for sheet-wins, whether the sheet's value passed validation (a value
// that did not is listed as rejected, and the log's value stands).
void SheetProjector::Cycle::Conflict(const AllianceState& state, Plan& plan, const ManagedTab& m,
                                     const CellConflict& c, bool applied) {
  const std::string id = RandomId();
  const std::string stream = "conflict/" + id;
  const Row* row = state.roster().Find(m.table, c.key);
  const auto column = schema_.IndexOf(m.table, c.column);
  const std::uint64_t log_seq = row != nullptr && column ? row->set_by[*column] : 0;
  const std::string origin = Origin(m.title, c.row, c.col);
  plan.expected_versions.emplace(stream, 0);
  plan.events.push_back(
      NewEvent(stream, ConflictDetected{id, std::string(TableName(m.table)), c.key, c.column,
                                        c.sheet, c.log, log_seq, origin}));
  std::string outcome;
  if (c.policy == Policy::kManual) {
    outcome = fmt::format(
        "open: '{}' stands until an admin decides (Conflicts tab or `kraken "
        "conflicts resolve {}`)",
        c.log, id);
  } else {
    const bool sheet = c.policy == Policy::kSheetWins && applied;
    plan.events.push_back(
        NewEvent(stream, ConflictResolved{id, sheet ? "sheet" : "log", sheet ? c.sheet : c.log,
                                          std::string(PolicyName(c.policy))}));
    outcome = fmt::format("'{}' stands ({}{})", sheet ? c.sheet : c.log, PolicyName(c.policy),
                          c.policy == Policy::kSheetWins && !applied
                              ? "; the sheet's value is not valid, see Not applied"
                              : "");
  }
  outcome_.conflicts.push_back(fmt::format("{}: {} {} {}: sheet '{}', log '{}' (base '{}'); {}",
                                           origin, TableName(m.table), c.key, c.column, c.sheet,
                                           c.log, c.base, outcome));
}

// The Discord users whose change the conflicts settled in `appended` rolled back
// are told (through on_rollback).
void SheetProjector::Cycle::AnnounceRollbacks(const std::vector<Event>& appended) {
  if (!p_.options_.on_rollback) return;
  for (const Event& e : appended) {
    if (!std::holds_alternative<ConflictResolved>(e.payload)) continue;
    auto rollback = RollbackOf(log_, e);
    if (rollback.ok() && rollback->has_value()) p_.options_.on_rollback(**rollback);
  }
}

void SheetProjector::Cycle::FillReport() {
  for (auto* lines : {&outcome_.imported}) {
    report_.imported.insert(report_.imported.end(), lines->begin(), lines->end());
  }
  report_.conflicts.insert(report_.conflicts.end(), outcome_.conflicts.begin(),
                           outcome_.conflicts.end());
  report_.rejected.insert(report_.rejected.end(), outcome_.rejected.begin(),
                          outcome_.rejected.end());
  report_.repairs.insert(report_.repairs.end(), outcome_.repairs.begin(), outcome_.repairs.end());
  base_.reported = outcome_.reported;
}

// Admins settle open conflicts by typing "sheet" or "log" in the decision column.
Status SheetProjector::Cycle::ApplyDecisions(const Actor& actor) {
  const TabRead& tab = tabs_[std::string(kConflictsTab)];
  KRAKEN_RETURN_IF_ERROR(p_.CatchUpConflicts());
  for (std::size_t r = 1; r < tab.text.size(); ++r) {
    const auto& row = tab.text[r];
    if (row.size() <= kDecisionColumn || row.empty()) continue;
    const std::string pick = ToLower(row[kDecisionColumn]);
    if (pick != "sheet" && pick != "log") continue;
    const ConflictEntry* entry = p_.conflicts_.Find(row[0]);
    if (entry == nullptr || entry->rejection || !entry->open) continue;
    auto resolved = ResolveConflict(p_.roster_, p_.conflicts_, row[0], pick, actor);
    if (resolved.ok()) {
      AnnounceRollbacks(resolved->events);
      report_.events_appended += resolved->events.size();
      report_.imported.push_back(
          fmt::format("conflict {} settled on the Conflicts tab: {}", row[0], resolved->summary));
    } else {
      report_.rejected.push_back(fmt::format("conflict {}: the decision '{}' was not applied: {}",
                                             row[0], pick, resolved.error().message));
    }
  }
  return Ok{};
}

}  // namespace kraken::sync
