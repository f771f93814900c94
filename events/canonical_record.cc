#include "events/canonical_record.h"

#include <simdjson.h>

#include <bit>
#include <cstddef>
#include <cstring>
#include <limits>

#include "events/codec.h"
#include "events/payload_members.h"

namespace kraken::codec_internal {
namespace {

// Reads a record front to back. Every method either consumes what it expects
// and returns true, or returns false; the caller then gives up on the record.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool AtEnd() const { return p_ == end_; }

  // `literal` exactly: punctuation and member names, quotes included. Its
  // length is known when compiling, so the comparison is a few instructions.
  template <std::size_t N>
  bool Literal(const char (&literal)[N]) {
    constexpr std::size_t kLength = N - 1;
    if (static_cast<std::size_t>(end_ - p_) < kLength || !SameBytes(p_, literal, kLength)) {
      return false;
    }
    p_ += kLength;
    return true;
  }

  // Whether every string read so far was ASCII (the rest of a record that
  // matches is ASCII by construction).
  bool AllAscii() const { return (seen_ & (kOnes << 7)) == 0; }

  // A string without escapes or control characters (JSON allows neither
  // unescaped), as a view of the record: what a JSON parser would give for it.
  bool String(std::string_view& out) {
    const char* p = p_;  // locals, so that the loop keeps them in registers
    if (p == end_ || *p != '"') return false;
    const char* begin = ++p;
    std::uint64_t seen = seen_;
    // Eight bytes at a time up to the first quote, backslash or byte below 0x20.
    // `word` may hold bytes after the string too: `seen` is then only cautious.
    for (; end_ - p >= 8; p += 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      seen |= word;
      if (const std::uint64_t special = SpecialBytes(word); special != 0) {
        if constexpr (std::endian::native == std::endian::little) {
          // The lowest marked byte is the first special one (the tests' false
          // alarms are only ever above a true one).
          p += std::countr_zero(special) / 8;
          return EndString(p, begin, seen, out);
        }
        break;
      }
    }
    for (; p != end_; ++p) {
      const auto byte = static_cast<unsigned char>(*p);
      if (byte == '"' || byte == '\\' || byte < 0x20) break;
      seen |= byte;
    }
    return EndString(p, begin, seen, out);
  }

  // An unsigned integer in JSON's form (no sign, no leading zero, no fraction or
  // exponent: those stop the digits, and what follows then does not match) that
  // fits in 64 bits.
  bool Unsigned(std::uint64_t& out) {
    const char* begin = p_;
    std::uint64_t value = 0;
    for (; p_ != end_; ++p_) {
      const auto digit = static_cast<unsigned>(static_cast<unsigned char>(*p_) - '0');
      if (digit > 9) break;
      if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
      value = value * 10 + digit;
    }
    if (p_ == begin || (*begin == '0' && p_ - begin > 1)) return false;
    out = value;
    return true;
  }

 private:
  static constexpr std::uint64_t kOnes = 0x0101010101010101ULL;

  // The bytes of `word` that are a quote, a backslash or below 0x20, each marked
  // by its top bit (the classic "has a zero byte" and "has a byte below n"
  // tests). Bytes of 0x80 and above are never marked.
  static std::uint64_t SpecialBytes(std::uint64_t word) {
    const std::uint64_t quote = word ^ (kOnes * '"'), backslash = word ^ (kOnes * '\\');
    return ((word - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes)) & ~word & (kOnes << 7);
  }

  // Ends a string at `p`: a quote ends it, anything else (an escape, a control
  // character, the end of the record) means the general decoder must read it.
  bool EndString(const char* p, const char* begin, std::uint64_t seen, std::string_view& out) {
    if (p == end_ || *p != '"') return false;
    out = std::string_view(begin, static_cast<std::size_t>(p - begin));
    p_ = p + 1;
    seen_ = seen;
    return true;
  }

