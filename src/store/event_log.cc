#include "src/store/event_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

#include "events/codec.h"
#include "src/store/decoder_pool.h"
#include "src/store/lmdb_env.h"
#include "src/store/log_heads.h"
#include "src/store/log_keys.h"
#include "src/store/log_reader.h"
#include "src/store/log_tables.h"
#include "src/store/log_verifier.h"
#include "src/store/log_writer.h"

namespace kraken {
namespace {

std::int64_t SystemClockMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

struct EventLog::Impl {
  // Declared before the writer, so the writer (which drains its queue) goes first.
  std::unique_ptr<LmdbEnv> env;
  std::unique_ptr<LogWriter> writer;
  DecoderPool decoders;

  Result<std::uint64_t> ReadHead(MDB_txn* txn) const {
    std::uint64_t head_seq = 0;
    if (int rc = ReadHeadSeq(txn, env->db(), head_seq); rc != MDB_SUCCESS) {
      return env->Translate(rc, "reading the log's head");
    }
    return head_seq;
  }
};

EventLog::EventLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventLog::~EventLog() = default;

Result<std::unique_ptr<EventLog>> EventLog::Open(const std::string& dir) {
  return Open(dir, Options{});
}

Result<std::unique_ptr<EventLog>> EventLog::Open(const std::string& dir, Options options) {
  if (!options.clock) options.clock = SystemClockMicros;
  const std::uint64_t initial = std::min(options.initial_map_bytes, options.max_map_bytes);
  KRAKEN_ASSIGN_OR_RETURN(std::unique_ptr<LmdbEnv> env,
                          LmdbEnv::Open(dir, initial, options.max_map_bytes));
  auto impl = std::make_unique<Impl>();
  impl->env = std::move(env);
  impl->writer = std::make_unique<LogWriter>(
      *impl->env, LogWriter::Options{options.grow_at_fraction, options.max_map_bytes,
                                     std::move(options.clock)});
  return std::unique_ptr<EventLog>(new EventLog(std::move(impl)));
}

Result<AppendResult> EventLog::Append(AppendRequest request) {
  return impl_->writer->Append(request);
}

Result<std::uint64_t> EventLog::Head() const {
  KRAKEN_ASSIGN_OR_RETURN(LmdbEnv::Txn txn, impl_->env->BeginRead());
  return impl_->ReadHead(txn.get());
}

Result<std::uint64_t> EventLog::StreamVersion(std::string_view stream) const {
  KRAKEN_RETURN_IF_ERROR(CheckStreamName(stream));
  KRAKEN_ASSIGN_OR_RETURN(LmdbEnv::Txn txn, impl_->env->BeginRead());
  std::uint64_t version = 0;
  if (int rc = ReadStreamVersion(txn.get(), impl_->env->db(), stream, version); rc != MDB_SUCCESS) {
    return impl_->env->Translate(rc, fmt::format("reading the version of stream {}", stream));
  }
  return version;
}

Result<std::optional<AppendResult>> EventLog::FindIdempotencyKey(std::string_view key) const {
  KRAKEN_RETURN_IF_ERROR(CheckIdempotencyKey(key));
  KRAKEN_ASSIGN_OR_RETURN(LmdbEnv::Txn txn, impl_->env->BeginRead());
  std::string_view seqs;
  const int rc = GetIdempotency(txn.get(), impl_->env->db(), key, seqs);
  if (rc == MDB_NOTFOUND) return std::optional<AppendResult>();
  if (rc == MDB_CORRUPTED) {
    return MakeError(ErrorCode::kCorrupt,
                     fmt::format("idempotency entry '{}' is damaged; run `kraken verify`", key));
  }
  if (rc != MDB_SUCCESS) return impl_->env->Translate(rc, "reading the idempotency index");
  return std::optional<AppendResult>(
      AppendResult{ReadBigEndian64(seqs.substr(0, 8)), ReadBigEndian64(seqs.substr(8)), true});
}

Result<Event> EventLog::Get(std::uint64_t seq) const {
  KRAKEN_ASSIGN_OR_RETURN(LmdbEnv::Txn txn, impl_->env->BeginRead());
  KRAKEN_ASSIGN_OR_RETURN(const std::uint64_t head, impl_->ReadHead(txn.get()));
  if (seq == 0 || seq > head) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("event {} does not exist; the log's head is event {}", seq, head));
  }
  DecoderPool::Lease decoder = impl_->decoders.Acquire();
  return ReadEvent(*impl_->env, txn.get(), seq, *decoder);
}

