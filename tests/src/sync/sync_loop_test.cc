#include "src/sync/sync_loop.h"

#include <gtest/gtest.h>

#include "tests/src/app/app_test_support.h"
#include "tests/src/sheets/emulator_fixture.h"

namespace kraken::sync {
namespace {

TEST(SyncLoopTest, RunsACycleOnDemandAndStopsCleanly) {
  kraken::testing::TestRoster roster;
  roster.AddSampleAlliance();
  auto sheet = sheets::testing::StartEmulatedSheet();
  auto client = sheet.Client();
  SheetProjector projector(roster.service(), *client, ProjectorOptions{});
  SyncLoop loop(projector, std::chrono::seconds(0));  // on demand only

  auto first = loop.RunNow();
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->idle);
  EXPECT_GT(first->cells_written, 0u);
  auto second = loop.RunNow();
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE(second->idle);
  EXPECT_EQ(loop.cycles(), 2u);
  loop.Stop();
  auto after = loop.RunNow();
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, ErrorCode::kUnavailable);
}

TEST(SyncLoopTest, AFailingCycleIsReportedAndTheLoopGoesOn) {
  kraken::testing::TestRoster roster;
  auto sheet = sheets::testing::StartEmulatedSheet();
  sheets::SheetsClientOptions options = sheet.ClientOptions();
  options.retry.deadline = std::chrono::milliseconds(300);  // give up quickly
  auto client = sheets::testing::OrThrow(sheets::SheetsClient::Create(sheet.key, options), "client");
  SheetProjector projector(roster.service(), *client, ProjectorOptions{});
  SyncLoop loop(projector, std::chrono::seconds(0));
  sheet.emulator->Stop();  // Google is down
  auto failed = loop.RunNow();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable) << failed.error().message;
  auto again = loop.RunNow();
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(loop.cycles(), 2u);
}

}  // namespace
}  // namespace kraken::sync
