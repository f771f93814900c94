// A1 notation: the forms the reference lists, quoting in and out, and the errors.

#include "src/sheets/a1.h"

#include <gtest/gtest.h>

namespace kraken::sheets {
namespace {

A1Range Tab(std::string name) {
  A1Range r;
  r.sheet = std::move(name);
  return r;
}

A1Range Parsed(std::string_view text) {
  auto r = ParseA1(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : A1Range{};
}

TEST(A1Test, ColumnLettersAndIndexesRoundTripUpToZZZ) {
  EXPECT_EQ(ColumnIndex("A"), 0);
  EXPECT_EQ(ColumnIndex("z"), 25);
  EXPECT_EQ(ColumnIndex("AA"), 26);
  EXPECT_EQ(ColumnIndex("ZZZ"), kMaxColumns - 1);
  EXPECT_EQ(ColumnIndex("AAAA"), -1);
  EXPECT_EQ(ColumnIndex("A1"), -1);
  for (int c : {0, 25, 26, 51, 52, 701, 702, kMaxColumns - 1}) {
    EXPECT_EQ(ColumnIndex(ColumnLetters(c)), c) << c;
  }
  EXPECT_EQ(ColumnLetters(701), "ZZ");
}

TEST(A1Test, ParsesEveryDocumentedForm) {
  EXPECT_EQ(Parsed("Sheet1!A1:B2"), (A1Range{"Sheet1", 0, 0, 2, 2}));
  EXPECT_EQ(Parsed("Sheet1!A:A"), (A1Range{"Sheet1", std::nullopt, 0, std::nullopt, 1}));
  EXPECT_EQ(Parsed("Sheet1!1:2"), (A1Range{"Sheet1", 0, std::nullopt, 2, std::nullopt}));
  EXPECT_EQ(Parsed("Sheet1!A5:A"), (A1Range{"Sheet1", 4, 0, std::nullopt, 1}));
  EXPECT_EQ(Parsed("'Sheet1'!A1:C"), (A1Range{"Sheet1", 0, 0, std::nullopt, 3}));
  EXPECT_EQ(Parsed("'Sheet1'!A1:1"), (A1Range{"Sheet1", 0, 0, 1, std::nullopt}));
  EXPECT_EQ(Parsed("A1:B2"), (A1Range{"", 0, 0, 2, 2}));
  EXPECT_EQ(Parsed("Sheet1"), Tab("Sheet1"));
  EXPECT_TRUE(Parsed("Sheet1").whole_sheet());
  EXPECT_TRUE(Parsed("Pilots!C7").single_cell());
  EXPECT_TRUE(Parsed("Pilots!c7:C7").single_cell());
  EXPECT_EQ(Parsed("$B$2:$C$3"), (A1Range{"", 1, 1, 3, 3}));
}

TEST(A1Test, ReversedCornersAreNormalised) {
  EXPECT_EQ(Parsed("Pilots!C3:A1"), Parsed("Pilots!A1:C3"));
}

TEST(A1Test, QuotedNamesUnescapeDoubledQuotesAndKeepSpacesAndBangs) {
  EXPECT_EQ(Parsed("'Kaelen''s'!A:A").sheet, "Kaelen's");
  EXPECT_EQ(Parsed("'Main Roster'!A1").sheet, "Main Roster");
  EXPECT_EQ(Parsed("'Wow!'!B2").sheet, "Wow!");
  EXPECT_EQ(Parsed("'🌵 test'").sheet, "🌵 test");
  // An unquoted name with spaces is accepted, as batchGet accepted it.
  EXPECT_EQ(Parsed("Main Roster!A1:B2").sheet, "Main Roster");
}

TEST(A1Test, TextThatReadsAsCellsIsARangeNotATabName) {
  EXPECT_EQ(Parsed("D3").sheet, "");
  EXPECT_TRUE(Parsed("D3").single_cell());
  EXPECT_EQ(Parsed("'D3'").sheet, "D3");
  EXPECT_EQ(Parsed("Pilots").sheet, "Pilots");  // 6 letters: not a column
}

TEST(A1Test, MalformedRangesNameTheRangeAsGoogleDoes) {
  for (std::string_view bad : {"", "Sheet1!", "'Open", "'Sheet1'x", "Sheet1!A1:B2:C3", "Sheet1!A:5",
                               "Sheet1!A0", "Sheet1!AAAA1", "'Sheet1'!R1C1", "!A1"}) {
    auto r = ParseA1(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message, "Unable to parse range: " + std::string(bad));
  }
}

TEST(A1Test, QuotesOnlyWhenGoogleWouldInEchoes) {
  EXPECT_EQ(QuoteSheetName("Sheet1"), "Sheet1");
  EXPECT_EQ(QuoteSheetName("Pilots_2026"), "Pilots_2026");
  EXPECT_EQ(QuoteSheetName("Main Roster"), "'Main Roster'");
  EXPECT_EQ(QuoteSheetName("D3"), "'D3'");
  EXPECT_EQ(QuoteSheetName("R1C1"), "'R1C1'");
  EXPECT_EQ(QuoteSheetName("2026"), "'2026'");
  EXPECT_EQ(QuoteSheetName("Kaelen's"), "'Kaelen''s'");
  EXPECT_EQ(QuoteSheetName("🌵 test_values_get 1"), "'🌵 test_values_get 1'");
  EXPECT_EQ(QuoteSheetName("Sheet1", /*always=*/true), "'Sheet1'");
}

TEST(A1Test, FormatsAsGoogleEchoes) {
  EXPECT_EQ(FormatA1(A1Range{"Sheet1", 0, 0, 1000, 26}), "Sheet1!A1:Z1000");
  EXPECT_EQ(FormatA1(A1Range{"Main Roster", 0, 0, 1000, 26}), "'Main Roster'!A1:Z1000");
  EXPECT_EQ(FormatA1(A1Range{"Sheet1", 0, 0, 1, 1}), "Sheet1!A1");
  EXPECT_EQ(FormatA1(A1Range{"Sheet1", std::nullopt, 0, std::nullopt, 3}), "Sheet1!A:C");
  EXPECT_EQ(FormatA1(A1Range{"Sheet1", 1, std::nullopt, 5, std::nullopt}), "Sheet1!2:5");
  EXPECT_EQ(FormatA1(A1Range{"Sheet1", 4, 0, std::nullopt, 1}), "Sheet1!A5:A");
  EXPECT_EQ(FormatA1(Tab("Sheet1")), "Sheet1");
  EXPECT_EQ(FormatA1(A1Range{"", 0, 0, 2, 2}), "A1:B2");
  EXPECT_EQ(FormatA1ForRequest(A1Range{"Kaelen's", 0, 0, 2, 2}), "'Kaelen''s'!A1:B2");
}

TEST(A1Test, FormatThenParseIsTheIdentity) {
  const A1Range ranges[] = {
      {"Pilots", 1, 0, 51, 6},
      {"Main Roster", std::nullopt, 0, std::nullopt, 1},
      {"Kaelen's", 1, std::nullopt, 5, std::nullopt},
      {"D3", 0, 0, 4, 4},
      {"🌵 cactus", 0, 0, 1, 1},
      {"2026", 4, 0, std::nullopt, 1},
  };
  for (const A1Range& r : ranges) {
    EXPECT_EQ(Parsed(FormatA1(r)), r) << FormatA1(r);
    EXPECT_EQ(Parsed(FormatA1ForRequest(r)), r) << FormatA1ForRequest(r);
  }
}

}  // namespace
}  // namespace kraken::sheets
