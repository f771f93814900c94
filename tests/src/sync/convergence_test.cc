// The sheet projector under fire: Discord-style commands and an admin editing the
// sheet at the same time, cycle after cycle, with the Sheets emulator answering a
// share of all requests with 429 and 500. At the end the sheet shows exactly the
// projection, and nothing anyone typed or said was lost without a trace.
//
// The Discord side calls RosterService directly, as the interaction handlers do:
// the signed HTTP endpoint is built and tested on its own (src/discord).

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "src/sheets/a1.h"
#include "src/sync/projector.h"
#include "src/sync/sheet_grid.h"
#include "src/sync/tab_model.h"
#include "tests/src/app/app_test_support.h"
#include "tests/src/sheets/emulator_fixture.h"

namespace kraken::sync {
namespace {

using kraken::testing::Member;
using kraken::testing::TestRoster;
using sheets::Cell;
using sheets::ValueRange;

constexpr int kCycles = 60;

// table, lower-case key, column: one managed cell, wherever its row is.
using CellKey = std::tuple<Table, std::string, std::string>;

// A value an admin typed into the sheet.
struct SheetEdit {
  CellKey cell;
  std::string value, shown;  // typed, and what the cell showed when the admin read it
  std::uint64_t head = 0;    // the log's head when it was typed
  bool superseded = false;   // typed over, or its row or column gone, before KRAKEN read it
};

// What the log says about the managed cells, replayed from the events.
struct Audit {
  struct Set {
    std::uint64_t seq;
    Source source;
    std::string value, correlation;
  };
  std::map<CellKey, std::vector<Set>> history;
  std::vector<std::pair<std::uint64_t, ConflictDetected>> conflicts;
  std::vector<std::pair<std::uint64_t, SheetEditRejected>> rejections;
  std::set<std::string> leave_batches;  // correlation ids of batches removing rows
  std::set<std::string> left;           // lower-case keys of pilots that left
};

Table TableOf(const std::string& name) { return name == "corp" ? Table::kCorp : Table::kPilot; }

Audit Replay(EventLog& log, const Schema& schema, std::uint64_t head) {
  Audit a;
  auto status = log.Scan(1, head, [&](const Event& e) {
    const auto [kind, key] = SplitStream(e.stream);
    const Table table = kind == "corp" ? Table::kCorp : Table::kPilot;
    auto set = [&](const std::string& column, const std::string& value) {
      a.history[{table, ToLower(key), column}].push_back(
          {e.seq, e.source, ToLower(value), e.correlation_id});
    };
    auto set_all = [&](const Fields& fields) {
      for (const auto& [column, value] : fields) set(column, value);
    };
    // A new row's columns start empty.
    auto create = [&](const Fields& fields) {
      for (const Column& c : schema.columns(table)) {
        auto it = fields.find(c.name);
        set(c.name, &c == &schema.columns(table)[0] ? std::string(key)
                    : it != fields.end()            ? it->second
                                                    : std::string());
      }
    };
    if (const auto* p = std::get_if<PilotRegistered>(&e.payload)) {
      create(p->fields);
    } else if (const auto* c = std::get_if<CorpCreated>(&e.payload)) {
      create(c->fields);
    } else if (const auto* f = std::get_if<PilotFieldsChanged>(&e.payload)) {
      set_all(f->changes);
    } else if (const auto* cc = std::get_if<CorpChanged>(&e.payload)) {
      set_all(cc->changes);
    } else if (const auto* l = std::get_if<AltLinked>(&e.payload)) {
      set("main", l->main);
    } else if (std::holds_alternative<AltUnlinked>(e.payload)) {
      set("main", "");
    } else if (const auto* d = std::get_if<PilotLinkedToDiscord>(&e.payload)) {
      set("discord_id", d->user_id);
    } else if (const auto* x = std::get_if<ConflictDetected>(&e.payload)) {
      a.conflicts.emplace_back(e.seq, *x);
    } else if (const auto* r = std::get_if<SheetEditRejected>(&e.payload)) {
      a.rejections.emplace_back(e.seq, *r);
    } else if (std::holds_alternative<PilotLeftAlliance>(e.payload) ||
               std::holds_alternative<CorpRemoved>(e.payload)) {
      for (const Column& column : schema.columns(table)) {  // the row is gone, values and all
        a.history[{table, ToLower(key), column.name}].push_back(
            {e.seq, Source::kSystem, "", e.correlation_id});
      }
      a.leave_batches.insert(e.correlation_id);
      if (kind == "pilot") a.left.insert(ToLower(key));
    }
    return true;
  });
  EXPECT_TRUE(status.ok()) << status.error().message;
  return a;
}

class ConvergenceTest : public ::testing::TestWithParam<std::uint64_t> {
 protected:
  ConvergenceTest() : rng_(GetParam()), sheet_(StartSheet(GetParam())) {
    roster_.AddSampleAlliance();
    const Actor admin = kraken::testing::Admin();
    Must(roster_.service().AddCorp(admin, "SNSE", {{"name", "Sense Amplified"}}));
    Must(roster_.service().RegisterPilot(
        admin, "Tova Reinholt", {{"corp", "BLKWT"}, {"discord_id", "300000000000000001"}}));
    Must(roster_.service().RegisterPilot(admin, "Ilse Varga",
                                         {{"corp", "SNSE"}, {"discord_id", "300000000000000002"}}));
    members_ = {{std::string(kraken::testing::kKaelenDiscord), {"Kaelen Voss", "Voss Hauler"}},
                {std::string(kraken::testing::kRynDiscord), {"Ryn Calder", "Calder Miner"}},
                {"300000000000000001", {"Tova Reinholt"}},
                {"300000000000000002", {"Ilse Varga"}}};
    client_ = sheet_.Client();
    admin_ = sheet_.Client();
    ProjectorOptions options;
    // Every policy on some columns; which column gets which depends on the seed.
    options.policy = [this, seed = GetParam()](Table table, const std::string& column) {
      static constexpr Policy kPolicies[] = {Policy::kSheetWins, Policy::kLogWins, Policy::kManual};
      const auto index = roster_.schema().IndexOf(table, column).value_or(0);
      return kPolicies[(index + seed + (table == Table::kCorp ? 1 : 0)) % 3];
    };
    options.max_deletions = 2;
    options.max_deletion_share = 0.1;
    const std::int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    options.now_us = [now] { return now; };  // one Analytics day for the whole run
    projector_ = std::make_unique<SheetProjector>(roster_.service(), *client_, options);
  }

