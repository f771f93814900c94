// Scans long enough to be decoded on a second thread ahead of the callback
// (more than two chunks of 1,024 events): the callback still sees every event
// once, in order, on the calling thread, and may stop the scan or append.

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "src/store/event_log.h"
#include "tests/src/store/log_test_support.h"

namespace kraken {
namespace {

using testing::MarkedBatch;
using testing::MarkerOf;
using testing::OpenOrDie;
using testing::TempDir;

constexpr std::uint64_t kEvents = 10'000;

// kEvents events on one stream, markers "b<batch>-<i>", in batches of 1,000.
void AppendEvents(EventLog& log) {
  for (std::uint64_t batch = 0; batch < kEvents / 1000; ++batch) {
    auto result = log.Append(MarkedBatch("Kaelen Voss", "b" + std::to_string(batch), 1000));
    ASSERT_TRUE(result.ok()) << result.error().message;
  }
}

std::string ExpectedMarker(std::uint64_t seq) {
  return "b" + std::to_string((seq - 1) / 1000) + "-" + std::to_string((seq - 1) % 1000);
}

TEST(EventLogScanTest, LongScanDeliversEveryEventOnceInOrderOnTheCallingThread) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  AppendEvents(*log);
  const std::thread::id caller = std::this_thread::get_id();
  for (const auto& [from, to] :
       {std::pair<std::uint64_t, std::uint64_t>{0, UINT64_MAX}, {777, 9001}, {1, 3073}}) {
    std::uint64_t expected = std::max<std::uint64_t>(from, 1);
    bool on_caller = true;
    auto status = log->Scan(from, to, [&](const Event& e) {
      on_caller = on_caller && std::this_thread::get_id() == caller;
      EXPECT_EQ(e.seq, expected);
      EXPECT_EQ(MarkerOf(e), ExpectedMarker(e.seq));
      ++expected;
      return true;
    });
    ASSERT_TRUE(status.ok()) << status.error().message;
    EXPECT_EQ(expected, std::min(to, kEvents) + 1) << from << ".." << to;
    EXPECT_TRUE(on_caller);
  }
}

TEST(EventLogScanTest, LongScanStopsWhenTheCallbackSaysSo) {
  TempDir dir;
  auto log = OpenOrDie(dir.path());
  AppendEvents(*log);
  for (std::uint64_t stop_at : {1u, 1024u, 1025u, 3000u, 9999u, 10000u}) {
    std::uint64_t visited = 0;
    auto status = log->Scan(1, UINT64_MAX, [&](const Event& e) {
      ++visited;
      return e.seq < stop_at;
    });
    ASSERT_TRUE(status.ok()) << status.error().message;
    EXPECT_EQ(visited, stop_at);
  }
  // Nothing is left running or holding the log: it appends and closes normally.
  auto next = log->Append(MarkedBatch("Mira Sol", "after", 1));
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->first_seq, kEvents + 1);
}

TEST(EventLogScanTest, LongScanCallbackMayReadAndAppendEvenWhenTheMapMustGrow) {
  TempDir dir;
  EventLog::Options options;
  options.initial_map_bytes = 1 << 20;
  auto log = OpenOrDie(dir.path(), options);
  AppendEvents(*log);
  const std::uint64_t map_before = log->Stats()->map_bytes;
  // Growing the map waits for every transaction of this process to end, the
  // decoding thread's included; neither it nor the callback may wait holding one.
  std::uint64_t visited = 0;
  auto status = log->Scan(1, kEvents, [&](const Event& e) {
    ++visited;
    EXPECT_TRUE(log->Get(e.seq).ok());
    if (e.seq % 1000 == 500) {
      auto result = log->Append(MarkedBatch("Derived", "d" + std::to_string(e.seq), 200, 2000));
      EXPECT_TRUE(result.ok()) << result.error().message;
    }
    return true;
  });
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(visited, kEvents);  // the range ended at the head when the scan began
  EXPECT_EQ(*log->Head(), kEvents + 10 * 200);
  EXPECT_GT(log->Stats()->map_bytes, map_before);
  auto report = log->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
}

}  // namespace
}  // namespace kraken
