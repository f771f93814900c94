// The client's reading and writing of the API's JSON, on bodies shaped like
// Google's recorded answers (../shared/reference/sheets-api.md, sections 2-3).
#include "src/sheets/sheets_json.h"

#include <gtest/gtest.h>

namespace kraken::sheets {
namespace {

Cell S(std::string s) { return Cell::String(std::move(s)); }
Cell N(double n) { return Cell::Number(n); }

TEST(SheetsJsonTest, RaggedRowsArePaddedToTheEchoedRangeWidth) {
  // Google's own example: trailing blanks dropped, an all-blank interior row as [].
  auto ranges = json::ParseBatchGet(R"({"spreadsheetId":"x","valueRanges":[
      {"range":"'D3'!A1:D4","majorDimension":"ROWS",
       "values":[["A1","B1","","D1"],["","b2"],[],["A4","B4","","d4"]]}]})");
  ASSERT_TRUE(ranges.ok()) << ranges.error().message;
  ASSERT_EQ(ranges->size(), 1u);
  const ValueRange& vr = ranges->front();
  EXPECT_EQ(vr.range, "'D3'!A1:D4");
  ASSERT_EQ(vr.rows.size(), 4u);
  for (const auto& row : vr.rows) EXPECT_EQ(row.size(), 4u);
  EXPECT_EQ(vr.rows[1][1], S("b2"));
  EXPECT_TRUE(vr.rows[1][0].empty());
  EXPECT_TRUE(vr.rows[2][3].empty());
  EXPECT_EQ(vr.rows[3][3], S("d4"));
}

TEST(SheetsJsonTest, AnEmptyRangeHasNoRowsAndRangesKeepTheirOrder) {
  auto ranges = json::ParseBatchGet(R"({"valueRanges":[
      {"range":"Sheet1!D4","majorDimension":"ROWS"},
      {"range":"Sheet1!A1:B1","majorDimension":"ROWS","values":[["x"]]}]})");
  ASSERT_TRUE(ranges.ok());
  ASSERT_EQ(ranges->size(), 2u);
  EXPECT_TRUE((*ranges)[0].rows.empty());
  EXPECT_EQ((*ranges)[1].rows, (std::vector<std::vector<Cell>>{{S("x"), Cell()}}));
}

TEST(SheetsJsonTest, UnformattedValuesAreTyped) {
  auto ranges = json::ParseBatchGet(R"({"valueRanges":[{"range":"S!A1:E2",
      "values":[[2,43831,"string",53,true],[1.5,0.12,36162,"0012",false]]}]})");
  ASSERT_TRUE(ranges.ok());
  const auto& rows = ranges->front().rows;
  EXPECT_EQ(rows[0][0], N(2));
  EXPECT_EQ(rows[0][2], S("string"));
  EXPECT_EQ(rows[0][4], Cell::Bool(true));
  EXPECT_EQ(rows[1][0], N(1.5));
  EXPECT_EQ(rows[1][3], S("0012"));  // text stays text, zeros and all
  EXPECT_EQ(rows[1][4], Cell::Bool(false));
  EXPECT_EQ(rows[0][1].AsIsoDate(), "2020-01-01");
  EXPECT_EQ(rows[1][2].AsIsoDate(), "1999-01-02");
  EXPECT_EQ(rows[1][2], Cell::Date(1999, 1, 2));
  EXPECT_FALSE(rows[1][3].AsIsoDate().has_value());  // a string is never a date
}

TEST(SheetsJsonTest, SerialDateTimesKeepTheTimeOfDay) {
  EXPECT_EQ(N(43831.5).AsIsoDate(), "2020-01-01T12:00:00");
  EXPECT_EQ(N(0).AsIsoDate(), "1899-12-30");
  EXPECT_EQ(N(43831.999999999).AsIsoDate(), "2020-01-02");
  EXPECT_FALSE(N(1e12).AsIsoDate().has_value());
}

TEST(SheetsJsonTest, DisplayTextOfEachKind) {
  EXPECT_EQ(N(53).ToDisplay(), "53");
  EXPECT_EQ(N(1.5).ToDisplay(), "1.5");
  EXPECT_EQ(Cell::Bool(true).ToDisplay(), "TRUE");
  EXPECT_EQ(S("0012").ToDisplay(), "0012");
  EXPECT_EQ(Cell().ToDisplay(), "");
  EXPECT_TRUE(S("").empty());
}

