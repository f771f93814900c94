#include "tools/bench/discord_requests.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

#include "src/crypto/ed25519.h"
#include "src/crypto/encoding.h"

namespace kraken::bench {
namespace {

constexpr std::uint64_t kDiscordEpochMs = 1420070400000;

// The guild, channel and application every request comes from, and an opaque
// interaction token of a realistic length. The keys are in alphabetical order
// and the JSON is compact, as Discord sends it.
constexpr std::string_view kApplicationId = "1380486651436073092";
constexpr std::string_view kToken =
    "aW50ZXJhY3Rpb246MTM5MDAwMDAwMDAwMDAwMDEyMzpiZW5jaG1hcmstdG9rZW4tbm90LWEtc2VjcmV0LWp1c3Qt"
    "YS1wbGFjZWhvbGRlci1vZi10aGUtdXN1YWwtbGVuZ3RoLWZvci1kaXNjb3JkLWludGVyYWN0aW9uLXRva2Vucw";

std::string Base36(std::uint64_t n) {
  std::string digits;
  do {
    digits.insert(digits.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36]);
    n /= 36;
  } while (n != 0);
  return digits;
}

std::string StringOption(std::string_view name, std::string_view value) {
  return fmt::format(R"({{"name":"{}","type":3,"value":"{}"}})", name, value);
}

// /pilot <subcommand> with its options, as the command's "data".
std::string PilotCommandData(std::string_view subcommand, std::string_view options) {
  return fmt::format(
      R"({{"id":"1390000000000000001","name":"pilot","options":[{{"name":"{}","options":[{}],)"
      R"("type":1}}],"type":1}})",
      subcommand, options);
}

std::string CommandInteraction(std::uint64_t id, std::uint64_t user_id, std::string_view username,
                               std::string_view data) {
  return fmt::format(
      R"({{"app_permissions":"2248473465835073","application_id":"{app}",)"
      R"("attachment_size_limit":10485760,)"
      R"("authorizing_integration_owners":{{"0":"1380488052169769110"}},)"
      R"("channel":{{"guild_id":"1380488052169769110","id":"1380488052169769113",)"
      R"("name":"fleet-ops","permissions":"2251799813685247","type":0}},)"
      R"("channel_id":"1380488052169769113","context":0,"data":{data},"entitlements":[],)"
      R"("guild":{{"features":[],"id":"1380488052169769110","locale":"en-US"}},)"
      R"("guild_id":"1380488052169769110","guild_locale":"en-US","id":"{id}","locale":"en-GB",)"
      R"("member":{{"avatar":null,"deaf":false,"flags":0,)"
      R"("joined_at":"2025-06-06T10:06:39.888000+00:00","mute":false,"nick":null,)"
      R"("pending":false,"permissions":"2248473465835073","roles":["1380490000000000001"],)"
      R"("user":{{"avatar":null,"discriminator":"0","global_name":"{user}","id":"{uid}",)"
      R"("public_flags":0,"username":"{user}"}}}},"token":"{token}","type":2,"version":1}})",
      fmt::arg("app", kApplicationId), fmt::arg("data", data), fmt::arg("id", id),
      fmt::arg("user", username), fmt::arg("uid", user_id), fmt::arg("token", kToken));
}

std::string PingInteraction(std::uint64_t id) {
  return fmt::format(
      R"({{"app_permissions":"562949953601536","application_id":"{}","entitlements":[],)"
      R"("id":"{}","token":"{}","type":1,"user":{{"avatar":"c6a249645d46209f337279cd2ca998c7",)"
      R"("discriminator":"0000","global_name":"Discord","id":"643945264868098049",)"
      R"("public_flags":1,"system":true,"username":"discord"}},"version":1}})",
      kApplicationId, id, kToken);
}

}  // namespace

std::optional<Mix> ParseMix(std::string_view name) {
  if (name == "register") return Mix::kRegister;
  if (name == "show") return Mix::kShow;
  if (name == "ping") return Mix::kPing;
  return std::nullopt;
}

std::string_view MixName(Mix mix) {
  switch (mix) {
    case Mix::kRegister:
      return "register";
    case Mix::kShow:
      return "show";
    case Mix::kPing:
      return "ping";
  }
  return "?";
}

std::uint64_t RunIdFromClock() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(
             std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) -
         kDiscordEpochMs;
}

std::string InteractionBody(const RequestOptions& options, std::uint64_t run_id,
                            std::size_t index) {
  // Snowflake-shaped: unique per request and, through the run id, per run.
  const std::uint64_t id = (run_id << 22) | index;
  switch (options.mix) {
    case Mix::kRegister: {
      // A new Discord user registers a new character: the name has the run in
      // it, so a second run against the same log registers new pilots too.
      const std::string name = fmt::format("Bench {} {}", Base36(run_id), index);
      const std::string fields =
          fmt::format("{},{},{}", StringOption("name", name), StringOption("corp", options.corp),
                      StringOption("clone", "Omega"));
      return CommandInteraction(id, id, fmt::format("bench{}", index),
                                PilotCommandData("register", fields));
    }
    case Mix::kShow: {
      const std::string& name = options.show_names[index % options.show_names.size()];
      return CommandInteraction(id, 555200494606748983, "kvoss",
                                PilotCommandData("show", StringOption("name", name)));
    }
    case Mix::kPing:
      return PingInteraction(id);
  }
  return {};
}

Result<std::vector<std::string>> BuildSignedRequests(const RequestOptions& options,
                                                     std::uint64_t run_id, std::size_t count) {
  if (options.seed.size() != 32) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the signing seed must be 32 bytes (64 hex digits); make one with --keygen");
  }
  if (count > kMaxRequestsPerRun) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("at most {} requests per run, not {}; use fewer requests or a "
                                 "lower rate or duration",
                                 kMaxRequestsPerRun, count));
  }
  if (options.mix == Mix::kShow && options.show_names.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the show mix needs at least one pilot name");
  }
  // Discord's timestamps are Unix seconds; one for the whole run is realistic
  // enough (neither kraken nor discord-interactions checks freshness finely).
  const std::string timestamp = fmt::format("{}", static_cast<long long>(std::time(nullptr)));
  std::vector<std::string> requests;
  requests.reserve(count);
  std::string message;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string body = InteractionBody(options, run_id, i);
    message.assign(timestamp).append(body);
    KRAKEN_ASSIGN_OR_RETURN(std::string signature, crypto::Ed25519Sign(options.seed, message));
    requests.push_back(fmt::format(
        "POST /interactions HTTP/1.1\r\n"
        "Host: {}\r\n"
        "User-Agent: kraken-discord-loadgen/1.0\r\n"
        "Content-Type: application/json\r\n"
        "X-Signature-Ed25519: {}\r\n"
        "X-Signature-Timestamp: {}\r\n"
        "Content-Length: {}\r\n"
        "\r\n"
        "{}",
        options.host_header, crypto::HexEncode(signature), timestamp, body.size(), body));
  }
  return requests;
}

}  // namespace kraken::bench
