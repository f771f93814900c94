// What a sheet edit may not do. Anyone with edit access to the spreadsheet can
// type anything into any cell; the projector imports only what each column
// allows (validated like any command), lists every other edit as rejected, keeps
// it in the log as SheetEditRejected, and puts the log's value back.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "src/sheets/a1.h"
#include "src/sync/projector.h"
#include "src/sync/sheet_grid.h"
#include "tests/src/app/app_test_support.h"
#include "tests/src/sheets/emulator_fixture.h"
#include "tests/src/sync/sheet_edits.h"

namespace kraken::sync {
namespace {

using kraken::testing::TestRoster;
using kraken::testing::TypesOf;
using sheets::Cell;
using sheets::ValueRange;
using ::testing::Contains;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The Pilots tab: kraken_id, name, discord_id, corp, clone, main, timezone,
// notes, then the declared columns.
constexpr int kIdCol = 0, kNameCol = 1, kDiscordCol = 2, kCorpCol = 3, kCloneCol = 4, kMainCol = 5,
              kJoinedCol = 8;

constexpr std::string_view kColumns = R"(
[[pilot.columns]]
name = "joined"
type = "date"
editable_by = "admin"
)";

class SheetPermissionsTest : public ::testing::Test {
 protected:
  SheetPermissionsTest()
      : roster_(kraken::testing::SchemaFromToml(kColumns)),
        sheet_(sheets::testing::StartEmulatedSheet()) {
    roster_.AddSampleAlliance();
    client_ = sheet_.Client();
    editor_ = sheet_.Client();
    ProjectorOptions options;
    options.policy = [](Table, const std::string&) { return Policy::kLogWins; };
    options.max_deletions = 1;
    options.max_deletion_share = 0.25;
    projector_ = std::make_unique<SheetProjector>(roster_.service(), *client_, options);
    Cycle();
    pilots_ = Tab("Pilots");
  }

  CycleReport Cycle() {
    auto report = projector_->RunCycle(CycleMode::kFull);
    if (!report.ok()) throw std::runtime_error(report.error().message);
    return *report;
  }

  TextGrid Tab(const std::string& title) { return testing::ReadTab(*editor_, title); }

  int RowOf(const std::string& key) {
    for (std::size_t r = 0; r < pilots_.size(); ++r) {
      if (pilots_[r].size() > 1 && pilots_[r][kNameCol] == key) return static_cast<int>(r);
    }
    throw std::runtime_error("no row for " + key);
  }

  // Someone with edit access typing into a cell.
  void Type(const std::string& tab, int row, int col, const std::string& text) {
    testing::TypeInto(*editor_, tab, row, col, text);
  }

  std::vector<Event> EventsSince(std::uint64_t seq) {
    return testing::EventsAfter(roster_.log(), seq);
  }

  // One edit the column does not allow: listed with `reason`, recorded as a
  // rejection and nothing else, the tables unchanged, and the sheet put right
  // (the row as it was) by the same cycle.
  void ExpectRejected(int row, int col, const std::string& typed, const std::string& reason) {
    const auto before = kraken::testing::DumpTables(roster_.service());
    const std::uint64_t head = roster_.Head();
    Type("Pilots", row, col, typed);
    const CycleReport report = Cycle();
    SCOPED_TRACE("typed '" + typed + "' into row " + std::to_string(row + 1));
    EXPECT_THAT(report.imported, IsEmpty());
    EXPECT_THAT(report.rejected, Contains(HasSubstr(reason)));
    const std::vector<std::string> types = TypesOf(EventsSince(head));
    EXPECT_THAT(types, Contains("SheetEditRejected"));
    EXPECT_THAT(types, Each(::testing::AnyOf("SheetEditRejected", "ImportBatchCommitted")));
    EXPECT_EQ(kraken::testing::DumpTables(roster_.service()), before);
    const TextGrid now = Tab("Pilots");
    ASSERT_GT(now.size(), static_cast<std::size_t>(row));
    EXPECT_EQ(now[row], pilots_[row]) << "the sheet was not put right";
  }