  const char* p_;
  const char* end_;
  std::uint64_t seen_ = 0;  // every byte of every string, OR-ed together
};

bool ReadMember(Cursor& in, std::string& out, FieldNodes&) {
  std::string_view text;
  if (!in.String(text)) return false;
  out.assign(text);
  return true;
}

bool ReadMember(Cursor& in, std::uint64_t& out, FieldNodes&) { return in.Unsigned(out); }

// A flat object of strings. As in the general decoder, a repeated member
// replaces the whole map and a repeated key keeps its first value.
bool ReadMember(Cursor& in, Fields& out, FieldNodes& nodes) {
  nodes.Recycle(out);
  if (!in.Literal("{")) return false;
  if (in.Literal("}")) return true;
  do {
    std::string_view key, value;
    if (!in.String(key) || !in.Literal(":") || !in.String(value)) return false;
    nodes.Add(out, key, value);
  } while (in.Literal(","));
  return in.Literal("}");
}

// The data object, into `payload` (already reset to its type). A member the
// type does not have, or of the wrong kind, is left to the general decoder.
bool ReadData(Cursor& in, Payload& payload, FieldNodes& nodes) {
  if (!in.Literal("{")) return false;
  if (in.Literal("}")) return true;
  do {
    std::string_view name;
    if (!in.String(name) || !in.Literal(":")) return false;
    bool matched = false, ok = false;
    std::visit(
        [&](auto& p) {
          ForEachMember(p, [&](std::string_view member_name, auto& member) {
            if (matched || !IsName(name, member_name)) return;
            matched = true;
            ok = ReadMember(in, member, nodes);
          });
        },
        payload);
    if (!ok) return false;
  } while (in.Literal(","));
  return in.Literal("}");
}

}  // namespace

bool DecodeCanonicalRecord(std::string_view record, std::uint64_t stored_seq,
                           const std::vector<std::string_view>& type_names, FieldNodes& nodes,
                           Event& out) {
  Cursor in(record);
  std::uint64_t seq = 0, version = 0, schema_version = 0;
  std::string_view stream, type, ts, src, actor, idem, corr, hash;
  if (!in.Literal("{\"seq\":") || !in.Unsigned(seq) || seq != stored_seq ||
      !in.Literal(",\"stream\":") || !in.String(stream) || stream.empty() ||
      !in.Literal(",\"ver\":") || !in.Unsigned(version) ||  //
      !in.Literal(",\"type\":") || !in.String(type) ||      //
      !in.Literal(",\"ts\":") || !in.String(ts) ||          //
      !in.Literal(",\"src\":") || !in.String(src) ||        //
      !in.Literal(",\"actor\":") || !in.String(actor)) {
    return false;
  }
  // Both optional; written only when not empty.
  if (in.Literal(",\"idem\":") && !in.String(idem)) return false;
  if (in.Literal(",\"corr\":") && !in.String(corr)) return false;
  // Older versions need the upcasters; newer ones are refused. Both are the
  // general decoder's.
  if (!in.Literal(",\"v\":") || !in.Unsigned(schema_version) ||
      schema_version != kCurrentSchemaVersion || !in.Literal(",\"data\":")) {
    return false;
  }
  const std::size_t type_index = TypeIndex(type_names, type);
  const auto ts_us = ParseTimestamp(ts);
  const auto source = ParseSource(src);
  if (type_index == std::variant_npos || !ts_us || !source) return false;
  ResetPayload(type_index, out.payload, nodes);
  if (!ReadData(in, out.payload, nodes) || !in.Literal(",\"hash\":") || !in.String(hash) ||
      !IsHashHex(hash) || !in.Literal("}") || !in.AtEnd()) {
    return false;  // the general decoder says what is wrong
  }
  // A JSON parser refuses invalid UTF-8 anywhere in the document.
  if (!in.AllAscii() && !simdjson::validate_utf8(record.data(), record.size())) return false;
  out.seq = seq;
  out.version = version;
  out.ts_us = *ts_us;
  out.hash.assign(hash);
  out.stream.assign(stream);
  out.source = *source;
  out.actor.assign(actor);
  out.idempotency_key.assign(idem);
  out.correlation_id.assign(corr);
  out.schema_version = kCurrentSchemaVersion;
  return true;
}

}  // namespace kraken::codec_internal
