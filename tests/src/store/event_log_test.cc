// The event log's append path against real LMDB: gapless sequences and stream
// versions, the hash chain, timestamps, idempotency keys, expected versions,
// all-or-nothing batches, invalid requests and concurrent appends. Reading the log
// back, snapshots, backups, stats and verification: event_log_read_test.cc.

#include "src/store/event_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "events/codec.h"
#include "src/store/chain_hasher.h"
#include "tests/src/store/event_log_test_support.h"
#include "tests/src/store/log_test_support.h"

namespace kraken {
namespace {

using testing::MarkedBatch;
using testing::MarkedEvent;
using testing::MarkerOf;
using testing::One;
using testing::OpenOrDie;
using testing::TempDir;

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

}  // namespace
}  // namespace kraken
