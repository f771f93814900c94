#include "projections/alliance_analytics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kraken {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::int64_t kDay = 86'400'000'000LL;
constexpr std::int64_t kDecember4th2026 = 20791 * kDay;

std::string Show(const CorpHeadcount& h) {
  return "[" + h.ticker + "] pilots=" + std::to_string(h.pilots) +
         " alpha=" + std::to_string(h.alpha) + " omega=" + std::to_string(h.omega) +
         " unknown=" + std::to_string(h.unknown_clone) + " unlinked=" + std::to_string(h.unlinked);
}

std::vector<std::string> Show(const std::vector<CorpHeadcount>& corps) {
  std::vector<std::string> out;
  for (const auto& h : corps) out.push_back(Show(h));
  return out;
}

class SummaryTest : public ::testing::Test {
 protected:
  void Apply(std::string stream, Payload payload) {
    Event e;
    e.seq = ++seq_;
    e.ts_us = kDecember4th2026 + static_cast<std::int64_t>(seq_);
    e.stream = std::move(stream);
    e.payload = std::move(payload);
    roster_.Apply(e);
  }
  void Pilot(std::string_view name, std::string corp, std::string clone, std::string discord) {
    Apply(PilotStream(name), PilotRegistered{{{"corp", corp}, {"clone", clone}}});
    if (!discord.empty()) Apply(PilotStream(name), PilotLinkedToDiscord{discord});
  }

  Schema schema_ = Schema::Core();
  Roster roster_{schema_};
  std::uint64_t seq_ = 0;
};

TEST_F(SummaryTest, AnAltCountsAsLinkedThroughItsLinkedMain) {
  Apply(CorpStream("KRKN"), CorpCreated{});
  Pilot("Kaelen Voss", "KRKN", "Omega", "111111");
  Pilot("Voss Hauler", "KRKN", "Alpha", "");
  Apply(PilotStream("Voss Hauler"), AltLinked{"Kaelen Voss"});
  Pilot("Lone Alt", "KRKN", "Alpha", "");
  Pilot("Unlinked Main", "KRKN", "Omega", "");
  Apply(PilotStream("Lone Alt"), AltLinked{"Unlinked Main"});
  const AllianceSummary s = Summarize(roster_);
  EXPECT_EQ(s.total.unlinked, 2u);
  EXPECT_THAT(s.unlinked_pilots, ElementsAre("Lone Alt", "Unlinked Main"));
}

TEST_F(SummaryTest, CountsPilotsPerCorpByCloneAndDiscordLink) {
  Apply(CorpStream("KRKN"), CorpCreated{});
  Apply(CorpStream("BLUE"), CorpCreated{});
  Pilot("Kaelen Voss", "KRKN", "Omega", "111111");
  Pilot("Ada", "KRKN", "Alpha", "");
  Pilot("Bo", "KRKN", "", "222222");
  Pilot("Cy", "BLUE", "Omega", "");
  const AllianceSummary s = Summarize(roster_);
  EXPECT_THAT(Show(s.corps), ElementsAre("[BLUE] pilots=1 alpha=0 omega=1 unknown=0 unlinked=1",
                                         "[KRKN] pilots=3 alpha=1 omega=1 unknown=1 unlinked=1"));
  EXPECT_EQ(Show(s.total), "[] pilots=4 alpha=1 omega=2 unknown=1 unlinked=2");
}

TEST_F(SummaryTest, PilotsWithoutAnExistingCorpFallInTheEmptyTickerBucketListedFirst) {
  Apply(CorpStream("KRKN"), CorpCreated{});
  Apply(CorpStream("GONE"), CorpCreated{});
  Pilot("No Corp", "", "Alpha", "");
  Pilot("Unknown Corp", "NOPE", "Omega", "333333");
  Pilot("Former Member", "GONE", "", "");
  Pilot("Member", "KRKN", "Omega", "444444");
  Apply(CorpStream("GONE"), CorpRemoved{"disbanded"});
  const AllianceSummary s = Summarize(roster_);
  EXPECT_THAT(Show(s.corps), ElementsAre("[] pilots=3 alpha=1 omega=1 unknown=1 unlinked=2",
                                         "[KRKN] pilots=1 alpha=0 omega=1 unknown=0 unlinked=0"));
  EXPECT_EQ(s.total.pilots, 4u);
}

TEST_F(SummaryTest, APilotsCorpMatchesItsTickerIgnoringCase) {
  Apply(CorpStream("KrKn"), CorpCreated{});
  Pilot("Kaelen Voss", "krkn", "Omega", "111111");
  const AllianceSummary s = Summarize(roster_);
  EXPECT_THAT(Show(s.corps), ElementsAre("[KrKn] pilots=1 alpha=0 omega=1 unknown=0 unlinked=0"));
}

TEST_F(SummaryTest, ExistingCorpsWithoutPilotsAreListedSortedByTicker) {
  Apply(CorpStream("ZULU"), CorpCreated{});
  Apply(CorpStream("alfa"), CorpCreated{});
  Apply(CorpStream("Mike"), CorpCreated{});
  const AllianceSummary s = Summarize(roster_);
  EXPECT_THAT(Show(s.corps), ElementsAre("[alfa] pilots=0 alpha=0 omega=0 unknown=0 unlinked=0",
                                         "[Mike] pilots=0 alpha=0 omega=0 unknown=0 unlinked=0",
                                         "[ZULU] pilots=0 alpha=0 omega=0 unknown=0 unlinked=0"));
  EXPECT_EQ(s.total.pilots, 0u);
  EXPECT_THAT(s.unlinked_pilots, IsEmpty());
}

