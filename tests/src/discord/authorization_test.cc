// Who may do what, command by command: every way a member might change what is
// not theirs is refused with an ephemeral reply that says what they may do, and
// appends nothing; an admin (by role) may do each of those things.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
using ::testing::HasSubstr;
using testing::Int;
using testing::kNewcomer;
using testing::Member;
using testing::ParseMessage;
using testing::Str;
using testing::Who;

// `rank` is for admins only; `role` the pilot may set themselves.
constexpr std::string_view kColumns = R"(
[[pilot.columns]]
name = "rank"
type = "enum"
values = ["Recruit", "Member", "Officer"]
editable_by = "admin"

[[pilot.columns]]
name = "role"
type = "enum"
values = ["DPS", "Logi"]
editable_by = "self"
)";

struct Attempt {
  std::string path;
  std::vector<std::string> options;
  std::string says;  // what the refusal must tell the member
};

class AuthorizationTest : public ::testing::Test {
 protected:
  AuthorizationTest()
      : f_(kraken::testing::SchemaFromToml(kColumns)),
        handler_(f_.service(), HandlerOptions{{std::string(testing::kAdminRole)},
                                              [this]() -> Result<std::string> {
                                                ++syncs_;
                                                return std::string("0 edits imported");
                                              }}) {}

  Reply Run(const Who& who, const Attempt& a) {
    return handler_.Handle(Body(f_.NextId(), who, a.path, a.options));
  }

  // A refusal: ephemeral, says `a.says`, mentions nobody, and the log is as it was.
  void ExpectDenied(const Who& who, const Attempt& a) {
    const auto head = f_.Head();
    const Reply reply = Run(who, a);
    const std::string context = fmt::format("/{} by {}", a.path, who.user_id);
    EXPECT_EQ(reply.http_status, 200) << context;
    EXPECT_EQ(reply.outcome, "denied") << context << ": " << reply.data;
    const auto view = ParseMessage(reply.data);
    EXPECT_EQ(view.flags, kFlagEphemeral) << context;
    EXPECT_TRUE(view.mentions_none) << context;
    EXPECT_THAT(view.Text(), HasSubstr(a.says)) << context;
    EXPECT_EQ(f_.Head(), head) << context << " appended events although it was refused";
  }

  // Done, with at least one event appended (when `appends`).
  void ExpectDone(const Who& who, const Attempt& a, bool appends = true) {
    const auto head = f_.Head();
    const Reply reply = Run(who, a);
    EXPECT_EQ(reply.outcome, "ok") << "/" << a.path << ": " << reply.data;
    if (appends) {
      EXPECT_GT(f_.Head(), head) << "/" << a.path << " appended nothing";
    }
  }

  std::optional<std::string> Pilot(std::string_view name, std::string_view column) {
    return f_.roster().Get(Table::kPilot, name, column);
  }

  testing::DiscordFixture f_;
  int syncs_ = 0;
  InteractionHandler handler_;
};

constexpr std::string_view kAdminOnly = "Only alliance admins may use /admin";

std::vector<Attempt> AdminCommands(std::uint64_t revertable) {
  return {
      {"admin set pilot",
       {Str("name", "Marek Halden"), Str("field", "corp"), Str("value", "KRKN")},
       std::string(kAdminOnly)},
      {"admin set pilot",
       {Str("name", "Marek Halden"), Str("field", "discord_id"),
        Str("value", std::string(kNewcomer))},
       std::string(kAdminOnly)},
      {"admin set pilot",
       {Str("name", "Ryn Calder"), Str("field", "rank"), Str("value", "Officer")},
       std::string(kAdminOnly)},
      {"admin set corp",
       {Str("ticker", "BLKWT"), Str("field", "ceo"), Str("value", "Marek Halden")},
       std::string(kAdminOnly)},
      {"admin history pilot", {Str("name", "Kaelen Voss")}, std::string(kAdminOnly)},
      {"admin history corp", {Str("ticker", "KRKN")}, std::string(kAdminOnly)},
      {"admin revert",
       {Int("event", static_cast<std::int64_t>(revertable))},
       std::string(kAdminOnly)},
      {"admin sync", {}, std::string(kAdminOnly)},
      {"admin conflicts", {}, std::string(kAdminOnly)},
  };
}

TEST_F(AuthorizationTest, EveryAdminCommandIsRefusedToAnyoneWithoutAnAdminRole) {
  const auto revertable = f_.Head();
  // A member with the member role, one with no role at all, and one in a DM
  // (where Discord sends no roles, so even an admin is not one there).
  const Who callers[] = {Member(kRynDiscord), Who{std::string(kNewcomer), {}, false},
                         DmUser(kKaelenDiscord)};
  for (const Who& who : callers) {
    for (const Attempt& a : AdminCommands(revertable)) ExpectDenied(who, a);
  }
  EXPECT_EQ(syncs_, 0) << "a non-admin triggered a sheet sync";
  EXPECT_EQ(Pilot("Marek Halden", "corp"), "BLKWT");
}

