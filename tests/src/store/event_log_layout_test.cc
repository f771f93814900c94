// The log's layout on disk (docs/log-layout.md): what an append stores, and the
// heads that are read from it rather than stored beside it.

#include <gtest/gtest.h>
#include <lmdb.h>

#include <array>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "src/store/event_log.h"
#include "src/store/log_keys.h"
#include "tests/src/store/log_test_support.h"
#include "tests/support/raw_lmdb.h"

namespace kraken {
namespace {

using testing::MarkedBatch;
using testing::MarkedEvent;
using testing::OpenOrDie;
using testing::TempDir;

using testing::RawEntries;

AppendRequest One(std::string_view pilot, std::string marker) {
  AppendRequest request;
  request.events.push_back(MarkedEvent(pilot, std::move(marker)));
  return request;
}

// The main database's entries but the "meta" database's own, grouped by table
// byte, keys without it.
std::map<char, std::map<std::string, std::string>> Tables(const std::string& dir) {
  std::map<char, std::map<std::string, std::string>> tables;
  for (const auto& [key, value] : RawEntries(dir, nullptr)) {
    if (key != "meta") tables[key.at(0)][key.substr(1)] = value;
  }
  return tables;
}

TEST(EventLogLayoutTest, AppendsStoreOnlyTheEventsAndTheirIndexesInOneDatabase) {
  TempDir dir;
  {
    auto log = OpenOrDie(dir.path());
    AppendRequest keyed = MarkedBatch("Kaelen Voss", "k", 2);
    keyed.idempotency_key = "import-1";
    ASSERT_TRUE(log->Append(keyed).ok());
    ASSERT_TRUE(log->Append(One("Mira Sol", "m")).ok());
  }
  // The format tag is in the one named database, where every build looks for it.
  EXPECT_EQ(RawEntries(dir.path(), "meta"),
            (std::map<std::string, std::string>{{"format", "kraken-log-3"}}));
  // Everything else is in the main database: one B-tree per commit.
  auto tables = Tables(dir.path());
  EXPECT_EQ(tables.size(), 3u);
  EXPECT_EQ(tables['S'].size(), 3u);
  EXPECT_EQ(tables['I'].size(), 1u);
  ASSERT_EQ(tables['r'].size(), 3u);
  // Events are keyed by big-endian seq and are the last keys of the database.
  EXPECT_EQ(tables['r'].begin()->first, std::string("\0\0\0\0\0\0\0\x01", 8));
  EXPECT_EQ(RawEntries(dir.path(), nullptr).rbegin()->first, 'r' + EventKey(3));
  EXPECT_EQ(tables['S'].at(StreamIndexKey(PilotStream("Mira Sol"), 1)),
            std::string("\0\0\0\0\0\0\0\x03", 8));
}

TEST(EventLogLayoutTest, LogInAnotherFormatIsRefused) {
  TempDir dir;
  {
    auto log = OpenOrDie(dir.path());
    ASSERT_TRUE(log->Append(One("Kaelen Voss", "a")).ok());
  }
  testing::RawPutFormat(dir.path(), "kraken-log-9");
  auto log = EventLog::Open(dir.path());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(log.error().message.find("holds a log in format \"kraken-log-9\"; this build reads "
                                     "\"kraken-log-3\""),
            std::string::npos)
      << log.error().message;
}

TEST(EventLogLayoutTest, AnLmdbEnvironmentThatIsNotALogIsRefusedUntouched) {
  TempDir dir;
  testing::RawPut(dir.path(), static_cast<Table>('x'), "someone else's", "data");
  auto log = EventLog::Open(dir.path());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(log.error().message.find("is not a KRAKEN event log (it has no format tag); give "
                                     "KRAKEN a new or empty directory"),
            std::string::npos)
      << log.error().message;
  EXPECT_EQ(RawEntries(dir.path(), nullptr).size(), 1u);
}

// What `command` prints on stdout, and its exit status.
std::pair<std::string, int> RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {"popen failed", -1};
  std::array<char, 4096> buffer;
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    out.append(buffer.data(), n);
  return {out, pclose(pipe)};
}

// Debian's lmdb-utils (installed by tools/dev) read a log that a process has
// open, without disturbing it: an operator's way in when KRAKEN itself cannot help.
TEST(EventLogLayoutTest, LmdbUtilsReadTheLogWhileItIsOpen) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "k", 2)).ok());

  const auto [stat, stat_status] = RunCommand("mdb_stat '" + dir.path() + "'");
  ASSERT_EQ(stat_status, 0) << "mdb_stat failed (install lmdb-utils: tools/dev does): " << stat;
  // Two events, their two index entries and the "meta" database's own entry.
  EXPECT_NE(stat.find("Entries: 5"), std::string::npos) << stat;

  const auto [dump, dump_status] = RunCommand("mdb_dump -p '" + dir.path() + "'");
  ASSERT_EQ(dump_status, 0) << dump;
  EXPECT_NE(dump.find(" Spilot/Kaelen Voss\\00\\00\\00\\00\\00\\00\\00\\00\\02\n"),
            std::string::npos)
      << dump;
  EXPECT_NE(
      dump.find(" r\\00\\00\\00\\00\\00\\00\\00\\01\n {\"seq\":1,\"stream\":\"pilot/Kaelen Voss\""),
      std::string::npos)
      << dump;
  const auto [meta, meta_status] = RunCommand("mdb_dump -p -s meta '" + dir.path() + "'");
  ASSERT_EQ(meta_status, 0) << meta;
  EXPECT_NE(meta.find(" format\n kraken-log-3\n"), std::string::npos) << meta;

  // The log goes on as if nothing had looked.
  ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "after", 1)).ok());
  EXPECT_EQ(*log->Head(), 3u);
}

