#include "projections/roster.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

namespace kraken {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::int64_t kStart = 1796398313123456;  // 2026-12-04T15:31:53.123456Z

// A roster and the log that feeds it: each Apply is the next event.
class RosterTest : public ::testing::Test {
 protected:
  std::uint64_t Apply(std::string stream, Payload payload) {
    Event e;
    e.seq = ++seq_;
    e.version = 1;
    e.ts_us = kStart + static_cast<std::int64_t>(seq_) * 60'000'000;
    e.stream = std::move(stream);
    e.payload = std::move(payload);
    roster_.Apply(e);
    return e.seq;
  }
  std::uint64_t Register(std::string_view name, Fields fields = {}) {
    return Apply(PilotStream(name), PilotRegistered{std::move(fields)});
  }
  std::uint64_t CreateCorp(std::string_view ticker, Fields fields = {}) {
    return Apply(CorpStream(ticker), CorpCreated{std::move(fields)});
  }
  std::vector<std::string> Keys(Table table) const {
    std::vector<std::string> keys;
    for (const Row* row : roster_.Rows(table)) keys.push_back(row->key());
    return keys;
  }
  std::vector<std::string> Keys(const std::vector<const Row*>& rows) const {
    std::vector<std::string> keys;
    for (const Row* row : rows) keys.push_back(row->key());
    return keys;
  }

  Schema schema_ = Schema::Core();
  Roster roster_{schema_};
  std::uint64_t seq_ = 0;
};

TEST_F(RosterTest, ARegistrationCreatesARowKeyedByTheStreamName) {
  const std::uint64_t seq =
      Register("Kaelen Voss", {{"corp", "KRKN"}, {"clone", "Omega"}, {"timezone", "UTC+2"}});
  const Row* row = roster_.Find(Table::kPilot, "Kaelen Voss");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->key(), "Kaelen Voss");
  EXPECT_EQ(row->created_seq, seq);
  EXPECT_THAT(row->values, ElementsAre("Kaelen Voss", "", "KRKN", "Omega", "", "UTC+2", ""));
  EXPECT_THAT(row->set_by, ElementsAre(seq, 0u, seq, seq, 0u, seq, 0u));
  EXPECT_EQ(roster_.size(Table::kPilot), 1u);
  EXPECT_EQ(roster_.size(Table::kCorp), 0u);
}

TEST_F(RosterTest, ARegistrationIgnoresUnknownColumnsAndCannotRenameTheKey) {
  const std::uint64_t seq = Register("Kaelen Voss", {{"ship", "Raven"}, {"name", "Someone Else"}});
  const Row* row = roster_.Find(Table::kPilot, "Kaelen Voss");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->key(), "Kaelen Voss");
  EXPECT_THAT(row->set_by, ElementsAre(seq, 0u, 0u, 0u, 0u, 0u, 0u));
  EXPECT_EQ(roster_.Find(Table::kPilot, "Someone Else"), nullptr);
}

TEST_F(RosterTest, FieldChangesSetOnlyTheListedColumnsAndRecordTheirEvent) {
  const std::uint64_t created = Register("Kaelen Voss", {{"corp", "KRKN"}, {"clone", "Alpha"}});
  const std::uint64_t changed =
      Apply(PilotStream("Kaelen Voss"),
            PilotFieldsChanged{{{"clone", "Omega"}, {"notes", "FC"}, {"ship", "ignored"}}});
  const Row* row = roster_.Find(Table::kPilot, "Kaelen Voss");
  ASSERT_NE(row, nullptr);
  EXPECT_THAT(row->values, ElementsAre("Kaelen Voss", "", "KRKN", "Omega", "", "", "FC"));
  EXPECT_THAT(row->set_by, ElementsAre(created, 0u, created, changed, 0u, 0u, changed));
  EXPECT_EQ(row->created_seq, created);
}

