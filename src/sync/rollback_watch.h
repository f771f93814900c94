#pragma once
// Finding, in the log, the Discord users whose change a settled conflict rolled
// back, whoever settled it: a sheet projector (a sheet-wins policy, an admin's
// decision on the Conflicts tab), `kraken sync` or `kraken conflicts resolve`
// run in another process. `kraken serve` hands each to its RollbackNotifier
// (src/serve/rollback_notifier.h), which is in the server because the
// interaction tokens are (in memory only).
//
// A conflict rolled a Discord change back when the sheet's value won (by policy
// or by an admin's decision), and the event that set the log's value it was
// detected with came from Discord (docs/sheet-projector.md).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "events/event.h"
#include "events/result.h"
#include "src/store/event_log.h"

namespace kraken::sync {

// The streams conflicts are recorded on: "conflict/<id>".
inline constexpr std::string_view kConflictStreamPrefix = "conflict/";

// A change a Discord user made that a conflict rolled back: they must be told.
struct RolledBack {
  std::string user_id;         // the Discord user (the event's actor)
  std::string interaction_id;  // the event's idempotency key, if it came from an interaction
  std::string message;         // for the user
};

// The notice for the Discord user whose change `resolved` (a ConflictResolved,
// appended) rolled back, or nullopt when it rolled back no Discord change.
// Reads the conflict's stream and the event that set the log's value.
Result<std::optional<RolledBack>> RollbackOf(const EventLog& log, const Event& resolved);

class RollbackWatch {
 public:
  // Watches events after `after_seq` (a server watches from its start: older
  // conflicts were someone else's to announce). `notify` gets each rollback once.
  RollbackWatch(const EventLog& log, std::uint64_t after_seq,
                std::function<void(RolledBack)> notify);
  ~RollbackWatch();  // Stop()s
  RollbackWatch(const RollbackWatch&) = delete;
  RollbackWatch& operator=(const RollbackWatch&) = delete;

  // Reads the conflict streams' events appended since the last call (and those
  // a transient error kept from the last one) and notifies; returns how many
  // rollbacks it found. Thread-safe (calls are serialised).
  Result<std::size_t> Poll();

  // Polls on a thread of its own every `interval`, and at once after Wake().
  // Once only, and not after Stop().
  void Start(std::chrono::milliseconds interval);
  void Wake();
  // Joins the thread, after a last Poll. Idempotent.
  void Stop();

 private:
  void Run(std::chrono::milliseconds interval);

  const EventLog& log_;
  std::function<void(RolledBack)> notify_;

  std::mutex poll_mu_;                // one Poll at a time
  std::uint64_t seen_;                // guarded by poll_mu_
  std::vector<std::uint64_t> retry_;  // guarded by poll_mu_: events to look at again

  std::mutex mu_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::once_flag joined_;
  std::thread thread_;
};

}  // namespace kraken::sync
