#pragma once
// Discord interactions, after the signature has been verified: parse the body,
// run the slash command (or autocomplete) against the roster, and say what to
// answer. No HTTP here: `kraken serve` (src/serve) owns the transport, the
// signature check and deferral. See ../shared/reference/discord-api.md.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "src/app/roster_service.h"

namespace kraken::discord {

struct HandlerOptions {
  std::vector<std::string> admin_role_ids;  // members with any of these roles are admins
  // Runs one sheet sync cycle for /admin sync and returns its summary for people.
  // Empty: there is no sheet sync in this process, and /admin sync says so.
  std::function<Result<std::string>()> run_sync = {};
};

// What to send back for one interaction.
struct Reply {
  int http_status = 200;  // 400 only for a body that is not an interaction at all
  int type = 4;           // interaction callback type: 1 PONG, 4 message, 8 autocomplete
  std::string data;       // JSON object text for "data" ({} if none)
  // For metrics and logs: the command path ("pilot set", "ping", "autocomplete"),
  // and the outcome: "ok", "duplicate", "invalid", "denied", "not_found", "error".
  std::string command;
  std::string outcome = "ok";
  std::string interaction_id;  // as received, for logs and follow-ups
  std::string token;           // the interaction token (a secret: never log it)
  std::string application_id;

  // {"type":..,"data":..}: the HTTP response body.
  std::string Body() const;
};

class InteractionHandler {
 public:
  InteractionHandler(RosterService& roster, HandlerOptions options);

  // Never fails: every problem becomes an ephemeral message saying what to do,
  // or, for a body that is not valid interaction JSON, http_status 400.
  // Thread-safe; may block on a durable append.
  Reply Handle(std::string_view body);

 private:
  RosterService& roster_;
  HandlerOptions options_;
};

// The application's commands as the JSON array that Discord's bulk overwrite
// (PUT /applications/{id}/commands) takes. Declared once, here.
std::string CommandsJson(const Schema& schema);

}  // namespace kraken::discord
