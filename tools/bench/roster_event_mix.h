#pragma once
// RosterEventMix: a reproducible stream of realistic roster events for the
// benches. It first creates the corps and registers the pilots, then produces
// what a live alliance does; per 1,000 events about 790 PilotFieldsChanged (one
// in ten a corp change), 50 Discord links, 40 alt links, 30 alt unlinks, 20
// departures, 20 returns (re-registrations) and 50 CorpChanged. Events carry
// stream, source, actor, correlation id and payload; seq, version, ts and hash
// are the log's to assign (or the caller's, when Apply()ing without a log).

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "events/event.h"

namespace kraken::bench {

class RosterEventMix {
 public:
  struct Options {
    std::size_t pilots = 2000;
    std::size_t corps = 30;
    std::uint64_t seed = 20261204;
  };
  explicit RosterEventMix(Options options);

  // The next event: the corps first, then every pilot's registration, then the mix.
  Event Next();
  // How many events Next() spends on corps and registrations before the mix.
  std::size_t setup_events() const { return options_.corps + options_.pilots; }

  // Building blocks, also for benches that need one kind of event.
  // One or two of the pilot's fields changed, as a Discord /pilot set, a sheet
  // sync or `kraken pilot set` records it.
  Event ChangeFields(std::size_t pilot);
  // `alt` becomes an alt of `main`.
  Event LinkAlt(std::size_t alt, std::size_t main);

  // The name of pilot number i, unique for every i: "Kaelen Voss", "Ryn Calder 2".
  static std::string PilotName(std::size_t i);
  // The ticker of corp number i, unique for every i: "KRKN", "BLKWT", "K0031".
  static std::string CorpTicker(std::size_t i);

 private:
  Event Register(std::size_t pilot);
  Event CreateCorp(std::size_t corp);
  Event ChangeCorp();
  Event LinkDiscord(std::size_t pilot);
  Event Leave(std::size_t pilot);
  Event Mixed();

  std::size_t Pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  bool Chance(unsigned per_mille) { return rng_() % 1000 < per_mille; }
  // Source, actor and correlation id of a change made by or for `pilot`.
  void Stamp(Event& event, std::size_t pilot);
  std::string Snowflake();
  std::string RandomCorp() { return CorpTicker(Pick(options_.corps)); }
  std::size_t RandomLivePilot() { return live_[Pick(live_.size())]; }
  void SetLive(std::size_t pilot, bool live);

  Options options_;
  std::mt19937_64 rng_;
  std::size_t next_corp_ = 0;
  std::size_t next_pilot_ = 0;
  std::uint64_t sync_cycle_ = 0;
  std::vector<std::size_t> live_;        // pilots in the alliance
  std::vector<std::size_t> live_index_;  // pilot -> position in live_, or npos
  std::vector<std::size_t> departed_;    // pilots who left and may come back
  std::vector<std::size_t> main_of_;     // pilot -> its main, or npos
};

}  // namespace kraken::bench
