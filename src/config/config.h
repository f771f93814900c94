#pragma once
// KRAKEN's configuration: embedded defaults, then a TOML file, then environment
// variables (the environment wins). Every key and variable is documented in
// docs/configuration.md.

#include <functional>
#include <optional>
#include <string>

#include "events/result.h"
#include "events/schema.h"

namespace kraken {

struct Config {
  std::string data_dir = "./data";  // KRAKEN_DATA_DIR
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
