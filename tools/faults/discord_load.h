#pragma once
// The crash harness's Discord side: worker threads that play Discord users
// against `kraken serve`, each registering new pilots (/pilot register) and
// setting a field of its own pilots (/pilot set), strictly one interaction at
// a time per user, and remembering what each reply acknowledged.
//
// An interaction whose reply did not arrive (the server was killed, the
// connection failed) or was only a deferral is unacknowledged: the worker
// sends it again, with the SAME interaction id and the same body, once the
// server is back (the harness calls Resume after each restart), and only then
// moves on. So a user's changes reach the log in the order the user made them,
// and the last acknowledged value of a field is the one the roster must show.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/result.h"

namespace kraken::faults {

struct Interaction {
  enum class Kind { kRegister, kSet };
  enum class State { kPending, kAcknowledged, kRejected };
  Kind kind = Kind::kSet;
  std::string id;       // the interaction id: the idempotency key of the change
  std::string body;     // built once, sent unchanged on every attempt
  std::string user_id;  // the Discord user who sent it
  std::string pilot;    // registered, or whose notes are set
  std::string value;    // the notes value set (kSet)
  State state = State::kPending;
  std::uint64_t first_seq = 0;  // as acknowledged: "Recorded as events first-last"
  std::uint64_t last_seq = 0;
  int attempts = 0;
  std::string rejection;    // the reply's text, when the change was refused
};

struct DiscordLoadOptions {
  std::string url;            // http://127.0.0.1:PORT
  std::string signing_seed;   // 32 raw bytes (serve's development key)
  std::string commands_json;  // discord::CommandsJson(schema)
  int users = 4;              // one worker thread each
  int max_pilots_per_user = 20;
  // Non-empty: one more thread, an admin with this role, asks for a sheet sync
  // (/admin sync) again and again, so kills land inside sync cycles too.
  std::string admin_role_id;
  std::uint64_t seed = 1;
  std::chrono::milliseconds request_timeout{20'000};
};

struct DiscordLoadFigures {
  std::size_t sent = 0;  // interactions (not attempts)
  std::size_t acknowledged = 0;
  std::size_t rejected = 0;
  std::size_t retried = 0;   // needed more than one attempt
  std::size_t deferred = 0;  // deferral replies received (then re-sent)
  std::size_t pending = 0;   // still without an answer
  std::size_t syncs = 0;     // /admin sync replies received
};

class DiscordLoad {
 public:
  explicit DiscordLoad(DiscordLoadOptions options);
  ~DiscordLoad();  // Finish()es
  DiscordLoad(const DiscordLoad&) = delete;
  DiscordLoad& operator=(const DiscordLoad&) = delete;

  // The server is up (again): workers send, beginning with their unacknowledged one.
  void Resume();
  // Stops sending new requests and waits until none is in flight.
  void Pause();
  // Sends no new interactions; re-sends each unacknowledged one (the server
  // must be up) until it is answered or `max_attempts` more tries failed, then
  // joins the workers.
  void Finish(int max_attempts = 20);

  // A copy of every interaction so far (call while paused or finished).
  std::vector<Interaction> Interactions() const;
  DiscordLoadFigures Figures() const;

 private:
  void Work(int worker);
  void RequestSyncs();

  const DiscordLoadOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  bool finishing_ = false;
  int finish_attempts_ = 0;
  int busy_ = 0;
  std::uint64_t generation_ = 0;  // one per Resume: a restart the failed ones wait for
  std::vector<Interaction> interactions_;
  std::size_t deferred_ = 0;
  std::size_t syncs_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace kraken::faults
