#include "src/store/event_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "events/codec.h"
#include "src/store/chain_hasher.h"
#include "tests/src/store/log_test_support.h"

namespace kraken {
namespace {

using testing::MarkedBatch;
using testing::MarkedEvent;
using testing::MarkerOf;
using testing::OpenOrDie;
using testing::TempDir;

AppendRequest One(std::string_view pilot, std::string marker) {
  AppendRequest request;
  request.events.push_back(MarkedEvent(pilot, std::move(marker)));
  return request;
}

TEST(EventLogTest, AppendsAssignGaplessSequencesAndStreamVersions) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  EXPECT_EQ(*log->Head(), 0u);

  auto first = log->Append(MarkedBatch("Kaelen Voss", "a", 2));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->first_seq, 1u);
  EXPECT_EQ(first->last_seq, 2u);
  EXPECT_FALSE(first->duplicate);
  auto second = log->Append(One("Mira Sol", "b"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->first_seq, 3u);
  auto third = log->Append(One("Kaelen Voss", "c"));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->first_seq, 4u);

  EXPECT_EQ(*log->Head(), 4u);
  EXPECT_EQ(*log->StreamVersion("pilot/Kaelen Voss"), 3u);
  EXPECT_EQ(*log->StreamVersion("pilot/Mira Sol"), 1u);
  EXPECT_EQ(*log->StreamVersion("pilot/Nobody"), 0u);
  const std::uint64_t expected_versions[] = {1, 2, 1, 3};
  const char* expected_markers[] = {"a-0", "a-1", "b", "c"};
  for (std::uint64_t seq = 1; seq <= 4; ++seq) {
    auto event = log->Get(seq);
    ASSERT_TRUE(event.ok()) << event.error().message;
    EXPECT_EQ(event->seq, seq);
    EXPECT_EQ(event->version, expected_versions[seq - 1]);
    EXPECT_EQ(MarkerOf(*event), expected_markers[seq - 1]);
    EXPECT_EQ(event->hash.size(), kHashHexLength);
    EXPECT_GT(event->ts_us, 0);
  }
}

TEST(EventLogTest, HashesChainFromThirtyTwoZeroBytes) {
  TempDir dir;
  {
    auto log = OpenOrDie(dir.path());
    ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "a", 2)).ok());
  }
  const std::string record1 = testing::RawRecord(dir.path(), 1);
  const std::string record2 = testing::RawRecord(dir.path(), 2);
  ChainHasher hasher;
  const Digest hash1 = hasher.Next(Digest{}, *HashedPart(record1));
  const Digest hash2 = hasher.Next(hash1, *HashedPart(record2));
  EXPECT_TRUE(record1.ends_with("\"hash\":\"" + DigestHex(hash1) + "\"}"));
  EXPECT_TRUE(record2.ends_with("\"hash\":\"" + DigestHex(hash2) + "\"}"));
  auto log = OpenOrDie(dir.path());
  EXPECT_EQ(log->Get(2)->hash, DigestHex(hash2));
}

TEST(EventLogTest, TimestampsComeFromTheClockButNeverGoBackwards) {
  TempDir dir;
  std::int64_t now = 5'000'000;
  EventLog::Options options;
  options.clock = [&now] { return now; };
  auto log = OpenOrDie(dir.path(), options);
  ASSERT_TRUE(log->Append(One("Kaelen Voss", "a")).ok());
  now = 1'000'000;  // the clock steps back
  ASSERT_TRUE(log->Append(One("Kaelen Voss", "b")).ok());
  now = 9'000'000;
  ASSERT_TRUE(log->Append(One("Kaelen Voss", "c")).ok());
  EXPECT_EQ(log->Get(1)->ts_us, 5'000'000);
  EXPECT_EQ(log->Get(2)->ts_us, 5'000'000);
  EXPECT_EQ(log->Get(3)->ts_us, 9'000'000);
}

