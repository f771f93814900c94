#include "src/config/config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <type_traits>

namespace kraken {
namespace {

Error Invalid(const std::string& origin, const std::string& what) {
  return MakeError(ErrorCode::kInvalidArgument, fmt::format("{}: {}", origin, what));
}

// Unknown keys are errors, not silently ignored: a typo must not go unnoticed.
Status CheckKeys(const toml::table& table, const std::set<std::string>& allowed,
                 const std::string& origin, std::string_view where) {
  for (const auto& [key, value] : table) {
    if (!allowed.contains(std::string(key.str()))) {
      return Invalid(origin,
                     fmt::format("unknown key '{}{}' (line {}); allowed here: {}", where, key.str(),
                                 key.source().begin.line, fmt::join(allowed, ", ")));
    }
  }
  return Ok{};
}

Result<Column> ParseColumn(const toml::table& t, const std::string& origin,
                           std::string_view where) {
  KRAKEN_RETURN_IF_ERROR(CheckKeys(
      t, {"name", "type", "values", "editable_by", "description", "max_length"}, origin, where));
  Column c;
  auto name = t["name"].value<std::string>();
  if (!name) return Invalid(origin, fmt::format("{}: every column needs a name", where));
  c.name = *name;
  const std::string type = t["type"].value_or<std::string>("text");
  auto parsed = ParseColumnType(type);
  if (!parsed) {
    return Invalid(origin, fmt::format("column '{}': unknown type '{}'; use text, integer, enum, "
                                       "date, pilot or corp",
                                       c.name, type));
  }
  c.type = *parsed;
  if (const auto* values = t["values"].as_array()) {
    for (const auto& v : *values) {
      auto s = v.value<std::string>();
      if (!s || s->empty()) {
        return Invalid(origin,
                       fmt::format("column '{}': values must be non-empty strings", c.name));
      }
      c.enum_values.push_back(*s);
    }
  }
  const std::string editor = t["editable_by"].value_or<std::string>("admin");
  if (editor == "self") {
    c.editor = Editor::kSelf;
  } else if (editor == "admin") {
    c.editor = Editor::kAdmin;
  } else {
    return Invalid(origin, fmt::format("column '{}': editable_by must be \"self\" (the pilot and "
                                       "admins) or \"admin\", not \"{}\"",
                                       c.name, editor));
  }
  c.description = t["description"].value_or<std::string>("");
  if (auto max = t["max_length"].value<std::int64_t>()) {
    if (*max < 1 || *max > 50000) {
      return Invalid(origin, fmt::format("column '{}': max_length must be 1 to 50000", c.name));
    }
    c.max_length = static_cast<std::size_t>(*max);
  }
  return c;
}

Status ParseColumns(const toml::table& root, Table table, Schema& schema,
                    const std::string& origin) {
  const std::string section(TableName(table));
  const auto* node = root.get(section);
  if (node == nullptr) return Ok{};
  const auto* sec = node->as_table();
  if (sec == nullptr) return Invalid(origin, fmt::format("'{}' must be a table", section));
  KRAKEN_RETURN_IF_ERROR(CheckKeys(*sec, {"columns"}, origin, section + "."));
  const auto* columns = (*sec)["columns"].as_array();
  if (columns == nullptr) {
    if (sec->contains("columns")) {
      return Invalid(origin, fmt::format("declare columns as [[{}.columns]] tables", section));
    }
    return Ok{};
  }
  for (const auto& entry : *columns) {
    const auto* t = entry.as_table();
    if (t == nullptr) {
      return Invalid(origin, fmt::format("declare columns as [[{}.columns]] tables", section));
    }
    KRAKEN_ASSIGN_OR_RETURN(Column column, ParseColumn(*t, origin, section + ".columns."));
    Status added = schema.AddColumn(table, std::move(column));
    if (!added.ok()) return Invalid(origin, added.error().message);
  }
  return Ok{};
}

void FromEnv(const EnvLookup& env, const char* name, std::string& into) {
  if (auto v = env(name); v && !v->empty()) into = *v;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = Trim(text.substr(start, end - start));
    if (!item.empty()) out.emplace_back(item);
    start = end + 1;
  }
  return out;
}

void ApplyEnvironment(Config& config, const EnvLookup& env) {
  FromEnv(env, "KRAKEN_DATA_DIR", config.data_dir);
  FromEnv(env, "KRAKEN_LISTEN", config.server.listen);
  FromEnv(env, "KRAKEN_TLS_CERT", config.server.tls_cert);
  FromEnv(env, "KRAKEN_TLS_KEY", config.server.tls_key);
  FromEnv(env, "DISCORD_PUBLIC_KEY", config.discord.public_key);
  FromEnv(env, "DISCORD_APPLICATION_ID", config.discord.application_id);
  FromEnv(env, "DISCORD_BOT_TOKEN", config.discord.bot_token);
  FromEnv(env, "DISCORD_API_BASE", config.discord.api_base);
  FromEnv(env, "KRAKEN_GUILD_ID", config.discord.guild_id);
  if (auto roles = env("KRAKEN_ADMIN_ROLE_IDS"); roles && !roles->empty()) {
    config.discord.admin_role_ids = SplitList(*roles);
  }
  FromEnv(env, "KRAKEN_SPREADSHEET_ID", config.sheets.spreadsheet_id);
  FromEnv(env, "GOOGLE_APPLICATION_CREDENTIALS", config.sheets.credentials);
  FromEnv(env, "KRAKEN_SHEETS_ROOT", config.sheets.sheets_root);
  FromEnv(env, "KRAKEN_DRIVE_ROOT", config.sheets.drive_root);
  // One variable for both: a TLS-intercepting proxy or a private CA covers all outbound traffic.
  FromEnv(env, "KRAKEN_CA_FILE", config.discord.ca_file);
  FromEnv(env, "KRAKEN_CA_FILE", config.sheets.ca_file);
  if (auto v = env("KRAKEN_SYNC_INTERVAL"); v && !v->empty()) {
    try {
      config.sync.interval_seconds = std::max(0, std::stoi(*v));
    } catch (const std::exception&) {
      // Left as configured; ValidateSync names the variable.
      config.sync.interval_seconds = -1;
    }
  }
}

// Admin role ids from the file or KRAKEN_ADMIN_ROLE_IDS. A role id with a stray
// space would never match a member's roles: the admins would be locked out with
// no hint why. Spaces go; anything else that is not a snowflake is an error.
Status ValidateDiscord(Config& config, const std::string& origin) {
  for (std::string& id : config.discord.admin_role_ids) {
    id = std::string(Trim(id));
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
      return Invalid(origin,
                     fmt::format("'discord.admin_role_ids' (or KRAKEN_ADMIN_ROLE_IDS) holds '{}', "
                                 "which is not a Discord role id (digits only: with Developer Mode "
                                 "on, right-click the role, Copy Role ID)",
                                 id));
    }
  }
  return Ok{};
}

