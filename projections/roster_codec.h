#pragma once
// RosterCodec: the snapshot encoding of an AllianceState (AllianceState::EncodeSnapshot
// and DecodeSnapshot delegate here). A snapshot is a cache, never a source of truth:
// anything unexpected in it is an error, and the caller rebuilds from the log.
//
// Format (integers are LEB128 varints unless fixed; zigzag for signed values):
//
//   magic        8 bytes  "KRKNSNAP"
//   format       varint   kFormatVersion
//   fingerprint  fixed64  Schema::Fingerprint() of the schema it was made with
//   seq          varint   last event applied
//   ts_us        zigzag   its time
//   2 tables     pilots, then corps:
//     columns    varint   number of columns (the schema's)
//     rows       varint   number of rows, then per row, in key order ignoring case:
//       created_seq varint
//       per column: value (varint length, then the bytes), set_by (varint)
//   days         varint   number of days, then per day in increasing order:
//     day        zigzag   days since 1970-01-01, as the difference from the previous one
//     changes    varint
//   streams      varint   number of streams, then per stream in byte order:
//     stream     varint length, then the bytes
//     version    varint   its last event's version
//   checksum     fixed64  Checksum() of every byte before it
//
// Fixed-width integers are little-endian. The magic, the format varint right after
// it and the trailing checksum are the same in every format version, so a snapshot
// of another version is told apart from a damaged one.

#include <cstdint>
#include <string>
#include <string_view>

#include "events/result.h"
#include "events/schema.h"
#include "projections/alliance_state.h"

namespace kraken {

class RosterCodec {
 public:
  static constexpr std::uint64_t kFormatVersion = 1;

  static std::string Encode(const AllianceState& state);

  // kCorrupt if `bytes` is truncated or damaged (every read is bounds-checked);
  // kInvalidArgument if it is of another format version or was made for a schema
  // with another fingerprint.
  static Result<AllianceState> Decode(const Schema& schema, std::string_view bytes);

  // A 64-bit checksum that catches any change confined to one aligned 8-byte word
  // with certainty, and others with probability 1 - 2^-64.
  static std::uint64_t Checksum(std::string_view bytes);
};

}  // namespace kraken
