#pragma once
// The event codec: one JSON object per record, specified field by field in
// docs/event-format.md. Encoding is hand-written; decoding uses simdjson, hidden
// behind EventDecoder so that this header stays free of it.
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
// one per thread. Decoding a million records allocates little beyond the events.
class EventDecoder {
 public:
  explicit EventDecoder(const UpcasterChain& upcasters = UpcasterChain::Default());
  ~EventDecoder();
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  // Decodes `record`, stored under sequence `stored_seq`. Any malformation, or a
  // seq field that disagrees with stored_seq, is kCorrupt naming the sequence.
  Result<Event> Decode(std::string_view record, std::uint64_t stored_seq);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kraken
