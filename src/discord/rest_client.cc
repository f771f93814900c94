#include "src/discord/rest_client.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>
#include <thread>

#include "src/net/url.h"

namespace kraken::discord {

const char* const kUserAgent = "DiscordBot (https://github.com/kraken-eve/kraken, 0.1.0)";

// One call: the real request (whose path may hold an interaction token) and the
// route as the limiter and error messages know it (a template, no secrets).
struct RestClient::Call {
  std::string method;
  std::string path;
  std::string body;
  RateLimitRoute route;
  bool webhook = false;
};

namespace {

using Clock = RateLimiter::Clock;

template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// The parts of a JSON error body Discord sends: {"message","code","retry_after",
// "global","errors"}. Anything missing or unparsable is left empty.
struct ErrorBody {
  std::string message;
  std::int64_t code = 0;
  std::optional<double> retry_after;
  bool global = false;
  std::string errors;  // minified, for 400s on registration (which field is wrong)
};

ErrorBody ParseErrorBody(const std::string& body) {
  ErrorBody out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS || !doc.is_object()) return out;
  std::string_view message;
  if (doc["message"].get(message) == simdjson::SUCCESS) out.message = message;
  std::int64_t code = 0;
  if (doc["code"].get(code) == simdjson::SUCCESS) out.code = code;
  double retry = 0;
  if (doc["retry_after"].get(retry) == simdjson::SUCCESS) out.retry_after = retry;
  bool global = false;
  if (doc["global"].get(global) == simdjson::SUCCESS) out.global = global;
  simdjson::dom::element errors;
  if (doc["errors"].get(errors) == simdjson::SUCCESS) {
    out.errors = simdjson::minify(errors);
    if (out.errors.size() > 600) out.errors = out.errors.substr(0, 600) + "...";
  }
  return out;
}

RateLimitInfo ParseLimits(const net::HttpResponse& r, const ErrorBody& body) {
  RateLimitInfo info;
  info.status = r.status;
  info.bucket = std::string(r.Header("X-RateLimit-Bucket"));
  info.limit = ParseNumber<int>(r.Header("X-RateLimit-Limit"));
  info.remaining = ParseNumber<int>(r.Header("X-RateLimit-Remaining"));
  info.reset_after = ParseNumber<double>(r.Header("X-RateLimit-Reset-After"));
  if (r.status == 429) {
    info.retry_after = body.retry_after;
    if (!info.retry_after) info.retry_after = ParseNumber<double>(r.Header("Retry-After"));
    info.global = body.global || r.Header("X-RateLimit-Global") == "true";
    info.scope = std::string(r.Header("X-RateLimit-Scope"));
  }
  return info;
}

// "403 Missing Access (code 50001)".
std::string Described(int status, const ErrorBody& body) {
  std::string out = std::to_string(status);
  if (!body.message.empty()) out += " " + body.message;
  if (body.code != 0) out += fmt::format(" (code {})", body.code);
  if (!body.errors.empty()) out += ": " + body.errors;
  return out;
}

Error FailureFor(const RateLimitRoute& route, bool webhook, int status, const ErrorBody& body) {
  const std::string what = Described(status, body);
  switch (status) {
    case 400:
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("Discord rejected {}: {}", route.key, what));
    case 401:
      if (webhook) {
        return MakeError(ErrorCode::kPermissionDenied,
                         fmt::format("Discord rejected the interaction token on {}: {}; "
                                     "tokens stop working 15 minutes after the interaction",
                                     route.key, what));
      }
      return MakeError(ErrorCode::kPermissionDenied,
                       fmt::format("DISCORD_BOT_TOKEN was rejected by Discord ({}); copy the "
                                   "token from the Developer Portal (Bot, Reset Token) into "
                                   "DISCORD_BOT_TOKEN",
                                   what));
    case 403:
      return MakeError(ErrorCode::kPermissionDenied,
                       fmt::format("Discord refused {}: {}; check that DISCORD_APPLICATION_ID "
                                   "is this bot's application and, for guild commands, that "
                                   "the app was added to the server with the "
                                   "applications.commands scope",
                                   route.key, what));
    case 404:
      return MakeError(
          ErrorCode::kNotFound,
          fmt::format("Discord answered {} with {}; {}", route.key, what,
                      webhook ? "the interaction token expired (15 minutes) or the message "
                                "was deleted"
                              : "check DISCORD_APPLICATION_ID and the guild id"));
    default:
      return MakeError(status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInternal,
                       fmt::format("Discord answered {} with {}", route.key, what));
  }
}

}  // namespace

