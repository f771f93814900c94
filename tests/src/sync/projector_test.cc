// The projector end to end: a real log and RosterService, the Sheets emulator on
// loopback, and a second client playing the admin who edits the sheet.

#include "src/sync/projector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "src/sync/sheet_grid.h"
#include "tests/src/app/app_test_support.h"
#include "tests/src/sheets/emulator_fixture.h"
#include "tests/src/sync/sheet_edits.h"

namespace kraken::sync {
namespace {

using kraken::testing::Admin;
using kraken::testing::Member;
using kraken::testing::TestRoster;
using kraken::testing::TypesOf;
using sheets::Cell;
using sheets::ValueRange;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class ProjectorTest : public ::testing::Test {
 protected:
  ProjectorTest() : sheet_(sheets::testing::StartEmulatedSheet()) {
    roster_.AddSampleAlliance();
    client_ = sheet_.Client();
    admin_ = sheet_.Client();
    Make(Policy::kLogWins);
  }

  void Make(Policy policy) {
    ProjectorOptions options;
    options.policy = [policy](Table, const std::string&) { return policy; };
    options.max_deletions = 1;
    options.max_deletion_share = 0.25;
    options.on_rollback = [this](const RolledBack& r) { rolled_back_.push_back(r); };
    projector_ = std::make_unique<SheetProjector>(roster_.service(), *client_, options);
  }

  CycleReport Cycle(CycleMode mode = CycleMode::kFull) {
    auto report = projector_->RunCycle(mode);
    if (!report.ok()) throw std::runtime_error(report.error().message);
    return *report;
  }

  TextGrid Tab(const std::string& title) { return testing::ReadTab(*admin_, title); }

  // The row of `key` in a tab (its 0-based index), or -1.
  int RowOf(const TextGrid& grid, const std::string& key) {
    for (std::size_t r = 0; r < grid.size(); ++r) {
      if (grid[r].size() > 1 && grid[r][1] == key) return static_cast<int>(r);
    }
    return -1;
  }

  // An admin typing into the sheet.
  void Type(const std::string& tab, int row, int col, const std::string& text) {
    testing::TypeInto(*admin_, tab, row, col, text);
  }

  int SheetId(const std::string& tab) {
    auto info = admin_->GetSpreadsheet();
    if (!info.ok() || info->Find(tab) == nullptr) throw std::runtime_error("no tab " + tab);
    return info->Find(tab)->sheet_id;
  }

  std::vector<Event> EventsSince(std::uint64_t seq) {
    return testing::EventsAfter(roster_.log(), seq);
  }

  static constexpr int kCorpCol = 3;  // kraken_id, name, discord_id, corp, ...

  TestRoster roster_;
  sheets::testing::EmulatedSheet sheet_;
  std::unique_ptr<sheets::SheetsClient> client_;
  std::unique_ptr<sheets::SheetsClient> admin_;
  std::unique_ptr<SheetProjector> projector_;
  std::vector<RolledBack> rolled_back_;
};

TEST_F(ProjectorTest, TheFirstCycleWritesEveryTabAndTheNextIsOneCheapRequest) {
  CycleReport first = Cycle();
  EXPECT_THAT(first.repairs, Contains(HasSubstr("added the tab 'Conflicts'")));
  TextGrid pilots = Tab("Pilots");
  ASSERT_FALSE(pilots.empty());
  EXPECT_THAT(pilots[0], ElementsAre("kraken_id", "name", "discord_id", "corp", "clone", "main",
                                     "timezone", "notes"));
  EXPECT_EQ(pilots.size(), 6u);  // the header and five pilots
  const int ryn = RowOf(pilots, "Ryn Calder");
  ASSERT_GT(ryn, 0);
  EXPECT_EQ(pilots[ryn][7], "logi FC");
  EXPECT_EQ(pilots[ryn][0].substr(0, 1), "P");
  TextGrid corps = Tab("Corps");
  EXPECT_EQ(corps.size(), 3u);
  TextGrid analytics = Tab("Analytics");
  ASSERT_GT(analytics.size(), 3u);
  EXPECT_EQ(analytics[0][0], "corp");

  CycleReport idle = Cycle();
  EXPECT_TRUE(idle.idle);
  EXPECT_EQ(idle.requests, 1u);
  EXPECT_EQ(idle.cells_written, 0u);
}

TEST_F(ProjectorTest, AnAdminsEditBecomesAnEventFromTheSheet) {
  Cycle();
  const int ryn = RowOf(Tab("Pilots"), "Ryn Calder");
  const std::uint64_t head = roster_.Head();
  Type("Pilots", ryn, kCorpCol, "blkwt");
  CycleReport report = Cycle();
  EXPECT_THAT(report.imported, ElementsAre(HasSubstr("Ryn Calder corp: 'KRKN' -> 'BLKWT'")));
  EXPECT_EQ(roster_.Get(Table::kPilot, "Ryn Calder", "corp"), "BLKWT");
  std::vector<Event> events = EventsSince(head);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].type(), "PilotFieldsChanged");
  EXPECT_EQ(events[0].source, Source::kSheet);
  EXPECT_EQ(events[0].actor, sheet_.spreadsheet_id);
  // The canonical spelling is written back; nothing else in the tab moves.
  EXPECT_EQ(Tab("Pilots")[ryn][kCorpCol], "BLKWT");
  EXPECT_TRUE(Cycle().idle);
}

