// SheetsClient against the emulator over real HTTP on loopback.
#include "src/sheets/sheets_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

#include "src/crypto/rsa.h"
#include "src/sheets/a1.h"
#include "tests/src/sheets/emulator_fixture.h"

namespace kraken::sheets {
namespace {

using testing::EmulatedSheet;
using ::testing::HasSubstr;
using testing::StartEmulatedSheet;

Cell S(std::string s) { return Cell::String(std::move(s)); }

ValueRange Values(std::string range, std::vector<std::vector<Cell>> rows) {
  return ValueRange{std::move(range), std::move(rows)};
}

// One emulator (and service-account key, slow to generate) per test suite; a
// fresh spreadsheet and client per test.
class SheetsClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { shared_.emplace(StartEmulatedSheet()); }
  static void TearDownTestSuite() { shared_.reset(); }

  void SetUp() override {
    sheet_.spreadsheet_id = testing::OrThrow(
        emulator().CreateSpreadsheet("Roster", {"Pilots", "Corps"}, testing::kTestAccount),
        "creating a spreadsheet");
    client_ = testing::OrThrow(SheetsClient::Create(shared_->key, Options()), "a client");
  }

  SheetsEmulator& emulator() { return *shared_->emulator; }
  const ServiceAccountKey& key() { return shared_->key; }
  SheetsClientOptions Options() {
    SheetsClientOptions options = shared_->ClientOptions();
    options.spreadsheet_id = sheet_.spreadsheet_id;
    return options;
  }

  inline static std::optional<EmulatedSheet> shared_;
  struct {
    std::string spreadsheet_id;
  } sheet_;
  std::unique_ptr<SheetsClient> client_;

  ValueRange Read(const std::string& range,
                  ValueRenderOption render = ValueRenderOption::kUnformattedValue) {
    auto read = client_->BatchGet({range}, render);
    if (!read.ok()) throw std::runtime_error(read.error().message);
    return read->front();
  }
};

TEST_F(SheetsClientTest, OneTokenAndOneConnectionServeManyCalls) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client_->GetSpreadsheet().ok());
    ASSERT_TRUE(client_->BatchUpdate({Values("'Pilots'!A1", {{S("x")}})}, ValueInput::kRaw).ok());
  }
  EXPECT_EQ(client_->token_requests(), 1u);
  const SheetsTraffic traffic = client_->traffic();
  EXPECT_EQ(traffic.requests, 10u);
  EXPECT_EQ(traffic.connections_opened, 1u);  // keep-alive, token endpoint included
  EXPECT_GT(traffic.bytes_sent, 0u);
  EXPECT_GT(traffic.bytes_received, 0u);
}

TEST_F(SheetsClientTest, SpreadsheetGetListsTabsWithGridSizes) {
  auto info = client_->GetSpreadsheet();
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->spreadsheet_id, sheet_.spreadsheet_id);
  EXPECT_EQ(info->title, "Roster");
  ASSERT_EQ(info->sheets.size(), 2u);
  EXPECT_EQ(info->sheets[0].title, "Pilots");
  EXPECT_EQ(info->sheets[1].title, "Corps");
  EXPECT_EQ(info->sheets[1].index, 1);
  EXPECT_EQ(info->sheets[0].rows, 1000);
  EXPECT_EQ(info->sheets[0].columns, 26);
}

