// A kraken-log-2 log (every table in its own named database) is converted to the
// current layout when opened, in one transaction, keeping every byte of history.

#include <gtest/gtest.h>
#include <lmdb.h>

#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "src/store/event_log.h"
#include "src/store/log_keys.h"
#include "tests/src/store/log_test_support.h"

namespace kraken {
namespace {

using testing::MarkedBatch;
using testing::OpenOrDie;
using testing::TempDir;

void Check(int rc, const char* what) {
  if (rc != MDB_SUCCESS) throw std::runtime_error(std::string(what) + ": " + mdb_strerror(rc));
}

MDB_val Val(std::string_view bytes) { return {bytes.size(), const_cast<char*>(bytes.data())}; }

// Rewrites the closed log in `dir` the way a kraken-log-2 build stored it: each
// table in a named database, events keyed by native 8-byte integers, the format
// tag in "meta". Returns how many entries each table held.
std::map<char, std::size_t> RewriteAsLog2(const std::string& dir, std::string_view format) {
  MDB_env* env = nullptr;
  Check(mdb_env_create(&env), "mdb_env_create");
  mdb_env_set_maxdbs(env, 8);
  // Room for both copies; the next open that sets a smaller map gets the pages in use.
  mdb_env_set_mapsize(env, 1ull << 30);
  Check(mdb_env_open(env, dir.c_str(), 0, 0644), "mdb_env_open");
  MDB_txn* txn = nullptr;
  Check(mdb_txn_begin(env, nullptr, 0, &txn), "mdb_txn_begin");
  MDB_dbi main;
  Check(mdb_dbi_open(txn, nullptr, 0, &main), "open main");
  std::vector<std::pair<std::string, std::string>> entries;
  {
    MDB_cursor* cursor = nullptr;
    Check(mdb_cursor_open(txn, main, &cursor), "mdb_cursor_open");
    MDB_val key, value;
    for (int rc = mdb_cursor_get(cursor, &key, &value, MDB_FIRST); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)) {
      std::string stored(static_cast<char*>(key.mv_data), key.mv_size);
      if (stored == "meta") continue;  // the "meta" database stays
      entries.emplace_back(std::move(stored),
                           std::string(static_cast<char*>(value.mv_data), value.mv_size));
    }
    mdb_cursor_close(cursor);
  }
  for (const auto& [stored, value] : entries) {
    MDB_val k = Val(stored);
    Check(mdb_del(txn, main, &k, nullptr), "mdb_del");
  }
  const std::map<char, std::pair<const char*, unsigned>> named = {{'r', {"events", MDB_INTEGERKEY}},
                                                                  {'S', {"streams", 0}},
                                                                  {'I', {"idempotency", 0}},
                                                                  {'P', {"snapshots", 0}}};
  std::map<char, MDB_dbi> dbis;
  for (const auto& [table, db] : named) {
    Check(mdb_dbi_open(txn, db.first, db.second | MDB_CREATE, &dbis[table]), db.first);
  }
  std::map<char, std::size_t> counts;
  for (const auto& [stored, value] : entries) {
    char table = stored.at(0);
    std::string key = stored.substr(1);
    std::string_view stored_value = value;
    if (table == 'J') {  // a long idempotency key: kraken-log-2 kept it as it is
      table = 'I';
      key = value.substr(16);
      stored_value = std::string_view(value).substr(0, 16);
    }
    if (table == 'r') {
      std::uint64_t seq = ReadBigEndian64(key);
      key.assign(reinterpret_cast<const char*>(&seq), sizeof(seq));
    }
    MDB_val k = Val(key), v = Val(stored_value);
    Check(mdb_put(txn, dbis.at(table), &k, &v, 0), "mdb_put");
    ++counts[table];
  }
  MDB_dbi meta;
  Check(mdb_dbi_open(txn, "meta", 0, &meta), "meta");
  MDB_val k = Val("format"), v = Val(format);
  Check(mdb_put(txn, meta, &k, &v, 0), "format");
  Check(mdb_txn_commit(txn), "mdb_txn_commit");
  mdb_env_close(env);
  return counts;
}

// How many of kraken-log-2's named databases the closed log in `dir` has.
std::size_t NamedDatabases(const std::string& dir) {
  const auto entries = testing::RawEntries(dir, nullptr);
  std::size_t named = 0;
  for (const char* name : {"events", "streams", "idempotency", "snapshots", "meta"}) {
    named += entries.count(name);
  }
  return named;
}

TEST(EventLogUpgradeTest, Log2IsConvertedOnOpenKeepingEveryByteOfHistory) {
  TempDir dir;
  std::vector<std::string> records;
  LogStats before;
  {
    auto log = OpenOrDie(dir.path());
    AppendRequest keyed = MarkedBatch("Kaelen Voss", "import", 3);
    keyed.idempotency_key = "import-1";
    ASSERT_TRUE(log->Append(keyed).ok());
    // kraken-log-2 stored keys of up to 511 bytes as they were.
    AppendRequest long_keyed = MarkedBatch("Mira Sol", "m", 2);
    long_keyed.idempotency_key = std::string(511, 'r');
    ASSERT_TRUE(log->Append(long_keyed).ok());
    ASSERT_TRUE(log->PutSnapshot("roster", 5, "snapshot bytes").ok());
    before = *log->Stats();
  }
  for (std::uint64_t seq = 1; seq <= 5; ++seq)
    records.push_back(testing::RawRecord(dir.path(), seq));
  const auto counts = RewriteAsLog2(dir.path(), "kraken-log-2");
  EXPECT_EQ(counts.at('r'), 5u);
  EXPECT_EQ(counts.at('S'), 5u);
  EXPECT_EQ(counts.at('I'), 2u);
  ASSERT_EQ(NamedDatabases(dir.path()), 5u);

  {
    auto log = OpenOrDie(dir.path());
    EXPECT_EQ(*log->Head(), 5u);
    auto report = log->Verify();  // the chain, both indexes, the format tag
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->problems.empty()) << report->problems.front();
    EXPECT_EQ(report->events_checked, 5u);
    const LogStats after = *log->Stats();
    EXPECT_EQ(after.streams, before.streams);
    EXPECT_EQ(after.idempotency_keys, 2u);
    EXPECT_EQ(after.snapshot_seq, 5u);
    EXPECT_EQ(log->GetSnapshot("roster")->value().bytes, "snapshot bytes");
    EXPECT_EQ(log->ReadStream(PilotStream("Mira Sol"))->size(), 2u);
    EXPECT_EQ(*log->StreamVersion(PilotStream("Kaelen Voss")), 3u);

    // A retried import is still recognised; new appends chain on.
    AppendRequest retry = MarkedBatch("Kaelen Voss", "import", 3);
    retry.idempotency_key = "import-1";
    auto retried = log->Append(retry);
    ASSERT_TRUE(retried.ok());
    EXPECT_TRUE(retried->duplicate);
    EXPECT_EQ(retried->first_seq, 1u);
    AppendRequest long_retry = MarkedBatch("Mira Sol", "m", 2);
    long_retry.idempotency_key = std::string(511, 'r');
    retried = log->Append(long_retry);
    ASSERT_TRUE(retried.ok());
    EXPECT_TRUE(retried->duplicate);
    EXPECT_EQ(retried->first_seq, 4u);
    auto next = log->Append(MarkedBatch("Mira Sol", "after", 1));
    ASSERT_TRUE(next.ok()) << next.error().message;
    EXPECT_EQ(next->first_seq, 6u);
    EXPECT_EQ(log->Get(6)->version, 3u);
    report = log->Verify();
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  }
  EXPECT_EQ(NamedDatabases(dir.path()), 1u);  // "meta", now tagged kraken-log-3
  for (std::uint64_t seq = 1; seq <= 5; ++seq) {
    EXPECT_EQ(testing::RawRecord(dir.path(), seq), records[seq - 1]) << seq;
  }
}

