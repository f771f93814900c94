// spreadsheets.create / get / batchUpdate and Drive files.get against the emulator
// core (../shared/reference/sheets-api.md, sections 2 and 6).

#include <gtest/gtest.h>

#include "tests/src/sheets_emulator/core_fixture.h"

namespace kraken::sheets::emu::testing {
namespace {

class SpreadsheetTest : public CoreTest {
 protected:
  net::ServerResponse BatchUpdate(const std::string& requests_json) {
    return Call("POST", "/v4/spreadsheets/" + id_ + ":batchUpdate",
                "{\"requests\":" + requests_json + "}");
  }
  JsonValue Spreadsheet() { return Json(Call("GET", "/v4/spreadsheets/" + id_)); }
  std::string DriveVersion() {
    const auto r = Call("GET", "/drive/v3/files/" + id_ + "?fields=version,modifiedTime");
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r).Get("version")->string();
  }
  static std::string Text(const JsonValue& v) {
    JsonWriter w;
    AppendJson(w, v);
    return w.Take();
  }
};

TEST_F(SpreadsheetTest, CreateMakesOne1000By26SheetSharedWithTheCaller) {
  token_ = TokenFor(kAccount);
  const auto r = Call("POST", "/v4/spreadsheets", R"({"properties":{"title":"Alliance"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  const JsonValue created = Json(r);
  id_ = created.Get("spreadsheetId")->string();
  EXPECT_EQ(id_.size(), 44u);
  EXPECT_EQ(Text(*created.Get("sheets")),
            R"([{"properties":{"sheetId":0,"title":"Sheet1","index":0,"sheetType":"GRID",)"
            R"("gridProperties":{"rowCount":1000,"columnCount":26}}}])");
  const JsonValue got = Spreadsheet();
  EXPECT_EQ(got.Get("properties")->Get("title")->string(), "Alliance");
  EXPECT_EQ(Text(*got.Get("sheets")), Text(*created.Get("sheets")));
  const std::string other = TokenFor(kOtherAccount);
  EXPECT_EQ(Call("GET", "/v4/spreadsheets/" + id_, "", &other).status, 403);
}

TEST_F(SpreadsheetTest, AddSheetRepliesWithTheNewSheetsProperties) {
  MakeSpreadsheet({"Pilots"});
  const auto r = BatchUpdate(R"([{"addSheet":{"properties":{"title":"Corps"}}},)"
                             R"({"addSheet":{"properties":{"title":"Tiny","index":0,)"
                             R"("gridProperties":{"rowCount":5,"columnCount":3}}}}])");
  ASSERT_EQ(r.status, 200) << r.body;
  const JsonValue reply = Json(r);
  const auto& replies = reply.Get("replies")->items();
  ASSERT_EQ(replies.size(), 2u);
  const JsonValue& corps = *replies[0].Get("addSheet")->Get("properties");
  EXPECT_GT(corps.Get("sheetId")->number(), 0);
  EXPECT_EQ(corps.Get("title")->string(), "Corps");
  EXPECT_EQ(corps.Get("index")->number(), 1);
  EXPECT_EQ(Text(*corps.Get("gridProperties")), R"({"rowCount":1000,"columnCount":26})");
  EXPECT_EQ(replies[1].Get("addSheet")->Get("properties")->Get("index")->number(), 0);
  const JsonValue got = Spreadsheet();
  const auto& sheets = got.Get("sheets")->items();
  ASSERT_EQ(sheets.size(), 3u);
  EXPECT_EQ(sheets[0].Get("properties")->Get("title")->string(), "Tiny");
  EXPECT_EQ(Json(Get("Tiny")).Get("range")->string(), "Tiny!A1:C5");

  const auto dup = BatchUpdate(R"([{"addSheet":{"properties":{"title":"corps"}}}])");
  EXPECT_EQ(dup.status, 400);
  EXPECT_EQ(ErrorMessage(dup),
            "Invalid requests[0].addSheet: A sheet with the name \"corps\" "
            "already exists. Please enter another name.");
}

TEST_F(SpreadsheetTest, BatchUpdateAppliesAllRequestsOrNone) {
  MakeSpreadsheet({"Pilots"});
  const std::string version = DriveVersion();
  const auto r = BatchUpdate(
      R"([{"addSheet":{"properties":{"title":"Corps"}}},)"
      R"({"updateSheetProperties":{"properties":{"sheetId":999,"title":"X"},"fields":"title"}}])");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorStatus(r), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorMessage(r), "Invalid requests[1].updateSheetProperties: No grid with id: 999");
  EXPECT_EQ(Spreadsheet().Get("sheets")->items().size(), 1u);
  EXPECT_EQ(DriveVersion(), version);
  EXPECT_EQ(BatchUpdate("[]").status, 400);
  EXPECT_EQ(ErrorMessage(BatchUpdate("[]")), "Must specify at least one request.");
}

TEST_F(SpreadsheetTest, UpdateSheetPropertiesRenamesResizesAndRefusesToHideEveryTab) {
  MakeSpreadsheet({"Pilots"});
  ASSERT_EQ(Write("Pilots!A1", R"([["keep"],["x"]])").status, 200);
  ASSERT_EQ(Write("Pilots!A20", R"([["dropped"]])").status, 200);
  const auto r =
      BatchUpdate(R"([{"updateSheetProperties":{"properties":{"sheetId":0,"title":"Roster",)"
                  R"("gridProperties":{"rowCount":10,"frozenRowCount":1}},)"
                  R"("fields":"title,gridProperties/rowCount,gridProperties.frozenRowCount"}}])");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Text(*Json(r).Get("replies")), "[{}]");
  const JsonValue props = *Spreadsheet().Get("sheets")->items()[0].Get("properties");
  EXPECT_EQ(props.Get("title")->string(), "Roster");
  EXPECT_EQ(Text(*props.Get("gridProperties")),
            R"({"rowCount":10,"columnCount":26,"frozenRowCount":1})");
  EXPECT_EQ(Json(Get("Roster!A:A")).Get("range")->string(), "Roster!A1:A10");
  EXPECT_EQ(ValuesText(Get("Roster")), R"([["keep"],["x"]])");
  const auto hide = BatchUpdate(
      R"([{"updateSheetProperties":{"properties":{"hidden":true},"fields":"hidden"}}])");
  EXPECT_EQ(ErrorMessage(hide),
            "Invalid requests[0].updateSheetProperties: You can't hide all the "
            "sheets in a document.");
  const auto no_fields = BatchUpdate(R"([{"updateSheetProperties":{"properties":{"title":"Y"}}}])");
  EXPECT_EQ(no_fields.status, 400);
}

