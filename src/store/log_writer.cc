#include "src/store/log_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <optional>

#include "src/store/lmdb_env.h"
#include "src/store/log_heads.h"
#include "src/store/log_keys.h"
#include "src/store/write_job.h"

namespace kraken {
namespace {

// A group is retried after growing the map; doubling reaches any size well
// before this many attempts.
constexpr int kMaxGroupAttempts = 48;

}  // namespace

LogWriter::LogWriter(LmdbEnv& env, Options options) : env_(env), options_(std::move(options)) {
  assert(options_.clock);
}

LogWriter::~LogWriter() { assert(queue_.empty() && !leading_); }

Result<AppendResult> LogWriter::Append(AppendRequest& request) {
  if (request.events.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "an append needs at least one event");
  }
  KRAKEN_RETURN_IF_ERROR(CheckIdempotencyKey(request.idempotency_key));
  for (std::size_t i = 0; i < request.events.size(); ++i) {
    Event& event = request.events[i];
    KRAKEN_RETURN_IF_ERROR(CheckStreamName(event.stream));
    if (!event.idempotency_key.empty() && event.idempotency_key != request.idempotency_key) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("event {} of the batch carries idempotency key \"{}\" but the "
                                   "request's is \"{}\"; set AppendRequest::idempotency_key, which "
                                   "the log stores on every event of the batch",
                                   i + 1, event.idempotency_key, request.idempotency_key));
    }
    // The log writes the current schema; older versions exist only in old records.
    event.schema_version = kCurrentSchemaVersion;
  }
  for (const auto& [stream, expected] : request.expected_versions) {
    KRAKEN_RETURN_IF_ERROR(CheckStreamName(stream));
  }
  WriteJob job;
  job.request = &request;
  KRAKEN_RETURN_IF_ERROR(Submit(job));
  return job.result;
}

Status LogWriter::PutSnapshot(std::string_view name, std::uint64_t seq, std::string_view bytes) {
  KRAKEN_RETURN_IF_ERROR(CheckSnapshotName(name));
  WriteJob job;
  job.kind = WriteJob::Kind::kPutSnapshot;
  job.name = name;
  job.seq = seq;
  job.bytes = bytes;
  return Submit(job);
}

Status LogWriter::DeleteSnapshot(std::string_view name) {
  KRAKEN_RETURN_IF_ERROR(CheckSnapshotName(name));
  WriteJob job;
  job.kind = WriteJob::Kind::kDeleteSnapshot;
  job.name = name;
  return Submit(job);
}

Status LogWriter::Submit(WriteJob& job) {
  std::unique_lock lock(mu_);
  queue_.push_back(&job);
  if (leading_) {
    job.wake.wait(lock, [&job] { return job.finished || job.lead; });
  }
  if (!job.finished) {
    // Lead one group: everything queued, this job first (it was handed the
    // queue at its front, or found no leader and an otherwise empty queue).
    leading_ = true;
    std::vector<WriteJob*> group;
    group.swap(queue_);
    lock.unlock();
    CommitGroup(group);
    lock.lock();
    for (WriteJob* member : group) {
      member->finished = true;
      // Under the lock: a woken caller returns, destroying its job, only after
      // this thread has let go of the lock and of the job.
      if (member != &job) member->wake.notify_one();
    }
    if (queue_.empty()) {
      leading_ = false;
    } else {
      queue_.front()->lead = true;  // leading_ stays set: the next group has its leader
      queue_.front()->wake.notify_one();
    }
  }
  if (job.error) return std::move(*job.error);
  return Ok{};
}

void LogWriter::CommitGroup(const std::vector<WriteJob*>& group) {
  for (int attempt = 1;; ++attempt) {
    for (WriteJob* job : group) {
      job->error.reset();
      job->result = AppendResult{};
    }
    int rc = TryCommitGroup(group);
    if (rc == MDB_SUCCESS) return;
    if (rc == MDB_MAP_FULL && attempt < kMaxGroupAttempts) {
      rc = Grow(0, /*at_least_double=*/true);
      if (rc == MDB_SUCCESS) continue;
    }
    // Nothing of the group was committed, so every job fails, including those
    // whose own outcome (a conflict) depended on a sibling that is now undone.
    const Error error = env_.Translate(rc, "committing to the event log");
    for (WriteJob* job : group) job->error = error;
    return;
  }
}

