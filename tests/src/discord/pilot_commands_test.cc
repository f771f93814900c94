// /pilot commands end to end: interaction bodies as Discord sends them, through
// InteractionHandler, into a real log; what is appended and what is answered.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "src/discord/interactions.h"
#include "src/discord/reply.h"
#include "tests/src/discord/discord_test_support.h"

namespace kraken::discord {
namespace {

using kraken::testing::kKaelenDiscord;
using kraken::testing::kRynDiscord;
using kraken::testing::TypesOf;
using testing::Body;
using testing::DmUser;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using testing::kNewcomer;
using testing::Member;
using testing::ParseMessage;
using testing::RawOption;
using testing::Str;

constexpr std::string_view kColumns = R"(
[[pilot.columns]]
name = "joined"
type = "date"
editable_by = "admin"

[[pilot.columns]]
name = "bio"
type = "text"
editable_by = "self"
max_length = 20000
)";

class PilotCommandsTest : public ::testing::Test {
 protected:
  PilotCommandsTest() : f_(kraken::testing::SchemaFromToml(kColumns)) {}

  std::optional<std::string> Pilot(std::string_view name, std::string_view column) {
    return f_.roster().Get(Table::kPilot, name, column);
  }
  // Expects an ephemeral message with `outcome`, and no events since `head`;
  // returns its text.
  std::string ExpectRefused(const Reply& reply, std::string_view outcome, std::uint64_t head) {
    EXPECT_EQ(reply.http_status, 200);
    EXPECT_EQ(reply.type, 4);
    EXPECT_EQ(reply.outcome, outcome);
    EXPECT_EQ(f_.Head(), head) << "a refused command appended events";
    const auto view = ParseMessage(reply.data);
    EXPECT_EQ(view.flags, kFlagEphemeral);
    EXPECT_TRUE(view.mentions_none);
    return view.Text();
  }

