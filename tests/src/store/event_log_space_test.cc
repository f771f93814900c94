// The log under space pressure: a map that must grow, a map at its maximum, and
// a full file system.

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "src/store/event_log.h"
#include "tests/src/store/log_test_support.h"
#include "tests/support/small_fs.h"

namespace kraken {
namespace {

using testing::MarkedBatch;
using testing::OpenOrDie;
using testing::TempDir;

void ExpectIntact(const EventLog& log) {
  auto report = log.Verify();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
}

void AppendMegabytes(EventLog& log, int megabytes) {
  // 250 events of ~2 KB: about half a megabyte of records per batch.
  for (int batch = 0; batch < megabytes * 2; ++batch) {
    auto result = log.Append(MarkedBatch("Kaelen Voss", "b" + std::to_string(batch), 250, 2000));
    ASSERT_TRUE(result.ok()) << "batch " << batch << ": " << result.error().message;
  }
}

TEST(EventLogSpaceTest, MapGrowsInsteadOfFillingUp) {
  TempDir dir;
  EventLog::Options options;
  options.initial_map_bytes = 1 << 20;
  auto log = OpenOrDie(dir.path(), options);
  AppendMegabytes(*log, 8);
  EXPECT_GT(log->Stats()->map_bytes, 8u << 20);
  EXPECT_EQ(*log->Head(), 8u * 2 * 250);
  ExpectIntact(*log);
}

TEST(EventLogSpaceTest, MapGrowsWhenACommitRunsOutOfRoom) {
  TempDir dir;
  EventLog::Options options;
  options.initial_map_bytes = 1 << 20;
  options.grow_at_fraction = 1.0;  // no growing ahead: every growth follows MDB_MAP_FULL
  auto log = OpenOrDie(dir.path(), options);
  AppendMegabytes(*log, 6);
  EXPECT_GT(log->Stats()->map_bytes, 6u << 20);
  ExpectIntact(*log);
}

TEST(EventLogSpaceTest, MapAtItsMaximumFailsAsDiskFullAndWritesNothing) {
  TempDir dir;
  EventLog::Options options;
  options.initial_map_bytes = 1 << 20;
  options.max_map_bytes = 1 << 20;
  auto log = OpenOrDie(dir.path(), options);
  ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "small", 3)).ok());

  auto too_big = log->Append(MarkedBatch("Mira Sol", "big", 1000, 2000));
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().code, ErrorCode::kDiskFull);
  EXPECT_NE(too_big.error().message.find("nothing was written"), std::string::npos);
  EXPECT_EQ(*log->Head(), 3u);
  EXPECT_EQ(*log->StreamVersion("pilot/Mira Sol"), 0u);

  ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "small-again", 3)).ok());
  EXPECT_EQ(*log->Head(), 6u);
  ExpectIntact(*log);
}

using kraken::testing::FillUp;
using kraken::testing::SmallFileSystem;

TEST(EventLogSpaceTest, FullDiskFailsCleanlyAndRecovers) {
  TempDir dir;
  const std::string mount_point = dir.Sub("tmpfs");
  SmallFileSystem fs(mount_point, "4m");
  if (!fs.mounted()) {
    GTEST_SKIP() << "cannot mount a tmpfs at " << mount_point << " (" << fs.error()
                 << "); run as root to test a full disk";
  }
  const std::string log_dir = mount_point + "/log";
  const std::string filler = mount_point + "/filler";
  {
    EventLog::Options options;
    options.initial_map_bytes = 64 << 20;  // the map is larger than the disk
    auto log = OpenOrDie(log_dir, options);
    ASSERT_TRUE(log->Append(MarkedBatch("Kaelen Voss", "before", 20)).ok());
    ASSERT_TRUE(FillUp(filler)) << std::strerror(errno);

    // Several callers in flight: every one of them gets the same clean failure.
    std::vector<Result<AppendResult>> results;
    std::vector<std::thread> threads;
    results.reserve(4);
    for (int t = 0; t < 4; ++t) {
      results.emplace_back(MakeError(ErrorCode::kInternal, "not run"));
    }
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        results[t] = log->Append(MarkedBatch("Mira Sol", "full-" + std::to_string(t), 200, 2000));
      });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& result : results) {
      ASSERT_FALSE(result.ok());
      EXPECT_EQ(result.error().code, ErrorCode::kDiskFull) << result.error().message;
      EXPECT_EQ(result.error().message,
                "disk full: the event log in " + log_dir +
                    " could not commit; free space and retry — nothing was written");
    }
    EXPECT_EQ(*log->Head(), 20u);
    EXPECT_EQ(*log->StreamVersion("pilot/Mira Sol"), 0u);

    // Nearly full: LMDB's write comes up short, which it reports as EIO.
    std::filesystem::resize_file(filler, std::filesystem::file_size(filler) - (32 << 10));
    auto short_write = log->Append(MarkedBatch("Mira Sol", "short", 200, 2000));
    ASSERT_FALSE(short_write.ok());
    EXPECT_EQ(short_write.error().code, ErrorCode::kDiskFull) << short_write.error().message;
    EXPECT_EQ(*log->Head(), 20u);

    std::filesystem::remove(filler);
    auto after = log->Append(MarkedBatch("Mira Sol", "after", 200, 2000));
    ASSERT_TRUE(after.ok()) << after.error().message;
    EXPECT_EQ(after->first_seq, 21u);
    EXPECT_EQ(*log->Head(), 220u);
    ExpectIntact(*log);
  }
  auto reopened = OpenOrDie(log_dir);
  EXPECT_EQ(*reopened->Head(), 220u);
  ExpectIntact(*reopened);
}

}  // namespace
}  // namespace kraken