RestClient::RestClient(RestOptions options)
    : options_(std::move(options)), limiter_(options_.limits) {
  net::HttpClientOptions http;
  http.connect_timeout = options_.connect_timeout;
  http.request_timeout = options_.request_timeout;
  http.user_agent = kUserAgent;
  http.ca_file = options_.ca_file;
  http_ = std::make_unique<net::HttpClient>(std::move(http));
}

RestClient::~RestClient() = default;

Result<std::unique_ptr<RestClient>> RestClient::Create(RestOptions options) {
  auto url = net::ParseUrl(options.api_base);
  if (!url.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "DISCORD_API_BASE: " + url.error().message +
                         " (the default is https://discord.com/api/v10)");
  }
  return std::unique_ptr<RestClient>(new RestClient(std::move(options)));
}

int RestClient::requests_sent() const { return requests_sent_.load(); }

Result<net::HttpResponse> RestClient::Send(const Call& call) {
  const Clock::time_point deadline = Clock::now() + options_.deadline;
  auto backoff = options_.retry_backoff;
  int attempts = 0;
  int not_found = 0;
  std::string last_problem;
  // Waits `d` if the deadline allows; false if it does not.
  auto wait = [&](Clock::duration d) {
    if (Clock::now() + d > deadline) return false;
    std::this_thread::sleep_for(d);
    return true;
  };
  auto give_up = [&](const std::string& why) {
    return MakeError(
        ErrorCode::kUnavailable,
        fmt::format("{} did not succeed within {:.1f} s ({} request{}): {}; try again later",
                    call.route.key, std::chrono::duration<double>(options_.deadline).count(),
                    attempts, attempts == 1 ? "" : "s", why));
  };

  while (true) {
    RateLimiter::Decision d = limiter_.Acquire(call.route, Clock::now());
    if (d.kind == RateLimiter::Decision::kRefuse) {
      return MakeError(ErrorCode::kUnavailable, d.reason);
    }
    if (d.kind == RateLimiter::Decision::kWait) {
      if (!wait(d.wait)) {
        return give_up(fmt::format("waiting for {} would take {:.2f} s more", d.reason,
                                   std::chrono::duration<double>(d.wait).count()));
      }
      continue;
    }
    if (attempts >= options_.max_attempts) return give_up(last_problem);

    net::HttpRequest request;
    request.method = call.method;
    request.url = net::JoinUrl(options_.api_base, call.path);
    if (call.route.authenticated) {
      request.headers.emplace_back("Authorization", "Bot " + options_.bot_token);
    }
    if (!call.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    request.body = call.body;
    ++attempts;
    ++requests_sent_;
    Result<net::HttpResponse> sent = http_->Send(request);
    if (!sent.ok()) {
      last_problem = sent.error().message;
      // A POST that failed in flight may have been delivered: not repeated.
      // Nor is what a retry cannot fix (a certificate that does not verify).
      if (sent.error().code != ErrorCode::kUnavailable) return sent.take_error();
      if (call.method == "POST" || !wait(backoff)) return give_up(last_problem);
      backoff *= 2;
      continue;
    }
    net::HttpResponse& response = *sent;
    const ErrorBody body = response.status >= 400 ? ParseErrorBody(response.body) : ErrorBody{};
    limiter_.Record(call.route, ParseLimits(response, body), Clock::now());
    if (response.status >= 200 && response.status < 300) return std::move(response);

    last_problem = Described(response.status, body);
    if (response.status == 429) continue;  // the limiter now knows how long to wait
    if (response.status >= 500) {
      if (!wait(backoff)) return give_up(last_problem);
      backoff *= 2;
      continue;
    }
    if (call.webhook && response.status == 404 && not_found < options_.not_found_retries) {
      ++not_found;
      if (wait(backoff)) {
        backoff *= 2;
        continue;
      }
    }
    if (call.webhook && (response.status == 404 || response.status == 401)) {
      limiter_.MarkDead(call.route, fmt::format("it answered {}", last_problem), Clock::now());
    }
    return FailureFor(call.route, call.webhook, response.status, body);
  }
}

Result<std::string> RestClient::BulkOverwriteCommands(std::string_view commands_json,
                                                      std::string_view guild_id) {
  if (options_.application_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "DISCORD_APPLICATION_ID is not set; copy the Application ID from the "
                     "Developer Portal (General Information)");
  }
  if (options_.bot_token.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "DISCORD_BOT_TOKEN is not set; copy the token from the Developer Portal "
                     "(Bot, Reset Token)");
  }
  const std::string app = net::PercentEncode(options_.application_id);
  Call call;
  call.method = "PUT";
  call.body = std::string(commands_json);
  if (guild_id.empty()) {
    call.path = fmt::format("/applications/{}/commands", app);
    call.route = {"PUT /applications/{app}/commands", "", true};
  } else {
    call.path =
        fmt::format("/applications/{}/guilds/{}/commands", app, net::PercentEncode(guild_id));
    call.route = {"PUT /applications/{app}/guilds/{guild}/commands", std::string(guild_id), true};
  }
  KRAKEN_ASSIGN_OR_RETURN(net::HttpResponse response, Send(call));
  return std::move(response.body);
}