  testing::DiscordFixture f_;
};

TEST_F(PilotCommandsTest, APingIsAnsweredWithAPong) {
  const Reply reply = f_.RunBody(
      R"({"app_permissions":"0","application_id":"1380486651436073092","entitlements":[],)"
      R"("id":"1390000000000000001","token":"tok","type":1,)"
      R"("user":{"id":"643945264868098049","username":"discord","system":true},"version":1})");
  EXPECT_EQ(reply.http_status, 200);
  EXPECT_EQ(reply.type, 1);
  EXPECT_EQ(reply.command, "ping");
  EXPECT_EQ(reply.Body(), R"({"type":1})");
}

TEST_F(PilotCommandsTest, RegisteringANewPilotLinksItToTheCallerDurablyBeforeTheReply) {
  const auto head = f_.Head();
  const Reply reply =
      f_.Run(Member(kNewcomer), "pilot register",
             {Str("name", "Nyx Marlowe"), Str("corp", "krkn"), Str("clone", "omega")});
  EXPECT_EQ(reply.outcome, "ok");
  EXPECT_EQ(reply.command, "pilot register");
  const auto events = f_.EventsAfter(head);
  ASSERT_THAT(TypesOf(events), ElementsAre("PilotRegistered", "PilotLinkedToDiscord"));
  for (const Event& e : events) {
    EXPECT_EQ(e.stream, "pilot/Nyx Marlowe");
    EXPECT_EQ(e.source, Source::kDiscord);
    EXPECT_EQ(e.actor, kNewcomer);
    EXPECT_EQ(e.idempotency_key, reply.interaction_id);
  }
  EXPECT_EQ(Pilot("Nyx Marlowe", "discord_id"), kNewcomer);
  EXPECT_EQ(Pilot("Nyx Marlowe", "corp"), "KRKN");
  EXPECT_EQ(Pilot("Nyx Marlowe", "clone"), "Omega");
  const auto view = ParseMessage(reply.data);
  EXPECT_EQ(view.flags, kFlagEphemeral);
  EXPECT_TRUE(view.mentions_none);
  ASSERT_EQ(view.embeds.size(), 1u);
  EXPECT_EQ(view.embeds[0].title, "Pilot registered");
  EXPECT_THAT(view.embeds[0].description, HasSubstr("Nyx Marlowe"));
  EXPECT_EQ(view.embeds[0].footer, fmt::format("Recorded as events {}-{}", head + 1, head + 2));
}

TEST_F(PilotCommandsTest, RegisteringAnUnlinkedNameClaimsTheExistingRowIgnoringCase) {
  const auto head = f_.Head();
  const Reply reply =
      f_.Run(Member(kNewcomer), "pilot register",
             {Str("name", "marek halden"), Str("corp", "BLKWT"), Str("clone", "Alpha")});
  EXPECT_EQ(reply.outcome, "ok") << reply.data;
  const auto events = f_.EventsAfter(head);
  ASSERT_THAT(TypesOf(events), ElementsAre("PilotLinkedToDiscord", "PilotFieldsChanged"));
  EXPECT_EQ(events[0].stream, "pilot/Marek Halden");
  EXPECT_EQ(std::get<PilotLinkedToDiscord>(events[0].payload).user_id, kNewcomer);
  EXPECT_EQ(std::get<PilotFieldsChanged>(events[1].payload).changes, (Fields{{"clone", "Alpha"}}));
  EXPECT_EQ(events[1].actor, kNewcomer);
  EXPECT_EQ(Pilot("Marek Halden", "discord_id"), kNewcomer);
  EXPECT_EQ(Pilot("marek halden", "clone"), "Alpha");
  EXPECT_EQ(ParseMessage(reply.data).embeds.at(0).title, "Pilot linked");
}

TEST_F(PilotCommandsTest, APilotLinkedToSomeoneElseCannotBeClaimed) {
  const auto head = f_.Head();
  for (std::string_view name : {"Kaelen Voss", "voss hauler"}) {  // a main, and its alt
    const std::string text =
        ExpectRefused(f_.Run(Member(kNewcomer), "pilot register",
                             {Str("name", name), Str("corp", "KRKN"), Str("clone", "Omega")}),
                      "denied", head);
    EXPECT_THAT(text, HasSubstr("linked to another Discord account already"));
  }
}

TEST_F(PilotCommandsTest, SettingCloneAndCorpOfYourPilotRecordsADiscordEventByYou) {
  const auto head = f_.Head();
  const Reply clone =
      f_.Run(Member(kRynDiscord), "pilot set", {Str("field", "clone"), Str("value", "alpha")});
  EXPECT_EQ(clone.outcome, "ok") << clone.data;
  const Reply corp =
      f_.Run(Member(kRynDiscord), "pilot set", {Str("field", "corp"), Str("value", "blkwt")});
  EXPECT_EQ(corp.outcome, "ok") << corp.data;
  const auto events = f_.EventsAfter(head);
  ASSERT_THAT(TypesOf(events), ElementsAre("PilotFieldsChanged", "PilotFieldsChanged"));
  EXPECT_EQ(std::get<PilotFieldsChanged>(events[0].payload).changes, (Fields{{"clone", "Alpha"}}));
  EXPECT_EQ(std::get<PilotFieldsChanged>(events[1].payload).changes, (Fields{{"corp", "BLKWT"}}));
  for (const Event& e : events) {
    EXPECT_EQ(e.stream, "pilot/Ryn Calder");
    EXPECT_EQ(e.source, Source::kDiscord);
    EXPECT_EQ(e.actor, kRynDiscord);
  }
  const auto view = ParseMessage(clone.data);
  EXPECT_EQ(view.embeds.at(0).title, "Pilot updated");
  EXPECT_THAT(view.embeds[0].description, HasSubstr("clone \xE2\x86\x92 Alpha"));
  EXPECT_EQ(view.embeds[0].footer, fmt::format("Recorded as event {}", head + 1));
}

TEST_F(PilotCommandsTest, InADirectMessageTheUserIsTheActor) {
  const auto head = f_.Head();
  const Reply reply = f_.Run(DmUser(kKaelenDiscord), "pilot set",
                             {Str("field", "timezone"), Str("value", "UTC+2")});
  EXPECT_EQ(reply.outcome, "ok") << reply.data;
  const auto events = f_.EventsAfter(head);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].stream, "pilot/Kaelen Voss");
  EXPECT_EQ(events[0].actor, kKaelenDiscord);
  EXPECT_EQ(Pilot("Kaelen Voss", "timezone"), "UTC+2");
}

