#pragma once
// What every `kraken` subcommand shares: the configuration, the log and the
// roster service (opened on first use), the acting admin, and the output mode.

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "events/result.h"
#include "src/app/roster_service.h"
#include "src/config/config.h"
#include "src/store/event_log.h"

namespace CLI {
class App;
}

namespace kraken::cli {

// Exit codes: 0 success, 1 an error, 2 bad usage.
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

class CliContext {
 public:
  // Global flags, filled by CLI11.
  std::optional<std::string> config_path;
  std::optional<std::string> data_dir;
  std::string actor_name;
  bool json = false;

  // Loads the config once. Flags win over the environment and the file.
  Result<const Config*> config();
  Result<EventLog*> log();
  // Opens the service: the tables, from the snapshot plus the tail.
  Result<RosterService*> service();
  Actor actor() const;

  // Writes a progress line to stderr when it is a terminal.
  std::function<void(std::uint64_t, std::uint64_t)> Progress(const char* what) const;

  // Wraps a subcommand: runs `fn`, prints its error (if any) and sets the exit code.
  std::function<void()> Run(std::function<Status()> fn);
  int exit_code = 0;

 private:
  std::optional<Config> config_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<RosterService> service_;
};

// Printing helpers shared by the subcommand files.
void Print(const std::string& text);
Error Usage(std::string message);  // an error that exits with code 2

// Registration of each group of subcommands.
void AddRosterCommands(CLI::App& app, CliContext& ctx);
void AddAuditCommands(CLI::App& app, CliContext& ctx);
void AddAdminCommands(CLI::App& app, CliContext& ctx);
void AddServeCommands(CLI::App& app, CliContext& ctx);           // serve, discord ...
void AddSheetsEmulatorCommand(CLI::App& app, CliContext& ctx);  // sheets-emulator
void AddSheetCommands(CLI::App& app, CliContext& ctx);           // sheet show
void AddSyncCommands(CLI::App& app, CliContext& ctx);  // sync, sheet pull|push|set, conflicts

}  // namespace kraken::cli