bool IsPolicy(std::string_view p) { return p == "sheet-wins" || p == "log-wins" || p == "manual"; }

Status ValidateSync(const Config& config, const std::string& origin) {
  const SyncConfig& s = config.sync;
  if (s.interval_seconds < 0) {
    return Invalid(origin, "KRAKEN_SYNC_INTERVAL must be a whole number of seconds (0: off)");
  }
  auto bad_policy = [&](std::string_view where, std::string_view value) {
    return Invalid(origin,
                   fmt::format("{} = '{}': use sheet-wins, log-wins or manual", where, value));
  };
  if (!IsPolicy(s.conflict_policy)) return bad_policy("sync.conflict_policy", s.conflict_policy);
  for (auto [table, policies] :
       {std::pair{Table::kPilot, &s.pilot_policies}, std::pair{Table::kCorp, &s.corp_policies}}) {
    for (const auto& [column, policy] : *policies) {
      const std::string where = fmt::format("sync.{}_policies.{}", TableName(table), column);
      if (!config.schema.IndexOf(table, column)) {
        return Invalid(
            origin, fmt::format("{}: there is no {} column '{}'", where, TableName(table), column));
      }
      if (!IsPolicy(policy)) return bad_policy(where, policy);
    }
  }
  // Written so that NaN (TOML's `nan`) fails too: it would turn the deletion guard off.
  if (!(s.max_deletion_share >= 0 && s.max_deletion_share <= 1)) {
    return Invalid(origin, "sync.max_deletion_share must be between 0 and 1");
  }
  return Ok{};
}

