#pragma once
// LogWriter: the one thread that owns the log's write transactions. Callers
// enqueue a job (src/store/write_job.h) and block; the thread takes everything
// queued, runs each job in its own nested transaction of ONE write transaction
// (so a job that fails, e.g. on a version conflict, fails alone), commits once
// (one sync for the group), and then wakes every caller with its own result. A
// group of one job runs in the write transaction itself.
// See docs/log-layout.md.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "events/result.h"
#include "src/store/chain_hasher.h"
#include "src/store/event_log.h"

namespace kraken {

class LmdbEnv;
struct WriteJob;

class LogWriter {
 public:
  struct Options {
    double grow_at_fraction = 0.75;
    std::uint64_t max_map_bytes = 1ull << 40;
    std::function<std::int64_t()> clock;  // must be set
  };

  LogWriter(LmdbEnv& env, Options options);
  ~LogWriter();  // completes every queued job, then joins the thread
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // EventLog::Append: validates `request` on the calling thread, then waits for
  // the group commit that includes it. Fills in the events' seq, version, ts and
  // hash on success.
  Result<AppendResult> Append(AppendRequest& request);
  Status PutSnapshot(std::string_view name, std::uint64_t seq, std::string_view bytes);
  Status DeleteSnapshot(std::string_view name);

 private:
  Status Submit(WriteJob& job);
  void Run();
  // Commits `group`, growing the map and retrying on MDB_MAP_FULL; every job ends
  // with its result or error set.
  void CommitGroup(const std::vector<WriteJob*>& group);
  int TryCommitGroup(const std::vector<WriteJob*>& group);
  int Grow(std::uint64_t extra_bytes, bool at_least_double);

  LmdbEnv& env_;
  Options options_;
  ChainHasher hasher_;  // writer thread only

  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<WriteJob*> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace kraken