TEST_F(SummaryTest, AnEmptyRosterHasAnEmptySummary) {
  const AllianceSummary s = Summarize(roster_);
  EXPECT_THAT(s.corps, IsEmpty());
  EXPECT_EQ(Show(s.total), "[] pilots=0 alpha=0 omega=0 unknown=0 unlinked=0");
}

TEST_F(SummaryTest, UnlinkedPilotsAreListedByName) {
  Pilot("charlie", "", "", "");
  Pilot("Alpha One", "", "", "");
  Pilot("Linked", "", "", "555555");
  Pilot("bravo", "", "", "666666");
  Apply(PilotStream("bravo"), PilotLinkedToDiscord{""});  // unlinked again
  EXPECT_THAT(Summarize(roster_).unlinked_pilots, ElementsAre("Alpha One", "bravo", "charlie"));
}

TEST_F(SummaryTest, PilotsWhoLeftAreNotCounted) {
  Apply(CorpStream("KRKN"), CorpCreated{});
  Pilot("Stays", "KRKN", "Omega", "");
  Pilot("Leaves", "KRKN", "Alpha", "");
  Apply(PilotStream("Leaves"), PilotLeftAlliance{""});
  const AllianceSummary s = Summarize(roster_);
  EXPECT_THAT(Show(s.corps), ElementsAre("[KRKN] pilots=1 alpha=0 omega=1 unknown=0 unlinked=1"));
  EXPECT_THAT(s.unlinked_pilots, ElementsAre("Stays"));
}

Event At(std::int64_t ts_us, std::string stream) {
  Event e;
  e.ts_us = ts_us;
  e.stream = std::move(stream);
  e.payload = PilotFieldsChanged{};
  return e;
}

TEST(ChangesPerDayTest, CountsPilotAndCorpEventsPerUtcDay) {
  ChangesPerDay changes;
  changes.Apply(At(kDecember4th2026, PilotStream("A")));
  changes.Apply(At(kDecember4th2026 + kDay - 1, CorpStream("KRKN")));
  changes.Apply(At(kDecember4th2026 + kDay, PilotStream("A")));
  changes.Apply(At(kDecember4th2026 + 5, "import/b1"));
  changes.Apply(At(kDecember4th2026 + 6, "conflict/c1"));
  changes.Apply(At(kDecember4th2026 + 7, "pilots"));
  using Day = std::pair<const std::int64_t, std::uint64_t>;
  EXPECT_THAT(changes.days(), ElementsAre(Day{20791, 2}, Day{20792, 1}));
}

TEST(ChangesPerDayTest, TimesBeforeTheEpochBelongToTheDayBefore) {
  ChangesPerDay changes;
  changes.Apply(At(-1, PilotStream("A")));
  changes.Apply(At(-kDay, PilotStream("A")));
  changes.Apply(At(-kDay - 1, PilotStream("A")));
  changes.Apply(At(0, PilotStream("A")));
  using Day = std::pair<const std::int64_t, std::uint64_t>;
  EXPECT_THAT(changes.days(), ElementsAre(Day{-2, 1}, Day{-1, 2}, Day{0, 1}));
}

TEST(ChangesPerDayTest, AnEventOnAnEarlierDayStillCountsForItsOwnDay) {
  ChangesPerDay changes;
  changes.Apply(At(kDecember4th2026 + 5 * kDay, PilotStream("A")));
  changes.Apply(At(kDecember4th2026 + 3 * kDay, PilotStream("A")));
  changes.Apply(At(kDecember4th2026 + 5 * kDay + 1, PilotStream("A")));
  changes.Apply(At(kDecember4th2026 + 3 * kDay + 1, PilotStream("A")));
  changes.Apply(At(kDecember4th2026 + 6 * kDay, PilotStream("A")));
  using Day = std::pair<const std::int64_t, std::uint64_t>;
  EXPECT_THAT(changes.days(), ElementsAre(Day{20794, 2}, Day{20796, 2}, Day{20797, 1}));
}

TEST(ChangesPerDayTest, LastDaysCountsTodayAndTheDaysBeforeIt) {
  ChangesPerDay changes;
  for (int d = 0; d < 10; ++d) {
    // d + 1 changes on day d, at various times of day.
    for (int i = 0; i <= d; ++i)
      changes.Apply(At(kDecember4th2026 + d * kDay + i * 3'600'000'000LL, PilotStream("A")));
  }
  const std::int64_t day9_evening = kDecember4th2026 + 9 * kDay + 20 * 3'600'000'000LL;
  EXPECT_EQ(changes.LastDays(day9_evening, 1), 10u);
  EXPECT_EQ(changes.LastDays(day9_evening, 2), 10u + 9u);
  EXPECT_EQ(changes.LastDays(day9_evening, 7), 10u + 9 + 8 + 7 + 6 + 5 + 4);
  EXPECT_EQ(changes.LastDays(day9_evening, 100), 55u);
  EXPECT_EQ(changes.LastDays(kDecember4th2026 + 4 * kDay, 2), 5u + 4u);  // later days excluded
  EXPECT_EQ(changes.LastDays(kDecember4th2026 + 30 * kDay, 7), 0u);
  EXPECT_EQ(changes.LastDays(day9_evening, 0), 0u);
  EXPECT_EQ(changes.LastDays(day9_evening, -3), 0u);
}

}  // namespace
}  // namespace kraken
