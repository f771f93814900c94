#include "src/app/state_loader.h"

#include <fmt/format.h>

namespace kraken {
namespace {

bool Within(const ReplayLimit& limit, std::uint64_t seq, std::int64_t ts_us) {
  return (!limit.until_seq || seq <= *limit.until_seq) &&
         (!limit.until_ts_us || ts_us <= *limit.until_ts_us);
}

// The stored snapshot if it can start this load, with a note if not.
std::optional<AllianceState> UsableSnapshot(const EventLog& log, const Schema& schema,
                                            const ReplayLimit& limit, std::string& note) {
  auto stored = log.GetSnapshot(kSnapshotName);
  if (!stored.ok()) {
    note = stored.error().message;
    return std::nullopt;
  }
  if (!stored->has_value()) return std::nullopt;
  auto state = AllianceState::DecodeSnapshot(schema, (*stored)->bytes);
  if (!state.ok()) {
    note = state.error().message;
    return std::nullopt;
  }
  if (!Within(limit, state->seq(), state->roster().ts_us())) {
    note = "the snapshot is newer than the point asked for";
    return std::nullopt;
  }
  return std::move(state).value();
}

}  // namespace

Result<AllianceState> LoadState(const EventLog& log, const Schema& schema,
                                const LoadOptions& options, LoadReport* report) {
  LoadReport local;
  LoadReport& r = report ? *report : local;
  std::optional<AllianceState> start;
  if (options.use_snapshot) start = UsableSnapshot(log, schema, options.limit, r.snapshot_note);
  AllianceState state = start ? std::move(*start) : AllianceState(schema);
  r.snapshot_seq = state.seq();

  KRAKEN_ASSIGN_OR_RETURN(const std::uint64_t head, log.Head());
  std::uint64_t last = head;
  if (options.limit.until_seq) last = std::min(last, *options.limit.until_seq);
  if (last <= state.seq()) return state;
  const std::uint64_t total = last - state.seq();
  Status scanned = log.Scan(state.seq() + 1, last, [&](const Event& e) {
    if (!Within(options.limit, e.seq, e.ts_us)) return false;
    state.Apply(e);
    ++r.events_folded;
    if (options.progress && r.events_folded % 65536 == 0) {
      options.progress(r.events_folded, total);
    }
    return true;
  });
  KRAKEN_RETURN_IF_ERROR(std::move(scanned));
  if (options.progress) options.progress(r.events_folded, total);
  return state;
}

Result<std::uint64_t> CatchUp(const EventLog& log, AllianceState& state) {
  KRAKEN_ASSIGN_OR_RETURN(const std::uint64_t head, log.Head());
  if (head <= state.seq()) return std::uint64_t{0};
  std::uint64_t folded = 0;
  KRAKEN_RETURN_IF_ERROR(log.Scan(state.seq() + 1, head, [&](const Event& e) {
    state.Apply(e);
    ++folded;
    return true;
  }));
  return folded;
}

Status SaveSnapshot(EventLog& log, const AllianceState& state) {
  return log.PutSnapshot(kSnapshotName, state.seq(), state.EncodeSnapshot());
}

}  // namespace kraken