  TestRoster roster_;
  sheets::testing::EmulatedSheet sheet_;
  std::unique_ptr<sheets::SheetsClient> client_;
  std::unique_ptr<sheets::SheetsClient> editor_;
  std::unique_ptr<SheetProjector> projector_;
  TextGrid pilots_;  // after the first cycle
};

TEST_F(SheetPermissionsTest, AValueOutsideAnEnumIsRejected) {
  ExpectRejected(RowOf("Ryn Calder"), kCloneCol, "Alfa", "Alpha, Omega");
}

TEST_F(SheetPermissionsTest, AnUnknownCorpIsRejected) {
  ExpectRejected(RowOf("Ryn Calder"), kCorpCol, "NOPE", "NOPE");
}

TEST_F(SheetPermissionsTest, AMainThatIsNoPilotIsRejected) {
  ExpectRejected(RowOf("Marek Halden"), kMainCol, "Nobody Known", "Nobody Known");
}

TEST_F(SheetPermissionsTest, ADiscordIdThatIsNotOneIsRejected) {
  ExpectRejected(RowOf("Marek Halden"), kDiscordCol, "@marek", "@marek");
}

TEST_F(SheetPermissionsTest, AnImpossibleDateInADeclaredColumnIsRejected) {
  ExpectRejected(RowOf("Marek Halden"), kJoinedCol, "2026-02-30", "2026-02-30");
}

TEST_F(SheetPermissionsTest, AKeyCannotBeRenamedOrBlankedInTheSheet) {
  ExpectRejected(RowOf("Ryn Calder"), kNameCol, "Ryn Renamed", "cannot be renamed");
  ExpectRejected(RowOf("Ryn Calder"), kNameCol, "", "cannot be renamed");
  EXPECT_TRUE(roster_.Get(Table::kPilot, "Ryn Calder", "corp").has_value());
  EXPECT_FALSE(roster_.Get(Table::kPilot, "Ryn Renamed", "corp").has_value());
}

TEST_F(SheetPermissionsTest, ANewRowWithoutAKeyIsRejectedAndAddsNobody) {
  const std::uint64_t head = roster_.Head();
  const int row = static_cast<int>(pilots_.size()) + 1;
  Type("Pilots", row, kCorpCol, "KRKN");
  const CycleReport report = Cycle();
  EXPECT_THAT(report.imported, IsEmpty());
  EXPECT_THAT(report.rejected, Contains(HasSubstr("has values but no name")));
  EXPECT_THAT(TypesOf(EventsSince(head)),
              Each(::testing::AnyOf("SheetEditRejected", "ImportBatchCommitted")));
  EXPECT_EQ(roster_.service().Read(
                [](const AllianceState& s) { return s.roster().Rows(Table::kPilot).size(); }),
            pilots_.size() - 1);
}

TEST_F(SheetPermissionsTest, AKrakenIdTypedOverIsRejectedAndThePilotStays) {
  const int ryn = RowOf("Ryn Calder");
  const auto before = kraken::testing::DumpTables(roster_.service());
  const std::uint64_t head = roster_.Head();
  Type("Pilots", ryn, kIdCol, "P424242");
  const CycleReport report = Cycle();
  EXPECT_THAT(report.rejected, Contains(HasSubstr("KRAKEN's ids cannot be edited")));
  EXPECT_THAT(TypesOf(EventsSince(head)), Not(Contains("PilotLeftAlliance")));
  EXPECT_EQ(kraken::testing::DumpTables(roster_.service()), before);
  EXPECT_EQ(Tab("Pilots"), pilots_) << "the id was not written back";
}

TEST_F(SheetPermissionsTest, AnEditBesideAKrakenIdTypedOverIsStillImported) {
  const int ryn = RowOf("Ryn Calder");
  Type("Pilots", ryn, kIdCol, "P424242");
  Type("Pilots", ryn, kCloneCol, "Alpha");
  const CycleReport report = Cycle();
  EXPECT_THAT(report.imported, Contains(HasSubstr("Ryn Calder clone")));
  EXPECT_EQ(roster_.Get(Table::kPilot, "Ryn Calder", "clone"), "Alpha");
  EXPECT_EQ(Tab("Pilots")[ryn][kIdCol], pilots_[ryn][kIdCol]);
}

TEST_F(SheetPermissionsTest, AKrakenIdCopiedFromAnotherRowIsRejectedAndBothPilotsStay) {
  const int ryn = RowOf("Ryn Calder");
  const int marek = RowOf("Marek Halden");
  const auto before = kraken::testing::DumpTables(roster_.service());
  const std::uint64_t head = roster_.Head();
  Type("Pilots", marek, kIdCol, pilots_[ryn][kIdCol]);
  const CycleReport report = Cycle();
  EXPECT_THAT(report.rejected, Contains(HasSubstr("repeats the kraken_id")));
  EXPECT_THAT(TypesOf(EventsSince(head)), Not(Contains("PilotLeftAlliance")));
  EXPECT_EQ(kraken::testing::DumpTables(roster_.service()), before);
}

TEST_F(SheetPermissionsTest, TheAnalyticsTabIsOutputOnlyAndAnEditIsOverwritten) {
  TextGrid analytics = Tab("Analytics");
  ASSERT_GT(analytics.size(), 1u);
  ASSERT_GT(analytics[1].size(), 1u);
  const std::uint64_t head = roster_.Head();
  sheets::A1Range a1{"Analytics", 1, 1, 2, 2};
  ASSERT_TRUE(
      editor_
          ->BatchUpdate({ValueRange{sheets::FormatA1ForRequest(a1), {{Cell::String("999")}}}},
                        sheets::ValueInput::kUserEntered)
          .ok());
  Cycle();
  EXPECT_EQ(roster_.Head(), head) << "an edit of the Analytics tab was imported";
  EXPECT_EQ(Tab("Analytics")[1][1], analytics[1][1]);
}

}  // namespace
}  // namespace kraken::sync
