#pragma once
// Answers "how is the alliance doing": headcount and the Alpha/Omega mix per corp,
// pilots without a Discord link, and how many changes were made per day. Pure.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "events/event.h"
#include "projections/roster.h"

namespace kraken {

struct CorpHeadcount {
  std::string ticker;  // "" for pilots without a corp or whose corp no longer exists
  std::uint64_t pilots = 0;
  std::uint64_t alpha = 0;
  std::uint64_t omega = 0;
  std::uint64_t unknown_clone = 0;
  std::uint64_t unlinked = 0;  // pilots with no Discord user, themselves or through their main
};

struct AllianceSummary {
  // Sorted by ticker ignoring case; existing corps with no pilots included. The ""
  // bucket comes first, and only when it has pilots.
  std::vector<CorpHeadcount> corps;
  CorpHeadcount total;
  std::vector<std::string> unlinked_pilots;  // sorted by name
};

// Computed on demand from the current tables.
AllianceSummary Summarize(const Roster& roster);

// Counts changes to pilots and corps per UTC day, folded from events.
class ChangesPerDay {
 public:
  void Apply(const Event& event);
  // Days since 1970-01-01 (UTC) -> number of pilot and corp events that day.
  const std::map<std::int64_t, std::uint64_t>& days() const { return days_; }
  // Changes in the `n` days ending with the day of `now_us` (inclusive).
  std::uint64_t LastDays(std::int64_t now_us, int n) const;

 private:
  friend class RosterCodec;
  std::map<std::int64_t, std::uint64_t> days_;
};

}  // namespace kraken
