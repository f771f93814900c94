// Fuzzes the configuration parser (src/config/config.h): TOML text, then the
// environment on top. The input is the TOML text, optionally followed by a NUL
// byte and environment lines NAME=VALUE.
//
// Invariants: a parse error is kInvalidArgument (never an exception); an
// accepted config holds only what the validation promises: known conflict
// policies on existing columns, a deletion share in [0, 1], a sync interval of
// zero or more, declared columns with valid names, enums with values and sane
// maximum lengths.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "src/config/config.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

bool IsPolicy(std::string_view p) { return p == "sheet-wins" || p == "log-wins" || p == "manual"; }

bool IsColumnName(std::string_view name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

void CheckConfig(const kraken::Config& config) {
  using kraken::Table;
  const kraken::SyncConfig& sync = config.sync;
  KRAKEN_FUZZ_CHECK(IsPolicy(sync.conflict_policy), sync.conflict_policy);
  for (auto [table, policies] : {std::pair{Table::kPilot, &sync.pilot_policies},
                                 std::pair{Table::kCorp, &sync.corp_policies}}) {
    for (const auto& [column, policy] : *policies) {
      KRAKEN_FUZZ_CHECK(config.schema.IndexOf(table, column).has_value(), column);
      KRAKEN_FUZZ_CHECK(IsPolicy(policy), policy);
    }
  }
  KRAKEN_FUZZ_CHECK(
      sync.max_deletion_share >= 0 && sync.max_deletion_share <= 1,
      "sync.max_deletion_share outside [0, 1]: " + std::to_string(sync.max_deletion_share));
  KRAKEN_FUZZ_CHECK(sync.interval_seconds >= 0, "negative sync interval");
  for (Table table : {Table::kPilot, Table::kCorp}) {
    for (const kraken::Column& column : config.schema.columns(table)) {
      KRAKEN_FUZZ_CHECK(IsColumnName(column.name), "column name '" + column.name + "'");
      KRAKEN_FUZZ_CHECK(column.type != kraken::ColumnType::kEnum || !column.enum_values.empty(),
                        "enum column '" + column.name + "' without values");
      KRAKEN_FUZZ_CHECK(column.max_length >= 1 && column.max_length <= 50000,
                        "column '" + column.name + "' max_length");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view toml = input.substr(0, nul);
  std::map<std::string, std::string> environment;
  if (nul != std::string_view::npos) {
    std::string_view rest = input.substr(nul + 1);
    while (!rest.empty()) {
      const std::size_t end = rest.find('\n');
      const std::string_view line = rest.substr(0, end);
      const std::size_t eq = line.find('=');
      if (eq != std::string_view::npos) {
        environment[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
      }
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
  }
  const kraken::EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
    auto it = environment.find(name);
    if (it == environment.end()) return std::nullopt;
    return it->second;
  };
  auto config = kraken::ParseConfig(toml, "fuzz.toml", env);
  if (!config.ok()) {
    KRAKEN_FUZZ_CHECK(config.error().code == kraken::ErrorCode::kInvalidArgument,
                      config.error().message);
    KRAKEN_FUZZ_CHECK(config.error().message.rfind("fuzz.toml: ", 0) == 0,
                      "an error names the file: " + config.error().message);
    return 0;
  }
  CheckConfig(*config);
  return 0;
}
