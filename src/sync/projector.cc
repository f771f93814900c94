#include "src/sync/projector.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <random>
#include <set>

#include "src/app/command_support.h"
#include "src/app/csv.h"
#include "src/app/import_planner.h"
#include "src/sheets/a1.h"
#include "src/sync/sheet_grid.h"
#include "src/sync/sync_base.h"
#include "src/sync/write_plan.h"

namespace kraken::sync {
namespace {

using sheets::SpreadsheetRequest;

constexpr std::int64_t kDayUs = 86'400'000'000;
constexpr int kDecisionColumn = 11;  // ConflictColumns()'s "decision"

std::int64_t SystemNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RandomId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:012x}", rng() & 0xFFFFFFFFFFFFull);
}

std::string Origin(std::string_view tab, int row, int col) {
  if (col < 0) return fmt::format("{}!{}", tab, row + 1);
  return fmt::format("{}!{}{}", tab, sheets::ColumnLetters(col), row + 1);
}

using command_support::NewEvent;

struct ManagedTab {
  std::string_view title;
  Table table;
};
constexpr ManagedTab kManaged[] = {{kPilotsTab, Table::kPilot}, {kCorpsTab, Table::kCorp}};
constexpr std::string_view kAllTabs[] = {kPilotsTab, kCorpsTab, kConflictsTab, kAnalyticsTab};

}  // namespace

std::string CycleReport::Summary() const {
  if (idle) return "Nothing changed in the sheet or the log since the last sync.";
  std::string out = fmt::format(
      "{} edit(s) imported, {} conflict(s), {} rejected; {} event(s) appended; {} cell(s) "
      "written, {} row(s) added, {} deleted; {} request(s), {} bytes sent.",
      imported.size(), conflicts.size(), rejected.size(), events_appended, cells_written,
      rows_added, rows_deleted, requests, bytes_sent);
  auto list = [&](const char* title, const std::vector<std::string>& lines) {
    if (lines.empty()) return;
    out += fmt::format("\n{}:", title);
    for (const auto& l : lines) out += "\n  " + l;
  };
  list("Imported", imported);
  list("Conflicts", conflicts);
  list("Not applied", rejected);
  list("Repaired", repairs);
  return out;
}

ProjectorOptions ProjectorOptionsFromConfig(const SyncConfig& config) {
  ProjectorOptions options;
  const Policy fallback = ParsePolicy(config.conflict_policy).value_or(Policy::kManual);
  options.policy = [fallback, pilots = config.pilot_policies, corps = config.corp_policies](
                       Table table, const std::string& column) {
    const auto& policies = table == Table::kPilot ? pilots : corps;
    auto it = policies.find(column);
    if (it == policies.end()) return fallback;
    return ParsePolicy(it->second).value_or(fallback);
  };
  options.max_deletions = config.max_deletions;
  options.max_deletion_share = config.max_deletion_share;
  return options;
}

// One run of RunCycle: the state it reads and builds up, step by step.
class SheetProjector::Cycle {
  struct TabRead {
    sheets::ValueRange range;
    TextGrid text;
    ParsedTab parsed;
    int grid_rows = 0, grid_cols = 0;
  };
  // What the planner found, kept for the report (the planner may run again).
  // A note for the cell an admin typed a refused value into.
  struct CellNote {
    std::string tab;
    int row = 0, col = 0;  // as read, 0-based
    std::string text;
  };

  struct Outcome {
    std::vector<std::string> imported, conflicts, rejected, repairs;
    std::vector<RolledBack> rolled_back;
    std::vector<CellNote> notes;
    std::set<std::string> reported;
  };

 public:
  Cycle(SheetProjector& p, CycleMode mode)
      : p_(p),
        client_(p.client_),
        log_(p.roster_.log()),
        schema_(p.roster_.schema()),
        mode_(mode) {}

