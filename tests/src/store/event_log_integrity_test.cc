// Damage a closed log through raw LMDB, then check that reads and Verify name
// exactly what is wrong.

#include <gtest/gtest.h>

#include "events/codec.h"
#include "src/store/event_log.h"
#include "src/store/log_keys.h"
#include "tests/src/store/log_test_support.h"

namespace kraken {
namespace {

using testing::MarkedBatch;
using testing::OpenOrDie;
using testing::TempDir;

bool Mentions(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}

std::string AllProblems(const VerifyReport& report) {
  std::string all;
  for (const std::string& problem : report.problems) all += problem + "\n";
  return all;
}

// A log of five events on one stream, closed.
void WriteFiveEvents(const std::string& dir) {
  auto log = OpenOrDie(dir);
  AppendRequest request = MarkedBatch("Kaelen Voss", "e", 5);
  request.idempotency_key = "import-1";
  ASSERT_TRUE(log->Append(request).ok());
}

TEST(EventLogIntegrityTest, CorruptRecordIsReportedWithItsSequence) {
  TempDir dir;
  WriteFiveEvents(dir.path());
  testing::RawPutRecord(dir.path(), 3, "\x01\x02 not json at all");

  auto log = OpenOrDie(dir.path());
  auto get = log->Get(3);
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code, ErrorCode::kCorrupt);
  EXPECT_TRUE(Mentions(get.error().message, "event 3")) << get.error().message;
  EXPECT_TRUE(log->Get(2).ok());
  EXPECT_TRUE(log->Get(4).ok());

  int visited = 0;
  auto scan = log->Scan(1, 5, [&](const Event&) {
    ++visited;
    return true;
  });
  ASSERT_FALSE(scan.ok());
  EXPECT_EQ(scan.error().code, ErrorCode::kCorrupt);
  EXPECT_TRUE(Mentions(scan.error().message, "event 3")) << scan.error().message;
  EXPECT_EQ(visited, 2);

  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->problems.empty());
  for (const std::string& problem : report->problems) {
    EXPECT_TRUE(Mentions(problem, "event 3")) << problem;
  }
}

TEST(EventLogIntegrityTest, ScanDeliversEveryEventBeforeACorruptOne) {
  TempDir dir;
  {
    auto log = OpenOrDie(dir.path());
    ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "e", 2000)).ok());
  }
  testing::RawPutRecord(dir.path(), 1500, "{\"seq\":1500}");
  auto log = OpenOrDie(dir.path());
  std::uint64_t last_seen = 0;
  auto scan = log->Scan(1, 2000, [&](const Event& e) {
    last_seen = e.seq;
    return true;
  });
  ASSERT_FALSE(scan.ok());
  EXPECT_EQ(scan.error().code, ErrorCode::kCorrupt);
  EXPECT_TRUE(Mentions(scan.error().message, "event 1500")) << scan.error().message;
  EXPECT_EQ(last_seen, 1499u);
}

TEST(EventLogIntegrityTest, TamperedEventIsCaughtByVerify) {
  TempDir dir;
  WriteFiveEvents(dir.path());
  // Rewrite event 3's payload as valid JSON, keeping its stored hash.
  const std::string original = testing::RawRecord(dir.path(), 3);
  EventDecoder decoder;
  Event event = *decoder.Decode(original, 3);
  event.payload = PilotLeftAlliance{"rewritten history"};
  const std::string tampered = EncodeRecord(event);  // carries event.hash
  ASSERT_TRUE(tampered.ends_with(event.hash + "\"}"));
  testing::RawPutRecord(dir.path(), 3, tampered);

  auto log = OpenOrDie(dir.path());
  ASSERT_TRUE(log->Get(3).ok());  // it decodes fine: only the chain can tell
  EXPECT_EQ(testing::MarkerOf(*log->Get(3)), "rewritten history");
  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->problems.size(), 1u) << AllProblems(*report);
  EXPECT_TRUE(report->problems[0].starts_with("event 3: hash does not match the chain (stored " +
                                              event.hash.substr(0, 4) + "…, computed "))
      << report->problems[0];
}

