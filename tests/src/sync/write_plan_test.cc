#include "src/sync/write_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "tests/src/sync/sync_fixture.h"

namespace kraken::sync {
namespace {

using testing::Base;
using testing::Grid;
using testing::Model;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Applies a plan to a grid the way the Sheets API would: deletions, then writes.
Grid Apply(Grid grid, const WritePlan& plan) {
  for (int row : plan.delete_rows) grid.erase(grid.begin() + row);
  for (const CellWrite& w : plan.cells) {
    if (grid.size() <= static_cast<std::size_t>(w.row)) grid.resize(w.row + 1);
    auto& r = grid[w.row];
    if (r.size() <= static_cast<std::size_t>(w.col)) r.resize(w.col + 1);
    r[w.col] = w.value;
  }
  return grid;
}

// The managed cells of a grid by id, as the projector would read them back.
std::map<std::string, std::vector<std::string>> Managed(const Grid& grid) {
  ParsedTab tab = ParseTab(testing::kColumns, grid);
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& row : tab.rows) out[row.id] = row.values;
  return out;
}

std::map<std::string, std::vector<std::string>> Expected(const TabModel& m) {
  return {m.rows.begin(), m.rows.end()};
}

const TabModel kThree = Model({{"P1", "Kaelen Voss", "KRKN", "Omega"},
                               {"P2", "Ryn Calder", "KRKN", "Alpha"},
                               {"P3", "Nyx Arden", "SNSE", "Omega"}});

TEST(WritePlanTest, AnEmptyTabGetsTheHeaderAndEveryRow) {
  WritePlan plan = PlanWrites(kThree, ParseTab(kThree.columns, {}), TabBase{});
  Grid after = Apply({}, plan);
  EXPECT_THAT(after[0], ElementsAre("kraken_id", "name", "corp", "clone"));
  EXPECT_EQ(Managed(after), Expected(kThree));
  EXPECT_EQ(plan.rows_needed, 4);
  EXPECT_EQ(plan.cols_needed, 4);
}

TEST(WritePlanTest, AnUpToDateTabNeedsNoWrites) {
  Grid sheet = Apply({}, PlanWrites(kThree, ParseTab(kThree.columns, {}), TabBase{}));
  WritePlan plan = PlanWrites(kThree, ParseTab(kThree.columns, sheet), Base(kThree));
  EXPECT_THAT(plan.cells, IsEmpty());
  EXPECT_THAT(plan.delete_rows, IsEmpty());
}

TEST(WritePlanTest, OnlyChangedCellsAreWrittenWhereverTheRowWasSortedTo) {
  Grid sheet = {{"kraken_id", "name", "corp", "clone", "my notes"},
                {"P3", "Nyx Arden", "SNSE", "Omega", "fc"},
                {"P1", "Kaelen Voss", "KRKN", "Omega", ""},
                {"P2", "Ryn Calder", "KRKN", "Alpha", "on leave"}};
  TabModel want = kThree;
  want.rows["P1"][1] = "SNSE";
  WritePlan plan = PlanWrites(want, ParseTab(want.columns, sheet), Base(kThree));
  ASSERT_EQ(plan.cells.size(), 1u);
  EXPECT_EQ(plan.cells[0].row, 2);
  EXPECT_EQ(plan.cells[0].col, 2);
  EXPECT_EQ(plan.cells[0].value, "SNSE");
}

TEST(WritePlanTest, ARemovedPilotsRowIsDeletedAndLaterWritesShiftUp) {
  Grid sheet = {{"kraken_id", "name", "corp", "clone", "my notes"},
                {"P1", "Kaelen Voss", "KRKN", "Omega", "a"},
                {"P2", "Ryn Calder", "KRKN", "Alpha", "b"},
                {"P3", "Nyx Arden", "SNSE", "Omega", "c"}};
  TabModel want = Model({{"P1", "Kaelen Voss", "KRKN", "Omega"},
                         {"P3", "Nyx Arden", "SNSE", "Alpha"},
                         {"P4", "Vex Moro", "KRKN", ""}});
  WritePlan plan = PlanWrites(want, ParseTab(want.columns, sheet), Base(kThree));
  EXPECT_THAT(plan.delete_rows, ElementsAre(2));
  Grid after = Apply(sheet, plan);
  EXPECT_EQ(Managed(after), Expected(want));
  // The admin's own column stayed with its rows.
  EXPECT_EQ(after[1][4], "a");
  EXPECT_EQ(after[2][4], "c");
  EXPECT_EQ(after[3][1], "Vex Moro");
}

TEST(WritePlanTest, AnAdminsNewRowGetsItsIdInPlace) {
  Grid sheet = {{"kraken_id", "name", "corp", "clone"},
                {"P1", "Kaelen Voss", "KRKN", "Omega"},
                {"", "vex moro", "krkn", ""},
                {"P2", "Ryn Calder", "KRKN", "Alpha"},
                {"P3", "Nyx Arden", "SNSE", "Omega"}};
  TabModel want = kThree;
  want.ids.push_back("P9");
  want.rows["P9"] = {"vex moro", "KRKN", ""};
  WritePlan plan = PlanWrites(want, ParseTab(want.columns, sheet), Base(kThree));
  Grid after = Apply(sheet, plan);
  EXPECT_THAT(after[2], ElementsAre("P9", "vex moro", "KRKN", ""));
  EXPECT_EQ(after.size(), 5u);
}

TEST(WritePlanTest, RowsMissingFromTheSheetComeBackAtTheBottom) {
  // The deletion guard refused: the log still has P2, so its row is restored.
  Grid sheet = {{"kraken_id", "name", "corp", "clone"},
                {"P1", "Kaelen Voss", "KRKN", "Omega"},
                {"P3", "Nyx Arden", "SNSE", "Omega"}};
  WritePlan plan = PlanWrites(kThree, ParseTab(kThree.columns, sheet), Base(kThree));
  Grid after = Apply(sheet, plan);
  EXPECT_EQ(Managed(after), Expected(kThree));
  EXPECT_EQ(after[3][0], "P2");
}

TEST(WritePlanTest, AMissingHeaderBecomesANewColumnNotOverAnAdminsColumn) {
  Grid sheet = {{"kraken_id", "name", "Corporation", "clone", "my notes"},
                {"P1", "Kaelen Voss", "KRKN", "Omega", "x"}};
  TabModel want = Model({{"P1", "Kaelen Voss", "KRKN", "Omega"}});
  WritePlan plan = PlanWrites(want, ParseTab(want.columns, sheet), Base(want));
  Grid after = Apply(sheet, plan);
  EXPECT_THAT(after[0], ElementsAre("kraken_id", "name", "Corporation", "clone", "my notes",
                                    "corp"));
  EXPECT_THAT(after[1], ElementsAre("P1", "Kaelen Voss", "KRKN", "Omega", "x", "KRKN"));
  EXPECT_EQ(plan.cols_needed, 6);
}

TEST(WritePlanTest, RowsWithUnknownIdsAreLeftAlone) {
  Grid sheet = {{"kraken_id", "name", "corp", "clone"},
                {"P1", "Kaelen Voss", "KRKN", "Omega"},
                {"P77", "Pasted Pilot", "XXX", ""}};
  TabModel want = Model({{"P1", "Kaelen Voss", "KRKN", "Omega"}});
  WritePlan plan = PlanWrites(want, ParseTab(want.columns, sheet), Base(want));
  EXPECT_THAT(plan.cells, IsEmpty());
  EXPECT_THAT(plan.delete_rows, IsEmpty());
}

}  // namespace
}  // namespace kraken::sync
