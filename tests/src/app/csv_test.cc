#include "src/app/csv.h"

#include <gtest/gtest.h>

namespace kraken {
namespace {

TEST(CsvTest, ReadsQuotedCellsWithCommasQuotesAndLineBreaks) {
  auto csv = ParseCsv("name,notes\r\n\"Voss, Kaelen\",\"said \"\"hi\"\"\nthen left\"\r\nRyn,\n");
  ASSERT_TRUE(csv.ok()) << csv.error().message;
  ASSERT_EQ(csv->rows.size(), 2u);
  EXPECT_EQ(csv->rows[0][0], "Voss, Kaelen");
  EXPECT_EQ(csv->rows[0][1], "said \"hi\"\nthen left");
  EXPECT_EQ(csv->rows[1][0], "Ryn");
  EXPECT_EQ(csv->rows[1][1], "");
  EXPECT_EQ(csv->lines[0], 2u);
  EXPECT_EQ(csv->lines[1], 4u);  // the quoted line break counts
}

TEST(CsvTest, ByteOrderMarkAndBlankLinesAreSkipped) {
  auto csv = ParseCsv("\xEF\xBB\xBFticker,name\n\nKRKN,Kraken\n\n");
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->header[0], "ticker");
  ASSERT_EQ(csv->rows.size(), 1u);
  EXPECT_EQ(csv->lines[0], 3u);
}

TEST(CsvTest, ShortRowsArePaddedAndLongRowsRejectedWithTheirLine) {
  auto padded = ParseCsv("a,b,c\n1\n");
  ASSERT_TRUE(padded.ok());
  EXPECT_EQ(padded->rows[0].size(), 3u);
  auto long_row = ParseCsv("a,b\n1,2\n1,2,3\n");
  ASSERT_FALSE(long_row.ok());
  EXPECT_NE(long_row.error().message.find("line 3"), std::string::npos) << long_row.error().message;
}

TEST(CsvTest, UnterminatedQuoteIsAnErrorNamingItsLine) {
  auto csv = ParseCsv("a,b\n1,\"open\n2,3\n");
  ASSERT_FALSE(csv.ok());
  EXPECT_NE(csv.error().message.find("line 2: a quoted cell is never closed"), std::string::npos)
      << csv.error().message;
}

TEST(CsvTest, EmptyFileIsAnError) {
  auto csv = ParseCsv("");
  ASSERT_FALSE(csv.ok());
  EXPECT_NE(csv.error().message.find("empty"), std::string::npos);
}

TEST(CsvTest, CellsAreQuotedOnlyWhenNeeded) {
  EXPECT_EQ(CsvCell("plain"), "plain");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"x\""), "\"say \"\"x\"\"\"");
}

}  // namespace
}  // namespace kraken