TEST(EventLogIntegrityTest, MissingEventIsReportedAsAGap) {
  TempDir dir;
  WriteFiveEvents(dir.path());
  testing::RawDeleteRecord(dir.path(), 3);

  auto log = OpenOrDie(dir.path());
  auto get = log->Get(3);
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code, ErrorCode::kCorrupt);
  EXPECT_TRUE(Mentions(get.error().message, "event 3 is missing")) << get.error().message;
  auto scan = log->Scan(1, 5, [](const Event&) { return true; });
  ASSERT_FALSE(scan.ok());
  EXPECT_TRUE(Mentions(scan.error().message, "event 3 is missing")) << scan.error().message;

  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  const std::string all = AllProblems(*report);
  EXPECT_TRUE(Mentions(all, "event 3: missing (the sequence jumps from 2 to 4)")) << all;
  EXPECT_TRUE(Mentions(all, "event 4: hash does not match the chain")) << all;
  EXPECT_TRUE(Mentions(all,
                       "stream index: pilot/Kaelen Voss version 3 points at event 3, which "
                       "does not exist"))
      << all;
  EXPECT_TRUE(Mentions(all, "idempotency key \"import-1\": points at events 1..5")) << all;
}

TEST(EventLogIntegrityTest, IndexesThatDisagreeWithTheEventsAreReported) {
  TempDir dir;
  WriteFiveEvents(dir.path());
  testing::RawDelete(dir.path(), Table::kStreams, StreamIndexKey("pilot/Kaelen Voss", 2));
  std::string seq_bytes;
  AppendBigEndian64(seq_bytes, 5);
  // A stream's version is its last index entry, so these two move its head.
  testing::RawPut(dir.path(), Table::kStreams, StreamIndexKey("pilot/Kaelen Voss", 9), seq_bytes);
  testing::RawPut(dir.path(), Table::kStreams, StreamIndexKey("pilot/Ghost", 1), seq_bytes);
  testing::RawPut(dir.path(), Table::kIdempotency, "never-used", IdempotencyValue(4, 5));

  auto log = OpenOrDie(dir.path());
  EXPECT_EQ(*log->StreamVersion("pilot/Kaelen Voss"), 9u);  // what Verify is there to catch
  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  const std::string all = AllProblems(*report);
  EXPECT_EQ(report->problems.size(), 4u) << all;
  EXPECT_TRUE(Mentions(all, "event 2: missing from the index of stream pilot/Kaelen Voss")) << all;
  EXPECT_TRUE(Mentions(all,
                       "stream index: pilot/Kaelen Voss version 9 points at event 5, which is "
                       "pilot/Kaelen Voss version 5"))
      << all;
  EXPECT_TRUE(Mentions(all,
                       "stream index: pilot/Ghost version 1 points at event 5, which is "
                       "pilot/Kaelen Voss version 5"))
      << all;
  EXPECT_TRUE(Mentions(all, "idempotency key \"never-used\": points at events 4..5")) << all;
}

