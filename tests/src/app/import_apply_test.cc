// Applying an import through RosterService::Execute (one batch, one correlation
// id, an ImportBatchCommitted marker) and undoing it with the revert planner:
// the tables come back exactly, later changes by others are kept, and what
// cannot be reverted is refused.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/app/import_planner.h"
#include "src/app/revert_planner.h"
#include "tests/src/app/app_test_support.h"

namespace kraken {
namespace {

using testing::Admin;
using testing::DumpTables;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TestRoster;
using testing::TypesOf;

class ImportApplyTest : public ::testing::Test {
 protected:
  void SetUp() override { roster_.AddSampleAlliance(); }

  RosterService& service() { return roster_.service(); }

  // What `kraken import FILE --apply --skip-rejected` does.
  CommandResult Import(std::string_view csv_text, const std::string& batch_id,
                       bool remove_missing = false) {
    auto csv = ParseCsv(csv_text);
    if (!csv.ok()) throw std::runtime_error(csv.error().message);
    ImportOptions options{"roster.csv", batch_id, remove_missing};
    CommandOptions command;
    command.correlation_id = batch_id;
    auto result = service().Execute(
        [&](const AllianceState& state) -> Result<Plan> {
          KRAKEN_ASSIGN_OR_RETURN(ImportPlan planned, PlanImport(state, *csv, options));
          Plan plan;
          plan.events = std::move(planned.events);
          plan.expected_versions = std::move(planned.expected_versions);
          return plan;
        },
        Admin(), command);
    if (!result.ok()) throw std::runtime_error("import failed: " + result.error().message);
    return std::move(result).value();
  }

  // What `kraken revert SEQ` and `kraken revert --batch ID` do.
  Result<CommandResult> Revert(const std::vector<Event>& targets, const std::string& correlation) {
    CommandOptions options;
    options.idempotency_key = RevertKey(targets);
    options.correlation_id = correlation;
    return service().Execute(
        [&](const AllianceState& state) { return PlanRevert(state, roster_.log(), targets); },
        Admin("reverter"), options);
  }
  Result<CommandResult> RevertSeq(std::uint64_t seq) {
    auto targets = RevertTargets(roster_.log(), seq);
    if (!targets.ok()) return targets.take_error();
    return Revert(*targets, "revert-" + std::to_string(seq));
  }
  Result<CommandResult> RevertBatch(const std::string& batch_id) {
    auto targets = BatchEvents(roster_.log(), batch_id);
    if (!targets.ok()) return targets.take_error();
    return Revert(*targets, "revert-" + batch_id);
  }

  std::optional<std::string> Pilot(std::string_view name, std::string_view column) {
    return roster_.Get(Table::kPilot, name, column);
  }