TEST(SheetsJsonTest, WritesKeepStringsAsStringsAndClearWithEmptyText) {
  ValueRange vr;
  vr.range = "'Pilots'!A2:E2";
  vr.rows = {{S("0012"), S("=A1"), N(1.5), Cell::Bool(true), Cell()}};
  EXPECT_EQ(json::BatchUpdateBody({vr}, ValueInput::kRaw),
            R"({"valueInputOption":"RAW","data":[{"range":"'Pilots'!A2:E2",)"
            R"("majorDimension":"ROWS","values":[["0012","=A1",1.5,true,""]]}]})");
  EXPECT_EQ(json::BatchUpdateBody({}, ValueInput::kUserEntered),
            R"({"valueInputOption":"USER_ENTERED","data":[]})");
}

TEST(SheetsJsonTest, SpreadsheetGetDefaultsElidedZeros) {
  // proto3 elision: sheet 0 has no sheetId and index; an unfrozen tab no frozenRowCount.
  auto info = json::ParseSpreadsheet(R"({"spreadsheetId":"abc","properties":{"title":"Roster"},
      "sheets":[{"properties":{"sheetId":77,"title":"Corps","index":1,
                               "gridProperties":{"rowCount":50,"columnCount":8}}},
                {"properties":{"title":"Pilots","gridProperties":{"rowCount":1000,
                               "columnCount":26,"frozenRowCount":1}}}]})");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->spreadsheet_id, "abc");
  EXPECT_EQ(info->title, "Roster");
  ASSERT_EQ(info->sheets.size(), 2u);
  EXPECT_EQ(info->sheets[0].title, "Pilots");  // in tab order
  EXPECT_EQ(info->sheets[0].sheet_id, 0);
  EXPECT_EQ(info->sheets[0].frozen_rows, 1);
  const SheetInfo* corps = info->Find("Corps");
  ASSERT_NE(corps, nullptr);
  EXPECT_EQ(corps->sheet_id, 77);
  EXPECT_EQ(corps->rows, 50);
  EXPECT_EQ(corps->columns, 8);
  EXPECT_EQ(info->Find("Nope"), nullptr);
}

TEST(SheetsJsonTest, RepliesMapOneToOneToRequests) {
  auto replies = json::ParseReplies(R"({"spreadsheetId":"x","replies":[
      {"addSheet":{"properties":{"sheetId":1877059582,"title":"Audit","index":1,
                   "sheetType":"GRID","gridProperties":{"rowCount":100,"columnCount":5}}}},
      {},
      {"addProtectedRange":{"protectedRange":{"protectedRangeId":1086220710,"range":{}}}}]})");
  ASSERT_TRUE(replies.ok());
  ASSERT_EQ(replies->size(), 3u);
  ASSERT_TRUE((*replies)[0].added_sheet.has_value());
  EXPECT_EQ((*replies)[0].added_sheet->sheet_id, 1877059582);
  EXPECT_EQ((*replies)[0].added_sheet->rows, 100);
  EXPECT_EQ((*replies)[1].kind, "");
  EXPECT_EQ((*replies)[2].protected_range_id, 1086220710);
}

TEST(SheetsJsonTest, DriveVersionIsAStringEncodedInteger) {
  auto v = json::ParseDriveFile(R"({"version":"123","modifiedTime":"2023-09-06T21:30:02.174Z"})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->version, 123);
  EXPECT_EQ(v->modified_time, "2023-09-06T21:30:02.174Z");
  EXPECT_FALSE(json::ParseDriveFile(R"({"version":"12x"})").ok());
}

TEST(SheetsJsonTest, ErrorMessagesComeFromEitherErrorShape) {
  EXPECT_EQ(json::ErrorMessage(R"({"error":{"code":404,"message":"Requested entity was not )"
                               R"(found.","status":"NOT_FOUND"}})"),
            "Requested entity was not found.");
  EXPECT_EQ(json::ErrorMessage(R"({"error":"invalid_grant","error_description":"Bad JWT"})"),
            "invalid_grant: Bad JWT");
  EXPECT_EQ(json::ErrorMessage("<html>Bad Gateway</html>"), "<html>Bad Gateway</html>");
  EXPECT_TRUE(json::IsRateLimitReason(
      R"({"error":{"errors":[{"domain":"usageLimits","reason":"userRateLimitExceeded"}],)"
      R"("code":403,"message":"User Rate Limit Exceeded"}})"));
  EXPECT_FALSE(json::IsRateLimitReason(
      R"({"error":{"code":403,"message":"The caller does not have permission"}})"));
}

TEST(SheetsJsonTest, GarbledAnswersAreUnavailableNotCrashes) {
  auto r = json::ParseBatchGet("{\"valueRanges\":[");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace kraken::sheets