TEST_F(PilotCommandsTest, ThePilotOptionPicksOneOfYourAlts) {
  const Reply reply =
      f_.Run(Member(kKaelenDiscord), "pilot set",
             {Str("field", "clone"), Str("value", "Omega"), Str("pilot", "voss hauler")});
  EXPECT_EQ(reply.outcome, "ok") << reply.data;
  EXPECT_EQ(Pilot("Voss Hauler", "clone"), "Omega");
}

TEST_F(PilotCommandsTest, LeavingTheValueOutClearsTheField) {
  const Reply reply = f_.Run(Member(kRynDiscord), "pilot set", {Str("field", "notes")});
  EXPECT_EQ(reply.outcome, "ok") << reply.data;
  EXPECT_EQ(Pilot("Ryn Calder", "notes"), "");
}

TEST_F(PilotCommandsTest, AMemberCannotChangeSomeoneElsesPilot) {
  const auto head = f_.Head();
  const std::string text = ExpectRefused(
      f_.Run(Member(kRynDiscord), "pilot set",
             {Str("field", "notes"), Str("value", "mine now"), Str("pilot", "Kaelen Voss")}),
      "denied", head);
  EXPECT_THAT(text, HasSubstr("You may only change your own pilots and alts, not 'Kaelen Voss'"));
  EXPECT_EQ(Pilot("Kaelen Voss", "notes"), "");
}

TEST_F(PilotCommandsTest, AMemberCannotSetAnAdminOnlyFieldAndIsToldWhichTheyMay) {
  const auto head = f_.Head();
  for (std::string_view field : {"joined", "discord_id", "main"}) {
    const std::string text =
        ExpectRefused(f_.Run(Member(kKaelenDiscord), "pilot set",
                             {Str("field", field), Str("value", "2026-01-01")}),
                      "denied", head);
    EXPECT_THAT(text, HasSubstr("Only admins may change a pilot's " + std::string(field)));
    EXPECT_THAT(text, HasSubstr("you may set: corp, clone, timezone, notes, bio"));
  }
  const std::string text = ExpectRefused(
      f_.Run(Member(kKaelenDiscord), "pilot set", {Str("field", "shoe_size"), Str("value", "9")}),
      "invalid", head);
  EXPECT_THAT(text, HasSubstr("no pilot field 'shoe_size'"));
}

TEST_F(PilotCommandsTest, AnInvalidValueSaysWhatIsAllowed) {
  const std::string text = ExpectRefused(
      f_.Run(Member(kRynDiscord), "pilot set", {Str("field", "clone"), Str("value", "Alfa")}),
      "invalid", f_.Head());
  EXPECT_THAT(text, HasSubstr("Clone must be one of Alpha, Omega, not 'Alfa'"));
  const std::string corp = ExpectRefused(
      f_.Run(Member(kRynDiscord), "pilot set", {Str("field", "corp"), Str("value", "KRK")}),
      "not_found", f_.Head());
  EXPECT_THAT(corp, HasSubstr("did you mean 'KRKN'?"));
}

TEST_F(PilotCommandsTest, WithoutALinkedPilotTheCallerIsToldToRegister) {
  const std::string text = ExpectRefused(
      f_.Run(Member(kNewcomer), "pilot set", {Str("field", "clone"), Str("value", "Alpha")}),
      "not_found", f_.Head());
  EXPECT_THAT(text, HasSubstr("/pilot register"));
}

