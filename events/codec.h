#pragma once
// The event codec: one JSON object per record, specified field by field in
// docs/event-format.md. Encoding is hand-written; decoding uses simdjson, hidden
// behind EventDecoder so that this header stays free of it. Records exactly as
// EncodeRecord writes them (all of KRAKEN's, bar strings that need escapes) are
// read by a hand-written fast path first, which leaves anything else to
// simdjson (events/canonical_record.h); the results are the same either way.
//
// A record ends with its hash: `...,"hash":"<64 hex digits>"}`. The hash chain
// covers every byte before that suffix (HashedPart), so no re-encoding is needed
// to verify a record.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "events/event.h"
#include "events/result.h"
#include "events/upcaster.h"

namespace kraken {

inline constexpr std::size_t kHashHexLength = 64;

// What a record's hash field must hold: 64 lower-case hex digits (SHA-256).
constexpr bool IsHashHex(std::string_view text) {
  if (text.size() != kHashHexLength) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The record for `event`. Its hash field holds event.hash, or 64 zeros when
// event.hash is empty (the log fills it in with SetRecordHash).
std::string EncodeRecord(const Event& event);

// The bytes of `record` that its hash covers: all but the `,"hash":"…"}` suffix.
// kCorrupt if the record does not end with a well-formed hash field.
Result<std::string_view> HashedPart(std::string_view record);

// Overwrites the hash digits of a record made by EncodeRecord.
void SetRecordHash(std::string& record, std::string_view hash_hex);

// The payload's "data" object as JSON text (for --json output and upcasters).
std::string EncodePayloadJson(const Payload& payload);

// Decodes records. Not thread-safe: it reuses one parser and one buffer, so keep
// one per thread. Decoding a million records allocates little beyond the events,
// and with DecodeInto not even those.
class EventDecoder {
 public:
  explicit EventDecoder(const UpcasterChain& upcasters = UpcasterChain::Default());
  ~EventDecoder();
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  // Decodes `record`, stored under sequence `stored_seq`. Any malformation, or a
  // seq field that disagrees with stored_seq, is kCorrupt naming the sequence.
  Result<Event> Decode(std::string_view record, std::uint64_t stored_seq);

  // Decode for loops over many records: decodes into the caller's `out`, which
  // may hold any earlier event. On success `out` equals what Decode would return,
  // every member included (those the record leaves out are reset to their
  // defaults), and the storage it already had is reused: its strings' capacity,
  // its payload's when the type repeats, and its Fields' map nodes (the decoder
  // keeps a few dozen spare nodes between calls). A scan that decodes into one
  // Event, or into the same few, thus allocates almost nothing per record.
  // Errors are Decode's; after one, `out` holds an unspecified mix of old and new
  // values but stays a valid Event, to decode into again or to destroy.
  Status DecodeInto(std::string_view record, std::uint64_t stored_seq, Event& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kraken