TEST_F(ProjectorTest, AChangeInTheLogWritesOnlyThatCell) {
  Cycle();
  ASSERT_TRUE(roster_.service()
                  .SetPilot(Member(std::string(kraken::testing::kRynDiscord)), "Ryn Calder",
                            {{"clone", "Omega"}})
                  .ok());
  CycleReport report = Cycle();
  EXPECT_EQ(report.rows_added, 0u);
  const TextGrid pilots = Tab("Pilots");
  EXPECT_EQ(pilots[RowOf(pilots, "Ryn Calder")][4], "Omega");
  // One cell on Pilots; Analytics moves with the Alpha/Omega mix and the event count.
  EXPECT_LE(report.cells_written, 8u);
  EXPECT_LE(report.requests, 4u);  // Drive, batchGet, values.batchUpdate, Drive
}

TEST_F(ProjectorTest, AConflictIsRecordedAndResolvedVisiblyByPolicy) {
  Make(Policy::kSheetWins);
  Cycle();
  const int ryn = RowOf(Tab("Pilots"), "Ryn Calder");
  ASSERT_TRUE(roster_.service()
                  .SetPilot(Member(std::string(kraken::testing::kRynDiscord)), "Ryn Calder",
                            {{"notes", "from discord"}}, {"interaction-77", ""})
                  .ok());
  Type("Pilots", ryn, 7, "from the sheet");
  const std::uint64_t head = roster_.Head();
  CycleReport report = Cycle();
  ASSERT_EQ(report.conflicts.size(), 1u);
  EXPECT_THAT(report.conflicts[0], HasSubstr("sheet 'from the sheet', log 'from discord'"));
  EXPECT_EQ(roster_.Get(Table::kPilot, "Ryn Calder", "notes"), "from the sheet");
  std::vector<std::string> types = TypesOf(EventsSince(head));
  EXPECT_THAT(types, Contains("ConflictDetected"));
  EXPECT_THAT(types, Contains("ConflictResolved"));
  // The Discord user whose change lost is told.
  ASSERT_EQ(rolled_back_.size(), 1u);
  EXPECT_EQ(rolled_back_[0].user_id, kraken::testing::kRynDiscord);
  EXPECT_EQ(rolled_back_[0].interaction_id, "interaction-77");
  // The losing value stays visible on the Conflicts tab.
  TextGrid conflicts = Tab("Conflicts");
  ASSERT_EQ(conflicts.size(), 2u);
  EXPECT_EQ(conflicts[1][6], "from the sheet");
  EXPECT_EQ(conflicts[1][7], "from discord");
  EXPECT_THAT(conflicts[1][8], HasSubstr("resolved: sheet"));
}

