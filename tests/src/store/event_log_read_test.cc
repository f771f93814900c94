// Reading the event log back against real LMDB: Get, Scan (in order, across chunks,
// appending from the callback) and ReadStream; then snapshots, backups, reopening,
// stats and verification.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "src/store/event_log.h"
#include "tests/src/store/event_log_test_support.h"
#include "tests/src/store/log_test_support.h"

namespace kraken {
namespace {

using testing::MarkedBatch;
using testing::MarkerOf;
using testing::One;
using testing::OpenOrDie;
using testing::TempDir;

TEST(EventLogTest, GetBeyondTheHeadIsNotFound) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  ASSERT_TRUE(log->Append(One("Kaelen Voss", "a")).ok());
  EXPECT_EQ(log->Get(2).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(log->Get(0).error().code, ErrorCode::kNotFound);
  EXPECT_NE(log->Get(2).error().message.find("head is event 1"), std::string::npos);
}

TEST(EventLogTest, ScanVisitsARangeInOrderAndStopsWhenAsked) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "e", 10)).ok());

  std::vector<std::uint64_t> seen;
  auto collect = [&](const Event& e) {
    seen.push_back(e.seq);
    return true;
  };
  ASSERT_TRUE(log->Scan(3, 7, collect).ok());
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{3, 4, 5, 6, 7}));

  seen.clear();
  ASSERT_TRUE(log->Scan(0, UINT64_MAX,
                        [&](const Event& e) {
                          seen.push_back(e.seq);
                          return e.seq < 4;
                        })
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3, 4}));

  seen.clear();
  ASSERT_TRUE(log->Scan(11, 20, collect).ok());
  ASSERT_TRUE(log->Scan(5, 4, collect).ok());
  EXPECT_TRUE(seen.empty());
}

TEST(EventLogTest, ScanCrossesChunkBoundariesWithoutGapsOrRepeats) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "e", 2500)).ok());
  std::uint64_t expected = 700;
  ASSERT_TRUE(log->Scan(700, 2400,
                        [&](const Event& e) {
                          EXPECT_EQ(e.seq, expected);
                          EXPECT_EQ(MarkerOf(e), "e-" + std::to_string(expected - 1));
                          ++expected;
                          return true;
                        })
                  .ok());
  EXPECT_EQ(expected, 2401u);
  int visited = 0;
  ASSERT_TRUE(log->Scan(1, UINT64_MAX,
                        [&](const Event& e) {
                          ++visited;
                          return e.seq < 1500;
                        })
                  .ok());
  EXPECT_EQ(visited, 1500);
}

TEST(EventLogTest, ScanCallbackMayAppendEvenWhenTheMapMustGrow) {
  TempDir dir;
  EventLog::Options options;
  options.initial_map_bytes = 1 << 20;
  auto log = OpenOrDie(dir.path(), options);
  ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "e", 3)).ok());
  // Growing the map waits for this process's transactions to end; the callback
  // must not be running inside one.
  ASSERT_TRUE(log->Scan(1, 3,
                        [&](const Event& e) {
                          auto result = log->Append(
                              MarkedBatch("Derived", "d" + std::to_string(e.seq), 200, 2000));
                          EXPECT_TRUE(result.ok()) << result.error().message;
                          return true;
                        })
                  .ok());
  EXPECT_EQ(*log->Head(), 603u);
  EXPECT_GT(log->Stats()->map_bytes, 1u << 20);
}

TEST(EventLogTest, ReadStreamReturnsOnlyThatStreamOldestFirst) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  ASSERT_TRUE(log->Append(One("Al", "al-1")).ok());
  ASSERT_TRUE(log->Append(One("Al Bo", "albo-1")).ok());  // "pilot/Al" is a prefix of it
  ASSERT_TRUE(log->Append(One("Al", "al-2")).ok());
  ASSERT_TRUE(log->Append(One("Ak", "ak-1")).ok());

  auto events = log->ReadStream("pilot/Al");
  ASSERT_TRUE(events.ok()) << events.error().message;
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ(MarkerOf((*events)[0]), "al-1");
  EXPECT_EQ((*events)[0].version, 1u);
  EXPECT_EQ(MarkerOf((*events)[1]), "al-2");
  EXPECT_EQ((*events)[1].seq, 3u);
  EXPECT_TRUE(log->ReadStream("pilot/Nobody")->empty());
}

