#pragma once
// WriteJob: one request queued for the log's next group commit (an append or a
// snapshot change), what it does inside its own nested transaction, and how its
// caller waits for the outcome. Private to src/store; layouts in docs/log-layout.md.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "events/result.h"
#include "src/store/chain_hasher.h"
#include "src/store/event_log.h"
#include "src/store/lmdb_env.h"
#include "src/store/log_heads.h"

namespace kraken {

struct WriteJob {
  enum class Kind { kAppend, kPutSnapshot, kDeleteSnapshot };
  Kind kind = Kind::kAppend;
  AppendRequest* request = nullptr;  // kAppend; its events get seq, version, ts, hash
  std::string_view name;             // the snapshot kinds
  std::uint64_t seq = 0;             // kPutSnapshot
  std::string_view bytes;            // kPutSnapshot

  // Set by the caller that commits the job's group, before `finished`.
  std::optional<Error> error;
  AppendResult result;

  // Guarded by the LogWriter's mutex. A condition variable per job (not
  // std::binary_semaphore, which in libstdc++ 12 spins on sched_yield: 64
  // waiting callers turned that into most of a 2-core machine), so that the
  // committer wakes exactly the callers of its group and the next leader.
  std::condition_variable wake;
  bool finished = false;  // its group committed (or failed): result and error are final
  bool lead = false;      // handed the queue: it commits the next group itself
};

// What a job runs against.
struct JobContext {
  MDB_txn* txn;  // the job's own nested transaction, or the group's for a group of one
  MDB_dbi db;    // the tables' (log_tables.h)
  const std::string& dir;
  ChainHasher& hasher;
  const std::function<std::int64_t()>& clock;
};

// Runs `job` in ctx.txn, advancing `chain`. Returns an LMDB code when the store
// fails; a failure of the job itself (a version conflict) goes into job.error
// instead. `wrote` says whether ctx.txn holds changes to commit.
int RunWriteJob(const JobContext& ctx, WriteJob& job, ChainHead& chain, bool& wrote);

// What the job was doing, for error messages: "appending to the event log".
std::string_view Describe(const WriteJob& job);
// Rough map bytes the job will take, to grow the map ahead of its commit.
std::uint64_t MapBytesEstimate(const WriteJob& job);

}  // namespace kraken
