// kraken serve, kraken discord simulate|register.

#include <CLI/CLI.hpp>

#include "tools/kraken/cli_context.h"

namespace kraken::cli {

void AddServeCommands(CLI::App& app, CliContext& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace kraken::cli
