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
#include "tests/src/sync/convergence_audit.h"

namespace kraken::sync {
namespace {

using convergence::Audit;
using convergence::CellKey;
using convergence::LostEdits;
using convergence::Replay;
using convergence::SheetEdit;
using convergence::UnseenReplacements;
using kraken::testing::Member;
using kraken::testing::TestRoster;
using sheets::Cell;
using sheets::ValueRange;

constexpr int kCycles = 36;
constexpr const char* kModes[] = {"full", "pull", "push", "plan"};

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
    Trace("{}!{}{}: {} {} = '{}'", TabOf(table), sheets::ColumnLetters(col), row + 1, key, column,
          value);
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

  // Deletes the row of a pilot no Discord member owns; now and then three rows at
  // once, which the deletion guard may refuse.
  void SheetDeleteRows() {
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

  // Settles an open conflict on the Conflicts tab.
  void SheetDecide() {
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

  // Renames a header: that column becomes the admin's own and KRAKEN adds it again.
  // Without the kraken_id column rows are found by name.
  void SheetRenameHeader() {
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
    Write(TabOf(Table::kPilot), 0, col, {{ids ? "old ids" : "old notes"}},
          sheets::ValueInput::kRaw);
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
    Trace("discord: {}", result->summary);
    for (const Event& e : result->events) discord_events_.emplace_back(e.seq, e.type());
  }

  template <typename... Args>
  void Trace(fmt::format_string<Args...> format, Args&&... args) {
    trace_.push_back(fmt::format(format, std::forward<Args>(args)...));
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
    Trace("--- {} cycle, log at {}: {}", kModes[static_cast<int>(mode)], roster_.Head(),
          report.Summary());
    for (const auto& line : report.repairs) {
      guard_refused_ = guard_refused_ || line.find("deletion guard") != line.npos;
    }
    if (mode == CycleMode::kFull || mode == CycleMode::kPull) pending_.clear();
    return report;
  }

  void Window(int cycle) {
    ReadSheet();
    renamed_.clear();
    if (cycle == 2) SheetOwnColumn();
    if (cycle == kCycles / 2) SheetRenameHeader();
    for (int ops = Uniform(1, 6); ops > 0; --ops) {
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
        SheetDeleteRows();
      } else if (r < 58) {
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
  std::vector<std::string> trace_;  // what happened, printed when the test fails

  void TearDown() override {
    if (!HasFailure()) return;
    std::string all;
    for (const auto& line : trace_) all += line + "\n";
    ADD_FAILURE() << "seed " << GetParam() << ", what happened:\n" << all;
  }
};

TEST_P(ConvergenceTest, BothSidesEditingAtOnceConvergeAndNothingIsLost) {
  Cycle(CycleMode::kFull);
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    Window(cycle);
    const int r = Uniform(0, 99);
    Cycle(r < 15 ? CycleMode::kPull : r < 30 ? CycleMode::kPush : CycleMode::kFull);
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
  // Every sheet edit is in the log; every Discord change is, and none was replaced
  // from the sheet without anyone seeing it.
  EXPECT_THAT(LostEdits(audit, edits_), ::testing::IsEmpty());
  EXPECT_THAT(UnseenReplacements(audit, edits_), ::testing::IsEmpty());
  for (const auto& [seq, type] : discord_events_) {
    auto e = roster_.log().Get(seq);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->type(), type);
    EXPECT_EQ(e->source, Source::kDiscord);
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

INSTANTIATE_TEST_SUITE_P(Seeds, ConvergenceTest, ::testing::Values(7u, 1234u, 99991u));

}  // namespace
}  // namespace kraken::sync