TEST_F(RosterTest, AnEmptyValueClearsAFieldAndIsBlamedOnItsEvent) {
  Register("Kaelen Voss", {{"notes", "FC"}});
  const std::uint64_t cleared =
      Apply(PilotStream("Kaelen Voss"), PilotFieldsChanged{{{"notes", ""}}});
  const Row* row = roster_.Find(Table::kPilot, "Kaelen Voss");
  EXPECT_EQ(row->values[kPilotNotes], "");
  EXPECT_EQ(row->set_by[kPilotNotes], cleared);
}

TEST_F(RosterTest, LinkingToDiscordSetsTheDiscordIdAndAnEmptyIdUnlinks) {
  Register("Kaelen Voss");
  const std::uint64_t linked =
      Apply(PilotStream("Kaelen Voss"), PilotLinkedToDiscord{"123456789012345678"});
  EXPECT_EQ(roster_.Find(Table::kPilot, "Kaelen Voss")->values[kPilotDiscordId],
            "123456789012345678");
  EXPECT_EQ(roster_.Find(Table::kPilot, "Kaelen Voss")->set_by[kPilotDiscordId], linked);
  const std::uint64_t unlinked = Apply(PilotStream("Kaelen Voss"), PilotLinkedToDiscord{""});
  EXPECT_EQ(roster_.Find(Table::kPilot, "Kaelen Voss")->values[kPilotDiscordId], "");
  EXPECT_EQ(roster_.Find(Table::kPilot, "Kaelen Voss")->set_by[kPilotDiscordId], unlinked);
}

TEST_F(RosterTest, AltLinkedSetsTheMainAndAltUnlinkedClearsIt) {
  Register("Kaelen Voss");
  Register("Kae Alt");
  Register("alt two");
  const std::uint64_t linked = Apply(PilotStream("Kae Alt"), AltLinked{"Kaelen Voss"});
  Apply(PilotStream("alt two"), AltLinked{"kaelen voss"});
  EXPECT_EQ(roster_.Find(Table::kPilot, "Kae Alt")->values[kPilotMain], "Kaelen Voss");
  EXPECT_EQ(roster_.Find(Table::kPilot, "Kae Alt")->set_by[kPilotMain], linked);
  EXPECT_THAT(Keys(roster_.AltsOf("KAELEN VOSS")), ElementsAre("alt two", "Kae Alt"));

  const std::uint64_t unlinked = Apply(PilotStream("Kae Alt"), AltUnlinked{"Kaelen Voss"});
  EXPECT_EQ(roster_.Find(Table::kPilot, "Kae Alt")->values[kPilotMain], "");
  EXPECT_EQ(roster_.Find(Table::kPilot, "Kae Alt")->set_by[kPilotMain], unlinked);
  EXPECT_THAT(Keys(roster_.AltsOf("Kaelen Voss")), ElementsAre("alt two"));
  EXPECT_THAT(roster_.AltsOf("Nobody"), IsEmpty());
}

TEST_F(RosterTest, LeavingErasesThePilotAndComingBackStartsAfresh) {
  Register("Kaelen Voss", {{"corp", "KRKN"}, {"notes", "old notes"}});
  Apply(PilotStream("Kaelen Voss"), PilotLinkedToDiscord{"123456789012345678"});
  Apply(PilotStream("Kaelen Voss"), PilotLeftAlliance{"moved on"});
  EXPECT_EQ(roster_.Find(Table::kPilot, "Kaelen Voss"), nullptr);
  EXPECT_EQ(roster_.size(Table::kPilot), 0u);

  const std::uint64_t back = Register("Kaelen Voss", {{"corp", "NEW"}});
  const Row* row = roster_.Find(Table::kPilot, "Kaelen Voss");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->created_seq, back);
  EXPECT_THAT(row->values, ElementsAre("Kaelen Voss", "", "NEW", "", "", "", ""));
  EXPECT_THAT(row->set_by, ElementsAre(back, 0u, back, 0u, 0u, 0u, 0u));
}

