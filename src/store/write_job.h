#pragma once
// WriteJob: one request queued for the log's writer thread (an append or a
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

// A one-shot signal from the writer thread to the waiting caller. A mutex and
// condition variable rather than std::binary_semaphore: in libstdc++ 12 the
// semaphore spins on sched_yield, which 64 waiting callers turn into most of a
// 2-core machine.
class Completion {
 public:
  void Notify();
  void Wait();

 private:
  std::mutex mu_;
  std::condition_variable done_cv_;
  bool done_ = false;
};

struct WriteJob {
  enum class Kind { kAppend, kPutSnapshot, kDeleteSnapshot };
  Kind kind = Kind::kAppend;
  AppendRequest* request = nullptr;  // kAppend; its events get seq, version, ts, hash
  std::string_view name;             // the snapshot kinds
  std::uint64_t seq = 0;             // kPutSnapshot
  std::string_view bytes;            // kPutSnapshot

  // Set by the writer thread before done.Notify().
  std::optional<Error> error;
  AppendResult result;
  Completion done;
};

// What a job runs against.
struct JobContext {
  MDB_txn* txn;  // the job's own nested transaction, or the group's for a group of one
  const LogDbs& dbs;
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
