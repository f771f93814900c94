#include "projections/roster_codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace kraken {
namespace {

constexpr std::string_view kMagic = "KRKNSNAP";
constexpr std::size_t kFixed64Size = 8;

std::uint64_t ZigZag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t UnZigZag(std::uint64_t u) {
  return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

std::uint64_t LoadLittleEndian64(const char* p, std::size_t n = kFixed64Size) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  }
  return v;
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void Varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void Fixed64(std::uint64_t v) {
    for (std::size_t i = 0; i < kFixed64Size; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
  void Bytes(std::string_view s) {
    Varint(s.size());
    out_.append(s);
  }

 private:
  std::string& out_;
};

// Reads what Writer wrote. Every method returns false, rather than reading past
// the end, when the bytes run out or are malformed.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }

  [[nodiscard]] bool Varint(std::uint64_t& v) {
    std::uint64_t result = 0;
    for (unsigned shift = 0; shift < 64 && p_ < end_; shift += 7) {
      const auto byte = static_cast<unsigned char>(*p_++);
      // The tenth byte may only hold the 64th bit.
      if (shift == 63 && byte > 1) return false;
      result |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if (byte < 0x80) {
        v = result;
        return true;
      }
    }
    return false;
  }
  [[nodiscard]] bool Fixed64(std::uint64_t& v) {
    if (remaining() < kFixed64Size) return false;
    v = LoadLittleEndian64(p_);
    p_ += kFixed64Size;
    return true;
  }
  [[nodiscard]] bool Bytes(std::string_view& s) {
    std::uint64_t n = 0;
    if (!Varint(n) || n > remaining()) return false;
    s = std::string_view(p_, static_cast<std::size_t>(n));
    p_ += n;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

Error Corrupt(std::string_view what) {
  return MakeError(ErrorCode::kCorrupt,
                   fmt::format("snapshot is damaged ({}); it will be rebuilt", what));
}

void WriteTable(Writer& w, const Roster& roster, Table table) {
  const std::size_t width = roster.schema().columns(table).size();
  w.Varint(width);
  const std::vector<const Row*> rows = roster.Rows(table);
  w.Varint(rows.size());
  for (const Row* row : rows) {
    w.Varint(row->created_seq);
    for (std::size_t c = 0; c < width; ++c) {
      w.Bytes(row->values[c]);
      w.Varint(row->set_by[c]);
    }
  }
}

template <typename RowMap>
Status ReadTable(Reader& r, std::size_t width, Table table, RowMap& rows) {
  std::uint64_t columns = 0, count = 0;
  if (!r.Varint(columns) || columns != width) {
    return Corrupt(fmt::format("{} column count", TableName(table)));
  }
  // Each row takes at least one byte for created_seq and two per column, which
  // bounds the count before anything is reserved for it.
  if (!r.Varint(count) || count > r.remaining() / (1 + 2 * width)) {
    return Corrupt(fmt::format("{} row count", TableName(table)));
  }
  rows.reserve(static_cast<std::size_t>(count));
  for (std::uint64_t i = 0; i < count; ++i) {
    Row row;
    row.values.resize(width);
    row.set_by.resize(width);
    bool ok = r.Varint(row.created_seq);
    for (std::size_t c = 0; ok && c < width; ++c) {
      std::string_view value;
      ok = r.Bytes(value) && r.Varint(row.set_by[c]);
      if (ok) row.values[c].assign(value);
    }
    if (!ok) return Corrupt(fmt::format("{} row {} is cut short", TableName(table), i + 1));
    if (row.values[0].empty()) {
      return Corrupt(fmt::format("{} row {} has no key", TableName(table), i + 1));
    }
    std::string lower_key = ToLower(row.values[0]);
    if (!rows.try_emplace(std::move(lower_key), std::move(row)).second) {
      return Corrupt(fmt::format("{} row {} repeats a key", TableName(table), i + 1));
    }
  }
  return Ok{};
}

// In byte order, so that equal states encode to equal bytes.
void WriteVersions(Writer& w, const StreamVersions& versions) {
  using Entry = std::pair<const std::string, std::uint64_t>;
  std::vector<const Entry*> entries;
  entries.reserve(versions.all().size());
  for (const Entry& entry : versions.all()) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(),
            [](const Entry* a, const Entry* b) { return a->first < b->first; });
  w.Varint(entries.size());
  for (const Entry* entry : entries) {
    w.Bytes(entry->first);
    w.Varint(entry->second);
  }
}

template <typename VersionMap>
Status ReadVersions(Reader& r, VersionMap& versions) {
  std::uint64_t count = 0;
  // Each stream takes at least two bytes: an empty name's length and a version.
  if (!r.Varint(count) || count > r.remaining() / 2) return Corrupt("stream count");
  versions.reserve(static_cast<std::size_t>(count));
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string_view stream;
    std::uint64_t version = 0;
    if (!r.Bytes(stream) || !r.Varint(version)) return Corrupt("stream versions");
    if (!versions.try_emplace(std::string(stream), version).second) {
      return Corrupt("a stream is listed twice");
    }
  }
  return Ok{};
}

}  // namespace

