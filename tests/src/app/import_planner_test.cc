// PlanImport against the tables of a real log: what a CSV file would add,
// change, remove and reject, and the events --apply would append. Planning
// writes nothing.

#include "src/app/import_planner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/src/app/app_test_support.h"

namespace kraken {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::TestRoster;
using testing::TypesOf;

constexpr std::string_view kBatch = "import-20261204T153100-1a2b";

std::vector<std::string> KeysOf(const std::vector<RowPlan>& rows) {
  std::vector<std::string> keys;
  for (const RowPlan& r : rows) keys.push_back(r.key);
  return keys;
}

class ImportPlannerTest : public ::testing::Test {
 protected:
  void SetUp() override { roster_.AddSampleAlliance(); }

  Result<ImportPlan> TryPlan(std::string_view csv_text, bool remove_missing = false) {
    auto csv = ParseCsv(csv_text);
    if (!csv.ok()) throw std::runtime_error("bad test CSV: " + csv.error().message);
    ImportOptions options;
    options.origin = "roster.csv";
    options.batch_id = std::string(kBatch);
    options.remove_missing = remove_missing;
    const std::uint64_t head = roster_.Head();
    auto plan = roster_.service().Read(
        [&](const AllianceState& state) { return PlanImport(state, *csv, options); });
    EXPECT_EQ(roster_.Head(), head) << "planning wrote to the log";
    return plan;
  }
  ImportPlan Plan(std::string_view csv_text, bool remove_missing = false) {
    auto plan = TryPlan(csv_text, remove_missing);
    if (!plan.ok()) throw std::runtime_error("planning failed: " + plan.error().message);
    return std::move(plan).value();
  }
  static const CellRejection* RejectionOn(const ImportPlan& plan, std::size_t line) {
    for (const auto& r : plan.rejected) {
      if (r.line == line) return &r;
    }
    return nullptr;
  }
  static const Event* EventOn(const ImportPlan& plan, std::string_view stream,
                              std::string_view type) {
    for (const auto& e : plan.events) {
      if (e.stream == stream && e.type() == type) return &e;
    }
    return nullptr;
  }