Status EventLog::Scan(std::uint64_t from_seq, std::uint64_t to_seq,
                      const std::function<bool(const Event&)>& fn) const {
  return ScanEvents(*impl_->env, impl_->decoders, from_seq, to_seq, fn);
}

Result<std::vector<Event>> EventLog::ReadStream(std::string_view stream) const {
  KRAKEN_RETURN_IF_ERROR(CheckStreamName(stream));
  KRAKEN_ASSIGN_OR_RETURN(LmdbEnv::Txn txn, impl_->env->BeginRead());
  TableCursor cursor;
  int rc = cursor.Open(txn.get(), impl_->env->db(), Table::kStreams);
  if (rc != MDB_SUCCESS) return impl_->env->Translate(rc, "reading a stream");
  DecoderPool::Lease decoder = impl_->decoders.Acquire();
  const std::string prefix = StreamIndexPrefix(stream);
  std::vector<Event> events;
  MDB_val key, value;
  for (rc = cursor.Seek(prefix, key, value); rc == MDB_SUCCESS; rc = cursor.Next(key, value)) {
    const std::string_view index_key = ToView(key);
    // Stream names hold no NUL, so "<stream>\0" starts this stream's keys only.
    if (index_key.size() != prefix.size() + 8 || !index_key.starts_with(prefix)) break;
    if (value.mv_size != 8) {
      return MakeError(ErrorCode::kCorrupt,
                       fmt::format("the index of stream {} is damaged; verify the log", stream));
    }
    KRAKEN_ASSIGN_OR_RETURN(
        Event event, ReadEvent(*impl_->env, txn.get(), ReadBigEndian64(ToView(value)), *decoder));
    events.push_back(std::move(event));
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
    return impl_->env->Translate(rc, fmt::format("reading stream {}", stream));
  }
  return events;
}

Result<std::vector<std::uint64_t>> EventLog::FindInStreams(std::string_view prefix,
                                                           std::uint64_t after_seq) const {
  KRAKEN_RETURN_IF_ERROR(CheckStreamName(prefix));
  KRAKEN_ASSIGN_OR_RETURN(LmdbEnv::Txn txn, impl_->env->BeginRead());
  TableCursor cursor;
  int rc = cursor.Open(txn.get(), impl_->env->db(), Table::kStreams);
  std::vector<std::uint64_t> seqs;
  MDB_val key, value;
  for (rc = rc == MDB_SUCCESS ? cursor.Seek(prefix, key, value) : rc; rc == MDB_SUCCESS;
       rc = cursor.Next(key, value)) {
    if (!ToView(key).starts_with(prefix)) break;
    if (value.mv_size != 8) {
      return MakeError(ErrorCode::kCorrupt,
                       fmt::format("the stream index entry of {} is damaged; verify the log",
                                   ToView(key).substr(0, ToView(key).size() - 9)));
    }
    const std::uint64_t seq = ReadBigEndian64(ToView(value));
    if (seq > after_seq) seqs.push_back(seq);
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
    return impl_->env->Translate(rc, fmt::format("reading the streams named {}…", prefix));
  }
  std::sort(seqs.begin(), seqs.end());
  return seqs;
}

Status EventLog::PutSnapshot(std::string_view name, std::uint64_t seq, std::string_view bytes) {
  return impl_->writer->PutSnapshot(name, seq, bytes);
}

