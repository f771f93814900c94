#include "tools/bench/roster_event_mix.h"

#include <fmt/format.h>

#include <array>
#include <string_view>
#include <utility>

namespace kraken::bench {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

constexpr std::array<std::string_view, 64> kFirstNames = {
    "Kaelen", "Ryn",   "Sera",    "Marek",  "Hana",   "Aurelia", "Voss",   "Nyx",
    "Tavik",  "Lira",  "Dorian",  "Elsa",   "Jax",    "Mira",    "Orin",   "Petra",
    "Quill",  "Rhea",  "Soren",   "Talia",  "Ulric",  "Vanya",   "Wren",   "Xander",
    "Yara",   "Zeke",  "Ansel",   "Brin",   "Cassia", "Dax",     "Eira",   "Fenn",
    "Galen",  "Ilse",  "Juno",    "Kiran",  "Leto",   "Maeve",   "Nils",   "Odile",
    "Pax",    "Rook",  "Saffi",   "Theron", "Ursa",   "Veda",    "Wolfe",  "Ysolde",
    "Arvid",  "Bex",   "Corin",   "Dagny",  "Emeric", "Freya",   "Gideon", "Hollis",
    "Ivo",    "Jessa", "Kestrel", "Lorcan", "Mina",   "Nadir",   "Oona",   "Pike"};
constexpr std::array<std::string_view, 64> kLastNames = {
    "Voss",     "Calder", "Valkan",     "Halden", "Sato",      "Stark",     "Marlowe",   "Drake",
    "Kessler",  "Orlov",  "Achterberg", "Brandt", "Castellan", "Duvall",    "Eriksen",   "Falk",
    "Grimaldi", "Holt",   "Ironside",   "Jarvik", "Kovac",     "Lindqvist", "Moreau",    "Novak",
    "Okafor",   "Petrov", "Quade",      "Rask",   "Sorensen",  "Thorne",    "Ueda",      "Varga",
    "Wexler",   "Yilmaz", "Zoric",      "Abbott", "Bishop",    "Crane",     "Dane",      "Ember",
    "Frost",    "Gale",   "Hawke",      "Isles",  "Jensen",    "Kray",      "Locke",     "Mace",
    "North",    "Oakes",  "Pryce",      "Reyes",  "Slate",     "Tarn",      "Umber",     "Vance",
    "Wilde",    "Yates",  "Zane",       "Ashby",  "Blackwood", "Cole",      "Delacroix", "Everly"};
constexpr std::array<std::string_view, 30> kTickers = {
    "KRKN",  "BLKWT", "EXHAL", "RDSUN", "VOIDW", "NRTH", "SHRD", "TIDE", "GRAVX", "ORCA",
    "ABYSS", "CORAL", "DRFT",  "EBBN",  "FTHM",  "GYRE", "HULL", "INKD", "JTSM",  "KELP",
    "LNTRN", "MAELS", "NAUT",  "OCEAN", "PRSR",  "QUAY", "REEF", "SALT", "TRNCH", "UNDRT"};
constexpr std::array<std::string_view, 12> kCorpWords = {"Deep",    "Tide",     "Void",    "Iron",
                                                         "Abyssal", "Northern", "Crimson", "Silent",
                                                         "Harbor",  "Drift",    "Storm",   "Coral"};
constexpr std::array<std::string_view, 8> kCorpKinds = {"Industries", "Vanguard",  "Collective",
                                                        "Logistics",  "Syndicate", "Mining Co.",
                                                        "Fleet",      "Holdings"};
constexpr std::array<std::string_view, 14> kTimezones = {"UTC",
                                                         "UTC+1",
                                                         "UTC+2",
                                                         "UTC-5",
                                                         "UTC-8",
                                                         "UTC+8",
                                                         "UTC+10",
                                                         "Europe/Berlin",
                                                         "Europe/London",
                                                         "America/New_York",
                                                         "America/Los_Angeles",
                                                         "Asia/Shanghai",
                                                         "Australia/Sydney",
                                                         "Europe/Moscow"};
constexpr std::array<std::string_view, 16> kNotes = {"alliance executor; FC",
                                                     "logi FC",
                                                     "hauling alt",
                                                     "on a break until January",
                                                     "miner, Omega since launch",
                                                     "recruited via Discord; trial member",
                                                     "scout alt, keep in Jita",
                                                     "capital pilot (dread), available weekends",
                                                     "PvE only",
                                                     "CEO alt",
                                                     "returning player; needs SRP info",
                                                     "timezone coverage for AU fleets",
                                                     "industry: T2 ships and modules",
                                                     "do not invite to ops channel before vetting",
                                                     "backup FC, speaks German and English",
                                                     "salvage and exploration"};
constexpr std::array<std::string_view, 4> kAdmins = {"ann", "kaelen", "ops-bot", "hana"};
constexpr std::array<std::string_view, 4> kLeaveReasons = {
    "moved to another alliance", "inactive for 90 days", "quit the game", "kicked: AWOL"};

}  // namespace