TEST_F(AuthorizationTest, AnAdminRoleMayRunEveryAdminCommand) {
  const auto revertable = f_.Head();
  const Who admin = AdminMember(kNewcomer);  // an admin needs no pilot of their own
  for (const Attempt& a : AdminCommands(revertable)) {
    const bool appends = a.path.starts_with("admin set") || a.path == "admin revert";
    ExpectDone(admin, a, appends);
  }
  EXPECT_EQ(syncs_, 1);
  EXPECT_EQ(Pilot("Marek Halden", "corp"), "KRKN");
  EXPECT_EQ(Pilot("Marek Halden", "discord_id"), kNewcomer);
  EXPECT_EQ(Pilot("Ryn Calder", "rank"), "Officer");
  EXPECT_EQ(f_.roster().Get(Table::kCorp, "BLKWT", "ceo"), "Marek Halden");
}

TEST_F(AuthorizationTest, AMemberCannotEditAnotherPilotsRowWithAnyField) {
  // Kaelen's main, Kaelen's alt, and Marek, whom nobody has linked.
  for (std::string_view target : {"Kaelen Voss", "Voss Hauler", "Marek Halden"}) {
    for (const auto& [field, value] :
         std::vector<std::pair<std::string, std::string>>{{"corp", "BLKWT"},
                                                          {"clone", "Alpha"},
                                                          {"timezone", "UTC+1"},
                                                          {"notes", "mine now"},
                                                          {"role", "Logi"}}) {
      ExpectDenied(Member(kRynDiscord),
                   {"pilot set",
                    {Str("field", field), Str("value", value), Str("pilot", target)},
                    fmt::format("You may only change your own pilots and alts, not '{}'", target)});
    }
  }
  EXPECT_EQ(Pilot("Kaelen Voss", "notes"), "");
  // The same member may change their own main and alt.
  ExpectDone(Member(kRynDiscord),
             {"pilot set",
              {Str("field", "role"), Str("value", "logi"), Str("pilot", "Calder Miner")},
              ""});
  EXPECT_EQ(Pilot("Calder Miner", "role"), "Logi");
}

TEST_F(AuthorizationTest, AnAdminMayEditAnyPilotsRowWithPilotSetToo) {
  const Who admin = AdminMember(kRynDiscord);
  for (std::string_view target : {"Kaelen Voss", "Voss Hauler", "Marek Halden"}) {
    ExpectDone(
        admin,
        {"pilot set", {Str("field", "notes"), Str("value", "checked"), Str("pilot", target)}, ""});
    EXPECT_EQ(Pilot(target, "notes"), "checked");
  }
}

TEST_F(AuthorizationTest, AMemberCannotSetAnAdminOnlyFieldEvenOnTheirOwnPilot) {
  const std::string allowed = "you may set: corp, clone, timezone, notes, role";
  for (const auto& [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"rank", "Officer"}, {"discord_id", std::string(kNewcomer)}, {"main", "Kaelen Voss"}}) {
    for (std::string_view pilot : {"Ryn Calder", "Calder Miner"}) {
      ExpectDenied(Member(kRynDiscord),
                   {"pilot set",
                    {Str("field", field), Str("value", value), Str("pilot", pilot)},
                    "Only admins may change a pilot's " + field});
      ExpectDenied(
          Member(kRynDiscord),
          {"pilot set", {Str("field", field), Str("value", value), Str("pilot", pilot)}, allowed});
    }
  }
  EXPECT_EQ(Pilot("Ryn Calder", "rank"), "");
}

TEST_F(AuthorizationTest, AnAdminOnlyFieldSmuggledAsAnExtraOptionIsNotApplied) {
  // Discord only sends the options a command declares; a forged payload that
  // adds one is refused before anything runs.
  const auto head = f_.Head();
  const std::vector<Attempt> forged = {
      {"pilot register",
       {Str("name", "Sly Newbie"), Str("corp", "KRKN"), Str("clone", "Alpha"),
        Str("rank", "Officer")},
       ""},
      {"pilot alt add", {Str("name", "Sly Alt"), Str("rank", "Officer")}, ""},
      {"pilot set", {Str("field", "notes"), Str("value", "x"), Str("discord_id", "1")}, ""},
  };
  for (const Attempt& a : forged) {
    const Reply reply = Run(Member(kRynDiscord), a);
    EXPECT_EQ(reply.outcome, "invalid") << a.path << ": " << reply.data;
    EXPECT_THAT(ParseMessage(reply.data).Text(), HasSubstr("has no option"));
  }
  EXPECT_EQ(f_.Head(), head);
}

TEST_F(AuthorizationTest, AnAdminMaySetAnAdminOnlyFieldWithEitherCommand) {
  ExpectDone(AdminMember(kRynDiscord),
             {"pilot set", {Str("field", "rank"), Str("value", "officer")}, ""});
  EXPECT_EQ(Pilot("Ryn Calder", "rank"), "Officer");
  ExpectDone(AdminMember(kRynDiscord),
             {"admin set pilot",
              {Str("name", "Kaelen Voss"), Str("field", "rank"), Str("value", "Member")},
              ""});
  EXPECT_EQ(Pilot("Kaelen Voss", "rank"), "Member");
}

