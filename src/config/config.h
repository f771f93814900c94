#pragma once
// KRAKEN's configuration: embedded defaults, then a TOML file, then environment
// variables (the environment wins). Every key and variable is documented in
// docs/configuration.md.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "events/result.h"
#include "events/schema.h"

namespace kraken {

// `kraken serve`: the HTTP endpoint Discord posts interactions to.
struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // KRAKEN_LISTEN, host:port
  std::string tls_cert;                   // KRAKEN_TLS_CERT: PEM chain; with tls_key, serve https
  std::string tls_key;                    // KRAKEN_TLS_KEY
  // Requests handled at once. A durable append holds its thread until its group
  // commit, so this also caps how many appends one commit can merge.
  int handler_threads = 64;
  std::size_t body_limit = 256 * 1024;  // bytes; larger requests get 413
  std::size_t max_connections = 1024;   // open at once; beyond: 503 and closed. 0: no limit
};

struct DiscordConfig {
  std::string public_key;      // DISCORD_PUBLIC_KEY, 64 hex digits; empty: local dev key
  std::string application_id;  // DISCORD_APPLICATION_ID
  std::string bot_token;       // DISCORD_BOT_TOKEN (a secret: never logged)
  std::string api_base = "https://discord.com/api/v10";  // DISCORD_API_BASE
  std::vector<std::string> admin_role_ids;  // KRAKEN_ADMIN_ROLE_IDS, comma-separated
  std::string guild_id;                     // KRAKEN_GUILD_ID: default for `discord register`
  int timestamp_window_seconds = 0;         // 0: no freshness check (Discord documents none)
  // KRAKEN_CA_FILE: PEM CA certificates the REST client trusts; empty: the system store.
  std::string ca_file;
};

struct SheetsConfig {
  std::string spreadsheet_id;  // KRAKEN_SPREADSHEET_ID; empty: the bundled emulator
  std::string credentials;     // GOOGLE_APPLICATION_CREDENTIALS: service-account key file
  std::string sheets_root = "https://sheets.googleapis.com";  // KRAKEN_SHEETS_ROOT
  std::string drive_root = "https://www.googleapis.com";      // KRAKEN_DRIVE_ROOT
  int reads_per_minute = 60;
  int writes_per_minute = 60;
  // KRAKEN_CA_FILE: PEM CA certificates for Google (token and API); empty: the system store.
  std::string ca_file;
};

// The sheet projector (docs/sheet-projector.md).
struct SyncConfig {
  int interval_seconds = 30;  // KRAKEN_SYNC_INTERVAL; 0: only on demand (kraken sync, /admin sync)
  // Who wins when a cell changed in the sheet and in the log: "sheet-wins",
  // "log-wins" or "manual" (the log's value stands until an admin decides).
  std::string conflict_policy = "manual";
  std::map<std::string, std::string> pilot_policies;  // column -> policy, overriding the default
  std::map<std::string, std::string> corp_policies;
  // The deletion guard: a cycle that would remove more rows than this, and more
  // than this share of a tab, removes none and reports it.
  int max_deletions = 5;
  double max_deletion_share = 0.2;
  std::string notify_channel_id;  // Discord channel told about rolled-back changes
};

struct Config {
  std::string data_dir = "./data";  // KRAKEN_DATA_DIR
  ServerConfig server;
  DiscordConfig discord;
  SheetsConfig sheets;
  SyncConfig sync;
  Schema schema = Schema::Core();   // core columns plus [[pilot.columns]], [[corp.columns]]
  std::string source;               // where it came from: a file path, or "embedded defaults"
};

// Reads an environment variable; nullopt when unset. Injected so tests need not
// touch the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnvironment();

// Loads the configuration. The file is `path` if given, else $KRAKEN_CONFIG, else
// ./kraken.toml if it exists, else none (embedded defaults). A named file that
// cannot be read, a syntax error (with line and column), an unknown key, or an
// invalid column declaration is kInvalidArgument saying what to fix.
Result<Config> LoadConfig(const std::optional<std::string>& path, const EnvLookup& env);

// Parses TOML text (for tests and for files already read). `origin` names it in errors.
Result<Config> ParseConfig(std::string_view toml_text, const std::string& origin,
                           const EnvLookup& env);

}  // namespace kraken