  TestRoster roster_;
};

// Adds two pilots (one an alt of the other), changes two, moves an alt to a new main.
constexpr std::string_view kPilotsFile =
    "name,corp,clone,main,notes,discord_id\n"
    "Nyx Marlowe,KRKN,Omega,,new recruit,777777777777\n"
    "Nyx Cyno,KRKN,Alpha,Nyx Marlowe,cyno alt,\n"
    "Ryn Calder,KRKN,Alpha,,on a break,155670462648394832\n"
    "Calder Miner,BLKWT,Alpha,Nyx Marlowe,,\n";

TEST_F(ImportApplyTest, AnImportIsOneBatchUnderOneCorrelationIdEndingWithItsMarker) {
  const std::uint64_t head = roster_.Head();
  const CommandResult result = Import(kPilotsFile, "import-1");
  ASSERT_FALSE(result.events.empty());
  for (std::size_t i = 0; i < result.events.size(); ++i) {
    EXPECT_EQ(result.events[i].seq, head + 1 + i);
    EXPECT_EQ(result.events[i].correlation_id, "import-1");
    EXPECT_EQ(result.events[i].source, Source::kCli);
  }
  EXPECT_EQ(result.events.back().seq, roster_.Head());
  const Event& marker = result.events.back();
  EXPECT_EQ(marker.stream, "import/import-1");
  const auto& committed = std::get<ImportBatchCommitted>(marker.payload);
  EXPECT_EQ(committed.rows_added, 2u);
  EXPECT_EQ(committed.rows_changed, 2u);

  EXPECT_EQ(Pilot("Nyx Cyno", "main"), "Nyx Marlowe");
  EXPECT_EQ(Pilot("Nyx Marlowe", "discord_id"), "777777777777");
  EXPECT_EQ(Pilot("Ryn Calder", "clone"), "Alpha");
  EXPECT_EQ(Pilot("Calder Miner", "main"), "Nyx Marlowe");
  EXPECT_EQ(Pilot("Calder Miner", "corp"), "BLKWT");

  // The batch can be found again by its id, and by its marker.
  auto batch = BatchEvents(roster_.log(), "import-1");
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->size(), result.events.size());
  auto by_marker = RevertTargets(roster_.log(), marker.seq);
  ASSERT_TRUE(by_marker.ok());
  EXPECT_EQ(RevertKey(*by_marker), RevertKey(*batch));
}

TEST_F(ImportApplyTest, RevertingAnImportRestoresThePreviousTablesExactly) {
  const auto before = DumpTables(service());
  const CommandResult imported = Import(kPilotsFile, "import-1");
  ASSERT_NE(DumpTables(service()), before);

  auto reverted = RevertSeq(imported.events.back().seq);  // `kraken revert <marker seq>`
  ASSERT_TRUE(reverted.ok()) << reverted.error().message;
  EXPECT_FALSE(reverted->duplicate);
  EXPECT_EQ(DumpTables(service()), before);
  // Every compensating event carries the revert's correlation id, and each
  // reverted event is marked on its own stream.
  std::size_t markers = 0;
  for (const Event& e : reverted->events) {
    EXPECT_EQ(e.correlation_id, "revert-" + std::to_string(imported.events.back().seq));
    if (const auto* r = std::get_if<EventReverted>(&e.payload)) {
      ++markers;
      EXPECT_EQ(e.stream, roster_.log().Get(r->reverted_seq)->stream);
    }
  }
  EXPECT_EQ(markers, imported.events.size());
  // A full replay agrees with the service's tables.
  roster_.Reopen();
  EXPECT_EQ(DumpTables(service()), before);
}

TEST_F(ImportApplyTest, RevertingARemoveMissingImportRestoresRemovedPilotsLinksAndCeo) {
  const auto before = DumpTables(service());
  Import("name\nVoss Hauler\nRyn Calder\nCalder Miner\nMarek Halden\n", "import-rm", true);
  ASSERT_EQ(Pilot("Kaelen Voss", "name"), std::nullopt);
  ASSERT_EQ(Pilot("Voss Hauler", "main"), "");
  ASSERT_EQ(roster_.Get(Table::kCorp, "KRKN", "ceo"), "");

  auto reverted = RevertBatch("import-rm");
  ASSERT_TRUE(reverted.ok()) << reverted.error().message;
  EXPECT_EQ(Pilot("Kaelen Voss", "discord_id"), testing::kKaelenDiscord);
  EXPECT_EQ(Pilot("Voss Hauler", "main"), "Kaelen Voss");
  EXPECT_EQ(roster_.Get(Table::kCorp, "KRKN", "ceo"), "Kaelen Voss");
  EXPECT_EQ(DumpTables(service()), before);
}

TEST_F(ImportApplyTest, RevertingTheSameImportTwiceIsADuplicate) {
  const CommandResult imported = Import(kPilotsFile, "import-1");
  auto first = RevertBatch("import-1");
  ASSERT_TRUE(first.ok()) << first.error().message;
  const auto tables = DumpTables(service());
  const std::uint64_t head = roster_.Head();

  // Again by batch id, and by the marker's sequence: the same targets.
  for (auto again : {RevertBatch("import-1"), RevertSeq(imported.events.back().seq)}) {
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_TRUE(again->duplicate);
    ASSERT_EQ(again->events.size(), first->events.size());
    EXPECT_EQ(again->events.front().seq, first->events.front().seq);
  }
  EXPECT_EQ(roster_.Head(), head);
  EXPECT_EQ(DumpTables(service()), tables);
}

TEST_F(ImportApplyTest, ALargeImportCanBeRevertedOnce) {
  const auto before = DumpTables(service());
  std::string csv = "name,corp,clone\n";
  for (int i = 0; i < 300; ++i) csv += "Recruit " + std::to_string(i) + ",KRKN,Alpha\n";
  const CommandResult imported = Import(csv, "import-big");
  ASSERT_EQ(imported.events.size(), 301u);

  auto reverted = RevertBatch("import-big");
  ASSERT_TRUE(reverted.ok()) << reverted.error().message;
  EXPECT_EQ(DumpTables(service()), before);
  const std::uint64_t head = roster_.Head();
  auto again = RevertSeq(imported.events.back().seq);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(roster_.Head(), head);
}

TEST_F(ImportApplyTest, RevertKeepsChangesMadeLaterByOthersAndNamesThem) {
  Import(kPilotsFile, "import-1");
  auto later = service().SetPilot(testing::Member(std::string(testing::kRynDiscord)), "Ryn Calder",
                                  {{"notes", "back next week"}});
  ASSERT_TRUE(later.ok()) << later.error().message;
  const std::uint64_t later_seq = later->events[0].seq;

  auto reverted = RevertBatch("import-1");
  ASSERT_TRUE(reverted.ok()) << reverted.error().message;
  EXPECT_EQ(Pilot("Ryn Calder", "notes"), "back next week");  // kept
  EXPECT_EQ(Pilot("Ryn Calder", "clone"), "Omega");           // the import's change undone
  EXPECT_EQ(Pilot("Nyx Marlowe", "name"), std::nullopt);
  EXPECT_EQ(Pilot("Calder Miner", "main"), "Ryn Calder");
  EXPECT_EQ(Pilot("Calder Miner", "corp"), "KRKN");
  EXPECT_THAT(reverted->summary, HasSubstr("Ryn Calder notes: kept, changed again later by event " +
                                           std::to_string(later_seq)));
}

TEST_F(ImportApplyTest, RevertingOneEventUndoesJustThatChange) {
  auto first = service().SetPilot(Admin(), "Ryn Calder", {{"notes", "A"}, {"clone", "Alpha"}});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(service().SetPilot(Admin(), "Marek Halden", {{"notes", "untouched"}}).ok());
  auto reverted = RevertSeq(first->events[0].seq);
  ASSERT_TRUE(reverted.ok()) << reverted.error().message;
  EXPECT_THAT(TypesOf(reverted->events), ElementsAre("PilotFieldsChanged", "EventReverted"));
  EXPECT_EQ(Pilot("Ryn Calder", "notes"), "logi FC");
  EXPECT_EQ(Pilot("Ryn Calder", "clone"), "Omega");
  EXPECT_EQ(Pilot("Marek Halden", "notes"), "untouched");
}

TEST_F(ImportApplyTest, RevertingALeaveBringsThePilotBackAsTheyWere) {
  const auto before = DumpTables(service());
  auto left = service().PilotLeave(Admin(), "Marek Halden", "went on a break");
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(Pilot("Marek Halden", "name"), std::nullopt);
  auto reverted = RevertSeq(left->events.back().seq);
  ASSERT_TRUE(reverted.ok()) << reverted.error().message;
  EXPECT_EQ(DumpTables(service()), before);
}

TEST_F(ImportApplyTest, RevertingAMainsLeaveRelinksItsAltsAndRestoresItAsCeo) {
  const auto before = DumpTables(service());
  auto left = service().PilotLeave(Admin(), "Kaelen Voss", "went on a break");
  ASSERT_TRUE(left.ok()) << left.error().message;
  ASSERT_GT(left->events.size(), 1u);  // the alt unlink and the CEO change are in the batch
  ASSERT_EQ(Pilot("Voss Hauler", "main"), "");
  // Any event of the leave's batch stands for the whole command.
  auto reverted = RevertSeq(left->events.back().seq);
  ASSERT_TRUE(reverted.ok()) << reverted.error().message;
  EXPECT_EQ(Pilot("Voss Hauler", "main"), "Kaelen Voss");
  EXPECT_EQ(roster_.Get(Table::kCorp, "KRKN", "ceo"), "Kaelen Voss");
  EXPECT_EQ(DumpTables(service()), before);
}

TEST_F(ImportApplyTest, RevertingAChangeThatWasReplacedSinceDoesNothingAndSaysWhy) {
  auto first = service().SetPilot(Admin(), "Ryn Calder", {{"notes", "A"}});
  ASSERT_TRUE(first.ok());
  auto second = service().SetPilot(Admin(), "Ryn Calder", {{"notes", "B"}});
  ASSERT_TRUE(second.ok());
  const std::uint64_t head = roster_.Head();
  auto reverted = RevertSeq(first->events[0].seq);
  ASSERT_FALSE(reverted.ok());
  EXPECT_EQ(reverted.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(reverted.error().message, HasSubstr("nothing to revert"));
  EXPECT_THAT(reverted.error().message,
              HasSubstr("changed again later by event " + std::to_string(second->events[0].seq)));
  EXPECT_EQ(roster_.Head(), head);
  EXPECT_EQ(Pilot("Ryn Calder", "notes"), "B");
}

TEST_F(ImportApplyTest, RevertingAConflictRecordIsRefused) {
  AppendRequest conflict;
  Event e;
  e.stream = "conflict/c-1";
  e.source = Source::kSheet;
  e.payload =
      ConflictDetected{"c-1", "pilot", "Ryn Calder", "notes", "sheet", "log", 7, "Pilots!G4"};
  conflict.events.push_back(e);
  auto appended = roster_.log().Append(conflict);
  ASSERT_TRUE(appended.ok());
  const std::uint64_t head = roster_.Head();
  auto reverted = RevertSeq(appended->first_seq);
  ASSERT_FALSE(reverted.ok());
  EXPECT_EQ(reverted.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(reverted.error().message,
              HasSubstr("event " + std::to_string(appended->first_seq) + " is a conflict record"));
  EXPECT_THAT(reverted.error().message, HasSubstr("`kraken pilot set`"));
  EXPECT_EQ(roster_.Head(), head);
}

TEST_F(ImportApplyTest, RevertingARevertIsRefused) {
  Import(kPilotsFile, "import-1");
  auto reverted = RevertBatch("import-1");
  ASSERT_TRUE(reverted.ok()) << reverted.error().message;
  const std::uint64_t head = roster_.Head();

  const Event& marker = reverted->events.back();
  ASSERT_EQ(marker.type(), "EventReverted");
  auto by_seq = RevertSeq(marker.seq);
  ASSERT_FALSE(by_seq.ok());
  EXPECT_EQ(by_seq.error().message,
            "event " + std::to_string(marker.seq) +
                " records a revert; to redo the original change, run its command again");
  auto by_batch = RevertBatch("revert-import-1");
  ASSERT_FALSE(by_batch.ok());
  EXPECT_THAT(by_batch.error().message, HasSubstr("records a revert"));
  EXPECT_EQ(roster_.Head(), head);
}

TEST_F(ImportApplyTest, AnUnknownBatchIsNotFoundAndSaysWhereToLook) {
  auto reverted = RevertBatch("import-nope");
  ASSERT_FALSE(reverted.ok());
  EXPECT_EQ(reverted.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(reverted.error().message, HasSubstr("kraken log --type ImportBatchCommitted"));
}

}  // namespace
}  // namespace kraken
