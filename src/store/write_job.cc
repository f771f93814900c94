#include "src/store/write_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cstring>

#include "events/codec.h"
#include "src/store/log_keys.h"
#include "src/store/log_tables.h"

namespace kraken {
namespace {

// Rough map bytes one event takes (record, index entry, copied pages), to
// grow the map ahead of a group. An underestimate ends in MDB_MAP_FULL and a retry.
constexpr std::uint64_t kEventBytesEstimate = 1024;

Error Conflict(std::string_view stream, std::uint64_t actual, std::uint64_t expected) {
  Error error =
      MakeError(ErrorCode::kConflict,
                fmt::format("stream {} is at version {}, expected {}", stream, actual, expected));
  error.actual_version = actual;
  return error;
}

Error IndexDisagrees(std::uint64_t seq, std::string_view what, const std::string& dir) {
  return MakeError(ErrorCode::kCorrupt,
                   fmt::format("cannot append event {}: {} already exists although the log's head "
                               "says otherwise; verify the log in {}",
                               seq, what, dir));
}

std::string BigEndian(std::uint64_t number) {
  std::string bytes;
  AppendBigEndian64(bytes, number);
  return bytes;
}

// Stores a fully assigned `event` and its `record` under its seq and in its
// stream's index. MDB_KEYEXIST means the indexes disagree with the chain head.
int PutEvent(const JobContext& ctx, const Event& event, std::string_view record,
             std::optional<Error>& error) {
  // Events sort last in the database, so the record goes at its very end.
  MDB_val value = ToVal(record);
  int rc = TablePut(ctx.txn, ctx.db, Table::kEvents, EventKey(event.seq), value, MDB_APPEND);
  if (rc == MDB_KEYEXIST) {
    // MDB_APPEND: some key at or after this one exists.
    error = IndexDisagrees(event.seq, "a record with that sequence (or a key after it)", ctx.dir);
  }
  if (rc != MDB_SUCCESS) return rc;

  const std::string index_key = StreamIndexKey(event.stream, event.version);
  const std::string seq_bytes = BigEndian(event.seq);
  value = ToVal(seq_bytes);
  rc = TablePut(ctx.txn, ctx.db, Table::kStreams, index_key, value, MDB_NOOVERWRITE);
  if (rc == MDB_KEYEXIST) {
    error = IndexDisagrees(
        event.seq, fmt::format("version {} of stream {}", event.version, event.stream), ctx.dir);
  }
  return rc;
}

// The Run* functions are RunWriteJob for each kind of job.
int RunAppend(const JobContext& ctx, WriteJob& job, ChainHead& chain, bool& wrote) {
  AppendRequest& request = *job.request;
  const std::string& idempotency_key = request.idempotency_key;
  if (!idempotency_key.empty()) {
    std::string_view seqs;
    const int rc = GetIdempotency(ctx.txn, ctx.db, idempotency_key, seqs);
    if (rc == MDB_SUCCESS) {
      job.result = {ReadBigEndian64(seqs), ReadBigEndian64(seqs.substr(8)), true};
      return MDB_SUCCESS;
    }
    if (rc != MDB_NOTFOUND) return rc;
  }
  for (const auto& [stream, expected] : request.expected_versions) {
    if (expected == kAnyVersion) continue;
    std::uint64_t actual = 0;
    if (int rc = ReadStreamVersion(ctx.txn, ctx.db, stream, actual); rc != MDB_SUCCESS) return rc;
    if (actual != expected) {
      job.error = Conflict(stream, actual, expected);
      return MDB_SUCCESS;
    }
  }

  const std::int64_t now = ctx.clock();
  const std::uint64_t first_seq = chain.head_seq + 1;
  for (Event& event : request.events) {
    std::uint64_t version = 0;
    if (int rc = ReadStreamVersion(ctx.txn, ctx.db, event.stream, version); rc != MDB_SUCCESS) {
      return rc;
    }
    event.seq = chain.head_seq + 1;
    event.version = version + 1;
    event.ts_us = std::max(now, chain.last_ts);
    event.idempotency_key = idempotency_key;
    event.hash.clear();
    std::string record = EncodeRecord(event);
    const Result<std::string_view> hashed = HashedPart(record);
    assert(hashed.ok());  // EncodeRecord always ends with the hash field
    const Digest digest = ctx.hasher.Next(chain.last_hash, *hashed);
    event.hash = DigestHex(digest);
    SetRecordHash(record, event.hash);
    if (int rc = PutEvent(ctx, event, record, job.error); rc != MDB_SUCCESS) {
      return job.error ? MDB_SUCCESS : rc;
    }
    chain = ChainHead{event.seq, digest, event.ts_us};
  }
  if (!idempotency_key.empty()) {
    const std::string seqs = IdempotencyValue(first_seq, chain.head_seq);
    if (int rc = PutIdempotency(ctx.txn, ctx.db, idempotency_key, seqs); rc != MDB_SUCCESS) {
      return rc;
    }
  }
  job.result = {first_seq, chain.head_seq, false};
  wrote = true;
  return MDB_SUCCESS;
}

int RunPutSnapshot(const JobContext& ctx, WriteJob& job, const ChainHead& chain, bool& wrote) {
  if (job.seq > chain.head_seq) {
    job.error = MakeError(ErrorCode::kInvalidArgument,
                          fmt::format("snapshot \"{}\" is at sequence {}, beyond the log's head {}",
                                      job.name, job.seq, chain.head_seq));
    return MDB_SUCCESS;
  }
  MDB_val value{8 + job.bytes.size(), nullptr};
  // MDB_RESERVE: copy a large snapshot once, straight into the page.
  if (int rc = TablePut(ctx.txn, ctx.db, Table::kSnapshots, job.name, value, MDB_RESERVE);
      rc != MDB_SUCCESS) {
    return rc;
  }
  const std::string seq_bytes = BigEndian(job.seq);
  std::memcpy(value.mv_data, seq_bytes.data(), 8);
  if (!job.bytes.empty()) {
    std::memcpy(static_cast<char*>(value.mv_data) + 8, job.bytes.data(), job.bytes.size());
  }
  wrote = true;
  return MDB_SUCCESS;
}

int RunDeleteSnapshot(const JobContext& ctx, WriteJob& job, bool& wrote) {
  const int rc = TableDel(ctx.txn, ctx.db, Table::kSnapshots, job.name);
  if (rc == MDB_NOTFOUND) return MDB_SUCCESS;  // deleting nothing succeeds
  wrote = rc == MDB_SUCCESS;
  return rc;
}

}  // namespace

int RunWriteJob(const JobContext& ctx, WriteJob& job, ChainHead& chain, bool& wrote) {
  switch (job.kind) {
    case WriteJob::Kind::kAppend:
      return RunAppend(ctx, job, chain, wrote);
    case WriteJob::Kind::kPutSnapshot:
      return RunPutSnapshot(ctx, job, chain, wrote);
    case WriteJob::Kind::kDeleteSnapshot:
      return RunDeleteSnapshot(ctx, job, wrote);
  }
  return EINVAL;
}

std::string_view Describe(const WriteJob& job) {
  return job.kind == WriteJob::Kind::kAppend ? "appending to the event log" : "writing a snapshot";
}

std::uint64_t MapBytesEstimate(const WriteJob& job) {
  if (job.kind == WriteJob::Kind::kAppend) return job.request->events.size() * kEventBytesEstimate;
  return 2 * job.bytes.size() + kEventBytesEstimate;
}

}  // namespace kraken