TEST(EventLogTest, RetriedIdempotencyKeyAppendsNothing) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  ASSERT_TRUE(log->Append(One("Mira Sol", "before")).ok());
  AppendRequest request = MarkedBatch("Kaelen Voss", "import", 3);
  request.idempotency_key = "discord:interaction:42";
  auto original = log->Append(request);
  ASSERT_TRUE(original.ok()) << original.error().message;
  EXPECT_EQ(original->first_seq, 2u);
  EXPECT_EQ(original->last_seq, 4u);
  EXPECT_FALSE(original->duplicate);

  auto retried = log->Append(request);
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_EQ(retried->first_seq, 2u);
  EXPECT_EQ(retried->last_seq, 4u);
  EXPECT_TRUE(retried->duplicate);
  EXPECT_EQ(*log->Head(), 4u);
  EXPECT_EQ(*log->StreamVersion("pilot/Kaelen Voss"), 3u);
  for (std::uint64_t seq = 2; seq <= 4; ++seq) {
    EXPECT_EQ(log->Get(seq)->idempotency_key, "discord:interaction:42");
  }
  EXPECT_EQ(log->Get(1)->idempotency_key, "");
  EXPECT_EQ(log->Stats()->idempotency_keys, 1u);
}

TEST(EventLogTest, ExpectedVersionMismatchReportsActualVersion) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "a", 4)).ok());

  AppendRequest stale = One("Kaelen Voss", "stale");
  stale.expected_versions["pilot/Kaelen Voss"] = 3;
  auto conflict = log->Append(stale);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
  EXPECT_EQ(conflict.error().actual_version, 4u);
  EXPECT_EQ(conflict.error().message, "stream pilot/Kaelen Voss is at version 4, expected 3");

  AppendRequest create = One("Kaelen Voss", "create");
  create.expected_versions["pilot/Kaelen Voss"] = 0;
  EXPECT_EQ(log->Append(create).error().code, ErrorCode::kConflict);
  EXPECT_EQ(*log->Head(), 4u);

  AppendRequest current = One("Kaelen Voss", "current");
  current.expected_versions["pilot/Kaelen Voss"] = 4;
  current.expected_versions["pilot/New Pilot"] = 0;
  current.expected_versions["pilot/Anyone"] = kAnyVersion;
  auto ok = log->Append(current);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->first_seq, 5u);
}

TEST(EventLogTest, BatchIsAllOrNothing) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  ASSERT_TRUE(log->Append(One("Mira Sol", "existing")).ok());

  AppendRequest batch;
  batch.events.push_back(MarkedEvent("Kaelen Voss", "first"));
  batch.events.push_back(MarkedEvent("Mira Sol", "second"));
  batch.expected_versions["pilot/Mira Sol"] = 0;  // but it is at 1
  batch.idempotency_key = "batch-1";
  auto result = log->Append(batch);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kConflict);

  EXPECT_EQ(*log->Head(), 1u);
  EXPECT_EQ(*log->StreamVersion("pilot/Kaelen Voss"), 0u);
  EXPECT_TRUE(log->ReadStream("pilot/Kaelen Voss")->empty());
  EXPECT_EQ(log->Stats()->idempotency_keys, 0u);
  // The key was not consumed: the corrected batch goes through under it.
  batch.expected_versions["pilot/Mira Sol"] = 1;
  auto retried = log->Append(batch);
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_FALSE(retried->duplicate);
  EXPECT_EQ(retried->first_seq, 2u);
  EXPECT_EQ(retried->last_seq, 3u);
}

TEST(EventLogTest, InvalidRequestsAreRejectedWithAReason) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  auto expect_invalid = [&](AppendRequest request, std::string_view mentions) {
    auto result = log->Append(std::move(request));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(result.error().message.find(mentions), std::string::npos) << result.error().message;
  };
  expect_invalid(AppendRequest{}, "at least one event");

  AppendRequest no_stream = One("x", "m");
  no_stream.events[0].stream.clear();
  expect_invalid(no_stream, "needs a stream");

  // LMDB keys hold 511 bytes, the table's byte included; a stream index key adds 9.
  AppendRequest long_stream = One("x", "m");
  long_stream.events[0].stream = std::string(502, 's');
  expect_invalid(long_stream, "at most 501 bytes");

  AppendRequest long_key = One("x", "m");
  long_key.idempotency_key = std::string(512, 'k');
  expect_invalid(long_key, "at most 511 bytes");

  AppendRequest long_expected = One("x", "m");
  long_expected.expected_versions[std::string(600, 's')] = 1;
  expect_invalid(long_expected, "at most 501 bytes");

  AppendRequest mismatched = One("x", "m");
  mismatched.events[0].idempotency_key = "mine";
  expect_invalid(mismatched, "AppendRequest::idempotency_key");

  EXPECT_EQ(*log->Head(), 0u);
  // The longest names that fit are fine.
  AppendRequest longest = One("x", "m");
  longest.events[0].stream = std::string(501, 's');
  longest.idempotency_key = std::string(511, 'k');
  ASSERT_TRUE(log->Append(longest).ok());
  EXPECT_EQ(log->ReadStream(std::string(501, 's'))->size(), 1u);
}

