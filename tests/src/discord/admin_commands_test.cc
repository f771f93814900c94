// /admin commands (role-gated: a hidden command is not a secure one) and the
// read-only views /corp and /roster, end to end against a real log.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "projections/alliance_analytics.h"
#include "src/discord/interactions.h"
#include "src/discord/reply.h"
#include "tests/src/discord/discord_test_support.h"

namespace kraken::discord {
namespace {

using kraken::testing::kKaelenDiscord;
using kraken::testing::kRynDiscord;
using kraken::testing::TypesOf;
using testing::AdminMember;
using testing::Body;
using testing::DmUser;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Int;
using testing::Member;
using ::testing::Not;
using testing::ParseMessage;
using testing::RawOption;
using testing::Str;

class AdminCommandsTest : public ::testing::Test {
 protected:
  std::optional<std::string> Get(Table table, std::string_view key, std::string_view column) {
    return f_.roster().Get(table, key, column);
  }
  std::string Text(const Reply& reply) { return ParseMessage(reply.data).Text(); }

  testing::DiscordFixture f_;
};

TEST_F(AdminCommandsTest, AMemberWithoutTheAdminRoleIsRefusedEvenWhenSendingThePayload) {
  const auto head = f_.Head();
  struct Case {
    std::string path;
    std::vector<std::string> options;
  };
  const Case cases[] = {
      {"admin set pilot",
       {Str("name", "Marek Halden"), Str("field", "corp"), Str("value", "KRKN")}},
      {"admin set corp", {Str("ticker", "KRKN"), Str("field", "status"), Str("value", "former")}},
      {"admin history pilot", {Str("name", "Kaelen Voss")}},
      {"admin revert", {Int("event", 3)}},
      {"admin sync", {}},
      {"admin conflicts", {}},
  };
  for (const testing::Who& who : {Member(kKaelenDiscord), DmUser(kKaelenDiscord)}) {
    for (const Case& c : cases) {
      const Reply reply = f_.Run(who, c.path, c.options);
      EXPECT_EQ(reply.outcome, "denied") << c.path;
      EXPECT_EQ(reply.command, c.path);
      const auto view = ParseMessage(reply.data);
      EXPECT_EQ(view.flags, kFlagEphemeral);
      EXPECT_THAT(view.content, HasSubstr("Only alliance admins may use /admin"));
    }
  }
  EXPECT_EQ(f_.Head(), head);
  EXPECT_EQ(Get(Table::kPilot, "Marek Halden", "corp"), "BLKWT");
}

TEST_F(AdminCommandsTest, AnAdminRoleMaySetAnyFieldOfAnyPilotOrCorp) {
  const auto head = f_.Head();
  const Reply pilot =
      f_.Run(AdminMember(kRynDiscord), "admin set pilot",
             {Str("name", "kaelen voss"), Str("field", "notes"), Str("value", "FC")});
  EXPECT_EQ(pilot.outcome, "ok") << pilot.data;
  const Reply link = f_.Run(
      AdminMember(kRynDiscord), "admin set pilot",
      {Str("name", "Marek Halden"), Str("field", "discord_id"), Str("value", "987654321098")});
  EXPECT_EQ(link.outcome, "ok") << link.data;
  const Reply corp = f_.Run(AdminMember(kRynDiscord), "admin set corp",
                            {Str("ticker", "blkwt"), Str("field", "status"), Str("value", "blue")});
  EXPECT_EQ(corp.outcome, "ok") << corp.data;
  const auto events = f_.EventsAfter(head);
  ASSERT_THAT(TypesOf(events),
              ElementsAre("PilotFieldsChanged", "PilotLinkedToDiscord", "CorpChanged"));
  for (const Event& e : events) {
    EXPECT_EQ(e.source, Source::kDiscord);
    EXPECT_EQ(e.actor, kRynDiscord);
  }
  EXPECT_EQ(Get(Table::kPilot, "Kaelen Voss", "notes"), "FC");
  EXPECT_EQ(Get(Table::kPilot, "Marek Halden", "discord_id"), "987654321098");
  EXPECT_EQ(Get(Table::kCorp, "BLKWT", "status"), "blue");
  EXPECT_EQ(ParseMessage(corp.data).embeds.at(0).title, "Corp updated");
}

TEST_F(AdminCommandsTest, AdminSetOfAnUnknownFieldListsTheFields) {
  const auto head = f_.Head();
  const Reply reply = f_.Run(AdminMember(kRynDiscord), "admin set corp",
                             {Str("ticker", "KRKN"), Str("field", "motto"), Str("value", "x")});
  EXPECT_EQ(reply.outcome, "invalid");
  EXPECT_THAT(Text(reply), HasSubstr("There is no corp field 'motto' to set; the fields are: name, "
                                     "ceo, status"));
  EXPECT_EQ(f_.Head(), head);
}

TEST_F(AdminCommandsTest, HistoryListsAPilotsEventsLikeTheCli) {
  (void)f_.Run(Member(kRynDiscord), "pilot set", {Str("field", "clone"), Str("value", "Alpha")});
  const Reply reply =
      f_.Run(AdminMember(kKaelenDiscord), "admin history pilot", {Str("name", "ryn calder")});
  EXPECT_EQ(reply.outcome, "ok") << reply.data;
  const auto view = ParseMessage(reply.data);
  ASSERT_EQ(view.embeds.size(), 1u);
  EXPECT_EQ(view.embeds[0].title, "History of pilot Ryn Calder");
  const auto events = f_.roster().log().ReadStream("pilot/Ryn Calder");
  ASSERT_TRUE(events.ok());
  for (const Event& e : *events) {
    EXPECT_THAT(view.embeds[0].description, HasSubstr(fmt::format("`#{}`", e.seq)));
  }
  EXPECT_THAT(view.embeds[0].description, HasSubstr(fmt::format("discord <@{}>", kRynDiscord)));
  EXPECT_THAT(view.embeds[0].description, HasSubstr("cli ann"));
  EXPECT_EQ(view.embeds[0].footer, fmt::format("{} event(s) in total", events->size()));

  const Reply last = f_.Run(AdminMember(kKaelenDiscord), "admin history pilot",
                            {Str("name", "Ryn Calder"), Int("last", 1)});
  EXPECT_THAT(Text(last), HasSubstr("earlier event(s) not shown"));
  EXPECT_THAT(Text(last), Not(HasSubstr(fmt::format("`#{}`", events->front().seq))));

  const Reply missing =
      f_.Run(AdminMember(kKaelenDiscord), "admin history corp", {Str("ticker", "KRKM")});
  EXPECT_EQ(missing.outcome, "not_found");
  EXPECT_THAT(Text(missing), HasSubstr("did you mean 'KRKN'?"));
}

TEST_F(AdminCommandsTest, RevertUndoesAnEventOnceAndAgainGetsTheSameAnswer) {
  (void)f_.Run(Member(kRynDiscord), "pilot set", {Str("field", "clone"), Str("value", "Alpha")});
  const auto target = f_.Head();
  const Reply first = f_.Run(AdminMember(kKaelenDiscord), "admin revert",
                             {Int("event", static_cast<std::int64_t>(target))});
  ASSERT_EQ(first.outcome, "ok") << first.data;
  EXPECT_EQ(Get(Table::kPilot, "Ryn Calder", "clone"), "Omega");
  const auto events = f_.EventsAfter(target);
  ASSERT_THAT(TypesOf(events), ElementsAre("PilotFieldsChanged", "EventReverted"));
  EXPECT_EQ(events[0].actor, kKaelenDiscord);
  EXPECT_EQ(events[0].source, Source::kDiscord);
  const auto view = ParseMessage(first.data);
  EXPECT_EQ(view.embeds.at(0).title, fmt::format("Reverted event {}", target));
  EXPECT_THAT(view.embeds[0].description, HasSubstr(fmt::format("event {} reverted", target)));

  // Another admin, another interaction: the revert is recorded once.
  const auto head = f_.Head();
  const Reply again = f_.Run(AdminMember(kRynDiscord), "admin revert",
                             {Int("event", static_cast<std::int64_t>(target))});
  EXPECT_EQ(again.outcome, "duplicate");
  EXPECT_EQ(again.data, first.data);
  EXPECT_EQ(f_.Head(), head);
}

TEST_F(AdminCommandsTest, RevertNeedsExactlyOneTargetOfTheRightType) {
  const auto head = f_.Head();
  const Reply neither = f_.Run(AdminMember(kRynDiscord), "admin revert", {});
  EXPECT_EQ(neither.outcome, "invalid");
  EXPECT_THAT(Text(neither), HasSubstr("either the event option"));
  const Reply text =
      f_.Run(AdminMember(kRynDiscord), "admin revert", {RawOption("event", 4, "\"three\"")});
  EXPECT_EQ(text.outcome, "invalid");
  EXPECT_THAT(Text(text), HasSubstr("The event option of /admin revert must be a whole number"));
  const Reply fraction =
      f_.Run(AdminMember(kRynDiscord), "admin revert", {RawOption("event", 4, "2.5")});
  EXPECT_EQ(fraction.outcome, "invalid");
  const Reply zero = f_.Run(AdminMember(kRynDiscord), "admin revert", {Int("event", 0)});
  EXPECT_EQ(zero.outcome, "invalid");
  const Reply beyond = f_.Run(AdminMember(kRynDiscord), "admin revert", {Int("event", 9999)});
  EXPECT_EQ(beyond.outcome, "not_found") << beyond.data;
  EXPECT_EQ(f_.Head(), head);
}

TEST_F(AdminCommandsTest, SyncSaysHonestlyThatItIsNotAvailableWithoutASyncHook) {
  const auto head = f_.Head();
  const Reply reply = f_.Run(AdminMember(kRynDiscord), "admin sync", {});
  EXPECT_EQ(reply.outcome, "ok");
  EXPECT_THAT(Text(reply), HasSubstr("sync is not available on this server yet"));
  EXPECT_EQ(f_.Head(), head);
}

TEST_F(AdminCommandsTest, SyncRunsTheHookAndShowsItsSummaryOrItsError) {
  int runs = 0;
  HandlerOptions options{{std::string(testing::kAdminRole)}, [&]() -> Result<std::string> {
                           ++runs;
                           if (runs == 1) return std::string("2 edits imported, 14 cells written");
                           return MakeError(ErrorCode::kInvalidArgument,
                                            "the sheet has no Pilots tab; run `kraken sheet init`");
                         }};
  InteractionHandler handler(f_.service(), options);
  const Reply ok = handler.Handle(Body(f_.NextId(), AdminMember(kRynDiscord), "admin sync", {}));
  EXPECT_EQ(ok.outcome, "ok");
  EXPECT_THAT(Text(ok), HasSubstr("2 edits imported, 14 cells written"));
  const Reply failed =
      handler.Handle(Body(f_.NextId(), AdminMember(kRynDiscord), "admin sync", {}));
  EXPECT_EQ(failed.outcome, "invalid");
  EXPECT_THAT(Text(failed), HasSubstr("The sheet has no Pilots tab"));
  const Reply denied = handler.Handle(Body(f_.NextId(), Member(kRynDiscord), "admin sync", {}));
  EXPECT_EQ(denied.outcome, "denied");
  EXPECT_EQ(runs, 2) << "a non-admin must not trigger a sync";
}

TEST_F(AdminCommandsTest, ConflictsListsTheUnresolvedOnesFromTheLog) {
  const Reply none = f_.Run(AdminMember(kRynDiscord), "admin conflicts", {});
  EXPECT_THAT(Text(none), HasSubstr("No conflicts are recorded"));

  auto conflict = [](std::string id, std::string key) {
    Event e;
    e.stream = "conflict/" + id;
    e.source = Source::kSheet;
    e.actor = "sheet";
    e.payload = ConflictDetected{id, "pilot", key, "clone", "Alpha", "Omega", 5, "Pilots!D7"};
    return e;
  };
  AppendRequest request;
  request.events = {conflict("c-1", "Kaelen Voss"), conflict("c-2", "Ryn Calder")};
  Event resolved;
  resolved.stream = "conflict/c-2";
  resolved.source = Source::kSystem;
  resolved.payload = ConflictResolved{"c-2", "log", "Omega", "log-wins"};
  request.events.push_back(resolved);
  ASSERT_TRUE(f_.roster().log().Append(request).ok());

  const Reply reply = f_.Run(AdminMember(kRynDiscord), "admin conflicts", {});
  EXPECT_EQ(reply.outcome, "ok");
  const auto view = ParseMessage(reply.data);
  ASSERT_EQ(view.embeds.size(), 1u);
  EXPECT_EQ(view.embeds[0].title, "Unresolved conflicts (1)");
  ASSERT_EQ(view.embeds[0].fields.size(), 1u);
  EXPECT_EQ(view.embeds[0].fields[0].first, "pilot Kaelen Voss · clone");
  EXPECT_THAT(view.embeds[0].fields[0].second, HasSubstr("sheet: 'Alpha' (Pilots!D7)"));
  EXPECT_THAT(view.embeds[0].fields[0].second, HasSubstr("log: 'Omega' (event 5)"));
}

TEST_F(AdminCommandsTest, RosterNumbersMatchSummarize) {
  (void)f_.Run(Member(kRynDiscord), "pilot set", {Str("field", "clone"), Str("value", "Alpha")});
  const AllianceSummary summary =
      f_.service().Read([](const AllianceState& s) { return Summarize(s.roster()); });
  const auto view = ParseMessage(f_.Run(Member(kRynDiscord), "roster", {}).data);
  ASSERT_EQ(view.embeds.size(), 2u) << "counts, and the unlinked pilots";
  EXPECT_EQ(view.embeds[0].description,
            fmt::format("{} pilots in 2 corps: {} Omega, {} Alpha; {} not linked to Discord",
                        summary.total.pilots, summary.total.omega, summary.total.alpha,
                        summary.total.unlinked));
  ASSERT_EQ(view.embeds[0].fields.size(), summary.corps.size());
  for (std::size_t i = 0; i < summary.corps.size(); ++i) {
    const auto& c = summary.corps[i];
    EXPECT_EQ(view.embeds[0].fields[i].first, c.ticker);
    EXPECT_EQ(view.embeds[0].fields[i].second,
              fmt::format("{} pilot{}: {} Omega, {} Alpha; {} not linked to Discord", c.pilots,
                          c.pilots == 1 ? "" : "s", c.omega, c.alpha, c.unlinked));
  }
  EXPECT_EQ(view.embeds[1].title,
            fmt::format("Not linked to Discord ({})", summary.unlinked_pilots.size()));
  EXPECT_EQ(view.embeds[1].description, "Marek Halden");

  const auto krkn = ParseMessage(f_.Run(Member(kRynDiscord), "roster", {Str("corp", "krkn")}).data);
  EXPECT_EQ(krkn.embeds.at(0).title, "Roster of KRKN");
  EXPECT_EQ(krkn.embeds.size(), 1u) << "every KRKN pilot is linked";
}

TEST_F(AdminCommandsTest, CorpListAndShowDescribeTheCorps) {
  const auto list = ParseMessage(f_.Run(Member(kRynDiscord), "corp list", {}).data);
  ASSERT_EQ(list.embeds.size(), 1u);
  EXPECT_EQ(list.embeds[0].title, "Corps (2)");
  EXPECT_THAT(list.embeds[0].description,
              HasSubstr("**KRKN** Kraken Deep Industries · 4 pilots · CEO Kaelen Voss"));
  EXPECT_THAT(list.embeds[0].description, HasSubstr("**BLKWT** Blackwater Tide · 1 pilots"));

  const auto show =
      ParseMessage(f_.Run(Member(kRynDiscord), "corp show", {Str("ticker", "krkn")}).data);
  ASSERT_EQ(show.embeds.size(), 1u);
  EXPECT_EQ(show.embeds[0].title, "KRKN: Kraken Deep Industries");
  EXPECT_THAT(show.Text(), HasSubstr("Calder Miner, Kaelen Voss, Ryn Calder, Voss Hauler"));
  const Reply missing = f_.Run(Member(kRynDiscord), "corp show", {Str("ticker", "NOPE")});
  EXPECT_EQ(missing.outcome, "not_found");
  EXPECT_THAT(Text(missing), Not(HasSubstr("kraken corps")));
}

}  // namespace
}  // namespace kraken::discord