  Result<CycleReport> Run() {
    const sheets::SheetsTraffic before = client_.traffic();
    KRAKEN_RETURN_IF_ERROR(LoadTheBase());
    KRAKEN_ASSIGN_OR_RETURN(sheets::DriveFileVersion drive, client_.GetDriveVersion());
    const std::uint64_t seq = p_.roster_.Read([](const AllianceState& s) { return s.seq(); });
    day_ = Now() / kDayUs;
    if (mode_ != CycleMode::kPlan && IsIdle(std::to_string(drive.version), seq)) {
      report_.idle = true;
    } else {
      KRAKEN_RETURN_IF_ERROR(ReadTabs());
      ReconcilePendingWrites();
      if (mode_ != CycleMode::kPush) KRAKEN_RETURN_IF_ERROR(Import());
      if (mode_ == CycleMode::kFull || mode_ == CycleMode::kPush) {
        KRAKEN_RETURN_IF_ERROR(Write());
      } else {
        KeepBaseWithoutWriting();
      }
      if (mode_ != CycleMode::kPlan) KRAKEN_RETURN_IF_ERROR(Remember());
    }
    const sheets::SheetsTraffic after = client_.traffic();
    report_.requests = after.requests - before.requests;
    report_.bytes_sent = after.bytes_sent - before.bytes_sent;
    report_.log_seq = p_.roster_.Read([](const AllianceState& s) { return s.seq(); });
    return std::move(report_);
  }

 private:
  std::int64_t Now() const { return p_.options_.now_us ? p_.options_.now_us() : SystemNowUs(); }

  // "2026-12-04 15:31", for people.
  static std::string MinuteOf(std::int64_t ts_us) {
    std::string t = FormatTimestamp(ts_us).substr(0, 16);
    if (t.size() > 10) t[10] = ' ';
    return t;
  }

  Policy PolicyOf(Table table, const std::string& column) const {
    return p_.options_.policy ? p_.options_.policy(table, column) : Policy::kLogWins;
  }

  // The three-way comparison of a managed tab. Two spellings of one value (a ticker
  // or an enum value in another case) are the same value, not a conflict.
  Comparison CompareTab(const ManagedTab& m, const TabModel& model, const TabBase& base,
                        const ParsedTab& sheet) const {
    const std::vector<Column>& columns = schema_.columns(m.table);
    auto same = [&](std::size_t index, const std::string& typed, const std::string& logged) {
      const Column& column = columns[index];
      auto value = schema_.Normalize(m.table, column.name, typed);
      if (!value.ok()) return false;
      const bool ref = column.type == ColumnType::kCorpRef || column.type == ColumnType::kPilotRef;
      return ref ? EqualsIgnoreCase(*value, logged) : *value == logged;
    };
    return Compare(
        model, base, sheet, [&](const std::string& c) { return PolicyOf(m.table, c); }, same);
  }

  Status LoadTheBase() {
    auto base = LoadBase(log_, client_.spreadsheet_id());
    if (base.ok()) {
      base_ = std::move(*base);
      pending_ = std::move(base_.pending);
      base_.pending.clear();
    } else {
      report_.repairs.push_back(base.error().message);
      base_ = SyncBase{};
      base_.spreadsheet_id = client_.spreadsheet_id();
    }
    return Ok{};
  }

  bool IsIdle(const std::string& drive_version, std::uint64_t seq) const {
    if (base_.drive_version != drive_version || base_.log_seq != seq) return false;
    if (base_.analytics_day != day_) return false;
    for (std::string_view tab : kAllTabs) {
      if (!base_.tabs.contains(std::string(tab))) return false;
    }
    return true;
  }

  // A write that went out in an earlier cycle whose new base was never saved
  // (the process died, or the Drive read after the write failed): the cells
  // that show what it wrote are based on what it wrote.
  void ReconcilePendingWrites() {
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

  // --- Reading -------------------------------------------------------------

  Status ReadTabs() {
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
  Status EnsureTabs() {
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
        requests.push_back(
            SpreadsheetRequest::HideDimension(id, sheets::Dimension::kColumns, 0, 1));
      }
      report_.repairs.push_back(fmt::format("added the tab '{}'", title));
    }
    if (!requests.empty()) {
      KRAKEN_RETURN_IF_ERROR(client_.BatchUpdateSpreadsheet(requests));
    }
    return Ok{};
  }

