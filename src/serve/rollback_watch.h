#pragma once
// Finding, in the log, the Discord users whose change a settled conflict rolled
// back, whoever settled it: this process's sheet projector (a sheet-wins policy,
// an admin's decision on the Conflicts tab), `kraken sync` or `kraken conflicts
// resolve` run in another process. Each such ConflictResolved event is turned
// into one Rollback for the RollbackNotifier, which is in this process because
// the interaction tokens are (in memory only).
//
// A conflict rolled a Discord change back when the value that stands is not the
// log's value the conflict was detected with, and the event that set that value
// came from Discord (docs/sheet-projector.md).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "events/event.h"
#include "events/result.h"
#include "src/serve/rollback_notifier.h"
#include "src/store/event_log.h"

namespace kraken::serve {

// The notice for the Discord user whose change `resolved` rolled back, or
// nullopt when it rolled back no Discord change. Reads the conflict's stream
// and the event that set the log's value.
Result<std::optional<Rollback>> RollbackOf(const EventLog& log, const Event& resolved);

class RollbackWatch {
 public:
  // Watches events after `after_seq` (a server watches from its start: older
  // conflicts were someone else's to announce). `notify` gets each rollback once.
  RollbackWatch(const EventLog& log, std::uint64_t after_seq,
                std::function<void(Rollback)> notify);
  ~RollbackWatch();  // Stop()s
  RollbackWatch(const RollbackWatch&) = delete;
  RollbackWatch& operator=(const RollbackWatch&) = delete;

  // Reads the events appended since the last call and notifies; returns how
  // many rollbacks it found. Thread-safe (calls are serialised).
  Result<std::size_t> Poll();

  // Polls on a thread of its own every `interval`, and at once after Wake().
  void Start(std::chrono::milliseconds interval);
  void Wake();
  // Joins the thread, after a last Poll. Idempotent.
  void Stop();

 private:
  void Run(std::chrono::milliseconds interval);

  const EventLog& log_;
  std::function<void(Rollback)> notify_;

  std::mutex poll_mu_;  // one Poll at a time
  std::uint64_t seen_;  // guarded by poll_mu_

  std::mutex mu_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kraken::serve
