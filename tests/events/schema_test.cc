#include "events/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace kraken {
namespace {

using ::testing::HasSubstr;

Column Declared(std::string name, ColumnType type, std::vector<std::string> enum_values = {}) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.editor = Editor::kAdmin;
  c.enum_values = std::move(enum_values);
  return c;
}

// The normalized value, or the error message prefixed with "error: ".
std::string Norm(const Schema& schema, Table table, std::string_view column,
                 std::string_view value) {
  auto r = schema.Normalize(table, column, value);
  if (!r.ok()) {
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    return "error: " + r.error().message;
  }
  return *r;
}

std::string Pilot(std::string_view column, std::string_view value) {
  return Norm(Schema::Core(), Table::kPilot, column, value);
}

TEST(SchemaTest, CoreColumnsSitAtTheirDeclaredPositions) {
  const Schema s = Schema::Core();
  EXPECT_EQ(s.IndexOf(Table::kPilot, "name"), kPilotName);
  EXPECT_EQ(s.IndexOf(Table::kPilot, "discord_id"), kPilotDiscordId);
  EXPECT_EQ(s.IndexOf(Table::kPilot, "corp"), kPilotCorp);
  EXPECT_EQ(s.IndexOf(Table::kPilot, "clone"), kPilotClone);
  EXPECT_EQ(s.IndexOf(Table::kPilot, "main"), kPilotMain);
  EXPECT_EQ(s.IndexOf(Table::kPilot, "timezone"), kPilotTimezone);
  EXPECT_EQ(s.IndexOf(Table::kPilot, "notes"), kPilotNotes);
  EXPECT_EQ(s.columns(Table::kPilot).size(), 7u);
  EXPECT_EQ(s.IndexOf(Table::kCorp, "ticker"), kCorpTicker);
  EXPECT_EQ(s.IndexOf(Table::kCorp, "name"), kCorpName);
  EXPECT_EQ(s.IndexOf(Table::kCorp, "ceo"), kCorpCeo);
  EXPECT_EQ(s.IndexOf(Table::kCorp, "status"), kCorpStatus);
  EXPECT_EQ(s.columns(Table::kCorp).size(), 4u);
  EXPECT_EQ(s.IndexOf(Table::kPilot, "Name"), std::nullopt);  // exact names only
  EXPECT_EQ(s.Find(Table::kCorp, "clone"), nullptr);
  EXPECT_TRUE(s.Find(Table::kPilot, "clone")->core);
}

TEST(SchemaTest, EnumValuesAreFoldedToTheirDeclaredCase) {
  EXPECT_EQ(Pilot("clone", "omega"), "Omega");
  EXPECT_EQ(Pilot("clone", " ALPHA "), "Alpha");
  EXPECT_EQ(Norm(Schema::Core(), Table::kCorp, "status", "Blue"), "blue");
}

TEST(SchemaTest, AnEnumValueOutsideTheListNamesTheAllowedOnes) {
  const std::string error = Pilot("clone", "Gamma");
  EXPECT_THAT(error, HasSubstr("clone must be one of Alpha, Omega"));
  EXPECT_THAT(error, HasSubstr("'Gamma'"));
}

TEST(SchemaTest, DatesMustBeRealIsoDates) {
  Schema s = Schema::Core();
  ASSERT_TRUE(s.AddColumn(Table::kPilot, Declared("joined", ColumnType::kDate)).ok());
  EXPECT_EQ(Norm(s, Table::kPilot, "joined", "2026-12-04"), "2026-12-04");
  EXPECT_EQ(Norm(s, Table::kPilot, "joined", " 2028-02-29 "), "2028-02-29");
  for (const char* bad :
       {"2026-02-30", "2026-13-01", "04.12.2026", "2026-12-4", "2026-12-04T10:00", "yesterday"}) {
    const std::string error = Norm(s, Table::kPilot, "joined", bad);
    EXPECT_THAT(error, HasSubstr("joined must be a date like 2026-12-04")) << bad;
    EXPECT_THAT(error, HasSubstr(bad));
  }
}

