#include "src/sheets/sheet_requests.h"

#include <gtest/gtest.h>

namespace kraken::sheets {
namespace {

TEST(SpreadsheetRequestTest, AddSheetNamesTitleAndGrid) {
  auto r = SpreadsheetRequest::AddSheet("Audit Log", 100, 5);
  EXPECT_EQ(r.kind(), "addSheet");
  EXPECT_EQ(r.json(), R"({"addSheet":{"properties":{"title":"Audit Log","sheetType":"GRID",)"
                      R"("gridProperties":{"rowCount":100,"columnCount":5}}}})");
}

TEST(SpreadsheetRequestTest, UpdateSheetPropertiesMasksOnlyWhatIsSet) {
  SheetPropertiesUpdate u;
  u.sheet_id = 0;
  u.rows = 2000;
  u.frozen_rows = 1;
  EXPECT_EQ(SpreadsheetRequest::UpdateSheetProperties(u).json(),
            R"({"updateSheetProperties":{"properties":{"sheetId":0,"gridProperties":)"
            R"({"rowCount":2000,"frozenRowCount":1}},)"
            R"("fields":"gridProperties.rowCount,gridProperties.frozenRowCount"}})");
}

TEST(SpreadsheetRequestTest, DimensionsAreZeroBasedHalfOpen) {
  EXPECT_EQ(SpreadsheetRequest::AppendDimension(7, Dimension::kRows, 500).json(),
            R"({"appendDimension":{"sheetId":7,"dimension":"ROWS","length":500}})");
  EXPECT_EQ(SpreadsheetRequest::DeleteDimension(7, Dimension::kColumns, 3, 5).json(),
            R"({"deleteDimension":{"range":{"sheetId":7,"dimension":"COLUMNS",)"
            R"("startIndex":3,"endIndex":5}}})");
}

TEST(SpreadsheetRequestTest, SetNotePutsOneNoteOnOneCell) {
  EXPECT_EQ(
      SpreadsheetRequest::SetNote(7, 3, 2, "why \"not\"").json(),
      R"({"updateCells":{"range":{"sheetId":7,"startRowIndex":3,"endRowIndex":4,)"
      R"("startColumnIndex":2,"endColumnIndex":3},"rows":[{"values":[{"note":"why \"not\""}]}],)"
      R"("fields":"note"}})");
}

TEST(SpreadsheetRequestTest, HideDimensionSetsHiddenByUserWithItsFieldMask) {
  EXPECT_EQ(SpreadsheetRequest::HideDimension(7, Dimension::kColumns, 0, 1).json(),
            R"({"updateDimensionProperties":{"range":{"sheetId":7,"dimension":"COLUMNS",)"
            R"("startIndex":0,"endIndex":1},"properties":{"hiddenByUser":true},)"
            R"("fields":"hiddenByUser"}})");
}

TEST(SpreadsheetRequestTest, HeaderRowIsBoldAndFrozen) {
  auto requests = HeaderRowRequests(42);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].json(),
            R"({"repeatCell":{"range":{"sheetId":42,"startRowIndex":0,"endRowIndex":1},)"
            R"("cell":{"userEnteredFormat":{"textFormat":{"bold":true}}},)"
            R"("fields":"userEnteredFormat.textFormat.bold"}})");
  EXPECT_EQ(requests[1].kind(), "updateSheetProperties");
  EXPECT_NE(requests[1].json().find(R"("frozenRowCount":1)"), std::string::npos);
}

TEST(SpreadsheetRequestTest, ProtectedRangeListsItsEditors) {
  GridRange id_column;
  id_column.sheet_id = 3;
  id_column.start_column = 0;
  id_column.end_column = 1;
  EXPECT_EQ(SpreadsheetRequest::AddProtectedRange(id_column, "KRAKEN ids", {"bot@x.iam"}).json(),
            R"({"addProtectedRange":{"protectedRange":{"range":{"sheetId":3,)"
            R"("startColumnIndex":0,"endColumnIndex":1},"description":"KRAKEN ids",)"
            R"("warningOnly":false,"editors":{"users":["bot@x.iam"]}}}})");
}

}  // namespace
}  // namespace kraken::sheets
