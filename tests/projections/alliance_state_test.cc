// The alliance state: a snapshot keeps every value, its blame, the changes per day
// and the indexes; snapshot plus tail equals a full replay; stream versions; memory
// and snapshot size at scale. Damaged, crafted and foreign snapshots:
// alliance_state_corrupt_snapshot_test.cc.

#include "projections/alliance_state.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "projections/roster_codec.h"
#include "tests/projections/alliance_state_test_support.h"

namespace kraken {
namespace {

using ::testing::HasSubstr;
using testing::HistoryGenerator;
using testing::kStart;
using testing::Replay;
using testing::TestSchema;

void ExpectSameTable(const AllianceState& actual, const AllianceState& expected, Table table) {
  const std::vector<const Row*> a = actual.roster().Rows(table);
  const std::vector<const Row*> e = expected.roster().Rows(table);
  ASSERT_EQ(a.size(), e.size()) << TableName(table) << " rows";
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i]->values, e[i]->values) << TableName(table) << " row " << i;
    ASSERT_EQ(a[i]->set_by, e[i]->set_by) << TableName(table) << " row " << e[i]->key();
    ASSERT_EQ(a[i]->created_seq, e[i]->created_seq) << TableName(table) << " row " << e[i]->key();
    ASSERT_EQ(actual.roster().Find(table, e[i]->key()), a[i]) << "index of " << e[i]->key();
  }
}

void ExpectSameState(const AllianceState& actual, const AllianceState& expected) {
  EXPECT_EQ(actual.seq(), expected.seq());
  EXPECT_EQ(actual.roster().ts_us(), expected.roster().ts_us());
  ExpectSameTable(actual, expected, Table::kPilot);
  ExpectSameTable(actual, expected, Table::kCorp);
  EXPECT_EQ(actual.changes().days(), expected.changes().days());
  EXPECT_EQ(actual.versions().all(), expected.versions().all());
}

TEST(AllianceStateTest, AnEmptyStateRoundTrips) {
  const Schema schema = TestSchema();
  auto decoded = AllianceState::DecodeSnapshot(schema, AllianceState(schema).EncodeSnapshot());
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->seq(), 0u);
  EXPECT_EQ(decoded->roster().size(Table::kPilot), 0u);
  EXPECT_TRUE(decoded->changes().days().empty());
}

TEST(AllianceStateTest, ASnapshotKeepsEveryValueItsBlameAndTheChangesPerDay) {
  const Schema schema = TestSchema();
  AllianceState state(schema);
  Event e;
  e.seq = 1;
  e.version = 1;
  e.ts_us = -5;  // before the epoch: day -1, a negative time to encode
  e.stream = CorpStream("KRKN");
  e.payload = CorpCreated{{{"name", "Kraken"}, {"region", "EU"}}};
  state.Apply(e);
  e.seq = 2;
  e.ts_us = kStart;
  e.stream = PilotStream("Ærin Vøss");
  e.payload = PilotRegistered{{{"corp", "KRKN"}, {"notes", std::string("a\0b\n\xFF", 5)}}};
  state.Apply(e);
  e.seq = 7;
  e.version = 2;
  e.ts_us = kStart + 1;
  e.payload = PilotFieldsChanged{{{"rank", "Officer"}}};
  state.Apply(e);
  e.seq = 8;
  e.version = 1;
  e.stream = "import/b1";
  e.payload = ImportBatchCommitted{"b1", "sheet", 0, 1, 0, 0};
  state.Apply(e);

  auto decoded = AllianceState::DecodeSnapshot(schema, state.EncodeSnapshot());
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->seq(), 8u);
  EXPECT_EQ(decoded->roster().ts_us(), kStart + 1);
  EXPECT_EQ(decoded->versions().Get(PilotStream("Ærin Vøss")), 2u);
  EXPECT_EQ(decoded->versions().Get(CorpStream("KRKN")), 1u);
  EXPECT_EQ(decoded->versions().Get("import/b1"), 1u);
  EXPECT_EQ(decoded->versions().all().size(), 3u);
  // Find folds ASCII case only: "ÆRIN VøSS" finds "Ærin Vøss".
  const Row* pilot = decoded->roster().Find(Table::kPilot, "ÆRIN VøSS");
  ASSERT_NE(pilot, nullptr);
  EXPECT_EQ(pilot->values, (std::vector<std::string>{"Ærin Vøss", "", "KRKN", "", "", "",
                                                     std::string("a\0b\n\xFF", 5), "Officer"}));
  EXPECT_EQ(pilot->set_by, (std::vector<std::uint64_t>{2, 0, 2, 0, 0, 0, 2, 7}));
  EXPECT_EQ(pilot->created_seq, 2u);
  const Row* corp = decoded->roster().Find(Table::kCorp, "krkn");
  ASSERT_NE(corp, nullptr);
  EXPECT_EQ(corp->values, (std::vector<std::string>{"KRKN", "Kraken", "", "", "EU"}));
  using Day = std::pair<const std::int64_t, std::uint64_t>;
  EXPECT_THAT(decoded->changes().days(), ::testing::ElementsAre(Day{-1, 1}, Day{20791, 2}));
}

