// spreadsheets.values.* against the emulator core: the behaviours of
// ../shared/reference/sheets-api.md section 3, each checked as the reference states it.

#include <gtest/gtest.h>

#include "tests/src/sheets_emulator/core_fixture.h"

namespace kraken::sheets::emu::testing {
namespace {

class ValuesTest : public CoreTest {};

TEST_F(ValuesTest, ReadsDropTrailingRowsAndCellsAndKeepInteriorBlanks) {
  MakeSpreadsheet({"D3"});
  // The reference's recorded example, written cell by cell with trailing blanks.
  ASSERT_EQ(Write("'D3'!A1:E6", R"([["A1","B1","","D1",""],["","b2","",""],["","",""],)"
                                R"(["A4","B4","","d4"],["","",""]])")
                .status,
            200);
  const auto r = Get("'D3'!A1:D4");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).Get("range")->string(), "'D3'!A1:D4");
  EXPECT_EQ(ValuesText(r), R"([["A1","B1","","D1"],["","b2"],[],["A4","B4","","d4"]])");
  // Over the whole tab the trailing empty rows (5 to 1000) are gone too.
  EXPECT_EQ(ValuesText(Get("'D3'")), R"([["A1","B1","","D1"],["","b2"],[],["A4","B4","","d4"]])");
  // Unquoted, "D3" is the cell D3 of the first tab, as Google reads it.
  EXPECT_EQ(Json(Get("D3")).Get("range")->string(), "'D3'!D3");
}

TEST_F(ValuesTest, AnEmptyRangeHasNoValuesKey) {
  MakeSpreadsheet();
  const auto r = Get("Sheet1!D4");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"range":"Sheet1!D4","majorDimension":"ROWS"})");
}

TEST_F(ValuesTest, TheEchoedRangeIsClippedToTheGridAndQuotedAsGoogleDoes) {
  MakeSpreadsheet({"Main Roster", "Sheet1"});
  auto range_of = [&](const std::string& a1) { return Json(Get(a1)).Get("range")->string(); };
  EXPECT_EQ(range_of("'Main Roster'"), "'Main Roster'!A1:Z1000");
  EXPECT_EQ(range_of("'Main Roster'!A1:C"), "'Main Roster'!A1:C1000");
  EXPECT_EQ(range_of("'Main Roster'!A1:1"), "'Main Roster'!A1:Z1");
  EXPECT_EQ(range_of("'Main Roster'!B2:AZ5000"), "'Main Roster'!B2:Z1000");
  EXPECT_EQ(range_of("'Sheet1'"), "Sheet1!A1:Z1000");
  EXPECT_EQ(range_of("Sheet1!A:A"), "Sheet1!A1:A1000");
  // No tab: the first one.
  EXPECT_EQ(range_of("A1:B2"), "'Main Roster'!A1:B2");
}

TEST_F(ValuesTest, AWriteBeyondTheGridIs400NamingTheLimitsAndWritesNothing) {
  MakeSpreadsheet();
  const auto put =
      Call("PUT", "/v4/spreadsheets/" + id_ + "/values/Sheet1!A1001?valueInputOption=RAW",
           R"({"values":[["x"]]})");
  EXPECT_EQ(put.status, 400);
  EXPECT_EQ(ErrorStatus(put), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorMessage(put),
            "Range ('Sheet1'!A1001) exceeds grid limits. Max rows: 1000, max columns: 26");

  // 27 columns from A1, after a valid first range: neither is written.
  std::string row = "[";
  for (int i = 0; i < 27; ++i) row += std::string(i ? "," : "") + "\"v\"";
  row += "]";
  const auto batch =
      Call("POST", "/v4/spreadsheets/" + id_ + "/values:batchUpdate",
           R"({"valueInputOption":"RAW","data":[{"range":"Sheet1!A1","values":[["first"]]},)"
           R"({"range":"Sheet1!A2","values":[)" +
               row + "]}]}");
  EXPECT_EQ(batch.status, 400);
  EXPECT_EQ(ErrorMessage(batch),
            "Invalid data[1]: Range ('Sheet1'!A2:AA2) exceeds grid limits. Max rows: 1000, max "
            "columns: 26");
  EXPECT_EQ(ValuesText(Get("Sheet1")), "");
}

