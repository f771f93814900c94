#include "src/sync/three_way.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/src/sync/sync_fixture.h"

namespace kraken::sync {
namespace {

using testing::Base;
using testing::Grid;
using testing::LogWins;
using testing::Model;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const TabModel kSynced = Model({{"P1", "Kaelen Voss", "KRKN", "Omega"},
                                {"P2", "Ryn Calder", "KRKN", "Alpha"},
                                {"P3", "Nyx Arden", "SNSE", "Omega"}});

Grid SheetOf(const TabModel& m) {
  Grid grid = {{"kraken_id", "name", "corp", "clone"}};
  for (const auto& id : m.ids) {
    std::vector<std::string> row = {id};
    for (const auto& v : *m.Find(id)) row.push_back(v);
    grid.push_back(row);
  }
  return grid;
}

TEST(ThreeWayTest, NothingChangedAnywhereImportsNothing) {
  auto c = Compare(kSynced, Base(kSynced), ParseTab(kSynced.columns, SheetOf(kSynced)), LogWins);
  EXPECT_THAT(c.imports, IsEmpty());
  EXPECT_THAT(c.conflicts, IsEmpty());
  EXPECT_THAT(c.deleted_ids, IsEmpty());
  EXPECT_THAT(c.rejected, IsEmpty());
}

TEST(ThreeWayTest, AnEditOnlyInTheSheetIsImportedAndOnlyInTheLogIsNot) {
  Grid sheet = SheetOf(kSynced);
  sheet[2][2] = "SNSE";  // Ryn's corp, edited by an admin
  TabModel log = kSynced;
  log.rows["P3"][2] = "Alpha";  // Nyx's clone, changed from Discord
  auto c = Compare(log, Base(kSynced), ParseTab(log.columns, sheet), LogWins);
  ASSERT_EQ(c.imports.size(), 1u);
  EXPECT_EQ(c.imports[0].id, "P2");
  EXPECT_THAT(c.imports[0].values, ElementsAre("Ryn Calder", "SNSE", "Alpha"));
  EXPECT_THAT(c.imports[0].from_sheet, ElementsAre(false, true, false));
  EXPECT_THAT(c.conflicts, IsEmpty());
}

TEST(ThreeWayTest, TheSameCellChangedOnBothSidesIsAConflictResolvedByPolicy) {
  Grid sheet = SheetOf(kSynced);
  sheet[1][3] = "Alpha";  // the sheet says Alpha
  TabModel log = kSynced;
  log.rows["P1"][2] = "";  // the log cleared it meanwhile
  for (Policy policy : {Policy::kLogWins, Policy::kManual, Policy::kSheetWins}) {
    auto c = Compare(log, Base(kSynced), ParseTab(log.columns, sheet),
                     [&](const std::string&) { return policy; });
    ASSERT_EQ(c.conflicts.size(), 1u);
    const CellConflict& x = c.conflicts[0];
    EXPECT_EQ(x.key, "Kaelen Voss");
    EXPECT_EQ(x.column, "clone");
    EXPECT_EQ(x.base, "Omega");
    EXPECT_EQ(x.sheet, "Alpha");
    EXPECT_EQ(x.log, "");
    EXPECT_EQ(x.row, 1);
    EXPECT_EQ(x.col, 3);
    EXPECT_EQ(x.policy, policy);
    if (policy == Policy::kSheetWins) {
      ASSERT_EQ(c.imports.size(), 1u);
      EXPECT_EQ(c.imports[0].values[2], "Alpha");
    } else {
      EXPECT_THAT(c.imports, IsEmpty());
    }
  }
}

TEST(ThreeWayTest, BothSidesMakingTheSameChangeIsNoConflict) {
  Grid sheet = SheetOf(kSynced);
  sheet[3][2] = "KRKN";
  TabModel log = kSynced;
  log.rows["P3"][1] = "KRKN";
  auto c = Compare(log, Base(kSynced), ParseTab(log.columns, sheet), LogWins);
  EXPECT_THAT(c.imports, IsEmpty());
  EXPECT_THAT(c.conflicts, IsEmpty());
}

TEST(ThreeWayTest, SortingAndInsertingRowsIsNotAnEdit) {
  Grid sheet = {{"kraken_id", "name", "corp", "clone"},
                {"P3", "Nyx Arden", "SNSE", "Omega"},
                {},
                {"P1", "Kaelen Voss", "KRKN", "Omega"},
                {"", "", "", ""},
                {"P2", "Ryn Calder", "KRKN", "Alpha"}};
  auto c = Compare(kSynced, Base(kSynced), ParseTab(kSynced.columns, sheet), LogWins);
  EXPECT_THAT(c.imports, IsEmpty());
  EXPECT_THAT(c.deleted_ids, IsEmpty());
  EXPECT_THAT(c.rejected, IsEmpty());
}

TEST(ThreeWayTest, ARowWithoutAnIdIsNewAndADeletedRowIsReported) {
  Grid sheet = {{"kraken_id", "name", "corp", "clone"},
                {"P1", "Kaelen Voss", "KRKN", "Omega"},
                {"P3", "Nyx Arden", "SNSE", "Omega"},
                {"", "Vex Moro", "KRKN", "alpha"}};
  auto c = Compare(kSynced, Base(kSynced), ParseTab(kSynced.columns, sheet), LogWins);
  ASSERT_EQ(c.imports.size(), 1u);
  EXPECT_EQ(c.imports[0].id, "");
  EXPECT_EQ(c.imports[0].row, 3);
  EXPECT_THAT(c.imports[0].values, ElementsAre("Vex Moro", "KRKN", "alpha"));
  EXPECT_THAT(c.deleted_ids, ElementsAre("P2"));
}

TEST(ThreeWayTest, ARowDeletedAndTypedAgainIsTheSameRow) {
  Grid sheet = {{"kraken_id", "name", "corp", "clone"},
                {"P1", "Kaelen Voss", "KRKN", "Omega"},
                {"P3", "Nyx Arden", "SNSE", "Omega"},
                {"", "ryn calder", "SNSE", "Alpha"}};
  auto c = Compare(kSynced, Base(kSynced), ParseTab(kSynced.columns, sheet), LogWins);
  EXPECT_THAT(c.deleted_ids, IsEmpty());
  ASSERT_EQ(c.imports.size(), 1u);
  EXPECT_EQ(c.imports[0].id, "P2");
  EXPECT_THAT(c.imports[0].from_sheet, ElementsAre(false, true, false));
  ASSERT_EQ(c.rejected.size(), 1u);  // the name's case cannot change
  EXPECT_THAT(c.rejected[0].reason, HasSubstr("cannot be renamed"));
}

TEST(ThreeWayTest, BadRowsAreRejectedWithAReasonNotImported) {
  Grid sheet = SheetOf(kSynced);
  sheet[2][1] = "Ryn Calderon";                            // renaming a key
  sheet.push_back({"", "", "KRKN", "Omega"});              // no name
  sheet.push_back({"", "Nyx Arden", "KRKN", "Omega"});     // already on the sheet
  sheet.push_back({"P99", "Ghost Pilot", "KRKN", ""});     // an id nobody knows
  sheet.push_back({"P1", "Kaelen Voss", "KRKN", "Omega"});  // a copied row
  sheet.push_back({"", "Vex Moro", "KRKN", ""});
  sheet.push_back({"", "vex moro", "SNSE", ""});           // added twice
  auto c = Compare(kSynced, Base(kSynced), ParseTab(kSynced.columns, sheet), LogWins);
  std::vector<std::string> reasons;
  for (const auto& r : c.rejected) reasons.push_back(r.reason);
  EXPECT_THAT(reasons, ::testing::UnorderedElementsAre(
                           HasSubstr("repeats the kraken_id"), HasSubstr("cannot be renamed"),
                           HasSubstr("has values but no name"), HasSubstr("already on the sheet"),
                           HasSubstr("does not know"), HasSubstr("added twice")));
  ASSERT_EQ(c.imports.size(), 1u);
  EXPECT_EQ(c.imports[0].values[0], "Vex Moro");
}

TEST(ThreeWayTest, WithoutABaseEveryDifferenceIsAVisibleConflict) {
  Grid sheet = SheetOf(kSynced);
  sheet[1][2] = "SNSE";
  auto c = Compare(kSynced, TabBase{}, ParseTab(kSynced.columns, sheet), LogWins);
  ASSERT_EQ(c.conflicts.size(), 1u);
  EXPECT_EQ(c.conflicts[0].sheet, "SNSE");
  EXPECT_EQ(c.conflicts[0].log, "KRKN");
  EXPECT_THAT(c.deleted_ids, IsEmpty());
}

TEST(ThreeWayTest, AMissingManagedColumnImportsNothingFromIt) {
  Grid sheet = SheetOf(kSynced);
  sheet[0][2] = "Corporation";  // renamed header: the column is the admin's now
  sheet[2][2] = "SNSE";
  auto c = Compare(kSynced, Base(kSynced), ParseTab(kSynced.columns, sheet), LogWins);
  EXPECT_THAT(c.imports, IsEmpty());
  EXPECT_THAT(c.conflicts, IsEmpty());
}

TEST(ThreeWayTest, EditsToARowWhosePilotLeftAreRejectedWithTheirValues) {
  Grid sheet = SheetOf(kSynced);
  sheet[2][2] = "SNSE";  // Ryn's corp and clone, edited by an admin...
  sheet[2][3] = "Omega";
  TabModel log = Model({{"P1", "Kaelen Voss", "KRKN", "Omega"},
                        {"P3", "Nyx Arden", "SNSE", "Omega"}});  // ... while Ryn left
  auto c = Compare(log, Base(kSynced), ParseTab(log.columns, sheet), LogWins);
  std::vector<std::pair<std::string, std::string>> rejected;
  for (const auto& r : c.rejected) {
    EXPECT_EQ(r.key, "Ryn Calder");
    EXPECT_THAT(r.reason, HasSubstr("removed from the roster"));
    rejected.emplace_back(r.column, r.value);
  }
  EXPECT_THAT(rejected, ElementsAre(std::pair<std::string, std::string>{"corp", "SNSE"},
                                    std::pair<std::string, std::string>{"clone", "Omega"}));
}

TEST(ThreeWayTest, ARenameIsRejectedForTheRowItWasTypedOn) {
  Grid sheet = SheetOf(kSynced);
  sheet[2][1] = "Ryn Calderon";
  auto c = Compare(kSynced, Base(kSynced), ParseTab(kSynced.columns, sheet), LogWins);
  ASSERT_EQ(c.rejected.size(), 1u);
  EXPECT_EQ(c.rejected[0].key, "Ryn Calder");
  EXPECT_EQ(c.rejected[0].value, "Ryn Calderon");
}

TEST(ThreeWayTest, ATabWhoseRowsCannotBeIdentifiedDeletesNothing) {
  // The header row was deleted: the first pilot's row reads as the header, so
  // there is neither a kraken_id nor a name column to find any row by.
  Grid sheet = SheetOf(kSynced);
  sheet.erase(sheet.begin());
  auto c = Compare(kSynced, Base(kSynced), ParseTab(kSynced.columns, sheet), LogWins);
  EXPECT_THAT(c.deleted_ids, IsEmpty());
  EXPECT_THAT(c.imports, IsEmpty());
}

TEST(ThreeWayTest, WithoutABaseTwoSpellingsOfOneValueAreNoConflict) {
  Grid sheet = SheetOf(kSynced);
  sheet[1][2] = "krkn";   // a ticker typed in lower case
  sheet[2][3] = "alpha";  // an enum value too
  sheet[3][2] = "BLKWT";  // and a real difference
  auto same = [](std::size_t, const std::string& a, const std::string& b) {
    return EqualsIgnoreCase(a, b);
  };
  auto c = Compare(kSynced, TabBase{}, ParseTab(kSynced.columns, sheet), LogWins, same);
  ASSERT_EQ(c.conflicts.size(), 1u);
  EXPECT_EQ(c.conflicts[0].sheet, "BLKWT");
}

TEST(PolicyTest, NamesRoundTrip) {
  for (Policy p : {Policy::kSheetWins, Policy::kLogWins, Policy::kManual}) {
    EXPECT_EQ(ParsePolicy(PolicyName(p)), p);
  }
  EXPECT_FALSE(ParsePolicy("sheet_wins").has_value());
}

}  // namespace
}  // namespace kraken::sync