TEST_F(SheetsClientTest, RawWritesComeBackExactlyAsWritten) {
  const std::vector<Cell> row = {S("0012"),         S("1/2"),          S("=A1"),
                                 S("TRUE"),         S("2020-01-01"),   S("Ærith Ünder"),
                                 S("山田 太郎"),    S(" padded  "),    S(std::string(50'000, 'k')),
                                 Cell::Number(1.5), Cell::Bool(false), S("'quoted")};
  auto written = client_->BatchUpdate({Values("'Pilots'!A2:L2", {row})}, ValueInput::kRaw);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->updated_cells, 12);

  const ValueRange back = Read("'Pilots'!A2:L2");
  ASSERT_EQ(back.rows.size(), 1u);
  EXPECT_EQ(back.rows[0], row);
  // The formatted view shows the same text: nothing was parsed as a number or date.
  const ValueRange shown = Read("'Pilots'!A2:H2", ValueRenderOption::kFormattedValue);
  EXPECT_EQ(shown.rows[0][0], S("0012"));
  EXPECT_EQ(shown.rows[0][1], S("1/2"));
  EXPECT_EQ(shown.rows[0][4], S("2020-01-01"));
}

TEST_F(SheetsClientTest, NonAsciiTabNamesRoundTrip) {
  auto added = client_->BatchUpdateSpreadsheet({SpreadsheetRequest::AddSheet("Ærith's 山", 10, 3)});
  ASSERT_TRUE(added.ok()) << added.error().message;
  const std::string range = FormatA1ForRequest(A1Range{"Ærith's 山", 0, 0, 1, 2});
  ASSERT_TRUE(
      client_->BatchUpdate({Values(range, {{S("Ünder"), S("太郎")}})}, ValueInput::kRaw).ok());
  const ValueRange back = Read(range);
  EXPECT_EQ(back.rows, (std::vector<std::vector<Cell>>{{S("Ünder"), S("太郎")}}));
  EXPECT_EQ(ParseA1(back.range)->sheet, "Ærith's 山");
}

TEST_F(SheetsClientTest, UserEnteredTextIsTypedAsIfTyped) {
  ASSERT_TRUE(client_
                  ->BatchUpdate({Values("'Corps'!A1:E1", {{S("0012"), S("TRUE"), S("2020-01-01"),
                                                           S("'0012"), S("12%")}})},
                                ValueInput::kUserEntered)
                  .ok());
  const ValueRange back = Read("'Corps'!A1:E1");
  ASSERT_EQ(back.rows.size(), 1u);
  EXPECT_EQ(back.rows[0][0], Cell::Number(12));
  EXPECT_EQ(back.rows[0][1], Cell::Bool(true));
  EXPECT_EQ(back.rows[0][2].AsIsoDate(), "2020-01-01");
  EXPECT_EQ(back.rows[0][3], S("0012"));  // a leading ' forces text
  EXPECT_EQ(back.rows[0][4], Cell::Number(0.12));
}

TEST_F(SheetsClientTest, RaggedRowsArePaddedToTheRangeWidth) {
  ASSERT_TRUE(client_
                  ->BatchUpdate({Values("'Pilots'!A1:D1", {{S("a"), S("b")}}),
                                 Values("'Pilots'!A3:D3", {{Cell(), Cell(), Cell(), S("x")}})},
                                ValueInput::kRaw)
                  .ok());
  const ValueRange back = Read("'Pilots'!A1:D4");
  ASSERT_EQ(back.rows.size(), 3u);  // the trailing empty row is not sent
  for (const auto& row : back.rows) EXPECT_EQ(row.size(), 4u);
  EXPECT_EQ(back.rows[0][1], S("b"));
  EXPECT_TRUE(back.rows[0][2].empty());
  EXPECT_TRUE(back.rows[1][0].empty());
  EXPECT_EQ(back.rows[2][3], S("x"));
  // A whole tab reads as wide as its grid.
  EXPECT_EQ(Read("'Pilots'").rows[0].size(), 26u);
}

TEST_F(SheetsClientTest, BatchGetReturnsRangesInRequestOrder) {
  ASSERT_TRUE(
      client_
          ->BatchUpdate({Values("'Pilots'!A1", {{S("p")}}), Values("'Corps'!A1", {{S("c")}})},
                        ValueInput::kRaw)
          .ok());
  auto both = client_->BatchGet({"'Corps'!A1:A1", "'Pilots'!A1:A1"});
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[0].rows[0][0], S("c"));
  EXPECT_EQ((*both)[1].rows[0][0], S("p"));
}

TEST_F(SheetsClientTest, BatchClearEmptiesTheRanges) {
  ASSERT_TRUE(client_
                  ->BatchUpdate({Values("'Pilots'!A1:B2", {{S("1"), S("2")}, {S("3"), S("4")}}),
                                 Values("'Corps'!A1", {{S("keep")}})},
                                ValueInput::kRaw)
                  .ok());
  ASSERT_TRUE(client_->BatchClear({"'Pilots'!A1:B2"}).ok());
  EXPECT_TRUE(Read("'Pilots'!A1:B2").rows.empty());
  EXPECT_EQ(Read("'Corps'!A1").rows[0][0], S("keep"));
}

TEST_F(SheetsClientTest, AddSheetThenFormatResizeAndProtectIt) {
  auto added = client_->BatchUpdateSpreadsheet({SpreadsheetRequest::AddSheet("Audit", 100, 5)});
  ASSERT_TRUE(added.ok()) << added.error().message;
  ASSERT_EQ(added->size(), 1u);
  ASSERT_TRUE((*added)[0].added_sheet.has_value());
  const int id = (*added)[0].added_sheet->sheet_id;
  EXPECT_EQ((*added)[0].added_sheet->title, "Audit");

  std::vector<SpreadsheetRequest> requests = HeaderRowRequests(id);
  requests.push_back(SpreadsheetRequest::AppendDimension(id, Dimension::kRows, 50));
  requests.push_back(SpreadsheetRequest::DeleteDimension(id, Dimension::kColumns, 3, 4));
  GridRange id_column{id, std::nullopt, std::nullopt, 0, 1};
  requests.push_back(
      SpreadsheetRequest::AddProtectedRange(id_column, "KRAKEN row ids", {testing::kTestAccount}));
  auto replies = client_->BatchUpdateSpreadsheet(requests);
  ASSERT_TRUE(replies.ok()) << replies.error().message;
  ASSERT_EQ(replies->size(), requests.size());
  ASSERT_TRUE(replies->back().protected_range_id.has_value());
  EXPECT_GT(*replies->back().protected_range_id, 0);

  auto info = client_->GetSpreadsheet();
  ASSERT_TRUE(info.ok());
  const SheetInfo* audit = info->Find("Audit");
  ASSERT_NE(audit, nullptr);
  EXPECT_EQ(audit->sheet_id, id);
  EXPECT_EQ(audit->rows, 150);
  EXPECT_EQ(audit->columns, 4);
  EXPECT_EQ(audit->frozen_rows, 1);
}

