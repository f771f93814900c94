// The sheet projector under fire: Discord-style commands and an admin editing the
// sheet at the same time, cycle after cycle, with the Sheets emulator answering a
// share of all requests with 429 and 500. At the end the sheet shows exactly the
// projection, and nothing anyone typed or said was lost without a trace.
//
// The Discord side calls RosterService directly, as the interaction handlers do:
// the signed HTTP endpoint is built and tested on its own (src/discord).
// The fixture and the admin in the sheet: convergence_fixture.h and
// convergence_sheet_admin.cc.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "src/sheets/a1.h"
#include "tests/src/sync/convergence_fixture.h"

namespace kraken::sync {
namespace {

using convergence::Audit;
using convergence::ConvergenceTest;
using convergence::kCycles;
using convergence::LostEdits;
using convergence::Replay;
using convergence::UnseenReplacements;

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