// Reads `key` of `table` into `into` when present; a value of the wrong type is
// an error naming the key and the expected type.
template <typename T>
Status Read(const toml::table& table, const char* key, T& into, const std::string& origin,
            std::string_view where) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Ok{};
  if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    const auto* array = node->as_array();
    if (array == nullptr) {
      return Invalid(origin, fmt::format("'{}{}' must be a list of strings", where, key));
    }
    into.clear();
    for (const auto& item : *array) {
      auto text = item.value<std::string>();
      if (!text)
        return Invalid(origin, fmt::format("'{}{}' must be a list of strings", where, key));
      into.push_back(*text);
    }
  } else if constexpr (std::is_same_v<T, std::string>) {
    auto v = node->value<std::string>();
    if (!v) return Invalid(origin, fmt::format("'{}{}' must be a string", where, key));
    into = *v;
  } else {
    auto v = node->value<std::int64_t>();
    if (!v || *v < 0 || *v > 1'000'000'000) {
      return Invalid(origin, fmt::format("'{}{}' must be a non-negative integer", where, key));
    }
    into = static_cast<T>(*v);
  }
  return Ok{};
}

const toml::table* Section(const toml::table& root, const char* name) {
  const toml::node* node = root.get(name);
  return node == nullptr ? nullptr : node->as_table();
}

