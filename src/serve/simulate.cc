#include "src/serve/simulate.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <simdjson.h>

#include <charconv>
#include <chrono>
#include <cstring>
#include <map>

#include "events/json_text.h"
#include "src/crypto/ed25519.h"
#include "src/crypto/encoding.h"
#include "src/net/url.h"

namespace kraken::serve {
namespace {

namespace dom = simdjson::dom;

// Option types (see the reference, section 4).
constexpr std::int64_t kSubcommand = 1;
constexpr std::int64_t kGroup = 2;
constexpr std::int64_t kString = 3;
constexpr std::int64_t kInteger = 4;
constexpr std::int64_t kBoolean = 5;
constexpr std::int64_t kUser = 6;
constexpr std::int64_t kChannel = 7;
constexpr std::int64_t kRole = 8;
constexpr std::int64_t kMentionable = 9;
constexpr std::int64_t kNumber = 10;

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

std::string_view Name(dom::element e) {
  std::string_view name;
  return e["name"].get(name) == simdjson::SUCCESS ? name : std::string_view{};
}
std::int64_t Type(dom::element e) {
  std::int64_t type = 0;
  return e["type"].get(type) == simdjson::SUCCESS ? type : 0;
}
bool Flag(dom::element e, const char* key) {
  bool b = false;
  return e[key].get(b) == simdjson::SUCCESS && b;
}
// A copy, because a subcommand without options has no "options" key, and a
// default-constructed dom::array points at no document: iterating it crashed
// `kraken discord simulate admin sync`.
std::vector<dom::element> Options(dom::element e) {
  std::vector<dom::element> out;
  dom::array options;
  if (e["options"].get(options) == simdjson::SUCCESS) {
    for (dom::element o : options) out.push_back(o);
  }
  return out;
}
bool IsBranch(dom::element e) { return Type(e) == kSubcommand || Type(e) == kGroup; }

template <typename Elements>  // dom::array or std::vector<dom::element>
std::string NameList(const Elements& items) {
  std::vector<std::string_view> names;
  for (dom::element e : items) names.push_back(Name(e));
  return names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "));
}

// "<@123>", "<@!123>", "<@&123>", "<#123>" or "123" -> "123".
std::optional<std::string> Snowflake(std::string_view v) {
  if (v.size() > 2 && v.front() == '<' && v.back() == '>') {
    v = v.substr(1, v.size() - 2);
    while (!v.empty() &&
           (v.front() == '@' || v.front() == '!' || v.front() == '&' || v.front() == '#')) {
      v.remove_prefix(1);
    }
  }
  if (v.empty() || v.size() > 20) return std::nullopt;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return std::string(v);
}

// Writes option `spec` = `text` as Discord sends it. `resolved_users` and
// `resolved_roles` collect the ids Discord would put in data.resolved.
Status WriteValue(JsonWriter& w, dom::element spec, std::string_view text, bool focused,
                  std::vector<std::string>& resolved_users,
                  std::vector<std::string>& resolved_roles) {
  const std::string_view name = Name(spec);
  const std::int64_t type = Type(spec);
  w.Key("value");
  if (focused) {  // while typing, Discord sends the text so far, whatever the type
    w.String(text);
    return Ok{};
  }
  switch (type) {
    case kString:
      w.String(text);
      return Ok{};
    case kInteger: {
      std::int64_t n = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return Invalid(fmt::format("{} must be a whole number, not '{}'", name, text));
      }
      w.Int(n);
      return Ok{};
    }
    case kNumber: {
      double d = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return Invalid(fmt::format("{} must be a number, not '{}'", name, text));
      }
      w.Double(d);
      return Ok{};
    }
    case kBoolean:
      if (text == "true" || text == "yes" || text == "1") {
        w.Bool(true);
      } else if (text == "false" || text == "no" || text == "0") {
        w.Bool(false);
      } else {
        return Invalid(fmt::format("{} must be true or false, not '{}'", name, text));
      }
      return Ok{};
    case kUser:
    case kChannel:
    case kRole:
    case kMentionable: {
      std::optional<std::string> id = Snowflake(text);
      if (!id) {
        return Invalid(
            fmt::format("{} must be a Discord id (digits, or a mention like <@123>), "
                        "not '{}'",
                        name, text));
      }
      w.String(*id);
      if (type == kUser) resolved_users.push_back(*id);
      if (type == kRole) resolved_roles.push_back(*id);
      return Ok{};
    }
    default:
      return Invalid(fmt::format("simulate cannot send option {} (type {})", name, type));
  }
}

void WriteUser(JsonWriter& w, const std::string& id, const std::string& username,
               const std::string& global_name) {
  w.BeginObject().Key("avatar").Null().Key("discriminator").String("0");
  w.Key("global_name");
  if (global_name.empty()) {
    w.Null();
  } else {
    w.String(global_name);
  }
  w.Key("id").String(id).Key("public_flags").Int(0).Key("username").String(username).EndObject();
}