TEST_F(RosterTest, RegisteringAnExistingKeyInAnotherCaseReplacesTheRow) {
  Register("Kaelen Voss", {{"notes", "first"}});
  const std::uint64_t again = Register("KAELEN VOSS", {{"clone", "Alpha"}});
  EXPECT_EQ(roster_.size(Table::kPilot), 1u);
  const Row* row = roster_.Find(Table::kPilot, "Kaelen Voss");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->key(), "KAELEN VOSS");
  EXPECT_EQ(row->created_seq, again);
  EXPECT_EQ(row->values[kPilotNotes], "");
  EXPECT_EQ(row->values[kPilotClone], "Alpha");
}

TEST_F(RosterTest, EventsForRowsThatDoNotExistAreIgnored) {
  Register("Kaelen Voss");
  Apply(PilotStream("Ghost"), PilotFieldsChanged{{{"clone", "Omega"}}});
  Apply(PilotStream("Ghost"), PilotLinkedToDiscord{"123456789012345678"});
  Apply(PilotStream("Ghost"), AltLinked{"Kaelen Voss"});
  Apply(PilotStream("Ghost"), AltUnlinked{"Kaelen Voss"});
  Apply(PilotStream("Ghost"), PilotLeftAlliance{""});
  Apply(CorpStream("GHST"), CorpChanged{{{"name", "Ghosts"}}});
  Apply(CorpStream("GHST"), CorpRemoved{""});
  EXPECT_EQ(roster_.Find(Table::kPilot, "Ghost"), nullptr);
  EXPECT_EQ(roster_.Find(Table::kCorp, "GHST"), nullptr);
  EXPECT_THAT(Keys(Table::kPilot), ElementsAre("Kaelen Voss"));
  EXPECT_THAT(roster_.AltsOf("Kaelen Voss"), IsEmpty());
  EXPECT_EQ(roster_.seq(), 8u);
}

TEST_F(RosterTest, PilotEventsOnACorpStreamAndCorpEventsOnAPilotStreamAreIgnored) {
  Apply(CorpStream("KRKN"), PilotRegistered{{{"clone", "Omega"}}});
  Apply(PilotStream("Kaelen Voss"), CorpCreated{{{"name", "Kraken"}}});
  Apply("KRKN", CorpCreated{});  // no kind at all
  EXPECT_EQ(roster_.size(Table::kPilot), 0u);
  EXPECT_EQ(roster_.size(Table::kCorp), 0u);
}

TEST_F(RosterTest, CorpsAreCreatedChangedAndRemoved) {
  const std::uint64_t created = CreateCorp("KRKN", {{"name", "Kraken"}, {"status", "member"}});
  const std::uint64_t changed =
      Apply(CorpStream("krkn"), CorpChanged{{{"ceo", "Kaelen Voss"}, {"clone", "ignored"}}});
  const Row* corp = roster_.Find(Table::kCorp, "KRKN");
  ASSERT_NE(corp, nullptr);
  EXPECT_THAT(corp->values, ElementsAre("KRKN", "Kraken", "Kaelen Voss", "member"));
  EXPECT_THAT(corp->set_by, ElementsAre(created, created, changed, created));
  EXPECT_EQ(corp->created_seq, created);
  Apply(CorpStream("KRKN"), CorpRemoved{"disbanded"});
  EXPECT_EQ(roster_.Find(Table::kCorp, "KRKN"), nullptr);
}

TEST_F(RosterTest, MarkerEventsChangeNoTableButAdvanceSeqAndTime) {
  Register("Kaelen Voss", {{"clone", "Alpha"}});
  const std::vector<const Row*> before = roster_.Rows(Table::kPilot);
  const std::vector<std::string> values = before[0]->values;
  Apply("import/b1", ImportBatchCommitted{"b1", "sheet", 1, 0, 0, 0});
  Apply("conflict/c1",
        ConflictDetected{"c1", "pilot", "Kaelen Voss", "clone", "Omega", "Alpha", 1, "Pilots!D2"});
  Apply("conflict/c1", ConflictResolved{"c1", "sheet", "Omega", "sheet-wins"});
  const std::uint64_t last = Apply(PilotStream("Kaelen Voss"), EventReverted{1});
  EXPECT_EQ(roster_.seq(), last);
  EXPECT_EQ(roster_.ts_us(), kStart + static_cast<std::int64_t>(last) * 60'000'000);
  EXPECT_EQ(roster_.Find(Table::kPilot, "Kaelen Voss")->values, values);
  EXPECT_EQ(roster_.size(Table::kPilot), 1u);
}