Status ParseSections(const toml::table& root, Config& config, const std::string& origin) {
  for (const char* name : {"server", "discord", "sheets"}) {
    if (root.get(name) != nullptr && Section(root, name) == nullptr) {
      return Invalid(origin, fmt::format("'{}' must be a table: [{}]", name, name));
    }
  }
  if (const auto* t = Section(root, "server")) {
    KRAKEN_RETURN_IF_ERROR(CheckKeys(
        *t, {"listen", "tls_cert", "tls_key", "handler_threads", "body_limit", "max_connections"},
        origin, "server."));
    auto& s = config.server;
    KRAKEN_RETURN_IF_ERROR(Read(*t, "listen", s.listen, origin, "server."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "tls_cert", s.tls_cert, origin, "server."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "tls_key", s.tls_key, origin, "server."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "handler_threads", s.handler_threads, origin, "server."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "body_limit", s.body_limit, origin, "server."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "max_connections", s.max_connections, origin, "server."));
  }
  if (const auto* t = Section(root, "discord")) {
    KRAKEN_RETURN_IF_ERROR(
        CheckKeys(*t,
                  {"public_key", "application_id", "bot_token", "api_base", "admin_role_ids",
                   "guild_id", "timestamp_window_seconds", "ca_file"},
                  origin, "discord."));
    auto& d = config.discord;
    KRAKEN_RETURN_IF_ERROR(Read(*t, "public_key", d.public_key, origin, "discord."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "application_id", d.application_id, origin, "discord."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "bot_token", d.bot_token, origin, "discord."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "api_base", d.api_base, origin, "discord."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "admin_role_ids", d.admin_role_ids, origin, "discord."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "guild_id", d.guild_id, origin, "discord."));
    KRAKEN_RETURN_IF_ERROR(
        Read(*t, "timestamp_window_seconds", d.timestamp_window_seconds, origin, "discord."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "ca_file", d.ca_file, origin, "discord."));
  }
  if (root.get("sync") != nullptr && Section(root, "sync") == nullptr) {
    return Invalid(origin, "'sync' must be a table: [sync]");
  }
  if (const auto* t = Section(root, "sync")) {
    KRAKEN_RETURN_IF_ERROR(
        CheckKeys(*t,
                  {"interval_seconds", "conflict_policy", "pilot_policies", "corp_policies",
                   "max_deletions", "max_deletion_share", "notify_channel_id"},
                  origin, "sync."));
    auto& s = config.sync;
    KRAKEN_RETURN_IF_ERROR(Read(*t, "interval_seconds", s.interval_seconds, origin, "sync."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "conflict_policy", s.conflict_policy, origin, "sync."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "max_deletions", s.max_deletions, origin, "sync."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "notify_channel_id", s.notify_channel_id, origin, "sync."));
    if (const toml::node* share = t->get("max_deletion_share")) {
      auto v = share->value<double>();
      if (!v) return Invalid(origin, "'sync.max_deletion_share' must be a number from 0 to 1");
      s.max_deletion_share = *v;
    }
    for (auto [name, into] : {std::pair{"pilot_policies", &s.pilot_policies},
                              std::pair{"corp_policies", &s.corp_policies}}) {
      const toml::node* node = t->get(name);
      if (node == nullptr) continue;
      const auto* table = node->as_table();
      if (table == nullptr) {
        return Invalid(origin, fmt::format("'sync.{}' must be a table: column = \"policy\"", name));
      }
      for (const auto& [column, policy] : *table) {
        auto text = policy.value<std::string>();
        if (!text) {
          return Invalid(origin, fmt::format("'sync.{}.{}' must be a string", name, column.str()));
        }
        (*into)[std::string(column.str())] = *text;
      }
    }
  }
  if (const auto* t = Section(root, "sheets")) {
    KRAKEN_RETURN_IF_ERROR(CheckKeys(*t,
                                     {"spreadsheet_id", "credentials", "sheets_root", "drive_root",
                                      "reads_per_minute", "writes_per_minute", "ca_file"},
                                     origin, "sheets."));
    auto& s = config.sheets;
    KRAKEN_RETURN_IF_ERROR(Read(*t, "spreadsheet_id", s.spreadsheet_id, origin, "sheets."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "credentials", s.credentials, origin, "sheets."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "sheets_root", s.sheets_root, origin, "sheets."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "drive_root", s.drive_root, origin, "sheets."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "reads_per_minute", s.reads_per_minute, origin, "sheets."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "writes_per_minute", s.writes_per_minute, origin, "sheets."));
    KRAKEN_RETURN_IF_ERROR(Read(*t, "ca_file", s.ca_file, origin, "sheets."));
  }
  return Ok{};
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<Config> ParseConfig(std::string_view text, const std::string& origin, const EnvLookup& env) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return Invalid(origin, fmt::format("line {}, column {}: {}", e.source().begin.line,
                                       e.source().begin.column, e.description()));
  }
  KRAKEN_RETURN_IF_ERROR(CheckKeys(
      root, {"data_dir", "pilot", "corp", "server", "discord", "sheets", "sync"}, origin, ""));
  Config config;
  config.source = origin;
  if (auto dir = root["data_dir"].value<std::string>()) config.data_dir = *dir;
  KRAKEN_RETURN_IF_ERROR(ParseColumns(root, Table::kPilot, config.schema, origin));
  KRAKEN_RETURN_IF_ERROR(ParseColumns(root, Table::kCorp, config.schema, origin));
  KRAKEN_RETURN_IF_ERROR(ParseSections(root, config, origin));
  ApplyEnvironment(config, env);
  KRAKEN_RETURN_IF_ERROR(ValidateDiscord(config, origin));
  KRAKEN_RETURN_IF_ERROR(ValidateSync(config, origin));
  return config;
}

Result<Config> LoadConfig(const std::optional<std::string>& path, const EnvLookup& env) {
  std::optional<std::string> file = path;
  if (!file) file = env("KRAKEN_CONFIG");
  if (!file && std::filesystem::exists("kraken.toml")) file = "kraken.toml";
  if (!file) {
    Config config;
    config.source = "embedded defaults";
    ApplyEnvironment(config, env);
    KRAKEN_RETURN_IF_ERROR(ValidateDiscord(config, "the environment"));
    KRAKEN_RETURN_IF_ERROR(ValidateSync(config, "the environment"));
    return config;
  }
  std::ifstream in(*file, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("cannot read config file '{}': {}; check the path (from --config "
                                 "or KRAKEN_CONFIG)",
                                 *file, std::strerror(errno)));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseConfig(buffer.str(), *file, env);
}

}  // namespace kraken
