// LoadState against a real log: time travel by sequence and by time (with an
// injected clock), and the snapshot as a pure cache: snapshot plus tail is a
// full replay, and a snapshot that cannot serve the request is passed over.

#include "src/app/state_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "tests/src/app/app_test_support.h"

namespace kraken {
namespace {

using testing::Admin;
using ::testing::HasSubstr;
using testing::TestRoster;

constexpr std::int64_t kStart = 1796398313123456;  // 2026-12-04T15:31:53.123456Z
constexpr std::int64_t kDay = 86'400'000'000;

class StateLoaderTest : public ::testing::Test {
 protected:
  StateLoaderTest() : roster_(Schema::Core(), ClockedOptions()) {}

  // Event timestamps come from now_, which the test moves forward.
  EventLog::Options ClockedOptions() {
    EventLog::Options options;
    options.clock = [this] { return now_.load(); };
    return options;
  }

  AllianceState Load(const Schema& schema, LoadOptions options, LoadReport* report = nullptr) {
    auto state = LoadState(roster_.log(), schema, options, report);
    if (!state.ok()) throw std::runtime_error(state.error().message);
    return std::move(state).value();
  }
  AllianceState Load(LoadOptions options, LoadReport* report = nullptr) {
    return Load(roster_.schema(), std::move(options), report);
  }
  AllianceState FullReplay(ReplayLimit limit = {}) {
    LoadOptions options;
    options.limit = limit;
    options.use_snapshot = false;
    return Load(options);
  }
  std::string NotesOf(const AllianceState& state, std::string_view pilot) {
    const Row* row = state.roster().Find(Table::kPilot, pilot);
    return row ? row->values[kPilotNotes] : "(no such pilot)";
  }
  void SetNotes(std::string_view pilot, std::string notes) {
    auto r = roster_.service().SetPilot(Admin(), pilot, {{"notes", std::move(notes)}});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  // A varied history over several days: changes, links, a leave, a corp change.
  void AddHistory(int rounds) {
    for (int i = 0; i < rounds; ++i) {
      now_ += kDay / 3;
      SetNotes("Ryn Calder", "round " + std::to_string(i));
      ASSERT_TRUE(roster_.service()
                      .SetPilot(Admin(), "Marek Halden",
                                {{"clone", i % 2 ? "Alpha" : "Omega"},
                                 {"timezone", "UTC+" + std::to_string(i)}})
                      .ok());
      const std::string name = "Recruit " + std::to_string(++recruits_);
      ASSERT_TRUE(roster_.service().RegisterPilot(Admin(), name, {{"corp", "BLKWT"}}).ok());
      if (i % 3 == 0) {
        ASSERT_TRUE(roster_.service().LinkAlt(Admin(), name, "Marek Halden").ok());
      }
      if (i % 4 == 1) {
        ASSERT_TRUE(roster_.service().PilotLeave(Admin(), name, "trial ended").ok());
      }
      ASSERT_TRUE(roster_.service()
                      .SetCorp(Admin(), "BLKWT", {{"name", "Blackwater Tide " + std::to_string(i)}})
                      .ok());
    }
  }

  std::atomic<std::int64_t> now_{kStart};
  TestRoster roster_;
  int recruits_ = 0;
};

TEST_F(StateLoaderTest, ReplayUntilASequenceShowsTheTablesAsOfThatEvent) {
  roster_.AddSampleAlliance();
  const std::uint64_t sample = roster_.Head();
  SetNotes("Ryn Calder", "A");
  SetNotes("Ryn Calder", "B");

  LoadOptions options;
  options.limit.until_seq = sample + 1;
  AllianceState at_a = Load(options);
  EXPECT_EQ(at_a.seq(), sample + 1);
  EXPECT_EQ(NotesOf(at_a, "Ryn Calder"), "A");

  options.limit.until_seq = sample;
  EXPECT_EQ(NotesOf(Load(options), "Ryn Calder"), "logi FC");

  options.limit.until_seq = 0;
  AllianceState before = Load(options);
  EXPECT_EQ(before.seq(), 0u);
  EXPECT_EQ(before.roster().size(Table::kPilot), 0u);

  options.limit.until_seq = sample + 100;  // beyond the head: everything
  EXPECT_EQ(NotesOf(Load(options), "Ryn Calder"), "B");
}

TEST_F(StateLoaderTest, ReplayUntilATimeIncludesEverythingUpToThatMoment) {
  roster_.AddSampleAlliance();  // day 1
  now_ = kStart + kDay;
  SetNotes("Ryn Calder", "day two");
  now_ = kStart + 2 * kDay;
  SetNotes("Ryn Calder", "day three");
  const std::uint64_t head = roster_.Head();
  ASSERT_EQ(roster_.log().Get(head)->ts_us, kStart + 2 * kDay);

  LoadOptions options;
  options.limit.until_ts_us = kStart + kDay;  // exactly the second change's time
  AllianceState day_two = Load(options);
  EXPECT_EQ(NotesOf(day_two, "Ryn Calder"), "day two");
  EXPECT_EQ(day_two.seq(), head - 1);

  options.limit.until_ts_us = kStart + kDay - 1;
  EXPECT_EQ(NotesOf(Load(options), "Ryn Calder"), "logi FC");

  options.limit.until_ts_us = kStart - 1;
  EXPECT_EQ(Load(options).roster().size(Table::kPilot), 0u);

  // With both limits, the earlier one wins.
  options.limit.until_ts_us = kStart + 3 * kDay;
  options.limit.until_seq = head - 1;
  EXPECT_EQ(NotesOf(Load(options), "Ryn Calder"), "day two");
}

TEST_F(StateLoaderTest, SnapshotPlusTailEqualsAFullReplay) {
  roster_.AddSampleAlliance();
  AddHistory(12);
  ASSERT_TRUE(roster_.service().SaveSnapshot().ok());
  const std::uint64_t snapshot_seq = roster_.Head();
  AddHistory(12);
  const std::uint64_t head = roster_.Head();

  LoadReport report;
  AllianceState from_snapshot = Load(LoadOptions{}, &report);
  EXPECT_EQ(report.snapshot_seq, snapshot_seq);
  EXPECT_EQ(report.events_folded, head - snapshot_seq);
  EXPECT_EQ(report.snapshot_note, "");
  AllianceState full = FullReplay();
  EXPECT_EQ(full.seq(), head);
  // The encoding covers every row, every blame sequence, the changes per day and
  // every stream's version.
  EXPECT_EQ(from_snapshot.EncodeSnapshot(), full.EncodeSnapshot());
  EXPECT_EQ(testing::DumpTables(from_snapshot), testing::DumpTables(full));

  // A point between the snapshot and the head starts from the snapshot too.
  LoadOptions between;
  between.limit.until_seq = snapshot_seq + 5;
  LoadReport between_report;
  AllianceState partial = Load(between, &between_report);
  EXPECT_EQ(between_report.snapshot_seq, snapshot_seq);
  EXPECT_EQ(partial.EncodeSnapshot(), FullReplay(between.limit).EncodeSnapshot());
}

TEST_F(StateLoaderTest, ASnapshotNewerThanTheAskedPointIsNotUsed) {
  roster_.AddSampleAlliance();
  AddHistory(6);
  const std::uint64_t middle = roster_.Head();
  const std::int64_t middle_ts = roster_.log().Get(middle)->ts_us;
  AddHistory(6);
  ASSERT_TRUE(roster_.service().SaveSnapshot().ok());

  LoadOptions by_seq;
  by_seq.limit.until_seq = middle;
  LoadReport report;
  AllianceState state = Load(by_seq, &report);
  EXPECT_EQ(report.snapshot_seq, 0u);
  EXPECT_EQ(report.events_folded, middle);
  EXPECT_THAT(report.snapshot_note, HasSubstr("newer than the point asked for"));
  EXPECT_EQ(state.seq(), middle);
  EXPECT_EQ(state.EncodeSnapshot(), FullReplay(by_seq.limit).EncodeSnapshot());

  LoadOptions by_time;
  by_time.limit.until_ts_us = middle_ts;
  LoadReport time_report;
  AllianceState at_time = Load(by_time, &time_report);
  EXPECT_EQ(time_report.snapshot_seq, 0u);
  EXPECT_EQ(at_time.EncodeSnapshot(), FullReplay(by_time.limit).EncodeSnapshot());
}

TEST_F(StateLoaderTest, ASnapshotFromAnotherSchemaIsIgnoredAndTheNoteSaysWhy) {
  roster_.AddSampleAlliance();
  AddHistory(4);
  ASSERT_TRUE(roster_.service().SaveSnapshot().ok());
  const Schema with_role = testing::SchemaFromToml(R"(
[[pilot.columns]]
name = "role"
type = "enum"
values = ["DPS", "Logi"]
)");
  LoadReport report;
  AllianceState state = Load(with_role, LoadOptions{}, &report);
  EXPECT_EQ(report.snapshot_seq, 0u);
  EXPECT_EQ(report.events_folded, roster_.Head());
  EXPECT_THAT(report.snapshot_note, HasSubstr("another schema"));
  const Row* ryn = state.roster().Find(Table::kPilot, "Ryn Calder");
  ASSERT_NE(ryn, nullptr);
  EXPECT_EQ(ryn->values.size(), with_role.columns(Table::kPilot).size());
  EXPECT_EQ(ryn->values[kPilotNotes], "round 3");
}

TEST_F(StateLoaderTest, ADamagedSnapshotIsIgnoredAndTheNoteSaysWhy) {
  roster_.AddSampleAlliance();
  ASSERT_TRUE(
      roster_.log().PutSnapshot(kSnapshotName, roster_.Head(), "not a snapshot at all").ok());
  LoadReport report;
  AllianceState state = Load(LoadOptions{}, &report);
  EXPECT_EQ(report.snapshot_seq, 0u);
  EXPECT_THAT(report.snapshot_note, HasSubstr("damaged"));
  EXPECT_EQ(state.EncodeSnapshot(), FullReplay().EncodeSnapshot());
}

TEST_F(StateLoaderTest, DeletingTheSnapshotChangesNothingButTheReport) {
  roster_.AddSampleAlliance();
  AddHistory(5);
  ASSERT_TRUE(roster_.service().SaveSnapshot().ok());
  AddHistory(2);

  LoadReport with_report;
  const std::string with = Load(LoadOptions{}, &with_report).EncodeSnapshot();
  ASSERT_GT(with_report.snapshot_seq, 0u);

  ASSERT_TRUE(roster_.log().DeleteSnapshot(kSnapshotName).ok());
  LoadReport without_report;
  const std::string without = Load(LoadOptions{}, &without_report).EncodeSnapshot();
  EXPECT_EQ(without_report.snapshot_seq, 0u);
  EXPECT_EQ(without_report.events_folded, roster_.Head());
  EXPECT_EQ(without_report.snapshot_note, "");
  EXPECT_EQ(with, without);
}

TEST_F(StateLoaderTest, CatchUpFoldsWhatWasAppendedSince) {
  roster_.AddSampleAlliance();
  AllianceState state = Load(LoadOptions{});
  AddHistory(3);
  auto folded = CatchUp(roster_.log(), state);
  ASSERT_TRUE(folded.ok()) << folded.error().message;
  EXPECT_GT(*folded, 0u);
  EXPECT_EQ(state.seq(), roster_.Head());
  EXPECT_EQ(state.EncodeSnapshot(), FullReplay().EncodeSnapshot());
  auto again = CatchUp(roster_.log(), state);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
}

TEST_F(StateLoaderTest, OpeningAfterManyEventsStoresASnapshot) {
  roster_.AddSampleAlliance();
  AppendRequest many;
  for (int i = 0; i < 20'001; ++i) {
    Event e;
    e.stream = CorpStream("BLKWT");
    e.source = Source::kSystem;
    e.payload = CorpChanged{{{"name", "Blackwater " + std::to_string(i)}}};
    many.events.push_back(std::move(e));
  }
  ASSERT_TRUE(roster_.log().Append(std::move(many)).ok());
  ASSERT_TRUE(roster_.log().DeleteSnapshot(kSnapshotName).ok());
  roster_.Reopen();
  auto stored = roster_.log().GetSnapshot(kSnapshotName);
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->has_value()) << "no snapshot after folding 20,001 events";
  EXPECT_EQ((*stored)->seq, roster_.Head());
  EXPECT_EQ(roster_.Get(Table::kCorp, "BLKWT", "name"), "Blackwater 20000");
}

}  // namespace
}  // namespace kraken
