// Parsing interaction bodies: the reference's real shapes, and bodies that are
// not interactions at all.

#include "src/discord/interaction.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/src/discord/discord_test_support.h"

namespace kraken::discord {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The reference's example, verbatim but for the token.
constexpr std::string_view kRegisterExample =
    R"({"app_permissions":"2248473465835073","application_id":"1380486651436073092","attachment_size_limit":10485760,
 "authorizing_integration_owners":{"0":"1380488052169769110"},
 "channel":{"id":"1380488052169769113","guild_id":"1380488052169769110","name":"fleet-ops","type":0,"permissions":"2251799813685247"},
 "channel_id":"1380488052169769113","context":0,
 "data":{"id":"1390000000000000001","name":"pilot","type":1,
   "options":[{"name":"register","type":1,"options":[
     {"name":"character","type":3,"value":"Kaelen Voss"},
     {"name":"skill_points","type":4,"value":4200000}]}]},
 "entitlements":[],"guild":{"id":"1380488052169769110","locale":"en-US","features":[]},
 "guild_id":"1380488052169769110","guild_locale":"en-US","id":"1390000000000000123","locale":"en-GB",
 "member":{"user":{"id":"410212090289192960","username":"kvoss","global_name":"Kaelen","discriminator":"0","avatar":null,"public_flags":0},
   "roles":["1380490000000000001","1380490000000000002"],"permissions":"2248473465835073","nick":null,
   "joined_at":"2025-06-06T10:06:39.888000+00:00","deaf":false,"mute":false,"flags":0,"pending":false},
 "token":"opaque-token","type":2,"version":1})";

TEST(InteractionTest, AGuildCommandNamesTheMemberTheirRolesAndTheSubcommandsOptions) {
  auto parsed = ParseInteraction(kRegisterExample);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->type, kApplicationCommand);
  EXPECT_EQ(parsed->id, "1390000000000000123");
  EXPECT_EQ(parsed->token, "opaque-token");
  EXPECT_EQ(parsed->application_id, "1380486651436073092");
  EXPECT_EQ(parsed->guild_id, "1380488052169769110");
  EXPECT_EQ(parsed->user_id, "410212090289192960");
  EXPECT_THAT(parsed->roles, ElementsAre("1380490000000000001", "1380490000000000002"));
  EXPECT_THAT(parsed->path, ElementsAre("pilot", "register"));
  ASSERT_EQ(parsed->options.size(), 2u);
  const OptionValue* name = parsed->Option("character");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->kind, OptionValue::Kind::kString);
  EXPECT_EQ(name->string_value, "Kaelen Voss");
  const OptionValue* sp = parsed->Option("skill_points");
  ASSERT_NE(sp, nullptr);
  EXPECT_EQ(sp->kind, OptionValue::Kind::kInteger);
  EXPECT_EQ(sp->int_value, 4200000);
}

TEST(InteractionTest, ADirectMessageNamesTheUserAndHasNoRoles) {
  const std::string body =
      testing::Body("1390000000000000999", testing::DmUser("155670462648394832"), "pilot set",
                    {testing::Str("field", "clone")});
  auto parsed = ParseInteraction(body);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->user_id, "155670462648394832");
  EXPECT_TRUE(parsed->roles.empty());
  EXPECT_TRUE(parsed->guild_id.empty());
}

TEST(InteractionTest, OptionsNestedInAGroupAndSubcommandAreTheLeaves) {
  const std::string body =
      testing::Body("1", testing::Member("2"), "admin history pilot",
                    {testing::Str("name", "Kaelen Voss"), testing::Int("last", 5)});
  auto parsed = ParseInteraction(body);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_THAT(parsed->path, ElementsAre("admin", "history", "pilot"));
  EXPECT_EQ(parsed->PathString(), "admin history pilot");
  ASSERT_NE(parsed->Option("last"), nullptr);
  EXPECT_EQ(parsed->Option("last")->int_value, 5);
}

TEST(InteractionTest, ASubcommandWithoutOptionsHasAnEmptyOptionList) {
  auto parsed = ParseInteraction(
      R"({"id":"7","type":2,"user":{"id":"55555"},"data":{"name":"admin","type":1,)"
      R"("options":[{"name":"sync","type":1}]}})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_THAT(parsed->path, ElementsAre("admin", "sync"));
  EXPECT_TRUE(parsed->options.empty());
}

TEST(InteractionTest, TheReferenceAutocompleteMarksTheFocusedOption) {
  auto parsed = ParseInteraction(
      R"({"id":"1390000000000000456","application_id":"1380486651436073092","type":4,"token":"<opaque>","version":1,
 "guild_id":"1380488052169769110","channel_id":"1380488052169769113","context":0,"locale":"en-US",
 "member":{"user":{"id":"410212090289192960","username":"kvoss","global_name":"Kaelen"},"roles":[],"permissions":"2248473465835073"},
 "data":{"id":"1390000000000000001","name":"pilot","type":1,"version":"1390000000000000002",
   "options":[{"name":"info","type":1,"options":[{"name":"character","type":3,"value":"Kae","focused":true}]}]}})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->type, kAutocomplete);
  ASSERT_NE(parsed->Focused(), nullptr);
  EXPECT_EQ(parsed->Focused()->name, "character");
  EXPECT_EQ(parsed->Focused()->string_value, "Kae");
}

TEST(InteractionTest, APingNeedsNoData) {
  auto parsed = ParseInteraction(R"({"id":"1","type":1,"application_id":"2","token":"t"})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->type, kPing);
}

TEST(InteractionTest, BodiesThatAreNotInteractionsAreRejectedWithAReason) {
  struct Case {
    std::string_view body, why;
  };
  const Case cases[] = {
      {"", "not JSON"},
      {"{\"type\":2,", "not JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"id":"1"})", "type"},
      {R"({"id":"1","type":"2"})", "type"},
      {R"({"type":2,"data":{"name":"pilot"}})", "id"},
      {R"({"id":"1","type":2})", "data"},
      {R"({"id":"1","type":2,"data":{"type":1}})", "data.name"},
      {R"({"id":"1","type":2,"data":{"name":"pilot","options":{}}})", "options"},
      {R"({"id":"1","type":2,"data":{"name":"pilot","options":[{"type":3,"value":"x"}]}})",
       "no name"},
      {R"({"id":"1","type":2,"data":{"name":"x","options":[{"name":"a","type":3,"value":[1]}]}})",
       "not a string, number or boolean"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseInteraction(c.body);
    ASSERT_FALSE(parsed.ok()) << c.body;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(parsed.error().message, HasSubstr(c.why)) << c.body;
  }
}

}  // namespace
}  // namespace kraken::discord