int LogWriter::TryCommitGroup(const std::vector<WriteJob*>& group) {
  std::uint64_t estimate = 0;
  for (const WriteJob* job : group) estimate += MapBytesEstimate(*job);
  const LmdbEnv::Usage usage = env_.MapUsage();
  if (static_cast<double>(usage.used_bytes + estimate) >
      options_.grow_at_fraction * static_cast<double>(usage.map_bytes)) {
    // At the maximum already: try anyway; the commit may still fit.
    if (int rc = Grow(estimate, false); rc != MDB_SUCCESS && rc != MDB_MAP_FULL) return rc;
  }

  std::optional<LmdbEnv::Txn> parent;
  if (int rc = env_.Begin(0, parent); rc != MDB_SUCCESS) return rc;
  // Read inside the write transaction: another process may have appended.
  ChainHead chain;
  std::optional<Error> unreadable_head;  // fails appends; snapshots need only the seq
  if (int rc = ReadChainHead(parent->get(), env_.db(), chain, &committed_head_);
      rc != MDB_SUCCESS) {
    if (rc != MDB_CORRUPTED || chain.head_seq == 0) return rc;
    unreadable_head = MakeError(
        ErrorCode::kCorrupt,
        fmt::format("cannot append to the event log in {}: the hash or timestamp of its last "
                    "event, {}, cannot be read; run `kraken verify`",
                    env_.dir(), chain.head_seq));
  }
  // Nothing can be chained onto a record whose hash or timestamp cannot be read.
  auto refused = [&](WriteJob& job) {
    if (!unreadable_head || job.kind != WriteJob::Kind::kAppend) return false;
    job.error = *unreadable_head;
    return true;
  };

  if (group.size() == 1) {
    // A group of one needs no nested transaction: a failed job aborts the group's.
    WriteJob& job = *group.front();
    if (refused(job)) return MDB_SUCCESS;
    const JobContext ctx{parent->get(), env_.db(), env_.dir(), hasher_, options_.clock};
    bool wrote = false;
    const int rc = RunWriteJob(ctx, job, chain, wrote);
    if (rc == MDB_MAP_FULL) return rc;  // retried in a larger map
    if (rc != MDB_SUCCESS) job.error = env_.Translate(rc, Describe(job));
    if (!wrote || job.error) return MDB_SUCCESS;  // the parent is aborted: nothing to sync
    return Commit(*parent, unreadable_head ? nullptr : &chain);
  }

  bool wrote_any = false;
  for (WriteJob* job : group) {
    if (refused(*job)) continue;
    MDB_txn* child = nullptr;
    if (int rc = mdb_txn_begin(env_.env(), parent->get(), 0, &child); rc != MDB_SUCCESS) {
      return rc;
    }
    const JobContext ctx{child, env_.db(), env_.dir(), hasher_, options_.clock};
    ChainHead next = chain;
    bool wrote = false;
    int rc = RunWriteJob(ctx, *job, next, wrote);
    if (rc == MDB_SUCCESS && wrote && !job->error) {
      rc = mdb_txn_commit(child);
    } else {
      mdb_txn_abort(child);
    }
    if (rc == MDB_MAP_FULL) return rc;  // the whole group retries in a larger map
    if (rc != MDB_SUCCESS) {
      job->error = env_.Translate(rc, Describe(*job));
      continue;
    }
    if (wrote && !job->error) {
      chain = next;
      wrote_any = true;
    }
  }
  if (!wrote_any) return MDB_SUCCESS;  // duplicates and failures only: nothing to sync
  return Commit(*parent, unreadable_head ? nullptr : &chain);
}

int LogWriter::Commit(LmdbEnv::Txn& txn, const ChainHead* head) {
  const int rc = txn.Commit();
  // A head whose record could not be read is never remembered: the next group
  // must find it unreadable again and refuse to chain onto it.
  if (rc == MDB_SUCCESS) committed_head_ = head != nullptr ? *head : ChainHead{};
  return rc;
}

int LogWriter::Grow(std::uint64_t extra_bytes, bool at_least_double) {
  const LmdbEnv::Usage usage = env_.MapUsage();
  const double fraction = std::clamp(options_.grow_at_fraction, 0.05, 1.0);
  std::uint64_t target = at_least_double ? usage.map_bytes * 2 : usage.map_bytes;
  while (target<options_.max_map_bytes&& static_cast<double>(usage.used_bytes + extra_bytes)>
             fraction *
         static_cast<double>(target)) {
    target *= 2;
  }
  target = std::min(target, options_.max_map_bytes);
  if (target <= usage.map_bytes) return MDB_MAP_FULL;
  return env_.Resize(target);
}

}  // namespace kraken
