// RosterService against a real event log: what Discord members may change (their
// own pilots and alts, self-editable columns, including declared ones), what only
// admins may, and retried commands with an idempotency key.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "src/app/roster_service.h"
#include "tests/src/app/app_test_support.h"
#include "tests/src/app/roster_service_fixture.h"

namespace kraken {
namespace {

using testing::Admin;
using ::testing::HasSubstr;
using testing::kKaelenDiscord;
using testing::kRynDiscord;
using testing::Member;
using testing::RosterServiceTest;

// Columns an admin might declare: a self-editable enum and an admin-only date.
constexpr std::string_view kDeclaredColumns = R"(
[[pilot.columns]]
name = "role"
type = "enum"
values = ["DPS", "Logi", "Tackle"]
editable_by = "self"

[[pilot.columns]]
name = "joined"
type = "date"
editable_by = "admin"

[[pilot.columns]]
name = "recruiter"
type = "pilot"
editable_by = "admin"
)";

// ---- permissions of Discord members ----

TEST_F(RosterServiceTest, AMemberMaySetSelfEditableFieldsOnTheirOwnPilotAndAlts) {
  const Actor kaelen = Member(std::string(kKaelenDiscord));
  auto own = service().SetPilot(kaelen, "Kaelen Voss", {{"notes", "FC tonight"}});
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(own->events[0].source, Source::kDiscord);
  EXPECT_EQ(own->events[0].actor, kKaelenDiscord);
  auto alt = service().SetPilot(kaelen, "Voss Hauler", {{"clone", "Omega"}, {"timezone", "UTC+2"}});
  ASSERT_TRUE(alt.ok()) << alt.error().message;
  EXPECT_EQ(Pilot("Kaelen Voss", "notes"), "FC tonight");
  EXPECT_EQ(Pilot("Voss Hauler", "clone"), "Omega");
}

TEST_F(RosterServiceTest, AMemberMayNotEditSomeoneElsesPilotOrTheirAlts) {
  const Actor kaelen = Member(std::string(kKaelenDiscord));
  const auto head = roster_.Head();
  EXPECT_EQ(ExpectRefused(service().SetPilot(kaelen, "Ryn Calder", {{"notes", "hacked"}}),
                          ErrorCode::kPermissionDenied, head),
            "you may only change your own pilots and alts, not 'Ryn Calder'");
  ExpectRefused(service().SetPilot(kaelen, "Calder Miner", {{"notes", "hacked"}}),
                ErrorCode::kPermissionDenied, head);
  ExpectRefused(service().PilotLeave(kaelen, "Ryn Calder", "bye"), ErrorCode::kPermissionDenied,
                head);
  ExpectRefused(service().UnlinkAlt(kaelen, "Calder Miner"), ErrorCode::kPermissionDenied, head);
  ExpectRefused(service().SetPilot(kaelen, "Marek Halden", {{"notes", "x"}}),
                ErrorCode::kPermissionDenied, head);
  // Someone without a Discord id owns nothing.
  ExpectRefused(service().SetPilot(Member(""), "Marek Halden", {{"notes", "x"}}),
                ErrorCode::kPermissionDenied, head);
  EXPECT_EQ(Pilot("Ryn Calder", "notes"), "logi FC");
}

TEST_F(RosterServiceTest, AMemberMayNotChangeSystemColumnsOrCorps) {
  const Actor kaelen = Member(std::string(kKaelenDiscord));
  const auto head = roster_.Head();
  EXPECT_THAT(ExpectRefused(service().SetPilot(kaelen, "Kaelen Voss", {{"discord_id", "99999999"}}),
                            ErrorCode::kPermissionDenied, head),
              HasSubstr("only admins may link a pilot to another Discord user"));
  EXPECT_EQ(ExpectRefused(service().AddCorp(kaelen, "NEWC", {{"name", "New"}}),
                          ErrorCode::kPermissionDenied, head),
            "only admins may add corps");
  EXPECT_EQ(ExpectRefused(service().SetCorp(kaelen, "KRKN", {{"name", "Mine now"}}),
                          ErrorCode::kPermissionDenied, head),
            "only admins may change corp name");
  ExpectRefused(service().RemoveCorp(kaelen, "BLKWT", ""), ErrorCode::kPermissionDenied, head);
}

TEST_F(RosterServiceTest, AMemberMayLinkTwoOfTheirOwnPilotsButNoOneElses) {
  ASSERT_TRUE(
      service()
          .RegisterPilot(Admin(), "Kaelen Scout", {{"discord_id", std::string(kKaelenDiscord)}})
          .ok());
  const Actor kaelen = Member(std::string(kKaelenDiscord));
  const auto head = roster_.Head();
  EXPECT_EQ(ExpectRefused(service().LinkAlt(kaelen, "Kaelen Scout", "Ryn Calder"),
                          ErrorCode::kPermissionDenied, head),
            "you may only link pilots that are both yours");
  auto linked = service().LinkAlt(kaelen, "Kaelen Scout", "Kaelen Voss");
  ASSERT_TRUE(linked.ok()) << linked.error().message;
  EXPECT_EQ(Pilot("Kaelen Scout", "main"), "Kaelen Voss");
}

TEST_F(RosterServiceTest, AMemberMayNotRegisterAPilotForSomeoneElse) {
  const Actor kaelen = Member(std::string(kKaelenDiscord));
  const auto head = roster_.Head();
  // An alt of someone else's main would become theirs, and would block their main
  // from ever becoming an alt.
  EXPECT_THAT(ExpectRefused(service().RegisterPilot(kaelen, "Sneaky Alt", {{"main", "Ryn Calder"}}),
                            ErrorCode::kPermissionDenied, head),
              HasSubstr("Ryn Calder"));
  EXPECT_THAT(ExpectRefused(service().RegisterPilot(kaelen, "Sneaky Alt",
                                                    {{"discord_id", std::string(kRynDiscord)}}),
                            ErrorCode::kPermissionDenied, head),
              HasSubstr("Discord"));
  EXPECT_EQ(Pilot("Sneaky Alt", "name"), std::nullopt);

  // Registering their own alt, linked to their own Discord id, is fine.
  auto own = service().RegisterPilot(
      kaelen, "Kaelen Cyno",
      {{"clone", "Alpha"}, {"main", "Kaelen Voss"}, {"discord_id", std::string(kKaelenDiscord)}});
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(Pilot("Kaelen Cyno", "main"), "Kaelen Voss");
}

// ---- idempotency ----

TEST_F(RosterServiceTest, ARetriedIdempotencyKeyReturnsTheFirstEventsAndAppendsNothing) {
  CommandOptions options;
  options.idempotency_key = "interaction-1187";
  auto first = service().RegisterPilot(Member("424242424242"), "Nyx Marlowe",
                                       {{"corp", "KRKN"}, {"discord_id", "424242424242"}}, options);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_FALSE(first->duplicate);
  EXPECT_EQ(first->events[0].idempotency_key, "interaction-1187");
  const auto head = roster_.Head();

  // The pilot exists now, so validating again would fail; the retry must not.
  auto retry = service().RegisterPilot(Member("424242424242"), "Nyx Marlowe",
                                       {{"corp", "KRKN"}, {"discord_id", "424242424242"}}, options);
  ASSERT_TRUE(retry.ok()) << retry.error().message;
  EXPECT_TRUE(retry->duplicate);
  ASSERT_EQ(retry->events.size(), first->events.size());
  for (std::size_t i = 0; i < first->events.size(); ++i) {
    EXPECT_EQ(retry->events[i].seq, first->events[i].seq);
    EXPECT_EQ(retry->events[i].hash, first->events[i].hash);
  }
  EXPECT_EQ(roster_.Head(), head);

  // The same command under a new key is a new command, validated again.
  CommandOptions fresh;
  fresh.idempotency_key = "interaction-1188";
  auto again = service().RegisterPilot(Member("424242424242"), "Nyx Marlowe", {}, fresh);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(roster_.Head(), head);
}

TEST_F(RosterServiceTest, ARetriedChangeDoesNotUndoALaterOne) {
  CommandOptions first_key, second_key;
  first_key.idempotency_key = "set-1";
  second_key.idempotency_key = "set-2";
  ASSERT_TRUE(service().SetPilot(Admin(), "Ryn Calder", {{"notes", "A"}}, first_key).ok());
  ASSERT_TRUE(service().SetPilot(Admin(), "Ryn Calder", {{"notes", "B"}}, second_key).ok());
  auto retry = service().SetPilot(Admin(), "Ryn Calder", {{"notes", "A"}}, first_key);
  ASSERT_TRUE(retry.ok()) << retry.error().message;
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(Pilot("Ryn Calder", "notes"), "B");
}

// ---- declared columns ----

class DeclaredColumnsTest : public RosterServiceTest {
 protected:
  DeclaredColumnsTest() : RosterServiceTest(testing::SchemaFromToml(kDeclaredColumns)) {}
};

TEST_F(DeclaredColumnsTest, AMemberMaySetASelfEditableEnumOnTheirPilot) {
  auto result =
      service().SetPilot(Member(std::string(kKaelenDiscord)), "Kaelen Voss", {{"role", "logi"}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(std::get<PilotFieldsChanged>(result->events[0].payload).changes,
            (Fields{{"role", "Logi"}}));
  EXPECT_EQ(Pilot("Kaelen Voss", "role"), "Logi");
  const auto head = roster_.Head();
  EXPECT_EQ(ExpectRefused(service().SetPilot(Member(std::string(kKaelenDiscord)), "Kaelen Voss",
                                             {{"role", "Healer"}}),
                          ErrorCode::kInvalidArgument, head),
            "role must be one of DPS, Logi, Tackle, not 'Healer'");
}

TEST_F(DeclaredColumnsTest, AnAdminOnlyDateIsRefusedToMembersAndValidatedForAdmins) {
  const auto head = roster_.Head();
  EXPECT_EQ(ExpectRefused(service().SetPilot(Member(std::string(kKaelenDiscord)), "Kaelen Voss",
                                             {{"joined", "2026-12-04"}}),
                          ErrorCode::kPermissionDenied, head),
            "only admins may change pilot joined");
  EXPECT_EQ(ExpectRefused(service().SetPilot(Admin(), "Kaelen Voss", {{"joined", "2026-02-30"}}),
                          ErrorCode::kInvalidArgument, head),
            "joined must be a date like 2026-12-04, not '2026-02-30'");
  ASSERT_TRUE(service().SetPilot(Admin(), "Kaelen Voss", {{"joined", "2026-12-04"}}).ok());
  EXPECT_EQ(Pilot("Kaelen Voss", "joined"), "2026-12-04");
}

TEST_F(DeclaredColumnsTest, ADeclaredPilotReferenceIsStoredWithThePilotsSpelling) {
  const auto head = roster_.Head();
  EXPECT_THAT(
      ExpectRefused(service().SetPilot(Admin(), "Marek Halden", {{"recruiter", "Ryn Caldr"}}),
                    ErrorCode::kNotFound, head),
      HasSubstr("did you mean 'Ryn Calder'?"));
  ASSERT_TRUE(service().SetPilot(Admin(), "Marek Halden", {{"recruiter", "ryn calder"}}).ok());
  EXPECT_EQ(Pilot("Marek Halden", "recruiter"), "Ryn Calder");
}

}  // namespace
}  // namespace kraken
