#pragma once
// The decoder's fast path (internal to events/, not part of the API). Every
// record KRAKEN writes has the exact form EncodeRecord gives it: the members in
// the documented order, no whitespace. Those records, read front to back with a
// few comparisons, need neither simdjson's index of the document nor its
// member-by-member navigation. Anything else goes to the general decoder.

#include <cstdint>
#include <string_view>
#include <vector>

#include "events/event.h"

namespace kraken::codec_internal {

class FieldNodes;

// Decodes `record` into `out` when it is in EncodeRecord's form with nothing
// unusual: the members in order with no whitespace, no escape sequence or
// control character in any string, a data object holding only the type's own
// members, the current schema version, sequence `stored_seq`, a known type and
// source, a valid timestamp, valid UTF-8. The result is then what the general
// decoder gives. Otherwise returns false, perhaps having written part of `out`,
// and reports nothing: the general decoder reads the record and names what is
// wrong, so both paths give the same events and the same errors.
// `type_names` is AllTypeNames(); spare Fields nodes come from and go to `nodes`.
bool DecodeCanonicalRecord(std::string_view record, std::uint64_t stored_seq,
                           const std::vector<std::string_view>& type_names, FieldNodes& nodes,
                           Event& out);

}  // namespace kraken::codec_internal