  TestRoster roster_;
};

TEST_F(ImportPlannerTest, RowsAreSortedIntoAddedChangedAndUnchanged) {
  const ImportPlan plan = Plan(
      "ticker,name,status\n"
      "KRKN,Kraken Deep Industries,member\n"
      "blkwt,Blackwater Tide,BLUE\n"
      "VOID,Void Serpent Syndicate,member\n");
  EXPECT_EQ(plan.table, Table::kCorp);
  ASSERT_EQ(plan.added.size(), 1u);
  EXPECT_EQ(plan.added[0].key, "VOID");
  EXPECT_EQ(plan.added[0].line, 4u);
  ASSERT_EQ(plan.changed.size(), 1u);
  EXPECT_EQ(plan.changed[0].key, "BLKWT");  // the stored spelling, not the file's
  EXPECT_EQ(plan.changed[0].line, 3u);
  ASSERT_EQ(plan.changed[0].changes.size(), 1u);
  EXPECT_EQ(plan.changed[0].changes[0].column, "status");
  EXPECT_EQ(plan.changed[0].changes[0].before, "member");
  EXPECT_EQ(plan.changed[0].changes[0].after, "blue");
  EXPECT_EQ(plan.unchanged, 1u);
  EXPECT_THAT(plan.removed, IsEmpty());
  EXPECT_THAT(plan.rejected, IsEmpty());

  ASSERT_THAT(TypesOf(plan.events),
              ElementsAre("CorpChanged", "CorpCreated", "ImportBatchCommitted"));
  EXPECT_EQ(plan.events[0].stream, "corp/BLKWT");
  EXPECT_EQ(std::get<CorpChanged>(plan.events[0].payload).changes, (Fields{{"status", "blue"}}));
  EXPECT_EQ(std::get<CorpCreated>(plan.events[1].payload).fields,
            (Fields{{"name", "Void Serpent Syndicate"}, {"status", "member"}}));
  for (const Event& e : plan.events) EXPECT_EQ(e.correlation_id, kBatch);
  const Event& marker = plan.events.back();
  EXPECT_EQ(marker.stream, "import/" + std::string(kBatch));
  const auto& committed = std::get<ImportBatchCommitted>(marker.payload);
  EXPECT_EQ(committed.batch_id, kBatch);
  EXPECT_EQ(committed.origin, "roster.csv");
  EXPECT_EQ(committed.rows_added, 1u);
  EXPECT_EQ(committed.rows_changed, 1u);
  EXPECT_EQ(committed.rows_removed, 0u);
  EXPECT_EQ(committed.cells_rejected, 0u);
  // Each stream is expected at the version the plan was made against.
  EXPECT_EQ(plan.expected_versions.at("corp/VOID"), 0u);
  EXPECT_EQ(plan.expected_versions.at("corp/BLKWT"), 1u);
}

TEST_F(ImportPlannerTest, AFileThatChangesNothingPlansNoEvents) {
  const ImportPlan plan = Plan("name,clone,notes\nryn calder,omega,logi FC\n");
  EXPECT_THAT(plan.added, IsEmpty());
  EXPECT_THAT(plan.changed, IsEmpty());
  EXPECT_EQ(plan.unchanged, 1u);
  EXPECT_THAT(plan.events, IsEmpty());
}

TEST_F(ImportPlannerTest, RowsMissingFromTheFileAreOnlyListedWithoutRemoveMissing) {
  const ImportPlan plan = Plan("name,notes\nKaelen Voss,executor\nVoss Hauler,\n");
  EXPECT_THAT(KeysOf(plan.removed), ElementsAre("Calder Miner", "Marek Halden", "Ryn Calder"));
  EXPECT_EQ(plan.removed[0].line, 0u);
  EXPECT_THAT(TypesOf(plan.events), ElementsAre("PilotFieldsChanged", "ImportBatchCommitted"));
  EXPECT_EQ(std::get<ImportBatchCommitted>(plan.events.back().payload).rows_removed, 0u);
}

TEST_F(ImportPlannerTest, BlanksAroundAKeyAreNotPartOfIt) {
  // Found by fuzzing: a tab after a ticker was kept, the row refused, and the
  // corp read as missing from the file (so removed with --remove-missing).
  const ImportPlan plan = Plan(
      "ticker,name,status\n"
      "KRKN\t,Kraken Deep Industries,member\n"
      " \tBLKWT ,Blackwater Tide,member\n");
  EXPECT_THAT(plan.rejected, IsEmpty());
  EXPECT_THAT(plan.added, IsEmpty());
  EXPECT_EQ(plan.unchanged, 2u);
}

TEST_F(ImportPlannerTest, RejectedCellsSayWhyAndTheRestOfTheRowIsStillPlanned) {
  const ImportPlan plan = Plan(
      "name,corp,clone,notes\n"
      "Nyx Marlowe,KRKM,Omega,new\n"          // line 2: unknown corp
      "Ryn Calder,KRKN,Alfa,on a break\n"     // line 3: bad enum
      ",KRKN,Omega,no name\n"                 // line 4: blank key
      "nyx marlowe,KRKN,Alpha,again\n"        // line 5: duplicate key
      "Kaelen  Voss,KRKN,Omega,two spaces\n"  // line 6: invalid key
  );
  ASSERT_EQ(plan.rejected.size(), 5u);

  const CellRejection* corp = RejectionOn(plan, 2);
  ASSERT_NE(corp, nullptr);
  EXPECT_EQ(corp->key, "Nyx Marlowe");
  EXPECT_EQ(corp->column, "corp");
  EXPECT_EQ(corp->value, "KRKM");
  EXPECT_EQ(corp->reason, "corp 'KRKM' not found; did you mean 'KRKN'?");

  const CellRejection* clone = RejectionOn(plan, 3);
  ASSERT_NE(clone, nullptr);
  EXPECT_EQ(clone->column, "clone");
  EXPECT_EQ(clone->reason, "clone must be one of Alpha, Omega, not 'Alfa'");

  const CellRejection* blank = RejectionOn(plan, 4);
  ASSERT_NE(blank, nullptr);
  EXPECT_EQ(blank->column, "name");
  EXPECT_EQ(blank->reason, "the row has no name; every row needs one");

  const CellRejection* twice = RejectionOn(plan, 5);
  ASSERT_NE(twice, nullptr);
  EXPECT_EQ(twice->reason, "'nyx marlowe' is listed twice (first on line 2); keep one row");

  const CellRejection* invalid = RejectionOn(plan, 6);
  ASSERT_NE(invalid, nullptr);
  EXPECT_EQ(invalid->column, "name");
  EXPECT_THAT(invalid->reason, HasSubstr("1 to 37 characters"));

  // The valid cells of rejected rows are still planned (--skip-rejected imports them).
  ASSERT_EQ(plan.added.size(), 1u);
  EXPECT_EQ(plan.added[0].key, "Nyx Marlowe");
  const Event* nyx = EventOn(plan, "pilot/Nyx Marlowe", "PilotRegistered");
  ASSERT_NE(nyx, nullptr);
  EXPECT_EQ(std::get<PilotRegistered>(nyx->payload).fields,
            (Fields{{"clone", "Omega"}, {"notes", "new"}}));
  const Event* ryn = EventOn(plan, "pilot/Ryn Calder", "PilotFieldsChanged");
  ASSERT_NE(ryn, nullptr);
  EXPECT_EQ(std::get<PilotFieldsChanged>(ryn->payload).changes, (Fields{{"notes", "on a break"}}));
  EXPECT_EQ(std::get<ImportBatchCommitted>(plan.events.back().payload).cells_rejected, 5u);
}

TEST_F(ImportPlannerTest, AnUnknownColumnListsTheKnownOnes) {
  auto plan = TryPlan("name,rank\nRyn Calder,3\n");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(plan.error().message,
            "column 'rank' is not a pilot column; known columns: name, discord_id, corp, clone, "
            "main, timezone, notes (declare new ones in the config file)");
}

TEST_F(ImportPlannerTest, AHeaderWithNeitherNameNorTickerIsRefused) {
  auto plan = TryPlan("pilot,corp\nRyn Calder,KRKN\n");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message,
            "the header needs a 'name' column (a pilots file) or a 'ticker' column (a corps file)");
}

