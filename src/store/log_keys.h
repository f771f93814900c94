#pragma once
// Key and value layouts of the log's LMDB databases, specified in
// docs/log-layout.md. Pure byte handling: no LMDB here.

#include <cstdint>
#include <string>
#include <string_view>

#include "events/result.h"

namespace kraken {

// Written to meta/format when a log is created; a log with another tag is refused.
// kraken-log-2 dropped the heads database and the meta keys head_seq, last_hash
// and last_ts: all are read from the events and the stream index instead.
inline constexpr std::string_view kLogFormatTag = "kraken-log-2";

// Names of the named databases inside the environment.
inline constexpr const char* kEventsDb = "events";
inline constexpr const char* kStreamsDb = "streams";
inline constexpr const char* kIdempotencyDb = "idempotency";
inline constexpr const char* kMetaDb = "meta";
inline constexpr const char* kSnapshotsDb = "snapshots";

// The one key in the meta database.
inline constexpr std::string_view kMetaFormat = "format";

// LMDB's compile-time key limit (mdb_env_get_maxkeysize with the default build).
inline constexpr std::size_t kMaxKeyBytes = 511;
// A stream index key adds '\0' and an 8-byte version to the stream name.
inline constexpr std::size_t kStreamIndexSuffixBytes = 9;

void AppendBigEndian64(std::string& out, std::uint64_t value);
// Reads 8 bytes; `bytes` must hold at least 8.
std::uint64_t ReadBigEndian64(std::string_view bytes);

// streams database: stream bytes, '\0', version as 8 bytes big-endian, so that one
// stream's entries are adjacent and in version order.
std::string StreamIndexKey(std::string_view stream, std::uint64_t version);
// The prefix shared by every index key of `stream`.
std::string StreamIndexPrefix(std::string_view stream);
// The smallest key greater than every index key of `stream` ("<stream>\x01"):
// stream names hold no NUL, so no other stream's keys lie between the two.
std::string StreamIndexEnd(std::string_view stream);
// Splits a stream index key; false if it is not one.
bool ParseStreamIndexKey(std::string_view key, std::string_view& stream, std::uint64_t& version);

// idempotency database value: first and last sequence, 8 bytes big-endian each.
std::string IdempotencyValue(std::uint64_t first_seq, std::uint64_t last_seq);

// kInvalidArgument with a message naming the limit when a name cannot be a key.
Status CheckStreamName(std::string_view stream);
Status CheckIdempotencyKey(std::string_view key);
Status CheckSnapshotName(std::string_view name);

}  // namespace kraken
