#pragma once
// `kraken discord simulate`: what Discord would send for a slash command,
// signed with a local key and posted to a running `kraken serve`, and the
// reply printed as a person would see it. The README tour and the end-to-end
// tests drive the server this way.
//
//   BuildInteraction(CommandsJson(schema), {"pilot", "set", "field=corp", "value=KRKN"}, who)
//
// The words name the command, then its subcommand group and subcommand, as
// the catalogue declares them; the rest are option=value, converted to the
// option's declared type (string, integer, boolean, number, user, role, ...).
// FormatReply (reply_text.h) prints the answer.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"
#include "src/net/http_client.h"

namespace kraken::serve {

struct SimulatedUser {
  std::string user_id = "100000000000000001";
  std::string username = "dev";
  std::string global_name;  // empty: none (null)
  std::vector<std::string> roles;
};

struct SimulateOptions {
  SimulatedUser user;
  std::string interaction_id;  // empty: a fresh snowflake
  std::string application_id = "100000000000000002";
  std::string guild_id = "100000000000000003";
  std::string token;          // empty: a random one
  bool autocomplete = false;  // type 4; the last option given is the focused one
  bool ping = false;          // type 1; no words
};

// The interaction JSON for `words` against `commands_json` (the array
// CommandsJson() returns). kInvalidArgument says which word is not a command,
// subcommand or option (listing the possible ones), which value is not of
// the option's type, or which required option is missing.
Result<std::string> BuildInteraction(std::string_view commands_json,
                                     const std::vector<std::string>& words,
                                     const SimulateOptions& options);

// A new snowflake (the current time, random low bits), as Discord's ids are.
std::string NewSnowflake();

struct SignedRequest {
  std::string body;
  std::string timestamp;      // X-Signature-Timestamp: Unix seconds
  std::string signature_hex;  // X-Signature-Ed25519
};

// Signs `body` with the Ed25519 `seed` (32 raw bytes) as Discord does: over the
// timestamp followed by the body.
Result<SignedRequest> SignInteraction(std::string body, std::string_view seed,
                                      std::int64_t unix_seconds);

// POSTs it to `url` (a server root such as http://127.0.0.1:8080, or the full
// .../interactions URL). Any HTTP status is a response; errors are transport
// failures, worded for a server that is not running.
Result<net::HttpResponse> PostInteraction(net::HttpClient& client, std::string_view url,
                                          const SignedRequest& request);

}  // namespace kraken::serve