TEST(EventLogLayoutTest, StreamVersionIsTheLastIndexEntryOfThatStreamOnly) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  // Names that sort next to each other: a prefix of another, one with a byte
  // below the index's separator-plus-one, the first and the last of all.
  const std::string al = PilotStream("Al");
  const std::string al_bo = PilotStream("Al Bo");
  const std::string al_x01 = PilotStream("Al\x01");
  const std::string first = "a";
  const std::string last = "zz";
  const std::pair<std::string, int> appends[] = {
      {al, 3}, {al_bo, 2}, {al_x01, 4}, {first, 1}, {last, 5}};
  for (const auto& [stream, count] : appends) {
    for (int i = 0; i < count; ++i) {
      AppendRequest request = One("x", stream + std::to_string(i));
      request.events[0].stream = stream;
      request.expected_versions[stream] = static_cast<std::uint64_t>(i);
      auto result = log->Append(std::move(request));
      ASSERT_TRUE(result.ok()) << stream << ": " << result.error().message;
    }
  }
  EXPECT_EQ(*log->StreamVersion(al), 3u);
  EXPECT_EQ(*log->StreamVersion(al_bo), 2u);
  EXPECT_EQ(*log->StreamVersion(al_x01), 4u);
  EXPECT_EQ(*log->StreamVersion(first), 1u);
  EXPECT_EQ(*log->StreamVersion(last), 5u);
  for (const char* absent : {"pilot/A", "pilot/Al B", "pilot/Al\x01\x01", "0", "zzz", "\x7f"}) {
    EXPECT_EQ(*log->StreamVersion(absent), 0u) << absent;
  }
  EXPECT_EQ(*log->Head(), 15u);
  EXPECT_EQ(log->Stats()->streams, 5u);

  // Appends take the next version from the same place.
  AppendRequest stale = One("Al", "stale");
  stale.expected_versions[al] = 2;
  EXPECT_EQ(log->Append(stale).error().actual_version, 3u);
  auto next = log->Append(One("Al", "next"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(log->Get(next->first_seq)->version, 4u);
  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  EXPECT_EQ(report->streams_checked, 5u);
}

TEST(EventLogLayoutTest, FindInStreamsWalksOnlyTheStreamsWithThePrefix) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  // Streams around "conflict/" in the index's order, and interleaved appends.
  const std::pair<std::string, int> appends[] = {{"conflict/b", 2},  {"pilot/x", 1},
                                                 {"conflict/a", 1},  {"conflict", 1},
                                                 {"conflicts/c", 1}, {"conflict/b", 1}};
  for (const auto& [stream, count] : appends) {
    for (int i = 0; i < count; ++i) {
      AppendRequest request = One("x", stream + std::to_string(i));
      request.events[0].stream = stream;
      ASSERT_TRUE(log->Append(std::move(request)).ok());
    }
  }
  // conflict/b is events 1, 2 and 7; conflict/a is 4.
  EXPECT_EQ(*log->FindInStreams("conflict/", 0), (std::vector<std::uint64_t>{1, 2, 4, 7}));
  EXPECT_EQ(*log->FindInStreams("conflict/", 2), (std::vector<std::uint64_t>{4, 7}));
  EXPECT_TRUE(log->FindInStreams("conflict/", 7)->empty());
  EXPECT_TRUE(log->FindInStreams("rejection/", 0)->empty());
  EXPECT_EQ(*log->FindInStreams("pilot/", 0), (std::vector<std::uint64_t>{3}));
}

TEST(EventLogLayoutTest, HeadAndChainContinueFromTheLastStoredEvent) {
  TempDir dir;
  std::int64_t now = 7'000'000;
  EventLog::Options options;
  options.clock = [&now] { return now; };
  {
    auto log = OpenOrDie(dir.path(), options);
    EXPECT_EQ(*log->Head(), 0u);
    EXPECT_EQ(log->Stats()->streams, 0u);
    ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "a", 3)).ok());
  }
  now = 1'000'000;  // the clock stepped back while the log was closed
  auto log = OpenOrDie(dir.path(), options);
  EXPECT_EQ(*log->Head(), 3u);
  auto result = log->Append(One("Kaelen Voss", "after"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->first_seq, 4u);
  EXPECT_EQ(log->Get(4)->ts_us, 7'000'000);  // the last stored event's timestamp
  EXPECT_EQ(log->Get(4)->version, 4u);
  auto report = log->Verify();  // the chain runs on from event 3's stored hash
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
}

}  // namespace
}  // namespace kraken
