#pragma once
// Key and value layouts of the log's tables, specified in
// docs/log-layout.md. Pure byte handling: no LMDB here.

#include <cstdint>
#include <string>
#include <string_view>

#include "events/result.h"
#include "src/store/event_log.h"

namespace kraken {

// The format tag, in the named database "meta" under "format", written when a
// log is created; a log with another tag is refused. kraken-log-2 dropped the
// heads database and the meta keys head_seq, last_hash and last_ts (all are read
// from the events and the stream index instead); kraken-log-3 moved every table
// but "meta" into LMDB's main database (one B-tree to update per commit instead
// of one per table plus the main one). "meta" stays where every earlier build
// looks for the tag, so an older build refuses a newer log instead of taking it
// for an empty one.
inline constexpr std::string_view kLogFormatTag = "kraken-log-3";
// The layout before, converted in place when opened (log_upgrade.h).
inline constexpr std::string_view kLogFormat2Tag = "kraken-log-2";
inline constexpr const char* kMetaDb = "meta";
inline constexpr std::string_view kMetaFormat = "format";

// The log's tables. All live in LMDB's main database, each key starting with its
// table's byte. Events sort last, after the "meta" database's own entry, so each
// append puts its records at the very end of the database (MDB_APPEND).
enum class Table : char {
  kIdempotency = 'I',  // idempotency key -> first seq, last seq (8 bytes BE each)
  // Idempotency keys longer than kMaxKeyBytes, which LMDB cannot hold as keys:
  // SHA-256 of the key (32 bytes) -> first seq, last seq, then the key itself.
  kLongIdempotency = 'J',
  kSnapshots = 'P',  // owner's name -> seq (8 bytes BE), then the snapshot bytes
  kStreams = 'S',    // stream, '\0', version (8 bytes BE) -> seq (8 bytes BE)
  kEvents = 'r',     // seq (8 bytes BE) -> the event's record
};
static_assert(static_cast<char>(Table::kEvents) > 'm', "events must sort after \"meta\"");

// The longest key of a table: LMDB's compile-time key limit (511 bytes with the
// default build, mdb_env_get_maxkeysize) less the table's byte. Idempotency keys
// may be longer (Table::kLongIdempotency).
inline constexpr std::size_t kMaxKeyBytes = 510;
// The bytes before the key in a kLongIdempotency value.
inline constexpr std::size_t kIdempotencyValueBytes = 16;

// A stream index key adds '\0' and an 8-byte version to the stream name.
inline constexpr std::size_t kStreamIndexSuffixBytes = 9;

void AppendBigEndian64(std::string& out, std::uint64_t value);
// Reads 8 bytes; `bytes` must hold at least 8.
std::uint64_t ReadBigEndian64(std::string_view bytes);

// The events table's key of `seq`: 8 bytes big-endian, so keys sort by seq.
std::string EventKey(std::uint64_t seq);
// The seq in an events table key; 0 if `key` is not one.
std::uint64_t SeqOfEventKey(std::string_view key);

// streams table: stream bytes, '\0', version as 8 bytes big-endian, so that one
// stream's entries are adjacent and in version order.
std::string StreamIndexKey(std::string_view stream, std::uint64_t version);
// The prefix shared by every index key of `stream`.
std::string StreamIndexPrefix(std::string_view stream);
// The smallest key greater than every index key of `stream` ("<stream>\x01"):
// stream names hold no NUL, so no other stream's keys lie between the two.
std::string StreamIndexEnd(std::string_view stream);
// Splits a stream index key; false if it is not one.
bool ParseStreamIndexKey(std::string_view key, std::string_view& stream, std::uint64_t& version);

// idempotency table value: first and last sequence, 8 bytes big-endian each.
std::string IdempotencyValue(std::uint64_t first_seq, std::uint64_t last_seq);

// kInvalidArgument with a message naming the limit when a name cannot be a key.
Status CheckStreamName(std::string_view stream);
Status CheckIdempotencyKey(std::string_view key);
Status CheckSnapshotName(std::string_view name);

}  // namespace kraken