RosterEventMix::RosterEventMix(Options options)
    : options_(options),
      rng_(options.seed),
      live_index_(options.pilots, kNone),
      main_of_(options.pilots, kNone) {
  live_.reserve(options.pilots);
}

std::string RosterEventMix::PilotName(std::size_t i) {
  const std::size_t combos = kFirstNames.size() * kLastNames.size();
  std::string name = fmt::format("{} {}", kFirstNames[i % kFirstNames.size()],
                                 kLastNames[(i / kFirstNames.size()) % kLastNames.size()]);
  if (i >= combos) name += fmt::format(" {}", i / combos + 1);
  return name;
}

std::string RosterEventMix::CorpTicker(std::size_t i) {
  if (i < kTickers.size()) return std::string(kTickers[i]);
  return fmt::format("K{:04}", i);
}

Event RosterEventMix::Next() {
  if (next_corp_ < options_.corps) return CreateCorp(next_corp_++);
  if (next_pilot_ < options_.pilots) return Register(next_pilot_++);
  return Mixed();
}

Event RosterEventMix::Mixed() {
  const auto roll = static_cast<unsigned>(rng_() % 1000);
  const std::size_t pilot = RandomLivePilot();
  if (roll < 790) return ChangeFields(pilot);
  if (roll < 840) return LinkDiscord(pilot);
  if (roll < 880) {
    const std::size_t main = RandomLivePilot();
    if (main_of_[pilot] == kNone && main != pilot && main_of_[main] == kNone) {
      return LinkAlt(pilot, main);
    }
    return ChangeFields(pilot);
  }
  if (roll < 910) {
    if (main_of_[pilot] == kNone) return ChangeFields(pilot);
    Event event;
    event.stream = PilotStream(PilotName(pilot));
    Stamp(event, pilot);
    event.payload = AltUnlinked{PilotName(main_of_[pilot])};
    main_of_[pilot] = kNone;
    return event;
  }
  if (roll < 930) {
    // Keep most of the roster: a departure only while over three quarters remain.
    if (live_.size() * 4 < options_.pilots * 3) return ChangeFields(pilot);
    return Leave(pilot);
  }
  if (roll < 950) {
    if (departed_.empty()) return ChangeFields(pilot);
    const std::size_t at = Pick(departed_.size());
    const std::size_t back = departed_[at];
    departed_[at] = departed_.back();
    departed_.pop_back();
    return Register(back);
  }
  return ChangeCorp();
}

void RosterEventMix::SetLive(std::size_t pilot, bool live) {
  if (live && live_index_[pilot] == kNone) {
    live_index_[pilot] = live_.size();
    live_.push_back(pilot);
  } else if (!live && live_index_[pilot] != kNone) {
    const std::size_t at = live_index_[pilot];
    live_[at] = live_.back();
    live_index_[live_[at]] = at;
    live_.pop_back();
    live_index_[pilot] = kNone;
  }
}

void RosterEventMix::Stamp(Event& event, std::size_t pilot) {
  const auto roll = static_cast<unsigned>(rng_() % 100);
  if (roll < 60) {
    event.source = Source::kDiscord;
    // The pilot's own Discord user, as a snowflake derived from the pilot number.
    event.actor = fmt::format("{}", 155670462648394832ULL + pilot * 7919);
  } else if (roll < 85) {
    event.source = Source::kSheet;
    event.actor = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-sheet";
    event.correlation_id = fmt::format("sync-{:08}", ++sync_cycle_ / 40);
  } else {
    event.source = Source::kCli;
    event.actor = std::string(kAdmins[rng_() % kAdmins.size()]);
  }
}

