#include "src/sync/sync_base.h"

#include <gtest/gtest.h>

#include "tests/support/log_dir.h"

namespace kraken::sync {
namespace {

SyncBase Sample() {
  SyncBase base;
  base.spreadsheet_id = "1AbC";
  base.drive_version = "42";
  base.log_seq = 0;  // a snapshot may not be ahead of the log (empty here)
  SyncedTab& pilots = base.tabs["Pilots"];
  pilots.sheet_id = 0;
  pilots.base.columns = {"name", "corp", "notes"};
  pilots.base.rows["P8"] = {"Kaelen Voss", "KRKN", "line one\nline \"two\""};
  pilots.base.rows["P9"] = {"Ærith Ünder", "", ""};
  base.tabs["Corps"].sheet_id = 1234567;
  base.reported = {"Pilots|P9|corp|XXX"};
  return base;
}

TEST(SyncBaseTest, SurvivesAReopenOfTheLog) {
  testing::TempDir dir;
  {
    auto log = testing::OpenOrDie(dir.path());
    ASSERT_TRUE(SaveBase(*log, Sample()).ok());
  }
  auto log = testing::OpenOrDie(dir.path());
  auto loaded = LoadBase(*log, "1AbC");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(EncodeBase(*loaded), EncodeBase(Sample()));
  EXPECT_EQ(loaded->tabs.at("Pilots").base.Value("P8", "notes"), "line one\nline \"two\"");
  EXPECT_EQ(loaded->tabs.at("Corps").sheet_id, 1234567);
}

TEST(SyncBaseTest, APendingWriteSurvivesAReopenAndIsGoneWhenTheNewBaseIsSaved) {
  testing::TempDir dir;
  SyncBase ahead = Sample();
  ahead.pending["Pilots"].columns = {"name", "corp", "notes"};
  ahead.pending["Pilots"].rows["P8"] = {"Kaelen Voss", "SNSE", "line one"};
  {
    auto log = testing::OpenOrDie(dir.path());
    ASSERT_TRUE(SaveBase(*log, ahead).ok());
  }
  auto log = testing::OpenOrDie(dir.path());
  auto loaded = LoadBase(*log, "1AbC");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ(loaded->pending.size(), 1u);
  EXPECT_EQ(loaded->pending.at("Pilots").rows.at("P8")[1], "SNSE");
  ASSERT_TRUE(SaveBase(*log, Sample()).ok());
  EXPECT_TRUE(LoadBase(*log, "1AbC")->pending.empty());
}

TEST(SyncBaseTest, OnlyCellsThatShowTheirPendingValueTakeIt) {
  TabBase base;
  base.columns = {"name", "corp", "notes"};
  base.rows["P8"] = {"Kaelen Voss", "KRKN", "old"};
  TabBase pending = base;
  pending.rows["P8"] = {"Kaelen Voss", "SNSE", "new"};
  pending.rows["P9"] = {"Nyx Arden", "KRKN", "hello"};  // a row the write added
  std::map<std::string, std::vector<std::string>> sheet;
  sheet["P8"] = {"Kaelen Voss", "SNSE", "typed by an admin"};  // corp landed; notes edited since
  sheet["P9"] = {"Nyx Arden", "KRKN", ""};
  const TabBase merged = ReconcilePending(base, pending, sheet);
  EXPECT_EQ(merged.rows.at("P8"), (std::vector<std::string>{"Kaelen Voss", "SNSE", "old"}));
  EXPECT_EQ(merged.rows.at("P9"),
            (std::vector<std::string>{"Nyx Arden", "KRKN", std::string(kUnknownBase)}));
  // A write that never landed leaves the base as it was.
  sheet["P8"] = {"Kaelen Voss", "KRKN", "old"};
  sheet.erase("P9");
  const TabBase untouched = ReconcilePending(base, pending, sheet);
  EXPECT_EQ(untouched.rows.at("P8"), base.rows.at("P8"));
  EXPECT_FALSE(untouched.rows.contains("P9"));
}

TEST(SyncBaseTest, ABaseForAnotherSpreadsheetIsNotUsed) {
  testing::TempDir dir;
  auto log = testing::OpenOrDie(dir.path());
  ASSERT_TRUE(SaveBase(*log, Sample()).ok());
  auto loaded = LoadBase(*log, "another-sheet");
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->tabs.empty());
  EXPECT_EQ(loaded->spreadsheet_id, "another-sheet");
}

TEST(SyncBaseTest, ADamagedBaseIsAnErrorThatSaysWhatHappensNext) {
  for (std::string bytes : {std::string("{"), std::string(R"({"format":9})"),
                            EncodeBase(Sample()).substr(0, 60)}) {
    auto decoded = DecodeBase(bytes);
    ASSERT_FALSE(decoded.ok()) << bytes;
    EXPECT_EQ(decoded.error().code, ErrorCode::kCorrupt);
    EXPECT_NE(decoded.error().message.find("runs without it"), std::string::npos);
  }
}

}  // namespace
}  // namespace kraken::sync