Result<std::optional<StoredSnapshot>> EventLog::GetSnapshot(std::string_view name) const {
  KRAKEN_RETURN_IF_ERROR(CheckSnapshotName(name));
  KRAKEN_ASSIGN_OR_RETURN(LmdbEnv::Txn txn, impl_->env->BeginRead());
  MDB_val value;
  const int rc = TableGet(txn.get(), impl_->env->db(), Table::kSnapshots, name, value);
  if (rc == MDB_NOTFOUND) return std::optional<StoredSnapshot>();
  if (rc != MDB_SUCCESS) {
    return impl_->env->Translate(rc, fmt::format("reading snapshot \"{}\"", name));
  }
  const std::string_view stored = ToView(value);
  if (stored.size() < 8) {
    return MakeError(ErrorCode::kCorrupt,
                     fmt::format("snapshot \"{}\" is damaged ({} bytes); delete it and rebuild",
                                 name, stored.size()));
  }
  return std::optional<StoredSnapshot>(
      StoredSnapshot{ReadBigEndian64(stored), std::string(stored.substr(8))});
}

Status EventLog::DeleteSnapshot(std::string_view name) {
  return impl_->writer->DeleteSnapshot(name);
}

Result<VerifyReport> EventLog::Verify(
    const std::function<void(std::uint64_t, std::uint64_t)>& progress) const {
  KRAKEN_ASSIGN_OR_RETURN(LmdbEnv::Txn txn, impl_->env->BeginRead());
  DecoderPool::Lease decoder = impl_->decoders.Acquire();
  return VerifyLog(txn.get(), *impl_->env, *decoder, progress);
}

Status EventLog::Backup(const std::string& dir) const {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(fs::path(dir) / "data.mdb", ec)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already holds a log (data.mdb); back up into a new or empty "
                                 "directory",
                                 dir));
  }
  fs::create_directories(dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kIo,
                     fmt::format("cannot create the backup directory {}: {}", dir, ec.message()));
  }
  if (int rc = impl_->env->CopyCompact(dir); rc != MDB_SUCCESS) {
    return impl_->env->Translate(rc, fmt::format("backing up into {}", dir));
  }
  return Ok{};
}

Result<LogStats> EventLog::Stats() const {
  const LmdbEnv& env = *impl_->env;
  KRAKEN_ASSIGN_OR_RETURN(LmdbEnv::Txn txn, impl_->env->BeginRead());
  LogStats stats;
  KRAKEN_ASSIGN_OR_RETURN(stats.head_seq, impl_->ReadHead(txn.get()));
  int rc = CountStreams(txn.get(), env.db(), stats.streams);
  std::uint64_t long_keys = 0;
  if (rc == MDB_SUCCESS) {
    rc = CountTable(txn.get(), env.db(), Table::kIdempotency, stats.idempotency_keys);
  }
  if (rc == MDB_SUCCESS) rc = CountTable(txn.get(), env.db(), Table::kLongIdempotency, long_keys);
  stats.idempotency_keys += long_keys;
  if (rc != MDB_SUCCESS) return env.Translate(rc, "reading the log's statistics");
  const LmdbEnv::Usage usage = env.MapUsage();
  stats.map_bytes = usage.map_bytes;
  stats.used_bytes = usage.used_bytes;
  stats.readers_cleared_on_open = env.readers_cleared_on_open();

  // The newest snapshot, whatever its owner's name.
  TableCursor cursor;
  if ((rc = cursor.Open(txn.get(), env.db(), Table::kSnapshots)) != MDB_SUCCESS) {
    return env.Translate(rc, "reading the snapshots");
  }
  MDB_val key, value;
  bool found = false;
  for (rc = cursor.First(key, value); rc == MDB_SUCCESS; rc = cursor.Next(key, value)) {
    if (value.mv_size < 8) continue;
    const std::uint64_t seq = ReadBigEndian64(ToView(value));
    if (!found || seq > stats.snapshot_seq) {
      found = true;
      stats.snapshot_seq = seq;
      stats.snapshot_bytes = value.mv_size - 8;
    }
  }
  return stats;
}

const std::string& EventLog::dir() const { return impl_->env->dir(); }

}  // namespace kraken
