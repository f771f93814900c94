#pragma once
// Builds an AllianceState from the log: as of now, of a sequence, or of a time
// (time travel). Uses the stored snapshot when it covers a prefix of what is
// asked for; the snapshot is only a cache, so the result is always the same as a
// full replay from sequence 1.

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "events/result.h"
#include "events/schema.h"
#include "projections/alliance_state.h"
#include "src/store/event_log.h"

namespace kraken {

inline constexpr std::string_view kSnapshotName = "alliance";

struct ReplayLimit {
  std::optional<std::uint64_t> until_seq;   // fold events with seq <= until_seq
  std::optional<std::int64_t> until_ts_us;  // fold events with ts <= until_ts_us
};

struct LoadOptions {
  ReplayLimit limit;
  bool use_snapshot = true;
  // Called with (events folded, events to fold) now and then; may be empty.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

struct LoadReport {
  std::uint64_t snapshot_seq = 0;  // 0: replayed from sequence 1
  std::uint64_t events_folded = 0;
  std::string snapshot_note;  // why a stored snapshot was not used, if it was not
};

Result<AllianceState> LoadState(const EventLog& log, const Schema& schema,
                                const LoadOptions& options, LoadReport* report = nullptr);

// Folds the events after state.seq() up to the log's head into `state`.
// Returns the number of events folded.
Result<std::uint64_t> CatchUp(const EventLog& log, AllianceState& state);

// Stores `state` as the snapshot.
Status SaveSnapshot(EventLog& log, const AllianceState& state);

}  // namespace kraken
