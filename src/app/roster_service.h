#pragma once
// RosterService turns commands (register a pilot, change a field, link an alt, ...)
// into validated events, appends them durably, and keeps the in-memory tables
// current. The CLI, the Discord endpoint and the sheet import all go through it,
// so every source gets the same validation and the same error messages.
//
// Thread-safe. Commands validate against the tables as of some sequence and
// append with the stream versions of that sequence; if another thread or process
// changed one of those streams meanwhile, the command catches up and is
// validated again instead of overwriting the change. Concurrent commands share
// one commit; a command validated again runs alone in this process, so only
// other processes can keep it from succeeding (kConflict after a few attempts).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "events/event.h"
#include "events/result.h"
#include "events/schema.h"
#include "projections/alliance_state.h"
#include "src/app/state_loader.h"
#include "src/store/event_log.h"

namespace kraken {

// Who asks. Admins may change any column through any command; others only
// columns editable by "self", on pilots linked to their Discord id and their alts.
struct Actor {
  Source source = Source::kCli;
  std::string id;  // admin name, Discord user id, sheet id
  bool admin = false;
};

// The correlation id of a command whose events form a batch of several (a leave
// that also unlinks alts), so that the batch can be reverted as a whole.
inline constexpr std::string_view kCommandBatchPrefix = "cmd-";

struct CommandOptions {
  std::string idempotency_key;  // e.g. the Discord interaction id
  std::string correlation_id;   // empty: "cmd-<random>" for batches of several events
};

// What a command did, in words and in events.
struct CommandResult {
  std::vector<Event> events;  // appended (with seq etc.), or empty if nothing to do
  bool duplicate = false;     // a retried idempotency key: nothing new appended
  std::string summary;        // one line for people: "Kaelen Voss: corp KRKN -> SNSE"
};

// A planned change: events to append and the stream versions they expect.
struct Plan {
  std::vector<Event> events;
  std::map<std::string, std::uint64_t, std::less<>> expected_versions;
  std::string summary;
};

class RosterService {
 public:
  // Loads the tables (from the snapshot when it is usable) and refreshes the
  // snapshot when many events had to be folded. `log` and `schema` must outlive it.
  static Result<std::unique_ptr<RosterService>> Open(EventLog& log, const Schema& schema,
                                                     const LoadOptions& options = {});

  // Folds events appended by others (another process) since the last call.
  Status CatchUp();

  // Runs `fn` with the current tables, read-locked, after catching up.
  template <typename F>
  auto Read(F&& fn) {
    (void)CatchUp();  // on failure the last good state is still a valid answer
    std::shared_lock lock(mu_);
    return fn(static_cast<const AllianceState&>(state_));
  }

  Result<CommandResult> AddCorp(const Actor& actor, std::string_view ticker, Fields fields,
                                const CommandOptions& options = {});
  Result<CommandResult> SetCorp(const Actor& actor, std::string_view ticker, Fields changes,
                                const CommandOptions& options = {});
  Result<CommandResult> RemoveCorp(const Actor& actor, std::string_view ticker, std::string reason,
                                   const CommandOptions& options = {});

  // `fields` may include discord_id and main; they become link events.
  Result<CommandResult> RegisterPilot(const Actor& actor, std::string_view name, Fields fields,
                                      const CommandOptions& options = {});
  // Only fields whose value changes are recorded; nothing to change is not an
  // error (the result has no events). main and discord_id become link events.
  Result<CommandResult> SetPilot(const Actor& actor, std::string_view name, Fields changes,
                                 const CommandOptions& options = {});
  Result<CommandResult> LinkAlt(const Actor& actor, std::string_view alt, std::string_view main,
                                const CommandOptions& options = {});
  Result<CommandResult> UnlinkAlt(const Actor& actor, std::string_view alt,
                                  const CommandOptions& options = {});
  // Unlinks the pilot's alts and clears it as a corp's CEO in the same batch.
  Result<CommandResult> PilotLeave(const Actor& actor, std::string_view name, std::string reason,
                                   const CommandOptions& options = {});

  // Appends a plan built by a planner that validated it against `state` (the
  // import and revert planners). Retries the planner if a stream moved meanwhile.
  Result<CommandResult> Execute(const std::function<Result<Plan>(const AllianceState&)>& planner,
                                const Actor& actor, const CommandOptions& options);

  Status SaveSnapshot();
  EventLog& log() { return log_; }
  const Schema& schema() const { return schema_; }

 private:
  RosterService(EventLog& log, const Schema& schema, AllianceState state);

  EventLog& log_;
  const Schema& schema_;
  std::shared_mutex mu_;  // guards state_
  // Shared by first attempts of commands, exclusive for retries (see Execute).
  std::shared_mutex commands_mu_;
  AllianceState state_;
};

// Canonical values for `fields` of `table`: each normalized by the schema, and
// references resolved to existing rows (with their stored case). The error names
// the field and suggests the closest existing key.
Result<Fields> ValidateFields(const AllianceState& state, Table table, const Fields& fields);

// "pilot 'Kaelen Vos' not found; did you mean 'Kaelen Voss'?"
Error NotFound(const AllianceState& state, Table table, std::string_view key);

}  // namespace kraken
