// Fuzzes the event codec's decoder on a stored record (events/codec.h): what the
// log reads back from LMDB, and what `kraken verify` and every replay decode.
//
// Invariants: decoding never crashes; Decode and DecodeInto (into an Event that
// already holds another record's values, reusing the decoder's spare nodes)
// agree; a decoded event encodes to a record that decodes to the same event
// (encode . decode is stable), and HashedPart of that record is its prefix.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "events/codec.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

// The sequence the record claims, so that the fuzzer gets past the check that
// a record is stored under its own sequence; 1 when it claims none.
std::uint64_t ClaimedSeq(std::string_view record) {
  constexpr std::string_view kSeq = "\"seq\":";
  const std::size_t at = record.find(kSeq);
  if (at == std::string_view::npos) return 1;
  std::uint64_t seq = 0;
  for (std::size_t i = at + kSeq.size(); i < record.size() && i < at + kSeq.size() + 19; ++i) {
    if (record[i] < '0' || record[i] > '9') break;
    seq = seq * 10 + static_cast<std::uint64_t>(record[i] - '0');
  }
  return seq;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using kraken::Event;
  static kraken::EventDecoder decoder;
  static Event reused;  // holds the last input's event: DecodeInto must not leak it
  const std::string_view record(reinterpret_cast<const char*>(data), size);
  const std::uint64_t seq = ClaimedSeq(record);

  auto decoded = decoder.Decode(record, seq);
  const kraken::Status into = decoder.DecodeInto(record, seq, reused);
  KRAKEN_FUZZ_CHECK(decoded.ok() == into.ok(), "Decode and DecodeInto disagree on the record");
  (void)kraken::HashedPart(record);
  if (!decoded.ok()) {
    KRAKEN_FUZZ_CHECK(decoded.error().code == kraken::ErrorCode::kCorrupt,
                      "a record that does not decode is kCorrupt: " + decoded.error().message);
    return 0;
  }
  const std::string encoded = kraken::EncodeRecord(*decoded);
  KRAKEN_FUZZ_CHECK(kraken::EncodeRecord(reused) == encoded,
                    "DecodeInto into a used Event differs from Decode: " + encoded);
  KRAKEN_FUZZ_CHECK(decoded->seq == seq, "the event is not the stored sequence's");

  auto again = decoder.Decode(encoded, seq);
  KRAKEN_FUZZ_CHECK(again.ok(), "the re-encoded record does not decode: " + encoded);
  KRAKEN_FUZZ_CHECK(kraken::EncodeRecord(*again) == encoded,
                    "encode(decode(record)) is not stable: " + encoded);
  auto hashed = kraken::HashedPart(encoded);
  if (hashed.ok()) {
    KRAKEN_FUZZ_CHECK(encoded.compare(0, hashed->size(), *hashed) == 0,
                      "HashedPart is not a prefix of the record");
  }
  return 0;
}