TEST_F(ProjectorTest, AManualConflictWaitsForTheAdminsDecisionOnTheConflictsTab) {
  Make(Policy::kManual);
  Cycle();
  const int ryn = RowOf(Tab("Pilots"), "Ryn Calder");
  ASSERT_TRUE(roster_.service().SetPilot(Admin(), "Ryn Calder", {{"notes", "from the cli"}}).ok());
  Type("Pilots", ryn, 7, "from the sheet");
  CycleReport report = Cycle();
  ASSERT_EQ(report.conflicts.size(), 1u);
  EXPECT_THAT(report.conflicts[0], HasSubstr("open"));
  EXPECT_EQ(roster_.Get(Table::kPilot, "Ryn Calder", "notes"), "from the cli");
  EXPECT_EQ(Tab("Pilots")[ryn][7], "from the cli");
  TextGrid conflicts = Tab("Conflicts");
  ASSERT_EQ(conflicts.size(), 2u);
  EXPECT_EQ(conflicts[1][8], "open");

  Type("Conflicts", 1, 11, "sheet");
  Cycle();
  EXPECT_EQ(roster_.Get(Table::kPilot, "Ryn Calder", "notes"), "from the sheet");
  EXPECT_EQ(Tab("Pilots")[ryn][7], "from the sheet");
  EXPECT_THAT(Tab("Conflicts")[1][8], HasSubstr("resolved: sheet"));
}

TEST_F(ProjectorTest, ADiscordUserIsToldWhenAnAdminDecidesForTheSheet) {
  Make(Policy::kManual);
  Cycle();
  const int ryn = RowOf(Tab("Pilots"), "Ryn Calder");
  ASSERT_TRUE(roster_.service()
                  .SetPilot(Member(std::string(kraken::testing::kRynDiscord)), "Ryn Calder",
                            {{"notes", "from discord"}}, {"interaction-88", ""})
                  .ok());
  Type("Pilots", ryn, 7, "from the sheet");
  Cycle();
  EXPECT_THAT(rolled_back_, IsEmpty());  // open: the Discord value stands for now

  Type("Conflicts", 1, 11, "sheet");
  Cycle();
  EXPECT_EQ(roster_.Get(Table::kPilot, "Ryn Calder", "notes"), "from the sheet");
  ASSERT_EQ(rolled_back_.size(), 1u);
  EXPECT_EQ(rolled_back_[0].user_id, kraken::testing::kRynDiscord);
  EXPECT_EQ(rolled_back_[0].interaction_id, "interaction-88");
  EXPECT_THAT(rolled_back_[0].message, HasSubstr("it is now 'from the sheet'"));
}

TEST_F(ProjectorTest, AnInvalidEditIsNotAppliedButListedAndKeptInTheLog) {
  Cycle();
  const int ryn = RowOf(Tab("Pilots"), "Ryn Calder");
  const std::uint64_t head = roster_.Head();
  Type("Pilots", ryn, kCorpCol, "NOPE");
  CycleReport report = Cycle();
  ASSERT_EQ(report.rejected.size(), 1u);
  EXPECT_THAT(report.rejected[0], HasSubstr("NOPE"));
  EXPECT_EQ(roster_.Get(Table::kPilot, "Ryn Calder", "corp"), "KRKN");
  EXPECT_EQ(Tab("Pilots")[ryn][kCorpCol], "KRKN");  // reverted in the sheet
  // ... and marked where the admin typed it: a note on the cell.
  auto note = sheet_.emulator->Note(sheet_.spreadsheet_id, "Pilots", ryn, kCorpCol);
  ASSERT_TRUE(note.ok()) << note.error().message;
  EXPECT_THAT(*note, HasSubstr("KRAKEN did not apply 'NOPE'"));
  EXPECT_THAT(*note, HasSubstr("not found"));
  EXPECT_THAT(*note, HasSubstr("See the Conflicts tab"));
  EXPECT_EQ(*sheet_.emulator->Note(sheet_.spreadsheet_id, "Pilots", ryn, kCorpCol + 1), "");
  EXPECT_THAT(TypesOf(EventsSince(head)), Contains("SheetEditRejected"));
  TextGrid conflicts = Tab("Conflicts");
  ASSERT_EQ(conflicts.size(), 2u);
  EXPECT_EQ(conflicts[1][2], "rejected");
  EXPECT_EQ(conflicts[1][6], "NOPE");
}

