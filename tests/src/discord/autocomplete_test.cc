// Autocomplete (type 4 -> callback type 8): pilot names, corp tickers, field
// values from the schema; ranked, case-insensitive, at most 25.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/discord/handlers.h"
#include "src/discord/interactions.h"
#include "tests/src/discord/discord_test_support.h"

namespace kraken::discord {
namespace {

using kraken::testing::kKaelenDiscord;
using kraken::testing::kRynDiscord;
using testing::AdminMember;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::kNewcomer;
using testing::Member;
using ::testing::Pair;
using testing::ParseChoices;
using testing::Str;

constexpr int kAutocompleteType = 4;
constexpr bool kFocused = true;

class AutocompleteTest : public ::testing::Test {
 protected:
  // The values suggested for `path` with `options` (one of them focused).
  std::vector<std::string> Values(const testing::Who& who, std::string_view path,
                                  const std::vector<std::string>& options) {
    const Reply reply = f_.Run(who, path, options, kAutocompleteType);
    EXPECT_EQ(reply.type, 8);
    EXPECT_EQ(reply.command, "autocomplete");
    std::vector<std::string> out;
    for (const auto& [name, value] : ParseChoices(reply.data)) out.push_back(value);
    return out;
  }

  testing::DiscordFixture f_;
};

TEST(RankTest, ExactThenPrefixThenWordThenSubstringEachAlphabetical) {
  std::vector<AutocompleteChoice> candidates;
  for (std::string_view n :
       {"Ryn Calder", "Calder Miner", "Old Calderon", "Decalder", "calder", "Marek Halden"}) {
    candidates.push_back({std::string(n), std::string(n)});
  }
  std::vector<std::string> ranked;
  for (const auto& c : Rank(candidates, "CALDER")) ranked.push_back(c.value);
  EXPECT_THAT(ranked,
              ElementsAre("calder", "Calder Miner", "Old Calderon", "Ryn Calder", "Decalder"));
  EXPECT_EQ(Rank(candidates, "").size(), candidates.size());
  EXPECT_THAT(Rank(candidates, "zzz"), IsEmpty());
}

TEST_F(AutocompleteTest, PilotNamesMatchIgnoringCaseBestFirst) {
  EXPECT_THAT(Values(Member(kRynDiscord), "pilot show", {Str("name", "kae", kFocused)}),
              ElementsAre("Kaelen Voss"));
  EXPECT_THAT(Values(Member(kRynDiscord), "pilot show", {Str("name", "VOSS", kFocused)}),
              ElementsAre("Voss Hauler", "Kaelen Voss"));
  const Reply reply = f_.Run(Member(kRynDiscord), "pilot show", {Str("name", "marek", kFocused)},
                             kAutocompleteType);
  EXPECT_THAT(ParseChoices(reply.data), ElementsAre(Pair("Marek Halden (BLKWT)", "Marek Halden")));
}

TEST_F(AutocompleteTest, NeverMoreThanTwentyFiveChoices) {
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(f_.service()
                    .RegisterPilot(kraken::testing::Admin(), fmt::format("Scout {:02}", i),
                                   {{"corp", "KRKN"}})
                    .ok());
  }
  const auto all = Values(Member(kRynDiscord), "pilot show", {Str("name", "", kFocused)});
  EXPECT_EQ(all.size(), 25u);
  const auto scouts = Values(Member(kRynDiscord), "pilot show", {Str("name", "scout", kFocused)});
  ASSERT_EQ(scouts.size(), 25u);
  EXPECT_EQ(scouts.front(), "Scout 00");
  EXPECT_EQ(scouts.back(), "Scout 24");
}

TEST_F(AutocompleteTest, CorpTickersMatchByTickerOrName) {
  EXPECT_THAT(Values(Member(kRynDiscord), "roster", {Str("corp", "bl", kFocused)}),
              ElementsAre("BLKWT"));
  EXPECT_THAT(Values(Member(kRynDiscord), "corp show", {Str("ticker", "kraken", kFocused)}),
              ElementsAre("KRKN"));
}

TEST_F(AutocompleteTest, FieldValuesComeFromTheChosenFieldsColumn) {
  EXPECT_THAT(
      Values(Member(kRynDiscord), "pilot set", {Str("field", "clone"), Str("value", "", kFocused)}),
      ElementsAre("Alpha", "Omega"));
  EXPECT_THAT(Values(Member(kRynDiscord), "pilot set",
                     {Str("field", "clone"), Str("value", "om", kFocused)}),
              ElementsAre("Omega"));
  EXPECT_THAT(Values(Member(kRynDiscord), "pilot set",
                     {Str("field", "corp"), Str("value", "kr", kFocused)}),
              ElementsAre("KRKN"));
  EXPECT_THAT(Values(Member(kRynDiscord), "pilot set",
                     {Str("field", "notes"), Str("value", "x", kFocused)}),
              IsEmpty());
  EXPECT_THAT(Values(AdminMember(kRynDiscord), "admin set corp",
                     {Str("ticker", "KRKN"), Str("field", "status"), Str("value", "", kFocused)}),
              ElementsAre("blue", "former", "member"));
}

TEST_F(AutocompleteTest, OwnPilotOptionsSuggestOnlyTheCallersPilots) {
  EXPECT_THAT(Values(Member(kKaelenDiscord), "pilot set",
                     {Str("field", "clone"), Str("pilot", "", kFocused)}),
              ElementsAre("Kaelen Voss", "Voss Hauler"));
  EXPECT_THAT(Values(Member(kNewcomer), "pilot alt remove", {Str("name", "", kFocused)}),
              IsEmpty());
  // Registering suggests the pilots nobody has claimed yet.
  EXPECT_THAT(Values(Member(kNewcomer), "pilot register", {Str("name", "", kFocused)}),
              ElementsAre("Marek Halden"));
}

TEST_F(AutocompleteTest, AdminOptionsSuggestNothingToNonAdmins) {
  EXPECT_THAT(Values(Member(kRynDiscord), "admin set pilot", {Str("name", "k", kFocused)}),
              IsEmpty());
  EXPECT_THAT(Values(AdminMember(kRynDiscord), "admin set pilot", {Str("name", "k", kFocused)}),
              ElementsAre("Kaelen Voss", "Marek Halden"));
}

TEST_F(AutocompleteTest, AnUnknownCommandOrOptionSuggestsNothing) {
  EXPECT_THAT(Values(Member(kRynDiscord), "fly", {Str("to", "x", kFocused)}), IsEmpty());
  EXPECT_THAT(Values(Member(kRynDiscord), "pilot show", {Str("colour", "x", kFocused)}), IsEmpty());
}

}  // namespace
}  // namespace kraken::discord