std::string RandomToken() { return "sim." + crypto::Base64UrlEncode(crypto::RandomBytes(48)); }

}  // namespace

std::string NewSnowflake() {
  constexpr std::uint64_t kDiscordEpochMs = 1420070400000;
  const auto ms =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  const std::string random = crypto::RandomBytes(3);
  std::uint64_t low = 0;
  for (char c : random) low = (low << 8) | static_cast<unsigned char>(c);
  return std::to_string(((ms - kDiscordEpochMs) << 22) | (low & 0x3FFFFF));
}

Result<std::string> BuildInteraction(std::string_view commands_json,
                                     const std::vector<std::string>& words,
                                     const SimulateOptions& options) {
  const std::string id = options.interaction_id.empty() ? NewSnowflake() : options.interaction_id;
  const std::string token = options.token.empty() ? RandomToken() : options.token;
  const SimulatedUser& user = options.user;
  JsonWriter w;
  if (options.ping) {
    if (!words.empty()) return Invalid("a PING takes no command words");
    w.BeginObject()
        .Key("application_id")
        .String(options.application_id)
        .Key("entitlements")
        .BeginArray()
        .EndArray()
        .Key("id")
        .String(id)
        .Key("token")
        .String(token)
        .Key("type")
        .Int(1)
        .Key("user");
    WriteUser(w, "643945264868098049", "discord", "");
    w.Key("version").Int(1).EndObject();
    return w.Take();
  }

  dom::parser parser;
  dom::array commands;
  if (parser.parse(commands_json.data(), commands_json.size()).get(commands) != simdjson::SUCCESS) {
    return MakeError(ErrorCode::kInternal, "the command catalogue is not a JSON array");
  }
  if (words.empty() || words[0].find('=') != std::string::npos) {
    return Invalid(fmt::format("name a command first; the commands are: {}", NameList(commands)));
  }
  // The command, then its group and subcommand, as the catalogue nests them.
  std::vector<dom::element> path;
  std::size_t command_index = 0;
  for (dom::element c : commands) {
    if (Name(c) == words[0]) {
      path.push_back(c);
      break;
    }
    ++command_index;
  }
  if (path.empty()) {
    return Invalid(
        fmt::format("no command '{}'; the commands are: {}", words[0], NameList(commands)));
  }
  std::size_t next = 1;
  std::string path_text = "/" + words[0];
  while (true) {
    const std::vector<dom::element> level = Options(path.back());
    bool branches = false;
    for (dom::element o : level) branches = branches || IsBranch(o);
    if (!branches) break;
    if (next >= words.size() || words[next].find('=') != std::string::npos) {
      return Invalid(fmt::format("{} needs a subcommand: {}", path_text, NameList(level)));
    }
    bool found = false;
    for (dom::element o : level) {
      if (IsBranch(o) && Name(o) == words[next]) {
        path.push_back(o);
        found = true;
        break;
      }
    }
    if (!found) {
      return Invalid(fmt::format("{} has no subcommand '{}'; it has: {}", path_text, words[next],
                                 NameList(level)));
    }
    path_text += " " + words[next++];
  }

  // option=value words, in order; the last is the focused one in an autocomplete.
  const std::vector<dom::element> specs = Options(path.back());
  std::vector<std::pair<dom::element, std::string>> given;
  for (; next < words.size(); ++next) {
    const std::string& word = words[next];
    const auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Invalid(
          fmt::format("expected option=value after {}, got '{}' (quote values with "
                      "spaces: name=\"Nyx Arden\")",
                      path_text, word));
    }
    const std::string_view name = std::string_view(word).substr(0, eq);
    std::optional<dom::element> spec;
    for (dom::element o : specs) {
      if (Name(o) == name) spec = o;
    }
    if (!spec) {
      return Invalid(fmt::format("{} has no option '{}'; its options are: {}", path_text, name,
                                 NameList(specs)));
    }
    for (const auto& [other, value] : given) {
      if (Name(other) == name) return Invalid(fmt::format("{} is given twice", name));
    }
    given.emplace_back(*spec, word.substr(eq + 1));
  }
  if (options.autocomplete && given.empty()) {
    return Invalid("an autocomplete needs the option being typed, e.g. name=Kae");
  }
  if (!options.autocomplete) {
    for (dom::element o : specs) {
      if (!Flag(o, "required")) continue;
      bool present = false;
      for (const auto& g : given) present = present || Name(g.first) == Name(o);
      if (!present) {
        return Invalid(fmt::format("{} needs {}=... (required)", path_text, Name(o)));
      }
    }
  }

  // The leaf options, then wrapped in the subcommand and group, innermost first.
  std::vector<std::string> users, roles;
  JsonWriter leaves;
  leaves.BeginArray();
  for (std::size_t i = 0; i < given.size(); ++i) {
    const bool focused = options.autocomplete && i + 1 == given.size();
    leaves.BeginObject();
    if (focused) leaves.Key("focused").Bool(true);
    leaves.Key("name").String(Name(given[i].first)).Key("type").Int(Type(given[i].first));
    KRAKEN_RETURN_IF_ERROR(
        WriteValue(leaves, given[i].first, given[i].second, focused, users, roles));
    leaves.EndObject();
  }
  leaves.EndArray();
  std::string option_array = leaves.Take();
  for (std::size_t i = path.size(); i-- > 1;) {
    JsonWriter wrap;
    wrap.BeginArray()
        .BeginObject()
        .Key("name")
        .String(Name(path[i]))
        .Key("options")
        .Raw(option_array)
        .Key("type")
        .Int(Type(path[i]))
        .EndObject()
        .EndArray();
    option_array = wrap.Take();
  }

  // Keys in alphabetical order, as Discord sends them.
  const std::string channel_id = "100000000000000004";
  const std::string permissions = "2248473465835073";
  w.BeginObject().Key("app_permissions").String(permissions);
  w.Key("application_id").String(options.application_id);
  w.Key("attachment_size_limit").Int(10485760);
  w.Key("authorizing_integration_owners").BeginObject().Key("0").String(options.guild_id);
  w.EndObject();
  w.Key("channel").BeginObject().Key("guild_id").String(options.guild_id);
  w.Key("id").String(channel_id).Key("name").String("kraken-dev");
  w.Key("permissions").String(permissions).Key("type").Int(0).EndObject();
  w.Key("channel_id").String(channel_id).Key("context").Int(0);
  w.Key("data").BeginObject();
  w.Key("id").String(std::to_string(1390000000000000001ull + command_index));
  w.Key("name").String(words[0]).Key("options").Raw(option_array);
  if (!users.empty() || !roles.empty()) {
    w.Key("resolved").BeginObject();
    if (!roles.empty()) {
      w.Key("roles").BeginObject();
      for (const auto& r : roles) {
        w.Key(r).BeginObject().Key("id").String(r).Key("name").String("role " + r).EndObject();
      }
      w.EndObject();
    }
    if (!users.empty()) {
      w.Key("users").BeginObject();
      for (const auto& u : users) {
        w.Key(u);
        WriteUser(w, u, u == user.user_id ? user.username : "user" + u.substr(u.size() - 4), "");
      }
      w.EndObject();
    }
    w.EndObject();
  }
  w.Key("type").Int(1).EndObject();
  w.Key("entitlements").BeginArray().EndArray();
  w.Key("guild").BeginObject().Key("features").BeginArray().EndArray();
  w.Key("id").String(options.guild_id).Key("locale").String("en-US").EndObject();
  w.Key("guild_id").String(options.guild_id).Key("guild_locale").String("en-US");
  w.Key("id").String(id).Key("locale").String("en-US");
  w.Key("member").BeginObject().Key("deaf").Bool(false).Key("flags").Int(0);
  w.Key("joined_at").String("2025-06-06T10:06:39.888000+00:00").Key("mute").Bool(false);
  w.Key("nick").Null().Key("pending").Bool(false).Key("permissions").String(permissions);
  w.Key("roles").BeginArray();
  for (const auto& r : user.roles) w.String(r);
  w.EndArray().Key("user");
  WriteUser(w, user.user_id, user.username, user.global_name);
  w.EndObject();
  w.Key("token").String(token);
  w.Key("type").Int(options.autocomplete ? 4 : 2);
  w.Key("version").Int(1).EndObject();
  return w.Take();
}

Result<SignedRequest> SignInteraction(std::string body, std::string_view seed,
                                      std::int64_t unix_seconds) {
  SignedRequest out;
  out.timestamp = std::to_string(unix_seconds);
  KRAKEN_ASSIGN_OR_RETURN(std::string signature, crypto::Ed25519Sign(seed, out.timestamp + body));
  out.signature_hex = crypto::HexEncode(signature);
  out.body = std::move(body);
  return out;
}

Result<net::HttpResponse> PostInteraction(net::HttpClient& client, std::string_view url,
                                          const SignedRequest& request) {
  net::HttpRequest http;
  http.method = "POST";
  http.url = url.ends_with("/interactions") ? std::string(url) : net::JoinUrl(url, "/interactions");
  http.headers = {{"Content-Type", "application/json"},
                  {"X-Signature-Ed25519", request.signature_hex},
                  {"X-Signature-Timestamp", request.timestamp}};
  http.body = request.body;
  auto response = client.Send(http);
  if (!response.ok()) {
    return MakeError(response.error().code,
                     fmt::format("cannot reach {}: {}; is `kraken serve` running there? (--url "
                                 "or KRAKEN_LISTEN say where)",
                                 http.url, response.error().message));
  }
  return response;
}

}  // namespace kraken::serve