TEST(EventLogIntegrityTest, DamagedLastEventStopsAppendsAndIsReported) {
  TempDir dir;
  WriteFiveEvents(dir.path());
  // The next append chains from the last record's hash and timestamp.
  std::string record = testing::RawRecord(dir.path(), 5);
  record.resize(record.size() - 10);
  testing::RawPutRecord(dir.path(), 5, record);

  auto log = OpenOrDie(dir.path());
  EXPECT_EQ(*log->Head(), 5u);
  auto append = log->Append(MarkedBatch("Mira Sol", "after", 1));
  ASSERT_FALSE(append.ok());
  EXPECT_EQ(append.error().code, ErrorCode::kCorrupt);
  EXPECT_TRUE(Mentions(append.error().message, "its last event, 5, cannot be read"))
      << append.error().message;
  EXPECT_EQ(*log->Head(), 5u);
  EXPECT_EQ(*log->StreamVersion("pilot/Mira Sol"), 0u);
  // The snapshot slot needs only the head's sequence.
  EXPECT_TRUE(log->PutSnapshot("roster", 5, "state").ok());
  // ... and committing it does not make the damaged head acceptable afterwards.
  append = log->Append(MarkedBatch("Mira Sol", "after the snapshot", 1));
  ASSERT_FALSE(append.ok());
  EXPECT_EQ(append.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(*log->Head(), 5u);

  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  const std::string all = AllProblems(*report);
  EXPECT_TRUE(Mentions(all, "event 5: the record does not end with its hash field")) << all;
  EXPECT_TRUE(Mentions(all,
                       "event 5: the last event's hash or timestamp cannot be read, so nothing "
                       "can be appended after it"))
      << all;
}

TEST(EventLogIntegrityTest, LongScanDeliversEveryEventBeforeACorruptOrMissingOne) {
  TempDir dir;
  {
    auto log = OpenOrDie(dir.path());
    for (int batch = 0; batch < 8; ++batch) {
      ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "e" + std::to_string(batch), 1000)).ok());
    }
  }
  // Both far enough in to be decoded ahead of the callback, on the second thread.
  testing::RawPutRecord(dir.path(), 6500, "{\"seq\":6500}");
  testing::RawDeleteRecord(dir.path(), 4321);

  auto log = OpenOrDie(dir.path());
  std::uint64_t last_seen = 0;
  auto scan_from = [&](std::uint64_t from) {
    last_seen = from - 1;
    return log->Scan(from, 8000, [&](const Event& e) {
      EXPECT_EQ(e.seq, last_seen + 1);
      last_seen = e.seq;
      return true;
    });
  };
  auto missing = scan_from(1);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kCorrupt);
  EXPECT_TRUE(Mentions(missing.error().message, "event 4321 is missing"))
      << missing.error().message;
  EXPECT_EQ(last_seen, 4320u);

  auto corrupt = scan_from(4322);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.error().code, ErrorCode::kCorrupt);
  EXPECT_TRUE(Mentions(corrupt.error().message, "event 6500")) << corrupt.error().message;
  EXPECT_EQ(last_seen, 6499u);
}

TEST(EventLogIntegrityTest, KeysOutsideTheTablesAreReported) {
  TempDir dir;
  WriteFiveEvents(dir.path());
  testing::RawPut(dir.path(), static_cast<Table>('A'), "stray", "x");
  {
    auto log = OpenOrDie(dir.path());
    auto report = log->Verify();
    ASSERT_TRUE(report.ok());
    ASSERT_EQ(report->problems.size(), 1u) << AllProblems(*report);
    EXPECT_EQ(report->problems[0],
              "the database holds 1 keys outside the log's tables (docs/log-layout.md)");
    // A key before the events stops nothing.
    EXPECT_TRUE(log->Append(MarkedBatch("Mira Sol", "after", 1)).ok());
  }

  // One after them stops every append (they go at the very end), and says so.
  testing::RawPut(dir.path(), static_cast<Table>('z'), "stray", "x");
  auto log = OpenOrDie(dir.path());
  auto append = log->Append(MarkedBatch("Mira Sol", "blocked", 1));
  ASSERT_FALSE(append.ok());
  EXPECT_EQ(append.error().code, ErrorCode::kCorrupt);
  EXPECT_TRUE(Mentions(append.error().message,
                       "cannot append event 7: a record with that "
                       "sequence (or a key after it) already exists"))
      << append.error().message;
  EXPECT_EQ(*log->Head(), 6u);
  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  const std::string all = AllProblems(*report);
  EXPECT_TRUE(Mentions(all, "the database holds 2 keys outside the log's tables")) << all;
  EXPECT_TRUE(Mentions(all,
                       "a key outside the log's tables (\"zstray\", 6 bytes) sorts after "
                       "the events, so no event can be appended"))
      << all;
}

}  // namespace
}  // namespace kraken