TEST_F(AuthorizationTest, AMemberCannotAddOrRemoveAltsOfPilotsNotTheirs) {
  const Who ryn = Member(kRynDiscord);
  const std::string not_yours = "another Discord account";
  // A new alt under someone else's main.
  ExpectDenied(ryn, {"pilot alt add",
                     {Str("name", "Ryn Spy"), Str("main", "Kaelen Voss")},
                     "You may only register alts of your own pilots, not of 'Kaelen Voss'"});
  // Someone else's alt, or main, taken as one's own alt.
  ExpectDenied(ryn, {"pilot alt add", {Str("name", "Voss Hauler")}, not_yours});
  ExpectDenied(ryn, {"pilot alt add", {Str("name", "Kaelen Voss")}, not_yours});
  // One's own alt moved under someone else's main.
  ExpectDenied(ryn, {"pilot alt add",
                     {Str("name", "Calder Miner"), Str("main", "Kaelen Voss")},
                     "You may only link pilots that are both yours"});
  // An unlinked pilot claimed as an alt of someone else's main.
  ExpectDenied(ryn, {"pilot alt add",
                     {Str("name", "Marek Halden"), Str("main", "Kaelen Voss")},
                     "You may only add alts to your own pilots, not to 'Kaelen Voss'"});
  // Someone else's alt unlinked from its main.
  ExpectDenied(
      ryn, {"pilot alt remove", {Str("name", "Voss Hauler")}, "You may only unlink your own alts"});
  EXPECT_EQ(Pilot("Voss Hauler", "main"), "Kaelen Voss");
  EXPECT_EQ(Pilot("Calder Miner", "main"), "Ryn Calder");
}

TEST_F(AuthorizationTest, AnAdminMayAddAndRemoveAltsOfAnyPilot) {
  const Who admin = AdminMember(kRynDiscord);
  ExpectDone(admin,
             {"pilot alt add", {Str("name", "Kaelen Scout"), Str("main", "Kaelen Voss")}, ""});
  EXPECT_EQ(Pilot("Kaelen Scout", "main"), "Kaelen Voss");
  ExpectDone(admin,
             {"pilot alt add", {Str("name", "Marek Halden"), Str("main", "Kaelen Voss")}, ""});
  EXPECT_EQ(Pilot("Marek Halden", "main"), "Kaelen Voss");
  ExpectDone(admin, {"pilot alt remove", {Str("name", "Voss Hauler")}, ""});
  EXPECT_EQ(Pilot("Voss Hauler", "main"), "");
}

TEST_F(AuthorizationTest, NobodyClaimsAPilotLinkedToSomeoneElseButAnAdminMayRelinkIt) {
  const std::string says =
      "linked to another Discord account already; if it is yours, ask an admin";
  for (const Who& who : {Member(kNewcomer), Member(kRynDiscord), DmUser(kNewcomer)}) {
    for (std::string_view name : {"Kaelen Voss", "voss hauler"}) {  // a main, and its alt
      ExpectDenied(who, {"pilot register",
                         {Str("name", name), Str("corp", "KRKN"), Str("clone", "Omega")},
                         says});
    }
  }
  // /pilot register links to the caller, so an admin's register is no
  // back door either; an admin moves a link with /admin set.
  ExpectDenied(AdminMember(kNewcomer),
               {"pilot register",
                {Str("name", "Kaelen Voss"), Str("corp", "KRKN"), Str("clone", "Omega")},
                says});
  const auto head = f_.Head();
  ExpectDone(AdminMember(kRynDiscord), {"admin set pilot",
                                        {Str("name", "Kaelen Voss"), Str("field", "discord_id"),
                                         Str("value", std::string(kNewcomer))},
                                        ""});
  EXPECT_THAT(TypesOf(f_.EventsAfter(head)), ::testing::ElementsAre("PilotLinkedToDiscord"));
  EXPECT_EQ(Pilot("Kaelen Voss", "discord_id"), kNewcomer);
  // The pilot's new owner may now change it; the old one may not.
  ExpectDone(Member(kNewcomer), {"pilot set", {Str("field", "notes"), Str("value", "moved")}, ""});
  ExpectDenied(Member(kKaelenDiscord),
               {"pilot set",
                {Str("field", "notes"), Str("value", "mine"), Str("pilot", "Kaelen Voss")},
                "You may only change your own pilots and alts"});
}

TEST_F(AuthorizationTest, AnUnlinkedPilotMayBeClaimedOnceAndThenNotByAnother) {
  ExpectDone(Member(kNewcomer),
             {"pilot register",
              {Str("name", "Marek Halden"), Str("corp", "BLKWT"), Str("clone", "Alpha")},
              ""});
  EXPECT_EQ(Pilot("Marek Halden", "discord_id"), kNewcomer);
  ExpectDenied(Member(kRynDiscord),
               {"pilot register",
                {Str("name", "Marek Halden"), Str("corp", "KRKN"), Str("clone", "Omega")},
                "linked to another Discord account already"});
  ExpectDenied(Member(kRynDiscord), {"pilot alt add",
                                     {Str("name", "Marek Halden")},
                                     "linked to another Discord account already"});
}

}  // namespace
}  // namespace kraken::discord