TEST_F(SheetsClientTest, ABadStructuralRequestChangesNothing) {
  auto replies = client_->BatchUpdateSpreadsheet(
      {SpreadsheetRequest::AddSheet("Fine"), SpreadsheetRequest::AddSheet("Pilots")});
  ASSERT_FALSE(replies.ok());
  EXPECT_EQ(replies.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(replies.error().message, HasSubstr("HTTP 400"));
  EXPECT_EQ(client_->GetSpreadsheet()->Find("Fine"), nullptr);  // all or nothing
}

TEST_F(SheetsClientTest, DriveVersionIncreasesAfterAWrite) {
  auto before = client_->GetDriveVersion();
  ASSERT_TRUE(before.ok()) << before.error().message;
  EXPECT_FALSE(before->modified_time.empty());
  ASSERT_TRUE(client_->BatchUpdate({Values("'Pilots'!B7", {{S("new")}})}, ValueInput::kRaw).ok());
  auto after = client_->GetDriveVersion();
  ASSERT_TRUE(after.ok());
  EXPECT_GT(after->version, before->version);
}

TEST_F(SheetsClientTest, AnUnknownTabOrAWriteOffTheGridIsInvalidArgument) {
  auto unknown = client_->BatchGet({"'Nope'!A1:B2"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(unknown.error().message, HasSubstr("Unable to parse range"));

  auto off = client_->BatchUpdate({Values("'Pilots'!A1001", {{S("x")}})}, ValueInput::kRaw);
  ASSERT_FALSE(off.ok());
  EXPECT_EQ(off.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(off.error().message, HasSubstr("exceeds grid limits"));
}

using SheetsClientAccessTest = SheetsClientTest;

TEST_F(SheetsClientAccessTest, AnUnsharedSheetSaysWhomToShareItWith) {
  auto other = emulator().CreateSpreadsheet("Private", {"Sheet1"}, "owner@example.com");
  ASSERT_TRUE(other.ok());
  SheetsClientOptions options = Options();
  options.spreadsheet_id = *other;
  auto client = SheetsClient::Create(key(), options);
  ASSERT_TRUE(client.ok());
  auto info = (*client)->GetSpreadsheet();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(info.error().message,
              HasSubstr(std::string("share the sheet with ") + testing::kTestAccount));
  EXPECT_THAT(info.error().message, HasSubstr("as an editor"));
  EXPECT_EQ((*client)->traffic().requests, 1u);  // not retried
}

TEST_F(SheetsClientAccessTest, AnUnknownSpreadsheetPointsAtTheSetting) {
  SheetsClientOptions options = Options();
  options.spreadsheet_id = "1NoSuchSheet";
  auto client = SheetsClient::Create(key(), options);
  ASSERT_TRUE(client.ok());
  for (Status status :
       {Status((*client)->GetSpreadsheet()), Status((*client)->BatchGet({"'Pilots'!A1"})),
        Status((*client)->GetDriveVersion())}) {
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
    EXPECT_THAT(status.error().message,
                HasSubstr("spreadsheet 1NoSuchSheet not found; check KRAKEN_SPREADSHEET_ID"));
  }
}

TEST_F(SheetsClientAccessTest, ARefusedKeyFailsTheCallWithTheTokenAdvice) {
  ServiceAccountKey rotated = key();
  rotated.private_key_pem = crypto::RsaPrivateKey::Generate(2048).value().PrivatePem();
  auto client = SheetsClient::Create(rotated, Options());
  ASSERT_TRUE(client.ok());
  auto info = (*client)->GetSpreadsheet();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(info.error().message, HasSubstr("invalid_grant"));
  EXPECT_EQ((*client)->traffic().requests, 0u);  // never reached the Sheets API
}

TEST_F(SheetsClientAccessTest, UnusableSettingsAreRejectedUpFront) {
  SheetsClientOptions no_id = Options();
  no_id.spreadsheet_id.clear();
  auto a = SheetsClient::Create(key(), no_id);
  ASSERT_FALSE(a.ok());
  EXPECT_THAT(a.error().message, HasSubstr("KRAKEN_SPREADSHEET_ID"));

  SheetsClientOptions plain_http = Options();
  plain_http.sheets_root = "http://sheets.example.com";
  auto b = SheetsClient::Create(key(), plain_http);
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.error().message, HasSubstr("KRAKEN_SHEETS_ROOT"));
}

}  // namespace
}  // namespace kraken::sheets
