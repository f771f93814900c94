#pragma once
// AllianceState: every projection KRAKEN keeps, applied together and snapshotted
// together. A snapshot is only a cache: decoding it and folding the events after
// its seq() gives exactly the state a full replay gives.

#include <cstdint>
#include <string>
#include <string_view>

#include "events/event.h"
#include "events/result.h"
#include "events/schema.h"
#include "projections/alliance_analytics.h"
#include "projections/roster.h"
#include "projections/stream_versions.h"

namespace kraken {

class AllianceState {
 public:
  explicit AllianceState(const Schema& schema) : roster_(schema) {}

  void Apply(const Event& event) {
    roster_.Apply(event);
    changes_.Apply(event);
    versions_.Apply(event);
  }

  std::uint64_t seq() const { return roster_.seq(); }
  const Roster& roster() const { return roster_; }
  const ChangesPerDay& changes() const { return changes_; }
  const StreamVersions& versions() const { return versions_; }

  // A compact binary encoding of the whole state (format in projections/roster_codec.h).
  std::string EncodeSnapshot() const;
  // kCorrupt if `bytes` is damaged; kInvalidArgument if it was made for another
  // schema (its fingerprint differs) or an older snapshot format: rebuild then.
  static Result<AllianceState> DecodeSnapshot(const Schema& schema, std::string_view bytes);

 private:
  friend class RosterCodec;
  Roster roster_;
  ChangesPerDay changes_;
  StreamVersions versions_;
};

}  // namespace kraken
