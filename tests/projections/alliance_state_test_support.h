#pragma once
// Helpers shared by the alliance state's tests (alliance_state_test.cc and
// alliance_state_corrupt_snapshot_test.cc): a schema with declared columns, a
// generator of plausible histories, and replaying them into a state.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "projections/alliance_state.h"

namespace kraken::testing {

inline constexpr std::int64_t kStart = 1796398313123456;  // 2026-12-04T15:31:53.123456Z

// The core columns and one declared column per table, so rows are wider than the core.
inline Schema TestSchema() {
  Schema schema = Schema::Core();
  Column rank;
  rank.name = "rank";
  rank.type = ColumnType::kEnum;
  rank.enum_values = {"Recruit", "Member", "Officer"};
  EXPECT_TRUE(schema.AddColumn(Table::kPilot, rank).ok());
  Column region;
  region.name = "region";
  EXPECT_TRUE(schema.AddColumn(Table::kCorp, region).ok());
  return schema;
}

// A plausible history: pilots join, change, link Discord, become alts, leave and come
// back; corps are founded, renamed and disbanded; imports and conflicts are recorded.
// Some events name rows that do not exist, or spell keys in another case.
class HistoryGenerator {
 public:
  explicit HistoryGenerator(std::uint32_t seed) : rng_(seed) {
    const char* first[] = {"Kaelen", "Ærin",       "Mira", "Tov",     "Sable", "Jun",
                           "Rhea",   "Ozymandias", "Li",   "Brannoc", "Ixa",   "Quill"};
    const char* last[] = {"Voss",   "Kade",      "Ortega", "Nakamura", "Vøss",       "Black",
                          "O'Neil", "Stormcrow", "Xi",     "Ironhand", "de la Cruz", "Smith"};
    for (const char* f : first) {
      for (const char* l : last) names_.push_back(fmt::format("{} {}", f, l));
    }
    tickers_ = {"KRKN", "BLUE", "R-3", "A.B", "SPCE", "MOON", "X_1", "ZZZ", "Omni", "9LIV"};
  }

  std::vector<Event> Generate(std::size_t n) {
    std::vector<Event> events;
    events.reserve(n);
    std::int64_t ts = kStart;
    for (std::uint64_t seq = 1; seq <= n; ++seq) {
      // Mostly minutes apart, sometimes a quiet day or two; bursts share a microsecond.
      ts += Chance(5) ? Uniform(0, 3) * 86'400'000'000LL : Uniform(0, 3'600'000'000LL);
      Event e;
      e.seq = seq;
      e.version = seq;  // not checked by projections
      e.ts_us = ts;
      e.source = static_cast<Source>(Uniform(0, 3));
      e.actor = "actor";
      Fill(e);
      events.push_back(std::move(e));
    }
    return events;
  }

 private:
  std::int64_t Uniform(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  bool Chance(int percent) { return Uniform(0, 99) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Uniform(0, static_cast<std::int64_t>(v.size()) - 1))];
  }
  // A key as someone might type it: usually as registered, sometimes in another case.
  std::string Spell(std::string key) {
    if (Chance(15)) key = Chance(50) ? ToLower(key) : Upper(key);
    return key;
  }
  static std::string Upper(std::string s) {
    for (char& c : s) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return s;
  }
  std::string Clone() { return Pick(std::vector<std::string>{"Alpha", "Omega", ""}); }
  Fields PilotFields() {
    Fields f;
    if (Chance(80)) f["corp"] = Chance(90) ? Spell(Pick(tickers_)) : "";
    if (Chance(60)) f["clone"] = Clone();
    if (Chance(30))
      f["timezone"] = Pick(std::vector<std::string>{"UTC+2", "UTC-5", "Europe/Berlin", ""});
    if (Chance(20))
      f["notes"] = fmt::format("note {} with \"quotes\" and ünïcode", Uniform(0, 999));
    if (Chance(20)) f["rank"] = Pick(std::vector<std::string>{"Recruit", "Member", "Officer", ""});
    if (Chance(5)) f["retired_column"] = "ignored";
    return f;
  }
  Fields CorpFields() {
    Fields f;
    if (Chance(70)) f["name"] = fmt::format("Corp {}", Uniform(0, 99));
    if (Chance(40)) f["ceo"] = Pick(names_);
    if (Chance(50)) f["status"] = Pick(std::vector<std::string>{"member", "blue", "former"});
    if (Chance(30)) f["region"] = Pick(std::vector<std::string>{"EU", "US", "Asia", ""});
    return f;
  }

  void Fill(Event& e) {
    const std::string& pilot = Pick(names_);
    const std::string& ticker = Pick(tickers_);
    const std::int64_t roll = Uniform(0, 99);
    if (roll < 18) {
      e.stream = PilotStream(Spell(pilot));
      e.payload = PilotRegistered{PilotFields()};
    } else if (roll < 42) {
      e.stream = PilotStream(Spell(pilot));
      e.payload = PilotFieldsChanged{PilotFields()};
    } else if (roll < 50) {
      e.stream = PilotStream(Spell(pilot));
      e.payload =
          PilotLinkedToDiscord{Chance(85) ? fmt::format("{}", Uniform(10'000, 1LL << 60)) : ""};
    } else if (roll < 57) {
      e.stream = PilotStream(Spell(pilot));
      e.payload = AltLinked{Spell(Pick(names_))};
    } else if (roll < 60) {
      e.stream = PilotStream(Spell(pilot));
      e.payload = AltUnlinked{Pick(names_)};
    } else if (roll < 66) {
      e.stream = PilotStream(Spell(pilot));
      e.payload = PilotLeftAlliance{"left"};
    } else if (roll < 72) {
      e.stream = CorpStream(Spell(ticker));
      e.payload = CorpCreated{CorpFields()};
    } else if (roll < 80) {
      e.stream = CorpStream(Spell(ticker));
      e.payload = CorpChanged{CorpFields()};
    } else if (roll < 83) {
      e.stream = CorpStream(Spell(ticker));
      e.payload = CorpRemoved{"disbanded"};
    } else if (roll < 88) {
      e.stream = fmt::format("import/b{}", e.seq);
      e.payload = ImportBatchCommitted{fmt::format("b{}", e.seq), "Pilots sheet", 3, 2, 1, 0};
    } else if (roll < 93) {
      e.stream = fmt::format("conflict/c{}", e.seq);
      e.payload = ConflictDetected{fmt::format("c{}", e.seq),
                                   "pilot",
                                   pilot,
                                   "clone",
                                   "Alpha",
                                   "Omega",
                                   e.seq - 1,
                                   "Pilots!D4"};
    } else if (roll < 97) {
      e.stream = fmt::format("conflict/c{}", e.seq - 1);
      e.payload = ConflictResolved{fmt::format("c{}", e.seq - 1), "log", "Omega", "log-wins"};
    } else {
      e.stream = PilotStream(pilot);
      e.payload = EventReverted{e.seq / 2};
    }
  }

  std::mt19937_64 rng_;
  std::vector<std::string> names_;
  std::vector<std::string> tickers_;
};

// Folds events[from, to) into `state`.
inline AllianceState Replay(const std::vector<Event>& events, std::size_t from, std::size_t to,
                            AllianceState state) {
  for (std::size_t i = from; i < to; ++i) state.Apply(events[i]);
  return state;
}

inline AllianceState Replay(const Schema& schema, const std::vector<Event>& events,
                            std::size_t to) {
  return Replay(events, 0, to, AllianceState(schema));
}

}  // namespace kraken::testing
