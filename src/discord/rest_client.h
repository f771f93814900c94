#pragma once
// The few Discord REST calls KRAKEN makes: registering its slash commands, and
// finishing a deferred interaction (edit @original, post a follow-up).
//
// Over net::HttpClient: https with the system CA store and connection reuse;
// http is accepted for a loopback DISCORD_API_BASE (tests, a local fake). Sends
// the required `User-Agent: DiscordBot (url, version)`, and
// `Authorization: Bot <token>` on the application routes (the token is never
// logged, nor put in an error message; neither is an interaction token).
//
// Rate limits are waited out (RateLimiter); every call has an overall deadline
// that bounds its waits and retries together. Retried: 429, 5xx, transport
// failures of PUT and PATCH (a POST could post twice), and a webhook's 404
// right after a deferral (Discord may not know the message yet) a few times.
// Not retried: 400, 401, 403, 404 otherwise. A webhook that stays 404 (or 401)
// is remembered as dead and refused without a request from then on; a bot
// token answered with 401 likewise. Thread-safe.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "events/result.h"
#include "src/discord/rate_limiter.h"
#include "src/net/http_client.h"

namespace kraken::discord {

// "DiscordBot (https://github.com/kraken-eve/kraken, 0.1.0)".
extern const char* const kUserAgent;

struct RestOptions {
  std::string api_base = "https://discord.com/api/v10";  // DISCORD_API_BASE
  std::string application_id;                            // DISCORD_APPLICATION_ID
  std::string bot_token;                                 // DISCORD_BOT_TOKEN
  std::chrono::milliseconds deadline{30'000};            // per call: waits and retries included
  int max_attempts = 5;                                  // requests per call, at most
  int not_found_retries = 2;                             // webhook 404s retried before giving up
  std::chrono::milliseconds retry_backoff{250};          // first backoff; doubles
  RateLimiter::Options limits;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{15'000};
  std::string ca_file;  // empty: the system store
};

class RestClient {
 public:
  // Checks the base URL (https, or http to loopback). Credentials are checked
  // by the calls that need them, so a client for follow-ups needs no token.
  static Result<std::unique_ptr<RestClient>> Create(RestOptions options);
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  // PUT /applications/{app}/commands, or .../guilds/{guild}/commands when
  // `guild_id` is set: replaces every command with `commands_json` (an array).
  // Returns Discord's answer (the commands with their ids). kInvalidArgument
  // names the missing DISCORD_APPLICATION_ID or DISCORD_BOT_TOKEN.
  Result<std::string> BulkOverwriteCommands(std::string_view commands_json,
                                            std::string_view guild_id = {});

  // PATCH /webhooks/{app}/{token}/messages/@original with `message_json`
  // (content, embeds, ...): replaces a deferral's "thinking" message.
  Status EditOriginal(std::string_view application_id, std::string_view token,
                      std::string_view message_json);

  // POST /webhooks/{app}/{token}?wait=true: another message. Returns it.
  Result<std::string> CreateFollowup(std::string_view application_id, std::string_view token,
                                     std::string_view message_json);

  // POST /channels/{channel}/messages with `message_json`, as the bot (needs
  // DISCORD_BOT_TOKEN and the bot's Send Messages permission in the channel).
  // Returns the message.
  Result<std::string> CreateMessage(std::string_view channel_id, std::string_view message_json);

  // HTTP requests sent so far, and connections opened for them (tests check
  // what was not sent, and that connections are reused).
  int requests_sent() const;
  std::size_t connections_opened() const { return http_->connections_opened(); }

 private:
  struct Call;
  explicit RestClient(RestOptions options);
  Result<net::HttpResponse> Send(const Call& call);

  RestOptions options_;
  RateLimiter limiter_;
  std::unique_ptr<net::HttpClient> http_;
  std::atomic<int> requests_sent_{0};
};

}  // namespace kraken::discord