TEST_F(ProjectorTest, SortedRowsAndAnAdminsOwnColumnAreLeftAsTheyAre) {
  Cycle();
  TextGrid pilots = Tab("Pilots");
  // The admin sorts the rows by name descending and adds a column of their own.
  std::vector<std::vector<Cell>> rows;
  std::vector<std::vector<std::string>> body(pilots.begin() + 1, pilots.end());
  std::sort(body.begin(), body.end(), [](const auto& a, const auto& b) { return a[1] > b[1]; });
  for (auto& r : body) {
    r.resize(9);
    r[8] = "mine " + r[1];
    std::vector<Cell> cells;
    for (auto& c : r) cells.push_back(Cell::String(c));
    rows.push_back(std::move(cells));
  }
  ASSERT_TRUE(admin_
                  ->BatchUpdate({ValueRange{"'Pilots'!A2:I6", rows},
                                 ValueRange{"'Pilots'!I1", {{Cell::String("my column")}}}},
                                sheets::ValueInput::kRaw)
                  .ok());
  const std::uint64_t head = roster_.Head();
  CycleReport report = Cycle();
  EXPECT_THAT(report.imported, IsEmpty());
  EXPECT_EQ(roster_.Head(), head);
  TextGrid after = Tab("Pilots");
  const int ryn = RowOf(after, "Ryn Calder");
  EXPECT_EQ(after[ryn][8], "mine Ryn Calder");
  EXPECT_EQ(after[1][1], body[0][1]);  // still sorted as the admin left it
}

TEST_F(ProjectorTest, ANewRowBecomesAPilotAndGetsItsId) {
  Cycle();
  Type("Pilots", 7, 1, "Vex Moro");
  Type("Pilots", 7, kCorpCol, "KRKN");
  CycleReport report = Cycle();
  EXPECT_THAT(report.imported, Contains(HasSubstr("new pilot Vex Moro")));
  EXPECT_EQ(roster_.Get(Table::kPilot, "Vex Moro", "corp"), "KRKN");
  TextGrid pilots = Tab("Pilots");
  EXPECT_EQ(pilots[7][0].substr(0, 1), "P");
}

TEST_F(ProjectorTest, OneDeletedRowRemovesThePilotButAMassDeletionIsRefused) {
  Cycle();
  const int sheet_id = SheetId("Pilots");
  const int marek = RowOf(Tab("Pilots"), "Marek Halden");
  ASSERT_TRUE(admin_
                  ->BatchUpdateSpreadsheet({sheets::SpreadsheetRequest::DeleteDimension(
                      sheet_id, sheets::Dimension::kRows, marek, marek + 1)})
                  .ok());
  Cycle();
  EXPECT_EQ(roster_.Get(Table::kPilot, "Marek Halden", "corp"), std::nullopt);

  ASSERT_TRUE(admin_
                  ->BatchUpdateSpreadsheet({sheets::SpreadsheetRequest::DeleteDimension(
                      sheet_id, sheets::Dimension::kRows, 1, 4)})
                  .ok());
  CycleReport report = Cycle();
  EXPECT_THAT(report.repairs, Contains(HasSubstr("deletion guard")));
  EXPECT_EQ(Tab("Pilots").size(), 5u);  // all four pilots back
  EXPECT_TRUE(roster_.Get(Table::kPilot, "Ryn Calder", "corp").has_value());
}

TEST_F(ProjectorTest, ARenamedTabIsRenamedBack) {
  Cycle();
  sheets::SheetPropertiesUpdate rename;
  rename.sheet_id = SheetId("Corps");
  rename.title = "Old corps";
  ASSERT_TRUE(
      admin_->BatchUpdateSpreadsheet({sheets::SpreadsheetRequest::UpdateSheetProperties(rename)})
          .ok());
  CycleReport report = Cycle();
  EXPECT_THAT(report.repairs, Contains(HasSubstr("renamed back")));
  EXPECT_EQ(Tab("Corps").size(), 3u);
}

