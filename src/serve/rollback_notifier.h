#pragma once
// Telling a Discord user that a sheet conflict rolled their change back.
//
// Discord lets an app answer an interaction for 15 minutes through its token,
// so the service remembers the tokens of recent interactions (InteractionTokens,
// in memory only: a token is a credential, it is never logged or stored). When
// the projector rolls back a change made by interaction I:
//   - I's token is still valid: an ephemeral follow-up to I, which only that
//     user sees, under the command they ran;
//   - otherwise, with `sync.notify_channel_id` set: a message in that channel
//     that mentions the user (and pings no one else);
//   - otherwise nothing can reach them: a warning is logged. The change and the
//     conflict are in the log and on the Conflicts tab either way.
// Sending happens on the notifier's own thread, so a slow or unreachable
// Discord never holds up a sync cycle.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "src/discord/rest_client.h"

namespace kraken::serve {

// Tokens of recent interactions, by interaction id. Thread-safe.
class InteractionTokens {
 public:
  using Clock = std::chrono::steady_clock;
  struct Token {
    std::string application_id;
    std::string token;
  };

  // Discord's 15 minutes, less a margin for a message that is slow to leave.
  static constexpr std::chrono::seconds kUsableFor{14 * 60};

  explicit InteractionTokens(std::function<Clock::time_point()> now = Clock::now);

  void Remember(std::string_view interaction_id, std::string_view application_id,
                std::string_view token);
  // The token, if it was remembered less than kUsableFor ago.
  std::optional<Token> Find(std::string_view interaction_id) const;
  std::size_t size() const;

 private:
  struct Entry {
    Token token;
    Clock::time_point at;
  };
  void ForgetExpired(Clock::time_point now);  // mu_ held

  std::function<Clock::time_point()> now_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> by_id_;
  std::deque<std::pair<Clock::time_point, std::string>> arrival_;  // oldest first
};

struct Rollback {
  std::string user_id;         // the Discord user whose change lost
  std::string interaction_id;  // the interaction that made it; may be empty
  std::string message;         // what happened, for them
};

// How a notification went (for logs, metrics and tests).
enum class NoticeOutcome { kFollowup, kChannel, kUndeliverable, kFailed };
std::string_view NoticeOutcomeName(NoticeOutcome outcome);

class RollbackNotifier {
 public:
  // `rest` (may be null: nothing can be sent) and `tokens` must outlive the
  // notifier. `on_done` (optional) is called on the notifier's thread after
  // each notice.
  RollbackNotifier(discord::RestClient* rest, const InteractionTokens& tokens,
                   std::string channel_id,
                   std::function<void(const Rollback&, NoticeOutcome)> on_done = {});
  ~RollbackNotifier();  // Stop()s
  RollbackNotifier(const RollbackNotifier&) = delete;
  RollbackNotifier& operator=(const RollbackNotifier&) = delete;

  // Queues a notice and returns at once.
  void Notify(Rollback rollback);
  // Sends what is queued, then joins the thread. Idempotent.
  void Stop();

  // Sends one notice on the calling thread.
  NoticeOutcome Deliver(const Rollback& rollback);

 private:
  void Run();

  discord::RestClient* rest_;
  const InteractionTokens& tokens_;
  std::string channel_id_;
  std::function<void(const Rollback&, NoticeOutcome)> on_done_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Rollback> queue_;
  bool stopping_ = false;
  std::once_flag joined_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace kraken::serve