// The roster's indexes (alts by main, pilots by Discord id) answer what a scan
// of every pilot answers.
std::size_t ExpectIndexesMatchAScan(const Roster& roster) {
  auto keys = [](const std::vector<const Row*>& rows) {
    std::vector<std::string> out;
    for (const Row* row : rows) out.push_back(row->key());
    return out;
  };
  std::set<std::string> discord_ids;
  std::size_t alts = 0;
  for (const Row* pilot : roster.Rows(Table::kPilot)) {
    std::vector<const Row*> scanned;
    for (const Row* other : roster.Rows(Table::kPilot)) {
      if (!other->values[kPilotMain].empty() &&
          EqualsIgnoreCase(other->values[kPilotMain], pilot->key())) {
        scanned.push_back(other);
      }
    }
    alts += scanned.size();
    EXPECT_EQ(keys(roster.AltsOf(pilot->key())), keys(scanned)) << "alts of " << pilot->key();
    if (!pilot->values[kPilotDiscordId].empty()) discord_ids.insert(pilot->values[kPilotDiscordId]);
  }
  for (const std::string& id : discord_ids) {
    std::vector<const Row*> scanned;
    for (const Row* pilot : roster.Rows(Table::kPilot)) {
      if (pilot->values[kPilotDiscordId] == id) scanned.push_back(pilot);
    }
    EXPECT_EQ(keys(roster.LinkedTo(id)), keys(scanned)) << "pilots of Discord user " << id;
  }
  EXPECT_TRUE(roster.LinkedTo("no-such-user").empty());
  return alts;  // so a test can check it exercised some
}

TEST(AllianceStateTest, IndexesFollowEveryChangeAndSurviveASnapshot) {
  const Schema schema = TestSchema();
  const std::vector<Event> events = HistoryGenerator(424242).Generate(3000);
  AllianceState state(schema);
  for (std::size_t i = 0; i < events.size(); ++i) {
    state.Apply(events[i]);
    if (i % 250 == 0 || i + 1 == events.size()) {
      SCOPED_TRACE(fmt::format("after {} events", i + 1));
      ExpectIndexesMatchAScan(state.roster());
    }
  }
  auto decoded = AllianceState::DecodeSnapshot(schema, state.EncodeSnapshot());
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_GT(ExpectIndexesMatchAScan(decoded->roster()), 3u);
  const AllianceState copy = state;  // a copy answers from its own rows
  ExpectIndexesMatchAScan(copy.roster());
}

TEST(AllianceStateTest, SnapshotPlusTailEqualsFullReplay) {
  const Schema schema = TestSchema();
  const std::vector<Event> events = HistoryGenerator(20261204).Generate(4000);
  const AllianceState full = Replay(schema, events, events.size());
  // The history must exercise what it claims to: rows that survive and rows that left.
  ASSERT_GT(full.roster().size(Table::kPilot), 30u);
  ASSERT_GT(full.roster().size(Table::kCorp), 3u);
  ASSERT_GT(full.changes().days().size(), 50u);

  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{17}, std::size_t{500},
                          std::size_t{1333}, std::size_t{2000}, std::size_t{3999}, events.size()}) {
    SCOPED_TRACE(fmt::format("snapshot after {} events", cut));
    const std::string snapshot = Replay(schema, events, cut).EncodeSnapshot();
    auto decoded = AllianceState::DecodeSnapshot(schema, snapshot);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded->seq(), cut);
    const AllianceState resumed = Replay(events, cut, events.size(), std::move(decoded).value());
    ExpectSameState(resumed, full);
    EXPECT_EQ(resumed.EncodeSnapshot(), full.EncodeSnapshot());
  }
}

TEST(AllianceStateTest, ASnapshotIsDeterministic) {
  const Schema schema = TestSchema();
  const std::vector<Event> events = HistoryGenerator(7).Generate(1000);
  const std::string once = Replay(schema, events, events.size()).EncodeSnapshot();
  auto decoded = AllianceState::DecodeSnapshot(schema, once);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->EncodeSnapshot(), once);
}