TEST_F(SpreadsheetTest, AppendInsertAndDeleteDimensionsMoveTheGridAndItsData) {
  MakeSpreadsheet({"Pilots"});
  ASSERT_EQ(Write("Pilots!A1", R"([["header"],["a"],["b"]])").status, 200);
  ASSERT_EQ(BatchUpdate(R"([{"appendDimension":{"sheetId":0,"dimension":"ROWS","length":500}},)"
                        R"({"appendDimension":{"dimension":"COLUMNS","length":2}}])")
                .status,
            200);
  EXPECT_EQ(Json(Get("Pilots")).Get("range")->string(), "Pilots!A1:AB1500");
  EXPECT_EQ(Write("Pilots!AB1500", R"([["corner"]])").status, 200);

  ASSERT_EQ(BatchUpdate(R"([{"deleteDimension":{"range":{"sheetId":0,"dimension":"ROWS",)"
                        R"("startIndex":1,"endIndex":2}}}])")
                .status,
            200);
  EXPECT_EQ(ValuesText(Get("Pilots!A1:A3")), R"([["header"],["b"]])");
  EXPECT_EQ(ValuesText(Get("Pilots!AB1499")), R"([["corner"]])");
  ASSERT_EQ(BatchUpdate(R"([{"insertDimension":{"range":{"dimension":"ROWS","startIndex":1,)"
                        R"("endIndex":3}}}])")
                .status,
            200);
  EXPECT_EQ(ValuesText(Get("Pilots!A1:A4")), R"([["header"],[],[],["b"]])");
  const auto all = BatchUpdate(R"([{"deleteDimension":{"range":{"dimension":"ROWS",)"
                               R"("startIndex":0,"endIndex":1501}}}])");
  EXPECT_EQ(ErrorMessage(all),
            "Invalid requests[0].deleteDimension: You can't delete all the rows on the sheet.");
  const auto cols = BatchUpdate(R"([{"deleteDimension":{"range":{"dimension":"COLUMNS",)"
                                R"("startIndex":0,"endIndex":1}}}])");
  ASSERT_EQ(cols.status, 200);
  EXPECT_EQ(Json(Get("Pilots")).Get("range")->string(), "Pilots!A1:AA1501");
}

TEST_F(SpreadsheetTest, RepeatCellWritesValuesAndAcceptsFormatting) {
  MakeSpreadsheet({"Pilots"});
  const auto format = BatchUpdate(
      R"([{"repeatCell":{"range":{"sheetId":0,"startRowIndex":0,"endRowIndex":1},)"
      R"j("cell":{"userEnteredFormat":{"textFormat":{"bold":true}}},"fields":"userEnteredFormat(textFormat)"}}])j");
  ASSERT_EQ(format.status, 200) << format.body;
  EXPECT_EQ(ValuesText(Get("Pilots")), "");
  const auto value = BatchUpdate(
      R"([{"repeatCell":{"range":{"sheetId":0,"startRowIndex":1,"endRowIndex":3,"startColumnIndex":1,)"
      R"("endColumnIndex":3},"cell":{"userEnteredValue":{"stringValue":"x"}},"fields":"userEnteredValue"}}])");
  ASSERT_EQ(value.status, 200) << value.body;
  EXPECT_EQ(ValuesText(Get("Pilots")), R"([[],["","x","x"],["","x","x"]])");
  const auto beyond =
      BatchUpdate(R"([{"repeatCell":{"range":{"sheetId":0,"startRowIndex":999,)"
                  R"("endRowIndex":1001},"cell":{},"fields":"userEnteredValue"}}])");
  EXPECT_EQ(beyond.status, 400);
}