TEST_F(ValuesTest, AnUnknownTabIs400UnableToParseRange) {
  MakeSpreadsheet();
  const auto read = Get("Sheet 1!A1");
  EXPECT_EQ(read.status, 400);
  EXPECT_EQ(ErrorStatus(read), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorMessage(read), "Unable to parse range: Sheet 1!A1");
  const auto write = Write("Nope!A1", R"([["x"]])");
  EXPECT_EQ(write.status, 400);
  EXPECT_EQ(ErrorMessage(write), "Invalid data[0]: Unable to parse range: Nope!A1");
}

TEST_F(ValuesTest, RawKeepsTextExactlyInEveryRenderOption) {
  MakeSpreadsheet();
  const std::string row = R"([["0012","1/2","=A1","TRUE","2026-12-04"," 7 "]])";
  ASSERT_EQ(Write("Sheet1!A1", row, "RAW").status, 200);
  for (const char* render : {"FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"}) {
    EXPECT_EQ(ValuesText(Get("Sheet1", std::string("valueRenderOption=") + render)), row) << render;
  }
}

TEST_F(ValuesTest, UserEnteredParsesNumbersBooleansDatesAndFormulas) {
  MakeSpreadsheet();
  ASSERT_EQ(
      Write(
          "Sheet1!A1",
          R"([["0012","1/2","=A1","TRUE","2026-12-04","12/4/2026","2,000,000.01","12%","'0012","text","false"]])",
          "USER_ENTERED")
          .status,
      200);
  EXPECT_EQ(
      ValuesText(Get("Sheet1")),
      R"([["12","1/2","=A1","TRUE","2026-12-04","12/4/2026","2,000,000.01","12%","0012","text","FALSE"]])");
  // "1/2" is January 2 of the current year (the emulator's clock says 2026).
  EXPECT_EQ(ValuesText(Get("Sheet1", "valueRenderOption=UNFORMATTED_VALUE")),
            R"([[12,46024,"=A1",true,46360,46360,2000000.01,0.12,"0012","text",false]])");
  EXPECT_EQ(
      ValuesText(Get("Sheet1",
                     "valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption="
                     "FORMATTED_STRING")),
      R"([[12,"1/2","=A1",true,"2026-12-04","12/4/2026",2000000.01,0.12,"0012","text",false]])");
  EXPECT_EQ(ValuesText(Get("Sheet1", "valueRenderOption=FORMULA")),
            R"([[12,46024,"=A1",true,46360,46360,2000000.01,0.12,"0012","text",false]])");
}

TEST_F(ValuesTest, JsonNumbersAndBooleansStayTypedEvenWhenWrittenRaw) {
  MakeSpreadsheet();
  ASSERT_EQ(Write("Sheet1!A1", R"([[53,1.5,true,false,-0.25]])", "RAW").status, 200);
  EXPECT_EQ(ValuesText(Get("Sheet1", "valueRenderOption=UNFORMATTED_VALUE")),
            R"([[53,1.5,true,false,-0.25]])");
  EXPECT_EQ(ValuesText(Get("Sheet1")), R"([["53","1.5","TRUE","FALSE","-0.25"]])");
}

