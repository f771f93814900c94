// kraken sheets-emulator.

#include <CLI/CLI.hpp>

#include "tools/kraken/cli_context.h"

namespace kraken::cli {

void AddSheetsEmulatorCommand(CLI::App& app, CliContext& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace kraken::cli