TEST(EventLogTest, SnapshotsRoundTrip) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "e", 5)).ok());
  EXPECT_FALSE(log->GetSnapshot("roster")->has_value());

  const std::string bytes("state\0with\0zeros", 16);
  ASSERT_TRUE(log->PutSnapshot("roster", 3, bytes).ok());
  auto stored = log->GetSnapshot("roster");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->seq, 3u);
  EXPECT_EQ((*stored)->bytes, bytes);

  const std::string large(3 << 20, 'L');  // bigger than a page, spread over overflow pages
  ASSERT_TRUE(log->PutSnapshot("roster", 5, large).ok());
  EXPECT_EQ((*log->GetSnapshot("roster"))->bytes, large);
  EXPECT_EQ(log->Stats()->snapshot_seq, 5u);
  EXPECT_EQ(log->Stats()->snapshot_bytes, large.size());

  auto beyond = log->PutSnapshot("roster", 6, "x");
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*log->GetSnapshot("roster"))->seq, 5u);

  ASSERT_TRUE(log->DeleteSnapshot("roster").ok());
  EXPECT_FALSE(log->GetSnapshot("roster")->has_value());
  EXPECT_TRUE(log->DeleteSnapshot("roster").ok());
  EXPECT_EQ(log->Stats()->snapshot_seq, 0u);
  EXPECT_EQ(log->PutSnapshot("", 1, "x").error().code, ErrorCode::kInvalidArgument);
}

TEST(EventLogTest, BackupIsACompactReadableCopy) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "e", 200)).ok());
  // Free pages a compacting copy leaves out.
  ASSERT_TRUE(log->PutSnapshot("roster", 200, std::string(4 << 20, 's')).ok());
  ASSERT_TRUE(log->DeleteSnapshot("roster").ok());

  const std::string backup = dir.Sub("backup/nested");
  auto status = log->Backup(backup);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_LT(std::filesystem::file_size(backup + "/data.mdb"),
            std::filesystem::file_size(dir.path() + "/data.mdb") / 2);

  auto again = log->Backup(backup);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);

  auto copy = OpenOrDie(backup);
  EXPECT_EQ(*copy->Head(), 200u);
  EXPECT_EQ(copy->Get(123)->hash, log->Get(123)->hash);
  EXPECT_EQ(*copy->StreamVersion("pilot/Kaelen Voss"), 200u);
  auto report = copy->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  EXPECT_EQ(report->events_checked, 200u);
}

TEST(EventLogTest, ReopenedLogContinuesTheChain) {
  TempDir dir;
  {
    auto log = OpenOrDie(dir.path());
    ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "first", 3)).ok());
  }
  auto log = OpenOrDie(dir.path());
  auto result = log->Append(One("Kaelen Voss", "after"));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->first_seq, 4u);
  EXPECT_EQ(log->Get(4)->version, 4u);
  EXPECT_GE(log->Get(4)->ts_us, log->Get(3)->ts_us);
  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  EXPECT_EQ(log->Stats()->readers_cleared_on_open, 0u);
}

TEST(EventLogTest, StatsDescribeTheLog) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "e", 3)).ok());
  ASSERT_TRUE(log->Append(One("Mira Sol", "m")).ok());
  auto stats = log->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->head_seq, 4u);
  EXPECT_EQ(stats->streams, 2u);
  EXPECT_EQ(stats->map_bytes, EventLog::Options{}.initial_map_bytes);
  EXPECT_GT(stats->used_bytes, 0u);
  EXPECT_LT(stats->used_bytes, stats->map_bytes);
  EXPECT_EQ(log->dir(), dir.path());
}

TEST(EventLogTest, VerifyReportsProgressAndFindsNothingWrongWithAnIntactLog) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  AppendRequest keyed = MarkedBatch("Kaelen Voss", "k", 3);
  keyed.idempotency_key = "k1";
  ASSERT_TRUE(log->Append(keyed).ok());
  ASSERT_TRUE(log->Append(MarkedBatch("Mira Sol", "m", 4)).ok());
  std::uint64_t last_checked = 0, last_total = 0;
  auto report = log->Verify([&](std::uint64_t checked, std::uint64_t total) {
    last_checked = checked;
    last_total = total;
  });
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  EXPECT_EQ(report->events_checked, 7u);
  EXPECT_EQ(report->streams_checked, 2u);
  EXPECT_EQ(report->idempotency_keys_checked, 1u);
  EXPECT_EQ(last_checked, 7u);
  EXPECT_EQ(last_total, 7u);
}

}  // namespace
}  // namespace kraken