// --- Found by the convergence test and the review (convergence_test.cc) ------

int CountOf(const std::vector<std::string>& types, const std::string& type) {
  return static_cast<int>(std::count(types.begin(), types.end(), type));
}

TEST_F(ProjectorTest, EditsAPushLeftInTheSheetAreImportedByTheNextCycle) {
  Cycle();
  const int ryn = RowOf(Tab("Pilots"), "Ryn Calder");
  Type("Pilots", ryn, 7, "from the sheet");
  Cycle(CycleMode::kPush);
  EXPECT_EQ(Tab("Pilots")[ryn][7], "from the sheet");
  EXPECT_FALSE(Cycle().idle);
  EXPECT_EQ(roster_.Get(Table::kPilot, "Ryn Calder", "notes"), "from the sheet");
}

TEST_F(ProjectorTest, APushDoesNotPutBackARowAnAdminDeleted) {
  Cycle();
  const int marek = RowOf(Tab("Pilots"), "Marek Halden");
  ASSERT_TRUE(admin_
                  ->BatchUpdateSpreadsheet({sheets::SpreadsheetRequest::DeleteDimension(
                      SheetId("Pilots"), sheets::Dimension::kRows, marek, marek + 1)})
                  .ok());
  Cycle(CycleMode::kPush);
  EXPECT_EQ(RowOf(Tab("Pilots"), "Marek Halden"), -1);
  Cycle();
  EXPECT_EQ(roster_.Get(Table::kPilot, "Marek Halden", "corp"), std::nullopt);
}

TEST_F(ProjectorTest, APushOntoARowWithoutABaseLeavesAConflictNotAnEdit) {
  Cycle();
  // An admin adds Vex in the sheet while Discord registers Vex with another corp.
  Type("Pilots", 7, 1, "Vex Moro");
  Type("Pilots", 7, kCorpCol, "BLKWT");
  ASSERT_TRUE(roster_.service().RegisterPilot(Admin(), "Vex Moro", {{"corp", "KRKN"}}).ok());
  Cycle(CycleMode::kPush);
  const std::uint64_t head = roster_.Head();
  Cycle();
  EXPECT_EQ(roster_.Get(Table::kPilot, "Vex Moro", "corp"), "KRKN");  // log-wins
  EXPECT_THAT(TypesOf(EventsSince(head)), Contains("ConflictDetected"));
}

TEST_F(ProjectorTest, APullThenAFullCycleRemovesTheRowOfAPilotWhoLeft) {
  Cycle();
  ASSERT_TRUE(roster_.service().PilotLeave(Admin(), "Marek Halden", "left").ok());
  Cycle(CycleMode::kPull);
  CycleReport report = Cycle();
  EXPECT_THAT(report.rejected, IsEmpty());
  EXPECT_EQ(RowOf(Tab("Pilots"), "Marek Halden"), -1);
}

TEST_F(ProjectorTest, PullsRecordAConflictOnceAndTheLogsValueIsWrittenLater) {
  Make(Policy::kManual);
  Cycle();
  const int ryn = RowOf(Tab("Pilots"), "Ryn Calder");
  ASSERT_TRUE(roster_.service().SetPilot(Admin(), "Ryn Calder", {{"notes", "from the cli"}}).ok());
  Type("Pilots", ryn, 7, "from the sheet");
  const std::uint64_t head = roster_.Head();
  Cycle(CycleMode::kPull);
  Cycle(CycleMode::kPull);
  Cycle();
  EXPECT_EQ(CountOf(TypesOf(EventsSince(head)), "ConflictDetected"), 1);
  EXPECT_EQ(Tab("Pilots")[ryn][7], "from the cli");
}

