// The embedded default backend: an in-process emulator whose spreadsheet lives in
// the data directory, reached over loopback HTTP like Google.
#include "src/sheets_emulator/embedded_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "src/config/config.h"
#include "src/sheets_emulator/emulator.h"
#include "tests/support/log_dir.h"

namespace kraken::sheets {
namespace {

using ::testing::HasSubstr;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(EmbeddedBackendTest, FirstUseCreatesTheSpreadsheetWithItsTabsAndAPrivateKey) {
  kraken::testing::TempDir dir;
  Config config;
  config.data_dir = dir.Sub("data");  // created on demand
  auto backend = OpenSheetsBackend(config);
  ASSERT_TRUE(backend.ok()) << backend.error().message;
  EXPECT_THAT((*backend)->description(), HasSubstr("embedded Sheets emulator"));

  auto info = (*backend)->client().GetSpreadsheet();
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_NE(info->Find("Pilots"), nullptr);
  EXPECT_NE(info->Find("Corps"), nullptr);
  EXPECT_EQ((*backend)->client().client_email(), kDevServiceAccount);

  const std::string id = ReadAll(config.data_dir + "/sheets-spreadsheet-id");
  EXPECT_EQ(id, info->spreadsheet_id + "\n");
  struct stat st {};
  ASSERT_EQ(::stat((config.data_dir + "/sheets-dev-key.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(std::filesystem::exists(config.data_dir + "/sheets-emulator.json"));
}

TEST(EmbeddedBackendTest, ASecondUserOfTheDataDirectoryTalksToTheRunningEmulator) {
  // `kraken serve` holds the emulator; `kraken sheet set` in another terminal
  // must edit that emulator's sheet, not start a second one on the same file.
  kraken::testing::TempDir dir;
  auto serving = OpenEmbeddedSheets(dir.path(), SheetsConfig{});
  ASSERT_TRUE(serving.ok()) << serving.error().message;
  auto cli = OpenEmbeddedSheets(dir.path(), SheetsConfig{});
  ASSERT_TRUE(cli.ok()) << cli.error().message;
  EXPECT_THAT((*cli)->description(), HasSubstr("run by another KRAKEN process"));
  EXPECT_EQ((*cli)->client().spreadsheet_id(), (*serving)->client().spreadsheet_id());
  ASSERT_TRUE((*cli)->client()
                  .BatchUpdate({{"'Pilots'!B2", {{Cell::String("typed in the CLI")}}}},
                               ValueInput::kRaw)
                  .ok());
  auto read = (*serving)->client().BatchGet({"'Pilots'!B2"});
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_FALSE(read->front().rows.empty());
  EXPECT_EQ(read->front().rows[0][0].text(), "typed in the CLI");
}

TEST(EmbeddedBackendTest, TheNextRunFindsTheSameSpreadsheetAndItsValues) {
  kraken::testing::TempDir dir;
  std::string id;
  {
    auto backend = OpenEmbeddedSheets(dir.path(), SheetsConfig{});
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    SheetsClient& client = (*backend)->client();
    id = client.spreadsheet_id();
    ASSERT_TRUE(
        client
            .BatchUpdate({{"'Pilots'!A1:B1", {{Cell::String("name"), Cell::String("0012")}}}},
                         ValueInput::kRaw)
            .ok());
  }
  const std::string key_before = ReadAll(dir.Sub("sheets-dev-key.json"));
  auto again = OpenEmbeddedSheets(dir.path(), SheetsConfig{});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ((*again)->client().spreadsheet_id(), id);
  auto read = (*again)->client().BatchGet({"'Pilots'!A1:B1"});
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->front().rows[0][1], Cell::String("0012"));
  EXPECT_EQ(ReadAll(dir.Sub("sheets-dev-key.json")), key_before);  // the key was reused
}

TEST(EmbeddedBackendTest, ARemovedStateFileStartsAFreshSpreadsheet) {
  kraken::testing::TempDir dir;
  std::string first_id;
  {
    auto backend = OpenEmbeddedSheets(dir.path(), SheetsConfig{});
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    first_id = (*backend)->client().spreadsheet_id();
  }
  std::filesystem::remove(dir.Sub("sheets-emulator.json"));
  auto backend = OpenEmbeddedSheets(dir.path(), SheetsConfig{});
  ASSERT_TRUE(backend.ok()) << backend.error().message;
  EXPECT_NE((*backend)->client().spreadsheet_id(), first_id);
  auto info = (*backend)->client().GetSpreadsheet();
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_NE(info->Find("Pilots"), nullptr);
}

TEST(EmbeddedBackendTest, ASpreadsheetIdSelectsGoogleWithTheConfiguredKeyAndRoots) {
  // "Google" here is a separate emulator, reached only through the configuration.
  auto google = SheetsEmulator::Start(EmulatorOptions{});
  ASSERT_TRUE(google.ok()) << google.error().message;
  const std::string email = "roster@kraken-prod.iam.gserviceaccount.com";
  auto key_json = (*google)->ServiceAccountKey(email);
  ASSERT_TRUE(key_json.ok());
  auto id = (*google)->CreateSpreadsheet("Alliance", {"Pilots"}, email);
  ASSERT_TRUE(id.ok());
  kraken::testing::TempDir dir;
  const std::string key_file = dir.Sub("key.json");
  std::ofstream(key_file) << *key_json;
  ::chmod(key_file.c_str(), 0600);

  Config config;
  config.data_dir = dir.Sub("data");
  config.sheets.spreadsheet_id = *id;
  config.sheets.credentials = key_file;
  config.sheets.sheets_root = (*google)->base_url();
  config.sheets.drive_root = (*google)->base_url();
  auto backend = OpenSheetsBackend(config);
  ASSERT_TRUE(backend.ok()) << backend.error().message;
  EXPECT_THAT((*backend)->description(), HasSubstr("Google Sheets spreadsheet " + *id));
  auto info = (*backend)->client().GetSpreadsheet();
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->title, "Alliance");
  EXPECT_FALSE(std::filesystem::exists(config.data_dir));  // no embedded emulator started

  config.sheets.credentials = dir.Sub("missing.json");
  auto broken = OpenSheetsBackend(config);
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.error().message, HasSubstr("missing.json"));
}

}  // namespace
}  // namespace kraken::sheets
