// `kraken discord simulate`'s library half: interactions shaped as Discord
// sends them, checked by the real parser, and replies printed for people.

#include "src/serve/simulate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "src/crypto/ed25519.h"
#include "src/crypto/encoding.h"
#include "src/discord/interaction.h"
#include "src/discord/interactions.h"
#include "src/serve/reply_text.h"

namespace kraken::serve {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SimulateTest : public ::testing::Test {
 protected:
  Result<std::string> Build(const std::vector<std::string>& words, SimulateOptions options = {}) {
    return BuildInteraction(commands_, words, options);
  }
  Result<discord::Interaction> BuildAndParse(const std::vector<std::string>& words,
                                             SimulateOptions options = {}) {
    KRAKEN_ASSIGN_OR_RETURN(std::string body, Build(words, options));
    return discord::ParseInteraction(body);
  }

  Schema schema_ = Schema::Core();
  std::string commands_ = discord::CommandsJson(schema_);
};

TEST_F(SimulateTest, ACommandWithASubcommandAndOptionsParsesAsDiscordWouldSendIt) {
  SimulateOptions options;
  options.user.user_id = "410212090289192960";
  options.user.roles = {"1", "2"};
  options.interaction_id = "1390000000000000123";
  auto i =
      BuildAndParse({"pilot", "register", "name=Nyx Arden", "corp=KRKN", "clone=Omega"}, options);
  ASSERT_TRUE(i.ok()) << i.error().message;
  EXPECT_EQ(i->type, discord::kApplicationCommand);
  EXPECT_EQ(i->id, "1390000000000000123");
  EXPECT_EQ(i->user_id, "410212090289192960");
  EXPECT_THAT(i->roles, ElementsAre("1", "2"));
  EXPECT_EQ(i->guild_id, options.guild_id);
  EXPECT_FALSE(i->token.empty());
  EXPECT_THAT(i->path, ElementsAre("pilot", "register"));
  ASSERT_EQ(i->options.size(), 3u);
  EXPECT_EQ(i->Option("name")->string_value, "Nyx Arden");
  EXPECT_EQ(i->Option("clone")->type, 3);
}

TEST_F(SimulateTest, ASubcommandWithoutOptionsBuilds) {
  // `kraken discord simulate admin sync` crashed: a subcommand with no options
  // has no "options" member at all.
  for (const std::vector<std::string>& words :
       {std::vector<std::string>{"admin", "sync"}, {"admin", "conflicts"}, {"corp", "list"}}) {
    auto i = BuildAndParse(words);
    ASSERT_TRUE(i.ok()) << words[1] << ": " << i.error().message;
    EXPECT_EQ(i->path, words);
    EXPECT_TRUE(i->options.empty());
  }
  auto extra = Build({"admin", "sync", "now=yes"});
  ASSERT_FALSE(extra.ok());
  EXPECT_THAT(extra.error().message, HasSubstr("none"));
}

TEST_F(SimulateTest, AGroupNestsItsSubcommand) {
  auto i = BuildAndParse({"pilot", "alt", "add", "name=Voss Scout"});
  ASSERT_TRUE(i.ok()) << i.error().message;
  EXPECT_THAT(i->path, ElementsAre("pilot", "alt", "add"));
  auto body = Build({"pilot", "alt", "add", "name=Voss Scout"});
  EXPECT_THAT(*body, HasSubstr(R"("options":[{"name":"alt","options":[{"name":"add","options":[)"));
}

TEST_F(SimulateTest, ValuesTakeTheirDeclaredTypes) {
  auto body = Build({"admin", "history", "pilot", "name=Kaelen Voss", "last=5"});
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_THAT(*body, HasSubstr(R"({"name":"last","type":4,"value":5})"));
  body = Build({"roster", "public=true"});
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_THAT(*body, HasSubstr(R"({"name":"public","type":5,"value":true})"));
  body = Build({"pilot", "show", "user=<@!410212090289192960>"});
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_THAT(*body, HasSubstr(R"({"name":"user","type":6,"value":"410212090289192960"})"));
  EXPECT_THAT(*body, HasSubstr(R"("resolved":{"users":{"410212090289192960":{)"));
}

TEST_F(SimulateTest, MistakesSayWhatIsPossible) {
  auto body = Build({"teleport"});
  ASSERT_FALSE(body.ok());
  EXPECT_THAT(body.error().message, HasSubstr("pilot, corp, roster, admin"));
  body = Build({"pilot"});
  ASSERT_FALSE(body.ok());
  EXPECT_THAT(body.error().message, HasSubstr("/pilot needs a subcommand: register, set"));
  body = Build({"pilot", "fly"});
  ASSERT_FALSE(body.ok());
  EXPECT_THAT(body.error().message, HasSubstr("no subcommand 'fly'"));
  body = Build({"pilot", "register", "name=Nyx", "corp=KRKN", "ship=Frigate"});
  ASSERT_FALSE(body.ok());
  EXPECT_THAT(body.error().message,
              HasSubstr("no option 'ship'; its options are: name, corp, clone"));
  body = Build({"pilot", "register", "name=Nyx", "corp=KRKN"});
  ASSERT_FALSE(body.ok());
  EXPECT_THAT(body.error().message, HasSubstr("needs clone=..."));
  body = Build({"admin", "history", "pilot", "name=Nyx", "last=many"});
  ASSERT_FALSE(body.ok());
  EXPECT_THAT(body.error().message, HasSubstr("last must be a whole number"));
  body = Build({"roster", "KRKN"});
  ASSERT_FALSE(body.ok());
  EXPECT_THAT(body.error().message, HasSubstr("expected option=value"));
}

TEST_F(SimulateTest, AnAutocompleteFocusesTheLastOptionAndMayLeaveRequiredOnesOut) {
  SimulateOptions options;
  options.autocomplete = true;
  auto i = BuildAndParse({"pilot", "register", "corp=KR"}, options);
  ASSERT_TRUE(i.ok()) << i.error().message;
  EXPECT_EQ(i->type, discord::kAutocomplete);
  ASSERT_NE(i->Focused(), nullptr);
  EXPECT_EQ(i->Focused()->name, "corp");
  EXPECT_EQ(i->Focused()->string_value, "KR");
}

TEST_F(SimulateTest, APingIsTypeOne) {
  SimulateOptions options;
  options.ping = true;
  auto i = BuildAndParse({}, options);
  ASSERT_TRUE(i.ok()) << i.error().message;
  EXPECT_EQ(i->type, discord::kPing);
}

TEST_F(SimulateTest, FreshInteractionIdsAreDistinctSnowflakes) {
  const std::string a = NewSnowflake(), b = NewSnowflake();
  EXPECT_NE(a, b);
  EXPECT_GE(a.size(), 18u);
  EXPECT_EQ(a.find_first_not_of("0123456789"), std::string::npos);
}

TEST_F(SimulateTest, TheSignatureCoversTheTimestampAndTheBody) {
  auto key = crypto::GenerateEd25519KeyPair();
  auto signed_request = SignInteraction(R"({"type":1})", key->seed, 1700000000);
  ASSERT_TRUE(signed_request.ok());
  EXPECT_EQ(signed_request->timestamp, "1700000000");
  auto verifier = crypto::Ed25519Verifier::FromRaw(key->public_key);
  EXPECT_TRUE(
      verifier->VerifyDiscord(signed_request->signature_hex, "1700000000", R"({"type":1})"));
  EXPECT_FALSE(
      verifier->VerifyDiscord(signed_request->signature_hex, "1700000001", R"({"type":1})"));
}

TEST_F(SimulateTest, TheReferenceVectorIsReproduced) {
  // discord-api.md section 1: RFC 8032 T1 key, timestamp 1700000000, body {"type":1}.
  auto seed = crypto::HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  auto signed_request = SignInteraction(R"({"type":1})", *seed, 1700000000);
  ASSERT_TRUE(signed_request.ok());
  EXPECT_EQ(signed_request->signature_hex,
            "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7e"
            "df7f08604da16f54624f38a6bc0614e4dc13cd47f0f");
}

TEST(FormatReplyTest, AnEphemeralEmbedReadsAsText) {
  const std::string text = FormatReply(
      200, R"({"type":4,"data":{"flags":64,"content":"Saved.","embeds":[{"title":"Nyx Arden",)"
           R"("description":"registered","fields":[{"name":"corp","value":"KRKN","inline":true},)"
           R"({"name":"alts","value":"A\nB"}],"footer":{"text":"event 12"}}]}})");
  EXPECT_EQ(text,
            "(only you can see this)\nSaved.\n== Nyx Arden ==\nregistered\n  corp: KRKN\n"
            "  alts: A\n    B\n-- event 12\n");
}

TEST(FormatReplyTest, DeferralsChoicesPongAndRefusalsAreSaidInWords) {
  EXPECT_THAT(FormatReply(200, R"({"type":5,"data":{"flags":64}})"), HasSubstr("deferred"));
  EXPECT_EQ(FormatReply(200, R"({"type":1})"), "PONG\n");
  EXPECT_EQ(FormatReply(200, R"({"type":8,"data":{"choices":[{"name":"KRKN","value":"KRKN"},)"
                             R"j({"name":"Kaelen Voss (main)","value":"Kaelen Voss"}]}})j"),
            "suggestions:\n  KRKN\n  Kaelen Voss (main) (Kaelen Voss)\n");
  EXPECT_EQ(FormatReply(401, R"({"error":"invalid request signature"})"),
            "HTTP 401: invalid request signature\n");
  EXPECT_EQ(FormatReply(200, R"({"type":4,"data":{"content":"public"}})"), "public\n");
}

}  // namespace
}  // namespace kraken::serve