TEST(SchemaTest, IntegersLoseTheirPlusSignAndLeadingZeros) {
  Schema s = Schema::Core();
  ASSERT_TRUE(s.AddColumn(Table::kPilot, Declared("kills", ColumnType::kInteger)).ok());
  EXPECT_EQ(Norm(s, Table::kPilot, "kills", "+007"), "7");
  EXPECT_EQ(Norm(s, Table::kPilot, "kills", "-12"), "-12");
  EXPECT_EQ(Norm(s, Table::kPilot, "kills", " 0 "), "0");
  for (const char* bad : {"12a", "1.5", "+", "ten", "99999999999999999999"}) {
    EXPECT_THAT(Norm(s, Table::kPilot, "kills", bad), HasSubstr("kills must be a whole number"))
        << bad;
  }
}

TEST(SchemaTest, TextIsTrimmedAndLimitedInCodePoints) {
  EXPECT_EQ(Pilot("timezone", "  UTC+2\t"), "UTC+2");
  EXPECT_EQ(Pilot("notes", std::string(500, 'x')), std::string(500, 'x'));
  EXPECT_THAT(Pilot("notes", std::string(501, 'x')),
              HasSubstr("notes is 501 characters long; at most 500 are allowed"));
  // 200 two-byte characters are 200 characters, not 400.
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "é";
  EXPECT_EQ(Pilot("timezone", accents), accents);
  EXPECT_THAT(Pilot("timezone", accents + "é"), HasSubstr("at most 200"));
}

TEST(SchemaTest, ControlCharactersAndInvalidUtf8AreRejected) {
  EXPECT_THAT(Pilot("notes", "line\nbreak"), HasSubstr("without control characters"));
  EXPECT_THAT(Pilot("notes", "bell\x07"), HasSubstr("without control characters"));
  EXPECT_THAT(Pilot("notes", "cut \xE2\x82"), HasSubstr("UTF-8"));
}

TEST(SchemaTest, AnEmptyValueClearsTheField) {
  EXPECT_EQ(Pilot("clone", ""), "");
  EXPECT_EQ(Pilot("clone", "   "), "");
  EXPECT_EQ(Pilot("discord_id", ""), "");
}

TEST(SchemaTest, AnUnknownColumnListsTheColumns) {
  EXPECT_THAT(Pilot("ship", "Raven"),
              HasSubstr("pilot has no column 'ship'; columns are: name, discord_id, corp, clone, "
                        "main, timezone, notes"));
  EXPECT_THAT(Norm(Schema::Core(), Table::kCorp, "clone", "Alpha"),
              HasSubstr("columns are: ticker, name, ceo, status"));
}

TEST(SchemaTest, ReferencesAreValidatedAsKeys) {
  EXPECT_EQ(Pilot("corp", "KRKN"), "KRKN");
  EXPECT_THAT(Pilot("corp", "KRAKEN"), HasSubstr("corp ticker 'KRAKEN' must be 1 to 5"));
  EXPECT_EQ(Pilot("main", "Kaelen Voss"), "Kaelen Voss");
  EXPECT_THAT(Pilot("main", "Kaelen  Voss"), HasSubstr("pilot name 'Kaelen  Voss'"));
}

TEST(SchemaTest, DiscordIdsAreFiveToTwentyDigits) {
  EXPECT_EQ(Pilot("discord_id", "123456789012345678"), "123456789012345678");
  for (const char* bad : {"1234", "123456789012345678901", "12345x", "@kaelen"}) {
    EXPECT_THAT(Pilot("discord_id", bad), HasSubstr("must be a Discord user id")) << bad;
  }
}

TEST(SchemaTest, DeclaredColumnsFollowTheCoreOnes) {
  Schema s = Schema::Core();
  ASSERT_TRUE(
      s.AddColumn(Table::kPilot, Declared("rank", ColumnType::kEnum, {"Recruit", "Officer"})).ok());
  ASSERT_TRUE(s.AddColumn(Table::kCorp, Declared("region", ColumnType::kText)).ok());
  EXPECT_EQ(s.IndexOf(Table::kPilot, "rank"), 7u);
  EXPECT_FALSE(s.Find(Table::kPilot, "rank")->core);
  EXPECT_EQ(s.IndexOf(Table::kCorp, "region"), 4u);
  EXPECT_EQ(Norm(s, Table::kPilot, "rank", "officer"), "Officer");
}

