#pragma once
// LogWriter: group commit without a writer thread. A caller enqueues its job
// (src/store/write_job.h); if no group is being committed, it leads: it takes
// everything queued (its own job first), runs each job in its own nested
// transaction of ONE write transaction (so a job that fails, e.g. on a version
// conflict, fails alone), commits once (one sync for the group), wakes every
// caller of the group with its own result, and hands the queue that built up
// meanwhile to the first caller in it, who leads the next group. A lone append
// so commits on its caller's thread, with no hop to another thread and back; a
// group of one job runs in the write transaction itself.
// See docs/log-layout.md.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"
#include "src/store/chain_hasher.h"
#include "src/store/event_log.h"
#include "src/store/lmdb_env.h"
#include "src/store/log_heads.h"

namespace kraken {

struct WriteJob;

class LogWriter {
 public:
  struct Options {
    double grow_at_fraction = 0.75;
    std::uint64_t max_map_bytes = 1ull << 40;
    std::function<std::int64_t()> clock;  // must be set
  };

  LogWriter(LmdbEnv& env, Options options);
  ~LogWriter();  // callers must be done: every Append and snapshot call has returned
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // EventLog::Append: validates `request` on the calling thread, then waits for
  // the group commit that includes it. Fills in the events' seq, version, ts and
  // hash on success.
  Result<AppendResult> Append(AppendRequest& request);
  Status PutSnapshot(std::string_view name, std::uint64_t seq, std::string_view bytes);
  Status DeleteSnapshot(std::string_view name);

 private:
  // Queues `job` and returns once its group is committed, leading that group
  // (or a later one) when no other caller is.
  Status Submit(WriteJob& job);
  // Commits `group`, growing the map and retrying on MDB_MAP_FULL; every job ends
  // with its result or error set.
  void CommitGroup(const std::vector<WriteJob*>& group);
  int TryCommitGroup(const std::vector<WriteJob*>& group);
  int Grow(std::uint64_t extra_bytes, bool at_least_double);
  // Commits `txn`, whose last event is `head`'s (nullptr: its record is damaged).
  int Commit(LmdbEnv::Txn& txn, const ChainHead* head);

  LmdbEnv& env_;
  Options options_;
  ChainHasher hasher_;  // the leader's only
  // The chain head as of this writer's last commit (the leader's only): the next
  // group, finding that event still the last, need not parse its record again.
  ChainHead committed_head_;

  std::mutex mu_;
  std::vector<WriteJob*> queue_;  // waiting for the next group
  bool leading_ = false;          // a caller is committing a group (or has been handed one)
};

}  // namespace kraken
