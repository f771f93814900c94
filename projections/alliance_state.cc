#include "projections/alliance_state.h"

#include "projections/roster_codec.h"

namespace kraken {

std::string AllianceState::EncodeSnapshot() const { return RosterCodec::Encode(*this); }

Result<AllianceState> AllianceState::DecodeSnapshot(const Schema& schema, std::string_view bytes) {
  return RosterCodec::Decode(schema, bytes);
}

}  // namespace kraken