TEST_F(ProjectorTest, ARowAddedInAPullIsNotAConflictWhenItGetsItsId) {
  Cycle();
  Type("Pilots", 7, 1, "Vex Moro");
  Type("Pilots", 7, kCorpCol, "krkn");
  Cycle(CycleMode::kPull);
  const std::uint64_t head = roster_.Head();
  CycleReport report = Cycle();
  EXPECT_THAT(report.conflicts, IsEmpty());
  EXPECT_EQ(roster_.Head(), head);
  EXPECT_EQ(Tab("Pilots")[7][kCorpCol], "KRKN");
  EXPECT_EQ(Tab("Pilots")[7][0].substr(0, 1), "P");
}

TEST_F(ProjectorTest, TheConflictsTabHasTheDecisionHeader) {
  Cycle();
  Type("Pilots", RowOf(Tab("Pilots"), "Ryn Calder"), kCorpCol, "NOPE");
  Cycle();
  EXPECT_EQ(Tab("Conflicts")[0], ConflictColumns());
}

TEST_F(ProjectorTest, AFullGridGrowsWhenRowsAreDeletedAndAddedInOneCycle) {
  Cycle();
  // The admin trimmed the grid to the rows in use: a header and five pilots.
  ASSERT_TRUE(admin_
                  ->BatchUpdateSpreadsheet({sheets::SpreadsheetRequest::DeleteDimension(
                      SheetId("Pilots"), sheets::Dimension::kRows, 6, 1000)})
                  .ok());
  ASSERT_TRUE(roster_.service().PilotLeave(Admin(), "Marek Halden", "left").ok());
  ASSERT_TRUE(roster_.service().RegisterPilot(Admin(), "Vex Moro", {{"corp", "KRKN"}}).ok());
  ASSERT_TRUE(projector_->RunCycle().ok());
  EXPECT_EQ(RowOf(Tab("Pilots"), "Vex Moro"), 5);
}

TEST_F(ProjectorTest, AChangeDuringTheWriteIsWrittenByTheNextCycle) {
  auto options = sheet_.ClientOptions();
  bool armed = false;
  options.on_request = [&](const sheets::RequestRecord& r) {
    if (!armed || r.kind != sheets::RequestRecord::Kind::kWrite) return;
    armed = false;  // Discord changes Ryn while KRAKEN writes the sheet
    ASSERT_TRUE(roster_.service().SetPilot(Admin(), "Ryn Calder", {{"notes", "meanwhile"}}).ok());
  };
  client_ = sheets::testing::OrThrow(sheets::SheetsClient::Create(sheet_.key, options), "client");
  Make(Policy::kLogWins);
  Cycle();
  ASSERT_TRUE(roster_.service().SetPilot(Admin(), "Marek Halden", {{"notes", "first"}}).ok());
  armed = true;
  Cycle();
  EXPECT_FALSE(Cycle().idle);
  const TextGrid pilots = Tab("Pilots");
  EXPECT_EQ(pilots[RowOf(pilots, "Ryn Calder")][7], "meanwhile");
}

TEST_F(ProjectorTest, AnInvalidValueDoesNotWinAConflictItLost) {
  Make(Policy::kSheetWins);
  Cycle();
  const int ryn = RowOf(Tab("Pilots"), "Ryn Calder");
  ASSERT_TRUE(roster_.service()
                  .SetPilot(Member(std::string(kraken::testing::kRynDiscord)), "Ryn Calder",
                            {{"corp", "BLKWT"}})
                  .ok());
  Type("Pilots", ryn, kCorpCol, "NOPE");
  const std::uint64_t head = roster_.Head();
  CycleReport report = Cycle();
  EXPECT_EQ(roster_.Get(Table::kPilot, "Ryn Calder", "corp"), "BLKWT");
  EXPECT_THAT(rolled_back_, IsEmpty());  // nobody's change was replaced
  ASSERT_EQ(report.conflicts.size(), 1u);
  EXPECT_THAT(report.conflicts[0], HasSubstr("'BLKWT' stands"));
  for (const Event& e : EventsSince(head)) {
    if (const auto* r = std::get_if<ConflictResolved>(&e.payload)) {
      EXPECT_EQ(r->winner, "log");
    }
  }
}