TEST_F(RosterTest, EveryEventAdvancesSeqAndTime) {
  EXPECT_EQ(roster_.seq(), 0u);
  EXPECT_EQ(roster_.ts_us(), 0);
  Register("Kaelen Voss");
  EXPECT_EQ(roster_.seq(), 1u);
  Apply(PilotStream("Nobody"), PilotFieldsChanged{{{"clone", "Omega"}}});  // ignored, still counted
  EXPECT_EQ(roster_.seq(), 2u);
  EXPECT_EQ(roster_.ts_us(), kStart + 2 * 60'000'000);
}

TEST_F(RosterTest, FindIgnoresAsciiCase) {
  Register("Kaelen Voss");
  CreateCorp("KrKn");
  EXPECT_NE(roster_.Find(Table::kPilot, "kaelen voss"), nullptr);
  EXPECT_NE(roster_.Find(Table::kPilot, "KAELEN VOSS"), nullptr);
  EXPECT_EQ(roster_.Find(Table::kPilot, "Kaelen Vos"), nullptr);
  EXPECT_EQ(roster_.Find(Table::kCorp, "krkn")->key(), "KrKn");
  EXPECT_EQ(roster_.Find(Table::kCorp, "Kaelen Voss"), nullptr);  // tables are separate
}

TEST_F(RosterTest, RowsAreSortedByKeyIgnoringCase) {
  for (const char* name :
       {"bravo", "Alpha", "charlie", "ALPHA two", "Bravo Jr", "_under", "9ers"}) {
    Register(name);
  }
  EXPECT_THAT(Keys(Table::kPilot),
              ElementsAre("9ers", "_under", "Alpha", "ALPHA two", "bravo", "Bravo Jr", "charlie"));
}

TEST_F(RosterTest, DeclaredColumnsAreFoldedLikeCoreOnes) {
  Column rank;
  rank.name = "rank";
  rank.type = ColumnType::kEnum;
  rank.enum_values = {"Recruit", "Officer"};
  ASSERT_TRUE(schema_.AddColumn(Table::kPilot, rank).ok());
  Roster roster(schema_);
  Event e;
  e.seq = 1;
  e.stream = PilotStream("Kaelen Voss");
  e.payload = PilotRegistered{{{"rank", "Recruit"}}};
  roster.Apply(e);
  e.seq = 2;
  e.payload = PilotFieldsChanged{{{"rank", "Officer"}}};
  roster.Apply(e);
  const Row* row = roster.Find(Table::kPilot, "Kaelen Voss");
  ASSERT_EQ(row->values.size(), 8u);
  EXPECT_EQ(row->values[7], "Officer");
  EXPECT_EQ(row->set_by[7], 2u);
}

TEST_F(RosterTest, LongKeysAreFoundInAnyAsciiCaseAndOnlyAsciiLettersFold) {
  // Longer than a short-string buffer, with digits, punctuation and UTF-8.
  Register("Aurelia Achterberg-Castellan 12");
  Register("Ærin Vøss");
  Register("Pilot@One[2]");
  ASSERT_NE(roster_.Find(Table::kPilot, "aurelia achterberg-castellan 12"), nullptr);
  EXPECT_EQ(roster_.Find(Table::kPilot, "AURELIA ACHTERBERG-CASTELLAN 12")->key(),
            "Aurelia Achterberg-Castellan 12");
  EXPECT_EQ(roster_.Find(Table::kPilot, "Aurelia Achterberg-Castellan 1"), nullptr);
  EXPECT_EQ(roster_.Find(Table::kPilot, "Aurelia Achterberg-Castellan 123"), nullptr);
  EXPECT_NE(roster_.Find(Table::kPilot, "ÆRIN VøSS"), nullptr);  // the ASCII letters fold
  EXPECT_EQ(roster_.Find(Table::kPilot, "ærin vøss"), nullptr);  // Æ and æ are not ASCII
  EXPECT_NE(roster_.Find(Table::kPilot, "PILOT@ONE[2]"), nullptr);
  // '@' and '`', '[' and '{' are 0x20 apart like 'A' and 'a', but are not letters.
  EXPECT_EQ(roster_.Find(Table::kPilot, "Pilot`One[2]"), nullptr);
  EXPECT_EQ(roster_.Find(Table::kPilot, "Pilot@One{2]"), nullptr);
}

