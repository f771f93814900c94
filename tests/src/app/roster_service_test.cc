// RosterService against a real event log in a temporary directory: every
// command's events and its validation messages. Permissions of Discord members,
// idempotency and declared columns: roster_service_permissions_test.cc.
// Commands racing from other threads and processes: roster_service_concurrency_test.cc.

#include "src/app/roster_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/src/app/app_test_support.h"
#include "tests/src/app/roster_service_fixture.h"

namespace kraken {
namespace {

using testing::Admin;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::RosterServiceTest;
using testing::TypesOf;

// ---- registering and changing pilots ----

TEST_F(RosterServiceTest, RegisteringStoresCanonicalValuesAndLinksInOneBatch) {
  auto result = service().RegisterPilot(Admin(), "Nyx Marlowe",
                                        {{"corp", "krkn"},
                                         {"clone", "omega"},
                                         {"discord_id", "123456789012"},
                                         {"main", "kaelen voss"}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto& events = result->events;
  ASSERT_THAT(TypesOf(events), ElementsAre("PilotRegistered", "PilotLinkedToDiscord", "AltLinked"));
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].stream, "pilot/Nyx Marlowe");
    EXPECT_EQ(events[i].source, Source::kCli);
    EXPECT_EQ(events[i].actor, "ann");
    EXPECT_EQ(events[i].seq, events[0].seq + i) << "not one batch";
  }
  EXPECT_EQ(std::get<PilotRegistered>(events[0].payload).fields,
            (Fields{{"clone", "Omega"}, {"corp", "KRKN"}}));
  EXPECT_EQ(std::get<PilotLinkedToDiscord>(events[1].payload).user_id, "123456789012");
  EXPECT_EQ(std::get<AltLinked>(events[2].payload).main, "Kaelen Voss");
  EXPECT_EQ(events.back().seq, roster_.Head());
  EXPECT_EQ(Pilot("nyx marlowe", "main"), "Kaelen Voss");
  EXPECT_EQ(Pilot("Nyx Marlowe", "corp"), "KRKN");
  EXPECT_THAT(result->summary, HasSubstr("Registered pilot Nyx Marlowe"));
  EXPECT_FALSE(result->duplicate);
}

TEST_F(RosterServiceTest, RegisteringANameTakenIgnoringCaseIsRefused) {
  const auto head = roster_.Head();
  const std::string message = ExpectRefused(service().RegisterPilot(Admin(), "kaelen voss", {}),
                                            ErrorCode::kAlreadyExists, head);
  EXPECT_THAT(message, HasSubstr("pilot 'Kaelen Voss' is registered already"));
}

TEST_F(RosterServiceTest, AnInvalidPilotNameSaysWhatIsAllowed) {
  const auto head = roster_.Head();
  const std::string message = ExpectRefused(service().RegisterPilot(Admin(), "Nyx  Marlowe", {}),
                                            ErrorCode::kInvalidArgument, head);
  EXPECT_THAT(message, HasSubstr("1 to 37 characters"));
}

TEST_F(RosterServiceTest, ChangingAPilotRecordsOnlyTheFieldsThatChange) {
  auto result =
      service().SetPilot(Admin(), "ryn calder", {{"clone", "omega"}, {"notes", "on a break"}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_THAT(TypesOf(result->events), ElementsAre("PilotFieldsChanged"));
  EXPECT_EQ(result->events[0].stream, "pilot/Ryn Calder");
  EXPECT_EQ(std::get<PilotFieldsChanged>(result->events[0].payload).changes,
            (Fields{{"notes", "on a break"}}));
  EXPECT_EQ(result->summary, "Ryn Calder: notes logi FC -> on a break");
  EXPECT_EQ(Pilot("Ryn Calder", "notes"), "on a break");
  EXPECT_EQ(Pilot("Ryn Calder", "clone"), "Omega");
}

TEST_F(RosterServiceTest, AnEmptyValueClearsAField) {
  auto result = service().SetPilot(Admin(), "Ryn Calder", {{"notes", ""}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(Pilot("Ryn Calder", "notes"), "");
  EXPECT_EQ(result->summary, "Ryn Calder: notes logi FC -> (empty)");
}

TEST_F(RosterServiceTest, NothingToChangeAppendsNothing) {
  const auto head = roster_.Head();
  auto pilot = service().SetPilot(Admin(), "Ryn Calder",
                                  {{"clone", "Omega"}, {"notes", "logi FC"}, {"main", ""}});
  ASSERT_TRUE(pilot.ok()) << pilot.error().message;
  EXPECT_THAT(pilot->events, IsEmpty());
  EXPECT_EQ(pilot->summary, "Ryn Calder: nothing to change");
  auto corp = service().SetCorp(Admin(), "KRKN", {{"status", "Member"}, {"ceo", "kaelen voss"}});
  ASSERT_TRUE(corp.ok()) << corp.error().message;
  EXPECT_THAT(corp->events, IsEmpty());
  EXPECT_EQ(roster_.Head(), head);
}

TEST_F(RosterServiceTest, APilotsNameIsItsKeyAndCannotBeChanged) {
  const auto head = roster_.Head();
  const std::string message =
      ExpectRefused(service().SetPilot(Admin(), "Ryn Calder", {{"name", "Ryn Calderon"}}),
                    ErrorCode::kInvalidArgument, head);
  EXPECT_THAT(message, HasSubstr("cannot be changed"));
}

// ---- alts ----

TEST_F(RosterServiceTest, LinkingAndUnlinkingAnAltSetsAndClearsItsMain) {
  auto linked = service().LinkAlt(Admin(), "Marek Halden", "kaelen voss");
  ASSERT_TRUE(linked.ok()) << linked.error().message;
  ASSERT_THAT(TypesOf(linked->events), ElementsAre("AltLinked"));
  EXPECT_EQ(std::get<AltLinked>(linked->events[0].payload).main, "Kaelen Voss");
  EXPECT_EQ(Pilot("Marek Halden", "main"), "Kaelen Voss");

  auto unlinked = service().UnlinkAlt(Admin(), "marek halden");
  ASSERT_TRUE(unlinked.ok()) << unlinked.error().message;
  ASSERT_THAT(TypesOf(unlinked->events), ElementsAre("AltUnlinked"));
  EXPECT_EQ(std::get<AltUnlinked>(unlinked->events[0].payload).main, "Kaelen Voss");
  EXPECT_EQ(Pilot("Marek Halden", "main"), "");

  const auto head = roster_.Head();
  EXPECT_THAT(ExpectRefused(service().UnlinkAlt(Admin(), "Marek Halden"),
                            ErrorCode::kInvalidArgument, head),
              HasSubstr("'Marek Halden' is not an alt of anyone"));
}

TEST_F(RosterServiceTest, AnAltsMainMayNotItselfBeAnAlt) {
  const auto head = roster_.Head();
  EXPECT_EQ(ExpectRefused(service().LinkAlt(Admin(), "Marek Halden", "Voss Hauler"),
                          ErrorCode::kInvalidArgument, head),
            "'Voss Hauler' is itself an alt of 'Kaelen Voss'; link 'Marek Halden' to 'Kaelen "
            "Voss' instead");
  EXPECT_THAT(
      ExpectRefused(service().RegisterPilot(Admin(), "Nyx Marlowe", {{"main", "Voss Hauler"}}),
                    ErrorCode::kInvalidArgument, head),
      HasSubstr("'Voss Hauler' is itself an alt of 'Kaelen Voss'"));
  EXPECT_EQ(Pilot("Marek Halden", "main"), "");
}

TEST_F(RosterServiceTest, AMainWithAltsCannotBecomeAnAlt) {
  const auto head = roster_.Head();
  EXPECT_THAT(ExpectRefused(service().LinkAlt(Admin(), "Kaelen Voss", "Marek Halden"),
                            ErrorCode::kInvalidArgument, head),
              HasSubstr("'Kaelen Voss' has alts of its own; unlink them before making it an alt"));
  EXPECT_EQ(Pilot("Kaelen Voss", "main"), "");
}

TEST_F(RosterServiceTest, APilotCannotBeItsOwnAlt) {
  const auto head = roster_.Head();
  EXPECT_THAT(ExpectRefused(service().LinkAlt(Admin(), "Marek Halden", "marek halden"),
                            ErrorCode::kInvalidArgument, head),
              HasSubstr("cannot be its own alt"));
}

// ---- leaving ----

TEST_F(RosterServiceTest, LeavingUnlinksAltsAndClearsTheCeoInTheSameBatch) {
  auto result = service().PilotLeave(Admin(), "kaelen voss", "moved to another alliance");
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto& events = result->events;
  ASSERT_THAT(TypesOf(events), ElementsAre("AltUnlinked", "CorpChanged", "PilotLeftAlliance"));
  EXPECT_EQ(events[0].stream, "pilot/Voss Hauler");
  EXPECT_EQ(std::get<AltUnlinked>(events[0].payload).main, "Kaelen Voss");
  EXPECT_EQ(events[1].stream, "corp/KRKN");
  EXPECT_EQ(std::get<CorpChanged>(events[1].payload).changes, (Fields{{"ceo", ""}}));
  EXPECT_EQ(events[2].stream, "pilot/Kaelen Voss");
  EXPECT_EQ(std::get<PilotLeftAlliance>(events[2].payload).reason, "moved to another alliance");
  EXPECT_EQ(events[1].seq, events[0].seq + 1);
  EXPECT_EQ(events[2].seq, events[0].seq + 2);

  EXPECT_EQ(Pilot("Kaelen Voss", "name"), std::nullopt);
  EXPECT_EQ(Pilot("Voss Hauler", "main"), "");
  EXPECT_EQ(Corp("KRKN", "ceo"), "");
  EXPECT_EQ(result->summary,
            "Kaelen Voss left the alliance; unlinked alt Voss Hauler; cleared as CEO of KRKN");
}

TEST_F(RosterServiceTest, APilotWhoLeftMayRegisterAgainAndStartsAfresh) {
  ASSERT_TRUE(service().PilotLeave(Admin(), "Marek Halden", "").ok());
  auto again = service().RegisterPilot(Admin(), "Marek Halden", {{"corp", "KRKN"}});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(Pilot("Marek Halden", "corp"), "KRKN");
  EXPECT_EQ(Pilot("Marek Halden", "clone"), "");  // not carried over from before leaving
}

// ---- corps ----

TEST_F(RosterServiceTest, ACorpIsAddedChangedAndRemoved) {
  auto added = service().AddCorp(Admin(), "VOID", {{"name", "Void Serpent Syndicate"}});
  ASSERT_TRUE(added.ok()) << added.error().message;
  ASSERT_THAT(TypesOf(added->events), ElementsAre("CorpCreated"));
  EXPECT_EQ(added->events[0].stream, "corp/VOID");
  EXPECT_EQ(std::get<CorpCreated>(added->events[0].payload).fields,
            (Fields{{"name", "Void Serpent Syndicate"}, {"status", "member"}}));

  auto changed = service().SetCorp(Admin(), "void", {{"status", "BLUE"}, {"ceo", "marek halden"}});
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(std::get<CorpChanged>(changed->events[0].payload).changes,
            (Fields{{"ceo", "Marek Halden"}, {"status", "blue"}}));
  EXPECT_EQ(Corp("VOID", "status"), "blue");
  EXPECT_EQ(Corp("VOID", "ceo"), "Marek Halden");

  auto removed = service().RemoveCorp(Admin(), "Void", "disbanded");
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  ASSERT_THAT(TypesOf(removed->events), ElementsAre("CorpRemoved"));
  EXPECT_EQ(std::get<CorpRemoved>(removed->events[0].payload).reason, "disbanded");
  EXPECT_EQ(Corp("VOID", "name"), std::nullopt);
}

TEST_F(RosterServiceTest, AddingACorpThatExistsIsRefused) {
  const auto head = roster_.Head();
  EXPECT_THAT(ExpectRefused(service().AddCorp(Admin(), "krkn", {{"name", "Again"}}),
                            ErrorCode::kAlreadyExists, head),
              HasSubstr("corp 'KRKN' exists already"));
  EXPECT_THAT(ExpectRefused(service().AddCorp(Admin(), "TOOLONG", {{"name", "x"}}),
                            ErrorCode::kInvalidArgument, head),
              HasSubstr("1 to 5 letters"));
}

TEST_F(RosterServiceTest, ACorpIsNotRemovedWhileItHasPilots) {
  const auto head = roster_.Head();
  EXPECT_THAT(
      ExpectRefused(service().RemoveCorp(Admin(), "BLKWT", ""), ErrorCode::kInvalidArgument, head),
      HasSubstr("corp BLKWT still has 1 pilot(s)"));
  EXPECT_EQ(Corp("BLKWT", "name"), "Blackwater Tide");

  ASSERT_TRUE(service().SetPilot(Admin(), "Marek Halden", {{"corp", "KRKN"}}).ok());
  auto removed = service().RemoveCorp(Admin(), "BLKWT", "merged");
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_EQ(Corp("BLKWT", "name"), std::nullopt);
}

// ---- validation messages ----

TEST_F(RosterServiceTest, ABadEnumValueListsTheAllowedValues) {
  const auto head = roster_.Head();
  EXPECT_EQ(ExpectRefused(service().SetPilot(Admin(), "Ryn Calder", {{"clone", "Alfa"}}),
                          ErrorCode::kInvalidArgument, head),
            "clone must be one of Alpha, Omega, not 'Alfa'");
  EXPECT_EQ(ExpectRefused(service().SetCorp(Admin(), "KRKN", {{"status", "allied"}}),
                          ErrorCode::kInvalidArgument, head),
            "status must be one of member, blue, former, not 'allied'");
  // One bad field refuses the whole command: the good one is not applied either.
  ExpectRefused(service().SetPilot(Admin(), "Ryn Calder", {{"notes", "x"}, {"clone", "Alfa"}}),
                ErrorCode::kInvalidArgument, head);
  EXPECT_EQ(Pilot("Ryn Calder", "notes"), "logi FC");
}

TEST_F(RosterServiceTest, UnknownPilotSuggestsTheClosestName) {
  const auto head = roster_.Head();
  EXPECT_EQ(ExpectRefused(service().SetPilot(Admin(), "Ryn Caldr", {{"clone", "Omega"}}),
                          ErrorCode::kNotFound, head),
            "pilot 'Ryn Caldr' not found; did you mean 'Ryn Calder'?");
  EXPECT_EQ(
      ExpectRefused(service().PilotLeave(Admin(), "Kaelen Vos", ""), ErrorCode::kNotFound, head),
      "pilot 'Kaelen Vos' not found; did you mean 'Kaelen Voss'?");
  EXPECT_EQ(ExpectRefused(service().LinkAlt(Admin(), "Marek Halden", "Kaelen Vos"),
                          ErrorCode::kNotFound, head),
            "pilot 'Kaelen Vos' not found; did you mean 'Kaelen Voss'?");
  EXPECT_THAT(ExpectRefused(service().SetPilot(Admin(), "Zzyzx Qwerty", {{"notes", "x"}}),
                            ErrorCode::kNotFound, head),
              HasSubstr("pilot 'Zzyzx Qwerty' not found; list pilots with `kraken pilots`"));
}

TEST_F(RosterServiceTest, UnknownCorpSuggestsTheClosestTicker) {
  const auto head = roster_.Head();
  EXPECT_THAT(ExpectRefused(service().SetPilot(Admin(), "Ryn Calder", {{"corp", "KRNK"}}),
                            ErrorCode::kNotFound, head),
              HasSubstr("corp 'KRNK' not found; did you mean 'KRKN'?"));
  EXPECT_EQ(ExpectRefused(service().SetCorp(Admin(), "BLKW", {{"status", "blue"}}),
                          ErrorCode::kNotFound, head),
            "corp 'BLKW' not found; did you mean 'BLKWT'?");
  EXPECT_THAT(ExpectRefused(service().RegisterPilot(Admin(), "Nyx Marlowe", {{"corp", "KRKM"}}),
                            ErrorCode::kNotFound, head),
              HasSubstr("did you mean 'KRKN'?"));
  EXPECT_EQ(Pilot("Nyx Marlowe", "name"), std::nullopt);
}

TEST_F(RosterServiceTest, AnUnknownColumnListsTheColumns) {
  const auto head = roster_.Head();
  EXPECT_EQ(ExpectRefused(service().SetPilot(Admin(), "Ryn Calder", {{"rank", "3"}}),
                          ErrorCode::kInvalidArgument, head),
            "pilot has no column 'rank'; columns are: name, discord_id, corp, clone, main, "
            "timezone, notes");
}

}  // namespace
}  // namespace kraken