TEST_F(ProjectorTest, AnInvalidValueTypedAgainIsListedAgain) {
  Cycle();
  const int ryn = RowOf(Tab("Pilots"), "Ryn Calder");
  const std::uint64_t head = roster_.Head();
  Type("Pilots", ryn, kCorpCol, "NOPE");
  Cycle();
  Type("Pilots", ryn, kCorpCol, "NOPE");  // reverted, so the admin tries once more
  Cycle();
  EXPECT_EQ(CountOf(TypesOf(EventsSince(head)), "SheetEditRejected"), 2);
  EXPECT_EQ(Tab("Conflicts").size(), 3u);
}

TEST_F(ProjectorTest, ABadRowLeftInTheSheetIsListedOnce) {
  Cycle();
  Type("Pilots", 7, 0, "P999");  // an id nobody knows
  Type("Pilots", 7, 1, "Ghost Pilot");
  const std::uint64_t head = roster_.Head();
  Cycle();
  Type("Pilots", 1, 7, "another edit");  // the next cycle reads the sheet again
  Cycle();
  EXPECT_EQ(CountOf(TypesOf(EventsSince(head)), "SheetEditRejected"), 1);
}

TEST_F(ProjectorTest, ADecisionDoesNotOverwriteANewerChangeUnseen) {
  Make(Policy::kManual);
  Cycle();
  const int ryn = RowOf(Tab("Pilots"), "Ryn Calder");
  ASSERT_TRUE(roster_.service().SetPilot(Admin(), "Ryn Calder", {{"notes", "from the cli"}}).ok());
  Type("Pilots", ryn, 7, "from the sheet");
  Cycle();
  // Ryn changes the notes again; then an admin settles the old conflict for the sheet.
  ASSERT_TRUE(roster_.service()
                  .SetPilot(Member(std::string(kraken::testing::kRynDiscord)), "Ryn Calder",
                            {{"notes", "newer, from discord"}})
                  .ok());
  Type("Conflicts", 1, 11, "sheet");
  CycleReport report = Cycle();
  EXPECT_EQ(roster_.Get(Table::kPilot, "Ryn Calder", "notes"), "newer, from discord");
  EXPECT_THAT(report.rejected, Contains(HasSubstr("newer, from discord")));
  auto conflicts = projector_->Conflicts();
  ASSERT_TRUE(conflicts.ok());
  EXPECT_EQ(conflicts->Open().size(), 1u);  // still the admins' to settle
}

TEST_F(ProjectorTest, AnInvalidValueTypedAgainAfterAPullAndAPushIsListedAgain) {
  Cycle();
  const int ryn = RowOf(Tab("Pilots"), "Ryn Calder");
  const std::uint64_t head = roster_.Head();
  Type("Pilots", ryn, kCorpCol, "NOPE");
  Cycle(CycleMode::kPull);
  Cycle(CycleMode::kPush);  // puts KRKN back
  EXPECT_EQ(Tab("Pilots")[ryn][kCorpCol], "KRKN");
  Type("Pilots", ryn, kCorpCol, "NOPE");
  Cycle();
  EXPECT_EQ(CountOf(TypesOf(EventsSince(head)), "SheetEditRejected"), 2);
}

TEST_F(ProjectorTest, AConflictAPushKeptIsRecordedEvenIfThePilotLeavesMeanwhile) {
  Cycle();
  Type("Pilots", 7, 1, "Vex Moro");
  Type("Pilots", 7, kCorpCol, "BLKWT");
  ASSERT_TRUE(roster_.service().RegisterPilot(Admin(), "Vex Moro", {{"corp", "KRKN"}}).ok());
  Cycle(CycleMode::kPush);
  ASSERT_TRUE(roster_.service().PilotLeave(Admin(), "Vex Moro", "left").ok());
  const std::uint64_t head = roster_.Head();
  Cycle();
  EXPECT_EQ(RowOf(Tab("Pilots"), "Vex Moro"), -1);
  std::vector<std::string> rejected;
  for (const Event& e : EventsSince(head)) {
    if (const auto* r = std::get_if<SheetEditRejected>(&e.payload)) rejected.push_back(r->value);
  }
  EXPECT_THAT(rejected, ElementsAre("BLKWT"));
}

}  // namespace
}  // namespace kraken::sync