TEST_F(RosterTest, ManyKeysAreEachFoundInAnyCaseChangedAndRemoved) {
  std::mt19937 rng(9);
  std::vector<std::string> names;
  for (int i = 0; i < 3000; ++i) names.push_back(fmt::format("Pilot Number {} of {}", i, i % 7));
  for (const std::string& name : names) Register(name, {{"notes", "before"}});
  auto random_case = [&](std::string name) {
    for (char& c : name) c = rng() % 2 ? static_cast<char>(std::toupper(c)) : c;
    return name;
  };
  for (const std::string& name : names) {
    Apply(PilotStream(random_case(name)), PilotFieldsChanged{{{"notes", "after " + name}}});
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Row* row = roster_.Find(Table::kPilot, random_case(names[i]));
    ASSERT_NE(row, nullptr) << names[i];
    EXPECT_EQ(row->key(), names[i]);
    EXPECT_EQ(row->values[kPilotNotes], "after " + names[i]);
    if (i % 2 == 0) Apply(PilotStream(random_case(names[i])), PilotLeftAlliance{"gone"});
  }
  EXPECT_EQ(roster_.size(Table::kPilot), names.size() / 2);
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(roster_.Find(Table::kPilot, names[i]) == nullptr, i % 2 == 0) << names[i];
  }
}

class SuggestTest : public RosterTest {
 protected:
  void SetUp() override {
    for (const char* name :
         {"Kaelen Voss", "Kaelen Vass", "Kaela Voss", "Kaelen Vossberg", "Zod", "Zed", "Ada"}) {
      Register(name);
    }
    for (const char* ticker : {"KRKN", "KRAK", "BLUE"}) CreateCorp(ticker);
  }
};

TEST_F(SuggestTest, OffersTheClosestKeysFirstIgnoringCase) {
  EXPECT_THAT(roster_.Suggest(Table::kPilot, "kaelen vos"),
              ElementsAre("Kaelen Voss", "Kaelen Vass", "Kaela Voss"));
  EXPECT_THAT(roster_.Suggest(Table::kCorp, "krkm"), ElementsAre("KRKN", "KRAK"));
}

TEST_F(SuggestTest, BreaksTiesByName) {
  // "Zxd" is one edit from "Zed" and "Zod"; "Zad" is also two from "Ada".
  EXPECT_THAT(roster_.Suggest(Table::kPilot, "Zxd", 5), ElementsAre("Zed", "Zod"));
  EXPECT_THAT(roster_.Suggest(Table::kPilot, "ZXD", 1), ElementsAre("Zed"));
  EXPECT_THAT(roster_.Suggest(Table::kPilot, "Zad", 5), ElementsAre("Zed", "Zod", "Ada"));
}

TEST_F(SuggestTest, OffersNothingFarOff) {
  EXPECT_THAT(roster_.Suggest(Table::kPilot, "Completely Different"), IsEmpty());
  // Eight letters more than "Kaelen Voss" is too many for an 11-letter name...
  EXPECT_THAT(roster_.Suggest(Table::kPilot, "Kaelen"), IsEmpty());
  // ...but a long name tolerates more typos than a short one.
  EXPECT_THAT(roster_.Suggest(Table::kPilot, "Kaelen Vosberk", 1), ElementsAre("Kaelen Vossberg"));
  EXPECT_THAT(roster_.Suggest(Table::kCorp, "XYZW"), IsEmpty());
  EXPECT_THAT(roster_.Suggest(Table::kPilot, "Zed", 0), IsEmpty());
}

}  // namespace
}  // namespace kraken