TEST_F(PilotCommandsTest, ARedeliveredInteractionAppendsNothingAndGetsTheSameAnswer) {
  struct Case {
    testing::Who who;
    std::string path;
    std::vector<std::string> options;
  };
  const Case cases[] = {
      {Member(kRynDiscord), "pilot set", {Str("field", "clone"), Str("value", "Alpha")}},
      {Member(kNewcomer),
       "pilot register",
       {Str("name", "Nyx Marlowe"), Str("corp", "KRKN"), Str("clone", "Alpha")}},
      {Member(kRynDiscord), "pilot alt add", {Str("name", "Ryn Scout")}},
  };
  for (const auto& [who, path, options] : cases) {
    const std::string body = Body(f_.NextId(), who, path, options);
    const Reply first = f_.RunBody(body);
    ASSERT_EQ(first.outcome, "ok") << path << ": " << first.data;
    const auto head = f_.Head();
    const Reply again = f_.RunBody(body);
    EXPECT_EQ(f_.Head(), head) << path << ": the redelivery appended events";
    EXPECT_EQ(again.outcome, "duplicate") << path;
    EXPECT_EQ(again.type, first.type);
    EXPECT_EQ(again.data, first.data) << path;
  }
}

TEST_F(PilotCommandsTest, AWrongOptionTypeIsAnEphemeralErrorAndAppendsNothing) {
  const auto head = f_.Head();
  const std::string text =
      ExpectRefused(f_.Run(Member(kRynDiscord), "pilot set",
                           {Str("field", "notes"), RawOption("value", 4, "42")}),
                    "invalid", head);
  EXPECT_THAT(text, HasSubstr("The value option of /pilot set must be text; nothing was changed"));
  ExpectRefused(
      f_.Run(Member(kRynDiscord), "pilot set", {RawOption("field", 3, "true"), Str("value", "x")}),
      "invalid", head);
  ExpectRefused(
      f_.Run(Member(kRynDiscord), "pilot set", {Str("field", "notes"), Str("colour", "x")}),
      "invalid", head);
  ExpectRefused(f_.Run(Member(kRynDiscord), "pilot register", {Str("name", "Nyx Marlowe")}),
                "invalid", head);  // corp and clone are required
}

TEST_F(PilotCommandsTest, AnUnknownCommandGetsAPoliteEphemeralReply) {
  for (std::string_view path : {"fly", "pilot fly", "pilot"}) {
    const Reply reply = f_.Run(Member(kRynDiscord), path, {});
    const std::string text = ExpectRefused(reply, "not_found", f_.Head());
    EXPECT_THAT(text, HasSubstr("does not know /" + std::string(path)));
  }
}

TEST_F(PilotCommandsTest, ABodyThatIsNotAnInteractionIsA400WithAJsonError) {
  for (std::string_view body : {"{nope", "", "{\"hello\":1}", "[]"}) {
    const Reply reply = f_.RunBody(body);
    EXPECT_EQ(reply.http_status, 400) << body;
    const std::string text = reply.Body();
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << text;
    std::string_view error;
    EXPECT_EQ(doc["error"].get(error), simdjson::SUCCESS) << text;
    EXPECT_FALSE(error.empty());
  }
}

TEST_F(PilotCommandsTest, AltAddRegistersANewAltInItsMainsCorp) {
  const auto head = f_.Head();
  const Reply reply = f_.Run(Member(kRynDiscord), "pilot alt add",
                             {Str("name", "Ryn Scout"), Str("clone", "Alpha")});
  EXPECT_EQ(reply.outcome, "ok") << reply.data;
  const auto events = f_.EventsAfter(head);
  ASSERT_THAT(TypesOf(events), ElementsAre("PilotRegistered", "AltLinked"));
  EXPECT_EQ(std::get<PilotRegistered>(events[0].payload).fields,
            (Fields{{"clone", "Alpha"}, {"corp", "KRKN"}}));
  EXPECT_EQ(std::get<AltLinked>(events[1].payload).main, "Ryn Calder");
  EXPECT_EQ(events[1].actor, kRynDiscord);
  EXPECT_EQ(ParseMessage(reply.data).embeds.at(0).title, "Alt added");
}

TEST_F(PilotCommandsTest, AltAddClaimsAnUnlinkedPilotButNotSomeoneElses) {
  const auto head = f_.Head();
  const Reply reply = f_.Run(Member(kRynDiscord), "pilot alt add", {Str("name", "marek halden")});
  EXPECT_EQ(reply.outcome, "ok") << reply.data;
  const auto events = f_.EventsAfter(head);
  ASSERT_THAT(TypesOf(events), ElementsAre("AltLinked"));
  EXPECT_EQ(events[0].stream, "pilot/Marek Halden");
  EXPECT_EQ(Pilot("Marek Halden", "main"), "Ryn Calder");

  const auto after = f_.Head();
  const std::string text = ExpectRefused(
      f_.Run(Member(kRynDiscord), "pilot alt add", {Str("name", "Voss Hauler")}), "denied", after);
  EXPECT_THAT(text, HasSubstr("another Discord account"));
}