Status RestClient::EditOriginal(std::string_view application_id, std::string_view token,
                                std::string_view message_json) {
  Call call;
  call.method = "PATCH";
  call.path = fmt::format("/webhooks/{}/{}/messages/@original", net::PercentEncode(application_id),
                          net::PercentEncode(token));
  call.body = std::string(message_json);
  call.route = {"PATCH /webhooks/{app}/{token}/messages/@original",
                fmt::format("{}/{}", application_id, token), false};
  call.webhook = true;
  return Send(call);
}

Result<std::string> RestClient::CreateFollowup(std::string_view application_id,
                                               std::string_view token,
                                               std::string_view message_json) {
  Call call;
  call.method = "POST";
  call.path = fmt::format("/webhooks/{}/{}?wait=true", net::PercentEncode(application_id),
                          net::PercentEncode(token));
  call.body = std::string(message_json);
  call.route = {"POST /webhooks/{app}/{token}", fmt::format("{}/{}", application_id, token), false};
  call.webhook = true;
  KRAKEN_ASSIGN_OR_RETURN(net::HttpResponse response, Send(call));
  return std::move(response.body);
}

Result<std::string> RestClient::CreateMessage(std::string_view channel_id,
                                              std::string_view message_json) {
  if (options_.bot_token.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "DISCORD_BOT_TOKEN is not set, and posting in a channel needs the bot; copy "
                     "the token from the Developer Portal (Bot, Reset Token)");
  }
  Call call;
  call.method = "POST";
  call.path = fmt::format("/channels/{}/messages", net::PercentEncode(channel_id));
  call.body = std::string(message_json);
  call.route = {"POST /channels/{channel}/messages", std::string(channel_id), true};
  KRAKEN_ASSIGN_OR_RETURN(net::HttpResponse response, Send(call));
  return std::move(response.body);
}

}  // namespace kraken::discord
