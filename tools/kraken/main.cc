// kraken: the admin CLI. Wiring only; every subcommand calls the library.

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "tools/kraken/cli_context.h"

int main(int argc, char** argv) {
  using namespace kraken::cli;
  CliContext ctx;
  CLI::App app{"KRAKEN: the EVE Echoes alliance roster, one event log behind Discord and Sheets"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags may follow the subcommand: kraken log --json
  app.add_option("--config", ctx.config_path,
                 "Config file (default: $KRAKEN_CONFIG, ./kraken.toml)");
  app.add_option("--data-dir", ctx.data_dir,
                 "Event log directory (default: $KRAKEN_DATA_DIR, ./data)");
  app.add_option("--actor", ctx.actor_name,
                 "Your name in the log (default: $KRAKEN_ACTOR, the OS user)");
  app.add_flag("--json", ctx.json, "Output JSON for scripts");
  AddRosterCommands(app, ctx);
  AddAuditCommands(app, ctx);
  AddAdminCommands(app, ctx);
  AddServeCommands(app, ctx);
  AddSheetsEmulatorCommand(app, ctx);
  AddSheetCommands(app, ctx);
  AddSyncCommands(app, ctx);  // after AddSheetCommands: it extends `sheet`
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "kraken: unexpected error: {}\n", e.what());
    return kExitError;
  }
  return ctx.exit_code;
}