  static bool IsManagedTitle(std::string_view title) {
    for (std::string_view t : kAllTabs) {
      if (t == title) return true;
    }
    return false;
  }

  // --- Importing -----------------------------------------------------------

  TabBase& BaseOf(std::string_view tab) { return base_.tabs[std::string(tab)].base; }

  Status Import() {
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
    for (const RolledBack& r : outcome_.rolled_back) {
      if (p_.options_.on_rollback) p_.options_.on_rollback(r);
    }
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
    const std::size_t told = outcome_.rolled_back.size();
    const Status decided = ApplyDecisions(actor);
    for (std::size_t i = told; i < outcome_.rolled_back.size(); ++i) {
      if (p_.options_.on_rollback) p_.options_.on_rollback(outcome_.rolled_back[i]);
    }
    return decided;
  }

  const TabModel& ModelOf(const AllianceState& state, const ManagedTab& m) {
    auto& [seq, model] = models_[std::string(m.title)];
    if (seq != state.seq() || model.columns.empty()) {
      model = RenderTab(state.roster(), m.table);
      seq = state.seq();
    }
    return model;
  }

  Status PlanTab(const AllianceState& state, const ManagedTab& m, Plan& plan,
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
  void Reject(Plan& plan, const ManagedTab& m, int row, int col, const std::string& key,
              const std::string& column, const std::string& value, const std::string& reason,
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
  void Conflict(const AllianceState& state, Plan& plan, const ManagedTab& m, const CellConflict& c,
                bool applied) {
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
      if (sheet && log_seq != 0) NoteRollback(log_seq, c.column, c.key, c.log, c.sheet);
    }
    outcome_.conflicts.push_back(fmt::format("{}: {} {} {}: sheet '{}', log '{}' (base '{}'); {}",
                                             origin, TableName(m.table), c.key, c.column, c.sheet,
                                             c.log, c.base, outcome));
  }

  // A Discord user's change lost to the sheet: they are told.
  void NoteRollback(std::uint64_t seq, std::string_view column, std::string_view key,
                    std::string_view lost, std::string_view stands) {
    auto event = log_.Get(seq);
    if (!event.ok() || event->source != Source::kDiscord) return;
    outcome_.rolled_back.push_back(
        {event->actor, event->idempotency_key,
         fmt::format("Your change of {} for {} to '{}' was replaced by an admin's edit in the "
                     "alliance sheet: it is now '{}'.",
                     column, key, lost, stands)});
  }

  void FillReport() {
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
  Status ApplyDecisions(const Actor& actor) {
    const TabRead& tab = tabs_[std::string(kConflictsTab)];
    KRAKEN_RETURN_IF_ERROR(p_.CatchUpConflicts());
    for (std::size_t r = 1; r < tab.text.size(); ++r) {
      const auto& row = tab.text[r];
      if (row.size() <= kDecisionColumn || row.empty()) continue;
      const std::string pick = ToLower(row[kDecisionColumn]);
      if (pick != "sheet" && pick != "log") continue;
      const ConflictEntry* entry = p_.conflicts_.Find(row[0]);
      if (entry == nullptr || entry->rejection || !entry->open) continue;
      const ConflictEntry settled = *entry;
      auto resolved = ResolveConflict(p_.roster_, p_.conflicts_, row[0], pick, actor);
      if (resolved.ok() && pick == "sheet" && settled.log_seq != 0) {
        NoteRollback(settled.log_seq, settled.field, settled.key, settled.log_value,
                     settled.sheet_value);
      }
      if (resolved.ok()) {
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

  // --- Writing -------------------------------------------------------------

  Status Write() {
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
  void Grow(const TabRead& tab, int sheet_id, int rows, int cols,
            std::vector<SpreadsheetRequest>& structure, int deleted = 0) {
    const int have = tab.grid_rows - deleted;
    if (rows > have) {
      structure.push_back(SpreadsheetRequest::AppendDimension(sheet_id, sheets::Dimension::kRows,
                                                              rows - have + 100));
    }
    if (cols > tab.grid_cols) {
      structure.push_back(SpreadsheetRequest::AppendDimension(sheet_id, sheets::Dimension::kColumns,
                                                              cols - tab.grid_cols));
    }
  }

  void PlanManaged(const AllianceState& state, const ManagedTab& m,
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
  WritePlan PlanPush(const ManagedTab& m, const TabModel& model, const TabRead& tab,
                     const SyncedTab& synced) {
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

  void PlanExtra(std::string_view title, const OutGrid& want, const std::vector<int>& skip,
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
  void KeepBaseWithoutWriting() {
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

  Status Remember() {
    if (report_.idle) return Ok{};
    if (kept_edits_) {
      base_.drive_version.clear();  // edits left in the sheet: the next cycle must read it
    } else {
      KRAKEN_ASSIGN_OR_RETURN(sheets::DriveFileVersion drive, client_.GetDriveVersion());
      base_.drive_version = std::to_string(drive.version);
    }
    base_.log_seq = mode_ == CycleMode::kPull
                        ? p_.roster_.Read([](const AllianceState& s) { return s.seq(); })
                        : shown_seq_;
    base_.analytics_day = mode_ == CycleMode::kPull ? -1 : day_;
    return SaveBase(log_, base_);
  }

  SheetProjector& p_;
  sheets::SheetsClient& client_;
  EventLog& log_;
  const Schema& schema_;
  const CycleMode mode_;
  SyncBase base_;
  std::int64_t day_ = 0;
  std::map<std::string, TabRead> tabs_;
  std::map<std::string, TabBase> pending_;  // from the stored base; see ReconcilePendingWrites
  // Each managed tab's rendering, with the projection sequence it shows: the
  // import and the write of a cycle share it when the import appended nothing.
  std::map<std::string, std::pair<std::uint64_t, TabModel>, std::less<>> models_;
  Outcome outcome_;
  CycleReport report_;
  bool kept_edits_ = false;      // a push left edits in the sheet for a later pull
  std::uint64_t shown_seq_ = 0;  // the log sequence the write showed
};

SheetProjector::SheetProjector(RosterService& roster, sheets::SheetsClient& client,
                               ProjectorOptions options)
    : roster_(roster), client_(client), options_(std::move(options)) {}

Status SheetProjector::CatchUpConflicts() {
  KRAKEN_ASSIGN_OR_RETURN(const std::uint64_t head, roster_.log().Head());
  if (head <= conflicts_.seq()) return Ok{};
  return roster_.log().Scan(conflicts_.seq() + 1, head, [&](const Event& e) {
    conflicts_.Apply(e);
    return true;
  });
}

namespace {

// An flock held for one cycle; released (and the descriptor closed) on exit.
class FileLock {
 public:
  static Result<FileLock> Acquire(const std::string& path) {
    FileLock lock;
    if (path.empty()) return lock;
    lock.fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock.fd_ < 0) {
      return MakeError(ErrorCode::kIo,
                       fmt::format("cannot open the sync lock {}: {}", path, std::strerror(errno)));
    }
    while (::flock(lock.fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        return MakeError(ErrorCode::kIo,
                         fmt::format("cannot lock {}: {}", path, std::strerror(errno)));
      }
    }
    return lock;
  }
  FileLock() = default;
  FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }

 private:
  int fd_ = -1;
};

}  // namespace

Result<CycleReport> SheetProjector::RunCycle(CycleMode mode) {
  std::lock_guard lock(mu_);
  KRAKEN_ASSIGN_OR_RETURN(FileLock file_lock, FileLock::Acquire(options_.lock_file));
  return Cycle(*this, mode).Run();
}

Result<ConflictLog> SheetProjector::Conflicts() {
  std::lock_guard lock(mu_);
  KRAKEN_RETURN_IF_ERROR(CatchUpConflicts());
  return conflicts_;
}

}  // namespace kraken::sync
