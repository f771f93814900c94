#pragma once
// EventLog is KRAKEN's append-only store: events keyed by a gapless global
// sequence in one LMDB environment, with an index per stream, an idempotency
// index, a hash chain and a snapshot slot. Key layout: docs/log-layout.md.
//
// Thread-safe. Appends from many threads are merged (by whichever caller leads the
// group, on its own thread; src/store/log_writer.h) into one
// LMDB write transaction and one sync (group commit); each caller still gets its
// own result. Other processes (the CLI beside a running server) may append to the
// same directory at the same time through LMDB's cross-process writer lock.

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/event.h"
#include "events/result.h"

namespace kraken {

// The longest idempotency key (docs/log-layout.md).
inline constexpr std::size_t kMaxIdempotencyKeyBytes = 511;

// Expected version meaning "whatever the stream's version is".
inline constexpr std::uint64_t kAnyVersion = std::numeric_limits<std::uint64_t>::max();

struct AppendRequest {
  // Appended in order, all or nothing. The log assigns seq, version, ts and hash;
  // stream, source, actor, correlation id and payload are the caller's.
  std::vector<Event> events;
  // For each stream named here, the version it must have before this batch
  // (0: the stream must not exist yet). Streams not named: any version.
  std::map<std::string, std::uint64_t, std::less<>> expected_versions;
  // If set and a batch with this key was appended before, nothing is appended
  // and the original batch's result is returned with duplicate = true. Stored on
  // every event of the batch.
  std::string idempotency_key;
};

struct AppendResult {
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  bool duplicate = false;  // the idempotency key had been used; nothing appended
};

struct LogStats {
  std::uint64_t head_seq = 0;
  std::uint64_t streams = 0;
  std::uint64_t idempotency_keys = 0;
  std::uint64_t map_bytes = 0;     // current LMDB map size
  std::uint64_t used_bytes = 0;    // pages in use
  std::uint64_t snapshot_seq = 0;  // 0: no snapshot
  std::uint64_t snapshot_bytes = 0;
  std::uint64_t readers_cleared_on_open = 0;
};

struct VerifyReport {
  std::uint64_t events_checked = 0;
  std::uint64_t streams_checked = 0;
  std::uint64_t idempotency_keys_checked = 0;
  std::vector<std::string> problems;  // empty: the log is intact
};

struct StoredSnapshot {
  std::uint64_t seq = 0;
  std::string bytes;
};

class EventLog {
 public:
  struct Options {
    std::uint64_t initial_map_bytes = 64ull << 20;
    // Grow the map (doubling, up to max_map_bytes) once a commit would leave it
    // more than this full, so MDB_MAP_FULL is not reached in normal operation.
    double grow_at_fraction = 0.75;
    std::uint64_t max_map_bytes = 1ull << 40;
    // Source of event timestamps (UTC microseconds). Timestamps never go backwards
    // in the log: an event gets max(clock(), previous event's ts).
    std::function<std::int64_t()> clock;  // empty: the system clock
  };

  // Opens or creates the log in directory `dir` (created if missing). Clears
  // stale reader slots left by crashed processes. kIo if LMDB cannot open it.
  static Result<std::unique_ptr<EventLog>> Open(const std::string& dir, Options options);
  static Result<std::unique_ptr<EventLog>> Open(const std::string& dir);
  ~EventLog();  // every call into the log must have returned

  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Appends `request` atomically and returns once its commit is on disk.
  // kConflict (error.actual_version set) if an expected version does not match;
  // kInvalidArgument for an empty batch or an event without a stream; kDiskFull
  // when the disk is full (nothing is written; appends work again once space
  // returns); kIo for other LMDB failures. One caller's failure does not fail the
  // other callers merged into the same commit.
  Result<AppendResult> Append(AppendRequest request);

  // The sequence of the newest event (0 if the log is empty).
  Result<std::uint64_t> Head() const;
  // A stream's current version (0 if it does not exist).
  Result<std::uint64_t> StreamVersion(std::string_view stream) const;
  // The batch appended earlier with idempotency key `key`, or nullopt if the key
  // is unused. Lets a caller answer a retried request the way it answered the
  // first one, before validating it again.
  Result<std::optional<AppendResult>> FindIdempotencyKey(std::string_view key) const;
  // One event. kNotFound if seq is beyond the head; kCorrupt if it does not decode.
  Result<Event> Get(std::uint64_t seq) const;

  // Calls `fn` for each event with from_seq <= seq <= to_seq, in order, decoding
  // each once; `fn` returns false to stop early. The range ends at the head as
  // it is when Scan starts. Stops with kCorrupt at the first record that does not
  // decode, after calling `fn` for every event before it. `fn` runs on the
  // calling thread with no transaction open, so it may call back into the log,
  // even Append. A range of more than a couple of thousand events is decoded by
  // a second thread as well, up to a few chunks ahead of `fn`.
  Status Scan(std::uint64_t from_seq, std::uint64_t to_seq,
              const std::function<bool(const Event&)>& fn) const;
  // The events of one stream, oldest first.
  Result<std::vector<Event>> ReadStream(std::string_view stream) const;
  // The sequences above `after_seq` of the events of every stream whose name
  // starts with `prefix` ("conflict/"), ascending. One walk over those streams'
  // index entries; no record is read, so it costs what those streams hold, not
  // what the whole log appended meanwhile.
  Result<std::vector<std::uint64_t>> FindInStreams(std::string_view prefix,
                                                   std::uint64_t after_seq) const;

  // The projection snapshot slot (one, named by its owner). Put replaces it.
  Status PutSnapshot(std::string_view name, std::uint64_t seq, std::string_view bytes);
  Result<std::optional<StoredSnapshot>> GetSnapshot(std::string_view name) const;
  Status DeleteSnapshot(std::string_view name);

  // Checks every record decodes, the hash chain from sequence 1, the sequence
  // keys are gapless, and that every stream and idempotency index entry points at
  // a matching event and every event is indexed. `progress` (may be empty) is
  // called with (checked, total) now and then.
  Result<VerifyReport> Verify(
      const std::function<void(std::uint64_t, std::uint64_t)>& progress = {}) const;

  // A hot, compacting copy of the environment into directory `dir` (created if
  // missing; must not already hold a log). Appends may continue meanwhile.
  Status Backup(const std::string& dir) const;

  Result<LogStats> Stats() const;
  const std::string& dir() const;

 private:
  struct Impl;
  explicit EventLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kraken