  static sheets::testing::EmulatedSheet StartSheet(std::uint64_t seed) {
    sheets::EmulatorOptions options;
    options.fail_429 = 0.08;
    options.fail_500 = 0.04;
    options.seed = seed;
    return sheets::testing::StartEmulatedSheet(options);
  }

  static void Must(const Result<CommandResult>& r) {
    if (!r.ok()) throw std::runtime_error(r.error().message);
  }
  template <typename T>
  static T Must(Result<T> r, const char* what) {
    if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.error().message);
    return std::move(r).value();
  }

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Uniform(0, 99) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Uniform(0, static_cast<int>(v.size()) - 1))];
  }
  std::string Unique(std::string_view what) { return fmt::format("{} {}", what, ++counter_); }

  std::vector<std::string> Columns(Table table) const {
    std::vector<std::string> out;
    for (const Column& c : roster_.schema().columns(table)) out.push_back(c.name);
    return out;
  }
  TabModel Model(Table table) {
    return roster_.service().Read(
        [&](const AllianceState& state) { return RenderTab(state.roster(), table); });
  }
  std::vector<std::string> Keys(Table table) {
    std::vector<std::string> keys;
    const TabModel model = Model(table);
    for (const auto& id : model.ids) keys.push_back((*model.Find(id))[0]);
    return keys;
  }

  // --- The admin in the sheet ------------------------------------------------

  struct View {
    TextGrid grid;
    ParsedTab parsed;
  };
  View& ViewOf(Table table) { return table == Table::kPilot ? pilots_ : corps_; }
  static std::string TabOf(Table table) {
    return std::string(table == Table::kPilot ? kPilotsTab : kCorpsTab);
  }

  void ReadSheet() {
    auto read = Must(admin_->BatchGet({sheets::QuoteSheetName(kPilotsTab, true),
                                       sheets::QuoteSheetName(kCorpsTab, true)}),
                     "reading the sheet");
    for (Table table : {Table::kPilot, Table::kCorp}) {
      View& view = ViewOf(table);
      view.grid = ToText(read[table == Table::kPilot ? 0 : 1]);
      view.parsed = ParseTab(Columns(table), view.grid);
    }
  }

  std::string Shown(Table table, int row, int col) {
    const TextGrid& grid = ViewOf(table).grid;
    if (row >= static_cast<int>(grid.size()) || col >= static_cast<int>(grid[row].size())) {
      return "";
    }
    return grid[row][col];
  }

  void Write(const std::string& tab, int row, int col, std::vector<std::vector<std::string>> rows,
             sheets::ValueInput input) {
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

  // Types `value` into a managed cell of the row read as `row`, whose key is `key`.
  void Type(Table table, int row, const std::string& key, const std::string& column,
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
    if (std::getenv("CONV_DEBUG"))
      fprintf(stderr, "edit %s!%d,%d %s %s = '%s'\n", TabOf(table).c_str(), row, col, key.c_str(),
              column.c_str(), value.c_str());
    Write(TabOf(table), row, col, {{value}}, sheets::ValueInput::kUserEntered);
    TextGrid& grid = ViewOf(table).grid;
    if (grid.size() <= static_cast<std::size_t>(row)) grid.resize(row + 1);
    if (grid[row].size() <= static_cast<std::size_t>(col)) grid[row].resize(col + 1);
    grid[row][col] = value;
  }

  std::string ValueFor(Table table, const std::string& column) {
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

  // A managed cell of a row KRAKEN put there (it has an id the log knows).
  void EditCell(Table table) {
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

  void SheetAddRow(Table table) {
    View& view = ViewOf(table);
    const int row = view.parsed.used_rows + (Chance(20) ? 1 : 0);
    const std::string key =
        table == Table::kPilot ? Unique("Sheet Pilot") : fmt::format("S{}", ++counter_ % 10'000);
    Type(table, row, key, table == Table::kPilot ? "name" : "ticker", key);
    if (table == Table::kPilot) {
      Type(table, row, key, "corp", ValueFor(table, "corp"));
      if (Chance(70)) Type(table, row, key, "clone", ValueFor(table, "clone"));
      // Now and then Discord registers the same name meanwhile: the row is adopted.
      if (Chance(15))
        Discord([&](RosterService& s) {
          return s.RegisterPilot(admin_actor_, key, {{"corp", Pick(Keys(Table::kCorp))}});
        });
    } else {
      Type(table, row, key, "name", Unique("sheet corp"));
    }
    ReadSheet();
  }

  // Sorts the Pilots rows as Sheets does: every cell moves with its row.
  void SheetSort() {
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

  // Deletes the row of a pilot no Discord member owns.
  void SheetDeleteRow() {
    const TabModel model = Model(Table::kPilot);
    std::vector<const SheetRow*> rows;
    for (const SheetRow& row : pilots_.parsed.rows) {
      const auto* values = model.Find(row.id);
      if (values != nullptr && !Owned((*values)[0])) rows.push_back(&row);
    }
    if (rows.empty()) return;
    const SheetRow& row = *Pick(rows);
    const std::string key = ToLower((*model.Find(row.id))[0]);
    for (SheetEdit& e : edits_) {
      if (std::get<1>(e.cell) == key && pending_.contains(e.cell)) e.superseded = true;
    }
    deleted_.insert(key);
    if (std::getenv("CONV_DEBUG")) {
      fprintf(stderr, "delete row %d key %s id %s:", row.row, key.c_str(), row.id.c_str());
      for (auto& c : pilots_.grid[row.row]) fprintf(stderr, " [%s]", c.c_str());
      fprintf(stderr, "\n");
    }
    const int sheet_id = Must(admin_->GetSpreadsheet(), "reading tabs").Find(kPilotsTab)->sheet_id;
    Must(admin_->BatchUpdateSpreadsheet({sheets::SpreadsheetRequest::DeleteDimension(
             sheet_id, sheets::Dimension::kRows, row.row, row.row + 1)}),
         "deleting a row");
    ReadSheet();
  }

  // Settles an open conflict on the Conflicts tab.
  void SheetDecide() {
    auto read = Must(admin_->BatchGet({sheets::QuoteSheetName(kConflictsTab, true)}), "reading");
    const TextGrid grid = ToText(read[0]);
    for (std::size_t r = 1; r < grid.size(); ++r) {
      if (grid[r].size() > 8 && grid[r][8] == "open" && grid[r].size() <= 11) {
        Write(std::string(kConflictsTab), static_cast<int>(r), 11, {{Chance(50) ? "sheet" : "log"}},
              sheets::ValueInput::kUserEntered);
        return;
      }
    }
  }

  // An admin's own column, with a value on every row that stays with its row.
  void SheetOwnColumn() {
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

  // Renames a managed header: that column becomes the admin's own, KRAKEN adds it again.
  void SheetRenameHeader() {
    const int col = pilots_.parsed.column_pos[*roster_.schema().IndexOf(Table::kPilot, "notes")];
    for (SheetEdit& e : edits_) {
      if (std::get<2>(e.cell) == "notes" && pending_.contains(e.cell)) e.superseded = true;
    }
    Write(TabOf(Table::kPilot), 0, col, {{"old notes"}}, sheets::ValueInput::kRaw);
    ReadSheet();
  }

  // --- Discord -----------------------------------------------------------------

  bool Owned(const std::string& pilot) const {
    for (const auto& [id, pilots] : members_) {
      for (const auto& p : pilots) {
        if (EqualsIgnoreCase(p, pilot)) return true;
      }
    }
    return false;
  }

  template <typename F>
  void Discord(F&& command) {
    auto result = command(roster_.service());
    if (!result.ok()) return;  // refused (a bad value, a pilot gone): nothing recorded
    for (const Event& e : result->events) discord_events_.emplace_back(e.seq, e.type());
  }

  void MemberChange() {
    const auto& [user, pilots] = Pick(members_);
    const std::string column = Pick(std::vector<std::string>{"corp", "clone", "timezone", "notes"});
    std::string value = column == "corp"    ? (Chance(15) ? "NOPE" : Pick(Keys(Table::kCorp)))
                        : column == "clone" ? Pick(std::vector<std::string>{"Alpha", "Omega"})
                                            : Unique(fmt::format("discord {}", column));
    const Actor actor = Member(user);
    Discord([&](RosterService& s) { return s.SetPilot(actor, Pick(pilots), {{column, value}}); });
  }

  void AdminChange() {
    const int r = Uniform(0, 99);
    if (r < 45) {
      const std::string column =
          Pick(std::vector<std::string>{"corp", "timezone", "notes", "main"});
      const std::string value = column == "corp"   ? Pick(Keys(Table::kCorp))
                                : column == "main" ? (Chance(30) ? "" : Pick(Keys(Table::kPilot)))
                                                   : Unique(fmt::format("admin {}", column));
      Discord([&](RosterService& s) {
        return s.SetPilot(admin_actor_, Pick(Keys(Table::kPilot)), {{column, value}});
      });
    } else if (r < 70) {
      const std::string column = Pick(std::vector<std::string>{"name", "status"});
      const std::string value = column == "name" ? Unique("admin corp")
                                                 : Pick(std::vector<std::string>{"member", "blue"});
      Discord([&](RosterService& s) {
        return s.SetCorp(admin_actor_, Pick(Keys(Table::kCorp)), {{column, value}});
      });
    } else if (r < 90) {
      const std::string name = Unique("Discord Pilot");
      Discord([&](RosterService& s) {
        return s.RegisterPilot(admin_actor_, name, {{"corp", Pick(Keys(Table::kCorp))}});
      });
    } else {
      std::vector<std::string> others;
      for (const auto& key : Keys(Table::kPilot)) {
        if (!Owned(key)) others.push_back(key);
      }
      if (others.empty()) return;
      Discord([&](RosterService& s) {
        return s.PilotLeave(admin_actor_, Pick(others), "left the game");
      });
    }
  }

  // --- The run -------------------------------------------------------------------

  CycleReport Cycle(CycleMode mode) {
    CycleReport report = Must(projector_->RunCycle(mode), "a projector cycle");
    if (std::getenv("CONV_DEBUG"))
      fprintf(stderr, "=== cycle mode %d head %llu\n%s\n", (int)mode,
              (unsigned long long)roster_.Head(), report.Summary().c_str());
    for (const auto& line : report.repairs)
      guard_refused_ |= line.find("deletion guard") != line.npos;
    if (mode == CycleMode::kFull || mode == CycleMode::kPull) pending_.clear();
    return report;
  }

  void Window(int cycle) {
    ReadSheet();
    renamed_.clear();
    if (cycle == 2) SheetOwnColumn();
    if (cycle == kCycles / 2) SheetRenameHeader();
    for (int ops = Uniform(1, 10); ops > 0; --ops) {
      const int r = Uniform(0, 99);
      if (r < 30) {
        EditCell(Table::kPilot);
      } else if (r < 40) {
        EditCell(Table::kCorp);
      } else if (r < 47) {
        SheetAddRow(Table::kPilot);
      } else if (r < 49) {
        SheetAddRow(Table::kCorp);
      } else if (r < 52) {
        SheetSort();
      } else if (r < 54) {
        SheetDeleteRow();
      } else if (r < 62) {
        SheetDecide();
      } else if (r < 80) {
        MemberChange();
      } else {
        AdminChange();
      }
    }
  }

  std::mt19937_64 rng_;
  TestRoster roster_;
  sheets::testing::EmulatedSheet sheet_;
  std::unique_ptr<sheets::SheetsClient> client_, admin_;
  std::unique_ptr<SheetProjector> projector_;
  const Actor admin_actor_{Source::kDiscord, "900000000000000009", true};
  std::vector<std::pair<std::string, std::vector<std::string>>> members_;
  View pilots_, corps_;
  int counter_ = 0;
  std::vector<SheetEdit> edits_;
  std::map<CellKey, std::size_t> pending_;  // edits no cycle has imported yet
  std::set<std::string> renamed_;           // row ids whose name was typed over this window
  std::set<std::string> deleted_;           // lower-case keys of rows the admin deleted
  bool guard_refused_ = false;
  std::vector<std::pair<std::uint64_t, std::string>> discord_events_;  // seq, type
};

TEST_P(ConvergenceTest, BothSidesEditingAtOnceConvergeAndNothingIsLost) {
  Cycle(CycleMode::kFull);
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    Window(cycle);
    const int r = Uniform(0, 99);
    Cycle(r < 20 ? CycleMode::kPull : r < 40 ? CycleMode::kPush : CycleMode::kFull);
  }
  // Quiet: the first cycle takes in the last window, the next has nothing left to do.
  Cycle(CycleMode::kFull);
  const CycleReport settled = Cycle(CycleMode::kFull);
  EXPECT_EQ(settled.events_appended, 0u) << settled.Summary();
  EXPECT_EQ(settled.cells_written, 0u) << settled.Summary();
  EXPECT_TRUE(Cycle(CycleMode::kFull).idle);

  // Every managed cell shows the projection, each row once, by kraken_id.
  ReadSheet();
  for (Table table : {Table::kPilot, Table::kCorp}) {
    SCOPED_TRACE(TabOf(table));
    const TabModel model = Model(table);
    const ParsedTab& sheet = ViewOf(table).parsed;
    EXPECT_THAT(sheet.duplicate_id_rows, ::testing::IsEmpty());
    for (const std::string& id : model.ids) {
      auto it = sheet.row_of_id.find(id);
      ASSERT_NE(it, sheet.row_of_id.end()) << id << " " << (*model.Find(id))[0] << " is missing";
      const SheetRow& row = *std::find_if(sheet.rows.begin(), sheet.rows.end(),
                                          [&](const SheetRow& r) { return r.row == it->second; });
      EXPECT_EQ(row.values, *model.Find(id)) << "row " << row.row + 1;
    }
    for (const SheetRow& row : sheet.rows) {
      EXPECT_NE(model.Find(row.id), nullptr)
          << "row " << row.row + 1 << " (" << row.id << " " << row.values[0] << ") is not managed";
    }
  }
  // The admin's own column kept its values on their rows.
  const auto& header = pilots_.grid[0];
  const auto mine = std::find(header.begin(), header.end(), "my column") - header.begin();
  ASSERT_LT(mine, static_cast<long>(header.size()));
  for (const SheetRow& row : pilots_.parsed.rows) {
    const std::string& own = pilots_.grid[row.row].size() > static_cast<std::size_t>(mine)
                                 ? pilots_.grid[row.row][mine]
                                 : std::string();
    if (!own.empty()) {
      EXPECT_EQ(own, "mine " + row.values[0]) << "row " << row.row + 1;
    }
  }

  const std::uint64_t head = roster_.Head();
  const Audit audit = Replay(roster_.log(), roster_.schema(), head);
  // Every sheet edit is in the log: a value the row had or was given since it was
  // typed, or a conflict's sheet value, or a rejected value.
  for (const SheetEdit& edit : edits_) {
    if (edit.superseded) continue;
    const auto& [table, key, column] = edit.cell;
    const std::string value = ToLower(edit.value);
    bool found = false;
    if (auto it = audit.history.find(edit.cell); it != audit.history.end()) {
      const Audit::Set* before = nullptr;
      for (const Audit::Set& s : it->second) {
        if (s.seq <= edit.head) before = &s;
        found = found || (s.seq > edit.head && s.value == value);
      }
      found = found || (before != nullptr && before->value == value);
    }
    found = found || (value.empty() && !audit.history.contains(edit.cell));
    for (const auto& [seq, c] : audit.conflicts) {
      found = found || (seq > edit.head && TableOf(c.table) == table && ToLower(c.key) == key &&
                        c.field == column && ToLower(c.sheet_value) == value);
    }
    for (const auto& [seq, r] : audit.rejections) {
      found = found || (seq > edit.head && TableOf(r.table) == table && ToLower(r.key) == key &&
                        r.field == column && ToLower(r.value) == value);
    }
    EXPECT_TRUE(found) << TableName(table) << " '" << key << "' " << column << ": '" << edit.value
                       << "' (typed at head " << edit.head << ") is nowhere in the log" << [&] {
                            std::string h;
                            if (auto it = audit.history.find(edit.cell); it != audit.history.end())
                              for (auto& x : it->second)
                                h += fmt::format(" {}:{}:{}", x.seq, SourceName(x.source), x.value);
                            return h;
                          }();
  }
  // Every Discord change is in the log, and none was replaced from the sheet unseen:
  // either the admin saw it when typing over it, or a conflict recorded it.
  for (const auto& [seq, type] : discord_events_) {
    auto e = roster_.log().Get(seq);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->type(), type);
    EXPECT_EQ(e->source, Source::kDiscord);
  }
  for (const auto& [cell, sets] : audit.history) {
    for (std::size_t i = 1; i < sets.size(); ++i) {
      const Audit::Set &was = sets[i - 1], &now = sets[i];
      if (now.source != Source::kSheet || was.source == Source::kSheet || now.value == was.value ||
          audit.leave_batches.contains(now.correlation)) {
        continue;
      }
      const auto& [table, key, column] = cell;
      bool seen = false;
      for (const SheetEdit& edit : edits_) {
        seen = seen || (edit.cell == cell && ToLower(edit.value) == now.value &&
                        ToLower(edit.shown) == was.value);
      }
      for (const auto& [seq, c] : audit.conflicts) {
        seen = seen || (seq > was.seq && TableOf(c.table) == table && ToLower(c.key) == key &&
                        c.field == column && ToLower(c.log_value) == was.value);
      }
      EXPECT_TRUE(seen) << TableName(table) << " '" << key << "' " << column << ": '" << was.value
                        << "' (event " << was.seq << ") was replaced from the sheet by '"
                        << now.value << "' (event " << now.seq << ") without anyone seeing it";
    }
  }
  // A deleted row's pilot left, unless the deletion guard put rows back.
  for (const std::string& key : deleted_) {
    if (!guard_refused_) {
      EXPECT_TRUE(audit.left.contains(key)) << key << " was deleted but stays";
    }
  }
  // The Conflicts tab lists every conflict and rejection, under a full header.
  auto conflicts = Must(projector_->Conflicts(), "conflicts");
  auto read = Must(admin_->BatchGet({sheets::QuoteSheetName(kConflictsTab, true)}), "reading");
  const TextGrid tab = ToText(read[0]);
  EXPECT_EQ(tab.size(), conflicts.entries().size() + 1);
  EXPECT_EQ(tab[0], ConflictColumns());
}

INSTANTIATE_TEST_SUITE_P(Seeds, ConvergenceTest, ::testing::Range<std::uint64_t>(200, 300));

}  // namespace
}  // namespace kraken::sync
