#include "events/event.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

namespace kraken {
namespace {

constexpr std::int64_t kDecember4th2026 = 20791LL * 86'400'000'000LL;  // midnight UTC
constexpr std::int64_t kMinute = 60'000'000LL;

TEST(TimestampTest, FormatsAsUtcWithMicroseconds) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(1796398313123456), "2026-12-04T15:31:53.123456Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(TimestampTest, ParsesWhatItFormats) {
  std::mt19937_64 rng(42);
  // From 1900 to 2200, including times before the epoch.
  std::uniform_int_distribution<std::int64_t> ts(-2'208'988'800'000'000LL, 7'258'118'400'000'000LL);
  for (int i = 0; i < 10000; ++i) {
    const std::int64_t t = ts(rng);
    const std::string text = FormatTimestamp(t);
    ASSERT_EQ(ParseTimestamp(text), t) << text;
  }
}

TEST(TimestampTest, ParsesADateAloneAsMidnightUtc) {
  EXPECT_EQ(ParseTimestamp("2026-12-04"), kDecember4th2026);
  EXPECT_EQ(ParseTimestamp("1970-01-01"), 0);
}

TEST(TimestampTest, ParsesMinutesSecondsFractionsAndEitherSeparator) {
  EXPECT_EQ(ParseTimestamp("2026-12-04T15:31"), kDecember4th2026 + (15 * 60 + 31) * kMinute);
  EXPECT_EQ(ParseTimestamp("2026-12-04 15:31"), kDecember4th2026 + (15 * 60 + 31) * kMinute);
  EXPECT_EQ(ParseTimestamp("2026-12-04T15:31Z"), kDecember4th2026 + (15 * 60 + 31) * kMinute);
  EXPECT_EQ(ParseTimestamp("2026-12-04 15:31:53"),
            kDecember4th2026 + (15 * 60 + 31) * kMinute + 53'000'000);
  EXPECT_EQ(ParseTimestamp("2026-12-04T15:31:53.5Z"),
            kDecember4th2026 + (15 * 60 + 31) * kMinute + 53'500'000);
  EXPECT_EQ(ParseTimestamp("2026-12-04T15:31:53.123456Z"), 1796398313123456);
}

TEST(TimestampTest, RejectsInvalidDatesAndTimes) {
  for (const char* text : {"",
                           "2026",
                           "2026-12-4",
                           "2026/12/04",
                           "04.12.2026",
                           "2026-13-01",
                           "2026-00-10",
                           "2026-02-29",
                           "2026-02-30",
                           "2026-04-31",
                           "2026-12-32",
                           "2026-12-04x",
                           "2026-12-04T",
                           "2026-12-04T15",
                           "2026-12-04T1531",
                           "2026-12-04T24:00",
                           "2026-12-04T15:60",
                           "2026-12-04T15:31:61",
                           "2026-12-04T15:31:53.",
                           "2026-12-04T15:31:53.1234567",
                           "2026-12-04T15:31:53,5",
                           "2026-12-04Tab:cd",
                           "2026-12-04T15:31ZZ",
                           "2026-12-04X15:31",
                           "2026-12-04T-1:30",
                           "2026-12-04T15:-1",
                           "2026-12-04T15:31:-1",
                           "2026-12-04T15:31:53.-12345",
                           "-001-12-04",
                           "2026--1-04"}) {
    EXPECT_EQ(ParseTimestamp(text), std::nullopt) << "'" << text << "' was accepted";
  }
}

TEST(TimestampTest, AcceptsLeapDaysOnlyInLeapYears) {
  EXPECT_TRUE(ParseTimestamp("2028-02-29").has_value());
  EXPECT_TRUE(ParseTimestamp("2000-02-29").has_value());
  EXPECT_FALSE(ParseTimestamp("2100-02-29").has_value());
}

TEST(SourceTest, NamesRoundTrip) {
  for (Source s : {Source::kDiscord, Source::kSheet, Source::kCli, Source::kSystem}) {
    EXPECT_EQ(ParseSource(SourceName(s)), s);
  }
  EXPECT_EQ(SourceName(Source::kDiscord), "discord");
  EXPECT_EQ(SourceName(Source::kSheet), "sheet");
  EXPECT_EQ(SourceName(Source::kCli), "cli");
  EXPECT_EQ(SourceName(Source::kSystem), "system");
}

TEST(SourceTest, UnknownNamesAreNotParsed) {
  EXPECT_EQ(ParseSource("email"), std::nullopt);
  EXPECT_EQ(ParseSource(""), std::nullopt);
  EXPECT_EQ(ParseSource("Discord"), std::nullopt);  // names are stored lower-case
}

TEST(TypeNameTest, NamesEachPayloadType) {
  EXPECT_EQ(TypeName(PilotRegistered{}), "PilotRegistered");
  EXPECT_EQ(TypeName(PilotFieldsChanged{}), "PilotFieldsChanged");
  EXPECT_EQ(TypeName(PilotLinkedToDiscord{}), "PilotLinkedToDiscord");
  EXPECT_EQ(TypeName(AltLinked{}), "AltLinked");
  EXPECT_EQ(TypeName(AltUnlinked{}), "AltUnlinked");
  EXPECT_EQ(TypeName(PilotLeftAlliance{}), "PilotLeftAlliance");
  EXPECT_EQ(TypeName(CorpCreated{}), "CorpCreated");
  EXPECT_EQ(TypeName(CorpChanged{}), "CorpChanged");
  EXPECT_EQ(TypeName(CorpRemoved{}), "CorpRemoved");
  EXPECT_EQ(TypeName(ImportBatchCommitted{}), "ImportBatchCommitted");
  EXPECT_EQ(TypeName(ConflictDetected{}), "ConflictDetected");
  EXPECT_EQ(TypeName(ConflictResolved{}), "ConflictResolved");
  EXPECT_EQ(TypeName(EventReverted{}), "EventReverted");
  EXPECT_EQ(TypeName(SheetEditRejected{}), "SheetEditRejected");
}

TEST(TypeNameTest, AllTypeNamesListsTheCatalogueInOrderOnce) {
  const auto& names = AllTypeNames();
  ASSERT_EQ(names.size(), std::variant_size_v<Payload>);
  EXPECT_EQ(names.front(), "PilotRegistered");
  EXPECT_EQ(names[6], "CorpCreated");
  EXPECT_EQ(names.back(), "SheetEditRejected");
  EXPECT_EQ(std::set<std::string_view>(names.begin(), names.end()).size(), names.size());
  Event e;
  e.payload = ConflictResolved{};
  EXPECT_EQ(e.type(), names[e.payload.index()]);
}

TEST(StreamTest, PilotAndCorpStreamsSplitBackIntoKindAndKey) {
  EXPECT_EQ(PilotStream("Kaelen Voss"), "pilot/Kaelen Voss");
  EXPECT_EQ(CorpStream("KRKN"), "corp/KRKN");
  const std::string stream = PilotStream("Kaelen Voss");
  auto [kind, key] = SplitStream(stream);
  EXPECT_EQ(kind, "pilot");
  EXPECT_EQ(key, "Kaelen Voss");
}

TEST(StreamTest, OnlyTheFirstSlashSplits) {
  auto [kind, key] = SplitStream("pilot/AC/DC");
  EXPECT_EQ(kind, "pilot");
  EXPECT_EQ(key, "AC/DC");
}

TEST(StreamTest, AStreamWithoutASlashHasAnEmptyKind) {
  auto [kind, key] = SplitStream("orphan");
  EXPECT_EQ(kind, "");
  EXPECT_EQ(key, "orphan");
}

// The fast path for the stored form. The general parser is reached with the same
// instant written with a space for the 'T', which the fast path does not take.
std::optional<std::int64_t> General(std::string text) {
  if (text.size() > 10 && text[10] == 'T') text[10] = ' ';
  return ParseTimestamp(text);
}

TEST(TimestampTest, TheFastPathReadsEveryCanonicalTimestampAsTheGeneralParserDoes) {
  std::vector<std::string> texts = {
      "0000-01-01T00:00:00.000000Z", "0000-02-29T12:00:00.000000Z",  // year 0 was a leap year
      "0000-03-01T00:00:00.000000Z", "0001-01-01T00:00:00.000000Z", "1899-12-31T23:59:59.999999Z",
      "1900-02-28T23:59:59.999999Z", "1900-03-01T00:00:00.000000Z", "1969-12-31T23:59:59.999999Z",
      "1970-01-01T00:00:00.000000Z", "1970-01-01T00:00:00.000001Z",
      "1999-12-31T23:59:60.500000Z",  // a leap second
      "2000-02-29T00:00:00.000000Z", "2000-12-31T23:59:59.999999Z", "2026-12-04T15:31:53.123456Z",
      "2100-02-28T00:00:00.000000Z", "2100-03-01T00:00:00.000000Z", "2400-02-29T00:00:00.000000Z",
      "9999-12-31T23:59:59.999999Z"};
  std::mt19937_64 rng(7);
  // Any instant from year 0 to 9999.
  std::uniform_int_distribution<std::int64_t> ts(-62'167'219'200'000'000LL,
                                                 253'402'300'799'999'999LL);
  for (int i = 0; i < 20000; ++i) texts.push_back(FormatTimestamp(ts(rng)));
  for (const std::string& text : texts) {
    const auto fast = ParseCanonicalTimestamp(text);
    ASSERT_TRUE(fast.has_value()) << text;
    ASSERT_EQ(fast, General(text)) << text;
    ASSERT_EQ(ParseTimestamp(text), fast) << text;
    if (text[17] != '6') {  // a leap second formats as the next minute
      ASSERT_EQ(FormatTimestamp(*fast), text);
    }
  }
}

TEST(TimestampTest, TheFastPathRefusesWhatTheGeneralParserRefusesAndNothingElse) {
  for (const char* text :
       {"2026-02-29T00:00:00.000000Z", "2100-02-29T00:00:00.000000Z", "2026-04-31T00:00:00.000000Z",
        "2026-13-01T00:00:00.000000Z", "2026-00-10T00:00:00.000000Z", "2026-12-00T00:00:00.000000Z",
        "2026-12-04T24:00:00.000000Z", "2026-12-04T15:60:00.000000Z", "2026-12-04T15:31:61.000000Z",
        "2026-12-04T-1:31:53.123456Z", "+026-12-04T15:31:53.123456Z",
        "2026-12-04T15:31:53.12345 Z"}) {
    EXPECT_EQ(ParseCanonicalTimestamp(text), std::nullopt) << text;
    EXPECT_EQ(General(text), std::nullopt) << text;
  }
  // Every position of a canonical timestamp changed to each of these characters:
  // the fast path gives the general parser's answer, or leaves the text to it.
  const std::string canonical = "2028-02-29T23:59:59.999999Z";
  for (std::size_t at = 0; at < canonical.size(); ++at) {
    for (char c : std::string("0123456789-:.TZ tz+/\x00\xff", 22)) {
      std::string text = canonical;
      text[at] = c;
      const auto fast = ParseCanonicalTimestamp(text);
      if (text[10] == 'T') {
        EXPECT_EQ(fast, General(text)) << text;
      } else {
        EXPECT_EQ(fast, std::nullopt) << text;
      }
    }
  }
  // Other lengths are never the fast path's.
  EXPECT_EQ(ParseCanonicalTimestamp("2026-12-04T15:31:53.12345Z"), std::nullopt);
  EXPECT_EQ(ParseCanonicalTimestamp("2026-12-04T15:31:53.1234567Z"), std::nullopt);
  EXPECT_EQ(ParseCanonicalTimestamp("2026-12-04"), std::nullopt);
  EXPECT_EQ(ParseTimestamp("2026-12-04T15:31:53.5Z"), General("2026-12-04T15:31:53.5Z"));
}

}  // namespace
}  // namespace kraken