TEST_F(ValuesTest, AFiftyThousandCharacterCellRoundTripsAndOneMoreIs400) {
  MakeSpreadsheet();
  const std::string longest(50'000, 'x');
  ASSERT_EQ(Write("Sheet1!A1", "[[\"" + longest + "\"]]").status, 200);
  EXPECT_EQ(ValuesText(Get("Sheet1!A1")), "[[\"" + longest + "\"]]");
  // Characters, not bytes: 50,000 two-byte characters are fine.
  std::string accented;
  for (int i = 0; i < 50'000; ++i) accented += "é";
  EXPECT_EQ(Write("Sheet1!B1", "[[\"" + accented + "\"]]", "USER_ENTERED").status, 200);

  const auto r = Write("Sheet1!C1", "[[\"" + longest + "y\"]]");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorMessage(r),
            "Your input contains more than the maximum of 50000 characters in a single cell.");
  EXPECT_EQ(Json(Get("Sheet1!C1")).Get("values"), nullptr);
}

TEST_F(ValuesTest, NonAsciiTabNamesAndValuesRoundTrip) {
  MakeSpreadsheet({"Équipe 🌵"});
  const auto w = Write("'Équipe 🌵'!A1", R"([["Ünïcødé ✓","日本語"]])");
  ASSERT_EQ(w.status, 200) << w.body;
  EXPECT_EQ(Json(w).Get("responses")->items()[0].Get("updatedRange")->string(), "'Équipe 🌵'!A1:B1");
  const auto r = Get("'Équipe 🌵'");
  EXPECT_EQ(Json(r).Get("range")->string(), "'Équipe 🌵'!A1:Z1000");
  EXPECT_EQ(ValuesText(r), R"([["Ünïcødé ✓","日本語"]])");
}

TEST_F(ValuesTest, NullLeavesACellAndAnEmptyStringClearsIt) {
  MakeSpreadsheet();
  ASSERT_EQ(Write("Sheet1!A1", R"([["a","b","c"]])").status, 200);
  const auto w = Write("Sheet1!A1", R"([[null,"",null]])");
  ASSERT_EQ(w.status, 200);
  const JsonValue resp = Json(w).Get("responses")->items()[0];
  EXPECT_EQ(resp.Get("updatedRange")->string(), "Sheet1!A1:C1");
  EXPECT_EQ(resp.Get("updatedCells")->number(), 1);
  EXPECT_EQ(ValuesText(Get("Sheet1")), R"([["a","","c"]])");
}

TEST_F(ValuesTest, UpdateCountsFollowTheRecordedResponses) {
  MakeSpreadsheet();
  // A 6 x 4 PUT with two non-null cells.
  const auto put =
      Call("PUT", "/v4/spreadsheets/" + id_ + "/values/Sheet1!A1:D6?valueInputOption=RAW",
           R"({"values":[["x",null,null,null],[null,null,null,null],[null,"y",null,null],)"
           R"([null,null,null,null],[null,null,null,null],[null,null,null,null]]})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(
      put.body,
      R"({"spreadsheetId":")" + id_ +
          R"(","updatedRange":"Sheet1!A1:D6","updatedRows":2,"updatedColumns":2,"updatedCells":2})");
  // The recorded batchUpdate: two 1 x 4 rows (blanks count as updated).
  const auto batch = Call("POST", "/v4/spreadsheets/" + id_ + "/values:batchUpdate",
                          R"({"valueInputOption":"RAW","data":[)"
                          R"({"range":"'Sheet1'!A1:D1","values":[["A1","B1","","D1"]]},)"
                          R"({"range":"'Sheet1'!A4:D4","values":[["A4","B4","","D4"]]}]})");
  ASSERT_EQ(batch.status, 200) << batch.body;
  const JsonValue j = Json(batch);
  EXPECT_EQ(j.Get("totalUpdatedRows")->number(), 2);
  EXPECT_EQ(j.Get("totalUpdatedColumns")->number(), 4);
  EXPECT_EQ(j.Get("totalUpdatedCells")->number(), 8);
  EXPECT_EQ(j.Get("totalUpdatedSheets")->number(), 1);
  EXPECT_EQ(j.Get("responses")->items()[1].Get("updatedRange")->string(), "Sheet1!A4:D4");
}

TEST_F(ValuesTest, ASingleCellIsAnAnchorButABoundedRangeMustHoldTheData) {
  MakeSpreadsheet();
  const auto anchor = Write("Sheet1!A1", R"([[1,2,3],[4,5,6]])");
  EXPECT_EQ(Json(anchor).Get("responses")->items()[0].Get("updatedRange")->string(),
            "Sheet1!A1:C2");
  const auto shrunk = Write("Sheet1!A1:B2", R"([[1,2]])");
  EXPECT_EQ(Json(shrunk).Get("responses")->items()[0].Get("updatedRange")->string(),
            "Sheet1!A1:B1");
  const auto rows = Write("Sheet1!A1:B2", R"([[1],[2],[3]])");
  EXPECT_EQ(rows.status, 400);
  EXPECT_EQ(ErrorMessage(rows),
            "Invalid data[0]: Requested writing within range [Sheet1!A1:B2], "
            "but tried writing to row [3]");
  const auto cols = Write("Sheet1!A1:B2", R"([[1,2,3]])");
  EXPECT_EQ(ErrorMessage(cols),
            "Invalid data[0]: Requested writing within range [Sheet1!A1:B2], "
            "but tried writing to column [C]");
}

TEST_F(ValuesTest, ColumnsMajorDimensionTransposesReadsAndWrites) {
  MakeSpreadsheet();
  ASSERT_EQ(
      Call("POST", "/v4/spreadsheets/" + id_ + "/values:batchUpdate",
           R"({"valueInputOption":"RAW","data":[{"range":"Sheet1!A1","majorDimension":"COLUMNS",)"
           R"("values":[["a","b"],["c"]]}]})")
          .status,
      200);
  EXPECT_EQ(ValuesText(Get("Sheet1")), R"([["a","c"],["b"]])");
  const auto r = Get("Sheet1", "majorDimension=COLUMNS");
  EXPECT_EQ(Json(r).Get("majorDimension")->string(), "COLUMNS");
  EXPECT_EQ(ValuesText(r), R"([["a","b"],["c"]])");
}