std::string RosterEventMix::Snowflake() {
  return fmt::format("{}", 100000000000000000ULL + rng_() % 900000000000000000ULL);
}

Event RosterEventMix::CreateCorp(std::size_t corp) {
  Event event;
  event.stream = CorpStream(CorpTicker(corp));
  event.source = Source::kCli;
  event.actor = "ann";
  CorpCreated created;
  created.fields["name"] =
      fmt::format("{} {} {}", kCorpWords[corp % kCorpWords.size()],
                  kCorpWords[(corp / kCorpWords.size() + 3) % kCorpWords.size()],
                  kCorpKinds[corp % kCorpKinds.size()]);
  created.fields["status"] = Chance(850) ? "member" : "blue";
  event.payload = std::move(created);
  return event;
}

Event RosterEventMix::Register(std::size_t pilot) {
  Event event;
  event.stream = PilotStream(PilotName(pilot));
  Stamp(event, pilot);
  PilotRegistered registered;
  registered.fields["corp"] = RandomCorp();
  registered.fields["clone"] = Chance(600) ? "Omega" : "Alpha";
  registered.fields["timezone"] = std::string(kTimezones[Pick(kTimezones.size())]);
  if (Chance(600)) registered.fields["notes"] = std::string(kNotes[Pick(kNotes.size())]);
  if (Chance(700)) registered.fields["discord_id"] = Snowflake();
  event.payload = std::move(registered);
  SetLive(pilot, true);
  main_of_[pilot] = kNone;
  return event;
}

Event RosterEventMix::ChangeFields(std::size_t pilot) {
  Event event;
  event.stream = PilotStream(PilotName(pilot));
  Stamp(event, pilot);
  PilotFieldsChanged changed;
  const int fields = Chance(300) ? 2 : 1;
  for (int i = 0; i < fields; ++i) {
    const auto roll = static_cast<unsigned>(rng_() % 100);
    if (roll < 10) {
      changed.changes["corp"] = RandomCorp();
    } else if (roll < 40) {
      changed.changes["clone"] = Chance(500) ? "Omega" : "Alpha";
    } else if (roll < 65) {
      changed.changes["timezone"] = std::string(kTimezones[Pick(kTimezones.size())]);
    } else {
      changed.changes["notes"] = Chance(100) ? "" : std::string(kNotes[Pick(kNotes.size())]);
    }
  }
  event.payload = std::move(changed);
  return event;
}

Event RosterEventMix::LinkAlt(std::size_t alt, std::size_t main) {
  Event event;
  event.stream = PilotStream(PilotName(alt));
  Stamp(event, main);
  event.payload = AltLinked{PilotName(main)};
  main_of_[alt] = main;
  return event;
}

Event RosterEventMix::LinkDiscord(std::size_t pilot) {
  Event event;
  event.stream = PilotStream(PilotName(pilot));
  Stamp(event, pilot);
  event.payload = PilotLinkedToDiscord{Chance(50) ? std::string() : Snowflake()};
  return event;
}

Event RosterEventMix::Leave(std::size_t pilot) {
  Event event;
  event.stream = PilotStream(PilotName(pilot));
  event.source = Source::kCli;
  event.actor = std::string(kAdmins[rng_() % kAdmins.size()]);
  event.payload = PilotLeftAlliance{std::string(kLeaveReasons[Pick(kLeaveReasons.size())])};
  SetLive(pilot, false);
  main_of_[pilot] = kNone;
  departed_.push_back(pilot);
  return event;
}

Event RosterEventMix::ChangeCorp() {
  const std::size_t corp = Pick(options_.corps);
  Event event;
  event.stream = CorpStream(CorpTicker(corp));
  event.source = Source::kCli;
  event.actor = std::string(kAdmins[rng_() % kAdmins.size()]);
  CorpChanged changed;
  const auto roll = static_cast<unsigned>(rng_() % 100);
  if (roll < 60) {
    changed.changes["ceo"] = PilotName(RandomLivePilot());
  } else if (roll < 85) {
    changed.changes["status"] = Chance(800) ? "member" : (Chance(500) ? "blue" : "former");
  } else {
    changed.changes["name"] = fmt::format("{} {}", kCorpWords[Pick(kCorpWords.size())],
                                          kCorpKinds[Pick(kCorpKinds.size())]);
  }
  event.payload = std::move(changed);
  return event;
}

}  // namespace kraken::bench