TEST_F(ImportPlannerTest, ARepeatedColumnIsRefused) {
  auto plan = TryPlan("name,clone,Clone\nRyn Calder,Omega,Alpha\n");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message, "column 'clone' appears twice in the header");
}

TEST_F(ImportPlannerTest, AMainAddedInTheSameFileIsResolved) {
  const ImportPlan plan = Plan(
      "name,corp,main\n"
      "Nyx Cyno,KRKN,nyx marlowe\n"  // its main comes later in the file
      "Nyx Marlowe,KRKN,\n");
  EXPECT_THAT(plan.rejected, IsEmpty());
  EXPECT_THAT(KeysOf(plan.added), ElementsAre("Nyx Cyno", "Nyx Marlowe"));
  const Event* link = EventOn(plan, "pilot/Nyx Cyno", "AltLinked");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(std::get<AltLinked>(link->payload).main, "Nyx Marlowe");
}

TEST_F(ImportPlannerTest, AMainThatIsItselfAnAltIsRejected) {
  const ImportPlan existing = Plan("name,main\nMarek Halden,Voss Hauler\n");
  ASSERT_EQ(existing.rejected.size(), 1u);
  EXPECT_EQ(existing.rejected[0].column, "main");
  EXPECT_EQ(existing.rejected[0].value, "Voss Hauler");
  EXPECT_EQ(existing.rejected[0].reason,
            "'Voss Hauler' is itself an alt of 'Kaelen Voss'; use 'Kaelen Voss' as main");
  EXPECT_EQ(EventOn(existing, "pilot/Marek Halden", "AltLinked"), nullptr);

  // An alt's main that becomes an alt in the same file.
  const ImportPlan chained = Plan("name,main\nNyx Cyno,Nyx Marlowe\nNyx Marlowe,Kaelen Voss\n");
  const CellRejection* cyno = RejectionOn(chained, 2);
  ASSERT_NE(cyno, nullptr);
  EXPECT_EQ(cyno->reason,
            "'Nyx Marlowe' is itself an alt of 'Kaelen Voss'; use 'Kaelen Voss' as main");

  // A main whose alts stay its alts cannot become an alt.
  const ImportPlan with_alts = Plan("name,main\nKaelen Voss,Marek Halden\n");
  ASSERT_EQ(with_alts.rejected.size(), 1u);
  EXPECT_EQ(with_alts.rejected[0].reason, "'Kaelen Voss' has alts of its own; unlink them first");
}