TEST_F(ValuesTest, BatchGetAnswersInRequestOrderAndFailsWhollyOnOneBadRange) {
  MakeSpreadsheet({"Pilots", "Corps"});
  ASSERT_EQ(Write("Pilots!A1", R"([["Kaelen Voss"]])").status, 200);
  ASSERT_EQ(Write("Corps!A1", R"([["KRKN"]])").status, 200);
  const auto r =
      Call("GET", "/v4/spreadsheets/" + id_ +
                      "/values:batchGet?ranges=Corps&ranges=Pilots!A1%3AB2&ranges=Corps!Z9");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            R"({"spreadsheetId":")" + id_ +
                R"(","valueRanges":[)"
                R"({"range":"Corps!A1:Z1000","majorDimension":"ROWS","values":[["KRKN"]]},)"
                R"({"range":"Pilots!A1:B2","majorDimension":"ROWS","values":[["Kaelen Voss"]]},)"
                R"({"range":"Corps!Z9","majorDimension":"ROWS"}]})");
  const auto bad =
      Call("GET", "/v4/spreadsheets/" + id_ + "/values:batchGet?ranges=Corps&ranges=Nope");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorMessage(bad), "Unable to parse range: Nope");
  const auto bad_option = Call(
      "GET", "/v4/spreadsheets/" + id_ + "/values:batchGet?ranges=Corps&valueRenderOption=PRETTY");
  EXPECT_EQ(bad_option.status, 400);
}

TEST_F(ValuesTest, ClearsEmptyValuesAndEchoTheClippedRanges) {
  MakeSpreadsheet({"Pilots", "Corps"});
  ASSERT_EQ(Write("Pilots!A1", R"([["a","b"],["c","d"]])").status, 200);
  ASSERT_EQ(Write("Corps!A1", R"([["x"]])").status, 200);
  const auto batch = Call("POST", "/v4/spreadsheets/" + id_ + "/values:batchClear",
                          R"({"ranges":["Pilots!B:B","Corps"]})");
  ASSERT_EQ(batch.status, 200) << batch.body;
  EXPECT_EQ(batch.body, R"({"spreadsheetId":")" + id_ +
                            R"(","clearedRanges":["Pilots!B1:B1000","Corps!A1:Z1000"]})");
  EXPECT_EQ(ValuesText(Get("Pilots")), R"([["a"],["c"]])");
  EXPECT_EQ(ValuesText(Get("Corps")), "");
  // One bad range: nothing is cleared.
  const auto bad = Call("POST", "/v4/spreadsheets/" + id_ + "/values:batchClear",
                        R"({"ranges":["Pilots","Nope"]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ValuesText(Get("Pilots")), R"([["a"],["c"]])");
  const auto one = Call("POST", "/v4/spreadsheets/" + id_ + "/values/Pilots!A1:clear");
  EXPECT_EQ(Json(one).Get("clearedRange")->string(), "Pilots!A1");
  EXPECT_EQ(ValuesText(Get("Pilots")), R"([[],["c"]])");
}

TEST_F(ValuesTest, IncludeValuesInResponseEchoesTheWrittenData) {
  MakeSpreadsheet();
  const auto w = Call("POST", "/v4/spreadsheets/" + id_ + "/values:batchUpdate",
                      R"({"valueInputOption":"USER_ENTERED","includeValuesInResponse":true,)"
                      R"("responseValueRenderOption":"UNFORMATTED_VALUE",)"
                      R"("data":[{"range":"Sheet1!B2","values":[["0012","x"]]}]})");
  ASSERT_EQ(w.status, 200) << w.body;
  const JsonValue data = *Json(w).Get("responses")->items()[0].Get("updatedData");
  EXPECT_EQ(data.Get("range")->string(), "Sheet1!B2:C2");
  JsonWriter text;
  AppendJson(text, *data.Get("values"));
  EXPECT_EQ(text.str(), R"([[12,"x"]])");
}

TEST_F(ValuesTest, AMissingValueInputOptionIsRejected) {
  MakeSpreadsheet();
  const auto r = Call("POST", "/v4/spreadsheets/" + id_ + "/values:batchUpdate",
                      R"({"data":[{"range":"Sheet1!A1","values":[["x"]]}]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorMessage(r), "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED");
}

}  // namespace
}  // namespace kraken::sheets::emu::testing
