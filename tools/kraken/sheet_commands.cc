// kraken sheet show.

#include <CLI/CLI.hpp>

#include "tools/kraken/cli_context.h"

namespace kraken::cli {

void AddSheetCommands(CLI::App& app, CliContext& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace kraken::cli
