#include "projections/alliance_analytics.h"

#include <string_view>
#include <unordered_map>

#include "events/schema.h"

namespace kraken {
namespace {

constexpr std::int64_t kMicrosPerDay = 86'400'000'000LL;

// Days since the epoch, rounding towards the past (so -1 us is day -1, not day 0).
std::int64_t DayOf(std::int64_t ts_us) {
  std::int64_t day = ts_us / kMicrosPerDay;
  if (ts_us % kMicrosPerDay < 0) --day;
  return day;
}

// An alt counts as linked when its main is: Discord users own mains, and reach
// their alts through them.
bool IsLinked(const Roster& roster, const Row& pilot) {
  if (!pilot.values[kPilotDiscordId].empty()) return true;
  const std::string& main = pilot.values[kPilotMain];
  if (main.empty()) return false;
  const Row* owner = roster.Find(Table::kPilot, main);
  return owner != nullptr && !owner->values[kPilotDiscordId].empty();
}

void Count(CorpHeadcount& h, const Row& pilot, bool linked) {
  ++h.pilots;
  const std::string& clone = pilot.values[kPilotClone];
  if (EqualsIgnoreCase(clone, "Alpha")) {
    ++h.alpha;
  } else if (EqualsIgnoreCase(clone, "Omega")) {
    ++h.omega;
  } else {
    ++h.unknown_clone;
  }
  if (!linked) ++h.unlinked;
}

}  // namespace

AllianceSummary Summarize(const Roster& roster) {
  AllianceSummary summary;
  // Rows() is sorted by ticker, so the per-corp buckets come out sorted too.
  const std::vector<const Row*> corps = roster.Rows(Table::kCorp);
  std::unordered_map<std::string, std::size_t> bucket_of;  // lower-case ticker -> index
  bucket_of.reserve(corps.size());
  summary.corps.reserve(corps.size() + 1);
  CorpHeadcount no_corp;  // pilots without a corp, or with one that no longer exists
  for (const Row* corp : corps) {
    bucket_of.emplace(ToLower(corp->key()), summary.corps.size());
    summary.corps.emplace_back().ticker = corp->key();
  }
  for (const Row* pilot : roster.Rows(Table::kPilot)) {
    auto it = bucket_of.find(ToLower(pilot->values[kPilotCorp]));
    const bool linked = IsLinked(roster, *pilot);
    Count(it == bucket_of.end() ? no_corp : summary.corps[it->second], *pilot, linked);
    Count(summary.total, *pilot, linked);
    if (!linked) {
      summary.unlinked_pilots.push_back(pilot->key());
    }
  }
  // "" sorts before every ticker; the bucket is listed only when someone is in it.
  if (no_corp.pilots > 0) summary.corps.insert(summary.corps.begin(), std::move(no_corp));
  return summary;
}

void ChangesPerDay::Apply(const Event& event) {
  const std::string_view kind = SplitStream(event.stream).first;
  if (kind != TableName(Table::kPilot) && kind != TableName(Table::kCorp)) return;
  const std::int64_t day = DayOf(event.ts_us);
  // Times never decrease along the log, so the day is nearly always the last one.
  if (!days_.empty() && days_.rbegin()->first == day) {
    ++days_.rbegin()->second;
  } else {
    ++days_[day];
  }
}

std::uint64_t ChangesPerDay::LastDays(std::int64_t now_us, int n) const {
  if (n <= 0) return 0;
  const std::int64_t last = DayOf(now_us);
  std::uint64_t total = 0;
  for (auto it = days_.upper_bound(last - n); it != days_.end() && it->first <= last; ++it) {
    total += it->second;
  }
  return total;
}

}  // namespace kraken