AllianceState ManyPilots(const Schema& schema, std::uint64_t n) {
  AllianceState state(schema);
  Event e;
  for (std::uint64_t i = 1; i <= n; ++i) {
    e.seq = i;
    e.ts_us = kStart + static_cast<std::int64_t>(i) * 1'000'000;
    e.stream = PilotStream(fmt::format("Pilot Number {:06}", i));
    e.payload = PilotRegistered{{{"corp", fmt::format("C{}", i % 40)},
                                 {"clone", i % 3 ? "Omega" : "Alpha"},
                                 {"timezone", "Europe/Berlin"},
                                 {"notes", i % 10 ? "" : "Logistics, scout, FC on weekends"}}};
    e.version = 1;
    state.Apply(e);
    e.payload = PilotLinkedToDiscord{fmt::format("{}", 100'000'000'000'000'000ULL + i)};
    e.version = 2;
    state.Apply(e);
  }
  return state;
}

TEST(AllianceStateTest, StreamVersionsFollowEveryEventOnTheStream) {
  const Schema schema = Schema::Core();
  AllianceState state(schema);
  Event e;
  e.stream = PilotStream("Kaelen Voss");
  for (std::uint64_t v = 1; v <= 3; ++v) {
    e.seq = v;
    e.version = v;
    e.payload = PilotFieldsChanged{};  // for a pilot that does not exist: still a version
    state.Apply(e);
  }
  e.seq = 4;
  e.version = 1;
  e.stream = "conflict/c1";
  e.payload = ConflictResolved{};
  state.Apply(e);
  EXPECT_EQ(state.versions().Get(PilotStream("Kaelen Voss")), 3u);
  EXPECT_EQ(state.versions().Get("conflict/c1"), 1u);
  EXPECT_EQ(state.versions().Get(PilotStream("Nobody")), 0u);
}

TEST(AllianceStateTest, StreamVersionsAreLookedUpByAnyViewOfTheName) {
  const Schema schema = Schema::Core();
  AllianceState state(schema);
  Event e;
  e.seq = 1;
  e.version = 7;
  e.stream = PilotStream("A Pilot With A Rather Long Name");
  e.payload = PilotFieldsChanged{};
  state.Apply(e);
  const std::string text = "[" + e.stream + "]";
  const std::string_view inside = std::string_view(text).substr(1, e.stream.size());
  EXPECT_EQ(state.versions().Get(inside), 7u);
  EXPECT_EQ(state.versions().Get(inside.substr(0, inside.size() - 1)), 0u);
  EXPECT_EQ(state.versions().all().size(), 1u);
}

// Resident memory in bytes, from /proc (this is the test, not the projection).
std::size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t total_pages = 0, resident_pages = 0;
  statm >> total_pages >> resident_pages;
  return resident_pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

TEST(AllianceStateTest, AHundredThousandPilotsStayWellUnderOneHundredMegabytes) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory makes RSS meaningless";
#endif
  const Schema schema = Schema::Core();
  const std::size_t before = ResidentBytes();
  const AllianceState state = ManyPilots(schema, 100'000);
  ASSERT_EQ(state.roster().size(Table::kPilot), 100'000u);
  const std::size_t used = ResidentBytes() - before;
  RecordProperty("resident_bytes", std::to_string(used));
  EXPECT_LT(used, 75u << 20) << "100,000 pilots take " << (used >> 20) << " MB";
}

// How fast it decodes is the start-up benchmark's business (tools/bench); a timed
// assertion here failed on a loaded 2-core CI machine without any regression.
TEST(AllianceStateTest, TwentyThousandPilotsMakeACompactSnapshotThatDecodes) {
  const Schema schema = TestSchema();
  const AllianceState state = ManyPilots(schema, 20'000);
  const std::string snapshot = state.EncodeSnapshot();
  EXPECT_LT(snapshot.size(), 20'000u * 150)
      << "about " << snapshot.size() / 20'000 << " bytes a pilot";
  const auto start = std::chrono::steady_clock::now();
  auto decoded = AllianceState::DecodeSnapshot(schema, snapshot);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  RecordProperty("decode_ms", static_cast<int>(ms));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_EQ(decoded->roster().size(Table::kPilot), 20'000u);
  EXPECT_EQ(decoded->EncodeSnapshot(), snapshot);
}

}  // namespace
}  // namespace kraken