TEST(EventLogUpgradeTest, ConversionThatOutgrowsTheMapGrowsItAndCompletes) {
  TempDir dir;
  EventLog::Options small;
  small.initial_map_bytes = 256 << 10;
  LogStats before;
  {
    auto log = OpenOrDie(dir.path(), small);
    // Until both copies of the log would not fit in the map it grew to.
    for (int batch = 0; batch < 40; ++batch) {
      ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "b" + std::to_string(batch), 500)).ok());
      before = *log->Stats();
      if (2 * before.used_bytes > before.map_bytes) break;
    }
  }
  ASSERT_GT(2 * before.used_bytes, before.map_bytes);
  RewriteAsLog2(dir.path(), "kraken-log-2");
  auto log = OpenOrDie(dir.path(), small);
  EXPECT_GT(log->Stats()->map_bytes, before.map_bytes);
  EXPECT_EQ(*log->Head(), before.head_seq);
  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  EXPECT_EQ(report->events_checked, before.head_seq);
}

TEST(EventLogUpgradeTest, AKeyTooLongToCarryOverRefusesTheConversionAndChangesNothing) {
  TempDir dir;
  {
    auto log = OpenOrDie(dir.path());
    ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "a", 2)).ok());
  }
  RewriteAsLog2(dir.path(), "kraken-log-2");
  {
    // kraken-log-2 took snapshot names of 511 bytes; the table's byte leaves 510.
    MDB_env* env = nullptr;
    Check(mdb_env_create(&env), "mdb_env_create");
    mdb_env_set_maxdbs(env, 8);
    Check(mdb_env_open(env, dir.path().c_str(), 0, 0644), "mdb_env_open");
    MDB_txn* txn = nullptr;
    Check(mdb_txn_begin(env, nullptr, 0, &txn), "mdb_txn_begin");
    MDB_dbi snapshots;
    Check(mdb_dbi_open(txn, "snapshots", 0, &snapshots), "snapshots");
    const std::string name(511, 'n');
    const std::string snapshot("\0\0\0\0\0\0\0\x02state", 13);
    MDB_val k = Val(name), v = Val(snapshot);
    Check(mdb_put(txn, snapshots, &k, &v, 0), "mdb_put");
    Check(mdb_txn_commit(txn), "mdb_txn_commit");
    mdb_env_close(env);
  }
  auto log = EventLog::Open(dir.path());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(log.error().message.find("cannot convert the kraken-log-2 log in " + dir.path() +
                                     " to kraken-log-3: the snapshots key \"nnnn"),
            std::string::npos)
      << log.error().message;
  EXPECT_NE(log.error().message.find("is 511 bytes long; this build stores at most 510. Nothing "
                                     "was changed"),
            std::string::npos)
      << log.error().message;
  EXPECT_EQ(NamedDatabases(dir.path()), 5u);
}

TEST(EventLogUpgradeTest, OlderFormatsAreRefusedAndLeftAsTheyWere) {
  TempDir dir;
  {
    auto log = OpenOrDie(dir.path());
    ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "a", 2)).ok());
  }
  RewriteAsLog2(dir.path(), "kraken-log-1");
  auto log = EventLog::Open(dir.path());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(log.error().message.find("holds a log in format \"kraken-log-1\"; this build reads "
                                     "\"kraken-log-3\""),
            std::string::npos)
      << log.error().message;
  EXPECT_EQ(NamedDatabases(dir.path()), 5u);
}

}  // namespace
}  // namespace kraken