std::uint64_t RosterCodec::Checksum(std::string_view bytes) {
  // Each step h -> rotl((h ^ word) * odd, 29) is a bijection of h for a fixed word
  // and of the word for a fixed h, so a single damaged word always changes the result.
  constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
  auto step = [](std::uint64_t h, std::uint64_t word) {
    h = (h ^ word) * kMultiplier;
    return (h << 29) | (h >> 35);
  };
  std::uint64_t h = 0x4B52414B454E5348ULL ^ bytes.size();
  std::size_t i = 0;
  for (; i + kFixed64Size <= bytes.size(); i += kFixed64Size) {
    h = step(h, LoadLittleEndian64(bytes.data() + i));
  }
  if (i < bytes.size()) h = step(h, LoadLittleEndian64(bytes.data() + i, bytes.size() - i));
  // Final avalanche (from MurmurHash3's fmix64).
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  h ^= h >> 33;
  return h;
}

std::string RosterCodec::Encode(const AllianceState& state) {
  const Roster& roster = state.roster_;
  std::string out;
  // A guess that avoids most regrowth: short values, small sequence numbers.
  out.reserve(64 + roster.pilots_.size() * (roster.schema().columns(Table::kPilot).size() * 8 + 4) +
              roster.corps_.size() * (roster.schema().columns(Table::kCorp).size() * 8 + 4) +
              state.changes_.days_.size() * 4 + state.versions_.versions_.size() * 24);
  Writer w(out);
  out.append(kMagic);
  w.Varint(kFormatVersion);
  w.Fixed64(roster.schema().Fingerprint());
  w.Varint(roster.seq_);
  w.Varint(ZigZag(roster.ts_us_));
  WriteTable(w, roster, Table::kPilot);
  WriteTable(w, roster, Table::kCorp);
  w.Varint(state.changes_.days_.size());
  std::int64_t previous_day = 0;
  for (const auto& [day, count] : state.changes_.days_) {
    // Days from int64 microseconds lie within +-2^27, so the difference cannot overflow.
    w.Varint(ZigZag(day - previous_day));
    w.Varint(count);
    previous_day = day;
  }
  WriteVersions(w, state.versions_);
  w.Fixed64(Checksum(out));
  return out;
}

Result<AllianceState> RosterCodec::Decode(const Schema& schema, std::string_view bytes) {
  if (bytes.size() < kMagic.size() + 1 + kFixed64Size || bytes.substr(0, kMagic.size()) != kMagic) {
    return Corrupt("it does not start like a KRAKEN snapshot");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - kFixed64Size);
  if (Checksum(body) != LoadLittleEndian64(bytes.data() + body.size())) {
    return Corrupt("checksum mismatch");
  }
  Reader r(body.substr(kMagic.size()));
  std::uint64_t format = 0, fingerprint = 0;
  if (!r.Varint(format)) return Corrupt("format version");
  if (format != kFormatVersion) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("snapshot has format version {}; this build reads version {}; "
                                 "it will be rebuilt",
                                 format, kFormatVersion));
  }
  if (!r.Fixed64(fingerprint)) return Corrupt("schema fingerprint");
  if (fingerprint != schema.Fingerprint()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "snapshot was made for another schema; it will be rebuilt");
  }

  AllianceState state(schema);
  Roster& roster = state.roster_;
  std::uint64_t ts = 0;
  if (!r.Varint(roster.seq_) || !r.Varint(ts)) return Corrupt("sequence or time");
  roster.ts_us_ = UnZigZag(ts);
  KRAKEN_RETURN_IF_ERROR(
      ReadTable(r, schema.columns(Table::kPilot).size(), Table::kPilot, roster.pilots_));
  KRAKEN_RETURN_IF_ERROR(
      ReadTable(r, schema.columns(Table::kCorp).size(), Table::kCorp, roster.corps_));
  roster.RebuildIndexes();

  std::uint64_t day_count = 0;
  if (!r.Varint(day_count) || day_count > r.remaining() / 2) return Corrupt("day count");
  auto& days = state.changes_.days_;
  std::int64_t previous_day = 0;
  for (std::uint64_t i = 0; i < day_count; ++i) {
    std::uint64_t delta = 0, count = 0;
    if (!r.Varint(delta) || !r.Varint(count)) return Corrupt("changes per day");
    // Unsigned addition wraps instead of overflowing; the order check catches it.
    const auto day = static_cast<std::int64_t>(static_cast<std::uint64_t>(previous_day) +
                                               static_cast<std::uint64_t>(UnZigZag(delta)));
    if (i > 0 && day <= previous_day) return Corrupt("days out of order");
    days.emplace_hint(days.end(), day, count);
    previous_day = day;
  }
  KRAKEN_RETURN_IF_ERROR(ReadVersions(r, state.versions_.versions_));
  if (r.remaining() != 0) return Corrupt("bytes after the end");
  return state;
}

}  // namespace kraken