// LMDB cannot hold a 511-byte key behind the table's byte; such keys are kept
// under their SHA-256 (docs/log-layout.md) and must work like any other.
TEST(EventLogTest, LongestIdempotencyKeysAreRecognisedOnRetry) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  const std::string a = std::string(510, 'k') + "a";
  const std::string b = std::string(510, 'k') + "b";  // differs only in its last byte
  const std::string short_key(510, 'k');
  std::uint64_t first = 0;
  for (const std::string& key : {a, b, short_key}) {
    AppendRequest request = One("Kaelen Voss", key.substr(509));
    request.idempotency_key = key;
    auto appended = log->Append(request);
    ASSERT_TRUE(appended.ok()) << appended.error().message;
    EXPECT_FALSE(appended->duplicate);
    if (first == 0) first = appended->first_seq;
  }
  AppendRequest retry = One("Kaelen Voss", "retry");
  retry.idempotency_key = a;
  auto retried = log->Append(retry);
  ASSERT_TRUE(retried.ok());
  EXPECT_TRUE(retried->duplicate);
  EXPECT_EQ(retried->first_seq, first);
  EXPECT_EQ(*log->Head(), 3u);
  auto found = log->FindIdempotencyKey(b);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->first_seq, 2u);
  EXPECT_FALSE(log->FindIdempotencyKey(std::string(510, 'k') + "c")->has_value());
  EXPECT_EQ(log->Stats()->idempotency_keys, 3u);
  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  EXPECT_EQ(report->idempotency_keys_checked, 3u);
}

TEST(EventLogTest, ConcurrentAppendsAreEachDurableAndGapless) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  constexpr int kThreads = 16;
  constexpr int kAppendsPerThread = 40;
  std::vector<std::vector<AppendResult>> results(kThreads);
  std::atomic<int> unexpected_failures{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string pilot = "Pilot " + std::to_string(t);
      for (int i = 0; i < kAppendsPerThread; ++i) {
        AppendRequest request = One(pilot, pilot + "#" + std::to_string(i));
        request.expected_versions[PilotStream(pilot)] = static_cast<std::uint64_t>(i);
        auto result = log->Append(std::move(request));
        if (!result.ok()) {
          ++unexpected_failures;
          continue;
        }
        results[t].push_back(*result);
        // Interleave a request that must fail alone, merged with the others.
        AppendRequest stale = One(pilot, "stale");
        stale.expected_versions[PilotStream(pilot)] = 1000;
        auto conflict = log->Append(std::move(stale));
        if (!conflict.ok() && conflict.error().code == ErrorCode::kConflict &&
            conflict.error().actual_version == static_cast<std::uint64_t>(i + 1)) {
          ++conflicts;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(unexpected_failures.load(), 0);
  EXPECT_EQ(conflicts.load(), kThreads * kAppendsPerThread);
  constexpr std::uint64_t kTotal = kThreads * kAppendsPerThread;
  std::set<std::uint64_t> seqs;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < static_cast<int>(results[t].size()); ++i) {
      const std::uint64_t seq = results[t][i].first_seq;
      seqs.insert(seq);
      auto event = log->Get(seq);
      ASSERT_TRUE(event.ok()) << event.error().message;
      EXPECT_EQ(MarkerOf(*event), "Pilot " + std::to_string(t) + "#" + std::to_string(i));
      EXPECT_EQ(event->version, static_cast<std::uint64_t>(i + 1));
    }
  }
  EXPECT_EQ(seqs.size(), kTotal);
  EXPECT_EQ(*seqs.begin(), 1u);
  EXPECT_EQ(*seqs.rbegin(), kTotal);
  EXPECT_EQ(*log->Head(), kTotal);
  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
}

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