TEST_F(SpreadsheetTest, AddProtectedRangeRepliesWithDefaultsElided) {
  MakeSpreadsheet({"Pilots"});
  const auto r = BatchUpdate(
      R"([{"addProtectedRange":{"protectedRange":{"range":{"sheetId":0,)"
      R"("startRowIndex":0,"endRowIndex":1},"description":"header","warningOnly":false}}}])");
  ASSERT_EQ(r.status, 200) << r.body;
  const JsonValue p =
      *Json(r).Get("replies")->items()[0].Get("addProtectedRange")->Get("protectedRange");
  EXPECT_GT(p.Get("protectedRangeId")->number(), 0);
  EXPECT_EQ(Text(*p.Get("range")), R"({"endRowIndex":1})");
  EXPECT_EQ(p.Get("warningOnly"), nullptr);
  EXPECT_EQ(p.Get("requestingUserCanEdit")->boolean(), true);
  EXPECT_EQ(Text(*p.Get("editors")), "{}");
  const JsonValue sheet = Spreadsheet().Get("sheets")->items()[0];
  ASSERT_NE(sheet.Get("protectedRanges"), nullptr);
  EXPECT_EQ(sheet.Get("protectedRanges")->items()[0].Get("description")->string(), "header");
}

TEST_F(SpreadsheetTest, UnknownAndUnsupportedRequestsAreRejectedByName) {
  MakeSpreadsheet();
  EXPECT_EQ(ErrorMessage(BatchUpdate(R"([{"frobnicate":{}}])")),
            "Invalid requests[0]: Unknown name \"frobnicate\": Cannot find field.");
  EXPECT_EQ(
      ErrorMessage(BatchUpdate(R"([{"sortRange":{}}])")),
      "Invalid requests[0].sortRange: sortRange is not implemented by the KRAKEN Sheets emulator.");
}

TEST_F(SpreadsheetTest, DriveVersionIncreasesOnEveryChangeAndOnlyThen) {
  MakeSpreadsheet({"Pilots"});
  const auto first = Call("GET", "/drive/v3/files/" + id_ + "?fields=version,modifiedTime");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body, R"({"version":"1","modifiedTime":"2026-12-04T15:30:00.000Z"})");

  now_ += std::chrono::milliseconds(4'250);
  ASSERT_EQ(Write("Pilots!A1", R"([["x"]])").status, 200);
  EXPECT_EQ(Call("GET", "/drive/v3/files/" + id_ + "?fields=version,modifiedTime").body,
            R"({"version":"2","modifiedTime":"2026-12-04T15:30:04.250Z"})");
  ASSERT_EQ(Get("Pilots").status, 200);                   // a read
  ASSERT_EQ(Write("Nope!A1", R"([["x"]])").status, 400);  // a failed write
  EXPECT_EQ(DriveVersion(), "2");
  ASSERT_EQ(BatchUpdate(R"([{"addSheet":{}}])").status, 200);
  EXPECT_EQ(DriveVersion(), "3");
  ASSERT_EQ(
      Call("POST", "/v4/spreadsheets/" + id_ + "/values:batchClear", R"({"ranges":["Pilots"]})")
          .status,
      200);
  EXPECT_EQ(DriveVersion(), "4");
  EXPECT_EQ(Call("GET", "/drive/v3/files/" + id_).body,
            R"({"kind":"drive#file","id":")" + id_ +
                R"(","name":"Roster","mimeType":"application/vnd.google-apps.spreadsheet"})");
}

TEST_F(SpreadsheetTest, DriveHidesFilesTheCallerCannotSee) {
  MakeSpreadsheet();
  const std::string other = TokenFor(kOtherAccount);
  const auto r = Call("GET", "/drive/v3/files/" + id_ + "?fields=version", "", &other);
  EXPECT_EQ(r.status, 404);
  const JsonValue error = *Json(r).Get("error");
  EXPECT_EQ(error.Get("message")->string(), "File not found: " + id_ + ".");
  EXPECT_EQ(error.Get("errors")->items()[0].Get("reason")->string(), "notFound");
  EXPECT_EQ(Call("GET", "/drive/v3/files/nope?fields=version").status, 404);
}

}  // namespace
}  // namespace kraken::sheets::emu::testing