TEST_F(PilotCommandsTest, AltRemoveUnlinksYourOwnAltsOnly) {
  const auto head = f_.Head();
  ExpectRefused(f_.Run(Member(kRynDiscord), "pilot alt remove", {Str("name", "Voss Hauler")}),
                "denied", head);
  const Reply reply =
      f_.Run(Member(kRynDiscord), "pilot alt remove", {Str("name", "Calder Miner")});
  EXPECT_EQ(reply.outcome, "ok") << reply.data;
  EXPECT_THAT(TypesOf(f_.EventsAfter(head)), ElementsAre("AltUnlinked"));
  EXPECT_EQ(Pilot("Calder Miner", "main"), "");
}

TEST_F(PilotCommandsTest, ShowListsAPilotWithItsAlts) {
  const auto mine = ParseMessage(f_.Run(Member(kKaelenDiscord), "pilot show", {}).data);
  ASSERT_EQ(mine.embeds.size(), 1u);
  EXPECT_EQ(mine.embeds[0].title, "Kaelen Voss");
  EXPECT_THAT(mine.Text(), HasSubstr("Voss Hauler (KRKN, Alpha)"));
  EXPECT_THAT(mine.Text(), HasSubstr(fmt::format("<@{}>", kKaelenDiscord)));
  EXPECT_EQ(mine.flags, kFlagEphemeral);

  const auto theirs =
      ParseMessage(f_.Run(Member(kKaelenDiscord), "pilot show",
                          {testing::User("user", kRynDiscord), testing::Bool("public", true)})
                       .data);
  ASSERT_EQ(theirs.embeds.size(), 1u);
  EXPECT_EQ(theirs.embeds[0].title, "Ryn Calder");
  EXPECT_EQ(theirs.flags, 0) << "public: shown to the channel";

  const auto named = ParseMessage(
      f_.Run(Member(kKaelenDiscord), "pilot show", {Str("name", "marek halden")}).data);
  EXPECT_EQ(named.embeds.at(0).title, "Marek Halden");
}

TEST_F(PilotCommandsTest, HugeTextIsCutToDiscordsLimitsAsValidUtf8) {
  std::string bio;
  for (int i = 0; i < 1150; ++i) bio += "a\xC3\xA9\xE8\xAA\x9E\xF0\x9F\x98\x80";  // aé語😀
  const Reply set =
      f_.Run(Member(kKaelenDiscord), "pilot set", {Str("field", "bio"), Str("value", bio)});
  ASSERT_EQ(set.outcome, "ok") << set.data.substr(0, 300);
  EXPECT_EQ(Pilot("Kaelen Voss", "bio"), bio) << "stored whole; only the reply is cut";
  for (const Reply& reply : {set, f_.Run(Member(kKaelenDiscord), "pilot show", {})}) {
    const auto view = ParseMessage(reply.data);  // parses: valid JSON, valid UTF-8
    ASSERT_EQ(view.embeds.size(), 1u);
    std::size_t total = DiscordLength(view.embeds[0].title) +
                        DiscordLength(view.embeds[0].description) +
                        DiscordLength(view.embeds[0].footer);
    EXPECT_LE(DiscordLength(view.embeds[0].description), kMaxDescription);
    for (const auto& [name, value] : view.embeds[0].fields) {
      EXPECT_LE(DiscordLength(value), kMaxFieldValue);
      total += DiscordLength(name) + DiscordLength(value);
      if (name == "bio") {
        EXPECT_THAT(value, EndsWith("\xE2\x80\xA6"));
      }
    }
    EXPECT_LE(total, kMaxEmbedTotal);
    EXPECT_THAT(reply.data, ::testing::Not(HasSubstr("\xEF\xBF\xBD")));
  }
}

}  // namespace
}  // namespace kraken::discord
