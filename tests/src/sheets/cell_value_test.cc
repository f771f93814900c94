// USER_ENTERED parsing, FORMATTED_VALUE rendering and serial dates.

#include "src/sheets/cell_value.h"

#include <gtest/gtest.h>

namespace kraken::sheets {
namespace {

CellValue Typed(std::string_view text) { return ParseUserEntered(text, 2026); }

TEST(CellValueTest, SerialDatesCountDaysFrom1899December30) {
  EXPECT_EQ(DateSerial(1899, 12, 30), 0);
  EXPECT_EQ(DateSerial(2020, 1, 1), 43831);
  EXPECT_EQ(DateSerial(1999, 1, 2), 36162);
  const CivilDateTime t = FromSerial(43831.5);
  EXPECT_EQ((std::vector<int>{t.year, t.month, t.day, t.hour, t.minute, t.second}),
            (std::vector<int>{2020, 1, 1, 12, 0, 0}));
  const CivilDateTime almost_midnight = FromSerial(43831.9999999999);
  EXPECT_EQ(almost_midnight.day, 2);
  EXPECT_EQ(almost_midnight.hour, 0);
  EXPECT_FALSE(IsValidDate(2026, 2, 29));
  EXPECT_TRUE(IsValidDate(2024, 2, 29));
}

TEST(CellValueTest, UserEnteredNumbersLoseLeadingZerosAndKeepTheirLook) {
  EXPECT_EQ(Typed("0012"), CellValue::Number(12));
  EXPECT_EQ(Typed("-0012"), CellValue::Number(-12));
  EXPECT_EQ(Typed(" 12 "), CellValue::Number(12));
  EXPECT_EQ(Typed(".5"), CellValue::Number(0.5));
  EXPECT_EQ(Typed("1e3"), CellValue::Number(1000));
  EXPECT_EQ(Typed("2,000,000.01"), CellValue::Number(2000000.01, NumberFormat::kGrouped, 2));
  EXPECT_EQ(Typed("12%"), CellValue::Number(0.12, NumberFormat::kPercent, 0));
  EXPECT_EQ(FormatValue(Typed("2,000,000.01")), "2,000,000.01");
  EXPECT_EQ(FormatValue(Typed("-1,234")), "-1,234");
  EXPECT_EQ(FormatValue(Typed("12.5%")), "12.5%");
  EXPECT_EQ(FormatValue(Typed("0.1")), "0.1");
  EXPECT_EQ(FormatNumber(0.1 + 0.2, NumberFormat::kGeneral), "0.3");
  EXPECT_EQ(FormatNumber(1e20, NumberFormat::kGeneral), "1E+20");
}

TEST(CellValueTest, UserEnteredDatesBooleansFormulasAndForcedText) {
  EXPECT_EQ(Typed("2026-12-04"), CellValue::Number(46360, NumberFormat::kDate));
  EXPECT_EQ(Typed("12/4/2026"), CellValue::Number(46360, NumberFormat::kDateUs));
  EXPECT_EQ(Typed("1/2"), CellValue::Number(46024, NumberFormat::kMonthDay));
  EXPECT_EQ(Typed("2026-12-04 15:30"),
            CellValue::Number(46360 + 15.5 / 24, NumberFormat::kDateTime));
  EXPECT_EQ(FormatValue(Typed("2026-12-04 15:30")), "2026-12-04 15:30:00");
  EXPECT_EQ(FormatValue(Typed("1/2")), "1/2");
  EXPECT_EQ(Typed("true"), CellValue::Bool(true));
  EXPECT_EQ(Typed("FALSE"), CellValue::Bool(false));
  EXPECT_EQ(Typed("=A1"), CellValue::Formula("=A1"));
  EXPECT_EQ(Typed("'=A1"), CellValue::String("=A1"));
  EXPECT_EQ(Typed("'0012"), CellValue::String("0012"));
  EXPECT_TRUE(Typed("").empty());
}

TEST(CellValueTest, TextThatOnlyLooksTypedStaysText) {
  for (std::string_view text : {"12,34", "2026-02-30", "15:30", "12/4/26", "$5", "1-2", "=", "KRKN",
                                "1.2.3", "e5", "12%%", "0x1F"}) {
    EXPECT_EQ(Typed(text), CellValue::String(std::string(text))) << text;
  }
}

}  // namespace
}  // namespace kraken::sheets