TEST(SchemaTest, IndexOfNeedsTheWholeExactName) {
  Schema s = Schema::Core();
  Column notez;  // the length and first letter of "notes"
  notez.name = "notez";
  notez.editor = Editor::kSelf;
  ASSERT_TRUE(s.AddColumn(Table::kPilot, notez).ok());
  EXPECT_EQ(s.IndexOf(Table::kPilot, "notes"), kPilotNotes);
  EXPECT_EQ(s.IndexOf(Table::kPilot, "notez"), 7u);
  EXPECT_EQ(s.IndexOf(Table::kPilot, "note"), std::nullopt);
  EXPECT_EQ(s.IndexOf(Table::kPilot, "notes "), std::nullopt);
  EXPECT_EQ(s.IndexOf(Table::kPilot, "Notes"), std::nullopt);
  EXPECT_EQ(s.IndexOf(Table::kPilot, ""), std::nullopt);
  EXPECT_EQ(s.IndexOf(Table::kCorp, "notez"), std::nullopt);
}

TEST(SchemaTest, AddColumnRejectsBadNamesTakenNamesEmptyEnumsAndSystemColumns) {
  Schema s = Schema::Core();
  for (const char* bad :
       {"Rank", "1st", "_x", "", "has space", "dash-ed", "a_name_that_is_longer_than_32_chars"}) {
    Status st = s.AddColumn(Table::kPilot, Declared(bad, ColumnType::kText));
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(st.error().message, HasSubstr("lower-case letters"));
  }
  Status taken = s.AddColumn(Table::kPilot, Declared("corp", ColumnType::kText));
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::kAlreadyExists);
  EXPECT_THAT(taken.error().message, HasSubstr("pilot column 'corp' exists already"));

  Status no_values = s.AddColumn(Table::kPilot, Declared("rank", ColumnType::kEnum));
  ASSERT_FALSE(no_values.ok());
  EXPECT_THAT(no_values.error().message, HasSubstr("needs a list of values"));

  Status discord = s.AddColumn(Table::kPilot, Declared("alt_discord", ColumnType::kDiscordId));
  ASSERT_FALSE(discord.ok());
  EXPECT_EQ(discord.error().code, ErrorCode::kInvalidArgument);

  Column system = Declared("secret", ColumnType::kText);
  system.editor = Editor::kSystem;
  EXPECT_FALSE(s.AddColumn(Table::kPilot, system).ok());

  EXPECT_EQ(s.columns(Table::kPilot).size(), Schema::Core().columns(Table::kPilot).size());
}

TEST(SchemaTest, TheSameNameMayBeUsedInTheOtherTable) {
  Schema s = Schema::Core();
  EXPECT_TRUE(s.AddColumn(Table::kCorp, Declared("timezone", ColumnType::kText)).ok());
}

TEST(SchemaTest, FingerprintChangesWhenAColumnIsAdded) {
  const Schema core = Schema::Core();
  EXPECT_EQ(core.Fingerprint(), Schema::Core().Fingerprint());
  Schema pilot_extra = Schema::Core();
  ASSERT_TRUE(pilot_extra.AddColumn(Table::kPilot, Declared("kills", ColumnType::kInteger)).ok());
  Schema corp_extra = Schema::Core();
  ASSERT_TRUE(corp_extra.AddColumn(Table::kCorp, Declared("kills", ColumnType::kInteger)).ok());
  Schema text_extra = Schema::Core();
  ASSERT_TRUE(text_extra.AddColumn(Table::kPilot, Declared("kills", ColumnType::kText)).ok());
  EXPECT_NE(pilot_extra.Fingerprint(), core.Fingerprint());
  EXPECT_NE(corp_extra.Fingerprint(), core.Fingerprint());
  EXPECT_NE(pilot_extra.Fingerprint(), corp_extra.Fingerprint());
  EXPECT_NE(pilot_extra.Fingerprint(), text_extra.Fingerprint());
}

