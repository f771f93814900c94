// Building replies: Discord's limits are kept by cutting, at code point
// boundaries, never by failing; nobody is pinged; replies are ephemeral.

#include "src/discord/reply.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "src/discord/interactions.h"
#include "tests/src/discord/discord_test_support.h"

namespace kraken::discord {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kEllipsis = "\xE2\x80\xA6";
const std::string kReplacement = "\xEF\xBF\xBD";  // what a broken sequence would become

// `n` copies of `unit`.
std::string Repeat(std::string_view unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

// A mix of 1-, 2-, 3- and 4-byte UTF-8: "aé語😀".
std::string Mixed(std::size_t n) { return Repeat("a\xC3\xA9\xE8\xAA\x9E\xF0\x9F\x98\x80", n); }

TEST(ReplyTest, DiscordLengthCountsCodePointsAndEmojiAsTwo) {
  EXPECT_EQ(DiscordLength(""), 0u);
  EXPECT_EQ(DiscordLength("abc"), 3u);
  EXPECT_EQ(DiscordLength("\xC3\xA9\xE8\xAA\x9E"), 2u);  // é語
  EXPECT_EQ(DiscordLength("\xF0\x9F\x98\x80"), 2u);      // 😀, two UTF-16 units
  EXPECT_EQ(DiscordLength("\xFF"), 1u);                  // invalid: sent as U+FFFD
}

TEST(ReplyTest, TruncateCutsAtCodePointsAndEndsWithAnEllipsis) {
  EXPECT_EQ(Truncate("short", 10), "short");
  EXPECT_EQ(Truncate("exactly10!", 10), "exactly10!");
  EXPECT_EQ(Truncate("abcdefghijk", 5), "abcd" + kEllipsis);
  // "é語😀" is 4 units: a cut to 3 keeps "é語" (the emoji would not fit).
  EXPECT_EQ(Truncate("\xC3\xA9\xE8\xAA\x9E\xF0\x9F\x98\x80x", 4),
            "\xC3\xA9\xE8\xAA\x9E" + kEllipsis);
  const std::string emoji = "\xF0\x9F\x98\x80";
  EXPECT_EQ(Truncate(emoji, 2), emoji);              // fits: two units
  EXPECT_EQ(Truncate(emoji + emoji, 2), kEllipsis);  // one unit left: no half emoji
  EXPECT_EQ(Truncate(emoji + emoji + emoji, 3), emoji + kEllipsis);
  EXPECT_EQ(Truncate("abc", 0), "");
  for (std::size_t max = 1; max < 40; ++max) {
    const std::string cut = Truncate(Mixed(10), max);
    EXPECT_LE(DiscordLength(cut), max);
    EXPECT_TRUE(simdjson::validate_utf8(cut.data(), cut.size())) << max;
  }
}

TEST(ReplyTest, MessagesAreEphemeralAndMentionNobodyByDefault) {
  Message m = TextMessage("hello @everyone <@410212090289192960>");
  const auto view = testing::ParseMessage(MessageJson(m));
  EXPECT_EQ(view.flags, kFlagEphemeral);
  EXPECT_TRUE(view.mentions_none);
  EXPECT_EQ(view.content, "hello @everyone <@410212090289192960>");
  m.ephemeral = false;
  EXPECT_EQ(testing::ParseMessage(MessageJson(m)).flags, 0);
  EXPECT_TRUE(testing::ParseMessage(MessageJson(m)).mentions_none);
}

TEST(ReplyTest, HugeTextIsCutToEveryEmbedLimitAndStaysValidUtf8) {
  Message m = TextMessage(Mixed(3000));
  for (int e = 0; e < 12; ++e) {
    Embed embed;
    embed.title = Mixed(500);
    embed.description = Mixed(5000);
    embed.footer = Mixed(3000);
    for (int f = 0; f < 30; ++f) embed.fields.push_back({Mixed(300), Mixed(2000), f % 2 == 0});
    m.embeds.push_back(std::move(embed));
  }
  const std::string json = MessageJson(m);
  const auto view = testing::ParseMessage(json);  // parses: so valid JSON and valid UTF-8
  EXPECT_LE(DiscordLength(view.content), kMaxContent);
  EXPECT_THAT(view.content, EndsWith(kEllipsis));
  ASSERT_FALSE(view.embeds.empty());
  EXPECT_LE(view.embeds.size(), kMaxEmbeds);
  std::size_t total = 0;
  for (const auto& e : view.embeds) {
    EXPECT_LE(DiscordLength(e.title), kMaxTitle);
    EXPECT_LE(DiscordLength(e.description), kMaxDescription);
    EXPECT_LE(DiscordLength(e.footer), kMaxFooter);
    EXPECT_LE(e.fields.size(), kMaxFields);
    total += DiscordLength(e.title) + DiscordLength(e.description) + DiscordLength(e.footer);
    for (const auto& [name, value] : e.fields) {
      EXPECT_FALSE(name.empty());
      EXPECT_FALSE(value.empty());
      EXPECT_LE(DiscordLength(name), kMaxFieldName);
      EXPECT_LE(DiscordLength(value), kMaxFieldValue);
      total += DiscordLength(name) + DiscordLength(value);
    }
  }
  EXPECT_LE(total, kMaxEmbedTotal);
  EXPECT_GT(total, kMaxEmbedTotal - 100) << "the budget should be used, not wasted";
  EXPECT_THAT(json, Not(HasSubstr(kReplacement))) << "a code point was split";
  EXPECT_THAT(view.embeds[0].title, EndsWith(kEllipsis));
}

TEST(ReplyTest, FieldsBeyondTwentyFiveAreCountedInALastField) {
  Embed embed;
  embed.title = "many";
  for (int f = 0; f < 40; ++f) embed.fields.push_back({"f" + std::to_string(f), "v", true});
  Message m;
  m.embeds.push_back(embed);
  const auto view = testing::ParseMessage(MessageJson(m));
  ASSERT_EQ(view.embeds.size(), 1u);
  ASSERT_EQ(view.embeds[0].fields.size(), kMaxFields);
  EXPECT_EQ(view.embeds[0].fields[23].first, "f23");
  EXPECT_EQ(view.embeds[0].fields[24].second, "16 more not shown");
}

TEST(ReplyTest, EmptyFieldNamesAndValuesAreFilledBecauseDiscordRejectsThem) {
  Message m;
  m.embeds.push_back(Embed{"t", "", std::nullopt, {{"", "", false}}, ""});
  const auto view = testing::ParseMessage(MessageJson(m));
  ASSERT_EQ(view.embeds[0].fields.size(), 1u);
  EXPECT_EQ(view.embeds[0].fields[0], (std::pair<std::string, std::string>{"-", "-"}));
}

TEST(ReplyTest, AutocompleteKeepsTwentyFiveChoicesAndSkipsValuesTooLongToSend) {
  std::vector<AutocompleteChoice> choices;
  choices.push_back({"too long", std::string(101, 'x')});
  for (int i = 0; i < 40; ++i) choices.push_back({Mixed(60), "v" + std::to_string(i)});
  const auto parsed = testing::ParseChoices(AutocompleteJson(choices));
  ASSERT_EQ(parsed.size(), kMaxChoices);
  EXPECT_EQ(parsed[0].second, "v0");
  for (const auto& [name, value] : parsed) EXPECT_LE(DiscordLength(name), kMaxChoiceText);
  EXPECT_TRUE(testing::ParseChoices(AutocompleteJson({})).empty());
}

TEST(ReplyTest, EscapeMarkdownShowsNamesAsTyped) {
  EXPECT_EQ(EscapeMarkdown("x_y*z~`|>#\\"), "x\\_y\\*z\\~\\`\\|\\>\\#\\\\");
  EXPECT_EQ(EscapeMarkdown("Kaelen Voss"), "Kaelen Voss");
}

TEST(ReplyTest, TheBodyOfAPongIsJustTheType) {
  Reply pong;
  pong.type = 1;
  EXPECT_EQ(pong.Body(), R"({"type":1})");
  Reply message;
  message.data = MessageJson(TextMessage("hi"));
  EXPECT_EQ(message.Body(), R"({"type":4,"data":)" + message.data + "}");
  Reply bad;
  bad.http_status = 400;
  bad.data = R"({"error":"x"})";
  EXPECT_EQ(bad.Body(), R"({"error":"x"})");
}

}  // namespace
}  // namespace kraken::discord
