#pragma once
// Runs the sheet projector in the background of `kraken serve`: a cycle every
// interval, and one on demand (`/admin sync`). A failed cycle is logged and
// retried at the next tick; it never stops the service.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "events/result.h"
#include "src/sync/projector.h"

namespace kraken::sync {

class SyncLoop {
 public:
  // `interval` zero: cycles only on demand. `projector` must outlive the loop.
  SyncLoop(SheetProjector& projector, std::chrono::seconds interval);
  ~SyncLoop();  // Stop()s
  SyncLoop(const SyncLoop&) = delete;
  SyncLoop& operator=(const SyncLoop&) = delete;

  // Runs a full cycle now (on the loop's thread, so never beside a scheduled
  // one) and returns its report, or its error. Waits at most `timeout`.
  Result<CycleReport> RunNow(std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // Finishes the cycle in progress, if any, and joins the thread. Idempotent.
  void Stop();

  std::uint64_t cycles() const;

 private:
  void Run();

  SheetProjector& projector_;
  const std::chrono::seconds interval_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  bool stopping_ = false;
  std::uint64_t requested_ = 0;  // on-demand cycles asked for
  std::uint64_t finished_ = 0;   // on-demand cycles finished
  std::uint64_t cycles_ = 0;
  Result<CycleReport> last_ = MakeError(ErrorCode::kUnavailable, "no cycle has run yet");
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace kraken::sync