TEST(SchemaTest, FingerprintChangesWithEnumValues) {
  Schema a = Schema::Core(), b = Schema::Core();
  ASSERT_TRUE(a.AddColumn(Table::kPilot, Declared("rank", ColumnType::kEnum, {"A", "B"})).ok());
  ASSERT_TRUE(
      b.AddColumn(Table::kPilot, Declared("rank", ColumnType::kEnum, {"A", "B", "C"})).ok());
  EXPECT_NE(a.Fingerprint(), b.Fingerprint());
}

TEST(ValidateKeyTest, PilotNamesAreTrimmedPrintableTextOfUpTo37Characters) {
  for (const char* good : {"Kaelen Voss", "K", "Ærin Vøss", "x-1_[KRKN]"}) {
    EXPECT_TRUE(ValidateKey(Table::kPilot, good).ok()) << good;
  }
  EXPECT_TRUE(ValidateKey(Table::kPilot, std::string(37, 'a')).ok());
  for (std::string bad :
       {std::string(), std::string(38, 'a'), std::string(" Kaelen"), std::string("Kaelen "),
        std::string("Kaelen  Voss"), std::string("Kaelen\tVoss"), std::string("bad \xFF byte")}) {
    Status st = ValidateKey(Table::kPilot, bad);
    ASSERT_FALSE(st.ok()) << "'" << bad << "'";
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(st.error().message, HasSubstr("must be 1 to 37 characters"));
  }
}

TEST(ValidateKeyTest, TickersAreOneToFiveLettersDigitsDotsDashesOrUnderscores) {
  for (const char* good : {"KRKN", "A", "a.b-_", "12345"}) {
    EXPECT_TRUE(ValidateKey(Table::kCorp, good).ok()) << good;
  }
  for (const char* bad : {"", "KRAKEN", "K N", "KR/N", "ÆØ"}) {
    Status st = ValidateKey(Table::kCorp, bad);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_THAT(st.error().message, HasSubstr("must be 1 to 5 letters, digits"));
  }
}

TEST(SchemaTest, CaseInsensitiveHelpersFoldOnlyAscii) {
  EXPECT_TRUE(EqualsIgnoreCase("KRKN", "krkn"));
  EXPECT_FALSE(EqualsIgnoreCase("KRKN", "krk"));
  EXPECT_FALSE(EqualsIgnoreCase("Æ", "æ"));
  EXPECT_EQ(ToLower("Kaelen VOSS 42 Æ"), "kaelen voss 42 Æ");
}

TEST(SchemaTest, ColumnTypeNamesRoundTripForDeclarableTypes) {
  for (ColumnType t : {ColumnType::kText, ColumnType::kInteger, ColumnType::kEnum,
                       ColumnType::kDate, ColumnType::kPilotRef, ColumnType::kCorpRef}) {
    EXPECT_EQ(ParseColumnType(ColumnTypeName(t)), t);
  }
  // Only the core discord_id column has that type; config files cannot declare it.
  EXPECT_EQ(ParseColumnType("discord_id"), std::nullopt);
  EXPECT_EQ(ParseColumnType("float"), std::nullopt);
  EXPECT_EQ(TableName(Table::kPilot), "pilot");
  EXPECT_EQ(TableName(Table::kCorp), "corp");
}

TEST(SchemaTest, MalformedUtf8IsRejectedNotStoredAltered) {
  const Schema schema = Schema::Core();
  // An overlong NUL and an encoded surrogate: the JSON writer would replace
  // them, so the schema must refuse them rather than let a value change silently.
  for (const char* bad : {"Bad\xC0\x80Name", "Bad\xED\xA0\x80Name"}) {
    auto result = schema.Normalize(Table::kPilot, "notes", bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_NE(result.error().message.find("UTF-8"), std::string::npos);
    EXPECT_FALSE(ValidateKey(Table::kPilot, bad).ok());
  }
  EXPECT_TRUE(schema.Normalize(Table::kPilot, "notes", "Zhao Wen \xE8\xB5\xB5").ok());
}

}  // namespace
}  // namespace kraken
