#include "events/json_text.h"

#include "events/result.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace kraken {
namespace {

TEST(JsonTextTest, QuotesPlainText) { EXPECT_EQ(JsonString("Kaelen Voss"), "\"Kaelen Voss\""); }

TEST(JsonTextTest, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(JsonString(R"(say "hi" \o/)"), R"("say \"hi\" \\o/")");
}

TEST(JsonTextTest, EscapesControlCharacters) {
  EXPECT_EQ(JsonString("a\nb\rc\td"), R"("a\nb\rc\td")");
  EXPECT_EQ(JsonString(std::string("\x00\x01\x1f\x7f", 4)), R"("\u0000\u0001\u001f\u007f")");
}

TEST(JsonTextTest, KeepsValidUtf8AsIs) {
  const std::string text = "Ærin Vøss € 日本 😀";
  EXPECT_EQ(JsonString(text), "\"" + text + "\"");
}

TEST(JsonTextTest, ReplacesEachInvalidUtf8ByteWithTheReplacementCharacter) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(JsonString("a\x80z"), "\"a" + fffd + "z\"");                    // lone continuation
  EXPECT_EQ(JsonString("a\xE2\x82"), "\"a" + fffd + fffd + "\"");           // cut short
  EXPECT_EQ(JsonString("\xC0\xAF"), "\"" + fffd + fffd + "\"");             // overlong '/'
  EXPECT_EQ(JsonString("\xE0\x80\xAF"), "\"" + fffd + fffd + fffd + "\"");  // overlong
  EXPECT_EQ(JsonString("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");  // surrogate
  EXPECT_EQ(JsonString("\xF4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");  // > U+10FFFF
  EXPECT_EQ(JsonString("\xFF"), "\"" + fffd + "\"");
}

TEST(JsonTextTest, AppendAddsToWhatIsThere) {
  std::string out = "{\"k\":";
  AppendJsonString(out, "v\"");
  EXPECT_EQ(out, "{\"k\":\"v\\\"\"");
}

TEST(JsonWriterTest, PlacesCommasAndColons) {
  JsonWriter w;
  w.BeginObject()
      .Key("type")
      .Int(4)
      .Key("data")
      .BeginObject()
      .Key("flags")
      .Uint(64)
      .Key("embeds")
      .BeginArray()
      .BeginObject()
      .EndObject()
      .String("x\"y")
      .Bool(true)
      .Null()
      .EndArray()
      .Key("raw")
      .Raw("[1,2]")
      .EndObject()
      .EndObject();
  EXPECT_EQ(w.str(), R"({"type":4,"data":{"flags":64,"embeds":[{},"x\"y",true,null],"raw":[1,2]}})");
}

TEST(JsonWriterTest, DoublesRoundTripAndNonFiniteIsNull) {
  JsonWriter w;
  w.BeginArray().Double(0.1).Double(45000.5).Double(std::numeric_limits<double>::infinity()).EndArray();
  EXPECT_EQ(w.str(), "[0.1,45000.5,null]");
}

TEST(ErrorCodeNameTest, NamesAreShortLowerCaseWords) {
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kInvalidArgument), "invalid_argument");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kDiskFull), "disk_full");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kInternal), "internal");
}

}  // namespace
}  // namespace kraken