TEST_F(ImportPlannerTest, RemoveMissingRemovesRowsUnlinksTheirAltsAndClearsTheCeo) {
  const ImportPlan plan =
      Plan("name\nVoss Hauler\nRyn Calder\nCalder Miner\nMarek Halden\n", /*remove_missing=*/true);
  EXPECT_THAT(KeysOf(plan.removed), ElementsAre("Kaelen Voss"));
  ASSERT_THAT(TypesOf(plan.events), ElementsAre("AltUnlinked", "CorpChanged", "PilotLeftAlliance",
                                                "ImportBatchCommitted"));
  EXPECT_EQ(plan.events[0].stream, "pilot/Voss Hauler");
  EXPECT_EQ(std::get<AltUnlinked>(plan.events[0].payload).main, "Kaelen Voss");
  EXPECT_EQ(plan.events[1].stream, "corp/KRKN");
  EXPECT_EQ(std::get<CorpChanged>(plan.events[1].payload).changes, (Fields{{"ceo", ""}}));
  EXPECT_EQ(plan.events[2].stream, "pilot/Kaelen Voss");
  EXPECT_EQ(std::get<PilotLeftAlliance>(plan.events[2].payload).reason, "not in roster.csv");
  EXPECT_EQ(std::get<ImportBatchCommitted>(plan.events.back().payload).rows_removed, 1u);
}

TEST_F(ImportPlannerTest, RemoveMissingRefusesToLinkAnAltToAMainItRemoves) {
  // Marek Halden is not in the file, so --remove-missing removes him: linking a new
  // alt to him would leave it pointing at a pilot who left.
  const ImportPlan plan = Plan(
      "name,main\nKaelen Voss,\nVoss Hauler,Kaelen Voss\nRyn Calder,\nCalder Miner,Ryn Calder\n"
      "Nyx Marlowe,Marek Halden\n",
      true);
  EXPECT_THAT(KeysOf(plan.removed), ElementsAre("Marek Halden"));
  const CellRejection* main = RejectionOn(plan, 6);
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(main->column, "main");
  EXPECT_THAT(main->reason, HasSubstr("'Marek Halden' is not in the file"));
  EXPECT_EQ(EventOn(plan, "pilot/Nyx Marlowe", "AltLinked"), nullptr);
  // Without --remove-missing he stays, and the link is fine.
  const ImportPlan kept = Plan("name,main\nNyx Marlowe,Marek Halden\n");
  EXPECT_THAT(kept.rejected, IsEmpty());
  EXPECT_NE(EventOn(kept, "pilot/Nyx Marlowe", "AltLinked"), nullptr);
}

TEST_F(ImportPlannerTest, RemoveMissingKeepsACorpThatStillHasPilots) {
  const ImportPlan plan = Plan("ticker,name\nKRKN,Kraken Deep Industries\n", true);
  EXPECT_THAT(plan.removed, IsEmpty());
  ASSERT_EQ(plan.rejected.size(), 1u);
  EXPECT_EQ(plan.rejected[0].key, "BLKWT");
  EXPECT_EQ(plan.rejected[0].reason, "not in the file, but the corp still has pilots; it is kept");
  EXPECT_THAT(plan.events, IsEmpty());
}

TEST_F(ImportPlannerTest, KeysMatchIgnoringCaseAndSurroundingSpaces) {
  const ImportPlan plan = Plan(
      "name,notes\n kaelen voss ,\nVOSS HAULER,\nRyn Calder,logi FC\nCalder Miner,\n"
      "Marek Halden ,\n",
      true);
  EXPECT_THAT(plan.removed, IsEmpty());
  EXPECT_THAT(plan.added, IsEmpty());
  EXPECT_EQ(plan.unchanged, 5u);
  EXPECT_THAT(plan.events, IsEmpty());
}

TEST_F(ImportPlannerTest, ANewCorpIsAMemberUnlessTheFileSaysOtherwise) {
  const ImportPlan plan = Plan("ticker,name\nNEWC,New Corp\n");
  ASSERT_EQ(plan.added.size(), 1u);
  const Event* created = EventOn(plan, "corp/NEWC", "CorpCreated");
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(std::get<CorpCreated>(created->payload).fields.at("status"), "member");
  const ImportPlan blue = Plan("ticker,name,status\nNEWB,New Blue,blue\n");
  const Event* created_blue = EventOn(blue, "corp/NEWB", "CorpCreated");
  ASSERT_NE(created_blue, nullptr);
  EXPECT_EQ(std::get<CorpCreated>(created_blue->payload).fields.at("status"), "blue");
}

}  // namespace
}  // namespace kraken
